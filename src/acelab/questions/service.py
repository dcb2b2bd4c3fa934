"""Question bank rules: banks, topics, difficulties, questions with their choices, the review workflow
(ace.md §9, §10) and the question selection practice sessions start from (§7.2)."""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TypedDict

from sqlalchemy import Select, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from acelab import clock
from acelab.catalog import service as catalog_service
from acelab.db.ids import new_id
from acelab.db.pages import PageParams, PageResult, fetch_page
from acelab.identity.service import Principal
from acelab.questions import errors
from acelab.questions.models import (
    ARCHIVED,
    BANK_ID_PREFIX,
    CHOICE_ID_PREFIX,
    DRAFT,
    IN_REVIEW,
    NEEDS_CHANGES,
    PUBLISHED,
    QUESTION_ID_PREFIX,
    QUESTION_STATUSES,
    TOPIC_ID_PREFIX,
    Choice,
    CorrectChoice,
    Question,
    QuestionBank,
    QuestionDifficulty,
    QuestionTopic,
)

# Content limits the original lacked (ace.md §9.17 has no upper bounds at all).
MAX_NAME_LENGTH = 200
MAX_DISPLAY_NAME_LENGTH = 100
MAX_PROMPT_LENGTH = 5000
MAX_EXPLANATION_LENGTH = 10000
MAX_CHOICE_LENGTH = 1000
MAX_NOTE_LENGTH = 5000
MIN_CHOICES = 2
MAX_CHOICES = 6


def _is_admin(actor: Principal) -> bool:
    return actor.role == "admin"


def _blank_to_none(value: str | None) -> str | None:
    """An optional reference given as "" means none (the original stored "" and failed on the FK)."""
    if value is None:
        return None
    return value.strip() or None


def _required_text(value: str, *, field: str, max_length: int, message: str | None = None) -> str:
    text = value.strip()
    if not text:
        raise errors.Invalid(message or f"{field} is required")
    if len(text) > max_length:
        raise errors.Invalid(f"{field} must be at most {max_length} characters")
    return text


# --- question banks ------------------------------------------------------------------------------


async def list_banks(session: AsyncSession, *, include_hidden: bool) -> Sequence[QuestionBank]:
    """List banks by name; students see only visible ones (ace.md §9.4, §9.8)."""
    stmt = select(QuestionBank).order_by(QuestionBank.name.asc(), QuestionBank.id.asc())
    if not include_hidden:
        stmt = stmt.where(QuestionBank.is_hidden.is_(False))
    return (await session.scalars(stmt)).all()


async def get_bank_or_raise(session: AsyncSession, *, bank_id: str) -> QuestionBank:
    """Return a bank or raise 404 `question bank not found`."""
    bank = await session.get(QuestionBank, bank_id.strip())
    if bank is None:
        raise errors.QuestionBankNotFound()
    return bank


async def _check_package(session: AsyncSession, exam_package_id: str) -> None:
    if await catalog_service.get_package(session, exam_package_id=exam_package_id) is None:
        raise errors.UnknownExamPackage()


async def _check_bank_name_free(
    session: AsyncSession, *, name: str, exam_package_id: str | None, bank_id: str | None = None
) -> None:
    # The unique constraint treats NULL packages as distinct, so unlinked banks are checked here too.
    stmt = select(QuestionBank.id).where(QuestionBank.name == name)
    if exam_package_id is None:
        stmt = stmt.where(QuestionBank.exam_package_id.is_(None))
    else:
        stmt = stmt.where(QuestionBank.exam_package_id == exam_package_id)
    if bank_id is not None:
        stmt = stmt.where(QuestionBank.id != bank_id)
    if await session.scalar(stmt.limit(1)) is not None:
        raise errors.DuplicateBankName()


async def _flush_or(session: AsyncSession, error: Exception) -> None:
    """Flush in a savepoint; a constraint violation (a concurrent duplicate) becomes `error`."""
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:
        raise error from exc


