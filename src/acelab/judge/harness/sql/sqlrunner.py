"""acelab SQL harness (runs inside the sandbox under /usr/bin/python3; codemm.md §13.6 semantics).

usage: sqlrunner.py SUITE_JSON SOLUTION_SQL

Per case: fresh in-memory SQLite, schema_sql and seed_sql as scripts, then the learner's query as
exactly one statement under an authorizer that only allows reading (no ATTACH, PRAGMA, writes or
extension loading; the CLI and its dot-commands are never involved). Results go to the private
result channel, never to stdout. Unlike the original, a failing case does not abort the others,
and mixed-type rows sort without raising (§17.2.18).
"""

import json
import os
import sqlite3
import sys
import time

_KEY = os.read(int(os.environ["ACELAB_KEY_FD"]), 64).strip()
os.close(int(os.environ["ACELAB_KEY_FD"]))
_OUT = int(os.environ["ACELAB_RESULT_FD"])
_READ_ONLY = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE}


def emit(**record: object) -> None:
    os.write(_OUT, _KEY + b" " + json.dumps(record).encode() + b"\n")


def authorize(action: int, arg1: object, arg2: object, db: object, source: object) -> int:
    return sqlite3.SQLITE_OK if action in _READ_ONLY else sqlite3.SQLITE_DENY


def normalise(value: object) -> object:
    return value if value is None or isinstance(value, int | float | str) else str(value)


def sort_key(row: list[object]) -> tuple[tuple[int, object], ...]:
    # Total order across types: NULL, numbers, text (the original raised on mixed columns).
    return tuple((0, "") if v is None else (1, v) if isinstance(v, int | float) else (2, str(v)) for v in row)


def query(schema: str, seed: str, sql: str) -> tuple[list[str], list[list[object]]]:
    conn = sqlite3.connect(":memory:")
    try:
        conn.executescript(schema)
        conn.executescript(seed)
        conn.set_authorizer(authorize)
        cur = conn.execute(sql)  # raises for more than one statement
        rows = [[normalise(v) for v in row] for row in cur.fetchall()]
        return [d[0] for d in cur.description or ()], rows
    finally:
        conn.close()


def main() -> None:
    suite_path, solution_path = sys.argv[1], sys.argv[2]
    try:
        with open(suite_path, encoding="utf-8") as f:
            suite = json.load(f)
        schema, cases = suite["schema_sql"], suite["cases"]
        if not isinstance(schema, str) or not schema.strip() or not isinstance(cases, list):
            raise ValueError("schema_sql must be a non-empty string and cases a list")
        sqlite3.connect(":memory:").executescript(schema)
    except (ValueError, KeyError, TypeError, sqlite3.Error) as exc:
        emit(event="suite_error", message=f"Invalid test suite: {exc}")
        return
    with open(solution_path, encoding="utf-8", errors="replace") as f:
        sql = f.read().strip()
    try:
        query(schema, "", sql)
    except (sqlite3.Error, sqlite3.Warning) as exc:
        emit(event="compile_error", message=f"{type(exc).__name__}: {exc}")
        return
    for case in cases:
        name = str(case.get("name") or "test_case")
        emit(event="start", name=name)
        start = time.perf_counter()
        expected = case.get("expected") or {}
        exp_cols = list(expected.get("columns") or [])
        exp_rows = [[normalise(v) for v in row] for row in expected.get("rows") or []]
        try:
            cols, rows = query(schema, str(case.get("seed_sql") or ""), sql)
        except (sqlite3.Error, sqlite3.Warning) as exc:
            status, message = "error", f"{type(exc).__name__}: {exc}"
        else:
            if case.get("order_matters") is not True:
                rows, exp_rows = sorted(rows, key=sort_key), sorted(exp_rows, key=sort_key)
            ok = cols == exp_cols and rows == exp_rows
            status = "passed" if ok else "failed"
            message = (
                ""
                if ok
                else (
                    "Expected columns/rows did not match.\n"
                    f"Expected columns: {exp_cols!r}\nActual columns: {cols!r}\n"
                    f"Expected rows: {exp_rows!r}\nActual rows: {rows!r}"
                )[:2000]
            )
        emit(
            event="result",
            name=name,
            status=status,
            ms=int((time.perf_counter() - start) * 1000),
            message=message,
        )


main()
