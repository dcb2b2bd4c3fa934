"""Generation through an OpenAI-compatible server speaking the real wire protocol (codemm.md §10, §12)."""

import json
import random
from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from acelab.coding.generation.slots import FIXED_CONSTRAINTS, ProblemSlot
from acelab.coding.offline import draft_problem
from tests.api.coding.test_generation import frames
from tests.coding.llm.provider_server import OPENAI_KEY, ProviderServer, Scripted, serving
from tests.factories import activity_spec, make_activity, make_problem, make_ready_session, make_user
from tests.login import bearer, codemm_token

SLOT = ProblemSlot(0, "easy", ("strings",), "python", "return", FIXED_CONSTRAINTS["python"])


@pytest.fixture(scope="module")
def llm_server() -> Iterator[ProviderServer]:
    with serving(ProviderServer()) as server:
        yield server


@pytest.fixture
def settings(settings, llm_server):
    llm_server.reset()
    return settings.model_copy(
        update={
            "openai_api_key": SecretStr(OPENAI_KEY),
            "openai_base_url": f"{llm_server.url}/v1",
            "llm_max_retries": 0,
        }
    )


@pytest.fixture
async def owner_headers(client, db, identity):
    owner = await make_user(db, identity)
    return owner, bearer(await codemm_token(client, email=owner.email))


def draft_answer(**changes: object) -> str:
    """What a good model answers: a fenced JSON draft (here one of the offline library's)."""
    draft = {**draft_problem(SLOT, random.Random(7)), **changes}
    return f"```json\n{json.dumps(draft)}\n```"


async def test_a_configured_provider_drafts_and_the_sandbox_verifies(client, db, owner_headers, llm_server):
    owner, headers = owner_headers
    llm_server.reply_parts = [draft_answer()]
    ready = await make_ready_session(db, owner=owner, spec=activity_spec(count=1))
    r = await client.post(f"/sessions/{ready.id}/generate", headers=headers)
    assert r.status_code == 200, r.text
    [request] = llm_server.requests_to("/chat/completions")
    assert request.headers["authorization"] == f"Bearer {OPENAI_KEY}"
    system, user = (m["content"] for m in request.body["messages"])
    assert "Codemm's Python problem generator" in system
    assert "Problem style: return" in user and "Topics: strings" in user
    problems = (await client.get(f"/activities/{r.json()['activityId']}", headers=headers)).json()[
        "activity"
    ]["problems"]
    assert problems[0]["title"] == json.loads(draft_answer().strip("`json\n"))["title"]


async def test_broken_answers_fail_the_slot_after_three_attempts_and_save_nothing(
    client, db, owner_headers, llm_server
):
    owner, headers = owner_headers
    llm_server.reply_parts = ["I cannot help with that."]
    ready = await make_ready_session(db, owner=owner, spec=activity_spec(count=1))
    r = await client.post(f"/sessions/{ready.id}/generate", headers=headers)
    assert r.status_code == 500
    assert r.json()["error"] == "Failed to generate activity."
    assert r.json()["detail"].startswith("Failed to generate slot 0 after 3 attempts.")
    assert len(llm_server.requests_to("/chat/completions")) == 3
    detail = (await client.get(f"/sessions/{ready.id}", headers=headers)).json()
    assert detail["state"] == "READY"
    assert (await client.get("/activities", headers=headers)).json()["activities"] == []
    events = [json.loads(f["data"]) for f in frames((await client.get(
        f"/sessions/{ready.id}/generate/stream", headers=headers)).text)[1:]]  # fmt: skip
    assert events[-1] == {
        "type": "generation_failed",
        "error": "Generation failed. Please try again.",
        "slotIndex": 0,
    }
    assert [e["type"] for e in events].count("slot_contract_failed") == 3


async def test_a_reference_that_fails_its_tests_gets_a_repair_prompt(client, db, owner_headers, llm_server):
    owner, headers = owner_headers
    good = json.loads(draft_answer().strip("`json\n"))
    # The first answer's reference is its own starter, which fails the tests; the repair is good.
    broken = json.dumps({**good, "reference_solution": good["starter_code"]})
    llm_server.script.append(Scripted(path="/chat/completions", json_body=_completion(broken)))
    llm_server.reply_parts = [json.dumps(good)]
    ready = await make_ready_session(db, owner=owner, spec=activity_spec(count=1))
    r = await client.post(f"/sessions/{ready.id}/generate", headers=headers)
    assert r.status_code == 200, r.text
    _, second = llm_server.requests_to("/chat/completions")
    repair = second.body["messages"][1]["content"]
    assert "failed in Docker/pytest" in repair and "Reference solution failed tests" in repair
    events = [json.loads(f["data"]) for f in frames((await client.get(
        f"/sessions/{ready.id}/generate/stream", headers=headers)).text)[1:]]  # fmt: skip
    failed = [e for e in events if e["type"] == "slot_docker_validation_failed"]
    assert failed == [
        {"type": "slot_docker_validation_failed", "slotIndex": 0, "attempt": 1, "shortError": "Tests failed."}
    ]