async def create_bank(
    session: AsyncSession, *, actor: Principal, name: str, exam_package_id: str
) -> QuestionBank:
    """Create a bank linked to an exam package (ace.md §9.7)."""
    name = _required_text(name, field="name", max_length=MAX_NAME_LENGTH)
    package_id = exam_package_id.strip()
    if not package_id:
        raise errors.Invalid("examPackageId is required")
    await _check_package(session, package_id)
    await _check_bank_name_free(session, name=name, exam_package_id=package_id)
    now = clock.utcnow()
    bank = QuestionBank(
        id=new_id(BANK_ID_PREFIX),
        name=name,
        exam_package_id=package_id,
        created_by_user_id=actor.user_id,
        is_hidden=False,
        created_at=now,
        updated_at=now,
    )
    session.add(bank)
    await _flush_or(session, errors.DuplicateBankName())
    return bank


async def update_bank(
    session: AsyncSession,
    *,
    bank_id: str,
    name: str | None,
    exam_package_id: str | None,
    is_hidden: bool | None,
) -> QuestionBank:
    """Rename, hide or relink a bank; `examPackageId: ""` unlinks it (ace.md §9.9)."""
    if name is not None:
        name = _required_text(name, field="name", max_length=MAX_NAME_LENGTH, message="name cannot be empty")
    # ace.md §16.2 B5: the original ignored a lone examPackageId ("no fields to update") and
    # answered 200 for an unknown bank.
    if name is None and exam_package_id is None and is_hidden is None:
        raise errors.NoFieldsToUpdate()
    bank = await get_bank_or_raise(session, bank_id=bank_id)
    package_id = bank.exam_package_id
    if exam_package_id is not None:
        package_id = exam_package_id.strip() or None
        if package_id is not None and package_id != bank.exam_package_id:
            await _check_package(session, package_id)
    new_name = bank.name if name is None else name
    await _check_bank_name_free(session, name=new_name, exam_package_id=package_id, bank_id=bank.id)
    bank.name = new_name
    bank.exam_package_id = package_id
    if is_hidden is not None:
        bank.is_hidden = is_hidden
    bank.updated_at = clock.utcnow()
    await _flush_or(session, errors.DuplicateBankName())
    return bank


async def delete_bank(session: AsyncSession, *, bank_id: str) -> None:
    """Delete a bank; its topics and questions stay, detached (ace.md §9.10, ON DELETE SET NULL)."""
    result = await session.execute(delete(QuestionBank).where(QuestionBank.id == bank_id.strip()))
    if result.rowcount == 0:  # type: ignore[attr-defined]  # a DML result always has rowcount
        raise errors.QuestionBankNotFound()


# --- topics --------------------------------------------------------------------------------------


async def list_topics(
    session: AsyncSession, *, include_hidden: bool, question_bank_id: str | None
) -> Sequence[QuestionTopic]:
    """List topics by name, optionally of one bank (ace.md §9.5, §9.12)."""
    stmt = select(QuestionTopic).order_by(QuestionTopic.name.asc(), QuestionTopic.id.asc())
    if not include_hidden:
        stmt = stmt.where(QuestionTopic.is_hidden.is_(False))
    if question_bank_id is not None:
        stmt = stmt.where(QuestionTopic.question_bank_id == question_bank_id)
    return (await session.scalars(stmt)).all()


async def _check_topic_name_free(
    session: AsyncSession, *, name: str, question_bank_id: str | None, topic_id: str | None = None
) -> None:
    stmt = select(QuestionTopic.id).where(QuestionTopic.name == name)
    if question_bank_id is None:
        stmt = stmt.where(QuestionTopic.question_bank_id.is_(None))
    else:
        stmt = stmt.where(QuestionTopic.question_bank_id == question_bank_id)
    if topic_id is not None:
        stmt = stmt.where(QuestionTopic.id != topic_id)
    if await session.scalar(stmt.limit(1)) is not None:
        raise errors.DuplicateTopicName()


async def create_topic(
    session: AsyncSession, *, actor: Principal, question_bank_id: str | None, name: str
) -> QuestionTopic:
    """Create a topic, in a bank or in none (ace.md §9.11)."""
    name = _required_text(name, field="name", max_length=MAX_NAME_LENGTH)
    bank_id = _blank_to_none(question_bank_id)
    if bank_id is not None and await session.get(QuestionBank, bank_id) is None:
        raise errors.UnknownQuestionBank()
    await _check_topic_name_free(session, name=name, question_bank_id=bank_id)
    now = clock.utcnow()
    topic = QuestionTopic(
        id=new_id(TOPIC_ID_PREFIX),
        question_bank_id=bank_id,
        name=name,
        created_by_user_id=actor.user_id,
        is_hidden=False,
        created_at=now,
        updated_at=now,
    )
    session.add(topic)
    await _flush_or(session, errors.DuplicateTopicName())
    return topic


