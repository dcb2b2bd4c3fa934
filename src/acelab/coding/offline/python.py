"""Offline Python problems: each template is one PythonTemplate (see base.py for the framework).

A template's `body` is the body of the reference `solve`, written with a single exit: its last
line is `return <expr>` and no other `return` belongs to solve itself (nested helpers may
return). The renderer turns that line into a print for the stdout style and into a print plus
return for the mixed style, so all the logic stays inside solve (guided mode blanks solve's body,
codemm.md §10.8, and must not leave the answer in a helper).
"""

from __future__ import annotations

import itertools
import math
import random
import re
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from acelab.coding.generation.slots import PROBLEM_STYLES
from acelab.coding.offline.base import Args, Case, Params, Problem, Rendering, examples, fill, pick

_LAST_RETURN = re.compile(r"^    return (.+)$")


def _arg_names(signature: str) -> list[str]:
    names, depth, current = [], 0, ""
    for ch in signature + ",":
        depth += (ch in "[(") - (ch in "])")
        if ch == "," and depth == 0:
            names.append(current.split(":")[0].strip())
            current = ""
        else:
            current += ch
    return [n for n in names if n]


def _call(args: Args) -> str:
    return ", ".join(repr(a) for a in args)


@dataclass(frozen=True, slots=True)
class PythonTemplate:
    problem: Problem
    signature: str  # solve's parameters, e.g. "prices: list[int], budget: int"
    returns: str  # solve's return annotation in the return and mixed styles
    body: str  # solve's body (4-space indent), `$params` substituted; ends with `return <expr>`
    imports: str = ""
    printer: str = "result"  # what the reference prints, as an expression over `result`
    default: str = "0"  # what the starter returns
    styles: tuple[str, ...] = PROBLEM_STYLES

    def render(self, params: Params, style: str, cases: Sequence[Case]) -> Rendering:
        problem = self.problem
        answer = fill(problem.answer, params)
        shown_cases = examples(problem, cases)
        first = shown_cases[0]
        shown = problem.show(first.expected)
        task, example = {
            "return": (f"returns {answer}", f"returns `{first.expected!r}`"),
            "stdout": (f"prints {answer} {problem.printed} and returns nothing", f"prints:\n\n{shown}"),
            "mixed": (
                f"returns {answer} and also prints it {problem.printed}",
                f"returns `{first.expected!r}` and prints:\n\n{shown}",
            ),
        }[style]
        description = (
            f"{fill(problem.statement, params)}\n\n"
            f"Implement `solve({', '.join(_arg_names(self.signature))})`, which {task}.\n\n"
            f"Example: `solve({_call(first.args)})` {example}"
        )
        return Rendering(
            description=description,
            starter_code=self._starter(style, answer),
            reference_solution=self.reference(params, style),
            test_suite=_suite(style, cases, problem.show),
            sample_inputs=[_call(c.args) for c in cases[:2]],
            sample_outputs=[
                problem.show(c.expected) if style == "stdout" else repr(c.expected) for c in cases[:2]
            ],
        )

    def _header(self, style: str) -> str:
        return f"def solve({self.signature}) -> {'None' if style == 'stdout' else self.returns}:"

    def _starter(self, style: str, answer: str) -> str:
        if style == "stdout":
            return f"{self._header(style)}\n    # TODO: print {answer}.\n    pass\n"
        return f"{self._header(style)}\n    # TODO: compute {answer}.\n    return {self.default}\n"

    def reference(self, params: Params, style: str) -> str:
        """The reference solution for the style (tests also run it in-process against the oracle)."""
        lines = fill(self.body, params).strip("\n").split("\n")
        last = _LAST_RETURN.match(lines[-1])
        if last is None:
            raise ValueError(f"{self.problem.slug}: the body must end with `return <expr>`")
        if style != "return":
            printed = [f"    result = {last.group(1)}", f"    print({self.printer})"]
            lines[-1:] = printed + (["    return result"] if style == "mixed" else [])
        imports = f"{self.imports.strip()}\n\n\n" if self.imports.strip() else ""
        return f"{imports}{self._header(style)}\n" + "\n".join(lines) + "\n"


def _suite(style: str, cases: Sequence[Case], show: Callable[[Any], str]) -> str:
    tests = []
    for i, case in enumerate(cases, 1):
        call = f"solve({_call(case.args)})"
        if style == "return":
            tests.append(f"def test_case_{i}():\n    assert {call} == {case.expected!r}\n")
            continue
        first = f"assert {call} == {case.expected!r}" if style == "mixed" else call
        out = f"{show(case.expected)}\n"
        tests.append(
            f"def test_case_{i}(capsys):\n    {first}\n    captured = capsys.readouterr()\n"
            f"    assert captured.out == {out!r}\n"
        )
    return "import pytest\nfrom solution import solve\n\n\n" + "\n\n".join(tests)


def _ints(rng: random.Random, n: int, lo: int, hi: int) -> list[int]:
    return [rng.randint(lo, hi) for _ in range(n)]


def _spaced(values: list[int]) -> str:
    return " ".join(map(str, values))


# ---- arrays ---------------------------------------------------------------------------------


def _spikes_inputs(rng: random.Random, p: Params) -> list[Args]:
    limit = p["limit"]
    rising = sorted(_ints(rng, 6, limit - 5, limit + 9))
    flat = [limit + 3] * rng.randint(2, 5)
    cases: list[Args] = [([],), ([limit + 1],), ([limit],), (rising,), (flat,)]
    cases += [(_ints(rng, rng.randint(6, 15), limit - 15, limit + 15),) for _ in range(3)]
    return cases


def _spikes_oracle(p: Params, readings: list[int]) -> int:
    return sum(1 for i, v in enumerate(readings) if v > p["limit"] and (i == 0 or v > readings[i - 1]))


SPIKES = PythonTemplate(
    problem=Problem(
        slug="sensor-spikes",
        title="Spikes on the $device",
        topics=("arrays", "array", "list", "loops", "iteration"),
        difficulty="easy",
        statement=(
            "A $device logs one integer reading per minute in the list `readings`. A reading is a "
            "*spike* when it is strictly greater than $limit and strictly greater than the reading "
            "just before it. The first reading has no predecessor, so it is a spike whenever it is "
            "greater than $limit."
        ),
        answer="the number of spikes",
        params=lambda rng: {
            "device": rng.choice(["river gauge", "noise meter", "greenhouse thermometer", "wind sensor"]),
            "limit": rng.randint(20, 60),
        },
        inputs=_spikes_inputs,
        oracle=_spikes_oracle,
    ),
    signature="readings: list[int]",
    returns="int",
    body="""
    count = 0
    previous = None
    for value in readings:
        if value > $limit and (previous is None or value > previous):
            count += 1
        previous = value
    return count
""",
)


