"""Question banks for authors: /instructor/question-banks (ace.md §9.7-9.10)."""

import pytest

from acelab.catalog.models import ExamPackage
from acelab.db.engine import Database
from tests.actors import Actor, assert_error
from tests.factories import make_exam_package, make_question, make_question_bank, make_topic


class TestCreateBank:
    async def test_creates_a_bank_linked_to_the_package(self, instructor: Actor, package: ExamPackage):
        response = await instructor.post(
            "/instructor/question-banks", json={"name": "  Algebra  ", "examPackageId": package.id}
        )

        assert response.status_code == 200, response.text
        bank_id = response.json()["id"]
        assert bank_id.startswith("pkg_") and len(bank_id) == 36
        listed = (await instructor.get("/instructor/question-banks")).json()["items"]
        assert [(b["id"], b["name"], b["examPackageId"], b["isHidden"]) for b in listed] == [
            (bank_id, "Algebra", package.id, False)
        ]

    async def test_admin_may_create(self, admin: Actor, package: ExamPackage):
        response = await admin.post(
            "/instructor/question-banks", json={"name": "Geometry", "examPackageId": package.id}
        )
        assert response.status_code == 200, response.text

    @pytest.mark.parametrize(
        ("body", "message"),
        [
            ({"examPackageId": "x"}, "name is required"),
            ({"name": "   ", "examPackageId": "x"}, "name is required"),
            ({"name": "n" * 201, "examPackageId": "x"}, "name must be at most 200 characters"),
            ({"name": "Algebra"}, "examPackageId is required"),
            ({"name": "Algebra", "examPackageId": "  "}, "examPackageId is required"),
            ({"name": "Algebra", "examPackageId": "not-a-uuid"}, "unknown exam package"),
            (
                {"name": "Algebra", "examPackageId": "00000000-0000-0000-0000-000000000000"},
                "unknown exam package",
            ),
        ],
    )
    async def test_invalid_input_is_rejected(self, instructor: Actor, body: dict[str, str], message: str):
        response = await instructor.post("/instructor/question-banks", json=body)

        assert_error(response, 400, message)
        assert (await instructor.get("/instructor/question-banks")).json() == {"items": []}

    async def test_wrong_types_are_invalid_json(self, instructor: Actor):
        response = await instructor.post("/instructor/question-banks", json={"name": 5, "examPackageId": "x"})
        assert_error(response, 400, "invalid json body")

    async def test_duplicate_name_in_the_same_package_is_rejected(
        self, instructor: Actor, package: ExamPackage, db: Database
    ):
        await make_question_bank(db, author=instructor.user, package=package, name="Algebra")

        response = await instructor.post(
            "/instructor/question-banks", json={"name": "Algebra", "examPackageId": package.id}
        )

        assert_error(response, 400, "a question bank with this name already exists for this exam package")

    async def test_same_name_in_another_package_is_allowed(
        self, instructor: Actor, package: ExamPackage, db: Database
    ):
        await make_question_bank(db, author=instructor.user, package=package, name="Algebra")
        other = await make_exam_package(db)

        response = await instructor.post(
            "/instructor/question-banks", json={"name": "Algebra", "examPackageId": other.id}
        )

        assert response.status_code == 200, response.text

    async def test_student_is_forbidden(self, student: Actor, package: ExamPackage):
        response = await student.post(
            "/instructor/question-banks", json={"name": "A", "examPackageId": package.id}
        )
        assert_error(response, 403, "forbidden")


class TestListBanks:
    async def test_lists_every_bank_by_name_hidden_included(self, instructor: Actor, db: Database):
        package = await make_exam_package(db)
        b = await make_question_bank(db, author=instructor.user, package=package, name="b", is_hidden=True)
        a = await make_question_bank(db, author=instructor.user, name="a")

        response = await instructor.get("/instructor/question-banks")

        assert response.status_code == 200
        assert response.json() == {
            "items": [
                {
                    "id": a.id,
                    "name": "a",
                    "examPackageId": None,
                    "isHidden": False,
                    "createdAt": a.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                },
                {
                    "id": b.id,
                    "name": "b",
                    "examPackageId": package.id,
                    "isHidden": True,
                    "createdAt": b.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                },
            ]
        }


