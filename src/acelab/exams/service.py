"""Exam session rules: the ACE web app's snapshot sessions (ace.md §8) and the server-authoritative
attempts started from blueprints, which share one table, one heartbeat and one set of admin tools.

- Every write is a compare-and-set on the `revision` it was computed from (ace.md §16.2 B8: the
  original checked the status, then upserted regardless); a loser re-reads and answers as the new
  state says.
- A client that sends `seq` gets ordered, idempotent saves: a heartbeat or answer save whose `seq` is
  not above the last applied one changes nothing. Attempts require it; the ACE web app sends none
  and keeps arrival order.
- Attempts run on the server's clock: answers are accepted until `closes_at` (the time limit plus
  grace); after it the attempt is submitted and scored by whichever comes first: the student's next
  request, any read of it, or the background sweep. Client timestamps are never used.
- Services that change state own their unit of work, so the live feed hears about a change only
  after it is committed, and an expired attempt is closed (committed) before `time is up` is raised.
- Heartbeats and answer saves, every student every 15 s on exam day, check the caller's session in
  the same unit of work, and on PostgreSQL run it in autocommit: every write there is one
  compare-and-set statement, atomic by itself. The row (status, score, counters) is what counts; the
  server events written after it are its timeline, so a crash in between loses a timeline entry at
  worst. SQLite takes its write lock for the whole unit, as everywhere.
"""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import BindParameter, Insert, Select, Update, bindparam, func, insert, literal, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from acelab import clock
from acelab.admin import service as admin_service
from acelab.catalog import service as catalog_service
from acelab.db.base import JsonType
from acelab.db.driver import (
    HotConnection,
    HotStatement,
    Unit,
    hot_connection,
    pg_connection,
    sqlalchemy_connection,
)
from acelab.db.engine import Database, json_dumps
from acelab.db.ids import new_id
from acelab.db.pages import PageParams, PageResult, fetch_page
from acelab.db.session import unit_of_work
from acelab.exams import blueprints as blueprint_rules
from acelab.exams import errors, live
from acelab.exams.context import ExamContext
from acelab.exams.live import LiveMessage
from acelab.exams.models import (
    ACTIVE,
    ADMIN,
    ATTEMPT_ID_PREFIX,
    CLIENT,
    FINISHED,
    INVALID,
    SERVER,
    STATUSES,
    SUBMITTED_BY_ADMIN,
    SUBMITTED_BY_STUDENT,
    SUBMITTED_ON_EXPIRY,
    TERMINATED,
    ExamSession,
    ExamSessionEvent,
    ExamSessionFlag,
)
from acelab.exams.papers import (
    PaperChoices,
    Score,
    answered_count,
    blank_sheet,
    draw_paper,
    paper_choices,
    score_paper,
)
from acelab.http.auth import SessionCheck
from acelab.http.client import ClientInfo
from acelab.identity import service as identity_service
from acelab.identity.models import User
from acelab.identity.service import Principal

log = logging.getLogger(__name__)

JsonObject = dict[str, Any]
# Checks the caller's auth session and user in the service's unit of work.
Authenticate = Callable[[Unit], Awaitable[Principal]]
# A compare-and-set that lost re-reads the session; each loss means another request made progress.
MAX_TRIES = 5
MAX_SESSION_ID_LENGTH = 128
MAX_EVENT_TYPE_LENGTH = 64
RESERVED_EVENT_PREFIXES = ("server.", "admin.")
AUDIT_TARGET = "exam_session"
SWEEP_BATCH = 100
# One sweep closes at most this many batches, so a backlog never holds a process for long.
SWEEP_MAX_BATCHES = 50
# Active sessions a live stream starts with.
LIVE_SNAPSHOT_LIMIT = 500


def _seconds(since: datetime, until: datetime) -> int:
    """ace.md §12.5: whole seconds, truncated, never negative."""
    return max(0, int((until - since).total_seconds()))


def _json_size(value: Any) -> int:
    """The size of a document as its column will store it."""
    return len(json_dumps(value).encode())


# --- reading a session -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionState:
    """A session row without its paper and snapshot (read only where they are needed)."""

    user_id: str
    id: str
    status: str
    exam_package_id: str | None
    tier_id: str | None
    created_at: datetime
    updated_at: datetime
    last_heartbeat_at: datetime
    submitted_at: datetime | None
    terminated_at: datetime | None
    invalidated_at: datetime | None
    revision: int
    client_seq: int | None
    heartbeat_count: int
    heartbeat_gap_count: int
    longest_heartbeat_gap_seconds: int
    last_ip: str | None
    last_user_agent: str | None
    ip_change_count: int
    user_agent_change_count: int
    blueprint_id: str | None
    attempt_number: int | None
    started_at: datetime | None
    expires_at: datetime | None
    closes_at: datetime | None
    time_limit_seconds: int | None
    grace_seconds: int | None
    pass_percent: int | None
    answer_sheet: str | None
    submit_reason: str | None
    score_correct: int | None
    score_total: int | None
    score_percent: float | None
    passed: bool | None
    breakdown: JsonObject | None

    @property
    def is_attempt(self) -> bool:
        return self.closes_at is not None

    def is_overdue(self, now: datetime) -> bool:
        """An attempt still active although its time and grace have run out."""
        return self.status == ACTIVE and self.closes_at is not None and now >= self.closes_at

    def time_remaining(self, now: datetime) -> int:
        if self.expires_at is None or self.status != ACTIVE:
            return 0
        return _seconds(now, self.expires_at)

    @property
    def answered_count(self) -> int:
        return answered_count(self.answer_sheet)


_STATE_COLUMNS = tuple(getattr(ExamSession, name) for name in SessionState.__dataclass_fields__)
_KEY = (ExamSession.user_id == bindparam("uid"), ExamSession.id == bindparam("sid"))
_READ_STATE = HotStatement(select(*_STATE_COLUMNS).where(*_KEY))
_READ_PAPER = select(ExamSession.paper).where(*_KEY)
_READ_STATE_AND_PAPER = select(*_STATE_COLUMNS, ExamSession.paper).where(*_KEY)
_READ_SNAPSHOT = select(ExamSession.snapshot).where(*_KEY)


def _state(row: Any) -> SessionState:
    return SessionState(**row._asdict())


async def _read(conn: Unit, *, user_id: str, session_id: str) -> SessionState | None:
    row = await _READ_STATE.first(conn, {"uid": user_id, "sid": session_id})
    return None if row is None else SessionState(**row)


def _caller_and_session(columns: str) -> str:
    """PostgreSQL: the caller's session check and the read of its session in one round trip. The
    session's `columns` come first; the caller's follow (named `caller_*`)."""
    return (
        "WITH"
        + identity_service.session_check_ctes(session_id="$1", user_id="$2", now="$3", stale="$4")
        + f"\nSELECT {columns}, caller.*"
        + "\nFROM caller LEFT JOIN exam_sessions AS es ON es.user_id = caller.caller_id AND es.id = $5"
    )


_STATE_SQL = ", ".join(f"es.{column.key}" for column in _STATE_COLUMNS)
_CALLER_AND_STATE = _caller_and_session(_STATE_SQL)
_CALLER_STATE_AND_PAPER = _caller_and_session(f"{_STATE_SQL}, es.paper")


async def _caller_and_read(
    conn: Unit, caller: SessionCheck, *, session_id: str, now: datetime
) -> tuple[str, SessionState | None]:
    """Check the caller (401 if not valid) and read its session: the caller's id and the state."""
    pg = await pg_connection(conn)
    if pg is None:
        user_id = (await caller(conn)).user_id
        return user_id, await _read(conn, user_id=user_id, session_id=session_id)
    principal, row = await identity_service.fetch_with_caller(
        pg, _CALLER_AND_STATE, caller.ctx, caller.claims, now, session_id
    )
    if row["id"] is None:
        return principal.user_id, None
    return principal.user_id, SessionState(*tuple(row.values())[: len(_STATE_COLUMNS)])


