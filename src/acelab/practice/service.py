"""Practice rules: templates (ace.md §6) and practice sessions (§7): creation from a template or a
package, the frozen snapshot, timed ("Ironman") sessions with lazy expiry, pause and resume,
strictly sequential answers, per-question timing, review and summary.

No change of a session is a read followed by a blind write (ace.md §16.2 B7): each UPDATE is
conditional on the state it was computed from (status, current index and the current question's
start), or, for a PostgreSQL answer, does its checks itself. A request that loses a race re-reads
the session and answers as its new state says; concurrent answers to one question count once.
"""

import functools
import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, type_coerce, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm import load_only

from acelab import clock
from acelab.catalog import service as catalog_service
from acelab.catalog.models import Enrollment
from acelab.db.base import JsonType
from acelab.db.driver import HotStatement, Unit, hot_connection, pg_connection, sqlalchemy_connection
from acelab.db.engine import Database
from acelab.db.ids import new_id
from acelab.db.pages import PageParams, PageResult, fetch_page
from acelab.db.session import unit_of_work
from acelab.http.auth import SessionCheck
from acelab.identity import service as identity_service
from acelab.identity.service import caller_is_valid, session_check_ctes
from acelab.practice import errors
from acelab.practice.models import (
    ACTIVE,
    FINISHED,
    PAUSED,
    SESSION_STATUSES,
    PracticeAnswer,
    PracticeSession,
    PracticeTemplate,
)
from acelab.practice.schemas import PracticeTemplateUpdate
from acelab.questions.models import QuestionDifficulty, QuestionTopic
from acelab.questions.pools import QuestionPools, pick_practice_questions

# ace.md §7.1: `ironmanSecondsPerQuestion`.
SECONDS_PER_TIMED_QUESTION = 60
DEFAULT_COUNT = 10
MAX_COUNT = 50
# A compare-and-set that lost re-reads the session; each loss means another request made progress.
MAX_ATTEMPTS = 5

JsonObject = dict[str, Any]


def clamp_count(count: int) -> int:
    """ace.md §6.4, §7.4: a count <= 0 means 10, more than 50 means 50."""
    if count <= 0:
        return DEFAULT_COUNT
    return min(count, MAX_COUNT)


def elapsed_seconds(since: datetime, now: datetime) -> int:
    """ace.md §12.5: whole seconds, truncated, never negative."""
    return max(0, int((now - since).total_seconds()))


def accuracy(correct_count: int, target_count: int) -> float:
    """ace.md §7.1: correct answers over the target count, not over the answered ones."""
    return correct_count / target_count if target_count else 0.0


def public_question(item: JsonObject) -> JsonObject:
    """A snapshot element as a student may see it before finishing: no correct choice, no explanation."""
    return {
        "id": item["id"],
        "prompt": item["prompt"],
        "choices": [{"id": c["id"], "text": c["text"]} for c in item["choices"]],
    }


# --- templates -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateView:
    """A template with the names of its topic and difficulty (ace.md §6.1)."""

    id: str
    exam_package_id: str
    name: str
    section: str
    topic_id: str | None
    topic_name: str | None
    difficulty_id: str | None
    difficulty_name: str | None
    is_timed: bool
    target_count: int
    sort_order: int
    is_published: bool
    created_at: datetime
    updated_at: datetime


# ace.md §6.1: topicName and difficultyName come from left joins, as in the original.
_TEMPLATE_VIEW = (
    select(
        PracticeTemplate.id,
        PracticeTemplate.exam_package_id,
        PracticeTemplate.name,
        PracticeTemplate.section,
        PracticeTemplate.topic_id,
        QuestionTopic.name.label("topic_name"),
        PracticeTemplate.difficulty_id,
        QuestionDifficulty.display_name.label("difficulty_name"),
        PracticeTemplate.is_timed,
        PracticeTemplate.target_count,
        PracticeTemplate.sort_order,
        PracticeTemplate.is_published,
        PracticeTemplate.created_at,
        PracticeTemplate.updated_at,
    )
    .select_from(PracticeTemplate)
    .outerjoin(QuestionTopic, QuestionTopic.id == PracticeTemplate.topic_id)
    .outerjoin(QuestionDifficulty, QuestionDifficulty.id == PracticeTemplate.difficulty_id)
)
# ace.md §6.2 order; the id last makes pages of equal rows stable.
_TEMPLATE_ORDER = (
    PracticeTemplate.exam_package_id.asc(),
    PracticeTemplate.section.asc(),
    PracticeTemplate.sort_order.asc(),
    PracticeTemplate.created_at.desc(),
    PracticeTemplate.id.asc(),
)


