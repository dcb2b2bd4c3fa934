"""Topics and difficulties for authors (ace.md §9.11-9.16)."""

import pytest

from acelab.db.engine import Database
from tests.actors import Actor, assert_error
from tests.factories import make_question, make_question_bank, make_topic

SEEDED = [
    {"id": "easy", "displayName": "Easy"},
    {"id": "medium", "displayName": "Medium"},
    {"id": "hard", "displayName": "Hard"},
]


class TestCreateTopic:
    async def test_creates_a_topic_in_a_bank(self, instructor: Actor, db: Database):
        bank = await make_question_bank(db, author=instructor.user)

        response = await instructor.post(
            "/instructor/question-topics", json={"questionBankId": bank.id, "name": " Ratios "}
        )

        assert response.status_code == 200, response.text
        topic_id = response.json()["id"]
        assert topic_id.startswith("top_")
        [item] = (await instructor.get("/instructor/question-topics")).json()["items"]
        assert (item["id"], item["questionBankId"], item["name"], item["isHidden"]) == (
            topic_id,
            bank.id,
            "Ratios",
            False,
        )

    @pytest.mark.parametrize("bank_id", [None, "", "  "])
    async def test_a_topic_may_have_no_bank(self, instructor: Actor, bank_id: str | None):
        response = await instructor.post(
            "/instructor/question-topics", json={"questionBankId": bank_id, "name": "Loose"}
        )

        assert response.status_code == 200, response.text
        [item] = (await instructor.get("/instructor/question-topics")).json()["items"]
        assert item["questionBankId"] is None

    @pytest.mark.parametrize(
        ("body", "message"),
        [
            ({"name": ""}, "name is required"),
            ({"name": "t" * 201}, "name must be at most 200 characters"),
            ({"name": "T", "questionBankId": "pkg_nope"}, "unknown question bank"),
            ({"name": "T", "questionBankId": 7}, "invalid json body"),
        ],
    )
    async def test_invalid_input_is_rejected(self, instructor: Actor, body: dict[str, object], message: str):
        assert_error(await instructor.post("/instructor/question-topics", json=body), 400, message)
        assert (await instructor.get("/instructor/question-topics")).json() == {"items": []}

    @pytest.mark.parametrize("in_bank", [True, False])
    async def test_duplicate_name_in_the_same_bank_is_rejected(
        self, instructor: Actor, db: Database, in_bank: bool
    ):
        bank = await make_question_bank(db, author=instructor.user) if in_bank else None
        await make_topic(db, author=instructor.user, bank=bank, name="Ratios")

        response = await instructor.post(
            "/instructor/question-topics",
            json={"questionBankId": bank.id if bank else None, "name": "Ratios"},
        )

        assert_error(response, 400, "a topic with this name already exists in this question bank")


class TestListTopics:
    async def test_authors_see_hidden_topics_and_can_filter_by_bank(self, instructor: Actor, db: Database):
        bank = await make_question_bank(db, author=instructor.user)
        b = await make_topic(db, author=instructor.user, bank=bank, name="b", is_hidden=True)
        a = await make_topic(db, author=instructor.user, bank=bank, name="a")
        await make_topic(db, author=instructor.user, name="other")

        everything = (await instructor.get("/instructor/question-topics")).json()["items"]
        of_bank = (await instructor.get("/instructor/question-topics", questionBankId=bank.id)).json()[
            "items"
        ]

        assert [t["name"] for t in everything] == ["a", "b", "other"]
        assert [t["id"] for t in of_bank] == [a.id, b.id]
        assert of_bank[0] == {
            "id": a.id,
            "questionBankId": bank.id,
            "name": "a",
            "isHidden": False,
            "createdAt": a.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }


