"""Top-level JSON-Patch ops on a SpecDraft (codemm.md §7.4, §7.5)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from acelab.coding.spec.model import SpecDraft, canonical, fixed_values

OpName = Literal["add", "replace", "remove"]


class NestedPatchPath(ValueError):
    """Only top-level paths (`/<key>`) are allowed."""


@dataclass(frozen=True, slots=True)
class Op:
    op: OpName
    path: str
    value: Any = None

    @property
    def key(self) -> str:
        return self.path[1:]

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"op": self.op, "path": self.path}
        if self.op != "remove":
            body["value"] = self.value
        return body


def set_op(spec: Mapping[str, Any], key: str, value: Any) -> Op:
    """`add` when the key is absent (or null), else `replace`."""
    return Op("replace" if spec.get(key) is not None else "add", f"/{key}", value)


def ops_from_proposal(spec: Mapping[str, Any], proposal: Mapping[str, Any]) -> list[Op]:
    """Turn a partial proposal `{key: value}` into ops; None values are skipped."""
    return [set_op(spec, key, value) for key, value in proposal.items() if value is not None]


def apply_ops(spec: Mapping[str, Any], ops: Iterable[Op]) -> SpecDraft:
    """Return a new draft with the ops applied in order."""
    result = dict(spec)
    for op in ops:
        key = op.key
        if not op.path.startswith("/") or not key or "/" in key:
            raise NestedPatchPath(op.path)
        if op.op == "remove":
            result.pop(key, None)
        else:
            result[key] = op.value
    return result


def fixed_field_ops(spec: Mapping[str, Any]) -> list[Op]:
    """The ops forcing the fixed fields, in the order test_case_count, version, constraints."""
    return [set_op(spec, key, value) for key, value in fixed_values(spec).items() if spec.get(key) != value]


def with_fixed_fields(spec: Mapping[str, Any]) -> SpecDraft:
    """The draft with its fixed fields forced (§7.4), keys in canonical order."""
    return canonical(apply_ops(spec, fixed_field_ops(spec)))
