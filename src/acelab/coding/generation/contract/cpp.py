"""C++ problem contract (codemm.md §10.4.3): source rules, the RUN_TEST suite rule, style rules.

Source and suite issues are collected like the original's schema (up to six, `field: message`
joined by " | "); a suite issue appends the suite diagnostics, which the pipeline's one-shot
test-suite repair hands to the LLM (ContractError.field is then "test_suite").
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

from acelab.coding.generation.contract.common import CodeFields, ContractError, reject_workspace, text
from acelab.coding.generation.slots import ProblemSlot

SUITE_SCHEMA_ERROR = (
    'Invalid test_suite: must #include "solution.cpp", define a main(), print [PASS]/[FAIL] lines, and '
    "include exactly 8 tests named test_case_1..test_case_8 (RUN_TEST must be variadic)."
)
_MAX_REPORTED_ISSUES = 6

_BLOCK_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_LINE_COMMENT = re.compile(r"//[^\n]*")
_MAIN = re.compile(r"\bint\s+main\s*\(")
_SOLVE = re.compile(r"\bsolve\s*\(")
_STDIN = re.compile(
    r"\bcin\s*>>"
    r"|\bcin\s*\.\s*(?:get|getline|read|ignore|peek|rdbuf)\s*\("
    r"|\bgetline\s*\(\s*(?:std\s*::\s*)?cin\b"
    r"|\b(?:scanf|getchar|getchar_unlocked|fgets|fread)\s*\("
    r"|\bistreambuf_iterator\s*<[^>]*>\s*\(\s*(?:std\s*::\s*)?cin\b"
)
_WRITES = re.compile(r"\b(?:cout|cerr|clog)\s*<<|\b(?:printf|fprintf|puts|putchar)\s*\(")
_CAPTURES_STDOUT = (re.compile(r"\bcout\s*\.\s*rdbuf\s*\("), re.compile(r"stringstream\b"))
_INCLUDES_SOLUTION = re.compile(r'#\s*include\s+"solution\.cpp"')
_RUN_TEST_CALL = re.compile(r"\bRUN_TEST\s*\(")
_VARIADIC_RUN_TEST = re.compile(r"^\s*#\s*define\s+RUN_TEST\s*\([^)]*\.\.\.[^)]*\)", re.MULTILINE)
_PASS_FAIL = re.compile(r"\[(?:PASS|FAIL)\]")
# Where test numbers come from, in order of preference: the macro, a run() helper, bare functions.
# (The original put \b after the closing quote, which never matches `"test_case_1",`.)
_TEST_NUMBER_SOURCES = (
    re.compile(r"\bRUN_TEST\s*\(\s*\"test_case_(\d+)\""),
    re.compile(r"\brun\s*\(\s*\"test_case_(\d+)\""),
    re.compile(r"\b(?:void|bool|int)\s+test_case_(\d+)\s*\("),
)
# A solve() definition: return type, parameters, then the opening brace (§10.4.3 synthesis).
_SOLVE_SIGNATURE = re.compile(
    r"(?:^|\n)\s*([A-Za-z_][\w:<>,\s*&]*?)\s+solve\s*\(([^{;]*?)\)\s*(?:const\s*)?\{", re.MULTILINE
)


def strip_comments(source: str) -> str:
    """The source without /* */ and // comments (AS-IS: string contents are not special)."""
    return _LINE_COMMENT.sub("", _BLOCK_COMMENT.sub("", source))


def solve_signature(reference: str) -> str | None:
    """`<return type> solve(<params>)` of the first solve definition, whitespace collapsed."""
    match = _SOLVE_SIGNATURE.search(strip_comments(reference))
    if match is None:
        return None
    returns, params = (" ".join(part.split()) for part in match.groups())
    return f"{returns} solve({params})"


def synthesize_starter(reference: str, topic: str) -> str | None:
    """A starter with the reference's solve signature and a TODO body, or None without one."""
    signature = solve_signature(reference)
    if signature is None:
        return None
    return (
        "#include <bits/stdc++.h>\n\n"
        f"{signature} {{\n"
        "  // BEGIN STUDENT TODO\n"
        f"  // TODO: Implement the missing core logic ({topic}).\n"
        "  // Hint: Use the problem description as your spec.\n"
        "  // Hint: Let the tests drive edge cases.\n"
        "  // END STUDENT TODO\n"
        '  throw std::runtime_error("TODO");\n'
        "}\n"
    )


def source_issues(source: str) -> list[str]:
    """How a starter or reference breaks the C++ source rule (empty when it follows it)."""
    code = strip_comments(source)
    issues = []
    if not source.strip():
        issues.append("C++ source must not be empty.")
    if _MAIN.search(code):
        issues.append('C++ source must not define "main()"; grading uses a separate test runner.')
    if not _SOLVE.search(code):
        issues.append("C++ source must define a solve(...) function.")
    if _STDIN.search(code):
        issues.append("C++ source must not read from stdin (use only solve(...) arguments).")
    return issues


