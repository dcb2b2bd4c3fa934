"""C++20 with g++ (codemm.md §13.5 flags); suites use the RUN_TEST harness of §10.4.3."""

from __future__ import annotations

import glob
import hashlib
import os
import re
import shutil
import uuid
from collections.abc import Mapping
from pathlib import Path

from acelab.judge.languages.base import InvalidSubmission, InvalidSuite, Language
from acelab.judge.sandbox import CACHE, HARNESS, Bind, ExecSpec, SandboxError

FLAGS = ("-std=c++20", "-O2", "-pipe", "-Wall", "-Wextra", "-Wno-unused-parameter")
_PCH_HEADER = "bits/stdc++.h"
_MAIN = re.compile(r"^[ \t]*int\s+main\s*\(", re.MULTILINE)
_RUN_TEST_NAME = re.compile(r"RUN_TEST\(\s*\"(\w+)\"")
# Placed right before the suite's main(): the suite's own RUN_TEST (which prints [PASS] lines that
# learner code could forge) is replaced by the harness macro reporting on the private channel.
_OVERRIDE = "#undef RUN_TEST\n#define RUN_TEST(name, ...) ACELAB_RUN_TEST(name, __VA_ARGS__)\n#line {line}\n"


def _cache_key() -> str:
    # The .gch is only valid for this compiler binary and these exact flags.
    gxx = os.path.realpath("/usr/bin/g++")
    st = os.stat(gxx)
    return hashlib.sha256(f"{gxx}:{st.st_mtime_ns}:{st.st_size}:{FLAGS}".encode()).hexdigest()[:16]


class Cpp(Language):
    key = "cpp"
    run_entry = "main.cpp"
    solution_name = "solution.cpp"
    suite_name = "test.cpp"
    file_pattern = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\.(?:cpp|h|hpp)")
    self_test = "#include <iostream>\nint main() { std::cout << std::cin.rdbuf(); }\n"

    @property
    def cache_name(self) -> str:
        return f"cpp-{_cache_key()}"

    def check_files(self, files: Mapping[str, str], *, graded: bool, main_class: str | None = None) -> None:
        super().check_files(files, graded=graded)
        extra = [n for n in files if n.endswith(".cpp") and n != self.solution_name]
        if graded and extra:
            raise InvalidSubmission(f"only solution.cpp plus headers are graded; remove {', '.join(extra)}")

    def suite_tests(self, suite: str) -> set[str]:
        return set(_RUN_TEST_NAME.findall(suite))

    def suite_files(self, suite: str) -> dict[str, str]:
        main = _MAIN.search(suite)
        if main is None or "RUN_TEST(" not in suite:
            raise InvalidSuite("C++ suite must call RUN_TEST(...) from main()")
        line = suite.count("\n", 0, main.start()) + 1
        return {self.suite_name: suite[: main.start()] + _OVERRIDE.format(line=line) + suite[main.start() :]}

    def binds(self) -> tuple[Bind, ...]:
        return (Bind(self.sandbox.config.cache_root, CACHE),)

    def _pch_flags(self, files: Mapping[str, str]) -> tuple[str, ...]:
        if not any(_PCH_HEADER in text for text in files.values()):
            return ()
        # Force-included first so the precompiled header applies (any source includes it anyway).
        return ("-I", f"{CACHE}/{self.cache_name}/pch", "-include", _PCH_HEADER)

    def compile_argv(self, files: Mapping[str, str], *, graded: bool) -> tuple[str, ...]:
        if graded:
            return (
                "g++", *FLAGS, *self._pch_flags(files),
                "-include", f"{HARNESS}/cpp/acelab_harness.hpp",
                "-o", "test", self.suite_name, f"{CACHE}/{self.cache_name}/acelab_harness.o",
            )  # fmt: skip
        sources = sorted(n for n in files if n.endswith(".cpp"))
        return ("g++", *FLAGS, *self._pch_flags(files), "-o", "a.out", *sources)

    def run_argv(self, files: Mapping[str, str], main_class: str | None = None) -> tuple[str, ...]:
        return ("./a.out",)

    def grade_argv(self, files: Mapping[str, str]) -> tuple[str, ...]:
        return ("./test",)

    async def build_cache(self, final: Path) -> None:
        build = final.with_name(f"{final.name}.build-{uuid.uuid4().hex[:8]}")
        (build / "pch" / "bits").mkdir(parents=True)
        try:
            header = sorted(glob.glob(f"/usr/include/*/c++/*/{_PCH_HEADER}"))[-1]
            shutil.copy(header, build / "pch" / _PCH_HEADER)
            limits = self.limits.cache_build
            async with self.sandbox.box(self.limits.workdir_mib) as box:
                for p in (build, build / "pch", build / "pch" / "bits"):
                    os.chown(p, box.uid, box.uid)
                out = Bind(build, "/out", writable=True)
                steps = (
                    ("g++", *FLAGS, "-c", "-o", "/out/acelab_harness.o", f"{HARNESS}/cpp/acelab_harness.cpp"),
                    (
                        "g++",
                        *FLAGS,
                        "-x",
                        "c++-header",
                        f"/out/pch/{_PCH_HEADER}",
                        "-o",
                        f"/out/pch/{_PCH_HEADER}.gch",
                    ),
                )
                for argv in steps:
                    res = await box.execute(ExecSpec(argv=argv, limits=limits, binds=(out,)))
                    if not res.ok:
                        detail = res.stderr.decode(errors="replace")
                        raise SandboxError(f"building the C++ cache failed: {detail}")
            build.rename(final)
        finally:
            shutil.rmtree(build, ignore_errors=True)
