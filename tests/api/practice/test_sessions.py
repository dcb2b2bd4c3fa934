"""Practice sessions over HTTP: creation, reads, list, pause and resume, answers, review and summary
(ace.md §7, §16.2 B6, B7, B12). Only the current question is ever sent before the end."""

import json
import re
import uuid
from typing import Any

import pytest
from sqlalchemy import update

from acelab.db.session import unit_of_work
from acelab.questions.models import Question
from tests.actors import Actor, assert_error
from tests.api.practice.conftest import Course, answer, answer_count, start, stored_session
from tests.factories import (
    SPOILED_SESSIONS,
    make_enrollment,
    make_exam_package,
    make_practice_template,
    make_question,
    make_question_bank,
    make_topic,
    spoil_session,
)

SESSION_ID = re.compile(r"^ps_[0-9a-f]{32}$")
TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
ALWAYS = {
    "sessionId",
    "status",
    "createdAt",
    "startedAt",
    "examPackageId",
    "isTimed",
    "currentQuestionStartedAt",
    "targetCount",
    "currentIndex",
    "total",
    "correctCount",
    "question",
}


def assert_public_question(question: dict[str, Any], course: Course) -> None:
    """The question as a student may see it: no correct choice, no explanation."""
    assert set(question) == {"id", "prompt", "choices"}
    detail = course.questions[question["id"]]
    assert question["prompt"] == detail.question.prompt
    assert question["choices"] == [{"id": c.id, "text": c.text} for c in detail.choices]


def assert_no_leak(body: dict[str, Any], course: Course) -> None:
    text = json.dumps(body)
    assert "correctChoiceId" not in text and "explanation" not in text


async def finish(actor: Actor, course: Course, session: dict[str, Any], *, right: int = 99) -> None:
    """Answer every remaining question; the first `right` answers are correct."""
    session_id = session["sessionId"]
    for n in range(session["targetCount"] - session["currentIndex"]):
        current = (await actor.get(f"/practice-sessions/{session_id}")).json()["question"]
        choice = course.correct_choice(current["id"]) if n < right else course.wrong_choice(current["id"])
        r = await answer(actor, session_id, current["id"], choice)
        assert r.status_code == 200, r.text


