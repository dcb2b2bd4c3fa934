"""The planner: ActivitySpec → one ProblemSlot per problem (codemm.md §9). Deterministic and pure.

Guided mode orders topics by the learner's mastery (weakest first, unknown = 0.5, ties alphabetical)
and enables hints while the average mastery of the spec's topics is below 0.6; without a profile that
is alphabetical order with hints on. The caller reads the mastery (acelab.coding.profile.service).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from acelab.coding.generation.slots import DIFFICULTIES, Pedagogy, ProblemSlot
from acelab.coding.spec.model import ActivitySpec

PRACTICE, GUIDED = "practice", "guided"
LEARNING_MODES = (PRACTICE, GUIDED)
SCAFFOLD_CURVE = (80, 60, 30, 10, 10, 10, 10)
UNKNOWN_MASTERY = 0.5
HINTS_BELOW = 0.6


class PlanError(ValueError):
    """The spec's difficulty plan does not add up to its problem count."""


@dataclass(frozen=True, slots=True)
class PedagogyPolicy:
    """Guided mode's policy for one activity (§9 step 4)."""

    scaffold_curve: tuple[int, ...]
    focus_concepts: tuple[str, ...]
    hints_enabled: bool


def pedagogy_policy(spec: ActivitySpec, mastery: Mapping[str, float] | None = None) -> PedagogyPolicy:
    """Scaffolding from 80 down to 10, weakest topics first, hints while mastery is low."""
    known = mastery or {}

    def level(tag: str) -> float:
        return known.get(tag, UNKNOWN_MASTERY)

    tags = sorted(set(spec.topic_tags), key=lambda tag: (level(tag), tag))
    average = sum(level(tag) for tag in spec.topic_tags) / len(spec.topic_tags)
    return PedagogyPolicy(
        scaffold_curve=SCAFFOLD_CURVE[: spec.problem_count],
        focus_concepts=tuple(tags),
        hints_enabled=average < HINTS_BELOW,
    )


def plan_activity(
    spec: ActivitySpec, *, learning_mode: str = PRACTICE, mastery: Mapping[str, float] | None = None
) -> list[ProblemSlot]:
    """Expand the difficulty plan (easy → hard) and give each slot a topic, round-robin."""
    order = {difficulty: rank for rank, difficulty in enumerate(DIFFICULTIES)}
    items = sorted(spec.difficulty_plan, key=lambda item: order[item.difficulty])
    difficulties = [item.difficulty for item in items for _ in range(item.count)]
    count, total = spec.problem_count, len(difficulties)
    if total != count:
        raise PlanError(f"difficulty_plan counts must sum to problem_count ({count}). Got {total}.")
    policy = pedagogy_policy(spec, mastery) if learning_mode == GUIDED else None
    tags = policy.focus_concepts if policy else spec.topic_tags
    slots = []
    for index, difficulty in enumerate(difficulties):
        topic = tags[index % len(tags)]
        pedagogy = None
        if policy is not None:
            pedagogy = Pedagogy(
                scaffold_level=policy.scaffold_curve[index],
                # focus[i % len(focus)], which is the slot's topic: topics follow the focus order.
                learning_goal=topic,
                hints_enabled=policy.hints_enabled,
            )
        slots.append(
            ProblemSlot(
                index=index,
                difficulty=difficulty,
                topics=(topic,),
                language=spec.language,
                problem_style=spec.problem_style,
                constraints=spec.constraints,
                test_case_count=spec.test_case_count,
                pedagogy=pedagogy,
            )
        )
    return slots


def slot_json(slot: ProblemSlot) -> dict[str, Any]:
    """The slot object of §9 step 3, as persisted in `plan_json`."""
    body: dict[str, Any] = {
        "index": slot.index,
        "difficulty": slot.difficulty,
        "topics": list(slot.topics),
        "language": slot.language,
        "problem_style": slot.problem_style,
        "constraints": slot.constraints,
        "test_case_count": slot.test_case_count,
    }
    if slot.pedagogy is not None:
        body["pedagogy"] = {
            "scaffold_level": slot.pedagogy.scaffold_level,
            "learning_goal": slot.pedagogy.learning_goal,
            "hints_enabled": slot.pedagogy.hints_enabled,
        }
    return body


def plan_json(slots: list[ProblemSlot]) -> list[dict[str, Any]]:
    """The whole plan as persisted in `sessions.plan_json`."""
    return [slot_json(slot) for slot in slots]
