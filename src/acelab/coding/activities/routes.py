"""Activity and community routes (codemm.md §5): thin, the rules live in the service."""

from typing import Annotated, Any

from fastapi import Depends, Query, Request

from acelab.coding.activities import service
from acelab.coding.activities.models import Activity
from acelab.coding.activities.schemas import (
    ActivityDetailEnvelope,
    ActivityDetailRead,
    ActivityEnvelope,
    ActivityList,
    ActivityListItem,
    ActivityPatchIn,
    ActivityRead,
    Author,
    CommunityDetailEnvelope,
    CommunityDetailRead,
    CommunityList,
    CommunityListItem,
    CommunityPublished,
    CommunityPublishIn,
)
from acelab.db.session import DbSession
from acelab.errors import BadRequest
from acelab.http.auth import AnyPrincipal, MaybePrincipal
from acelab.http.errors import codemm_router
from acelab.http.wire import OkResponse

router = codemm_router(tags=["activities"])


def _read(activity: Activity) -> ActivityRead:
    return ActivityRead.model_validate(activity)


def _detail(activity: Activity) -> dict[str, Any]:
    return ActivityDetailRead.model_validate(activity).model_dump()


@router.get("/activities", response_model=ActivityList)
async def list_activities(caller: AnyPrincipal, session: DbSession) -> ActivityList:
    """The caller's activities, newest first."""
    activities = await service.list_owned(session, user_id=caller.user_id)
    return ActivityList(
        activities=[
            ActivityListItem(
                id=a.id,
                title=a.title,
                prompt=a.prompt,
                problem_count=len(a.problems),
                status=a.status,
                time_limit_seconds=a.time_limit_seconds,
                community_published_at=a.community_published_at,
                created_at=a.created_at,
            )
            for a in activities
        ]
    )


@router.get("/activities/{activity_id}", response_model=ActivityDetailEnvelope)
async def get_activity(
    activity_id: str, caller: MaybePrincipal, session: DbSession
) -> ActivityDetailEnvelope:
    """An activity its owner may see in any state, anyone else once it is published."""
    user_id = caller.user_id if caller else None
    activity = await service.get_visible(session, activity_id=activity_id, user_id=user_id)
    return ActivityDetailEnvelope(activity=ActivityDetailRead.model_validate(activity))


@router.patch("/activities/{activity_id}", response_model=ActivityEnvelope)
async def patch_activity(
    activity_id: str, body: ActivityPatchIn, caller: AnyPrincipal, session: DbSession
) -> ActivityEnvelope:
    """Rename a draft or set its time limit (null clears it)."""
    changes: dict[str, Any] = {}
    if "time_limit_seconds" in body.model_fields_set:
        changes["time_limit_seconds"] = body.time_limit_seconds
    activity = await service.update_draft(
        session, activity_id=activity_id, user_id=caller.user_id, title=body.title, **changes
    )
    return ActivityEnvelope(activity=_read(activity))


@router.post("/activities/{activity_id}/publish", response_model=OkResponse)
async def publish_activity(activity_id: str, caller: AnyPrincipal, session: DbSession) -> OkResponse:
    """Make a draft readable by anyone (idempotent); it can no longer be edited."""
    await service.publish(session, activity_id=activity_id, user_id=caller.user_id)
    return OkResponse()


@router.post("/activities/{activity_id}/community/publish", response_model=CommunityPublished)
async def publish_to_community(
    activity_id: str, caller: AnyPrincipal, session: DbSession, body: CommunityPublishIn | None = None
) -> CommunityPublished:
    """List a published activity in the community, with an optional summary and tags."""
    body = body or CommunityPublishIn()
    activity = await service.publish_to_community(
        session, activity_id=activity_id, user_id=caller.user_id, summary=body.summary, tags=body.tags
    )
    assert activity.community_published_at is not None
    return CommunityPublished(community_published_at=activity.community_published_at)


@router.post("/activities/{activity_id}/community/unpublish", response_model=OkResponse)
async def unpublish_from_community(activity_id: str, caller: AnyPrincipal, session: DbSession) -> OkResponse:
    """Take an activity off the community listing (summary and tags are kept)."""
    await service.unpublish_from_community(session, activity_id=activity_id, user_id=caller.user_id)
    return OkResponse()


async def _only_known_query_keys(request: Request) -> None:
    unknown = sorted(set(request.query_params) - {"limit", "offset"})
    if unknown:
        raise BadRequest("Unrecognized key(s) in object: " + ", ".join(f"'{k}'" for k in unknown))


def _author(entry: service.CommunityEntry) -> Author:
    username, display_name = service.author_names(entry.author)
    return Author(username=username, display_name=display_name)


@router.get(
    "/community/activities",
    response_model=CommunityList,
    dependencies=[Depends(_only_known_query_keys)],
    tags=["community"],
)
async def list_community(
    session: DbSession,
    limit: Annotated[int, Query(ge=1, le=50)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> CommunityList:
    """Activities shared with the community, most recently shared first (public)."""
    entries = await service.list_community(session, limit=limit, offset=offset)
    items = [
        CommunityListItem(
            id=e.activity.id,
            title=e.activity.title,
            community_summary=e.activity.community_summary,
            community_tags=[t for t in e.activity.community_tags if isinstance(t, str)],
            community_published_at=e.activity.community_published_at,
            created_at=e.activity.created_at,
            problem_count=len(e.activity.problems),
            author=_author(e),
        )
        for e in entries
        if e.activity.community_published_at is not None
    ]
    return CommunityList(activities=items, next_offset=offset + limit if len(entries) == limit else None)


@router.get("/community/activities/{activity_id}", response_model=CommunityDetailEnvelope, tags=["community"])
async def get_community_activity(activity_id: str, session: DbSession) -> CommunityDetailEnvelope:
    """One shared activity with its problems and author (public)."""
    entry = await service.get_community(session, activity_id=activity_id)
    return CommunityDetailEnvelope(
        activity=CommunityDetailRead.model_validate({**_detail(entry.activity), "author": _author(entry)})
    )