async def update_topic(
    session: AsyncSession, *, topic_id: str, name: str | None, is_hidden: bool | None
) -> QuestionTopic:
    """Rename or hide a topic; its bank cannot change (ace.md §9.13)."""
    if name is not None:
        name = _required_text(name, field="name", max_length=MAX_NAME_LENGTH, message="name cannot be empty")
    if name is None and is_hidden is None:
        raise errors.NoFieldsToUpdate()
    topic = await session.get(QuestionTopic, topic_id.strip())
    # ace.md §16.2 B5: the original answered 200 for an unknown topic.
    if topic is None:
        raise errors.TopicNotFound()
    if name is not None:
        await _check_topic_name_free(
            session, name=name, question_bank_id=topic.question_bank_id, topic_id=topic.id
        )
        topic.name = name
    if is_hidden is not None:
        topic.is_hidden = is_hidden
    topic.updated_at = clock.utcnow()
    await _flush_or(session, errors.DuplicateTopicName())
    return topic


async def delete_topic(session: AsyncSession, *, topic_id: str) -> None:
    """Delete a topic; questions and practice templates using it are detached (ace.md §9.14)."""
    result = await session.execute(delete(QuestionTopic).where(QuestionTopic.id == topic_id.strip()))
    if result.rowcount == 0:  # type: ignore[attr-defined]  # a DML result always has rowcount
        raise errors.TopicNotFound()


# --- difficulties --------------------------------------------------------------------------------


async def list_difficulties(session: AsyncSession) -> Sequence[QuestionDifficulty]:
    """List the difficulties in their sort order (ace.md §9.6)."""
    stmt = select(QuestionDifficulty).order_by(
        QuestionDifficulty.sort_order.asc(), QuestionDifficulty.id.asc()
    )
    return (await session.scalars(stmt)).all()


async def update_difficulty(session: AsyncSession, *, difficulty_id: str, display_name: str | None) -> None:
    """Rename a difficulty; there is no create or delete (ace.md §9.16)."""
    if display_name is None:
        raise errors.Invalid("displayName is required")
    display_name = _required_text(
        display_name,
        field="displayName",
        max_length=MAX_DISPLAY_NAME_LENGTH,
        message="displayName cannot be empty",
    )
    difficulty = await session.get(QuestionDifficulty, difficulty_id.strip())
    if difficulty is None:
        raise errors.DifficultyNotFound()
    difficulty.display_name = display_name
    await session.flush()


# --- questions: reads ----------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionFilters:
    question_bank_id: str | None = None
    topic_id: str | None = None
    difficulty_id: str | None = None
    status: str | None = None


@dataclass(frozen=True)
class QuestionDetail:
    question: Question
    choices: Sequence[Choice]
    correct_choice_id: str  # "" when the question has none (ace.md §13.12)


def _filtered(stmt: Select[Question], filters: QuestionFilters) -> Select[Question]:
    if filters.question_bank_id is not None:
        stmt = stmt.where(Question.question_bank_id == filters.question_bank_id)
    if filters.topic_id is not None:
        stmt = stmt.where(Question.topic_id == filters.topic_id)
    if filters.difficulty_id is not None:
        stmt = stmt.where(Question.difficulty_id == filters.difficulty_id)
    if filters.status is not None:
        stmt = stmt.where(Question.status == filters.status)
    return stmt


async def _enrolled_package_ids(session: AsyncSession, student_id: str) -> list[str]:
    enrollments = await catalog_service.list_enrollments(session, user_id=student_id)
    return [enrollment.exam_package_id for enrollment in enrollments]


