"""The review workflow (ace.md §9.23-9.26, §10 with its Fix): who may do what, from which status."""

import itertools

import pytest

from acelab.db.engine import Database
from acelab.db.session import unit_of_work
from acelab.questions.models import Question
from tests.actors import Actor, LoginAs, assert_error
from tests.factories import make_question

STATUSES = ("draft", "in_review", "needs_changes", "published", "archived")

# action -> (path, target status, statuses it may start from, admin only)
ACTIONS = {
    "submit-for-review": (
        "/instructor/questions/{id}/submit-for-review",
        "in_review",
        {"draft", "needs_changes"},
        False,
    ),
    "draft": ("/instructor/questions/{id}/draft", "draft", set(STATUSES), False),
    "archive": ("/instructor/questions/{id}/archive", "archived", set(STATUSES), False),
    # The admin UI's "Create & Publish" publishes a brand-new draft: publish stays open from any status.
    "publish": ("/instructor/questions/{id}/publish", "published", set(STATUSES), True),
    "approve": ("/admin/questions/{id}/approve", "published", {"in_review"}, True),
    "request-changes": (
        "/admin/questions/{id}/request-changes",
        "needs_changes",
        {"in_review", "published"},
        True,
    ),
}
ROLES = ("author", "other instructor", "admin")

VERBS = {
    "submit-for-review": "submit for review",
    "draft": "move to draft",
    "archive": "archive",
    "publish": "publish",
    "approve": "approve",
    "request-changes": "request changes on",
}


def _expected(role: str, action: str, status: str) -> tuple[int, str]:
    """(HTTP status, status after) for one cell of the table."""
    _, target, sources, admin_only = ACTIONS[action]
    if admin_only and role != "admin":
        return 403, status
    if role == "other instructor":
        return 404, status
    if status not in sources:
        return 409, status
    return 200, target


TABLE = [
    pytest.param(role, action, status, *_expected(role, action, status), id=f"{role}-{action}-{status}")
    for role, action, status in itertools.product(ROLES, ACTIONS, STATUSES)
]


async def _stored(db: Database, question_id: str) -> Question:
    async with unit_of_work(db) as session:
        question = await session.get(Question, question_id)
        assert question is not None
        return question


class TestTransitionTable:
    @pytest.mark.parametrize(("role", "action", "status", "http_status", "status_after"), TABLE)
    async def test_role_action_status(
        self,
        login_as: LoginAs,
        db: Database,
        role: str,
        action: str,
        status: str,
        http_status: int,
        status_after: str,
    ):
        author = await login_as("instructor")
        actor = {"author": author, "other instructor": None, "admin": None}[role] or await login_as(
            "admin" if role == "admin" else "instructor"
        )
        made = await make_question(db, author=author.user, status=status)

        response = await actor.post(ACTIONS[action][0].format(id=made.question.id), json={})

        assert response.status_code == http_status, response.text
        if http_status == 200:
            assert response.json() == {"ok": True}
        else:
            message = {
                403: "forbidden",
                404: "question not found",
                409: f"cannot {VERBS[action]} a question whose status is {status}",
            }[http_status]
            assert response.json() == {"message": message}
        stored = await _stored(db, made.question.id)
        assert stored.status == status_after
        assert stored.updated_by_user_id == (actor.user.id if http_status == 200 else author.user.id)


