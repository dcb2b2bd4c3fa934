"""Java single-file problem contract (codemm.md §10.4.1; §16 whitespaceLiterals.test.js)."""

import pytest

from acelab.coding.generation.contract import ContractError, java
from acelab.coding.generation.slots import FIXED_CONSTRAINTS, ProblemSlot

SLOT = ProblemSlot(
    index=2,
    difficulty="easy",
    topics=("arrays",),
    language="java",
    problem_style="return",
    constraints=FIXED_CONSTRAINTS["java"],
)

STARTER = "public class Tally {\n    public static int solve(int[] xs) {\n        return 0;\n    }\n}\n"
REFERENCE = (
    "public class Tally {\n    public static int solve(int[] xs) {\n        int s = 0;\n"
    "        for (int x : xs) s += x;\n        return s;\n    }\n}\n"
)


def suite(
    *,
    tests: int = 8,
    class_name: str = "TallyTest",
    extra: str = "",
    check: str = "assertEquals({i}, Tally.solve(new int[] {{{i}}}))",
) -> str:
    methods = "".join(
        f"    @Test\n    void test_case_{i}() {{ {check.format(i=i)}; }}\n" for i in range(1, tests + 1)
    )
    return (
        "import org.junit.jupiter.api.Test;\nimport static org.junit.jupiter.api.Assertions.*;\n\n"
        f"public class {class_name} {{\n{methods}{extra}}}\n"
    )


def draft(**overrides: object) -> dict[str, object]:
    return {"starter_code": STARTER, "test_suite": suite(), "reference_solution": REFERENCE, **overrides}


def error(**overrides: object) -> ContractError:
    with pytest.raises(ContractError) as caught:
        java.validate(draft(**overrides), SLOT)
    return caught.value


class TestValidate:
    def test_well_formed_draft_is_accepted_unchanged(self) -> None:
        fields = java.validate(draft(), SLOT)
        assert (fields.starter_code, fields.reference_solution) == (STARTER.strip(), REFERENCE.strip())
        assert fields.test_suite == suite().strip()

    def test_two_public_types_in_starter_are_rejected(self) -> None:
        err = error(starter_code=STARTER + "public class Other {}\n")
        assert err.message == "starter_code must not declare more than one top-level public type."
        assert err.field == "starter_code"

    def test_public_nested_and_commented_types_do_not_count(self) -> None:
        starter = (
            "// public class Fake {}\npublic class Tally {\n    public static class Inner {}\n"
            '    static String s = "public class Str {";\n'
            "    public static int solve(int[] xs) { return 0; }\n}\n"
        )
        assert java.validate(draft(starter_code=starter), SLOT).starter_code == starter.strip()

    def test_missing_starter_gets_a_skeleton_named_after_the_slot(self) -> None:
        fields_error = error(starter_code="")
        # The skeleton is Problem3 (slot index 2), so the suite must be Problem3Test.
        assert fields_error.message == 'Test suite class name "TallyTest" must match "Problem3Test".'

    def test_starter_with_package_is_replaced_by_a_skeleton(self) -> None:
        fields = java.validate(draft(starter_code="package x;\n" + STARTER), SLOT)
        assert fields.starter_code == "public class Tally {\n\n    // TODO: implement solution\n\n}\n"

    @pytest.mark.parametrize(
        "bad_suite",
        [
            suite(tests=7),
            suite(tests=9),
            "package p;\n" + suite(),
            suite().replace("import static org.junit.jupiter.api.Assertions.*;", ""),
            suite().replace("import org.junit.jupiter.api.Test;", ""),
            "",
        ],
        ids=["7 tests", "9 tests", "package", "no assertions import", "no Test import", "empty"],
    )
    def test_malformed_junit_suite_is_rejected(self, bad_suite: str) -> None:
        err = error(test_suite=bad_suite)
        assert err.message == (
            "Invalid test_suite for slot 2: must have exactly 8 @Test methods, JUnit 5 imports, "
            "no package, and non-trivial assertions."
        )
        assert err.field == "test_suite"

    def test_only_trivial_assertions_are_rejected(self) -> None:
        trivial = suite(check="assertTrue(true, Tally.class.getName())")
        assert "Invalid test_suite for slot 2" in error(test_suite=trivial).message

    def test_test_factory_is_not_counted_as_a_test(self) -> None:
        extra = "    @TestFactory\n    java.util.List<Object> more() { return java.util.List.of(); }\n"
        assert java.validate(draft(test_suite=suite(extra=extra)), SLOT)

    def test_brittle_whitespace_literal_is_rejected(self) -> None:
        extra = '    private static final String LABEL = "Open ";\n'
        err = error(test_suite=suite(extra=extra))
        assert err.message == (
            "Invalid test_suite for slot 2: avoid assertEquals() against string literals with "
            "leading/trailing whitespace (brittle)."
        )

    def test_test_class_must_be_named_after_the_starter_class(self) -> None:
        err = error(test_suite=suite(class_name="TallyTests"))
        assert err.message == 'Test suite class name "TallyTests" must match "TallyTest".'

    def test_suite_must_mention_the_class(self) -> None:
        err = error(test_suite=suite(check="assertEquals({i}, Math.abs({i}))"))
        assert err.message == 'Test suite for slot 2 does not reference class "Tally".'

    def test_missing_reference_is_rejected(self) -> None:
        err = error(reference_solution="  ")
        assert (err.message, err.field) == ("Missing reference_solution for slot 2.", "reference_solution")

    def test_reference_with_two_public_types_is_rejected(self) -> None:
        err = error(reference_solution=REFERENCE + "public enum Mode { A }\n")
        assert err.message == "reference_solution must not declare more than one top-level public type."

    def test_reference_with_package_is_rejected(self) -> None:
        err = error(reference_solution="package a.b;\n" + REFERENCE)
        assert err.message == "reference_solution for slot 2 contains package declaration."

    def test_reference_class_must_match_the_starter_class(self) -> None:
        err = error(reference_solution=REFERENCE.replace("Tally", "Counter"))
        assert (
            err.message
            == 'reference_solution class name "Counter" does not match starter_code class name "Tally".'
        )

    def test_workspace_shape_is_refused(self) -> None:
        assert error(workspace={"files": []}).field == "workspace"


class TestBrittleWhitespace:
    @pytest.mark.parametrize("literal", ['"Open"', '" "', '""', '"a\\n"', '"two words"'])
    def test_trimmed_or_blank_literals_pass(self, literal: str) -> None:
        assert not java.has_brittle_whitespace_literal(f"assertEquals({literal}, x);")

    @pytest.mark.parametrize("literal", ['"Open "', '" Open"', '"a "'])
    def test_padded_literals_are_flagged(self, literal: str) -> None:
        assert java.has_brittle_whitespace_literal(f"assertEquals({literal}, x);")


class TestPrimaryClassName:
    def test_public_type_wins_over_an_earlier_class(self) -> None:
        assert java.primary_class_name("class Helper {}\npublic final class Main {}", "X") == "Main"

    def test_records_and_annotations_are_recognised(self) -> None:
        assert java.top_level_public_types('@SuppressWarnings("x")\npublic record Point(int x) {}') == [
            "Point"
        ]

    def test_fallback_without_any_class(self) -> None:
        assert java.primary_class_name("// class Ghost\ninterface I {}", "Problem1") == "Problem1"
