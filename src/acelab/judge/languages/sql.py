"""SQL (SQLite through Python's sqlite3 module; graded only, codemm.md §13.6)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from acelab.judge.languages.base import InvalidSuite, Language
from acelab.judge.languages.python import PYTHON
from acelab.judge.sandbox import HARNESS


class Sql(Language):
    key = "sql"
    run_entry = "solution.sql"
    solution_name = "solution.sql"
    suite_name = "test_suite.json"
    file_pattern = re.compile(r"solution\.sql")
    self_test = ""
    supports_run = False

    def suite_tests(self, suite: str) -> set[str]:
        try:
            cases = json.loads(suite)["cases"]
            return {str(c["name"]) for c in cases}
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidSuite(f"SQL suite is not valid JSON with named cases: {exc}") from exc

    def grade_argv(self, files: Mapping[str, str]) -> tuple[str, ...]:
        return (PYTHON, "-I", "-B", f"{HARNESS}/sql/sqlrunner.py", self.suite_name, self.solution_name)

    async def run_self_test(self) -> bool:
        """SQL has no /run: grade a one-case suite through the real sandbox instead."""
        suite = {
            "schema_sql": "CREATE TABLE t (x INTEGER);",
            "cases": [{"name": "self_test", "seed_sql": "INSERT INTO t VALUES (42);",
                       "expected": {"columns": ["x"], "rows": [[42]]}}],
        }  # fmt: skip
        res = await self.grade({self.solution_name: "SELECT x FROM t"}, json.dumps(suite), ("self_test",))
        return res.verdict == "accepted"
