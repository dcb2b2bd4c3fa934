"""The SpecBuilder chat through HTTP (codemm.md §6.2-6.5, §8, §14, §17.1 items 6 and 9)."""

import re
from datetime import timedelta
from types import SimpleNamespace

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import select

from acelab.coding.llm.base import ProviderUnavailable
from acelab.coding.llm.keys import UserKeyCipher
from acelab.coding.llm.select import LlmProviders
from acelab.coding.profile import service as profile_service
from acelab.coding.sessions import errors
from acelab.coding.sessions import service as sessions_service
from acelab.coding.sessions.deps import TOKEN_COOKIE, TOKEN_HEADER, chat_llm
from acelab.coding.sessions.models import CodingSession, SessionMessage
from acelab.db.session import unit_of_work
from tests.coding.spec.fake_llm import FakeLlm, reply
from tests.factories import make_user
from tests.login import bearer, codemm_token

SQLITE_TS = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
GREETING = (
    "How can I help you today?\n\nTell me what you want to learn, and optionally the language "
    "(java/python/cpp/sql) and how many problems (1–7)."
)
JAVA = "Java 17, JUnit 5, no package declarations."
READY_MESSAGE = "Create 2 easy problems in Python with return style. Topics: arrays"


@pytest.fixture(autouse=True)
def no_llm(app):
    """No test reaches a real LLM, whatever the environment holds: the deterministic path by default."""
    app.dependency_overrides[chat_llm] = lambda: None


def use_llm(app, provider):
    app.dependency_overrides[chat_llm] = lambda: provider


def limits(app, **changes):
    app.state.settings = app.state.settings.model_copy(update=changes)


@pytest.fixture
async def user(db, identity):
    return await make_user(db, identity)


@pytest.fixture
async def user_headers(client, user):
    return bearer(await codemm_token(client, email=user.email))


@pytest.fixture
async def stranger_headers(client, db, identity):
    stranger = await make_user(db, identity)
    return bearer(await codemm_token(client, email=stranger.email))


async def start(client, headers=None, body=None):
    """Create a session; return its id and the headers that reach it."""
    r = await client.post("/sessions", json=body, headers=headers or {})
    assert r.status_code == 201, r.text
    created = r.json()
    token = created.get("sessionToken")
    return created["sessionId"], {**(headers or {}), **({TOKEN_HEADER: token} if token else {})}


async def say(client, session_id, message, headers):
    return await client.post(f"/sessions/{session_id}/messages", json={"message": message}, headers=headers)


async def stored(db, session_id):
    async with unit_of_work(db, autocommit=True) as session:
        row = await session.get(CodingSession, session_id)
        messages = await session.scalars(
            select(SessionMessage).where(SessionMessage.session_id == session_id).order_by(SessionMessage.seq)
        )
        return row, [(m.role, m.content) for m in messages]


class TestCreateSession:
    async def test_anonymous_creation_returns_the_contract_shape_and_a_token(self, client):
        r = await client.post("/sessions")
        assert r.status_code == 201
        body = r.json()
        assert body == {
            "sessionId": body["sessionId"],
            "state": "DRAFT",
            "learning_mode": "practice",
            "nextQuestion": GREETING,
            "questionKey": None,
            "done": False,
            "next_action": "ask",
            "sessionToken": body["sessionToken"],
        }
        assert re.fullmatch(r"[0-9a-f-]{36}", body["sessionId"])
        assert len(body["sessionToken"]) == 43
        cookie = r.headers["set-cookie"]
        assert f"{TOKEN_COOKIE}={body['sessionToken']}" in cookie
        assert "HttpOnly" in cookie and "Path=/sessions" in cookie and "SameSite=lax" in cookie

    async def test_a_browser_keeps_one_token_for_all_its_sessions(self, client):
        first = (await client.post("/sessions")).json()
        second = (await client.post("/sessions")).json()
        assert first["sessionToken"] == second["sessionToken"]
        assert first["sessionId"] != second["sessionId"]

    async def test_a_malformed_presented_token_is_not_reused(self, other_client):
        r = await other_client.post("/sessions", headers={TOKEN_HEADER: "weak"})
        assert len(r.json()["sessionToken"]) == 43

    @pytest.mark.parametrize(
        ("body", "mode"),
        [
            ({"learning_mode": "guided"}, "guided"),
            ({"learning_mode": "practice"}, "practice"),
            ({"learning_mode": "GUIDED"}, "practice"),
            ({"learning_mode": 3}, "practice"),
            ({"other": 1}, "practice"),
            (["guided"], "practice"),
            (None, "practice"),
        ],
    )
    async def test_learning_mode_defaults_to_practice(self, client, body, mode):
        r = await client.post("/sessions", json=body)
        assert r.status_code == 201 and r.json()["learning_mode"] == mode

    async def test_a_signed_in_creator_owns_it_and_the_browser_gets_a_token_too(
        self, client, db, user, user_headers
    ):
        r = await client.post("/sessions", headers=user_headers)
        body = r.json()
        # The token cookie lets the browser's EventSource (no Authorization header) follow the stream.
        assert body["sessionToken"] and "codemm_session_token=" in r.headers["set-cookie"]
        row, messages = await stored(db, body["sessionId"])
        assert row.user_id == user.id and row.owner_token_hash is not None
        assert messages == [("assistant", GREETING)]
        assert row.spec == {"test_case_count": 8, "version": "1.0", "constraints": JAVA}

    async def test_a_body_that_is_not_json_is_a_clear_400(self, client):
        r = await client.post("/sessions", content=b"{", headers={"content-type": "application/json"})
        assert r.status_code == 400 and r.json() == {"error": "Invalid JSON body"}


