"""Question authoring: /instructor/questions and /admin/questions/:id (ace.md §9.17-9.22)."""

from typing import Any

import pytest

from acelab.db.engine import Database
from tests.actors import Actor, assert_error
from tests.factories import make_question, make_question_bank, make_topic


def _body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "questionBankId": None,
        "topicId": None,
        "difficultyId": "medium",
        "prompt": "What is 2 + 2?",
        "explanation": "Count them.",
        "choices": [{"text": "3"}, {"text": "4"}, {"text": "5"}],
        "correctChoiceIndex": 1,
    }
    body.update(overrides)
    return body


async def _detail(actor: Actor, question_id: str) -> dict[str, Any]:
    response = await actor.get(f"/instructor/questions/{question_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


class TestCreateQuestion:
    async def test_creates_a_draft_with_choices_and_correct_choice(
        self, instructor: Actor, db: Database, frozen_clock
    ):
        bank = await make_question_bank(db, author=instructor.user)
        topic = await make_topic(db, author=instructor.user, bank=bank)

        response = await instructor.post(
            "/instructor/questions",
            json=_body(
                questionBankId=bank.id,
                topicId=topic.id,
                prompt="  What is 2 + 2?  ",
                choices=[{"text": " 3"}, {"text": "4 "}],
            ),
        )

        assert response.status_code == 200, response.text
        body = response.json()
        now = frozen_clock.now.strftime("%Y-%m-%dT%H:%M:%SZ")
        assert body["id"].startswith("qst_")
        assert [c["text"] for c in body["choices"]] == ["3", "4"]
        assert all(c["id"].startswith("ch_") for c in body["choices"])
        assert body == {
            "id": body["id"],
            "questionBankId": bank.id,
            "topicId": topic.id,
            "difficultyId": "medium",
            "prompt": "What is 2 + 2?",
            "explanation": "Count them.",
            "status": "draft",
            "correctChoiceId": body["choices"][1]["id"],
            "choices": body["choices"],
            "createdByUserId": instructor.user.id,
            "updatedByUserId": instructor.user.id,
            "createdAt": now,
            "updatedAt": now,
        }
        assert await _detail(instructor, body["id"]) == body

    async def test_explanation_and_bank_are_optional(self, instructor: Actor):
        body = _body()
        del body["explanation"], body["questionBankId"], body["topicId"]

        response = await instructor.post("/instructor/questions", json=body)

        assert response.status_code == 200, response.text
        assert (
            response.json()["explanation"],
            response.json()["questionBankId"],
            response.json()["topicId"],
        ) == ("", None, None)

    @pytest.mark.parametrize(
        ("overrides", "message"),
        [
            ({"prompt": "   "}, "prompt is required"),
            ({"prompt": "p" * 5001}, "prompt must be at most 5000 characters"),
            ({"difficultyId": ""}, "difficultyId is required"),
            ({"choices": [{"text": "only"}]}, "at least 2 choices are required"),
            ({"choices": []}, "at least 2 choices are required"),
            ({"choices": [{"text": str(i)} for i in range(7)]}, "at most 6 choices are allowed"),
            ({"correctChoiceIndex": 3}, "correctChoiceIndex out of range"),
            ({"correctChoiceIndex": -1}, "correctChoiceIndex out of range"),
            ({"choices": [{"text": "a"}, {"text": "  "}]}, "choice text is required"),
            ({"choices": [{"text": "a"}, {}]}, "choice text is required"),
            (
                {"choices": [{"text": "a"}, {"text": "c" * 1001}]},
                "choice text must be at most 1000 characters",
            ),
            (
                {"choices": [{"text": "Paris"}, {"text": " paris "}], "correctChoiceIndex": 0},
                "choices must be distinct",
            ),
            ({"explanation": "e" * 10001}, "explanation must be at most 10000 characters"),
            ({"questionBankId": "pkg_nope"}, "unknown question bank"),
            ({"topicId": "top_nope"}, "unknown topic"),
            ({"difficultyId": "extreme"}, "unknown difficulty"),
            ({"correctChoiceIndex": 1.5}, "invalid json body"),
            ({"correctChoiceIndex": "1"}, "invalid json body"),
            ({"choices": "a,b"}, "invalid json body"),
            ({"prompt": ["x"]}, "invalid json body"),
            # PostgreSQL text cannot hold NUL: refused up front instead of failing in the database.
            ({"prompt": "a\u0000b"}, "invalid json body"),
            ({"choices": [{"text": "a"}, {"text": "\u0000"}]}, "invalid json body"),
            ({"topicId": "top_\u0000"}, "invalid json body"),
        ],
    )
    async def test_invalid_content_is_rejected_and_nothing_is_stored(
        self, instructor: Actor, overrides: dict[str, Any], message: str
    ):
        response = await instructor.post("/instructor/questions", json=_body(**overrides))

        assert_error(response, 400, message)
        listed = await instructor.get("/instructor/questions")
        assert listed.json()["items"] == []

    async def test_six_choices_are_allowed(self, instructor: Actor):
        response = await instructor.post(
            "/instructor/questions",
            json=_body(choices=[{"text": str(i)} for i in range(6)], correctChoiceIndex=5),
        )
        assert response.status_code == 200, response.text
        assert response.json()["correctChoiceId"] == response.json()["choices"][5]["id"]

    async def test_malformed_json_is_400(self, instructor: Actor):
        response = await instructor.client.post(
            "/instructor/questions",
            content=b"{not json",
            headers={
                "content-type": "application/json",
                "x-csrf-token": instructor.client.cookies["ace_csrf"],
            },
        )
        assert_error(response, 400, "invalid json body")

    async def test_student_is_forbidden(self, student: Actor):
        assert_error(await student.post("/instructor/questions", json=_body()), 403, "forbidden")


class TestListQuestions:
    async def test_lists_every_author_last_edited_first_with_filters(
        self, instructor: Actor, other_instructor: Actor, db: Database, frozen_clock
    ):
        bank = await make_question_bank(db, author=instructor.user)
        mine = await make_question(db, author=instructor.user, bank=bank, difficulty_id="hard")
        frozen_clock.advance(seconds=1)
        theirs = await make_question(db, author=other_instructor.user, status="published")

        everything = (await instructor.get("/instructor/questions")).json()
        drafts = (await instructor.get("/instructor/questions", status="draft")).json()["items"]
        of_bank = (await instructor.get("/instructor/questions", questionBankId=bank.id)).json()["items"]
        hard = (await instructor.get("/instructor/questions", difficultyId="hard", status="")).json()["items"]
        unknown_status = (await instructor.get("/instructor/questions", status="bogus")).json()["items"]

        assert [q["id"] for q in everything["items"]] == [theirs.question.id, mine.question.id]
        # ace.md §9.1: no status in the items, even here.
        assert set(everything["items"][0]) == {"id", "questionBankId", "topicId", "difficultyId", "prompt"}
        assert [q["id"] for q in drafts] == [mine.question.id]
        assert [q["id"] for q in of_bank] == [mine.question.id]
        assert [q["id"] for q in hard] == [mine.question.id]
        assert unknown_status == []

    async def test_pagination_is_normalised(self, instructor: Actor, db: Database):
        for _ in range(3):
            await make_question(db, author=instructor.user)

        page = (await instructor.get("/instructor/questions", limit="2", offset="1")).json()
        clamped = (await instructor.get("/instructor/questions", limit="0", offset="-5")).json()
        junk = (await instructor.get("/instructor/questions", limit="x", offset="y")).json()

        assert (len(page["items"]), page["limit"], page["offset"], page["hasMore"]) == (2, 2, 1, False)
        assert (len(clamped["items"]), clamped["limit"], clamped["offset"], clamped["hasMore"]) == (
            1,
            1,
            0,
            True,
        )
        assert (junk["limit"], junk["offset"]) == (20, 0)

    @pytest.mark.parametrize("name", ["status", "questionBankId", "topicId", "difficultyId"])
    async def test_nul_in_a_filter_is_400(self, instructor: Actor, name: str):
        response = await instructor.get("/instructor/questions", **{name: "a\x00"})
        assert_error(response, 400, "invalid query parameter")


class TestGetQuestion:
    async def test_any_author_may_read_any_question(
        self, instructor: Actor, other_instructor: Actor, db: Database
    ):
        made = await make_question(
            db, author=other_instructor.user, explanation="why", review_note="secret note"
        )

        body = await _detail(instructor, made.question.id)

        assert body["correctChoiceId"] == made.correct_choice_id
        assert body["explanation"] == "why"
        assert [c["id"] for c in body["choices"]] == [c.id for c in made.choices]
        assert "reviewNote" not in body and "secret note" not in str(body)

    async def test_missing_correct_choice_is_empty_string(self, instructor: Actor, db: Database):
        made = await make_question(db, author=instructor.user, correct_index=None)
        assert (await _detail(instructor, made.question.id))["correctChoiceId"] == ""

    @pytest.mark.parametrize("question_id", ["qst_nope", "%20", "%00", "qst_%F0%9F%98%80", "x" * 2000])
    async def test_unknown_or_malformed_id_is_404(self, instructor: Actor, question_id: str):
        assert_error(await instructor.get(f"/instructor/questions/{question_id}"), 404, "question not found")


class TestUpdateQuestion:
    async def test_updates_the_given_fields_only(self, instructor: Actor, db: Database, frozen_clock):
        bank = await make_question_bank(db, author=instructor.user)
        topic = await make_topic(db, author=instructor.user, bank=bank)
        made = await make_question(db, author=instructor.user, explanation="old")
        frozen_clock.advance(minutes=5)

        response = await instructor.put(
            f"/instructor/questions/{made.question.id}",
            json={
                "questionBankId": bank.id,
                "topicId": topic.id,
                "difficultyId": "hard",
                "prompt": " New? ",
                "explanation": None,
            },
        )

        assert response.status_code == 200, response.text
        assert response.json() == {"ok": True}
        body = await _detail(instructor, made.question.id)
        assert (
            body["questionBankId"],
            body["topicId"],
            body["difficultyId"],
            body["prompt"],
            body["explanation"],
        ) == (
            bank.id,
            topic.id,
            "hard",
            "New?",
            "old",
        )
        assert body["updatedAt"] == frozen_clock.now.strftime("%Y-%m-%dT%H:%M:%SZ")
        assert body["status"] == "draft"

    async def test_null_keeps_and_empty_string_clears_bank_and_topic(self, instructor: Actor, db: Database):
        bank = await make_question_bank(db, author=instructor.user)
        topic = await make_topic(db, author=instructor.user, bank=bank)
        kept = await make_question(db, author=instructor.user, bank=bank, topic=topic)
        cleared = await make_question(db, author=instructor.user, bank=bank, topic=topic)

        await instructor.put(
            f"/instructor/questions/{kept.question.id}",
            json={"questionBankId": None, "topicId": None, "prompt": "p"},
        )
        await instructor.put(
            f"/instructor/questions/{cleared.question.id}", json={"questionBankId": "", "topicId": ""}
        )

        assert [
            (await _detail(instructor, q.question.id))[k]
            for q in (kept, cleared)
            for k in ("questionBankId", "topicId")
        ] == [
            bank.id,
            topic.id,
            None,
            None,
        ]

    @pytest.mark.parametrize(
        ("body", "message"),
        [
            ({}, "no updates"),
            ({"prompt": None, "topicId": None}, "no updates"),
            ({"prompt": "  "}, "prompt cannot be empty"),
            ({"prompt": "p" * 5001}, "prompt must be at most 5000 characters"),
            ({"difficultyId": " "}, "difficultyId cannot be empty"),
            ({"difficultyId": "extreme"}, "unknown difficulty"),
            ({"questionBankId": "pkg_nope"}, "unknown question bank"),
            ({"topicId": "top_nope"}, "unknown topic"),
            ({"explanation": "e" * 10001}, "explanation must be at most 10000 characters"),
            ({"prompt": 1}, "invalid json body"),
        ],
    )
    async def test_invalid_input_changes_nothing(
        self, instructor: Actor, db: Database, body: dict[str, Any], message: str
    ):
        made = await make_question(db, author=instructor.user, prompt="Same?")
        before = await _detail(instructor, made.question.id)

        assert_error(
            await instructor.put(f"/instructor/questions/{made.question.id}", json=body), 400, message
        )
        assert await _detail(instructor, made.question.id) == before

    async def test_another_instructors_question_is_404(
        self, instructor: Actor, other_instructor: Actor, db: Database
    ):
        made = await make_question(db, author=other_instructor.user, prompt="Theirs?")

        response = await instructor.put(
            f"/instructor/questions/{made.question.id}", json={"prompt": "Mine now?"}
        )

        assert_error(response, 404, "question not found")
        assert (await _detail(instructor, made.question.id))["prompt"] == "Theirs?"

    async def test_unknown_question_is_404(self, instructor: Actor):
        assert_error(
            await instructor.put("/instructor/questions/qst_nope", json={"prompt": "x"}),
            404,
            "question not found",
        )

    async def test_admin_may_edit_any_question_and_it_stays_published(
        self, admin: Actor, instructor: Actor, db: Database
    ):
        made = await make_question(db, author=instructor.user, status="published")

        assert (
            await admin.put(f"/instructor/questions/{made.question.id}", json={"prompt": "Fixed?"})
        ).status_code == 200

        body = await _detail(admin, made.question.id)
        assert (body["prompt"], body["status"], body["updatedByUserId"]) == (
            "Fixed?",
            "published",
            admin.user.id,
        )

    async def test_instructor_edit_of_a_published_question_sends_it_back_to_draft(
        self, instructor: Actor, db: Database
    ):
        # ace.md §16.1 S4: the original kept it published, so unreviewed content went live.
        made = await make_question(db, author=instructor.user, status="published")

        assert (
            await instructor.put(f"/instructor/questions/{made.question.id}", json={"prompt": "Changed?"})
        ).status_code == 200

        assert (await _detail(instructor, made.question.id))["status"] == "draft"

    async def test_instructor_save_without_changes_keeps_it_published(self, instructor: Actor, db: Database):
        made = await make_question(
            db, author=instructor.user, status="published", prompt="Same?", explanation="e"
        )

        response = await instructor.put(
            f"/instructor/questions/{made.question.id}",
            json={
                "questionBankId": None,
                "topicId": None,
                "difficultyId": "easy",
                "prompt": "Same?",
                "explanation": "e",
            },
        )

        assert response.status_code == 200
        assert (await _detail(instructor, made.question.id))["status"] == "published"


class TestReplaceChoices:
    async def test_replaces_choices_with_new_ids(self, instructor: Actor, db: Database):
        made = await make_question(db, author=instructor.user, choices=("a", "b"))

        response = await instructor.put(
            f"/instructor/questions/{made.question.id}/choices",
            json={"choices": [{"text": "x"}, {"text": " y "}, {"text": "z"}], "correctChoiceIndex": 2},
        )

        assert response.status_code == 200, response.text
        assert response.json() == {"ok": True}
        body = await _detail(instructor, made.question.id)
        assert [c["text"] for c in body["choices"]] == ["x", "y", "z"]
        assert not {c["id"] for c in body["choices"]} & {c.id for c in made.choices}
        assert body["correctChoiceId"] == body["choices"][2]["id"]

    async def test_identical_choices_keep_their_ids(self, instructor: Actor, db: Database):
        made = await make_question(
            db, author=instructor.user, choices=("a", "b"), correct_index=1, status="published"
        )

        response = await instructor.put(
            f"/instructor/questions/{made.question.id}/choices",
            json={"choices": [{"text": "a"}, {"text": "b"}], "correctChoiceIndex": 1},
        )

        assert response.status_code == 200
        body = await _detail(instructor, made.question.id)
        assert [c["id"] for c in body["choices"]] == [c.id for c in made.choices]
        assert body["status"] == "published"

    async def test_moving_the_correct_choice_is_a_change(self, instructor: Actor, db: Database):
        made = await make_question(
            db, author=instructor.user, choices=("a", "b"), correct_index=0, status="published"
        )

        await instructor.put(
            f"/instructor/questions/{made.question.id}/choices",
            json={"choices": [{"text": "a"}, {"text": "b"}], "correctChoiceIndex": 1},
        )

        body = await _detail(instructor, made.question.id)
        assert body["correctChoiceId"] == body["choices"][1]["id"]
        assert body["status"] == "draft"

    @pytest.mark.parametrize(
        ("body", "message"),
        [
            ({"choices": [{"text": "a"}], "correctChoiceIndex": 0}, "at least 2 choices are required"),
            (
                {"choices": [{"text": str(i)} for i in range(7)], "correctChoiceIndex": 0},
                "at most 6 choices are allowed",
            ),
            (
                {"choices": [{"text": "a"}, {"text": "b"}], "correctChoiceIndex": 2},
                "correctChoiceIndex out of range",
            ),
            ({"choices": [{"text": "a"}, {"text": ""}], "correctChoiceIndex": 0}, "choice text is required"),
            (
                {"choices": [{"text": "a"}, {"text": "A"}], "correctChoiceIndex": 0},
                "choices must be distinct",
            ),
            ({"choices": [{"text": "a"}, {"text": "b"}], "correctChoiceIndex": True}, "invalid json body"),
        ],
    )
    async def test_invalid_choices_change_nothing(
        self, instructor: Actor, db: Database, body: dict[str, Any], message: str
    ):
        made = await make_question(db, author=instructor.user)
        before = await _detail(instructor, made.question.id)

        assert_error(
            await instructor.put(f"/instructor/questions/{made.question.id}/choices", json=body), 400, message
        )
        assert await _detail(instructor, made.question.id) == before

    async def test_another_instructors_question_is_404(
        self, instructor: Actor, other_instructor: Actor, db: Database
    ):
        made = await make_question(db, author=other_instructor.user)
        before = await _detail(instructor, made.question.id)

        response = await instructor.put(
            f"/instructor/questions/{made.question.id}/choices",
            json={"choices": [{"text": "x"}, {"text": "y"}], "correctChoiceIndex": 0},
        )

        assert_error(response, 404, "question not found")
        assert await _detail(instructor, made.question.id) == before


class TestDeleteQuestion:
    async def test_author_deletes_their_question(self, instructor: Actor, db: Database):
        made = await make_question(db, author=instructor.user)

        response = await instructor.delete(f"/instructor/questions/{made.question.id}")

        assert response.status_code == 200
        assert response.json() == {"ok": True}
        assert_error(
            await instructor.get(f"/instructor/questions/{made.question.id}"), 404, "question not found"
        )

    async def test_another_instructors_question_is_404_and_kept(
        self, instructor: Actor, other_instructor: Actor, db: Database
    ):
        made = await make_question(db, author=other_instructor.user)

        assert_error(
            await instructor.delete(f"/instructor/questions/{made.question.id}"), 404, "question not found"
        )
        assert (await other_instructor.get(f"/instructor/questions/{made.question.id}")).status_code == 200

    @pytest.mark.parametrize("path", ["/instructor/questions/{id}", "/admin/questions/{id}"])
    async def test_admin_deletes_any_question(self, admin: Actor, instructor: Actor, db: Database, path: str):
        made = await make_question(db, author=instructor.user, status="published")

        assert (await admin.delete(path.format(id=made.question.id))).status_code == 200
        assert (await admin.get(f"/instructor/questions/{made.question.id}")).status_code == 404

    @pytest.mark.parametrize("path", ["/instructor/questions/qst_nope", "/admin/questions/qst_nope"])
    async def test_unknown_question_is_404(self, admin: Actor, path: str):
        assert_error(await admin.delete(path), 404, "question not found")

    async def test_admin_route_refuses_instructors(self, instructor: Actor, db: Database):
        made = await make_question(db, author=instructor.user)
        assert_error(await instructor.delete(f"/admin/questions/{made.question.id}"), 403, "forbidden")
