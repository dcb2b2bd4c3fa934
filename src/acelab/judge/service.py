"""The judge service: /run and /submit rules (codemm.md §13.7, §13.8), the runtime that owns the
sandbox and the job pool, the stored-suite hook, and submission records (§14).

Nothing here holds a transaction while a sandbox runs (STYLE.md 8): the caller's identity is read
before, the submission row is written in its own short unit of work after.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import re
import stat
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

from pydantic import JsonValue
from sqlalchemy import case, distinct, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from acelab import clock
from acelab.coding.profile import service as profile_service
from acelab.config import Settings
from acelab.db.engine import Database
from acelab.db.ids import new_id
from acelab.db.session import unit_of_work
from acelab.errors import AppError
from acelab.identity.service import Principal
from acelab.jobs.queue import JobQueue, LocalPool
from acelab.judge import errors
from acelab.judge.languages import LANGUAGES, InvalidSubmission, Language
from acelab.judge.limits import JudgeLimits, Limits
from acelab.judge.models import Submission
from acelab.judge.sandbox import (
    FIRST_SLOT_UID,
    Sandbox,
    SandboxConfig,
    SandboxError,
    UidBlock,
    check_sandbox,
    claim_uid_block,
)
from acelab.judge.schemas import RunIn, RunRead, SubmitIn, SubmitRead, TestRead, TimingsRead
from acelab.judge.verdicts import GradeResult, RunResult, Verdict

log = logging.getLogger(__name__)
ResultT = TypeVar("ResultT", RunResult, GradeResult)

# codemm.md §13.7 / §13.8 limits.
MAX_STDIN = 50_000
MAX_TOTAL = 200_000
RUN_MAX_FILES = {"python": 20, "cpp": 40, "java": 12}
SUBMIT_MAX_FILES = {"python": 30, "cpp": 50, "java": 16, "sql": 16}
# Printed in the error in JavaScript /…/ notation, so written here with the anchors.
FILE_PATTERNS = {
    "python": r"^[A-Za-z_][A-Za-z0-9_]*\.py$",
    "cpp": r"^[A-Za-z_][A-Za-z0-9_]*\.(?:cpp|h|hpp)$",
    "java": r"^[A-Za-z_][A-Za-z0-9_]*\.java$",
    "sql": r"^[A-Za-z_][A-Za-z0-9_]*\.sql$",
}
RUNNABLE = ("java", "python", "cpp")
LABELS = {"python": "Python", "cpp": "C++", "java": "Java", "sql": "SQL"}
JAVA_MAIN_CLASS = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_JAVA_CLASS = re.compile(r"\bclass\s+([A-Za-z_][A-Za-z0-9_]*)")
NO_JAVA_ENTRYPOINT = (
    "No runnable Java entrypoint found. Add `public static void main(String[] args)` to a class, "
    "or specify mainClass."
)
STAGES = ("compile", "run", "grade", "cache_build")
_LIMIT_FIELDS = {f.name: f.type for f in dataclasses.fields(Limits)}


# --- the runtime: sandbox + pool + languages -----------------------------------------------------


@dataclass
class JudgeRuntime:
    """What the app's lifespan starts: the pool, the sandbox and one Language per key."""

    pool: JobQueue
    sandbox: Sandbox | None
    languages: dict[str, Language]
    # "ok", or "unavailable: <why>" when the sandbox could not be built (computed once at start-up).
    status: str
    uids: UidBlock | None = None
    # The start-up warming (Language.warm) while it runs in the background.
    warming: asyncio.Task[None] | None = None

    @property
    def available(self) -> bool:
        return self.status == "ok"


