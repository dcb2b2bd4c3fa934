"""The practice cast: students and an instructor on browsers of their own, and a course to practise:
an exam package with a bank of published questions, the student enrolled in it."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from acelab.catalog.models import ExamPackage
from acelab.db.engine import Database
from acelab.db.session import unit_of_work
from acelab.identity.context import IdentityContext
from acelab.identity.models import User
from acelab.practice.models import PracticeAnswer, PracticeSession
from acelab.questions.models import PUBLISHED, QuestionBank
from acelab.questions.service import QuestionDetail
from tests.actors import Actor
from tests.factories import make_enrollment, make_exam_package, make_question, make_question_bank, make_user


@dataclass
class Course:
    """A package with a visible bank of published questions."""

    package: ExamPackage
    bank: QuestionBank
    author: User
    questions: dict[str, QuestionDetail]

    def correct_choice(self, question_id: str) -> str:
        return self.questions[question_id].correct_choice_id

    def wrong_choice(self, question_id: str) -> str:
        detail = self.questions[question_id]
        return next(c.id for c in detail.choices if c.id != detail.correct_choice_id)


MakeCourse = Callable[..., Awaitable[Course]]


@pytest.fixture
def make_course(db: Database, identity: IdentityContext) -> MakeCourse:
    """Build a package whose one bank holds `questions` published questions."""

    async def make(*, questions: int = 5, enroll: tuple[Actor, ...] = ()) -> Course:
        author = await make_user(db, identity, role="instructor")
        package = await make_exam_package(db)
        bank = await make_question_bank(db, author=author, package=package)
        details = {}
        for n in range(questions):
            detail = await make_question(
                db, author=author, bank=bank, status=PUBLISHED, explanation=f"because {n}"
            )
            details[detail.question.id] = detail
        for actor in enroll:
            await make_enrollment(db, user=actor.user, package=package)
        return Course(package=package, bank=bank, author=author, questions=details)

    return make


@pytest.fixture
async def course(make_course: MakeCourse, student: Actor) -> Course:
    """Five published questions; `student` is enrolled."""
    return await make_course(questions=5, enroll=(student,))


async def start(actor: Actor, **body: Any) -> dict[str, Any]:
    """Start a practice session; return its PracticeSessionResponse."""
    r = await actor.post("/practice-sessions", body)
    assert r.status_code == 200, r.text
    session: dict[str, Any] = r.json()
    return session


async def answer(actor: Actor, session_id: str, question_id: str, choice_id: str) -> httpx.Response:
    body = {"questionId": question_id, "choiceId": choice_id, "ts": "2026-01-01T00:00:00Z"}
    return await actor.post(f"/practice-sessions/{session_id}/answers", body)


async def stored_session(db: Database, session_id: str) -> PracticeSession:
    async with unit_of_work(db) as session:
        practice = await session.get(PracticeSession, session_id)
        assert practice is not None
        return practice


async def answer_count(db: Database, session_id: str) -> int:
    async with unit_of_work(db) as session:
        stmt = select(func.count()).select_from(PracticeAnswer).where(PracticeAnswer.session_id == session_id)
        return int(await session.scalar(stmt) or 0)
