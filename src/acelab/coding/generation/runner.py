"""The per-slot loop (codemm.md §10.2): up to three attempts per slot, each drafted, validated and
verified in the sandbox, with the progress events of §11.1 in their contract order."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from acelab.coding.generation.contract import ContractError, ValidatedDraft
from acelab.coding.generation.drafts import Attempt, DiversityPlanner, DraftSource, InvalidDraft, Repair
from acelab.coding.generation.slots import ProblemSlot
from acelab.coding.generation.verify import VerificationFailed, verify
from acelab.judge.service import JudgeRuntime

log = logging.getLogger(__name__)

ATTEMPTS = 3
RAW_SNIPPET = 2400
_CONTRACT_LIKE = re.compile(r"Invalid test_suite|schema validation|public class|Test suite class name", re.I)

Emit = Callable[[dict[str, Any]], None]
# Turns a verified draft into the problem to persist (guided mode scaffolds the starter here).
Finish = Callable[[ProblemSlot, ValidatedDraft], Awaitable[dict[str, Any]]]


@dataclass(frozen=True, slots=True)
class Outcome:
    slot_index: int
    success: bool
    retries: int
    applied_fallback: str | None = None

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "slotIndex": self.slot_index,
            "success": self.success,
            "retries": self.retries,
        }
        if self.applied_fallback:
            data["appliedFallback"] = self.applied_fallback
        return data


class SlotFailed(Exception):
    """A slot failed all its attempts; `kind` is compile, tests, timeout, contract or unknown."""

    def __init__(self, slot_index: int, kind: str, message: str) -> None:
        super().__init__(message)
        self.slot_index = slot_index
        self.kind = kind
        self.message = message


@dataclass
class Progress:
    """What a run has produced so far (the session's checkpoint)."""

    problems: list[dict[str, Any]] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)


class SlotRunner:
    def __init__(
        self,
        *,
        source: DraftSource,
        judge: JudgeRuntime,
        emit: Emit,
        finish: Finish,
        checkpoint: Callable[[Progress], Awaitable[None]],
    ) -> None:
        self.source = source
        self.judge = judge
        self.emit = emit
        self.finish = finish
        self.checkpoint = checkpoint

    async def run(self, plan: Sequence[ProblemSlot], progress: Progress) -> Progress:
        """Generate the slots not yet in `progress`, checkpointing after each one."""
        diversity = DiversityPlanner()
        for done in progress.problems:
            diversity.used_domains.append("")  # keeps the pool position of resumed slots
            diversity.done(str(done.get("title", "")))
        for slot in plan[len(progress.problems) :]:
            problem, retries = await self._slot(slot, diversity)
            progress.problems.append(problem)
            progress.outcomes.append(Outcome(slot.index, True, retries))
            await self.checkpoint(progress)
        return progress

    async def _slot(self, slot: ProblemSlot, diversity: DiversityPlanner) -> tuple[dict[str, Any], int]:
        i = slot.index
        topic = slot.topics[0] if slot.topics else ""
        self.emit({"type": "slot_started", "slotIndex": i, "difficulty": slot.difficulty, "topic": topic,
                   "language": slot.language})  # fmt: skip
        self.emit({"type": "problem_started", "index": i, "difficulty": slot.difficulty})
        context = diversity.next_for(slot)
        repair: Repair | None = None
        kind, message = "unknown", ""
        for number in range(1, ATTEMPTS + 1):
            self.emit({"type": "slot_llm_attempt_started", "slotIndex": i, "attempt": number})
            self.emit({"type": "attempt_started", "index": i, "attempt": number})
            draft: ValidatedDraft | None = None
            try:
                draft = await self.source.draft(slot, Attempt(number, context, repair))
                self.emit({"type": "slot_contract_validated", "slotIndex": i, "attempt": number})
                self.emit({"type": "slot_docker_validation_started", "slotIndex": i, "attempt": number})
                self.emit({"type": "validation_started", "index": i, "attempt": number})
                problem = await self.finish(slot, draft)
                await verify(
                    self.judge,
                    draft,
                    starter=str(problem["starter_code"]),
                    starter_must_compile=slot.pedagogy is not None,
                )
            except ContractError as exc:
                kind, message = "contract", exc.message
                self.emit({"type": "slot_contract_failed", "slotIndex": i, "attempt": number,
                           "shortError": "Contract validation failed."})  # fmt: skip
                self.emit({"type": "attempt_failed", "index": i, "attempt": number, "phase": "generate"})
                raw = exc.raw if isinstance(exc, InvalidDraft) else ""
                repair = Repair(error=exc.message, previous_raw=raw[:RAW_SNIPPET])
                continue
            except VerificationFailed as exc:
                kind, message = exc.kind, exc.message
                self.emit({"type": "slot_docker_validation_failed", "slotIndex": i, "attempt": number,
                           "shortError": exc.short_error})  # fmt: skip
                self.emit({"type": "validation_failed", "index": i, "attempt": number})
                self.emit({"type": "attempt_failed", "index": i, "attempt": number, "phase": "validate"})
                repair = Repair(
                    error=exc.message,
                    previous_draft=_draft_json(draft),
                    judge_stdout=exc.stdout,
                    judge_stderr=exc.stderr,
                )
                continue
            except Exception as exc:  # the LLM or the network: the next attempt starts afresh
                log.warning(
                    "generation attempt failed", extra={"slot": i, "attempt": number, "why": str(exc)}
                )
                kind = "contract" if _CONTRACT_LIKE.search(str(exc)) else "unknown"
                message = str(exc)
                self.emit({"type": "attempt_failed", "index": i, "attempt": number, "phase": "generate"})
                repair = None
                continue
            self.emit({"type": "slot_completed", "slotIndex": i})
            self.emit({"type": "problem_validated", "index": i})
            diversity.done(draft.title)
            return problem, number - 1
        self.emit({"type": "problem_failed", "index": i})
        raise SlotFailed(
            i, kind, f"Failed to generate slot {i} after {ATTEMPTS} attempts. Last error: {message}"
        )


def _draft_json(draft: ValidatedDraft | None) -> dict[str, Any] | None:
    if draft is None:
        return None
    return {**draft.problem(), "reference_solution": draft.reference_solution}
