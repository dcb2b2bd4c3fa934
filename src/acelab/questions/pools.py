"""The published questions of a package, kept briefly per process.

Exam papers are drawn from them, and practice sessions pick from them: on exam day thousands of
attempts start within a minute, and a practice session would otherwise sort a whole bank at random
(5 ms of database CPU for 5,000 questions) to keep 20 of them.
"""

import asyncio
import random
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from acelab import clock
from acelab.db.engine import Database
from acelab.db.session import unit_of_work
from acelab.questions import service as questions_service
from acelab.questions.models import (
    PUBLISHED,
    Choice,
    CorrectChoice,
    Question,
    QuestionBank,
    QuestionDifficulty,
    QuestionTopic,
)
from acelab.questions.service import MIN_CHOICES, QuestionSnapshot, SnapshotChoice

# (topic id, difficulty id); None matches any.
BucketKey = tuple[str | None, str | None]


@dataclass(frozen=True)
class PublishedQuestion:
    """A question sessions and papers may draw, with what scoring and the per-topic breakdown need;
    `updated_at` tells whether the row has changed since it was loaded."""

    id: str
    prompt: str
    explanation: str
    correct_choice_id: str
    choices: tuple[SnapshotChoice, ...]
    topic_id: str | None
    topic_name: str | None
    difficulty_id: str
    difficulty_name: str
    updated_at: datetime

    def snapshot(self) -> QuestionSnapshot:
        """The question as a practice session freezes it (ace.md §7.2)."""
        return QuestionSnapshot(
            id=self.id,
            prompt=self.prompt,
            choices=list(self.choices),
            correctChoiceId=self.correct_choice_id,
            explanation=self.explanation,
        )


@dataclass
class Pool:
    """The published questions of one package, indexed by (topic, difficulty) on demand.

    `version` fingerprints what they were loaded from; `checked_at` is when it last matched.
    """

    version: tuple[object, ...]
    checked_at: datetime
    questions: tuple[PublishedQuestion, ...]
    _buckets: dict[BucketKey, list[PublishedQuestion]] = field(default_factory=dict)

    def bucket(self, key: BucketKey) -> list[PublishedQuestion]:
        found = self._buckets.get(key)
        if found is None:
            topic_id, difficulty_id = key
            found = [
                q
                for q in self.questions
                if (topic_id is None or q.topic_id == topic_id)
                and (difficulty_id is None or q.difficulty_id == difficulty_id)
            ]
            self._buckets[key] = found
        return found


class QuestionPools:
    """Per-process pools, checked again after `ttl_s` (clock time, so tests can move it).

    A check compares the package's version (one aggregate read) and reloads only when it changed:
    loading 5,000 questions costs about 0.2 s of CPU, during which the worker serves nobody.
    Concurrent readers of a package wait for one check instead of each checking.
    """

    def __init__(self, *, ttl_s: float) -> None:
        self.ttl = timedelta(seconds=ttl_s)
        self._pools: dict[str, Pool] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    def _fresh(self, exam_package_id: str, now: datetime) -> Pool | None:
        pool = self._pools.get(exam_package_id)
        if pool is None or now - pool.checked_at >= self.ttl:
            return None
        return pool

    async def get(self, db: Database, *, exam_package_id: str, session: AsyncSession | None = None) -> Pool:
        """Return the package's pool, loading it when missing or changed since it was loaded.

        A caller that holds a session passes it, and the load runs in it: waiting for a second
        connection while holding one can exhaust the pool for everybody.
        """
        pool = self._fresh(exam_package_id, clock.utcnow())
        if pool is not None:
            return pool
        lock = self._locks.setdefault(exam_package_id, asyncio.Lock())
        async with lock:
            now = clock.utcnow()
            pool = self._fresh(exam_package_id, now)
            if pool is not None:
                return pool
            unit = unit_of_work(db, autocommit=True) if session is None else nullcontext(session)
            async with unit as loading:
                version = await _version(loading, exam_package_id=exam_package_id)
                pool = self._pools.get(exam_package_id)
                if pool is not None and pool.version == version:
                    pool.checked_at = now
                    return pool
                questions = await load_published_questions(loading, exam_package_id=exam_package_id)
            pool = Pool(version=version, checked_at=now, questions=tuple(questions))
            if self.ttl > timedelta(0):
                self._pools[exam_package_id] = pool
            return pool


def _drawable(exam_package_id: str) -> tuple[ColumnElement[bool], ...]:
    """A question may be drawn when it is published in a visible bank of the package (joined)."""
    return (
        QuestionBank.exam_package_id == exam_package_id,
        QuestionBank.is_hidden.is_(False),
        Question.status == PUBLISHED,
    )