class TestUpdateTopic:
    async def test_renames_and_hides(self, instructor: Actor, db: Database):
        topic = await make_topic(db, author=instructor.user, name="old")

        response = await instructor.patch(
            f"/instructor/question-topics/{topic.id}", json={"name": "new", "isHidden": True}
        )

        assert response.status_code == 200
        assert response.json() == {"success": True}
        [item] = (await instructor.get("/instructor/question-topics")).json()["items"]
        assert (item["name"], item["isHidden"]) == ("new", True)

    @pytest.mark.parametrize(
        ("body", "message"),
        [
            ({}, "no fields to update"),
            ({"name": " "}, "name cannot be empty"),
            ({"isHidden": 1}, "invalid json body"),
        ],
    )
    async def test_invalid_input_changes_nothing(
        self, instructor: Actor, db: Database, body: dict[str, object], message: str
    ):
        topic = await make_topic(db, author=instructor.user, name="same")

        assert_error(
            await instructor.patch(f"/instructor/question-topics/{topic.id}", json=body), 400, message
        )
        [item] = (await instructor.get("/instructor/question-topics")).json()["items"]
        assert (item["name"], item["isHidden"]) == ("same", False)

    @pytest.mark.parametrize("topic_id", ["top_nope", "%00"])
    async def test_unknown_topic_is_404(self, instructor: Actor, topic_id: str):
        # ace.md §16.2 B5: the original answered 200.
        response = await instructor.patch(f"/instructor/question-topics/{topic_id}", json={"name": "x"})
        assert_error(response, 404, "topic not found")

    async def test_rename_onto_a_sibling_is_rejected(self, instructor: Actor, db: Database):
        bank = await make_question_bank(db, author=instructor.user)
        await make_topic(db, author=instructor.user, bank=bank, name="taken")
        topic = await make_topic(db, author=instructor.user, bank=bank, name="mine")

        response = await instructor.patch(f"/instructor/question-topics/{topic.id}", json={"name": "taken"})

        assert_error(response, 400, "a topic with this name already exists in this question bank")


class TestDeleteTopic:
    async def test_deletes_and_detaches_questions(self, instructor: Actor, db: Database):
        topic = await make_topic(db, author=instructor.user)
        question = await make_question(db, author=instructor.user, topic=topic)

        response = await instructor.delete(f"/instructor/question-topics/{topic.id}")

        assert response.status_code == 200
        assert response.json() == {"success": True}
        assert (await instructor.get("/instructor/question-topics")).json() == {"items": []}
        kept = (await instructor.get(f"/instructor/questions/{question.question.id}")).json()
        assert kept["topicId"] is None

    @pytest.mark.parametrize("topic_id", ["top_nope", "%00"])
    async def test_unknown_topic_is_404(self, instructor: Actor, topic_id: str):
        response = await instructor.delete(f"/instructor/question-topics/{topic_id}")
        assert_error(response, 404, "topic not found")


class TestDifficulties:
    async def test_lists_the_seeded_difficulties_in_order(self, instructor: Actor):
        response = await instructor.get("/instructor/question-difficulties")

        assert response.status_code == 200
        assert response.json() == {"items": SEEDED}

    async def test_renames_a_difficulty(self, admin: Actor):
        response = await admin.patch(
            "/instructor/question-difficulties/hard", json={"displayName": " Very hard "}
        )

        assert response.status_code == 200
        assert response.json() == {"success": True}
        items = (await admin.get("/instructor/question-difficulties")).json()["items"]
        assert items[2] == {"id": "hard", "displayName": "Very hard"}

    @pytest.mark.parametrize(
        ("body", "status", "message"),
        [
            ({}, 400, "displayName is required"),
            ({"displayName": None}, 400, "displayName is required"),
            ({"displayName": "  "}, 400, "displayName cannot be empty"),
            ({"displayName": "d" * 101}, 400, "displayName must be at most 100 characters"),
            ({"displayName": 3}, 400, "invalid json body"),
        ],
    )
    async def test_invalid_input_changes_nothing(
        self, instructor: Actor, body: dict[str, object], status: int, message: str
    ):
        assert_error(
            await instructor.patch("/instructor/question-difficulties/easy", json=body), status, message
        )
        assert (await instructor.get("/instructor/question-difficulties")).json() == {"items": SEEDED}

    @pytest.mark.parametrize("difficulty_id", ["extreme", "%00"])
    async def test_unknown_difficulty_is_404(self, instructor: Actor, difficulty_id: str):
        response = await instructor.patch(
            f"/instructor/question-difficulties/{difficulty_id}", json={"displayName": "X"}
        )
        assert_error(response, 404, "difficulty not found")
