"""SQL problem contract (codemm.md §10.4.4): read-only query rule and the JSON suite rule."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from acelab.coding.generation.contract.common import CodeFields, ContractError, reject_workspace, text
from acelab.coding.generation.slots import ProblemSlot

SUITE_SCHEMA_ERROR = (
    "Invalid test_suite: must be JSON with schema_sql + exactly 8 cases named test_case_1..test_case_8 "
    "including expected columns/rows."
)
DEFAULT_STARTER = "SELECT 1;"
TEST_NAMES = tuple(f"test_case_{i}" for i in range(1, 9))

# §17.2.18: the original also refused the word `replace`, which rejects the string function
# REPLACE(...); only the statement keyword is refused here (a `replace` not followed by "(").
_WRITE_WORDS = re.compile(
    r"\b(?:insert|update|delete|drop|alter|create|pragma|attach|detach|vacuum|reindex)\b"
    r"|\breplace\b(?!\s*\()"
)
_BLOCK_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_LINE_COMMENT = re.compile(r"--[^\n]*")
_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$")
_CASE_NAME = re.compile(r"test_case_[1-8]")


def check_query(query: str, field: str) -> None:
    """One read-only statement: SELECT or WITH, no statement that writes or changes the database."""
    stripped = _LINE_COMMENT.sub(" ", _BLOCK_COMMENT.sub(" ", query)).strip().lower()
    if not (stripped.startswith("select") or stripped.startswith("with")):
        raise ContractError(f"{field} must be a query starting with SELECT or WITH.", field=field)
    found = _WRITE_WORDS.search(stripped)
    if found:
        raise ContractError(f"{field} must be read-only (found `{found.group(0)}`).", field=field)


def coerce_suite(value: object) -> str:
    """The suite as the canonical JSON string: a string is kept; an object with `schema_sql` and
    either a `cases` array or keys test_case_1..8 is rewritten into the canonical shape."""
    if value is None:
        return ""
    if isinstance(value, str):
        # §10.4.4 tolerates a ```json fence for validation only; the judge would then fail to
        # parse the stored text, so the fence is dropped from what is stored as well.
        return _FENCE.sub("", value.strip()).strip()
    if not isinstance(value, Mapping):
        raise ContractError(
            f"{SUITE_SCHEMA_ERROR} Details: test_suite must be a JSON object.", field="test_suite"
        )
    if isinstance(value.get("cases"), list):
        cases = list(value["cases"])
    else:
        cases = [{"name": n, **c} if isinstance(c, Mapping) else c for n in TEST_NAMES if (c := value.get(n))]
    return json.dumps({"schema_sql": value.get("schema_sql"), "cases": [_canonical_case(c) for c in cases]})


def _canonical_case(case: object) -> object:
    if not isinstance(case, Mapping):
        return case
    out = {k: v for k, v in case.items() if k not in ("order_matters?", "seed_sql")}
    if "seed_sql" in case:
        seed = case["seed_sql"]
        out["seed_sql"] = seed if isinstance(seed, str) else json.dumps(seed)
    if "order_matters?" in case and "order_matters" not in case:
        out["order_matters"] = case["order_matters?"]
    return out


def suite_issues(suite: str) -> list[str]:
    """Every way the suite breaks the rule, in the contract's diagnostic wording."""
    try:
        data = json.loads(suite)
    except ValueError:
        return ["test_suite is not valid JSON."]
    if not isinstance(data, dict):
        return ["test_suite must be a JSON object."]
    issues: list[str] = []
    schema = data.get("schema_sql")
    if not isinstance(schema, str) or not schema.strip():
        issues.append("Missing or empty `schema_sql`.")
    cases = data.get("cases")
    if not isinstance(cases, list):
        return [*issues, "Missing `cases` array."]
    if len(cases) != 8:
        issues.append(f"`cases` must have exactly 8 items (found {len(cases)}).")
    seen: set[str] = set()
    for i, case in enumerate(cases):
        issues.extend(_case_issues(i, case, seen))
    issues.extend(f'Missing required case "{n}".' for n in TEST_NAMES if n not in seen)
    return issues


def _case_issues(i: int, case: object, seen: set[str]) -> list[str]:
    if not isinstance(case, dict):
        return [f"cases[{i}] must be an object."]
    issues: list[str] = []
    name = case.get("name")
    if not isinstance(name, str) or not name.strip():
        issues.append(f"cases[{i}].name must be a non-empty string.")
    elif not _CASE_NAME.fullmatch(name):
        issues.append(f'cases[{i}].name must match test_case_1..test_case_8 (got "{name}").')
    elif name in seen:
        issues.append(f'Duplicate test case name "{name}".')
    else:
        seen.add(name)
    if not isinstance(case.get("seed_sql"), str):
        issues.append(f"cases[{i}].seed_sql must be a string.")
    expected = case.get("expected")
    if not isinstance(expected, dict):
        return [*issues, f"cases[{i}].expected must be an object with {{ columns, rows }}."]
    columns = expected.get("columns")
    if not isinstance(columns, list) or not columns or not all(isinstance(c, str) for c in columns):
        issues.append(f"cases[{i}].expected.columns must be a non-empty array of strings.")
    rows = expected.get("rows")
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        issues.append(f"cases[{i}].expected.rows must be an array of rows.")
    return issues


def validate(raw: Mapping[str, object], slot: ProblemSlot) -> CodeFields:
    """Check the code fields of an SQL draft (SQL problems are stdout style only, §7.2)."""
    reject_workspace(raw, "sql")
    starter = text(raw, "starter_code") or DEFAULT_STARTER
    reference = text(raw, "reference_solution")
    if not reference:
        raise ContractError("reference_solution is required.", field="reference_solution")
    suite = coerce_suite(raw.get("test_suite"))
    issues = suite_issues(suite)
    if issues:
        raise ContractError(f"{SUITE_SCHEMA_ERROR} Details: {' '.join(issues[:2])}", field="test_suite")
    check_query(starter, "starter_code")
    check_query(reference, "reference_solution")
    return CodeFields(test_suite=suite, starter_code=starter, reference_solution=reference)
