"""The deterministic difficulty shorthand parser (codemm.md §8.2)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from acelab.coding.generation.slots import DIFFICULTIES
from acelab.coding.spec.model import MAX_PROBLEMS, MIN_PROBLEMS

_WORD = re.compile(r"\b(easy|medium|hard)\b")
# One scan with both shapes, so a count is read once: `easy x3 medium=2` is easy 3 + medium 2
# (§17.2 item 7: the original scanned each shape separately and read the 3 twice, as `3 medium`).
_PAIR = re.compile(r"\b(easy|medium|hard)\s*[:x=]\s*(\d+)|\b(\d+)\s*(easy|medium|hard)\b")
_INTEGER = re.compile(r"\b\d+\b")


@dataclass(frozen=True, slots=True)
class DifficultyParse:
    patch: dict[str, Any]
    explicit_total: bool


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def parse_difficulty(message: str, current_count: int | None) -> DifficultyParse | None:
    """Read a difficulty plan from shorthand such as `easy:2 hard:1`, `2 easy, 1 hard` or `4 hard`."""
    text = message.strip().lower()
    words = set(_WORD.findall(text))
    if not words:
        return None
    buckets = dict.fromkeys(DIFFICULTIES, 0)
    for match in _PAIR.finditer(text):
        difficulty = match.group(1) or match.group(4)
        digits = match.group(2) or match.group(3)
        buckets[difficulty] += _clamp(int(digits), 0, MAX_PROBLEMS)
    total = sum(buckets.values())
    if total > 0:
        if not MIN_PROBLEMS <= total <= MAX_PROBLEMS:
            return None
        plan = [{"difficulty": d, "count": n} for d, n in buckets.items() if n > 0]
        patch: dict[str, Any] = {"difficulty_plan": plan}
        if current_count != total:
            patch["problem_count"] = total
        return DifficultyParse(patch, explicit_total=True)
    if len(words) != 1:
        return None
    (difficulty,) = words
    number = _INTEGER.search(text)
    if number is None and current_count is None:
        return None
    explicit = number is not None
    total = _clamp(int(number.group()) if number else current_count or 0, MIN_PROBLEMS, MAX_PROBLEMS)
    patch = {"difficulty_plan": [{"difficulty": difficulty, "count": total}]}
    if explicit and total != current_count:
        patch["problem_count"] = total
    return DifficultyParse(patch, explicit_total=explicit)
