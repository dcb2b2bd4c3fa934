"""Problem contract validation (codemm.md §10.3-10.4): pure functions, no I/O.

RULES lists every language with a contract module; each module's `validate` checks the code
fields (see common.py).
"""

from collections.abc import Callable, Mapping

from acelab.coding.generation.contract.common import (
    CodeFields,
    ContractError,
    ValidatedDraft,
    assemble,
    common_fields,
)
from acelab.coding.generation.contract.cpp import validate as validate_cpp
from acelab.coding.generation.contract.java import validate as validate_java
from acelab.coding.generation.contract.python import validate as validate_python
from acelab.coding.generation.contract.sql import validate as validate_sql
from acelab.coding.generation.slots import ProblemSlot

RULES: dict[str, Callable[[Mapping[str, object], ProblemSlot], CodeFields]] = {
    "java": validate_java,
    "cpp": validate_cpp,
    "python": validate_python,
    "sql": validate_sql,
}


def validate_draft(raw: object, slot: ProblemSlot) -> ValidatedDraft:
    """Normalise a generator's draft for `slot` and check it, or raise ContractError."""
    if not isinstance(raw, Mapping):
        raise ContractError("The draft must be a JSON object.")
    rules = RULES.get(slot.language)
    if rules is None:
        raise ContractError(f"Unsupported language: {slot.language}.")
    common = common_fields(raw, slot)
    return assemble(slot, common, rules(raw, slot))


__all__ = ["RULES", "CodeFields", "ContractError", "ValidatedDraft", "validate_draft"]
