"""`/sessions`: the SpecBuilder chat (codemm.md §6.2-6.5). Generation (§6.6) and SSE (§6.7) are elsewhere."""

from typing import Annotated

from fastapi import Body, Query, Response

from acelab.coding.sessions import service as sessions_service
from acelab.coding.sessions.deps import TOKEN_COOKIE, AppSettings, ChatLlm, MaybeCaller, OwnerToken
from acelab.coding.sessions.schemas import (
    CollectorRead,
    MessageCreate,
    MessageRead,
    SessionCreate,
    SessionCreated,
    SessionList,
    SessionListItem,
    SessionRead,
    TurnRead,
)
from acelab.coding.spec.questions import GREETING
from acelab.coding.trace import Trace
from acelab.db.session import DatabaseDep, DbSession
from acelab.http.auth import AnyPrincipal, MaybePrincipal
from acelab.http.client import Client
from acelab.http.errors import codemm_router

router = codemm_router(tags=["sessions (SpecBuilder)"])
TOKEN_MAX_AGE = 30 * 24 * 3600


@router.post("/sessions", response_model=SessionCreated, status_code=201)
async def create_session(
    caller: MaybePrincipal,
    token: OwnerToken,
    session: DbSession,
    settings: AppSettings,
    response: Response,
    body: Annotated[SessionCreate | None, Body()] = None,
) -> SessionCreated:
    """Start a SpecBuilder session; an anonymous creator gets the session token that owns it."""
    created = await sessions_service.create_session(
        session, caller=caller, owner_token=token, learning_mode=body.learning_mode if body else None
    )
    response.set_cookie(
        TOKEN_COOKIE,
        created.token,
        max_age=TOKEN_MAX_AGE,
        path="/sessions",
        secure=settings.cookie_secure,
        httponly=True,
        samesite="lax",
    )
    return SessionCreated(
        session_id=created.row.id,
        state=created.row.state,
        learning_mode=created.row.learning_mode,
        next_question=GREETING,
        question_key=None,
        done=False,
        next_action="ask",
        session_token=created.token,
    )


@router.get("/sessions", response_model=SessionList)
async def list_sessions(
    caller: AnyPrincipal,
    session: DbSession,
    limit: Annotated[str | None, Query(description="1..200 (default 20)")] = None,
) -> SessionList:
    """List the caller's sessions, the latest conversation first."""
    rows = await sessions_service.list_sessions(
        session, user_id=caller.user_id, limit=sessions_service.parse_limit(limit)
    )
    return SessionList(sessions=[SessionListItem.model_validate(row) for row in rows])


@router.get("/sessions/{session_id}", response_model=SessionRead)
async def get_session(
    session_id: str, caller: MaybePrincipal, token: OwnerToken, session: DbSession
) -> SessionRead:
    """Return one of the caller's sessions with its conversation and SpecBuilder state."""
    detail = await sessions_service.get_session_detail(
        session, session_id=session_id, caller=caller, owner_token=token
    )
    row = detail.row
    return SessionRead(
        session_id=row.id,
        state=row.state,
        learning_mode=row.learning_mode,
        spec=detail.spec,
        messages=[MessageRead.model_validate(message) for message in detail.messages],
        collector=CollectorRead(current_question_key=row.question_key, buffer=row.collector_buffer),
        confidence=row.confidence,
        commitments=row.commitments,
        generation_outcomes=row.generation_outcomes,
        intent_trace=detail.intent_trace,
    )


@router.post("/sessions/{session_id}/messages", response_model=TurnRead)
async def post_message(
    session_id: str,
    caller: MaybeCaller,
    token: OwnerToken,
    db: DatabaseDep,
    client: Client,
    llm: ChatLlm,
    settings: AppSettings,
    trace: Trace,
    body: Annotated[MessageCreate | None, Body()] = None,
) -> TurnRead:
    """Send a chat message: the spec is updated and the next question asked (rate limited)."""
    trace.publish(session_id, "session.message.start", llm=llm.name if llm else None)
    reply = await sessions_service.post_message(
        db,
        session_id=session_id,
        message=body.message if body else None,
        caller=caller,
        owner_token=token,
        address=client.ip,
        provider=llm,
        settings=settings,
    )
    trace.publish(
        session_id, "session.message.done", state=reply.state, questionKey=reply.question_key, done=reply.done
    )
    return TurnRead(
        state=reply.state,
        next_question=reply.next_question,
        question_key=reply.question_key,
        spec=reply.spec,
        done=reply.done,
        next_action=reply.next_action,
    )