def _visible_to_students(stmt: Select[Question], package_ids: Sequence[str]) -> Select[Question]:
    # ace.md §16.1 S5: the original showed every published question of every package; a student now
    # sees those of visible banks of the packages they are enrolled in.
    return stmt.join(QuestionBank, QuestionBank.id == Question.question_bank_id).where(
        Question.status == PUBLISHED,
        QuestionBank.is_hidden.is_(False),
        QuestionBank.exam_package_id.in_(package_ids),
    )


async def list_published_questions(
    session: AsyncSession, *, student_id: str, filters: QuestionFilters, page: PageParams
) -> PageResult[Question]:
    """List the published questions a student may see, newest first (ace.md §9.2)."""
    stmt = _visible_to_students(select(Question), await _enrolled_package_ids(session, student_id))
    stmt = _filtered(stmt, QuestionFilters(filters.question_bank_id, filters.topic_id, filters.difficulty_id))
    return await fetch_page(session, stmt.order_by(Question.created_at.desc(), Question.id.desc()), page)


async def _choices_of(session: AsyncSession, question_id: str) -> Sequence[Choice]:
    stmt = select(Choice).where(Choice.question_id == question_id).order_by(Choice.order_index.asc())
    return (await session.scalars(stmt)).all()


async def get_published_question_or_raise(
    session: AsyncSession, *, student_id: str, question_id: str
) -> QuestionDetail:
    """Return a published question a student may see, with its choices (ace.md §9.3)."""
    package_ids = await _enrolled_package_ids(session, student_id)
    stmt = _visible_to_students(select(Question), package_ids).where(Question.id == question_id)
    question = await session.scalar(stmt)
    if question is None:
        raise errors.QuestionNotFound()
    # The correct answer is not part of the student shape; it is not even read.
    return QuestionDetail(
        question=question, choices=await _choices_of(session, question.id), correct_choice_id=""
    )


async def list_questions(
    session: AsyncSession, *, filters: QuestionFilters, page: PageParams
) -> PageResult[Question]:
    """List questions of every author, last edited first (ace.md §9.18)."""
    stmt = _filtered(select(Question), filters)
    return await fetch_page(session, stmt.order_by(Question.updated_at.desc(), Question.id.desc()), page)


async def get_question_detail_or_raise(session: AsyncSession, *, question_id: str) -> QuestionDetail:
    """Return any question with its choices and correct choice (ace.md §9.19)."""
    row = (
        await session.execute(
            select(Question, CorrectChoice.choice_id)
            .outerjoin(CorrectChoice, CorrectChoice.question_id == Question.id)
            .where(Question.id == question_id)
        )
    ).first()
    if row is None:
        raise errors.QuestionNotFound()
    question, correct_choice_id = row
    return QuestionDetail(
        question=question,
        choices=await _choices_of(session, question.id),
        correct_choice_id=correct_choice_id or "",
    )


# --- questions: content --------------------------------------------------------------------------


@dataclass(frozen=True)
class ChoiceSet:
    """Validated choices: 2-6 distinct non-empty texts and the index of the correct one."""

    texts: tuple[str, ...]
    correct_index: int


def _check_choices(texts: Sequence[str], correct_index: int) -> ChoiceSet:
    """Validate a choice list as create and replace receive it (ace.md §9.17, §9.21, plus upper bounds)."""
    if len(texts) < MIN_CHOICES:
        raise errors.Invalid("at least 2 choices are required")
    if len(texts) > MAX_CHOICES:
        raise errors.Invalid(f"at most {MAX_CHOICES} choices are allowed")
    if not 0 <= correct_index < len(texts):
        raise errors.Invalid("correctChoiceIndex out of range")
    cleaned = tuple(_required_text(text, field="choice text", max_length=MAX_CHOICE_LENGTH) for text in texts)
    # Two choices that differ only in case or spacing are the same answer to a reader.
    if len({" ".join(text.split()).casefold() for text in cleaned}) != len(cleaned):
        raise errors.Invalid("choices must be distinct")
    return ChoiceSet(texts=cleaned, correct_index=correct_index)


def _check_prompt(prompt: str, *, message: str) -> str:
    return _required_text(prompt, field="prompt", max_length=MAX_PROMPT_LENGTH, message=message)


