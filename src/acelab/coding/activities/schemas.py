"""Wire shapes of the activity and community routes (codemm.md §5)."""

from typing import Annotated, Any

from pydantic import Field, StringConstraints

from acelab.http.wire import AceModel, CodemmRequest, IsoMsTime, SqliteTime

Title = Annotated[str, StringConstraints(min_length=1, max_length=160)]
Summary = Annotated[str, StringConstraints(min_length=1, max_length=240)]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=24)]


class ActivityPatchIn(CodemmRequest):
    title: Title | None = None
    # Explicit null clears the limit; an absent key leaves it unchanged.
    time_limit_seconds: Annotated[int, Field(ge=0, le=28_800)] | None = None


class CommunityPublishIn(CodemmRequest):
    summary: Summary | None = None
    tags: Annotated[list[Tag], Field(max_length=10)] | None = None


class ActivityRead(AceModel):
    id: str
    title: str
    prompt: str
    problems: list[dict[str, Any]]
    status: str
    time_limit_seconds: int | None
    created_at: SqliteTime


class ActivityDetailRead(ActivityRead):
    community_published_at: IsoMsTime | None
    community_summary: str | None
    community_tags: list[str]


class ActivityEnvelope(AceModel):
    activity: ActivityRead


class ActivityDetailEnvelope(AceModel):
    activity: ActivityDetailRead


class ActivityListItem(AceModel):
    id: str
    title: str
    prompt: str
    problem_count: int
    status: str
    time_limit_seconds: int | None
    community_published_at: IsoMsTime | None
    created_at: SqliteTime


class ActivityList(AceModel):
    activities: list[ActivityListItem]


class Author(AceModel):
    username: str
    display_name: str


class CommunityListItem(AceModel):
    id: str
    title: str
    community_summary: str | None
    community_tags: list[str]
    community_published_at: IsoMsTime
    created_at: SqliteTime
    problem_count: int
    author: Author


class CommunityList(AceModel):
    activities: list[CommunityListItem]
    next_offset: int | None


class CommunityDetailRead(ActivityDetailRead):
    author: Author


class CommunityDetailEnvelope(AceModel):
    activity: CommunityDetailRead


class CommunityPublished(AceModel):
    ok: bool = True
    community_published_at: IsoMsTime
