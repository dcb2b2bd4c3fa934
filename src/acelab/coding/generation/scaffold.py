"""Guided scaffolding (codemm.md §10.8): the learner's starter is the verified reference with the
bodies of its key functions replaced by a TODO block; the higher the scaffold level, the fewer
bodies are blanked. Fixed against the original: when nothing can be blanked, the draft's own
starter is used, never the reference itself (which handed learners the solution)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from acelab.coding.generation.slots import Pedagogy

BEGIN = "BEGIN STUDENT TODO"
END = "END STUDENT TODO"
COMMENT = {"java": "//", "cpp": "//", "python": "#", "sql": "--"}
STUB = {
    "java": 'throw new UnsupportedOperationException("TODO");',
    "cpp": 'throw std::runtime_error("TODO");',
    "python": 'raise NotImplementedError("TODO")',
}
_CONCEPT_HINTS = (
    (
        ("mst", "kruskal", "union find", "dsu"),
        (
            "Sort the edges by weight, ascending.",
            "Use Union-Find to track which nodes are already connected.",
            "Only join two nodes when they are in different components.",
            "Stop once you have n-1 edges.",
        ),
    ),
    (("connected component",), ("Run a BFS or DFS from every node not yet visited.",)),
    (("interval",), ("Sort the intervals by end time, then choose greedily.",)),
)


def level_of(pedagogy: Pedagogy) -> float:
    """scaffold_level 0..100 as 0..1 (values ≤ 1 are already normalised)."""
    raw = float(pedagogy.scaffold_level)
    return min(1.0, max(0.0, raw if raw <= 1 else raw / 100))


def _concept_hints(pedagogy: Pedagogy, topics: tuple[str, ...]) -> list[str]:
    text = " ".join((pedagogy.learning_goal, *topics)).lower()
    hints: list[str] = []
    for keys, found in _CONCEPT_HINTS:
        if any(k in text for k in keys) and (keys != ("interval",) or "overlap" in text):
            hints.extend(found)
    return hints


def todo_lines(pedagogy: Pedagogy, topics: tuple[str, ...]) -> list[str]:
    """The TODO block's lines (without comment tokens), de-duplicated case-insensitively."""
    level = level_of(pedagogy)
    goal = f" ({pedagogy.learning_goal})" if pedagogy.learning_goal else ""
    lines = [BEGIN]
    hints = _concept_hints(pedagogy, topics) if pedagogy.hints_enabled else []
    if level >= 0.75:
        lines.append(f"TODO: Implement the missing core logic{goal}.")
        if pedagogy.hints_enabled:
            lines += [f"Hint: {h}" for h in hints[:4]]
            lines += [
                "Hint: Use the problem description as your spec.",
                "Hint: Let the existing tests drive edge cases.",
            ]
    elif level >= 0.45:
        lines.append(f"TODO: Implement the missing logic{goal}.")
        if pedagogy.hints_enabled:
            lines += [f"Hint: {h}" for h in hints[:2]]
            lines.append("Hint: Follow the problem description and tests.")
    elif level >= 0.2:
        lines.append(f"TODO: Implement this{goal}.")
    else:
        lines.append("TODO: Implement this.")
    lines.append(END)
    unique: dict[str, str] = {}
    for line in lines:
        unique.setdefault(line.lower(), line)
    return list(unique.values())


@dataclass(frozen=True, slots=True)
class _Body:
    name: str
    start: int  # index just after `{` (Java/C++) or of the first body line (Python)
    end: int  # index of the closing `}` (Java/C++) or past the last body line (Python)
    size: int


def _blank_count(n: int, level: float) -> int:
    return max(1, min(n, math.ceil(n * (1 - level))))


# --- Python ----------------------------------------------------------------------------------
_PY_DEF = re.compile(r"^def\s+(\w+)\s*\(")


def _python_bodies(lines: list[str]) -> list[_Body]:
    bodies = []
    for i, line in enumerate(lines):
        match = _PY_DEF.match(line)
        if not match:
            continue
        start = i + 1
        while start < len(lines) and not lines[start - 1].rstrip().endswith(":"):
            start += 1  # a signature spread over several lines
        end = start
        while end < len(lines) and not re.match(r"^(def|class)\s", lines[end]):
            end += 1
        while end > start and not lines[end - 1].strip():
            end -= 1
        size = sum(1 for line in lines[start:end] if line.strip())
        if size:
            bodies.append(_Body(match.group(1), start, end, size))
    return bodies


