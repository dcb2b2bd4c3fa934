"""The `acelab` command as a user runs it: migrate, user create, set-password, serve."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

ACELAB = [sys.executable, "-m", "acelab"]


@pytest.fixture
def env(tmp_path: Path, database_url: str) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("ACELAB_", "BOOTSTRAP_", "JWT_"))}
    environment.update(
        ACELAB_DATA_DIR=str(tmp_path),
        ACELAB_DATABASE_URL=database_url,
        ACELAB_ARGON2_MEMORY_KIB="1024",
        ACELAB_ARGON2_TIME_COST="1",
    )
    return environment


def run(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([*ACELAB, *args], env=env, input=stdin, capture_output=True, text=True, timeout=60)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class TestUserCommands:
    def test_create_then_set_password(self, env):
        assert run(env, "migrate").returncode == 0
        created = run(
            env,
            "user",
            "create",
            "--email",
            "Prof@Example.com",
            "--role",
            "instructor",
            "--password-stdin",
            stdin="first-password\n",
        )
        assert created.returncode == 0, created.stderr
        assert created.stdout.strip().startswith("usr_")
        updated = run(
            env,
            "user",
            "set-password",
            "--email",
            "prof@example.com",
            "--password-stdin",
            stdin="second-password\n",
        )
        assert updated.returncode == 0, updated.stderr

    def test_create_rejects_a_short_password(self, env):
        run(env, "migrate")
        result = run(env, "user", "create", "--email", "x@example.com", "--password-stdin", stdin="short\n")
        assert result.returncode != 0
        assert "at least 8 characters" in result.stderr

    def test_bootstrap_with_a_clashing_role_aborts(self, env):
        run(env, "migrate")
        run(env, "user", "create", "--email", "boss@example.com", "--password-stdin", stdin="password-123\n")
        env = {**env, "BOOTSTRAP_ADMIN_EMAIL": "boss@example.com", "BOOTSTRAP_ADMIN_PASSWORD": "password-123"}
        result = run(env, "migrate")
        assert result.returncode != 0
        assert "email already exists with role student" in result.stderr


@contextmanager
def serving(env: dict[str, str], workers: int) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """`acelab serve` on a free port, once it answers; yields the process and its base URL. Its
    output goes to serve.log in the data folder."""
    port = free_port()
    with open(Path(env["ACELAB_DATA_DIR"]) / "serve.log", "wb") as log:
        server = subprocess.Popen(
            [*ACELAB, "serve", "--port", str(port), "--workers", str(workers)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield server, base
    finally:
        server.terminate()
        server.wait(timeout=30)


def listening_sockets_of_workers(server: subprocess.Popen[bytes], port: int) -> dict[int, set[str]]:
    """Each of the server's worker processes and the listening sockets of `port` it holds."""
    listening = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "0A":  # 0A: LISTEN
                listening.add(f"socket:[{fields[9]}]")
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    held = {}
    for pid in map(int, children):
        sockets = {os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir() if fd.is_symlink()}
        if sockets & listening:
            held[pid] = sockets & listening
    return held


def wait_for_workers(server: subprocess.Popen[bytes], port: int, count: int) -> dict[int, set[str]]:
    deadline = time.monotonic() + 30
    while len(held := listening_sockets_of_workers(server, port)) != count:
        assert time.monotonic() < deadline, held
        time.sleep(0.1)
    return held


class TestServe:
    def test_serves_with_bootstrap_admin_who_can_log_in(self, env):
        env = {**env, "BOOTSTRAP_ADMIN_EMAIL": "root@example.com", "BOOTSTRAP_ADMIN_PASSWORD": "password-123"}
        with serving(env, workers=2) as (_, base):
            r = httpx.post(
                f"{base}/admin/auth/login", json={"email": "root@example.com", "password": "password-123"}
            )
            assert r.status_code == 200
            me = httpx.get(f"{base}/admin/auth/me", cookies=r.cookies)
            assert me.json()["role"] == "admin"

    def test_workers_log_in_the_configured_format(self, env):
        env = {**env, "ACELAB_LOG_FORMAT": "json"}
        with serving(env, workers=2):
            pass
        lines = (Path(env["ACELAB_DATA_DIR"]) / "serve.log").read_text().splitlines()
        entries = [json.loads(line) for line in lines if line.startswith("{")]
        assert [e["message"] for e in entries].count("Application startup complete.") == 2

    def test_each_worker_accepts_on_its_own_socket(self, env):
        # One socket per worker in a SO_REUSEPORT group: the kernel spreads new connections over
        # the workers, where one shared socket let whichever woke first take a whole burst.
        with serving(env, workers=2) as (server, base):
            port = int(base.rsplit(":", 1)[1])
            held = wait_for_workers(server, port, 2)
            assert [len(sockets) for sockets in held.values()] == [1, 1]
            first, second = held.values()
            assert first != second

    def test_a_port_already_taken_is_a_clear_error(self, env):
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]
            result = run(env, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2")
        assert result.returncode == 1
        assert f"cannot listen on 127.0.0.1:{port}: Address already in use" in result.stderr

    def test_a_worker_that_dies_is_replaced_on_its_socket_without_losing_connections(self, env):
        with serving(env, workers=2) as (server, base):
            port = int(base.rsplit(":", 1)[1])
            held = wait_for_workers(server, port, 2)
            victim, survivor = held
            os.kill(victim, signal.SIGKILL)
            # Connections the kernel gives the dead worker's socket wait there for its successor.
            with ThreadPoolExecutor(16) as pool:
                replies = list(pool.map(lambda _: httpx.get(f"{base}/healthz", timeout=30), range(32)))
            assert [r.status_code for r in replies] == [200] * 32
            after = wait_for_workers(server, port, 2)
            assert victim not in after and survivor in after
            assert set().union(*after.values()) == set().union(*held.values())
