"""Admin routes: the dashboard, users, their auth sessions, session limits and session groups
(ace.md §11.1, §11.7-11.10)."""

from typing import Annotated

from fastapi import Query

from acelab.admin import dashboard as admin_dashboard
from acelab.admin import service as admin_service
from acelab.admin.schemas import DashboardRead
from acelab.db.session import DbSession
from acelab.http.auth import AdminPrincipal, Identity
from acelab.http.errors import ace_router
from acelab.http.pagination import Page, Paging
from acelab.http.wire import IdResponse, OkResponse
from acelab.identity import limits as identity_limits
from acelab.identity import service as identity_service
from acelab.identity.schemas import (
    AdminUserCreate,
    AdminUserRead,
    AdminUserUpdate,
    AuthSessionRead,
    GroupCreate,
    GroupList,
    GroupRead,
    GroupUpdate,
    MemberAdd,
    SessionLimitRead,
    SessionLimitUpdate,
)

router = ace_router(prefix="/admin", tags=["admin: users and sessions"])

TRUTHY = frozenset({"1", "true", "yes", "y"})


def _truthy(raw: str | None) -> bool:
    return (raw or "").strip().lower() in TRUTHY


def _filter(raw: str | None) -> str | None:
    # ace.md §11.7: Go reads `c.Query("role")`, so an empty or blank value is the same as no filter.
    return (raw or "").strip() or None


@router.get("/users", response_model=Page[AdminUserRead], response_model_exclude_none=True)
async def list_users(
    admin: AdminPrincipal,
    session: DbSession,
    page: Paging,
    role: Annotated[str | None, Query()] = None,
    include_deleted: Annotated[str | None, Query(alias="includeDeleted")] = None,
) -> Page[AdminUserRead]:
    """List users, newest first; soft-deleted ones only with includeDeleted."""
    result = await identity_service.list_users(
        session, role=_filter(role), include_deleted=_truthy(include_deleted), page=page
    )
    return Page[AdminUserRead].build(result, AdminUserRead.model_validate)


@router.get("/users/{user_id}", response_model=AdminUserRead, response_model_exclude_none=True)
async def get_user(user_id: str, admin: AdminPrincipal, session: DbSession) -> AdminUserRead:
    """Return one user, soft-deleted or not."""
    return AdminUserRead.model_validate(await identity_service.get_user_or_raise(session, user_id=user_id))


@router.post("/users", response_model=IdResponse)
async def create_user(
    body: AdminUserCreate, admin: AdminPrincipal, session: DbSession, ctx: Identity
) -> IdResponse:
    """Create a user of any role."""
    user = await admin_service.create_user(
        session, ctx, actor=admin, email=body.email, password=body.password, role=body.role
    )
    return IdResponse(id=user.id)


@router.patch("/users/{user_id}", response_model=OkResponse)
async def update_user(
    user_id: str, body: AdminUserUpdate, admin: AdminPrincipal, session: DbSession, ctx: Identity
) -> OkResponse:
    """Change a user's email, password or role; a role or password change ends their sessions."""
    await admin_service.update_user(
        session, ctx, actor=admin, user_id=user_id, email=body.email, password=body.password, role=body.role
    )
    return OkResponse()


@router.delete("/users/{user_id}", response_model=OkResponse)
async def delete_user(user_id: str, admin: AdminPrincipal, session: DbSession) -> OkResponse:
    """Soft-delete a user and end their sessions."""
    await admin_service.delete_user(session, actor=admin, user_id=user_id)
    return OkResponse()


@router.post("/users/{user_id}/restore", response_model=OkResponse)
async def restore_user(user_id: str, admin: AdminPrincipal, session: DbSession) -> OkResponse:
    """Undo a soft delete."""
    await admin_service.restore_user(session, actor=admin, user_id=user_id)
    return OkResponse()


@router.get(
    "/users/{user_id}/auth-sessions", response_model=Page[AuthSessionRead], response_model_exclude_none=True
)
async def list_auth_sessions(
    user_id: str,
    admin: AdminPrincipal,
    session: DbSession,
    page: Paging,
    include_revoked: Annotated[str | None, Query(alias="includeRevoked")] = None,
) -> Page[AuthSessionRead]:
    """List a user's auth sessions, newest first; revoked and expired ones with includeRevoked."""
    result = await identity_service.list_auth_sessions(
        session, user_id=user_id, include_revoked=_truthy(include_revoked), page=page
    )
    return Page[AuthSessionRead].build(result, AuthSessionRead.model_validate)