def _check_explanation(explanation: str) -> str:
    explanation = explanation.strip()
    if len(explanation) > MAX_EXPLANATION_LENGTH:
        raise errors.Invalid(f"explanation must be at most {MAX_EXPLANATION_LENGTH} characters")
    return explanation


async def _check_references(
    session: AsyncSession, *, bank_id: str | None, topic_id: str | None, difficulty_id: str | None
) -> None:
    if bank_id is not None and await session.get(QuestionBank, bank_id) is None:
        raise errors.UnknownQuestionBank()
    if topic_id is not None and await session.get(QuestionTopic, topic_id) is None:
        raise errors.UnknownTopic()
    if difficulty_id is not None and await session.get(QuestionDifficulty, difficulty_id) is None:
        raise errors.UnknownDifficulty()


async def _insert_choices(session: AsyncSession, *, question_id: str, choices: ChoiceSet) -> list[Choice]:
    rows = [
        Choice(id=new_id(CHOICE_ID_PREFIX), question_id=question_id, order_index=i, text=text)
        for i, text in enumerate(choices.texts)
    ]
    session.add_all(rows)
    await session.flush()
    session.add(CorrectChoice(question_id=question_id, choice_id=rows[choices.correct_index].id))
    await session.flush()
    return rows


async def create_question(
    session: AsyncSession,
    *,
    actor: Principal,
    question_bank_id: str | None,
    topic_id: str | None,
    difficulty_id: str,
    prompt: str,
    explanation: str,
    choices: Sequence[str],
    correct_choice_index: int,
) -> QuestionDetail:
    """Create a draft question with its choices and correct choice (ace.md §9.17)."""
    prompt = _check_prompt(prompt, message="prompt is required")
    difficulty_id = difficulty_id.strip()
    if not difficulty_id:
        raise errors.Invalid("difficultyId is required")
    choice_set = _check_choices(choices, correct_choice_index)
    explanation = _check_explanation(explanation)
    bank_id, topic_id = _blank_to_none(question_bank_id), _blank_to_none(topic_id)
    await _check_references(session, bank_id=bank_id, topic_id=topic_id, difficulty_id=difficulty_id)
    now = clock.utcnow()
    question = Question(
        id=new_id(QUESTION_ID_PREFIX),
        question_bank_id=bank_id,
        topic_id=topic_id,
        difficulty_id=difficulty_id,
        prompt=prompt,
        explanation_text=explanation,
        review_note="",
        status=DRAFT,
        created_by_user_id=actor.user_id,
        updated_by_user_id=actor.user_id,
        created_at=now,
        updated_at=now,
    )
    session.add(question)
    await session.flush()
    rows = await _insert_choices(session, question_id=question.id, choices=choice_set)
    return QuestionDetail(
        question=question, choices=rows, correct_choice_id=rows[choice_set.correct_index].id
    )


async def _get_for_change(session: AsyncSession, *, actor: Principal, question_id: str) -> Question:
    """Load a question to change it, locked; an instructor may change only their own (ace.md §10)."""
    question = await session.scalar(select(Question).where(Question.id == question_id).with_for_update())
    if question is None or not (_is_admin(actor) or question.created_by_user_id == actor.user_id):
        # Another author's question answers like a missing one (the original's `AND created_by = actor`).
        raise errors.QuestionNotFound()
    return question


def _touch(question: Question, *, actor: Principal, content_changed: bool) -> None:
    question.updated_at = clock.utcnow()
    question.updated_by_user_id = actor.user_id
    # ace.md §16.1 S4: a published question edited by a non-admin goes back through review.
    if content_changed and question.status == PUBLISHED and not _is_admin(actor):
        question.status = DRAFT