async def get_template_view_or_raise(session: AsyncSession, *, template_id: str) -> TemplateView:
    """Return a template with its topic and difficulty names, or raise 404 `template not found`."""
    row = (await session.execute(_TEMPLATE_VIEW.where(PracticeTemplate.id == template_id))).first()
    if row is None:
        raise errors.TemplateNotFound()
    return TemplateView(**row._asdict())


async def list_published_templates(
    session: AsyncSession, *, user_id: str, exam_package_id: str | None
) -> list[TemplateView]:
    """List the published templates of the packages a student is enrolled in (ace.md §6.2)."""
    requested = (exam_package_id or "").strip()
    if requested:
        if await catalog_service.get_enrollment(session, user_id=user_id, exam_package_id=requested) is None:
            raise errors.NotEnrolled()
        package_ids = [requested]
    else:
        enrollments = await catalog_service.list_enrollments(session, user_id=user_id)
        package_ids = [enrollment.exam_package_id for enrollment in enrollments]
    stmt = _TEMPLATE_VIEW.where(
        PracticeTemplate.is_published.is_(True), PracticeTemplate.exam_package_id.in_(package_ids)
    )
    rows = await session.execute(stmt.order_by(*_TEMPLATE_ORDER))
    return [TemplateView(**row._asdict()) for row in rows]


async def list_templates(
    session: AsyncSession, *, exam_package_id: str | None, include_unpublished: bool
) -> list[TemplateView]:
    """List every template of every author, optionally of one package (ace.md §6.3)."""
    stmt = _TEMPLATE_VIEW
    if exam_package_id:
        stmt = stmt.where(PracticeTemplate.exam_package_id == exam_package_id)
    if not include_unpublished:
        stmt = stmt.where(PracticeTemplate.is_published.is_(True))
    rows = await session.execute(stmt.order_by(*_TEMPLATE_ORDER))
    return [TemplateView(**row._asdict()) for row in rows]


async def _flush_or(session: AsyncSession, error: Exception) -> None:
    """Flush; an unknown package, topic or difficulty (a foreign key violation) becomes `error`."""
    try:
        await session.flush()
    except IntegrityError as exc:
        raise error from exc


async def create_template(
    session: AsyncSession,
    *,
    actor_id: str,
    exam_package_id: str,
    name: str,
    section: str,
    topic_id: str | None,
    difficulty_id: str | None,
    is_timed: bool,
    target_count: int,
    sort_order: int | None,
) -> TemplateView:
    """Create an unpublished template (ace.md §6.4)."""
    exam_package_id, name, section = exam_package_id.strip(), name.strip(), section.strip()
    if not exam_package_id or not name or not section:
        raise errors.TemplateFieldsRequired()
    now = clock.utcnow()
    template = PracticeTemplate(
        id=str(uuid.uuid4()),
        exam_package_id=exam_package_id,
        name=name,
        section=section,
        topic_id=topic_id,
        difficulty_id=difficulty_id,
        is_timed=is_timed,
        target_count=clamp_count(target_count),
        sort_order=max(sort_order or 0, 0),
        is_published=False,
        created_by_user_id=actor_id,
        updated_by_user_id=actor_id,
        created_at=now,
        updated_at=now,
    )
    session.add(template)
    await _flush_or(session, errors.TemplateNotCreated())
    # ace.md §6.4 Fix: read back the row just created, not "the author's newest".
    return await get_template_view_or_raise(session, template_id=template.id)


