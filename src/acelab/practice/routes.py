"""Practice templates (ace.md §6) and practice sessions (§7) over HTTP.

Template ids in paths are trimmed and session ids are not, as in the original. Optional response
keys are rendered with `exclude_unset`: a key is sent only when the contract says it is present.
"""

from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import Query

from acelab.db.session import DatabaseDep, DbSession
from acelab.http.auth import InstructorOrAdmin, StudentPrincipal, StudentToken
from acelab.http.direct import direct_ace_router
from acelab.http.errors import ace_router
from acelab.http.pagination import Paging
from acelab.http.wire import SuccessResponse
from acelab.practice import service as practice_service
from acelab.practice.deps import AutocommitSession, QuestionPoolsDep, StudentCaller
from acelab.practice.schemas import (
    AnswerCreate,
    AnswerResult,
    PracticeSessionCreate,
    PracticeSessionListItem,
    PracticeSessionPage,
    PracticeSessionRead,
    PracticeTemplateCreate,
    PracticeTemplateList,
    PracticeTemplateRead,
    PracticeTemplateUpdate,
    QuestionRead,
    Review,
    ReviewItem,
    Summary,
)
from acelab.practice.service import ListedSession, ReviewEntry, SessionState, TemplateView

student_templates = ace_router(prefix="/practice-templates", tags=["practice templates"])
instructor_templates = ace_router(
    prefix="/instructor/practice-templates", tags=["practice templates (instructor)"]
)
sessions = ace_router(prefix="/practice-sessions", tags=["practice sessions"])
session_writes = direct_ace_router(prefix="/practice-sessions", tags=["practice sessions"])
direct_routers = (session_writes,)
# Busiest first: the app includes them in this order, and FastAPI matches routes in order.
routers = (sessions, student_templates, instructor_templates)

# Go's strconv.ParseBool; anything else leaves the default (ace.md §6.3).
_PARSE_BOOL = {
    **dict.fromkeys(("1", "t", "T", "TRUE", "true", "True"), True),
    **dict.fromkeys(("0", "f", "F", "FALSE", "false", "False"), False),
}


def _templates(rows: Sequence[TemplateView]) -> PracticeTemplateList:
    return PracticeTemplateList(items=[PracticeTemplateRead.model_validate(row) for row in rows])


def _session_read(state: SessionState) -> PracticeSessionRead:
    """ace.md §7.11: `timeLimitSeconds` only when timed, `questionTimingsSeconds` only when non-empty,
    `question` only while active (else null)."""
    question = state.current_question
    fields: dict[str, Any] = {
        "session_id": state.id,
        "status": state.status,
        "created_at": state.created_at,
        "started_at": state.started_at,
        "exam_package_id": state.package_id,
        "is_timed": state.is_timed,
        "current_question_started_at": state.current_question_started_at,
        "target_count": state.target_count,
        "current_index": state.current_index,
        "total": state.target_count,
        "correct_count": state.correct_count,
        "question": QuestionRead.model_validate(question) if question is not None else None,
    }
    if state.is_timed:
        fields["time_limit_seconds"] = state.time_limit_seconds
    if state.question_timings:
        fields["question_timings_seconds"] = state.question_timings
    return PracticeSessionRead(**fields)


def _list_item(item: ListedSession) -> PracticeSessionListItem:
    """ace.md §7.3: `timeLimitSeconds` only when timed, `timeRemainingSeconds` only when timed and active."""
    fields: dict[str, Any] = {
        "session_id": item.session_id,
        "status": item.status,
        "created_at": item.created_at,
        "last_activity_at": item.last_activity_at,
        "exam_package_id": item.exam_package_id,
        "is_timed": item.is_timed,
        "target_count": item.target_count,
        "correct_count": item.correct_count,
        "accuracy": item.accuracy,
    }
    if item.is_timed:
        fields["time_limit_seconds"] = item.time_limit_seconds
    if item.time_remaining_seconds is not None:
        fields["time_remaining_seconds"] = item.time_remaining_seconds
    return PracticeSessionListItem(**fields)