class TestGetSession:
    async def test_the_owner_reads_the_whole_session(self, client):
        session_id, headers = await start(client)
        await say(client, session_id, "I want 3 python problems about arrays, strings", headers)
        r = await client.get(f"/sessions/{session_id}", headers=headers)
        assert r.status_code == 200
        body = r.json()
        assert set(body) == {
            "sessionId",
            "state",
            "learning_mode",
            "spec",
            "messages",
            "collector",
            "confidence",
            "commitments",
            "generationOutcomes",
            "intentTrace",
        }
        assert (body["sessionId"], body["state"], body["learning_mode"]) == (
            session_id,
            "CLARIFYING",
            "practice",
        )
        assert list(body["spec"]) == [
            "test_case_count",
            "version",
            "constraints",
            "language",
            "problem_count",
            "topic_tags",
        ]
        assert [m["role"] for m in body["messages"]] == ["assistant", "user", "assistant"]
        first = body["messages"][0]
        assert set(first) == {"id", "session_id", "role", "content", "created_at"}
        assert first["session_id"] == session_id and SQLITE_TS.fullmatch(first["created_at"])
        assert body["collector"] == {"currentQuestionKey": "difficulty_plan", "buffer": []}
        assert body["confidence"] == {"language": 1, "problem_count": 1, "topic_tags": 1}
        assert all(type(value) is int for value in body["confidence"].values())  # 1, as the original sends
        assert [c["field"] for c in body["commitments"]] == ["language", "problem_count", "topic_tags"]
        assert body["generationOutcomes"] == []
        assert [entry["type"] for entry in body["intentTrace"]] == ["dialogue_turn"]

    async def test_the_session_cookie_is_enough(self, client):
        session_id, _ = await start(client)
        assert (await client.get(f"/sessions/{session_id}")).status_code == 200

    async def test_without_the_token_it_is_forbidden(self, client, other_client):
        # codemm.md §17.1 item 6: the original served any session to anyone holding its id.
        session_id, _ = await start(client)
        for headers in ({}, {TOKEN_HEADER: "x" * 43}):
            r = await other_client.get(f"/sessions/{session_id}", headers=headers)
            assert r.status_code == 403
            assert r.json() == {"error": "You do not have access to this session."}

    async def test_a_user_s_session_is_theirs_only(
        self, client, other_client, user_headers, stranger_headers
    ):
        session_id, _ = await start(client, user_headers)
        assert (await other_client.get(f"/sessions/{session_id}", headers=user_headers)).status_code == 200
        assert (
            await other_client.get(f"/sessions/{session_id}", headers=stranger_headers)
        ).status_code == 403
        assert (await other_client.get(f"/sessions/{session_id}")).status_code == 403

    async def test_unknown_session_is_404(self, client):
        r = await client.get("/sessions/nope")
        assert r.status_code == 404 and r.json() == {"error": "Session not found."}

    async def test_the_trace_shows_the_last_50_entries(self, client, db):
        session_id, headers = await start(client)
        async with unit_of_work(db, write=True) as session:
            row = await session.get(CodingSession, session_id)
            row.intent_trace = [{"type": "t", "n": n} for n in range(80)]
        body = (await client.get(f"/sessions/{session_id}", headers=headers)).json()
        assert [e["n"] for e in body["intentTrace"]] == list(range(30, 80))


