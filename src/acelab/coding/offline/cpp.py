"""Offline C++ problems: each template is one CppTemplate over a shared TypedProblem.

A template's `body` is the body of the reference `solve` (C++20, any indentation, `$params`
substituted), written with a single exit: its last line is `return <expr>;` and no other
`return` belongs to solve itself (lambdas may return). The renderer turns that line into a print
for the stdout style and a print plus return for the mixed style. Everything stays inside solve,
recursion included (as a local std::function): guided mode blanks only solve's body
(codemm.md §10.8) and must not leave the answer in a helper.

Suites follow codemm.md §10.4.3: `#include "solution.cpp"`, a variadic RUN_TEST printing
[PASS]/[FAIL] lines, test_case_1..8 called from main(); the stdout styles swap std::cout's rdbuf.
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


def _braced(element: Callable[[Any], str]) -> Callable[[Any], str]:
    return lambda values: "{" + ", ".join(element(v) for v in values) + "}"


@dataclass(frozen=True, slots=True)
class CppKind:
    name: str
    literal: Callable[[Any], str]  # an expression of exactly this type
    by_reference: bool = False  # passed as `const T&`
    printer: str = 'std::cout << result << "\\n";'  # prints `result` as Kind.show does

    def parameter(self, name: str) -> str:
        return f"const {self.name}& {name}" if self.by_reference else f"{self.name} {name}"


_PRINT_SPACED = """
for (std::size_t i = 0; i < result.size(); ++i) {
  std::cout << (i == 0 ? "" : " ") << result[i];
}
std::cout << "\\n";
"""

KINDS: dict[Kind, CppKind] = {
    Kind.INT: CppKind("int", str),
    Kind.LONG: CppKind("long long", lambda v: f"{v}LL"),
    Kind.BOOL: CppKind(
        "bool",
        lambda v: "true" if v else "false",
        printer='std::cout << (result ? "true" : "false") << "\\n";',
    ),
    Kind.STR: CppKind("std::string", lambda v: f"std::string({quoted(v)})", by_reference=True),
    Kind.INT_LIST: CppKind(
        "std::vector<int>", lambda v: f"std::vector<int>{_braced(str)(v)}", True, _PRINT_SPACED
    ),
    Kind.STR_LIST: CppKind(
        "std::vector<std::string>",
        lambda v: f"std::vector<std::string>{_braced(quoted)(v)}",
        True,
        _PRINT_SPACED,
    ),
    Kind.INT_ROWS: CppKind(
        "std::vector<std::vector<int>>",
        lambda v: f"std::vector<std::vector<int>>{_braced(_braced(str))(v)}",
        by_reference=True,
    ),
}

_HARNESS = """
static int failures = 0;

#define RUN_TEST(name, ...)                                                 \\
  do {                                                                      \\
    try {                                                                   \\
      __VA_ARGS__;                                                          \\
      std::cout << "[PASS] " << (name) << "\\n";                             \\
    } catch (const std::exception& error) {                                 \\
      std::cout << "[FAIL] " << (name) << ": " << error.what() << "\\n";     \\
      ++failures;                                                           \\
    }                                                                       \\
  } while (0)

template <typename T>
std::string describe(const T& value) {
  std::ostringstream text;
  if constexpr (std::is_same_v<T, std::string>) {
    text << '"' << value << '"';
  } else if constexpr (std::is_same_v<T, bool>) {
    text << (value ? "true" : "false");
  } else if constexpr (requires { value.begin(); }) {
    text << "{";
    for (auto it = value.begin(); it != value.end(); ++it) {
      text << (it == value.begin() ? "" : ", ") << describe(*it);
    }
    text << "}";
  } else {
    text << value;
  }
  return text.str();
}

