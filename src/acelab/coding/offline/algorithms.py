"""The problem set of the Java and C++ libraries: statements, parameters, inputs and oracles.

Each problem names solve's parameters and their kinds; offline/java.py and offline/cpp.py pair
every problem with a reference body in their language. Oracles are written independently of those
bodies (often by brute force), so the sandbox verification checks both. Strings in the inputs never
start or end with whitespace (codemm.md §10.4.1 rejects such literals in Java suites).
"""

from __future__ import annotations

import functools
import random

from acelab.coding.offline.base import Args, Params, pick
from acelab.coding.offline.typed import Kind, typed_problem


def _ints(rng: random.Random, n: int, lo: int, hi: int) -> list[int]:
    return [rng.randint(lo, hi) for _ in range(n)]


# ---- arrays ---------------------------------------------------------------------------------


def _rising_inputs(rng: random.Random, p: Params) -> list[Args]:
    up = p["compare"] == ">"
    monotone = sorted(set(_ints(rng, 7, 0, 60)), reverse=not up)
    cases: list[Args] = [([],), ([rng.randint(0, 60)],), (monotone,), ([7, 7, 7, 7],)]
    cases += [(_ints(rng, rng.randint(6, 14), 0, 30),) for _ in range(4)]
    return cases


def _rising_oracle(p: Params, values: list[int]) -> int:
    def streak(run: list[int]) -> bool:
        pairs = zip(run, run[1:], strict=False)
        return all(b > a if p["compare"] == ">" else b < a for a, b in pairs)

    n = len(values)
    return max((j - i for i in range(n) for j in range(i + 1, n + 1) if streak(values[i:j])), default=0)


RISING_RUN = typed_problem(
    slug="longest-streak",
    title="Longest $Direction Streak of $Series",
    topics=("arrays", "array", "loops", "iteration"),
    difficulty="easy",
    statement=(
        "A $device logs $series in the array `values`, oldest first. A $direction streak is a run "
        "of consecutive entries in which every entry is strictly $relation than the one just before "
        "it. A single entry is a streak of length 1, and an empty log has no streak at all (length "
        "0). Scan the log once, keeping the length of the current streak."
    ),
    answer="the length of the longest $direction streak",
    make_params=lambda rng: {
        **pick(
            rng,
            ("device", "series", "Series"),
            [
                ("fitness band", "daily step counts", "Steps"),
                ("weather station", "hourly temperatures", "Temperatures"),
                ("box office", "daily ticket sales", "Ticket Sales"),
                ("solar panel", "hourly power readings", "Power Readings"),
            ],
        ),
        **pick(
            rng,
            ("direction", "Direction", "relation", "compare"),
            [("rising", "Rising", "greater", ">"), ("falling", "Falling", "smaller", "<")],
        ),
    },
    params=(("values", Kind.INT_LIST),),
    returns=Kind.INT,
    inputs=_rising_inputs,
    oracle=_rising_oracle,
)


def _window_inputs(rng: random.Random, p: Params) -> list[Args]:
    k = p["k"]
    cases: list[Args] = [
        (_ints(rng, k, -20, 60),),
        ([-rng.randint(1, 9) for _ in range(k + 2)],),
        ([5] * (k + 3),),
    ]
    cases += [(_ints(rng, rng.randint(k + 1, 14), -20, 60),) for _ in range(5)]
    return cases


def _window_oracle(p: Params, values: list[int]) -> int:
    k = p["k"]
    return max(sum(values[i : i + k]) for i in range(len(values) - k + 1))


BEST_WINDOW = typed_problem(
    slug="best-window",
    title="Best $k-$Unit Window for the $Device",
    topics=("arrays", "array", "sliding window", "two pointers", "prefix sums"),
    difficulty="medium",
    statement=(
        "A $device records $series in `values`, one entry per $unit (entries may be negative). "
        "Find the best window: the largest total of exactly $k consecutive entries. `values` "
        "always holds at least $k entries. Slide the window one $unit at a time, adding the entry "
        "that enters and subtracting the one that leaves, instead of re-adding every window."
    ),
    answer="the largest total of $k consecutive entries",
    make_params=lambda rng: {
        "k": rng.randint(2, 4),
        **pick(
            rng,
            ("device", "Device", "series", "unit", "Unit"),
            [
                ("podcast app", "Podcast App", "minutes listened", "day", "Day"),
                ("parcel hub", "Parcel Hub", "net parcels handled", "hour", "Hour"),
                ("bakery till", "Bakery Till", "profit or loss", "day", "Day"),
                ("wind farm", "Wind Farm", "net energy exported", "hour", "Hour"),
            ],
        ),
    },
    params=(("values", Kind.INT_LIST),),
    returns=Kind.INT,
    inputs=_window_inputs,
    oracle=_window_oracle,
)


# ---- strings --------------------------------------------------------------------------------

_WORDS = (
    "meet", "at", "the", "old", "mill", "bring", "maps", "and", "snacks", "zebra", "crossing", "at",
    "dawn", "Quiet", "Harbor", "yellow", "Kite", "seven", "Zoo", "lanterns", "by", "river", "Xylophone",
)  # fmt: skip


def _phrase(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(_WORDS) for _ in range(words))
    return text + rng.choice(["", "!", "?", ".", ", 42", " 7", ": go"])


def _shift_inputs(rng: random.Random, p: Params) -> list[Args]:
    cases: list[Args] = [("",), ("abc",), ("xyz",), ("Zebra-Zone",)]
    cases += [(_phrase(rng, rng.randint(2, 6)),) for _ in range(4)]
    return cases


def _shift_oracle(p: Params, text: str) -> str:
    def shift(ch: str) -> str:
        for alphabet in ("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"):
            if ch in alphabet:
                return alphabet[(alphabet.index(ch) + p["shift"]) % 26]
        return ch

    return "".join(shift(ch) for ch in text)


