"""The `acelab` command as a user runs it: migrate, user create, set-password, serve."""

import os
import socket
import subprocess
import sys
import time
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


class TestServe:
    def test_serves_with_bootstrap_admin_who_can_log_in(self, env):
        port = free_port()
        env = {**env, "BOOTSTRAP_ADMIN_EMAIL": "root@example.com", "BOOTSTRAP_ADMIN_PASSWORD": "password-123"}
        server = subprocess.Popen(
            [*ACELAB, "serve", "--port", str(port), "--workers", "2"],
            env=env,
            stdout=subprocess.PIPE,
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
            r = httpx.post(
                f"{base}/admin/auth/login", json={"email": "root@example.com", "password": "password-123"}
            )
            assert r.status_code == 200
            me = httpx.get(f"{base}/admin/auth/me", cookies=r.cookies)
            assert me.json()["role"] == "admin"
        finally:
            server.terminate()
            server.wait(timeout=30)
            if server.stdout:
                server.stdout.close()
