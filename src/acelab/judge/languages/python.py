"""Python 3 (Debian's /usr/bin/python3; the pyenv shim on PATH costs ~100 ms per start, P16)."""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping

from acelab.judge.languages.base import InvalidSubmission, Language
from acelab.judge.sandbox import HARNESS

PYTHON = "/usr/bin/python3"
# Names a learner file may not take: they would configure pytest, add tests, or shadow modules the
# harness and the suite import (codemm.md §17.1.3).
_RESERVED = frozenset(sys.stdlib_module_names) | {
    "pytest",
    "_pytest",
    "conftest",
    "pyrunner",
    "sitecustomize",
}


class Python(Language):
    key = "python"
    run_entry = "main.py"
    solution_name = "solution.py"
    suite_name = "test_solution.py"
    file_pattern = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\.py")
    self_test = "import sys\nsys.stdout.write(sys.stdin.read())\n"
    env = (("PYTHONDONTWRITEBYTECODE", "1"), ("PYTHONHASHSEED", "0"), ("PYTHONUNBUFFERED", "1"))

    def check_files(self, files: Mapping[str, str], *, graded: bool, main_class: str | None = None) -> None:
        super().check_files(files, graded=graded)
        if graded:
            for name in files:
                stem = name.removesuffix(".py")
                if stem in _RESERVED or stem.startswith("test_") or stem.endswith("_test"):
                    raise InvalidSubmission(f"file name not allowed: {name}")

    def suite_tests(self, suite: str) -> set[str]:
        return set(re.findall(r"^def (test_\w+)\(", suite, re.MULTILINE))

    def run_argv(self, files: Mapping[str, str], main_class: str | None = None) -> tuple[str, ...]:
        return (PYTHON, "-B", "-s", self.run_entry)

    def grade_argv(self, files: Mapping[str, str]) -> tuple[str, ...]:
        # -I: no PYTHON* variables, no user site, no cwd on sys.path (the harness adds /box itself).
        return (PYTHON, "-I", "-B", f"{HARNESS}/python/pyrunner.py", self.suite_name, *sorted(files))