class TestUpdateBank:
    async def test_renames_hides_and_relinks(self, instructor: Actor, package: ExamPackage, db: Database):
        bank = await make_question_bank(db, author=instructor.user, package=package, name="old")
        other = await make_exam_package(db)

        response = await instructor.patch(
            f"/instructor/question-banks/{bank.id}",
            json={"name": " new ", "examPackageId": other.id, "isHidden": True},
        )

        assert response.status_code == 200, response.text
        assert response.json() == {"success": True}
        [item] = (await instructor.get("/instructor/question-banks")).json()["items"]
        assert (item["name"], item["examPackageId"], item["isHidden"]) == ("new", other.id, True)

    async def test_empty_package_id_unlinks_and_null_keeps_the_link(
        self, instructor: Actor, package: ExamPackage, db: Database
    ):
        kept = await make_question_bank(db, author=instructor.user, package=package, name="kept")
        unlinked = await make_question_bank(db, author=instructor.user, package=package, name="unlinked")

        assert (
            await instructor.patch(
                f"/instructor/question-banks/{kept.id}", json={"name": "kept", "examPackageId": None}
            )
        ).status_code == 200
        assert (
            await instructor.patch(f"/instructor/question-banks/{unlinked.id}", json={"examPackageId": ""})
        ).status_code == 200

        items = {
            b["name"]: b["examPackageId"]
            for b in (await instructor.get("/instructor/question-banks")).json()["items"]
        }
        assert items == {"kept": package.id, "unlinked": None}

    async def test_lone_package_id_is_an_update(self, instructor: Actor, package: ExamPackage, db: Database):
        # ace.md §16.2 B5: the original answered 400 `no fields to update` here.
        bank = await make_question_bank(db, author=instructor.user)

        response = await instructor.patch(
            f"/instructor/question-banks/{bank.id}", json={"examPackageId": package.id}
        )

        assert response.status_code == 200, response.text
        [item] = (await instructor.get("/instructor/question-banks")).json()["items"]
        assert item["examPackageId"] == package.id

    @pytest.mark.parametrize(
        ("body", "status", "message"),
        [
            ({}, 400, "no fields to update"),
            ({"name": None, "isHidden": None}, 400, "no fields to update"),
            ({"name": "  "}, 400, "name cannot be empty"),
            ({"examPackageId": "not-a-uuid"}, 400, "unknown exam package"),
            ({"isHidden": "yes"}, 400, "invalid json body"),
        ],
    )
    async def test_invalid_input_changes_nothing(
        self,
        instructor: Actor,
        package: ExamPackage,
        db: Database,
        body: dict[str, object],
        status: int,
        message: str,
    ):
        bank = await make_question_bank(db, author=instructor.user, package=package, name="same")

        response = await instructor.patch(f"/instructor/question-banks/{bank.id}", json=body)

        assert_error(response, status, message)
        [item] = (await instructor.get("/instructor/question-banks")).json()["items"]
        assert (item["name"], item["examPackageId"], item["isHidden"]) == ("same", package.id, False)

    @pytest.mark.parametrize("bank_id", ["pkg_nope", "%00", "%20"])
    async def test_unknown_bank_is_404(self, instructor: Actor, bank_id: str):
        # ace.md §9.9 Fix: the original answered 200.
        response = await instructor.patch(f"/instructor/question-banks/{bank_id}", json={"name": "x"})
        assert_error(response, 404, "question bank not found")

    async def test_rename_onto_a_sibling_is_rejected(
        self, instructor: Actor, package: ExamPackage, db: Database
    ):
        await make_question_bank(db, author=instructor.user, package=package, name="taken")
        bank = await make_question_bank(db, author=instructor.user, package=package, name="mine")

        response = await instructor.patch(f"/instructor/question-banks/{bank.id}", json={"name": "taken"})

        assert_error(response, 400, "a question bank with this name already exists for this exam package")

    async def test_any_instructor_may_edit_any_bank(
        self, instructor: Actor, other_instructor: Actor, db: Database
    ):
        # ace.md §16.1 S3 keeps the "content team" model for banks, topics and difficulties.
        bank = await make_question_bank(db, author=other_instructor.user)
        response = await instructor.patch(f"/instructor/question-banks/{bank.id}", json={"isHidden": True})
        assert response.status_code == 200


class TestDeleteBank:
    async def test_deletes_and_detaches_topics_and_questions(
        self, instructor: Actor, package: ExamPackage, db: Database
    ):
        bank = await make_question_bank(db, author=instructor.user, package=package)
        topic = await make_topic(db, author=instructor.user, bank=bank)
        question = await make_question(db, author=instructor.user, bank=bank, topic=topic)

        response = await instructor.delete(f"/instructor/question-banks/{bank.id}")

        assert response.status_code == 200
        assert response.json() == {"success": True}
        assert (await instructor.get("/instructor/question-banks")).json() == {"items": []}
        [kept_topic] = (await instructor.get("/instructor/question-topics")).json()["items"]
        assert (kept_topic["id"], kept_topic["questionBankId"]) == (topic.id, None)
        kept = (await instructor.get(f"/instructor/questions/{question.question.id}")).json()
        assert (kept["questionBankId"], kept["topicId"]) == (None, topic.id)

    @pytest.mark.parametrize("bank_id", ["pkg_nope", "%00"])
    async def test_unknown_bank_is_404(self, instructor: Actor, bank_id: str):
        response = await instructor.delete(f"/instructor/question-banks/{bank_id}")
        assert_error(response, 404, "question bank not found")

    async def test_deleting_the_package_unlinks_the_bank(self, admin: Actor, db: Database):
        package = await make_exam_package(db)
        bank = await make_question_bank(db, author=admin.user, package=package)

        assert (await admin.delete(f"/admin/exam-packages/{package.id}")).status_code == 200

        [item] = (await admin.get("/instructor/question-banks")).json()["items"]
        assert (item["id"], item["examPackageId"]) == (bank.id, None)