LETTER_SHIFT = typed_problem(
    slug="letter-shift",
    title="The $Club Shift Code",
    topics=("strings", "string", "characters", "cipher"),
    difficulty="easy",
    statement=(
        "The $club encodes its notes by moving every letter $shift places forward in the "
        "alphabet, wrapping around from z to a (and from Z to A). Lower-case letters stay "
        "lower-case, upper-case letters stay upper-case, and every other character (digits, "
        "spaces, punctuation) is copied unchanged. Encode `text` character by character."
    ),
    answer="the encoded text",
    make_params=lambda rng: {
        "shift": rng.choice([1, 2, 3, 4, 5, 7, 9, 11, 18, 23, 25]),
        **pick(
            rng,
            ("club", "Club"),
            [("chess club", "Chess Club"), ("scout troop", "Scout Troop"), ("escape room", "Escape Room")],
        ),
    },
    params=(("text", Kind.STR),),
    returns=Kind.STR,
    inputs=_shift_inputs,
    oracle=_shift_oracle,
)


def _packed(rng: random.Random, runs: int) -> str:
    parts = []
    for _ in range(runs):
        count = rng.choice([1, 1, 2, 3, 4, 5, 10, 12])
        parts.append(("" if count == 1 else str(count)) + rng.choice("abcxyz"))
    return "".join(parts)


def _unpack_inputs(rng: random.Random, p: Params) -> list[Args]:
    cases: list[Args] = [("",), ("q",), ("3a",), ("12b2c",), ("a2a",)]
    cases += [(_packed(rng, rng.randint(3, 7)),) for _ in range(3)]
    return cases


def _unpack_oracle(p: Params, packed: str) -> str:
    out, digits = [], ""
    for ch in packed:
        if ch.isdigit():
            digits += ch
        else:
            out.append(ch * int(digits or "1"))
            digits = ""
    return "".join(out)


UNPACK_RUNS = typed_problem(
    slug="unpack-runs",
    title="Unpack the $Things",
    topics=("strings", "string", "parsing", "run length", "decoding"),
    difficulty="medium",
    statement=(
        "A $device stores $things compactly in `packed`: a lower-case letter may be preceded by a "
        "count, meaning the letter repeats that many times, and a letter without a count appears "
        "once. Counts may have several digits (`12a` is twelve a's) and are never 0. Expand "
        "`packed` back to the full string, reading the count digit by digit."
    ),
    answer="the expanded string",
    make_params=lambda rng: pick(
        rng,
        ("device", "things", "Things"),
        [
            ("knitting machine", "stitch patterns", "Stitch Patterns"),
            ("pixel-art editor", "rows of pixels", "Pixel Rows"),
            ("drum machine", "beat patterns", "Beat Patterns"),
        ],
    ),
    params=(("packed", Kind.STR),),
    returns=Kind.STR,
    inputs=_unpack_inputs,
    oracle=_unpack_oracle,
)


# ---- hashing --------------------------------------------------------------------------------

_ITEMS = {
    "songs": ("waltz", "tango", "samba", "polka", "salsa", "swing"),
    "dishes": ("ramen", "tacos", "curry", "paella", "falafel", "gnocchi"),
    "books": ("dune", "emma", "ulysses", "beloved", "matilda", "hamlet"),
}


def _requests_inputs(rng: random.Random, p: Params) -> list[Args]:
    items = _ITEMS[p["things"]]
    a, b = rng.sample(items, 2)
    cases: list[Args] = [([a],), ([a, b],), ([b, a, a],), ([a, b, b, a],)]
    cases += [([rng.choice(items) for _ in range(rng.randint(5, 12))],) for _ in range(4)]
    return cases


def _requests_oracle(p: Params, requests: list[str]) -> str:
    top = max(requests.count(r) for r in requests)
    return next(r for r in requests if requests.count(r) == top)


MOST_REQUESTED = typed_problem(
    slug="most-requested",
    title="Most Requested at the $Venue",
    topics=("hashing", "hash", "hash map", "dictionary", "counting", "frequency"),
    difficulty="easy",
    statement=(
        "The $venue logs every request for one of its $things in `requests`, in order; the log is "
        "never empty. Find the most requested $thing. When several are tied, the one whose first "
        "request came earliest wins. Count the requests with a hash map in one pass, then pick the "
        "winner in a second pass over the log."
    ),
    answer="the most requested $thing",
    make_params=lambda rng: pick(
        rng,
        ("venue", "Venue", "things", "thing"),
        [
            ("dance hall", "Dance Hall", "songs", "song"),
            ("food truck", "Food Truck", "dishes", "dish"),
            ("village library", "Village Library", "books", "book"),
        ],
    ),
    params=(("requests", Kind.STR_LIST),),
    returns=Kind.STR,
    inputs=_requests_inputs,
    oracle=_requests_oracle,
)


def _scrambled(rng: random.Random, word: str) -> str:
    letters = list(word)
    rng.shuffle(letters)
    return "".join(letters)


_ANAGRAM_BASES = ("stone", "listen", "least", "dusty", "cider", "angel", "reap", "alert", "night")


def _anagram_inputs(rng: random.Random, p: Params) -> list[Args]:
    def bag(groups: int, size: int) -> list[str]:
        words = [_scrambled(rng, base) for base in rng.sample(_ANAGRAM_BASES, groups)]
        words += [_scrambled(rng, rng.choice(words)) for _ in range(size - groups)]
        rng.shuffle(words)
        return words

    cases: list[Args] = [([],), (["abc"],), (["ab", "ba", "abc"],), (["aab", "abb", "bab"],)]
    cases += [(bag(rng.randint(2, 4), rng.randint(5, 10)),) for _ in range(4)]
    return cases


