"""Reads outside the authoring screens: reference lists (any portal) and published questions (students)."""

import httpx
import pytest

from acelab.catalog.models import ExamPackage
from acelab.db.engine import Database
from tests.actors import Actor, LoginAs, assert_error
from tests.factories import make_enrollment, make_exam_package, make_question, make_question_bank, make_topic
from tests.login import bearer

REFERENCE_LISTS = ["/question-banks", "/question-topics", "/question-difficulties"]


class TestReferenceLists:
    @pytest.mark.parametrize("path", REFERENCE_LISTS)
    @pytest.mark.parametrize("role", ["student", "instructor", "admin"])
    async def test_every_portal_may_read(self, login_as: LoginAs, path: str, role: str):
        # ace.md §16.3 C2: the instructor and admin template pages call these; the original said 403.
        actor = await login_as(role)

        response = await actor.get(path)

        assert response.status_code == 200, response.text
        assert "items" in response.json()

    @pytest.mark.parametrize("path", REFERENCE_LISTS)
    async def test_anonymous_is_401(self, client: httpx.AsyncClient, path: str):
        assert_error(await client.get(path), 401, "missing authorization")

    @pytest.mark.parametrize("path", REFERENCE_LISTS)
    async def test_a_codemm_token_is_refused(self, client: httpx.AsyncClient, path: str):
        token = (
            await client.post(
                "/auth/register",
                json={"username": "coder", "email": "coder@example.com", "password": "a long password"},
            )
        ).json()["token"]
        client.cookies.clear()

        assert_error(await client.get(path, headers=bearer(token)), 403, "forbidden")

    async def test_banks_hide_hidden_ones(self, student: Actor, db: Database, package: ExamPackage):
        visible = await make_question_bank(db, author=student.user, package=package, name="visible")
        await make_question_bank(db, author=student.user, package=package, name="hidden", is_hidden=True)

        response = await student.get("/question-banks")

        assert response.json() == {
            "items": [
                {
                    "id": visible.id,
                    "name": "visible",
                    "examPackageId": package.id,
                    "isHidden": False,
                    "createdAt": visible.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                }
            ]
        }

    async def test_topics_hide_hidden_ones_and_filter_by_bank(self, instructor: Actor, db: Database):
        bank = await make_question_bank(db, author=instructor.user)
        shown = await make_topic(db, author=instructor.user, bank=bank, name="shown")
        await make_topic(db, author=instructor.user, bank=bank, name="hidden", is_hidden=True)
        await make_topic(db, author=instructor.user, name="elsewhere")

        of_bank = (await instructor.get("/question-topics", questionBankId=bank.id)).json()["items"]
        everything = (await instructor.get("/question-topics")).json()["items"]

        assert [t["id"] for t in of_bank] == [shown.id]
        assert [t["name"] for t in everything] == ["elsewhere", "shown"]

    async def test_difficulties_are_the_seeded_three(self, student: Actor):
        response = await student.get("/question-difficulties")
        assert [d["id"] for d in response.json()["items"]] == ["easy", "medium", "hard"]


class TestPublishedQuestions:
    @pytest.fixture
    async def bank(self, db: Database, student: Actor, instructor: Actor, package: ExamPackage):
        await make_enrollment(db, user=student.user, package=package)
        return await make_question_bank(db, author=instructor.user, package=package)

    async def test_lists_published_questions_of_enrolled_packages_newest_first(
        self, db: Database, student: Actor, instructor: Actor, bank, frozen_clock
    ):
        older = await make_question(db, author=instructor.user, bank=bank, status="published")
        frozen_clock.advance(seconds=1)
        newer = await make_question(db, author=instructor.user, bank=bank, status="published")
        await make_question(db, author=instructor.user, bank=bank, status="draft")
        await make_question(db, author=instructor.user, bank=bank, status="in_review")

        response = await student.get("/questions")

        assert response.status_code == 200
        body = response.json()
        assert [q["id"] for q in body["items"]] == [newer.question.id, older.question.id]
        assert body["items"][0] == {
            "id": newer.question.id,
            "questionBankId": bank.id,
            "topicId": None,
            "difficultyId": "easy",
            "prompt": newer.question.prompt,
        }
        assert (body["limit"], body["offset"], body["hasMore"]) == (20, 0, False)

    async def test_excludes_hidden_banks_and_packages_not_enrolled(
        self, db: Database, student: Actor, instructor: Actor, bank
    ):
        # ace.md §16.1 S5: the original listed every published question of every package.
        hidden = await make_question_bank(
            db, author=instructor.user, package=await make_exam_package(db), is_hidden=True
        )
        other = await make_question_bank(db, author=instructor.user, package=await make_exam_package(db))
        await make_question(db, author=instructor.user, bank=hidden, status="published")
        await make_question(db, author=instructor.user, bank=other, status="published")
        await make_question(db, author=instructor.user, status="published")
        shown = await make_question(db, author=instructor.user, bank=bank, status="published")

        items = (await student.get("/questions")).json()["items"]

        assert [q["id"] for q in items] == [shown.question.id]

    async def test_filters_and_pages(self, db: Database, student: Actor, instructor: Actor, bank):
        topic = await make_topic(db, author=instructor.user, bank=bank)
        await make_question(db, author=instructor.user, bank=bank, status="published", difficulty_id="hard")
        match = await make_question(db, author=instructor.user, bank=bank, topic=topic, status="published")

        by_topic = (await student.get("/questions", topicId=topic.id)).json()["items"]
        by_difficulty = (await student.get("/questions", difficultyId="easy")).json()["items"]
        by_bank = (await student.get("/questions", questionBankId=bank.id, limit="1")).json()

        assert [q["id"] for q in by_topic] == [match.question.id]
        assert [q["id"] for q in by_difficulty] == [match.question.id]
        assert (len(by_bank["items"]), by_bank["limit"], by_bank["hasMore"]) == (1, 1, True)

    async def test_one_question_has_choices_but_no_answer(
        self, db: Database, student: Actor, instructor: Actor, bank
    ):
        made = await make_question(
            db,
            author=instructor.user,
            bank=bank,
            status="published",
            explanation="because",
            choices=("x", "y"),
        )

        response = await student.get(f"/questions/{made.question.id}")

        assert response.status_code == 200
        assert response.json() == {
            "id": made.question.id,
            "questionBankId": bank.id,
            "topicId": None,
            "difficultyId": "easy",
            "prompt": made.question.prompt,
            "choices": [{"id": c.id, "text": c.text} for c in made.choices],
        }

    @pytest.mark.parametrize("status", ["draft", "in_review", "needs_changes", "archived"])
    async def test_unpublished_question_is_404(
        self, db: Database, student: Actor, instructor: Actor, bank, status: str
    ):
        made = await make_question(db, author=instructor.user, bank=bank, status=status)
        assert_error(await student.get(f"/questions/{made.question.id}"), 404, "question not found")

    @pytest.mark.parametrize("question_id", ["qst_nope", "%20", "%00", "' OR 1=1 --"])
    async def test_unknown_or_malformed_id_is_404(self, student: Actor, question_id: str):
        assert_error(await student.get(f"/questions/{question_id}"), 404, "question not found")

    async def test_instructors_use_their_own_routes(self, instructor: Actor):
        assert_error(await instructor.get("/questions"), 403, "forbidden")
