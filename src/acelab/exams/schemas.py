"""Wire shapes of exam sessions (ace.md §8, §11.11-11.13), exam blueprints and attempts.

ACE shapes are rendered with `exclude_unset`: an optional key is set only when the contract says it is
present (a stored JSON null snapshot stays `null`, an absent `submittedAt` is left out).
"""

from typing import Any

from pydantic import Field, model_validator

from acelab.http.wire import AceModel, AceRequest, AceTime


def _null_is_absent_except(data: Any, keep: frozenset[str]) -> Any:
    """AceRequest's rule (null = absent), except for the keys where the contract stores a JSON null."""
    if data is None:
        return {}
    if isinstance(data, dict):
        return {k: v for k, v in data.items() if v is not None or k in keep}
    return data


# --- ACE: student sessions ------------------------------------------------------------------------


class HeartbeatCreate(AceRequest):
    """ace.md §8.3, plus `seq` (orders saves; required for attempts) and `answers` (attempts only:
    questionId -> choiceId, or null to clear an answer)."""

    exam_package_id: str | None = None
    session_id: str | None = None
    ts: str | None = Field(None, description="ignored: the server keeps its own time")
    snapshot: Any = Field(None, description="any JSON; absent means {}, null is stored as null")
    seq: int | None = Field(
        None, ge=0, description="increase with every save; older or equal ones are ignored"
    )
    answers: dict[str, str | None] | None = None

    @model_validator(mode="before")
    @classmethod
    def _null_is_absent(cls, data: Any) -> Any:
        return _null_is_absent_except(data, frozenset({"snapshot"}))


class HeartbeatAck(AceModel):
    """`{ok, serverTs}`; attempts add their clock and what happened to this save."""

    ok: bool = True
    server_ts: AceTime
    status: str | None = None
    applied: bool | None = None
    seq: int | None = None
    expires_at: AceTime | None = None
    closes_at: AceTime | None = None
    time_remaining_seconds: int | None = None
    answered_count: int | None = None


class ExamSessionListItem(AceModel):
    """ace.md §8.2: `examPackageId` and `submittedAt` are left out when null."""

    session_id: str
    exam_package_id: str | None = None
    status: str
    created_at: AceTime
    updated_at: AceTime
    last_heartbeat_at: AceTime
    submitted_at: AceTime | None = None


class ExamSessionPage(AceModel):
    items: list[ExamSessionListItem]
    limit: int
    offset: int
    has_more: bool


class ExamSessionRead(ExamSessionListItem):
    """ace.md §8.4: the stored snapshot verbatim (`{}` when none)."""

    snapshot: Any = None


class EventCreate(AceRequest):
    event_type: str = ""
    payload: Any = Field(None, description="any JSON; absent means {}, null is stored as null")
    ts: str | None = Field(None, description="ignored: the server keeps its own time")

    @model_validator(mode="before")
    @classmethod
    def _null_is_absent(cls, data: Any) -> Any:
        return _null_is_absent_except(data, frozenset({"payload"}))


# --- ACE: admin -----------------------------------------------------------------------------------


class AdminExamSessionListItem(AceModel):
    """ace.md §11.11; the optional times are left out when null."""

    user_id: str
    user_email: str
    session_id: str
    status: str
    created_at: AceTime
    updated_at: AceTime
    last_heartbeat_at: AceTime
    submitted_at: AceTime | None = None
    terminated_at: AceTime | None = None
    invalidated_at: AceTime | None = None


class AdminExamSessionPage(AceModel):
    items: list[AdminExamSessionListItem]
    limit: int
    offset: int
    has_more: bool


class AdminExamSessionRead(AdminExamSessionListItem):
    terminated_by_user_id: str | None = None
    termination_reason: str
    invalidated_by_user_id: str | None = None
    invalidation_reason: str
    snapshot: Any = None


class ReasonBody(AceModel):
    """Documented body of terminate and invalidate; it is read leniently (ace.md §11.12)."""

    reason: str | None = None


class FlagCreate(AceRequest):
    flag_type: str = ""
    note: str = ""


class FlagRead(AceModel):
    id: int
    flag_type: str
    note: str
    created_by_user_id: str | None
    created_at: AceTime


class FlagList(AceModel):
    items: list[FlagRead]


class EventRead(AceModel):
    """ace.md §11.13, plus `source`: client, server (clock and integrity) or admin (its actions)."""

    id: int
    event_type: str
    payload: Any = None
    created_at: AceTime
    source: str


class EventPage(AceModel):
    items: list[EventRead]
    limit: int
    offset: int
    has_more: bool


