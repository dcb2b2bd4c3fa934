"""Auth as a parameter type (STYLE.md 4): a route is public unless it takes one of these aliases.

ace.md §2.6 (portal, "middleware A"), §2.7 (instructor-or-admin, "middleware B") and codemm.md §2.1
differ in the order of checks and in their messages; each is one dependency class here.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from acelab import clock
from acelab.db.driver import Unit
from acelab.db.session import DbSession
from acelab.errors import Unauthorized
from acelab.http.cookies import ACCESS_COOKIE
from acelab.http.direct import documentation_only
from acelab.identity import errors
from acelab.identity import service as identity_service
from acelab.identity.context import IdentityContext
from acelab.identity.service import Principal
from acelab.identity.tokens import Claims

# Declared for the OpenAPI document (clients generate SDKs from it); the token itself is read below,
# because the contract's messages for a missing or malformed header differ per route family.
# Every dependency here is `async def`: FastAPI runs a plain `def` in a thread, a costly hop per request.
_bearer_scheme = HTTPBearer(auto_error=False, description="Access token (ACE portals) or Codemm token")
_cookie_scheme = APIKeyCookie(name=ACCESS_COOKIE, auto_error=False, description="ACE access cookie")


@documentation_only
async def _declare_credentials(
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer_scheme)],
    cookie: Annotated[str | None, Security(_cookie_scheme)],
) -> None:
    """Declare both ways to authenticate in the OpenAPI document."""


Credentials = Annotated[None, Depends(_declare_credentials)]


async def get_identity(request: Request) -> IdentityContext:
    ctx: IdentityContext = request.app.state.identity
    return ctx


Identity = Annotated[IdentityContext, Depends(get_identity)]


def _bearer(request: Request) -> tuple[bool, str]:
    """Return (header present, token); a malformed header yields an empty token."""
    header = request.headers.get("authorization")
    if header is None:
        return False, ""
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer":
        return True, ""
    return True, token.strip()


def request_token(request: Request, *, malformed: Callable[[], Unauthorized]) -> str:
    """The access token: the Bearer header's when there is one (`malformed` when it is empty), else
    the access cookie's."""
    present, token = _bearer(request)
    if present:
        if not token:
            raise malformed()
        return token
    token = request.cookies.get(ACCESS_COOKIE, "").strip()
    if not token:
        raise errors.MissingAuthorization()
    return token


def verified_claims(ctx: IdentityContext, token: str) -> Claims:
    """The claims of a token whose signature, issuer and expiry check out; 401 otherwise."""
    claims = ctx.signer.decode(token, now=clock.utcnow())
    if claims is None:
        raise errors.InvalidToken()
    return claims


@dataclass(frozen=True)
class SessionCheck:
    """A student's token, already checked (signature, expiry, portal); what is left is the check of
    its session and user, which the service runs in its own unit of work (`await check(session)`),
    or inside its own statement (`identity.service.session_check_ctes`)."""

    ctx: IdentityContext
    claims: Claims

    async def __call__(self, unit: Unit) -> Principal:
        return await identity_service.authenticate(unit, self.ctx, claims=self.claims)


async def student_token(request: Request, ctx: Identity, credentials: Credentials) -> SessionCheck:
    """`StudentPrincipal` in two halves (ace.md §2.6): the token here, before the body is read, as the
    original's middleware does; the database half in the service's unit of work, which saves the
    busiest requests (exam heartbeats, practice answers) a second connection or a round trip."""
    claims = verified_claims(ctx, request_token(request, malformed=errors.MissingAuthorization))
    if claims.role != "student" or "student" not in claims.audiences:
        raise errors.WrongPortal()
    return SessionCheck(ctx=ctx, claims=claims)


StudentToken = Annotated[SessionCheck, Depends(student_token)]


class PortalAuth:
    """One portal's role and audience, then the session (ace.md §2.6)."""

    def __init__(self, portal: str) -> None:
        self.portal = portal

    async def __call__(
        self, request: Request, session: DbSession, ctx: Identity, _: Credentials
    ) -> Principal:
        return await self.check(request, session, ctx)

    async def check(self, request: Request, unit: Unit, ctx: IdentityContext) -> Principal:
        """The checks, with the session's half in `unit`."""
        claims = verified_claims(ctx, request_token(request, malformed=errors.MissingAuthorization))
        if claims.role != self.portal or self.portal not in claims.audiences:
            raise errors.WrongPortal()
        return await identity_service.authenticate(unit, ctx, claims=claims)


class InstructorOrAdminAuth:
    """The session first, then role and audience in {instructor, admin} (ace.md §2.7)."""

    allowed = frozenset({"instructor", "admin"})

    async def __call__(
        self, request: Request, session: DbSession, ctx: Identity, _: Credentials
    ) -> Principal:
        claims = verified_claims(ctx, request_token(request, malformed=errors.InvalidAuthorization))
        principal = await identity_service.authenticate(session, ctx, claims=claims)
        if claims.role not in self.allowed or not self.allowed.intersection(claims.audiences):
            raise errors.WrongPortal()
        return principal


class AnyPortalAuth:
    """Any ACE portal whose token matches its role; Codemm tokens are refused like on every portal route.

    ace.md §16.3 C2: the read-only reference lists were student-only, yet the instructor and admin
    template pages call them.
    """

    portals = frozenset({"student", "instructor", "admin"})

    async def __call__(
        self, request: Request, session: DbSession, ctx: Identity, _: Credentials
    ) -> Principal:
        claims = verified_claims(ctx, request_token(request, malformed=errors.MissingAuthorization))
        if claims.role not in self.portals or claims.role not in claims.audiences:
            raise errors.WrongPortal()
        return await identity_service.authenticate(session, ctx, claims=claims)


class AnyAuth:
    """Any of our tokens, whatever its portal: Codemm routes and the shared `/auth/me`."""

    def __init__(self, *, required: bool = True) -> None:
        self.required = required

    async def __call__(
        self, request: Request, session: DbSession, ctx: Identity, _: Credentials
    ) -> Principal | None:
        try:
            claims = verified_claims(ctx, request_token(request, malformed=errors.MissingAuthorization))
            return await identity_service.authenticate(session, ctx, claims=claims)
        except Unauthorized:
            if self.required:
                raise
            return None


StudentPrincipal = Annotated[Principal, Depends(PortalAuth("student"))]
AdminPrincipal = Annotated[Principal, Depends(PortalAuth("admin"))]
InstructorOrAdmin = Annotated[Principal, Depends(InstructorOrAdminAuth())]
AnyPortalPrincipal = Annotated[Principal, Depends(AnyPortalAuth())]
AnyPrincipal = Annotated[Principal, Depends(AnyAuth())]
MaybePrincipal = Annotated[Principal | None, Depends(AnyAuth(required=False))]