def _balance_inputs(rng: random.Random, p: Params) -> list[Args]:
    def balanced() -> list[int]:
        left = _ints(rng, rng.randint(1, 6), -9, 9)
        right = _ints(rng, rng.randint(1, 5), -9, 9)
        right.append(sum(left) - sum(right))
        return [*left, rng.randint(-9, 9), *right]

    cases: list[Args] = [([],), ([rng.randint(-9, 9)],), ([1, 2],), ([0, 0, 0],)]
    cases += [(balanced(),) for _ in range(2)]
    cases += [(_ints(rng, rng.randint(5, 12), -9, 9),) for _ in range(2)]
    return cases


def _balance_oracle(p: Params, values: list[int]) -> int:
    return next((i for i in range(len(values)) if sum(values[:i]) == sum(values[i + 1 :])), -1)


BALANCE = PythonTemplate(
    problem=Problem(
        slug="balance-point",
        title="Balance Point of the $route",
        topics=("arrays", "array", "prefix sum", "prefix sums"),
        difficulty="medium",
        statement=(
            "The list `values` holds the $quantity of each section of a $route, in order (values may "
            "be negative). A *balance point* is an index `i` where the total of the sections strictly "
            "before `i` equals the total of the sections strictly after `i` (an empty side totals 0). "
            "Aim for a single pass after computing the overall total."
        ),
        answer="the smallest balance point, or -1 when there is none",
        params=lambda rng: pick(
            rng,
            ("route", "quantity"),
            [("hiking trail", "elevation change"), ("conveyor belt", "load"), ("bookshelf", "weight")],
        ),
        inputs=_balance_inputs,
        oracle=_balance_oracle,
    ),
    signature="values: list[int]",
    returns="int",
    body="""
    total = sum(values)
    before = 0
    answer = -1
    for i, value in enumerate(values):
        if before == total - before - value:
            answer = i
            break
        before += value
    return answer
""",
)

# ---- strings --------------------------------------------------------------------------------


def _runs_inputs(rng: random.Random, p: Params) -> list[Args]:
    def runs() -> str:
        return "".join(rng.choice("abc") * rng.randint(1, 4) for _ in range(rng.randint(3, 7)))

    return [
        ("",),
        ("a",),
        ("abc",),
        ("aaaa",),
        ("z" * rng.randint(10, 14) + "y",),
        (runs(),),
        (runs(),),
        (runs(),),
    ]


def _runs_oracle(p: Params, text: str) -> str:
    parts = []
    for letter, group in itertools.groupby(text):
        n = len(list(group))
        parts.append(letter if n == 1 else (f"{n}{letter}" if p["count_first"] else f"{letter}{n}"))
    return "".join(parts)


def _runs_params(rng: random.Random) -> Params:
    count_first = rng.random() < 0.5
    return {
        "count_first": count_first,
        "thing": rng.choice(["knitting pattern", "row of pixels", "drum track", "tile floor"]),
        "form": "the run length followed by the letter"
        if count_first
        else "the letter followed by the run length",
        "example": "3a" if count_first else "a3",
        "piece": "str(count) + letter" if count_first else "letter + str(count)",
    }


RUNS = PythonTemplate(
    problem=Problem(
        slug="run-shortener",
        title="Shorten the $thing",
        topics=("strings", "string", "run length", "compression"),
        difficulty="easy",
        statement=(
            "A $thing is stored as a string `text` of lowercase letters. Shorten it by writing each "
            "maximal run of equal letters as $form (so `aaa` becomes `$example`); a run of length 1 "
            "is written as the letter alone. Runs can be longer than 9."
        ),
        answer="the shortened string",
        params=_runs_params,
        inputs=_runs_inputs,
        oracle=_runs_oracle,
    ),
    signature="text: str",
    returns="str",
    default='""',
    body="""
    parts = []
    i = 0
    while i < len(text):
        j = i
        while j < len(text) and text[j] == text[i]:
            j += 1
        letter, count = text[i], j - i
        parts.append(letter if count == 1 else $piece)
        i = j
    return "".join(parts)
""",
)

_BRACKETS = {"(": ")", "[": "]", "{": "}", "<": ">"}


def _nested(rng: random.Random, opens: str, size: int) -> str:
    if size <= 0:
        return ""
    inner = rng.randint(0, size - 1)
    o = rng.choice(opens)
    return o + _nested(rng, opens, inner) + _BRACKETS[o] + _nested(rng, opens, size - 1 - inner)


def _brackets_inputs(rng: random.Random, p: Params) -> list[Args]:
    opens = p["opens"]
    good = [_nested(rng, opens, rng.randint(3, 7)) for _ in range(5)]
    swapped = good[1].replace(_BRACKETS[opens[0]], _BRACKETS[opens[1]], 1)
    return [
        ("",),
        (good[0],),
        (swapped,),
        (good[2][:-1],),
        (_BRACKETS[opens[-1]] + good[3],),
        (good[4] + opens[0] + opens[-1],),
        (good[0] + _BRACKETS[opens[0]],),
        (_nested(rng, opens, 2) + opens[1],),
    ]


def _brackets_oracle(p: Params, text: str) -> int:
    stack: list[str] = []
    for i, ch in enumerate(text):
        if ch in _BRACKETS:
            stack.append(_BRACKETS[ch])
        elif not stack or stack.pop() != ch:
            return i
    return len(text) if stack else -1


def _brackets_params(rng: random.Random) -> Params:
    opens = "".join(rng.sample("([{<", rng.choice([2, 3])))
    return {
        "opens": opens,
        "kinds": ", ".join(f"`{o}{_BRACKETS[o]}`" for o in opens),
        "closers": repr({_BRACKETS[o]: o for o in opens}),
        "tool": rng.choice(["template engine", "config linter", "markup checker", "formula editor"]),
    }


BRACKETS = PythonTemplate(
    problem=Problem(
        slug="first-bad-bracket",
        title="Where the $tool Gets Lost",
        topics=("strings", "string", "stack", "brackets", "parsing"),
        difficulty="medium",
        statement=(
            "A $tool accepts strings `text` made only of the bracket pairs $kinds. A string is well "
            "nested when every closing bracket closes the most recent still-open bracket of the same "
            "kind and nothing stays open. Find the 0-based index of the first closing bracket that "
            "has nothing to close or does not match the most recent open bracket. If there is no "
            "such bracket but some brackets stay open, the answer is the length of `text`; for a "
            "well-nested string it is -1."
        ),
        answer="that index (or the length, or -1)",
        params=_brackets_params,
        inputs=_brackets_inputs,
        oracle=_brackets_oracle,
    ),
    signature="text: str",
    returns="int",
    body="""
    closers = $closers
    stack = []
    answer = -1
    for i, ch in enumerate(text):
        if ch in closers:
            if not stack or stack[-1] != closers[ch]:
                answer = i
                break
            stack.pop()
        else:
            stack.append(ch)
    if answer == -1 and stack:
        answer = len(text)
    return answer
""",
)


