"""Base wire models for the two dialects (STYLE.md 14) and the ACE timestamp format."""

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, PlainSerializer, model_validator
from pydantic.alias_generators import to_camel


def format_ace_time(value: datetime) -> str:
    """ace.md §1.3: RFC 3339 UTC, whole seconds, `Z` suffix."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


AceTime = Annotated[datetime, PlainSerializer(format_ace_time, return_type=str)]


def format_sqlite_time(value: datetime) -> str:
    """codemm.md §2: database timestamps look like SQLite's datetime('now'): UTC, no `T`, no `Z`."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def format_iso_ms(value: datetime) -> str:
    """codemm.md §2: application timestamps are ISO 8601 with milliseconds and `Z`."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


SqliteTime = Annotated[datetime, PlainSerializer(format_sqlite_time, return_type=str)]
IsoMsTime = Annotated[datetime, PlainSerializer(format_iso_ms, return_type=str)]


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


class CodemmRequest(BaseModel):
    """A Codemm request body (codemm.md §2, zod `.strict()`): unknown keys are rejected and strings
    trimmed before their length is checked."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", str_strip_whitespace=True
    )


class OkResponse(AceModel):
    ok: bool = True


class IdResponse(AceModel):
    id: str


class SuccessResponse(AceModel):
    success: bool = True