class TestListSessions:
    async def test_needs_a_token(self, client):
        r = await client.get("/sessions")
        assert r.status_code == 401 and r.json() == {"error": "Access token required"}

    async def test_the_caller_s_sessions_latest_conversation_first(
        self, client, frozen_clock, user_headers, stranger_headers
    ):
        # Ported from integration/database/sessionHistory.test.js.
        older, _ = await start(client, user_headers)
        frozen_clock.advance(seconds=2)
        newer, _ = await start(client, user_headers)
        await start(client, stranger_headers)
        r = await client.get("/sessions", headers=user_headers)
        assert r.status_code == 200
        sessions = r.json()["sessions"]
        assert [s["id"] for s in sessions] == [newer, older]
        assert sessions[0] == {
            "id": newer,
            "state": "DRAFT",
            "learning_mode": "practice",
            "created_at": sessions[0]["created_at"],
            "updated_at": sessions[0]["updated_at"],
            "activity_id": None,
            "last_message": GREETING,
            "last_message_at": sessions[0]["last_message_at"],
            "message_count": 1,
        }
        assert all(
            SQLITE_TS.fullmatch(sessions[0][k]) for k in ("created_at", "updated_at", "last_message_at")
        )
        frozen_clock.advance(seconds=2)
        await say(client, older, "java please", user_headers)
        sessions = (await client.get("/sessions", headers=user_headers)).json()["sessions"]
        assert [s["id"] for s in sessions] == [older, newer]
        assert sessions[0]["message_count"] == 3
        assert sessions[0]["last_message"].endswith("How many problems should we build? (1-7 works well.)")

    @pytest.mark.parametrize(
        ("limit", "count"), [("1", 1), ("2abc", 2), ("abc", 3), ("0", 1), ("-4", 1), ("999", 3), ("", 3)]
    )
    async def test_limit_is_parsed_like_parse_int_and_clamped(self, client, user_headers, limit, count):
        for _ in range(3):
            await start(client, user_headers)
        r = await client.get("/sessions", params={"limit": limit}, headers=user_headers)
        assert len(r.json()["sessions"]) == count


class TestPostMessageValidation:
    @pytest.mark.parametrize(
        "body",
        [
            None,
            {},
            [],
            "hello",
            {"message": ""},
            {"message": "   "},
            {"message": 5},
            {"message": None},
            {"message": ["x"]},
        ],
    )
    async def test_message_must_be_a_non_blank_string(self, client, db, body):
        session_id, headers = await start(client)
        r = await client.post(f"/sessions/{session_id}/messages", json=body, headers=headers)
        assert r.status_code == 400 and r.json() == {"error": "message is required string."}
        row, messages = await stored(db, session_id)
        assert row.state == "DRAFT" and len(messages) == 1

    async def test_it_is_checked_before_the_session_is_looked_up(self, client):
        r = await client.post("/sessions/unknown/messages", json={"message": " "})
        assert r.status_code == 400 and r.json() == {"error": "message is required string."}

    async def test_a_huge_message_is_refused(self, client, db):
        session_id, headers = await start(client)
        r = await say(client, session_id, "x" * 4001, headers)
        assert r.status_code == 400 and r.json() == {"error": "message must be at most 4000 characters."}
        assert len((await stored(db, session_id))[1]) == 1

    async def test_unknown_session_is_404(self, client):
        r = await say(client, "unknown", "java", {})
        assert r.status_code == 404 and r.json() == {"error": "Session not found."}

    async def test_someone_else_s_session_is_forbidden_and_unchanged(self, client, other_client, db):
        session_id, _ = await start(client)
        r = await say(other_client, session_id, "java", {})
        assert r.status_code == 403 and r.json() == {"error": "You do not have access to this session."}
        row, messages = await stored(db, session_id)
        assert row.state == "DRAFT" and len(messages) == 1

    async def test_a_ready_session_takes_no_more_messages(self, client, db):
        session_id, headers = await start(client)
        assert (await say(client, session_id, READY_MESSAGE, headers)).json()["state"] == "READY"
        r = await say(client, session_id, "make it 3", headers)
        assert r.status_code == 409
        assert r.json() == {"error": "Cannot post messages when session state is READY."}
        row, messages = await stored(db, session_id)
        assert row.state == "READY" and len(messages) == 3

    async def test_a_generating_session_takes_no_messages(self, client, db, user, user_headers):
        session_id, headers = await start(client, user_headers)
        await say(client, session_id, READY_MESSAGE, headers)
        async with unit_of_work(db, write=True) as session:
            await sessions_service.start_generation(
                session, session_id=session_id, caller=SimpleNamespace(user_id=user.id), owner_token=None
            )
        r = await say(client, session_id, "hello", headers)
        assert r.status_code == 409
        assert r.json() == {"error": "Cannot post messages when session state is GENERATING."}


