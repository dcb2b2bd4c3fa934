"""Activities: ownership, the DRAFT → PUBLISHED rule, community sharing, and the stored-suite lookup
the judge grades with (codemm.md §5, §17.1 item 1)."""

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from acelab import clock
from acelab.coding.activities.models import DRAFT, PUBLISHED, Activity
from acelab.db.engine import Database
from acelab.db.session import unit_of_work
from acelab.errors import Conflict, Forbidden, NotFound
from acelab.identity.models import User
from acelab.identity.service import Account
from acelab.judge.service import StoredSuite

_UNSET: Any = object()


class ActivityNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("Activity not found.")


class CommunityActivityNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("Community activity not found.")


class NotYourActivity(Forbidden):
    def __init__(self, action: str) -> None:
        super().__init__(f"You are not authorized to {action}.")


class AlreadyPublished(Conflict):
    def __init__(self) -> None:
        super().__init__("This activity has already been published.")


class PublishFirst(Conflict):
    def __init__(self) -> None:
        super().__init__("Publish the activity first before sharing it to the community.")


@dataclass(frozen=True, slots=True)
class CommunityEntry:
    activity: Activity
    author: User


def author_names(user: User | Account) -> tuple[str, str]:
    """(username, display name); ACE accounts have no username, so the e-mail's local part stands in."""
    username = user.username or user.email.split("@", 1)[0]
    return username, user.display_name or username


async def create_activity(
    session: AsyncSession, *, owner_id: str, problems: list[dict[str, Any]]
) -> Activity:
    """A generated activity: a DRAFT its owner edits, then publishes (codemm.md §10.1 step 10)."""
    now = clock.utcnow()
    activity = Activity(
        id=str(uuid.uuid4()),
        user_id=owner_id,
        title=f"Activity ({len(problems)} problems)",
        prompt="",
        problems=problems,
        status=DRAFT,
        time_limit_seconds=None,
        community_published_at=None,
        community_summary=None,
        community_tags=[],
        created_at=now,
        updated_at=now,
    )
    session.add(activity)
    await session.flush()
    return activity


async def list_owned(session: AsyncSession, *, user_id: str) -> list[Activity]:
    stmt = (
        select(Activity).where(Activity.user_id == user_id).order_by(Activity.created_at.desc(), Activity.id)
    )
    return list((await session.scalars(stmt)).all())


async def get_visible(session: AsyncSession, *, activity_id: str, user_id: str | None) -> Activity:
    """The owner sees every state; anyone else only PUBLISHED activities."""
    activity = await session.get(Activity, activity_id)
    if activity is None:
        raise ActivityNotFound()
    if activity.user_id != user_id and activity.status != PUBLISHED:
        raise NotYourActivity("access this activity")
    return activity


async def _owned(session: AsyncSession, *, activity_id: str, user_id: str, action: str) -> Activity:
    activity = await session.get(Activity, activity_id, with_for_update=True)
    if activity is None:
        raise ActivityNotFound()
    if activity.user_id != user_id:
        raise NotYourActivity(action)
    return activity


async def update_draft(
    session: AsyncSession,
    *,
    activity_id: str,
    user_id: str,
    title: str | None = None,
    time_limit_seconds: int | None = _UNSET,
) -> Activity:
    """PATCH: only the owner, only while DRAFT; an empty change returns the activity as it is."""
    activity = await _owned(session, activity_id=activity_id, user_id=user_id, action="edit this activity")
    if activity.status != DRAFT:
        raise AlreadyPublished()
    if title is not None:
        activity.title = title
    if time_limit_seconds is not _UNSET:
        activity.time_limit_seconds = time_limit_seconds
    activity.updated_at = clock.utcnow()
    await session.flush()
    return activity


async def editable_problem(
    session: AsyncSession, *, activity_id: str, user_id: str, problem_id: str
) -> dict[str, Any]:
    """A problem of a DRAFT the caller owns, for an edit (404, 403, 409 as PATCH answers)."""
    activity = await session.get(Activity, activity_id)
    if activity is None:
        raise ActivityNotFound()
    if activity.user_id != user_id:
        raise NotYourActivity("edit this activity")
    if activity.status != DRAFT:
        raise AlreadyPublished()
    problem = next((p for p in activity.problems if p.get("id") == problem_id), None)
    if problem is None:
        raise NotFound("Problem not found.")
    return dict(problem)


