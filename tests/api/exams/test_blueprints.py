"""Exam blueprints for instructors and admins over HTTP: create, read, update, delete, and the checks
that keep a blueprint drawable."""

from typing import Any

import pytest

from tests.actors import Actor, assert_error
from tests.api.exams.conftest import Course, start_attempt, stored_session


def valid(course: Course, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "examPackageId": course.package.id,
        "name": "  Mock GRE 1 ",
        "description": "Full length",
        "questionCount": 4,
        "mix": [{"topicId": course.topics[0].id, "difficultyId": "hard", "count": 2}],
        "timeLimitSeconds": 1800,
        "graceSeconds": 20,
        "passPercent": 70,
        "attemptsAllowed": 3,
        "shuffleQuestions": False,
        "shuffleChoices": True,
        "isPublished": True,
    }
    return body | overrides


async def create(actor: Actor, body: dict[str, Any]) -> dict[str, Any]:
    r = await actor.post("/instructor/exam-blueprints", body)
    assert r.status_code == 200, r.text
    created: dict[str, Any] = r.json()
    return created


class TestCreateBlueprint:
    async def test_creates_with_exact_keys(self, instructor, course, frozen_clock):
        created = await create(instructor, valid(course))
        assert created["id"].startswith("ebp_")
        assert created == {
            "id": created["id"],
            "examPackageId": course.package.id,
            "name": "Mock GRE 1",
            "description": "Full length",
            "questionCount": 4,
            "mix": [{"topicId": course.topics[0].id, "difficultyId": "hard", "count": 2}],
            "timeLimitSeconds": 1800,
            "graceSeconds": 20,
            "passPercent": 70,
            "attemptsAllowed": 3,
            "shuffleQuestions": False,
            "shuffleChoices": True,
            "isPublished": True,
            "createdAt": frozen_clock.now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "updatedAt": frozen_clock.now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }

    async def test_admins_may_too(self, admin, course):
        assert (await admin.post("/instructor/exam-blueprints", valid(course))).status_code == 200

    @pytest.mark.parametrize(
        ("overrides", "message"),
        [
            ({"examPackageId": ""}, "examPackageId is required"),
            ({"name": "   "}, "name is required"),
            ({"questionCount": 0}, "questionCount must be between 1 and 200"),
            ({"questionCount": 201}, "questionCount must be between 1 and 200"),
            ({"timeLimitSeconds": 59}, "timeLimitSeconds must be between 60 and 86400"),
            ({"graceSeconds": -1}, "graceSeconds must be between 0 and 600"),
            ({"passPercent": 101}, "passPercent must be between 0 and 100"),
            ({"attemptsAllowed": 0}, "attemptsAllowed must be between 1 and 100"),
            ({"mix": [{"count": 0}]}, "mix counts must be at least 1"),
            ({"mix": [{"count": 5}]}, "mix asks for more questions than questionCount"),
            ({"mix": [{"topicId": "top_nope", "count": 1}]}, "unknown topic"),
            ({"mix": [{"difficultyId": "brutal", "count": 1}]}, "unknown difficulty"),
            ({"questionCount": "4"}, "invalid json body"),
        ],
    )
    async def test_bad_fields_are_400_and_create_nothing(self, instructor, course, overrides, message):
        assert_error(
            await instructor.post("/instructor/exam-blueprints", valid(course, **overrides)), 400, message
        )
        assert (await instructor.get("/instructor/exam-blueprints")).json()["items"] == []

    async def test_an_unknown_package_is_400(self, instructor, course):
        r = await instructor.post("/instructor/exam-blueprints", valid(course, examPackageId="nope"))
        assert_error(r, 400, "unknown package")

    async def test_students_cannot(self, student, course):
        assert_error(await student.post("/instructor/exam-blueprints", valid(course)), 403, "forbidden")


class TestListAndGetBlueprints:
    async def test_lists_all_and_by_package(self, instructor, course, make_course):
        other = await make_course()
        mine = await create(instructor, valid(course, isPublished=False))
        theirs = await create(instructor, valid(other, mix=[]))
        everything = (await instructor.get("/instructor/exam-blueprints")).json()["items"]
        assert {b["id"] for b in everything} == {mine["id"], theirs["id"]}
        one = (await instructor.get("/instructor/exam-blueprints", examPackageId=course.package.id)).json()
        assert [b["id"] for b in one["items"]] == [mine["id"]]
        assert (await instructor.get(f"/instructor/exam-blueprints/{mine['id']}")).json() == mine

    async def test_unknown_is_404(self, instructor):
        assert_error(await instructor.get("/instructor/exam-blueprints/ebp_nope"), 404, "exam not found")


class TestUpdateBlueprint:
    async def test_changes_only_given_fields(self, instructor, course, frozen_clock):
        created = await create(instructor, valid(course))
        frozen_clock.advance(seconds=5)
        r = await instructor.patch(
            f"/instructor/exam-blueprints/{created['id']}", {"passPercent": 80, "name": "B"}
        )
        assert r.status_code == 200
        updated = r.json()
        assert (updated["passPercent"], updated["name"], updated["timeLimitSeconds"]) == (80, "B", 1800)
        assert updated["updatedAt"] != created["updatedAt"]

    async def test_the_whole_blueprint_stays_consistent(self, instructor, course):
        created = await create(instructor, valid(course))
        r = await instructor.patch(f"/instructor/exam-blueprints/{created['id']}", {"questionCount": 1})
        assert_error(r, 400, "mix asks for more questions than questionCount")
        got = (await instructor.get(f"/instructor/exam-blueprints/{created['id']}")).json()
        assert got["questionCount"] == 4

    async def test_running_attempts_keep_their_clock_and_pass_mark(self, db, instructor, student, course):
        created = await create(instructor, valid(course))
        attempt = await start_attempt(student, created["id"])
        await instructor.patch(
            f"/instructor/exam-blueprints/{created['id']}", {"timeLimitSeconds": 60, "passPercent": 100}
        )
        stored = await stored_session(db, student.user.id, attempt["attemptId"])
        assert (stored.time_limit_seconds, stored.pass_percent) == (1800, 70)

    async def test_unpublishing_hides_it_from_students(self, instructor, student, course):
        created = await create(instructor, valid(course))
        await instructor.patch(f"/instructor/exam-blueprints/{created['id']}", {"isPublished": False})
        assert (await student.get("/exam-blueprints")).json()["items"] == []
        assert_error(
            await student.post("/exam-attempts", {"blueprintId": created["id"]}), 404, "exam not found"
        )


class TestDeleteBlueprint:
    async def test_attempts_survive_with_their_results(self, instructor, student, course):
        created = await create(instructor, valid(course))
        attempt = await start_attempt(student, created["id"])
        await student.post(f"/exam-attempts/{attempt['attemptId']}/submit")
        r = await instructor.delete(f"/instructor/exam-blueprints/{created['id']}")
        assert r.status_code == 200 and r.json() == {"success": True}
        result = (await student.get(f"/exam-attempts/{attempt['attemptId']}/result")).json()
        assert result["blueprintId"] is None and result["total"] == 4
        assert_error(
            await instructor.delete(f"/instructor/exam-blueprints/{created['id']}"), 404, "exam not found"
        )
