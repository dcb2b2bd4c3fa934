"""Typed problems for the statically typed libraries (offline/java.py, offline/cpp.py).

Java and C++ share one problem set (offline/algorithms.py): each `TypedProblem` is a base.Problem
plus the kinds of solve's parameters and result, from which each language renders declarations,
literals, assertions and the printed answer. This module also writes the parts of a rendering
that do not depend on the language: the description and the samples.
"""

from __future__ import annotations

import json
import random
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from acelab.coding.offline.base import Args, Case, Params, Problem, fill


class Kind(Enum):
    """The value kinds solve's parameters and results use (a closed set both languages render)."""

    INT = "int"
    LONG = "long"  # 64-bit results
    BOOL = "bool"
    STR = "str"
    INT_LIST = "int list"
    STR_LIST = "str list"
    INT_ROWS = "int rows"  # a list of int lists (edges, intervals, grids); parameters only

    def neutral(self, value: Any) -> str:
        """The value as the samples and examples write it (JSON-like)."""
        return json.dumps(value)

    def show(self, value: Any) -> str:
        """The value as the stdout styles print it, without the final newline."""
        if self is Kind.BOOL:
            return "true" if value else "false"
        if self in (Kind.INT_LIST, Kind.STR_LIST):
            return " ".join(str(v) for v in value)
        return str(value)

    @property
    def printed(self) -> str:
        """How the stdout styles print a value of this kind, for the statement."""
        if self in (Kind.INT_LIST, Kind.STR_LIST):
            return "on a single line, separated by single spaces (an empty line when there are none)"
        return "on a single line"


@dataclass(frozen=True, slots=True)
class TypedProblem:
    problem: Problem
    params: tuple[tuple[str, Kind], ...]  # solve's parameters, in order
    returns: Kind


def typed_problem(
    *,
    params: tuple[tuple[str, Kind], ...],
    returns: Kind,
    slug: str,
    title: str,
    topics: tuple[str, ...],
    difficulty: str,
    statement: str,
    answer: str,
    make_params: Callable[[random.Random], Params],
    inputs: Callable[[random.Random, Params], list[Args]],
    oracle: Callable[..., Any],
) -> TypedProblem:
    """A TypedProblem whose printed form follows its result kind."""
    if returns is Kind.INT_ROWS:
        raise ValueError(f"{slug}: row lists are parameters only, never results")
    problem = Problem(
        slug=slug,
        title=title,
        topics=topics,
        difficulty=difficulty,
        statement=statement,
        answer=answer,
        params=make_params,
        inputs=inputs,
        oracle=oracle,
        show=returns.show,
        printed=returns.printed,
    )
    return TypedProblem(problem=problem, params=params, returns=returns)


def quoted(value: str) -> str:
    """A double-quoted Java or C++ string literal (the problems' strings are printable ASCII)."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


def indent(code: str, width: int) -> str:
    """Strip the common indentation of a code block, then indent it by `width` spaces."""
    return textwrap.indent(textwrap.dedent(code).strip("\n"), " " * width)


def _call(spec: TypedProblem, args: Args) -> str:
    return ", ".join(f"{name} = {kind.neutral(v)}" for (name, kind), v in zip(spec.params, args, strict=True))


def _example(spec: TypedProblem, cases: Sequence[Case]) -> Case:
    # The richest case that still reads well on one line (the first cases are often edge cases).
    fitting = [c for c in cases if len(_call(spec, c.args)) <= 80] or list(cases[:1])
    return max(fitting, key=lambda c: len(_call(spec, c.args)))


def describe(spec: TypedProblem, params: Params, style: str, declaration: str, cases: Sequence[Case]) -> str:
    """The statement, what solve must do in this style, and one worked example (`declaration` is
    Markdown, e.g. "`int solve(int n)`")."""
    problem = spec.problem
    answer = fill(problem.answer, params)
    example = _example(spec, cases)
    result, shown = spec.returns.neutral(example.expected), problem.show(example.expected)
    task, outcome = {
        "return": (f"returns {answer}", f"the result is `{result}`."),
        "stdout": (
            f"prints {answer} {problem.printed} and returns nothing",
            f"solve prints:\n\n    {shown}",
        ),
        "mixed": (
            f"returns {answer} and also prints it {problem.printed}",
            f"the result is `{result}` and solve prints:\n\n    {shown}",
        ),
    }[style]
    return (
        f"{fill(problem.statement, params)}\n\n"
        f"Implement {declaration}, which {task}.\n\n"
        f"Example: for {_call(spec, example.args)}, {outcome}"
    )


def samples(spec: TypedProblem, style: str, cases: Sequence[Case]) -> tuple[list[str], list[str]]:
    """sample_inputs and sample_outputs from the first two cases."""
    shown = cases[:2]
    outputs = [
        spec.problem.show(c.expected) if style == "stdout" else spec.returns.neutral(c.expected)
        for c in shown
    ]
    return [_call(spec, c.args) for c in shown], outputs
