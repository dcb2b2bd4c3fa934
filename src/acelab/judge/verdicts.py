"""Verdicts and results returned by the judge."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Verdict(StrEnum):
    ACCEPTED = "accepted"
    WRONG_ANSWER = "wrong_answer"
    COMPILE_ERROR = "compile_error"
    RUNTIME_ERROR = "runtime_error"
    TIME_LIMIT = "time_limit"
    MEMORY_LIMIT = "memory_limit"
    OUTPUT_LIMIT = "output_limit"
    INTERNAL_ERROR = "internal_error"


class TestStatus(StrEnum):
    __test__ = False  # keep pytest from collecting this enum

    PASSED = "passed"
    FAILED = "failed"
    # The test raised something other than an assertion failure.
    ERROR = "error"
    # The test was running when the process hit a limit or died.
    TIME_LIMIT = "time_limit"
    MEMORY_LIMIT = "memory_limit"
    OUTPUT_LIMIT = "output_limit"
    CRASHED = "crashed"
    # Never reported by the harness (the process ended before it, or the suite lacks it).
    NOT_RUN = "not_run"


@dataclass(frozen=True, slots=True)
class TestResult:
    __test__ = False

    name: str
    status: TestStatus
    time_ms: int = 0
    message: str = ""


@dataclass(frozen=True, slots=True)
class GradeResult:
    verdict: Verdict
    tests: tuple[TestResult, ...]
    stdout: str
    stderr: str
    # Compiler diagnostics (empty for languages without a compile stage).
    compile_output: str
    exit_code: int | None
    timed_out: bool
    wall_ms: int
    cpu_ms: int

    @property
    def passed_tests(self) -> list[str]:
        return [t.name for t in self.tests if t.status is TestStatus.PASSED]

    @property
    def failed_tests(self) -> list[str]:
        return [t.name for t in self.tests if t.status is not TestStatus.PASSED]


@dataclass(frozen=True, slots=True)
class RunResult:
    # accepted = compiled and exited 0; otherwise the reason it did not.
    verdict: Verdict
    stdout: str
    stderr: str
    exit_code: int | None
    timed_out: bool
    wall_ms: int
    cpu_ms: int
