"""Auth routes of the three portals and the legacy `/auth/*` alias (ace.md §4).

One factory builds a portal's routes (STYLE.md 4); `/auth/register`, `/auth/login` and `/auth/me`
are served by the shared handlers in `shared_routes.py`.
"""

from typing import Annotated

from fastapi import APIRouter, Cookie, Depends, Request, Response

from acelab.db.session import DatabaseDep, DbSession
from acelab.http.auth import Identity, PortalAuth
from acelab.http.client import Client
from acelab.http.cookies import (
    ACCESS_COOKIE,
    CSRF_COOKIE,
    REFRESH_COOKIE,
    clear_auth_cookies,
    set_auth_cookies,
)
from acelab.http.errors import ace_router
from acelab.http.wire import OkResponse
from acelab.identity import service as identity_service
from acelab.identity.context import IdentityContext
from acelab.identity.schemas import AuthResponse, LoginIn, RegisterIn, UserRead
from acelab.identity.service import IssuedSession, Principal

RefreshCookie = Annotated[str, Cookie(alias=REFRESH_COOKIE)]
CsrfCookie = Annotated[str, Cookie(alias=CSRF_COOKIE)]
AccessCookie = Annotated[str, Cookie(alias=ACCESS_COOKIE)]


def set_session_cookies(response: Response, ctx: IdentityContext, issued: IssuedSession) -> None:
    """Put an issued session's tokens in the three cookies."""
    set_auth_cookies(
        response,
        access=issued.access_token,
        access_max_age=ctx.settings.access_token_ttl_s,
        refresh=issued.refresh_token,
        csrf=issued.csrf_token,
        secure=ctx.settings.cookie_secure,
    )


def build_auth_router(portal: str, *, entry_routes: bool = True) -> APIRouter:
    """Build one portal's auth routes; `entry_routes=False` leaves out register, login and me."""
    router = ace_router(tags=[f"auth ({portal})"])
    portal_auth = PortalAuth(portal)

    if entry_routes and portal == "student":

        @router.post("/register", response_model=AuthResponse)
        async def register(
            body: RegisterIn, response: Response, db: DatabaseDep, ctx: Identity, client: Client
        ) -> AuthResponse:
            """Create a student account and log it in (sets the auth cookies)."""
            issued = await identity_service.register(
                db,
                ctx,
                email=body.email,
                password=body.password,
                username=None,
                display_name=None,
                client=client,
            )
            set_session_cookies(response, ctx, issued)
            return AuthResponse(access_token=issued.access_token, user=UserRead.model_validate(issued.user))

    if entry_routes:

        @router.post("/login", response_model=AuthResponse)
        async def login(
            body: LoginIn, response: Response, db: DatabaseDep, ctx: Identity, client: Client
        ) -> AuthResponse:
            """Log in to this portal (its role only) and set the auth cookies."""
            issued = await identity_service.login(
                db, ctx, portal=portal, identifier=body.email, password=body.password, client=client
            )
            set_session_cookies(response, ctx, issued)
            return AuthResponse(access_token=issued.access_token, user=UserRead.model_validate(issued.user))

        @router.get("/me", response_model=UserRead)
        async def me(principal: Annotated[Principal, Depends(portal_auth)]) -> UserRead:
            """Return the logged-in user."""
            return UserRead.model_validate(principal.user)

    @router.post("/refresh", response_model=AuthResponse)
    async def refresh(
        response: Response,
        db: DatabaseDep,
        ctx: Identity,
        ace_refresh: RefreshCookie = "",
        ace_csrf: CsrfCookie = "",
    ) -> AuthResponse:
        """Rotate the refresh token and issue a new access token (CSRF required)."""
        issued = await identity_service.refresh(
            db, ctx, portal=portal, refresh_token=ace_refresh, csrf_token=ace_csrf
        )
        set_session_cookies(response, ctx, issued)
        return AuthResponse(access_token=issued.access_token, user=UserRead.model_validate(issued.user))

    @router.post("/logout", response_model=OkResponse)
    async def logout(
        request: Request,
        response: Response,
        db: DatabaseDep,
        ctx: Identity,
        ace_access: AccessCookie = "",
        ace_refresh: RefreshCookie = "",
    ) -> OkResponse:
        """End the session the cookies (or the Bearer token) point to; always succeeds."""
        bearer = request.headers.get("authorization", "").partition(" ")[2].strip()
        await identity_service.logout(db, ctx, access_tokens=[ace_access, bearer], refresh_token=ace_refresh)
        clear_auth_cookies(response, secure=ctx.settings.cookie_secure)
        return OkResponse()

    @router.post("/logout-all", response_model=OkResponse)
    async def logout_all(
        principal: Annotated[Principal, Depends(portal_auth)],
        session: DbSession,
        response: Response,
        ctx: Identity,
    ) -> OkResponse:
        """End every session of the caller, in every portal."""
        await identity_service.logout_all(session, principal=principal)
        clear_auth_cookies(response, secure=ctx.settings.cookie_secure)
        return OkResponse()

    return router
