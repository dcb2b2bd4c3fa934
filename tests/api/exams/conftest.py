"""The exam cast: students, an instructor and an admin on browsers of their own, and a course with
topics and difficulties to draw exam papers from. No background sweep runs: tests call it."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from acelab.admin.models import AuditEntry
from acelab.catalog.models import ExamPackage
from acelab.config import Settings
from acelab.db.engine import Database
from acelab.db.session import unit_of_work
from acelab.exams.models import ExamBlueprint, ExamSession, ExamSessionEvent
from acelab.exams.papers import paper_choices
from acelab.identity.context import IdentityContext
from acelab.identity.models import User
from acelab.questions.models import PUBLISHED, QuestionTopic
from acelab.questions.service import QuestionDetail
from tests.actors import Actor
from tests.factories import (
    make_blueprint,
    make_enrollment,
    make_exam_package,
    make_question,
    make_question_bank,
    make_topic,
    make_user,
)

PROXY = "127.0.0.1"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """No background sweep (tests call it), and the test client is a trusted proxy, so a test can
    change the student's address with X-Forwarded-For."""
    return settings.model_copy(update={"exam_sweep_interval_s": 0, "trusted_proxies": PROXY})


@dataclass
class Course:
    """A package whose bank has two topics; each topic has questions of each difficulty."""

    package: ExamPackage
    author: User
    topics: list[QuestionTopic]
    questions: dict[str, QuestionDetail]

    def correct_choice(self, question_id: str) -> str:
        return self.questions[question_id].correct_choice_id

    def wrong_choice(self, question_id: str) -> str:
        detail = self.questions[question_id]
        return next(c.id for c in detail.choices if c.id != detail.correct_choice_id)


MakeCourse = Callable[..., Awaitable[Course]]


@pytest.fixture
def make_course(db: Database, identity: IdentityContext) -> MakeCourse:
    """Build a package with `per_cell` published questions per (topic, difficulty) of two topics and
    the difficulties given, and enroll `enroll`."""

    async def make(
        *, per_cell: int = 2, difficulties: tuple[str, ...] = ("easy", "hard"), enroll: tuple[Actor, ...] = ()
    ) -> Course:
        author = await make_user(db, identity, role="instructor")
        package = await make_exam_package(db)
        bank = await make_question_bank(db, author=author, package=package)
        topics = [
            await make_topic(db, author=author, bank=bank, name=name) for name in ("Algebra", "Geometry")
        ]
        questions = {}
        for topic in topics:
            for difficulty in difficulties:
                for n in range(per_cell):
                    detail = await make_question(
                        db,
                        author=author,
                        bank=bank,
                        topic=topic,
                        difficulty_id=difficulty,
                        status=PUBLISHED,
                        explanation=f"{topic.name} {difficulty} {n}",
                    )
                    questions[detail.question.id] = detail
        for actor in enroll:
            await make_enrollment(db, user=actor.user, package=package)
        return Course(package=package, author=author, topics=topics, questions=questions)

    return make


@pytest.fixture
async def course(make_course: MakeCourse, student: Actor) -> Course:
    """Eight published questions (2 topics x easy/hard x 2); `student` is enrolled."""
    return await make_course(enroll=(student,))


MakeExam = Callable[..., Awaitable[ExamBlueprint]]


@pytest.fixture
def make_exam(db: Database, course: Course) -> MakeExam:
    async def make(**overrides: Any) -> ExamBlueprint:
        return await make_blueprint(db, package=course.package, author=course.author, **overrides)

    return make


@pytest.fixture
async def exam(make_exam: MakeExam) -> ExamBlueprint:
    """Four questions, 10 minutes plus 30 s grace, pass at 50 %, two attempts."""
    return await make_exam()


async def heartbeat(actor: Actor, session_id: str, **body: Any) -> httpx.Response:
    return await actor.post(f"/exam-sessions/{session_id}/heartbeat", body)


async def start_attempt(actor: Actor, blueprint_id: str) -> dict[str, Any]:
    r = await actor.post("/exam-attempts", {"blueprintId": blueprint_id})
    assert r.status_code == 200, r.text
    attempt: dict[str, Any] = r.json()
    return attempt


async def stored_session(db: Database, user_id: str, session_id: str) -> ExamSession:
    async with unit_of_work(db) as session:
        row = await session.get(ExamSession, (user_id, session_id))
        assert row is not None
        return row


def stored_answers(stored: ExamSession) -> dict[str, str]:
    """A stored attempt's answers, read from its answer sheet."""
    return paper_choices(stored.paper or []).answers(stored.answer_sheet)


async def stored_events(db: Database, user_id: str, session_id: str) -> list[ExamSessionEvent]:
    async with unit_of_work(db) as session:
        stmt = (
            select(ExamSessionEvent)
            .where(ExamSessionEvent.user_id == user_id, ExamSessionEvent.session_id == session_id)
            .order_by(ExamSessionEvent.id)
        )
        return list((await session.scalars(stmt)).all())


async def audit_entries(db: Database, action: str) -> list[AuditEntry]:
    async with unit_of_work(db) as session:
        stmt = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        return list((await session.scalars(stmt)).all())
