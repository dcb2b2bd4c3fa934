"""Exam sessions for students (ace.md §8), exam blueprints for instructors, and the timed attempts
students take from them.

Session ids in paths are used as sent (the original does not trim them); blueprint ids are trimmed.
ACE shapes are rendered with `exclude_unset`: optional keys are set only when the contract says so.
"""

from typing import Annotated, Any

from fastapi import Query
from pydantic import TypeAdapter

from acelab.db.session import DatabaseDep, DbSession
from acelab.exams import blueprints as blueprint_service
from acelab.exams import service as exams_service
from acelab.exams.blueprints import StudentBlueprint
from acelab.exams.deps import Exams, StudentCaller
from acelab.exams.models import ExamBlueprint
from acelab.exams.schemas import (
    AnswersAck,
    AnswersSave,
    AttemptCreate,
    AttemptListItem,
    AttemptPage,
    AttemptQuestion,
    AttemptRead,
    AttemptResult,
    BlueprintCreate,
    BlueprintList,
    BlueprintRead,
    BlueprintUpdate,
    BreakdownRow,
    EventCreate,
    ExamSessionListItem,
    ExamSessionPage,
    ExamSessionRead,
    HeartbeatAck,
    HeartbeatCreate,
    ResultItem,
    StudentBlueprintList,
    StudentBlueprintRead,
)
from acelab.exams.service import (
    AttemptResultView,
    AttemptView,
    BeatOutcome,
    SessionState,
    SessionWithSnapshot,
)
from acelab.http.auth import InstructorOrAdmin, StudentPrincipal, StudentToken
from acelab.http.client import Client
from acelab.http.direct import direct_ace_router
from acelab.http.errors import ace_router
from acelab.http.pagination import Paging
from acelab.http.wire import OkResponse, SuccessResponse

sessions = ace_router(prefix="/exam-sessions", tags=["exam sessions"])
attempts = ace_router(prefix="/exam-attempts", tags=["exam attempts"])
# The requests every student sends all exam long, and the start and submit spikes.
session_saves = direct_ace_router(prefix="/exam-sessions", tags=["exam sessions"])
attempt_saves = direct_ace_router(prefix="/exam-attempts", tags=["exam attempts"])
direct_routers = (session_saves, attempt_saves)
student_blueprints = ace_router(prefix="/exam-blueprints", tags=["exam attempts"])
instructor_blueprints = ace_router(
    prefix="/instructor/exam-blueprints", tags=["exam blueprints (instructor)"]
)
routers = (sessions, attempts, student_blueprints, instructor_blueprints)


# --- shaping -------------------------------------------------------------------------------------


def _list_item(state: SessionState) -> ExamSessionListItem:
    """ace.md §8.2: `examPackageId` and `submittedAt` only when set."""
    fields: dict[str, Any] = {
        "session_id": state.id,
        "status": state.status,
        "created_at": state.created_at,
        "updated_at": state.updated_at,
        "last_heartbeat_at": state.last_heartbeat_at,
    }
    if state.exam_package_id is not None:
        fields["exam_package_id"] = state.exam_package_id
    if state.submitted_at is not None:
        fields["submitted_at"] = state.submitted_at
    return ExamSessionListItem(**fields)


def _session_read(found: SessionWithSnapshot) -> ExamSessionRead:
    """ace.md §8.4: the stored snapshot verbatim, `{}` when none was ever stored."""
    item = _list_item(found.state)
    return ExamSessionRead(**item.model_dump(exclude_unset=True), snapshot=found.snapshot)


def _ack(outcome: BeatOutcome, *, seq_given: bool) -> HeartbeatAck:
    """`{ok, serverTs}` as the web app expects; a client that orders its saves learns whether this
    one was applied; an attempt's heartbeat carries its clock."""
    fields: dict[str, Any] = {"ok": True, "server_ts": outcome.server_ts}
    state = outcome.state
    if seq_given or state.is_attempt:
        fields.update(applied=outcome.applied, seq=state.client_seq)
    if state.is_attempt:
        fields.update(
            status=state.status,
            expires_at=state.expires_at,
            closes_at=state.closes_at,
            time_remaining_seconds=state.time_remaining(outcome.server_ts),
            answered_count=state.answered_count,
        )
    return HeartbeatAck(**fields)


