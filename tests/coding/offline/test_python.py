"""The offline Python library: every template, every style, verified in the real sandbox."""

import ast
import random

import pytest

from acelab.coding.generation.contract import validate_draft
from acelab.coding.generation.slots import DIFFICULTIES, FIXED_CONSTRAINTS, PROBLEM_STYLES, ProblemSlot
from acelab.coding.offline import base, draft_problem
from acelab.coding.offline.python import TEMPLATES, PythonTemplate
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
CASES = [(t, s) for t in TEMPLATES for s in PROBLEM_STYLES]


def case_id(case: tuple[PythonTemplate, str]) -> str:
    return f"{case[0].problem.slug}-{case[1]}"


def slot(template: PythonTemplate, style: str, **overrides: object) -> ProblemSlot:
    fields: dict[str, object] = {
        "index": 0,
        "difficulty": template.problem.difficulty,
        "topics": (template.problem.topics[0],),
        "language": "python",
        "problem_style": style,
        "constraints": FIXED_CONSTRAINTS["python"],
        **overrides,
    }
    return ProblemSlot(**fields)  # type: ignore[arg-type]


class TestLibrary:
    def test_has_twelve_templates_with_unique_slugs(self) -> None:
        slugs = [t.problem.slug for t in TEMPLATES]
        assert len(slugs) >= 12
        assert len(set(slugs)) == len(slugs)

    @pytest.mark.parametrize("topic", TOPICS)
    @pytest.mark.parametrize("difficulty", DIFFICULTIES)
    def test_every_topic_has_every_difficulty(self, topic: str, difficulty: str) -> None:
        assert any(
            base.matches_topic(t.problem, [topic]) and t.problem.difficulty == difficulty for t in TEMPLATES
        )

    @pytest.mark.parametrize("difficulty", DIFFICULTIES)
    def test_every_difficulty_has_several_templates(self, difficulty: str) -> None:
        assert sum(t.problem.difficulty == difficulty for t in TEMPLATES) >= 4

    @pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.problem.slug)
    def test_reference_keeps_all_logic_in_solve(self, template: PythonTemplate) -> None:
        # Guided mode blanks solve's body (codemm.md §10.8): no other top-level function may hold logic.
        draft = base.draft(template, slot(template, "return"), random.Random(0))
        module = ast.parse(str(draft["reference_solution"]))
        functions = [n.name for n in module.body if isinstance(n, ast.FunctionDef)]
        assert functions == ["solve"]
        assert all(isinstance(n, ast.FunctionDef | ast.Import | ast.ImportFrom) for n in module.body)


class TestChoose:
    def test_topic_and_difficulty_match_wins(self) -> None:
        s = ProblemSlot(0, "hard", ("Graphs",), "python", "return", FIXED_CONSTRAINTS["python"])
        picked = {base.choose(TEMPLATES, s, random.Random(seed)).problem.slug for seed in range(20)}
        assert picked == {"build-order"}

    def test_topic_beats_difficulty(self) -> None:
        s = ProblemSlot(0, "hard", ("BFS",), "python", "return", FIXED_CONSTRAINTS["python"])
        assert base.choose(TEMPLATES, s, random.Random(0)).problem.slug == "fewest-moves"

    def test_unknown_topic_falls_back_to_difficulty(self) -> None:
        s = ProblemSlot(0, "easy", ("quantum knitting",), "python", "stdout", FIXED_CONSTRAINTS["python"])
        picked = {base.choose(TEMPLATES, s, random.Random(seed)).problem for seed in range(30)}
        assert len(picked) > 1
        assert all(p.difficulty == "easy" for p in picked)

    def test_repeated_requests_vary(self) -> None:
        s = ProblemSlot(0, "medium", ("hash maps",), "python", "return", FIXED_CONSTRAINTS["python"])
        drafts = [draft_problem(s, random.Random(seed)) for seed in range(6)]
        assert len({d["id"] for d in drafts}) == 6
        assert len({d["test_suite"] for d in drafts}) == 6
        assert all(d["topic_tag"] == "hash maps" and d["difficulty"] == "medium" for d in drafts)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_drafts_pass_the_contract(case: tuple[PythonTemplate, str]) -> None:
    template, style = case
    for seed in range(15):
        draft = validate_draft(
            base.draft(template, slot(template, style), random.Random(seed)), slot(template, style)
        )
        assert draft.title and draft.description and len(draft.sample_inputs) == 2


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.problem.slug)
def test_reference_agrees_with_the_oracle_on_many_inputs(template: PythonTemplate) -> None:
    # The sandbox test below runs one draft per style; this runs the return-style reference on
    # many more generated inputs, in-process (it is our own code).
    for seed in range(40):
        params, cases = base.make_cases(template.problem, random.Random(seed), 8)
        namespace: dict[str, object] = {}
        exec(template.reference(params, "return"), namespace)
        solve = namespace["solve"]
        assert callable(solve)
        for case in cases:
            assert solve(*case.args) == case.expected, (seed, case.args)


@pytest.mark.parametrize("case", CASES, ids=case_id)
async def test_reference_passes_and_starter_fails_in_the_sandbox(
    languages: dict[str, Language], case: tuple[PythonTemplate, str]
) -> None:
    template, style = case
    s = slot(template, style)
    draft = validate_draft(base.draft(template, s, random.Random(CASES.index(case))), s)
    python = languages["python"]

    reference = await python.grade({"solution.py": draft.reference_solution}, draft.test_suite)
    assert reference.verdict == Verdict.ACCEPTED, reference.tests

    starter = await python.grade({"solution.py": draft.starter_code}, draft.test_suite)
    assert starter.verdict == Verdict.WRONG_ANSWER, starter
    assert any(t.status is TestStatus.FAILED for t in starter.tests)