def _anagram_oracle(p: Params, words: list[str]) -> int:
    return max((sum(sorted(w) == sorted(v) for v in words) for w in words), default=0)


ANAGRAM_GROUPS = typed_problem(
    slug="anagram-groups",
    title="Largest Anagram Family in the $Game",
    topics=("hashing", "hash", "hash map", "strings", "anagrams", "grouping"),
    difficulty="medium",
    statement=(
        "Players of the $game submitted lower-case `words`. Two words belong to the same family "
        "when one is an anagram of the other: the same letters, each the same number of times "
        "(a word is in its own family, and repeated words count once per submission). Find the "
        "size of the largest family; with no words the answer is 0. Key a hash map by each word's "
        "letters in sorted order."
    ),
    answer="the size of the largest anagram family",
    make_params=lambda rng: pick(
        rng, ("game", "Game"), [("word-tile game", "Word-Tile Game"), ("crossword club", "Crossword Club")]
    ),
    params=(("words", Kind.STR_LIST),),
    returns=Kind.INT,
    inputs=_anagram_inputs,
    oracle=_anagram_oracle,
)


def _stretch_inputs(rng: random.Random, p: Params) -> list[Args]:
    cases: list[Args] = [([], 0), ([3], 3), ([0, 0, 0], 0), ([1, -1, 1, -1], 0)]
    for _ in range(4):
        changes = _ints(rng, rng.randint(6, 14), -4, 5)
        start = rng.randrange(len(changes) - 2)
        cases.append((changes, sum(changes[start : start + rng.randint(1, 3)])))
    return cases


def _stretch_oracle(p: Params, changes: list[int], target: int) -> int:
    n = len(changes)
    return sum(sum(changes[i:j]) == target for i in range(n) for j in range(i + 1, n + 1))


TARGET_STRETCHES = typed_problem(
    slug="target-stretches",
    title="$Unit Stretches That Hit the Target",
    topics=("hashing", "hash", "hash map", "prefix sums", "arrays", "subarrays"),
    difficulty="hard",
    statement=(
        "A $ledger lists the net change of $quantity for each $unit in `changes` (changes may be "
        "negative or zero). Count the stretches of one or more consecutive ${unit}s whose changes add "
        "up to exactly `target`; every (first $unit, last $unit) pair counts separately, so "
        "stretches may overlap. Aim for a single pass: keep the running total and a hash map from "
        "each running total seen so far to how often it occurred."
    ),
    answer="the number of stretches that add up to `target`",
    make_params=lambda rng: pick(
        rng,
        ("ledger", "quantity", "unit", "Unit"),
        [
            ("bike-share dock log", "parked bikes", "hour", "Hour"),
            ("reservoir report", "water level", "day", "Day"),
            ("arcade ledger", "tokens in the machine", "minute", "Minute"),
        ],
    ),
    params=(("changes", Kind.INT_LIST), ("target", Kind.INT)),
    returns=Kind.INT,
    inputs=_stretch_inputs,
    oracle=_stretch_oracle,
)


# ---- recursion ------------------------------------------------------------------------------


def _hailstone_inputs(rng: random.Random, p: Params) -> list[Args]:
    return [(1,), (2,), (6,), (27,), *((rng.randint(3, 9999),) for _ in range(4))]


def _hailstone_oracle(p: Params, n: int) -> int:
    steps = 0
    while n != 1:
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        steps += 1
    return steps


HAILSTONE = typed_problem(
    slug="hailstone-steps",
    title="Hailstone Steps of the $Thing",
    topics=("recursion", "recursive", "math", "sequences"),
    difficulty="easy",
    statement=(
        "A $thing follows the hailstone rule: starting from a positive whole number `n`, an even "
        "number is halved and an odd number x becomes 3x + 1, until the number reaches 1. Write "
        "the count recursively: 1 needs 0 steps, and any other number needs one step more than the "
        "number it turns into. Intermediate numbers can exceed `n` by far (use a 64-bit type)."
    ),
    answer="the number of steps from `n` down to 1",
    make_params=lambda rng: pick(
        rng,
        ("thing", "Thing"),
        [
            ("bouncing ball toy", "Bouncing Ball"),
            ("lift in a puzzle tower", "Puzzle Lift"),
            ("weather balloon", "Weather Balloon"),
        ],
    ),  # fmt: skip
    params=(("n", Kind.INT),),
    returns=Kind.INT,
    inputs=_hailstone_inputs,
    oracle=_hailstone_oracle,
)


def _subset_inputs(rng: random.Random, p: Params) -> list[Args]:
    cases: list[Args] = [([], 0), ([], 4), ([2, 3, 5], 5), ([1, 1, 1, 1], 2)]
    for _ in range(4):
        weights = _ints(rng, rng.randint(5, 11), 1, 9)
        cases.append((weights, rng.randint(4, 20)))
    return cases


def _subset_oracle(p: Params, weights: list[int], target: int) -> int:
    n = len(weights)
    return sum(sum(w for i, w in enumerate(weights) if mask >> i & 1) == target for mask in range(1 << n))


EXACT_LOADS = typed_problem(
    slug="exact-loads",
    title="Exact Loads for the $Carrier",
    topics=("recursion", "recursive", "backtracking", "subsets", "combinations"),
    difficulty="medium",
    statement=(
        "The $carrier can take any selection of the $items whose weights are in `weights` (each "
        "$item at most once; equal weights are still different $items). Count the selections whose "
        "weights add up to exactly `target`; when `target` is 0, the empty selection counts. Solve "
        "it recursively: for each $item in turn, count the selections that skip it plus those that "
        "take it."
    ),
    answer="the number of selections weighing exactly `target`",
    make_params=lambda rng: pick(
        rng,
        ("carrier", "Carrier", "items", "item"),
        [
            ("cargo drone", "Cargo Drone", "parcels", "parcel"),
            ("hiking guide", "Hiking Guide", "supply packs", "supply pack"),
            ("rowing boat", "Rowing Boat", "crates", "crate"),
        ],
    ),
    params=(("weights", Kind.INT_LIST), ("target", Kind.INT)),
    returns=Kind.INT,
    inputs=_subset_inputs,
    oracle=_subset_oracle,
)