async def update_question(
    session: AsyncSession,
    *,
    actor: Principal,
    question_id: str,
    question_bank_id: str | None,
    topic_id: str | None,
    difficulty_id: str | None,
    prompt: str | None,
    explanation: str | None,
) -> None:
    """Change a question's references or text; null or absent leaves a field as it is (ace.md §9.20)."""
    if all(v is None for v in (question_bank_id, topic_id, difficulty_id, prompt, explanation)):
        raise errors.NoUpdates()
    changes: dict[str, str | None] = {}
    if prompt is not None:
        # The original stored an empty prompt here; create refuses one, and so does edit now.
        changes["prompt"] = _check_prompt(prompt, message="prompt cannot be empty")
    if explanation is not None:
        changes["explanation_text"] = _check_explanation(explanation)
    if difficulty_id is not None:
        difficulty_id = difficulty_id.strip()
        if not difficulty_id:
            raise errors.Invalid("difficultyId cannot be empty")
        changes["difficulty_id"] = difficulty_id
    # "" clears a bank or topic (the original failed on the FK; null still means unchanged).
    if question_bank_id is not None:
        changes["question_bank_id"] = _blank_to_none(question_bank_id)
    if topic_id is not None:
        changes["topic_id"] = _blank_to_none(topic_id)
    question = await _get_for_change(session, actor=actor, question_id=question_id)
    changed = {k: v for k, v in changes.items() if getattr(question, k) != v}
    await _check_references(
        session,
        bank_id=changed.get("question_bank_id"),
        topic_id=changed.get("topic_id"),
        difficulty_id=changed.get("difficulty_id"),
    )
    for key, value in changed.items():
        setattr(question, key, value)
    _touch(question, actor=actor, content_changed=bool(changed))
    await session.flush()


async def replace_choices(
    session: AsyncSession,
    *,
    actor: Principal,
    question_id: str,
    choices: Sequence[str],
    correct_choice_index: int,
) -> None:
    """Replace a question's choices and correct choice (ace.md §9.21); identical ones keep their ids."""
    choice_set = _check_choices(choices, correct_choice_index)
    question = await _get_for_change(session, actor=actor, question_id=question_id)
    current = await get_question_detail_or_raise(session, question_id=question.id)
    current_texts = tuple(c.text for c in current.choices)
    current_index = next((i for i, c in enumerate(current.choices) if c.id == current.correct_choice_id), -1)
    changed = (current_texts, current_index) != (choice_set.texts, choice_set.correct_index)
    if changed:
        # The correct choice goes with its choices (ON DELETE CASCADE).
        await session.execute(delete(Choice).where(Choice.question_id == question.id))
        await _insert_choices(session, question_id=question.id, choices=choice_set)
    _touch(question, actor=actor, content_changed=changed)
    await session.flush()


async def delete_question(session: AsyncSession, *, actor: Principal, question_id: str) -> None:
    """Delete a question with its choices (ace.md §9.22); practice snapshots keep their copies."""
    question_id = question_id.strip()
    if not question_id:
        raise errors.Invalid("questionId is required")
    question = await _get_for_change(session, actor=actor, question_id=question_id)
    # Choices and the correct choice go with it (ON DELETE CASCADE).
    await session.delete(question)
    await session.flush()


# --- questions: the review workflow --------------------------------------------------------------


class Action(StrEnum):
    SUBMIT_FOR_REVIEW = "submit for review"
    DRAFT = "move to draft"
    ARCHIVE = "archive"
    PUBLISH = "publish"
    APPROVE = "approve"
    REQUEST_CHANGES = "request changes on"


@dataclass(frozen=True)
class Transition:
    target: str
    sources: frozenset[str]
    admin_only: bool
    clears_note: bool = False


_ANY = frozenset(QUESTION_STATUSES)

# ace.md §10 Fix: the intended workflow draft → in_review → published | needs_changes → in_review …
# The original accepted every action from every status. Kept open: publish (the admin UI's "Create &
# Publish" publishes a fresh draft), and archive and draft, with which an author withdraws a question.
TRANSITIONS: dict[Action, Transition] = {
    Action.SUBMIT_FOR_REVIEW: Transition(
        IN_REVIEW, frozenset({DRAFT, NEEDS_CHANGES}), admin_only=False, clears_note=True
    ),
    Action.DRAFT: Transition(DRAFT, _ANY, admin_only=False),
    Action.ARCHIVE: Transition(ARCHIVED, _ANY, admin_only=False),
    Action.PUBLISH: Transition(PUBLISHED, _ANY, admin_only=True),
    Action.APPROVE: Transition(PUBLISHED, frozenset({IN_REVIEW}), admin_only=True, clears_note=True),
    # An admin may also pull a live question back to its author.
    Action.REQUEST_CHANGES: Transition(NEEDS_CHANGES, frozenset({IN_REVIEW, PUBLISHED}), admin_only=True),
}


