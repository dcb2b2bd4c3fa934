"""Administrative changes to identity, each written to the audit log (ace.md §11.7-11.10, §12.6)."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from acelab import clock
from acelab.admin.models import AuditEntry
from acelab.identity import limits as identity_limits
from acelab.identity import service as identity_service
from acelab.identity.context import IdentityContext
from acelab.identity.models import User
from acelab.identity.service import Principal


async def record(
    session: AsyncSession,
    *,
    actor: Principal,
    action: str,
    target_type: str,
    target_id: str,
    metadata: dict[str, Any] | None = None,
) -> None:
    """Append one entry to the audit log."""
    session.add(
        AuditEntry(
            actor_user_id=actor.user_id,
            actor_role=actor.role,
            action=action,
            target_type=target_type,
            target_id=target_id,
            metadata_=metadata or {},
            created_at=clock.utcnow(),
        )
    )
    await session.flush()


async def create_user(
    session: AsyncSession, ctx: IdentityContext, *, actor: Principal, email: str, password: str, role: str
) -> User:
    """Create a user of any role."""
    user = await identity_service.create_user(session, ctx, email=email, password=password, role=role)
    await record(
        session,
        actor=actor,
        action="user.create",
        target_type="user",
        target_id=user.id,
        metadata={"role": user.role, "email": user.email},
    )
    return user


async def update_user(
    session: AsyncSession,
    ctx: IdentityContext,
    *,
    actor: Principal,
    user_id: str,
    email: str | None,
    password: str | None,
    role: str | None,
) -> User:
    """Change a user's email, password or role; the audit says which fields changed, never values."""
    user = await identity_service.update_user(
        session, ctx, user_id=user_id, email=email, password=password, role=role
    )
    changed = sorted(
        k for k, v in {"email": email, "password": password, "role": role}.items() if v is not None
    )
    await record(
        session,
        actor=actor,
        action="user.update",
        target_type="user",
        target_id=user_id,
        metadata={"updated": True, "fields": changed},
    )
    return user


async def delete_user(session: AsyncSession, *, actor: Principal, user_id: str) -> None:
    """Soft-delete a user and end their sessions."""
    await identity_service.soft_delete_user(session, user_id=user_id)
    await record(session, actor=actor, action="user.delete", target_type="user", target_id=user_id)


async def restore_user(session: AsyncSession, *, actor: Principal, user_id: str) -> None:
    """Undo a soft delete."""
    await identity_service.restore_user(session, user_id=user_id)
    await record(session, actor=actor, action="user.restore", target_type="user", target_id=user_id)


async def revoke_all_sessions(session: AsyncSession, *, actor: Principal, user_id: str) -> None:
    """End every live session of a user."""
    await identity_service.revoke_all_sessions(session, user_id=user_id, reason="admin_revoke_all")
    await record(
        session, actor=actor, action="auth_sessions.revoke_all", target_type="user", target_id=user_id
    )


async def revoke_session(session: AsyncSession, *, actor: Principal, user_id: str, session_id: str) -> None:
    """End one session of a user."""
    await identity_service.revoke_session(
        session, user_id=user_id, session_id=session_id, reason="admin_revoke"
    )
    await record(
        session,
        actor=actor,
        action="auth_sessions.revoke",
        target_type="auth_session",
        target_id=session_id,
        metadata={"userId": user_id},
    )


async def get_session_limit(session: AsyncSession, *, user_id: str) -> identity_limits.LimitSources:
    """Return where a user's session limit comes from."""
    user = await identity_service.get_user_or_raise(session, user_id=user_id)
    return await identity_limits.get_limit_sources(session, user_id=user.id, role=user.role)


async def set_session_limit(
    session: AsyncSession, *, actor: Principal, user_id: str, max_active_sessions: int | None
) -> None:
    """Set or clear a user's session limit override."""
    value = await identity_limits.set_user_limit(
        session, user_id=user_id, max_active_sessions=max_active_sessions
    )
    if value is None:
        await record(
            session, actor=actor, action="auth_limits.user.clear", target_type="user", target_id=user_id
        )
    else:
        await record(
            session,
            actor=actor,
            action="auth_limits.user.set",
            target_type="user",
            target_id=user_id,
            metadata={"maxActiveSessions": value},
        )


async def create_group(
    session: AsyncSession, *, actor: Principal, name: str, max_active_sessions: int | None
) -> str:
    """Create a session group."""
    group = await identity_limits.create_group(session, name=name, max_active_sessions=max_active_sessions)
    await record(
        session,
        actor=actor,
        action="auth_groups.create",
        target_type="auth_group",
        target_id=group.id,
        metadata={"name": group.name},
    )
    return group.id


async def update_group(
    session: AsyncSession,
    *,
    actor: Principal,
    group_id: str,
    name: str | None,
    max_active_sessions: int | None,
) -> None:
    """Rename a session group or set its limit."""
    await identity_limits.update_group(
        session, group_id=group_id, name=name, max_active_sessions=max_active_sessions
    )
    await record(
        session, actor=actor, action="auth_groups.update", target_type="auth_group", target_id=group_id
    )


async def add_group_member(session: AsyncSession, *, actor: Principal, group_id: str, user_id: str) -> None:
    """Add a user to a session group."""
    await identity_limits.add_member(session, group_id=group_id, user_id=user_id)
    await record(
        session,
        actor=actor,
        action="auth_groups.add_member",
        target_type="auth_group",
        target_id=group_id,
        metadata={"userId": user_id.strip()},
    )


async def remove_group_member(
    session: AsyncSession, *, actor: Principal, group_id: str, user_id: str
) -> None:
    """Remove a user from a session group."""
    await identity_limits.remove_member(session, group_id=group_id, user_id=user_id)
    await record(
        session,
        actor=actor,
        action="auth_groups.remove_member",
        target_type="auth_group",
        target_id=group_id,
        metadata={"userId": user_id},
    )
