"""Dependencies of the judge routes: the runtime, the stored-suite source and the optional caller."""

from typing import Annotated

from fastapi import Depends, Request

from acelab.db.session import DatabaseDep, unit_of_work
from acelab.http.auth import AnyAuth, Credentials, Identity
from acelab.identity.service import Principal
from acelab.judge.service import JudgeRuntime, SuiteSource

_optional_auth = AnyAuth(required=False)


async def get_judge(request: Request) -> JudgeRuntime:
    runtime: JudgeRuntime = request.app.state.judge
    return runtime


async def get_suite_source(request: Request) -> SuiteSource:
    source: SuiteSource = request.app.state.suite_source
    return source


async def maybe_caller(
    request: Request, db: DatabaseDep, ctx: Identity, credentials: Credentials
) -> Principal | None:
    """`MaybePrincipal` (codemm.md §2.1 optionalAuth) read in its own short unit of work.

    `MaybePrincipal` depends on the request's DbSession, which for a POST holds SQLite's write lock
    until the handler returns, i.e. across the whole sandbox run; /submit must not (STYLE.md 8).
    """
    async with unit_of_work(db, autocommit=True) as session:
        return await _optional_auth(request, session, ctx, credentials)


Judge = Annotated[JudgeRuntime, Depends(get_judge)]
Suites = Annotated[SuiteSource, Depends(get_suite_source)]
MaybeCaller = Annotated[Principal | None, Depends(maybe_caller)]
