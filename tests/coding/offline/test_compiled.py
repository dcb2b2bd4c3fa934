"""The offline Java and C++ libraries (one problem set, two renderers): every template, every style,
verified in the real sandbox."""

import asyncio
import random
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

import pytest

from acelab.coding.generation.contract import validate_draft
from acelab.coding.generation.slots import DIFFICULTIES, FIXED_CONSTRAINTS, PROBLEM_STYLES, ProblemSlot
from acelab.coding.offline import base, cpp, draft_problem, java
from acelab.judge.languages import Language
from acelab.judge.verdicts import TestStatus, Verdict

TOPICS = (
    "arrays",
    "strings",
    "hashing",
    "recursion",
    "sorting",
    "two pointers",
    "dynamic programming",
    "graphs",
)
ORACLE_SEEDS = range(12)
Template = java.JavaTemplate | cpp.CppTemplate


def java_oracle_program(template: java.JavaTemplate) -> str:
    """One program with the return-style reference of every seed (a class each) that prints each of
    their cases whose result differs from the oracle's."""
    classes, checks = [], []
    expected_kind = java.KINDS[template.spec.returns]
    for seed in ORACLE_SEEDS:
        params, cases = base.make_cases(template.problem, random.Random(seed), 8)
        seeded = f"{template.name}{seed}"
        reference = template.reference(params, "return").replace("import java.util.*;\n\n", "")
        classes.append(reference.replace(f"public class {template.name} ", f"class {seeded} "))
        for i, case in enumerate(cases, 1):
            got = template.call(case.args).replace(f"{template.name}.", f"{seeded}.")
            want = expected_kind.literal(case.expected)
            checks.append(
                f"        if (!Arrays.deepEquals(new Object[] {{{got}}}, new Object[] {{{want}}})) {{\n"
                f'            System.out.println("seed {seed}, case {i}");\n        }}'
            )
    main = "public class Main {\n    public static void main(String[] args) {\n" + "\n".join(checks)
    return "import java.util.*;\n\n" + "\n".join(classes) + f"\n{main}\n    }}\n}}\n"


def cpp_oracle_program(template: cpp.CppTemplate) -> str:
    """The same for C++, a namespace per seed."""
    sources, checks = ["#include <bits/stdc++.h>\n"], []
    expected_kind = cpp.KINDS[template.spec.returns]
    for seed in ORACLE_SEEDS:
        params, cases = base.make_cases(template.problem, random.Random(seed), 8)
        reference = template.reference(params, "return").replace("#include <bits/stdc++.h>\n", "")
        sources.append(f"namespace seed_{seed} {{\n{reference}}}\n")
        for i, case in enumerate(cases, 1):
            got, want = f"seed_{seed}::{template.call(case.args)}", expected_kind.literal(case.expected)
            checks.append(f'  if (!({got} == {want})) std::cout << "seed {seed}, case {i}\\n";')
    return "".join(sources) + "int main() {\n" + "\n".join(checks) + "\n}\n"


@dataclass(frozen=True)
class Library:
    language: str
    module: ModuleType
    source_name: Callable[[Template], str]
    shape_ok: Callable[[Template, str], bool]
    oracle_file: str
    oracle_program: Callable[..., str]
    main_class: str | None


LIBRARIES = {
    "java": Library(
        "java", java, lambda t: f"{t.name}.java", lambda t, ref: f"public class {t.name} " in ref,
        "Main.java", java_oracle_program, "Main",
    ),
    "cpp": Library(
        "cpp", cpp, lambda t: "solution.cpp", lambda t, ref: "int main(" not in ref,
        "main.cpp", cpp_oracle_program, None,
    ),
}  # fmt: skip
CASES = [(lib, t, s) for lib in LIBRARIES.values() for t in lib.module.TEMPLATES for s in PROBLEM_STYLES]
TEMPLATES = [(lib, t) for lib in LIBRARIES.values() for t in lib.module.TEMPLATES]


