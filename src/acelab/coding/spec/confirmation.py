"""Pending confirmations of inferred hard fields (codemm.md §8.3 prompts, §8.4, §8.5)."""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from acelab.coding.spec.model import HARD_FIELDS

PENDING_KIND = "pending_confirmation"
CONFIRM_PREFIX = "confirm:"
MAX_CONFIRMATION_LENGTH = 40

# §8.4's list, plus a few equally unambiguous ones; §17.2 item 8: "yes." or "Yes!" count too.
_YES = frozenset(
    {
        "y", "yes", "yep", "yeah", "yup", "sure", "ok", "okay", "confirm", "confirmed", "correct",
        "looks good", "sounds good", "go ahead", "proceed", "yes please", "please do", "do it",
        "that's right", "that is right", "ok thanks", "yes thanks",
    }
)  # fmt: skip
# §17.2 item 8: the original had no way to decline; these drop the pending change.
_NO = frozenset(
    {
        "n", "no", "nope", "nah", "cancel", "no thanks", "no thank you", "don't", "do not",
        "never mind", "nevermind", "keep it", "leave it", "not that",
    }
)  # fmt: skip
_EDGE_PUNCTUATION = " \t\r\n.!?,;:…'\"()"


@dataclass(frozen=True, slots=True)
class PendingConfirmation:
    fields: tuple[str, ...]
    patch: dict[str, Any]

    def encode(self) -> str:
        """The single collector-buffer string of §8.4 (the original's format, so old sessions resume)."""
        return json.dumps({"kind": PENDING_KIND, "fields": list(self.fields), "patch": self.patch})


def decode_pending(buffer: Iterable[str]) -> PendingConfirmation | None:
    """The pending confirmation held in the collector buffer, if any."""
    for item in buffer:
        try:
            data = json.loads(item)
        except (TypeError, ValueError):
            continue
        if not isinstance(data, dict) or data.get("kind") != PENDING_KIND:
            continue
        if isinstance(data.get("patch"), dict):
            fields = data.get("fields")
            names = tuple(f for f in fields if isinstance(f, str)) if isinstance(fields, list) else ()
            return PendingConfirmation(fields=names, patch=data["patch"])
    return None


def _normalized(message: str) -> str:
    text = message.strip().lower().replace("’", "'")
    text = text.strip(_EDGE_PUNCTUATION)
    text = re.sub(r"[\s,]+", " ", text)
    return text.strip()


def is_pure_confirmation(message: str) -> bool:
    """A short affirmation and nothing else (`yes`, `Yes!`, `ok.`, `sounds good`)."""
    stripped = message.strip()
    return len(stripped) <= MAX_CONFIRMATION_LENGTH and _normalized(stripped) in _YES


def is_pure_rejection(message: str) -> bool:
    """A short refusal and nothing else (`no`, `No.`, `cancel`)."""
    stripped = message.strip()
    return len(stripped) <= MAX_CONFIRMATION_LENGTH and _normalized(stripped) in _NO


def confirm_key(fields: Collection[str]) -> str:
    return CONFIRM_PREFIX + ",".join(sorted(fields))


def confirm_fields(question_key: str | None) -> list[str]:
    """The fields a `confirm:` question key lists ([] for any other key)."""
    if not question_key or not question_key.startswith(CONFIRM_PREFIX):
        return []
    return [f for f in question_key.removeprefix(CONFIRM_PREFIX).split(",") if f]


def confirmation_prompt(fields: Collection[str], patch: dict[str, Any]) -> str:
    """The question asking to confirm inferred hard fields (first matching rule, §8.3)."""
    if "language" in fields:
        return (
            f"I think you might want to switch the language to {patch.get('language')}. "
            "Confirm the language to use (java, python, cpp, sql)."
        )
    if "problem_count" in fields:
        return "I might be inferring a different number of problems. Confirm how many problems (1–7)."
    if "difficulty_plan" in fields:
        return (
            "I might be inferring a new difficulty split. "
            "Confirm the difficulty plan (example: easy:2, medium:2, hard:1)."
        )
    return "Confirm the change you want to make."


def adjust_fields(
    fields: Iterable[str],
    *,
    deterministic_patch: dict[str, Any],
    explicit_total: bool,
    question_key: str | None,
    pending: PendingConfirmation | None,
) -> list[str]:
    """Drop fields that need no confirmation after all (§8.5, in its order); sorted."""
    remaining = [f for f in fields if f in HARD_FIELDS]
    if "difficulty_plan" in deterministic_patch:
        remaining = [f for f in remaining if f != "difficulty_plan"]
    if explicit_total and "problem_count" in deterministic_patch:
        remaining = [f for f in remaining if f != "problem_count"]
    if confirm_fields(question_key) and pending is not None and pending.fields:
        remaining = [f for f in remaining if f not in pending.fields]
    return sorted(set(remaining))