def _window_inputs(rng: random.Random, p: Params) -> list[Args]:
    def playlist(n: int, letters: str) -> str:
        return "".join(rng.choice(letters) for _ in range(n))

    return [
        ("", 2),
        ("aaaa", 1),
        ("abcabc", 3),
        ("abcd", 1),
        (playlist(12, "abc"), 2),
        (playlist(15, "abcd"), 2),
        (playlist(18, "abcde"), 3),
        (playlist(10, "ab"), 0),
    ]


def _window_oracle(p: Params, playlist: str, k: int) -> int:
    n = len(playlist)
    return max((j - i for i in range(n) for j in range(i, n + 1) if len(set(playlist[i:j])) <= k), default=0)


DISTINCT_WINDOW = PythonTemplate(
    problem=Problem(
        slug="longest-calm-stretch",
        title="Longest $mood Stretch",
        topics=("strings", "string", "sliding window", "two pointer", "hash"),
        difficulty="hard",
        statement=(
            "A $service describes a $item as a string `playlist` in which each letter is the genre "
            "of one track. A stretch of consecutive tracks feels $mood when it uses at most `k` "
            "different genres. Aim for a single left-to-right pass that keeps a count per genre "
            "(the input can be long)."
        ),
        answer="the length of the longest such stretch (0 when there is none)",
        params=lambda rng: {
            "service": rng.choice(["radio station", "music app", "gym sound system"]),
            "item": rng.choice(["playlist", "broadcast", "mix"]),
            "mood": rng.choice(["calm", "steady", "focused"]),
        },
        inputs=_window_inputs,
        oracle=_window_oracle,
    ),
    signature="playlist: str, k: int",
    returns="int",
    body="""
    counts = {}
    left = 0
    best = 0
    for right, genre in enumerate(playlist):
        counts[genre] = counts.get(genre, 0) + 1
        while len(counts) > k:
            first = playlist[left]
            counts[first] -= 1
            if counts[first] == 0:
                del counts[first]
            left += 1
        best = max(best, right - left + 1)
    return best
""",
)

# ---- hashing --------------------------------------------------------------------------------


def _codes(rng: random.Random, n: int) -> list[str]:
    pool = sorted({rng.choice(string.ascii_uppercase) + str(rng.randint(10, 99)) for _ in range(3 * n)})
    return rng.sample(pool, min(n, len(pool)))


def _repeat_inputs(rng: random.Random, p: Params) -> list[Args]:
    unique = _codes(rng, 6)
    a, b, c = _codes(rng, 3)
    cases: list[Args] = [([],), ([a],), (unique,), ([a, b, b, a],), ([a, b, c, a, b],), ([c, c],)]
    for _ in range(2):
        log = _codes(rng, 8)
        log.insert(rng.randint(2, 8), rng.choice(log[:2]))
        cases.append((log,))
    return cases


def _repeat_oracle(p: Params, codes: list[str]) -> str:
    return next((c for i, c in enumerate(codes) if c in codes[:i]), p["none"])


REPEAT = PythonTemplate(
    problem=Problem(
        slug="first-repeat",
        title="First Repeated $Thing",
        topics=("hashing", "hash", "set", "dictionary", "dict"),
        difficulty="easy",
        statement=(
            "A gate records $things in `codes`, in order. Going through the log from the start, find "
            "the first entry whose $thing already appeared earlier in the log. If every $thing is "
            'different, the answer is the text "$none". Use a set so each entry is checked in '
            "constant time."
        ),
        answer="that $thing",
        params=lambda rng: {
            **pick(
                rng,
                ("things", "thing", "Thing"),
                [
                    ("ticket scans", "ticket code", "Ticket Code"),
                    ("badge taps", "badge id", "Badge"),
                    ("parcel scans", "tracking code", "Parcel"),
                ],
            ),
            "none": rng.choice(["none", "-", "all unique"]),
        },
        inputs=_repeat_inputs,
        oracle=_repeat_oracle,
    ),
    signature="codes: list[str]",
    returns="str",
    default='""',
    body="""
    seen = set()
    answer = "$none"
    for code in codes:
        if code in seen:
            answer = code
            break
        seen.add(code)
    return answer
""",
)


def _target_inputs(rng: random.Random, p: Params) -> list[Args]:
    cases: list[Args] = [([], 0), ([3], 3), ([0, 0, 0], 0), ([1, -1, 1, -1], 0)]
    cases += [(_ints(rng, rng.randint(8, 20), -4, 6), rng.randint(-3, 8)) for _ in range(4)]
    return cases


def _target_oracle(p: Params, changes: list[int], target: int) -> int:
    n = len(changes)
    return sum(1 for i in range(n) for j in range(i + 1, n + 1) if sum(changes[i:j]) == target)


SEGMENT_TARGET = PythonTemplate(
    problem=Problem(
        slug="stretches-on-target",
        title="Stretches That Hit the Target at the $place",
        topics=("hashing", "hash", "dictionary", "prefix sum", "arrays"),
        difficulty="medium",
        statement=(
            "The $place logs its net change per day in `changes` (positive or negative integers). "
            "Count the stretches of one or more consecutive days whose changes add up to exactly "
            "`target`. Aim for one pass with a dictionary of running totals seen so far."
        ),
        answer="the number of such stretches",
        params=lambda rng: {
            "place": rng.choice(["bike-share dock", "café till", "water tank", "parking garage"])
        },
        inputs=_target_inputs,
        oracle=_target_oracle,
    ),
    signature="changes: list[int], target: int",
    returns="int",
    body="""
    seen = {0: 1}
    running = 0
    count = 0
    for change in changes:
        running += change
        count += seen.get(running - target, 0)
        seen[running] = seen.get(running, 0) + 1
    return count
""",
)


def _consecutive_inputs(rng: random.Random, p: Params) -> list[Args]:
    def scattered() -> list[int]:
        start = rng.randint(100, 200)
        run = list(range(start, start + rng.randint(3, 7)))
        noise = _ints(rng, rng.randint(3, 8), 80, 220)
        values = run + noise + rng.sample(run, 2)
        rng.shuffle(values)
        return values

    cases: list[Args] = [([],), ([7],), ([3, 3, 3],), ([10, 5, 12, 3, 11, 4, 13],), ([2, 4, 6],)]
    cases += [(scattered(),) for _ in range(3)]
    return cases


def _consecutive_oracle(p: Params, ids: list[int]) -> int:
    best = run = 0
    previous = None
    for value in sorted(set(ids)):
        run = run + 1 if previous is not None and value == previous + 1 else 1
        best, previous = max(best, run), value
    return best