def _tower_inputs(rng: random.Random, p: Params) -> list[Args]:
    cases: list[Args] = [(1, 1), (2, 2), (3, 4), (3, 7), (4, 1)]
    for disks in rng.sample(range(5, 11), 3):
        cases.append((disks, rng.randint(1, (1 << disks) - 1)))
    return cases


def _tower_oracle(p: Params, disks: int, step: int) -> str:
    moves: list[str] = []
    stack = [(disks, p["source"], p["spare"], p["target"], False)]
    while stack:  # the textbook recursion, unrolled with an explicit stack
        count, src, via, dst, expanded = stack.pop()
        if count == 0:
            continue
        if expanded:
            moves.append(f"{src}->{dst}")
            continue
        # Popped in reverse: the smaller tower to the spare peg, this disk, the tower back on top.
        stack += [(count - 1, via, src, dst, False), (count, src, via, dst, True)]
        stack.append((count - 1, src, dst, via, False))
    return moves[step - 1]


TOWER_MOVE = typed_problem(
    slug="tower-move",
    title="One Move of the $Place Tower",
    topics=("recursion", "recursive", "divide and conquer", "towers of hanoi"),
    difficulty="hard",
    statement=(
        "In the $place, a tower of `disks` disks, smallest on top, stands on peg $source and "
        "must move to peg $target, with peg $spare to help. One disk moves at a time and a larger "
        "disk never sits on a smaller one. The shortest solution takes 2^disks - 1 moves and is "
        "unique. Find move number `step` (counting from 1) of it, written as FROM->TO, for example "
        "`$source->$target`. Think recursively instead of listing every move: the middle move "
        "carries the largest disk; the moves before it carry the smaller tower out of the way, and "
        "the moves after it carry that tower back on top."
    ),
    answer="move number `step` as FROM->TO",
    make_params=lambda rng: {
        **pick(
            rng,
            ("place", "Place"),
            [("museum's puzzle hall", "Museum"), ("monastery garden", "Monastery"), ("toy shop", "Toy Shop")],
        ),
        **pick(rng, ("source", "spare", "target"), [("A", "B", "C"), ("L", "M", "R"), ("X", "Y", "Z")]),
    },
    params=(("disks", Kind.INT), ("step", Kind.INT)),
    returns=Kind.STR,
    inputs=_tower_inputs,
    oracle=_tower_oracle,
)


# ---- sorting --------------------------------------------------------------------------------


def _top_inputs(rng: random.Random, p: Params) -> list[Args]:
    k = p["k"]
    cases: list[Args] = [([],), ([rng.randint(0, 100)],), (_ints(rng, k, 0, 100),), ([50] * (k + 1),)]
    cases += [(_ints(rng, rng.randint(k + 1, 12), 0, 100),) for _ in range(4)]
    return cases


TOP_SCORES = typed_problem(
    slug="top-scores",
    title="Top $k of the $Contest",
    topics=("sorting", "sort", "arrays", "ranking"),
    difficulty="easy",
    statement=(
        "The judges of the $contest wrote the `scores`, in no particular order. Produce the podium "
        "list: the $k highest scores, highest first, keeping duplicates. When fewer than $k scores "
        "exist, list them all, highest first. Sort a copy; leave `scores` unchanged."
    ),
    answer="the $k highest scores, highest first",
    make_params=lambda rng: {
        "k": rng.randint(3, 5),
        **pick(
            rng,
            ("contest", "Contest"),
            [
                ("pie-baking contest", "Pie Contest"),
                ("robot race", "Robot Race"),
                ("poetry slam", "Poetry Slam"),
            ],
        ),
    },
    params=(("scores", Kind.INT_LIST),),
    returns=Kind.INT_LIST,
    inputs=_top_inputs,
    oracle=lambda p, scores: sorted(scores, reverse=True)[: p["k"]],
)


def _bookings(rng: random.Random, n: int) -> list[list[int]]:
    rows = []
    for _ in range(n):
        start = rng.randint(0, 110)
        rows.append([start, start + rng.randint(1, 40)])
    return rows


def _covered_inputs(rng: random.Random, p: Params) -> list[Args]:
    cases: list[Args] = [([],), ([[10, 20]],), ([[0, 30], [5, 10]],), ([[30, 40], [0, 10], [10, 30]],)]
    cases += [(_bookings(rng, rng.randint(3, 8)),) for _ in range(4)]
    return cases


def _covered_oracle(p: Params, bookings: list[list[int]]) -> int:
    return len({minute for start, end in bookings for minute in range(start, end)})


COVERED_MINUTES = typed_problem(
    slug="covered-minutes",
    title="Busy Minutes of the $Room",
    topics=("sorting", "sort", "intervals", "merging", "sweep line"),
    difficulty="medium",
    statement=(
        "The $room has `bookings`, each a pair [start, end) of minutes after opening: the booking "
        "covers minute start up to, but not including, minute end (start < end). Bookings are in "
        "no particular order and may overlap or touch. Find how many minutes are covered by at "
        "least one booking. Sort the bookings by start, then sweep once, remembering how far the "
        "covered time reaches."
    ),
    answer="the number of covered minutes",
    make_params=lambda rng: pick(
        rng,
        ("room", "Room"),
        [
            ("recording studio", "Studio"),
            ("climbing wall", "Climbing Wall"),
            ("community kitchen", "Kitchen"),
        ],
    ),
    params=(("bookings", Kind.INT_ROWS),),
    returns=Kind.INT,
    inputs=_covered_inputs,
    oracle=_covered_oracle,
)


