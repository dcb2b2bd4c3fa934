"""SpecBuilder sessions (codemm.md §6): ownership, the state machine, chat turns, and the hooks the
generation step calls.

Ownership (§17.1 item 6, fixed): a session belongs to the user who created it, or, when created
anonymously, to whoever holds its session token; an anonymous session is attached to a user who
posts to it with the token. The original let anyone holding the id read it, chat in it and
generate from it.

A chat turn never holds a transaction while the LLM answers (STYLE.md 8): a first unit of work
checks the session, counts the request against the rate limits and takes a short lease on the
session (one message at a time, §17.2 item 12); the turn runs; a second unit stores it. Without an
LLM, or for a plain yes/no to a pending confirmation, the turn is pure and runs in one unit.

Generation (§6.6, §10; built separately) moves a session with these functions, each inside its own
short unit of work: `start_generation` (READY → GENERATING), `get_generating`, `record_generation_heartbeat`,
`save_plan`, `save_checkpoint`, `append_trace`, `replace_spec` (the soft fallback),
`complete_generation` (→ SAVED) and `fail_generation` (→ READY with `last_error`);
`recover_interrupted_generations` returns sessions whose generation stopped beating to READY.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from acelab import clock
from acelab.coding.llm.base import LlmProvider
from acelab.coding.planner import LEARNING_MODES, PRACTICE
from acelab.coding.sessions import errors, rate_limits
from acelab.coding.sessions.models import (
    CHAT_STATES,
    CLARIFYING,
    DRAFT,
    GENERATING,
    READY,
    SAVED,
    TRANSITIONS,
    CodingSession,
    SessionMessage,
)
from acelab.coding.spec import turn as spec_turn
from acelab.coding.spec.model import SpecDraft, canonical
from acelab.coding.spec.patches import with_fixed_fields
from acelab.coding.spec.questions import GREETING
from acelab.config import Settings
from acelab.db.engine import Database
from acelab.db.session import unit_of_work
from acelab.identity.service import Principal

log = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 4000
# The dialogue reads the last 10 messages, the new one included (§8 step 4).
HISTORY_MESSAGES = 9
TRACE_KEPT, TRACE_SHOWN = 200, 50
DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT = 20, 200
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
_LEADING_INT = re.compile(r"\s*([+-]?\d+)")
INTERRUPTED = "Generation was interrupted. Please try again."


@dataclass(frozen=True, slots=True)
class CreatedSession:
    row: CodingSession
    # The session token: an anonymous creator's proof of ownership, and for every creator the
    # browser's (an EventSource cannot send an Authorization header, codemm.md §11.3).
    token: str


@dataclass(frozen=True, slots=True)
class SessionSummary:
    id: str
    state: str
    learning_mode: str
    created_at: datetime
    updated_at: datetime
    activity_id: str | None
    last_message: str | None
    last_message_at: datetime | None
    message_count: int


@dataclass(frozen=True, slots=True)
class SessionDetail:
    row: CodingSession
    messages: list[SessionMessage]
    spec: SpecDraft
    intent_trace: list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class TurnReply:
    state: str
    next_question: str
    question_key: str
    spec: SpecDraft
    done: bool
    next_action: str


def hash_token(token: str) -> bytes:
    """Session tokens are random, so a plain digest is enough to store them."""
    return hashlib.sha256(token.encode()).digest()


def transition(row: CodingSession, target: str) -> None:
    """Move a session along §6.1's table; staying put is always allowed."""
    if target != row.state and target not in TRANSITIONS[row.state]:
        raise errors.InvalidTransition(row.state, target)
    row.state = target


def _check_owner(row: CodingSession, *, caller: Principal | None, owner_token: str | None) -> None:
    """The owner is the signed-in user it belongs to, or whoever holds its session token."""
    if row.user_id is not None and caller is not None and caller.user_id == row.user_id:
        return
    expected = row.owner_token_hash
    if expected is None or not owner_token or not hmac.compare_digest(hash_token(owner_token), expected):
        raise errors.NotYourSession()


async def _load(session: AsyncSession, session_id: str, *, lock: bool = False) -> CodingSession:
    stmt = select(CodingSession).where(CodingSession.id == session_id)
    if lock:
        stmt = stmt.with_for_update()
    row = await session.scalar(stmt)
    if row is None:
        raise errors.SessionNotFound()
    return row


