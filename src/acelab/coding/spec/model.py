"""The ActivitySpec (the generation gate) and the SpecDraft persisted between turns (codemm.md §7.1-7.3).

A draft is a plain JSON object; validation reports `Issue`s per top-level field instead of raising,
because the turn needs to know which fields to drop and the gap analysis which fields to ask for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from acelab.coding.generation.slots import DIFFICULTIES, FIXED_CONSTRAINTS, TEST_CASE_COUNT

SpecDraft = dict[str, Any]

VERSION = "1.0"
LANGUAGES = ("java", "python", "cpp", "sql")
# All four languages generate and judge (§7.1).
GENERATION_LANGUAGES = frozenset(LANGUAGES)
DEFAULT_LANGUAGE = "java"  # whose constraints a draft carries before a language is chosen (§7.4)
DIALOGUE_STYLES = ("stdout", "return", "mixed")
MIN_PROBLEMS, MAX_PROBLEMS = 1, 7
MAX_PLAN_ITEMS = 3
MAX_TOPICS, MAX_TOPIC_LENGTH = 12, 40
MAX_STYLE_LENGTH = 64
MAX_CONSTRAINTS_LENGTH = 2000

FIXED_FIELDS = ("test_case_count", "version", "constraints")
# The fields the user sets, in the order the next question asks for them (§8.6).
USER_FIELDS = ("language", "problem_count", "difficulty_plan", "topic_tags", "problem_style")
# Fields whose inferred (not stated) values wait for a confirmation (§8.3).
HARD_FIELDS = ("language", "problem_count", "difficulty_plan")
SPEC_FIELDS = (*FIXED_FIELDS, *USER_FIELDS)

SQL_STYLE_MESSAGE = "SQL only supports 'stdout' style (console output checking)."


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem with one top-level field; `missing` when the field is absent."""

    field: str
    message: str
    missing: bool = False


@dataclass(frozen=True, slots=True)
class PlanItem:
    difficulty: str
    count: int


@dataclass(frozen=True, slots=True)
class ActivitySpec:
    """A complete, valid spec: what the planner and the generator read."""

    language: str
    problem_count: int
    difficulty_plan: tuple[PlanItem, ...]
    topic_tags: tuple[str, ...]
    problem_style: str
    constraints: str
    version: str = VERSION
    test_case_count: int = TEST_CASE_COUNT


