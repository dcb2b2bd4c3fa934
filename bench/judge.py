"""bench/judge.py: a correct 8-test submission per language through HTTP on `acelab serve` (SQLite).

Latency: sequential POST /submit (p50, p95). Throughput: submissions/s with the default pool (one
worker per core) and twice as many concurrent clients as workers.
Usage: .venv/bin/python bench/judge.py [--requests 40] [--seconds 10] [--languages python,sql,java,cpp]
"""

import argparse
import asyncio
import os
import time
from pathlib import Path
from urllib.parse import urlsplit

from harness import ROOT, KeepAliveClient, dumps, percentile, print_table, serve

CASES = ROOT / "tests" / "judge" / "cases"
SUITES = {"python": "suite.py", "cpp": "suite.cpp", "sql": "suite.json", "java": "suite.java"}
TARGET_P50_MS = {"python": 60, "sql": 40, "java": 250, "cpp": 600}
# Outside the bench's private data dir: the sandbox's slot uids must traverse the judge roots.
JUDGE_ROOT = Path("/tmp/acelab-bench-judge")


def body_for(language: str) -> bytes:
    code = next((CASES / language / "accepted").glob("main.*")).read_text()
    suite = (CASES / language / SUITES[language]).read_text()
    return dumps({"language": language, "code": code, "testSuite": suite})


async def submit(client: KeepAliveClient, body: bytes) -> tuple[int, float]:
    started = time.perf_counter()
    status, _, reply = await client.request("POST", "/submit", {"Content-Type": "application/json"}, body)
    elapsed = (time.perf_counter() - started) * 1000
    if status == 200 and b'"verdict":"accepted"' not in reply:
        status = 599  # a wrong verdict counts as an error
    return status, elapsed


async def latency(base: str, body: bytes, requests: int) -> tuple[list[float], int]:
    url = urlsplit(base)
    client = KeepAliveClient(url.hostname or "127.0.0.1", url.port or 80)
    for _ in range(3):  # warm-up: cached compilers, precompiled header, AppCDS archives
        await submit(client, body)
    samples, errors = [], 0
    for _ in range(requests):
        status, ms = await submit(client, body)
        samples.append(ms)
        errors += status != 200
    await client.close()
    return samples, errors


async def throughput(base: str, body: bytes, clients: int, seconds: float) -> tuple[float, int]:
    url = urlsplit(base)
    deadline = time.perf_counter() + seconds
    done = errors = 0

    async def one_client() -> None:
        nonlocal done, errors
        client = KeepAliveClient(url.hostname or "127.0.0.1", url.port or 80)
        while time.perf_counter() < deadline:
            status, _ = await submit(client, body)
            done += 1
            errors += status != 200
        await client.close()

    started = time.perf_counter()
    await asyncio.gather(*(one_client() for _ in range(clients)))
    return done / (time.perf_counter() - started), errors


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--languages", default="python,sql,java,cpp")
    args = parser.parse_args()
    workers = os.cpu_count() or 1
    env = {
        "ACELAB_JUDGE_WORK_ROOT": str(JUDGE_ROOT / "work"),
        "ACELAB_JUDGE_CACHE_ROOT": str(JUDGE_ROOT / "cache"),
        "ACELAB_JUDGE_CGROUP": "acelab-judge-bench",
    }
    rows = []
    # One server process: its pool has the default one worker per core.
    with serve("sqlite", workers=1, extra_env=env) as base:
        for language in args.languages.split(","):
            body = body_for(language)
            samples, lat_errors = asyncio.run(latency(base, body, args.requests))
            rate, rate_errors = asyncio.run(throughput(base, body, 2 * workers, args.seconds))
            rows.append(
                [
                    language,
                    f"{percentile(samples, 50):.0f}",
                    f"{percentile(samples, 95):.0f}",
                    f"< {TARGET_P50_MS[language]}",
                    f"{rate:.1f}",
                    str(lat_errors + rate_errors),
                ]
            )
    print_table(
        f"POST /submit, correct 8-test submission, SQLite, {workers} judge workers "
        f"({args.requests} sequential requests; {2 * workers} clients for {args.seconds:.0f} s)",
        ["language", "p50 ms", "p95 ms", "target p50", "submissions/s", "errors"],
        rows,
    )


if __name__ == "__main__":
    main()
