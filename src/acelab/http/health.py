"""Liveness: `/healthz` (ACE, ace.md §1.9) and `/health` (Codemm, codemm.md §2.3); no database access."""

from fastapi import APIRouter

from acelab import clock
from acelab.http.errors import AceRoute, CodemmRoute
from acelab.http.wire import AceModel, AceTime

ace_router = APIRouter(route_class=AceRoute, tags=["health"])
codemm_router = APIRouter(route_class=CodemmRoute, tags=["health"])


class AceHealth(AceModel):
    status: str
    ts: AceTime


class CodemmHealth(AceModel):
    status: str


@ace_router.get("/healthz", response_model=AceHealth)
async def healthz() -> AceHealth:
    """Report that the service is up."""
    return AceHealth(status="ok", ts=clock.utcnow())


@codemm_router.get("/health", response_model=CodemmHealth)
async def health() -> CodemmHealth:
    """Report that the service is up."""
    return CodemmHealth(status="ok")
