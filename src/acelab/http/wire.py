"""Base wire models for the two dialects (STYLE.md 14) and the ACE timestamp format."""

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, PlainSerializer, model_validator
from pydantic.alias_generators import to_camel


def format_ace_time(value: datetime) -> str:
    """ace.md §1.3: RFC 3339 UTC, whole seconds, `Z` suffix."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


AceTime = Annotated[datetime, PlainSerializer(format_ace_time, return_type=str)]


class AceModel(BaseModel):
    """A response shape: snake_case in Python, camelCase on the wire."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, from_attributes=True)


class AceRequest(BaseModel):
    """A request body with Go `encoding/json` semantics (ace.md §1.6).

    Types are strict (a string where a number belongs is rejected), unknown keys are ignored,
    and an explicit `null` means the same as an absent key.
    """

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, strict=True)

    @model_validator(mode="before")
    @classmethod
    def _null_is_absent(cls, data: Any) -> Any:
        if data is None:
            return {}
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v is not None}
        return data


class OkResponse(AceModel):
    ok: bool = True


class IdResponse(AceModel):
    id: str


class SuccessResponse(AceModel):
    success: bool = True
