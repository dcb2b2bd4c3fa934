"""Question bank routes (ace.md §9): student reads, instructor/admin authoring, and the review workflow."""

import json
from typing import Annotated, Any

from fastapi import Depends, Query, Request

from acelab.db.session import DbSession
from acelab.http.auth import AdminPrincipal, AnyPortalPrincipal, InstructorOrAdmin, StudentPrincipal
from acelab.http.errors import ace_router
from acelab.http.pagination import Page, Paging
from acelab.http.wire import IdResponse, OkResponse, SuccessResponse
from acelab.questions import errors
from acelab.questions import service as question_service
from acelab.questions.schemas import (
    ChoicesReplace,
    InstructorQuestionRead,
    PublicQuestionListItem,
    PublicQuestionRead,
    QuestionBankCreate,
    QuestionBankList,
    QuestionBankRead,
    QuestionBankUpdate,
    QuestionCreate,
    QuestionDifficultyList,
    QuestionDifficultyRead,
    QuestionDifficultyUpdate,
    QuestionTopicCreate,
    QuestionTopicList,
    QuestionTopicRead,
    QuestionTopicUpdate,
    QuestionUpdate,
    RequestChangesIn,
)
from acelab.questions.service import Action, QuestionFilters

_UNKNOWN = {
    "question_id": errors.QuestionNotFound,
    "question_bank_id": errors.QuestionBankNotFound,
    "topic_id": errors.TopicNotFound,
    "difficulty_id": errors.DifficultyNotFound,
}


async def _reject_nul(request: Request) -> None:
    """An id with a NUL names nothing: PostgreSQL text cannot hold one, and would answer with an error."""
    for name, value in request.path_params.items():
        if "\x00" in value:
            raise _UNKNOWN[name]()
    if any("\x00" in value for value in request.query_params.values()):
        raise errors.Invalid("invalid query parameter")


public = ace_router(tags=["question bank"])
instructor = ace_router(prefix="/instructor", tags=["instructor: question bank"])
admin = ace_router(prefix="/admin/questions", tags=["admin: question review"])
routers = (public, instructor, admin)
for _router in routers:
    _router.dependencies.append(Depends(_reject_nul))

OptionalFilter = Annotated[str | None, Query()]


def _filter(raw: str | None) -> str | None:
    # The original reads `strings.TrimSpace(c.Query(...))`: blank is the same as no filter.
    return (raw or "").strip() or None


def _filters(
    question_bank_id: str | None, topic_id: str | None, difficulty_id: str | None, status: str | None = None
) -> QuestionFilters:
    return QuestionFilters(
        question_bank_id=_filter(question_bank_id),
        topic_id=_filter(topic_id),
        difficulty_id=_filter(difficulty_id),
        status=_filter(status),
    )


# --- reference lists and published questions -----------------------------------------------------


@public.get("/questions", response_model=Page[PublicQuestionListItem])
async def list_published_questions(
    student: StudentPrincipal,
    session: DbSession,
    page: Paging,
    question_bank_id: Annotated[str | None, Query(alias="questionBankId")] = None,
    topic_id: Annotated[str | None, Query(alias="topicId")] = None,
    difficulty_id: Annotated[str | None, Query(alias="difficultyId")] = None,
) -> Page[PublicQuestionListItem]:
    """List published questions of the caller's enrolled packages, newest first."""
    result = await question_service.list_published_questions(
        session,
        student_id=student.user_id,
        filters=_filters(question_bank_id, topic_id, difficulty_id),
        page=page,
    )
    return Page[PublicQuestionListItem].build(result, PublicQuestionListItem.model_validate)


@public.get("/questions/{question_id}", response_model=PublicQuestionRead)
async def get_published_question(
    question_id: str, student: StudentPrincipal, session: DbSession
) -> PublicQuestionRead:
    """Return one published question with its choices (no answer, no explanation)."""
    detail = await question_service.get_published_question_or_raise(
        session, student_id=student.user_id, question_id=question_id
    )
    return PublicQuestionRead.from_detail(detail)


