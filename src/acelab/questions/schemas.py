"""Wire shapes of the question bank routes (ace.md §9.1-9.26)."""

from typing import Any

from pydantic import Field, model_validator

from acelab.http.wire import AceModel, AceRequest, AceTime
from acelab.questions.service import QuestionDetail


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


class QuestionRequest(AceRequest):
    """A request body whose strings can be stored: PostgreSQL text cannot hold NUL (a 500 otherwise)."""

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        if _has_nul(data):
            raise ValueError("NUL character in a string")
        return data


# --- banks, topics, difficulties -----------------------------------------------------------------


class QuestionBankRead(AceModel):
    id: str
    name: str
    exam_package_id: str | None
    is_hidden: bool
    created_at: AceTime


class QuestionBankList(AceModel):
    items: list[QuestionBankRead]


class QuestionBankCreate(QuestionRequest):
    name: str = ""
    exam_package_id: str = ""


class QuestionBankUpdate(QuestionRequest):
    name: str | None = None
    exam_package_id: str | None = Field(
        None, description='"" unlinks the bank; null leaves the link as it is'
    )
    is_hidden: bool | None = None


class QuestionTopicRead(AceModel):
    id: str
    question_bank_id: str | None
    name: str
    is_hidden: bool
    created_at: AceTime


class QuestionTopicList(AceModel):
    items: list[QuestionTopicRead]


class QuestionTopicCreate(QuestionRequest):
    question_bank_id: str | None = None
    name: str = ""


class QuestionTopicUpdate(QuestionRequest):
    name: str | None = None
    is_hidden: bool | None = None


class QuestionDifficultyRead(AceModel):
    id: str
    display_name: str


class QuestionDifficultyList(AceModel):
    items: list[QuestionDifficultyRead]


class QuestionDifficultyUpdate(QuestionRequest):
    display_name: str | None = None


# --- questions -----------------------------------------------------------------------------------


class ChoiceIn(QuestionRequest):
    text: str = ""


class QuestionCreate(QuestionRequest):
    question_bank_id: str | None = None
    topic_id: str | None = None
    difficulty_id: str = ""
    prompt: str = Field("", description="1-5000 characters after trimming")
    explanation: str = ""
    choices: list[ChoiceIn] = Field(default_factory=list, description="2-6 distinct, non-empty texts")
    correct_choice_index: int = 0


class QuestionUpdate(QuestionRequest):
    """Null or absent leaves a field unchanged; "" clears the bank or the topic."""

    question_bank_id: str | None = None
    topic_id: str | None = None
    difficulty_id: str | None = None
    prompt: str | None = None
    explanation: str | None = None


class ChoicesReplace(QuestionRequest):
    choices: list[ChoiceIn] = Field(default_factory=list, description="2-6 distinct, non-empty texts")
    correct_choice_index: int = 0


class ChoiceRead(AceModel):
    id: str
    text: str


class PublicQuestionListItem(AceModel):
    id: str
    question_bank_id: str | None
    topic_id: str | None
    difficulty_id: str
    prompt: str


class PublicQuestionRead(PublicQuestionListItem):
    """What a student sees: no correct answer, no explanation."""

    choices: list[ChoiceRead]

    @classmethod
    def from_detail(cls, detail: QuestionDetail) -> "PublicQuestionRead":
        q = detail.question
        return cls(
            id=q.id,
            question_bank_id=q.question_bank_id,
            topic_id=q.topic_id,
            difficulty_id=q.difficulty_id,
            prompt=q.prompt,
            choices=[ChoiceRead.model_validate(c) for c in detail.choices],
        )


class InstructorQuestionRead(AceModel):
    """The author's view; the review note is never returned (ace.md §9.1)."""

    id: str
    question_bank_id: str | None
    topic_id: str | None
    difficulty_id: str
    prompt: str
    explanation: str
    status: str
    correct_choice_id: str
    choices: list[ChoiceRead]
    created_by_user_id: str
    updated_by_user_id: str
    created_at: AceTime
    updated_at: AceTime

    @classmethod
    def from_detail(cls, detail: QuestionDetail) -> "InstructorQuestionRead":
        q = detail.question
        return cls(
            id=q.id,
            question_bank_id=q.question_bank_id,
            topic_id=q.topic_id,
            difficulty_id=q.difficulty_id,
            prompt=q.prompt,
            explanation=q.explanation_text,
            status=q.status,
            correct_choice_id=detail.correct_choice_id,
            choices=[ChoiceRead.model_validate(c) for c in detail.choices],
            created_by_user_id=q.created_by_user_id,
            updated_by_user_id=q.updated_by_user_id,
            created_at=q.created_at,
            updated_at=q.updated_at,
        )


class RequestChangesIn(QuestionRequest):
    note: str = ""
