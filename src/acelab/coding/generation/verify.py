"""Sandbox verification of a draft (codemm.md §10.5), stricter than the original: the reference
must pass all 8 tests, and the learner's starter must fail at least one (a suite that accepts the
starter cannot tell a solution from a stub). Both run at once on the judge's pool."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from acelab.coding.generation.contract import ValidatedDraft
from acelab.judge.languages import InvalidSubmission
from acelab.judge.service import JudgeRuntime, grade_code
from acelab.judge.verdicts import GradeResult, Verdict

SNIPPET = 1200
SHORT_ERRORS = {"compile": "Compilation failed.", "tests": "Tests failed.", "timeout": "Timed out."}


class VerificationFailed(Exception):
    """The draft did not hold up in the sandbox; `kind` is compile, tests or timeout."""

    def __init__(self, kind: str, message: str, *, stdout: str = "", stderr: str = "") -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.stdout = stdout
        self.stderr = stderr

    @property
    def short_error(self) -> str:
        return SHORT_ERRORS[self.kind]


@dataclass(frozen=True, slots=True)
class Verified:
    reference: GradeResult
    starter: GradeResult


def _failure_output(result: GradeResult) -> str:
    failed = [f"{t.name}: {t.status.value} {t.message}".strip() for t in result.tests if t.status != "passed"]
    return ("\n".join(failed) or result.stderr or result.stdout)[:SNIPPET]


async def _grade(runtime: JudgeRuntime, draft: ValidatedDraft, code: str, what: str) -> GradeResult:
    try:
        return await grade_code(runtime, language=draft.language, code=code, test_suite=draft.test_suite)
    except InvalidSubmission as exc:
        raise VerificationFailed("compile", f'{what} for "{draft.title}" was refused: {exc}') from exc


async def verify(
    runtime: JudgeRuntime, draft: ValidatedDraft, *, starter: str, starter_must_compile: bool = False
) -> Verified:
    """Grade the reference and `starter` against the draft's suite, or raise VerificationFailed.
    A guided starter (derived from the reference) must also compile."""
    reference, starter_result = await asyncio.gather(
        _grade(runtime, draft, draft.reference_solution, "Reference solution"),
        _grade(runtime, draft, starter, "Starter code"),
    )
    out = {"stdout": reference.stdout, "stderr": reference.stderr}
    if reference.verdict is Verdict.TIME_LIMIT:
        raise VerificationFailed("timeout", f'Reference solution timed out for "{draft.title}".', **out)
    if reference.verdict is Verdict.COMPILE_ERROR:
        detail = (reference.compile_output or reference.stderr or reference.stdout)[:SNIPPET]
        raise VerificationFailed(
            "compile", f'Reference solution failed to compile for "{draft.title}": {detail}', **out
        )
    if reference.verdict is not Verdict.ACCEPTED:
        raise VerificationFailed(
            "tests",
            f'Reference solution failed tests for "{draft.title}": {_failure_output(reference)}',
            **out,
        )
    if starter_must_compile and starter_result.verdict is Verdict.COMPILE_ERROR:
        detail = (starter_result.compile_output or starter_result.stderr)[:SNIPPET]
        raise VerificationFailed(
            "compile", f'The scaffolded starter of "{draft.title}" does not compile: {detail}'
        )
    if starter_result.verdict is Verdict.ACCEPTED:
        raise VerificationFailed(
            "tests",
            f'The test suite of "{draft.title}" accepts the starter code: it must fail at least one test.',
        )
    return Verified(reference, starter_result)