def _review_item(entry: ReviewEntry) -> ReviewItem:
    """ace.md §7.9: `selectedChoiceId` and `correct` only for answered questions."""
    fields: dict[str, Any] = {
        "index": entry.index,
        "question": QuestionRead.model_validate(entry.question),
        "explanation": entry.explanation,
        "time_taken_seconds": entry.time_taken_seconds,
        "correct_choice_id": entry.correct_choice_id,
    }
    if entry.selected_choice_id is not None:
        fields["selected_choice_id"] = entry.selected_choice_id
        fields["correct"] = entry.correct
    return ReviewItem(**fields)


# --- templates: students -------------------------------------------------------------------------


@student_templates.get("", response_model=PracticeTemplateList)
async def list_published_templates(
    student: StudentPrincipal,
    session: DbSession,
    exam_package_id: Annotated[str | None, Query(alias="examPackageId")] = None,
) -> PracticeTemplateList:
    """List the published templates of the packages the student is enrolled in."""
    rows = await practice_service.list_published_templates(
        session, user_id=student.user_id, exam_package_id=exam_package_id
    )
    return _templates(rows)


# --- templates: instructors and admins -----------------------------------------------------------


@instructor_templates.get("", response_model=PracticeTemplateList)
async def list_templates(
    actor: InstructorOrAdmin,
    session: DbSession,
    exam_package_id: Annotated[str | None, Query(alias="examPackageId")] = None,
    include_unpublished: Annotated[
        str | None, Query(alias="includeUnpublished", description="Go ParseBool; default true")
    ] = None,
) -> PracticeTemplateList:
    """List every template, optionally of one package; unpublished ones unless includeUnpublished=false."""
    rows = await practice_service.list_templates(
        session,
        exam_package_id=(exam_package_id or "").strip() or None,
        include_unpublished=_PARSE_BOOL.get(include_unpublished or "", True),
    )
    return _templates(rows)


@instructor_templates.post("", response_model=PracticeTemplateRead)
async def create_template(
    body: PracticeTemplateCreate, actor: InstructorOrAdmin, session: DbSession
) -> PracticeTemplateRead:
    """Create an unpublished template (targetCount clamped to 1-50, 10 when below 1)."""
    row = await practice_service.create_template(
        session,
        actor_id=actor.user_id,
        exam_package_id=body.exam_package_id,
        name=body.name,
        section=body.section,
        topic_id=body.topic_id,
        difficulty_id=body.difficulty_id,
        is_timed=body.is_timed,
        target_count=body.target_count,
        sort_order=body.sort_order,
    )
    return PracticeTemplateRead.model_validate(row)


@instructor_templates.patch("/{template_id}", response_model=PracticeTemplateRead)
async def update_template(
    template_id: str, body: PracticeTemplateUpdate, actor: InstructorOrAdmin, session: DbSession
) -> PracticeTemplateRead:
    """Change a template; absent keys stay, a null topicId or difficultyId clears it."""
    row = await practice_service.update_template(
        session, actor_id=actor.user_id, template_id=template_id, template_in=body
    )
    return PracticeTemplateRead.model_validate(row)


@instructor_templates.delete("/{template_id}", response_model=SuccessResponse)
async def delete_template(template_id: str, actor: InstructorOrAdmin, session: DbSession) -> SuccessResponse:
    """Delete a template; sessions started from it keep their questions."""
    await practice_service.delete_template(session, template_id=template_id)
    return SuccessResponse()


@instructor_templates.post("/{template_id}/publish", response_model=PracticeTemplateRead)
async def publish_template(
    template_id: str, actor: InstructorOrAdmin, session: DbSession
) -> PracticeTemplateRead:
    """Make a template visible to enrolled students (idempotent)."""
    row = await practice_service.set_template_published(session, template_id=template_id, published=True)
    return PracticeTemplateRead.model_validate(row)


@instructor_templates.post("/{template_id}/unpublish", response_model=PracticeTemplateRead)
async def unpublish_template(
    template_id: str, actor: InstructorOrAdmin, session: DbSession
) -> PracticeTemplateRead:
    """Hide a template from students (idempotent)."""
    row = await practice_service.set_template_published(session, template_id=template_id, published=False)
    return PracticeTemplateRead.model_validate(row)