class TestConversation:
    async def test_the_worked_example_without_an_llm(self, client, db):
        session_id, headers = await start(client)
        r = await say(client, session_id, "  I want 3 python problems about arrays, strings  ", headers)
        assert r.status_code == 200
        body = r.json()
        assert body == {
            "accepted": True,
            "state": "CLARIFYING",
            "nextQuestion": "Got it — I want 3 python problems about arrays, strings\n\n"
            "I’ll translate that into an activity spec.\n\n"
            "How hard should the problems be overall? (easy / medium / hard counts)",
            "questionKey": "difficulty_plan",
            "spec": body["spec"],
            "done": False,
            "next_action": "ask",
        }
        assert body["spec"]["language"] == "python" and body["spec"]["problem_count"] == 3
        second = (await say(client, session_id, "easy", headers)).json()
        assert (second["questionKey"], second["spec"]["topic_tags"]) == (
            "problem_style",
            ["arrays", "strings"],
        )
        third = (await say(client, session_id, "return", headers)).json()
        assert (third["state"], third["questionKey"], third["done"], third["next_action"]) == (
            "READY",
            "ready",
            True,
            "ready",
        )
        assert third["nextQuestion"].endswith("Spec looks complete. You can generate the activity.")
        row, messages = await stored(db, session_id)
        assert row.state == "READY" and row.question_key == "ready" and row.message_count == 7
        assert messages[1] == ("user", "I want 3 python problems about arrays, strings")
        assert [role for role, _ in messages] == ["assistant", *["user", "assistant"] * 3]

    async def test_one_message_can_go_straight_to_ready(self, client):
        session_id, headers = await start(client)
        body = (await say(client, session_id, READY_MESSAGE, headers)).json()
        assert (body["state"], body["done"], body["questionKey"]) == ("READY", True, "ready")
        assert body["spec"] == {
            "test_case_count": 8,
            "version": "1.0",
            "constraints": "Python 3.11, pytest, standard library only, no filesystem access, no networking, "
            "time limit enforced.",
            "language": "python",
            "problem_count": 2,
            "difficulty_plan": [{"difficulty": "easy", "count": 2}],
            "topic_tags": ["arrays"],
            "problem_style": "return",
        }

    async def test_an_llm_proposal_waits_for_yes(self, app, client, db):
        proposal = {
            "language": "python",
            "problem_count": 2,
            "topic_tags": ["strings"],
            "problem_style": "return",
        }
        llm = FakeLlm(reply(proposal))
        use_llm(app, llm)
        session_id, headers = await start(client)
        first = (await say(client, session_id, "Python string problems please", headers)).json()
        assert (first["state"], first["questionKey"], first["next_action"]) == (
            "CLARIFYING",
            "confirm:problem_count",
            "confirm",
        )
        assert "language" not in first["spec"]
        detail = (await client.get(f"/sessions/{session_id}", headers=headers)).json()
        assert detail["collector"]["currentQuestionKey"] == "confirm:problem_count"
        assert '"pending_confirmation"' in detail["collector"]["buffer"][0]
        second = (await say(client, session_id, "Yes.", headers)).json()
        assert second["spec"]["problem_count"] == 2 and second["questionKey"] == "difficulty_plan"
        assert len(llm.requests) == 1
        third = (await say(client, session_id, "1 easy 1 medium", headers)).json()
        assert third["state"] == "READY"
        row, _ = await stored(db, session_id)
        assert [e["type"] for e in row.intent_trace] == [
            "dialogue_turn",
            "confirmation_accepted",
            "dialogue_turn",
        ]

    async def test_llm_failures_never_surface(self, app, client):
        use_llm(app, FakeLlm(ProviderUnavailable("provider down")))
        session_id, headers = await start(client)
        r = await say(client, session_id, "java, 2 problems", headers)
        assert r.status_code == 200
        assert r.json()["spec"]["language"] == "java" and r.json()["questionKey"] == "difficulty_plan"

    async def test_guided_sessions_chat_the_same(self, client):
        session_id, headers = await start(client, body={"learning_mode": "guided"})
        body = (await say(client, session_id, READY_MESSAGE, headers)).json()
        assert body["state"] == "READY"

    async def test_an_anonymous_session_becomes_the_signed_in_sender_s(self, client, db, user, user_headers):
        session_id, headers = await start(client)
        r = await say(client, session_id, "java", {**headers, **user_headers})
        assert r.status_code == 200
        row, _ = await stored(db, session_id)
        assert row.user_id == user.id
        listed = (await client.get("/sessions", headers=user_headers)).json()["sessions"]
        assert [s["id"] for s in listed] == [session_id]

    async def test_a_signed_in_caller_without_the_token_cannot_claim(
        self, other_client, client, user_headers
    ):
        session_id, _ = await start(client)
        r = await say(other_client, session_id, "java", user_headers)
        assert r.status_code == 403