async def update_template(
    session: AsyncSession, *, actor_id: str, template_id: str, template_in: PracticeTemplateUpdate
) -> TemplateView:
    """Change a template's fields; absent ones stay as they are (ace.md §6.5, §16.2 B4)."""
    template = await session.get(PracticeTemplate, template_id.strip())
    if template is None:
        raise errors.TemplateNotFound()
    given = template_in.model_fields_set
    if template_in.name is not None and template_in.name.strip():
        template.name = template_in.name.strip()
    if template_in.section is not None and template_in.section.strip():
        template.section = template_in.section.strip()
    # B4: the original cleared both references when they were absent; now only an explicit null does.
    if "topic_id" in given:
        template.topic_id = template_in.topic_id
    if "difficulty_id" in given:
        template.difficulty_id = template_in.difficulty_id
    if template_in.is_timed is not None:
        template.is_timed = template_in.is_timed
    # B4: clamped as on create (the original stored 0 or 500 as given).
    if template_in.target_count is not None:
        template.target_count = clamp_count(template_in.target_count)
    if template_in.sort_order is not None:
        template.sort_order = max(template_in.sort_order, 0)
    template.updated_by_user_id = actor_id
    template.updated_at = clock.utcnow()
    await _flush_or(session, errors.TemplateNotUpdated())
    return await get_template_view_or_raise(session, template_id=template.id)


async def delete_template(session: AsyncSession, *, template_id: str) -> None:
    """Delete a template; sessions started from it keep their snapshot (ace.md §6.6 Fix: SET NULL)."""
    result = await session.execute(delete(PracticeTemplate).where(PracticeTemplate.id == template_id.strip()))
    if result.rowcount == 0:  # type: ignore[attr-defined]  # a DML result always has rowcount
        raise errors.TemplateNotFound()


async def set_template_published(session: AsyncSession, *, template_id: str, published: bool) -> TemplateView:
    """Publish or unpublish a template; idempotent, `updated_by` unchanged (ace.md §6.7)."""
    template_id = template_id.strip()
    result = await session.execute(
        update(PracticeTemplate)
        .where(PracticeTemplate.id == template_id)
        .values(is_published=published, updated_at=clock.utcnow())
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]  # a DML result always has rowcount
        raise errors.TemplateNotFound()
    return await get_template_view_or_raise(session, template_id=template_id)


# --- sessions: reads and compare-and-set writes --------------------------------------------------


@dataclass(frozen=True)
class SessionState:
    """A session without its snapshot: `current_item` is the snapshot element at the current index
    (None past the end), read in SQL so the whole snapshot never leaves the database."""

    id: str
    status: str
    created_at: datetime
    started_at: datetime
    package_id: str | None
    is_timed: bool
    time_limit_seconds: int
    current_question_started_at: datetime
    question_timings: dict[str, int]
    target_count: int
    current_index: int
    correct_count: int
    current_item: JsonObject | None

    @property
    def current_question(self) -> JsonObject | None:
        """ace.md §7.5: the current question, only while the session is active."""
        if self.status != ACTIVE or self.current_item is None:
            return None
        return public_question(self.current_item)

    def is_expired(self, now: datetime) -> bool:
        """ace.md §7.1: a timed, active session is over once `elapsed >= limit`."""
        return (
            self.is_timed
            and self.status == ACTIVE
            and elapsed_seconds(self.started_at, now) >= self.time_limit_seconds
        )

    def timings_with_current(self, now: datetime) -> dict[str, int]:
        """The timings plus the time spent on the current question so far (ace.md §7.1)."""
        timings = dict(self.question_timings)
        if self.current_item is not None:
            question_id = self.current_item["id"]
            timings[question_id] = timings.get(question_id, 0) + elapsed_seconds(
                self.current_question_started_at, now
            )
        return timings


