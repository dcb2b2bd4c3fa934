"""The warm Java compile servers: a failure costs one compile, never the next job."""

import asyncio
from pathlib import Path

from acelab.judge.languages import Language
from acelab.judge.languages.java import COMPILE_CP, JAVAC_FLAGS, Java
from acelab.judge.languages.javac_server import Compiled
from acelab.judge.limits import Limits
from acelab.judge.sandbox import Sandbox

OPTIONS = (*JAVAC_FLAGS, "-cp", ":".join(COMPILE_CP))
GOOD = {"Main.java": "public class Main { static class Inner {} public static void main(String[] a) {} }\n"}


async def _compile(languages: dict[str, Language], sources: dict[str, str], limits: Limits) -> Compiled:
    java = languages["java"]
    assert isinstance(java, Java)
    await java.ensure_cache()
    return await asyncio.to_thread(java.compilers.compile_sync, 0, OPTIONS, sources, limits)


async def test_classes_and_diagnostics_come_back_from_memory(languages: dict[str, Language]) -> None:
    out = await _compile(languages, GOOD, Limits(wall_ms=30_000, cpu_s=20))
    assert out.ok and sorted(out.classes) == ["Main", "Main$Inner"]
    assert all(data.startswith(b"\xca\xfe\xba\xbe") for data in out.classes.values())
    bad = await _compile(languages, {"Main.java": 'public class Main { int x = "s"; }\n'}, Limits())
    assert not bad.ok and not bad.classes
    assert bad.diagnostics.startswith("Main.java:1: error: incompatible types")


async def test_a_compile_over_its_deadline_is_a_timeout_and_the_next_gets_a_new_server(
    languages: dict[str, Language], sandbox: Sandbox
) -> None:
    await _compile(languages, GOOD, Limits(wall_ms=30_000, cpu_s=20))
    slow = await _compile(languages, GOOD, Limits(wall_ms=1, cpu_s=20))
    assert slow.timed_out and not slow.ok, slow
    again = await _compile(languages, GOOD, Limits(wall_ms=30_000, cpu_s=20))
    assert again.ok


async def test_the_server_runs_as_the_slot_service_uid(
    languages: dict[str, Language], sandbox: Sandbox
) -> None:
    await _compile(languages, GOOD, Limits(wall_ms=30_000, cpu_s=20))
    job_uids = {sandbox.config.uid_base + s for s in range(sandbox.config.slots)}
    owners = _compile_server_uids()
    assert sandbox.config.service_uid(0) in owners
    assert not owners & job_uids


def _compile_server_uids() -> set[int]:
    owners = set()
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if b"CompileServer" in (proc / "cmdline").read_bytes():
                owners.add(proc.stat().st_uid)
        except OSError:
            continue  # ended meanwhile
    return owners
