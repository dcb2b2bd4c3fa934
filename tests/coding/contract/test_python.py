"""Python problem contract (codemm.md §10.4.2)."""

import pytest

from acelab.coding.generation.contract import ContractError, python, validate_draft
from acelab.coding.generation.slots import FIXED_CONSTRAINTS, ProblemSlot

REFERENCE = "def solve(xs):\n    return sum(xs)\n"
PRINTING = "def solve(xs):\n    total = sum(xs)\n    print(total)\n    return total\n"


def slot(style: str) -> ProblemSlot:
    return ProblemSlot(3, "easy", ("arrays",), "python", style, FIXED_CONSTRAINTS["python"])


def suite(
    style: str = "return", *, count: int = 8, header: str = "import pytest\nfrom solution import solve\n"
) -> str:
    tests = []
    for i in range(1, count + 1):
        if style == "return":
            tests.append(f"def test_case_{i}():\n    assert solve([{i}]) == {i}\n")
        else:
            first = f"assert solve([{i}]) == {i}" if style == "mixed" else f"solve([{i}])"
            tests.append(
                f"def test_case_{i}(capsys):\n    {first}\n    captured = capsys.readouterr()\n"
                f"    assert captured.out == '{i}\\n'\n"
            )
    return header + "\n\n" + "\n\n".join(tests)


def draft(style: str = "return", **overrides: object) -> dict[str, object]:
    return {
        "title": "Sum",
        "description": "Sum the list.",
        "starter_code": "def solve(xs):\n    return 0\n",
        "test_suite": suite(style),
        "reference_solution": REFERENCE if style == "return" else PRINTING,
        **overrides,
    }


def error(style: str = "return", **overrides: object) -> ContractError:
    with pytest.raises(ContractError) as caught:
        validate_draft(draft(style, **overrides), slot(style))
    return caught.value


class TestAccepted:
    @pytest.mark.parametrize("style", ["return", "stdout", "mixed"])
    def test_each_style(self, style: str) -> None:
        result = validate_draft(draft(style), slot(style))
        assert result.language == "python" and result.test_suite.startswith("import pytest")

    def test_missing_starter_gets_the_stub(self) -> None:
        result = validate_draft(draft(starter_code=None), slot("return"))
        assert result.starter_code == python.DEFAULT_STARTER

    def test_a_mixed_suite_also_satisfies_the_return_and_stdout_rules(self) -> None:
        assert python.suite_styles(suite("mixed")) == {"return", "stdout", "mixed"}


class TestSources:
    @pytest.mark.parametrize(
        ("source", "message"),
        [
            ("def answer(xs):\n    return 1\n", "must define solve"),
            ("def solve(xs):\n    return int(input())\n", "stdin"),
            ("import sys\ndef solve(xs):\n    return sys.stdin.read()\n", "stdin"),
            ("import os\ndef solve(xs):\n    return 1\n", "must not import os"),
            ("import json, subprocess\ndef solve(xs):\n    return 1\n", "must not import subprocess"),
            ("from urllib.request import urlopen\ndef solve(xs):\n    return 1\n", "must not import urllib"),
            ("def solve(xs):\n    return eval('1')\n", "eval"),
        ],
    )
    def test_bad_reference(self, source: str, message: str) -> None:
        err = error(reference_solution=source)
        assert message in err.message and err.field == "reference_solution"

    def test_bad_starter(self) -> None:
        assert error(starter_code="import socket\ndef solve(xs):\n    pass\n").field == "starter_code"

    def test_missing_reference(self) -> None:
        assert error(reference_solution="  ").field == "reference_solution"

    def test_workspace_fields_are_refused(self) -> None:
        assert error(workspace={"files": []}).field == "workspace"


class TestSuite:
    @pytest.mark.parametrize(
        ("text", "detail"),
        [
            ("", "import pytest"),
            (suite(header="from solution import solve\n"), "import pytest"),
            (suite(header="import pytest\n"), "from solution import solve"),
            (suite(count=7), "exactly test_case_1..test_case_8"),
            (
                suite() + "\n\ndef test_extra():\n    assert solve([]) == 0\n",
                "exactly test_case_1..test_case_8",
            ),
            (suite() + "\nimport random\n", "randomness"),
            (suite() + "\nx = open('data.txt')\n", "open()"),
            (
                suite().replace("def test_case_1", "@pytest.mark.parametrize('a', [1])\ndef test_case_1"),
                "parametrize",
            ),
            (suite().replace("== 1\n", "== pytest.approx(1)\n"), "approx"),
            (suite().replace("assert solve(", "assert 0 == solve("), "assertion style"),
        ],
    )
    def test_schema_errors_carry_the_contract_message(self, text: str, detail: str) -> None:
        err = error(test_suite=text)
        assert err.message.startswith(python.SUITE_SCHEMA_ERROR)
        assert detail in err.message and err.field == "test_suite"

    def test_return_suite_for_a_stdout_slot_is_a_style_error(self) -> None:
        err = error("stdout", test_suite=suite("return"))
        assert (
            err.message == "Invalid test_suite for slot 3: does not match problem_style=stdout requirements."
        )

    def test_stdout_suite_for_a_mixed_slot_is_a_style_error(self) -> None:
        assert "problem_style=mixed" in error("mixed", test_suite=suite("stdout")).message


class TestReferenceOutput:
    def test_return_style_reference_must_not_print(self) -> None:
        assert "must not print" in error("return", reference_solution=PRINTING).message

    @pytest.mark.parametrize("style", ["stdout", "mixed"])
    def test_output_styles_need_a_printing_reference(self, style: str) -> None:
        assert "must print" in error(style, reference_solution=REFERENCE).message
