"""Wire shapes of the profile routes (codemm.md §4)."""

from typing import Annotated, Any, Literal

from pydantic import BaseModel, StringConstraints

from acelab.http.wire import AceModel, CodemmRequest, SqliteTime


class ProfileUser(AceModel):
    id: str
    username: str
    email: str
    display_name: str
    created_at: SqliteTime


class ProfileStats(AceModel):
    total_submissions: int
    successful_submissions: int
    activities_attempted: int
    problems_attempted: int
    avg_execution_time: float
    success_rate: int


class ProfileActivity(AceModel):
    id: str
    title: str
    prompt: str
    problems: list[dict[str, Any]]
    created_at: SqliteTime


class SubmissionRow(BaseModel):
    """A raw submission row, snake_case as the original returns it (success as 0/1)."""

    id: str
    user_id: str
    activity_id: str
    problem_id: str
    code: str
    success: int
    passed_tests: int
    total_tests: int
    execution_time_ms: int | None
    submitted_at: str


class ProfileRead(AceModel):
    user: ProfileUser
    stats: ProfileStats
    activities: list[ProfileActivity]
    recent_submissions: list[SubmissionRow]


class LlmSettingsRead(AceModel):
    configured: bool
    provider: str | None
    updated_at: SqliteTime | None


class LlmSettingsIn(CodemmRequest):
    provider: Literal["openai", "anthropic", "gemini"]
    api_key: Annotated[str, StringConstraints(min_length=10, max_length=400)]
