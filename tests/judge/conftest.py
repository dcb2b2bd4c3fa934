import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from acelab.judge.languages import LANGUAGES, Language
from acelab.judge.limits import JudgeLimits, Limits
from acelab.judge.sandbox import Sandbox, SandboxConfig, claim_uid_block

# Small limits keep the limit cases quick; the defaults are exercised by the self-tests.
TEST_LIMITS = JudgeLimits(
    run=Limits(wall_ms=2_000, cpu_s=1.0, memory_mib=256, output_bytes=64 << 10),
    grade=Limits(wall_ms=3_000, cpu_s=1.0, memory_mib=256, output_bytes=64 << 10),
)


@pytest.fixture(scope="session")
def judge_limits() -> JudgeLimits:
    return TEST_LIMITS


@pytest_asyncio.fixture(scope="session")
async def sandbox() -> AsyncIterator[Sandbox]:
    if os.geteuid() != 0 or shutil.which("bwrap") is None:
        pytest.skip("the judge sandbox needs root and bubblewrap")
    # Slot uids must be able to traverse these (pytest's tmp_path is private to root). The cache is
    # kept between runs because the C++ precompiled header takes ~4 s to build.
    root = Path(os.environ.get("ACELAB_TEST_JUDGE_ROOT", "/tmp/acelab-judge-test"))
    # Its own block of uids, as a server process claims one: runs side by side never share a uid.
    uids = claim_uid_block(slots=4)
    sb = Sandbox(
        SandboxConfig(
            work_root=root / "work",
            cache_root=root / "cache",
            cgroup_name="acelab-judge-test",
            slots=2,
            uid_base=uids.uid_base,
        )
    )
    await sb.start()
    yield sb
    uids.release()


async def _languages(sandbox: Sandbox, limits: JudgeLimits) -> AsyncIterator[dict[str, Language]]:
    languages = {key: cls(sandbox, limits) for key, cls in LANGUAGES.items()}
    yield languages
    for language in languages.values():
        await language.stop()  # Java's warm compile servers


@pytest_asyncio.fixture(scope="session")
async def languages(sandbox: Sandbox, judge_limits: JudgeLimits) -> AsyncIterator[dict[str, Language]]:
    """Every language with the tests' small limits, sharing warm state (compile servers) across tests."""
    async for languages in _languages(sandbox, judge_limits):
        yield languages


@pytest_asyncio.fixture(scope="session")
async def default_languages(sandbox: Sandbox) -> AsyncIterator[dict[str, Language]]:
    """Every language with the default limits."""
    async for languages in _languages(sandbox, JudgeLimits()):
        yield languages
