"""The offline SQL library: every template verified in the real sandbox (SQL is stdout style only)."""

import json
import random
import sqlite3

import pytest

from acelab.coding.generation.contract import validate_draft
from acelab.coding.generation.slots import DIFFICULTIES, FIXED_CONSTRAINTS, ProblemSlot
from acelab.coding.offline import base, draft_problem
from acelab.coding.offline.sql import TEMPLATES, SqlTemplate
from acelab.judge.languages import Language
from acelab.judge.verdicts import Verdict

TOPICS = ("filtering", "joins", "aggregation", "window functions")


# Plausible mistakes (a text replacement in the reference) each suite must catch.
MISTAKES = {
    "sql-affordable-items": ("price <=", "price <"),
    "sql-unreachable-members": ("phone IS NULL", "phone = NULL"),
    "sql-never-ordered": (
        "NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.product_id = i.id)",
        "i.id NOT IN (SELECT product_id FROM order_lines)",
    ),
    "sql-pet-owners": ("o.id = p.owner_id", "o.id = p.id"),
    "sql-orders-per-customer": ("LEFT JOIN", "JOIN"),
    "sql-complete-collection": ("COUNT(DISTINCT pu.product_id)", "COUNT(pu.product_id)"),
    "sql-review-summary": ("COUNT(*)", "COUNT(DISTINCT stars)"),
    "sql-top-item-per-month": ("ORDER BY total_qty DESC, item", "ORDER BY total_qty, item"),
    "sql-queue-numbers": ("ORDER BY at, id)", "ORDER BY id)"),
    "sql-running-balance": (" ORDER BY day) AS balance", ") AS balance"),
    "sql-team-podium": ("RANK()", "ROW_NUMBER()"),
}


def slot(template: SqlTemplate, style: str = "stdout") -> ProblemSlot:
    return ProblemSlot(
        index=0,
        difficulty=template.problem.difficulty,
        topics=(template.problem.topics[0],),
        language="sql",
        problem_style=style,
        constraints=FIXED_CONSTRAINTS["sql"],
    )


def suite_of(template: SqlTemplate, seed: int) -> tuple[str, dict[str, object]]:
    draft = validate_draft(base.draft(template, slot(template), random.Random(seed)), slot(template))
    return draft.reference_solution, json.loads(draft.test_suite)


def _sort_key(row: list[object]) -> tuple[tuple[int, object], ...]:
    return tuple((0, "") if v is None else (1, v) if isinstance(v, int | float) else (2, str(v)) for v in row)


def run(schema: str, seed_sql: str, query: str) -> tuple[list[str], list[list[object]]]:
    conn = sqlite3.connect(":memory:")
    try:
        conn.executescript(schema)
        conn.executescript(seed_sql)
        cur = conn.execute(query)
        return [d[0] for d in cur.description], [list(r) for r in cur.fetchall()]
    finally:
        conn.close()


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

    def test_a_return_style_slot_still_gets_a_stdout_problem(self) -> None:
        # codemm.md §7.2: SQL is checked on its output only, whatever style the slot carries.
        s = ProblemSlot(0, "easy", ("joins",), "sql", "return", FIXED_CONSTRAINTS["sql"])
        draft = draft_problem(s, random.Random(1))
        assert json.loads(str(draft["test_suite"]))["cases"][0]["name"] == "test_case_1"

    def test_repeated_requests_vary(self) -> None:
        s = ProblemSlot(0, "medium", ("window functions",), "sql", "stdout", FIXED_CONSTRAINTS["sql"])
        drafts = [draft_problem(s, random.Random(seed)) for seed in range(6)]
        assert len({d["id"] for d in drafts}) == 6
        assert len({d["test_suite"] for d in drafts}) == 6
        assert len({d["reference_solution"] for d in drafts}) > 1


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.problem.slug)
class TestTemplate:
    def test_reference_agrees_with_the_oracle_on_many_datasets(self, template: SqlTemplate) -> None:
        # Runner semantics of codemm.md §13.6, in-process: the sandbox test below runs one draft.
        for seed in range(30):
            query, suite = suite_of(template, seed)
            for case in suite["cases"]:  # type: ignore[attr-defined]
                columns, rows = run(str(suite["schema_sql"]), case["seed_sql"], query)
                expected = case["expected"]["rows"]
                if not case["order_matters"]:
                    rows, expected = sorted(rows, key=_sort_key), sorted(expected, key=_sort_key)
                assert (columns, rows) == (case["expected"]["columns"], expected), (seed, case["name"])

    def test_suites_are_not_trivial(self, template: SqlTemplate) -> None:
        for seed in range(30):
            _, suite = suite_of(template, seed)
            sizes = [len(c["expected"]["rows"]) for c in suite["cases"]]  # type: ignore[attr-defined]
            # A query that returns nothing, or forgets a filter, must fail several cases.
            assert sum(n > 0 for n in sizes) >= 3, (seed, sizes)
            if template.order_matters:
                assert max(sizes) >= 2, (seed, sizes)

    async def test_reference_passes_and_starter_fails_in_the_sandbox(
        self, languages: dict[str, Language], template: SqlTemplate
    ) -> None:
        s = slot(template)
        draft = validate_draft(base.draft(template, s, random.Random(TEMPLATES.index(template))), s)
        sql = languages["sql"]

        reference = await sql.grade({"solution.sql": draft.reference_solution}, draft.test_suite)
        assert reference.verdict == Verdict.ACCEPTED, reference.tests

        starter = await sql.grade({"solution.sql": draft.starter_code}, draft.test_suite)
        assert starter.verdict == Verdict.WRONG_ANSWER, starter


@pytest.mark.parametrize("slug", sorted(MISTAKES))
def test_suites_catch_a_plausible_mistake(slug: str) -> None:
    template = next(t for t in TEMPLATES if t.problem.slug == slug)
    old, new = MISTAKES[slug]
    for seed in range(10):
        query, suite = suite_of(template, seed)
        assert old in query
        wrong = query.replace(old, new)
        outcomes = []
        for case in suite["cases"]:  # type: ignore[attr-defined]
            columns, rows = run(str(suite["schema_sql"]), case["seed_sql"], wrong)
            expected = case["expected"]["rows"]
            if not case["order_matters"]:
                rows, expected = sorted(rows, key=_sort_key), sorted(expected, key=_sort_key)
            outcomes.append((columns, rows) == (case["expected"]["columns"], expected))
        assert not all(outcomes), seed
