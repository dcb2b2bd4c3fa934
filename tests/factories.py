"""Keyword-only builders with unique defaults (STYLE.md 22)."""

import itertools

from acelab import clock
from acelab.db.engine import Database
from acelab.db.ids import new_id
from acelab.db.session import unit_of_work
from acelab.identity import service as identity_service
from acelab.identity.context import IdentityContext
from acelab.identity.models import (
    GroupSessionLimit,
    RoleSessionLimit,
    SessionGroup,
    SessionGroupMembership,
    User,
    UserSessionLimit,
)

DEFAULT_PASSWORD = "correct horse battery"
_counter = itertools.count(1)


async def make_user(
    db: Database,
    ctx: IdentityContext,
    *,
    role: str = "student",
    email: str | None = None,
    password: str = DEFAULT_PASSWORD,
) -> User:
    """Create a user through the identity service."""
    async with unit_of_work(db, write=True) as session:
        return await identity_service.create_user(
            session, ctx, email=email or f"{role}{next(_counter)}@example.com", password=password, role=role
        )


async def make_session_group(
    db: Database,
    *,
    name: str | None = None,
    max_active_sessions: int | None = None,
    null_limit_row: bool = False,
    members: tuple[User, ...] = (),
) -> SessionGroup:
    """Create a session group and its members; a given limit is stored unclamped (as a hand edit could),
    and `null_limit_row` stores a limit row whose value is NULL."""
    async with unit_of_work(db, write=True) as session:
        now = clock.utcnow()
        group = SessionGroup(id=new_id("asg"), name=name or f"group {next(_counter)}", created_at=now)
        session.add(group)
        await session.flush()
        if max_active_sessions is not None or null_limit_row:
            session.add(GroupSessionLimit(group_id=group.id, max_active_sessions=max_active_sessions))
        for member in members:
            session.add(SessionGroupMembership(group_id=group.id, user_id=member.id, created_at=now))
        await session.flush()
        return group


async def make_role_session_limit(db: Database, *, role: str, max_active_sessions: int | None) -> None:
    """Store a role's session limit as given (role limits have no API, ace.md §11.9)."""
    async with unit_of_work(db, write=True) as session:
        session.add(RoleSessionLimit(role=role, max_active_sessions=max_active_sessions))


async def make_user_session_limit(db: Database, *, user: User, max_active_sessions: int | None) -> None:
    """Store a user's session limit override as given (the API clamps, this does not)."""
    async with unit_of_work(db, write=True) as session:
        session.add(UserSessionLimit(user_id=user.id, max_active_sessions=max_active_sessions))
