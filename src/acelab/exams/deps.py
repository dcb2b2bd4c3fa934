"""Dependencies of the exam routes: the shared exam context, callers checked outside the request's
transaction, and the lenient `reason` body of terminate and invalidate."""

import json
from typing import Annotated

from fastapi import Depends, Request

from acelab.db.session import DatabaseDep, unit_of_work
from acelab.exams.context import ExamContext
from acelab.http.auth import Credentials, Identity, PortalAuth
from acelab.identity.service import Principal


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


async def lenient_reason(request: Request) -> str:
    """ace.md §11.12: the body `{"reason"?}` is optional and bind errors are ignored (reason "")."""
    try:
        body = json.loads(await request.body() or b"null")
    except (UnicodeDecodeError, json.JSONDecodeError):
        return ""
    reason = body.get("reason") if isinstance(body, dict) else None
    return reason.strip() if isinstance(reason, str) else ""


Reason = Annotated[str, Depends(lenient_reason)]
