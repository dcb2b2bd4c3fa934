"""Offline Java problems: each template is one JavaTemplate over a shared TypedProblem.

A template's `body` is the body of the reference `solve` (Java, any indentation, `$params`
substituted), written with a single exit: its last line is `return <expr>;` and no other
`return` belongs to solve itself (lambdas and `helpers` may return). The renderer turns that line
into a print for the stdout style and a print plus return for the mixed style. `helpers` are
extra private static methods of the class (recursive helpers).

Suites follow codemm.md §10.4.1: JUnit 5, class `<Name>Test`, exactly 8 @Test methods named
test_case_1..8; the stdout styles capture System.out around the call.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from acelab.coding.generation.slots import PROBLEM_STYLES
from acelab.coding.offline import algorithms
from acelab.coding.offline.base import Case, Params, Problem, Rendering, fill
from acelab.coding.offline.typed import Kind, TypedProblem, describe, indent, quoted, samples

_LAST_RETURN = re.compile(r"^return (.+);$")


def _array(element: Callable[[Any], str], prefix: str) -> Callable[[Any], str]:
    return lambda values: f"new {prefix} {{{', '.join(element(v) for v in values)}}}"


def _row(values: Sequence[int]) -> str:
    return "{" + ", ".join(map(str, values)) + "}"


@dataclass(frozen=True, slots=True)
class JavaKind:
    name: str
    literal: Callable[[Any], str]
    default: str  # what the starter returns
    array: bool = False  # compared with assertArrayEquals
    printer: str = "System.out.println(result);"  # prints `result` as Kind.show does


_PRINT_INTS = """
StringJoiner line = new StringJoiner(" ");
for (int value : result) {
    line.add(String.valueOf(value));
}
System.out.println(line);
"""

KINDS: dict[Kind, JavaKind] = {
    Kind.INT: JavaKind("int", str, "0"),
    Kind.LONG: JavaKind("long", lambda v: f"{v}L", "0L"),
    Kind.BOOL: JavaKind("boolean", lambda v: "true" if v else "false", "false"),
    Kind.STR: JavaKind("String", quoted, '""'),
    Kind.INT_LIST: JavaKind("int[]", _array(str, "int[]"), "new int[0]", array=True, printer=_PRINT_INTS),
    Kind.STR_LIST: JavaKind(
        "String[]",
        _array(quoted, "String[]"),
        "new String[0]",
        array=True,
        printer='System.out.println(String.join(" ", result));',
    ),
    Kind.INT_ROWS: JavaKind("int[][]", _array(_row, "int[][]"), "new int[0][]", array=True),
}

_SUITE_HEAD = "import org.junit.jupiter.api.Test;\nimport static org.junit.jupiter.api.Assertions.*;\n"
_CAPTURE_IMPORTS = (
    "\nimport java.io.ByteArrayOutputStream;\nimport java.io.PrintStream;\n"
    "import java.nio.charset.StandardCharsets;\n"
)
_CAPTURE_PRINTED = """
private static String capture(Runnable action) {
    PrintStream original = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
        action.run();
    } finally {
        System.setOut(original);
    }
    return buffer.toString(StandardCharsets.UTF_8);
}
"""
_CAPTURE_RETURNED = """
private static <T> T capture(StringBuilder out, Supplier<T> action) {
    PrintStream original = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
        return action.get();
    } finally {
        System.setOut(original);
        out.append(buffer.toString(StandardCharsets.UTF_8));
    }
}
"""


def _printing(kind: JavaKind, expr: str, style: str) -> list[str]:
    """The lines replacing the body's `return <expr>;` in the stdout and mixed styles."""
    name, lines = expr, []
    if not expr.isidentifier():  # a plain variable is printed directly
        name, lines = "result", [f"{kind.name} result = {expr};"]
    lines += re.sub(r"\bresult\b", name, indent(kind.printer, 0)).split("\n")
    return lines + ([f"return {name};"] if style == "mixed" else [])


def class_name(slug: str) -> str:
    """The Java class of a problem: its slug in PascalCase (never ending in "Test")."""
    return "".join(part.capitalize() for part in slug.split("-"))


