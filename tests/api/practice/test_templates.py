"""Practice templates over HTTP: the student list and the instructor CRUD (ace.md §6, §16.2 B4)."""

import re
import uuid
from typing import Any

import pytest

from acelab.db.engine import Database
from tests.actors import Actor, assert_error
from tests.api.practice.conftest import Course, start
from tests.factories import make_enrollment, make_exam_package, make_practice_template, make_topic

TEMPLATE_KEYS = {
    "id",
    "examPackageId",
    "name",
    "section",
    "topicId",
    "topicName",
    "difficultyId",
    "difficultyName",
    "isTimed",
    "targetCount",
    "sortOrder",
    "isPublished",
    "createdAt",
    "updatedAt",
}
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def names(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    assert list(response.json()) == ["items"]
    return [item["name"] for item in response.json()["items"]]


class TestStudentList:
    async def test_lists_published_templates_of_enrolled_packages_only(self, db, student, course):
        author = course.author
        await make_practice_template(db, package=course.package, author=author, name="Visible")
        await make_practice_template(
            db, package=course.package, author=author, name="Draft", is_published=False
        )
        other = await make_exam_package(db)
        await make_practice_template(db, package=other, author=author, name="Not enrolled")
        assert names(await student.get("/practice-templates")) == ["Visible"]

    async def test_item_has_exact_keys_with_topic_and_difficulty_names(self, db, student, course):
        topic = await make_topic(db, author=course.author, bank=course.bank, name="Algebra")
        template = await make_practice_template(
            db,
            package=course.package,
            author=course.author,
            name="Drill",
            section="Quant",
            topic=topic,
            difficulty_id="hard",
            is_timed=True,
            target_count=12,
            sort_order=4,
        )
        r = await student.get("/practice-templates")
        [item] = r.json()["items"]
        assert set(item) == TEMPLATE_KEYS
        assert item == {
            "id": template.id,
            "examPackageId": course.package.id,
            "name": "Drill",
            "section": "Quant",
            "topicId": topic.id,
            "topicName": "Algebra",
            "difficultyId": "hard",
            "difficultyName": "Hard",
            "isTimed": True,
            "targetCount": 12,
            "sortOrder": 4,
            "isPublished": True,
            "createdAt": item["createdAt"],
            "updatedAt": item["updatedAt"],
        }
        assert TIME.match(item["createdAt"]) and TIME.match(item["updatedAt"])

    async def test_without_topic_and_difficulty_names_are_null(self, db, student, course):
        await make_practice_template(db, package=course.package, author=course.author)
        [item] = (await student.get("/practice-templates")).json()["items"]
        assert (item["topicId"], item["topicName"], item["difficultyId"], item["difficultyName"]) == (
            None,
            None,
            None,
            None,
        )

    async def test_orders_by_package_section_sort_order_then_newest(self, db, frozen_clock, student):
        author = student.user
        first, second = sorted([await make_exam_package(db), await make_exam_package(db)], key=lambda p: p.id)
        for package in (first, second):
            await make_enrollment(db, user=student.user, package=package)
        await make_practice_template(db, package=second, author=author, name="b-reading")
        await make_practice_template(db, package=first, author=author, name="a-writing", section="Writing")
        await make_practice_template(db, package=first, author=author, name="a-reading-1", sort_order=1)
        await make_practice_template(db, package=first, author=author, name="a-reading-0-old")
        frozen_clock.advance(seconds=5)
        await make_practice_template(db, package=first, author=author, name="a-reading-0-new")
        assert names(await student.get("/practice-templates")) == [
            "a-reading-0-new",
            "a-reading-0-old",
            "a-reading-1",
            "a-writing",
            "b-reading",
        ]

    async def test_filters_by_enrolled_package(self, db, student, course):
        other = await make_exam_package(db)
        await make_enrollment(db, user=student.user, package=other)
        await make_practice_template(db, package=course.package, author=course.author, name="Mine")
        await make_practice_template(db, package=other, author=course.author, name="Other")
        r = await student.get("/practice-templates", examPackageId=f"  {other.id} ")
        assert names(r) == ["Other"]

    @pytest.mark.parametrize("package_id", ["not-a-uuid", str(uuid.uuid4())])
    async def test_filter_by_package_not_enrolled_in_returns_403(self, db, student, course, package_id):
        assert_error(await student.get("/practice-templates", examPackageId=package_id), 403, "not enrolled")

    async def test_filter_by_unenrolled_existing_package_returns_403(self, db, student, course):
        other = await make_exam_package(db)
        await make_practice_template(db, package=other, author=course.author)
        assert_error(await student.get("/practice-templates", examPackageId=other.id), 403, "not enrolled")

    async def test_hidden_package_templates_still_listed_for_enrolled_student(self, db, student):
        package = await make_exam_package(db, is_hidden=True)
        await make_enrollment(db, user=student.user, package=package)
        await make_practice_template(db, package=package, author=student.user, name="Hidden pkg")
        assert names(await student.get("/practice-templates")) == ["Hidden pkg"]

    async def test_instructor_token_is_refused(self, instructor):
        assert_error(await instructor.get("/practice-templates"), 403, "forbidden")

    async def test_anonymous_is_refused(self, client):
        assert_error(await client.get("/practice-templates"), 401, "missing authorization")


async def create(actor: Actor, **body: Any) -> Any:
    return await actor.post("/instructor/practice-templates", body)


class TestInstructorList:
    async def test_lists_every_template_including_unpublished(self, db, instructor, course):
        await make_practice_template(db, package=course.package, author=course.author, name="Pub")
        await make_practice_template(
            db, package=course.package, author=course.author, name="Unpub", is_published=False, sort_order=1
        )
        assert names(await instructor.get("/instructor/practice-templates")) == ["Pub", "Unpub"]

    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("false", ["Pub"]),
            ("0", ["Pub"]),
            ("F", ["Pub"]),
            ("true", ["Pub", "Unpub"]),
            ("nope", ["Pub", "Unpub"]),
        ],
    )
    async def test_include_unpublished_parses_like_go(self, db, instructor, course, raw, expected):
        await make_practice_template(db, package=course.package, author=course.author, name="Pub")
        await make_practice_template(
            db, package=course.package, author=course.author, name="Unpub", is_published=False, sort_order=1
        )
        r = await instructor.get("/instructor/practice-templates", includeUnpublished=raw)
        assert names(r) == expected

    async def test_filters_by_package_and_unknown_package_is_empty(self, db, instructor, course):
        other = await make_exam_package(db)
        await make_practice_template(db, package=course.package, author=course.author, name="A")
        await make_practice_template(db, package=other, author=course.author, name="B")
        assert names(await instructor.get("/instructor/practice-templates", examPackageId=other.id)) == ["B"]
        assert names(await instructor.get("/instructor/practice-templates", examPackageId="bad")) == []

    async def test_admin_may_list(self, db, admin, course):
        await make_practice_template(db, package=course.package, author=course.author, name="A")
        assert names(await admin.get("/instructor/practice-templates")) == ["A"]

    async def test_student_is_refused(self, student):
        assert_error(await student.get("/instructor/practice-templates"), 403, "forbidden")


