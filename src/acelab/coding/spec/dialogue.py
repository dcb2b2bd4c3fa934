"""The dialogue turn (codemm.md §8.3): one LLM call proposes a partial patch; deterministic code checks it.

With no provider, or when the provider fails or answers something unusable, a deterministic
extraction from the message stands in, so the chat works end to end without an LLM.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from acelab.coding.llm.base import CompletionRequest, LlmError, LlmProvider
from acelab.coding.llm.json_repair import JsonExtractionError, parse_json
from acelab.coding.spec import extraction
from acelab.coding.spec.model import DIALOGUE_STYLES, HARD_FIELDS, USER_FIELDS, Issue, draft_issues

log = logging.getLogger(__name__)

SYSTEM_PROMPT = """You are Codemm's dialogue layer for a coding-practice activity builder.
Your job: read the conversation and the latest user message, then produce a short conversational
acknowledgement and a PARTIAL spec patch with only what the user asked for or clearly implied.

Hard rules:
- Respond with JSON only. No markdown, no chain-of-thought.
- Do not ask questions: the server decides what to ask next.
- proposedPatch may contain only these fields:
  - language: "java" | "python" | "cpp" | "sql"
  - problem_count: integer 1..7
  - difficulty_plan: array of at most 3 items {"difficulty": "easy"|"medium"|"hard", "count": integer 0..7}
  - topic_tags: array of 1..12 strings, each 1..40 characters
  - problem_style: "stdout" | "return" | "mixed"
- Leave a field out when the user did not say or imply it. Never invent other fields."""
RESPONSE_SHAPE = (
    '{"acknowledgement": "string", "inferred_intent": "string", "proposedPatch": { ...partial fields... }}'
)
TEMPERATURE = 0.0
MAX_TOKENS = 900
HISTORY_MESSAGES = 10
SPEC_CHARS, HISTORY_CHARS, MESSAGE_CHARS = 2000, 700, 1200
MAX_ACKNOWLEDGEMENT, MAX_INTENT = 600, 800
TRUNCATED = "…(truncated)"
FALLBACK_INTENT = "I’ll translate that into an activity spec."


@dataclass(frozen=True, slots=True)
class DialogueTurn:
    assistant_message: str
    proposed_patch: dict[str, Any]
    # Inferred hard fields the message did not state (sorted; empty when none).
    needs_confirmation: tuple[str, ...]
    source: Literal["llm", "fallback"]


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + TRUNCATED


def build_request(
    *, state: str, spec: Mapping[str, Any], history: Sequence[tuple[str, str]], message: str
) -> CompletionRequest:
    """The dialogue prompt: state, spec, the last messages and the latest one (§8.3)."""
    lines = [f"{role.upper()}: {truncate(content, HISTORY_CHARS)}" for role, content in history]
    user = (
        f"Session state: {state}\n\n"
        f"Current partial spec (JSON):\n{truncate(json.dumps(dict(spec)), SPEC_CHARS)}\n\n"
        f"Conversation so far (oldest first):\n{chr(10).join(lines) or '(none)'}\n\n"
        f"Latest user message:\n{truncate(message, MESSAGE_CHARS)}\n\n"
        f"Return JSON with this exact shape:\n{RESPONSE_SHAPE}"
    )
    return CompletionRequest(system=SYSTEM_PROMPT, user=user, temperature=TEMPERATURE, max_tokens=MAX_TOKENS)


def checked_patch(raw: object) -> dict[str, Any]:
    """The fields of an LLM's proposedPatch that pass the spec rules; the others are dropped.

    The original rejected the whole answer for one bad field (`problem_count: 8`); here the valid
    fields are kept and only the bad one is asked for again.
    """
    if not isinstance(raw, dict):
        return {}
    patch: dict[str, Any] = {}
    for field in USER_FIELDS:
        value = raw.get(field)
        if value is None:
            continue
        if field == "topic_tags" and isinstance(value, list):
            value = [tag.strip() if isinstance(tag, str) else tag for tag in value]
        if field == "problem_style" and value not in DIALOGUE_STYLES:
            continue
        issues: list[Issue] = draft_issues({field: value})
        if not issues:
            patch[field] = value
    return patch


def _text(raw: Mapping[str, Any], key: str, limit: int) -> str | None:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip()[:limit]


def parse_reply(text: str) -> tuple[str | None, str | None, dict[str, Any]] | None:
    """(acknowledgement, inferred intent, checked patch) from the model's answer; None if unusable."""
    try:
        raw = parse_json(text)
    except JsonExtractionError:
        return None
    if not isinstance(raw, dict) or not isinstance(raw.get("proposedPatch"), dict):
        return None
    return (
        _text(raw, "acknowledgement", MAX_ACKNOWLEDGEMENT),
        _text(raw, "inferred_intent", MAX_INTENT),
        checked_patch(raw["proposedPatch"]),
    )


def fallback_acknowledgement(message: str) -> str:
    short = message.strip()[:120]
    return f"Got it — {short}" if short else "Got it."


def confirmation_needed(
    spec: Mapping[str, Any], proposal: Mapping[str, Any], message: str
) -> tuple[str, ...]:
    """Hard fields the proposal infers without the message stating them (§8.3 policy)."""
    fields: list[str] = []
    language = proposal.get("language")
    current = spec.get("language")
    if language and current and language != current and extraction.mentioned_language(message) is None:
        fields.append("language")
    count = proposal.get("problem_count")
    if count is not None and count != spec.get("problem_count") and extraction.stated_count(message) is None:
        fields.append("problem_count")
    if proposal.get("difficulty_plan") and not extraction.mentions_difficulty(message):
        fields.append("difficulty_plan")
    return tuple(sorted(f for f in fields if f in HARD_FIELDS))


async def _ask(provider: LlmProvider, request: CompletionRequest) -> str | None:
    try:
        return await provider.complete(request)
    except LlmError as exc:
        # §6.5: LLM failures never reach the user; the deterministic path answers instead.
        log.warning("dialogue LLM call failed", extra={"provider": provider.name, "why": exc.message})
        return None


async def dialogue_turn(
    provider: LlmProvider | None,
    *,
    state: str,
    spec: Mapping[str, Any],
    history: Sequence[tuple[str, str]],
    message: str,
    question_key: str | None,
) -> DialogueTurn:
    """Run one dialogue turn: the LLM's checked proposal, or the deterministic fallback."""
    parsed = None
    source: Literal["llm", "fallback"] = "fallback"
    if provider is not None:
        request = build_request(state=state, spec=spec, history=history[-HISTORY_MESSAGES:], message=message)
        answer = await _ask(provider, request)
        if answer is not None:
            parsed = parse_reply(answer)
            if parsed is None:
                log.warning("dialogue LLM answer unusable", extra={"provider": provider.name})
    if parsed is None:
        acknowledgement, intent = None, None
        proposal = extraction.fallback_proposal(message, question_key=question_key)
    else:
        acknowledgement, intent, proposal = parsed
        source = "llm"
    text = f"{acknowledgement or fallback_acknowledgement(message)}\n\n{intent or FALLBACK_INTENT}"
    return DialogueTurn(
        assistant_message=text,
        proposed_patch=proposal,
        needs_confirmation=confirmation_needed(spec, proposal, message),
        source=source,
    )