template <typename T>
void expect_eq(const T& actual, const T& expected) {
  if (!(actual == expected)) {
    throw std::runtime_error("expected " + describe(expected) + ", got " + describe(actual));
  }
}
"""
_CAPTURE = """
template <typename Action>
std::string capture_stdout(Action action) {
  std::ostringstream captured;
  std::streambuf* saved = std::cout.rdbuf(captured.rdbuf());
  try {
    action();
  } catch (...) {
    std::cout.rdbuf(saved);
    throw;
  }
  std::cout.rdbuf(saved);
  return captured.str();
}
"""


def _printing(kind: CppKind, expr: str, style: str) -> list[str]:
    """The lines replacing the body's `return <expr>;` in the stdout and mixed styles."""
    name, lines = expr, []
    if not expr.isidentifier():  # a plain variable is printed directly
        name, lines = "result", [f"const {kind.name} result = {expr};"]
    lines += re.sub(r"\bresult\b", name, indent(kind.printer, 0)).split("\n")
    return lines + ([f"return {name};"] if style == "mixed" else [])


@dataclass(frozen=True, slots=True)
class CppTemplate:
    spec: TypedProblem
    body: str
    styles: tuple[str, ...] = PROBLEM_STYLES

    @property
    def problem(self) -> Problem:
        return self.spec.problem

    def declaration(self, style: str) -> str:
        returns = "void" if style == "stdout" else KINDS[self.spec.returns].name
        params = ", ".join(KINDS[kind].parameter(name) for name, kind in self.spec.params)
        return f"{returns} solve({params})"

    def render(self, params: Params, style: str, cases: Sequence[Case]) -> Rendering:
        sample_inputs, sample_outputs = samples(self.spec, style, cases)
        return Rendering(
            description=describe(self.spec, params, style, f"`{self.declaration(style)}`", cases),
            starter_code=self._starter(params, style),
            reference_solution=self.reference(params, style),
            test_suite=self._suite(style, cases),
            sample_inputs=sample_inputs,
            sample_outputs=sample_outputs,
        )

    def _function(self, style: str, body: str) -> str:
        return f"#include <bits/stdc++.h>\n\n{self.declaration(style)} {{\n{indent(body, 2)}\n}}\n"

    def _starter(self, params: Params, style: str) -> str:
        answer, printed = fill(self.problem.answer, params), self.problem.printed
        todo = {
            "return": f"// TODO: return {answer}.",
            "stdout": f"// TODO: print {answer} {printed}.",
            "mixed": f"// TODO: return {answer} and also print it {printed}.",
        }[style]
        return self._function(style, todo if style == "stdout" else f"{todo}\nreturn {{}};")

    def reference(self, params: Params, style: str) -> str:
        """The reference solution for one parameter set and style."""
        lines = indent(fill(self.body, params), 0).split("\n")
        last = _LAST_RETURN.match(lines[-1])
        if last is None:
            raise ValueError(f"{self.problem.slug}: the C++ body must end with `return <expr>;`")
        if style != "return":
            lines[-1:] = _printing(KINDS[self.spec.returns], last.group(1), style)
        return self._function(style, "\n".join(lines))

    def call(self, args: tuple[Any, ...]) -> str:
        """The expression calling solve with one case's arguments."""
        values = (KINDS[kind].literal(v) for (_, kind), v in zip(self.spec.params, args, strict=True))
        return f"solve({', '.join(values)})"

    def _check(self, case: Case, style: str) -> str:
        kind = KINDS[self.spec.returns]
        expected, call = kind.literal(case.expected), self.call(case.args)
        line = self.problem.show(case.expected) + "\n"
        printed = f"std::string({quoted(line)})"
        if style == "return":
            return f"expect_eq({call}, {expected});"
        if style == "stdout":
            return f"expect_eq(capture_stdout([] {{ {call}; }}), {printed});"
        return (
            f"{kind.name} result{{}};\n"
            f"const std::string out = capture_stdout([&] {{ result = {call}; }});\n"
            f"expect_eq(result, {expected});\n"
            f"expect_eq(out, {printed});"
        )

    def _suite(self, style: str, cases: Sequence[Case]) -> str:
        tests = []
        for i, case in enumerate(cases, 1):
            check = self._check(case, style)
            if "\n" in check:
                tests.append(f'  RUN_TEST("test_case_{i}", {{\n{indent(check, 4)}\n  }});')
            else:
                tests.append(f'  RUN_TEST("test_case_{i}", {{ {check} }});')
        helpers = indent(_HARNESS, 0) + ("\n\n" + indent(_CAPTURE, 0) if style != "return" else "")
        main = "int main() {\n" + "\n".join(tests) + "\n  return failures == 0 ? 0 : 1;\n}\n"
        return f'#include <bits/stdc++.h>\n#include "solution.cpp"\n\n{helpers}\n\n{main}'


