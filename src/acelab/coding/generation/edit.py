"""AI edit of a draft problem (codemm.md §15): the LLM rewrites a stored problem after an instruction;
the locked fields stay, the result is validated and its reference verified in the sandbox like any
draft, and the reference is dropped before the problem is saved."""

from __future__ import annotations

import json
from typing import Any

from acelab.coding.generation.contract import RULES, ContractError, ValidatedDraft, validate_draft
from acelab.coding.generation.llm_drafts import RULES as PROMPT_RULES
from acelab.coding.generation.llm_drafts import SHAPE, parse_draft_object, system_prompt
from acelab.coding.generation.slots import FIXED_CONSTRAINTS, PROBLEM_STYLES, ProblemSlot
from acelab.coding.generation.verify import VerificationFailed, verify
from acelab.coding.llm.base import CompletionRequest, LlmError, LlmProvider
from acelab.judge.service import JudgeRuntime

ATTEMPTS = 2
LOCKED = ("id", "language", "difficulty", "topic_tag", "constraints")
RETRY_NOTE = "\n\nPrevious attempt failed. Return ONLY valid JSON matching the schema exactly."


class EditFailed(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _slot(problem: dict[str, Any], style: str) -> ProblemSlot:
    language = str(problem["language"])
    return ProblemSlot(
        index=0,
        difficulty=str(problem.get("difficulty", "easy")),
        topics=(str(problem.get("topic_tag", "")),),
        language=language,
        problem_style=style,
        constraints=FIXED_CONSTRAINTS[language],
    )


def _validated(raw: dict[str, Any], problem: dict[str, Any]) -> ValidatedDraft:
    """Validate under the first problem style the draft satisfies (an edit may change the style)."""
    styles = ("stdout",) if problem["language"] == "sql" else PROBLEM_STYLES
    error: ContractError | None = None
    for style in styles:
        try:
            return validate_draft(raw, _slot(problem, style))
        except ContractError as exc:
            error = error or exc
    assert error is not None
    raise error


def _prompt(problem: dict[str, Any], instruction: str) -> str:
    locked = {key: problem.get(key) for key in LOCKED}
    return (
        "You are editing an EXISTING draft problem.\n"
        f"Instruction: {instruction}\n"
        f"Locked fields (keep them exactly):\n{json.dumps(locked, indent=2)}\n"
        f"Existing problem:\n{json.dumps(problem, indent=2)}\n"
        f"Return the whole edited problem with a reference solution, in this shape:\n{SHAPE}\n"
        f"Rules: exactly 8 tests that the reference passes. {PROMPT_RULES[problem['language']]}\n"
        "Respond ONLY with JSON."
    )


async def edit_problem(
    *, provider: LlmProvider, judge: JudgeRuntime, problem: dict[str, Any], instruction: str
) -> dict[str, Any]:
    """The edited problem, ready to replace the stored one; raises EditFailed with the reason."""
    if problem.get("language") not in RULES or not isinstance(problem.get("test_suite"), str):
        raise EditFailed("Existing problem is invalid.")
    prompt = _prompt(problem, instruction)
    error = "Edited draft does not match contract."
    for attempt in range(ATTEMPTS):
        request = CompletionRequest(
            system=system_prompt(problem["language"]),
            user=prompt + (RETRY_NOTE if attempt else ""),
            temperature=0.25,
            max_tokens=5000,
        )
        try:
            raw = parse_draft_object(await provider.complete(request))
            draft = _validated({**raw, **{key: problem.get(key) for key in LOCKED}}, problem)
            await verify(judge, draft, starter=draft.starter_code)
        except (ContractError, VerificationFailed, LlmError) as exc:
            error = exc.message
            continue
        edited = draft.problem()
        if "pedagogy" in problem:
            edited["pedagogy"] = problem["pedagogy"]
        return edited
    raise EditFailed(error)