def _swap_inputs(rng: random.Random, p: Params) -> list[Args]:
    cases: list[Args] = [([],), ([7],), ([1, 2, 3],), ([3, 2, 1],), ([2, 3, 4, 1],)]
    cases += [(rng.sample(range(1, 60), rng.randint(6, 10)),) for _ in range(3)]
    return cases


def _swap_oracle(p: Params, labels: list[int]) -> int:
    order, swaps = list(labels), 0
    for i, want in enumerate(sorted(labels)):
        if order[i] != want:
            j = order.index(want)
            order[i], order[j] = order[j], order[i]
            swaps += 1
    return swaps


FEWEST_SWAPS = typed_problem(
    slug="fewest-swaps",
    title="Fewest Swaps to Tidy the $Shelf",
    topics=("sorting", "sort", "permutations", "cycles", "greedy"),
    difficulty="hard",
    statement=(
        "The $shelf holds $items with distinct numbers, listed left to right in `labels`. One swap "
        "exchanges any two $items. Find the fewest swaps that leave the numbers in ascending order. "
        "Sort a copy to learn where each number belongs: following where the $items must go splits "
        "the positions into cycles, and a cycle of length L needs exactly L - 1 swaps."
    ),
    answer="the fewest swaps that sort `labels`",
    make_params=lambda rng: pick(
        rng,
        ("shelf", "Shelf", "items"),
        [
            ("record shop's shelf", "Record Shelf", "records"),
            ("pharmacy drawer", "Pharmacy Drawer", "boxes"),
            ("train yard siding", "Train Yard", "wagons"),
        ],
    ),
    params=(("labels", Kind.INT_LIST),),
    returns=Kind.INT,
    inputs=_swap_inputs,
    oracle=_swap_oracle,
)


# ---- two pointers ---------------------------------------------------------------------------


def _merge_inputs(rng: random.Random, p: Params) -> list[Args]:
    def run() -> list[int]:
        return sorted(_ints(rng, rng.randint(2, 7), 0, 40))

    cases: list[Args] = [([], []), ([], [3, 5]), ([1, 4], []), ([2, 2], [2]), ([1, 2, 3], [7, 8])]
    cases += [(run(), run()) for _ in range(3)]
    return cases


MERGE_QUEUES = typed_problem(
    slug="merge-queues",
    title="Merge the $Thing Queues",
    topics=("two pointers", "two pointer", "merging", "sorted arrays", "arrays"),
    difficulty="easy",
    statement=(
        "Two $desks each keep the ticket numbers of their waiting $people in ascending order: "
        "`first` and `second` (either may be empty; numbers may repeat). Merge them into one "
        "ascending list that keeps every number. Walk both lists with one index each, always taking "
        "the smaller front number, instead of concatenating and sorting."
    ),
    answer="the merged ascending list",
    make_params=lambda rng: pick(
        rng,
        ("desks", "people", "Thing"),
        [
            ("check-in desks", "travellers", "Check-in"),
            ("ticket windows", "fans", "Ticket"),
            ("clinic counters", "patients", "Clinic"),
        ],
    ),
    params=(("first", Kind.INT_LIST), ("second", Kind.INT_LIST)),
    returns=Kind.INT_LIST,
    inputs=_merge_inputs,
    oracle=lambda p, first, second: sorted(first + second),
)


def _closest_inputs(rng: random.Random, p: Params) -> list[Args]:
    cases: list[Args] = [([4, 6], 10), ([4, 6], 3), ([1, 1, 1], 5), ([10, 20, 30, 40], 45)]
    for _ in range(4):
        prices = _ints(rng, rng.randint(4, 12), 1, 60)
        cases.append((prices, rng.randint(10, 100)))
    return cases


def _closest_oracle(p: Params, prices: list[int], budget: int) -> int:
    n = len(prices)
    return min(abs(prices[i] + prices[j] - budget) for i in range(n) for j in range(i + 1, n))


CLOSEST_PAIR = typed_problem(
    slug="closest-pair",
    title="Two $Things Closest to the Budget",
    topics=("two pointers", "two pointer", "sorting", "arrays", "greedy"),
    difficulty="medium",
    statement=(
        "A $shopper wants to buy exactly two different $things from `prices` (at least two prices, "
        "possibly equal) spending as close to `budget` as possible, above or below. Find the "
        "smallest possible distance |a + b - budget|. Sort a copy, then move two pointers inward "
        "from both ends: a sum below the budget needs a larger left price, any other sum a smaller "
        "right price."
    ),
    answer="the smallest distance between a pair's total and `budget`",
    make_params=lambda rng: pick(
        rng,
        ("shopper", "things", "Things"),
        [
            ("gift buyer", "presents", "Presents"),
            ("festival planner", "bands", "Bands"),
            ("camper", "tents", "Tents"),
        ],
    ),
    params=(("prices", Kind.INT_LIST), ("budget", Kind.INT)),
    returns=Kind.INT,
    inputs=_closest_inputs,
    oracle=_closest_oracle,
)


# ---- dynamic programming --------------------------------------------------------------------


def _spaced_params(rng: random.Random) -> Params:
    p = pick(
        rng,
        ("collector", "things", "thing", "Things"),
        [
            ("street musician", "street corners", "street corner", "Corners"),
            ("fruit picker", "trees", "tree", "Trees"),
            ("charity runner", "houses", "house", "Houses"),
        ],
    )
    p["gap"] = rng.choice([1, 2])
    p["skipped"] = f"one {p['thing']}" if p["gap"] == 1 else f"two {p['things']}"
    return p