class TestCreateTemplate:
    async def test_returns_unpublished_template_with_trimmed_fields(self, db, instructor, course):
        topic = await make_topic(db, author=course.author, bank=course.bank, name="Geometry")
        r = await create(
            instructor,
            examPackageId=f" {course.package.id} ",
            name="  Warm-up ",
            section=" Quant ",
            topicId=topic.id,
            difficultyId="medium",
            isTimed=True,
            targetCount=15,
            sortOrder=3,
        )
        assert r.status_code == 200, r.text
        body = r.json()
        assert set(body) == TEMPLATE_KEYS
        assert UUID.match(body["id"])
        assert body | {"id": None, "createdAt": None, "updatedAt": None} == {
            "id": None,
            "examPackageId": course.package.id,
            "name": "Warm-up",
            "section": "Quant",
            "topicId": topic.id,
            "topicName": "Geometry",
            "difficultyId": "medium",
            "difficultyName": "Medium",
            "isTimed": True,
            "targetCount": 15,
            "sortOrder": 3,
            "isPublished": False,
            "createdAt": None,
            "updatedAt": None,
        }
        listed = (await instructor.get("/instructor/practice-templates")).json()["items"]
        assert listed == [body]

    @pytest.mark.parametrize(("sent", "stored"), [(0, 10), (-3, 10), (1, 1), (50, 50), (51, 50), (500, 50)])
    async def test_target_count_is_clamped(self, instructor, course, sent, stored):
        r = await create(instructor, examPackageId=course.package.id, name="n", section="s", targetCount=sent)
        assert r.json()["targetCount"] == stored

    @pytest.mark.parametrize(("sent", "stored"), [(None, 0), (-1, 0), (7, 7)])
    async def test_sort_order_defaults_to_zero(self, instructor, course, sent, stored):
        r = await create(instructor, examPackageId=course.package.id, name="n", section="s", sortOrder=sent)
        assert r.json()["sortOrder"] == stored

    @pytest.mark.parametrize(
        "body",
        [
            {},
            {"name": "n", "section": "s"},
            {"examPackageId": "x", "section": "s"},
            {"examPackageId": "x", "name": "  ", "section": "s"},
            {"examPackageId": "x", "name": "n", "section": ""},
        ],
    )
    async def test_missing_required_fields_return_400(self, instructor, body):
        assert_error(
            await instructor.post("/instructor/practice-templates", body),
            400,
            "examPackageId, name, and section are required",
        )

    @pytest.mark.parametrize(
        "refs",
        [
            {"examPackageId": "not-a-package"},
            {"topicId": "top_missing"},
            {"topicId": ""},
            {"difficultyId": "impossible"},
        ],
    )
    async def test_unknown_references_return_400_and_store_nothing(self, instructor, course, refs):
        body = {"examPackageId": course.package.id, "name": "n", "section": "s"} | refs
        assert_error(
            await instructor.post("/instructor/practice-templates", body), 400, "failed to create template"
        )
        assert names(await instructor.get("/instructor/practice-templates")) == []

    @pytest.mark.parametrize(
        "body",
        [
            {"name": 5},
            {"isTimed": "yes"},
            {"targetCount": "3"},
            {"targetCount": 2.5},
            {"sortOrder": True},
            [],
            "x",
        ],
    )
    async def test_wrong_types_return_400_invalid_json_body(self, instructor, course, body):
        if isinstance(body, dict):
            body = {"examPackageId": course.package.id, "name": "n", "section": "s"} | body
        assert_error(await instructor.post("/instructor/practice-templates", body), 400, "invalid json body")

    async def test_malformed_json_returns_400(self, instructor):
        r = await instructor.client.post(
            "/instructor/practice-templates",
            content=b"{not json",
            headers={
                "content-type": "application/json",
                "x-csrf-token": instructor.client.cookies["ace_csrf"],
            },
        )
        assert_error(r, 400, "invalid json body")

    async def test_student_is_refused(self, student, course):
        r = await create(student, examPackageId=course.package.id, name="n", section="s")
        assert_error(r, 403, "forbidden")