@public.get("/question-banks", response_model=QuestionBankList)
async def list_visible_banks(actor: AnyPortalPrincipal, session: DbSession) -> QuestionBankList:
    """List the visible question banks by name (any portal, ace.md §16.3 C2)."""
    banks = await question_service.list_banks(session, include_hidden=False)
    return QuestionBankList(items=[QuestionBankRead.model_validate(b) for b in banks])


@public.get("/question-topics", response_model=QuestionTopicList)
async def list_visible_topics(
    actor: AnyPortalPrincipal,
    session: DbSession,
    question_bank_id: Annotated[str | None, Query(alias="questionBankId")] = None,
) -> QuestionTopicList:
    """List the visible topics by name, optionally of one bank (any portal, ace.md §16.3 C2)."""
    topics = await question_service.list_topics(
        session, include_hidden=False, question_bank_id=_filter(question_bank_id)
    )
    return QuestionTopicList(items=[QuestionTopicRead.model_validate(t) for t in topics])


@public.get("/question-difficulties", response_model=QuestionDifficultyList)
async def list_difficulties(actor: AnyPortalPrincipal, session: DbSession) -> QuestionDifficultyList:
    """List the difficulties in their sort order (any portal, ace.md §16.3 C2)."""
    difficulties = await question_service.list_difficulties(session)
    return QuestionDifficultyList(items=[QuestionDifficultyRead.model_validate(d) for d in difficulties])


# --- banks, topics, difficulties (instructor or admin) -------------------------------------------


@instructor.post("/question-banks", response_model=IdResponse)
async def create_bank(body: QuestionBankCreate, actor: InstructorOrAdmin, session: DbSession) -> IdResponse:
    """Create a question bank linked to an exam package."""
    bank = await question_service.create_bank(
        session, actor=actor, name=body.name, exam_package_id=body.exam_package_id
    )
    return IdResponse(id=bank.id)


@instructor.get("/question-banks", response_model=QuestionBankList)
async def list_banks(actor: InstructorOrAdmin, session: DbSession) -> QuestionBankList:
    """List every question bank by name, hidden ones included."""
    banks = await question_service.list_banks(session, include_hidden=True)
    return QuestionBankList(items=[QuestionBankRead.model_validate(b) for b in banks])


@instructor.patch("/question-banks/{question_bank_id}", response_model=SuccessResponse)
async def update_bank(
    question_bank_id: str, body: QuestionBankUpdate, actor: InstructorOrAdmin, session: DbSession
) -> SuccessResponse:
    """Rename, hide or relink a question bank (`examPackageId: ""` unlinks it)."""
    await question_service.update_bank(
        session,
        bank_id=question_bank_id,
        name=body.name,
        exam_package_id=body.exam_package_id,
        is_hidden=body.is_hidden,
    )
    return SuccessResponse()


@instructor.delete("/question-banks/{question_bank_id}", response_model=SuccessResponse)
async def delete_bank(question_bank_id: str, actor: InstructorOrAdmin, session: DbSession) -> SuccessResponse:
    """Delete a question bank; its topics and questions are kept, detached."""
    await question_service.delete_bank(session, bank_id=question_bank_id)
    return SuccessResponse()


@instructor.post("/question-topics", response_model=IdResponse)
async def create_topic(body: QuestionTopicCreate, actor: InstructorOrAdmin, session: DbSession) -> IdResponse:
    """Create a topic in a question bank, or in none."""
    topic = await question_service.create_topic(
        session, actor=actor, question_bank_id=body.question_bank_id, name=body.name
    )
    return IdResponse(id=topic.id)


@instructor.get("/question-topics", response_model=QuestionTopicList)
async def list_topics(
    actor: InstructorOrAdmin,
    session: DbSession,
    question_bank_id: Annotated[str | None, Query(alias="questionBankId")] = None,
) -> QuestionTopicList:
    """List every topic by name, hidden ones included, optionally of one bank."""
    topics = await question_service.list_topics(
        session, include_hidden=True, question_bank_id=_filter(question_bank_id)
    )
    return QuestionTopicList(items=[QuestionTopicRead.model_validate(t) for t in topics])


