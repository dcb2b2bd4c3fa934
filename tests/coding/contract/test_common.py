"""Draft normalisation and the common fields (codemm.md §10.3, §10.4)."""

import pytest

from acelab.coding.generation.contract import ContractError, validate_draft
from acelab.coding.generation.slots import FIXED_CONSTRAINTS, ProblemSlot

SLOT = ProblemSlot(
    index=0,
    difficulty="medium",
    topics=("strings", "hashing"),
    language="sql",
    problem_style="stdout",
    constraints=FIXED_CONSTRAINTS["sql"],
)
SUITE = {
    "schema_sql": "CREATE TABLE t (x INTEGER);",
    "cases": [
        {"name": f"test_case_{i}", "seed_sql": "", "expected": {"columns": ["x"], "rows": []}}
        for i in range(1, 9)
    ],
}


def draft(**overrides: object) -> dict[str, object]:
    return {
        "id": "count-rows",
        "title": "Count rows",
        "description": "Count the rows.",
        "test_suite": SUITE,
        "reference_solution": "SELECT x FROM t;",
        **overrides,
    }


class TestNormalisation:
    def test_missing_texts_get_the_contract_defaults(self) -> None:
        result = validate_draft(draft(id="  ", title=None, description=""), SLOT)
        assert len(result.id) == 36  # a UUID
        assert result.title == "Problem for strings"
        assert result.description == "Problem description for Problem for strings."
        assert result.constraints == FIXED_CONSTRAINTS["sql"]

    def test_difficulty_and_topic_are_forced_from_the_slot(self) -> None:
        result = validate_draft(draft(difficulty="hard", topic_tag="graphs", language="java"), SLOT)
        assert (result.language, result.difficulty, result.topic_tag) == ("sql", "medium", "strings")

    def test_strings_are_trimmed_and_reasoning_dropped(self) -> None:
        result = validate_draft(draft(title="  Count rows \n", reasoning="plan"), SLOT)
        assert result.title == "Count rows"
        assert "reasoning" not in result.problem()

    def test_samples_that_are_not_arrays_become_empty(self) -> None:
        result = validate_draft(draft(sample_inputs="1 2", sample_outputs={"a": 1}), SLOT)
        assert result.sample_inputs == () and result.sample_outputs == ()

    def test_problem_drops_the_reference(self) -> None:
        problem = validate_draft(draft(), SLOT).problem()
        assert "reference_solution" not in problem
        assert set(problem) == {
            "language", "id", "title", "description", "constraints", "sample_inputs", "sample_outputs",
            "difficulty", "topic_tag", "test_suite", "starter_code",
        }  # fmt: skip


class TestRejections:
    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"id": "x" * 81}, "id"),
            ({"title": "t" * 121}, "title"),
            ({"description": "d" * 8001}, "description"),
            ({"constraints": "c" * 2001}, "constraints"),
            ({"title": 42}, "title"),
            ({"sample_inputs": ["1", 2]}, "sample_inputs"),
            ({"sample_outputs": ["1"] * 21}, "sample_outputs"),
        ],
    )
    def test_bad_common_field(self, overrides: dict[str, object], field: str) -> None:
        with pytest.raises(ContractError) as caught:
            validate_draft(draft(**overrides), SLOT)
        assert caught.value.field == field

    def test_not_an_object(self) -> None:
        with pytest.raises(ContractError, match="JSON object"):
            validate_draft(["not", "a", "draft"], SLOT)

    def test_unknown_language(self) -> None:
        with pytest.raises(ContractError, match="Unsupported language: cobol"):
            validate_draft(draft(), ProblemSlot(0, "easy", ("x",), "cobol", "stdout", "c"))