class TestUpdateTemplate:
    async def template(self, db: Database, course: Course, **fields: Any) -> Any:
        topic = await make_topic(db, author=course.author, bank=course.bank, name="Topic A")
        fields = {"topic": topic, "difficulty_id": "easy", "name": "Old", "section": "Old section"} | fields
        return await make_practice_template(db, package=course.package, author=course.author, **fields)

    async def test_absent_fields_stay_unchanged(self, db, instructor, course):
        template = await self.template(db, course, target_count=7, sort_order=2, is_timed=True)
        r = await instructor.patch(f"/instructor/practice-templates/{template.id}", {"name": "New"})
        assert r.status_code == 200, r.text
        body = r.json()
        # §16.2 B4: the original cleared topicId and difficultyId when they were left out.
        assert (body["name"], body["section"], body["topicId"], body["topicName"]) == (
            "New",
            "Old section",
            template.topic_id,
            "Topic A",
        )
        assert (body["difficultyId"], body["isTimed"], body["targetCount"], body["sortOrder"]) == (
            "easy",
            True,
            7,
            2,
        )

    async def test_null_topic_and_difficulty_clear_them(self, db, instructor, course):
        template = await self.template(db, course)
        r = await instructor.patch(
            f"/instructor/practice-templates/{template.id}", {"topicId": None, "difficultyId": None}
        )
        body = r.json()
        assert (body["topicId"], body["topicName"], body["difficultyId"], body["difficultyName"]) == (
            None,
            None,
            None,
            None,
        )

    async def test_web_app_save_sets_every_field(self, db, instructor, course):
        template = await self.template(db, course)
        other_topic = await make_topic(db, author=course.author, bank=course.bank, name="Topic B")
        body = {
            "name": " Renamed ",
            "section": "Verbal",
            "topicId": other_topic.id,
            "difficultyId": "hard",
            "isTimed": True,
            "targetCount": 20,
            "sortOrder": 9,
        }
        r = await instructor.patch(f"/instructor/practice-templates/{template.id}", body)
        got = r.json()
        assert got | {"updatedAt": None, "createdAt": None} == {
            "id": template.id,
            "examPackageId": course.package.id,
            "name": "Renamed",
            "section": "Verbal",
            "topicId": other_topic.id,
            "topicName": "Topic B",
            "difficultyId": "hard",
            "difficultyName": "Hard",
            "isTimed": True,
            "targetCount": 20,
            "sortOrder": 9,
            "isPublished": True,
            "createdAt": None,
            "updatedAt": None,
        }

    async def test_blank_name_and_section_leave_them(self, db, instructor, course):
        template = await self.template(db, course)
        r = await instructor.patch(
            f"/instructor/practice-templates/{template.id}", {"name": " ", "section": ""}
        )
        assert (r.json()["name"], r.json()["section"]) == ("Old", "Old section")

    @pytest.mark.parametrize(("sent", "stored"), [(0, 10), (500, 50), (3, 3)])
    async def test_target_count_is_clamped_as_on_create(self, db, instructor, course, sent, stored):
        template = await self.template(db, course)
        r = await instructor.patch(f"/instructor/practice-templates/{template.id}", {"targetCount": sent})
        assert r.json()["targetCount"] == stored

    async def test_negative_sort_order_becomes_zero(self, db, instructor, course):
        template = await self.template(db, course, sort_order=5)
        r = await instructor.patch(f"/instructor/practice-templates/{template.id}", {"sortOrder": -4})
        assert r.json()["sortOrder"] == 0

    @pytest.mark.parametrize("refs", [{"topicId": "top_missing"}, {"difficultyId": "nope"}, {"topicId": ""}])
    async def test_unknown_references_return_400_and_change_nothing(self, db, instructor, course, refs):
        template = await self.template(db, course)
        before = (await instructor.get("/instructor/practice-templates")).json()["items"]
        r = await instructor.patch(f"/instructor/practice-templates/{template.id}", {"name": "X"} | refs)
        assert_error(r, 400, "failed to update template")
        assert (await instructor.get("/instructor/practice-templates")).json()["items"] == before

    @pytest.mark.parametrize("template_id", [str(uuid.uuid4()), "not-a-uuid"])
    async def test_unknown_template_returns_404(self, instructor, template_id):
        r = await instructor.patch(f"/instructor/practice-templates/{template_id}", {"name": "x"})
        assert_error(r, 404, "template not found")

    async def test_wrong_types_return_400(self, db, instructor, course):
        template = await self.template(db, course)
        r = await instructor.patch(f"/instructor/practice-templates/{template.id}", {"topicId": 5})
        assert_error(r, 400, "invalid json body")

    async def test_any_instructor_may_edit(self, db, login_as, course):
        template = await self.template(db, course)
        someone = await login_as("instructor")
        r = await someone.patch(f"/instructor/practice-templates/{template.id}", {"name": "Mine now"})
        assert r.json()["name"] == "Mine now"


