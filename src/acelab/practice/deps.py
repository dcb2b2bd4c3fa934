"""Dependencies of the practice routes."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from acelab.db.session import DatabaseDep, unit_of_work
from acelab.http.auth import Credentials, Identity, PortalAuth
from acelab.identity.service import Principal
from acelab.questions.pools import QuestionPools

_student_auth = PortalAuth("student")


async def get_autocommit_session(db: DatabaseDep) -> AsyncIterator[AsyncSession]:
    """A session whose statements each commit on their own, whatever the request's method."""
    async with unit_of_work(db, autocommit=True) as session:
        yield session


AutocommitSession = Annotated[AsyncSession, Depends(get_autocommit_session, scope="function")]


async def student_in_autocommit(
    request: Request, session: AutocommitSession, ctx: Identity, credentials: Credentials
) -> Principal:
    """`StudentPrincipal`, checked in the request's autocommit session.

    For routes whose service decides its own transactions: `StudentPrincipal` depends on the
    request's DbSession, which for a POST already holds SQLite's write lock, and write units of
    one process do not nest.
    """
    return await _student_auth.check(request, session, ctx)


StudentCaller = Annotated[Principal, Depends(student_in_autocommit)]


async def get_question_pools(request: Request) -> QuestionPools:
    pools: QuestionPools = request.app.state.question_pools
    return pools


QuestionPoolsDep = Annotated[QuestionPools, Depends(get_question_pools)]
