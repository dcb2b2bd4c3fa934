"""The problem contract's common part (codemm.md §10.3 normalisation, §10.4 common fields).

A draft is the JSON object a generator returns (an LLM answer or the offline library). Validation
is pure: `acelab.coding.generation.contract.validate_draft(raw, slot)` normalises the common fields
here and hands the code fields to the slot language's module, which exposes

    def validate(raw: Mapping[str, object], slot: ProblemSlot) -> CodeFields

(listed in RULES in contract/__init__.py) and raises ContractError with the contract's message on
the first violation.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from acelab.coding.generation.slots import ProblemSlot

MAX_SAMPLES = 20
_LIMITS = {"id": 80, "title": 120, "description": 8000, "constraints": 2000, "topic_tag": 40}


class ContractError(ValueError):
    """A draft breaks the problem contract; `field` names the offending draft field when one does
    (the pipeline repairs a Python or C++ draft whose only problem is its `test_suite`)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True, slots=True)
class CodeFields:
    """The language-specific part of a validated draft."""

    test_suite: str
    starter_code: str
    reference_solution: str


@dataclass(frozen=True, slots=True)
class ValidatedDraft:
    language: str
    id: str
    title: str
    description: str
    constraints: str
    sample_inputs: tuple[str, ...]
    sample_outputs: tuple[str, ...]
    difficulty: str
    topic_tag: str
    test_suite: str
    starter_code: str
    reference_solution: str

    def problem(self) -> dict[str, object]:
        """The persisted problem: the draft without its reference solution (§10.9)."""
        return {
            "language": self.language,
            "id": self.id,
            "title": self.title,
            "description": self.description,
            "constraints": self.constraints,
            "sample_inputs": list(self.sample_inputs),
            "sample_outputs": list(self.sample_outputs),
            "difficulty": self.difficulty,
            "topic_tag": self.topic_tag,
            "test_suite": self.test_suite,
            "starter_code": self.starter_code,
        }


def text(raw: Mapping[str, object], key: str) -> str:
    """The trimmed string at `key`; "" when absent or null."""
    value = raw.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ContractError(f"{key} must be a string.", field=key)
    return value.strip()


def reject_workspace(raw: Mapping[str, object], language: str) -> None:
    """Single-file languages refuse the Java workspace shape (§10.3)."""
    for key in ("workspace", "reference_workspace"):
        if key in raw:
            raise ContractError(f"{key} is only supported for Java problems, not {language}.", field=key)


def _samples(raw: Mapping[str, object], key: str) -> tuple[str, ...]:
    value = raw.get(key)
    if not isinstance(value, list):
        return ()  # §10.3: a non-array becomes []
    if not all(isinstance(v, str) for v in value):
        raise ContractError(f"{key} must be an array of strings.", field=key)
    if len(value) > MAX_SAMPLES:
        raise ContractError(f"{key} must have at most {MAX_SAMPLES} items.", field=key)
    return tuple(v.strip() for v in value)


@dataclass(frozen=True, slots=True)
class CommonFields:
    id: str
    title: str
    description: str
    constraints: str
    topic_tag: str
    sample_inputs: tuple[str, ...]
    sample_outputs: tuple[str, ...]


def common_fields(raw: Mapping[str, object], slot: ProblemSlot) -> CommonFields:
    """Normalise and check the fields every language shares (§10.3, §10.4)."""
    title = text(raw, "title") or f"Problem for {slot.topics[0] if slot.topics else slot.language}"
    fields = CommonFields(
        id=text(raw, "id") or str(uuid.uuid4()),
        title=title,
        description=text(raw, "description") or f"Problem description for {title}.",
        constraints=text(raw, "constraints") or slot.constraints,
        # §10.3: forced from the slot whatever the generator said.
        topic_tag=slot.topics[0] if slot.topics else "",
        sample_inputs=_samples(raw, "sample_inputs"),
        sample_outputs=_samples(raw, "sample_outputs"),
    )
    for key, limit in _LIMITS.items():
        if not 1 <= len(getattr(fields, key)) <= limit:
            raise ContractError(f"{key} must be 1..{limit} characters.", field=key)
    return fields


def assemble(slot: ProblemSlot, common: CommonFields, code: CodeFields) -> ValidatedDraft:
    """The validated draft from its checked parts; difficulty is forced from the slot (§10.3)."""
    return ValidatedDraft(
        language=slot.language,
        id=common.id,
        title=common.title,
        description=common.description,
        constraints=common.constraints,
        sample_inputs=common.sample_inputs,
        sample_outputs=common.sample_outputs,
        difficulty=slot.difficulty,
        topic_tag=common.topic_tag,
        test_suite=code.test_suite,
        starter_code=code.starter_code,
        reference_solution=code.reference_solution,
    )
