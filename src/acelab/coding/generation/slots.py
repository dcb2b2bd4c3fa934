"""The problem slot: what one generated problem must be (codemm.md §9.3).

The planner turns an ActivitySpec into slots; the generators (LLM prompts, the offline library)
and the contract validation read them. Plain frozen values, no behaviour.
"""

from __future__ import annotations

from dataclasses import dataclass

# codemm.md §7.1: the only constraints string each language's spec may carry.
FIXED_CONSTRAINTS: dict[str, str] = {
    "java": "Java 17, JUnit 5, no package declarations.",
    "python": "Python 3.11, pytest, standard library only, no filesystem access, no networking, "
    "time limit enforced.",
    "cpp": "C++20, g++ (GNU), standard library only, no filesystem access, no networking, "
    "deterministic behavior.",
    "sql": "SQLite 3 (SQL dialect), read-only queries only, deterministic results "
    "(explicit ORDER BY when needed).",
}
DIFFICULTIES = ("easy", "medium", "hard")
PROBLEM_STYLES = ("return", "stdout", "mixed")
TEST_CASE_COUNT = 8


@dataclass(frozen=True, slots=True)
class Pedagogy:
    """Guided mode: how much of the reference the learner's starter keeps (§9.4, §10.8)."""

    scaffold_level: int  # 0..100
    learning_goal: str
    hints_enabled: bool


@dataclass(frozen=True, slots=True)
class ProblemSlot:
    index: int  # 0.. in plan order
    difficulty: str  # one of DIFFICULTIES
    topics: tuple[str, ...]  # 1..2 topic tags; topics[0] becomes the problem's topic_tag
    language: str  # a key of FIXED_CONSTRAINTS
    problem_style: str  # one of PROBLEM_STYLES (SQL: always "stdout")
    constraints: str
    test_case_count: int = TEST_CASE_COUNT
    pedagogy: Pedagogy | None = None