# A paper's items as the student sees them, and as its result shows them, validated in one call each
# (a model per question and choice, built one by one, was a fifth of an exam start's CPU). The answer
# key and explanations are fields the question model does not have, so they are dropped from it.
_QUESTIONS = TypeAdapter(list[AttemptQuestion])
_RESULT_ITEMS = TypeAdapter(list[ResultItem])


def _attempt_read(view: AttemptView) -> AttemptRead:
    state = view.state
    assert state.started_at and state.expires_at and state.closes_at
    return AttemptRead(
        attempt_id=state.id,
        blueprint_id=state.blueprint_id,
        exam_package_id=state.exam_package_id,
        status=state.status,
        attempt_number=state.attempt_number or 0,
        started_at=state.started_at,
        expires_at=state.expires_at,
        closes_at=state.closes_at,
        server_ts=view.server_ts,
        time_limit_seconds=state.time_limit_seconds or 0,
        grace_seconds=state.grace_seconds or 0,
        time_remaining_seconds=state.time_remaining(view.server_ts),
        seq=state.client_seq,
        submitted_at=state.submitted_at,
        submit_reason=state.submit_reason,
        questions=_QUESTIONS.validate_python(view.paper),
        answers=view.answers,
    )


def _attempt_item(state: SessionState) -> AttemptListItem:
    assert state.started_at and state.expires_at
    return AttemptListItem(
        attempt_id=state.id,
        blueprint_id=state.blueprint_id,
        exam_package_id=state.exam_package_id,
        status=state.status,
        attempt_number=state.attempt_number or 0,
        started_at=state.started_at,
        expires_at=state.expires_at,
        submitted_at=state.submitted_at,
        score_percent=state.score_percent,
        passed=state.passed,
    )


def _result(view: AttemptResultView) -> AttemptResult:
    state = view.state
    assert state.started_at and state.submitted_at and state.breakdown is not None
    answers = view.answers
    return AttemptResult(
        attempt_id=state.id,
        blueprint_id=state.blueprint_id,
        status=state.status,
        started_at=state.started_at,
        submitted_at=state.submitted_at,
        submit_reason=state.submit_reason or "",
        correct=state.score_correct or 0,
        total=state.score_total or 0,
        percent=state.score_percent or 0.0,
        pass_percent=state.pass_percent or 0,
        passed=bool(state.passed),
        by_topic=[BreakdownRow.model_validate(row) for row in state.breakdown["byTopic"]],
        by_difficulty=[BreakdownRow.model_validate(row) for row in state.breakdown["byDifficulty"]],
        items=_RESULT_ITEMS.validate_python(
            [
                {
                    "question_id": item["id"],
                    "prompt": item["prompt"],
                    "choices": item["choices"],
                    "topic_name": item.get("topicName"),
                    "difficulty_id": item["difficultyId"],
                    "selected_choice_id": answers.get(item["id"]),
                    "correct_choice_id": item["correctChoiceId"],
                    "correct": answers.get(item["id"]) == item["correctChoiceId"],
                    "explanation": item["explanation"],
                }
                for item in view.paper
            ]
        ),
    )


def _blueprint(blueprint: ExamBlueprint) -> BlueprintRead:
    return BlueprintRead.model_validate(blueprint)


def _student_blueprint(entry: StudentBlueprint) -> StudentBlueprintRead:
    b = entry.blueprint
    return StudentBlueprintRead(
        id=b.id,
        exam_package_id=b.exam_package_id,
        name=b.name,
        description=b.description,
        question_count=b.question_count,
        time_limit_seconds=b.time_limit_seconds,
        grace_seconds=b.grace_seconds,
        pass_percent=b.pass_percent,
        attempts_allowed=b.attempts_allowed,
        attempts_used=entry.attempts_used,
        active_attempt_id=entry.active_attempt_id,
    )


# --- ACE sessions ----------------------------------------------------------------------------------


@sessions.get("", response_model=ExamSessionPage, response_model_exclude_unset=True)
async def list_sessions(
    student: StudentCaller,
    db: DatabaseDep,
    exams: Exams,
    page: Paging,
    status: Annotated[str | None, Query(description="active, finished, terminated or invalid")] = None,
) -> ExamSessionPage:
    """List the student's sessions (attempts included), latest heartbeat first."""
    result = await exams_service.list_sessions(
        db, exams, user_id=student.user_id, status=status or None, page=page
    )
    return ExamSessionPage(
        items=[_list_item(state) for state in result.items],
        limit=result.params.limit,
        offset=result.params.offset,
        has_more=result.has_more,
    )