def _completion(content: str) -> dict[str, object]:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 0,
        "model": "gpt-4.1",
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


class TestAiEdit:
    async def _activity(self, client, db, owner, headers, llm_server):
        llm_server.reply_parts = [draft_answer()]
        ready = await make_ready_session(db, owner=owner, spec=activity_spec(count=1))
        activity_id = (await client.post(f"/sessions/{ready.id}/generate", headers=headers)).json()[
            "activityId"
        ]
        [problem] = (await client.get(f"/activities/{activity_id}", headers=headers)).json()["activity"][
            "problems"
        ]
        return activity_id, problem

    async def test_the_edit_replaces_the_problem_and_keeps_the_locked_fields(
        self, client, db, owner_headers, llm_server
    ):
        owner, headers = owner_headers
        activity_id, problem = await self._activity(client, db, owner, headers, llm_server)
        llm_server.reply_parts = [draft_answer(title="Friendlier title", id="changed-id", difficulty="hard")]
        r = await client.post(
            f"/activities/{activity_id}/problems/{problem['id']}/ai-edit",
            json={"instruction": "Give it a friendlier title"},
            headers=headers,
        )
        assert r.status_code == 200, r.text
        [edited] = r.json()["activity"]["problems"]
        assert edited["title"] == "Friendlier title"
        assert (edited["id"], edited["difficulty"]) == (problem["id"], problem["difficulty"])
        prompt = llm_server.requests_to("/chat/completions")[-1].body["messages"][1]["content"]
        assert prompt.startswith("You are editing an EXISTING draft problem.")

    async def test_an_edit_whose_reference_fails_is_refused_and_changes_nothing(
        self, client, db, owner_headers, llm_server
    ):
        owner, headers = owner_headers
        activity_id, problem = await self._activity(client, db, owner, headers, llm_server)
        good = json.loads(draft_answer().strip("`json\n"))
        llm_server.reply_parts = [json.dumps({**good, "reference_solution": good["starter_code"]})]
        r = await client.post(
            f"/activities/{activity_id}/problems/{problem['id']}/ai-edit",
            json={"instruction": "x"},
            headers=headers,
        )
        assert r.status_code == 500 and r.json()["error"].startswith("Reference solution failed tests")
        after = (await client.get(f"/activities/{activity_id}", headers=headers)).json()["activity"][
            "problems"
        ]
        assert after == [problem]

    @pytest.mark.parametrize(
        "body", [{}, {"instruction": " "}, {"instruction": "x" * 2001}, {"instruction": "x", "y": 1}]
    )
    async def test_invalid_bodies_are_400(self, client, db, owner_headers, llm_server, body):
        owner, headers = owner_headers
        activity_id, problem = await self._activity(client, db, owner, headers, llm_server)
        r = await client.post(
            f"/activities/{activity_id}/problems/{problem['id']}/ai-edit", json=body, headers=headers
        )
        assert r.status_code == 400

    async def test_owner_draft_and_problem_checks(self, client, db, identity, owner_headers, llm_server):
        owner, headers = owner_headers
        activity_id, problem = await self._activity(client, db, owner, headers, llm_server)
        path = f"/activities/{activity_id}/problems/{problem['id']}/ai-edit"
        stranger = await make_user(db, identity)
        other = bearer(await codemm_token(client, email=stranger.email))
        r = await client.post(path, json={"instruction": "x"}, headers=other)
        assert r.status_code == 403 and r.json() == {"error": "You are not authorized to edit this activity."}
        r = await client.post(
            f"/activities/{activity_id}/problems/nope/ai-edit", json={"instruction": "x"}, headers=headers
        )
        assert r.status_code == 404 and r.json() == {"error": "Problem not found."}
        await client.post(f"/activities/{activity_id}/publish", headers=headers)
        r = await client.post(path, json={"instruction": "x"}, headers=headers)
        assert r.status_code == 409


class TestWithoutLlm:
    @pytest.fixture
    def settings(self, settings):
        return settings.model_copy(update={"openai_api_key": None})

    async def test_ai_edit_is_a_clear_error(self, client, db, identity):
        owner = await make_user(db, identity)
        headers = bearer(await codemm_token(client, email=owner.email))
        problem = make_problem(problem_id="p-1", test_suite="x")
        activity = await make_activity(db, owner=owner, problems=[problem])
        path = f"/activities/{activity.id}/problems/p-1/ai-edit"
        r = await client.post(path, json={"instruction": "x"}, headers=headers)
        assert r.status_code == 500 and r.json()["error"].startswith("No LLM API key found.")
