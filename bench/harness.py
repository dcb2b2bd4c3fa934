"""Shared bench plumbing: start `acelab serve` on a fresh database, a tiny keep-alive HTTP client,
wrk runs, and percentile tables. Benchmarks print tables; they never assert."""

import asyncio
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
ACELAB = [str(ROOT / ".venv" / "bin" / "acelab")]
PG_ADMIN_URL = os.environ.get("ACELAB_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pg_database_url(name: str) -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def _fresh_pg_database(name: str) -> str:
    for sql in (f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'):
        subprocess.run(["psql", PG_ADMIN_URL, "-qc", sql], check=True, capture_output=True)
    return pg_database_url(name)


@contextmanager
def serve(
    database: str,
    *,
    workers: int = 2,
    extra_env: dict[str, str] | None = None,
    pg_database: str = "acelab_bench",
) -> Iterator[str]:
    """Run `acelab serve` on a fresh database ("sqlite" or "postgresql", named `pg_database`, so
    benchmarks run side by side do not drop each other's); yield its base URL."""
    data_dir = Path(tempfile.mkdtemp(prefix="acelab-bench-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACELAB_")}
    env.update(ACELAB_DATA_DIR=str(data_dir), **(extra_env or {}))
    if database == "postgresql":
        env["ACELAB_DATABASE_URL"] = _fresh_pg_database(pg_database)
    port = free_port()
    # The server's log is dropped unless ACELAB_BENCH_SERVER_LOG names a file for it.
    with open(os.environ.get("ACELAB_BENCH_SERVER_LOG") or os.devnull, "ab") as log:
        server = subprocess.Popen(
            [*ACELAB, "serve", "--port", str(port), "--workers", str(workers)],
            env=env,
            stdout=log,
            stderr=log,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(data_dir, ignore_errors=True)


@dataclass
class Stats:
    label: str
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def percentile(samples: list[float], q: float) -> float:
    if not samples:
        return float("nan")
    if len(samples) == 1:
        return samples[0]
    return statistics.quantiles(samples, n=100, method="inclusive")[int(q) - 1]


def wrk(url: str, *, script: str, connections: int, seconds: int, label: str) -> Stats:
    """Run wrk with a Lua script; parse requests/s, latency percentiles and errors."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    try:
        out = subprocess.run(
            ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", f.name, url],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        os.unlink(f.name)

    def latency(pct: str) -> float:
        match = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not match:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = int(non2xx.group(1)) if non2xx else 0
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return Stats(label, total, errors, float(seconds), latency("50"), latency("99"))


class KeepAliveClient:
    """A minimal HTTP/1.1 keep-alive client (one connection): far cheaper per request than httpx,
    so the load generator does not eat the cores the server needs."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, path: str, headers: dict[str, str], body: bytes = b""
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}", f"Content-Length: {len(body)}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        status_line = await self.reader.readline()
        status = int(status_line.split()[1])
        response_headers: list[tuple[str, str]] = []
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            response_headers.append((name.strip().lower(), value.strip()))
            if name.lower() == "content-length":
                length = int(value)
        return status, response_headers, await self.reader.readexactly(length)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def print_table(title: str, header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=True)]
    print(f"\n{title}")
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) + " |")
    sys.stdout.flush()


def dumps(value: object) -> bytes:
    return json.dumps(value).encode()


# --- CPU accounting from /proc: the server, PostgreSQL, this process and the machine ---

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _proc_stat(pid: int) -> tuple[str, int, float] | None:
    """(command name, parent pid, user+system CPU seconds) of a process."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name = raw[raw.index("(") + 1 : raw.rindex(")")]
    fields = raw[raw.rindex(")") + 2 :].split()
    return name, int(fields[1]), (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _all_pids() -> list[int]:
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def server_pids(port: int) -> list[int]:
    """The `acelab serve --port <port>` process and its descendants (uvicorn's workers)."""
    roots = []
    for pid in _all_pids():
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"serve" in cmdline and str(port).encode() in cmdline:
            roots.append(pid)
    family = set(roots)
    parents = {pid: stat[1] for pid in _all_pids() if (stat := _proc_stat(pid))}
    grew = True
    while grew:
        children = {pid for pid, parent in parents.items() if parent in family} - family
        family |= children
        grew = bool(children)
    return sorted(family)


def connections_held(port: int, pids: list[int]) -> list[int]:
    """How many established connections to `port` each of `pids` holds, most first (processes that
    hold none, the supervisor say, are left out)."""
    established = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "01":  # 01: ESTABLISHED
                established.add(f"socket:[{fields[9]}]")
    counts = []
    for pid in pids:
        try:
            held = sum(
                os.readlink(f"/proc/{pid}/fd/{fd}") in established for fd in os.listdir(f"/proc/{pid}/fd")
            )
        except OSError:
            continue
        if held:
            counts.append(held)
    return sorted(counts, reverse=True)


def cpu_seconds(pids: list[int]) -> float:
    return sum(stat[2] for pid in pids if (stat := _proc_stat(pid)))


def postgres_cpu() -> float:
    """All of PostgreSQL's CPU so far: the live processes, and the backends that have exited (the
    postmaster reaps them, so their time is in its children's fields)."""
    total = 0.0
    for pid in _all_pids():
        stat = _proc_stat(pid)
        if stat is None or not stat[0].startswith("postgres"):
            continue
        total += stat[2]
        if stat[1] == 1 or not (parent := _proc_stat(stat[1])) or not parent[0].startswith("postgres"):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[13]) + int(fields[14])) / CLOCK_TICKS  # cutime + cstime
    return total


def machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of all cores."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


@dataclass
class CpuMark:
    at: float
    server: float
    workers: list[float]  # each server process, busiest first
    postgres: float
    generator: float
    busy: float
    total: float


def cpu_mark(pids: list[int], t0: float) -> CpuMark:
    busy, total = machine_busy()
    return CpuMark(
        at=time.perf_counter() - t0,
        server=cpu_seconds(pids),
        workers=[cpu_seconds([pid]) for pid in pids],
        postgres=postgres_cpu(),
        generator=time.process_time(),
        busy=busy,
        total=total,
    )
