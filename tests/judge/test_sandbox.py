"""Escape attempts through the real sandbox, per-language self-tests, file whitelists, and the cache
that worker processes share."""

import asyncio
import dataclasses
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from acelab.judge.languages import LANGUAGES, InvalidSubmission, Language
from acelab.judge.limits import JudgeLimits, Limits
from acelab.judge.sandbox import ExecResult, ExecSpec, Sandbox, SandboxError, check_sandbox, claim_uid_block

PY = "/usr/bin/python3"
LIMITS = Limits(wall_ms=3_000, cpu_s=1.0, memory_mib=128, pids=32, output_bytes=64 << 10)


def _live_uids() -> set[int]:
    uids = set()
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                uids.add(os.stat(f"/proc/{pid}").st_uid)
            except FileNotFoundError:
                continue
    return uids


async def _py(sandbox: Sandbox, code: str, limits: Limits = LIMITS) -> ExecResult:
    async with sandbox.box(workdir_mib=8) as box:
        box.write_files({"x.py": code})
        return await box.execute(ExecSpec(argv=(PY, "x.py"), limits=limits))


class TestCheckSandbox:
    async def test_healthy_host_reports_ok(self, sandbox: Sandbox) -> None:
        assert (await check_sandbox(sandbox)).ok


class TestEscapes:
    async def test_fork_bomb_is_contained(self, sandbox: Sandbox) -> None:
        res = await _py(sandbox, "import os\nwhile True:\n    os.fork()\n")
        assert not res.ok

    async def test_spin_is_stopped(self, sandbox: Sandbox) -> None:
        assert (await _py(sandbox, "while True: pass\n")).timed_out

    async def test_sleep_is_stopped(self, sandbox: Sandbox) -> None:
        res = await _py(sandbox, "import time\ntime.sleep(1000)\n", Limits(wall_ms=500, cpu_s=1.0))
        assert res.timed_out

    async def test_allocation_is_stopped(self, sandbox: Sandbox) -> None:
        assert (
            await _py(sandbox, "x = bytearray(1 << 30)\nx[::4096] = b'1' * len(x[::4096])\n")
        ).memory_exceeded

    async def test_writing_1gb_fails(self, sandbox: Sandbox) -> None:
        code = (
            "with open('/box/big', 'wb') as f:\n    for _ in range(1024):\n        f.write(bytes(1 << 20))\n"
        )
        assert (await _py(sandbox, code)).exit_code == 1

    async def test_sockets_are_denied(self, sandbox: Sandbox) -> None:
        code = "import socket\ntry:\n    socket.socket()\nexcept PermissionError:\n    print('denied')\n"
        assert (await _py(sandbox, code)).stdout == b"denied\n"

    async def test_host_secrets_are_invisible(self, sandbox: Sandbox) -> None:
        code = "import os\nprint(os.path.exists('/etc/shadow'), os.path.exists('/root'))\n"
        assert (await _py(sandbox, code)).stdout == b"False False\n"

    async def test_parent_environment_never_leaks(
        self, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("ACELAB_TEST_SECRET", "hunter2-secret")
        code = (
            "import glob, os\nprint(os.environ)\n"
            "for p in glob.glob('/proc/*/environ'):\n    print(open(p, 'rb').read())\n"
        )
        res = await _py(sandbox, code)
        assert res.exit_code == 0 and b"hunter2-secret" not in res.stdout + res.stderr

    async def test_signalling_the_parent_does_not_reach_the_service(self, sandbox: Sandbox) -> None:
        code = (
            "import os, signal\nfor pid in (os.getppid(), 1, -1):\n"
            "    try:\n        os.kill(pid, signal.SIGKILL)\n    except OSError:\n        pass\n"
        )
        await _py(sandbox, code)
        assert (await _py(sandbox, "print('alive')\n")).stdout == b"alive\n"

    async def test_runs_as_unprivileged_uid(self, sandbox: Sandbox) -> None:
        assert (await _py(sandbox, "import os\nprint(os.getuid())\n")).stdout == b"1000\n"

    async def test_no_file_outlives_the_job_and_next_job_is_clean(self, sandbox: Sandbox) -> None:
        await _py(
            sandbox, "import os\nos.mkdir('d')\nopen('d/f', 'w').write('x')\nopen('/tmp/t', 'w').write('x')\n"
        )
        assert list(sandbox.config.work_root.iterdir()) == []
        assert (
            await _py(sandbox, "import os\nprint(sorted(os.listdir('.')), os.listdir('/tmp'))\n")
        ).stdout == (b"['x.py'] []\n")

    async def test_background_daemon_dies_with_the_job(self, sandbox: Sandbox) -> None:
        code = "import os, time\nif os.fork() == 0:\n    os.setsid()\n    time.sleep(1000)\n"
        assert (await _py(sandbox, code)).exit_code == 0
        uids = _live_uids()
        assert not uids & {sandbox.config.uid_base + s for s in range(sandbox.config.slots)}


@pytest.mark.parametrize("key", sorted(LANGUAGES))
async def test_self_test(default_languages: dict[str, Language], key: str) -> None:
    assert await default_languages[key].run_self_test()


class TestFileWhitelist:
    @pytest.mark.parametrize("name", ["conftest.py", "pytest.py", "test_extra.py", "pyrunner.py", "json.py"])
    async def test_python_refuses_files_that_configure_or_shadow_the_harness(
        self, languages: dict[str, Language], name: str
    ) -> None:
        files = {"solution.py": "def solve(x):\n    return x\n", name: "x = 1\n"}
        with pytest.raises(InvalidSubmission):
            await languages["python"].grade(files, "def test_case_1():\n    pass\n")

    async def test_cpp_refuses_extra_translation_units(self, languages: dict[str, Language]) -> None:
        files = {"solution.cpp": "int solve();", "main.cpp": "int main() {}"}
        with pytest.raises(InvalidSubmission):
            await languages["cpp"].grade(files, "")

    @pytest.mark.parametrize(
        ("name", "source"),
        [
            ("SolutionTest.java", "class SolutionTest {}\n"),
            ("HelperTest.java", "class HelperTest {}\n"),
            ("Assertions.java", "package org.junit.jupiter.api;\npublic class Assertions {}\n"),
            ("Runner.java", "/* hidden */ package acelab.harness; class Runner {}\n"),
            ("module-info.java", "module x {}\n"),
        ],
    )
    async def test_java_refuses_test_classes_and_packages(
        self, languages: dict[str, Language], name: str, source: str
    ) -> None:
        files = {"Solution.java": "public class Solution {}\n", name: source}
        with pytest.raises(InvalidSubmission):
            await languages["java"].grade(files, "class SolutionTest {}\n")


class TestUidBlocks:
    def test_processes_get_disjoint_blocks_and_a_released_block_is_reused(self, tmp_path):
        first = claim_uid_block(slots=2, lock_dir=tmp_path)
        second = claim_uid_block(slots=2, lock_dir=tmp_path)
        try:
            assert {first.uid_base, first.uid_base + 1}.isdisjoint({second.uid_base, second.uid_base + 1})
            first.release()
            third = claim_uid_block(slots=2, lock_dir=tmp_path)
            assert third.uid_base == first.uid_base
            third.release()
        finally:
            second.release()

    def test_all_blocks_held_is_a_sandbox_error(self, tmp_path):
        held = claim_uid_block(slots=2, lock_dir=tmp_path, blocks=1)
        try:
            with pytest.raises(SandboxError, match="held by other processes"):
                claim_uid_block(slots=2, lock_dir=tmp_path, blocks=1)
        finally:
            held.release()


@pytest.fixture
def shared_cache_root() -> Iterator[Path]:
    """A new cache folder the slot uids can traverse (pytest's tmp_path is private to root)."""
    root = Path(tempfile.mkdtemp(prefix="acelab-shared-cache-"))
    root.chmod(0o755)
    yield root
    shutil.rmtree(root, ignore_errors=True)


class TestSharedCache:
    async def test_two_worker_processes_building_the_same_cache_both_get_ready(
        self, sandbox: Sandbox, shared_cache_root: Path
    ) -> None:
        # Each server worker process has its own sandbox and uids but shares the cache folder: the
        # one whose build lands second must use the first's instead of failing its warm-up.
        cache_root = shared_cache_root
        blocks = [claim_uid_block(slots=2) for _ in range(2)]
        try:
            workers = [
                Sandbox(
                    dataclasses.replace(
                        sandbox.config,
                        cache_root=cache_root,
                        uid_base=block.uid_base,
                        cgroup_name=f"{sandbox.config.cgroup_name}-worker{i}",
                    )
                )
                for i, block in enumerate(blocks)
            ]
            for worker in workers:
                await worker.start()
            cpp = [LANGUAGES["cpp"](worker, JudgeLimits()) for worker in workers]
            await asyncio.gather(*(language.ensure_cache() for language in cpp))
            assert [name for name in os.listdir(cache_root) if name.startswith("cpp-")] == [cpp[0].cache_name]
            for language in cpp:
                res = await language.run(
                    {"main.cpp": "#include <iostream>\nint main() { std::cout << 42; }\n"}
                )
                assert res.stdout == "42", res
        finally:
            for block in blocks:
                block.release()