class ReentrantLlm:
    """While the LLM answers the first message, a second message arrives for the same session."""

    name = "reentrant"

    def __init__(self, client, session_id, headers, *, before=None):
        self.client, self.session_id, self.headers, self.before = client, session_id, headers, before
        self.inner: httpx.Response | None = None

    async def complete(self, request):
        if self.inner is None:
            self.inner = httpx.Response(0)
            if self.before:
                self.before()
            self.inner = await say(self.client, self.session_id, "python", self.headers)
        return reply({"topic_tags": ["queues"]})


class TestOneMessageAtATime:
    async def test_a_second_message_while_the_llm_answers_gets_409(self, app, client, db):
        session_id, headers = await start(client)
        llm = ReentrantLlm(client, session_id, headers)
        use_llm(app, llm)
        r = await say(client, session_id, "topics: queues", headers)
        assert r.status_code == 200 and r.json()["spec"]["topic_tags"] == ["queues"]
        assert llm.inner.status_code == 409
        assert llm.inner.json() == {
            "error": "The previous message to this session is still being processed. Try again shortly."
        }
        row, messages = await stored(db, session_id)
        assert row.turn_token is None and len(messages) == 3

    async def test_a_turn_outliving_its_lease_is_superseded(self, app, client, db, frozen_clock):
        session_id, headers = await start(client)
        llm = ReentrantLlm(client, session_id, headers, before=lambda: frozen_clock.advance(minutes=10))
        use_llm(app, llm)
        r = await say(client, session_id, "topics: queues", headers)
        assert llm.inner.status_code == 200
        assert r.status_code == 409 and r.json() == {
            "error": "The session changed while your message was being processed. Please send it again."
        }
        row, messages = await stored(db, session_id)
        # Only the second message's turn was stored.
        assert [content for _, content in messages][1] == "python" and len(messages) == 3
        assert row.turn_token is None

    async def test_a_crash_during_the_turn_releases_the_session(self, app, client, db):
        session_id, headers = await start(client)
        use_llm(app, FakeLlm(RuntimeError("bug")))
        with pytest.raises(RuntimeError):
            await say(client, session_id, "java", headers)
        row, messages = await stored(db, session_id)
        assert row.turn_token is None and len(messages) == 1
        use_llm(app, None)
        assert (await say(client, session_id, "java", headers)).status_code == 200


