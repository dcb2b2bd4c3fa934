"""Data-driven verdict cases: cases/<lang>/<case>/{main.<ext>, expect.toml} (STYLE.md 24)."""

import tomllib
from pathlib import Path
from typing import Any

import pytest

from acelab.judge.languages import Language
from acelab.judge.verdicts import TestStatus

CASES = Path(__file__).with_name("cases")
SUITES = {"python": "suite.py", "cpp": "suite.cpp", "sql": "suite.json", "java": "suite.java"}
SOLUTIONS = {"python": "solution.py", "cpp": "solution.cpp", "sql": "solution.sql", "java": "Solution.java"}
ENTRIES = {"python": "main.py", "cpp": "main.cpp", "java": "Main.java"}


def _read(path: Path) -> str:
    return path.read_text()


def _cases() -> list[Path]:
    return sorted(p for p in CASES.glob("*/*") if (p / "expect.toml").exists())


def _load(case: Path) -> tuple[dict[str, Any], str]:
    return tomllib.loads((case / "expect.toml").read_text()), next(case.glob("main.*")).read_text()


@pytest.mark.parametrize("case", _cases(), ids=lambda p: f"{p.parent.name}/{p.name}")
async def test_case(languages: dict[str, Language], case: Path) -> None:
    lang_key = case.parent.name
    expect, source = _load(case)
    lang = languages[lang_key]
    if expect.get("mode") == "run":
        run = await lang.run({ENTRIES[lang_key]: source}, expect.get("stdin", ""))
        assert run.verdict == expect["verdict"], run
        if "stdout" in expect:
            assert run.stdout == expect["stdout"]
        return
    suite = _read(CASES / lang_key / SUITES[lang_key])
    res = await lang.grade({SOLUTIONS[lang_key]: source}, suite)
    assert res.verdict == expect["verdict"], res
    failed = [t.name for t in res.tests if t.status is not TestStatus.PASSED]
    if "failed" in expect:
        assert failed == expect["failed"], res.tests
    if "stdout_contains" in expect:
        assert expect["stdout_contains"] in res.stdout