class TestCreateSession:
    async def test_web_app_start_from_template_uses_templates_timed_and_count(self, db, student, course):
        template = await make_practice_template(
            db, package=course.package, author=course.author, target_count=4, is_timed=False
        )
        body = await start(student, templateId=template.id, examPackageId=None, timed=True, count=1)
        assert set(body) == ALWAYS  # untimed: no timeLimitSeconds; no timings yet
        assert SESSION_ID.match(body["sessionId"])
        assert body["status"] == "active"
        assert body["examPackageId"] == course.package.id
        assert (body["isTimed"], body["targetCount"], body["total"], body["currentIndex"]) == (False, 4, 4, 0)
        assert body["correctCount"] == 0
        assert body["createdAt"] == body["startedAt"] == body["currentQuestionStartedAt"]
        assert TIME.match(body["createdAt"])
        assert_public_question(body["question"], course)
        assert_no_leak(body, course)

    async def test_timed_template_gets_60_seconds_per_question(self, db, student, course):
        template = await make_practice_template(
            db, package=course.package, author=course.author, target_count=3, is_timed=True
        )
        body = await start(student, templateId=template.id)
        assert set(body) == ALWAYS | {"timeLimitSeconds"}
        assert (body["isTimed"], body["timeLimitSeconds"], body["targetCount"]) == (True, 180, 3)

    async def test_from_package_uses_timed_and_count_of_the_body(self, student, course):
        body = await start(student, examPackageId=course.package.id, timed=True, count=2)
        assert (body["isTimed"], body["timeLimitSeconds"], body["targetCount"]) == (True, 120, 2)

    async def test_package_is_inferred_from_a_single_enrollment(self, student, course):
        body = await start(student)
        assert body["examPackageId"] == course.package.id
        assert body["isTimed"] is False

    @pytest.mark.parametrize(("count", "expected"), [(0, 10), (-4, 10), (3, 3), (51, 50), (1000, 50)])
    async def test_count_is_clamped(self, make_course, student, count, expected):
        await make_course(questions=55, enroll=(student,))
        assert (await start(student, count=count))["targetCount"] == expected

    async def test_fewer_questions_than_asked_shortens_the_session(self, student, course):
        body = await start(student, count=8)
        assert (body["targetCount"], body["total"]) == (5, 5)

    async def test_questions_are_distinct_and_from_the_course(self, db, student, course):
        body = await start(student, count=5)
        stored = await stored_session(db, body["sessionId"])
        assert sorted(stored.question_order) == sorted(course.questions)
        assert [item["id"] for item in stored.questions_snapshot] == stored.question_order

    async def test_only_published_questions_of_visible_banks_are_picked(self, db, student, course):
        hidden = await make_question_bank(db, author=course.author, package=course.package, is_hidden=True)
        await make_question(db, author=course.author, bank=hidden, status="published")
        await make_question(db, author=course.author, bank=course.bank, status="draft")
        await make_question(
            db, author=course.author, bank=course.bank, status="published", correct_index=None
        )
        body = await start(student, count=50)
        stored = await stored_session(db, body["sessionId"])
        assert sorted(stored.question_order) == sorted(course.questions)

    async def test_template_topic_and_difficulty_filter_the_questions(self, db, student, course):
        topic = await make_topic(db, author=course.author, bank=course.bank)
        wanted = await make_question(
            db, author=course.author, bank=course.bank, topic=topic, difficulty_id="hard", status="published"
        )
        await make_question(db, author=course.author, bank=course.bank, topic=topic, status="published")
        template = await make_practice_template(
            db,
            package=course.package,
            author=course.author,
            topic=topic,
            difficulty_id="hard",
            target_count=5,
        )
        body = await start(student, templateId=template.id)
        assert body["targetCount"] == 1
        assert body["question"]["id"] == wanted.question.id

    async def test_multiple_enrollments_without_package_return_400(self, db, student, course):
        await make_enrollment(db, user=student.user, package=await make_exam_package(db))
        r = await student.post("/practice-sessions", {})
        assert_error(r, 400, "examPackageId is required when enrolled in multiple packages")

    async def test_no_enrollment_returns_403(self, student, make_course):
        await make_course()
        assert_error(await student.post("/practice-sessions", {"count": 3}), 403, "not enrolled")

    @pytest.mark.parametrize("package_id", ["not-a-uuid", str(uuid.uuid4())])
    async def test_package_not_enrolled_in_returns_403(self, student, course, package_id):
        r = await student.post("/practice-sessions", {"examPackageId": package_id})
        assert_error(r, 403, "not enrolled")

    @pytest.mark.parametrize("template_id", ["not-a-uuid", str(uuid.uuid4())])
    async def test_unknown_template_returns_404(self, student, course, template_id):
        r = await student.post(
            "/practice-sessions", {"templateId": template_id, "examPackageId": course.package.id}
        )
        assert_error(r, 404, "template not found")

    async def test_unpublished_template_returns_403(self, db, student, course):
        template = await make_practice_template(
            db, package=course.package, author=course.author, is_published=False
        )
        assert_error(
            await student.post("/practice-sessions", {"templateId": template.id}),
            403,
            "template is not published",
        )

    async def test_template_of_a_package_not_enrolled_in_returns_403(self, db, student, course):
        other = await make_exam_package(db)
        template = await make_practice_template(db, package=other, author=course.author)
        r = await student.post(
            "/practice-sessions", {"templateId": template.id, "examPackageId": course.package.id}
        )
        assert_error(r, 403, "not enrolled")

    async def test_package_without_questions_returns_400(self, db, student):
        package = await make_exam_package(db)
        await make_enrollment(db, user=student.user, package=package)
        assert_error(
            await student.post("/practice-sessions", {}),
            400,
            "no published questions available for this package",
        )

    @pytest.mark.parametrize(
        "body",
        [{"timed": "yes"}, {"count": "3"}, {"count": 2.5}, {"templateId": 5}, {"examPackageId": []}, [], 3],
    )
    async def test_wrong_types_return_400_and_create_nothing(self, student, course, body):
        assert_error(await student.post("/practice-sessions", body), 400, "invalid json body")
        assert (await student.get("/practice-sessions")).json()["items"] == []

    async def test_instructor_is_refused(self, instructor):
        assert_error(await instructor.post("/practice-sessions", {}), 403, "forbidden")

    async def test_snapshot_is_frozen_against_question_edits(self, db, student, course):
        body = await start(student, count=1)
        question_id = body["question"]["id"]
        async with unit_of_work(db, write=True) as session:
            await session.execute(update(Question).where(Question.id == question_id).values(prompt="edited"))
        r = await student.get(f"/practice-sessions/{body['sessionId']}")
        assert r.json()["question"]["prompt"] == course.questions[question_id].question.prompt