async def replace_problem(
    session: AsyncSession, *, activity_id: str, user_id: str, problem: dict[str, Any]
) -> Activity:
    """Swap in an edited problem (same id) of a DRAFT the caller owns."""
    activity = await _owned(session, activity_id=activity_id, user_id=user_id, action="edit this activity")
    if activity.status != DRAFT:
        raise AlreadyPublished()
    problems = list(activity.problems)
    index = next((i for i, p in enumerate(problems) if p.get("id") == problem["id"]), None)
    if index is None:
        raise NotFound("Problem not found.")
    problems[index] = problem
    activity.problems = problems
    activity.updated_at = clock.utcnow()
    await session.flush()
    return activity


async def publish(session: AsyncSession, *, activity_id: str, user_id: str) -> None:
    """DRAFT → PUBLISHED; publishing again is a no-op."""
    activity = await _owned(session, activity_id=activity_id, user_id=user_id, action="publish this activity")
    if activity.status != PUBLISHED:
        activity.status = PUBLISHED
        activity.updated_at = clock.utcnow()
        await session.flush()


async def publish_to_community(
    session: AsyncSession, *, activity_id: str, user_id: str, summary: str | None, tags: list[str] | None
) -> Activity:
    """Share a PUBLISHED activity; the first sharing time is kept, summary and tags only when given."""
    activity = await _owned(
        session, activity_id=activity_id, user_id=user_id, action="publish this activity to the community"
    )
    if activity.status != PUBLISHED:
        raise PublishFirst()
    activity.community_published_at = activity.community_published_at or clock.utcnow()
    if summary is not None:
        activity.community_summary = summary
    if tags is not None:
        activity.community_tags = tags
    activity.updated_at = clock.utcnow()
    await session.flush()
    return activity


async def unpublish_from_community(session: AsyncSession, *, activity_id: str, user_id: str) -> None:
    activity = await _owned(
        session, activity_id=activity_id, user_id=user_id, action="unpublish this activity"
    )
    activity.community_published_at = None
    activity.updated_at = clock.utcnow()
    await session.flush()


def _community() -> Select[Activity, User]:
    return (
        select(Activity, User)
        .join(User, User.id == Activity.user_id)
        .where(Activity.community_published_at.is_not(None), Activity.status == PUBLISHED)
    )


async def list_community(session: AsyncSession, *, limit: int, offset: int) -> list[CommunityEntry]:
    stmt = (
        _community()
        .order_by(Activity.community_published_at.desc(), Activity.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [CommunityEntry(activity, author) for activity, author in (await session.execute(stmt)).all()]


async def get_community(session: AsyncSession, *, activity_id: str) -> CommunityEntry:
    row = (await session.execute(_community().where(Activity.id == activity_id))).first()
    if row is None:
        raise CommunityActivityNotFound()
    return CommunityEntry(row[0], row[1])


class ActivitySuites:
    """The judge's stored-suite hook: a problem saved in an activity the caller may see is graded with
    its stored suite, whatever suite the client sends (codemm.md §17.1 item 1)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def find_suite(
        self, *, activity_id: str, problem_id: str, user_id: str | None
    ) -> StoredSuite | None:
        async with unit_of_work(self.db, autocommit=True) as session:
            activity = await session.get(Activity, activity_id)
        if activity is None or (activity.user_id != user_id and activity.status != PUBLISHED):
            return None
        problem = next((p for p in activity.problems if p.get("id") == problem_id), None)
        if problem is None or not isinstance(problem.get("test_suite"), str):
            return None
        topic = problem.get("topic_tag")
        return StoredSuite(
            language=str(problem.get("language", "")),
            test_suite=problem["test_suite"],
            topic_tag=topic if isinstance(topic, str) else None,
        )
