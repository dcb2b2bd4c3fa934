"""Wire shapes of practice templates (ace.md §6) and practice sessions (§7), keys exactly as the contract."""

from typing import Any

from pydantic import Field, model_validator

from acelab.http.wire import AceModel, AceRequest, AceTime


class PracticeTemplateRead(AceModel):
    """ace.md §6.1 PracticeTemplate: every key always present, nullable ones as null."""

    id: str
    exam_package_id: str
    name: str
    section: str
    topic_id: str | None
    topic_name: str | None
    difficulty_id: str | None
    difficulty_name: str | None
    is_timed: bool
    target_count: int
    sort_order: int
    is_published: bool
    created_at: AceTime
    updated_at: AceTime


class PracticeTemplateList(AceModel):
    items: list[PracticeTemplateRead]


class PracticeTemplateCreate(AceRequest):
    exam_package_id: str = ""
    name: str = ""
    section: str = ""
    topic_id: str | None = None
    difficulty_id: str | None = None
    is_timed: bool = False
    target_count: int = 0
    sort_order: int | None = None


class PracticeTemplateUpdate(AceRequest):
    """Absent keys leave a field unchanged; `topicId`/`difficultyId` set to null clear it (§16.2 B4)."""

    name: str | None = None
    section: str | None = None
    topic_id: str | None = None
    difficulty_id: str | None = None
    is_timed: bool | None = None
    target_count: int | None = None
    sort_order: int | None = None

    # Overrides AceRequest's rule that null means absent: for the two optional references the web
    # app sends null to mean "none", and only those two may be cleared.
    @model_validator(mode="before")
    @classmethod
    def _null_is_absent(cls, data: Any) -> Any:
        if data is None:
            return {}
        if isinstance(data, dict):
            clearable = {"topicId", "difficultyId", "topic_id", "difficulty_id"}
            return {k: v for k, v in data.items() if v is not None or k in clearable}
        return data


class PracticeSessionCreate(AceRequest):
    exam_package_id: str | None = None
    template_id: str | None = None
    timed: bool = False
    count: int = 0


class AnswerCreate(AceRequest):
    question_id: str = ""
    choice_id: str = ""
    ts: str | None = Field(None, description="ignored: the server keeps its own time")


class ChoiceRead(AceModel):
    id: str
    text: str


class QuestionRead(AceModel):
    """The current question, never its correct choice or explanation (ace.md §7.2)."""

    id: str
    prompt: str
    choices: list[ChoiceRead]


class PracticeSessionRead(AceModel):
    """ace.md §7.11, rendered with `exclude_unset`: the optional keys are set only when present."""

    session_id: str
    status: str
    created_at: AceTime
    started_at: AceTime
    exam_package_id: str | None
    is_timed: bool
    time_limit_seconds: int | None = None
    current_question_started_at: AceTime | None = None
    question_timings_seconds: dict[str, int] | None = None
    target_count: int
    current_index: int
    total: int
    correct_count: int
    question: QuestionRead | None


class PracticeSessionListItem(AceModel):
    """ace.md §7.3, rendered with `exclude_unset` like PracticeSessionRead."""

    session_id: str
    status: str
    created_at: AceTime
    last_activity_at: AceTime
    exam_package_id: str | None
    is_timed: bool
    time_limit_seconds: int | None = None
    time_remaining_seconds: int | None = None
    target_count: int
    correct_count: int
    accuracy: float


class PracticeSessionPage(AceModel):
    items: list[PracticeSessionListItem]
    limit: int
    offset: int
    has_more: bool


class AnswerResult(AceModel):
    correct: bool
    explanation: str
    done: bool


class ReviewItem(AceModel):
    """ace.md §7.9; `selectedChoiceId` and `correct` are left out for unanswered questions."""

    index: int
    question: QuestionRead
    selected_choice_id: str | None = None
    correct: bool | None = None
    explanation: str
    time_taken_seconds: int
    correct_choice_id: str


class Review(AceModel):
    session_id: str
    items: list[ReviewItem]


class Summary(AceModel):
    session_id: str
    total: int
    correct_count: int
    accuracy: float