class TestGetSession:
    async def test_returns_the_current_question_only(self, student, course):
        body = await start(student, count=3)
        r = await student.get(f"/practice-sessions/{body['sessionId']}")
        assert r.status_code == 200
        assert r.json() == body
        assert_no_leak(r.json(), course)

    async def test_another_students_session_returns_404(self, student, other_student, course):
        body = await start(student, count=3)
        assert_error(
            await other_student.get(f"/practice-sessions/{body['sessionId']}"), 404, "session not found"
        )

    @pytest.mark.parametrize("session_id", ["ps_" + "0" * 32, "nonsense", "%20"])
    async def test_unknown_session_returns_404(self, student, course, session_id):
        assert_error(await student.get(f"/practice-sessions/{session_id}"), 404, "session not found")

    async def test_session_ids_are_not_trimmed(self, student, course):
        body = await start(student, count=1)
        r = await student.get(f"/practice-sessions/%20{body['sessionId']}")
        assert_error(r, 404, "session not found")

    async def test_finished_session_has_no_question(self, student, course):
        body = await start(student, count=2)
        await finish(student, course, body)
        got = (await student.get(f"/practice-sessions/{body['sessionId']}")).json()
        assert (got["status"], got["question"], got["currentIndex"], got["correctCount"]) == (
            "finished",
            None,
            2,
            2,
        )
        assert set(got) == ALWAYS | {"questionTimingsSeconds"}