def slot(lib: Library, template: Template, style: str) -> ProblemSlot:
    topic = template.problem.topics[0]
    return ProblemSlot(
        0, template.problem.difficulty, (topic,), lib.language, style, FIXED_CONSTRAINTS[lib.language]
    )


@pytest.mark.parametrize("lib", LIBRARIES.values(), ids=lambda lib: lib.language)
class TestLibrary:
    def test_has_twelve_templates_with_unique_slugs(self, lib: Library) -> None:
        slugs = [t.problem.slug for t in lib.module.TEMPLATES]
        assert len(slugs) >= 12 and len(set(slugs)) == len(slugs)

    @pytest.mark.parametrize("topic", TOPICS)
    def test_every_topic_has_a_template(self, lib: Library, topic: str) -> None:
        assert any(base.matches_topic(t.problem, [topic]) for t in lib.module.TEMPLATES)

    @pytest.mark.parametrize("difficulty", DIFFICULTIES)
    def test_every_difficulty_has_several_templates(self, lib: Library, difficulty: str) -> None:
        assert sum(t.problem.difficulty == difficulty for t in lib.module.TEMPLATES) >= 4

    def test_repeated_requests_vary(self, lib: Library) -> None:
        s = ProblemSlot(0, "medium", ("sorting",), lib.language, "return", FIXED_CONSTRAINTS[lib.language])
        drafts = [draft_problem(s, random.Random(seed)) for seed in range(6)]
        assert len({d["id"] for d in drafts}) == 6 and len({d["test_suite"] for d in drafts}) == 6
        assert all(d["topic_tag"] == "sorting" and d["difficulty"] == "medium" for d in drafts)

    def test_topic_and_difficulty_pick_the_matching_template(self, lib: Library) -> None:
        s = ProblemSlot(0, "hard", ("Graphs",), lib.language, "stdout", FIXED_CONSTRAINTS[lib.language])
        picked = {base.choose(lib.module.TEMPLATES, s, random.Random(seed)).problem for seed in range(20)}
        assert picked and all(p.difficulty == "hard" and base.matches_topic(p, ["graphs"]) for p in picked)


def case_id(case: tuple[Library, Template, str]) -> str:
    return f"{case[0].language}-{case[1].problem.slug}-{case[2]}"


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_drafts_pass_the_contract(case: tuple[Library, Template, str]) -> None:
    lib, template, style = case
    s = slot(lib, template, style)
    for seed in range(15):
        draft = validate_draft(base.draft(template, s, random.Random(seed)), s)
        assert draft.title and draft.description and len(draft.sample_inputs) == 2
        assert lib.shape_ok(template, draft.reference_solution)


@pytest.mark.parametrize("case", CASES, ids=case_id)
async def test_reference_passes_and_starter_fails_in_the_sandbox(
    languages: dict[str, Language], case: tuple[Library, Template, str]
) -> None:
    lib, template, style = case
    s = slot(lib, template, style)
    draft = validate_draft(base.draft(template, s, random.Random(CASES.index(case))), s)
    reference, starter = await asyncio.gather(
        *(
            languages[lib.language].grade({lib.source_name(template): code}, draft.test_suite)
            for code in (draft.reference_solution, draft.starter_code)
        )
    )
    assert reference.verdict == Verdict.ACCEPTED, reference
    assert starter.verdict == Verdict.WRONG_ANSWER, starter
    assert any(t.status is TestStatus.FAILED for t in starter.tests)


@pytest.mark.parametrize("entry", TEMPLATES, ids=lambda e: f"{e[0].language}-{e[1].problem.slug}")
async def test_reference_agrees_with_the_oracle_on_many_seeds(
    languages: dict[str, Language], entry: tuple[Library, Template]
) -> None:
    # The sandbox test above grades one draft per style; this checks the reference against the
    # oracle on many more generated inputs, in one compile per template.
    lib, template = entry
    files = {lib.oracle_file: lib.oracle_program(template)}
    run = await languages[lib.language].run(files, main_class=lib.main_class)
    assert run.verdict == Verdict.ACCEPTED, run
    assert run.stdout == ""
