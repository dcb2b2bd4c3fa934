"""Python problem contract (codemm.md §10.4.2): source rules, the pytest suite rule, style rules."""

from __future__ import annotations

import re
from collections.abc import Mapping

from acelab.coding.generation.contract.common import CodeFields, ContractError, reject_workspace, text
from acelab.coding.generation.slots import ProblemSlot

SUITE_SCHEMA_ERROR = (
    "Invalid test_suite: must use pytest, import solve from solution, define exactly 8 tests named "
    "test_case_1..test_case_8, avoid IO/randomness, and use a supported assertion style "
    "(return/stdout/mixed)."
)
DEFAULT_STARTER = 'def solve(x):\n    raise NotImplementedError("TODO")\n'
TEST_NAMES = frozenset(f"test_case_{i}" for i in range(1, 9))

_FORBIDDEN_MODULES = frozenset(
    {"os", "pathlib", "shutil", "subprocess", "socket", "requests", "urllib", "http", "ftplib",
     "asyncio", "multiprocessing"}
)  # fmt: skip
_DEF_SOLVE = re.compile(r"^\s*def solve\(", re.MULTILINE)
_STDIN = re.compile(r"\binput\s*\(|sys\.stdin|\bopen\s*\(\s*0|os\.read\s*\(\s*0\s*,")
_EVAL = re.compile(r"\b(?:eval|exec)\s*\(")
_IMPORT = re.compile(r"^\s*import\s+([\w., \t]+)", re.MULTILINE)
_FROM = re.compile(r"^\s*from\s+([\w.]+)\s+import\b", re.MULTILINE)
_WRITES = re.compile(r"\bprint\s*\(|sys\.stdout|sys\.stderr")

_SUITE_FORBIDDEN: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"\binput\s*\(|\bprint\s*\(|\bopen\s*\(|sys\.stdin"),
        "no input(), print(), open() or sys.stdin",
    ),
    (re.compile(r"^\s*(?:import|from)\s+random\b|\brandom\.", re.MULTILINE), "no randomness"),
    (re.compile(r"@pytest\.mark\.parametrize"), "no @pytest.mark.parametrize"),
    (re.compile(r"pytest\.approx|\bapprox\("), "no pytest.approx"),
)
_TEST_DEF = re.compile(r"^\s*def\s+(test_\w*)\s*\(", re.MULTILINE)
_CAPSYS_DEF = re.compile(r"^\s*def\s+test_case_[1-8]\s*\(\s*capsys\s*\)\s*:", re.MULTILINE)
_OUT_ASSERT = re.compile(r"^\s*assert\b.*\bout\b", re.MULTILINE)


def _imported_modules(source: str) -> set[str]:
    names = {m.split(".")[0] for m in _FROM.findall(source)}
    for group in _IMPORT.findall(source):
        for part in group.split(","):
            words = part.split()
            if words:
                names.add(words[0].split(".")[0])
    return names


def check_source(source: str, field: str) -> None:
    """The rule for learner-visible code and the reference: a solve function, no IO or escapes."""
    if not _DEF_SOLVE.search(source):
        raise ContractError(
            f"{field} must define solve(...) (a line starting with `def solve(`).", field=field
        )
    if _STDIN.search(source):
        raise ContractError(f"{field} must not read from stdin.", field=field)
    banned = sorted(_imported_modules(source) & _FORBIDDEN_MODULES)
    if banned:
        raise ContractError(f"{field} must not import {', '.join(banned)}.", field=field)
    if _EVAL.search(source):
        raise ContractError(f"{field} must not call eval() or exec().", field=field)


def suite_styles(suite: str) -> set[str]:
    """The problem styles whose assertion rules the suite satisfies."""
    returns = suite.count("assert solve(") >= 8
    prints = (
        _CAPSYS_DEF.search(suite) is not None
        and suite.count("capsys.readouterr(") >= 8
        and len(_OUT_ASSERT.findall(suite)) >= 8
        and len(re.findall(r"\bsolve\(", suite)) >= 8
    )
    return {s for s, ok in (("return", returns), ("stdout", prints), ("mixed", prints and returns)) if ok}


def suite_issue(suite: str) -> str | None:
    """The first way the suite breaks the pytest suite rule, or None."""
    if not re.search(r"^\s*import pytest\s*$", suite, re.MULTILINE):
        return "missing `import pytest`"
    if not re.search(r"^\s*from\s+solution\s+import\s+.*\bsolve\b", suite, re.MULTILINE):
        return "missing `from solution import solve`"
    for pattern, rule in _SUITE_FORBIDDEN:
        if pattern.search(suite):
            return rule
    names = _TEST_DEF.findall(suite)
    if set(names) != TEST_NAMES:
        return f"test functions must be exactly test_case_1..test_case_8 (found {', '.join(names) or 'none'})"
    if not suite_styles(suite):
        return "no supported assertion style (8 `assert solve(` or 8 capsys output checks)"
    return None


def validate(raw: Mapping[str, object], slot: ProblemSlot) -> CodeFields:
    """Check the code fields of a Python draft for the slot's style."""
    reject_workspace(raw, "python")
    starter = text(raw, "starter_code") or DEFAULT_STARTER
    suite = text(raw, "test_suite")
    reference = text(raw, "reference_solution")
    if not reference:
        raise ContractError("reference_solution is required.", field="reference_solution")
    check_source(starter, "starter_code")
    check_source(reference, "reference_solution")
    issue = suite_issue(suite)
    if issue is not None:
        raise ContractError(f"{SUITE_SCHEMA_ERROR} Details: {issue}.", field="test_suite")
    if slot.problem_style not in suite_styles(suite):
        raise ContractError(
            f"Invalid test_suite for slot {slot.index}: does not match problem_style={slot.problem_style} "
            "requirements.",
            field="test_suite",
        )
    writes = _WRITES.search(reference) is not None
    if slot.problem_style == "return" and writes:
        raise ContractError(
            "reference_solution must not print for problem_style=return.", field="reference_solution"
        )
    if slot.problem_style in ("stdout", "mixed") and not writes:
        raise ContractError(
            f"reference_solution must print its output for problem_style={slot.problem_style}.",
            field="reference_solution",
        )
    return CodeFields(test_suite=suite, starter_code=starter, reference_solution=reference)
