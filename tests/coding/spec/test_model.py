"""ActivitySpec / SpecDraft rules, fixed fields and patches (codemm.md §7)."""

import pytest

from acelab.coding.spec.model import (
    SQL_STYLE_MESSAGE,
    InvalidActivitySpec,
    activity_issues,
    draft_issues,
    gap_fields,
    is_complete,
    parse_activity_spec,
)
from acelab.coding.spec.patches import NestedPatchPath, Op, apply_ops, ops_from_proposal, with_fixed_fields

PYTHON = (
    "Python 3.11, pytest, standard library only, no filesystem access, no networking, time limit enforced."
)
JAVA = "Java 17, JUnit 5, no package declarations."
SQL = "SQLite 3 (SQL dialect), read-only queries only, deterministic results (explicit ORDER BY when needed)."
CPP = "C++20, g++ (GNU), standard library only, no filesystem access, no networking, deterministic behavior."


def complete(**overrides):
    spec = {
        "test_case_count": 8,
        "version": "1.0",
        "constraints": PYTHON,
        "language": "python",
        "problem_count": 3,
        "difficulty_plan": [{"difficulty": "easy", "count": 2}, {"difficulty": "hard", "count": 1}],
        "topic_tags": ["arrays", "strings"],
        "problem_style": "return",
    }
    spec.update(overrides)
    return {k: v for k, v in spec.items() if v is not None}


class TestActivitySpec:
    def test_a_complete_spec_has_no_issues(self):
        assert activity_issues(complete()) == []
        assert is_complete(complete())

    def test_parse_gives_the_typed_spec(self):
        spec = parse_activity_spec(complete(topic_tags=[" arrays ", "strings"]))
        assert spec.language == "python" and spec.problem_count == 3
        assert [(i.difficulty, i.count) for i in spec.difficulty_plan] == [("easy", 2), ("hard", 1)]
        assert spec.topic_tags == ("arrays", "strings") and spec.test_case_count == 8

    def test_parse_of_an_invalid_spec_names_the_first_issue(self):
        with pytest.raises(InvalidActivitySpec, match=r"^Invalid ActivitySpec: "):
            parse_activity_spec(complete(problem_style=None))

    def test_counts_must_sum_to_problem_count(self):
        issues = activity_issues(complete(problem_count=4))
        assert [(i.field, i.message) for i in issues] == [
            ("difficulty_plan", "difficulty_plan counts must sum to problem_count (4). Got 3.")
        ]

    def test_sql_needs_stdout_style(self):
        issues = activity_issues(complete(language="sql", constraints=SQL, problem_style="return"))
        assert [(i.field, i.message) for i in issues] == [("problem_style", SQL_STYLE_MESSAGE)]
        assert SQL_STYLE_MESSAGE == "SQL only supports 'stdout' style (console output checking)."

    def test_constraints_must_be_the_language_s_fixed_string(self):
        assert [i.field for i in activity_issues(complete(constraints=JAVA))] == ["constraints"]
        for language, constraints in (("java", JAVA), ("cpp", CPP), ("sql", SQL)):
            style = "stdout" if language == "sql" else "return"
            assert (
                activity_issues(complete(language=language, constraints=constraints, problem_style=style))
                == []
            )

    def test_fixed_literals_are_enforced(self):
        assert [i.field for i in activity_issues(complete(version="2.0"))] == ["version"]
        assert [i.field for i in activity_issues(complete(test_case_count=10))] == ["test_case_count"]

    def test_unknown_keys_are_rejected(self):
        issues = activity_issues(complete(foo=1))
        assert [(i.field, i.message) for i in issues] == [("foo", "Unrecognized key(s) in object: 'foo'")]

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("language", "rust"),
            ("problem_count", 0),
            ("problem_count", 8),
            ("problem_count", True),
            ("problem_count", "3"),
            ("difficulty_plan", []),
            ("difficulty_plan", [{"difficulty": "easy", "count": 3}] * 2),
            ("difficulty_plan", [{"difficulty": "easy", "count": 0}]),
            ("difficulty_plan", [{"difficulty": "trivial", "count": 3}]),
            ("difficulty_plan", [{"difficulty": "easy", "count": 3, "extra": 1}]),
            ("difficulty_plan", [{"difficulty": "easy", "count": 8}]),
            ("topic_tags", []),
            ("topic_tags", ["x"] * 13),
            ("topic_tags", ["   "]),
            ("topic_tags", ["x" * 41]),
            ("problem_style", "  "),
            ("problem_style", "x" * 65),
        ],
    )
    def test_field_rules(self, field, value):
        assert field in {i.field for i in activity_issues(complete(**{field: value}))}

    def test_duplicate_topics_and_surrounding_spaces_are_allowed(self):
        assert activity_issues(complete(topic_tags=["arrays", " arrays "])) == []


class TestSpecDraft:
    def test_absent_fields_are_fine_in_a_draft(self):
        assert draft_issues(with_fixed_fields({})) == []

    def test_the_sum_rule_applies_when_both_are_present(self):
        draft = with_fixed_fields(
            {"problem_count": 2, "difficulty_plan": [{"difficulty": "easy", "count": 3}]}
        )
        assert [i.field for i in draft_issues(draft)] == ["difficulty_plan"]
        assert (
            draft_issues(with_fixed_fields({"difficulty_plan": [{"difficulty": "easy", "count": 3}]})) == []
        )

    def test_the_sql_style_rule_is_not_a_draft_rule(self):
        draft = {"constraints": SQL, "language": "sql", "problem_style": "return"}
        assert draft_issues(draft) == []

    def test_gaps_follow_the_question_priority(self):
        assert gap_fields(with_fixed_fields({})) == [
            "language",
            "problem_count",
            "difficulty_plan",
            "topic_tags",
            "problem_style",
        ]
        assert gap_fields(complete(problem_count=4)) == ["difficulty_plan"]


class TestFixedFields:
    def test_an_empty_draft_gets_the_java_constraints_in_order(self):
        assert list(with_fixed_fields({}).items()) == [
            ("test_case_count", 8),
            ("version", "1.0"),
            ("constraints", JAVA),
        ]

    def test_switching_language_swaps_the_constraints(self):
        assert with_fixed_fields({"language": "cpp", "constraints": JAVA})["constraints"] == CPP

    def test_sql_forces_stdout_style(self):
        # codemm.md §17.2 item 4: an SQL session can no longer dead-end on a style it cannot use.
        assert with_fixed_fields({"language": "sql", "problem_style": "return"})["problem_style"] == "stdout"

    def test_keys_are_in_canonical_order(self):
        spec = with_fixed_fields({"problem_style": "return", "language": "python"})
        assert list(spec) == ["test_case_count", "version", "constraints", "language", "problem_style"]


class TestPatches:
    def test_add_when_absent_replace_when_present_none_skipped(self):
        ops = ops_from_proposal({"language": "java"}, {"language": "python", "problem_count": 2, "x": None})
        assert [op.as_json() for op in ops] == [
            {"op": "replace", "path": "/language", "value": "python"},
            {"op": "add", "path": "/problem_count", "value": 2},
        ]

    def test_apply_and_remove(self):
        spec = apply_ops({"a": 1, "b": 2}, [Op("remove", "/a"), Op("add", "/c", 3)])
        assert spec == {"b": 2, "c": 3}

    def test_nested_paths_are_rejected(self):
        with pytest.raises(NestedPatchPath):
            apply_ops({}, [Op("add", "/difficulty_plan/0", 1)])
