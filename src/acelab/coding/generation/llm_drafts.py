"""Drafts from an LLM (codemm.md §10.3 prompts, §10.6 repair prompts, §10.4.2/10.4.3 one-shot test
suite repair). The answer is parsed tolerantly and validated like any draft; prompts, raw answers
and reference code never leave this module except into the next repair prompt."""

from __future__ import annotations

import json
from typing import Any

from acelab.coding.generation.contract import ContractError, ValidatedDraft, validate_draft
from acelab.coding.generation.drafts import Attempt, InvalidDraft
from acelab.coding.generation.slots import ProblemSlot
from acelab.coding.llm.base import CompletionRequest, LlmProvider
from acelab.coding.llm.json_repair import JsonExtractionError, parse_json

NAMES = {"java": "Java", "python": "Python", "cpp": "C++", "sql": "SQL"}
SANDBOX = {"java": "Docker/JUnit", "python": "Docker/pytest", "cpp": "Docker/g++", "sql": "Docker/SQLite"}
SNIPPET = 1600

RULES = {
    "java": (
        "Java 17, no package declarations. starter_code and reference_solution declare the same single "
        "public class <Name>. test_suite is one JUnit 5 class named <Name>Test with exactly 8 @Test methods "
        "test_case_1..test_case_8, imports org.junit.jupiter.api.Test and static "
        "org.junit.jupiter.api.Assertions.*, mentions <Name>, and uses real assertions. String literals in "
        "the tests never start or end with whitespace."
    ),
    "python": (
        "Python 3.11, standard library only. starter_code and reference_solution define `def solve(...)`; no "
        "input(), no sys.stdin, no file or network access, no os/subprocess/socket imports, no eval/exec. "
        "test_suite is pytest: `import pytest`, `from solution import solve`, exactly 8 functions "
        "test_case_1..test_case_8, no print/input/open, no randomness, no parametrize, no approx."
    ),
    "cpp": (
        "C++20 with the standard library. starter_code and reference_solution define solve(...) and no "
        'main(); no stdin reads. test_suite does #include "solution.cpp", defines a variadic '
        "RUN_TEST(name, ...) macro that runs its block in try/catch and prints `[PASS] <name>` or "
        "`[FAIL] <name>`, and main() runs RUN_TEST for test_case_1..test_case_8 and returns non-zero if "
        "any failed. Assertions throw."
    ),
    "sql": (
        "SQLite 3. starter_code and reference_solution are one read-only SELECT (or WITH) query. The "
        "description explains the schema in prose. test_suite is a JSON string: "
        '{"schema_sql": "...", "cases": [{"name": "test_case_1", "seed_sql": "...", "expected": '
        '{"columns": [...], "rows": [[...]]}, "order_matters": false}, ... 8 cases]}. Use ORDER BY and '
        "order_matters: true when order matters. sample_inputs and sample_outputs are empty."
    ),
}
STYLES = {
    "return": "solve returns its answer and prints nothing; the tests compare return values.",
    "stdout": "solve prints its answer; the tests capture standard output and compare it.",
    "mixed": "solve returns a value and prints; the tests check both.",
}
SHAPE = (
    '{"id": "unique-problem-id", "title": "...", "description": "...", "reasoning": "plan and edge cases", '
    '"starter_code": "...", "test_suite": "...", "reference_solution": "...", "constraints": "...", '
    '"sample_inputs": ["..."], "sample_outputs": ["..."], "difficulty": "...", "topic_tag": "..."}'
)


def system_prompt(language: str) -> str:
    return (
        f"You are Codemm's {NAMES[language]} problem generator. You write one original programming problem "
        f"with a reference solution, starter code for the learner, and a test suite of exactly 8 tests. "
        f"{RULES[language]} The starter code must compile but not solve the problem. "
        "Answer with JSON only: one object, no prose, no code fences."
    )


def _slot_lines(slot: ProblemSlot) -> str:
    return (
        f"Difficulty: {slot.difficulty}\nTopics: {', '.join(slot.topics)}\n"
        f"Problem style: {slot.problem_style}\nConstraints: {slot.constraints}\n"
        f"Style rule: {STYLES.get(slot.problem_style, STYLES['stdout'])}\n"
        f"Test cases: {slot.test_case_count}\n"
    )


def user_prompt(slot: ProblemSlot, attempt: Attempt) -> str:
    d = attempt.diversity
    avoid = ", ".join((*d.avoid_domains, *d.avoid_titles)) or "none"
    return (
        f"{_slot_lines(slot)}Scenario domain seed: {d.domain}\nAvoid repeating: {avoid}\n"
        "Avoid overused tutorial domains/classes: BankAccount, Student, Shape, Animal, Vehicle, Employee, "
        f"Car, Library.\nReturn exactly this JSON shape:\n{SHAPE}\n"
        f"Set difficulty to {slot.difficulty!r} and topic_tag to {slot.topics[0]!r}."
    )


