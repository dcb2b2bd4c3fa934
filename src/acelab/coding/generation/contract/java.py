"""Java single-file problem contract (codemm.md §10.4.1): JUnit 5 suite, class naming, sources.

The checks run in the contract's order and the first failure raises ContractError with the
original's message. The workspace shape (§10.4.1b) is not generated here, so it is refused.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from acelab.coding.generation.contract.common import CodeFields, ContractError, text
from acelab.coding.generation.slots import ProblemSlot

# Comments, text blocks, string and char literals: blanked before any token scan.
_COMMENTS_AND_LITERALS = re.compile(
    r'"""(?:\\.|[^\\])*?"""' r"|'(?:\\.|[^'\\\n])+'|\"(?:\\.|[^\"\\\n])*\"|//[^\n]*|/\*.*?\*/", re.DOTALL
)
_PACKAGE_LINE = re.compile(r"^\s*package\s+", re.MULTILINE)
_CLASS = re.compile(r"\bclass\s+([A-Za-z_][A-Za-z0-9_]*)")
_PUBLIC_TYPE = re.compile(
    r"\bpublic\s+(?:(?:@[\w.]+(?:\s*\([^()]*\))?|abstract|final|sealed|non-sealed|static|strictfp)\s+)*"
    r"(?:class|interface|enum|record)\s+([A-Za-z_][A-Za-z0-9_]*)"
)
_TEST_ANNOTATION = re.compile(r"@Test\b")
_TEST_IMPORT = re.compile(r"org\.junit\.jupiter\.api\.Test")
_ASSERTIONS_IMPORT = re.compile(r"static\s+org\.junit\.jupiter\.api\.Assertions\.\*")
_ASSERTION = re.compile(
    r"\bassert(?:Equals|True|False|Throws|ArrayEquals|LinesMatch|IterableEquals|NotNull|Null|Same|NotSame"
    r"|DoesNotThrow)\b\s*\([^)]*\)"
)
_STRING_LITERAL = re.compile(r'"((?:\\.|[^"\\])*)"')


def code_only(source: str) -> str:
    """The source with comments and literals blanked (newlines kept), for token scans."""
    return _COMMENTS_AND_LITERALS.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), source)


def top_level_public_types(source: str) -> list[str]:
    """Names of the public classes, interfaces, enums and records declared at brace depth 0."""
    code = code_only(source)
    names = []
    for match in _PUBLIC_TYPE.finditer(code):
        prefix = code[: match.start()]
        if prefix.count("{") == prefix.count("}"):
            names.append(match.group(1))
    return names


def primary_class_name(source: str, fallback: str) -> str:
    """The first top-level public type, else the first `class X`, else `fallback` (§10.4.1 rule 2).

    Comments and literals are skipped (§17.2.14), as the judge does when it names the files."""
    public = top_level_public_types(source)
    if public:
        return public[0]
    first = _CLASS.search(code_only(source))
    return first.group(1) if first else fallback


def has_package(source: str) -> bool:
    return _PACKAGE_LINE.search(source) is not None


def skeleton(class_name: str) -> str:
    """The starter used when the draft has none (or one with a package line)."""
    return f"public class {class_name} {{\n\n    // TODO: implement solution\n\n}}\n"


def is_valid_junit5_suite(suite: str, test_count: int) -> bool:
    """The JUnit 5 suite rule: no package, exactly `test_count` @Test, JUnit imports, a real assertion."""
    if not suite.strip() or has_package(suite):
        return False
    # AS-IS: counted on the raw text, so a comment mentioning the annotation counts too.
    if len(_TEST_ANNOTATION.findall(suite)) != test_count:
        return False
    if not (_TEST_IMPORT.search(suite) and _ASSERTIONS_IMPORT.search(suite)):
        return False
    return any(
        "asserttrue(true" not in call.lower() and "assertfalse(false" not in call.lower()
        for call in (m.group() for m in _ASSERTION.finditer(suite))
    )


def has_brittle_whitespace_literal(suite: str) -> bool:
    """A string literal with leading or trailing whitespace that is not all whitespace."""
    for match in _STRING_LITERAL.finditer(suite):
        literal = match.group(1)
        if literal.strip() and literal != literal.strip():
            return True
    return False


def validate(raw: Mapping[str, object], slot: ProblemSlot) -> CodeFields:
    """Check and normalise the code fields of a Java draft (§10.4.1, in the contract's order)."""
    n = slot.index
    for key in ("workspace", "reference_workspace"):
        if key in raw:
            raise ContractError(
                "Java workspace problems are not supported here; return starter_code and reference_solution.",
                field=key,
            )

    starter = text(raw, "starter_code")
    if len(top_level_public_types(starter)) > 1:
        raise ContractError(
            "starter_code must not declare more than one top-level public type.", field="starter_code"
        )
    class_name = primary_class_name(starter, f"Problem{n + 1}")
    if not starter or has_package(starter):
        starter = skeleton(class_name)

    suite = text(raw, "test_suite")
    if not is_valid_junit5_suite(suite, slot.test_case_count):
        raise ContractError(
            f"Invalid test_suite for slot {n}: must have exactly {slot.test_case_count} @Test methods, "
            "JUnit 5 imports, no package, and non-trivial assertions.",
            field="test_suite",
        )
    if has_brittle_whitespace_literal(suite):
        raise ContractError(
            f"Invalid test_suite for slot {n}: avoid assertEquals() against string literals with "
            "leading/trailing whitespace (brittle).",
            field="test_suite",
        )
    expected_test_class = f"{class_name}Test"
    test_class = primary_class_name(suite, expected_test_class)
    if test_class != expected_test_class:
        raise ContractError(
            f'Test suite class name "{test_class}" must match "{expected_test_class}".', field="test_suite"
        )
    if not re.search(rf"\b{re.escape(class_name)}\b", suite):
        raise ContractError(
            f'Test suite for slot {n} does not reference class "{class_name}".', field="test_suite"
        )

    reference = text(raw, "reference_solution")
    if not reference:
        raise ContractError(f"Missing reference_solution for slot {n}.", field="reference_solution")
    if len(top_level_public_types(reference)) > 1:
        raise ContractError(
            "reference_solution must not declare more than one top-level public type.",
            field="reference_solution",
        )
    if has_package(reference):
        raise ContractError(
            f"reference_solution for slot {n} contains package declaration.", field="reference_solution"
        )
    reference_class = primary_class_name(reference, "")
    if reference_class != class_name:
        raise ContractError(
            f'reference_solution class name "{reference_class}" does not match starter_code class name '
            f'"{class_name}".',
            field="reference_solution",
        )
    return CodeFields(test_suite=suite, starter_code=starter, reference_solution=reference)
