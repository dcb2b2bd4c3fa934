"""Dependencies of the exam routes: the shared exam context, callers checked outside the request's
transaction, and the lenient `reason` body of terminate and invalidate."""

import json
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from acelab.db.driver import Unit
from acelab.db.session import DatabaseDep, unit_of_work
from acelab.exams.context import ExamContext
from acelab.http.auth import Credentials, Identity, PortalAuth, request_token, verified_claims
from acelab.identity import errors as identity_errors
from acelab.identity import service as identity_service
from acelab.identity.context import IdentityContext
from acelab.identity.service import Principal
from acelab.identity.tokens import Claims


async def get_exams(request: Request) -> ExamContext:
    exams: ExamContext = request.app.state.exams
    return exams


Exams = Annotated[ExamContext, Depends(get_exams)]


class PortalCaller:
    """A portal's principal (ace.md §2.6), checked in its own short autocommit unit of work.

    For routes whose service owns its units of work (and publishes after committing), and for the
    live stream, which must not hold a database session while it is open: the portal dependencies
    depend on the request's DbSession, which for a POST already holds SQLite's write lock, and write
    units do not nest.
    """

    def __init__(self, portal: str) -> None:
        self.auth = PortalAuth(portal)

    async def __call__(
        self, request: Request, db: DatabaseDep, ctx: Identity, credentials: Credentials
    ) -> Principal:
        async with unit_of_work(db, autocommit=True) as session:
            return await self.auth(request, session, ctx, credentials)


StudentCaller = Annotated[Principal, Depends(PortalCaller("student"))]
AdminCaller = Annotated[Principal, Depends(PortalCaller("admin"))]


@dataclass(frozen=True)
class SessionCheck:
    """A student's token, already checked (signature, expiry, portal); what is left is the check of
    its session and user, which the service runs in its own unit of work (`await check(session)`)."""

    ctx: IdentityContext
    claims: Claims

    async def __call__(self, unit: Unit) -> Principal:
        return await identity_service.authenticate(unit, self.ctx, claims=self.claims)


async def student_token(request: Request, ctx: Identity, credentials: Credentials) -> SessionCheck:
    """`StudentPrincipal` in two halves (ace.md §2.6): the token here, before the body is read, as the
    original's middleware does; the database half in the service's unit of work, which saves the
    heartbeat, the busiest request of an exam day, a second connection and unit of work."""
    claims = verified_claims(ctx, request_token(request, malformed=identity_errors.MissingAuthorization))
    if claims.role != "student" or "student" not in claims.audiences:
        raise identity_errors.WrongPortal()
    return SessionCheck(ctx=ctx, claims=claims)


StudentToken = Annotated[SessionCheck, Depends(student_token)]


async def lenient_reason(request: Request) -> str:
    """ace.md §11.12: the body `{"reason"?}` is optional and bind errors are ignored (reason "")."""
    try:
        body = json.loads(await request.body() or b"null")
    except (UnicodeDecodeError, json.JSONDecodeError):
        return ""
    reason = body.get("reason") if isinstance(body, dict) else None
    return reason.strip() if isinstance(reason, str) else ""


Reason = Annotated[str, Depends(lenient_reason)]
