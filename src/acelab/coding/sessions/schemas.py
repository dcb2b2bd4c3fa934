"""Wire shapes of the session routes (codemm.md §6.2-6.5).

The contract mixes camelCase and snake_case keys in one object; every key is spelled out here.
Request fields are typed loosely on purpose: the contract answers a wrong type with its own
message (`message is required string.`) or a default (`learning_mode`), which the service applies.
"""

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, JsonValue, WithJsonSchema, model_validator

from acelab.http.wire import SqliteTime


class WireModel(BaseModel):
    model_config = ConfigDict(populate_by_name=True, from_attributes=True, serialize_by_alias=True)


class LooseBody(BaseModel):
    """A body read like the original's `req.body ?? {}`: anything but an object counts as empty."""

    model_config = ConfigDict(extra="ignore")

    @model_validator(mode="before")
    @classmethod
    def _object_or_empty(cls, data: Any) -> Any:
        return data if isinstance(data, dict) else {}


class SessionCreate(LooseBody):
    learning_mode: Annotated[
        JsonValue,
        WithJsonSchema(
            {"type": "string", "enum": ["practice", "guided"], "default": "practice"},
        ),
        Field(description="Any other value means practice."),
    ] = None


class MessageCreate(LooseBody):
    message: Annotated[
        JsonValue, WithJsonSchema({"type": "string", "minLength": 1, "description": "Trimmed; not blank."})
    ] = None


class SessionCreated(WireModel):
    session_id: str = Field(alias="sessionId")
    state: str
    learning_mode: str
    next_question: str = Field(alias="nextQuestion")
    question_key: str | None = Field(alias="questionKey")
    done: bool
    next_action: str
    session_token: str | None = Field(
        None,
        alias="sessionToken",
        description=(
            "Anonymous creators only: send it back as the X-Codemm-Session-Token header (it is also set "
            "as a cookie) to reach this session again."
        ),
    )


class TurnRead(WireModel):
    accepted: bool = True
    state: str
    next_question: str = Field(alias="nextQuestion")
    question_key: str | None = Field(alias="questionKey")
    spec: dict[str, Any]
    done: bool
    next_action: str


class MessageRead(WireModel):
    id: str
    session_id: str
    role: str
    content: str
    created_at: SqliteTime


class CollectorRead(WireModel):
    current_question_key: str | None = Field(alias="currentQuestionKey")
    buffer: list[str]


class SessionRead(WireModel):
    session_id: str = Field(alias="sessionId")
    state: str
    learning_mode: str
    spec: dict[str, Any]
    messages: list[MessageRead]
    collector: CollectorRead
    confidence: dict[str, int | float]
    commitments: list[dict[str, Any]]
    generation_outcomes: list[dict[str, Any]] = Field(alias="generationOutcomes")
    intent_trace: list[dict[str, Any]] = Field(alias="intentTrace")


class SessionListItem(WireModel):
    id: str
    state: str
    learning_mode: str
    created_at: SqliteTime
    updated_at: SqliteTime
    activity_id: str | None
    last_message: str | None
    last_message_at: SqliteTime | None
    message_count: int


class SessionList(WireModel):
    sessions: list[SessionListItem]