class InvalidActivitySpec(ValueError):
    """A stored spec that does not pass the ActivitySpec rules (§10.1 step 3 words the message)."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__(f"Invalid ActivitySpec: {issues[0].message}")
        self.issues = issues


def _int_in(value: object, low: int, high: int) -> bool:
    """An integer (not a bool) within low..high."""
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _trimmed_length(value: object, field: str, low: int, high: int) -> str | None:
    """Return an error for a string whose trimmed length is outside low..high, or a non-string."""
    if not isinstance(value, str):
        return f"{field} must be a string."
    length = len(value.strip())
    if length < low:
        return f"{field} must contain at least {low} character(s)."
    if length > high:
        return f"{field} must contain at most {high} character(s)."
    return None


def _field_error(field: str, value: object) -> str | None:
    """The per-field rule of §7.2 (no cross-field rules); None when the value is valid."""
    if field == "version":
        return None if value == VERSION else f'version must be "{VERSION}".'
    if field == "test_case_count":
        ok = _int_in(value, TEST_CASE_COUNT, TEST_CASE_COUNT)
        return None if ok else f"test_case_count must be {TEST_CASE_COUNT}."
    if field == "language":
        return None if value in LANGUAGES else f"language must be one of {', '.join(LANGUAGES)}."
    if field == "problem_count":
        if _int_in(value, MIN_PROBLEMS, MAX_PROBLEMS):
            return None
        return f"problem_count must be an integer from {MIN_PROBLEMS} to {MAX_PROBLEMS}."
    if field == "difficulty_plan":
        return _plan_error(value)
    if field == "topic_tags":
        if not isinstance(value, list) or not 1 <= len(value) <= MAX_TOPICS:
            return f"topic_tags must be a list of 1 to {MAX_TOPICS} tags."
        for tag in value:
            error = _trimmed_length(tag, "Each topic tag", 1, MAX_TOPIC_LENGTH)
            if error:
                return error
        return None
    if field == "problem_style":
        return _trimmed_length(value, "problem_style", 1, MAX_STYLE_LENGTH)
    if field == "constraints":
        return _trimmed_length(value, "constraints", 1, MAX_CONSTRAINTS_LENGTH)
    return f"Unrecognized key(s) in object: '{field}'"


def _plan_error(value: object) -> str | None:
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_PLAN_ITEMS:
        return f"difficulty_plan must be a list of 1 to {MAX_PLAN_ITEMS} items."
    seen: set[str] = set()
    for item in value:
        if not isinstance(item, dict) or set(item) != {"difficulty", "count"}:
            return 'Each difficulty_plan item must be {"difficulty", "count"}.'
        if item["difficulty"] not in DIFFICULTIES:
            return f"difficulty must be one of {', '.join(DIFFICULTIES)}."
        count = item["count"]
        if not _int_in(count, 0, MAX_PROBLEMS):
            return f"difficulty_plan counts must be integers from 0 to {MAX_PROBLEMS}."
        if item["difficulty"] in seen:
            return "difficulty_plan must not repeat a difficulty."
        seen.add(item["difficulty"])
    if not any(item["count"] > 0 for item in value):
        return "difficulty_plan needs at least one difficulty with a count above 0."
    return None


def _cross_field_issues(spec: Mapping[str, Any], *, complete: bool) -> list[Issue]:
    """§7.2 rules 1-4 (draft: 1 and 2 only), each checked once its fields are individually valid."""
    issues: list[Issue] = []

    def valid(field: str) -> bool:
        return field in spec and _field_error(field, spec[field]) is None

    if valid("difficulty_plan") and valid("problem_count"):
        total, count = sum(item["count"] for item in spec["difficulty_plan"]), spec["problem_count"]
        if total != count:
            message = f"difficulty_plan counts must sum to problem_count ({count}). Got {total}."
            issues.append(Issue("difficulty_plan", message))
    if valid("language") and valid("constraints"):
        language = spec["language"]
        if spec["constraints"] != FIXED_CONSTRAINTS[language]:
            issues.append(Issue("constraints", f"constraints must be the fixed constraints for {language}."))
    sql_style = complete and valid("language") and valid("problem_style") and spec["language"] == "sql"
    if sql_style and spec["problem_style"] != "stdout":
        issues.append(Issue("problem_style", SQL_STYLE_MESSAGE))
    return issues


def draft_issues(spec: Mapping[str, Any]) -> list[Issue]:
    """Validate a SpecDraft (§7.3): every present field, the sum and the constraints rule."""
    issues = [Issue(field, error) for field, value in spec.items() if (error := _field_error(field, value))]
    return issues + _cross_field_issues(spec, complete=False)


def activity_issues(spec: Mapping[str, Any]) -> list[Issue]:
    """Validate a complete ActivitySpec (§7.2): absent fields are issues too (`missing`)."""
    issues = [Issue(field, "Required", missing=True) for field in SPEC_FIELDS if field not in spec]
    issues += [Issue(field, error) for field, value in spec.items() if (error := _field_error(field, value))]
    return issues + _cross_field_issues(spec, complete=True)


def gap_fields(spec: Mapping[str, Any]) -> list[str]:
    """The fields to ask for, missing or invalid alike (§8.1), in question priority order."""
    flagged = {issue.field for issue in activity_issues(spec)}
    ordered = [field for field in USER_FIELDS if field in flagged]
    return ordered + sorted(flagged - set(USER_FIELDS))


def is_complete(spec: Mapping[str, Any]) -> bool:
    """True when the spec passes the ActivitySpec rules and its language can be generated."""
    return not activity_issues(spec) and spec["language"] in GENERATION_LANGUAGES


def parse_activity_spec(spec: Mapping[str, Any]) -> ActivitySpec:
    """Return the typed ActivitySpec, or raise InvalidActivitySpec with every issue."""
    issues = activity_issues(spec)
    if issues:
        raise InvalidActivitySpec(issues)
    return ActivitySpec(
        language=spec["language"],
        problem_count=spec["problem_count"],
        difficulty_plan=tuple(PlanItem(i["difficulty"], i["count"]) for i in spec["difficulty_plan"]),
        topic_tags=tuple(tag.strip() for tag in spec["topic_tags"]),
        problem_style=spec["problem_style"].strip(),
        constraints=spec["constraints"],
    )


def fixed_values(spec: Mapping[str, Any]) -> dict[str, Any]:
    """The values the server forces before and after every patch (§7.4).

    §17.2 item 4 fix: SQL is checked on console output only, so its style is set with the language
    (the original let an SQL draft hold another style, and such a session could never become ready).
    """
    language = spec.get("language")
    values: dict[str, Any] = {
        "test_case_count": TEST_CASE_COUNT,
        "version": VERSION,
        "constraints": FIXED_CONSTRAINTS.get(language if isinstance(language, str) else "", None)
        or FIXED_CONSTRAINTS[DEFAULT_LANGUAGE],
    }
    if language == "sql":
        values["problem_style"] = "stdout"
    return values


def canonical(spec: Mapping[str, Any]) -> SpecDraft:
    """The spec with its keys in one order on every database: fixed fields, then the user's fields.

    (JSONB does not keep key order; §8 shows fixed fields first, so that order is kept everywhere.)
    """
    known = [field for field in SPEC_FIELDS if field in spec]
    return {field: spec[field] for field in [*known, *sorted(set(spec) - set(SPEC_FIELDS))]}