def _spaced_inputs(rng: random.Random, p: Params) -> list[Args]:
    cases: list[Args] = [([],), ([9],), ([4, 5],), ([5, 1, 1, 5],)]
    cases += [(_ints(rng, rng.randint(5, 12), 0, 30),) for _ in range(4)]
    return cases


def _spaced_oracle(p: Params, values: list[int]) -> int:
    n, gap, best = len(values), p["gap"], 0
    for mask in range(1 << n):
        chosen = [i for i in range(n) if mask >> i & 1]
        if all(b - a > gap for a, b in zip(chosen, chosen[1:], strict=False)):
            best = max(best, sum(values[i] for i in chosen))
    return best


SPACED_PICKS = typed_problem(
    slug="spaced-picks",
    title="Spaced-Out $Things",
    topics=("dynamic programming", "dp", "arrays", "optimization"),
    difficulty="easy",
    statement=(
        "A $collector walks past a row of $things; `values` holds what each one is worth (never "
        "negative). The $collector may pick any of them, but between two picked $things at least "
        "$skipped must be skipped. Find the largest total value. Build it up from the "
        "left: the best total for the first i $things either skips the i-th one or picks it and "
        "adds the best total that ends far enough before it."
    ),
    answer="the largest total value",
    make_params=_spaced_params,
    params=(("values", Kind.INT_LIST),),
    returns=Kind.INT,
    inputs=_spaced_inputs,
    oracle=_spaced_oracle,
)


def _grid(rng: random.Random, rows: int, cols: int) -> list[list[int]]:
    return [_ints(rng, cols, 0, 9) for _ in range(rows)]


def _descent_inputs(rng: random.Random, p: Params) -> list[Args]:
    cases: list[Args] = [([[5]],), ([[1, 2, 3]],), ([[1], [4], [2]],), ([[1, 9], [1, 1]],)]
    cases += [(_grid(rng, rng.randint(2, 5), rng.randint(2, 5)),) for _ in range(4)]
    return cases


def _descent_oracle(p: Params, grid: list[list[int]]) -> int:
    rows, cols = len(grid), len(grid[0])

    def walk(r: int, c: int) -> int:
        here = grid[r][c]
        options = [walk(r + 1, c) if r + 1 < rows else None, walk(r, c + 1) if c + 1 < cols else None]
        rest = [o for o in options if o is not None]
        return here + (min(rest) if rest else 0)

    return walk(0, 0)


CHEAPEST_DESCENT = typed_problem(
    slug="cheapest-descent",
    title="Cheapest Path Across the $Place",
    topics=("dynamic programming", "dp", "grids", "paths", "matrices"),
    difficulty="medium",
    statement=(
        "The $place is a grid of $cells; `grid[r][c]` is the $cost of the $cell in row r and "
        "column c (at least one row and one column, every row equally long). A $walker starts in "
        "the top-left $cell and must reach the bottom-right one, each move going one $cell right "
        "or one $cell down. Find the smallest total $cost of a route, counting the first and last "
        "$cells. Fill a table of the cheapest cost to reach every $cell, row by row."
    ),
    answer="the smallest total $cost",
    make_params=lambda rng: pick(
        rng,
        ("place", "Place", "cells", "cell", "cost", "walker"),
        [
            ("orchard", "Orchard", "plots", "plot", "mud depth", "tractor"),
            ("rooftop solar field", "Solar Field", "panels", "panel", "cleaning time", "robot"),
            ("museum floor", "Museum Floor", "rooms", "room", "crowd level", "guide"),
        ],
    ),
    params=(("grid", Kind.INT_ROWS),),
    returns=Kind.INT,
    inputs=_descent_inputs,
    oracle=_descent_oracle,
)


def _stairs_params(rng: random.Random) -> Params:
    strides = rng.choice([(1, 2), (1, 3), (1, 2, 3), (2, 3), (1, 4)])
    words = [str(s) for s in strides]
    return {
        "strides": ", ".join(words),
        "strides_text": f"{', '.join(words[:-1])} or {words[-1]}",
        **pick(
            rng,
            ("climber", "stairs", "Stairs"),
            [
                ("lighthouse keeper", "spiral staircase", "Lighthouse"),
                ("mountain goat", "cliff path", "Cliff"),
                ("window cleaner", "ladder", "Ladder"),
            ],
        ),
    }


def _stairs_inputs(rng: random.Random, p: Params) -> list[Args]:
    return [(0,), (1,), (2,), (5,), (10,), *((rng.randint(20, 60),) for _ in range(3))]


def _stairs_oracle(p: Params, steps: int) -> int:
    strides = [int(s) for s in p["strides"].split(", ")]

    @functools.cache
    def ways(left: int) -> int:
        return 1 if left == 0 else sum(ways(left - s) for s in strides if s <= left)

    return ways(steps)


STAIR_STRIDES = typed_problem(
    slug="stair-strides",
    title="Climbing the $Stairs Stride by Stride",
    topics=("dynamic programming", "dp", "counting", "combinatorics"),
    difficulty="easy",
    statement=(
        "A $climber goes up a $stairs of `steps` steps (0 or more). Every move climbs exactly "
        "$strides_text steps, and the $climber must end exactly on the top step. Count the "
        "different sequences of moves that do it; for 0 steps there is one (make no move), and some "
        "heights may have none. Fill a table of the number of ways to reach every height from the "
        "bottom up; the counts can outgrow 32-bit integers."
    ),
    answer="the number of move sequences that reach the top",
    make_params=_stairs_params,
    params=(("steps", Kind.INT),),
    returns=Kind.LONG,
    inputs=_stairs_inputs,
    oracle=_stairs_oracle,
)


