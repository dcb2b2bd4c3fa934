"""Java 17 with JUnit 5 (codemm.md §10.4.1, §13.3); Debian's OpenJDK 17 and junit5 jars.

Grading compiles the learner's files and the suite at once on the slot's warm compile server
(javac_server.py), then runs the suite's class in one JVM through harness/java (JUnit Platform
Launcher API, keyed records on the result channel). sandbox-probe.md: the JVM cannot see the cgroup
inside bwrap, so every JVM gets an explicit -Xmx (the learner sees OutOfMemoryError, reported as
memory_limit); the runner starts from an AppCDS archive built once into the cache root.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import logging
import os
import re
import shutil
import uuid
import zipfile
from collections.abc import Mapping
from pathlib import Path

from acelab.judge.languages.base import CODEMM_TESTS, InvalidSubmission, InvalidSuite, Language
from acelab.judge.languages.javac_server import CompileServers
from acelab.judge.limits import JudgeLimits, Limits
from acelab.judge.sandbox import (
    BOX,
    CACHE,
    HARNESS,
    HARNESS_SOURCE,
    Bind,
    Box,
    ExecResult,
    ExecSpec,
    Sandbox,
    SandboxError,
)
from acelab.judge.verdicts import GradeResult, RunResult, TestStatus, Verdict

log = logging.getLogger(__name__)

JDK = "/usr/lib/jvm/java-17-openjdk-amd64"
JAVA = f"{JDK}/bin/java"
JAVAC = f"{JDK}/bin/javac"
_JARS = "/usr/share/java"
# What a suite may import (Jupiter API + params, opentest4j) and what the launcher needs at run time.
COMPILE_CP = tuple(
    f"{_JARS}/{j}.jar"
    for j in (
        "junit-jupiter-api",
        "junit-jupiter-params",
        "opentest4j",
        "apiguardian-api",
        "junit-platform-commons",
    )
)
RUNNER_CP = COMPILE_CP + tuple(
    f"{_JARS}/{j}.jar" for j in ("junit-jupiter-engine", "junit-platform-engine", "junit-platform-launcher")
)
RUNNER_MAIN = "acelab.harness.JavaRunner"
COMPILE_SERVER_MAIN = "acelab.harness.CompileServer"
# Flat under harness/java: pyproject ships judge/harness/*/* (javac needs no package dirs).
HARNESS_SOURCES = ("java/JavaRunner.java", "java/CompileServer.java")
# sandbox-probe.md §5: the best start-up combination; warnings go to stderr, never into stdout.
JVM_FLAGS = (
    "-XX:TieredStopAtLevel=1",
    "-XX:-UsePerfData",
    "-Xshare:auto",
    "-Xlog:disable",
    "-Xlog:all=warning:stderr",
)
JAVAC_FLAGS = ("-proc:none", "-encoding", "UTF-8", "-Xlint:none", "-Xmaxerrs", "50")
# The suite's class name is handed to the runner in this file (learner files are *.java only).
TEST_CLASS_FILE = "acelab_test_class.txt"

_COMMENTS_AND_LITERALS = re.compile(
    r'"""(?:\\.|[^\\])*?"""' r"|'(?:\\.|[^'\\\n])+'|\"(?:\\.|[^\"\\\n])*\"|//[^\n]*|/\*.*?\*/", re.DOTALL
)
_PACKAGE = re.compile(r"\bpackage\s+[A-Za-z_][\w.]*\s*;")
_CLASS = re.compile(r"\bclass\s+([A-Za-z_]\w*)")
_MAIN = re.compile(r"\bstatic\s+(?:final\s+)?void\s+main\s*\(\s*(?:final\s+)?String\b")
_TEST = re.compile(
    r"@Test\b(?:\s*@\w+(?:\([^)]*\))?)*\s*(?:(?:public|protected|private|static|final)\s+)*void\s+(\w+)\s*\("
)
_OOM = "java.lang.OutOfMemoryError"
# Top-level and nested classes of the default package: the only class files a compile may yield.
_CLASS_FILE = re.compile(r"[A-Za-z_$][\w$]*")

# Compiled once into the cache so the AppCDS archives hold the classes a real grade loads.
_WARMUP = {
    "Solution.java": "public class Solution {\n    public int twice(int x) { return 2 * x; }\n}\n",
    "SolutionTest.java": (
        "import org.junit.jupiter.api.Test;\nimport static org.junit.jupiter.api.Assertions.*;\n"
        "class SolutionTest {\n"
        "    @Test void test_case_1() { assertEquals(4, new Solution().twice(2)); }\n"
        "    @Test void test_case_2() { assertTrue(new Solution().twice(1) == 2); }\n"
        "    @Test void test_case_3() { assertThrows(RuntimeException.class, () -> Math.floorDiv(1, 0)); }\n"
        "    @Test void test_case_4() { assertArrayEquals(new int[] {1}, new int[] {1}); }\n"
        '    @Test void test_case_5() { assertFalse("a".isEmpty(), "message"); }\n'
        "    @Test void test_case_6() { assertEquals(1, 2); }\n"
        "}\n"
    ),
    TEST_CLASS_FILE: "SolutionTest",
}


def _code(text: str) -> str:
    """Source with comments, string and char literals blanked (enough for token scans)."""
    return _COMMENTS_AND_LITERALS.sub(" ", text)


def _heap_mib(limits: Limits) -> int:
    # Heap plus metaspace, code cache, CDS mappings and thread stacks must stay under the cgroup
    # limit, so a learner's allocation ends as OutOfMemoryError rather than a kill.
    return max(limits.memory_mib // 2, limits.memory_mib - 96)


def _cache_key() -> str:
    parts = [(HARNESS_SOURCE / src).read_bytes().hex() for src in HARNESS_SOURCES]
    parts.append(repr((JVM_FLAGS, _WARMUP)))
    for path in (JAVA, JAVAC, f"{JDK}/lib/server/libjvm.so", f"{JDK}/lib/modules", *RUNNER_CP):
        real = os.path.realpath(path)
        st = os.stat(real)
        parts.append(f"{real}:{st.st_mtime_ns}:{st.st_size}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


class Java(Language):
    key = "java"
    # Code mode writes <first class name>.java (codemm.md §13.3); these are the fallbacks.
    run_entry = "Main.java"
    solution_name = "Solution.java"
    suite_name = "SolutionTest.java"
    file_pattern = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\.java")
    self_test = (
        "public class Main {\n    public static void main(String[] args) throws Exception {\n"
        "        System.in.transferTo(System.out);\n    }\n}\n"
    )

    def __init__(self, sandbox: Sandbox, limits: JudgeLimits) -> None:
        super().__init__(sandbox, limits)
        self.compilers = CompileServers(sandbox, self._compile_server_spec)

    @property
    def cache_name(self) -> str:
        return f"java-{_cache_key()}"

    def _cached(self, name: str) -> str | None:
        """In-sandbox path of a cached artefact, or None if the cache has not got it."""
        if (self.sandbox.config.cache_root / self.cache_name / name).is_file():
            return f"{CACHE}/{self.cache_name}/{name}"
        return None

    # ---- files ---------------------------------------------------------------------------
    def check_files(self, files: Mapping[str, str], *, graded: bool, main_class: str | None = None) -> None:
        if not files:
            raise InvalidSubmission("no files")
        for name, text in files.items():
            if not self.file_pattern.fullmatch(name):
                raise InvalidSubmission(f"file name not allowed: {name}")
            # codemm.md §10.4.1 Java source rule: no package, so learner classes can shadow
            # neither the runner nor JUnit (the runner's class loader also delegates parent-first).
            if _PACKAGE.search(_code(text)):
                raise InvalidSubmission(f"package declarations are not allowed: {name}")
        if graded:
            # Test classes are <Name>Test (codemm.md §10.4.1 rule 5): the suite's file is never
            # overwritten or pre-empted by a learner file.
            taken = [n for n in files if n.removesuffix(".java").endswith("Test")]
            if taken:
                raise InvalidSubmission(f"file name not allowed: {', '.join(taken)}")
        elif main_class is None and self._main_class(files) is None:
            raise InvalidSubmission("no runnable Java entrypoint found (public static void main)")

    def _main_class(self, files: Mapping[str, str]) -> str | None:
        # codemm.md §13.3 /run: Main.java first if runnable, else the first file with a main().
        ordered = sorted(files, key=lambda n: n != self.run_entry)
        for name in ordered:
            code = _code(files[name])
            if _MAIN.search(code):
                cls = _CLASS.search(code)
                return cls.group(1) if cls else name.removesuffix(".java")
        return None

    def suite_tests(self, suite: str) -> set[str]:
        return set(_TEST.findall(_code(suite)))

    def suite_files(self, suite: str) -> dict[str, str]:
        code = _code(suite)
        cls = _CLASS.search(code)
        if cls is None or not cls.group(1).endswith("Test"):
            raise InvalidSuite("Java suite must declare a class named <Name>Test")
        if _PACKAGE.search(code):
            raise InvalidSuite("Java suite must not declare a package")
        return {f"{cls.group(1)}.java": suite, TEST_CLASS_FILE: cls.group(1)}

    # ---- argv ----------------------------------------------------------------------------
    def _jvm(self, limits: Limits, archive: str | None) -> tuple[str, ...]:
        cds = (f"-XX:SharedArchiveFile={archive}",) if archive else ()
        return (JAVA, f"-Xmx{_heap_mib(limits)}m", *JVM_FLAGS, *cds)

    def _compile_server_spec(self) -> ExecSpec:
        limits = self.limits.compile
        argv = (
            JAVA, f"-Xmx{_heap_mib(limits)}m", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-Xshare:auto",
            "-Xlog:disable", "-cp", f"{CACHE}/{self.cache_name}/runner.jar", COMPILE_SERVER_MAIN,
        )  # fmt: skip
        return ExecSpec(argv=argv, limits=limits, env=self.env, binds=self.binds())

    async def _compile(self, box: Box, files: Mapping[str, str], *, graded: bool) -> ExecResult:
        sources = {n: t for n, t in sorted(files.items()) if n.endswith(".java")}
        # Graded code sees the JUnit API; /run code sees nothing but its own sources (/box is empty
        # in the server's sandbox).
        options = (*JAVAC_FLAGS, "-cp", ":".join(COMPILE_CP) if graded else BOX)
        out = await asyncio.to_thread(
            self.compilers.compile_sync, box.slot, options, sources, self.limits.compile
        )
        diagnostics = out.diagnostics
        ok = out.ok
        if ok and not all(_CLASS_FILE.fullmatch(name) for name in out.classes):
            ok, diagnostics = False, "error: only classes of the default package are allowed\n"
        if ok:
            box.write_files({f"{name}.class": data for name, data in out.classes.items()})
        return ExecResult(
            exit_code=0 if ok else 1,
            signal=None,
            timed_out=out.timed_out,
            memory_exceeded=out.memory_exceeded,
            output_truncated=False,
            stdout=b"",
            stderr=diagnostics.encode(),
            wall_ms=out.wall_ms,
            cpu_ms=out.cpu_ms,
        )

    async def warm(self) -> None:
        await self.ensure_cache()
        sources = {n: t for n, t in _WARMUP.items() if n.endswith(".java")}

        async def warm_one_slot() -> None:
            async with self.sandbox.box(self.limits.workdir_mib) as box:
                await self._compile(box, sources, graded=True)

        # Each call holds a different slot while it compiles, so every slot's server starts.
        await asyncio.gather(*(warm_one_slot() for _ in range(self.sandbox.config.slots)))

    async def stop(self) -> None:
        await asyncio.to_thread(self.compilers.close)

    def run_argv(self, files: Mapping[str, str], main_class: str | None = None) -> tuple[str, ...]:
        # codemm.md §13.3: a given mainClass is run as named (the JVM reports a missing main()).
        main = main_class or self._main_class(files)
        assert main is not None, "check_files guarantees an entry point"
        return (*self._jvm(self.limits.run, None), "-cp", BOX, main)

    def grade_argv(self, files: Mapping[str, str]) -> tuple[str, ...]:
        runner = f"{CACHE}/{self.cache_name}/runner.jar"
        return (
            *self._jvm(self.limits.grade, self._cached("runner.jsa")),
            # The runner wraps its two inherited pipe fds in FileDescriptors (harness/java).
            "--add-opens", "java.base/java.io=ALL-UNNAMED",
            "-cp", ":".join((runner, *RUNNER_CP)),
            RUNNER_MAIN, BOX, f"{BOX}/{TEST_CLASS_FILE}",
        )  # fmt: skip

    def binds(self) -> tuple[Bind, ...]:
        return (Bind(self.sandbox.config.cache_root, CACHE),)

    # ---- OutOfMemoryError is the JVM's memory limit ---------------------------------------
    async def run(
        self, files: Mapping[str, str], stdin: str = "", main_class: str | None = None
    ) -> RunResult:
        res = await super().run(files, stdin, main_class)
        if res.verdict is Verdict.RUNTIME_ERROR and _OOM in res.stderr:
            return dataclasses.replace(res, verdict=Verdict.MEMORY_LIMIT)
        return res

    async def grade(
        self, files: Mapping[str, str], suite: str, expected: tuple[str, ...] = CODEMM_TESTS
    ) -> GradeResult:
        res = await super().grade(files, suite, expected)
        oom = [t for t in res.tests if t.status is TestStatus.ERROR and t.message.startswith(_OOM)]
        if not oom or res.verdict not in (Verdict.RUNTIME_ERROR, Verdict.WRONG_ANSWER):
            return res
        tests = tuple(
            dataclasses.replace(t, status=TestStatus.MEMORY_LIMIT) if t in oom else t for t in res.tests
        )
        return dataclasses.replace(res, verdict=Verdict.MEMORY_LIMIT, tests=tests)

    # ---- cache ---------------------------------------------------------------------------
    async def build_cache(self, final: Path) -> None:
        # Built at its final in-sandbox path: AppCDS checks the class path it was dumped with.
        build = final.with_name(f"{final.name}.build-{uuid.uuid4().hex[:8]}")
        build.mkdir(parents=True)
        here = f"{CACHE}/{final.name}"
        limits = self.limits.cache_build
        try:
            async with self.sandbox.box(self.limits.workdir_mib) as box:
                os.chown(build, box.uid, box.uid)
                out = (Bind(build, here, writable=True),)
                compile_runner = (
                    JAVAC, *JAVAC_FLAGS, "-cp", ":".join(RUNNER_CP), "-d", f"{here}/classes",
                    *(f"{HARNESS}/{src}" for src in HARNESS_SOURCES),
                )  # fmt: skip
                _check_build(await box.execute(ExecSpec(argv=compile_runner, limits=limits, binds=out)))
                with zipfile.ZipFile(build / "runner.jar", "w") as jar:
                    for path in sorted((build / "classes").rglob("*.class")):
                        jar.write(path, path.relative_to(build / "classes").as_posix())
                shutil.rmtree(build / "classes")
                box.write_files(_WARMUP)
                sources = sorted(n for n in _WARMUP if n.endswith(".java"))
                compile_warmup = (
                    JAVAC, *JAVAC_FLAGS, "-cp", ":".join(COMPILE_CP), "-d", BOX, *sources,
                )  # fmt: skip
                _check_build(await box.execute(ExecSpec(argv=compile_warmup, limits=limits, binds=out)))
                dump_archive = (
                    JAVA, f"-XX:ArchiveClassesAtExit={here}/runner.jsa", "-Xmx256m",
                    "--add-opens", "java.base/java.io=ALL-UNNAMED",
                    "-cp", ":".join((f"{here}/runner.jar", *RUNNER_CP)),
                    RUNNER_MAIN, BOX, f"{BOX}/{TEST_CLASS_FILE}",
                )  # fmt: skip
                res = await box.execute(ExecSpec(argv=dump_archive, limits=limits, binds=out))
                if not res.ok:
                    # Only slower without it: the runner starts from the default CDS archive.
                    log.warning("Java AppCDS archive not built", extra={"archive": "runner.jsa"})
                    (build / "runner.jsa").unlink(missing_ok=True)
            # Built by the slot uid; the cache itself belongs to the service.
            for path in (build, *build.iterdir()):
                os.chown(path, 0, 0)
                path.chmod(0o755 if path.is_dir() else 0o644)
            build.rename(final)
        finally:
            shutil.rmtree(build, ignore_errors=True)


def _check_build(res: ExecResult) -> None:
    if not res.ok:
        detail = (res.stderr + res.stdout).decode(errors="replace")
        raise SandboxError(f"building the Java cache failed: {detail}")
