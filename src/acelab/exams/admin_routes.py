"""Exam oversight for admins (ace.md §11.11-11.13): sessions and attempts of every student, the
actions on them, their timelines and integrity summaries, and a live stream of exam activity."""

import json
from collections.abc import AsyncIterable
from datetime import datetime
from typing import Annotated, Any

from fastapi import Query
from fastapi.sse import EventSourceResponse, ServerSentEvent

from acelab.db.session import DatabaseDep, DbSession, unit_of_work
from acelab.exams import service as exams_service
from acelab.exams.deps import AdminCaller, Exams, Reason
from acelab.exams.schemas import (
    AdminExamSessionListItem,
    AdminExamSessionPage,
    AdminExamSessionRead,
    EventPage,
    EventRead,
    FlagCreate,
    FlagList,
    FlagRead,
    IntegrityRead,
)
from acelab.exams.service import AdminSessionRow, SessionState
from acelab.http.auth import AdminPrincipal
from acelab.http.errors import ERROR_CODES, ace_router
from acelab.http.pagination import Paging
from acelab.http.wire import OkResponse, format_ace_time

router = ace_router(prefix="/admin/exam-sessions", tags=["admin: exam integrity"])

# ace.md §11.12: terminate and invalidate take an optional `{"reason"}` and ignore a body they cannot read.
_REASON_BODY = {
    "requestBody": {
        "required": False,
        "content": {
            "application/json": {"schema": {"type": "object", "properties": {"reason": {"type": "string"}}}}
        },
    }
}

# A stream's errors come before it starts, as JSON like every ACE error (not as events).
_JSON_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/AceErrorBody"}}}}
    for code in ERROR_CODES
}


def _admin_fields(row: AdminSessionRow) -> dict[str, Any]:
    """ace.md §11.11: the optional times only when set."""
    state = row.state
    fields: dict[str, Any] = {
        "user_id": state.user_id,
        "user_email": row.user_email,
        "session_id": state.id,
        "status": state.status,
        "created_at": state.created_at,
        "updated_at": state.updated_at,
        "last_heartbeat_at": state.last_heartbeat_at,
    }
    for name in ("submitted_at", "terminated_at", "invalidated_at"):
        if getattr(state, name) is not None:
            fields[name] = getattr(state, name)
    return fields


@router.get("", response_model=AdminExamSessionPage, response_model_exclude_unset=True)
async def list_sessions(
    admin: AdminPrincipal,
    session: DbSession,
    page: Paging,
    status: Annotated[str | None, Query(description="active, finished, terminated or invalid")] = None,
) -> AdminExamSessionPage:
    """List every student's sessions and attempts, latest heartbeat first."""
    result = await exams_service.list_admin_sessions(session, status=status, page=page)
    return AdminExamSessionPage(
        items=[AdminExamSessionListItem(**_admin_fields(row)) for row in result.items],
        limit=result.params.limit,
        offset=result.params.offset,
        has_more=result.has_more,
    )


def _live_json(value: Any) -> str:
    def encode(item: Any) -> Any:
        if isinstance(item, datetime):
            return format_ace_time(item)
        raise TypeError(f"not JSON serializable: {type(item).__name__}")

    return json.dumps(value, default=encode, separators=(",", ":"))


def _live_item(state: SessionState) -> dict[str, Any]:
    return {
        "userId": state.user_id,
        "sessionId": state.id,
        "status": state.status,
        "examPackageId": state.exam_package_id,
        "blueprintId": state.blueprint_id,
        "lastHeartbeatAt": state.last_heartbeat_at,
        "expiresAt": state.expires_at,
        "answeredCount": state.answered_count if state.is_attempt else None,
        "heartbeatGaps": state.heartbeat_gap_count,
        "ipChanges": state.ip_change_count,
    }


@router.get("/live", response_class=EventSourceResponse, responses=_JSON_ERRORS)
async def follow_live(
    admin: AdminCaller,
    db: DatabaseDep,
    exams: Exams,
    user_id: Annotated[str | None, Query(alias="userId", description="follow one student")] = None,
    session_id: Annotated[str | None, Query(alias="sessionId", description="follow one session")] = None,
) -> AsyncIterable[ServerSentEvent]:
    """Follow exam activity live (Server-Sent Events).

    First an `active` event lists the active sessions followed; then `started`, `event` (integrity
    events), `status` (submitted, terminated, invalidated), `flag` and, when following one student
    or session, `heartbeat` events. A stream that falls behind gets `lagged` and ends; reconnect.
    """
    user_id, session_id = user_id or None, session_id or None
    # Subscribed before the active list is read, so nothing that happens in between is missed.
    subscription = exams.feed.subscribe(user_id=user_id, session_id=session_id)
    try:
        async with unit_of_work(db, autocommit=True) as session:
            active = await exams_service.list_active_sessions(session, user_id=user_id, session_id=session_id)
        yield ServerSentEvent(event="active", raw_data=_live_json({"items": [_live_item(s) for s in active]}))
        while (message := await subscription.next()) is not None:
            yield ServerSentEvent(event=message.kind, raw_data=_live_json(message.data))
        yield ServerSentEvent(event="lagged", raw_data=_live_json({"reconnect": True}))
    finally:
        exams.feed.unsubscribe(subscription)