async def get_owned_session_or_raise(
    session: AsyncSession,
    *,
    session_id: str,
    caller: Principal | None,
    owner_token: str | None,
    lock: bool = False,
) -> CodingSession:
    """Load a session its caller owns: 404 when unknown, 403 when someone else's."""
    row = await _load(session, session_id, lock=lock)
    _check_owner(row, caller=caller, owner_token=owner_token)
    return row


def _claim(row: CodingSession, caller: Principal | None) -> None:
    """An anonymous session becomes the signed-in caller's (they proved they hold its token)."""
    if row.user_id is None and caller is not None:
        row.user_id = caller.user_id


def _add_message(
    session: AsyncSession, row: CodingSession, *, role: str, content: str, now: datetime
) -> None:
    row.message_count += 1
    row.last_message_at = now
    session.add(
        SessionMessage(
            id=str(uuid.uuid4()),
            session_id=row.id,
            seq=row.message_count,
            role=role,
            content=content,
            created_at=now,
        )
    )


async def create_session(
    session: AsyncSession, *, caller: Principal | None, owner_token: str | None, learning_mode: object
) -> CreatedSession:
    """Start a session in DRAFT with the fixed fields and the greeting (§6.2)."""
    now = clock.utcnow()
    # One token per browser: a well-formed one it already holds is reused, so it owns all of them.
    token = owner_token if owner_token and _TOKEN.fullmatch(owner_token) else secrets.token_urlsafe(32)
    row = CodingSession(
        id=str(uuid.uuid4()),
        user_id=caller.user_id if caller else None,
        owner_token_hash=hash_token(token),
        state=DRAFT,
        learning_mode=learning_mode if learning_mode in LEARNING_MODES else PRACTICE,
        spec=with_fixed_fields({}),
        question_key=None,
        collector_buffer=[],
        confidence={},
        commitments=[],
        intent_trace=[],
        plan=None,
        problems=None,
        generation_outcomes=[],
        message_count=0,
        last_message_at=now,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    _add_message(session, row, role="assistant", content=GREETING, now=now)
    await session.flush()
    return CreatedSession(row=row, token=token)


def parse_limit(raw: str | None) -> int:
    """§6.3: JavaScript parseInt (a leading integer), else 20; clamped to 1..200."""
    match = _LEADING_INT.match(raw or "")
    value = int(match.group(1)) if match else DEFAULT_LIST_LIMIT
    return max(1, min(MAX_LIST_LIMIT, value))


async def list_sessions(session: AsyncSession, *, user_id: str, limit: int) -> list[SessionSummary]:
    """The caller's sessions, the latest conversation first."""
    last = (
        select(SessionMessage.content)
        .where(SessionMessage.session_id == CodingSession.id)
        .order_by(SessionMessage.seq.desc())
        .limit(1)
        .correlate(CodingSession)
        .scalar_subquery()
    )
    stmt = (
        select(CodingSession, last.label("last_message"))
        .where(CodingSession.user_id == user_id)
        .order_by(CodingSession.last_message_at.desc(), CodingSession.created_at.desc(), CodingSession.id)
        .limit(limit)
    )
    rows = (await session.execute(stmt)).all()
    return [
        SessionSummary(
            id=row.id,
            state=row.state,
            learning_mode=row.learning_mode,
            created_at=row.created_at,
            updated_at=row.updated_at,
            activity_id=row.activity_id,
            last_message=last_message,
            last_message_at=row.last_message_at,
            message_count=row.message_count,
        )
        for row, last_message in rows
    ]


async def get_session_detail(
    session: AsyncSession, *, session_id: str, caller: Principal | None, owner_token: str | None
) -> SessionDetail:
    """A session with its whole conversation (§6.4), for its owner only."""
    row = await get_owned_session_or_raise(
        session, session_id=session_id, caller=caller, owner_token=owner_token
    )
    messages = await session.scalars(
        select(SessionMessage).where(SessionMessage.session_id == row.id).order_by(SessionMessage.seq)
    )
    return SessionDetail(
        row=row,
        messages=list(messages),
        spec=canonical(row.spec),
        intent_trace=row.intent_trace[-TRACE_SHOWN:],
    )


def checked_message(value: object) -> str:
    """§6.5: a non-blank string, trimmed; checked before the session is looked up."""
    if not isinstance(value, str) or not value.strip():
        raise errors.MessageRequired()
    message = value.strip()
    if len(message) > MAX_MESSAGE_CHARS:
        raise errors.MessageTooLong(MAX_MESSAGE_CHARS)
    return message


def _turn_lease(settings: Settings) -> timedelta:
    """Long enough for one dialogue call with all its retries."""
    return timedelta(seconds=settings.llm_timeout_s * (settings.llm_max_retries + 1) + 30)


async def _open_turn(
    session: AsyncSession,
    *,
    session_id: str,
    caller: Principal | None,
    owner_token: str | None,
    address: str,
    settings: Settings,
    now: datetime,
) -> tuple[CodingSession, spec_turn.TurnContext]:
    """Check the session can take a message, count it against the limits, read the turn's context."""
    row = await get_owned_session_or_raise(
        session, session_id=session_id, caller=caller, owner_token=owner_token, lock=True
    )
    if row.state not in CHAT_STATES:
        raise errors.MessagesClosed(row.state)
    if row.turn_token is not None and row.turn_expires_at is not None and row.turn_expires_at > now:
        raise errors.TurnInProgress()
    counters = rate_limits.buckets(
        "chat",
        user_id=caller.user_id if caller else None,
        address=address,
        per_user=settings.chat_rate_per_user,
        per_address=settings.chat_rate_per_address,
    )
    wait = await rate_limits.hit(session, counters=counters, window_s=settings.chat_rate_window_s, now=now)
    if wait:
        raise errors.ChatRateLimited(wait)
    _claim(row, caller)
    recent = await session.scalars(
        select(SessionMessage)
        .where(SessionMessage.session_id == row.id)
        .order_by(SessionMessage.seq.desc())
        .limit(HISTORY_MESSAGES)
    )
    context = spec_turn.TurnContext(
        state=row.state,
        spec=dict(row.spec),
        question_key=row.question_key,
        buffer=list(row.collector_buffer),
        history=[(m.role, m.content) for m in reversed(list(recent))],
        confidence=dict(row.confidence),
        commitments=list(row.commitments),
    )
    return row, context


async def _store_turn(
    session: AsyncSession, row: CodingSession, *, message: str, result: spec_turn.TurnResult, now: datetime
) -> TurnReply:
    """Write the turn: both messages, the spec, the collector, the trace, and the state (§14.2)."""
    row.spec = result.spec
    row.question_key = result.question_key
    row.collector_buffer = result.buffer
    row.confidence = result.confidence
    row.commitments = result.commitments
    row.intent_trace = [*row.intent_trace, *result.trace][-TRACE_KEPT:]
    if row.state == DRAFT:
        transition(row, CLARIFYING)
    transition(row, READY if result.done else CLARIFYING)
    row.turn_token = None
    row.turn_expires_at = None
    row.updated_at = now
    _add_message(session, row, role="user", content=message, now=now)
    _add_message(session, row, role="assistant", content=result.assistant_message, now=now)
    await session.flush()
    return TurnReply(
        state=row.state,
        next_question=result.assistant_message,
        question_key=result.question_key,
        spec=canonical(result.spec),
        done=result.done,
        next_action=result.next_action,
    )


async def post_message(
    db: Database,
    *,
    session_id: str,
    message: object,
    caller: Principal | None,
    owner_token: str | None,
    address: str,
    provider: LlmProvider | None,
    settings: Settings,
) -> TurnReply:
    """Take one chat message through the SpecBuilder turn (§6.5, §8)."""
    text = checked_message(message)
    now = clock.utcnow()
    async with unit_of_work(db, write=True) as session:
        row, context = await _open_turn(
            session,
            session_id=session_id,
            caller=caller,
            owner_token=owner_token,
            address=address,
            settings=settings,
            now=now,
        )
        if provider is None or not spec_turn.needs_dialogue(context, text):
            result = await spec_turn.take_turn(context, text, provider=None, now=now)
            return await _store_turn(session, row, message=text, result=result, now=now)
        lease = secrets.token_hex(16)
        row.turn_token, row.turn_expires_at = lease, now + _turn_lease(settings)
    try:
        result = await spec_turn.take_turn(context, text, provider=provider, now=now)
    except BaseException:
        async with unit_of_work(db, write=True) as session:
            await session.execute(
                update(CodingSession)
                .where(CodingSession.id == session_id, CodingSession.turn_token == lease)
                .values(turn_token=None, turn_expires_at=None)
            )
        raise
    async with unit_of_work(db, write=True) as session:
        row = await _load(session, session_id, lock=True)
        if row.turn_token != lease:
            raise errors.TurnSuperseded()
        return await _store_turn(session, row, message=text, result=result, now=clock.utcnow())


# --- the generation step's transitions (§6.1, §10.1) ---------------------------------------------


async def start_generation(
    session: AsyncSession, *, session_id: str, caller: Principal, owner_token: str | None
) -> CodingSession:
    """READY → GENERATING for the session's owner; 409 unless READY and not yet generated."""
    row = await get_owned_session_or_raise(
        session, session_id=session_id, caller=caller, owner_token=owner_token, lock=True
    )
    if row.state != READY:
        raise errors.GenerateNotReady(row.state)
    if row.activity_id is not None:
        raise errors.AlreadyGenerated()
    _claim(row, caller)
    transition(row, GENERATING)
    now = clock.utcnow()
    row.generation_heartbeat_at = now
    row.last_error = None
    row.updated_at = now
    await session.flush()
    return row


async def get_generating(session: AsyncSession, *, session_id: str, lock: bool = False) -> CodingSession:
    """The session a generation runs for; 409 once it has left GENERATING (recovered, say)."""
    row = await _load(session, session_id, lock=lock)
    if row.state != GENERATING:
        raise errors.InvalidTransition(row.state, GENERATING)
    return row


async def _generating(session: AsyncSession, session_id: str) -> CodingSession:
    return await get_generating(session, session_id=session_id, lock=True)


async def record_generation_heartbeat(session: AsyncSession, *, session_id: str) -> None:
    """Show the generation is alive (a stale heartbeat lets recovery return the session to READY)."""
    row = await _generating(session, session_id)
    row.generation_heartbeat_at = clock.utcnow()


async def save_plan(session: AsyncSession, *, session_id: str, plan: list[dict[str, Any]]) -> None:
    """Persist the derived plan (`plan_json`, §9)."""
    row = await _generating(session, session_id)
    row.plan = plan
    row.updated_at = clock.utcnow()


async def save_checkpoint(
    session: AsyncSession,
    *,
    session_id: str,
    problems: list[dict[str, Any]],
    outcomes: list[dict[str, Any]],
) -> None:
    """Persist the problems generated so far and the per-slot outcomes (the resume checkpoint)."""
    row = await _generating(session, session_id)
    row.problems = problems
    row.generation_outcomes = outcomes
    row.generation_heartbeat_at = row.updated_at = clock.utcnow()


async def append_trace(session: AsyncSession, *, session_id: str, entries: Sequence[dict[str, Any]]) -> None:
    """Append intent-trace entries (kept: the last 200)."""
    row = await _load(session, session_id, lock=True)
    row.intent_trace = [*row.intent_trace, *entries][-TRACE_KEPT:]


async def replace_spec(
    session: AsyncSession, *, session_id: str, spec: SpecDraft, patched: Sequence[str]
) -> None:
    """Store a spec changed by the generation's soft fallback; patched fields get confidence 1."""
    row = await _generating(session, session_id)
    row.spec = canonical(with_fixed_fields(spec))
    row.confidence = {**row.confidence, **dict.fromkeys(patched, 1.0)}
    row.updated_at = clock.utcnow()


async def complete_generation(session: AsyncSession, *, session_id: str, activity_id: str) -> None:
    """GENERATING → SAVED with the produced activity."""
    row = await _generating(session, session_id)
    transition(row, SAVED)
    row.activity_id = activity_id
    row.generation_heartbeat_at = None
    row.updated_at = clock.utcnow()


async def fail_generation(session: AsyncSession, *, session_id: str, error: str) -> None:
    """GENERATING → READY with `last_error`, so the owner can retry (§6.1)."""
    row = await _generating(session, session_id)
    transition(row, READY)
    row.last_error = error
    row.generation_heartbeat_at = None
    row.updated_at = clock.utcnow()


async def recover_interrupted_generations(session: AsyncSession, *, stale_after: timedelta) -> int:
    """Return sessions whose generation stopped beating to READY (§17.2 item 11); how many."""
    now = clock.utcnow()
    last_sign = func.coalesce(CodingSession.generation_heartbeat_at, CodingSession.updated_at)
    recovered = await session.scalars(
        update(CodingSession)
        .where(CodingSession.state == GENERATING, last_sign < now - stale_after)
        .values(state=READY, last_error=INTERRUPTED, generation_heartbeat_at=None, updated_at=now)
        .returning(CodingSession.id)
    )
    count = len(recovered.all())
    if count:
        log.warning("interrupted generations returned to READY", extra={"sessions": count})
    return count
