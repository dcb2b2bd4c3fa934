"""Timed ("Ironman") sessions: 60 s per question, finished lazily when read, listed or answered
(ace.md §7.1, §7.3, §7.5, §7.8), with the current question's time recorded each way (§16.2 B6)."""

from tests.actors import assert_error
from tests.api.practice.conftest import answer, answer_count, start, stored_session


class TestTimedExpiry:
    async def test_still_active_one_second_before_the_limit(self, frozen_clock, student, course):
        body = await start(student, timed=True, count=2)
        frozen_clock.advance(seconds=119.9)
        got = (await student.get(f"/practice-sessions/{body['sessionId']}")).json()
        assert (got["status"], got["question"]) == ("active", body["question"])

    async def test_get_at_the_limit_finishes_and_records_the_time(self, db, frozen_clock, student, course):
        body = await start(student, timed=True, count=2)
        session_id, first = body["sessionId"], body["question"]["id"]
        frozen_clock.advance(seconds=50)
        await answer(student, session_id, first, course.correct_choice(first))
        second = (await student.get(f"/practice-sessions/{session_id}")).json()["question"]["id"]
        frozen_clock.advance(seconds=70)
        r = await student.get(f"/practice-sessions/{session_id}")
        assert r.status_code == 200
        got = r.json()
        assert (got["status"], got["question"], got["currentIndex"], got["correctCount"]) == (
            "finished",
            None,
            1,
            1,
        )
        assert got["timeLimitSeconds"] == 120
        assert got["questionTimingsSeconds"] == {first: 50, second: 70}
        stored = await stored_session(db, session_id)
        assert (stored.status, stored.question_timings) == ("finished", {first: 50, second: 70})
        assert stored.last_activity_at == frozen_clock.now
        # Later reads change nothing more.
        frozen_clock.advance(seconds=500)
        assert (await student.get(f"/practice-sessions/{session_id}")).json() == got

    async def test_answer_after_the_limit_returns_400_and_finishes(self, db, frozen_clock, student, course):
        body = await start(student, timed=True, count=1)
        session_id, question_id = body["sessionId"], body["question"]["id"]
        frozen_clock.advance(seconds=60)
        r = await answer(student, session_id, question_id, course.correct_choice(question_id))
        assert_error(r, 400, "time is up")
        assert await answer_count(db, session_id) == 0
        got = (await student.get(f"/practice-sessions/{session_id}")).json()
        assert (got["status"], got["correctCount"], got["questionTimingsSeconds"]) == (
            "finished",
            0,
            {question_id: 60},
        )
        r = await answer(student, session_id, question_id, course.correct_choice(question_id))
        assert_error(r, 400, "session not active")

    async def test_list_finishes_expired_sessions_and_records_the_time(
        self, db, frozen_clock, student, course
    ):
        body = await start(student, timed=True, count=1)
        frozen_clock.advance(seconds=61)
        [item] = (await student.get("/practice-sessions")).json()["items"]
        assert (item["status"], item["timeLimitSeconds"], item["timeRemainingSeconds"]) == ("finished", 60, 0)
        stored = await stored_session(db, body["sessionId"])
        # §16.2 B6: the original's list did not record the current question's time.
        assert (stored.status, stored.question_timings) == ("finished", {body["question"]["id"]: 61})
        [item] = (await student.get("/practice-sessions")).json()["items"]
        assert item["status"] == "finished" and "timeRemainingSeconds" not in item

    async def test_list_filtered_by_active_reports_the_expired_session_as_finished(
        self, frozen_clock, student, course
    ):
        await start(student, timed=True, count=1)
        frozen_clock.advance(seconds=60)
        [item] = (await student.get("/practice-sessions", status="active")).json()["items"]
        assert (item["status"], item["timeRemainingSeconds"]) == ("finished", 0)
        assert (await student.get("/practice-sessions", status="active")).json()["items"] == []

    async def test_review_after_expiry_shows_unanswered_questions(self, frozen_clock, student, course):
        body = await start(student, timed=True, count=2)
        session_id, first = body["sessionId"], body["question"]["id"]
        frozen_clock.advance(seconds=10)
        await answer(student, session_id, first, course.wrong_choice(first))
        frozen_clock.advance(seconds=200)
        r = await student.get(f"/practice-sessions/{session_id}/review")
        assert r.status_code == 200, r.text
        answered, unanswered = r.json()["items"]
        assert (answered["selectedChoiceId"], answered["correct"]) == (course.wrong_choice(first), False)
        second = unanswered["question"]["id"]
        # §16.2 B12: an unanswered question shows its explanation too; there is no answer to show.
        assert unanswered == {
            "index": 1,
            "question": unanswered["question"],
            "explanation": course.questions[second].question.explanation_text,
            "timeTakenSeconds": 200,
            "correctChoiceId": course.correct_choice(second),
        }

    async def test_summary_of_an_expired_session(self, frozen_clock, student, course):
        body = await start(student, timed=True, count=3)
        frozen_clock.advance(seconds=181)
        r = await student.get(f"/practice-sessions/{body['sessionId']}/summary")
        assert r.json() == {"sessionId": body["sessionId"], "total": 3, "correctCount": 0, "accuracy": 0.0}

    async def test_untimed_sessions_never_expire(self, frozen_clock, student, course):
        body = await start(student, count=1)
        frozen_clock.advance(minutes=14)  # well past 60 s a question, within the access token's life
        got = (await student.get(f"/practice-sessions/{body['sessionId']}")).json()
        assert (got["status"], got["question"]) == ("active", body["question"])
        question_id = body["question"]["id"]
        r = await answer(student, body["sessionId"], question_id, course.correct_choice(question_id))
        assert r.json()["done"] is True