async def change_status(
    session: AsyncSession, *, actor: Principal, question_id: str, action: Action, note: str = ""
) -> None:
    """Apply one review-workflow action to a question (ace.md §9.23-9.26, §10)."""
    note = note.strip()
    if len(note) > MAX_NOTE_LENGTH:
        raise errors.Invalid(f"note must be at most {MAX_NOTE_LENGTH} characters")
    transition = TRANSITIONS[action]
    if transition.admin_only and not _is_admin(actor):
        raise errors.AdminOnly()
    question = await _get_for_change(session, actor=actor, question_id=question_id)
    if question.status not in transition.sources:
        raise errors.InvalidTransition(action=action.value, status=question.status)
    question.status = transition.target
    if action is Action.REQUEST_CHANGES:
        question.review_note = note
    elif transition.clears_note:
        question.review_note = ""
    question.updated_at = clock.utcnow()
    question.updated_by_user_id = actor.user_id
    await session.flush()


# --- practice selection --------------------------------------------------------------------------


class SnapshotChoice(TypedDict):
    id: str
    text: str


class QuestionSnapshot(TypedDict):
    """One element of `practice_sessions.questions_snapshot` (ace.md §7.2, §12.4), JSON-ready."""

    id: str
    prompt: str
    choices: list[SnapshotChoice]
    correctChoiceId: str
    explanation: str


async def select_practice_questions(
    session: AsyncSession,
    *,
    exam_package_id: str,
    topic_id: str | None,
    difficulty_id: str | None,
    count: int,
) -> list[QuestionSnapshot]:
    """Pick up to `count` random published questions of the package's visible banks in SQL (ace.md §7.2).

    Returns them in the random order picked, each with its choices by order_index; an empty list
    when there is no candidate. Hidden topics are not excluded, as in the original. Sessions start
    through `questions.pools.pick_practice_questions`, which comes here when its pool cannot serve.
    """
    if count <= 0:
        return []
    # Ids only, in SQL, from the (bank, status, topic, difficulty, id) index; then the chosen rows.
    picked = (
        select(Question.id)
        .join(QuestionBank, QuestionBank.id == Question.question_bank_id)
        .join(CorrectChoice, CorrectChoice.question_id == Question.id)
        .where(
            QuestionBank.exam_package_id == exam_package_id,
            QuestionBank.is_hidden.is_(False),
            Question.status == PUBLISHED,
        )
    )
    if topic_id is not None:
        picked = picked.where(Question.topic_id == topic_id)
    if difficulty_id is not None:
        picked = picked.where(Question.difficulty_id == difficulty_id)
    ids = list((await session.scalars(picked.order_by(func.random()).limit(count))).all())
    if not ids:
        return []
    rows = (
        await session.execute(
            select(Question.id, Question.prompt, Question.explanation_text, CorrectChoice.choice_id)
            .join(CorrectChoice, CorrectChoice.question_id == Question.id)
            .where(Question.id.in_(ids))
        )
    ).all()
    choices: dict[str, list[SnapshotChoice]] = {question_id: [] for question_id in ids}
    choice_rows = await session.execute(
        select(Choice.question_id, Choice.id, Choice.text)
        .where(Choice.question_id.in_(ids))
        .order_by(Choice.question_id, Choice.order_index)
    )
    for question_id, choice_id, text in choice_rows:
        choices[question_id].append(SnapshotChoice(id=choice_id, text=text))
    by_id = {
        row.id: QuestionSnapshot(
            id=row.id,
            prompt=row.prompt,
            choices=choices[row.id],
            correctChoiceId=row.choice_id,
            explanation=row.explanation_text,
        )
        for row in rows
    }
    # A question deleted between the two reads is simply left out.
    return [by_id[question_id] for question_id in ids if question_id in by_id]


async def existing_topic_ids(session: AsyncSession, *, topic_ids: Sequence[str]) -> set[str]:
    """Return which of `topic_ids` name a topic."""
    if not topic_ids:
        return set()
    return set((await session.scalars(select(QuestionTopic.id).where(QuestionTopic.id.in_(topic_ids)))).all())