def _scaffold_python(code: str, level: float, todo: list[str]) -> str | None:
    lines = code.splitlines()
    bodies = _python_bodies(lines)
    if not bodies:
        return None
    ranked = sorted(bodies, key=lambda b: (b.name != "solve", -b.size, b.start))
    chosen = sorted(ranked[: _blank_count(len(bodies), level)], key=lambda b: b.start, reverse=True)
    for body in chosen:
        first = next(line for line in lines[body.start : body.end] if line.strip())
        indent = first[: len(first) - len(first.lstrip())] or "    "
        block = [f"{indent}# {line}" for line in todo] + [f"{indent}{STUB['python']}"]
        lines[body.start : body.end] = block
    return "\n".join(lines) + "\n"


# --- Java and C++ ------------------------------------------------------------------------------
_SKIP = re.compile(r'"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|//[^\n]*|/\*.*?\*/', re.S)


def _masked(code: str) -> str:
    """The code with strings, chars and comments blanked, so braces and names can be scanned."""
    return _SKIP.sub(lambda m: " " * len(m.group(0)), code)


_JAVA_MEMBER_HEAD = re.compile(r"(\w+)\s*\([^()]*\)\s*(?:throws\s+[\w.,\s]+)?$")


def _java_bodies(code: str) -> list[_Body]:
    """Bodies of the methods and constructors of top-level classes (brace depth 1 → 2), but main."""
    masked = _masked(code)
    bodies: list[_Body] = []
    depth = 0
    member: tuple[int, str] | None = None
    for pos, char in enumerate(masked):
        if char == "{":
            depth += 1
            if depth == 2:
                head = _JAVA_MEMBER_HEAD.search(masked[:pos].rstrip())
                member = (pos, head.group(1)) if head else None
        elif char == "}":
            if depth == 2 and member is not None:
                start, name = member
                # Constructors (capitalised, by Java convention) stay: blanking one leaves final
                # fields unassigned, which does not compile.
                if name != "main" and not name[:1].isupper():
                    bodies.append(_Body(name, start + 1, pos, pos - start))
                member = None
            depth -= 1
    return bodies


def _replace_bodies(code: str, bodies: list[_Body], block: str) -> str:
    for body in sorted(bodies, key=lambda b: b.start, reverse=True):
        code = code[: body.start] + block + code[body.end :]
    return code


def _block(language: str, todo: list[str], indent: str) -> str:
    token = COMMENT[language]
    return (
        "\n"
        + "".join(f"{indent}{token} {line}\n" for line in todo)
        + f"{indent}{STUB[language]}\n"
        + indent[:-4]
    )


def _scaffold_java(code: str, level: float, todo: list[str]) -> str | None:
    bodies = _java_bodies(code)
    if not bodies:
        return None
    ranked = sorted(bodies, key=lambda b: (-b.size, b.start))
    return _replace_bodies(code, ranked[: _blank_count(len(bodies), level)], _block("java", todo, " " * 8))


def _scaffold_cpp(code: str, level: float, todo: list[str]) -> str | None:
    """Only `solve` is blanked: the first definition whose `)` is followed by `{`."""
    masked = _masked(code)
    match = re.search(r"\bsolve\s*\([^()]*\)\s*(?:const\s*)?\{", masked)
    if match is None:
        return None
    open_at = match.end() - 1
    depth = 0
    for pos in range(open_at, len(masked)):
        depth += {"{": 1, "}": -1}.get(masked[pos], 0)
        if depth == 0:
            return _replace_bodies(code, [_Body("solve", open_at + 1, pos, 0)], _block("cpp", todo, " " * 4))
    return None


def scaffold(language: str, reference: str, starter: str, pedagogy: Pedagogy, topics: tuple[str, ...]) -> str:
    """The guided starter for a verified draft: its reference with key bodies blanked (SQL: the
    draft's starter query under the TODO block)."""
    todo = todo_lines(pedagogy, topics)
    level = level_of(pedagogy)
    if language == "sql":
        return "".join(f"-- {line}\n" for line in todo) + (starter.strip() or "SELECT 1;") + "\n"
    if BEGIN in reference:
        return starter
    builders = {"python": _scaffold_python, "java": _scaffold_java, "cpp": _scaffold_cpp}
    return builders[language](reference, level, todo) or starter