@session_saves.post("/{session_id}/heartbeat", response_model=HeartbeatAck, response_model_exclude_unset=True)
async def heartbeat(
    session_id: str,
    body: HeartbeatCreate,
    student: StudentToken,
    db: DatabaseDep,
    exams: Exams,
    client: Client,
) -> HeartbeatAck:
    """Keep a session alive and store the client's snapshot; the first heartbeat creates the session.

    With `seq`, a save older than or equal to the last applied one changes nothing (`applied: false`).
    For an attempt, `seq` is required, `answers` are merged in, and after the time limit plus grace
    the attempt is submitted and the heartbeat answers 409 `time is up`.
    """
    outcome = await exams_service.record_heartbeat(
        db,
        exams,
        caller=student,
        session_id=session_id,
        body_session_id=body.session_id,
        exam_package_id=body.exam_package_id,
        snapshot=body.snapshot,
        snapshot_given="snapshot" in body.model_fields_set,
        seq=body.seq,
        answers=body.answers,
        client=client,
    )
    return _ack(outcome, seq_given=body.seq is not None)


@sessions.get("/{session_id}", response_model=ExamSessionRead, response_model_exclude_unset=True)
async def get_session(
    session_id: str, student: StudentCaller, db: DatabaseDep, exams: Exams
) -> ExamSessionRead:
    """Return the student's own session with its snapshot."""
    found = await exams_service.get_session(db, exams, user_id=student.user_id, session_id=session_id)
    return _session_read(found)


@sessions.post("/{session_id}/submit", response_model=ExamSessionRead, response_model_exclude_unset=True)
async def submit_session(
    session_id: str, student: StudentToken, db: DatabaseDep, exams: Exams
) -> ExamSessionRead:
    """Finish a session (idempotent); an attempt is scored by the server."""
    found = await exams_service.submit_session(db, exams, authenticate=student, session_id=session_id)
    return _session_read(found)


@session_saves.post("/{session_id}/events", response_model=OkResponse)
async def record_event(
    session_id: str, body: EventCreate, student: StudentToken, db: DatabaseDep, exams: Exams
) -> OkResponse:
    """Record an integrity event (focus, visibility) at server time; ignored once the session ended."""
    await exams_service.record_event(
        db,
        exams,
        caller=student,
        session_id=session_id,
        event_type=body.event_type,
        payload=body.payload,
        payload_given="payload" in body.model_fields_set,
    )
    return OkResponse()


# --- exams a student can take --------------------------------------------------------------------


@student_blueprints.get("", response_model=StudentBlueprintList)
async def list_available_exams(
    student: StudentPrincipal,
    session: DbSession,
    exam_package_id: Annotated[str | None, Query(alias="examPackageId")] = None,
) -> StudentBlueprintList:
    """List the published exams of the student's packages with the attempts used so far."""
    entries = await blueprint_service.list_student_blueprints(
        session, user_id=student.user_id, exam_package_id=exam_package_id
    )
    return StudentBlueprintList(items=[_student_blueprint(entry) for entry in entries])


# --- attempts ----------------------------------------------------------------------------------------


@attempt_saves.post("", response_model=AttemptRead)
async def start_attempt(
    body: AttemptCreate, student: StudentToken, db: DatabaseDep, exams: Exams, client: Client
) -> AttemptRead:
    """Start a timed attempt: the server draws and freezes the questions and starts its clock.

    While an attempt of the same exam is running, that attempt is returned instead.
    """
    view = await exams_service.start_attempt(
        db, exams, caller=student, blueprint_id=body.blueprint_id, client=client
    )
    return _attempt_read(view)


@attempts.get("", response_model=AttemptPage)
async def list_attempts(
    student: StudentCaller,
    db: DatabaseDep,
    exams: Exams,
    page: Paging,
    blueprint_id: Annotated[str | None, Query(alias="blueprintId")] = None,
    status: Annotated[str | None, Query(description="active, finished, terminated or invalid")] = None,
) -> AttemptPage:
    """List the student's attempts, newest first; those past their time are submitted on the way."""
    result = await exams_service.list_attempts(
        db,
        exams,
        user_id=student.user_id,
        blueprint_id=(blueprint_id or "").strip() or None,
        status=status or None,
        page=page,
    )
    return AttemptPage(
        items=[_attempt_item(state) for state in result.items],
        limit=result.params.limit,
        offset=result.params.offset,
        has_more=result.has_more,
    )