class IntegrityRead(AceModel):
    """What an admin weighs before acting on an attempt. Times are server times."""

    user_id: str
    session_id: str
    status: str
    is_attempt: bool
    events: int
    focus_losses: int = Field(description="window_blur events")
    hidden_count: int = Field(description="visibility_hidden events")
    hidden_seconds: int = Field(description="from each visibility_hidden to the next visibility_visible")
    heartbeats: int
    heartbeat_gaps: int
    longest_heartbeat_gap_seconds: int
    ip_changes: int
    user_agent_changes: int
    last_ip: str | None
    last_user_agent: str | None
    flags: int
    last_heartbeat_at: AceTime


# --- blueprints ----------------------------------------------------------------------------------


class MixItem(AceModel):
    topic_id: str | None = None
    difficulty_id: str | None = None
    count: int


class MixItemIn(AceRequest):
    topic_id: str | None = None
    difficulty_id: str | None = None
    count: int = 0


class BlueprintCreate(AceRequest):
    exam_package_id: str = ""
    name: str = ""
    description: str = ""
    question_count: int = 0
    mix: list[MixItemIn] = Field(default_factory=list)
    time_limit_seconds: int = 0
    grace_seconds: int = 30
    pass_percent: int = 60
    attempts_allowed: int = 1
    shuffle_questions: bool = True
    shuffle_choices: bool = False
    is_published: bool = False


class BlueprintUpdate(AceRequest):
    """Absent keys leave a field as it is."""

    name: str | None = None
    description: str | None = None
    question_count: int | None = None
    mix: list[MixItemIn] | None = None
    time_limit_seconds: int | None = None
    grace_seconds: int | None = None
    pass_percent: int | None = None
    attempts_allowed: int | None = None
    shuffle_questions: bool | None = None
    shuffle_choices: bool | None = None
    is_published: bool | None = None


class BlueprintRead(AceModel):
    id: str
    exam_package_id: str
    name: str
    description: str
    question_count: int
    mix: list[MixItem]
    time_limit_seconds: int
    grace_seconds: int
    pass_percent: int
    attempts_allowed: int
    shuffle_questions: bool
    shuffle_choices: bool
    is_published: bool
    created_at: AceTime
    updated_at: AceTime


class BlueprintList(AceModel):
    items: list[BlueprintRead]


class StudentBlueprintRead(AceModel):
    """A published exam a student may take, with their attempts so far."""

    id: str
    exam_package_id: str
    name: str
    description: str
    question_count: int
    time_limit_seconds: int
    grace_seconds: int
    pass_percent: int
    attempts_allowed: int
    attempts_used: int
    active_attempt_id: str | None


class StudentBlueprintList(AceModel):
    items: list[StudentBlueprintRead]


# --- attempts ------------------------------------------------------------------------------------


class AttemptCreate(AceRequest):
    blueprint_id: str = ""


class ChoiceRead(AceModel):
    id: str
    text: str


class AttemptQuestion(AceModel):
    """A question as the student sees it: never its correct choice or explanation."""

    id: str
    prompt: str
    choices: list[ChoiceRead]
    topic_name: str | None


class AttemptRead(AceModel):
    attempt_id: str
    blueprint_id: str | None
    exam_package_id: str | None
    status: str
    attempt_number: int
    started_at: AceTime
    expires_at: AceTime
    closes_at: AceTime
    server_ts: AceTime
    time_limit_seconds: int
    grace_seconds: int
    time_remaining_seconds: int
    seq: int | None
    submitted_at: AceTime | None
    submit_reason: str | None
    questions: list[AttemptQuestion]
    answers: dict[str, str]


class AttemptListItem(AceModel):
    attempt_id: str
    blueprint_id: str | None
    exam_package_id: str | None
    status: str
    attempt_number: int
    started_at: AceTime
    expires_at: AceTime
    submitted_at: AceTime | None
    score_percent: float | None
    passed: bool | None


class AttemptPage(AceModel):
    items: list[AttemptListItem]
    limit: int
    offset: int
    has_more: bool


class AnswersSave(AceRequest):
    answers: dict[str, str | None] = Field(default_factory=dict)
    seq: int | None = Field(
        None, ge=0, description="increase with every save; older or equal ones are ignored"
    )


class AnswersAck(AceModel):
    attempt_id: str
    applied: bool
    seq: int | None
    answered_count: int
    server_ts: AceTime
    time_remaining_seconds: int


class BreakdownRow(AceModel):
    key: str | None = Field(description="the topic or difficulty id; null for questions without a topic")
    name: str | None
    correct: int
    total: int
    percent: float


class ResultItem(AceModel):
    question_id: str
    prompt: str
    choices: list[ChoiceRead]
    topic_name: str | None
    difficulty_id: str
    selected_choice_id: str | None
    correct_choice_id: str
    correct: bool
    explanation: str


class AttemptResult(AceModel):
    attempt_id: str
    blueprint_id: str | None
    status: str
    started_at: AceTime
    submitted_at: AceTime
    submit_reason: str
    correct: int
    total: int
    percent: float
    pass_percent: int
    passed: bool
    by_topic: list[BreakdownRow]
    by_difficulty: list[BreakdownRow]
    items: list[ResultItem]