def repair_prompt(slot: ProblemSlot, attempt: Attempt) -> str:
    repair = attempt.repair
    assert repair is not None
    parts = [
        f"Your previous {NAMES[slot.language]} problem failed in {SANDBOX[slot.language]}. Fix it.",
        _slot_lines(slot),
        f"Scenario domain seed: {attempt.diversity.domain}",
        f"Error: {repair.error[:600]}",
    ]
    if repair.judge_stdout:
        parts.append(f"STDOUT:\n{repair.judge_stdout[:SNIPPET]}")
    if repair.judge_stderr:
        parts.append(f"STDERR:\n{repair.judge_stderr[:SNIPPET]}")
    parts.append(f"Hard rules: {RULES[slot.language]}")
    if repair.previous_raw:
        parts.append(f"Previous raw output:\n{repair.previous_raw}")
    if repair.previous_draft:
        parts.append(f"Previous draft:\n{json.dumps(repair.previous_draft, indent=2)}")
    if slot.language == "java":
        parts.append("Prefer fixing the reference solution; keep the tests unless they are wrong.")
    if slot.language == "sql":
        parts.append(
            "If expected and actual rows differ only in order, add ORDER BY and set order_matters: true; "
            "if the actual rows are empty or wrong, check the JOIN and WHERE clauses."
        )
    parts.append(
        "Return the corrected JSON object with the same fields, an updated reasoning that explains the fix, "
        f"and the same id, title, description and starter code where they were right:\n{SHAPE}"
    )
    return "\n\n".join(parts)


class LlmDrafts:
    """Drafts from a configured provider; Python and C++ drafts whose test suite breaks the contract
    get one repair call before the attempt counts as failed."""

    SUITE_REPAIR = {"python": (0.0, 2000), "cpp": (0.2, 2400)}

    def __init__(self, provider: LlmProvider, *, model: str | None = None) -> None:
        self.provider = provider
        self.model = model

    async def draft(self, slot: ProblemSlot, attempt: Attempt) -> ValidatedDraft:
        prompt = repair_prompt(slot, attempt) if attempt.repair else user_prompt(slot, attempt)
        raw = await self.provider.complete(
            CompletionRequest(system=system_prompt(slot.language), user=prompt, model=self.model)
        )
        data = parse_draft_object(raw)
        try:
            return validate_draft(data, slot)
        except ContractError as exc:
            if exc.field != "test_suite" or slot.language not in self.SUITE_REPAIR:
                raise InvalidDraft(exc.message, raw=raw) from exc
            return await self._repair_suite(slot, data, exc, raw)

    async def _repair_suite(
        self, slot: ProblemSlot, data: dict[str, Any], error: ContractError, raw: str
    ) -> ValidatedDraft:
        temperature, max_tokens = self.SUITE_REPAIR[slot.language]
        name = NAMES[slot.language]
        system = (
            f"You are Codemm's {name} test suite repairer. {RULES[slot.language]} "
            'Answer with JSON only: {"test_suite": "..."}.'
        )
        fields = {k: data.get(k) for k in ("title", "description", "constraints", "starter_code")}
        user = (
            f"{_slot_lines(slot)}{json.dumps(fields, indent=2)}\nReference solution:\n"
            f"{data.get('reference_solution', '')}\nPrevious test suite:\n{data.get('test_suite', '')}\n"
            f"Errors: {error.message}\nReturn the repaired test suite."
        )
        answer = await self.provider.complete(
            CompletionRequest(
                system=system, user=user, temperature=temperature, max_tokens=max_tokens, model=self.model
            )
        )
        repaired = parse_draft_object(answer).get("test_suite")
        try:
            return validate_draft({**data, "test_suite": repaired}, slot)
        except ContractError as exc:
            message = f"{name} draft failed schema validation after {name} test_suite repair: {exc.message}"
            raise InvalidDraft(message, raw=raw) from exc


def parse_draft_object(raw: str) -> dict[str, Any]:
    """The one JSON object of an LLM's answer, or InvalidDraft."""
    try:
        data = parse_json(raw)
    except JsonExtractionError as exc:
        raise InvalidDraft(f"The answer is not JSON: {exc}", raw=raw) from exc
    if not isinstance(data, dict):
        raise InvalidDraft("The answer must be one JSON object.", raw=raw)
    return data