# Statements built once: building one costs more than running it, and these run on every answer.
# `->` with an integer picks an array element on both PostgreSQL (jsonb) and SQLite (>= 3.38).
_CURRENT_ITEM = type_coerce(
    PracticeSession.questions_snapshot.op("->")(PracticeSession.current_index), JsonType
)
_READ_STATE = HotStatement(
    select(
        PracticeSession.id,
        PracticeSession.status,
        PracticeSession.created_at,
        PracticeSession.started_at,
        PracticeSession.package_id,
        PracticeSession.is_timed,
        PracticeSession.time_limit_seconds,
        PracticeSession.current_question_started_at,
        PracticeSession.question_timings,
        PracticeSession.target_count,
        PracticeSession.current_index,
        PracticeSession.correct_count,
        _CURRENT_ITEM.label("current_item"),
    ).where(PracticeSession.id == bindparam("session_id"), PracticeSession.user_id == bindparam("user_id"))
)
# The state a change was computed from must still be there when it is written.
_UNCHANGED = (
    PracticeSession.id == bindparam("session_id"),
    PracticeSession.status == bindparam("expected_status"),
    PracticeSession.current_index == bindparam("expected_index"),
    PracticeSession.current_question_started_at == bindparam("expected_started_at"),
)
_TIMINGS = bindparam("timings", type_=JsonType)
_ADVANCE = (
    update(PracticeSession)
    .where(*_UNCHANGED)
    .values(
        current_index=bindparam("new_index"),
        correct_count=PracticeSession.correct_count + bindparam("gained"),
        status=bindparam("new_status"),
        question_timings=_TIMINGS,
        current_question_started_at=bindparam("now"),
        last_activity_at=bindparam("now"),
    )
)
_RECORD_ANSWER = insert(PracticeAnswer).values(
    session_id=bindparam("session_id"),
    user_id=bindparam("answered_by"),
    question_id=bindparam("question_id"),
    choice_id=bindparam("choice_id"),
    correct=bindparam("correct"),
    explanation=bindparam("explanation"),
    ts=bindparam("now"),
)
# PostgreSQL answers in one statement: the caller's session check, the checks of ace.md §7.8
# (active, the current question, one of its choices, time left), the verdict, the timing and the
# answer's row, all in SQL. It writes only for a valid caller and a valid answer; otherwise the
# Python checks below find out why. It needs no transaction, so on PostgreSQL an accepted answer
# costs this one round trip, sent to the driver connection (acelab.db.driver).
_ANSWER_IN_ONE_STATEMENT = (
    "WITH"
    + session_check_ctes(session_id="$6", user_id="$2", now="$5", stale="$7")
    + """,
current AS (
    -- The snapshot (about 11 KB, compressed out of line) is read once; the rest works on the current
    -- question alone. A concurrent answer waits on the lock, then reads the session as this one left it.
    SELECT s.id, s.questions_snapshot -> s.current_index AS item
    FROM practice_sessions AS s
    WHERE s.id = $1
      AND s.user_id = $2
      AND s.status = 'active'
      AND NOT (
          s.is_timed
          AND floor(extract(epoch FROM CAST($5 AS timestamptz) - s.started_at)) >= s.time_limit_seconds
      )
      AND """
    + caller_is_valid(now="CAST($5 AS timestamptz)", role="CAST($8 AS text)")
    + """
    FOR UPDATE
), answered AS (
    UPDATE practice_sessions AS s
    SET current_index = s.current_index + 1,
        correct_count = s.correct_count
            + CASE WHEN c.item ->> 'correctChoiceId' = CAST($4 AS text) THEN 1 ELSE 0 END,
        status = CASE WHEN s.current_index + 1 >= s.target_count THEN 'finished' ELSE 'active' END,
        question_timings = jsonb_set(
            s.question_timings,
            ARRAY[CAST($3 AS text)],
            to_jsonb(
                COALESCE((s.question_timings ->> CAST($3 AS text))::integer, 0)
                + GREATEST(
                    0, floor(extract(epoch FROM CAST($5 AS timestamptz) - s.current_question_started_at))
                )::integer
            )
        ),
        current_question_started_at = CAST($5 AS timestamptz),
        last_activity_at = CAST($5 AS timestamptz)
    FROM current AS c
    WHERE s.id = c.id
      AND c.item ->> 'id' = CAST($3 AS text)
      AND c.item -> 'choices' @> jsonb_build_array(jsonb_build_object('id', CAST($4 AS text)))
    RETURNING s.id, s.user_id, s.status, c.item
), recorded AS (
    INSERT INTO practice_answers (session_id, user_id, question_id, choice_id, correct, explanation, ts)
    SELECT id, user_id, CAST($3 AS text), CAST($4 AS text),
           item ->> 'correctChoiceId' = CAST($4 AS text), item ->> 'explanation',
           CAST($5 AS timestamptz)
    FROM answered
)
SELECT caller.*,
       answered.item ->> 'correctChoiceId' = CAST($4 AS text) AS correct,
       answered.item ->> 'explanation' AS explanation,
       answered.status = 'finished' AS done
FROM caller LEFT JOIN answered ON true
"""
)
_FINISH = HotStatement(
    update(PracticeSession)
    .where(*_UNCHANGED)
    .values(status=FINISHED, question_timings=_TIMINGS, last_activity_at=bindparam("now"))
)
_PAUSE = (
    update(PracticeSession)
    .where(*_UNCHANGED)
    .values(
        status=PAUSED,
        paused_at=bindparam("now"),
        question_timings=_TIMINGS,
        last_activity_at=bindparam("now"),
    )
)
_RESUME = (
    update(PracticeSession)
    .where(PracticeSession.id == bindparam("session_id"), PracticeSession.status == PAUSED)
    .values(
        status=ACTIVE,
        paused_at=None,
        current_question_started_at=bindparam("now"),
        last_activity_at=bindparam("now"),
    )
)