async def _version(session: AsyncSession, *, exam_package_id: str) -> tuple[object, ...]:
    """What changes whenever the package's drawable questions do: their number, and the latest
    change of a question, of a bank or of a topic among them (editing, publishing, withdrawing a
    question, hiding or moving a bank, renaming a topic all stamp `updated_at`)."""
    row = (
        await session.execute(
            select(
                func.count(Question.id),
                func.max(Question.updated_at),
                func.max(QuestionBank.updated_at),
                func.max(QuestionTopic.updated_at),
            )
            .join(QuestionBank, QuestionBank.id == Question.question_bank_id)
            .outerjoin(QuestionTopic, QuestionTopic.id == Question.topic_id)
            .where(*_drawable(exam_package_id))
        )
    ).one()
    return tuple(row)


async def load_published_questions(session: AsyncSession, *, exam_package_id: str) -> list[PublishedQuestion]:
    """Every question of the package that may be drawn: published, in a visible bank of the package,
    with a correct choice and at least two choices (ace.md §7.2)."""
    rows = (
        await session.execute(
            select(
                Question.id,
                Question.prompt,
                Question.explanation_text,
                Question.topic_id,
                QuestionTopic.name.label("topic_name"),
                Question.difficulty_id,
                QuestionDifficulty.display_name.label("difficulty_name"),
                Question.updated_at,
                CorrectChoice.choice_id,
            )
            .join(QuestionBank, QuestionBank.id == Question.question_bank_id)
            .join(CorrectChoice, CorrectChoice.question_id == Question.id)
            .join(QuestionDifficulty, QuestionDifficulty.id == Question.difficulty_id)
            .outerjoin(QuestionTopic, QuestionTopic.id == Question.topic_id)
            .where(*_drawable(exam_package_id))
            .order_by(Question.id)
        )
    ).all()
    if not rows:
        return []
    choices: dict[str, list[SnapshotChoice]] = {row.id: [] for row in rows}
    choice_rows = await session.execute(
        select(Choice.question_id, Choice.id, Choice.text)
        .join(Question, Question.id == Choice.question_id)
        .join(QuestionBank, QuestionBank.id == Question.question_bank_id)
        .where(*_drawable(exam_package_id))
        .order_by(Choice.question_id, Choice.order_index)
    )
    for question_id, choice_id, text in choice_rows:
        if question_id in choices:
            choices[question_id].append(SnapshotChoice(id=choice_id, text=text))
    return [
        PublishedQuestion(
            id=row.id,
            prompt=row.prompt,
            explanation=row.explanation_text,
            correct_choice_id=row.choice_id,
            choices=tuple(choices[row.id]),
            topic_id=row.topic_id,
            topic_name=row.topic_name,
            difficulty_id=row.difficulty_id,
            difficulty_name=row.difficulty_name,
            updated_at=row.updated_at,
        )
        for row in rows
        if len(choices[row.id]) >= MIN_CHOICES
    ]


async def pick_practice_questions(
    session: AsyncSession,
    db: Database,
    pools: QuestionPools,
    *,
    exam_package_id: str,
    topic_id: str | None,
    difficulty_id: str | None,
    count: int,
) -> list[QuestionSnapshot]:
    """Pick up to `count` random questions for a practice session, in the order picked (ace.md §7.2).

    From the pool when it holds more than `count` candidates and the drawn ones are still published,
    visible and unchanged since it was loaded; a question published since then joins the draws when
    the pool is next loaded. Otherwise (a small bank, or a pool that has gone stale) in SQL, exactly.
    """
    if count <= 0:
        return []
    pool = await pools.get(db, exam_package_id=exam_package_id, session=session)
    bucket = pool.bucket((topic_id, difficulty_id))
    if len(bucket) > count:
        drawn = random.sample(bucket, count)
        if await _unchanged_since_loaded(session, exam_package_id=exam_package_id, questions=drawn):
            return [question.snapshot() for question in drawn]
    return await questions_service.select_practice_questions(
        session, exam_package_id=exam_package_id, topic_id=topic_id, difficulty_id=difficulty_id, count=count
    )


async def _unchanged_since_loaded(
    session: AsyncSession, *, exam_package_id: str, questions: list[PublishedQuestion]
) -> bool:
    # Every change to a question, its choices or its status moves its updated_at (questions.service).
    current = await session.execute(
        select(Question.id, Question.updated_at)
        .join(QuestionBank, QuestionBank.id == Question.question_bank_id)
        .where(Question.id.in_([question.id for question in questions]), *_drawable(exam_package_id))
    )
    return dict(current.all()) == {question.id: question.updated_at for question in questions}
