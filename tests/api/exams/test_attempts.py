"""Timed exam attempts over HTTP: the server draws and freezes the paper, owns the clock, saves the
answers in order, scores, and closes attempts whose time is up (next access or the sweep)."""

import asyncio
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from acelab.app import create_app
from acelab.db.session import unit_of_work
from acelab.exams import service as exams_service
from acelab.exams.context import ExamContext
from acelab.exams.models import ExamSession
from acelab.questions.models import ARCHIVED, Question
from tests.actors import Actor, assert_error
from tests.api.exams.conftest import (
    Course,
    heartbeat,
    start_attempt,
    stored_answers,
    stored_events,
    stored_session,
)
from tests.factories import SPOILED_SESSIONS, make_enrollment, make_question, spoil_session


def ace_time(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def question_ids(attempt: dict[str, Any]) -> list[str]:
    return [q["id"] for q in attempt["questions"]]


async def save(actor: Actor, attempt_id: str, answers: dict[str, str | None], seq: int | None) -> Any:
    body: dict[str, Any] = {"answers": answers}
    if seq is not None:
        body["seq"] = seq
    return await actor.post(f"/exam-attempts/{attempt_id}/answers", body)


def answer_all(course: Course, attempt: dict[str, Any], *, right: int) -> dict[str, str]:
    """Answers for every question: the first `right` of them correct, the rest wrong."""
    ids = question_ids(attempt)
    return {
        qid: course.correct_choice(qid) if n < right else course.wrong_choice(qid)
        for n, qid in enumerate(ids)
    }


class TestStartAttempt:
    async def test_draws_and_freezes_a_paper_on_the_servers_clock(
        self, db, student, course, exam, frozen_clock
    ):
        attempt = await start_attempt(student, exam.id)
        now = frozen_clock.now
        assert attempt["status"] == "active"
        assert attempt["attemptNumber"] == 1
        assert attempt["blueprintId"] == exam.id
        assert attempt["examPackageId"] == course.package.id
        assert attempt["startedAt"] == attempt["serverTs"] == ace_time(now)
        assert attempt["expiresAt"] == ace_time(now + timedelta(seconds=600))
        assert attempt["closesAt"] == ace_time(now + timedelta(seconds=630))
        assert attempt["timeRemainingSeconds"] == 600
        assert attempt["answers"] == {} and attempt["seq"] is None
        ids = question_ids(attempt)
        assert len(ids) == len(set(ids)) == 4
        assert set(ids) <= set(course.questions)
        # The paper never shows the answer key.
        assert set(attempt["questions"][0]) == {"id", "prompt", "choices", "topicName"}
        stored = await stored_session(db, student.user.id, attempt["attemptId"])
        assert [item["id"] for item in stored.paper or []] == ids

    async def test_the_paper_follows_the_topic_and_difficulty_mix(self, student, course, make_exam):
        algebra, geometry = course.topics
        exam = await make_exam(
            question_count=4,
            mix=[
                {"topicId": algebra.id, "difficultyId": "hard", "count": 2},
                {"topicId": geometry.id, "difficultyId": None, "count": 1},
            ],
        )
        attempt = await start_attempt(student, exam.id)
        picked = [course.questions[qid].question for qid in question_ids(attempt)]
        hard_algebra = [q for q in picked if q.topic_id == algebra.id and q.difficulty_id == "hard"]
        assert len(hard_algebra) >= 2
        assert any(q.topic_id == geometry.id for q in picked)

    async def test_later_edits_of_the_bank_do_not_change_a_started_paper(
        self, db, student, course, exam, frozen_clock
    ):
        attempt = await start_attempt(student, exam.id)
        for _ in range(3):
            await make_question(db, author=course.author, status="published")
        frozen_clock.advance(seconds=60)  # past the question pool's cache too
        again = (await student.get(f"/exam-attempts/{attempt['attemptId']}")).json()
        assert again["questions"] == attempt["questions"]

    async def test_starting_again_while_running_returns_the_same_attempt(self, student, course, exam):
        first = await start_attempt(student, exam.id)
        second = await start_attempt(student, exam.id)
        assert second["attemptId"] == first["attemptId"]
        assert second["questions"] == first["questions"]

    async def test_attempts_allowed_is_enforced(self, student, course, make_exam):
        exam = await make_exam(attempts_allowed=1)
        attempt = await start_attempt(student, exam.id)
        await student.post(f"/exam-attempts/{attempt['attemptId']}/submit")
        assert_error(await student.post("/exam-attempts", {"blueprintId": exam.id}), 409, "no attempts left")

    async def test_a_second_attempt_gets_the_next_number(self, student, course, exam):
        first = await start_attempt(student, exam.id)
        await student.post(f"/exam-attempts/{first['attemptId']}/submit")
        second = await start_attempt(student, exam.id)
        assert second["attemptNumber"] == 2 and second["attemptId"] != first["attemptId"]

    async def test_needs_an_enrollment(self, student, other_student, course, exam):
        assert_error(
            await other_student.post("/exam-attempts", {"blueprintId": exam.id}), 403, "not enrolled"
        )

    async def test_unpublished_or_unknown_exams_are_not_found(self, student, course, make_exam):
        draft = await make_exam(is_published=False)
        assert_error(await student.post("/exam-attempts", {"blueprintId": draft.id}), 404, "exam not found")
        assert_error(await student.post("/exam-attempts", {"blueprintId": "ebp_x"}), 404, "exam not found")
        assert_error(await student.post("/exam-attempts", {}), 400, "blueprintId is required")

    async def test_not_enough_questions_is_409_and_starts_nothing(self, student, course, make_exam):
        exam = await make_exam(question_count=9)
        assert_error(
            await student.post("/exam-attempts", {"blueprintId": exam.id}),
            409,
            "not enough published questions for this exam",
        )
        assert (await student.get("/exam-attempts")).json()["items"] == []

    async def test_a_withdrawn_question_leaves_the_pool_after_the_cache(
        self, db, student, course, make_exam, frozen_clock
    ):
        exam = await make_exam(question_count=8, attempts_allowed=3)
        first = await start_attempt(student, exam.id)
        await student.post(f"/exam-attempts/{first['attemptId']}/submit")
        withdrawn = next(iter(course.questions.values())).question
        async with unit_of_work(db, write=True) as session:
            row = await session.get(Question, withdrawn.id)
            assert row is not None
            row.status = ARCHIVED
        frozen_clock.advance(seconds=31)
        assert_error(
            await student.post("/exam-attempts", {"blueprintId": exam.id}),
            409,
            "not enough published questions for this exam",
        )


class TestSaveAnswers:
    async def test_saves_answers_in_order_and_returns_them(self, student, course, exam):
        attempt = await start_attempt(student, exam.id)
        aid, (q1, q2, *_rest) = attempt["attemptId"], question_ids(attempt)
        r = await save(student, aid, {q1: course.correct_choice(q1)}, seq=1)
        assert r.status_code == 200, r.text
        assert r.json()["applied"] is True and r.json()["answeredCount"] == 1 and r.json()["seq"] == 1
        await save(student, aid, {q2: course.wrong_choice(q2), q1: None}, seq=2)
        got = (await student.get(f"/exam-attempts/{aid}")).json()
        assert got["answers"] == {q2: course.wrong_choice(q2)}
        assert got["seq"] == 2

    async def test_seq_is_required(self, student, course, exam):
        attempt = await start_attempt(student, exam.id)
        q1 = question_ids(attempt)[0]
        r = await save(student, attempt["attemptId"], {q1: course.correct_choice(q1)}, seq=None)
        assert_error(r, 400, "seq is required")

    async def test_a_stale_or_replayed_save_never_overwrites_a_newer_answer(self, student, course, exam):
        attempt = await start_attempt(student, exam.id)
        aid, q1 = attempt["attemptId"], question_ids(attempt)[0]
        await save(student, aid, {q1: course.correct_choice(q1)}, seq=5)
        stale = await save(student, aid, {q1: course.wrong_choice(q1)}, seq=4)
        replay = await save(student, aid, {q1: course.wrong_choice(q1)}, seq=5)
        assert stale.json()["applied"] is False and replay.json()["applied"] is False
        got = (await student.get(f"/exam-attempts/{aid}")).json()
        assert got["answers"] == {q1: course.correct_choice(q1)} and got["seq"] == 5

    async def test_a_question_not_in_the_attempt_is_400_and_nothing_changes(self, db, student, course, exam):
        attempt = await start_attempt(student, exam.id)
        aid, q1 = attempt["attemptId"], question_ids(attempt)[0]
        outsider = next(qid for qid in course.questions if qid not in question_ids(attempt))
        r = await save(
            student, aid, {q1: course.correct_choice(q1), outsider: course.correct_choice(outsider)}, 1
        )
        assert_error(r, 400, "unknown question")
        stored = await stored_session(db, student.user.id, aid)
        assert stored_answers(stored) == {} and stored.client_seq is None

    async def test_a_choice_of_another_question_is_400(self, student, course, exam):
        attempt = await start_attempt(student, exam.id)
        q1, q2 = question_ids(attempt)[:2]
        r = await save(student, attempt["attemptId"], {q1: course.correct_choice(q2)}, seq=1)
        assert_error(r, 400, "invalid choice")

    async def test_another_students_attempt_is_not_found(self, db, student, other_student, course, exam):
        await make_enrollment(db, user=other_student.user, package=course.package)
        attempt = await start_attempt(student, exam.id)
        q1 = question_ids(attempt)[0]
        aid = attempt["attemptId"]
        assert_error(
            await save(other_student, aid, {q1: course.correct_choice(q1)}, 1), 404, "attempt not found"
        )
        assert_error(await other_student.get(f"/exam-attempts/{aid}"), 404, "attempt not found")
        assert_error(await other_student.post(f"/exam-attempts/{aid}/submit"), 404, "attempt not found")
        assert stored_answers(await stored_session(db, student.user.id, aid)) == {}

    async def test_heartbeats_carry_answers_too(self, student, course, exam, frozen_clock):
        attempt = await start_attempt(student, exam.id)
        aid, q1 = attempt["attemptId"], question_ids(attempt)[0]
        frozen_clock.advance(seconds=15)
        r = await heartbeat(student, aid, seq=1, answers={q1: course.correct_choice(q1)}, snapshot={"ui": 1})
        assert r.status_code == 200, r.text
        assert r.json() == {
            "ok": True,
            "serverTs": ace_time(frozen_clock.now),
            "status": "active",
            "applied": True,
            "seq": 1,
            "expiresAt": attempt["expiresAt"],
            "closesAt": attempt["closesAt"],
            "timeRemainingSeconds": 585,
            "answeredCount": 1,
        }
        got = (await student.get(f"/exam-attempts/{aid}")).json()
        assert got["answers"] == {q1: course.correct_choice(q1)}
        assert (await student.get(f"/exam-sessions/{aid}")).json()["snapshot"] == {"ui": 1}

    async def test_attempt_heartbeats_need_seq(self, student, course, exam):
        attempt = await start_attempt(student, exam.id)
        assert_error(await heartbeat(student, attempt["attemptId"]), 400, "seq is required")


class TestAttemptHeartbeats:
    """A heartbeat that carries answers saves them as the answers route does: merged in order,
    checked against the paper, never by a stale or replayed heartbeat."""

    async def test_answers_merge_and_a_null_clears_one(self, db, student, course, exam):
        attempt = await start_attempt(student, exam.id)
        aid, (q1, q2, q3) = attempt["attemptId"], question_ids(attempt)[:3]
        await heartbeat(
            student, aid, seq=1, answers={q1: course.correct_choice(q1), q2: course.wrong_choice(q2)}
        )
        r = await heartbeat(student, aid, seq=2, answers={q2: None, q3: course.correct_choice(q3)})
        assert r.json()["applied"] is True and r.json()["answeredCount"] == 2
        got = (await student.get(f"/exam-attempts/{aid}")).json()
        assert got["answers"] == {q1: course.correct_choice(q1), q3: course.correct_choice(q3)}
        stored = await stored_session(db, student.user.id, aid)
        assert stored.heartbeat_count == 2 and stored.revision == 2 and stored.client_seq == 2

    async def test_a_stale_or_replayed_heartbeat_changes_nothing(
        self, db, student, course, exam, frozen_clock
    ):
        attempt = await start_attempt(student, exam.id)
        aid, q1 = attempt["attemptId"], question_ids(attempt)[0]
        await heartbeat(student, aid, seq=5, answers={q1: course.correct_choice(q1)}, snapshot={"v": 5})
        frozen_clock.advance(seconds=15)
        stale = await heartbeat(student, aid, seq=4, answers={q1: course.wrong_choice(q1)}, snapshot={"v": 4})
        replay = await heartbeat(student, aid, seq=5, answers={q1: None}, snapshot={"v": 6})
        assert stale.json()["applied"] is False and replay.json()["applied"] is False
        assert stale.json()["seq"] == replay.json()["seq"] == 5
        stored = await stored_session(db, student.user.id, aid)
        assert stored_answers(stored) == {q1: course.correct_choice(q1)} and stored.snapshot == {"v": 5}
        assert stored.heartbeat_count == 1 and stored.last_heartbeat_at < frozen_clock.now

    async def test_another_package_is_409_and_changes_nothing(self, db, student, course, exam):
        attempt = await start_attempt(student, exam.id)
        aid, q1 = attempt["attemptId"], question_ids(attempt)[0]
        r = await heartbeat(
            student, aid, seq=1, examPackageId="pkg_other", answers={q1: course.correct_choice(q1)}
        )
        assert_error(r, 409, "examPackageId mismatch")
        ok = await heartbeat(student, aid, seq=1, examPackageId=course.package.id)
        assert ok.json()["applied"] is True
        stored = await stored_session(db, student.user.id, aid)
        assert stored_answers(stored) == {} and stored.heartbeat_count == 1

    async def test_answers_outside_the_paper_are_400_and_change_nothing(self, db, student, course, exam):
        attempt = await start_attempt(student, exam.id)
        aid, (q1, q2) = attempt["attemptId"], question_ids(attempt)[:2]
        outsider = next(qid for qid in course.questions if qid not in question_ids(attempt))
        unknown = {q1: course.correct_choice(q1), outsider: course.correct_choice(outsider)}
        assert_error(await heartbeat(student, aid, seq=1, answers=unknown), 400, "unknown question")
        wrong = {q1: course.correct_choice(q2)}
        assert_error(await heartbeat(student, aid, seq=1, answers=wrong), 400, "invalid choice")
        stored = await stored_session(db, student.user.id, aid)
        assert stored_answers(stored) == {} and stored.client_seq is None and stored.heartbeat_count == 0


class TestAttemptsNeedAValidSession:
    """On PostgreSQL the caller's session check is part of the statement that reads the attempt (or,
    for a start, the exam): a caller whose session is no longer valid gets 401 and nothing changes."""

    @pytest.mark.parametrize("how", SPOILED_SESSIONS)
    async def test_no_attempt_starts(self, db, student, course, exam, how):
        await spoil_session(db, user=student.user, how=how)
        assert_error(await student.post("/exam-attempts", {"blueprintId": exam.id}), 401, "unauthorized")
        async with unit_of_work(db) as session:
            started = await session.scalar(
                select(func.count()).select_from(ExamSession).where(ExamSession.user_id == student.user.id)
            )
        assert started == 0

    @pytest.mark.parametrize("how", SPOILED_SESSIONS)
    async def test_nothing_is_saved_or_submitted(self, db, student, course, exam, how):
        attempt = await start_attempt(student, exam.id)
        aid, q1 = attempt["attemptId"], question_ids(attempt)[0]
        events_before = [e.id for e in await stored_events(db, student.user.id, aid)]
        await spoil_session(db, user=student.user, how=how)

        answers = {q1: course.correct_choice(q1)}
        assert_error(await heartbeat(student, aid, seq=1, answers=answers), 401, "unauthorized")
        assert_error(await save(student, aid, answers, seq=1), 401, "unauthorized")
        event = {"eventType": "window_blur", "payload": {}}
        assert_error(await student.post(f"/exam-sessions/{aid}/events", event), 401, "unauthorized")
        assert_error(await student.post(f"/exam-attempts/{aid}/submit"), 401, "unauthorized")

        stored = await stored_session(db, student.user.id, aid)
        assert stored_answers(stored) == {} and stored.client_seq is None and stored.heartbeat_count == 0
        assert stored.status == "active" and stored.score_total is None
        assert [e.id for e in await stored_events(db, student.user.id, aid)] == events_before


class TestTheClock:
    async def test_answers_within_the_grace_period_are_accepted(self, student, course, exam, frozen_clock):
        attempt = await start_attempt(student, exam.id)
        aid, q1 = attempt["attemptId"], question_ids(attempt)[0]
        frozen_clock.advance(seconds=600 + 29)
        r = await save(student, aid, {q1: course.correct_choice(q1)}, seq=1)
        assert r.status_code == 200 and r.json()["timeRemainingSeconds"] == 0

    async def test_answers_after_expiry_and_grace_are_refused_and_the_attempt_is_submitted(
        self, db, student, course, exam, frozen_clock
    ):
        attempt = await start_attempt(student, exam.id)
        aid, (q1, q2, *_) = attempt["attemptId"], question_ids(attempt)
        await save(student, aid, {q1: course.correct_choice(q1)}, seq=1)
        frozen_clock.advance(seconds=630)
        r = await save(student, aid, {q2: course.correct_choice(q2)}, seq=2)
        assert_error(r, 409, "time is up")
        stored = await stored_session(db, student.user.id, aid)
        assert stored.status == "finished" and stored.submit_reason == "expired"
        assert stored_answers(stored) == {q1: course.correct_choice(q1)}
        assert stored.score_correct == 1 and stored.score_total == 4
        assert stored.submitted_at == frozen_clock.now
        # Now it is over: later saves are refused as not active.
        assert_error(
            await save(student, aid, {q2: course.correct_choice(q2)}, 3), 409, "attempt is not active"
        )

    async def test_a_late_heartbeat_gets_time_is_up_then_session_not_active(
        self, student, course, exam, frozen_clock
    ):
        attempt = await start_attempt(student, exam.id)
        q1 = question_ids(attempt)[0]
        frozen_clock.advance(seconds=631)
        late = await heartbeat(student, attempt["attemptId"], seq=1, answers={q1: course.correct_choice(q1)})
        assert_error(late, 409, "time is up")
        assert_error(await heartbeat(student, attempt["attemptId"], seq=2), 409, "session is not active")

    async def test_client_timestamps_do_not_buy_time(self, student, course, exam, frozen_clock):
        attempt = await start_attempt(student, exam.id)
        q1 = question_ids(attempt)[0]
        frozen_clock.advance(seconds=700)
        r = await heartbeat(
            student, attempt["attemptId"], seq=1, ts=ace_time(datetime(2000, 1, 1)), answers={q1: "x"}
        )
        assert_error(r, 409, "time is up")

    async def test_reading_an_expired_attempt_submits_it(self, student, course, exam, frozen_clock):
        attempt = await start_attempt(student, exam.id)
        frozen_clock.advance(seconds=631)
        got = (await student.get(f"/exam-attempts/{attempt['attemptId']}")).json()
        assert got["status"] == "finished" and got["submitReason"] == "expired"
        assert got["timeRemainingSeconds"] == 0

    async def test_listing_submits_expired_attempts(self, student, course, exam, frozen_clock):
        attempt = await start_attempt(student, exam.id)
        frozen_clock.advance(seconds=631)
        items = (await student.get("/exam-sessions")).json()["items"]
        assert [(i["sessionId"], i["status"]) for i in items] == [(attempt["attemptId"], "finished")]

    async def test_the_sweep_submits_attempts_nobody_touches(
        self, app, db, student, course, exam, frozen_clock
    ):
        attempt = await start_attempt(student, exam.id)
        exams: ExamContext = app.state.exams
        assert await exams_service.sweep_expired_attempts(db, exams) == 0
        frozen_clock.advance(seconds=630)
        assert await exams_service.sweep_expired_attempts(db, exams) == 1
        assert await exams_service.sweep_expired_attempts(db, exams) == 0
        stored = await stored_session(db, student.user.id, attempt["attemptId"])
        assert stored.status == "finished" and stored.submit_reason == "expired"
        assert stored.score_total == 4
        kinds = [
            (e.event_type, e.source) for e in await stored_events(db, student.user.id, attempt["attemptId"])
        ]
        assert kinds == [("server.started", "server"), ("server.submitted", "server")]

    async def test_the_apps_lifespan_runs_the_sweep(self, settings, student, course, exam, frozen_clock):
        attempt = await start_attempt(student, exam.id)
        frozen_clock.advance(seconds=630)
        sweeping = create_app(settings.model_copy(update={"exam_sweep_interval_s": 0.01}))
        async with sweeping.router.lifespan_context(sweeping):
            exams: ExamContext = sweeping.state.exams
            subscription = exams.feed.subscribe(user_id=student.user.id, session_id=None)
            message = await asyncio.wait_for(subscription.next(), timeout=10)
        assert message is not None
        assert (message.kind, message.session_id, message.data["reason"]) == (
            "status",
            attempt["attemptId"],
            "expired",
        )

    async def test_no_sweep_runs_when_its_interval_is_zero(self, app):
        assert app.state.exam_sweeper is None

    async def test_an_expired_attempt_blocks_no_new_start(self, student, course, exam, frozen_clock):
        first = await start_attempt(student, exam.id)
        frozen_clock.advance(seconds=631)
        second = await start_attempt(student, exam.id)
        assert second["attemptId"] != first["attemptId"] and second["attemptNumber"] == 2


class TestSubmitAndScore:
    async def test_submit_scores_on_the_server_with_a_per_topic_breakdown(self, db, student, course, exam):
        attempt = await start_attempt(student, exam.id)
        aid = attempt["attemptId"]
        answers = answer_all(course, attempt, right=3)
        await save(student, aid, answers, seq=1)
        result = (await student.post(f"/exam-attempts/{aid}/submit")).json()
        assert (result["correct"], result["total"], result["percent"]) == (3, 4, 75.0)
        assert result["passPercent"] == 50 and result["passed"] is True
        assert result["status"] == "finished" and result["submitReason"] == "student"
        by_topic = {row["name"]: row for row in result["byTopic"]}
        expected: dict[str, list[int]] = {}
        for n, qid in enumerate(question_ids(attempt)):
            topic = next(t.name for t in course.topics if t.id == course.questions[qid].question.topic_id)
            row = expected.setdefault(topic, [0, 0])
            row[0] += n < 3
            row[1] += 1
        assert {name: [r["correct"], r["total"]] for name, r in by_topic.items()} == expected
        assert sum(r["total"] for r in result["byDifficulty"]) == 4
        items = {item["questionId"]: item for item in result["items"]}
        for qid, choice in answers.items():
            assert items[qid]["selectedChoiceId"] == choice
            assert items[qid]["correctChoiceId"] == course.correct_choice(qid)
            assert items[qid]["correct"] == (choice == course.correct_choice(qid))
        # The start and the score are on the attempt's timeline, written with them.
        stored = await stored_session(db, student.user.id, aid)
        events = await stored_events(db, student.user.id, aid)
        assert [(e.event_type, e.payload, e.source) for e in events] == [
            ("server.started", {"blueprintId": exam.id, "attemptNumber": 1, "questions": 4}, "server"),
            ("server.submitted", {"reason": "student", "correct": 3, "total": 4}, "server"),
        ]
        assert (events[0].created_at, events[1].created_at) == (stored.started_at, stored.submitted_at)

    async def test_the_clients_own_correct_flags_are_ignored(self, student, course, exam):
        attempt = await start_attempt(student, exam.id)
        aid = attempt["attemptId"]
        await heartbeat(student, aid, seq=1, snapshot={"responses": {"x": {"correct": True}}, "score": 100})
        result = (await student.post(f"/exam-attempts/{aid}/submit")).json()
        assert (result["correct"], result["passed"]) == (0, False)

    async def test_submitting_again_returns_the_same_result(self, student, course, exam, frozen_clock):
        attempt = await start_attempt(student, exam.id)
        aid = attempt["attemptId"]
        await save(student, aid, answer_all(course, attempt, right=1), seq=1)
        first = (await student.post(f"/exam-attempts/{aid}/submit")).json()
        frozen_clock.advance(seconds=10)
        again = await student.post(f"/exam-attempts/{aid}/submit")
        assert again.status_code == 200 and again.json() == first
        assert (await student.get(f"/exam-attempts/{aid}/result")).json() == first

    async def test_result_of_a_running_attempt_is_409(self, student, course, exam):
        attempt = await start_attempt(student, exam.id)
        r = await student.get(f"/exam-attempts/{attempt['attemptId']}/result")
        assert_error(r, 409, "attempt is still in progress")

    async def test_the_ace_submit_route_scores_an_attempt_too(self, db, student, course, exam):
        attempt = await start_attempt(student, exam.id)
        r = await student.post(f"/exam-sessions/{attempt['attemptId']}/submit")
        assert r.status_code == 200 and r.json()["status"] == "finished"
        stored = await stored_session(db, student.user.id, attempt["attemptId"])
        assert stored.score_total == 4 and stored.submit_reason == "student"

    async def test_a_heartbeat_after_submit_is_409(self, student, course, exam):
        attempt = await start_attempt(student, exam.id)
        await student.post(f"/exam-attempts/{attempt['attemptId']}/submit")
        assert_error(await heartbeat(student, attempt["attemptId"], seq=9), 409, "session is not active")


class TestListAttempts:
    async def test_lists_own_attempts_newest_first_with_scores(self, student, course, exam, frozen_clock):
        first = await start_attempt(student, exam.id)
        await save(student, first["attemptId"], answer_all(course, first, right=4), seq=1)
        await student.post(f"/exam-attempts/{first['attemptId']}/submit")
        frozen_clock.advance(seconds=5)
        second = await start_attempt(student, exam.id)
        body = (await student.get("/exam-attempts", blueprintId=exam.id)).json()
        assert [(i["attemptId"], i["status"], i["scorePercent"], i["passed"]) for i in body["items"]] == [
            (second["attemptId"], "active", None, None),
            (first["attemptId"], "finished", 100.0, True),
        ]
        only_active = (await student.get("/exam-attempts", status="active")).json()["items"]
        assert [i["attemptId"] for i in only_active] == [second["attemptId"]]
        assert_error(await student.get("/exam-attempts", status="nope"), 400, "invalid status")


class TestAvailableExams:
    async def test_lists_published_exams_of_enrolled_packages_with_attempts_used(
        self, student, course, exam, make_exam
    ):
        await make_exam(is_published=False)
        attempt = await start_attempt(student, exam.id)
        items = (await student.get("/exam-blueprints")).json()["items"]
        assert [(i["id"], i["attemptsUsed"], i["activeAttemptId"]) for i in items] == [
            (exam.id, 1, attempt["attemptId"])
        ]
        assert items[0]["attemptsAllowed"] == 2 and items[0]["questionCount"] == 4

    async def test_an_unenrolled_package_is_403(self, student, other_student, course):
        r = await other_student.get("/exam-blueprints", examPackageId=course.package.id)
        assert_error(r, 403, "not enrolled")


@pytest.mark.parametrize("path", ["/exam-attempts", "/exam-blueprints"])
async def test_staff_cannot_take_exams(instructor, path):
    assert_error(await instructor.get(path), 403, "forbidden")