async def _read_state(conn: Unit, *, user_id: str, session_id: str) -> SessionState:
    # ace.md §7.5: another student's session is "not found", like a missing one.
    row = await _READ_STATE.first(conn, {"session_id": session_id, "user_id": user_id})
    if row is None:
        raise errors.SessionNotFound()
    return SessionState(**row)


def _unchanged(state: SessionState) -> dict[str, Any]:
    return {
        "session_id": state.id,
        "expected_status": state.status,
        "expected_index": state.current_index,
        "expected_started_at": state.current_question_started_at,
    }


async def _finish_expired(conn: Unit, state: SessionState, now: datetime) -> SessionState | None:
    """Force-finish a timed session whose time is up; None when it changed since it was read."""
    timings = state.timings_with_current(now)
    if await _FINISH.rowcount(conn, {**_unchanged(state), "timings": timings, "now": now}) == 0:
        return None
    return replace(state, status=FINISHED, question_timings=timings)


async def _load_current(session: AsyncSession, *, user_id: str, session_id: str) -> SessionState:
    """Read a session, finishing it first when it is timed and its time is up (ace.md §7.1, lazily).

    On a safe request the session runs in autocommit: the one conditional UPDATE commits alone.
    """
    conn = await session.connection()
    now = clock.utcnow()
    for _ in range(MAX_ATTEMPTS):
        state = await _read_state(conn, user_id=user_id, session_id=session_id)
        if not state.is_expired(now):
            return state
        finished = await _finish_expired(conn, state, now)
        if finished is not None:
            return finished
    raise errors.SessionBusy()


async def get_session_or_raise(session: AsyncSession, *, user_id: str, session_id: str) -> SessionState:
    """Return a student's session, force-finished if its time is up (ace.md §7.5)."""
    return await _load_current(session, user_id=user_id, session_id=session_id)


# --- sessions: creation and list -----------------------------------------------------------------


async def create_session(
    session: AsyncSession,
    db: Database,
    pools: QuestionPools,
    *,
    user_id: str,
    exam_package_id: str | None,
    template_id: str | None,
    timed: bool,
    count: int,
) -> SessionState:
    """Start a practice session from a template or a package, freezing its questions (ace.md §7.4).

    `session` runs in autocommit. Creation reads, then writes one row: on PostgreSQL it needs no
    transaction (two round trips fewer); SQLite writers take the write lock up front, in a unit
    of their own.
    """
    create = functools.partial(
        _create_session,
        db=db,
        pools=pools,
        user_id=user_id,
        exam_package_id=exam_package_id,
        template_id=template_id,
        timed=timed,
        count=count,
    )
    if db.is_sqlite:
        async with unit_of_work(db, write=True) as write_session:
            return await create(write_session)
    return await create(session)


_INSERT_SESSION = insert(PracticeSession)


