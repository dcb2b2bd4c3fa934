"""The offline problem library's framework (the embedded generator when no LLM is configured).

A template pairs a language-neutral `Problem` (parameters, statement, the 8 test inputs and a
Python oracle for their expected answers) with a language renderer that writes the reference
solution, the starter code and the test suite in the contract's format for the slot's style.
Templates are declarative objects: each language module (offline/python.py, sql.py, java.py,
cpp.py) exposes `TEMPLATES: tuple[Template, ...]`, and offline/__init__.py lists them per language.

Text fields of a Problem (title, statement, answer) are `string.Template` texts: `$name` is
replaced by the parameter `name` (`$$` is a literal dollar), so braces in code stay untouched.

The draft goes through the same contract validation and sandbox verification as an LLM draft; the
oracle is independent of the reference, so that verification checks both.
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from acelab.coding.generation.slots import ProblemSlot

Params = dict[str, Any]
Args = tuple[Any, ...]
_CASE_ATTEMPTS = 20
_EXAMPLE_SIZE = 40  # characters of arguments an example ideally shows


class TemplateError(RuntimeError):
    """A template produced an unusable problem (a bug in the library, never in the request)."""


@dataclass(frozen=True, slots=True)
class Problem:
    slug: str  # stable id prefix, e.g. "longest-streak"
    title: str
    topics: tuple[str, ...]  # keywords matched against slot topics at word starts ("hash" ~ "hashing")
    difficulty: str
    statement: str  # the task in language-neutral words
    answer: str  # noun phrase for what solve computes, e.g. "the length of the longest streak"
    params: Callable[[random.Random], Params]
    inputs: Callable[[random.Random, Params], list[Args]]  # exactly 8 argument tuples
    oracle: Callable[..., Any]  # oracle(params, *args) -> the expected answer
    show: Callable[[Any], str] = str  # the answer as printed (stdout styles), without the final newline
    printed: str = "on a single line"  # how the answer is printed, for the statement


@dataclass(frozen=True, slots=True)
class Case:
    args: Args
    expected: Any


@dataclass(frozen=True, slots=True)
class Rendering:
    description: str
    starter_code: str
    reference_solution: str
    test_suite: str
    sample_inputs: list[str]
    sample_outputs: list[str]


class Template(Protocol):
    @property
    def problem(self) -> Problem: ...

    @property
    def styles(self) -> tuple[str, ...]: ...

    def render(self, params: Params, style: str, cases: Sequence[Case]) -> Rendering: ...


def examples(problem: Problem, cases: Sequence[Case], count: int = 2) -> list[Case]:
    """The cases that show the task best: a non-trivial answer, then an input of readable size."""

    def trivial(case: Case) -> bool:
        return not problem.show(case.expected).strip() or repr(case.expected) in (
            "0",
            "-1",
            "False",
            "[]",
            "''",
        )

    return sorted(cases, key=lambda c: (trivial(c), abs(len(repr(c.args)) - _EXAMPLE_SIZE)))[:count]


def fill(text: str, params: Params) -> str:
    """Substitute `$name` parameters into a template text."""
    return string.Template(text).substitute(params)


def pick(rng: random.Random, names: Sequence[str], variants: Sequence[Sequence[Any]]) -> Params:
    """Parameters from one scenario variant: pick(rng, ("room", "rooms"), [("desk", "desks"), ...])."""
    return dict(zip(names, rng.choice(variants), strict=True))


_SMALL_WORDS = frozenset(
    {"a", "an", "and", "at", "by", "for", "in", "of", "on", "or", "per", "the", "to", "with"}
)


def headline(text: str) -> str:
    """Title case that keeps small words lower-case and never lowers a letter ("SQL" stays)."""
    words = text.split(" ")
    return " ".join(w if i and w in _SMALL_WORDS else w[:1].upper() + w[1:] for i, w in enumerate(words))


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9+#]+", " ", text.lower()).split())


def matches_topic(problem: Problem, topics: Sequence[str]) -> bool:
    """True when a keyword of the problem starts a word of one of the slot's topics."""
    wanted = [_words(t) for t in topics]
    return any(re.search(rf"\b{re.escape(_words(k))}", t) for k in problem.topics for t in wanted)


def choose(templates: Sequence[Template], slot: ProblemSlot, rng: random.Random) -> Template:
    """The template for a slot: topic match first, then difficulty, then any; ties broken by rng."""
    pool = [t for t in templates if slot.problem_style in t.styles] or list(templates)
    if not pool:
        raise TemplateError(f"no offline templates for {slot.language}")

    def score(t: Template) -> tuple[bool, bool]:
        return matches_topic(t.problem, slot.topics), t.problem.difficulty == slot.difficulty

    best = max(score(t) for t in pool)
    return rng.choice([t for t in pool if score(t) == best])


def make_cases(problem: Problem, rng: random.Random, count: int) -> tuple[Params, list[Case]]:
    """Parameters and test cases whose expected answers are not all alike, so that a starter that
    returns or prints one fixed value fails at least one test."""
    for _ in range(_CASE_ATTEMPTS):
        params = problem.params(rng)
        inputs = problem.inputs(rng, params)
        if len(inputs) != count:
            raise TemplateError(f"{problem.slug}: {len(inputs)} inputs, expected {count}")
        cases = [Case(args, problem.oracle(params, *args)) for args in inputs]
        if len({repr(c.expected) for c in cases}) > 1:
            return params, cases
    raise TemplateError(f"{problem.slug}: every case has the same answer")


def draft(template: Template, slot: ProblemSlot, rng: random.Random) -> dict[str, object]:
    """Render the codemm.md §10.3 draft object of one template for a slot."""
    problem = template.problem
    style = slot.problem_style if slot.problem_style in template.styles else template.styles[0]
    params, cases = make_cases(problem, rng, slot.test_case_count)
    out = template.render(params, style, cases)
    return {
        "id": f"{problem.slug}-{rng.getrandbits(32):08x}",
        "title": headline(fill(problem.title, params)),
        "description": out.description,
        "starter_code": out.starter_code,
        "test_suite": out.test_suite,
        "reference_solution": out.reference_solution,
        "constraints": slot.constraints,
        "sample_inputs": out.sample_inputs,
        "sample_outputs": out.sample_outputs,
        "difficulty": slot.difficulty,
        "topic_tag": slot.topics[0] if slot.topics else problem.topics[0],
    }