# --- sessions ------------------------------------------------------------------------------------


@sessions.get("", response_model=PracticeSessionPage, response_model_exclude_unset=True)
async def list_sessions(
    student: StudentPrincipal,
    session: DbSession,
    page: Paging,
    status: Annotated[str | None, Query(description="active, paused or finished")] = None,
) -> PracticeSessionPage:
    """List the student's sessions, latest activity first; timed ones past their limit are finished."""
    result = await practice_service.list_sessions(
        session, user_id=student.user_id, status=status or None, page=page
    )
    return PracticeSessionPage(
        items=[_list_item(item) for item in result.items],
        limit=result.params.limit,
        offset=result.params.offset,
        has_more=result.has_more,
    )


@session_writes.post("", response_model=PracticeSessionRead, response_model_exclude_unset=True)
async def create_session(
    body: PracticeSessionCreate,
    student: StudentCaller,
    session: AutocommitSession,
    db: DatabaseDep,
    pools: QuestionPoolsDep,
) -> PracticeSessionRead:
    """Start a session from a template (its timed and count win) or from a package."""
    state = await practice_service.create_session(
        session,
        db,
        pools,
        user_id=student.user_id,
        exam_package_id=body.exam_package_id,
        template_id=body.template_id,
        timed=body.timed,
        count=body.count,
    )
    return _session_read(state)


@sessions.get("/{session_id}", response_model=PracticeSessionRead, response_model_exclude_unset=True)
async def get_session(session_id: str, student: StudentPrincipal, session: DbSession) -> PracticeSessionRead:
    """Return a session with its current question only (finished when its time is up)."""
    state = await practice_service.get_session_or_raise(
        session, user_id=student.user_id, session_id=session_id
    )
    return _session_read(state)


@sessions.post("/{session_id}/pause", response_model=PracticeSessionRead, response_model_exclude_unset=True)
async def pause_session(
    session_id: str, student: StudentPrincipal, session: DbSession
) -> PracticeSessionRead:
    """Pause an untimed session (idempotent)."""
    state = await practice_service.pause_session(session, user_id=student.user_id, session_id=session_id)
    return _session_read(state)


@sessions.post("/{session_id}/resume", response_model=PracticeSessionRead, response_model_exclude_unset=True)
async def resume_session(
    session_id: str, student: StudentPrincipal, session: DbSession
) -> PracticeSessionRead:
    """Resume a paused untimed session."""
    state = await practice_service.resume_session(session, user_id=student.user_id, session_id=session_id)
    return _session_read(state)


@session_writes.post("/{session_id}/answers", response_model=AnswerResult)
async def answer_question(
    session_id: str, body: AnswerCreate, student: StudentToken, db: DatabaseDep
) -> AnswerResult:
    """Answer the current question, once; the explanation comes back with the verdict."""
    outcome = await practice_service.answer_question(
        db,
        caller=student,
        session_id=session_id,
        question_id=body.question_id,
        choice_id=body.choice_id,
    )
    return AnswerResult(correct=outcome.correct, explanation=outcome.explanation, done=outcome.done)


@sessions.get("/{session_id}/review", response_model=Review, response_model_exclude_unset=True)
async def review_session(session_id: str, student: StudentPrincipal, session: DbSession) -> Review:
    """Every question of a finished session with the answer given and the correct choice."""
    entries = await practice_service.review_session(session, user_id=student.user_id, session_id=session_id)
    return Review(session_id=session_id, items=[_review_item(entry) for entry in entries])


@sessions.get("/{session_id}/summary", response_model=Summary)
async def summarize_session(session_id: str, student: StudentPrincipal, session: DbSession) -> Summary:
    """Total, correct answers and accuracy (correct over total) of a session in any state."""
    state = await practice_service.get_session_or_raise(
        session, user_id=student.user_id, session_id=session_id
    )
    return Summary(
        session_id=state.id,
        total=state.target_count,
        correct_count=state.correct_count,
        accuracy=practice_service.accuracy(state.correct_count, state.target_count),
    )