def judge_limits(settings: Settings, language: str) -> JudgeLimits:
    """Stage limits for one language: defaults, the contract's timeouts, then overrides ("*" first)."""
    base = JudgeLimits()
    stages: dict[str, Limits] = {
        "compile": base.compile,
        "run": dataclasses.replace(base.run, wall_ms=settings.run_timeout_ms),
        "grade": dataclasses.replace(base.grade, wall_ms=settings.judge_timeout_ms),
        "cache_build": base.cache_build,
    }
    for scope in ("*", language):
        for stage, values in settings.judge_limits.get(scope, {}).items():
            if stage not in STAGES:
                raise ValueError(f"unknown judge stage {stage!r} in judge limits")
            changes: dict[str, int | float] = {}
            for name, value in values.items():
                if name not in _LIMIT_FIELDS:
                    raise ValueError(f"unknown judge limit {name!r} in judge limits")
                changes[name] = value if name == "cpu_s" else int(value)
            stages[stage] = dataclasses.replace(stages[stage], **changes)  # type: ignore[arg-type]
    return JudgeLimits(
        compile=stages["compile"],
        run=stages["run"],
        grade=stages["grade"],
        cache_build=stages["cache_build"],
        workdir_mib=base.workdir_mib,
    )


def _check_traversable(path: Path) -> None:
    """The slot uids are unprivileged: every parent of a judge root must be searchable by others."""
    for parent in [path, *path.parents]:
        mode = parent.stat().st_mode
        if not mode & stat.S_IXOTH:
            raise SandboxError(
                f"{parent} is not searchable by the sandbox's uids (mode {stat.filemode(mode)}); "
                "set ACELAB_JUDGE_WORK_ROOT and ACELAB_JUDGE_CACHE_ROOT to a traversable place"
            )


async def start_judge(settings: Settings) -> JudgeRuntime:
    """Start the pool and build the sandbox once; a sandbox that cannot be built is reported, not fatal."""
    workers = settings.judge_worker_count
    pool = LocalPool(workers=workers, max_pending=settings.judge_queue_size)
    await pool.start()
    if settings.sandbox == "unsafe-dev":
        log.warning("judge sandbox runs without its seccomp filter (ACELAB_SANDBOX=unsafe-dev)")
    uids: UidBlock | None = None
    try:
        uids = claim_uid_block(slots=2 * workers)  # job uids, then service uids
    except (OSError, SandboxError) as exc:
        log.error("no sandbox uids free", extra={"why": str(exc)})
    config = SandboxConfig(
        work_root=settings.judge_work_dir,
        cache_root=settings.judge_cache_dir,
        slots=workers,  # one sandbox slot (uid, cgroup) per pool worker
        uid_base=uids.uid_base if uids else FIRST_SLOT_UID,
        cgroup_name=settings.judge_cgroup_name,
        bwrap=settings.judge_bwrap,
        use_seccomp=settings.sandbox == "bwrap",
    )
    sandbox = Sandbox(config)
    try:
        if uids is None:
            raise SandboxError("no block of sandbox uids is free")
        limits = {key: judge_limits(settings, key) for key in LANGUAGES}
        for root in (config.work_root, config.cache_root):
            root.mkdir(parents=True, exist_ok=True)
            _check_traversable(root)
        await sandbox.start()
        health = await check_sandbox(sandbox)
        status = "ok" if health.ok else f"unavailable: {health.detail}"
    except (OSError, SandboxError, ValueError) as exc:
        status = f"unavailable: {exc}"
        limits = {key: JudgeLimits() for key in LANGUAGES}
    if status != "ok":
        log.error("the judge sandbox cannot be built; /run and /submit answer 503", extra={"why": status})
    languages = {key: cls(sandbox, limits[key]) for key, cls in LANGUAGES.items()}
    runtime = JudgeRuntime(pool=pool, sandbox=sandbox, languages=languages, status=status, uids=uids)
    if settings.judge_prewarm and runtime.available:
        runtime.warming = asyncio.create_task(_warm(languages.values()))
    return runtime


async def _warm(languages: Iterable[Language]) -> None:
    for language in languages:
        try:
            await language.warm()
        except (OSError, SandboxError) as exc:  # the first job retries, and reports it
            log.warning("judge warm-up failed", extra={"language": language.key, "why": str(exc)})


async def stop_judge(runtime: JudgeRuntime) -> None:
    """Stop the pool (running jobs are cancelled; their sandboxes are torn down by their threads)."""
    if runtime.warming is not None:
        runtime.warming.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await runtime.warming
    await runtime.pool.stop()
    for language in runtime.languages.values():
        await language.stop()
    if runtime.uids is not None:
        runtime.uids.release()