def answers_of(state: SessionState, paper: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """An attempt's answers, {questionId: choiceId}, read from its answer sheet."""
    return paper_choices(paper).answers(state.answer_sheet)


async def _caller_and_read_with_paper(
    conn: Unit, caller: SessionCheck, *, session_id: str, now: datetime
) -> tuple[SessionState | None, list[JsonObject]]:
    """`_caller_and_read` with the session's paper, for a submit that scores it."""
    pg = await pg_connection(conn)
    if pg is None:
        user_id = (await caller(conn)).user_id
        return await _read_with_paper(
            await sqlalchemy_connection(conn), user_id=user_id, session_id=session_id
        )
    _, row = await identity_service.fetch_with_caller(
        pg, _CALLER_STATE_AND_PAPER, caller.ctx, caller.claims, now, session_id
    )
    if row["id"] is None:
        return None, []
    return SessionState(*tuple(row.values())[: len(_STATE_COLUMNS)]), list(row["paper"] or [])


async def _read_paper(conn: Unit, state: SessionState) -> list[JsonObject]:
    connection = await sqlalchemy_connection(conn)
    paper = await connection.scalar(_READ_PAPER, {"uid": state.user_id, "sid": state.id})
    return list(paper or [])


async def _read_with_paper(
    conn: AsyncConnection, *, user_id: str, session_id: str
) -> tuple[SessionState | None, list[JsonObject]]:
    """One round trip for a save that must check its answers against the paper."""
    row = (await conn.execute(_READ_STATE_AND_PAPER, {"uid": user_id, "sid": session_id})).first()
    if row is None:
        return None, []
    values = row._asdict()
    paper = values.pop("paper")
    return SessionState(**values), list(paper or [])


def _saving_unit(db: Database) -> contextlib.AbstractAsyncContextManager[HotConnection]:
    """The unit of work of heartbeats and answer saves (see the module notes)."""
    return hot_connection(db, sqlite_write=True)


# --- writing a session -----------------------------------------------------------------------------

# The state a change was computed from must still be there when it is written.
_UNCHANGED = (*_KEY, ExamSession.revision == bindparam("rev"), ExamSession.status == ACTIVE)
_BEAT_VALUES = {
    "updated_at": bindparam("now"),
    "last_heartbeat_at": bindparam("now"),
    "revision": ExamSession.revision + 1,
    "client_seq": bindparam("seq"),
    "heartbeat_count": bindparam("beats"),
    "heartbeat_gap_count": bindparam("gaps"),
    "longest_heartbeat_gap_seconds": bindparam("longest_gap"),
    "last_ip": bindparam("ip"),
    "last_user_agent": bindparam("user_agent"),
    "ip_change_count": bindparam("ip_changes"),
    "user_agent_change_count": bindparam("user_agent_changes"),
}
_SNAPSHOT = bindparam("snap", type_=JsonType)
_SHEET: BindParameter[str] = bindparam("sheet")
# Statements built once: building one costs more than running it, and these run every 15 s per student.
_BEAT_ACE = HotStatement(
    update(ExamSession)
    .where(*_UNCHANGED)
    .values(
        **_BEAT_VALUES,
        snapshot=_SNAPSHOT,
        # ace.md §8.3: an existing package and tier are kept; only missing ones are filled in.
        exam_package_id=func.coalesce(ExamSession.exam_package_id, bindparam("pkg")),
        tier_id=func.coalesce(ExamSession.tier_id, bindparam("tier")),
    )
)
_BEAT_ATTEMPT = HotStatement(
    update(ExamSession).where(*_UNCHANGED).values(**_BEAT_VALUES, answer_sheet=_SHEET)
)
_BEAT_ATTEMPT_WITH_SNAPSHOT = HotStatement(
    update(ExamSession).where(*_UNCHANGED).values(**_BEAT_VALUES, answer_sheet=_SHEET, snapshot=_SNAPSHOT)
)
_SAVE_ANSWERS = HotStatement(
    update(ExamSession)
    .where(*_UNCHANGED)
    .values(
        updated_at=bindparam("now"),
        revision=ExamSession.revision + 1,
        client_seq=bindparam("seq"),
        answer_sheet=_SHEET,
    )
)
_FINISH_ATTEMPT = (
    update(ExamSession)
    .where(*_UNCHANGED)
    .values(
        status=FINISHED,
        updated_at=bindparam("now"),
        submitted_at=func.coalesce(ExamSession.submitted_at, bindparam("now")),
        submit_reason=bindparam("reason"),
        score_correct=bindparam("correct"),
        score_total=bindparam("total"),
        score_percent=bindparam("percent"),
        passed=bindparam("did_pass"),
        breakdown=bindparam("scores", type_=JsonType),
        revision=ExamSession.revision + 1,
    )
)
_INSERT_ACE = insert(ExamSession).values(
    user_id=bindparam("uid"),
    id=bindparam("sid"),
    status=ACTIVE,
    exam_package_id=bindparam("pkg"),
    tier_id=bindparam("tier"),
    snapshot=_SNAPSHOT,
    created_at=bindparam("now"),
    updated_at=bindparam("now"),
    last_heartbeat_at=bindparam("now"),
    termination_reason="",
    invalidation_reason="",
    revision=0,
    client_seq=bindparam("seq"),
    heartbeat_count=1,
    heartbeat_gap_count=0,
    longest_heartbeat_gap_seconds=0,
    last_ip=bindparam("ip"),
    last_user_agent=bindparam("user_agent"),
    ip_change_count=0,
    user_agent_change_count=0,
)
_INSERT_EVENT = insert(ExamSessionEvent).values(
    user_id=bindparam("uid"),
    session_id=bindparam("sid"),
    event_type=bindparam("etype"),
    payload=bindparam("epayload", type_=JsonType),
    created_at=bindparam("now"),
    source=bindparam("esource"),
)


@dataclass(frozen=True)
class NewEvent:
    event_type: str
    payload: Any
    source: str = SERVER


async def _append_events(
    conn: Unit, state_key: tuple[str, str], events: Sequence[NewEvent], now: datetime
) -> None:
    if not events:
        return
    user_id, session_id = state_key
    connection = await sqlalchemy_connection(conn)
    await connection.execute(
        _INSERT_EVENT,
        [
            {
                "uid": user_id,
                "sid": session_id,
                "etype": e.event_type,
                "epayload": e.payload,
                "now": now,
                "esource": e.source,
            }
            for e in events
        ],
    )


def _with_server_event(statement: Insert | Update, event_type: str) -> Insert:
    """PostgreSQL: `statement` (writing one session) and the server event of the session it wrote, in
    one round trip; the statement's row count is the event's. Binds `epayload` and `now`."""
    written = statement.returning(ExamSession.user_id, ExamSession.id).cte("written")
    return insert(ExamSessionEvent).from_select(
        ["user_id", "session_id", "event_type", "payload", "created_at", "source"],
        select(
            written.c.user_id,
            written.c.id,
            literal(event_type),
            bindparam("epayload", type_=JsonType),
            bindparam("now"),
            literal(SERVER),
        ),
    )


async def _write_with_server_event(
    conn: Unit,
    statements: tuple[Insert | Update, Insert],
    params: dict[str, Any],
    *,
    state_key: tuple[str, str],
    event: NewEvent,
    now: datetime,
) -> bool:
    """Write a session with the first of `statements` and, if it wrote the row, its server `event`:
    one round trip on PostgreSQL (the second, from `_with_server_event`), two elsewhere. Whether it
    wrote."""
    statement, with_event = statements
    connection = await sqlalchemy_connection(conn)
    if connection.dialect.name == "postgresql":
        result = await connection.execute(with_event, {**params, "epayload": event.payload, "now": now})
        return result.rowcount > 0
    if (await connection.execute(statement, params)).rowcount == 0:
        return False
    await _append_events(conn, state_key, [event], now)
    return True


_FINISHING = (_FINISH_ATTEMPT, _with_server_event(_FINISH_ATTEMPT, "server.submitted"))


@dataclass
class Changes:
    """What one unit of work did, published once it has committed."""

    messages: list[LiveMessage] = field(default_factory=list)

    def add(self, kind: str, state: SessionState, **data: Any) -> None:
        self.messages.append(
            LiveMessage(
                kind=kind,
                user_id=state.user_id,
                session_id=state.id,
                data={"userId": state.user_id, "sessionId": state.id, **data},
            )
        )

    def publish(self, exams: ExamContext) -> None:
        for message in self.messages:
            exams.feed.publish(message)


async def _finalize(
    conn: Unit,
    state: SessionState,
    *,
    now: datetime,
    reason: str,
    changes: Changes,
    paper: Sequence[Mapping[str, Any]] | None = None,
) -> SessionState | None:
    """Submit and score an active attempt; None when it changed since it was read."""
    if paper is None:
        paper = await _read_paper(conn, state)
    score: Score = score_paper(paper, answers_of(state, paper), pass_percent=state.pass_percent or 0)
    payload = {"reason": reason, "correct": score.correct, "total": score.total}
    finished_now = await _write_with_server_event(
        conn,
        _FINISHING,
        {
            "uid": state.user_id,
            "sid": state.id,
            "rev": state.revision,
            "now": now,
            "reason": reason,
            "correct": score.correct,
            "total": score.total,
            "percent": score.percent,
            "did_pass": score.passed,
            "scores": score.breakdown,
        },
        state_key=(state.user_id, state.id),
        event=NewEvent("server.submitted", payload),
        now=now,
    )
    if not finished_now:
        return None
    finished = replace(
        state,
        status=FINISHED,
        updated_at=now,
        submitted_at=state.submitted_at or now,
        submit_reason=reason,
        score_correct=score.correct,
        score_total=score.total,
        score_percent=score.percent,
        passed=score.passed,
        breakdown=score.breakdown,
        revision=state.revision + 1,
    )
    changes.add(live.STATUS, finished, status=FINISHED, reason=reason, percent=score.percent)
    return finished


async def _current(db: Database, exams: ExamContext, *, user_id: str, session_id: str) -> SessionState | None:
    """Read a session, closing it first when it is an attempt past its time and grace."""
    now = clock.utcnow()
    async with unit_of_work(db, autocommit=True) as session:
        state = await _read(await session.connection(), user_id=user_id, session_id=session_id)
    if state is None or not state.is_overdue(now):
        return state
    return await _close_overdue(db, exams, user_id=user_id, session_id=session_id)


async def _close_overdue(db: Database, exams: ExamContext, *, user_id: str, session_id: str) -> SessionState:
    for _ in range(MAX_TRIES):
        changes = Changes()
        async with unit_of_work(db, write=True) as session:
            conn = await session.connection()
            now = clock.utcnow()
            state, paper = await _read_with_paper(conn, user_id=user_id, session_id=session_id)
            if state is None:
                raise errors.SessionNotFound()
            if not state.is_overdue(now):
                return state
            finished = await _finalize(
                conn, state, now=now, reason=SUBMITTED_ON_EXPIRY, changes=changes, paper=paper
            )
        if finished is not None:
            changes.publish(exams)
            return finished
    raise errors.SessionBusy()


# --- heartbeats ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BeatOutcome:
    state: SessionState
    applied: bool
    server_ts: datetime
    time_up: bool = False


@dataclass(frozen=True)
class _Integrity:
    """The heartbeat counters after this beat, and the events it gives rise to."""

    values: JsonObject
    events: list[NewEvent]


def _integrity(state: SessionState, *, now: datetime, client: ClientInfo, gap_s: int) -> _Integrity:
    gap = _seconds(state.last_heartbeat_at, now)
    gaps, longest = state.heartbeat_gap_count, state.longest_heartbeat_gap_seconds
    events: list[NewEvent] = []
    if gap > gap_s:
        gaps, longest = gaps + 1, max(longest, gap)
        events.append(NewEvent("server.heartbeat_gap", {"seconds": gap}))
    ip_changes, agent_changes = state.ip_change_count, state.user_agent_change_count
    if state.last_ip is not None and client.ip != state.last_ip:
        ip_changes += 1
        events.append(NewEvent("server.ip_changed", {"from": state.last_ip, "to": client.ip}))
    if state.last_user_agent is not None and client.user_agent != state.last_user_agent:
        agent_changes += 1
        events.append(
            NewEvent("server.user_agent_changed", {"from": state.last_user_agent, "to": client.user_agent})
        )
    values = {
        "beats": state.heartbeat_count + 1,
        "gaps": gaps,
        "longest_gap": longest,
        "ip": client.ip,
        "user_agent": client.user_agent,
        "ip_changes": ip_changes,
        "user_agent_changes": agent_changes,
    }
    return _Integrity(values=values, events=events)


def _is_stale(state: SessionState, seq: int | None) -> bool:
    return seq is not None and state.client_seq is not None and seq <= state.client_seq


async def _paper_choices(conn: Unit, exams: ExamContext, state: SessionState) -> PaperChoices:
    key = (state.user_id, state.id)
    return exams.papers.get(key) or exams.papers.put(key, await _read_paper(conn, state))


def _check_answers(choices: PaperChoices, given: Mapping[str, str | None]) -> None:
    """Every answer names a question of this paper and, unless it clears it, one of its choices."""
    for question_id, choice_id in given.items():
        if question_id not in choices.choices:
            raise errors.UnknownQuestion()
        if choice_id is not None and choice_id not in choices.choices[question_id]:
            raise errors.InvalidChoice()


async def _checked_sheet(
    conn: Unit, exams: ExamContext, state: SessionState, given: Mapping[str, str | None]
) -> str | None:
    """The attempt's answer sheet with `given` written over it (a null clears an answer), once every
    answer is checked against its paper."""
    if not given:
        return state.answer_sheet
    choices = await _paper_choices(conn, exams, state)
    _check_answers(choices, given)
    return choices.merged(state.answer_sheet, given)


def check_session_id(session_id: str) -> None:
    """Refuse a client-chosen id too long to be a real one (the web app's are UUIDs)."""
    if len(session_id) > MAX_SESSION_ID_LENGTH:
        raise errors.SessionIdTooLong(MAX_SESSION_ID_LENGTH)


class _Retry(Exception):
    """A compare-and-set lost: the unit of work is rolled back and the request starts over."""


async def record_heartbeat(
    db: Database,
    exams: ExamContext,
    *,
    caller: SessionCheck,
    session_id: str,
    body_session_id: str | None,
    exam_package_id: str | None,
    snapshot: Any,
    snapshot_given: bool,
    seq: int | None,
    answers: Mapping[str, str | None] | None,
    client: ClientInfo,
) -> BeatOutcome:
    """Keep a session alive and save what the client sent (ace.md §8.3); create it on first call.

    For an attempt: the server's clock decides, `seq` orders the saves and `answers` are merged in.
    """
    if body_session_id and body_session_id != session_id:
        raise errors.SessionIdMismatch()
    check_session_id(session_id)
    if snapshot_given and _json_size(snapshot) > exams.limits.snapshot_max_bytes:
        raise errors.SnapshotTooLarge()
    for _ in range(MAX_TRIES):
        changes = Changes()
        try:
            async with _saving_unit(db) as conn:
                now = clock.utcnow()
                user_id, state = await _caller_and_read(conn, caller, session_id=session_id, now=now)
                if state is not None and state.is_attempt:
                    outcome = await _attempt_beat(
                        conn,
                        exams,
                        state,
                        now=now,
                        exam_package_id=exam_package_id,
                        snapshot=snapshot,
                        snapshot_given=snapshot_given,
                        seq=seq,
                        answers=answers,
                        client=client,
                        changes=changes,
                    )
                else:
                    if answers is not None:
                        raise errors.AnswersNeedAttempt()
                    outcome = await _snapshot_beat(
                        await conn.session(),
                        exams,
                        state,
                        user_id=user_id,
                        session_id=session_id,
                        now=now,
                        exam_package_id=exam_package_id,
                        snapshot=snapshot if snapshot_given else {},
                        seq=seq,
                        client=client,
                        changes=changes,
                    )
        except (_Retry, IntegrityError):
            # Lost a compare-and-set, or a concurrent first heartbeat created the row first.
            continue
        changes.publish(exams)
        if outcome.time_up:
            raise errors.TimeIsUp()
        return outcome
    raise errors.SessionBusy()


async def _snapshot_beat(
    session: AsyncSession,
    exams: ExamContext,
    state: SessionState | None,
    *,
    user_id: str,
    session_id: str,
    now: datetime,
    exam_package_id: str | None,
    snapshot: Any,
    seq: int | None,
    client: ClientInfo,
    changes: Changes,
) -> BeatOutcome:
    """ace.md §8.3 steps 3-5 for the web app's snapshot sessions."""
    enrollment = await catalog_service.resolve_enrollment(
        session, user_id=user_id, exam_package_id=exam_package_id
    )
    conn = await session.connection()
    if state is None:
        await conn.execute(
            _INSERT_ACE,
            {
                "uid": user_id,
                "sid": session_id,
                "pkg": enrollment.exam_package_id,
                "tier": enrollment.tier_id,
                "snap": snapshot,
                "now": now,
                "seq": seq,
                "ip": client.ip,
                "user_agent": client.user_agent,
            },
        )
        created = await _read(conn, user_id=user_id, session_id=session_id)
        assert created is not None
        changes.add(live.STARTED, created, status=ACTIVE, examPackageId=created.exam_package_id)
        return BeatOutcome(state=created, applied=True, server_ts=now)
    if state.status != ACTIVE:
        raise errors.SessionNotActive()
    if state.exam_package_id and state.exam_package_id != enrollment.exam_package_id:
        raise errors.PackageMismatch()
    if _is_stale(state, seq):
        return BeatOutcome(state=state, applied=False, server_ts=now)
    integrity = _integrity(state, now=now, client=client, gap_s=exams.limits.heartbeat_gap_s)
    changed = await _BEAT_ACE.rowcount(
        conn,
        {
            "uid": user_id,
            "sid": session_id,
            "rev": state.revision,
            "now": now,
            "seq": seq if seq is not None else state.client_seq,
            "snap": snapshot,
            "pkg": enrollment.exam_package_id,
            "tier": enrollment.tier_id,
            **integrity.values,
        },
    )
    if changed == 0:
        raise _Retry()
    await _append_events(conn, (user_id, session_id), integrity.events, now)
    beaten = replace(
        state,
        revision=state.revision + 1,
        updated_at=now,
        last_heartbeat_at=now,
        client_seq=seq if seq is not None else state.client_seq,
        heartbeat_count=state.heartbeat_count + 1,
    )
    changes.add(live.HEARTBEAT, beaten, status=ACTIVE)
    for event in integrity.events:
        changes.add(live.EVENT, beaten, eventType=event.event_type, payload=event.payload, source=SERVER)
    return BeatOutcome(state=beaten, applied=True, server_ts=now)


async def _attempt_beat(
    conn: Unit,
    exams: ExamContext,
    state: SessionState,
    *,
    now: datetime,
    exam_package_id: str | None,
    snapshot: Any,
    snapshot_given: bool,
    seq: int | None,
    answers: Mapping[str, str | None] | None,
    client: ClientInfo,
    changes: Changes,
) -> BeatOutcome:
    """A heartbeat of an attempt: the clock first, then order, then the answers it carries.

    Unlike a snapshot session's (ace.md §8.3 step 3), it does not resolve the enrollment again: the
    attempt was bound to its package when it started, and unenrolling does not stop a running exam.
    """
    requested_package = (exam_package_id or "").strip()
    if requested_package and requested_package != state.exam_package_id:
        raise errors.PackageMismatch()
    if state.status != ACTIVE:
        raise errors.SessionNotActive()
    if state.is_overdue(now):
        finished = await _finalize(conn, state, now=now, reason=SUBMITTED_ON_EXPIRY, changes=changes)
        if finished is None:
            raise _Retry()
        return BeatOutcome(state=finished, applied=False, server_ts=now, time_up=True)
    if seq is None:
        raise errors.SeqRequired()
    sheet = await _checked_sheet(conn, exams, state, answers or {})
    if _is_stale(state, seq):
        return BeatOutcome(state=state, applied=False, server_ts=now)
    integrity = _integrity(state, now=now, client=client, gap_s=exams.limits.heartbeat_gap_s)
    params = {
        "uid": state.user_id,
        "sid": state.id,
        "rev": state.revision,
        "now": now,
        "seq": seq,
        "sheet": sheet,
        **integrity.values,
    }
    statement = _BEAT_ATTEMPT
    if snapshot_given:
        statement, params["snap"] = _BEAT_ATTEMPT_WITH_SNAPSHOT, snapshot
    if await statement.rowcount(conn, params) == 0:
        raise _Retry()
    await _append_events(conn, (state.user_id, state.id), integrity.events, now)
    beaten = replace(
        state,
        revision=state.revision + 1,
        updated_at=now,
        last_heartbeat_at=now,
        client_seq=seq,
        heartbeat_count=state.heartbeat_count + 1,
        answer_sheet=sheet,
    )
    changes.add(
        live.HEARTBEAT,
        beaten,
        status=ACTIVE,
        answeredCount=beaten.answered_count,
        timeRemainingSeconds=beaten.time_remaining(now),
    )
    for event in integrity.events:
        changes.add(live.EVENT, beaten, eventType=event.event_type, payload=event.payload, source=SERVER)
    return BeatOutcome(state=beaten, applied=True, server_ts=now)


# --- attempts ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttemptView:
    state: SessionState
    paper: list[JsonObject]
    server_ts: datetime

    @property
    def answers(self) -> dict[str, str]:
        return answers_of(self.state, self.paper)


_ATTEMPTS_OF = select(ExamSession.id, ExamSession.status, ExamSession.attempt_number).where(
    ExamSession.user_id == bindparam("uid"), ExamSession.blueprint_id == bindparam("bid")
)


@dataclass(frozen=True)
class _StartFacts:
    """What starting an attempt decides on, once checked: the caller, the exam's rules, the caller's
    tier in its package and the caller's attempts of it so far."""

    user_id: str
    blueprint: blueprint_rules.ExamRules
    tier_id: str
    attempts_used: int
    last_number: int
    running_id: str | None


# PostgreSQL: the caller's session check and everything a start decides on, in one round trip.
_RULES_FIELDS = tuple(blueprint_rules.ExamRules.__dataclass_fields__)
_START_FACTS = (
    "WITH"
    + identity_service.session_check_ctes(session_id="$1", user_id="$2", now="$3", stale="$4")
    + "\nSELECT "
    + ", ".join(f"b.{name}" for name in _RULES_FIELDS)
    + f""", caller.*, e.tier_id AS enrolled_tier_id,
    (SELECT count(*) FROM exam_sessions AS a WHERE a.user_id = $2 AND a.blueprint_id = b.id)
        AS attempts_used,
    (SELECT max(a.attempt_number) FROM exam_sessions AS a WHERE a.user_id = $2 AND a.blueprint_id = b.id)
        AS last_number,
    (SELECT a.id FROM exam_sessions AS a
     WHERE a.user_id = $2 AND a.blueprint_id = b.id AND a.status = '{ACTIVE}' LIMIT 1) AS running_id
FROM caller
LEFT JOIN exam_blueprints AS b ON b.id = $5 AND b.is_published
LEFT JOIN user_exam_package_enrollments AS e ON e.user_id = $2 AND e.exam_package_id = b.exam_package_id"""
)


def _checked_start(
    blueprint_id: str, blueprint: blueprint_rules.ExamRules | None, tier_id: str | None
) -> tuple[blueprint_rules.ExamRules, str]:
    """The checks of a start, in order: the exam named, published, and the caller enrolled in it."""
    if not blueprint_id:
        raise errors.BlueprintInvalid("blueprintId is required")
    if blueprint is None:
        raise errors.ExamNotFound()
    if tier_id is None:
        raise errors.NotEnrolled()
    return blueprint, tier_id


async def _start_facts(db: Database, caller: SessionCheck, *, blueprint_id: str) -> _StartFacts:
    if db.is_sqlite:
        async with unit_of_work(db, autocommit=True) as session:
            user_id = (await caller(session)).user_id
            found = await blueprint_rules.get_published_rules(session, blueprint_id=blueprint_id)
            enrollment = None
            if found is not None:
                enrollment = await catalog_service.get_enrollment(
                    session, user_id=user_id, exam_package_id=found.exam_package_id
                )
            blueprint, tier_id = _checked_start(
                blueprint_id, found, None if enrollment is None else enrollment.tier_id
            )
            attempts = (await session.execute(_ATTEMPTS_OF, {"uid": user_id, "bid": blueprint.id})).all()
        return _StartFacts(
            user_id=user_id,
            blueprint=blueprint,
            tier_id=tier_id,
            attempts_used=len(attempts),
            last_number=max((a.attempt_number or 0 for a in attempts), default=0),
            running_id=next((a.id for a in attempts if a.status == ACTIVE), None),
        )
    now = clock.utcnow()
    async with hot_connection(db) as conn:
        pg = await pg_connection(conn)
        assert pg is not None
        principal, row = await identity_service.fetch_with_caller(
            pg, _START_FACTS, caller.ctx, caller.claims, now, blueprint_id
        )
    user_id = principal.user_id
    found = None
    if row["id"] is not None:
        found = blueprint_rules.ExamRules(**{name: row[name] for name in _RULES_FIELDS})
    blueprint, tier_id = _checked_start(blueprint_id, found, row["enrolled_tier_id"])
    return _StartFacts(
        user_id=user_id,
        blueprint=blueprint,
        tier_id=tier_id,
        attempts_used=row["attempts_used"],
        last_number=row["last_number"] or 0,
        running_id=row["running_id"],
    )


async def start_attempt(
    db: Database, exams: ExamContext, *, caller: SessionCheck, blueprint_id: str, client: ClientInfo
) -> AttemptView:
    """Start an attempt of a published exam: draw and freeze its paper, start the server's clock.

    A student with an attempt of this exam still running gets that attempt back (a double click
    on "start" must not burn an attempt).
    """
    blueprint_id = blueprint_id.strip()
    for _ in range(MAX_TRIES):
        facts = await _start_facts(db, caller, blueprint_id=blueprint_id)
        user_id, blueprint = facts.user_id, facts.blueprint
        if facts.running_id is not None:
            current = await _current(db, exams, user_id=user_id, session_id=facts.running_id)
            if current is not None and current.status == ACTIVE:
                return await _attempt_view(db, current)
            continue  # it was past its time and is closed now: count again
        if facts.attempts_used >= blueprint.attempts_allowed:
            raise errors.NoAttemptsLeft()
        pool = await exams.pools.get(db, exam_package_id=blueprint.exam_package_id)
        paper = draw_paper(
            pool,
            mix=blueprint_rules.mix_entries(blueprint.mix),
            question_count=blueprint.question_count,
            shuffle_questions=blueprint.shuffle_questions,
            shuffle_choices=blueprint.shuffle_choices,
        )
        if paper is None:
            raise errors.NotEnoughQuestions()
        number = facts.last_number + 1
        try:
            state = await _insert_attempt(
                db,
                user_id=user_id,
                blueprint=blueprint,
                tier_id=facts.tier_id,
                attempt_number=number,
                paper=paper,
                client=client,
            )
        except IntegrityError:
            continue  # a concurrent start took this attempt number: look again
        exams.papers.put((state.user_id, state.id), paper)
        changes = Changes()
        changes.add(
            live.STARTED,
            state,
            status=ACTIVE,
            blueprintId=blueprint.id,
            attemptNumber=number,
            expiresAt=state.expires_at,
        )
        changes.publish(exams)
        return AttemptView(state=state, paper=paper, server_ts=state.created_at)
    raise errors.SessionBusy()


_INSERT_ATTEMPT = insert(ExamSession).values(
    {
        name: bindparam(name)
        for name in (
            *SessionState.__dataclass_fields__,
            "snapshot",
            "termination_reason",
            "invalidation_reason",
            "paper",
        )
    }
)
_STARTING = (_INSERT_ATTEMPT, _with_server_event(_INSERT_ATTEMPT, "server.started"))


async def _insert_attempt(
    db: Database,
    *,
    user_id: str,
    blueprint: blueprint_rules.ExamRules,
    tier_id: str,
    attempt_number: int,
    paper: list[JsonObject],
    client: ClientInfo,
) -> SessionState:
    now = clock.utcnow()
    expires_at = now + timedelta(seconds=blueprint.time_limit_seconds)
    state = SessionState(
        user_id=user_id,
        id=new_id(ATTEMPT_ID_PREFIX),
        status=ACTIVE,
        exam_package_id=blueprint.exam_package_id,
        tier_id=tier_id,
        created_at=now,
        updated_at=now,
        # The clock of heartbeat gaps starts with the attempt.
        last_heartbeat_at=now,
        submitted_at=None,
        terminated_at=None,
        invalidated_at=None,
        revision=0,
        client_seq=None,
        heartbeat_count=0,
        heartbeat_gap_count=0,
        longest_heartbeat_gap_seconds=0,
        last_ip=client.ip,
        last_user_agent=client.user_agent,
        ip_change_count=0,
        user_agent_change_count=0,
        blueprint_id=blueprint.id,
        attempt_number=attempt_number,
        started_at=now,
        expires_at=expires_at,
        closes_at=expires_at + timedelta(seconds=blueprint.grace_seconds),
        time_limit_seconds=blueprint.time_limit_seconds,
        grace_seconds=blueprint.grace_seconds,
        pass_percent=blueprint.pass_percent,
        answer_sheet=blank_sheet(paper),
        submit_reason=None,
        score_correct=None,
        score_total=None,
        score_percent=None,
        passed=None,
        breakdown=None,
    )
    row = {
        # A shallow copy: asdict() deep-copies every value, a sizeable part of a start's CPU.
        **vars(state),
        "snapshot": {},
        "termination_reason": "",
        "invalidation_reason": "",
        "paper": paper,
    }
    payload = {"blueprintId": blueprint.id, "attemptNumber": attempt_number, "questions": len(paper)}
    async with _saving_unit(db) as unit:
        await _write_with_server_event(
            unit,
            _STARTING,
            row,
            state_key=(user_id, state.id),
            event=NewEvent("server.started", payload),
            now=now,
        )
    return state


async def _attempt_view(db: Database, state: SessionState) -> AttemptView:
    async with unit_of_work(db, autocommit=True) as session:
        paper = await _read_paper(await session.connection(), state)
    return AttemptView(state=state, paper=paper, server_ts=clock.utcnow())


async def _attempt_or_raise(
    db: Database, exams: ExamContext, *, user_id: str, attempt_id: str
) -> SessionState:
    state = await _current(db, exams, user_id=user_id, session_id=attempt_id)
    if state is None or not state.is_attempt:
        raise errors.AttemptNotFound()
    return state


async def get_attempt(db: Database, exams: ExamContext, *, user_id: str, attempt_id: str) -> AttemptView:
    """Return a student's attempt with its questions (never their answers keys) and their answers."""
    state = await _attempt_or_raise(db, exams, user_id=user_id, attempt_id=attempt_id)
    return await _attempt_view(db, state)


@dataclass(frozen=True)
class SaveOutcome:
    state: SessionState
    applied: bool
    server_ts: datetime


async def save_answers(
    db: Database,
    exams: ExamContext,
    *,
    caller: SessionCheck,
    attempt_id: str,
    answers: Mapping[str, str | None],
    seq: int | None,
) -> SaveOutcome:
    """Save answers of a running attempt (null clears one); after its time and grace, `time is up`."""
    for _ in range(MAX_TRIES):
        changes = Changes()
        time_up = False
        try:
            async with _saving_unit(db) as conn:
                now = clock.utcnow()
                _, state = await _caller_and_read(conn, caller, session_id=attempt_id, now=now)
                if state is None or not state.is_attempt:
                    raise errors.AttemptNotFound()
                if state.status != ACTIVE:
                    raise errors.AttemptNotActive()
                if state.is_overdue(now):
                    finished = await _finalize(
                        conn, state, now=now, reason=SUBMITTED_ON_EXPIRY, changes=changes
                    )
                    if finished is None:
                        raise _Retry()
                    time_up = True
                    outcome = SaveOutcome(state=state, applied=False, server_ts=now)
                else:
                    outcome = await _save(
                        conn, exams, state, now=now, answers=answers, seq=seq, changes=changes
                    )
        except _Retry:
            continue
        changes.publish(exams)
        if time_up:
            raise errors.TimeIsUp()
        return outcome
    raise errors.SessionBusy()


async def _save(
    conn: Unit,
    exams: ExamContext,
    state: SessionState,
    *,
    now: datetime,
    answers: Mapping[str, str | None],
    seq: int | None,
    changes: Changes,
) -> SaveOutcome:
    if seq is None:
        raise errors.SeqRequired()
    sheet = await _checked_sheet(conn, exams, state, answers)
    if _is_stale(state, seq):
        return SaveOutcome(state=state, applied=False, server_ts=now)
    changed = await _SAVE_ANSWERS.rowcount(
        conn,
        {
            "uid": state.user_id,
            "sid": state.id,
            "rev": state.revision,
            "now": now,
            "seq": seq,
            "sheet": sheet,
        },
    )
    if changed == 0:
        raise _Retry()
    saved = replace(state, revision=state.revision + 1, updated_at=now, client_seq=seq, answer_sheet=sheet)
    changes.add(live.HEARTBEAT, saved, status=ACTIVE, answeredCount=saved.answered_count)
    return SaveOutcome(state=saved, applied=True, server_ts=now)


@dataclass(frozen=True)
class AttemptResultView:
    state: SessionState
    paper: list[JsonObject]

    @property
    def answers(self) -> dict[str, str]:
        return answers_of(self.state, self.paper)


async def submit_attempt(
    db: Database, exams: ExamContext, *, caller: SessionCheck, attempt_id: str
) -> AttemptResultView:
    """Submit and score a student's attempt; submitting again returns the same result.

    Every student submits within a few minutes at the end of an exam: like a heartbeat, it checks
    the caller in the read and runs in autocommit on PostgreSQL, where scoring is one
    compare-and-set that writes its server event too (two round trips instead of six)."""
    for _ in range(MAX_TRIES):
        changes = Changes()
        try:
            async with _saving_unit(db) as conn:
                now = clock.utcnow()
                found, paper = await _caller_and_read_with_paper(conn, caller, session_id=attempt_id, now=now)
                state = _check_submittable(found, attempt_route=True)
                submitted = await _submit_attempt_in(
                    conn, state, paper, now=now, reason=SUBMITTED_BY_STUDENT, changes=changes
                )
        except _Retry:
            continue
        changes.publish(exams)
        return _result_view(submitted, paper)
    raise errors.SessionBusy()


def _result_view(state: SessionState, paper: list[JsonObject]) -> AttemptResultView:
    if state.status == TERMINATED:
        raise errors.AttemptTerminated()
    if state.status == INVALID:
        raise errors.AttemptInvalidated()
    if state.status != FINISHED or state.score_total is None:
        raise errors.AttemptInProgress()
    return AttemptResultView(state=state, paper=paper)


async def get_attempt_result(
    db: Database, exams: ExamContext, *, user_id: str, attempt_id: str
) -> AttemptResultView:
    """The score of a finished attempt, per topic and difficulty, with every question's answer key."""
    state = await _attempt_or_raise(db, exams, user_id=user_id, attempt_id=attempt_id)
    return _result_view(state, (await _attempt_view(db, state)).paper)


async def list_attempts(
    db: Database,
    exams: ExamContext,
    *,
    user_id: str,
    blueprint_id: str | None,
    status: str | None,
    page: PageParams,
) -> PageResult[SessionState]:
    """A student's attempts, newest first; those past their time are closed on the way."""
    if status is not None and status not in STATUSES:
        raise errors.InvalidStatus()
    stmt = (
        select(*_STATE_COLUMNS)
        .where(ExamSession.user_id == user_id, ExamSession.closes_at.is_not(None))
        .order_by(ExamSession.started_at.desc(), ExamSession.id.desc())
    )
    if blueprint_id:
        stmt = stmt.where(ExamSession.blueprint_id == blueprint_id)
    if status is not None:
        stmt = stmt.where(ExamSession.status == status)
    return await _page_of_states(db, exams, stmt, page)


async def _page_of_states(
    db: Database, exams: ExamContext, stmt: Select[Any], page: PageParams
) -> PageResult[SessionState]:
    async with unit_of_work(db, autocommit=True) as session:
        rows = (await session.execute(stmt.limit(page.limit + 1).offset(page.offset))).all()
    now = clock.utcnow()
    states = []
    for row in rows[: page.limit]:
        state = _state(row)
        if state.is_overdue(now):
            state = await _close_overdue(db, exams, user_id=state.user_id, session_id=state.id)
        states.append(state)
    return PageResult(items=states, params=page, has_more=len(rows) > page.limit)


# --- the sweep ------------------------------------------------------------------------------------------


async def sweep_expired_attempts(db: Database, exams: ExamContext) -> int:
    """Submit and score every attempt whose time and grace have run out; return how many.

    Every process sweeps; two sweeps (or a sweep and the student's own request) racing for one
    attempt are settled by its compare-and-set, so each attempt is closed once.
    """
    closed = 0
    for _ in range(SWEEP_MAX_BATCHES):
        changes = Changes()
        async with unit_of_work(db, write=True) as session:
            conn = await session.connection()
            now = clock.utcnow()
            rows = (
                await conn.execute(
                    select(*_STATE_COLUMNS, ExamSession.paper)
                    .where(ExamSession.status == ACTIVE, ExamSession.closes_at <= now)
                    .order_by(ExamSession.closes_at)
                    .limit(SWEEP_BATCH)
                )
            ).all()
            for row in rows:
                values = row._asdict()
                paper = values.pop("paper") or []
                state = SessionState(**values)
                if await _finalize(
                    conn, state, now=now, reason=SUBMITTED_ON_EXPIRY, changes=changes, paper=paper
                ):
                    closed += 1
        changes.publish(exams)
        if len(rows) < SWEEP_BATCH:
            break
    return closed


async def run_sweeper(db: Database, exams: ExamContext) -> None:
    """Sweep every `sweep_interval_s` until cancelled (the app's lifespan owns the task)."""
    while True:
        await asyncio.sleep(exams.sweep_interval_s)
        try:
            closed = await sweep_expired_attempts(db, exams)
        except Exception:  # a process edge: log and keep sweeping
            log.exception("exam sweep failed")
            continue
        if closed:
            log.info("expired exam attempts submitted", extra={"count": closed})


def start_sweeper(db: Database, exams: ExamContext) -> asyncio.Task[None] | None:
    """Start the background sweep, unless its interval is 0."""
    if exams.sweep_interval_s <= 0:
        return None
    return asyncio.create_task(run_sweeper(db, exams), name="exam-sweeper")


async def stop_sweeper(task: asyncio.Task[None] | None) -> None:
    """Stop the background sweep started by `start_sweeper`."""
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


# --- ACE: the student's sessions ------------------------------------------------------------------------


async def list_sessions(
    db: Database, exams: ExamContext, *, user_id: str, status: str | None, page: PageParams
) -> PageResult[SessionState]:
    """A student's sessions, latest heartbeat first (ace.md §8.2)."""
    if status is not None and status not in STATUSES:
        raise errors.InvalidStatus()
    stmt = (
        select(*_STATE_COLUMNS)
        .where(ExamSession.user_id == user_id)
        .order_by(ExamSession.last_heartbeat_at.desc(), ExamSession.id.desc())
    )
    if status is not None:
        stmt = stmt.where(ExamSession.status == status)
    return await _page_of_states(db, exams, stmt, page)


@dataclass(frozen=True)
class SessionWithSnapshot:
    state: SessionState
    snapshot: Any


async def _with_snapshot(db: Database, state: SessionState) -> SessionWithSnapshot:
    async with unit_of_work(db, autocommit=True) as session:
        snapshot = await session.scalar(_READ_SNAPSHOT, {"uid": state.user_id, "sid": state.id})
    return SessionWithSnapshot(state=state, snapshot=snapshot)


async def get_session(
    db: Database, exams: ExamContext, *, user_id: str, session_id: str
) -> SessionWithSnapshot:
    """A student's own session with its snapshot (ace.md §8.4)."""
    state = await _current(db, exams, user_id=user_id, session_id=session_id)
    if state is None:
        raise errors.SessionNotFound()
    return await _with_snapshot(db, state)


_SUBMIT_SNAPSHOT_SESSION = (
    update(ExamSession)
    .where(*_KEY, ExamSession.revision == bindparam("rev"), ExamSession.status.in_((ACTIVE, FINISHED)))
    .values(
        status=FINISHED,
        updated_at=bindparam("now"),
        submitted_at=func.coalesce(ExamSession.submitted_at, bindparam("now")),
        revision=ExamSession.revision + 1,
    )
)


def _check_submittable(state: SessionState | None, *, attempt_route: bool) -> SessionState:
    """ace.md §8.5: only active or finished sessions can be submitted, anything else is not found;
    the attempt routes say what happened instead."""
    if state is None or (attempt_route and not state.is_attempt):
        raise errors.AttemptNotFound() if attempt_route else errors.SessionNotFound()
    if state.status in (ACTIVE, FINISHED):
        return state
    if not attempt_route:
        raise errors.SessionNotFound()
    raise errors.AttemptTerminated() if state.status == TERMINATED else errors.AttemptInvalidated()


async def _submit_in(
    conn: AsyncConnection,
    state: SessionState,
    paper: Sequence[Mapping[str, Any]],
    *,
    now: datetime,
    reason: str,
    changes: Changes,
) -> SessionState:
    """Finish an active or finished session in the caller's unit of work; an attempt is scored once."""
    if state.is_attempt:
        return await _submit_attempt_in(conn, state, paper, now=now, reason=reason, changes=changes)
    key = {"uid": state.user_id, "sid": state.id}
    result = await conn.execute(_SUBMIT_SNAPSHOT_SESSION, {**key, "rev": state.revision, "now": now})
    if result.rowcount == 0:
        raise _Retry()
    submitted = await _read(conn, user_id=state.user_id, session_id=state.id)
    assert submitted is not None
    if state.status == ACTIVE:
        await _append_events(
            conn, (state.user_id, state.id), [NewEvent("server.submitted", {"reason": reason})], now
        )
        changes.add(live.STATUS, submitted, status=FINISHED, reason=reason)
    return submitted


async def _submit_attempt_in(
    conn: Unit,
    state: SessionState,
    paper: Sequence[Mapping[str, Any]],
    *,
    now: datetime,
    reason: str,
    changes: Changes,
) -> SessionState:
    """Score an active attempt once (a finished one stays as it is); `_Retry` when it changed since
    it was read."""
    if state.status == FINISHED:
        return state
    # Submitting after the time and grace is the clock's doing, whoever asks.
    reason = SUBMITTED_ON_EXPIRY if state.is_overdue(now) else reason
    finished = await _finalize(conn, state, now=now, reason=reason, changes=changes, paper=paper)
    if finished is None:
        raise _Retry()
    return finished


async def _submit(
    db: Database,
    exams: ExamContext,
    *,
    session_id: str,
    reason: str,
    authenticate: Authenticate | None = None,
    user_id: str | None = None,
    actor: Principal | None = None,
) -> tuple[SessionState, list[JsonObject]]:
    """Submit a session (ace.md §8.5, §11.12) of the authenticated student, or of `user_id` for an
    admin, whose audit entry is written with it. Returns the session and its paper."""
    for _ in range(MAX_TRIES):
        changes = Changes()
        try:
            async with unit_of_work(db, write=True) as session:
                if authenticate is not None:
                    user_id = (await authenticate(session)).user_id
                assert user_id is not None
                conn = await session.connection()
                now = clock.utcnow()
                found, paper = await _read_with_paper(conn, user_id=user_id, session_id=session_id)
                state = _check_submittable(found, attempt_route=False)
                submitted = await _submit_in(conn, state, paper, now=now, reason=reason, changes=changes)
                if actor is not None:
                    await _admin_entry(
                        session,
                        actor=actor,
                        user_id=user_id,
                        session_id=session_id,
                        action="force_submit",
                        metadata={},
                        now=now,
                    )
        except _Retry:
            continue
        changes.publish(exams)
        return submitted, paper
    raise errors.SessionBusy()


async def submit_session(
    db: Database, exams: ExamContext, *, authenticate: Authenticate, session_id: str
) -> SessionWithSnapshot:
    """Finish a session from active or finished, idempotently (ace.md §8.5); an attempt is scored."""
    submitted, _ = await _submit(
        db, exams, authenticate=authenticate, session_id=session_id, reason=SUBMITTED_BY_STUDENT
    )
    return await _with_snapshot(db, submitted)


def _checked_event_type(event_type: str) -> str:
    event_type = event_type.strip()
    if not event_type:
        raise errors.EventTypeRequired()
    if len(event_type) > MAX_EVENT_TYPE_LENGTH or not event_type.isprintable():
        raise errors.EventTypeInvalid()
    if event_type.startswith(RESERVED_EVENT_PREFIXES):
        raise errors.EventTypeReserved()
    return event_type


async def record_event(
    db: Database,
    exams: ExamContext,
    *,
    caller: SessionCheck,
    session_id: str,
    event_type: str,
    payload: Any,
    payload_given: bool,
) -> None:
    """Append a client integrity event with the server's time (ace.md §8.6).

    Events for a session that is no longer active are acknowledged and not stored (ace.md §16.1 S6):
    after the end they are noise in the timeline an admin reads.
    """
    for _ in range(MAX_TRIES):
        changes = Changes()
        try:
            async with _saving_unit(db) as conn:
                now = clock.utcnow()
                user_id, state = await _caller_and_read(conn, caller, session_id=session_id, now=now)
                event_type = _checked_event_type(event_type)
                payload = payload if payload_given else {}
                if _json_size(payload) > exams.limits.event_payload_max_bytes:
                    raise errors.EventPayloadTooLarge()
                if state is None:
                    raise errors.SessionNotFound()
                if state.is_overdue(now):
                    finished = await _finalize(
                        conn, state, now=now, reason=SUBMITTED_ON_EXPIRY, changes=changes
                    )
                    if finished is None:
                        raise _Retry()
                    state = finished
                if state.status == ACTIVE:
                    await _append_events(
                        conn, (user_id, session_id), [NewEvent(event_type, payload, CLIENT)], now
                    )
                    changes.add(live.EVENT, state, eventType=event_type, payload=payload, source=CLIENT)
        except _Retry:
            continue
        changes.publish(exams)
        return
    raise errors.SessionBusy()


# --- ACE: admin oversight -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AdminSessionRow:
    state: SessionState
    user_email: str


def _with_email(stmt: Select[Any]) -> Select[Any]:
    # The contract's list and detail carry the student's email: one join instead of a lookup per row,
    # as the dashboard's read model does (admin/dashboard.py).
    return stmt.add_columns(User.email.label("user_email")).join(User, User.id == ExamSession.user_id)


def _admin_row(row: Any) -> AdminSessionRow:
    values = row._asdict()
    email = values.pop("user_email")
    return AdminSessionRow(state=SessionState(**values), user_email=email)


async def list_admin_sessions(
    session: AsyncSession, *, status: str | None, page: PageParams
) -> PageResult[AdminSessionRow]:
    """Every student's sessions, latest heartbeat first (ace.md §11.11)."""
    status = (status or "").strip().lower() or None
    if status is not None and status not in STATUSES:
        raise errors.InvalidStatus()
    stmt = _with_email(select(*_STATE_COLUMNS)).order_by(
        ExamSession.last_heartbeat_at.desc(), ExamSession.user_id, ExamSession.id
    )
    if status is not None:
        stmt = stmt.where(ExamSession.status == status)
    rows = (await session.execute(stmt.limit(page.limit + 1).offset(page.offset))).all()
    return PageResult(
        items=[_admin_row(row) for row in rows[: page.limit]], params=page, has_more=len(rows) > page.limit
    )


@dataclass(frozen=True)
class AdminSessionDetail:
    row: AdminSessionRow
    terminated_by_user_id: str | None
    termination_reason: str
    invalidated_by_user_id: str | None
    invalidation_reason: str
    snapshot: Any


async def get_admin_session(session: AsyncSession, *, user_id: str, session_id: str) -> AdminSessionDetail:
    """One session with who ended it and why (ace.md §11.11)."""
    stmt = _with_email(
        select(
            *_STATE_COLUMNS,
            ExamSession.terminated_by_user_id,
            ExamSession.termination_reason,
            ExamSession.invalidated_by_user_id,
            ExamSession.invalidation_reason,
            ExamSession.snapshot,
        )
    ).where(ExamSession.user_id == user_id, ExamSession.id == session_id)
    row = (await session.execute(stmt)).first()
    if row is None:
        raise errors.SessionNotFound()
    values = row._asdict()
    extra = {
        key: values.pop(key)
        for key in (
            "terminated_by_user_id",
            "termination_reason",
            "invalidated_by_user_id",
            "invalidation_reason",
            "snapshot",
        )
    }
    email = values.pop("user_email")
    return AdminSessionDetail(row=AdminSessionRow(state=SessionState(**values), user_email=email), **extra)


def _audit_target(user_id: str, session_id: str) -> str:
    return f"{user_id}:{session_id}"


_TERMINATE = (
    update(ExamSession)
    .where(*_KEY, ExamSession.status.in_((ACTIVE, FINISHED)))
    .values(
        status=TERMINATED,
        terminated_at=func.coalesce(ExamSession.terminated_at, bindparam("now")),
        terminated_by_user_id=bindparam("actor_id"),
        termination_reason=bindparam("reason"),
        updated_at=bindparam("now"),
        revision=ExamSession.revision + 1,
    )
)
_INVALIDATE = (
    update(ExamSession)
    .where(*_KEY)
    .values(
        status=INVALID,
        invalidated_at=func.coalesce(ExamSession.invalidated_at, bindparam("now")),
        invalidated_by_user_id=bindparam("actor_id"),
        invalidation_reason=bindparam("reason"),
        updated_at=bindparam("now"),
        revision=ExamSession.revision + 1,
    )
)


async def _admin_entry(
    session: AsyncSession,
    *,
    actor: Principal,
    user_id: str,
    session_id: str,
    action: str,
    metadata: JsonObject,
    now: datetime,
) -> None:
    """The audit row (ace.md §11.12) and its twin in the session's own timeline."""
    await admin_service.record(
        session,
        actor=actor,
        action=f"exam.{action}",
        target_type=AUDIT_TARGET,
        target_id=_audit_target(user_id, session_id),
        metadata=metadata,
    )
    await _append_events(
        await session.connection(),
        (user_id, session_id),
        [NewEvent(f"admin.{action}", {"actorUserId": actor.user_id, **metadata}, ADMIN)],
        now,
    )


async def force_submit(
    db: Database, exams: ExamContext, *, actor: Principal, user_id: str, session_id: str
) -> None:
    """Finish a session for the student (ace.md §11.12); an attempt is scored as it stands."""
    await _submit(db, exams, user_id=user_id, session_id=session_id, reason=SUBMITTED_BY_ADMIN, actor=actor)


async def _end_session(
    db: Database,
    exams: ExamContext,
    *,
    actor: Principal,
    user_id: str,
    session_id: str,
    reason: str,
    statement: Any,
    action: str,
    status: str,
) -> None:
    changes = Changes()
    async with unit_of_work(db, write=True) as session:
        conn = await session.connection()
        now = clock.utcnow()
        result = await conn.execute(
            statement,
            {
                "uid": user_id,
                "sid": session_id,
                "now": now,
                "actor_id": actor.user_id,
                "reason": reason,
            },
        )
        if result.rowcount == 0:
            raise errors.SessionNotFound()
        await _admin_entry(
            session,
            actor=actor,
            user_id=user_id,
            session_id=session_id,
            action=action,
            metadata={"reason": reason},
            now=now,
        )
        state = await _read(conn, user_id=user_id, session_id=session_id)
    assert state is not None
    changes.add(live.STATUS, state, status=status, reason=reason, actorUserId=actor.user_id)
    changes.publish(exams)


async def terminate(
    db: Database, exams: ExamContext, *, actor: Principal, user_id: str, session_id: str, reason: str
) -> None:
    """End an active or finished session; its heartbeats get 409 from now on (ace.md §11.12)."""
    await _end_session(
        db,
        exams,
        actor=actor,
        user_id=user_id,
        session_id=session_id,
        reason=reason.strip(),
        statement=_TERMINATE,
        action="terminate",
        status=TERMINATED,
    )


async def invalidate(
    db: Database, exams: ExamContext, *, actor: Principal, user_id: str, session_id: str, reason: str
) -> None:
    """Mark a session invalid from any status, repeatably (ace.md §11.12)."""
    await _end_session(
        db,
        exams,
        actor=actor,
        user_id=user_id,
        session_id=session_id,
        reason=reason.strip(),
        statement=_INVALIDATE,
        action="invalidate",
        status=INVALID,
    )


async def create_flag(
    db: Database,
    exams: ExamContext,
    *,
    actor: Principal,
    user_id: str,
    session_id: str,
    flag_type: str,
    note: str,
) -> None:
    """Flag a session for review (ace.md §11.13; an unknown session is 404, not the original's 500)."""
    flag_type, note = flag_type.strip(), note.strip()
    if not flag_type:
        raise errors.FlagTypeRequired()
    changes = Changes()
    async with unit_of_work(db, write=True) as session:
        conn = await session.connection()
        state = await _read(conn, user_id=user_id, session_id=session_id)
        if state is None:
            raise errors.SessionNotFound()
        now = clock.utcnow()
        session.add(
            ExamSessionFlag(
                user_id=user_id,
                session_id=session_id,
                flag_type=flag_type,
                note=note,
                created_by_user_id=actor.user_id,
                created_at=now,
            )
        )
        await session.flush()
        await admin_service.record(
            session,
            actor=actor,
            action="exam.flag",
            target_type=AUDIT_TARGET,
            target_id=_audit_target(user_id, session_id),
            metadata={"flagType": flag_type},
        )
        await _append_events(
            conn,
            (user_id, session_id),
            [
                NewEvent(
                    "admin.flag", {"actorUserId": actor.user_id, "flagType": flag_type, "note": note}, ADMIN
                )
            ],
            now,
        )
    changes.add(live.FLAG, state, flagType=flag_type, note=note, actorUserId=actor.user_id)
    changes.publish(exams)


async def list_flags(session: AsyncSession, *, user_id: str, session_id: str) -> Sequence[ExamSessionFlag]:
    """A session's flags, oldest first (the original had no way to read them, ace.md §16.1 S13)."""
    if await _read(await session.connection(), user_id=user_id, session_id=session_id) is None:
        raise errors.SessionNotFound()
    stmt = (
        select(ExamSessionFlag)
        .where(ExamSessionFlag.user_id == user_id, ExamSessionFlag.session_id == session_id)
        .order_by(ExamSessionFlag.id)
    )
    return (await session.scalars(stmt)).all()


async def list_events(
    session: AsyncSession, *, user_id: str, session_id: str, page: PageParams
) -> PageResult[ExamSessionEvent]:
    """A session's timeline, newest first: client events, the server's and admins' (ace.md §11.13)."""
    stmt = (
        select(ExamSessionEvent)
        .where(ExamSessionEvent.user_id == user_id, ExamSessionEvent.session_id == session_id)
        .order_by(ExamSessionEvent.id.desc())
    )
    return await fetch_page(session, stmt, page)


# --- integrity ------------------------------------------------------------------------------------------

HIDDEN = "visibility_hidden"
VISIBLE = "visibility_visible"
BLUR = "window_blur"


@dataclass(frozen=True)
class IntegritySummary:
    state: SessionState
    events: int
    focus_losses: int
    hidden_count: int
    hidden_seconds: int
    flags: int


async def integrity_summary(session: AsyncSession, *, user_id: str, session_id: str) -> IntegritySummary:
    """Focus losses, hidden time, heartbeat gaps and address or browser changes of one session."""
    conn = await session.connection()
    state = await _read(conn, user_id=user_id, session_id=session_id)
    if state is None:
        raise errors.SessionNotFound()
    of_session = (ExamSessionEvent.user_id == user_id, ExamSessionEvent.session_id == session_id)
    counts: dict[str, int] = {
        event_type: count
        for event_type, count in await conn.execute(
            select(ExamSessionEvent.event_type, func.count())
            .where(*of_session)
            .group_by(ExamSessionEvent.event_type)
        )
    }
    visibility = await conn.execute(
        select(ExamSessionEvent.event_type, ExamSessionEvent.created_at)
        .where(*of_session, ExamSessionEvent.event_type.in_((HIDDEN, VISIBLE)))
        .order_by(ExamSessionEvent.id)
    )
    hidden_seconds, hidden_since = 0, None
    for event_type, created_at in visibility:
        if event_type == HIDDEN and hidden_since is None:
            hidden_since = created_at
        elif event_type == VISIBLE and hidden_since is not None:
            hidden_seconds += _seconds(hidden_since, created_at)
            hidden_since = None
    if hidden_since is not None:
        ended = state.submitted_at or state.terminated_at or state.invalidated_at or clock.utcnow()
        hidden_seconds += _seconds(hidden_since, ended)
    flags = await conn.scalar(
        select(func.count())
        .select_from(ExamSessionFlag)
        .where(ExamSessionFlag.user_id == user_id, ExamSessionFlag.session_id == session_id)
    )
    return IntegritySummary(
        state=state,
        events=sum(counts.values()),
        focus_losses=counts.get(BLUR, 0),
        hidden_count=counts.get(HIDDEN, 0),
        hidden_seconds=hidden_seconds,
        flags=int(flags or 0),
    )


async def list_active_sessions(
    session: AsyncSession, *, user_id: str | None, session_id: str | None
) -> list[SessionState]:
    """What a live stream starts with: the active sessions it follows, latest heartbeat first."""
    stmt = (
        select(*_STATE_COLUMNS)
        .where(ExamSession.status == ACTIVE)
        .order_by(ExamSession.last_heartbeat_at.desc())
        .limit(LIVE_SNAPSHOT_LIMIT)
    )
    if user_id is not None:
        stmt = stmt.where(ExamSession.user_id == user_id)
    if session_id is not None:
        stmt = stmt.where(ExamSession.id == session_id)
    return [_state(row) for row in (await session.execute(stmt)).all()]