def _strand(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def _shared_inputs(rng: random.Random, p: Params) -> list[Args]:
    a = p["alphabet"]
    cases: list[Args] = [("", a[:2]), (a[0], a[0]), (a[:3], a[2::-1]), (a * 2, a[::-1])]
    cases += [(_strand(rng, a, rng.randint(4, 10)), _strand(rng, a, rng.randint(4, 10))) for _ in range(4)]
    return cases


def _shared_oracle(p: Params, first: str, second: str) -> int:
    def is_subsequence(small: str, big: str) -> bool:
        letters = iter(big)
        return all(ch in letters for ch in small)

    n = len(first)
    return max(
        bin(mask).count("1")
        for mask in range(1 << n)
        if is_subsequence("".join(first[i] for i in range(n) if mask >> i & 1), second)
    )


SHARED_SUBSEQUENCE = typed_problem(
    slug="shared-subsequence",
    title="Longest Shared Pattern of Two $Things",
    topics=("dynamic programming", "dp", "strings", "subsequences", "lcs"),
    difficulty="hard",
    statement=(
        "Two $things are written as strings `first` and `second` over the letters $alphabet. A "
        "pattern is shared when it can be read in both by deleting some letters and keeping the "
        "order of the rest. Find the length of the longest shared pattern (0 when they share no "
        "letter). Fill a table where cell (i, j) is the answer for the first i letters of `first` "
        "and the first j letters of `second`."
    ),
    answer="the length of the longest shared pattern",
    make_params=lambda rng: pick(
        rng,
        ("things", "Things", "alphabet"),
        [
            ("DNA fragments", "DNA Fragments", "ACGT"),
            ("dance routines", "Dance Routines", "LRJS"),
            ("Morse recordings", "Morse Recordings", "DSP"),
        ],
    ),
    params=(("first", Kind.STR), ("second", Kind.STR)),
    returns=Kind.INT,
    inputs=_shared_inputs,
    oracle=_shared_oracle,
)


# ---- graphs ---------------------------------------------------------------------------------


def _edges(rng: random.Random, nodes: int, count: int) -> list[list[int]]:
    return [rng.sample(range(nodes), 2) for _ in range(count)] if nodes > 1 else []


def _islands_inputs(rng: random.Random, p: Params) -> list[Args]:
    cases: list[Args] = [(1, []), (4, []), (3, [[0, 1], [1, 2]]), (5, [[0, 1], [3, 4], [1, 0]])]
    for _ in range(4):
        nodes = rng.randint(5, 12)
        cases.append((nodes, _edges(rng, nodes, rng.randint(2, nodes))))
    return cases


def _islands_oracle(p: Params, nodes: int, links: list[list[int]]) -> int:
    parent = list(range(nodes))

    def root(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    for a, b in links:
        parent[root(a)] = root(b)
    return len({root(x) for x in range(nodes)})


NETWORK_ISLANDS = typed_problem(
    slug="network-islands",
    title="Islands in the $Network",
    topics=("graphs", "graph", "connected components", "bfs", "dfs"),
    difficulty="easy",
    statement=(
        "The $network has `nodes` $members numbered 0 to nodes - 1. Each pair [a, b] in `links` "
        "means $members a and b can reach each other directly (links work both ways and may repeat). "
        "An island is a group of $members that can reach one another through links, directly or "
        "not. Count the islands. Build adjacency lists, then start a breadth-first search from "
        "every $member no earlier search has visited."
    ),
    answer="the number of islands",
    make_params=lambda rng: pick(
        rng,
        ("network", "Network", "members", "member"),
        [
            ("office LAN", "Office LAN", "computers", "computer"),
            ("walkie-talkie club", "Radio Club", "radios", "radio"),
            ("village footpaths", "Village", "cottages", "cottage"),
        ],
    ),
    params=(("nodes", Kind.INT), ("links", Kind.INT_ROWS)),
    returns=Kind.INT,
    inputs=_islands_inputs,
    oracle=_islands_oracle,
)


def _hops_inputs(rng: random.Random, p: Params) -> list[Args]:
    cases: list[Args] = [
        (1, [], 0, 0),
        (3, [[0, 1]], 0, 2),
        (4, [[0, 1], [1, 2], [2, 3], [0, 3]], 0, 2),
        (5, [[4, 3], [3, 2], [2, 1], [1, 0]], 4, 0),
    ]
    for _ in range(4):
        stops = rng.randint(6, 12)
        cases.append((stops, _edges(rng, stops, rng.randint(stops - 2, stops + 4)), 0, stops - 1))
    return cases


def _hops_oracle(p: Params, stops: int, routes: list[list[int]], start: int, goal: int) -> int:
    far = stops + 1
    hops = [[0 if a == b else far for b in range(stops)] for a in range(stops)]
    for a, b in routes:
        hops[a][b] = hops[b][a] = min(hops[a][b], 1)
    for k in range(stops):
        for a in range(stops):
            for b in range(stops):
                hops[a][b] = min(hops[a][b], hops[a][k] + hops[k][b])
    return -1 if hops[start][goal] >= far else hops[start][goal]


FEWEST_HOPS = typed_problem(
    slug="fewest-hops",
    title="Fewest $Rides Across the $Network",
    topics=("graphs", "graph", "bfs", "breadth first", "shortest path"),
    difficulty="medium",
    statement=(
        "The $network has `stops` stops numbered 0 to stops - 1. Each pair [a, b] in `routes` is a "
        "$ride between stops a and b, usable in both directions. Find the fewest $rides from stop "
        "`start` to stop `goal`: 0 when they are the same stop, and -1 when `goal` cannot be "
        "reached. Search breadth-first from `start`, recording each stop's distance the first time "
        "it is reached."
    ),
    answer="the fewest $rides from `start` to `goal` (-1 when unreachable)",
    make_params=lambda rng: pick(
        rng,
        ("network", "Network", "ride", "rides", "Rides"),
        [
            ("ferry network", "Lake District", "ferry trip", "ferry trips", "Ferry Trips"),
            ("night-bus network", "Sleeping City", "bus ride", "bus rides", "Bus Rides"),
            ("cable-car network", "Alps", "cable-car hop", "cable-car hops", "Cable-Car Hops"),
        ],
    ),
    params=(("stops", Kind.INT), ("routes", Kind.INT_ROWS), ("start", Kind.INT), ("goal", Kind.INT)),
    returns=Kind.INT,
    inputs=_hops_inputs,
    oracle=_hops_oracle,
)


def _split_edges(rng: random.Random, players: int, count: int) -> list[list[int]]:
    side = [rng.randint(0, 1) for _ in range(players)]
    edges = [e for e in _edges(rng, players, 4 * count) if side[e[0]] != side[e[1]]]
    return edges[:count]


def _teams_inputs(rng: random.Random, p: Params) -> list[Args]:
    cases: list[Args] = [
        (1, []),
        (3, [[0, 1], [1, 2], [2, 0]]),
        (4, [[0, 1], [1, 2], [2, 3], [3, 0]]),
        (5, [[0, 1], [0, 1], [3, 4]]),
    ]
    for _ in range(2):
        players = rng.randint(6, 10)
        cases.append((players, _split_edges(rng, players, rng.randint(4, players + 2))))
    for _ in range(2):
        players = rng.randint(6, 10)
        cases.append((players, _edges(rng, players, rng.randint(4, players + 2))))
    return cases


def _teams_oracle(p: Params, players: int, rivalries: list[list[int]]) -> bool:
    return any(all((mask >> a & 1) != (mask >> b & 1) for a, b in rivalries) for mask in range(1 << players))


TWO_TEAMS = typed_problem(
    slug="two-teams",
    title="Two Teams for the $Event",
    topics=("graphs", "graph", "bipartite", "bfs", "graph coloring"),
    difficulty="medium",
    statement=(
        "The $event has `players` $people numbered 0 to players - 1. Each pair [a, b] in "
        "`rivalries` means $people a and b refuse to play on the same team (pairs may repeat). Can "
        "everyone be split into two teams so that no two rivals share a team? Teams may have "
        "different sizes, and one may even be empty. Colour each group of connected $people "
        "breadth-first, giving every rival the other team, and watch for a conflict."
    ),
    answer="`true` if such a split exists and `false` otherwise",
    make_params=lambda rng: pick(
        rng,
        ("event", "Event", "people"),
        [
            ("quiz night", "Quiz Night", "guests"),
            ("five-a-side tournament", "Five-a-Side Cup", "footballers"),
            ("debate camp", "Debate Camp", "students"),
        ],
    ),
    params=(("players", Kind.INT), ("rivalries", Kind.INT_ROWS)),
    returns=Kind.BOOL,
    inputs=_teams_inputs,
    oracle=_teams_oracle,
)


def _roads(rng: random.Random, cities: int, count: int) -> list[list[int]]:
    return [[*rng.sample(range(cities), 2), rng.randint(1, 20)] for _ in range(count)]


def _route_inputs(rng: random.Random, p: Params) -> list[Args]:
    cases: list[Args] = [
        (2, [[0, 1, 7]], 0, 1),
        (3, [[0, 1, 4]], 0, 2),
        (3, [[0, 1, 5], [1, 2, 5], [0, 2, 12]], 0, 2),
        (4, [[0, 1, 1], [1, 2, 1], [2, 3, 1], [0, 3, 2]], 3, 1),
    ]
    for _ in range(4):
        cities = rng.randint(5, 10)
        cases.append((cities, _roads(rng, cities, rng.randint(cities - 1, 2 * cities)), 0, cities - 1))
    return cases


def _route_oracle(p: Params, cities: int, roads: list[list[int]], origin: int, destination: int) -> int:
    far = 10**9
    cost = [[0 if a == b else far for b in range(cities)] for a in range(cities)]
    for a, b, toll in roads:
        cost[a][b] = cost[b][a] = min(cost[a][b], toll)
    for k in range(cities):
        for a in range(cities):
            for b in range(cities):
                cost[a][b] = min(cost[a][b], cost[a][k] + cost[k][b])
    return -1 if cost[origin][destination] >= far else cost[origin][destination]


CHEAPEST_ROUTE = typed_problem(
    slug="cheapest-route",
    title="Cheapest $Trip Through the $Region",
    topics=("graphs", "graph", "shortest path", "dijkstra", "priority queue", "weighted"),
    difficulty="hard",
    statement=(
        "The $region has `cities` $places numbered 0 to cities - 1. Each triple [a, b, $cost] in "
        "`roads` is a road between $places a and b, usable both ways; using it costs $cost $unit "
        "($cost is at least 1). Two $places may be joined by several roads. Find the cheapest total from "
        "`origin` to `destination` (0 when they are the same, -1 when no route exists). Use "
        "Dijkstra's algorithm with a priority queue ordered by the cost so far."
    ),
    answer="the cheapest total from `origin` to `destination` (-1 when unreachable)",
    make_params=lambda rng: pick(
        rng,
        ("region", "Region", "places", "cost", "unit", "Trip"),
        [
            ("island chain", "Islands", "harbours", "toll", "coins", "Crossing"),
            ("mountain range", "Mountains", "huts", "effort", "points", "Hike"),
            ("delivery zone", "Delivery Zone", "depots", "fuel", "litres", "Delivery"),
        ],
    ),
    params=(("cities", Kind.INT), ("roads", Kind.INT_ROWS), ("origin", Kind.INT), ("destination", Kind.INT)),
    returns=Kind.INT,
    inputs=_route_inputs,
    oracle=_route_oracle,
)
