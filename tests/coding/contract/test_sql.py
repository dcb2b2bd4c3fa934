"""SQL problem contract (codemm.md §10.4.4; §16 sqlTestSuiteCoercion.test.js)."""

import json

import pytest

from acelab.coding.generation.contract import ContractError, sql, validate_draft
from acelab.coding.generation.slots import FIXED_CONSTRAINTS, ProblemSlot

SLOT = ProblemSlot(1, "easy", ("filtering",), "sql", "stdout", FIXED_CONSTRAINTS["sql"])
SCHEMA = "CREATE TABLE t (id INTEGER, name TEXT);"


def case(i: int, **overrides: object) -> dict[str, object]:
    return {
        "name": f"test_case_{i}",
        "seed_sql": f"INSERT INTO t VALUES ({i}, 'n{i}');",
        "expected": {"columns": ["name"], "rows": [[f"n{i}"]]},
        **overrides,
    }


def suite(**overrides: object) -> dict[str, object]:
    return {"schema_sql": SCHEMA, "cases": [case(i) for i in range(1, 9)], **overrides}


def with_cases(*items: int | str) -> str:
    """A suite whose cases are case(i) for each int item; a str item is put in as it is."""
    return json.dumps(suite(cases=[case(i) if isinstance(i, int) else i for i in items]))


def with_first_case(**overrides: object) -> str:
    return json.dumps(suite(cases=[case(1, **overrides), *[case(i) for i in range(2, 9)]]))


def draft(**overrides: object) -> dict[str, object]:
    return {
        "title": "Names",
        "description": "List the names.",
        "starter_code": "SELECT 1;",
        "test_suite": json.dumps(suite()),
        "reference_solution": "SELECT name FROM t;",
        **overrides,
    }


def error(**overrides: object) -> ContractError:
    with pytest.raises(ContractError) as caught:
        validate_draft(draft(**overrides), SLOT)
    return caught.value


class TestSuiteCoercion:
    def test_object_with_test_case_keys_becomes_a_canonical_string(self) -> None:
        raw = {"schema_sql": SCHEMA, **{f"test_case_{i}": case(i) for i in range(1, 9)}}
        raw["test_case_3"] = {
            **case(3),
            "seed_sql": ["INSERT INTO t VALUES (3, 'n3');"],
            "order_matters?": True,
        }
        result = validate_draft(draft(test_suite=raw), SLOT)
        data = json.loads(result.test_suite)
        assert [c["name"] for c in data["cases"]] == [f"test_case_{i}" for i in range(1, 9)]
        third = data["cases"][2]
        assert third["order_matters"] is True and "order_matters?" not in third
        assert isinstance(third["seed_sql"], str)

    def test_object_with_a_cases_array_is_kept_in_order(self) -> None:
        result = validate_draft(draft(test_suite=suite()), SLOT)
        assert json.loads(result.test_suite) == suite()

    def test_a_json_fence_is_stripped_from_the_stored_suite(self) -> None:
        fenced = "```json\n" + json.dumps(suite()) + "\n```"
        assert json.loads(validate_draft(draft(test_suite=fenced), SLOT).test_suite) == suite()

    def test_missing_starter_defaults_to_select_1(self) -> None:
        assert validate_draft(draft(starter_code=""), SLOT).starter_code == "SELECT 1;"


class TestSuiteRule:
    @pytest.mark.parametrize(
        ("text", "detail"),
        [
            ("{not json", "test_suite is not valid JSON."),
            ("[1, 2]", "test_suite must be a JSON object."),
            (json.dumps(suite(schema_sql=" ")), "Missing or empty `schema_sql`."),
            (json.dumps({"schema_sql": SCHEMA}), "Missing `cases` array."),
            (with_cases(*range(1, 8)), "`cases` must have exactly 8 items (found 7)."),
            (with_cases(*range(1, 8), "x"), "cases[7] must be an object."),
            (with_cases(1, 1, *range(3, 9)), 'Duplicate test case name "test_case_1".'),
            (with_first_case(name="first"), 'got "first"'),
            (with_first_case(name=" "), "cases[0].name must be a non-empty string."),
            (with_first_case(seed_sql=None), "cases[0].seed_sql must be a string."),
            (with_first_case(expected=[]), "cases[0].expected must be an object"),
            (with_first_case(expected={"columns": [], "rows": []}), "columns must be a non-empty array"),
            (with_first_case(expected={"columns": ["a"], "rows": [1]}), "rows must be an array of rows."),
        ],
    )
    def test_schema_errors_carry_the_contract_message(self, text: str, detail: str) -> None:
        err = error(test_suite=text)
        assert err.message.startswith(sql.SUITE_SCHEMA_ERROR + " Details: ")
        assert detail in err.message and err.field == "test_suite"

    def test_a_missing_case_name_is_reported(self) -> None:
        cases = [case(i) for i in range(1, 8)] + [case(1, name="test_case_1")]
        assert 'Duplicate test case name "test_case_1".' in sql.suite_issues(json.dumps(suite(cases=cases)))
        assert 'Missing required case "test_case_8".' in sql.suite_issues(json.dumps(suite(cases=cases)))


class TestQueryRule:
    @pytest.mark.parametrize(
        "query",
        [
            "SELECT name FROM t ORDER BY name;",
            "with x as (select name from t) select * from x",
            "-- names\n/* all of them */ SELECT name FROM t",
            "SELECT REPLACE(name, 'n', 'm') AS name FROM t",  # §17.2.18: the function is fine
            "SELECT name AS updated_name FROM t",
        ],
    )
    def test_read_only_queries_pass(self, query: str) -> None:
        assert validate_draft(draft(reference_solution=query), SLOT).reference_solution == query

    @pytest.mark.parametrize(
        "query",
        [
            "DELETE FROM t",
            "UPDATE t SET name = 'x'",
            "PRAGMA table_info(t)",
            "SELECT 1; DROP TABLE t",
            "WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x",
            "WITH x AS (SELECT 1, 'a') REPLACE INTO t SELECT * FROM x",
            "SELECT * FROM t; ATTACH DATABASE 'f' AS f",
            "-- SELECT\nVACUUM",
        ],
    )
    def test_writes_are_refused(self, query: str) -> None:
        assert error(reference_solution=query).field == "reference_solution"

    def test_the_starter_follows_the_same_rule(self) -> None:
        assert error(starter_code="CREATE TABLE x (a INTEGER);").field == "starter_code"

    def test_missing_reference(self) -> None:
        assert error(reference_solution=None).field == "reference_solution"

    def test_workspace_fields_are_refused(self) -> None:
        assert error(reference_workspace={}).field == "reference_workspace"