@dataclass(frozen=True, slots=True)
class SuiteDiagnostics:
    """What the suite rule looked at; serialised into the error for the test-suite repair prompt."""

    includes_solution_cpp: bool
    has_main: bool
    has_run_test_calls: bool
    has_variadic_run_test_macro: bool
    has_pass_fail_output: bool
    found_test_numbers: tuple[int, ...]

    def is_valid(self, test_count: int) -> bool:
        return (
            self.includes_solution_cpp
            and self.has_main
            and self.found_test_numbers == tuple(range(1, test_count + 1))
            and self.has_variadic_run_test_macro
            and self.has_pass_fail_output
        )

    def to_json(self) -> str:
        """The original's diagnostics object (camelCase keys, compact)."""
        return json.dumps(
            {
                "includesSolutionCpp": self.includes_solution_cpp,
                "hasMain": self.has_main,
                "hasRunTestCalls": self.has_run_test_calls,
                "hasVariadicRunTestMacro": self.has_variadic_run_test_macro,
                "hasPassFailOutput": self.has_pass_fail_output,
                "foundTestNumbers": list(self.found_test_numbers),
            },
            separators=(",", ":"),
        )


def diagnose_suite(suite: str) -> SuiteDiagnostics:
    """Check the suite against the RUN_TEST harness rule (comments stripped)."""
    code = strip_comments(suite)
    found: set[int] = set()
    for pattern in _TEST_NUMBER_SOURCES:
        found = {int(n) for n in pattern.findall(code)}
        if found:
            break
    has_calls = _RUN_TEST_CALL.search(code) is not None
    return SuiteDiagnostics(
        includes_solution_cpp=_INCLUDES_SOLUTION.search(code) is not None,
        has_main=_MAIN.search(code) is not None,
        has_run_test_calls=has_calls,
        # A non-variadic macro breaks on the commas inside test blocks.
        has_variadic_run_test_macro=not has_calls or _VARIADIC_RUN_TEST.search(code) is not None,
        has_pass_fail_output=_PASS_FAIL.search(code) is not None,
        found_test_numbers=tuple(sorted(found)),
    )


def writes_output(source: str) -> bool:
    return _WRITES.search(strip_comments(source)) is not None


def captures_stdout(suite: str) -> bool:
    code = strip_comments(suite)
    return all(pattern.search(code) for pattern in _CAPTURES_STDOUT)


def _check_style(slot: ProblemSlot, suite: str, reference: str) -> None:
    n, style = slot.index, slot.problem_style
    if style == "return":
        if writes_output(reference):
            raise ContractError(
                f"Invalid reference_solution for slot {n}: problem_style=return must not write to "
                "stdout/stderr (no cout/cerr/printf).",
                field="reference_solution",
            )
        if captures_stdout(suite):
            raise ContractError(
                f"Invalid test_suite for slot {n}: problem_style=return should not capture stdout; "
                "compare returned values instead.",
                field="test_suite",
            )
        return
    if not writes_output(reference):
        raise ContractError(
            f"Invalid reference_solution for slot {n}: problem_style={style} must write the final answer "
            "to stdout (use std::cout).",
            field="reference_solution",
        )
    if not captures_stdout(suite):
        raise ContractError(
            f"Invalid test_suite for slot {n}: problem_style={style} must capture std::cout output and "
            "assert on it (redirect rdbuf).",
            field="test_suite",
        )


def validate(raw: Mapping[str, object], slot: ProblemSlot) -> CodeFields:
    """Check and normalise the code fields of a C++ draft (§10.4.3)."""
    n = slot.index
    reject_workspace(raw, "cpp")
    suite = text(raw, "test_suite")
    if not suite:
        raise ContractError(f"Invalid test_suite for slot {n}: missing.", field="test_suite")
    reference = text(raw, "reference_solution")
    if not reference:
        raise ContractError(f"Missing reference_solution for slot {n}.", field="reference_solution")
    starter = text(raw, "starter_code")
    if not _SOLVE.search(strip_comments(starter)):
        starter = synthesize_starter(reference, slot.topics[0] if slot.topics else "cpp") or starter

    issues = [("starter_code", m) for m in source_issues(starter)]
    issues += [("reference_solution", m) for m in source_issues(reference)]
    diagnostics = diagnose_suite(suite)
    suite_broken = not diagnostics.is_valid(slot.test_case_count)
    if suite_broken:
        issues.append(("test_suite", SUITE_SCHEMA_ERROR))
    if issues:
        detail = " | ".join(f"{field}: {message}" for field, message in issues[:_MAX_REPORTED_ISSUES])
        if suite_broken:
            detail += f" | cpp_test_suite_checks={diagnostics.to_json()}"
        raise ContractError(
            f"Generated problem for slot {n} failed schema validation: {detail}",
            # §10.4.3: any suite issue triggers the one-shot suite repair, even beside other issues.
            field="test_suite" if suite_broken else issues[0][0],
        )
    _check_style(slot, suite, reference)
    return CodeFields(test_suite=suite, starter_code=starter, reference_solution=reference)
