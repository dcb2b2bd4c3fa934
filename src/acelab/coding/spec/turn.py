"""One SpecBuilder turn (codemm.md §8): a user message in, the next spec, question and reply out.

Pure apart from the optional LLM call of the dialogue; the session service loads the context
before and stores the result after, outside any transaction while the LLM answers.

Deliberate changes from the original (§17.2 items 5-8, §17.3 item 5):
- a pending confirmation is answered by "yes"/"no" with or without punctuation, without an LLM call,
  and "no" drops it;
- the confirm question lists the fields still awaiting confirmation after the adjustment of §8.5;
- an invalid field is dropped from the merged proposal, never the deterministic difficulty parse
  (whose written total also wins over an LLM's count), and a new problem_count rescales (single
  difficulty) or clears a stale difficulty plan instead of being dropped for not matching it;
- an LLM proposal that repeats a field's current value changes nothing (no commitment is rewritten).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from acelab.coding.llm.base import LlmProvider
from acelab.coding.spec import confirmation, extraction
from acelab.coding.spec.dialogue import dialogue_turn
from acelab.coding.spec.difficulty import parse_difficulty
from acelab.coding.spec.model import USER_FIELDS, SpecDraft, draft_issues, is_complete
from acelab.coding.spec.patches import Op, apply_ops, set_op, with_fixed_fields
from acelab.coding.spec.questions import next_question
from acelab.http.wire import format_iso_ms

NextAction = Literal["ask", "confirm", "ready"]
Resolution = Literal["confirmed", "declined"]
CONFIRMED = "Confirmed — I’ve applied that."
DECLINED = "Okay, I’ll leave that unchanged."


@dataclass(frozen=True, slots=True)
class TurnContext:
    """What a turn reads from the stored session."""

    state: str
    spec: SpecDraft
    question_key: str | None
    buffer: Sequence[str]
    # Stored messages (role, content), oldest first; the new message is not among them.
    history: Sequence[tuple[str, str]]
    confidence: Mapping[str, float]
    commitments: Sequence[Mapping[str, Any]]


@dataclass(frozen=True, slots=True)
class TurnResult:
    """What a turn writes back, and what the response reports."""

    spec: SpecDraft
    done: bool
    question_key: str
    buffer: list[str]
    assistant_message: str
    next_action: NextAction
    confidence: dict[str, float]
    commitments: list[dict[str, Any]]
    trace: list[dict[str, Any]] = field(default_factory=list)


def resolution(context: TurnContext, message: str) -> Resolution | None:
    """How a message answers the pending confirmation: a plain yes, a plain no, or not at all."""
    if not confirmation.confirm_fields(context.question_key):
        return None
    if confirmation.decode_pending(context.buffer) is None:
        return None
    if confirmation.is_pure_confirmation(message):
        return "confirmed"
    if confirmation.is_pure_rejection(message):
        return "declined"
    return None


def needs_dialogue(context: TurnContext, message: str) -> bool:
    """Whether this turn asks the LLM (a yes or no to a pending confirmation does not)."""
    return resolution(context, message) is None


def _current_count(spec: Mapping[str, Any]) -> int | None:
    count = spec.get("problem_count")
    return count if isinstance(count, int) and not isinstance(count, bool) else None


def _plan_total(plan: object) -> int | None:
    if not isinstance(plan, list):
        return None
    if not all(isinstance(item, dict) and isinstance(item.get("count"), int) for item in plan):
        return None
    return sum(int(item["count"]) for item in plan)


def _proposal_ops(spec: Mapping[str, Any], proposal: Mapping[str, Any]) -> list[Op]:
    """Ops for the fields that change, plus the stale plan's fix when only the count changes."""
    ops = [set_op(spec, key, value) for key, value in proposal.items() if spec.get(key) != value]
    count = proposal.get("problem_count")
    plan = spec.get("difficulty_plan")
    total = _plan_total(plan)
    if "difficulty_plan" not in proposal and isinstance(count, int) and total is not None and total != count:
        assert isinstance(plan, list)
        used = [item for item in plan if item["count"] > 0]
        if len(used) == 1:
            rescaled = [{"difficulty": used[0]["difficulty"], "count": count}]
            ops.append(set_op(spec, "difficulty_plan", rescaled))
        else:
            ops.append(Op("remove", "/difficulty_plan"))
    return ops


def apply_proposal(
    spec: SpecDraft, proposal: Mapping[str, Any], *, keep: Collection[str] = ()
) -> tuple[SpecDraft, list[Op]]:
    """Apply a proposal to a draft; invalid fields are dropped once, and if the rest is still
    invalid nothing is applied (§8 step 13). Returns the new draft and the accepted ops.

    Fields in `keep` (the deterministic parse) are never the ones dropped: when a kept difficulty
    plan does not add up to a proposed count, the count goes.
    """
    ops = _proposal_ops(spec, proposal)
    candidate = with_fixed_fields(apply_ops(spec, ops))
    issues = draft_issues(candidate)
    if issues:
        invalid = {issue.field for issue in issues}
        if "difficulty_plan" in invalid and "difficulty_plan" in keep:
            invalid.add("problem_count")
        invalid -= set(keep)
        ops = _proposal_ops(spec, {k: v for k, v in proposal.items() if k not in invalid})
        candidate = with_fixed_fields(apply_ops(spec, ops))
        if draft_issues(candidate):
            return spec, []
    return candidate, ops