@instructor.patch("/question-topics/{topic_id}", response_model=SuccessResponse)
async def update_topic(
    topic_id: str, body: QuestionTopicUpdate, actor: InstructorOrAdmin, session: DbSession
) -> SuccessResponse:
    """Rename or hide a topic."""
    await question_service.update_topic(session, topic_id=topic_id, name=body.name, is_hidden=body.is_hidden)
    return SuccessResponse()


@instructor.delete("/question-topics/{topic_id}", response_model=SuccessResponse)
async def delete_topic(topic_id: str, actor: InstructorOrAdmin, session: DbSession) -> SuccessResponse:
    """Delete a topic; questions and practice templates using it are detached."""
    await question_service.delete_topic(session, topic_id=topic_id)
    return SuccessResponse()


@instructor.get("/question-difficulties", response_model=QuestionDifficultyList)
async def list_difficulties_for_authors(
    actor: InstructorOrAdmin, session: DbSession
) -> QuestionDifficultyList:
    """List the difficulties in their sort order."""
    difficulties = await question_service.list_difficulties(session)
    return QuestionDifficultyList(items=[QuestionDifficultyRead.model_validate(d) for d in difficulties])


@instructor.patch("/question-difficulties/{difficulty_id}", response_model=SuccessResponse)
async def update_difficulty(
    difficulty_id: str, body: QuestionDifficultyUpdate, actor: InstructorOrAdmin, session: DbSession
) -> SuccessResponse:
    """Rename a difficulty."""
    await question_service.update_difficulty(
        session, difficulty_id=difficulty_id, display_name=body.display_name
    )
    return SuccessResponse()


# --- questions (instructor or admin; instructors change only their own) --------------------------


@instructor.post("/questions", response_model=InstructorQuestionRead)
async def create_question(
    body: QuestionCreate, actor: InstructorOrAdmin, session: DbSession
) -> InstructorQuestionRead:
    """Create a draft question with 2-6 choices, one of them correct."""
    detail = await question_service.create_question(
        session,
        actor=actor,
        question_bank_id=body.question_bank_id,
        topic_id=body.topic_id,
        difficulty_id=body.difficulty_id,
        prompt=body.prompt,
        explanation=body.explanation,
        choices=[c.text for c in body.choices],
        correct_choice_index=body.correct_choice_index,
    )
    return InstructorQuestionRead.from_detail(detail)


@instructor.get("/questions", response_model=Page[PublicQuestionListItem])
async def list_questions(
    actor: InstructorOrAdmin,
    session: DbSession,
    page: Paging,
    status: OptionalFilter = None,
    question_bank_id: Annotated[str | None, Query(alias="questionBankId")] = None,
    topic_id: Annotated[str | None, Query(alias="topicId")] = None,
    difficulty_id: Annotated[str | None, Query(alias="difficultyId")] = None,
) -> Page[PublicQuestionListItem]:
    """List questions of every author, last edited first."""
    result = await question_service.list_questions(
        session, filters=_filters(question_bank_id, topic_id, difficulty_id, status), page=page
    )
    return Page[PublicQuestionListItem].build(result, PublicQuestionListItem.model_validate)


@instructor.get("/questions/{question_id}", response_model=InstructorQuestionRead)
async def get_question(
    question_id: str, actor: InstructorOrAdmin, session: DbSession
) -> InstructorQuestionRead:
    """Return any question with its choices and correct choice."""
    detail = await question_service.get_question_detail_or_raise(session, question_id=question_id)
    return InstructorQuestionRead.from_detail(detail)


@instructor.put("/questions/{question_id}", response_model=OkResponse)
async def update_question(
    question_id: str, body: QuestionUpdate, actor: InstructorOrAdmin, session: DbSession
) -> OkResponse:
    """Edit a question's bank, topic, difficulty, prompt or explanation.

    An instructor's edit of a published question sends it back to draft.
    """
    await question_service.update_question(
        session,
        actor=actor,
        question_id=question_id,
        question_bank_id=body.question_bank_id,
        topic_id=body.topic_id,
        difficulty_id=body.difficulty_id,
        prompt=body.prompt,
        explanation=body.explanation,
    )
    return OkResponse()


