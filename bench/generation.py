"""bench/generation.py: offline generation of 5 problems per language with the real sandbox.

The app (SQLite, warm judge) served by uvicorn in this process, driven over HTTP as a learner would:
chat a session to READY, then `POST /sessions/:id/generate` while a client follows the progress
stream. Reports the time from the generate call to `generation_completed`, the share of it spent
verifying drafts in the sandbox, and the time to the first progress event.
Usage: .venv/bin/python bench/generation.py [--runs 3] [--problems 5] [--languages python,sql,java,cpp]
"""

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path

import httpx
import uvicorn

from acelab.app import create_app
from acelab.coding.generation import runner as runner_module
from acelab.coding.generation import verify as verify_module
from acelab.config import Settings
from acelab.db import migrate
from acelab.db.engine import create_database
from harness import free_port, print_table

TARGET_S = {"python": 2.0, "sql": 6.0, "java": 6.0, "cpp": 6.0}
JUDGE_ROOT = Path("/tmp/acelab-bench-judge")
PASSWORD = "correct horse battery"
REQUESTS = {"python": "Python", "sql": "SQL", "java": "Java", "cpp": "C++"}


class VerifyClock:
    """Wraps the pipeline's sandbox verification and adds up its wall time."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._verify = verify_module.verify

    async def __call__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return await self._verify(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - started


async def ready_session(
    client: httpx.AsyncClient, headers: dict[str, str], language: str, problems: int
) -> str:
    """Chat a new session to READY, answering the SpecBuilder's questions."""
    session_id = (await client.post("/sessions", json={}, headers=headers)).json()["sessionId"]
    message = f"Create {problems} easy {REQUESTS[language]} problems about strings"
    for _ in range(6):
        reply = (
            await client.post(f"/sessions/{session_id}/messages", json={"message": message}, headers=headers)
        ).json()
        if reply["state"] == "READY":
            return str(session_id)
        message = "return value" if reply.get("questionKey") == "problem_style" else "yes"
    raise RuntimeError(f"the chat did not reach READY: {reply}")


async def one_run(
    client: httpx.AsyncClient, headers: dict[str, str], language: str, problems: int, clock: VerifyClock
) -> tuple[float, float, float, bool]:
    session_id = await ready_session(client, headers, language, problems)
    first_event = done = 0.0
    started = time.perf_counter()

    async def follow() -> None:
        nonlocal first_event, done
        async with client.stream("GET", f"/sessions/{session_id}/generate/stream", headers=headers) as stream:
            async for line in stream.aiter_lines():
                if not line.startswith("data: "):
                    continue
                event = json.loads(line[6:])
                if event.get("type") and not first_event:
                    first_event = time.perf_counter() - started
                if event.get("type") == "generation_completed":
                    done = time.perf_counter() - started
                if event.get("type") in ("generation_complete", "generation_failed"):
                    return

    clock.seconds = 0.0
    follower = asyncio.create_task(follow())
    r = await client.post(f"/sessions/{session_id}/generate", headers=headers)
    await asyncio.wait_for(follower, 120)
    ok = r.status_code == 200 and r.json()["problemCount"] == problems
    return done, clock.seconds, first_event, ok


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--problems", type=int, default=5)
    parser.add_argument("--languages", default="python,sql,java,cpp")
    args = parser.parse_args()
    clock = VerifyClock()
    runner_module.verify = clock  # type: ignore[assignment]
    with tempfile.TemporaryDirectory() as data_dir:
        settings = Settings(
            data_dir=Path(data_dir),
            judge_work_root=JUDGE_ROOT / "work",
            judge_cache_root=JUDGE_ROOT / "cache",
            judge_cgroup_name="acelab-judge-bench",
        )
        db = create_database(settings.sqlalchemy_url)
        await migrate.upgrade(db)
        await db.dispose()
        app = create_app(settings)
        port = free_port()
        server = uvicorn.Server(uvicorn.Config(app, port=port, log_level="warning"))
        serving = asyncio.create_task(server.serve())
        while not server.started:  # noqa: ASYNC110 - uvicorn exposes a flag, not an event
            await asyncio.sleep(0.05)
        try:
            await app.state.judge.warming
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
                account = {"username": "bench", "email": "bench@example.com", "password": PASSWORD}
                r = await client.post("/auth/register", json=account)
                headers = {"authorization": f"Bearer {r.json()['token']}"}
                client.cookies.clear()
                rows = []
                for language in args.languages.split(","):
                    await one_run(client, headers, language, 1, clock)  # warm-up
                    runs = [
                        await one_run(client, headers, language, args.problems, clock)
                        for _ in range(args.runs)
                    ]
                    total = statistics.median(r[0] for r in runs)
                    share = statistics.median(r[1] / r[0] for r in runs if r[0])
                    rows.append(
                        [
                            language,
                            f"{total:.2f}",
                            f"< {TARGET_S[language]:.0f}",
                            f"{share:.0%}",
                            f"{statistics.median(r[2] for r in runs) * 1000:.0f}",
                            str(sum(not r[3] for r in runs)),
                        ]
                    )
        finally:
            server.should_exit = True
            await serving
    print_table(
        f"generate → generation_completed, {args.problems} problems, offline generator, real sandbox, "
        f"SQLite, 2 judge workers (median of {args.runs} runs)",
        ["language", "seconds", "target s", "in sandbox", "first event ms", "failed runs"],
        rows,
    )


if __name__ == "__main__":
    asyncio.run(main())
