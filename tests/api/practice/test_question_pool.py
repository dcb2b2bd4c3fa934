"""Practice sessions drawn from a process's question pool (questions.pools): what the bank says now
wins over what the pool loaded, except that a newly published question waits for the next load.

A course of 12 questions and sessions of 11 draw from the pool; each session then leaves out one
question in 12, so a handful of sessions is certain (to 1 in 12^6) to meet any given question.
"""

from typing import Any

import pytest

from acelab.questions.models import PUBLISHED
from tests.actors import Actor, assert_error
from tests.api.practice.conftest import Course, MakeCourse, start, stored_session
from tests.factories import make_question

SESSIONS = 6
COUNT = 11


@pytest.fixture
async def course(make_course: MakeCourse, student: Actor) -> Course:
    return await make_course(questions=COUNT + 1, enroll=(student,))


async def snapshots(db: Any, student: Actor) -> list[list[dict[str, Any]]]:
    """The frozen questions of SESSIONS new sessions of COUNT questions."""
    frozen = []
    for _ in range(SESSIONS):
        body = await start(student, count=COUNT)
        frozen.append((await stored_session(db, body["sessionId"])).questions_snapshot)
    return frozen


class TestPracticeFromALoadedPool:
    async def test_a_withdrawn_question_is_never_drawn(self, db, student, admin, course):
        await start(student, count=COUNT)  # the pool is loaded now
        withdrawn = next(iter(course.questions))
        r = await admin.post(f"/instructor/questions/{withdrawn}/draft", {})
        assert r.status_code == 200, r.text
        for items in await snapshots(db, student):
            assert withdrawn not in [item["id"] for item in items]
            assert len(items) == COUNT

    async def test_sessions_freeze_the_edited_question(self, db, student, admin, course):
        await start(student, count=COUNT)
        edited = next(iter(course.questions))
        r = await admin.put(f"/instructor/questions/{edited}", {"prompt": "Which one, after the edit?"})
        assert r.status_code == 200, r.text
        frozen = [item for items in await snapshots(db, student) for item in items if item["id"] == edited]
        prompts = {item["prompt"] for item in frozen}
        assert prompts == {"Which one, after the edit?"}

    async def test_a_hidden_bank_offers_nothing(self, student, admin, course):
        await start(student, count=COUNT)
        r = await admin.patch(f"/instructor/question-banks/{course.bank.id}", {"isHidden": True})
        assert r.status_code == 200, r.text
        r = await student.post("/practice-sessions", {"count": COUNT})
        assert_error(r, 400, "no published questions available for this package")

    async def test_a_newly_published_question_joins_at_the_next_load(
        self, db, frozen_clock, settings, student, course
    ):
        await start(student, count=COUNT)
        added = await make_question(db, author=course.author, bank=course.bank, status=PUBLISHED)
        frozen_clock.advance(seconds=settings.question_pool_ttl_s)
        drawn = {item["id"] for items in await snapshots(db, student) for item in items}
        assert added.question.id in drawn