async def _create_session(
    session: AsyncSession,
    *,
    db: Database,
    pools: QuestionPools,
    user_id: str,
    exam_package_id: str | None,
    template_id: str | None,
    timed: bool,
    count: int,
) -> SessionState:
    topic_id: str | None = None
    difficulty_id: str | None = None
    template_id = (template_id or "").strip() or None
    if template_id is not None:
        # The template and the caller's enrollment in its package in one round trip.
        found = (
            await session.execute(
                select(PracticeTemplate, Enrollment)
                .outerjoin(
                    Enrollment,
                    (Enrollment.user_id == user_id)
                    & (Enrollment.exam_package_id == PracticeTemplate.exam_package_id),
                )
                .where(PracticeTemplate.id == template_id)
            )
        ).first()
        if found is None:
            raise errors.TemplateNotFound()
        template, enrollment = found
        if not template.is_published:
            raise errors.TemplateNotPublished()
        if enrollment is None:
            raise errors.NotEnrolled()
        # The template decides; the web app always sends timed=false, count=1 and relies on this.
        timed, count = template.is_timed, template.target_count
        topic_id, difficulty_id = template.topic_id, template.difficulty_id
    else:
        enrollment = await catalog_service.resolve_enrollment(
            session, user_id=user_id, exam_package_id=exam_package_id
        )
    snapshot = await pick_practice_questions(
        session,
        db,
        pools,
        exam_package_id=enrollment.exam_package_id,
        topic_id=topic_id,
        difficulty_id=difficulty_id,
        count=clamp_count(count),
    )
    if not snapshot:
        raise errors.NoQuestionsAvailable()
    # Fewer candidates than asked: the session is as long as what was found (ace.md §7.2).
    count = len(snapshot)
    now = clock.utcnow()
    session_id = new_id("ps")
    time_limit_seconds = count * SECONDS_PER_TIMED_QUESTION if timed else 0
    practice: dict[str, Any] = dict(
        id=session_id,
        user_id=user_id,
        package_id=enrollment.exam_package_id,
        tier_id=enrollment.tier_id,
        template_id=template_id,
        is_timed=timed,
        started_at=now,
        time_limit_seconds=time_limit_seconds,
        target_count=count,
        current_index=0,
        current_question_started_at=now,
        paused_at=None,
        status=ACTIVE,
        questions_snapshot=list(snapshot),
        question_order=[item["id"] for item in snapshot],
        question_timings={},
        correct_count=0,
        created_at=now,
        last_activity_at=now,
    )
    # A Core insert: the ORM's unit of work would cost a third of a millisecond more per session.
    await (await session.connection()).execute(_INSERT_SESSION, practice)
    return SessionState(
        id=session_id,
        status=ACTIVE,
        created_at=now,
        started_at=now,
        package_id=enrollment.exam_package_id,
        is_timed=timed,
        time_limit_seconds=time_limit_seconds,
        current_question_started_at=now,
        question_timings={},
        target_count=count,
        current_index=0,
        correct_count=0,
        current_item=dict(snapshot[0]),
    )


@dataclass(frozen=True)
class ListedSession:
    """ace.md §7.3; `time_remaining_seconds` is None when the list shows no remaining time."""

    session_id: str
    status: str
    created_at: datetime
    last_activity_at: datetime
    exam_package_id: str | None
    is_timed: bool
    time_limit_seconds: int
    time_remaining_seconds: int | None
    target_count: int
    correct_count: int
    accuracy: float


_LISTED_COLUMNS = load_only(
    PracticeSession.id,
    PracticeSession.status,
    PracticeSession.created_at,
    PracticeSession.last_activity_at,
    PracticeSession.package_id,
    PracticeSession.is_timed,
    PracticeSession.started_at,
    PracticeSession.time_limit_seconds,
    PracticeSession.target_count,
    PracticeSession.correct_count,
)


async def list_sessions(
    session: AsyncSession, *, user_id: str, status: str | None, page: PageParams
) -> PageResult[ListedSession]:
    """List a student's sessions, latest activity first; timed ones past their limit are finished
    on the way (ace.md §7.3), with the current question's time recorded (§16.2 B6)."""
    if status is not None and status not in SESSION_STATUSES:
        raise errors.InvalidStatus()
    stmt = (
        select(PracticeSession)
        .options(_LISTED_COLUMNS)
        .where(PracticeSession.user_id == user_id)
        .order_by(
            PracticeSession.last_activity_at.desc(),
            PracticeSession.created_at.desc(),
            PracticeSession.id.desc(),
        )
    )
    if status is not None:
        stmt = stmt.where(PracticeSession.status == status)
    result = await fetch_page(session, stmt, page)
    now = clock.utcnow()
    items = []
    for row in result.items:
        current_status, remaining = row.status, None
        if row.is_timed and row.status == ACTIVE:
            remaining = max(0, row.time_limit_seconds - elapsed_seconds(row.started_at, now))
            if remaining == 0:
                current_status = (await _load_current(session, user_id=user_id, session_id=row.id)).status
        items.append(
            ListedSession(
                session_id=row.id,
                status=current_status,
                created_at=row.created_at,
                last_activity_at=row.last_activity_at,
                exam_package_id=row.package_id,
                is_timed=row.is_timed,
                time_limit_seconds=row.time_limit_seconds,
                time_remaining_seconds=remaining,
                target_count=row.target_count,
                correct_count=row.correct_count,
                accuracy=accuracy(row.correct_count, row.target_count),
            )
        )
    return PageResult(items=items, params=result.params, has_more=result.has_more)


