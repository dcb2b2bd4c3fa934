"""Wire shapes of the admin dashboard (ace.md §11.1)."""

from acelab.http.wire import AceModel, AceTime


class RoleCounts(AceModel):
    student: int
    instructor: int
    admin: int


class UserCountsRead(AceModel):
    total: int
    active: int
    deleted: int
    by_role: RoleCounts


class QuestionCountsRead(AceModel):
    packages: int
    topics: int
    questions: int
    by_status: dict[str, int]


class ExamCountsRead(AceModel):
    sessions: int
    submitted: int
    by_status: dict[str, int]
    events: int
    flags: int


class DashboardRead(AceModel):
    ts: AceTime
    users: UserCountsRead
    question_bank: QuestionCountsRead
    exams: ExamCountsRead
