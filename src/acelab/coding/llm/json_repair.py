"""Tolerant JSON extraction from an LLM's answer (codemm.md §12.4), used for every LLM answer.

Candidates, in order: the answer itself, the body of a ``` fence around or inside it, and the span
from its first `{` to its last `}` (or `[` to `]` when it has no `{`). Each candidate is first read
exactly (JSON, then JSON5); only when no candidate reads exactly is one repaired with json-repair, and
a repair must give an object or an array.

Fixed (codemm.md §17.2.17): the original deleted every ```` ``` ```` and ```` ```json ```` anywhere in
the text, inside string values too (a Markdown statement with a code block, a test's expected output).
Here only a fence around the JSON is taken off, and an answer that is valid as written is returned as
written, so code inside strings is never altered.
"""

import json
import re
from typing import TypeAlias

import json5
import json_repair

JsonValue: TypeAlias = dict[str, "JsonValue"] | list["JsonValue"] | str | int | float | bool | None

# A line that opens a fence (with an optional language tag) and a line that closes one.
_OPENING_FENCE = re.compile(r"^[ \t]*```[\w+-]*[ \t]*$", re.MULTILINE)
_CLOSING_FENCE = re.compile(r"^[ \t]*```[ \t]*$", re.MULTILINE)
_LEADING_FENCE = re.compile(r"```[\w+-]*")


class JsonExtractionError(ValueError):
    def __init__(self) -> None:
        super().__init__("The model's answer contains no readable JSON.")


def parse_json(text: str) -> JsonValue:
    """Read the JSON in an LLM's answer; raise JsonExtractionError when there is none."""
    text = text.strip()
    body = _unfenced(text)
    whole = body if body is not None else text
    candidates = list(dict.fromkeys(c for c in (text, body, _span(whole)) if c))
    for candidate in candidates:
        for loads in (_json_loads, json5.loads):
            try:
                value: JsonValue = loads(candidate)
            except (ValueError, RecursionError):
                continue
            return value
    # A repair of the fence body (or the whole answer) first: it keeps a truncated object whole, where
    # the `{…}` span would stop at the last `}` inside a string.
    for candidate in dict.fromkeys(c for c in (whole, _span(whole)) if c):
        repaired = _repaired(candidate)
        if repaired is not None:
            return repaired
    raise JsonExtractionError()


def _json_loads(text: str) -> JsonValue:
    # strict=False: raw newlines and tabs inside strings (a model writing code) are read as they are.
    value: JsonValue = json.loads(text, strict=False)
    return value


def _repaired(candidate: str) -> JsonValue:
    """json-repair's default mode trims trailing whitespace, a final newline included, from every string
    of a document it repairs (an expected output "1\n2\n" would lose its last line break); its
    stream-stable mode keeps strings as written but gives up guessing where a string that lacks its
    closing quote ends. The faithful reading wins unless the guesses found a different structure."""
    try:
        faithful = _repair(candidate, stream_stable=True)
        guessed = _repair(candidate, stream_stable=False)
        if faithful is None or (guessed is not None and _shape(guessed) != _shape(faithful)):
            return guessed
        return faithful
    except RecursionError:
        return None


def _repair(candidate: str, *, stream_stable: bool) -> JsonValue:
    try:
        value = json_repair.repair_json(candidate, return_objects=True, stream_stable=stream_stable)
    except ValueError:
        return None
    # A repair that found no object or array turned prose into a string: not an answer.
    return value if isinstance(value, dict | list) else None


def _shape(value: JsonValue) -> object:
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_shape(item) for item in value]
    return type(value)


def _unfenced(text: str) -> str | None:
    """The body of a ``` fence: around the whole answer, or around a block inside prose."""
    if text.startswith("```"):
        body = _LEADING_FENCE.sub("", text, count=1).rstrip()
        # No closing fence: a truncated answer; keep all of it.
        return body.removesuffix("```").strip()
    opening = _OPENING_FENCE.search(text)
    if opening is None:
        return None
    # The last closing fence: one inside the block (in a string with raw newlines) cannot end it early.
    closings = [m.start() for m in _CLOSING_FENCE.finditer(text, opening.end())]
    return text[opening.end() : closings[-1] if closings else len(text)].strip()


def _span(text: str) -> str | None:
    """From the first `{` to the last `}`; with no `{` at all, from the first `[` to the last `]`."""
    for start_char, end_char in (("{", "}"), ("[", "]")):
        start = text.find(start_char)
        if start >= 0:
            end = text.rfind(end_char)
            return text[start : end + 1] if end > start else None
    return None
