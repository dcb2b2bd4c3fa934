"""C++ problem contract (codemm.md §10.4.3; §16 cppStarterSynthesis, cppNoIoSchema, cppTestSuiteRules)."""

import dataclasses
import json

import pytest

from acelab.coding.generation.contract import ContractError, cpp
from acelab.coding.generation.slots import FIXED_CONSTRAINTS, ProblemSlot

SLOT = ProblemSlot(
    index=1,
    difficulty="medium",
    topics=("graphs",),
    language="cpp",
    problem_style="return",
    constraints=FIXED_CONSTRAINTS["cpp"],
)
STDOUT_SLOT = dataclasses.replace(SLOT, problem_style="stdout")

REFERENCE = "#include <bits/stdc++.h>\n\nint solve(int n) {\n  return 2 * n;\n}\n"
PRINTING_REFERENCE = '#include <bits/stdc++.h>\n\nvoid solve(int n) {\n  std::cout << 2 * n << "\\n";\n}\n'
STARTER = "#include <bits/stdc++.h>\n\nint solve(int n) {\n  return 0;\n}\n"
MACRO = (
    "static int failures = 0;\n"
    '#define RUN_TEST(name, ...) do { try { __VA_ARGS__; std::cout << "[PASS] " << name << "\\n"; } \\\n'
    '  catch (const std::exception&) { std::cout << "[FAIL] " << name << "\\n"; ++failures; } } while (0)\n'
)
CAPTURE = (
    "static std::string run_capture(int n) {\n  std::ostringstream out;\n"
    "  std::streambuf* old = std::cout.rdbuf(out.rdbuf());\n  solve(n);\n  std::cout.rdbuf(old);\n"
    "  return out.str();\n}\n"
)


def suite(
    *,
    numbers: range | list[int] = range(1, 9),
    include: str = '#include "solution.cpp"\n',
    macro: str = MACRO,
    helpers: str = "",
    check: str = 'if (solve({i}) != {twice}) throw std::runtime_error("bad");',
) -> str:
    calls = "".join(
        f'  RUN_TEST("test_case_{i}", {{ {check.format(i=i, twice=2 * i)} }});\n' for i in numbers
    )
    return (
        f"#include <bits/stdc++.h>\n{include}\n{macro}{helpers}\n"
        f"int main() {{\n{calls}  return failures ? 1 : 0;\n}}\n"
    )


STDOUT_CHECK = 'if (run_capture({i}) != "{twice}\\n") throw std::runtime_error("bad");'


def draft(**overrides: object) -> dict[str, object]:
    return {"starter_code": STARTER, "test_suite": suite(), "reference_solution": REFERENCE, **overrides}


def error(slot: ProblemSlot = SLOT, **overrides: object) -> ContractError:
    with pytest.raises(ContractError) as caught:
        cpp.validate(draft(**overrides), slot)
    return caught.value


class TestStarterSynthesis:
    def test_comment_stripping_removes_a_commented_solve(self) -> None:
        assert "solve(" not in cpp.strip_comments("// solve(1)\n/* int solve(int n) { } */\nint x;")

    def test_signature_is_extracted_from_the_definition(self) -> None:
        reference = (
            "#include <bits/stdc++.h>\n// solve(int) is below\n"
            "long long solve(int n,\n    const std::vector<std::tuple<int,int,int>>& edges) {\n"
            "  return n;\n}\n"
        )
        assert (
            cpp.solve_signature(reference)
            == "long long solve(int n, const std::vector<std::tuple<int,int,int>>& edges)"
        )

    def test_prototype_without_body_gives_no_signature(self) -> None:
        assert cpp.solve_signature("int solve(int n);\n") is None

    def test_synthesized_starter_keeps_the_signature_and_throws(self) -> None:
        starter = cpp.synthesize_starter(
            "std::vector<int> solve(const std::vector<int>& xs) { return xs; }", "arrays"
        )
        assert starter is not None
        assert "std::vector<int> solve(const std::vector<int>& xs) {" in starter
        assert 'throw std::runtime_error("TODO");' in starter
        assert "return xs" not in starter

    def test_starter_without_solve_is_synthesized_from_the_reference(self) -> None:
        fields = cpp.validate(draft(starter_code="#include <vector>\n// write solve(...) here\n"), SLOT)
        assert "int solve(int n) {" in fields.starter_code
        assert "// TODO: Implement the missing core logic (graphs)." in fields.starter_code

    def test_missing_starter_is_synthesized_too(self) -> None:
        assert "int solve(int n) {" in cpp.validate(draft(starter_code=None), SLOT).starter_code