@dataclass(frozen=True, slots=True)
class JavaTemplate:
    spec: TypedProblem
    body: str
    helpers: str = ""
    styles: tuple[str, ...] = PROBLEM_STYLES

    @property
    def problem(self) -> Problem:
        return self.spec.problem

    @property
    def name(self) -> str:
        return class_name(self.problem.slug)

    def declaration(self, style: str) -> str:
        returns = "void" if style == "stdout" else KINDS[self.spec.returns].name
        params = ", ".join(f"{KINDS[kind].name} {name}" for name, kind in self.spec.params)
        return f"public static {returns} solve({params})"

    def render(self, params: Params, style: str, cases: Sequence[Case]) -> Rendering:
        declaration = self.declaration(style)
        sample_inputs, sample_outputs = samples(self.spec, style, cases)
        return Rendering(
            description=describe(self.spec, params, style, f"`{declaration}` in class `{self.name}`", cases),
            starter_code=self._starter(params, style),
            reference_solution=self.reference(params, style),
            test_suite=self._suite(style, cases),
            sample_inputs=sample_inputs,
            sample_outputs=sample_outputs,
        )

    def _class(self, style: str, solve_body: str, helpers: str = "") -> str:
        members = f"    {self.declaration(style)} {{\n{indent(solve_body, 8)}\n    }}\n"
        if helpers.strip():
            members += f"\n{indent(helpers, 4)}\n"
        return f"import java.util.*;\n\npublic class {self.name} {{\n{members}}}\n"

    def _starter(self, params: Params, style: str) -> str:
        answer, printed = fill(self.problem.answer, params), self.problem.printed
        todo = {
            "return": f"// TODO: return {answer}.",
            "stdout": f"// TODO: print {answer} {printed}.",
            "mixed": f"// TODO: return {answer} and also print it {printed}.",
        }[style]
        default = "" if style == "stdout" else f"\nreturn {KINDS[self.spec.returns].default};"
        return self._class(style, todo + default)

    def reference(self, params: Params, style: str) -> str:
        """The reference solution for one parameter set and style."""
        lines = indent(fill(self.body, params), 0).split("\n")
        last = _LAST_RETURN.match(lines[-1])
        if last is None:
            raise ValueError(f"{self.problem.slug}: the Java body must end with `return <expr>;`")
        if style != "return":
            lines[-1:] = _printing(KINDS[self.spec.returns], last.group(1), style)
        return self._class(style, "\n".join(lines), fill(self.helpers, params))

    def call(self, args: tuple[Any, ...]) -> str:
        """The expression calling solve with one case's arguments."""
        values = (KINDS[kind].literal(v) for (_, kind), v in zip(self.spec.params, args, strict=True))
        return f"{self.name}.solve({', '.join(values)})"

    def _check(self, case: Case, style: str) -> str:
        kind = KINDS[self.spec.returns]
        assertion = "assertArrayEquals" if kind.array else "assertEquals"
        expected, call = kind.literal(case.expected), self.call(case.args)
        printed = quoted(self.problem.show(case.expected) + "\n")
        if style == "return":
            return f"{assertion}({expected}, {call});"
        if style == "stdout":
            return f"assertEquals({printed}, capture(() -> {call}));"
        return (
            "StringBuilder out = new StringBuilder();\n"
            f"{kind.name} result = capture(out, () -> {call});\n"
            f"{assertion}({expected}, result);\n"
            f"assertEquals({printed}, out.toString());"
        )

    def _suite(self, style: str, cases: Sequence[Case]) -> str:
        tests = [
            f"    @Test\n    void test_case_{i}() {{\n{indent(self._check(case, style), 8)}\n    }}\n"
            for i, case in enumerate(cases, 1)
        ]
        head, helper = _SUITE_HEAD, ""
        if style == "stdout":
            head, helper = head + _CAPTURE_IMPORTS, _CAPTURE_PRINTED
        elif style == "mixed":
            head = head + _CAPTURE_IMPORTS + "import java.util.function.Supplier;\n"
            helper = _CAPTURE_RETURNED
        body = "\n".join(tests) + (f"\n{indent(helper, 4)}\n" if helper else "")
        return f"{head}\npublic class {self.name}Test {{\n{body}}}\n"