class TestDeleteTemplate:
    async def test_deletes_and_returns_success(self, db, instructor, course):
        template = await make_practice_template(db, package=course.package, author=course.author)
        r = await instructor.delete(f"/instructor/practice-templates/{template.id}")
        assert r.status_code == 200
        assert r.json() == {"success": True}
        assert names(await instructor.get("/instructor/practice-templates")) == []

    async def test_unknown_template_returns_404(self, instructor):
        r = await instructor.delete(f"/instructor/practice-templates/{uuid.uuid4()}")
        assert_error(r, 404, "template not found")

    async def test_sessions_started_from_it_survive(self, db, instructor, student, course):
        template = await make_practice_template(db, package=course.package, author=course.author)
        session = await start(student, templateId=template.id)
        assert (await instructor.delete(f"/instructor/practice-templates/{template.id}")).status_code == 200
        r = await student.get(f"/practice-sessions/{session['sessionId']}")
        assert r.status_code == 200
        assert r.json()["question"] == session["question"]


class TestPublishTemplate:
    @pytest.mark.parametrize(("action", "published"), [("publish", True), ("unpublish", False)])
    async def test_sets_state_idempotently(self, db, instructor, course, action, published):
        template = await make_practice_template(
            db, package=course.package, author=course.author, is_published=not published
        )
        for _ in range(2):
            r = await instructor.post(f"/instructor/practice-templates/{template.id}/{action}")
            assert r.status_code == 200, r.text
            assert set(r.json()) == TEMPLATE_KEYS
            assert r.json()["isPublished"] is published

    async def test_publishing_makes_it_visible_to_students(self, db, instructor, student, course):
        template = await make_practice_template(
            db, package=course.package, author=course.author, is_published=False, name="Soon"
        )
        assert names(await student.get("/practice-templates")) == []
        await instructor.post(f"/instructor/practice-templates/{template.id}/publish")
        assert names(await student.get("/practice-templates")) == ["Soon"]
        await instructor.post(f"/instructor/practice-templates/{template.id}/unpublish")
        assert names(await student.get("/practice-templates")) == []

    @pytest.mark.parametrize("action", ["publish", "unpublish"])
    async def test_unknown_template_returns_404(self, instructor, action):
        r = await instructor.post(f"/instructor/practice-templates/not-a-uuid/{action}")
        assert_error(r, 404, "template not found")

    async def test_student_is_refused(self, db, student, course):
        template = await make_practice_template(db, package=course.package, author=course.author)
        r = await student.post(f"/instructor/practice-templates/{template.id}/publish")
        assert_error(r, 403, "forbidden")
