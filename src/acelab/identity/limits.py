"""Session limits (user > group > role > default, ace.md §2.8, §11.9) and session groups (§11.10)."""

from dataclasses import dataclass

from sqlalchemy import Select, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from acelab import clock
from acelab.db.ids import new_id
from acelab.identity import errors
from acelab.identity.models import (
    GroupSessionLimit,
    RoleSessionLimit,
    SessionGroup,
    SessionGroupMembership,
    User,
    UserSessionLimit,
)

DEFAULT_LIMIT = 3
MAX_LIMIT = 50


def clamp_limit(value: int) -> int:
    """Clamp a stored limit to [1, 50]."""
    return min(max(value, 1), MAX_LIMIT)


@dataclass(frozen=True)
class LimitSources:
    user: int | None
    group: int | None
    role: int | None

    @property
    def effective(self) -> int:
        """The limit in force: the first present source, clamped, else the default.

        ace.md §11.9 notes the original's login path read a stored value < 1 as 3; PUT clamps, so
        only hand-edited rows differ, and we use this one rule everywhere (B9).
        """
        for value in (self.user, self.group, self.role):
            if value is not None:
                return clamp_limit(value)
        return DEFAULT_LIMIT


async def get_limit_sources(session: AsyncSession, *, user_id: str, role: str) -> LimitSources:
    """Read the user's override, the smallest positive group limit and the role limit."""
    user_limit = await session.scalar(
        select(UserSessionLimit.max_active_sessions).where(UserSessionLimit.user_id == user_id)
    )
    group_limit = await session.scalar(
        select(func.min(GroupSessionLimit.max_active_sessions))
        .join(SessionGroupMembership, SessionGroupMembership.group_id == GroupSessionLimit.group_id)
        .where(SessionGroupMembership.user_id == user_id, GroupSessionLimit.max_active_sessions.is_not(None))
    )
    role_limit = await session.scalar(
        select(RoleSessionLimit.max_active_sessions).where(RoleSessionLimit.role == role)
    )
    return LimitSources(
        user=user_limit,
        group=group_limit if group_limit is not None and group_limit > 0 else None,
        role=role_limit,
    )


async def set_user_limit(
    session: AsyncSession, *, user_id: str, max_active_sessions: int | None
) -> int | None:
    """Set (clamped) or clear a user's override; return the stored value."""
    existing = await session.get(UserSessionLimit, user_id)
    if max_active_sessions is None:
        # ace.md §11.9: clearing is a plain DELETE, so it answers ok even for an unknown user.
        if existing is not None:
            await session.delete(existing)
        return None
    if await session.get(User, user_id) is None:
        raise errors.FailedToSetUserLimit()
    value = clamp_limit(max_active_sessions)
    if existing is None:
        session.add(UserSessionLimit(user_id=user_id, max_active_sessions=value))
    else:
        existing.max_active_sessions = value
    await session.flush()
    return value


@dataclass(frozen=True)
class GroupView:
    id: str
    name: str
    max_active_sessions: int | None


def _groups_select() -> Select[str, str, int | None]:
    return (
        select(SessionGroup.id, SessionGroup.name, GroupSessionLimit.max_active_sessions)
        .outerjoin(GroupSessionLimit, GroupSessionLimit.group_id == SessionGroup.id)
        .order_by(SessionGroup.name.asc())
    )


async def list_groups(session: AsyncSession, *, user_id: str | None = None) -> list[GroupView]:
    """List groups by name, all of them or those `user_id` belongs to."""
    stmt = _groups_select()
    if user_id is not None:
        stmt = stmt.join(SessionGroupMembership, SessionGroupMembership.group_id == SessionGroup.id).where(
            SessionGroupMembership.user_id == user_id
        )
    rows = (await session.execute(stmt)).all()
    return [GroupView(id=r.id, name=r.name, max_active_sessions=r.max_active_sessions) for r in rows]


async def create_group(session: AsyncSession, *, name: str, max_active_sessions: int | None) -> SessionGroup:
    """Create a group, with a limit when one is given."""
    name = name.strip()
    if not name:
        raise errors.GroupNameRequired()
    if await session.scalar(select(SessionGroup.id).where(SessionGroup.name == name)) is not None:
        raise errors.GroupNameExists()
    group = SessionGroup(id=new_id("asg"), name=name, created_at=clock.utcnow())
    session.add(group)
    await session.flush()
    if max_active_sessions is not None:
        session.add(
            GroupSessionLimit(group_id=group.id, max_active_sessions=clamp_limit(max_active_sessions))
        )
        await session.flush()
    return group


async def update_group(
    session: AsyncSession, *, group_id: str, name: str | None, max_active_sessions: int | None
) -> None:
    """Rename a group and/or set its limit (a limit cannot be cleared, as in the original)."""
    group = await session.get(SessionGroup, group_id)
    if name is not None:
        name = name.strip()
        if not name:
            raise errors.GroupNameCannotBeEmpty()
        if group is None:
            raise errors.GroupNotFound()
        clash = await session.scalar(
            select(SessionGroup.id).where(SessionGroup.name == name, SessionGroup.id != group_id)
        )
        if clash is not None:
            raise errors.GroupNameExists()
        group.name = name
    if max_active_sessions is not None:
        if group is None:
            raise errors.GroupNotFound()
        limit = await session.get(GroupSessionLimit, group_id)
        if limit is None:
            session.add(
                GroupSessionLimit(group_id=group_id, max_active_sessions=clamp_limit(max_active_sessions))
            )
        else:
            limit.max_active_sessions = clamp_limit(max_active_sessions)
    await session.flush()


async def add_member(session: AsyncSession, *, group_id: str, user_id: str) -> None:
    """Add a user to a group (idempotent)."""
    user_id = user_id.strip()
    if not user_id:
        raise errors.UserIdRequired()
    if await session.get(SessionGroup, group_id) is None or await session.get(User, user_id) is None:
        raise errors.FailedToAddMember()
    if await session.get(SessionGroupMembership, (group_id, user_id)) is None:
        session.add(SessionGroupMembership(group_id=group_id, user_id=user_id, created_at=clock.utcnow()))
        try:
            await session.flush()
        except IntegrityError as exc:
            raise errors.FailedToAddMember() from exc


async def remove_member(session: AsyncSession, *, group_id: str, user_id: str) -> None:
    """Remove a user from a group (a no-op when not a member)."""
    await session.execute(
        delete(SessionGroupMembership).where(
            SessionGroupMembership.group_id == group_id, SessionGroupMembership.user_id == user_id
        )
    )
