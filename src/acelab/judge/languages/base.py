"""The Language base class: owns the judge flow; subclasses are mostly data plus narrow hooks.

Grading protocol: the harness in the sandbox gets a private pipe and a one-time key
(sandbox.ExecSpec.result_channel). It reads the key before any learner code runs and writes one
JSON object per line, prefixed by the key:
  {"event": "start", "name": N}                       a test begins
  {"event": "result", "name": N, "status": "passed"|"failed"|"error", "ms": int, "message": str}
  {"event": "compile_error", "message": str}          learner code does not compile/import
  {"event": "suite_error", "message": str}            the stored suite is unusable
stdout, stderr and the exit code are never trusted; only keyed records count, and every expected
test must be reported passed for "accepted".
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar

from acelab.judge.limits import JudgeLimits, Limits
from acelab.judge.sandbox import Bind, Box, ExecResult, ExecSpec, Sandbox
from acelab.judge.verdicts import GradeResult, RunResult, TestResult, TestStatus, Verdict

log = logging.getLogger(__name__)

# codemm.md §18.1: every suite has exactly these eight tests.
CODEMM_TESTS = tuple(f"test_case_{i}" for i in range(1, 9))
SELF_TEST_INPUT = "acelab self-test 42\n"


class InvalidSubmission(ValueError):
    """Learner files the judge refuses to run (names outside the whitelist, missing entry file)."""


class InvalidSuite(ValueError):
    """The stored test suite cannot be graded with (maps to internal_error)."""


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


class Language:
    key: ClassVar[str]
    # /run: the entry file the route requires (codemm.md §13.7).
    run_entry: ClassVar[str]
    # /submit: the learner's file in code mode, and where the suite is written.
    solution_name: ClassVar[str]
    suite_name: ClassVar[str]
    file_pattern: ClassVar[re.Pattern[str]]
    # Echo program for the self-test: copies stdin to stdout.
    self_test: ClassVar[str]
    env: ClassVar[tuple[tuple[str, str], ...]] = ()
    supports_run: ClassVar[bool] = True

    def __init__(self, sandbox: Sandbox, limits: JudgeLimits) -> None:
        self.sandbox = sandbox
        self.limits = limits

    # ---- hooks -------------------------------------------------------------------------
    def check_files(self, files: Mapping[str, str], *, graded: bool, main_class: str | None = None) -> None:
        """Raise InvalidSubmission for files this language refuses (`main_class`: /run's Java entry)."""
        if not files:
            raise InvalidSubmission("no files")
        for name in files:
            if not self.file_pattern.fullmatch(name):
                raise InvalidSubmission(f"file name not allowed: {name}")
        required = self.solution_name if graded else self.run_entry
        if required not in files:
            raise InvalidSubmission(f"missing {required}")
        if graded and self.suite_name in files:
            raise InvalidSubmission(f"files must not include {self.suite_name}")

    def suite_tests(self, suite: str) -> set[str]:
        """Names of the tests the stored suite defines (checked against the expected names)."""
        raise NotImplementedError

    def suite_files(self, suite: str) -> dict[str, str]:
        return {self.suite_name: suite}

    def compile_argv(self, files: Mapping[str, str], *, graded: bool) -> tuple[str, ...] | None:
        return None

    def run_argv(self, files: Mapping[str, str], main_class: str | None = None) -> tuple[str, ...]:
        raise NotImplementedError

    def grade_argv(self, files: Mapping[str, str]) -> tuple[str, ...]:
        raise NotImplementedError

    def binds(self) -> tuple[Bind, ...]:
        return ()

    @property
    def cache_name(self) -> str | None:
        """The cache folder of a language with prebuilt artefacts, named by a hash of their inputs."""
        return None

    async def ensure_cache(self) -> None:
        """Build the cached artefacts (precompiled headers, compiled runners) once per process, and
        keep the first of the server's worker processes to put them in place."""
        name = self.cache_name
        if name is None:
            return
        final = self.sandbox.config.cache_root / name
        if final.exists():
            return
        async with self.sandbox.lock(name):
            if final.exists():
                return
            try:
                await self.build_cache(final)
            except OSError:
                if not final.exists():
                    raise
                # Another worker's build was renamed into place first (ours then fails with
                # "directory not empty"); the artefacts are the same.

    async def build_cache(self, final: Path) -> None:
        """Build the artefacts into `final` (languages that name a cache folder implement this)."""
        raise NotImplementedError

    async def warm(self) -> None:
        """Get ready for the first job: build the cached artefacts (Java also starts its compilers)."""
        await self.ensure_cache()

    async def stop(self) -> None:
        """Release what the language keeps running between jobs (Java's compile servers)."""

    # ---- flow --------------------------------------------------------------------------
    def _spec(
        self, argv: tuple[str, ...], limits: Limits, *, stdin: bytes = b"", result_channel: bool = False
    ) -> ExecSpec:
        return ExecSpec(
            argv=argv,
            limits=limits,
            stdin=stdin,
            env=self.env,
            binds=self.binds(),
            result_channel=result_channel,
        )

    async def _compile(self, box: Box, files: Mapping[str, str], *, graded: bool) -> ExecResult | None:
        argv = self.compile_argv(files, graded=graded)
        if argv is None:
            return None
        return await box.execute(self._spec(argv, self.limits.compile))

    async def run(
        self, files: Mapping[str, str], stdin: str = "", main_class: str | None = None
    ) -> RunResult:
        """Compile and run learner code with stdin (/run semantics)."""
        if not self.supports_run:
            raise InvalidSubmission(f"language {self.key} does not support /run")
        self.check_files(files, graded=False, main_class=main_class)
        argv = self.run_argv(files, main_class)
        await self.ensure_cache()
        async with self.sandbox.box(self.limits.workdir_mib) as box:
            box.write_files(files)
            compiled = await self._compile(box, files, graded=False)
            if compiled is not None and not compiled.ok:
                return RunResult(
                    verdict=Verdict.COMPILE_ERROR,
                    stdout=_text(compiled.stdout),
                    stderr=_text(compiled.stderr),
                    exit_code=compiled.exit_code,
                    timed_out=compiled.timed_out,
                    wall_ms=compiled.wall_ms,
                    cpu_ms=compiled.cpu_ms,
                )
            res = await box.execute(self._spec(argv, self.limits.run, stdin=stdin.encode()))
        return RunResult(
            verdict=_limit_verdict(res)
            or (Verdict.ACCEPTED if res.exit_code == 0 else Verdict.RUNTIME_ERROR),
            stdout=_text(res.stdout),
            stderr=_text(res.stderr),
            exit_code=res.exit_code,
            timed_out=res.timed_out,
            wall_ms=res.wall_ms + (compiled.wall_ms if compiled else 0),
            cpu_ms=res.cpu_ms + (compiled.cpu_ms if compiled else 0),
        )

    async def grade(
        self, files: Mapping[str, str], suite: str, expected: tuple[str, ...] = CODEMM_TESTS
    ) -> GradeResult:
        """Compile once and run the whole stored suite in one process."""
        self.check_files(files, graded=True)
        try:
            missing = sorted(set(expected) - self.suite_tests(suite))
            if missing:
                raise InvalidSuite(f"test suite lacks {', '.join(missing)}")
            suite_files = self.suite_files(suite)
        except InvalidSuite as exc:
            log.warning("unusable test suite", extra={"language": self.key, "reason": str(exc)})
            return _internal_error(expected, str(exc))
        await self.ensure_cache()
        async with self.sandbox.box(self.limits.workdir_mib) as box:
            box.write_files({**files, **suite_files})
            compiled = await self._compile(box, {**files, **suite_files}, graded=True)
            if compiled is not None and not compiled.ok:
                return _compile_error(expected, compiled)
            res = await box.execute(
                self._spec(self.grade_argv(files), self.limits.grade, result_channel=True)
            )
        return _judge(res, expected, _text(compiled.stderr + compiled.stdout) if compiled else "")

    async def run_self_test(self) -> bool:
        """Run the echo program through the real sandbox."""
        res = await self.run({self.run_entry: self.self_test}, SELF_TEST_INPUT)
        if res.verdict is not Verdict.ACCEPTED or res.stdout != SELF_TEST_INPUT:
            log.error("language self-test failed", extra={"language": self.key, "verdict": res.verdict})
            return False
        return True


def _limit_verdict(res: ExecResult) -> Verdict | None:
    if res.memory_exceeded:
        return Verdict.MEMORY_LIMIT
    if res.timed_out:
        return Verdict.TIME_LIMIT
    if res.output_truncated:
        return Verdict.OUTPUT_LIMIT
    return None


def _internal_error(expected: tuple[str, ...], message: str) -> GradeResult:
    return GradeResult(
        verdict=Verdict.INTERNAL_ERROR,
        tests=tuple(TestResult(n, TestStatus.NOT_RUN) for n in expected),
        stdout="",
        stderr=message,
        compile_output="",
        exit_code=None,
        timed_out=False,
        wall_ms=0,
        cpu_ms=0,
    )


def _compile_error(expected: tuple[str, ...], res: ExecResult) -> GradeResult:
    diag = _text(res.stderr + res.stdout)
    if res.timed_out or res.memory_exceeded:
        diag += "\ncompilation exceeded its time or memory limit"
    return GradeResult(
        verdict=Verdict.COMPILE_ERROR,
        tests=tuple(TestResult(n, TestStatus.NOT_RUN) for n in expected),
        stdout=_text(res.stdout),
        stderr=_text(res.stderr),
        compile_output=diag,
        exit_code=res.exit_code,
        timed_out=res.timed_out,
        wall_ms=res.wall_ms,
        cpu_ms=res.cpu_ms,
    )


_STATUS = {"passed": TestStatus.PASSED, "failed": TestStatus.FAILED, "error": TestStatus.ERROR}


def _judge(res: ExecResult, expected: tuple[str, ...], compile_output: str) -> GradeResult:
    results: dict[str, TestResult] = {}
    running: str | None = None
    compile_error = suite_error = None
    for line in res.records:
        try:
            rec = json.loads(line)
            event, name = rec["event"], str(rec.get("name", ""))
        except (ValueError, KeyError, TypeError):
            continue  # only the harness knows the key; a malformed keyed line is a harness bug
        if event == "start":
            running = name
        elif event == "result" and rec.get("status") in _STATUS and name not in results:
            results[name] = TestResult(
                name, _STATUS[rec["status"]], int(rec.get("ms", 0)), str(rec.get("message", ""))
            )
            running = None
        elif event == "compile_error":
            compile_error = str(rec.get("message", ""))
        elif event == "suite_error":
            suite_error = str(rec.get("message", ""))
    limit = _limit_verdict(res)
    died_as = {
        Verdict.MEMORY_LIMIT: TestStatus.MEMORY_LIMIT,
        Verdict.TIME_LIMIT: TestStatus.TIME_LIMIT,
        Verdict.OUTPUT_LIMIT: TestStatus.OUTPUT_LIMIT,
    }.get(limit, TestStatus.CRASHED) if limit else TestStatus.CRASHED  # fmt: skip
    tests = tuple(
        results.get(n) or TestResult(n, died_as if n == running else TestStatus.NOT_RUN) for n in expected
    )
    statuses = {t.status for t in tests}
    if compile_error is not None:
        verdict, compile_output = Verdict.COMPILE_ERROR, compile_output + compile_error
    elif suite_error is not None:
        log.warning("harness rejected the test suite", extra={"reason": suite_error})
        verdict = Verdict.INTERNAL_ERROR
    elif limit is not None:
        verdict = limit
    elif statuses == {TestStatus.PASSED}:
        verdict = Verdict.ACCEPTED
    elif statuses & {TestStatus.ERROR, TestStatus.CRASHED, TestStatus.NOT_RUN}:
        verdict = Verdict.RUNTIME_ERROR
    else:
        verdict = Verdict.WRONG_ANSWER
    return GradeResult(
        verdict=verdict,
        tests=tests,
        stdout=_text(res.stdout),
        stderr=_text(res.stderr),
        compile_output=compile_output,
        exit_code=res.exit_code,
        timed_out=res.timed_out,
        wall_ms=res.wall_ms,
        cpu_ms=res.cpu_ms,
    )