class TestReviewNote:
    async def test_request_changes_stores_the_note_and_submit_clears_it(
        self, instructor: Actor, admin: Actor, db: Database
    ):
        made = await make_question(db, author=instructor.user, status="in_review")

        await admin.post(
            f"/admin/questions/{made.question.id}/request-changes", json={"note": "  Fix choice B  "}
        )
        assert (await _stored(db, made.question.id)).review_note == "Fix choice B"
        # ace.md §9.1: the note is never returned.
        body = (await instructor.get(f"/instructor/questions/{made.question.id}")).json()
        assert "Fix choice B" not in str(body) and "reviewNote" not in body

        await instructor.post(f"/instructor/questions/{made.question.id}/submit-for-review")
        stored = await _stored(db, made.question.id)
        assert (stored.status, stored.review_note) == ("in_review", "")

    async def test_approve_clears_the_note_and_publish_keeps_it(
        self, admin: Actor, instructor: Actor, db: Database
    ):
        approved = await make_question(db, author=instructor.user, status="in_review", review_note="old")
        published = await make_question(
            db, author=instructor.user, status="needs_changes", review_note="kept"
        )

        await admin.post(f"/admin/questions/{approved.question.id}/approve")
        await admin.post(f"/instructor/questions/{published.question.id}/publish")

        assert (await _stored(db, approved.question.id)).review_note == ""
        assert (await _stored(db, published.question.id)).review_note == "kept"

    @pytest.mark.parametrize("content", [None, b"", b"{}", b"not json", b"[1]", b'{"note": 5}', b"null"])
    async def test_request_changes_body_is_optional_and_lenient(
        self, admin: Actor, instructor: Actor, db: Database, content
    ):
        made = await make_question(db, author=instructor.user, status="in_review", review_note="old")

        response = await admin.client.post(
            f"/admin/questions/{made.question.id}/request-changes",
            content=content,
            headers={"content-type": "application/json", "x-csrf-token": admin.client.cookies["ace_csrf"]},
        )

        assert response.status_code == 200, response.text
        stored = await _stored(db, made.question.id)
        assert (stored.status, stored.review_note) == ("needs_changes", "")

    async def test_overlong_note_is_rejected(self, admin: Actor, instructor: Actor, db: Database):
        made = await make_question(db, author=instructor.user, status="in_review")

        response = await admin.post(
            f"/admin/questions/{made.question.id}/request-changes", json={"note": "n" * 5001}
        )

        assert_error(response, 400, "note must be at most 5000 characters")
        assert (await _stored(db, made.question.id)).status == "in_review"


class TestWorkflowEndToEnd:
    async def test_create_review_request_changes_resubmit_approve(self, instructor: Actor, admin: Actor):
        created = await instructor.post(
            "/instructor/questions",
            json={
                "difficultyId": "easy",
                "prompt": "Q?",
                "choices": [{"text": "a"}, {"text": "b"}],
                "correctChoiceIndex": 0,
            },
        )
        question_id = created.json()["id"]

        steps = [
            (instructor, f"/instructor/questions/{question_id}/submit-for-review", "in_review"),
            (admin, f"/admin/questions/{question_id}/request-changes", "needs_changes"),
            (instructor, f"/instructor/questions/{question_id}/submit-for-review", "in_review"),
            (admin, f"/admin/questions/{question_id}/approve", "published"),
        ]
        for actor, path, status in steps:
            assert (await actor.post(path, json={"note": "n"})).status_code == 200, path
            assert (await instructor.get(f"/instructor/questions/{question_id}")).json()["status"] == status

    async def test_admin_create_and_publish(self, admin: Actor):
        created = await admin.post(
            "/instructor/questions",
            json={
                "difficultyId": "easy",
                "prompt": "Q?",
                "choices": [{"text": "a"}, {"text": "b"}],
                "correctChoiceIndex": 0,
            },
        )
        question_id = created.json()["id"]

        assert (await admin.post(f"/instructor/questions/{question_id}/publish")).status_code == 200
        assert (await admin.get(f"/instructor/questions/{question_id}")).json()["status"] == "published"

    @pytest.mark.parametrize("question_id", ["qst_nope", "%00"])
    @pytest.mark.parametrize("action", ["publish", "archive", "draft", "submit-for-review"])
    async def test_unknown_question_is_404_for_admins(self, admin: Actor, action: str, question_id: str):
        response = await admin.post(f"/instructor/questions/{question_id}/{action}")
        assert_error(response, 404, "question not found")

    @pytest.mark.parametrize("action", ["approve", "request-changes"])
    async def test_unknown_question_is_404_on_admin_routes(self, admin: Actor, action: str):
        assert_error(await admin.post(f"/admin/questions/qst_nope/{action}"), 404, "question not found")