@router.post("/users/{user_id}/auth-sessions/revoke-all", response_model=OkResponse)
async def revoke_all_sessions(user_id: str, admin: AdminPrincipal, session: DbSession) -> OkResponse:
    """End every live session of a user."""
    await admin_service.revoke_all_sessions(session, actor=admin, user_id=user_id)
    return OkResponse()


@router.post("/users/{user_id}/auth-sessions/{session_id}/revoke", response_model=OkResponse)
async def revoke_session(
    user_id: str, session_id: str, admin: AdminPrincipal, session: DbSession
) -> OkResponse:
    """End one session of a user."""
    await admin_service.revoke_session(session, actor=admin, user_id=user_id, session_id=session_id)
    return OkResponse()


@router.get(
    "/users/{user_id}/session-limit", response_model=SessionLimitRead, response_model_exclude_none=True
)
async def get_session_limit(user_id: str, admin: AdminPrincipal, session: DbSession) -> SessionLimitRead:
    """Return a user's effective session limit and where it comes from."""
    sources = await admin_service.get_session_limit(session, user_id=user_id)
    return SessionLimitRead(
        effective_max_active_sessions=sources.effective,
        user_max_active_sessions=sources.user,
        group_max_active_sessions=sources.group,
        role_max_active_sessions=sources.role,
    )


@router.put("/users/{user_id}/session-limit", response_model=OkResponse)
async def set_session_limit(
    user_id: str, body: SessionLimitUpdate, admin: AdminPrincipal, session: DbSession
) -> OkResponse:
    """Set (clamped to 1-50) or clear (null) a user's session limit override."""
    await admin_service.set_session_limit(
        session, actor=admin, user_id=user_id, max_active_sessions=body.max_active_sessions
    )
    return OkResponse()


@router.get("/session-groups", response_model=GroupList, response_model_exclude_none=True)
async def list_groups(admin: AdminPrincipal, session: DbSession) -> GroupList:
    """List session groups by name."""
    groups = await identity_limits.list_groups(session)
    return GroupList(items=[GroupRead.model_validate(g) for g in groups])


@router.post("/session-groups", response_model=IdResponse)
async def create_group(body: GroupCreate, admin: AdminPrincipal, session: DbSession) -> IdResponse:
    """Create a session group, optionally with a limit."""
    group_id = await admin_service.create_group(
        session, actor=admin, name=body.name, max_active_sessions=body.max_active_sessions
    )
    return IdResponse(id=group_id)


@router.patch("/session-groups/{group_id}", response_model=OkResponse)
async def update_group(
    group_id: str, body: GroupUpdate, admin: AdminPrincipal, session: DbSession
) -> OkResponse:
    """Rename a session group or set its limit."""
    await admin_service.update_group(
        session, actor=admin, group_id=group_id, name=body.name, max_active_sessions=body.max_active_sessions
    )
    return OkResponse()


@router.post("/session-groups/{group_id}/members", response_model=OkResponse)
async def add_group_member(
    group_id: str, body: MemberAdd, admin: AdminPrincipal, session: DbSession
) -> OkResponse:
    """Add a user to a session group."""
    await admin_service.add_group_member(session, actor=admin, group_id=group_id, user_id=body.user_id)
    return OkResponse()


@router.delete("/session-groups/{group_id}/members/{user_id}", response_model=OkResponse)
async def remove_group_member(
    group_id: str, user_id: str, admin: AdminPrincipal, session: DbSession
) -> OkResponse:
    """Remove a user from a session group."""
    await admin_service.remove_group_member(session, actor=admin, group_id=group_id, user_id=user_id)
    return OkResponse()


@router.get("/users/{user_id}/session-groups", response_model=GroupList, response_model_exclude_none=True)
async def list_user_groups(user_id: str, admin: AdminPrincipal, session: DbSession) -> GroupList:
    """List the session groups a user belongs to."""
    groups = await identity_limits.list_groups(session, user_id=user_id)
    return GroupList(items=[GroupRead.model_validate(g) for g in groups])


@router.get("/dashboard", response_model=DashboardRead, tags=["admin: dashboard"])
async def get_dashboard(admin: AdminPrincipal, session: DbSession) -> DashboardRead:
    """Count users, question bank content and exam sessions (lifetime totals)."""
    return DashboardRead.model_validate(await admin_dashboard.compute_stats(session))
