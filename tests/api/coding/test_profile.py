"""GET /profile, the learner profile that graded submissions update, and per-user LLM keys (§4, §14.3)."""

import os
import re
import shutil

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from acelab.coding.profile import service as profile_service
from acelab.coding.profile.models import UserLlmKey
from acelab.db.session import unit_of_work
from tests.api.judge.conftest import solution, suite
from tests.factories import make_activity, make_problem, make_user
from tests.login import bearer, codemm_token

ENCRYPTION_KEY = "ab" * 32
needs_sandbox = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("bwrap") is None, reason="the judge sandbox needs root and bubblewrap"
)


@pytest.fixture
async def learner(client, db, identity):
    user = await make_user(db, identity)
    return user, bearer(await codemm_token(client, email=user.email))


@needs_sandbox
class TestProfile:
    async def test_stats_activities_and_recent_submissions(self, client, db, learner):
        user, headers = learner
        problem = make_problem(problem_id="p-1", test_suite=suite("python"))
        activity = await make_activity(db, owner=user, problems=[problem])
        for case in ("accepted", "wrong_answer", "accepted"):
            body = {
                "language": "python",
                "code": solution("python", case),
                "testSuite": suite("python"),
                "activityId": activity.id,
                "problemId": "p-1",
            }
            assert (await client.post("/submit", json=body, headers=headers)).status_code == 200
        r = await client.get("/profile", headers=headers)
        assert r.status_code == 200
        body = r.json()
        username = user.email.split("@")[0]
        assert body["user"] == {
            "id": user.id,
            "username": username,
            "email": user.email,
            "displayName": username,
            "createdAt": body["user"]["createdAt"],
        }
        stats = body["stats"]
        assert (stats["totalSubmissions"], stats["successfulSubmissions"], stats["successRate"]) == (3, 2, 67)
        assert (stats["activitiesAttempted"], stats["problemsAttempted"]) == (1, 1)
        assert stats["avgExecutionTime"] > 0
        assert [a["id"] for a in body["activities"]] == [activity.id]
        recent = body["recentSubmissions"]
        assert sorted(r["success"] for r in recent) == [0, 1, 1]
        assert set(recent[0]) == {
            "id", "user_id", "activity_id", "problem_id", "code", "success", "passed_tests",
            "total_tests", "execution_time_ms", "submitted_at",
        }  # fmt: skip
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", recent[0]["submitted_at"])

    async def test_graded_submissions_move_the_learners_mastery(self, client, db, learner):
        user, headers = learner
        problem = make_problem(problem_id="p-1", test_suite=suite("python"))
        activity = await make_activity(db, owner=user, problems=[problem])
        body = {
            "language": "python",
            "code": solution("python", "wrong_answer"),
            "testSuite": suite("python"),
            "activityId": activity.id,
            "problemId": "p-1",
        }
        await client.post("/submit", json=body, headers=headers)
        async with unit_of_work(db) as session:
            mastery = await profile_service.read_mastery(session, user_id=user.id, language="python")
        assert mastery is not None and mastery.of("arrays") == pytest.approx(0.45)
        assert [(f["concept"], f["count"]) for f in mastery.recent_failures] == [("arrays", 1)]
        await client.post("/submit", json={**body, "code": solution("python", "accepted")}, headers=headers)
        async with unit_of_work(db) as session:
            mastery = await profile_service.read_mastery(session, user_id=user.id, language="python")
        assert mastery is not None and mastery.of("arrays") == pytest.approx(0.505)


async def test_mastery_decays_toward_the_middle_over_weeks(db, identity, frozen_clock):
    user = await make_user(db, identity)
    async with unit_of_work(db, write=True) as session:
        for _ in range(10):
            await profile_service.record_outcome(
                session, user_id=user.id, language="java", concept="graphs", success=True
            )
    async with unit_of_work(db) as session:
        fresh = await profile_service.read_mastery(session, user_id=user.id, language="java")
    frozen_clock.advance(days=60)
    async with unit_of_work(db) as session:
        later = await profile_service.read_mastery(session, user_id=user.id, language="java")
    assert fresh is not None and later is not None
    assert 0.5 < later.of("graphs") < fresh.of("graphs")
    assert later.of("unknown") == 0.5


class TestLlmKey:
    @pytest.fixture
    def settings(self, settings):
        return settings.model_copy(update={"user_key_encryption_key": SecretStr(ENCRYPTION_KEY)})

    async def test_save_read_and_clear_without_ever_returning_the_key(self, client, db, learner):
        user, headers = learner
        r = await client.get("/profile/llm", headers=headers)
        assert r.json() == {"configured": False, "provider": None, "updatedAt": None}
        secret = "sk-test-0123456789abcdef"
        r = await client.put(
            "/profile/llm", json={"provider": "openai", "apiKey": f"  {secret} "}, headers=headers
        )
        assert r.status_code == 200 and r.json() == {"ok": True}
        r = await client.get("/profile/llm", headers=headers)
        assert r.json()["configured"] is True and r.json()["provider"] == "openai"
        assert secret not in r.text
        async with unit_of_work(db) as session:
            row = (await session.scalars(select(UserLlmKey))).one()
        assert secret not in row.key_ciphertext and row.user_id == user.id
        assert (await client.delete("/profile/llm", headers=headers)).json() == {"ok": True}
        assert (await client.get("/profile/llm", headers=headers)).json()["configured"] is False

    @pytest.mark.parametrize(
        "body",
        [
            {"provider": "mistral", "apiKey": "0123456789abc"},
            {"provider": "openai", "apiKey": "short"},
            {"provider": "openai", "apiKey": "x" * 401},
            {"provider": "openai", "apiKey": "0123456789abc", "extra": 1},
            {"apiKey": "0123456789abc"},
        ],
    )
    async def test_invalid_bodies_are_400(self, client, learner, body):
        _, headers = learner
        r = await client.put("/profile/llm", json=body, headers=headers)
        assert r.status_code == 400 and set(r.json()) == {"error"}

    async def test_needs_a_token(self, client):
        assert (await client.get("/profile/llm")).status_code == 401


async def test_without_an_encryption_key_saving_is_501(client, learner):
    _, headers = learner
    r = await client.put(
        "/profile/llm", json={"provider": "openai", "apiKey": "0123456789abc"}, headers=headers
    )
    assert r.status_code == 501
    assert r.json()["error"] == "Server is not configured to store per-user API keys."
    assert "CODEMM_USER_KEY_ENCRYPTION_KEY" in r.json()["detail"]