class TestSourceRule:
    def test_reading_stdin_is_rejected(self) -> None:
        err = error(reference_solution="int solve() { int x; std::cin >> x; return x; }")
        assert "must not read from stdin" in err.message.lower()
        assert err.field == "reference_solution"

    @pytest.mark.parametrize(
        "call",
        ["std::getline(std::cin, s)", 'scanf("%d", &x)', "getchar()", "std::cin.get()", "cin.rdbuf()"],
    )
    def test_every_stdin_read_form_is_caught(self, call: str) -> None:
        assert any("stdin" in issue for issue in cpp.source_issues(f"int solve() {{ {call}; return 0; }}"))

    def test_pure_solve_is_accepted(self) -> None:
        assert cpp.source_issues(REFERENCE) == []

    def test_main_is_rejected(self) -> None:
        err = error(starter_code=STARTER + "int main() { return solve(1); }\n")
        assert 'starter_code: C++ source must not define "main()"' in err.message

    def test_reference_without_solve_is_rejected(self) -> None:
        err = error(reference_solution="int answer(int n) { return n; }")
        assert "reference_solution: C++ source must define a solve(...) function." in err.message

    def test_missing_reference_is_rejected(self) -> None:
        assert error(reference_solution="").message == "Missing reference_solution for slot 1."

    def test_missing_suite_is_rejected(self) -> None:
        assert error(test_suite="").message == "Invalid test_suite for slot 1: missing."


class TestSuiteRule:
    def test_well_formed_harness_passes_every_check(self) -> None:
        diagnostics = cpp.diagnose_suite(suite())
        assert diagnostics == cpp.SuiteDiagnostics(True, True, True, True, True, tuple(range(1, 9)))
        assert diagnostics.is_valid(8)

    def test_non_variadic_macro_is_invalid(self) -> None:
        diagnostics = cpp.diagnose_suite(suite(macro=MACRO.replace("(name, ...)", "(name, body)")))
        assert not diagnostics.has_variadic_run_test_macro
        assert not diagnostics.is_valid(8)

    def test_missing_include_and_one_test_is_invalid(self) -> None:
        diagnostics = cpp.diagnose_suite(suite(include="", numbers=[1]))
        assert not diagnostics.includes_solution_cpp
        assert diagnostics.found_test_numbers == (1,)
        assert not diagnostics.is_valid(8)

    def test_duplicate_numbers_collapse_but_a_gap_is_invalid(self) -> None:
        diagnostics = cpp.diagnose_suite(suite(numbers=[1, 1, 2, 3, 4, 5, 6, 7, 9]))
        assert diagnostics.found_test_numbers == (1, 2, 3, 4, 5, 6, 7, 9)
        assert not diagnostics.is_valid(8)

    def test_function_style_tests_are_the_fallback(self) -> None:
        functions = "".join(f"void test_case_{i}() {{}}\n" for i in range(1, 9))
        text = f'#include "solution.cpp"\n{functions}int main() {{ std::cout << "[PASS] all"; }}\n'
        assert cpp.diagnose_suite(text).is_valid(8)

    def test_invalid_suite_error_carries_the_diagnostics_for_the_repair(self) -> None:
        err = error(test_suite=suite(numbers=range(1, 8)), reference_solution="int main() {}")
        assert err.field == "test_suite"
        assert err.message.startswith("Generated problem for slot 1 failed schema validation: ")
        assert "reference_solution: C++ source must not define" in err.message
        assert f"test_suite: {cpp.SUITE_SCHEMA_ERROR}" in err.message
        checks = json.loads(err.message.split("cpp_test_suite_checks=")[1])
        assert checks["foundTestNumbers"] == [1, 2, 3, 4, 5, 6, 7]
        assert checks["hasVariadicRunTestMacro"] is True


class TestStyle:
    def test_return_style_accepts_a_quiet_reference(self) -> None:
        fields = cpp.validate(draft(), SLOT)
        assert fields.reference_solution == REFERENCE.strip()

    def test_return_style_rejects_a_printing_reference(self) -> None:
        err = error(reference_solution=PRINTING_REFERENCE)
        assert err.message == (
            "Invalid reference_solution for slot 1: problem_style=return must not write to stdout/stderr "
            "(no cout/cerr/printf)."
        )

    def test_return_style_rejects_a_capturing_suite(self) -> None:
        err = error(test_suite=suite(helpers=CAPTURE.replace("solve(n);", "(void)solve(n);")))
        assert err.field == "test_suite"
        assert "problem_style=return should not capture stdout" in err.message

    def test_stdout_style_accepts_a_printing_reference_and_capturing_suite(self) -> None:
        captured = suite(helpers=CAPTURE, check=STDOUT_CHECK)
        fields = cpp.validate(draft(reference_solution=PRINTING_REFERENCE, test_suite=captured), STDOUT_SLOT)
        assert fields.test_suite == captured.strip()

    def test_stdout_style_rejects_a_quiet_reference(self) -> None:
        captured = suite(helpers=CAPTURE, check=STDOUT_CHECK)
        err = error(STDOUT_SLOT, test_suite=captured)
        assert "problem_style=stdout must write the final answer to stdout" in err.message

    def test_stdout_style_rejects_a_suite_that_does_not_capture(self) -> None:
        err = error(STDOUT_SLOT, reference_solution=PRINTING_REFERENCE)
        assert "problem_style=stdout must capture std::cout output" in err.message

    def test_commented_output_does_not_count_as_writing(self) -> None:
        assert not cpp.writes_output('int solve() { /* std::cout << 1; */ return 1; } // printf("x")')
