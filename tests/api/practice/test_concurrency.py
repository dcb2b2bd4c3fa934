"""Concurrent requests on one session (ace.md §16.2 B7): two answers to one question count once.

The requests run concurrently through the app (on PostgreSQL they race for the row; on SQLite the
write lock orders them); either way exactly one answer is recorded."""

import asyncio

import pytest

from acelab import clock
from acelab.db.session import unit_of_work
from acelab.practice import service as practice_service
from tests.api.practice.conftest import answer, answer_count, start


class TestConcurrentAnswers:
    @pytest.mark.parametrize("copies", [2, 6])
    async def test_the_same_answer_sent_at_once_counts_once(self, db, student, course, copies):
        body = await start(student, count=3)
        session_id, question_id = body["sessionId"], body["question"]["id"]
        choice = course.correct_choice(question_id)
        responses = await asyncio.gather(
            *(answer(student, session_id, question_id, choice) for _ in range(copies))
        )
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [200] + [400] * (copies - 1)
        assert {r.json()["message"] for r in responses if r.status_code == 400} == {"questionId mismatch"}
        got = (await student.get(f"/practice-sessions/{session_id}")).json()
        assert (got["currentIndex"], got["correctCount"]) == (1, 1)
        assert await answer_count(db, session_id) == 1

    async def test_different_choices_at_once_record_one_of_them(self, db, student, course):
        body = await start(student, count=2)
        session_id, question_id = body["sessionId"], body["question"]["id"]
        right, wrong = course.correct_choice(question_id), course.wrong_choice(question_id)
        responses = await asyncio.gather(
            answer(student, session_id, question_id, right), answer(student, session_id, question_id, wrong)
        )
        [accepted] = [r for r in responses if r.status_code == 200]
        got = (await student.get(f"/practice-sessions/{session_id}")).json()
        assert (got["currentIndex"], got["correctCount"]) == (1, int(accepted.json()["correct"]))
        assert await answer_count(db, session_id) == 1

    async def test_two_answers_to_the_last_question_finish_once(self, db, student, course):
        body = await start(student, count=1)
        session_id, question_id = body["sessionId"], body["question"]["id"]
        choice = course.correct_choice(question_id)
        responses = await asyncio.gather(
            *(answer(student, session_id, question_id, choice) for _ in range(2))
        )
        assert sorted(r.status_code for r in responses) == [200, 400]
        assert [r.json() for r in responses if r.status_code == 400] == [{"message": "session not active"}]
        got = (await student.get(f"/practice-sessions/{session_id}")).json()
        assert (got["status"], got["currentIndex"], got["correctCount"]) == ("finished", 1, 1)
        assert await answer_count(db, session_id) == 1

    async def test_answer_and_pause_at_once_lose_no_time(self, db, frozen_clock, student, course):
        body = await start(student, count=3)
        session_id, question_id = body["sessionId"], body["question"]["id"]
        frozen_clock.advance(seconds=9)
        answered, paused = await asyncio.gather(
            answer(student, session_id, question_id, course.correct_choice(question_id)),
            student.post(f"/practice-sessions/{session_id}/pause"),
        )
        got = (await student.get(f"/practice-sessions/{session_id}")).json()
        timings = got["questionTimingsSeconds"]
        # Whichever came first, the first question's 9 seconds are counted exactly once.
        assert timings[question_id] == 9
        if answered.status_code == 200:
            assert (got["currentIndex"], got["correctCount"]) == (1, 1)
        else:
            assert answered.json() == {"message": "session not active"}
            assert (got["status"], got["currentIndex"]) == ("paused", 0)
        assert paused.status_code == 200
        assert await answer_count(db, session_id) == got["currentIndex"]


class TestCompareAndSet:
    """The SQLite write refuses a state that changed since it was checked, whatever the timing
    (PostgreSQL checks and writes in one statement; the races above cover it)."""

    async def test_a_stale_answer_is_not_recorded(self, db, student, course):
        body = await start(student, count=3)
        session_id, question_id = body["sessionId"], body["question"]["id"]
        async with unit_of_work(db, autocommit=True) as session:
            stale = await practice_service._read_state(
                await session.connection(), user_id=student.user.id, session_id=session_id
            )
        assert (
            await answer(student, session_id, question_id, course.correct_choice(question_id))
        ).status_code == 200
        async with unit_of_work(db, write=True) as session:
            outcome = await practice_service._record_checked_answer(
                await session.connection(),
                stale,
                body["question"] | {"correctChoiceId": course.correct_choice(question_id), "explanation": ""},
                user_id=student.user.id,
                choice_id=course.correct_choice(question_id),
                now=clock.utcnow(),
            )
        assert outcome is None
        got = (await student.get(f"/practice-sessions/{session_id}")).json()
        assert (got["currentIndex"], got["correctCount"]) == (1, 1)
        assert await answer_count(db, session_id) == 1