class TestListSessions:
    async def test_lists_own_sessions_latest_activity_first(
        self, frozen_clock, student, other_student, course
    ):
        first = await start(student, count=2)
        frozen_clock.advance(seconds=10)
        second = await start(student, count=2)
        frozen_clock.advance(seconds=10)
        await answer(
            student,
            first["sessionId"],
            first["question"]["id"],
            course.correct_choice(first["question"]["id"]),
        )
        r = await student.get("/practice-sessions")
        assert r.status_code == 200
        body = r.json()
        assert list(body) == ["items", "limit", "offset", "hasMore"]
        assert (body["limit"], body["offset"], body["hasMore"]) == (20, 0, False)
        assert [item["sessionId"] for item in body["items"]] == [first["sessionId"], second["sessionId"]]
        assert (await other_student.get("/practice-sessions")).json()["items"] == []

    async def test_untimed_item_has_exact_keys(self, student, course):
        body = await start(student, count=2)
        await answer(
            student, body["sessionId"], body["question"]["id"], course.correct_choice(body["question"]["id"])
        )
        [item] = (await student.get("/practice-sessions")).json()["items"]
        assert item == {
            "sessionId": body["sessionId"],
            "status": "active",
            "createdAt": body["createdAt"],
            "lastActivityAt": item["lastActivityAt"],
            "examPackageId": course.package.id,
            "isTimed": False,
            "targetCount": 2,
            "correctCount": 1,
            "accuracy": 0.5,
        }

    async def test_timed_item_shows_limit_and_remaining_time(self, frozen_clock, student, course):
        await start(student, timed=True, count=2)
        frozen_clock.advance(seconds=30.9)
        [item] = (await student.get("/practice-sessions")).json()["items"]
        assert (item["timeLimitSeconds"], item["timeRemainingSeconds"]) == (120, 90)

    async def test_finished_timed_item_has_no_remaining_time(self, student, course):
        body = await start(student, timed=True, count=1)
        await answer(
            student, body["sessionId"], body["question"]["id"], course.correct_choice(body["question"]["id"])
        )
        [item] = (await student.get("/practice-sessions")).json()["items"]
        assert item["status"] == "finished"
        assert item["timeLimitSeconds"] == 60
        assert "timeRemainingSeconds" not in item

    async def test_filters_by_status(self, student, course):
        active = await start(student, count=2)
        paused = await start(student, count=2)
        await student.post(f"/practice-sessions/{paused['sessionId']}/pause")
        for status, expected in [("active", active), ("paused", paused)]:
            items = (await student.get("/practice-sessions", status=status)).json()["items"]
            assert [(i["sessionId"], i["status"]) for i in items] == [(expected["sessionId"], status)]
        assert (await student.get("/practice-sessions", status="finished")).json()["items"] == []

    @pytest.mark.parametrize("status", ["ACTIVE", "done", "active "])
    async def test_unknown_status_returns_400(self, student, course, status):
        assert_error(await student.get("/practice-sessions", status=status), 400, "invalid status")

    async def test_pages(self, frozen_clock, student, course):
        ids = []
        for _ in range(3):
            ids.append((await start(student, count=1))["sessionId"])
            frozen_clock.advance(seconds=1)
        ids.reverse()
        page = (await student.get("/practice-sessions", limit="2", offset="0")).json()
        assert ([i["sessionId"] for i in page["items"]], page["hasMore"]) == (ids[:2], True)
        page = (await student.get("/practice-sessions", limit="2", offset="2")).json()
        assert ([i["sessionId"] for i in page["items"]], page["hasMore"]) == (ids[2:], False)

    @pytest.mark.parametrize(
        ("limit", "offset", "normalized"),
        [
            ("0", "-3", (1, 0)),
            ("abc", "1.5", (20, 0)),
            ("1000", "", (100, 0)),
            ("99999999999999999999", "99999999999999999999", (20, 0)),
            ("5", "9223372036854775807", (5, 9223372036854775807)),
        ],
    )
    async def test_odd_pagination_is_normalized_never_500(self, student, course, limit, offset, normalized):
        await start(student, count=1)
        r = await student.get("/practice-sessions", limit=limit, offset=offset)
        assert r.status_code == 200, r.text
        assert (r.json()["limit"], r.json()["offset"]) == normalized