# --- the stored-suite hook (codemm.md §17.1.1) -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoredSuite:
    language: str
    test_suite: str
    # The problem's concept, for the learner profile (codemm.md §14.3).
    topic_tag: str | None = None


class SuiteSource(Protocol):
    """Where /submit finds the suite stored with a problem (the activity store implements it)."""

    async def find_suite(
        self, *, activity_id: str, problem_id: str, user_id: str | None
    ) -> StoredSuite | None:
        """The stored suite of a problem `user_id` may see (None: anonymous), else None."""


# --- validation ------------------------------------------------------------------------------------


def _js_length(text: str) -> int:
    # The original counts UTF-16 code units (JavaScript string length).
    return len(text.encode("utf-16-le", errors="surrogatepass")) // 2


def _nonblank(value: JsonValue) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _utf8(field: str, text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise errors.NotUtf8(field) from exc


def _files_object(value: JsonValue) -> dict[str, JsonValue] | None:
    """The files map if `files` is a (non-null) JSON object; arrays are objects in JavaScript."""
    if isinstance(value, dict):
        return value
    if isinstance(value, list):
        return {str(i): v for i, v in enumerate(value)}
    return None


def _check_files(language: str, files: dict[str, JsonValue], *, max_files: int, total: int) -> dict[str, str]:
    if not files:
        raise errors.FilesEmpty()
    if len(files) > max_files:
        raise errors.TooManyFiles(max_files)
    pattern = FILE_PATTERNS[language]
    checked: dict[str, str] = {}
    for name, content in files.items():
        if not re.fullmatch(pattern, name):
            raise errors.InvalidFilename(name, pattern)
        if not isinstance(content, str) or not content.strip():
            raise errors.FileContentEmpty(name)
        total += _js_length(content)
        if total > MAX_TOTAL:
            raise errors.TotalCodeTooLong(MAX_TOTAL)
        checked[name] = content
    return checked


def _java_class(code: str, fallback: str) -> str:
    match = _JAVA_CLASS.search(code)
    return match.group(1) if match else fallback


@dataclass(frozen=True, slots=True)
class RunJob:
    language: str
    files: dict[str, str]
    stdin: str
    main_class: str | None


def validate_run(run_in: RunIn) -> RunJob | RunRead:
    """Apply codemm.md §13.7 in order; a RunRead is the contract's 200 answer without a run."""
    language = run_in.language
    if not isinstance(language, str) or language not in LANGUAGES:
        raise errors.InvalidLanguage()
    if language not in RUNNABLE:
        raise errors.LanguageNotRunnable(language)
    stdin = ""
    if "stdin" in run_in.model_fields_set:
        if not isinstance(run_in.stdin, str):
            raise errors.StdinNotString()
        if _js_length(run_in.stdin) > MAX_STDIN:
            raise errors.StdinTooLong(MAX_STDIN)
        stdin = run_in.stdin
    main_class: str | None = None
    files_in = _files_object(run_in.files)
    if files_in is not None:
        files = _check_files(language, files_in, max_files=RUN_MAX_FILES[language], total=_js_length(stdin))
        if language == "python" and "main.py" not in files:
            raise errors.EntryFileRequired("Python", "/run", "main.py")
        if language == "cpp" and "main.cpp" not in files:
            raise errors.EntryFileRequired("C++", "/run", "main.cpp")
        if isinstance(run_in.main_class, str) and run_in.main_class.strip():
            main_class = run_in.main_class.strip()
            if language == "java" and not JAVA_MAIN_CLASS.fullmatch(main_class):
                return RunRead(stdout="", stderr=f'Invalid mainClass "{main_class}".')
    else:
        code = run_in.code
        if not isinstance(code, str) or not code.strip():
            raise errors.CodeOrFilesRequired()
        if _js_length(code) + _js_length(stdin) > MAX_TOTAL:
            raise errors.CodeTooLong(MAX_TOTAL)
        entry = {"python": "main.py", "cpp": "main.cpp"}.get(language)
        files = {entry or f"{_java_class(code, 'Solution')}.java": code}
    _utf8("stdin", stdin)
    for name, content in files.items():
        _utf8(f'File "{name}"', content)
    return RunJob(language=language, files=files, stdin=stdin, main_class=main_class)


@dataclass(frozen=True, slots=True)
class SubmitJob:
    language: str
    files: dict[str, str]
    test_suite: str
    # What a submission row stores: the raw code, or the JSON text of the files map.
    code_text: str
    activity_id: str | None
    problem_id: str | None


def validate_submit(submit_in: SubmitIn) -> SubmitJob:
    """Apply codemm.md §13.8 in order."""
    suite = submit_in.test_suite
    if not isinstance(suite, str) or not suite.strip():
        raise errors.TestSuiteRequired()
    language = submit_in.language if "language" in submit_in.model_fields_set else "java"
    if not isinstance(language, str) or language not in LANGUAGES:
        raise errors.InvalidLanguage()
    files_in = _files_object(submit_in.files)
    if files_in is not None:
        files = _check_files(
            language, files_in, max_files=SUBMIT_MAX_FILES[language], total=_js_length(suite)
        )
        _check_submit_layout(language, files)
        code_text = json.dumps(files)
    else:
        code = submit_in.code
        if not isinstance(code, str) or not code.strip():
            raise errors.CodeRequired()
        if _js_length(code) + _js_length(suite) > MAX_TOTAL:
            raise errors.TotalCodeTooLong(MAX_TOTAL)
        files = code_mode_files(language, code)
        code_text = code
    _utf8("testSuite", suite)
    for name, content in files.items():
        _utf8(f'File "{name}"', content)
    activity_id = submit_in.activity_id if isinstance(submit_in.activity_id, str) else None
    problem_id = submit_in.problem_id if isinstance(submit_in.problem_id, str) else None
    return SubmitJob(language, files, suite, code_text, activity_id, problem_id)


def code_mode_files(language: str, code: str) -> dict[str, str]:
    """The one learner file of a graded code-mode submission (codemm.md §13.3-13.6)."""
    names = {"python": "solution.py", "cpp": "solution.cpp", "sql": "solution.sql"}
    return {names.get(language) or f"{_java_class(code, 'Solution')}.java": code}


def _check_submit_layout(language: str, files: Mapping[str, str]) -> None:
    if language == "python":
        if "test_solution.py" in files:
            raise errors.ForbiddenFile("test_solution.py")
        if "solution.py" not in files:
            raise errors.EntryFileRequired("Python", "/submit", "solution.py")
    elif language == "cpp":
        if "test.cpp" in files:
            raise errors.ForbiddenFile("test.cpp")
        if "solution.cpp" not in files:
            raise errors.EntryFileRequired("C++", "/submit", "solution.cpp")
        extra = [n for n in files if n.endswith(".cpp") and n != "solution.cpp"]
        if extra:
            raise errors.CppExtraSources(extra)
    elif language == "sql":
        if "solution.sql" not in files:
            raise errors.EntryFileRequired("SQL", "/submit", "solution.sql")
        extra = [n for n in files if n != "solution.sql"]
        if extra:
            raise errors.SqlExtraFiles(extra)


# --- running jobs ------------------------------------------------------------------------------------


def _language(runtime: JudgeRuntime, key: str) -> Language:
    if not runtime.available:
        raise errors.JudgeUnavailable(runtime.status.removeprefix("unavailable: "))
    return runtime.languages[key]


def _exit_code(code: int | None) -> int:
    # codemm.md §13.2: the process exit code, 1 if killed or unknown.
    return 1 if code is None else code


async def run_code(runtime: JudgeRuntime, *, run_in: RunIn) -> RunRead:
    """Validate, then compile and run learner code with stdin in the sandbox (/run)."""
    job = validate_run(run_in)
    if isinstance(job, RunRead):
        return job
    lang = _language(runtime, job.language)
    try:
        lang.check_files(job.files, graded=False, main_class=job.main_class)
    except InvalidSubmission as exc:
        if job.language == "java" and "entrypoint" in str(exc):
            return RunRead(stdout="", stderr=NO_JAVA_ENTRYPOINT)
        raise errors.SubmissionRefused(str(exc)) from exc
    result, clock_marks = await _in_pool(
        runtime,
        lambda: lang.run(job.files, job.stdin, job.main_class),
        failure=errors.RunFailed,
        language=job.language,
    )
    compile_error = result.verdict is Verdict.COMPILE_ERROR
    return RunRead(
        stdout=result.stdout,
        stderr=result.stderr,
        verdict=result.verdict.value,
        exit_code=_exit_code(result.exit_code),
        timed_out=result.timed_out,
        compile_output=(result.stderr + result.stdout) if compile_error else "",
        timings=clock_marks.timings(result.wall_ms, result.cpu_ms),
    )


@dataclass(frozen=True)
class _Marks:
    """When a job was accepted, started by a worker, and done (time.monotonic seconds)."""

    accepted: float
    started: float
    done: float

    def timings(self, wall_ms: int, cpu_ms: int) -> TimingsRead:
        return TimingsRead(
            queue_ms=int((self.started - self.accepted) * 1000),
            sandbox_ms=wall_ms,
            cpu_ms=cpu_ms,
            total_ms=int((self.done - self.accepted) * 1000),
        )


async def _in_pool(
    runtime: JudgeRuntime,
    job: Callable[[], Awaitable[ResultT]],
    *,
    failure: Callable[[], AppError],
    language: str,
) -> tuple[ResultT, _Marks]:
    """Run a sandbox job on the bounded pool, timing its wait; a sandbox failure is a logged 500."""
    accepted = time.monotonic()
    started = accepted

    async def timed() -> ResultT:
        nonlocal started
        started = time.monotonic()
        return await job()

    try:
        result = await runtime.pool.run(timed)
    except (OSError, SandboxError) as exc:
        log.exception("sandbox job failed", extra={"language": language})
        raise failure() from exc
    return result, _Marks(accepted=accepted, started=started, done=time.monotonic())


async def grade_code(runtime: JudgeRuntime, *, language: str, code: str, test_suite: str) -> GradeResult:
    """Grade code-mode `code` against `test_suite` on the bounded pool (the generation pipeline's
    verification of reference and starter code). Raises InvalidSubmission for code the judge
    refuses and JudgeFailed when the sandbox fails."""
    lang = _language(runtime, language)
    files = code_mode_files(language, code)
    lang.check_files(files, graded=True)
    result, _ = await _in_pool(
        runtime, lambda: lang.grade(files, test_suite), failure=errors.JudgeFailed, language=language
    )
    return result


async def submit_code(
    runtime: JudgeRuntime,
    db: Database,
    *,
    submit_in: SubmitIn,
    caller: Principal | None,
    suites: SuiteSource,
) -> SubmitRead:
    """Validate, grade with the stored suite when the problem has one (else the client's), and record
    an authenticated caller's submission to a stored problem (/submit)."""
    job = validate_submit(submit_in)
    suite, stored = job.test_suite, None
    if job.activity_id is not None and job.problem_id is not None:
        user_id = caller.user_id if caller else None
        stored = await suites.find_suite(
            activity_id=job.activity_id, problem_id=job.problem_id, user_id=user_id
        )
        if stored is not None:
            if stored.language != job.language:
                raise errors.LanguageMismatch(job.language, stored.language)
            suite = stored.test_suite
    if job.language == "java":
        conflict = _java_suite_conflict(job, suite)
        if conflict is not None:
            return conflict
    lang = _language(runtime, job.language)
    try:
        lang.check_files(job.files, graded=True)
    except InvalidSubmission as exc:
        raise errors.SubmissionRefused(str(exc)) from exc
    result, clock_marks = await _in_pool(
        runtime, lambda: lang.grade(job.files, suite), failure=errors.JudgeFailed, language=job.language
    )
    execution_ms = int((clock_marks.done - clock_marks.started) * 1000)
    if caller is not None and stored is not None:
        # codemm.md §13.8: only submissions to a problem that exists (and the caller may see) count.
        await _record(db, caller=caller, job=job, result=result, ms=execution_ms, stored=stored)
    return SubmitRead(
        success=result.verdict is Verdict.ACCEPTED,
        passed_tests=result.passed_tests,
        failed_tests=result.failed_tests,
        stdout=result.stdout,
        stderr=result.stderr,
        execution_time_ms=execution_ms,
        exit_code=_exit_code(result.exit_code),
        timed_out=result.timed_out,
        verdict=result.verdict.value,
        compile_output=result.compile_output,
        tests=[_test_read(t.name, t.status.value, t.time_ms, t.message) for t in result.tests],
        timings=clock_marks.timings(result.wall_ms, result.cpu_ms),
    )


def _test_read(name: str, status: str, time_ms: int, message: str) -> TestRead:
    return TestRead(name=name, status=status, time_ms=time_ms, message=message)


def _java_suite_conflict(job: SubmitJob, suite: str) -> SubmitRead | None:
    """codemm.md §13.3: a learner file named like the suite's class is answered without judging."""
    learner = next(iter(job.files)).removesuffix(".java")
    test_file = f"{_java_class(suite, f'{learner}Test')}.java"
    if test_file not in job.files:
        return None
    return SubmitRead(
        success=False,
        passed_tests=[],
        failed_tests=[],
        stdout="",
        stderr=f'User files include "{test_file}", which conflicts with the test suite filename.',
        execution_time_ms=0,
    )


async def _record(
    db: Database, *, caller: Principal, job: SubmitJob, result: GradeResult, ms: int, stored: StoredSuite
) -> None:
    assert job.activity_id is not None and job.problem_id is not None
    passed = len(result.passed_tests)
    row = Submission(
        id=new_id("sub"),
        user_id=caller.user_id,
        activity_id=job.activity_id,
        problem_id=job.problem_id,
        language=job.language,
        code=job.code_text,
        success=result.verdict is Verdict.ACCEPTED,
        verdict=result.verdict.value,
        passed_tests=passed,
        total_tests=passed + len(result.failed_tests),
        execution_time_ms=ms or None,
        tests=[
            {"name": t.name, "status": t.status.value, "timeMs": t.time_ms, "message": t.message}
            for t in result.tests
        ],
        submitted_at=clock.utcnow(),
    )
    try:
        async with unit_of_work(db, write=True) as session:
            session.add(row)
            await profile_service.record_outcome(
                session,
                user_id=caller.user_id,
                language=job.language,
                concept=stored.topic_tag,
                success=row.success,
            )
    except SQLAlchemyError:
        # codemm.md §13.8: a failed record is logged and the judge result still returned.
        log.exception("submission not recorded", extra={"user_id": caller.user_id})


async def list_submissions(db: Database, *, user_id: str) -> list[Submission]:
    """Return a user's submissions, oldest first (tests and the later learner profile)."""
    async with unit_of_work(db, autocommit=True) as session:
        rows = await session.scalars(
            select(Submission).where(Submission.user_id == user_id).order_by(Submission.submitted_at)
        )
        return list(rows)


@dataclass(frozen=True, slots=True)
class SubmissionStats:
    total: int
    successful: int
    activities: int
    problems: int
    avg_execution_ms: float


async def submission_stats(session: AsyncSession, *, user_id: str) -> SubmissionStats:
    """A user's lifetime submission counts (codemm.md §4 GET /profile)."""
    row = (
        await session.execute(
            select(
                func.count(),
                func.coalesce(func.sum(case((Submission.success, 1), else_=0)), 0),
                func.count(distinct(Submission.activity_id)),
                func.count(distinct(Submission.problem_id)),
                func.coalesce(func.avg(Submission.execution_time_ms), 0),
            ).where(Submission.user_id == user_id)
        )
    ).one()
    return SubmissionStats(int(row[0]), int(row[1]), int(row[2]), int(row[3]), float(row[4]))


async def recent_submissions(session: AsyncSession, *, user_id: str, limit: int = 10) -> list[Submission]:
    """A user's newest submissions first."""
    stmt = (
        select(Submission)
        .where(Submission.user_id == user_id)
        .order_by(Submission.submitted_at.desc(), Submission.id.desc())
        .limit(limit)
    )
    return list((await session.scalars(stmt)).all())
