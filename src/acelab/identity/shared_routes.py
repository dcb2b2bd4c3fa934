"""`/auth/register`, `/auth/login`, `/auth/me`: claimed by both original web apps, served once.

Requests may come in either client's shape; replies carry the union of both shapes and errors
carry both `message` (ACE) and `error` (Codemm). See ARCHITECTURE.md "Shared routes".
"""

from fastapi import Response

from acelab.db.session import DatabaseDep
from acelab.http.auth import AnyPrincipal, Identity
from acelab.http.client import Client
from acelab.http.errors import shared_router
from acelab.identity import service as identity_service
from acelab.identity.context import IdentityContext
from acelab.identity.models import User
from acelab.identity.routes import set_session_cookies
from acelab.identity.schemas import SharedAuthResponse, SharedLoginIn, SharedRegisterIn, SharedUserRead
from acelab.identity.service import Account, IssuedSession

router = shared_router(prefix="/auth", tags=["auth (shared ACE + Codemm)"])


def shared_user(user: User | Account) -> SharedUserRead:
    name = user.username or user.email
    return SharedUserRead(
        id=user.id,
        email=user.email,
        role=user.role,
        created_at=user.created_at,
        username=name,
        display_name=user.display_name or name,
    )


def shared_reply(
    response: Response, ctx: IdentityContext, issued: IssuedSession, message: str
) -> SharedAuthResponse:
    set_session_cookies(response, ctx, issued)
    return SharedAuthResponse(
        message=message,
        token=issued.codemm_token,
        access_token=issued.access_token,
        user=shared_user(issued.user),
    )


@router.post("/register", response_model=SharedAuthResponse, status_code=201)
async def register(
    body: SharedRegisterIn, response: Response, db: DatabaseDep, ctx: Identity, client: Client
) -> SharedAuthResponse:
    """Create a student account and log it in (both clients accept the 201)."""
    issued = await identity_service.register(
        db,
        ctx,
        email=body.email,
        password=body.password,
        username=body.username,
        display_name=body.display_name,
        client=client,
    )
    return shared_reply(response, ctx, issued, "User registered successfully")


@router.post("/login", response_model=SharedAuthResponse)
async def login(
    body: SharedLoginIn, response: Response, db: DatabaseDep, ctx: Identity, client: Client
) -> SharedAuthResponse:
    """Log in to the student portal with an email, or a username (Codemm), and a password."""
    issued = await identity_service.login(
        db,
        ctx,
        portal="student",
        identifier=body.username or body.email,
        password=body.password,
        client=client,
    )
    return shared_reply(response, ctx, issued, "Login successful")


@router.get("/me", response_model=SharedUserRead)
async def me(principal: AnyPrincipal) -> SharedUserRead:
    """Return the logged-in user (any portal's token, or the Codemm token)."""
    return shared_user(principal.user)