class TestPauseAndResume:
    async def test_pause_records_time_and_hides_the_question(self, frozen_clock, student, course):
        body = await start(student, count=3)
        frozen_clock.advance(seconds=7.8)
        r = await student.post(f"/practice-sessions/{body['sessionId']}/pause")
        assert r.status_code == 200, r.text
        paused = r.json()
        assert (paused["status"], paused["question"]) == ("paused", None)
        # §16.2 B6: the timings after this pause (the original replied with the ones before it).
        assert paused["questionTimingsSeconds"] == {body["question"]["id"]: 7}
        assert paused["currentQuestionStartedAt"] == body["currentQuestionStartedAt"]
        assert "timeLimitSeconds" not in paused

    async def test_pause_is_idempotent(self, frozen_clock, student, course):
        body = await start(student, count=3)
        frozen_clock.advance(seconds=4)
        first = (await student.post(f"/practice-sessions/{body['sessionId']}/pause")).json()
        frozen_clock.advance(seconds=50)
        second = await student.post(f"/practice-sessions/{body['sessionId']}/pause")
        assert second.status_code == 200
        assert second.json() == first

    async def test_time_while_paused_does_not_count(self, frozen_clock, student, course):
        body = await start(student, count=2)
        session_id, question_id = body["sessionId"], body["question"]["id"]
        frozen_clock.advance(seconds=5)
        await student.post(f"/practice-sessions/{session_id}/pause")
        frozen_clock.advance(seconds=600)
        r = await student.post(f"/practice-sessions/{session_id}/resume")
        assert r.status_code == 200, r.text
        resumed = r.json()
        assert (resumed["status"], resumed["question"]) == ("active", body["question"])
        assert resumed["currentQuestionStartedAt"] != body["currentQuestionStartedAt"]
        # §16.2 B6: resume shows the timings too (the original left them out).
        assert resumed["questionTimingsSeconds"] == {question_id: 5}
        frozen_clock.advance(seconds=3)
        await answer(student, session_id, question_id, course.correct_choice(question_id))
        got = (await student.get(f"/practice-sessions/{session_id}")).json()
        assert got["questionTimingsSeconds"] == {question_id: 8}

    async def test_resume_of_an_active_session_returns_400(self, student, course):
        body = await start(student, count=2)
        assert_error(
            await student.post(f"/practice-sessions/{body['sessionId']}/resume"), 400, "session is not paused"
        )

    @pytest.mark.parametrize(
        ("action", "message"),
        [
            ("pause", "pause is only available for untimed sessions"),
            ("resume", "resume is only available for untimed sessions"),
        ],
    )
    async def test_timed_sessions_cannot_pause_or_resume(self, student, course, action, message):
        body = await start(student, timed=True, count=2)
        assert_error(await student.post(f"/practice-sessions/{body['sessionId']}/{action}"), 400, message)
        assert (await student.get(f"/practice-sessions/{body['sessionId']}")).json() == body

    @pytest.mark.parametrize("action", ["pause", "resume"])
    async def test_finished_sessions_cannot_pause_or_resume(self, student, course, action):
        body = await start(student, count=1)
        await finish(student, course, body)
        assert_error(
            await student.post(f"/practice-sessions/{body['sessionId']}/{action}"), 400, "session is finished"
        )

    @pytest.mark.parametrize("action", ["pause", "resume"])
    async def test_another_students_session_returns_404_and_stays(
        self, student, other_student, course, action
    ):
        body = await start(student, count=2)
        if action == "resume":
            await student.post(f"/practice-sessions/{body['sessionId']}/pause")
        before = (await student.get(f"/practice-sessions/{body['sessionId']}")).json()
        r = await other_student.post(f"/practice-sessions/{body['sessionId']}/{action}")
        assert_error(r, 404, "session not found")
        assert (await student.get(f"/practice-sessions/{body['sessionId']}")).json() == before