CONSECUTIVE = PythonTemplate(
    problem=Problem(
        slug="longest-consecutive-run",
        title="Longest Unbroken Run of $Things",
        topics=("hashing", "hash", "set", "arrays"),
        difficulty="hard",
        statement=(
            "The list `ids` holds $thing numbers in no particular order, possibly with repeats. Find "
            "the longest run of consecutive integers that are all present (for example 4, 5, 6, 7 "
            "is a run of 4). Sorting would take O(n log n); do it in O(n) with a set, starting to "
            "count only at numbers whose predecessor is missing."
        ),
        answer="the length of the longest run (0 for an empty list)",
        params=lambda rng: pick(
            rng,
            ("thing", "Things"),
            [("seat", "Seats"), ("locker", "Lockers"), ("ticket", "Tickets")],
        ),
        inputs=_consecutive_inputs,
        oracle=_consecutive_oracle,
    ),
    signature="ids: list[int]",
    returns="int",
    body="""
    present = set(ids)
    best = 0
    for value in present:
        if value - 1 not in present:
            length = 1
            while value + length in present:
                length += 1
            best = max(best, length)
    return best
""",
)

# ---- recursion ------------------------------------------------------------------------------


def _fold_inputs(rng: random.Random, p: Params) -> list[Args]:
    base = p["base"]
    return [
        (0,),
        (base - 1,),
        (base,),
        (base * base - 1,),
        (rng.randint(base**2, base**4),),
        (rng.randint(10**6, 10**9),),
        (rng.randint(10**12, 10**15),),
        ((base - 1) * (base**20 - 1) // (base - 1),),
    ]


def _fold_oracle(p: Params, n: int) -> int:
    base, folds = p["base"], 0
    while n >= base:
        digits = []
        while n:
            n, d = divmod(n, base)
            digits.append(d)
        n, folds = sum(digits), folds + 1
    return folds


FOLDS = PythonTemplate(
    problem=Problem(
        slug="checksum-folds",
        title="Folding $device Checksums in Base $base",
        topics=("recursion", "recursive", "digits", "math"),
        difficulty="easy",
        statement=(
            "A $device folds a non-negative checksum `n`: while the number has more than one digit "
            "when written in base $base, it is replaced by the sum of its base-$base digits. Write "
            "the folding recursively: a number with one digit needs 0 folds, any other number needs "
            "one fold more than the sum of its digits."
        ),
        answer="the number of folds needed",
        params=lambda rng: {
            "base": rng.choice([10, 8, 5, 16]),
            "device": rng.choice(["barcode scanner", "ticket printer", "smart meter"]),
        },
        inputs=_fold_inputs,
        oracle=_fold_oracle,
    ),
    signature="n: int",
    returns="int",
    body="""
    def folds(value):
        if value < $base:
            return 0
        total = 0
        while value:
            total += value % $base
            value //= $base
        return 1 + folds(total)

    return folds(n)
""",
)


def _nested_list(rng: random.Random, depth: int) -> list[object]:
    items: list[object] = []
    for _ in range(rng.randint(0, 4)):
        if depth < 4 and rng.random() < 0.35:
            items.append(_nested_list(rng, depth + 1))
        else:
            items.append(rng.randint(-5, 9))
    return items


def _weighted_inputs(rng: random.Random, p: Params) -> list[Args]:
    cases: list[Args] = [([],), ([4, -2],), ([[[]]],), ([1, [2, [3]]],)]
    cases += [(_nested_list(rng, 1),) for _ in range(4)]
    return cases


def _weighted_oracle(p: Params, nested: list[object]) -> int:
    total, stack = 0, [(nested, 1)]
    while stack:
        items, depth = stack.pop()
        for item in items:
            if isinstance(item, list):
                stack.append((item, depth + 1))
            else:
                assert isinstance(item, int)
                total += item * depth
    return total


WEIGHTED_SUM = PythonTemplate(
    problem=Problem(
        slug="depth-weighted-total",
        title="Weighing the $structure",
        topics=("recursion", "recursive", "nested", "trees"),
        difficulty="medium",
        statement=(
            "A $structure is described by a nested list `nested`: each element is an integer or "
            "another nested list. An integer inside the outer list counts once, an integer one list "
            "deeper counts twice, and in general an integer at depth d counts d times (the outer "
            "list is depth 1). Solve it recursively, passing the depth down."
        ),
        answer="the weighted total",
        params=lambda rng: {"structure": rng.choice(["folder tree", "org chart", "bill of materials"])},
        inputs=_weighted_inputs,
        oracle=_weighted_oracle,
    ),
    signature="nested: list",
    returns="int",
    body="""
    def total(items, depth):
        result = 0
        for item in items:
            if isinstance(item, list):
                result += total(item, depth + 1)
            else:
                result += item * depth
        return result

    return total(nested, 1)
""",
)


def _signs_inputs(rng: random.Random, p: Params) -> list[Args]:
    def digits(n: int) -> str:
        return "".join(rng.choice("123456789") for _ in range(n))

    reachable = digits(6)
    return [
        ("5", 5),
        ("5", 4),
        ("123", 6),
        ("105", 5),
        ("1111", 0),
        (reachable, int(reachable[:2]) - sum(map(int, reachable[2:]))),
        (digits(7), rng.randint(-20, 40)),
        ("12345678", rng.choice([0, 9, 18, 36])),
    ]


def _signs_oracle(p: Params, digits: str, target: int) -> int:
    count = 0
    for seps in itertools.product(("", "+", "-"), repeat=len(digits) - 1):
        expression = digits[0] + "".join(s + d for s, d in zip(seps, digits[1:], strict=True))
        terms = re.findall(r"[+-]?\d+", expression)
        count += sum(int(t) for t in terms) == target
    return count


SIGNS = PythonTemplate(
    problem=Problem(
        slug="sign-placements",
        title="Signs for the $puzzle",
        topics=("recursion", "recursive", "backtracking", "strings"),
        difficulty="hard",
        statement=(
            "The $puzzle gives a string `digits`. Between every two neighbouring digits you place "
            "`+`, `-` or nothing (nothing joins the digits into one longer number; leading zeros "
            "are allowed, so `05` is 5). The first number has no sign. Count the placements whose "
            "expression equals `target`. Explore the choices recursively: at each position, take "
            "the next number of 1, 2, ... digits and recurse with it added or subtracted."
        ),
        answer="the number of such placements",
        params=lambda rng: {
            "puzzle": rng.choice(["newspaper puzzle", "escape room lock", "quiz show round"])
        },
        inputs=_signs_inputs,
        oracle=_signs_oracle,
    ),
    signature="digits: str, target: int",
    returns="int",
    body="""
    def count(pos, total):
        if pos == len(digits):
            return 1 if total == target else 0
        ways = 0
        for end in range(pos + 1, len(digits) + 1):
            number = int(digits[pos:end])
            ways += count(end, total + number)
            if pos > 0:
                ways += count(end, total - number)
        return ways

    return count(0, 0)
""",
)

# ---- sorting --------------------------------------------------------------------------------

_NAMES = ("Ada", "Bo", "Cleo", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jun", "Kai", "Lea", "Mo", "Nia")


def _board_inputs(rng: random.Random, p: Params) -> list[Args]:
    def entries(n: int) -> list[tuple[str, int, int]]:
        return [(name, rng.randint(0, 12), rng.choice([15, 20, 25, 30])) for name in rng.sample(_NAMES, n)]

    low = p["min_points"] - 1
    cases: list[Args] = [([],), ([("Zed", low, 10)],), ([("Bo", 9, 20), ("Ada", 9, 20), ("Cy", 9, 15)],)]
    cases += [(entries(rng.randint(4, 9)),) for _ in range(5)]
    return cases


def _board_oracle(p: Params, entries: list[tuple[str, int, int]]) -> list[str]:
    kept = [e for e in entries if e[1] >= p["min_points"]]
    kept.sort(key=lambda e: e[0])
    kept.sort(key=lambda e: e[2])
    kept.sort(key=lambda e: e[1], reverse=True)
    return [e[0] for e in kept]


LEADERBOARD = PythonTemplate(
    problem=Problem(
        slug="leaderboard",
        title="The $event Leaderboard",
        topics=("sorting", "sort", "tuples", "lambda"),
        difficulty="medium",
        statement=(
            "Each entry of `entries` is `(name, points, minutes)` for one participant of the $event. "
            "Only participants with at least $min_points points make the leaderboard. Order them by "
            "points (highest first), then by minutes (fewest first), then by name (alphabetically)."
        ),
        answer="the names in leaderboard order",
        params=lambda rng: {
            "event": rng.choice(["puzzle hunt", "hackathon", "quiz night", "orienteering race"]),
            "min_points": rng.randint(2, 5),
        },
        inputs=_board_inputs,
        oracle=_board_oracle,
        show="\n".join,
        printed="one name per line (an empty line when nobody qualifies)",
    ),
    signature="entries: list[tuple[str, int, int]]",
    returns="list[str]",
    default="[]",
    printer='"\\n".join(result)',
    body="""
    qualified = [e for e in entries if e[1] >= $min_points]
    ranked = sorted(qualified, key=lambda e: (-e[1], e[2], e[0]))
    return [name for name, _, _ in ranked]
""",
)


def _podium_inputs(rng: random.Random, p: Params) -> list[Args]:
    cap = p["cap"]
    cases: list[Args] = [([],), ([cap + 5],), ([cap, cap, cap],), ([1, 2],)]
    cases += [(_ints(rng, rng.randint(5, 14), 0, cap + 20),) for _ in range(4)]
    return cases


def _podium_oracle(p: Params, scores: list[int]) -> list[int]:
    remaining = {s for s in scores if s <= p["cap"]}
    top: list[int] = []
    while remaining and len(top) < p["k"]:
        best = max(remaining)
        top.append(best)
        remaining.discard(best)
    return top


PODIUM = PythonTemplate(
    problem=Problem(
        slug="top-distinct-scores",
        title="Top $k Scores of the $contest",
        topics=("sorting", "sort", "set", "arrays"),
        difficulty="easy",
        statement=(
            "The $contest records every attempt's score in `scores`. Scores above $cap are typing "
            "mistakes and are ignored. The podium shows the $k highest *different* valid scores, "
            "highest first; with fewer different valid scores it shows all of them."
        ),
        answer="the podium scores",
        params=lambda rng: {
            "contest": rng.choice(["high-jump contest", "spelling bee", "pinball tournament"]),
            "k": rng.randint(2, 4),
            "cap": rng.choice([50, 80, 100]),
        },
        inputs=_podium_inputs,
        oracle=_podium_oracle,
        show=_spaced,
        printed="as numbers separated by single spaces (an empty line when there are none)",
    ),
    signature="scores: list[int]",
    returns="list[int]",
    default="[]",
    printer='" ".join(map(str, result))',
    body="""
    valid = {score for score in scores if score <= $cap}
    return sorted(valid, reverse=True)[:$k]
""",
)


def _bookings_inputs(rng: random.Random, p: Params) -> list[Args]:
    def bookings(n: int) -> list[tuple[int, int]]:
        out = []
        for _ in range(n):
            start = rng.randint(8, 18)
            out.append((start, start + rng.randint(1, 4)))
        return out

    cases: list[Args] = [([],), ([(9, 10)],), ([(9, 11), (11, 12)],), ([(9, 12), (10, 11), (10, 12)],)]
    cases += [(bookings(rng.randint(4, 10)),) for _ in range(4)]
    return cases


def _bookings_oracle(p: Params, bookings: list[tuple[int, int]]) -> list[int]:
    best, moment = 0, 0
    for t in sorted({s for s, _ in bookings}):
        active = sum(1 for s, e in bookings if s <= t < e)
        if active > best:
            best, moment = active, t
    return [best, moment]


PEAK_BOOKINGS = PythonTemplate(
    problem=Problem(
        slug="peak-bookings",
        title="Busiest Hour at the $venue",
        topics=("sorting", "sort", "intervals", "sweep line", "greedy"),
        difficulty="hard",
        statement=(
            "The $venue stores bookings in `bookings` as `(start, end)` hours; a booking occupies "
            "a $room from `start` up to but not including `end`, so a booking ending at 11 and one "
            "starting at 11 never overlap. Find the largest number of $rooms in use at the same "
            "time and the earliest hour at which that number is reached (`[0, 0]` when there are "
            "no bookings). Sort the start and end events instead of checking every hour."
        ),
        answer="`[most_in_use, earliest_hour]`",
        params=lambda rng: pick(
            rng,
            ("venue", "room", "rooms"),
            [
                ("co-working space", "desk", "desks"),
                ("climbing gym", "wall", "walls"),
                ("studio", "booth", "booths"),
            ],
        ),
        inputs=_bookings_inputs,
        oracle=_bookings_oracle,
        show=_spaced,
        printed="as the two numbers separated by a space",
    ),
    signature="bookings: list[tuple[int, int]]",
    returns="list[int]",
    default="[0, 0]",
    printer='" ".join(map(str, result))',
    body="""
    events = sorted([(start, 1) for start, _ in bookings] + [(end, -1) for _, end in bookings])
    best, moment, active = 0, 0, 0
    for time, delta in events:
        active += delta
        if active > best:
            best, moment = active, time
    return [best, moment]
""",
)

# ---- two pointers ---------------------------------------------------------------------------


def _mirror_inputs(rng: random.Random, p: Params) -> list[Args]:
    def noisy(chars: str) -> str:
        out = []
        for ch in chars:
            out.append(ch.upper() if rng.random() < 0.3 else ch)
            if rng.random() < 0.3:
                out.append(rng.choice(" -."))
        return "".join(out)

    def palindrome() -> str:
        half = "".join(rng.choice("abcxyz0123") for _ in range(rng.randint(2, 5)))
        return half + rng.choice(["", "q"]) + half[::-1]

    broken = palindrome()
    broken = broken[:-1] + ("m" if broken[-1] != "m" else "n")
    return [
        ("",),
        ("-",),
        ("ab",),
        (noisy(palindrome()),),
        (noisy(palindrome()),),
        (noisy(broken),),
        (noisy("".join(rng.choice("abcdef") for _ in range(7))) + "z",),
        ("Taco-Cat",),
    ]


def _mirror_oracle(p: Params, code: str) -> bool:
    kept = [c.lower() for c in code if c.isalnum()]
    return kept == kept[::-1]


MIRROR = PythonTemplate(
    problem=Problem(
        slug="mirror-code",
        title="Mirror-Safe $Thing",
        topics=("two pointers", "two pointer", "strings", "palindrome"),
        difficulty="easy",
        statement=(
            "A $thing `code` is *mirror-safe* when it reads the same forwards and backwards after "
            "ignoring every character that is not a letter or a digit and ignoring upper/lower "
            "case. Use two indices that walk towards each other instead of building a cleaned copy."
        ),
        answer="`True` when `code` is mirror-safe, otherwise `False`",
        params=lambda rng: pick(
            rng,
            ("thing", "Thing"),
            [("call sign", "Call Sign"), ("door code", "Door Code"), ("product code", "Product Code")],
        ),
        inputs=_mirror_inputs,
        oracle=_mirror_oracle,
    ),
    signature="code: str",
    returns="bool",
    default="False",
    body="""
    left, right = 0, len(code) - 1
    ok = True
    while left < right:
        if not code[left].isalnum():
            left += 1
        elif not code[right].isalnum():
            right -= 1
        elif code[left].lower() != code[right].lower():
            ok = False
            break
        else:
            left += 1
            right -= 1
    return ok
""",
)


def _pairs_inputs(rng: random.Random, p: Params) -> list[Args]:
    def prices(n: int) -> list[int]:
        return sorted(_ints(rng, n, 1, 40))

    cases: list[Args] = [([], 10), ([5], 10), ([3, 3], 6), ([4, 5], 8)]
    cases += [(prices(rng.randint(5, 14)), rng.randint(10, 50)) for _ in range(4)]
    return cases


def _pairs_oracle(p: Params, prices: list[int], budget: int) -> int:
    return sum(1 for i, j in itertools.combinations(range(len(prices)), 2) if prices[i] + prices[j] <= budget)


BUDGET_PAIRS = PythonTemplate(
    problem=Problem(
        slug="pairs-within-budget",
        title="Pairs Within Budget at the $shop",
        topics=("two pointers", "two pointer", "sorted", "arrays", "counting"),
        difficulty="medium",
        statement=(
            "The $shop lists its item prices in `prices`, sorted in non-decreasing order. Count the "
            "pairs of different items (positions i < j) whose prices add up to at most `budget`. "
            "Use one pointer at each end of the list: when the two ends fit the budget, every item "
            "between them pairs with the left one."
        ),
        answer="the number of such pairs",
        params=lambda rng: {"shop": rng.choice(["bakery", "bookshop", "plant nursery", "game store"])},
        inputs=_pairs_inputs,
        oracle=_pairs_oracle,
    ),
    signature="prices: list[int], budget: int",
    returns="int",
    body="""
    left, right = 0, len(prices) - 1
    count = 0
    while left < right:
        if prices[left] + prices[right] <= budget:
            count += right - left
            left += 1
        else:
            right -= 1
    return count
""",
)


def _water_inputs(rng: random.Random, p: Params) -> list[Args]:
    cases: list[Args] = [([],), ([3],), ([2, 0, 2],), ([1, 2, 3],), ([3, 0, 1, 0, 2],)]
    cases += [(_ints(rng, rng.randint(8, 20), 0, 9),) for _ in range(3)]
    return cases


def _water_oracle(p: Params, heights: list[int]) -> int:
    return sum(max(0, min(max(heights[: i + 1]), max(heights[i:])) - h) for i, h in enumerate(heights))


RAIN = PythonTemplate(
    problem=Problem(
        slug="terrace-rain",
        title="Rain on the $garden",
        topics=("two pointers", "two pointer", "arrays", "water"),
        difficulty="hard",
        statement=(
            "A $garden is a row of walls one unit wide; `heights` lists their heights from left to "
            "right. After heavy rain, water stays above a wall up to the lower of the tallest wall "
            "on its left and the tallest wall on its right (each including the wall itself). Use "
            "two pointers moving inwards with the best height seen from each side, in O(1) extra "
            "space."
        ),
        answer="the total units of water held",
        params=lambda rng: {"garden": rng.choice(["terraced garden", "rooftop planter", "rice terrace"])},
        inputs=_water_inputs,
        oracle=_water_oracle,
    ),
    signature="heights: list[int]",
    returns="int",
    body="""
    left, right = 0, len(heights) - 1
    best_left = best_right = 0
    water = 0
    while left < right:
        if heights[left] <= heights[right]:
            best_left = max(best_left, heights[left])
            water += best_left - heights[left]
            left += 1
        else:
            best_right = max(best_right, heights[right])
            water += best_right - heights[right]
            right -= 1
    return water
""",
)

# ---- dynamic programming --------------------------------------------------------------------


def _tiles_inputs(rng: random.Random, p: Params) -> list[Args]:
    k = p["k"]
    return [
        (0,),
        (1,),
        (k - 1,),
        (k,),
        (rng.randint(5, 9),),
        (rng.randint(10, 15),),
        (rng.randint(16, 22),),
        (30,),
    ]


def _tiles_oracle(p: Params, n: int) -> int:
    k = p["k"]
    # Choose how many long pieces (j) and where they go among the n - (k - 1) * j pieces.
    return sum(math.comb(n - (k - 1) * j, j) for j in range(n // k + 1))


TILES = PythonTemplate(
    problem=Problem(
        slug="tile-the-path",
        title="Ways to Pave the $path",
        topics=("dynamic programming", "dp", "counting", "tiling"),
        difficulty="easy",
        statement=(
            "A $path `n` units long is covered with $pieces of length 1 and of length $k, laid end "
            "to end without gaps or overlaps. Two coverings differ when the sequence of piece "
            "lengths differs. Count the coverings with a table where entry i is the number of ways "
            "to cover the first i units (there is exactly one way to cover nothing)."
        ),
        answer="the number of coverings",
        params=lambda rng: {
            **pick(
                rng,
                ("path", "pieces"),
                [("garden path", "slabs"), ("shelf", "boxes"), ("runway strip", "light panels")],
            ),
            "k": rng.choice([2, 3, 4]),
        },
        inputs=_tiles_inputs,
        oracle=_tiles_oracle,
    ),
    signature="n: int",
    returns="int",
    body="""
    ways = [1] + [0] * n
    for length in range(1, n + 1):
        ways[length] = ways[length - 1]
        if length >= $k:
            ways[length] += ways[length - $k]
    return ways[n]
""",
)


def _stamps_inputs(rng: random.Random, p: Params) -> list[Args]:
    def values() -> list[int]:
        return sorted(rng.sample(range(1, 13), rng.randint(2, 4)))

    cases: list[Args] = [([1, 2], 0), ([5], 3), ([2, 3], 7), ([1, 2, 5], 5)]
    cases += [(values(), rng.randint(10, 60)) for _ in range(4)]
    return cases


def _stamps_oracle(p: Params, values: list[int], amount: int) -> int:
    @cache
    def ways(i: int, left: int) -> int:
        if left == 0:
            return 1
        if i == len(values) or left < 0:
            return 0
        return ways(i, left - values[i]) + ways(i + 1, left)

    return ways(0, amount)


STAMPS = PythonTemplate(
    problem=Problem(
        slug="stamp-collections",
        title="Postage at the $office",
        topics=("dynamic programming", "dp", "counting", "coin change"),
        difficulty="medium",
        statement=(
            "The $office sells $items with the different values in `values`, with unlimited supply "
            "of each. Count the different collections of $items (the order does not matter) whose "
            "values add up to exactly `amount`; the empty collection makes 0. Build a table of the "
            "number of ways for every total from 0 to `amount`."
        ),
        answer="the number of collections",
        params=lambda rng: pick(
            rng,
            ("office", "items"),
            [("post office", "stamps"), ("arcade", "tokens"), ("ferry kiosk", "tickets")],
        ),
        inputs=_stamps_inputs,
        oracle=_stamps_oracle,
    ),
    signature="values: list[int], amount: int",
    returns="int",
    body="""
    ways = [1] + [0] * amount
    for value in values:
        for total in range(value, amount + 1):
            ways[total] += ways[total - value]
    return ways[amount]
""",
)


def _edit_inputs(rng: random.Random, p: Params) -> list[Args]:
    def word(lo: int, hi: int) -> str:
        return "".join(rng.choice("abcd") for _ in range(rng.randint(lo, hi)))

    cases: list[Args] = [("", ""), ("abc", ""), ("", "ab"), ("abc", "abc"), ("ab", "ba")]
    cases += [(word(3, 8), word(3, 8)) for _ in range(3)]
    return cases


def _edit_oracle(p: Params, source: str, target: str) -> int:
    @cache
    def cost(i: int, j: int) -> int:
        if i == len(source):
            return (len(target) - j) * int(p["insert"])
        if j == len(target):
            return (len(source) - i) * int(p["delete"])
        change = 0 if source[i] == target[j] else int(p["replace"])
        return min(
            cost(i + 1, j + 1) + change, cost(i + 1, j) + int(p["delete"]), cost(i, j + 1) + int(p["insert"])
        )

    return cost(0, 0)


EDIT_COST = PythonTemplate(
    problem=Problem(
        slug="weighted-edit-cost",
        title="Cheapest Fix for the $tool",
        topics=("dynamic programming", "dp", "strings", "edit distance"),
        difficulty="hard",
        statement=(
            "A $tool turns the word `source` into the word `target` one character at a time. "
            "Inserting a character costs $insert, deleting a character costs $delete and replacing a "
            "character by a different one costs $replace; keeping a matching character is free. "
            "Find the cheapest total cost with a table over prefixes of both words."
        ),
        answer="the cheapest total cost",
        params=lambda rng: {
            "tool": rng.choice(["spelling corrector", "subtitle aligner", "gene sequence editor"]),
            "insert": rng.randint(1, 4),
            "delete": rng.randint(1, 4),
            "replace": rng.randint(1, 6),
        },
        inputs=_edit_inputs,
        oracle=_edit_oracle,
    ),
    signature="source: str, target: str",
    returns="int",
    body="""
    rows, cols = len(source) + 1, len(target) + 1
    table = [[0] * cols for _ in range(rows)]
    for i in range(1, rows):
        table[i][0] = i * $delete
    for j in range(1, cols):
        table[0][j] = j * $insert
    for i in range(1, rows):
        for j in range(1, cols):
            change = 0 if source[i - 1] == target[j - 1] else $replace
            table[i][j] = min(
                table[i - 1][j - 1] + change,
                table[i - 1][j] + $delete,
                table[i][j - 1] + $insert,
            )
    return table[-1][-1]
""",
)

# ---- graphs ---------------------------------------------------------------------------------


def _links(rng: random.Random, n: int, count: int) -> list[list[int]]:
    return [rng.sample(range(n), 2) for _ in range(count)]


def _groups_inputs(rng: random.Random, p: Params) -> list[Args]:
    return [
        (1, []),
        (3, []),
        (3, [[0, 1], [1, 2]]),
        (4, [[0, 1], [2, 3], [1, 0]]),
        (6, _links(rng, 6, 3)),
        (8, _links(rng, 8, 5)),
        (10, _links(rng, 10, 6)),
        (12, _links(rng, 12, 12)),
    ]


def _groups_oracle(p: Params, n: int, links: list[list[int]]) -> int:
    parent = list(range(n))

    def root(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    for a, b in links:
        parent[root(a)] = root(b)
    return len({root(x) for x in range(n)})


GROUPS = PythonTemplate(
    problem=Problem(
        slug="count-groups",
        title="How Many Groups in the $community",
        topics=("graphs", "graph", "connected components", "dfs", "depth first"),
        difficulty="easy",
        statement=(
            "The $community has `n` $members numbered 0 to n-1. Each pair `[a, b]` in `links` means "
            "$members `a` and `b` $relation (in both directions; a pair may be listed twice). A "
            "group is a set of $members connected directly or through others. Count the groups: "
            "start a depth-first search from every $member not yet visited."
        ),
        answer="the number of groups",
        params=lambda rng: pick(
            rng,
            ("community", "members", "member", "relation"),
            [
                ("hiking club", "hikers", "hiker", "share rides"),
                ("office", "computers", "computer", "are cabled together"),
                ("island chain", "islands", "island", "have a ferry"),
            ],
        ),
        inputs=_groups_inputs,
        oracle=_groups_oracle,
    ),
    signature="n: int, links: list[list[int]]",
    returns="int",
    body="""
    neighbours = [[] for _ in range(n)]
    for a, b in links:
        neighbours[a].append(b)
        neighbours[b].append(a)
    seen = [False] * n
    groups = 0
    for start in range(n):
        if not seen[start]:
            groups += 1
            seen[start] = True
            stack = [start]
            while stack:
                node = stack.pop()
                for nxt in neighbours[node]:
                    if not seen[nxt]:
                        seen[nxt] = True
                        stack.append(nxt)
    return groups
""",
)


def _grid(rng: random.Random, p: Params, rows: int, cols: int, walls: float) -> list[str]:
    cells = [[p["wall"] if rng.random() < walls else "." for _ in range(cols)] for _ in range(rows)]
    (sr, sc), (er, ec) = rng.sample([(r, c) for r in range(rows) for c in range(cols)], 2)
    cells[sr][sc], cells[er][ec] = "S", "E"
    return ["".join(row) for row in cells]


def _maze_inputs(rng: random.Random, p: Params) -> list[Args]:
    w = p["wall"]
    return [
        (["SE"],),
        (["S.", ".E"],),
        ([f"S{w}E"],),
        ([f"S.{w}.", f"{w}.{w}.", f"..{w}E"],),
        (["S..", f"{w}{w}.", f"E{w}."],),
        (_grid(rng, p, rng.randint(4, 6), rng.randint(5, 8), 0.2),),
        (_grid(rng, p, rng.randint(5, 7), rng.randint(6, 9), 0.3),),
        (_grid(rng, p, 6, 10, 0.15),),
    ]


def _maze_oracle(p: Params, grid: list[str]) -> int:
    cells = {(r, c): ch for r, row in enumerate(grid) for c, ch in enumerate(row) if ch != p["wall"]}
    start = next(k for k, v in cells.items() if v == "S")
    frontier, seen, steps = {start}, {start}, 0
    while frontier:
        if any(cells[k] == "E" for k in frontier):
            return steps
        frontier = {
            n
            for r, c in frontier
            for n in ((r + 1, c), (r - 1, c), (r, c + 1), (r, c - 1))
            if n in cells and n not in seen
        }
        seen |= frontier
        steps += 1
    return -1


MAZE = PythonTemplate(
    problem=Problem(
        slug="fewest-moves",
        title="Fewest Moves Through the $place",
        topics=("graphs", "graph", "bfs", "breadth first", "grid", "shortest path"),
        difficulty="medium",
        statement=(
            "A map of the $place is given as `grid`, a list of equal-length strings: `.` is open "
            "floor, `$wall` is blocked, `S` is the start and `E` the exit (exactly one of each; both "
            "are open). A move goes to the neighbouring cell up, down, left or right, never outside "
            "the map. Use breadth-first search."
        ),
        answer="the fewest moves from S to E, or -1 when E cannot be reached",
        params=lambda rng: {
            "place": rng.choice(["warehouse", "hedge maze", "parking deck", "museum wing"]),
            "wall": rng.choice(["#", "X", "@"]),
        },
        inputs=_maze_inputs,
        oracle=_maze_oracle,
    ),
    signature="grid: list[str]",
    returns="int",
    imports="from collections import deque",
    body="""
    rows, cols = len(grid), len(grid[0])
    start = next((r, c) for r in range(rows) for c in range(cols) if grid[r][c] == "S")
    dist = {start: 0}
    queue = deque([start])
    answer = -1
    while queue:
        r, c = queue.popleft()
        if grid[r][c] == "E":
            answer = dist[(r, c)]
            break
        for nr, nc in ((r + 1, c), (r - 1, c), (r, c + 1), (r, c - 1)):
            if 0 <= nr < rows and 0 <= nc < cols and grid[nr][nc] != "$wall" and (nr, nc) not in dist:
                dist[(nr, nc)] = dist[(r, c)] + 1
                queue.append((nr, nc))
    return answer
""",
)


def _dag(rng: random.Random, n: int, edges: int) -> list[list[int]]:
    order = rng.sample(range(n), n)
    pairs = sorted({tuple(sorted(rng.sample(range(n), 2))) for _ in range(edges)})
    return [[order[a], order[b]] for a, b in pairs]


def _order_inputs(rng: random.Random, p: Params) -> list[Args]:
    cyclic = _dag(rng, 6, 6)
    first = cyclic[0]
    cyclic.append([first[1], first[0]])
    return [
        (1, []),
        (3, []),
        (3, [[2, 1], [1, 0]]),
        (2, [[0, 1], [1, 0]]),
        (6, cyclic),
        (rng.randint(5, 8), _dag(rng, 5, 5)),
        (8, _dag(rng, 8, 10)),
        (10, _dag(rng, 10, 14)),
    ]


def _order_oracle(p: Params, n: int, deps: list[list[int]]) -> list[int]:
    done: list[int] = []
    while len(done) < n:
        ready = [t for t in range(n) if t not in done and all(a in done for a, b in deps if b == t)]
        if not ready:
            return []
        done.append(min(ready))
    return done


BUILD_ORDER = PythonTemplate(
    problem=Problem(
        slug="build-order",
        title="Run Order for the $system",
        topics=("graphs", "graph", "topological sort", "heap", "priority queue", "dag"),
        difficulty="hard",
        statement=(
            "The $system has `n` $jobs numbered 0 to n-1. Each pair `[a, b]` in `deps` means $job "
            "`a` must finish before $job `b` starts. Produce the order in which to run every $job: "
            "whenever several $jobs are ready, run the one with the smallest number first. When the "
            "dependencies contain a cycle, no order exists and the answer is an empty list. Use "
            "in-degree counts and a min-heap of ready $jobs."
        ),
        answer="the run order",
        params=lambda rng: pick(
            rng,
            ("system", "jobs", "job"),
            [
                ("build server", "modules", "module"),
                ("film crew", "scenes", "scene"),
                ("kitchen", "dishes", "dish"),
            ],
        ),
        inputs=_order_inputs,
        oracle=_order_oracle,
        show=_spaced,
        printed="as numbers separated by single spaces (an empty line when there is a cycle)",
    ),
    signature="n: int, deps: list[list[int]]",
    returns="list[int]",
    default="[]",
    imports="import heapq",
    printer='" ".join(map(str, result))',
    body="""
    after = [[] for _ in range(n)]
    waiting = [0] * n
    for a, b in deps:
        after[a].append(b)
        waiting[b] += 1
    ready = [t for t in range(n) if waiting[t] == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        task = heapq.heappop(ready)
        order.append(task)
        for nxt in after[task]:
            waiting[nxt] -= 1
            if waiting[nxt] == 0:
                heapq.heappush(ready, nxt)
    return order if len(order) == n else []
""",
)

TEMPLATES: tuple[PythonTemplate, ...] = (
    SPIKES,
    BALANCE,
    RUNS,
    BRACKETS,
    DISTINCT_WINDOW,
    REPEAT,
    SEGMENT_TARGET,
    CONSECUTIVE,
    FOLDS,
    WEIGHTED_SUM,
    SIGNS,
    PODIUM,
    LEADERBOARD,
    PEAK_BOOKINGS,
    MIRROR,
    BUDGET_PAIRS,
    RAIN,
    TILES,
    STAMPS,
    EDIT_COST,
    GROUPS,
    MAZE,
    BUILD_ORDER,
)