TEMPLATES: tuple[JavaTemplate, ...] = (
    JavaTemplate(
        algorithms.RISING_RUN,
        body="""
        int best = 0;
        int current = 0;
        for (int i = 0; i < values.length; i++) {
            current = (i > 0 && values[i] $compare values[i - 1]) ? current + 1 : 1;
            best = Math.max(best, current);
        }
        return best;
        """,
    ),
    JavaTemplate(
        algorithms.BEST_WINDOW,
        body="""
        int window = 0;
        for (int i = 0; i < $k; i++) {
            window += values[i];
        }
        int best = window;
        for (int i = $k; i < values.length; i++) {
            window += values[i] - values[i - $k];
            best = Math.max(best, window);
        }
        return best;
        """,
    ),
    JavaTemplate(
        algorithms.LETTER_SHIFT,
        body="""
        StringBuilder encoded = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c >= 'a' && c <= 'z') {
                encoded.append((char) ('a' + (c - 'a' + $shift) % 26));
            } else if (c >= 'A' && c <= 'Z') {
                encoded.append((char) ('A' + (c - 'A' + $shift) % 26));
            } else {
                encoded.append(c);
            }
        }
        return encoded.toString();
        """,
    ),
    JavaTemplate(
        algorithms.UNPACK_RUNS,
        body="""
        StringBuilder expanded = new StringBuilder();
        int count = 0;
        for (char c : packed.toCharArray()) {
            if (Character.isDigit(c)) {
                count = count * 10 + (c - '0');
            } else {
                expanded.append(String.valueOf(c).repeat(Math.max(count, 1)));
                count = 0;
            }
        }
        return expanded.toString();
        """,
    ),
    JavaTemplate(
        algorithms.MOST_REQUESTED,
        body="""
        Map<String, Integer> counts = new HashMap<>();
        for (String request : requests) {
            counts.merge(request, 1, Integer::sum);
        }
        String best = requests[0];
        for (String request : requests) {
            if (counts.get(request) > counts.get(best)) {
                best = request;
            }
        }
        return best;
        """,
    ),
    JavaTemplate(
        algorithms.ANAGRAM_GROUPS,
        body="""
        Map<String, Integer> families = new HashMap<>();
        int largest = 0;
        for (String word : words) {
            char[] letters = word.toCharArray();
            Arrays.sort(letters);
            largest = Math.max(largest, families.merge(new String(letters), 1, Integer::sum));
        }
        return largest;
        """,
    ),
    JavaTemplate(
        algorithms.TARGET_STRETCHES,
        body="""
        Map<Integer, Integer> totalsSeen = new HashMap<>();
        totalsSeen.put(0, 1);
        int running = 0;
        int stretches = 0;
        for (int change : changes) {
            running += change;
            stretches += totalsSeen.getOrDefault(running - target, 0);
            totalsSeen.merge(running, 1, Integer::sum);
        }
        return stretches;
        """,
    ),
    JavaTemplate(
        algorithms.HAILSTONE,
        body="""
        return steps(n);
        """,
        helpers="""
        private static int steps(long n) {
            if (n == 1) {
                return 0;
            }
            return 1 + steps(n % 2 == 0 ? n / 2 : 3 * n + 1);
        }
        """,
    ),
    JavaTemplate(
        algorithms.EXACT_LOADS,
        body="""
        return count(weights, 0, target);
        """,
        helpers="""
        private static int count(int[] weights, int index, int remaining) {
            if (index == weights.length) {
                return remaining == 0 ? 1 : 0;
            }
            int skip = count(weights, index + 1, remaining);
            int take = count(weights, index + 1, remaining - weights[index]);
            return skip + take;
        }
        """,
    ),
    JavaTemplate(
        algorithms.TOWER_MOVE,
        body="""
        return move(disks, step, '$source', '$spare', '$target');
        """,
        helpers="""
        private static String move(int disks, int step, char from, char via, char to) {
            int middle = 1 << (disks - 1);
            if (step == middle) {
                return from + "->" + to;
            }
            if (step < middle) {
                return move(disks - 1, step, from, to, via);
            }
            return move(disks - 1, step - middle, via, from, to);
        }
        """,
    ),
    JavaTemplate(
        algorithms.TOP_SCORES,
        body="""
        int[] sorted = scores.clone();
        Arrays.sort(sorted);
        int count = Math.min($k, sorted.length);
        int[] podium = new int[count];
        for (int i = 0; i < count; i++) {
            podium[i] = sorted[sorted.length - 1 - i];
        }
        return podium;
        """,
    ),
    JavaTemplate(
        algorithms.COVERED_MINUTES,
        body="""
        int[][] sorted = bookings.clone();
        Arrays.sort(sorted, (a, b) -> Integer.compare(a[0], b[0]));
        int covered = 0;
        int reach = Integer.MIN_VALUE;
        for (int[] booking : sorted) {
            int from = Math.max(booking[0], reach);
            if (booking[1] > from) {
                covered += booking[1] - from;
            }
            reach = Math.max(reach, booking[1]);
        }
        return covered;
        """,
    ),
    JavaTemplate(
        algorithms.FEWEST_SWAPS,
        body="""
        int[] sorted = labels.clone();
        Arrays.sort(sorted);
        Map<Integer, Integer> home = new HashMap<>();
        for (int i = 0; i < sorted.length; i++) {
            home.put(sorted[i], i);
        }
        boolean[] visited = new boolean[labels.length];
        int swaps = 0;
        for (int i = 0; i < labels.length; i++) {
            int cycle = 0;
            for (int j = i; !visited[j]; j = home.get(labels[j])) {
                visited[j] = true;
                cycle++;
            }
            swaps += Math.max(cycle - 1, 0);
        }
        return swaps;
        """,
    ),
    JavaTemplate(
        algorithms.MERGE_QUEUES,
        body="""
        int[] merged = new int[first.length + second.length];
        int i = 0;
        int j = 0;
        for (int k = 0; k < merged.length; k++) {
            if (j == second.length || (i < first.length && first[i] <= second[j])) {
                merged[k] = first[i++];
            } else {
                merged[k] = second[j++];
            }
        }
        return merged;
        """,
    ),
    JavaTemplate(
        algorithms.CLOSEST_PAIR,
        body="""
        int[] sorted = prices.clone();
        Arrays.sort(sorted);
        int left = 0;
        int right = sorted.length - 1;
        int best = Integer.MAX_VALUE;
        while (left < right) {
            int total = sorted[left] + sorted[right];
            best = Math.min(best, Math.abs(total - budget));
            if (total < budget) {
                left++;
            } else {
                right--;
            }
        }
        return best;
        """,
    ),
    JavaTemplate(
        algorithms.SPACED_PICKS,
        body="""
        int[] best = new int[values.length + 1];
        for (int i = 1; i <= values.length; i++) {
            int pick = values[i - 1] + best[Math.max(i - 1 - $gap, 0)];
            best[i] = Math.max(best[i - 1], pick);
        }
        return best[values.length];
        """,
    ),
    JavaTemplate(
        algorithms.STAIR_STRIDES,
        body="""
        long[] ways = new long[steps + 1];
        ways[0] = 1;
        for (int height = 1; height <= steps; height++) {
            for (int stride : new int[] {$strides}) {
                if (stride <= height) {
                    ways[height] += ways[height - stride];
                }
            }
        }
        return ways[steps];
        """,
    ),
    JavaTemplate(
        algorithms.CHEAPEST_DESCENT,
        body="""
        int rows = grid.length;
        int cols = grid[0].length;
        int[][] cheapest = new int[rows][cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                int before;
                if (r == 0 && c == 0) {
                    before = 0;
                } else if (r == 0) {
                    before = cheapest[r][c - 1];
                } else if (c == 0) {
                    before = cheapest[r - 1][c];
                } else {
                    before = Math.min(cheapest[r - 1][c], cheapest[r][c - 1]);
                }
                cheapest[r][c] = before + grid[r][c];
            }
        }
        return cheapest[rows - 1][cols - 1];
        """,
    ),
    JavaTemplate(
        algorithms.SHARED_SUBSEQUENCE,
        body="""
        int[][] best = new int[first.length() + 1][second.length() + 1];
        for (int i = 1; i <= first.length(); i++) {
            for (int j = 1; j <= second.length(); j++) {
                if (first.charAt(i - 1) == second.charAt(j - 1)) {
                    best[i][j] = best[i - 1][j - 1] + 1;
                } else {
                    best[i][j] = Math.max(best[i - 1][j], best[i][j - 1]);
                }
            }
        }
        return best[first.length()][second.length()];
        """,
    ),
    JavaTemplate(
        algorithms.NETWORK_ISLANDS,
        body="""
        List<List<Integer>> neighbours = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            neighbours.add(new ArrayList<>());
        }
        for (int[] link : links) {
            neighbours.get(link[0]).add(link[1]);
            neighbours.get(link[1]).add(link[0]);
        }
        boolean[] visited = new boolean[nodes];
        int islands = 0;
        for (int start = 0; start < nodes; start++) {
            if (visited[start]) {
                continue;
            }
            islands++;
            visited[start] = true;
            Deque<Integer> queue = new ArrayDeque<>(List.of(start));
            while (!queue.isEmpty()) {
                for (int next : neighbours.get(queue.poll())) {
                    if (!visited[next]) {
                        visited[next] = true;
                        queue.add(next);
                    }
                }
            }
        }
        return islands;
        """,
    ),
    JavaTemplate(
        algorithms.FEWEST_HOPS,
        body="""
        List<List<Integer>> neighbours = new ArrayList<>();
        for (int i = 0; i < stops; i++) {
            neighbours.add(new ArrayList<>());
        }
        for (int[] route : routes) {
            neighbours.get(route[0]).add(route[1]);
            neighbours.get(route[1]).add(route[0]);
        }
        int[] hops = new int[stops];
        Arrays.fill(hops, -1);
        hops[start] = 0;
        Deque<Integer> queue = new ArrayDeque<>(List.of(start));
        while (!queue.isEmpty()) {
            int stop = queue.poll();
            for (int next : neighbours.get(stop)) {
                if (hops[next] == -1) {
                    hops[next] = hops[stop] + 1;
                    queue.add(next);
                }
            }
        }
        return hops[goal];
        """,
    ),
    JavaTemplate(
        algorithms.TWO_TEAMS,
        body="""
        List<List<Integer>> rivals = new ArrayList<>();
        for (int i = 0; i < players; i++) {
            rivals.add(new ArrayList<>());
        }
        for (int[] rivalry : rivalries) {
            rivals.get(rivalry[0]).add(rivalry[1]);
            rivals.get(rivalry[1]).add(rivalry[0]);
        }
        int[] team = new int[players];
        Arrays.fill(team, -1);
        boolean possible = true;
        for (int start = 0; start < players && possible; start++) {
            if (team[start] != -1) {
                continue;
            }
            team[start] = 0;
            Deque<Integer> queue = new ArrayDeque<>(List.of(start));
            while (!queue.isEmpty() && possible) {
                int player = queue.poll();
                for (int rival : rivals.get(player)) {
                    if (team[rival] == -1) {
                        team[rival] = 1 - team[player];
                        queue.add(rival);
                    } else if (team[rival] == team[player]) {
                        possible = false;
                    }
                }
            }
        }
        return possible;
        """,
    ),
    JavaTemplate(
        algorithms.CHEAPEST_ROUTE,
        body="""
        List<List<int[]>> roadsFrom = new ArrayList<>();
        for (int i = 0; i < cities; i++) {
            roadsFrom.add(new ArrayList<>());
        }
        for (int[] road : roads) {
            roadsFrom.get(road[0]).add(new int[] {road[1], road[2]});
            roadsFrom.get(road[1]).add(new int[] {road[0], road[2]});
        }
        int[] cost = new int[cities];
        Arrays.fill(cost, Integer.MAX_VALUE);
        cost[origin] = 0;
        PriorityQueue<int[]> frontier = new PriorityQueue<>((a, b) -> Integer.compare(a[1], b[1]));
        frontier.add(new int[] {origin, 0});
        while (!frontier.isEmpty()) {
            int[] entry = frontier.poll();
            int city = entry[0];
            if (entry[1] > cost[city]) {
                continue;
            }
            for (int[] road : roadsFrom.get(city)) {
                int total = entry[1] + road[1];
                if (total < cost[road[0]]) {
                    cost[road[0]] = total;
                    frontier.add(new int[] {road[0], total});
                }
            }
        }
        return cost[destination] == Integer.MAX_VALUE ? -1 : cost[destination];
        """,
    ),
)
