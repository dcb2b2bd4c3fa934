"""Judge API fixtures: the real sandbox with small limits, roots the slot uids can traverse."""

import os
import shutil
from pathlib import Path

import pytest

from acelab.config import Settings

CASES = Path(__file__).parents[2] / "judge" / "cases"
SUITES = {"python": "suite.py", "cpp": "suite.cpp", "sql": "suite.json", "java": "suite.java"}
# pytest's tmp_path is private to root; the cache is shared with tests/judge (the C++ precompiled
# header takes seconds to build).
JUDGE_ROOT = Path(os.environ.get("ACELAB_TEST_JUDGE_ROOT", "/tmp/acelab-judge-test"))


def suite(language: str) -> str:
    return (CASES / language / SUITES[language]).read_text()


def solution(language: str, case: str) -> str:
    return next((CASES / language / case).glob("main.*")).read_text()


@pytest.fixture(autouse=True)
def _needs_sandbox() -> None:
    if os.geteuid() != 0 or shutil.which("bwrap") is None:
        pytest.skip("the judge sandbox needs root and bubblewrap")


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return with_test_judge(settings)


def with_test_judge(settings: Settings) -> Settings:
    """Settings whose judge works in roots the slot uids can traverse, with small limits."""
    small = {"cpu_s": 1.0, "memory_mib": 256, "output_bytes": 64 << 10}
    return settings.model_copy(
        update={
            "judge_work_root": JUDGE_ROOT / "api-work",
            "judge_cache_root": JUDGE_ROOT / "cache",
            "judge_cgroup_name": "acelab-judge-api-test",
            "judge_workers": 2,
            "run_timeout_ms": 3_000,
            "judge_timeout_ms": 5_000,
            "judge_limits": {"*": {"run": small, "grade": small}},
        }
    )