TEMPLATES: tuple[CppTemplate, ...] = (
    CppTemplate(
        algorithms.RISING_RUN,
        body="""
        int best = 0;
        int current = 0;
        for (std::size_t i = 0; i < values.size(); ++i) {
          current = (i > 0 && values[i] $compare values[i - 1]) ? current + 1 : 1;
          best = std::max(best, current);
        }
        return best;
        """,
    ),
    CppTemplate(
        algorithms.BEST_WINDOW,
        body="""
        const std::size_t k = $k;
        int window = std::accumulate(values.begin(), values.begin() + k, 0);
        int best = window;
        for (std::size_t i = k; i < values.size(); ++i) {
          window += values[i] - values[i - k];
          best = std::max(best, window);
        }
        return best;
        """,
    ),
    CppTemplate(
        algorithms.LETTER_SHIFT,
        body="""
        std::string encoded;
        for (char c : text) {
          if (c >= 'a' && c <= 'z') {
            encoded += static_cast<char>('a' + (c - 'a' + $shift) % 26);
          } else if (c >= 'A' && c <= 'Z') {
            encoded += static_cast<char>('A' + (c - 'A' + $shift) % 26);
          } else {
            encoded += c;
          }
        }
        return encoded;
        """,
    ),
    CppTemplate(
        algorithms.UNPACK_RUNS,
        body="""
        std::string expanded;
        int count = 0;
        for (char c : packed) {
          if (std::isdigit(static_cast<unsigned char>(c))) {
            count = count * 10 + (c - '0');
          } else {
            expanded.append(std::max(count, 1), c);
            count = 0;
          }
        }
        return expanded;
        """,
    ),
    CppTemplate(
        algorithms.MOST_REQUESTED,
        body="""
        std::unordered_map<std::string, int> counts;
        for (const std::string& request : requests) {
          ++counts[request];
        }
        std::string best = requests.front();
        for (const std::string& request : requests) {
          if (counts[request] > counts[best]) {
            best = request;
          }
        }
        return best;
        """,
    ),
    CppTemplate(
        algorithms.ANAGRAM_GROUPS,
        body="""
        std::unordered_map<std::string, int> families;
        int largest = 0;
        for (const std::string& word : words) {
          std::string letters = word;
          std::sort(letters.begin(), letters.end());
          largest = std::max(largest, ++families[letters]);
        }
        return largest;
        """,
    ),
    CppTemplate(
        algorithms.TARGET_STRETCHES,
        body="""
        std::unordered_map<int, int> totals_seen{{0, 1}};
        int running = 0;
        int stretches = 0;
        for (int change : changes) {
          running += change;
          if (auto match = totals_seen.find(running - target); match != totals_seen.end()) {
            stretches += match->second;
          }
          ++totals_seen[running];
        }
        return stretches;
        """,
    ),
    CppTemplate(
        algorithms.HAILSTONE,
        body="""
        std::function<int(long long)> steps = [&](long long value) -> int {
          if (value == 1) {
            return 0;
          }
          return 1 + steps(value % 2 == 0 ? value / 2 : 3 * value + 1);
        };
        return steps(n);
        """,
    ),
    CppTemplate(
        algorithms.EXACT_LOADS,
        body="""
        std::function<int(std::size_t, int)> count = [&](std::size_t index, int remaining) -> int {
          if (index == weights.size()) {
            return remaining == 0 ? 1 : 0;
          }
          return count(index + 1, remaining) + count(index + 1, remaining - weights[index]);
        };
        return count(0, target);
        """,
    ),
    CppTemplate(
        algorithms.TOWER_MOVE,
        body="""
        std::function<std::string(int, int, char, char, char)> find_move =
            [&](int tower, int k, char from, char via, char to) -> std::string {
          const int middle = 1 << (tower - 1);
          if (k == middle) {
            return std::string{from} + "->" + to;
          }
          if (k < middle) {
            return find_move(tower - 1, k, from, to, via);
          }
          return find_move(tower - 1, k - middle, via, from, to);
        };
        return find_move(disks, step, '$source', '$spare', '$target');
        """,
    ),
    CppTemplate(
        algorithms.TOP_SCORES,
        body="""
        std::vector<int> podium = scores;
        std::sort(podium.begin(), podium.end(), std::greater<int>());
        podium.resize(std::min<std::size_t>($k, podium.size()));
        return podium;
        """,
    ),
    CppTemplate(
        algorithms.COVERED_MINUTES,
        body="""
        std::vector<std::vector<int>> sorted = bookings;
        std::sort(sorted.begin(), sorted.end());
        int covered = 0;
        int reach = std::numeric_limits<int>::min();
        for (const std::vector<int>& booking : sorted) {
          const int from = std::max(booking[0], reach);
          if (booking[1] > from) {
            covered += booking[1] - from;
          }
          reach = std::max(reach, booking[1]);
        }
        return covered;
        """,
    ),
    CppTemplate(
        algorithms.FEWEST_SWAPS,
        body="""
        std::vector<int> sorted = labels;
        std::sort(sorted.begin(), sorted.end());
        std::unordered_map<int, std::size_t> home;
        for (std::size_t i = 0; i < sorted.size(); ++i) {
          home[sorted[i]] = i;
        }
        std::vector<bool> visited(labels.size(), false);
        int swaps = 0;
        for (std::size_t i = 0; i < labels.size(); ++i) {
          int cycle = 0;
          for (std::size_t j = i; !visited[j]; j = home[labels[j]]) {
            visited[j] = true;
            ++cycle;
          }
          swaps += std::max(cycle - 1, 0);
        }
        return swaps;
        """,
    ),
    CppTemplate(
        algorithms.MERGE_QUEUES,
        body="""
        std::vector<int> merged;
        merged.reserve(first.size() + second.size());
        std::size_t i = 0;
        std::size_t j = 0;
        while (i < first.size() || j < second.size()) {
          if (j == second.size() || (i < first.size() && first[i] <= second[j])) {
            merged.push_back(first[i++]);
          } else {
            merged.push_back(second[j++]);
          }
        }
        return merged;
        """,
    ),
    CppTemplate(
        algorithms.CLOSEST_PAIR,
        body="""
        std::vector<int> sorted = prices;
        std::sort(sorted.begin(), sorted.end());
        std::size_t left = 0;
        std::size_t right = sorted.size() - 1;
        int best = std::numeric_limits<int>::max();
        while (left < right) {
          const int total = sorted[left] + sorted[right];
          best = std::min(best, std::abs(total - budget));
          if (total < budget) {
            ++left;
          } else {
            --right;
          }
        }
        return best;
        """,
    ),
    CppTemplate(
        algorithms.SPACED_PICKS,
        body="""
        const int n = static_cast<int>(values.size());
        std::vector<int> best(n + 1, 0);
        for (int i = 1; i <= n; ++i) {
          const int pick = values[i - 1] + best[std::max(i - 1 - $gap, 0)];
          best[i] = std::max(best[i - 1], pick);
        }
        return best[n];
        """,
    ),
    CppTemplate(
        algorithms.STAIR_STRIDES,
        body="""
        std::vector<long long> ways(steps + 1, 0);
        ways[0] = 1;
        for (int height = 1; height <= steps; ++height) {
          for (int stride : {$strides}) {
            if (stride <= height) {
              ways[height] += ways[height - stride];
            }
          }
        }
        return ways[steps];
        """,
    ),
    CppTemplate(
        algorithms.CHEAPEST_DESCENT,
        body="""
        const std::size_t rows = grid.size();
        const std::size_t cols = grid[0].size();
        std::vector<std::vector<int>> cheapest(rows, std::vector<int>(cols, 0));
        for (std::size_t r = 0; r < rows; ++r) {
          for (std::size_t c = 0; c < cols; ++c) {
            int before = 0;
            if (r > 0 && c > 0) {
              before = std::min(cheapest[r - 1][c], cheapest[r][c - 1]);
            } else if (r > 0) {
              before = cheapest[r - 1][c];
            } else if (c > 0) {
              before = cheapest[r][c - 1];
            }
            cheapest[r][c] = before + grid[r][c];
          }
        }
        return cheapest[rows - 1][cols - 1];
        """,
    ),
    CppTemplate(
        algorithms.SHARED_SUBSEQUENCE,
        body="""
        std::vector<std::vector<int>> best(first.size() + 1, std::vector<int>(second.size() + 1, 0));
        for (std::size_t i = 1; i <= first.size(); ++i) {
          for (std::size_t j = 1; j <= second.size(); ++j) {
            if (first[i - 1] == second[j - 1]) {
              best[i][j] = best[i - 1][j - 1] + 1;
            } else {
              best[i][j] = std::max(best[i - 1][j], best[i][j - 1]);
            }
          }
        }
        return best[first.size()][second.size()];
        """,
    ),
    CppTemplate(
        algorithms.NETWORK_ISLANDS,
        body="""
        std::vector<std::vector<int>> neighbours(nodes);
        for (const std::vector<int>& link : links) {
          neighbours[link[0]].push_back(link[1]);
          neighbours[link[1]].push_back(link[0]);
        }
        std::vector<bool> visited(nodes, false);
        int islands = 0;
        for (int start = 0; start < nodes; ++start) {
          if (visited[start]) {
            continue;
          }
          ++islands;
          visited[start] = true;
          std::queue<int> queue;
          queue.push(start);
          while (!queue.empty()) {
            const int node = queue.front();
            queue.pop();
            for (int next : neighbours[node]) {
              if (!visited[next]) {
                visited[next] = true;
                queue.push(next);
              }
            }
          }
        }
        return islands;
        """,
    ),
    CppTemplate(
        algorithms.FEWEST_HOPS,
        body="""
        std::vector<std::vector<int>> neighbours(stops);
        for (const std::vector<int>& route : routes) {
          neighbours[route[0]].push_back(route[1]);
          neighbours[route[1]].push_back(route[0]);
        }
        std::vector<int> hops(stops, -1);
        hops[start] = 0;
        std::queue<int> queue;
        queue.push(start);
        while (!queue.empty()) {
          const int stop = queue.front();
          queue.pop();
          for (int next : neighbours[stop]) {
            if (hops[next] == -1) {
              hops[next] = hops[stop] + 1;
              queue.push(next);
            }
          }
        }
        return hops[goal];
        """,
    ),
    CppTemplate(
        algorithms.TWO_TEAMS,
        body="""
        std::vector<std::vector<int>> rivals(players);
        for (const std::vector<int>& rivalry : rivalries) {
          rivals[rivalry[0]].push_back(rivalry[1]);
          rivals[rivalry[1]].push_back(rivalry[0]);
        }
        std::vector<int> team(players, -1);
        bool possible = true;
        for (int start = 0; start < players && possible; ++start) {
          if (team[start] != -1) {
            continue;
          }
          team[start] = 0;
          std::queue<int> queue;
          queue.push(start);
          while (!queue.empty() && possible) {
            const int player = queue.front();
            queue.pop();
            for (int rival : rivals[player]) {
              if (team[rival] == -1) {
                team[rival] = 1 - team[player];
                queue.push(rival);
              } else if (team[rival] == team[player]) {
                possible = false;
              }
            }
          }
        }
        return possible;
        """,
    ),
    CppTemplate(
        algorithms.CHEAPEST_ROUTE,
        body="""
        std::vector<std::vector<std::pair<int, int>>> roads_from(cities);
        for (const std::vector<int>& road : roads) {
          roads_from[road[0]].push_back({road[1], road[2]});
          roads_from[road[1]].push_back({road[0], road[2]});
        }
        const int unreached = std::numeric_limits<int>::max();
        std::vector<int> cost(cities, unreached);
        cost[origin] = 0;
        // (cost so far, city), cheapest first
        std::priority_queue<std::pair<int, int>, std::vector<std::pair<int, int>>, std::greater<>> frontier;
        frontier.push({0, origin});
        while (!frontier.empty()) {
          const auto [so_far, city] = frontier.top();
          frontier.pop();
          if (so_far > cost[city]) {
            continue;
          }
          for (const auto& [next, toll] : roads_from[city]) {
            if (so_far + toll < cost[next]) {
              cost[next] = so_far + toll;
              frontier.push({cost[next], next});
            }
          }
        }
        return cost[destination] == unreached ? -1 : cost[destination];
        """,
    ),
)
