"""bench/auth.py: `acelab serve --workers 2`, 32 concurrent clients, SQLite and PostgreSQL.

Measures GET /student/auth/me (cookie) with wrk, POST /student/auth/refresh with 32 clients that each
rotate their own session, and login latency with the production Argon2id parameters.
Usage: .venv/bin/python bench/auth.py [--seconds 10] [--databases sqlite,postgresql]
"""

import argparse
import asyncio
import time
from urllib.parse import urlsplit

from harness import KeepAliveClient, Stats, dumps, percentile, print_table, serve, wrk

CLIENTS = 32
PASSWORD = "bench-password-1"


def cookies_of(headers: list[tuple[str, str]]) -> dict[str, str]:
    jar = {}
    for name, value in headers:
        if name == "set-cookie":
            key, _, rest = value.partition("=")
            jar[key] = rest.split(";", 1)[0]
    return jar


async def register_students(base: str, count: int) -> list[dict[str, str]]:
    """Register `count` students; return each one's cookies."""
    url = urlsplit(base)
    client = KeepAliveClient(url.hostname or "127.0.0.1", url.port or 80)
    jars = []
    stamp = time.time_ns()
    for i in range(count):
        body = dumps({"email": f"bench{stamp}-{i}@example.com", "password": PASSWORD})
        status, headers, _ = await client.request(
            "POST", "/student/auth/register", {"Content-Type": "application/json"}, body
        )
        assert status == 200, status
        jars.append(cookies_of(headers))
    await client.close()
    return jars


def bench_me(base: str, jars: list[dict[str, str]], seconds: int) -> Stats:
    cookies = ",".join(f'"ace_access={jar["ace_access"]}"' for jar in jars)
    script = f"""
local cookies = {{{cookies}}}
local i = 0
request = function()
  i = i % #cookies + 1
  return wrk.format("GET", "/student/auth/me", {{["Cookie"] = cookies[i]}})
end
"""
    return wrk(base, script=script, connections=CLIENTS, seconds=seconds, label="GET /student/auth/me")


async def bench_refresh(base: str, jars: list[dict[str, str]], seconds: int) -> Stats:
    url = urlsplit(base)
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def one_browser(jar: dict[str, str]) -> None:
        nonlocal errors
        client = KeepAliveClient(url.hostname or "127.0.0.1", url.port or 80)
        while time.perf_counter() < deadline:
            cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
            started = time.perf_counter()
            status, headers, _ = await client.request(
                "POST", "/student/auth/refresh", {"Cookie": cookie, "X-CSRF-Token": jar["ace_csrf"]}
            )
            latencies.append((time.perf_counter() - started) * 1000)
            if status != 200:
                errors += 1
            jar.update(cookies_of(headers))
        await client.close()

    started = time.perf_counter()
    await asyncio.gather(*(one_browser(jar) for jar in jars))
    elapsed = time.perf_counter() - started
    return Stats(
        "POST /student/auth/refresh",
        len(latencies),
        errors,
        elapsed,
        percentile(latencies, 50),
        percentile(latencies, 99),
    )


async def bench_login(base: str, jars_count: int, rounds: int) -> Stats:
    """Sequential logins of distinct students (one client): the latency a person sees."""
    url = urlsplit(base)
    client = KeepAliveClient(url.hostname or "127.0.0.1", url.port or 80)
    stamp = time.time_ns()
    emails = []
    for i in range(rounds):
        email = f"login{stamp}-{i}@example.com"
        body = dumps({"email": email, "password": PASSWORD})
        await client.request("POST", "/student/auth/register", {"Content-Type": "application/json"}, body)
        emails.append(email)
    latencies = []
    errors = 0
    started_all = time.perf_counter()
    for email in emails:
        body = dumps({"email": email, "password": PASSWORD})
        started = time.perf_counter()
        status, _, _ = await client.request(
            "POST", "/student/auth/login", {"Content-Type": "application/json"}, body
        )
        latencies.append((time.perf_counter() - started) * 1000)
        errors += status != 200
    await client.close()
    return Stats(
        "POST /student/auth/login (sequential)",
        rounds,
        errors,
        time.perf_counter() - started_all,
        percentile(latencies, 50),
        percentile(latencies, 99),
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--login-rounds", type=int, default=40)
    args = parser.parse_args()
    rows = []
    for database in args.databases.split(","):
        with serve(database, workers=2) as base:
            jars = asyncio.run(register_students(base, CLIENTS))
            bench_me(base, jars, 2)  # warm-up: JIT-free, but fills caches and pools
            results = [
                bench_me(base, jars, args.seconds),
                asyncio.run(bench_refresh(base, jars, args.seconds)),
                asyncio.run(bench_login(base, CLIENTS, args.login_rounds)),
            ]
        for r in results:
            rows.append(
                [database, r.label, f"{r.rps:,.0f}", f"{r.p50_ms:.1f}", f"{r.p99_ms:.1f}", str(r.errors)]
            )
    print_table(
        f"auth benchmark: acelab serve --workers 2, {CLIENTS} concurrent clients (login: 1 client), "
        "Argon2id m=19 MiB t=2 p=1",
        ["database", "request", "req/s", "p50 ms", "p99 ms", "errors"],
        rows,
    )


if __name__ == "__main__":
    main()