class TestAnswers:
    async def test_right_then_wrong_answers(self, frozen_clock, student, course):
        body = await start(student, count=2)
        session_id, first = body["sessionId"], body["question"]["id"]
        frozen_clock.advance(seconds=12.6)
        r = await answer(student, session_id, first, course.correct_choice(first))
        assert r.status_code == 200, r.text
        assert r.json() == {
            "correct": True,
            "explanation": course.questions[first].question.explanation_text,
            "done": False,
        }
        got = (await student.get(f"/practice-sessions/{session_id}")).json()
        assert (got["currentIndex"], got["correctCount"], got["status"]) == (1, 1, "active")
        assert got["questionTimingsSeconds"] == {first: 12}
        second = got["question"]["id"]
        assert second != first
        assert got["currentQuestionStartedAt"] != body["currentQuestionStartedAt"]
        frozen_clock.advance(seconds=3)
        r = await answer(student, session_id, second, course.wrong_choice(second))
        assert r.json() == {
            "correct": False,
            "explanation": course.questions[second].question.explanation_text,
            "done": True,
        }
        got = (await student.get(f"/practice-sessions/{session_id}")).json()
        assert (got["status"], got["currentIndex"], got["correctCount"], got["question"]) == (
            "finished",
            2,
            1,
            None,
        )
        assert got["questionTimingsSeconds"] == {first: 12, second: 3}

    async def assert_unchanged(self, db, actor: Actor, session: dict[str, Any]) -> None:
        assert (await actor.get(f"/practice-sessions/{session['sessionId']}")).json() == session
        assert await answer_count(db, session["sessionId"]) == 0

    async def test_another_question_than_the_current_returns_400(self, db, student, course):
        body = await start(student, count=3)
        other = next(q for q in course.questions if q != body["question"]["id"])
        r = await answer(student, body["sessionId"], other, course.correct_choice(other))
        assert_error(r, 400, "questionId mismatch")
        await self.assert_unchanged(db, student, body)

    async def test_answering_the_same_question_twice_returns_400(self, db, student, course):
        body = await start(student, count=3)
        question_id = body["question"]["id"]
        assert (
            await answer(student, body["sessionId"], question_id, course.correct_choice(question_id))
        ).status_code == 200
        r = await answer(student, body["sessionId"], question_id, course.wrong_choice(question_id))
        assert_error(r, 400, "questionId mismatch")
        got = (await student.get(f"/practice-sessions/{body['sessionId']}")).json()
        assert (got["currentIndex"], got["correctCount"]) == (1, 1)
        assert await answer_count(db, body["sessionId"]) == 1

    @pytest.mark.parametrize("kind", ["other question's", "unknown", "empty"])
    async def test_a_choice_not_of_the_current_question_returns_400(self, db, student, course, kind):
        body = await start(student, count=3)
        other = next(q for q in course.questions if q != body["question"]["id"])
        choice = {"other question's": course.correct_choice(other), "unknown": "ch_" + "0" * 32, "empty": ""}[
            kind
        ]
        r = await answer(student, body["sessionId"], body["question"]["id"], choice)
        assert_error(r, 400, "invalid choice")
        await self.assert_unchanged(db, student, body)

    async def test_paused_session_returns_400(self, db, student, course):
        body = await start(student, count=3)
        paused = (await student.post(f"/practice-sessions/{body['sessionId']}/pause")).json()
        question_id = body["question"]["id"]
        r = await answer(student, body["sessionId"], question_id, course.correct_choice(question_id))
        assert_error(r, 400, "session not active")
        await self.assert_unchanged(db, student, paused)

    async def test_finished_session_returns_400(self, student, course):
        body = await start(student, count=1)
        question_id = body["question"]["id"]
        await answer(student, body["sessionId"], question_id, course.correct_choice(question_id))
        r = await answer(student, body["sessionId"], question_id, course.correct_choice(question_id))
        assert_error(r, 400, "session not active")

    async def test_another_students_session_returns_404_and_stays(self, db, student, other_student, course):
        body = await start(student, count=3)
        question_id = body["question"]["id"]
        r = await answer(other_student, body["sessionId"], question_id, course.correct_choice(question_id))
        assert_error(r, 404, "session not found")
        await self.assert_unchanged(db, student, body)

    @pytest.mark.parametrize("session_id", ["ps_" + "f" * 32, "x"])
    async def test_unknown_session_returns_404(self, student, course, session_id):
        assert_error(await answer(student, session_id, "qst_x", "ch_x"), 404, "session not found")

    @pytest.mark.parametrize(
        "payload",
        [{"questionId": 1, "choiceId": "c"}, {"questionId": "q", "choiceId": ["c"]}, {"ts": 5}, [], "x"],
    )
    async def test_wrong_types_return_400(self, db, student, course, payload):
        body = await start(student, count=2)
        r = await student.post(f"/practice-sessions/{body['sessionId']}/answers", payload)
        assert_error(r, 400, "invalid json body")
        await self.assert_unchanged(db, student, body)

    async def test_missing_ids_are_a_mismatch(self, db, student, course):
        body = await start(student, count=2)
        r = await student.post(f"/practice-sessions/{body['sessionId']}/answers", {})
        assert_error(r, 400, "questionId mismatch")
        await self.assert_unchanged(db, student, body)

    async def test_instructor_is_refused(self, instructor, student, course):
        body = await start(student, count=2)
        assert_error(await answer(instructor, body["sessionId"], "q", "c"), 403, "forbidden")

    async def test_without_csrf_header_returns_403(self, db, student, course):
        body = await start(student, count=2)
        r = await student.client.post(f"/practice-sessions/{body['sessionId']}/answers", json={})
        assert (r.status_code, r.json()["message"]) == (403, "csrf")
        assert await answer_count(db, body["sessionId"]) == 0


