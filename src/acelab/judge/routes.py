"""`POST /run` (public) and `POST /submit` (optional auth): codemm.md §13.7, §13.8."""

from typing import Any

from fastapi import Body

from acelab.db.session import DatabaseDep
from acelab.http.errors import CodemmErrorBody, codemm_router
from acelab.judge import service as judge_service
from acelab.judge.deps import Judge, MaybeCaller, Suites
from acelab.judge.schemas import RunIn, RunRead, SubmitIn, SubmitRead

router = codemm_router(tags=["judge"])
_FAILURES: dict[int | str, dict[str, Any]] = {
    500: {"model": CodemmErrorBody, "description": "The sandbox failed (a bug, logged)."},
    503: {"model": CodemmErrorBody, "description": "The judge is busy (Retry-After) or unavailable."},
}


@router.post("/run", response_model=RunRead, response_model_exclude_none=True, responses=_FAILURES)
async def run(judge: Judge, body: RunIn | None = Body(None)) -> RunRead:  # noqa: B008
    """Compile and run code with optional stdin in the sandbox; nothing is stored."""
    return await judge_service.run_code(judge, run_in=body or RunIn())


@router.post("/submit", response_model=SubmitRead, response_model_exclude_none=True, responses=_FAILURES)
async def submit(
    judge: Judge,
    db: DatabaseDep,
    caller: MaybeCaller,
    suites: Suites,
    body: SubmitIn | None = Body(None),  # noqa: B008
) -> SubmitRead:
    """Grade code against a test suite (the stored one when the problem has it)."""
    return await judge_service.submit_code(
        judge, db, submit_in=body or SubmitIn(), caller=caller, suites=suites
    )
