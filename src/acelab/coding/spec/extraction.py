"""What a message says on its own, without an LLM (codemm.md §8.3 fallback, §8.3 policy, §8.7).

The same detectors decide three things: the deterministic fallback proposal, whether an inferred
hard field needs a confirmation, and whether an applied field was stated explicitly.
"""

from __future__ import annotations

import re
from typing import Any

from acelab.coding.spec.model import MAX_PROBLEMS, MAX_TOPIC_LENGTH, MAX_TOPICS, MIN_PROBLEMS

_LANGUAGES = (
    ("sql", re.compile(r"\b(?:sql|sqlite)\b")),
    ("cpp", re.compile(r"(?<![a-z0-9])c\+\+(?![a-z0-9])|\bcpp\b")),
    ("python", re.compile(r"\bpython\b")),
    ("java", re.compile(r"\bjava\b")),
)
_COUNT_NOUN = re.compile(r"\b(\d+)\s*(?:problems?|questions?|exercises?)\b")
_LEADING_COUNT = re.compile(r"^(?:i want\s+)?(\d+)\b")
_STYLE_WORDS = (("stdout", re.compile(r"\bstdout\b")), ("return", re.compile(r"\breturn\b")))
_MIXED = re.compile(r"\bmixed\b")
_DIFFICULTY_WORD = re.compile(r"\b(?:easy|medium|hard)\b")
# Answers to the style question in its own words: "(return value / console output / both)".
_CONSOLE = re.compile(r"\b(?:console|print(?:ed|s|ing)?|standard output)\b")
_BOTH = re.compile(r"\bboth\b")
_TOPIC_MARKER = re.compile(r"\b(?:topics?|focus(?:ing)? on|about|cover(?:s|ing)?)\b")
_TOPIC_WORDS = re.compile(r"\b(?:topics?|focus(?:ing)?|cover(?:s|ing)?|about)\b")
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)|\n")
_TOPIC_SPLIT = re.compile(r"\s*(?:,|;|\band\b|&)\s*")
_TOPIC_TRIM = " \t:-–—.!?\"'"


def _lower(message: str) -> str:
    return message.strip().lower()


def mentioned_language(message: str) -> str | None:
    """The language a message names: sql/sqlite, then c++/cpp, then python, then java."""
    text = _lower(message)
    return next((language for language, pattern in _LANGUAGES if pattern.search(text)), None)


def stated_count(message: str) -> int | None:
    """A count the message states: `<n> problems|questions|exercises`, else a leading `(i want) <n>`."""
    text = _lower(message)
    match = _COUNT_NOUN.search(text) or _LEADING_COUNT.search(text)
    return int(match.group(1)) if match else None


def mentions_difficulty(message: str) -> bool:
    return _DIFFICULTY_WORD.search(_lower(message)) is not None


def stated_style(message: str, *, asked: bool = False) -> str | None:
    """`stdout`, `return` or `mixed` named in the message; when the style was just asked, also the
    question's own words ("console output", "both")."""
    text = _lower(message)
    for style, pattern in _STYLE_WORDS:
        if pattern.search(text):
            return style
    if _MIXED.search(text) or (asked and _BOTH.search(text)):
        return "mixed"
    if asked and _CONSOLE.search(text):
        return "stdout"
    return None


def stated_topics(message: str, *, asked: bool = False) -> list[str] | None:
    """Topic tags after `topics:`, `focus on`, `about` or `cover`, or the whole answer to the topic
    question; split on commas (and `and`), 2..40 characters each, at most 12.

    §17.2 item 5 fix: the original used the whole message when no marker word occurred, so any
    short reply ("easy", "return") replaced the topics.
    """
    text = message.strip()
    markers = list(_TOPIC_MARKER.finditer(text.lower()))
    if markers:
        tail = text[markers[-1].end() :]
    elif asked:
        tail = text
    else:
        return None
    tail = tail.lstrip(_TOPIC_TRIM)
    end = _SENTENCE_END.search(tail)
    if end:
        tail = tail[: end.start()]
    tags = [tag.strip(_TOPIC_TRIM) for tag in _TOPIC_SPLIT.split(tail)]
    tags = [tag for tag in tags if 2 <= len(tag) <= MAX_TOPIC_LENGTH][:MAX_TOPICS]
    return tags or None


def fallback_proposal(message: str, *, question_key: str | None) -> dict[str, Any]:
    """The deterministic proposal used when no LLM answer is usable (§8.3)."""
    proposal: dict[str, Any] = {}
    language = mentioned_language(message)
    if language:
        proposal["language"] = language
    count = stated_count(message)
    if count is not None and MIN_PROBLEMS <= count <= MAX_PROBLEMS:
        proposal["problem_count"] = count
    style = stated_style(message, asked=question_key == "problem_style")
    if style:
        proposal["problem_style"] = style
    topics = stated_topics(message, asked=question_key == "topic_tags")
    if topics:
        proposal["topic_tags"] = topics
    return proposal


def _explicit_in_message(field: str, message: str) -> bool:
    text = _lower(message)
    if field == "problem_count":
        return stated_count(message) is not None
    if field == "problem_style":
        return stated_style(message) is not None
    if field == "difficulty_plan":
        return mentions_difficulty(message)
    if field == "topic_tags":
        return ("," in text and len(text) <= 200) or _TOPIC_WORDS.search(text) is not None
    if field == "language":
        return mentioned_language(message) is not None
    return False


_GOALS = {
    "goal:content": "topic_tags",
    "goal:scope": "problem_count",
    "goal:difficulty": "difficulty_plan",
    "goal:checking": "problem_style",
    "goal:language": "language",
}


def commitment_source(field: str, *, question_key: str | None, message: str) -> str:
    """`explicit` when the field was asked for or stated in the message, else `implicit` (§8.7)."""
    key = question_key or ""
    if key in (field, f"invalid:{field}") or _GOALS.get(key) == field:
        return "explicit"
    if key.startswith("confirm:") and field in key.removeprefix("confirm:").split(","):
        return "explicit"
    return "explicit" if _explicit_in_message(field, message) else "implicit"