def _commit(
    context: TurnContext, spec: SpecDraft, ops: Sequence[Op], message: str
) -> tuple[dict[str, float], list[dict[str, Any]]]:
    """Confidence 1 and a commitment per applied user field (§8 step 14, §8.7)."""
    confidence = dict(context.confidence)
    commitments = {str(c.get("field")): dict(c) for c in context.commitments}
    for op in ops:
        if op.key not in USER_FIELDS:
            continue
        if op.op == "remove":
            confidence.pop(op.key, None)
            commitments.pop(op.key, None)
            continue
        confidence[op.key] = 1
        source = extraction.commitment_source(op.key, question_key=context.question_key, message=message)
        commitments[op.key] = {
            "field": op.key,
            "value": spec.get(op.key),
            "confidence": 1,
            "source": source,
            "locked": source == "explicit",
        }
    return confidence, [commitments[key] for key in sorted(commitments)]


def _settle(
    context: TurnContext,
    spec: SpecDraft,
    acknowledgement: str,
    trace: list[dict[str, Any]],
    *,
    ops: Sequence[Op] = (),
    message: str = "",
) -> TurnResult:
    """Record the applied ops, then ask the next question or report the spec ready (§8 steps 14-16)."""
    confidence, commitments = _commit(context, spec, ops, message)
    question = next_question(spec)
    done = is_complete(spec)
    return TurnResult(
        spec=spec,
        done=done,
        question_key=question.key,
        buffer=[],
        assistant_message=f"{acknowledgement}\n\n{question.prompt}",
        next_action="ready" if done else "ask",
        confidence=confidence,
        commitments=commitments,
        trace=trace,
    )


async def take_turn(
    context: TurnContext, message: str, *, provider: LlmProvider | None, now: datetime
) -> TurnResult:
    """Run the turn algorithm of §8 on a trimmed, non-blank message."""
    ts = format_iso_ms(now)
    spec = with_fixed_fields(context.spec)
    parsed = parse_difficulty(message, _current_count(spec))
    deterministic = dict(parsed.patch) if parsed else {}
    if parsed and parsed.explicit_total:
        # A total the user wrote wins over an LLM's count (the parser leaves out an unchanged one).
        deterministic["problem_count"] = sum(item["count"] for item in deterministic["difficulty_plan"])
    pending = confirmation.decode_pending(context.buffer)
    answered = resolution(context, message)

    if answered == "declined":
        assert pending is not None
        trace: list[dict[str, Any]] = [
            {"ts": ts, "type": "confirmation_declined", "fields": list(pending.fields)}
        ]
        return _settle(context, spec, DECLINED, trace)
    if answered == "confirmed":
        assert pending is not None
        proposal: dict[str, Any] = dict(pending.patch)
        acknowledgement = CONFIRMED
        wanted: Sequence[str] = ()
        trace = [{"ts": ts, "type": "confirmation_accepted", "fields": list(pending.fields)}]
    else:
        turn = await dialogue_turn(
            provider,
            state=context.state,
            spec=spec,
            history=[*context.history, ("user", message)],
            message=message,
            question_key=context.question_key,
        )
        proposal, acknowledgement = turn.proposed_patch, turn.assistant_message
        wanted = turn.needs_confirmation
        trace = [
            {
                "ts": ts,
                "type": "dialogue_turn",
                "source": turn.source,
                "proposedPatch": turn.proposed_patch,
                "needsConfirmation": list(turn.needs_confirmation) or None,
            }
        ]

    merged = {key: value for key, value in {**proposal, **deterministic}.items() if key in USER_FIELDS}
    fields = confirmation.adjust_fields(
        wanted,
        deterministic_patch=deterministic,
        explicit_total=bool(parsed and parsed.explicit_total),
        question_key=context.question_key,
        pending=pending,
    )
    if fields:
        held = confirmation.PendingConfirmation(fields=tuple(fields), patch=merged)
        return TurnResult(
            spec=spec,
            done=False,
            question_key=confirmation.confirm_key(fields),
            buffer=[held.encode()],
            assistant_message=f"{acknowledgement}\n\n{confirmation.confirmation_prompt(fields, merged)}",
            next_action="confirm",
            confidence=dict(context.confidence),
            commitments=[dict(c) for c in context.commitments],
            trace=trace,
        )

    applied, ops = apply_proposal(spec, merged, keep=deterministic.keys())
    return _settle(context, applied, acknowledgement, trace, ops=ops, message=message)