class TestRateLimits:
    async def test_each_user_has_a_budget(self, app, client, db, user_headers, stranger_headers):
        limits(app, chat_rate_per_user=2, chat_rate_per_address=100)
        session_id, headers = await start(client, user_headers)
        for message in ("java", "2 problems"):
            assert (await say(client, session_id, message, headers)).status_code == 200
        r = await say(client, session_id, "easy", headers)
        assert r.status_code == 429
        assert r.json() == {"error": f"Too many messages. Try again in {r.headers['retry-after']} seconds."}
        assert 1 <= int(r.headers["retry-after"]) <= 601
        row, messages = await stored(db, session_id)
        assert len(messages) == 5 and "difficulty_plan" not in row.spec
        other, other_headers = await start(client, stranger_headers)
        assert (await say(client, other, "java", other_headers)).status_code == 200

    async def test_each_address_has_a_budget(self, app, client, other_client):
        limits(app, chat_rate_per_user=100, chat_rate_per_address=3)
        first, first_headers = await start(client)
        second, second_headers = await start(other_client)
        for session_id, headers in ((first, first_headers), (second, second_headers), (first, first_headers)):
            assert (await say(client, session_id, "java", headers)).status_code == 200
        r = await say(other_client, second, "java", second_headers)
        assert r.status_code == 429 and "retry-after" in r.headers

    async def test_the_window_frees_up(self, app, client, frozen_clock):
        limits(app, chat_rate_per_user=100, chat_rate_per_address=1, chat_rate_window_s=60)
        session_id, headers = await start(client)
        assert (await say(client, session_id, "java", headers)).status_code == 200
        r = await say(client, session_id, "2 problems", headers)
        assert r.status_code == 429 and r.headers["retry-after"] == "61"
        frozen_clock.advance(seconds=30)
        assert (await say(client, session_id, "2 problems", headers)).headers["retry-after"] == "31"
        frozen_clock.advance(seconds=31)
        assert (await say(client, session_id, "2 problems", headers)).status_code == 200

    async def test_refused_messages_do_not_count(self, app, client, frozen_clock):
        limits(app, chat_rate_per_user=100, chat_rate_per_address=1, chat_rate_window_s=60)
        session_id, headers = await start(client)
        await say(client, session_id, "java", headers)
        for _ in range(5):
            assert (await say(client, session_id, "x", headers)).status_code == 429
        frozen_clock.advance(seconds=61)
        assert (await say(client, session_id, "2 problems", headers)).status_code == 200


class TestGenerationTransitions:
    """The functions the generation step calls (§6.1, §10.1), on a READY session."""

    @pytest.fixture
    async def ready(self, client, user, user_headers):
        session_id, headers = await start(client, user_headers)
        await say(client, session_id, READY_MESSAGE, headers)
        return session_id

    async def run(self, db, call, **kwargs):
        async with unit_of_work(db, write=True) as session:
            return await call(session, **kwargs)

    async def test_ready_generating_saved(self, db, ready, user):
        caller = SimpleNamespace(user_id=user.id)
        row = await self.run(
            db, sessions_service.start_generation, session_id=ready, caller=caller, owner_token=None
        )
        assert row.state == "GENERATING" and row.generation_heartbeat_at is not None
        await self.run(db, sessions_service.save_plan, session_id=ready, plan=[{"index": 0}])
        await self.run(
            db,
            sessions_service.save_checkpoint,
            session_id=ready,
            problems=[{"id": "p0"}],
            outcomes=[{"slotIndex": 0, "success": True, "retries": 0}],
        )
        await self.run(db, sessions_service.complete_generation, session_id=ready, activity_id="act-1")
        row, _ = await stored(db, ready)
        assert (row.state, row.activity_id, row.plan, row.problems) == (
            "SAVED",
            "act-1",
            [{"index": 0}],
            [{"id": "p0"}],
        )
        assert row.generation_outcomes == [{"slotIndex": 0, "success": True, "retries": 0}]

    async def test_a_failure_returns_to_ready_for_a_retry(self, db, ready, user):
        caller = SimpleNamespace(user_id=user.id)
        await self.run(
            db, sessions_service.start_generation, session_id=ready, caller=caller, owner_token=None
        )
        await self.run(db, sessions_service.fail_generation, session_id=ready, error="slot 0 failed")
        row, _ = await stored(db, ready)
        assert (row.state, row.last_error) == ("READY", "slot 0 failed")

    async def test_generate_needs_ready_and_no_activity(self, db, ready, user, client, user_headers):
        caller = SimpleNamespace(user_id=user.id)
        draft, _ = await start(client, user_headers)
        with pytest.raises(errors.GenerateNotReady) as refused:
            await self.run(
                db, sessions_service.start_generation, session_id=draft, caller=caller, owner_token=None
            )
        assert refused.value.message == "Cannot generate when session state is DRAFT. Expected READY."
        await self.run(
            db, sessions_service.start_generation, session_id=ready, caller=caller, owner_token=None
        )
        with pytest.raises(errors.GenerateNotReady):
            await self.run(
                db, sessions_service.start_generation, session_id=ready, caller=caller, owner_token=None
            )
        async with unit_of_work(db, write=True) as session:
            row = await session.get(CodingSession, ready)
            row.state, row.activity_id = "READY", "act-1"
        with pytest.raises(errors.AlreadyGenerated) as again:
            await self.run(
                db, sessions_service.start_generation, session_id=ready, caller=caller, owner_token=None
            )
        assert again.value.message == "Session already produced an activity. Cannot re-generate."

    async def test_only_the_owner_generates(self, db, ready, identity):
        stranger = await make_user(db, identity)
        with pytest.raises(errors.NotYourSession):
            await self.run(
                db,
                sessions_service.start_generation,
                session_id=ready,
                caller=SimpleNamespace(user_id=stranger.id),
                owner_token=None,
            )

    async def test_illegal_transitions_are_refused_with_the_contract_s_message(self, db, ready):
        with pytest.raises(errors.InvalidTransition) as refused:
            await self.run(db, sessions_service.complete_generation, session_id=ready, activity_id="a")
        assert refused.value.message == "Invalid session state transition: READY -> GENERATING"
        row = SimpleNamespace(state="SAVED")
        with pytest.raises(errors.InvalidTransition) as saved:
            sessions_service.transition(row, "READY")
        assert saved.value.message == "Invalid session state transition: SAVED -> READY"
        sessions_service.transition(row, "SAVED")  # staying put is allowed

    async def test_a_generation_that_stopped_beating_returns_to_ready(self, db, ready, user, frozen_clock):
        caller = SimpleNamespace(user_id=user.id)
        await self.run(
            db, sessions_service.start_generation, session_id=ready, caller=caller, owner_token=None
        )
        frozen_clock.advance(minutes=1)
        assert (
            await self.run(
                db, sessions_service.recover_interrupted_generations, stale_after=timedelta(minutes=5)
            )
            == 0
        )
        frozen_clock.advance(minutes=5)
        assert (
            await self.run(
                db, sessions_service.recover_interrupted_generations, stale_after=timedelta(minutes=5)
            )
            == 1
        )
        row, _ = await stored(db, ready)
        assert (row.state, row.last_error) == ("READY", "Generation was interrupted. Please try again.")


