"""Generating an activity from a READY session, with the real sandbox and the offline generator
(codemm.md §6.6, §10, §11)."""

import asyncio
import json
from datetime import timedelta

import pytest

from acelab.coding.sessions import service as sessions_service
from acelab.coding.sessions.models import CodingSession
from acelab.db.session import unit_of_work
from tests.factories import activity_spec, make_ready_session, make_user
from tests.login import bearer, codemm_token

SLOT_ORDER = [
    "slot_started", "problem_started", "slot_llm_attempt_started", "attempt_started",
    "slot_contract_validated", "slot_docker_validation_started", "validation_started",
    "slot_completed", "problem_validated",
]  # fmt: skip


@pytest.fixture
async def owner(db, identity):
    return await make_user(db, identity)


@pytest.fixture
async def headers(client, owner):
    return bearer(await codemm_token(client, email=owner.email))


def frames(text: str) -> list[dict[str, str]]:
    """The SSE frames of a stream body, as field -> value."""
    out = []
    for block in text.split("\n\n"):
        fields = {}
        for line in block.splitlines():
            if line and not line.startswith(":"):
                key, _, value = line.partition(": ")
                fields[key] = value
        if fields:
            out.append(fields)
    return out


async def test_generates_verified_problems_into_a_draft_activity(client, db, owner, headers):
    ready = await make_ready_session(db, owner=owner)
    r = await client.post(f"/sessions/{ready.id}/generate", headers=headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["problemCount"] == 2
    activity = (await client.get(f"/activities/{body['activityId']}", headers=headers)).json()["activity"]
    assert activity["status"] == "DRAFT" and activity["title"] == "Activity (2 problems)"
    for problem in activity["problems"]:
        assert problem["language"] == "python" and problem["difficulty"] == "easy"
        assert problem["topic_tag"] == "strings"
        assert "reference_solution" not in problem and problem["test_suite"].count("def test_case_") == 8
    assert len({p["id"] for p in activity["problems"]}) == 2
    detail = (await client.get(f"/sessions/{ready.id}", headers=headers)).json()
    assert detail["state"] == "SAVED"


async def test_the_stream_replays_the_run_in_contract_order_with_ids(client, db, owner, headers):
    ready = await make_ready_session(db, owner=owner, spec=activity_spec(count=1))
    activity_id = (await client.post(f"/sessions/{ready.id}/generate", headers=headers)).json()["activityId"]
    r = await client.get(f"/sessions/{ready.id}/generate/stream", headers=headers)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
    got = frames(r.text)
    assert got[0]["event"] == "ready" and json.loads(got[0]["data"])["sessionId"] == ready.id
    events = [json.loads(f["data"]) for f in got[1:]]
    types = [e["type"] for e in events if e["type"] != "heartbeat"]
    assert types == ["generation_started", *SLOT_ORDER, "generation_completed", "generation_complete"]
    assert events[-1]["activityId"] == activity_id
    ids = [int(f["id"]) for f in got[1:]]
    assert ids == sorted(ids) and all(ids)
    # Resuming after the fourth event replays only what followed it.
    resumed = frames((await client.get(
        f"/sessions/{ready.id}/generate/stream", headers={**headers, "Last-Event-ID": str(ids[3])}
    )).text)  # fmt: skip
    assert [int(f["id"]) for f in resumed[1:]] == [i for i in ids if i > ids[3]]


async def test_two_generate_calls_at_once_run_one_generation(client, db, owner, headers):
    ready = await make_ready_session(db, owner=owner, spec=activity_spec(count=1))
    first, second = await asyncio.gather(
        client.post(f"/sessions/{ready.id}/generate", headers=headers),
        client.post(f"/sessions/{ready.id}/generate", headers=headers),
    )
    statuses = sorted([first.status_code, second.status_code])
    assert statuses == [200, 409]
    conflict = first if first.status_code == 409 else second
    assert conflict.json()["error"] in (
        "Cannot generate when session state is GENERATING. Expected READY.",
        "Cannot generate when session state is SAVED. Expected READY.",
    )
    again = await client.post(f"/sessions/{ready.id}/generate", headers=headers)
    assert again.status_code == 409


async def test_only_the_owner_generates_and_streams(client, db, owner, identity):
    ready = await make_ready_session(db, owner=owner, spec=activity_spec(count=1))
    stranger = await make_user(db, identity)
    other = bearer(await codemm_token(client, email=stranger.email))
    r = await client.post(f"/sessions/{ready.id}/generate", headers=other)
    assert r.status_code == 403 and set(r.json()) == {"error"}
    r = await client.get(f"/sessions/{ready.id}/generate/stream", headers=other)
    assert r.status_code == 403
    assert (await client.post(f"/sessions/{ready.id}/generate")).status_code == 401
    r = await client.post("/sessions/nope/generate", headers=other)
    assert r.status_code == 404 and r.json() == {"error": "Session not found."}
    assert (await client.get("/sessions/nope/generate/stream", headers=other)).status_code == 404


async def test_guided_mode_scaffolds_the_starter_from_the_reference(client, db, owner, headers):
    ready = await make_ready_session(db, owner=owner, spec=activity_spec(count=2), learning_mode="guided")
    body = (await client.post(f"/sessions/{ready.id}/generate", headers=headers)).json()
    problems = (await client.get(f"/activities/{body['activityId']}", headers=headers)).json()["activity"][
        "problems"
    ]
    assert [p["pedagogy"]["scaffold_level"] for p in problems] == [80, 60]
    for problem in problems:
        assert "# BEGIN STUDENT TODO" in problem["starter_code"]
        assert 'raise NotImplementedError("TODO")' in problem["starter_code"]


@pytest.mark.parametrize("language", ["sql", "java", "cpp"])
async def test_every_language_generates_offline(client, db, owner, headers, language):
    ready = await make_ready_session(db, owner=owner, spec=activity_spec(language=language, count=1))
    r = await client.post(f"/sessions/{ready.id}/generate", headers=headers)
    assert r.status_code == 200, r.text
    [problem] = (await client.get(f"/activities/{r.json()['activityId']}", headers=headers)).json()[
        "activity"
    ]["problems"]
    assert problem["language"] == language


async def test_a_crashed_generation_returns_to_ready(db, owner, frozen_clock):
    ready = await make_ready_session(db, owner=owner)
    async with unit_of_work(db, write=True) as session:
        row = await session.get(CodingSession, ready.id)
        row.state, row.generation_heartbeat_at = "GENERATING", frozen_clock.now
    frozen_clock.advance(minutes=5)
    async with unit_of_work(db, write=True) as session:
        assert (
            await sessions_service.recover_interrupted_generations(session, stale_after=timedelta(seconds=30))
            == 1
        )
    async with unit_of_work(db) as session:
        row = await session.get(CodingSession, ready.id)
        assert row.state == "READY" and row.last_error


async def test_a_learner_chats_generates_follows_the_stream_and_submits(client, db, owner, headers):
    """The Codemm web app's whole flow, with no LLM configured."""
    created = await client.post("/sessions", json={}, headers=headers)
    session_id = created.json()["sessionId"]

    async def say(message: str) -> dict:
        r = await client.post(f"/sessions/{session_id}/messages", json={"message": message}, headers=headers)
        return r.json()

    reply = await say("Create 2 easy Python problems about strings")
    for _ in range(4):
        if reply["state"] == "READY":
            break
        reply = await say("return value" if reply.get("questionKey") == "problem_style" else "yes")
    assert reply["state"] == "READY"
    generated = (await client.post(f"/sessions/{session_id}/generate", headers=headers)).json()
    assert generated["problemCount"] == 2
    # An EventSource sends no Authorization header: the session cookie set at creation is enough.
    stream = await client.get(f"/sessions/{session_id}/generate/stream")
    assert stream.status_code == 200 and '"generation_complete"' in stream.text
    problem = (await client.get(f"/activities/{generated['activityId']}", headers=headers)).json()[
        "activity"
    ]["problems"][0]
    submit = {
        "language": "python",
        "code": problem["starter_code"],
        "testSuite": "def test_case_1():\n    assert True\n",  # ignored: the stored suite grades
        "activityId": generated["activityId"],
        "problemId": problem["id"],
    }
    result = (await client.post("/submit", json=submit, headers=headers)).json()
    assert result["success"] is False and len(result["tests"]) == 8
    profile = (await client.get("/profile", headers=headers)).json()
    assert profile["stats"]["totalSubmissions"] == 1


async def test_the_trace_stream_is_off_unless_configured(client, db, owner, headers):
    ready = await make_ready_session(db, owner=owner)
    r = await client.get(f"/sessions/{ready.id}/trace", headers=headers)
    assert r.status_code == 404 and r.json() == {
        "error": "Trace stream disabled. Set CODEMM_TRACE=1 on backend."
    }


class TestTraceEnabled:
    @pytest.fixture
    def settings(self, settings):
        return settings.model_copy(update={"codemm_trace": True})

    async def test_unknown_and_foreign_sessions_are_refused_before_streaming(
        self, client, db, owner, identity
    ):
        ready = await make_ready_session(db, owner=owner)
        stranger = bearer(await codemm_token(client, email=(await make_user(db, identity)).email))
        assert (await client.get("/sessions/nope/trace", headers=stranger)).status_code == 404
        assert (await client.get(f"/sessions/{ready.id}/trace", headers=stranger)).status_code == 403
