"""The deterministic next question (codemm.md §8.6) and the texts the session routes send (§6.2)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from acelab.coding.spec.model import gap_fields

GREETING = (
    "How can I help you today?\n\n"
    "Tell me what you want to learn, and optionally the language (java/python/cpp/sql) "
    "and how many problems (1–7)."
)
READY_KEY = "ready"
READY_PROMPT = "Spec looks complete. You can generate the activity."
_PROMPTS = {
    "language": "Which language should we use? (java, python, cpp, sql is available today.)",
    "problem_count": "How many problems should we build? (1-7 works well.)",
    "difficulty_plan": "How hard should the problems be overall? (easy / medium / hard counts)",
    "topic_tags": "What topics should we cover? Share a few tags.",
    "problem_style": "How should solutions be checked? (return value / console output / both)",
}
_OTHER_PROMPT = "What would you like this activity to focus on?"


@dataclass(frozen=True, slots=True)
class Question:
    key: str  # a field name, "ready", or "unknown" when a non-user field is at fault
    prompt: str


def next_question(spec: Mapping[str, Any]) -> Question:
    """Ask for the first missing or invalid field, in priority order; `ready` when none is left."""
    gaps = gap_fields(spec)
    if not gaps:
        return Question(READY_KEY, READY_PROMPT)
    first = gaps[0]
    if first in _PROMPTS:
        return Question(first, _PROMPTS[first])
    return Question("unknown", _OTHER_PROMPT)