class TestReview:
    async def test_unfinished_session_returns_400(self, student, course):
        body = await start(student, count=2)
        r = await student.get(f"/practice-sessions/{body['sessionId']}/review")
        assert_error(r, 400, "review is only available for finished sessions")

    async def test_another_students_session_returns_404(self, student, other_student, course):
        body = await start(student, count=1)
        await finish(student, course, body)
        assert_error(
            await other_student.get(f"/practice-sessions/{body['sessionId']}/review"),
            404,
            "session not found",
        )

    async def test_lists_every_question_with_the_answer_given(self, frozen_clock, student, course):
        body = await start(student, count=3)
        session_id, asked = body["sessionId"], []
        for n, seconds in enumerate((4, 9, 1)):
            current = (await student.get(f"/practice-sessions/{session_id}")).json()["question"]
            asked.append(current["id"])
            frozen_clock.advance(seconds=seconds)
            choice = course.wrong_choice(current["id"]) if n == 1 else course.correct_choice(current["id"])
            await answer(student, session_id, current["id"], choice)
        r = await student.get(f"/practice-sessions/{session_id}/review")
        assert r.status_code == 200, r.text
        assert list(r.json()) == ["sessionId", "items"]
        assert r.json()["sessionId"] == session_id
        items = r.json()["items"]
        assert [item["index"] for item in items] == [0, 1, 2]
        assert [item["question"]["id"] for item in items] == asked
        for item, seconds, right in zip(items, (4, 9, 1), (True, False, True), strict=True):
            qid = item["question"]["id"]
            assert_public_question(item["question"], course)
            assert item == {
                "index": item["index"],
                "question": item["question"],
                "selectedChoiceId": course.correct_choice(qid) if right else course.wrong_choice(qid),
                "correct": right,
                "explanation": course.questions[qid].question.explanation_text,
                "timeTakenSeconds": seconds,
                "correctChoiceId": course.correct_choice(qid),
            }


class TestSummary:
    async def test_any_status_with_accuracy_over_the_target(self, student, course):
        body = await start(student, count=4)
        url = f"/practice-sessions/{body['sessionId']}/summary"
        r = await student.get(url)
        assert r.status_code == 200
        assert r.json() == {"sessionId": body["sessionId"], "total": 4, "correctCount": 0, "accuracy": 0.0}
        question_id = body["question"]["id"]
        await answer(student, body["sessionId"], question_id, course.correct_choice(question_id))
        assert (await student.get(url)).json()["accuracy"] == 0.25
        await finish(student, course, {**body, "currentIndex": 1}, right=1)
        assert (await student.get(url)).json() == {
            "sessionId": body["sessionId"],
            "total": 4,
            "correctCount": 2,
            "accuracy": 0.5,
        }

    async def test_another_students_session_returns_404(self, student, other_student, course):
        body = await start(student, count=1)
        assert_error(
            await other_student.get(f"/practice-sessions/{body['sessionId']}/summary"),
            404,
            "session not found",
        )


class TestAnswerNeedsAValidSession:
    """The answer's session check is part of the answer's own statement on PostgreSQL: a caller whose
    session is no longer valid gets 401 and the answer is not recorded (ace.md §16.1 S1, S2, S14)."""

    @pytest.mark.parametrize("how", SPOILED_SESSIONS)
    async def test_refused_and_not_recorded(self, db, student, course, how):
        body = await start(student, examPackageId=course.package.id, count=2)
        question_id = body["question"]["id"]
        await spoil_session(db, user=student.user, how=how)

        r = await answer(student, body["sessionId"], question_id, course.correct_choice(question_id))

        assert_error(r, 401, "unauthorized")
        assert await answer_count(db, body["sessionId"]) == 0
        assert (await stored_session(db, body["sessionId"])).current_index == 0
