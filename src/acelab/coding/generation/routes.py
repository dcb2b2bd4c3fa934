"""`POST /sessions/:id/generate` and its progress stream (codemm.md §6.6, §11.3)."""

import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.responses import JSONResponse
from fastapi.sse import EventSourceResponse, ServerSentEvent

from acelab import clock
from acelab.coding.activities import service as activity_service
from acelab.coding.activities.schemas import ActivityEnvelope, ActivityRead
from acelab.coding.generation.edit import EditFailed, edit_problem
from acelab.coding.generation.pipeline import GenerationFailed, Generator
from acelab.coding.generation.schemas import AiEditIn, GenerateRead
from acelab.coding.llm.base import LlmError
from acelab.coding.profile import service as profile_service
from acelab.coding.sessions import rate_limits
from acelab.coding.sessions import service as sessions_service
from acelab.coding.sessions.deps import AppSettings, MaybeCaller, OwnerToken
from acelab.db.session import DatabaseDep, unit_of_work
from acelab.errors import NotFound, Unauthorized
from acelab.http.client import Client
from acelab.http.errors import CodemmErrorBody, codemm_router
from acelab.http.wire import format_iso_ms

router = codemm_router(tags=["generation"])
FAILED = "Failed to generate activity."


async def get_generator(request: Request) -> Generator:
    generator: Generator = request.app.state.generator
    return generator


Generation = Annotated[Generator, Depends(get_generator)]


@router.post(
    "/sessions/{session_id}/generate",
    response_model=GenerateRead,
    responses={
        500: {"model": CodemmErrorBody, "description": "Every attempt of a slot failed (`detail` says why)."}
    },
)
async def generate(
    session_id: str,
    caller: MaybeCaller,
    token: OwnerToken,
    client: Client,
    db: DatabaseDep,
    generator: Generation,
    settings: AppSettings,
) -> GenerateRead | JSONResponse:
    """Generate the activity of a READY session the caller owns; answers when it is saved (watch the
    progress on the stream meanwhile). The work runs on the generation queue: a client that goes away
    does not stop it."""
    if caller is None:
        raise Unauthorized("missing authorization", codemm_message="Access token required")
    async with unit_of_work(db, write=True) as session:
        await sessions_service.start_generation(
            session, session_id=session_id, caller=caller, owner_token=token
        )
    try:
        generated = await generator.generate(session_id=session_id, user_id=caller.user_id)
    except GenerationFailed as exc:
        return JSONResponse({"error": FAILED, "detail": exc.message}, status_code=500)
    return GenerateRead(activity_id=generated.activity_id, problem_count=generated.problem_count)


async def stream_access(session_id: str, caller: MaybeCaller, token: OwnerToken, db: DatabaseDep) -> str:
    """404 for an unknown session and 403 for someone else's, before any event-stream header."""
    async with unit_of_work(db, autocommit=True) as session:
        await sessions_service.get_owned_session_or_raise(
            session, session_id=session_id, caller=caller, owner_token=token
        )
    return session_id


class TraceDisabled(NotFound):
    def __init__(self) -> None:
        super().__init__("Trace stream disabled. Set CODEMM_TRACE=1 on backend.")


async def trace_access(
    session_id: str, caller: MaybeCaller, token: OwnerToken, db: DatabaseDep, generator: Generation
) -> str:
    if not generator.trace.enabled:
        raise TraceDisabled()
    return await stream_access(session_id, caller, token, db)


@router.get("/sessions/{session_id}/generate/stream", response_class=EventSourceResponse)
async def generation_stream(
    session_id: Annotated[str, Depends(stream_access)],
    generator: Generation,
    last_event_id: Annotated[str | None, Header(alias="Last-Event-ID")] = None,
) -> AsyncIterator[ServerSentEvent]:
    """The generation's progress events: the buffered ones, then live ones, until the run ends.
    Every event has an `id:`; reconnecting with Last-Event-ID resumes after it."""
    ready: dict[str, Any] = {
        "ts": format_iso_ms(clock.utcnow()),
        "event": "progress.ready",
        "sessionId": session_id,
    }
    yield ServerSentEvent(event="ready", raw_data=json.dumps(ready))
    after = int(last_event_id) if last_event_id and last_event_id.isdigit() else None
    async for event in generator.progress.listen(session_id, after=after):
        if event is not None:  # idle: FastAPI sends its own keep-alive comments
            yield ServerSentEvent(id=str(event.id), raw_data=json.dumps(event.data, separators=(",", ":")))


@router.post(
    "/activities/{activity_id}/problems/{problem_id}/ai-edit",
    response_model=ActivityEnvelope,
    tags=["activities"],
    responses={500: {"model": CodemmErrorBody, "description": "The edit failed (the error says why)."}},
)
async def ai_edit_problem(
    activity_id: str,
    problem_id: str,
    body: AiEditIn,
    caller: MaybeCaller,
    client: Client,
    db: DatabaseDep,
    generator: Generation,
    settings: AppSettings,
) -> ActivityEnvelope | JSONResponse:
    """Rewrite one problem of the caller's draft after an instruction; the LLM's reference solution
    must pass the suite in the sandbox before the problem is replaced."""
    if caller is None:
        raise Unauthorized("missing authorization", codemm_message="Access token required")
    async with unit_of_work(db, write=True) as session:
        problem = await activity_service.editable_problem(
            session, activity_id=activity_id, user_id=caller.user_id, problem_id=problem_id
        )
        await rate_limits.enforce(
            session, scope="edit", user_id=caller.user_id, address=client.ip, settings=settings
        )
        stored = await profile_service.stored_key(session, user_id=caller.user_id)
    try:
        provider = generator.llm.require(stored)
        edited = await edit_problem(
            provider=provider, judge=generator.judge, problem=problem, instruction=body.instruction
        )
    except (EditFailed, LlmError) as exc:
        return JSONResponse({"error": exc.message}, status_code=500)
    async with unit_of_work(db, write=True) as session:
        activity = await activity_service.replace_problem(
            session, activity_id=activity_id, user_id=caller.user_id, problem=edited
        )
    return ActivityEnvelope(activity=ActivityRead.model_validate(activity))


@router.get("/sessions/{session_id}/trace", response_class=EventSourceResponse)
async def trace_stream(
    session_id: Annotated[str, Depends(trace_access)], generator: Generation
) -> AsyncIterator[ServerSentEvent]:
    """What the chat and the generation do for this session, live (CODEMM_TRACE=1 only)."""
    ready: dict[str, Any] = {
        "ts": format_iso_ms(clock.utcnow()),
        "event": "trace.ready",
        "sessionId": session_id,
    }
    yield ServerSentEvent(event="ready", raw_data=json.dumps(ready))
    async for event in generator.trace.listen(session_id):
        if event is not None:
            yield ServerSentEvent(raw_data=json.dumps(event, separators=(",", ":")))