ENCRYPTION_KEY = "11" * 32
NO_KEYS = {
    "llm_provider": "auto",
    "openai_api_key": None,
    "anthropic_api_key": None,
    "gemini_api_key": None,
    "user_key_encryption_key": None,
}


class TestChatLlm:
    """Which LLM the chat asks: the dependency every other test replaces (no call is made here)."""

    @pytest.fixture
    async def build(self, settings):
        built = []

        def build(**changes):
            built.append(LlmProviders(settings.model_copy(update={**NO_KEYS, **changes})))
            return built[-1]

        yield build
        for providers in built:
            await providers.aclose()

    async def pick(self, db, providers, caller=None):
        request = SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace(llm=providers)))
        return await chat_llm(request, db, caller)

    async def store_key(self, db, user, provider):
        cipher = UserKeyCipher(bytes.fromhex(ENCRYPTION_KEY))
        async with unit_of_work(db, write=True) as session:
            await profile_service.save_llm_key(
                session, user_id=user.id, provider=provider, api_key="sk-user", cipher=cipher
            )

    async def test_without_any_key_the_chat_is_deterministic(self, app, client, build):
        app.state.llm = build()
        del app.dependency_overrides[chat_llm]
        session_id, headers = await start(client)
        r = await say(client, session_id, READY_MESSAGE, headers)
        assert r.status_code == 200 and r.json()["state"] == "READY"

    async def test_the_server_s_key(self, db, build):
        assert await self.pick(db, build()) is None
        assert (await self.pick(db, build(anthropic_api_key=SecretStr("sk-server")))).name == "anthropic"

    async def test_the_user_s_own_key_wins(self, db, build, user):
        await self.store_key(db, user, "gemini")
        providers = build(
            anthropic_api_key=SecretStr("sk-server"), user_key_encryption_key=SecretStr(ENCRYPTION_KEY)
        )
        assert (await self.pick(db, providers, SimpleNamespace(user_id=user.id))).name == "gemini"
        assert (await self.pick(db, providers)).name == "anthropic"

    async def test_an_unusable_configuration_falls_back_to_the_deterministic_path(self, db, build, user):
        await self.store_key(db, user, "openai")
        # The stored key cannot be decrypted without the server's encryption key.
        assert await self.pick(db, build(), SimpleNamespace(user_id=user.id)) is None
        # An explicit provider without its key.
        assert await self.pick(db, build(llm_provider="gemini", openai_api_key=SecretStr("k"))) is None