# --- sessions: pause, resume, answers ------------------------------------------------------------


async def pause_session(session: AsyncSession, *, user_id: str, session_id: str) -> SessionState:
    """Pause an untimed session, recording the current question's time (ace.md §7.6); idempotent."""
    conn = await session.connection()
    now = clock.utcnow()
    for _ in range(MAX_ATTEMPTS):
        state = await _read_state(conn, user_id=user_id, session_id=session_id)
        if state.is_timed:
            raise errors.PauseNeedsUntimed()
        if state.status == FINISHED:
            raise errors.SessionFinished()
        if state.status == PAUSED:
            return state
        timings = state.timings_with_current(now)
        result = await conn.execute(_PAUSE, {**_unchanged(state), "timings": timings, "now": now})
        if result.rowcount:
            # §16.2 B6: the reply carries the timings after the pause (the original sent the old ones).
            return replace(state, status=PAUSED, question_timings=timings)
    raise errors.SessionBusy()


async def resume_session(session: AsyncSession, *, user_id: str, session_id: str) -> SessionState:
    """Resume a paused untimed session; the current question's clock restarts (ace.md §7.7)."""
    conn = await session.connection()
    now = clock.utcnow()
    state = await _read_state(conn, user_id=user_id, session_id=session_id)
    if state.is_timed:
        raise errors.ResumeNeedsUntimed()
    if state.status == FINISHED:
        raise errors.SessionFinished()
    if state.status != PAUSED:
        raise errors.SessionNotPaused()
    result = await conn.execute(_RESUME, {"session_id": state.id, "now": now})
    if result.rowcount == 0:
        # Resumed by a concurrent request in between: it is active now, as the message says.
        raise errors.SessionNotPaused()
    return replace(state, status=ACTIVE, current_question_started_at=now)


@dataclass(frozen=True)
class AnswerOutcome:
    correct: bool
    explanation: str
    done: bool


async def answer_question(
    db: Database,
    *,
    caller: SessionCheck,
    session_id: str,
    question_id: str,
    choice_id: str,
) -> AnswerOutcome:
    """Answer the current question, exactly once (ace.md §7.8), as the student `caller` checks out.

    On PostgreSQL an accepted answer is one statement, the caller's session check included; on
    SQLite the caller is checked first, then the answer in Python, and its UPDATE and INSERT share a
    write unit of their own. Either way a timed session found past its limit is finished and
    committed before `time is up` is raised.
    """
    async with hot_connection(db) as conn:
        if db.is_sqlite:
            user_id = (await caller(conn)).user_id
            async with unit_of_work(db, write=True) as write_session:
                outcome = await _answer(
                    await write_session.connection(),
                    user_id=user_id,
                    session_id=session_id,
                    question_id=question_id,
                    choice_id=choice_id,
                )
        else:
            outcome = await _answer(
                conn,
                user_id=caller.claims.user_id,
                session_id=session_id,
                question_id=question_id,
                choice_id=choice_id,
                caller=caller,
            )
    if outcome is None:
        raise errors.TimeIsUp()
    return outcome


async def _answer_in_one_statement(
    conn: Unit, caller: SessionCheck, *, session_id: str, question_id: str, choice_id: str, now: datetime
) -> AnswerOutcome | None:
    """PostgreSQL: check the caller (401 if not valid), then check and record a valid answer in one
    statement; None when it wrote nothing."""
    pg = await pg_connection(conn)
    assert pg is not None
    auth_session, user_id, _, stale = identity_service.session_check_args(caller.ctx, caller.claims, now)
    params = (session_id, user_id, question_id, choice_id, now, auth_session, stale, caller.claims.role)
    row = await pg.fetchrow(_ANSWER_IN_ONE_STATEMENT, *params)
    identity_service.principal_from_row(row, claims=caller.claims, now=now)
    if row["done"] is None:
        return None
    return AnswerOutcome(correct=row["correct"], explanation=row["explanation"], done=row["done"])


