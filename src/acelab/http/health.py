"""Liveness: `/healthz` (ACE, ace.md §1.9) and `/health` (Codemm, codemm.md §2.3); no database access."""

from pydantic import Field

from acelab import clock
from acelab.http.errors import ace_router, codemm_router
from acelab.http.wire import AceModel, AceTime
from acelab.judge.deps import Judge

ace = ace_router(tags=["health"])
codemm = codemm_router(tags=["health"])


class AceHealth(AceModel):
    status: str
    ts: AceTime
    judge: str = Field(description='"ok", or "unavailable: <why>" when the sandbox could not be built')


class CodemmHealth(AceModel):
    status: str


@ace.get("/healthz", response_model=AceHealth)
async def healthz(judge: Judge) -> AceHealth:
    """Report that the service is up, and whether the judge sandbox could be built (checked at start-up)."""
    return AceHealth(status="ok", ts=clock.utcnow(), judge=judge.status)


@codemm.get("/health", response_model=CodemmHealth)
async def health() -> CodemmHealth:
    """Report that the service is up."""
    return CodemmHealth(status="ok")
