"""Liveness: `/healthz` (ACE, ace.md §1.9) and `/health` (Codemm, codemm.md §2.3); no database access."""

from acelab import clock
from acelab.http.errors import ace_router, codemm_router
from acelab.http.wire import AceModel, AceTime

ace = ace_router(tags=["health"])
codemm = codemm_router(tags=["health"])


class AceHealth(AceModel):
    status: str
    ts: AceTime


class CodemmHealth(AceModel):
    status: str


@ace.get("/healthz", response_model=AceHealth)
async def healthz() -> AceHealth:
    """Report that the service is up."""
    return AceHealth(status="ok", ts=clock.utcnow())


@codemm.get("/health", response_model=CodemmHealth)
async def health() -> CodemmHealth:
    """Report that the service is up."""
    return CodemmHealth(status="ok")
