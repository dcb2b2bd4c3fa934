"""The judge as an operated service: health, a full queue, a sandbox that cannot be built."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest

from acelab.app import create_app
from acelab.config import Settings

RUN = {"language": "python", "code": "print(1)\n"}
JAVA_HELLO = 'public class Main { public static void main(String[] a) { System.out.println("hi"); } }\n'
SUBMIT = {"language": "python", "code": "def solve(x):\n    return x\n", "testSuite": "x"}


@asynccontextmanager
async def serve(settings: Settings) -> AsyncIterator[tuple[httpx.AsyncClient, object]]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client, app


class TestHealth:
    async def test_healthz_reports_a_working_judge(self, client):
        r = await client.get("/healthz")
        assert r.status_code == 200
        body = r.json()
        assert body["status"] == "ok" and body["judge"] == "ok" and body["ts"].endswith("Z")


class TestQueueFull:
    async def test_full_queue_answers_503_with_retry_after(self, settings):
        tiny = settings.model_copy(update={"judge_workers": 1, "judge_queue_size": 0})
        async with serve(tiny) as (client, app):
            started, release = asyncio.Event(), asyncio.Event()

            async def blocker() -> None:
                started.set()
                await release.wait()

            busy = asyncio.create_task(app.state.judge.pool.run(blocker))
            await started.wait()
            for path, body in (("/run", RUN), ("/submit", SUBMIT)):
                r = await client.post(path, json=body)
                assert r.status_code == 503
                assert r.json() == {"error": "The judge is busy. Retry shortly."}
                assert int(r.headers["retry-after"]) >= 1
            release.set()
            await busy
            r = await client.post("/run", json=RUN)
            assert r.status_code == 200 and r.json()["stdout"] == "1\n"

    async def test_more_jobs_than_workers_wait_their_turn(self, settings):
        one = settings.model_copy(update={"judge_workers": 1, "judge_queue_size": 8})
        async with serve(one) as (client, _):
            bodies = [{"language": "python", "code": f"print({i})\n"} for i in range(4)]
            replies = await asyncio.gather(*(client.post("/run", json=b) for b in bodies))
            assert [r.json()["stdout"] for r in replies] == [f"{i}\n" for i in range(4)]


class TestPrewarm:
    async def test_start_up_warms_every_slot_and_a_java_job_uses_the_warm_compiler(self, settings):
        warm = settings.model_copy(update={"judge_prewarm": True})
        async with serve(warm) as (client, app):
            runtime = app.state.judge
            await runtime.warming
            java = runtime.languages["java"]
            assert sorted(java.compilers.running_slots()) == [0, 1]
            r = await client.post("/run", json={"language": "java", "code": JAVA_HELLO})
            assert r.json()["stdout"] == "hi\n"
            assert sorted(java.compilers.running_slots()) == [0, 1]  # no new server was needed
        assert java.compilers.running_slots() == []  # shut down with the app


class TestSandboxUnavailable:
    @pytest.fixture
    def broken(self, settings: Settings) -> Settings:
        return settings.model_copy(update={"judge_bwrap": "/nonexistent/bwrap"})

    async def test_healthz_says_why(self, broken):
        async with serve(broken) as (client, _):
            body = (await client.get("/healthz")).json()
            assert body["status"] == "ok"
            assert body["judge"].startswith("unavailable: ") and "/nonexistent/bwrap" in body["judge"]

    @pytest.mark.parametrize(("path", "body"), [("/run", RUN), ("/submit", SUBMIT)])
    async def test_judging_answers_503(self, broken, path, body):
        async with serve(broken) as (client, _):
            r = await client.post(path, json=body)
            assert r.status_code == 503
            assert r.json()["error"].startswith("The judge is unavailable: ")

    async def test_validation_still_answers_400(self, broken):
        async with serve(broken) as (client, _):
            r = await client.post("/run", json={"language": "cobol"})
            assert r.status_code == 400 and r.json() == {"error": "Invalid language."}

    async def test_a_root_the_slot_uids_cannot_traverse_is_reported(self, settings, tmp_path):
        private = settings.model_copy(update={"judge_work_root": tmp_path / "work"})
        async with serve(private) as (client, _):
            body = (await client.get("/healthz")).json()
            assert body["judge"].startswith("unavailable: ") and "not searchable" in body["judge"]
            assert (await client.post("/run", json=RUN)).status_code == 503


class TestUnsafeDev:
    async def test_explicit_opt_out_still_judges(self, settings):
        unsafe = settings.model_copy(update={"sandbox": "unsafe-dev"})
        async with serve(unsafe) as (client, _):
            assert (await client.get("/healthz")).json()["judge"] == "ok"
            r = await client.post("/run", json=RUN)
            assert r.status_code == 200 and r.json()["stdout"] == "1\n"