@attempts.get("/{attempt_id}", response_model=AttemptRead)
async def get_attempt(attempt_id: str, student: StudentCaller, db: DatabaseDep, exams: Exams) -> AttemptRead:
    """Return an attempt with its questions, the saved answers and the server's clock."""
    view = await exams_service.get_attempt(db, exams, user_id=student.user_id, attempt_id=attempt_id)
    return _attempt_read(view)


@attempt_saves.post("/{attempt_id}/answers", response_model=AnswersAck)
async def save_answers(
    attempt_id: str, body: AnswersSave, student: StudentToken, db: DatabaseDep, exams: Exams
) -> AnswersAck:
    """Save answers (questionId -> choiceId, null clears); `seq` orders saves, a stale one changes nothing."""
    outcome = await exams_service.save_answers(
        db, exams, caller=student, attempt_id=attempt_id, answers=body.answers, seq=body.seq
    )
    state = outcome.state
    return AnswersAck(
        attempt_id=state.id,
        applied=outcome.applied,
        seq=state.client_seq,
        answered_count=state.answered_count,
        server_ts=outcome.server_ts,
        time_remaining_seconds=state.time_remaining(outcome.server_ts),
    )


@attempt_saves.post("/{attempt_id}/submit", response_model=AttemptResult)
async def submit_attempt(
    attempt_id: str, student: StudentToken, db: DatabaseDep, exams: Exams
) -> AttemptResult:
    """Submit the attempt and return its score (submitting again returns the same result)."""
    view = await exams_service.submit_attempt(db, exams, caller=student, attempt_id=attempt_id)
    return _result(view)


@attempts.get("/{attempt_id}/result", response_model=AttemptResult)
async def get_result(attempt_id: str, student: StudentCaller, db: DatabaseDep, exams: Exams) -> AttemptResult:
    """The score of a submitted attempt, per topic and difficulty, with the answer key."""
    view = await exams_service.get_attempt_result(db, exams, user_id=student.user_id, attempt_id=attempt_id)
    return _result(view)


# --- blueprints: instructors and admins --------------------------------------------------------------


@instructor_blueprints.get("", response_model=BlueprintList)
async def list_blueprints(
    actor: InstructorOrAdmin,
    session: DbSession,
    exam_package_id: Annotated[str | None, Query(alias="examPackageId")] = None,
) -> BlueprintList:
    """List every exam blueprint, published or not, optionally of one package."""
    rows = await blueprint_service.list_blueprints(
        session, exam_package_id=(exam_package_id or "").strip() or None
    )
    return BlueprintList(items=[_blueprint(row) for row in rows])


@instructor_blueprints.post("", response_model=BlueprintRead)
async def create_blueprint(
    body: BlueprintCreate, actor: InstructorOrAdmin, session: DbSession
) -> BlueprintRead:
    """Define an exam: question count, topic and difficulty mix, time limit, grace, pass mark, attempts."""
    blueprint = await blueprint_service.create_blueprint(session, actor_id=actor.user_id, blueprint_in=body)
    return _blueprint(blueprint)


@instructor_blueprints.get("/{blueprint_id}", response_model=BlueprintRead)
async def get_blueprint(blueprint_id: str, actor: InstructorOrAdmin, session: DbSession) -> BlueprintRead:
    """Return one exam blueprint."""
    return _blueprint(await blueprint_service.get_blueprint_or_raise(session, blueprint_id=blueprint_id))


@instructor_blueprints.patch("/{blueprint_id}", response_model=BlueprintRead)
async def update_blueprint(
    blueprint_id: str, body: BlueprintUpdate, actor: InstructorOrAdmin, session: DbSession
) -> BlueprintRead:
    """Change an exam blueprint; attempts already started keep their paper, clock and pass mark."""
    blueprint = await blueprint_service.update_blueprint(
        session, actor_id=actor.user_id, blueprint_id=blueprint_id, blueprint_in=body
    )
    return _blueprint(blueprint)


@instructor_blueprints.delete("/{blueprint_id}", response_model=SuccessResponse)
async def delete_blueprint(
    blueprint_id: str, actor: InstructorOrAdmin, session: DbSession
) -> SuccessResponse:
    """Delete an exam blueprint; its attempts keep their papers and results."""
    await blueprint_service.delete_blueprint(session, blueprint_id=blueprint_id)
    return SuccessResponse()