async def _record_checked_answer(
    conn: AsyncConnection,
    state: SessionState,
    item: JsonObject,
    *,
    user_id: str,
    choice_id: str,
    now: datetime,
) -> AnswerOutcome | None:
    """SQLite: move on and record an answer to `item`, checked against `state`; None when the
    session changed since."""
    correct = choice_id == item["correctChoiceId"]
    done = state.current_index + 1 >= state.target_count
    move = {
        **_unchanged(state),
        "new_index": state.current_index + 1,
        "gained": int(correct),
        "new_status": FINISHED if done else ACTIVE,
        "timings": state.timings_with_current(now),
        "now": now,
    }
    # No parameter is named like a column of practice_sessions: SQLAlchemy would add it to the SET.
    if (await conn.execute(_ADVANCE, move)).rowcount == 0:
        return None
    answer = {
        "session_id": state.id,
        "answered_by": user_id,
        "question_id": item["id"],
        "choice_id": choice_id,
        "correct": correct,
        "explanation": item["explanation"],
        "now": now,
    }
    await conn.execute(_RECORD_ANSWER, answer)
    return AnswerOutcome(correct=correct, explanation=item["explanation"], done=done)


async def _answer(
    conn: Unit,
    *,
    user_id: str,
    session_id: str,
    question_id: str,
    choice_id: str,
    caller: SessionCheck | None = None,
) -> AnswerOutcome | None:
    """Check and record one answer (the order of checks is ace.md §7.8's); None when time is up.
    On PostgreSQL `caller` is checked by the answer's statement."""
    now = clock.utcnow()
    for _ in range(MAX_ATTEMPTS):
        if caller is not None:
            outcome = await _answer_in_one_statement(
                conn, caller, session_id=session_id, question_id=question_id, choice_id=choice_id, now=now
            )
            if outcome is not None:
                return outcome
        state = await _read_state(conn, user_id=user_id, session_id=session_id)
        if state.status != ACTIVE:
            raise errors.SessionNotActive()
        item = state.current_item
        if item is None:
            raise errors.SessionComplete()
        if state.is_expired(now):
            if await _finish_expired(conn, state, now) is not None:
                return None
            continue
        if question_id != item["id"]:
            raise errors.QuestionIdMismatch()
        if not any(choice["id"] == choice_id for choice in item["choices"]):
            raise errors.InvalidChoice()
        if caller is None:
            outcome = await _record_checked_answer(
                await sqlalchemy_connection(conn), state, item, user_id=user_id, choice_id=choice_id, now=now
            )
            if outcome is not None:
                return outcome
        # The session changed since the write was tried (a pause and a resume, a double submit):
        # try again against what it is now, which may end in `questionId mismatch` and the like.
    raise errors.SessionBusy()


# --- sessions: after the end ----------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewEntry:
    """ace.md §7.9; `selected_choice_id` and `correct` are None for an unanswered question."""

    index: int
    question: JsonObject
    selected_choice_id: str | None
    correct: bool | None
    explanation: str
    time_taken_seconds: int
    correct_choice_id: str


async def review_session(session: AsyncSession, *, user_id: str, session_id: str) -> list[ReviewEntry]:
    """Every question of a finished session with the answer given and the correct one (ace.md §7.9)."""
    state = await _load_current(session, user_id=user_id, session_id=session_id)
    if state.status != FINISHED:
        raise errors.ReviewNeedsFinished()
    snapshot = await session.scalar(
        select(PracticeSession.questions_snapshot).where(PracticeSession.id == state.id)
    )
    answers = await session.execute(
        select(
            PracticeAnswer.question_id,
            PracticeAnswer.choice_id,
            PracticeAnswer.correct,
            PracticeAnswer.explanation,
        )
        .where(PracticeAnswer.session_id == state.id)
        .order_by(PracticeAnswer.ts.asc(), PracticeAnswer.id.asc())
    )
    # The last answer to a question wins (there is one per question since B7's fix).
    answered = {answer.question_id: answer for answer in answers}
    entries = []
    for index, item in enumerate(snapshot or []):
        answer = answered.get(item["id"])
        entries.append(
            ReviewEntry(
                index=index,
                question=public_question(item),
                selected_choice_id=answer.choice_id if answer else None,
                correct=answer.correct if answer else None,
                # §16.2 B12: unanswered questions show their explanation too.
                explanation=answer.explanation if answer else item["explanation"],
                time_taken_seconds=state.question_timings.get(item["id"], 0),
                correct_choice_id=item["correctChoiceId"],
            )
        )
    return entries
