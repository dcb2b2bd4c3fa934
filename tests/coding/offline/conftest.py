"""The real judge sandbox for the offline library's tests (modelled on tests/judge/conftest.py).

Templates are verified with the production limits: a reference that passes here passes in the
generation pipeline. The uid block is claimed like the server does, so test runs of several
engineers on one host never judge as the same uids.
"""

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from acelab.judge.languages import LANGUAGES, Language
from acelab.judge.limits import JudgeLimits
from acelab.judge.sandbox import Sandbox, SandboxConfig, claim_uid_block

SLOTS = 2


@pytest_asyncio.fixture(scope="session")
async def sandbox() -> AsyncIterator[Sandbox]:
    if os.geteuid() != 0 or shutil.which("bwrap") is None:
        pytest.skip("the judge sandbox needs root and bubblewrap")
    # Not tests/judge's root: Sandbox.start() swaps the shared harness folder of its cache root, which
    # a concurrent run of those tests would see vanish for a moment. The C++ precompiled header and
    # the Java CDS archive are built once into this root and kept between runs.
    root = Path(os.environ.get("ACELAB_TEST_OFFLINE_ROOT", "/tmp/acelab-offline-test"))
    uids = claim_uid_block(slots=2 * SLOTS)  # job uids, then the Java compile servers' uids
    sb = Sandbox(
        SandboxConfig(
            work_root=root / "work",
            cache_root=root / "cache",
            slots=SLOTS,
            uid_base=uids.uid_base,
            cgroup_name="acelab-offline-test",
        )
    )
    await sb.start()
    yield sb
    uids.release()


@pytest_asyncio.fixture(scope="session")
async def languages(sandbox: Sandbox) -> AsyncIterator[dict[str, Language]]:
    """Every language with the default limits, sharing warm state (compile servers) across tests."""
    languages = {key: cls(sandbox, JudgeLimits()) for key, cls in LANGUAGES.items()}
    yield languages
    for language in languages.values():
        await language.stop()