@instructor.put("/questions/{question_id}/choices", response_model=OkResponse)
async def replace_choices(
    question_id: str, body: ChoicesReplace, actor: InstructorOrAdmin, session: DbSession
) -> OkResponse:
    """Replace a question's choices and correct choice.

    An instructor's change to a published question sends it back to draft.
    """
    await question_service.replace_choices(
        session,
        actor=actor,
        question_id=question_id,
        choices=[c.text for c in body.choices],
        correct_choice_index=body.correct_choice_index,
    )
    return OkResponse()


@instructor.delete("/questions/{question_id}", response_model=OkResponse)
async def delete_question(question_id: str, actor: InstructorOrAdmin, session: DbSession) -> OkResponse:
    """Delete a question (instructors: their own only)."""
    await question_service.delete_question(session, actor=actor, question_id=question_id)
    return OkResponse()


@instructor.post("/questions/{question_id}/publish", response_model=OkResponse)
async def publish_question(question_id: str, actor: InstructorOrAdmin, session: DbSession) -> OkResponse:
    """Publish a question from any status (admins only)."""
    await question_service.change_status(session, actor=actor, question_id=question_id, action=Action.PUBLISH)
    return OkResponse()


@instructor.post("/questions/{question_id}/archive", response_model=OkResponse)
async def archive_question(question_id: str, actor: InstructorOrAdmin, session: DbSession) -> OkResponse:
    """Archive a question."""
    await question_service.change_status(session, actor=actor, question_id=question_id, action=Action.ARCHIVE)
    return OkResponse()


@instructor.post("/questions/{question_id}/draft", response_model=OkResponse)
async def draft_question(question_id: str, actor: InstructorOrAdmin, session: DbSession) -> OkResponse:
    """Move a question back to draft."""
    await question_service.change_status(session, actor=actor, question_id=question_id, action=Action.DRAFT)
    return OkResponse()


@instructor.post("/questions/{question_id}/submit-for-review", response_model=OkResponse)
async def submit_question_for_review(
    question_id: str, actor: InstructorOrAdmin, session: DbSession
) -> OkResponse:
    """Submit a draft or a question that needs changes for review."""
    await question_service.change_status(
        session, actor=actor, question_id=question_id, action=Action.SUBMIT_FOR_REVIEW
    )
    return OkResponse()


# --- admin review --------------------------------------------------------------------------------


async def _review_note(request: Request) -> str:
    """The optional `{"note"}` body; as in the original, a missing or malformed body means no note."""
    try:
        body: Any = json.loads(await request.body() or b"null")
    except ValueError:
        return ""
    if not isinstance(body, dict):
        return ""
    try:
        return RequestChangesIn.model_validate(body).note
    except ValueError:
        return ""


@admin.delete("/{question_id}", response_model=OkResponse)
async def delete_question_as_admin(question_id: str, actor: AdminPrincipal, session: DbSession) -> OkResponse:
    """Delete any question."""
    await question_service.delete_question(session, actor=actor, question_id=question_id)
    return OkResponse()


@admin.post("/{question_id}/approve", response_model=OkResponse)
async def approve_question(question_id: str, actor: AdminPrincipal, session: DbSession) -> OkResponse:
    """Publish a question that is in review."""
    await question_service.change_status(session, actor=actor, question_id=question_id, action=Action.APPROVE)
    return OkResponse()


@admin.post(
    "/{question_id}/request-changes",
    response_model=OkResponse,
    openapi_extra={
        "requestBody": {
            "required": False,
            "content": {"application/json": {"schema": RequestChangesIn.model_json_schema(by_alias=True)}},
        }
    },
)
async def request_question_changes(
    question_id: str, request: Request, actor: AdminPrincipal, session: DbSession
) -> OkResponse:
    """Send a question in review (or a published one) back to its author with a note."""
    await question_service.change_status(
        session,
        actor=actor,
        question_id=question_id,
        action=Action.REQUEST_CHANGES,
        note=await _review_note(request),
    )
    return OkResponse()