@router.get("/{user_id}/{session_id}", response_model=AdminExamSessionRead, response_model_exclude_unset=True)
async def get_session(
    user_id: str, session_id: str, admin: AdminPrincipal, session: DbSession
) -> AdminExamSessionRead:
    """Return one session with who ended it and why, and the client's snapshot."""
    detail = await exams_service.get_admin_session(session, user_id=user_id, session_id=session_id)
    fields = _admin_fields(detail.row)
    fields.update(
        termination_reason=detail.termination_reason,
        invalidation_reason=detail.invalidation_reason,
        snapshot=detail.snapshot,
    )
    if detail.terminated_by_user_id is not None:
        fields["terminated_by_user_id"] = detail.terminated_by_user_id
    if detail.invalidated_by_user_id is not None:
        fields["invalidated_by_user_id"] = detail.invalidated_by_user_id
    return AdminExamSessionRead(**fields)


@router.post("/{user_id}/{session_id}/force-submit", response_model=OkResponse)
async def force_submit(
    user_id: str, session_id: str, admin: AdminCaller, db: DatabaseDep, exams: Exams
) -> OkResponse:
    """Finish an active or finished session for the student; an attempt is scored as it stands."""
    await exams_service.force_submit(db, exams, actor=admin, user_id=user_id, session_id=session_id)
    return OkResponse()


@router.post("/{user_id}/{session_id}/terminate", response_model=OkResponse, openapi_extra=_REASON_BODY)
async def terminate(
    user_id: str, session_id: str, admin: AdminCaller, db: DatabaseDep, exams: Exams, reason: Reason
) -> OkResponse:
    """End an active or finished session; the student's heartbeats get 409 from now on."""
    await exams_service.terminate(
        db, exams, actor=admin, user_id=user_id, session_id=session_id, reason=reason
    )
    return OkResponse()


@router.post("/{user_id}/{session_id}/invalidate", response_model=OkResponse, openapi_extra=_REASON_BODY)
async def invalidate(
    user_id: str, session_id: str, admin: AdminCaller, db: DatabaseDep, exams: Exams, reason: Reason
) -> OkResponse:
    """Mark a session invalid, from any status."""
    await exams_service.invalidate(
        db, exams, actor=admin, user_id=user_id, session_id=session_id, reason=reason
    )
    return OkResponse()


@router.post("/{user_id}/{session_id}/flags", response_model=OkResponse)
async def create_flag(
    user_id: str, session_id: str, body: FlagCreate, admin: AdminCaller, db: DatabaseDep, exams: Exams
) -> OkResponse:
    """Flag a session for review."""
    await exams_service.create_flag(
        db,
        exams,
        actor=admin,
        user_id=user_id,
        session_id=session_id,
        flag_type=body.flag_type,
        note=body.note,
    )
    return OkResponse()


@router.get("/{user_id}/{session_id}/flags", response_model=FlagList)
async def list_flags(user_id: str, session_id: str, admin: AdminPrincipal, session: DbSession) -> FlagList:
    """List a session's flags, oldest first."""
    flags = await exams_service.list_flags(session, user_id=user_id, session_id=session_id)
    return FlagList(items=[FlagRead.model_validate(flag) for flag in flags])


@router.get("/{user_id}/{session_id}/events", response_model=EventPage)
async def list_events(
    user_id: str, session_id: str, admin: AdminPrincipal, session: DbSession, page: Paging
) -> EventPage:
    """List a session's timeline, newest first: client events and the server's and admins' entries."""
    result = await exams_service.list_events(session, user_id=user_id, session_id=session_id, page=page)
    return EventPage(
        items=[EventRead.model_validate(event) for event in result.items],
        limit=result.params.limit,
        offset=result.params.offset,
        has_more=result.has_more,
    )


@router.get("/{user_id}/{session_id}/integrity", response_model=IntegrityRead)
async def get_integrity(
    user_id: str, session_id: str, admin: AdminPrincipal, session: DbSession
) -> IntegrityRead:
    """Summarise a session's integrity signals: focus losses, hidden time, heartbeat gaps, address and
    browser changes, flags."""
    summary = await exams_service.integrity_summary(session, user_id=user_id, session_id=session_id)
    state = summary.state
    return IntegrityRead(
        user_id=state.user_id,
        session_id=state.id,
        status=state.status,
        is_attempt=state.is_attempt,
        events=summary.events,
        focus_losses=summary.focus_losses,
        hidden_count=summary.hidden_count,
        hidden_seconds=summary.hidden_seconds,
        heartbeats=state.heartbeat_count,
        heartbeat_gaps=state.heartbeat_gap_count,
        longest_heartbeat_gap_seconds=state.longest_heartbeat_gap_seconds,
        ip_changes=state.ip_change_count,
        user_agent_changes=state.user_agent_change_count,
        last_ip=state.last_ip,
        last_user_agent=state.last_user_agent,
        flags=summary.flags,
        last_heartbeat_at=state.last_heartbeat_at,
    )
