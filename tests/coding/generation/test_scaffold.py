"""Guided scaffolding (codemm.md §10.8): which bodies are blanked, and what replaces them."""

import pytest

from acelab.coding.generation.scaffold import BEGIN, scaffold, todo_lines
from acelab.coding.generation.slots import Pedagogy

JAVA = """import java.util.*;
public class Ledger {
    private final List<Integer> items = new ArrayList<>();
    public Ledger() { items.add(0); }
    public void add(int x) { items.add(x); }
    public int count() { return items.size(); }
    public int total() {
        int t = 0;
        for (int v : items) { t += v; }
        return t;
    }
    public int max() {
        int m = Integer.MIN_VALUE; // "}" in a comment
        for (int v : items) { m = Math.max(m, v); }
        return m;
    }
    public String label() { return "{" + count() + "}"; }
    public static void main(String[] args) { System.out.println(new Ledger().total()); }
}
"""

PYTHON = """import math


def helper(x):
    return x * 2


def solve(xs):
    total = 0
    for x in xs:
        total += helper(x)
    return total
"""

CPP = """#include <bits/stdc++.h>
int solve(const std::vector<int>& v) {
    int s = 0;
    for (int x : v) { s += x; }
    return s;
}
"""


@pytest.mark.parametrize(("level", "blanked"), [(80, 1), (60, 2), (30, 4), (10, 5)])
def test_java_blanks_fewer_methods_the_higher_the_level(level, blanked):
    out = scaffold("java", JAVA, "", Pedagogy(level, "lists", False), ("arrays",))
    assert out.count('throw new UnsupportedOperationException("TODO");') == blanked
    assert "System.out.println(new Ledger().total());" in out  # main is never blanked
    assert "public Ledger() { items.add(0); }" in out  # nor the constructor


def test_java_blanks_the_largest_bodies_first():
    out = scaffold("java", JAVA, "", Pedagogy(80, "lists", False), ("arrays",))
    assert "Math.max" not in out and "t += v" in out


def test_python_always_blanks_solve_and_keeps_the_header():
    out = scaffold("python", PYTHON, "", Pedagogy(80, "loops", True), ("arrays",))
    assert "def solve(xs):\n    # BEGIN STUDENT TODO" in out
    assert 'raise NotImplementedError("TODO")' in out and "return x * 2" in out
    low = scaffold("python", PYTHON, "", Pedagogy(10, "", False), ("arrays",))
    assert low.count("NotImplementedError") == 2


def test_cpp_blanks_solve_only():
    out = scaffold("cpp", CPP, "", Pedagogy(50, "sums", False), ("arrays",))
    assert "s += x" not in out and 'throw std::runtime_error("TODO");' in out
    assert out.startswith("#include <bits/stdc++.h>\nint solve(const std::vector<int>& v) {")


def test_sql_puts_the_block_above_the_starter_query():
    out = scaffold("sql", "SELECT name FROM t;", "SELECT 1;", Pedagogy(50, "joins", False), ("joins",))
    assert out.splitlines()[0] == f"-- {BEGIN}" and out.rstrip().endswith("SELECT 1;")


def test_nothing_to_blank_falls_back_to_the_starter_never_the_reference():
    reference = "solve = lambda xs: sum(xs)\n"
    assert scaffold("python", reference, "def solve(xs):\n    return 0\n", Pedagogy(50, "", False), ()) == (
        "def solve(xs):\n    return 0\n"
    )


@pytest.mark.parametrize(
    ("level", "first"),
    [
        (80, "TODO: Implement the missing core logic (graphs)."),
        (50, "TODO: Implement the missing logic (graphs)."),
        (30, "TODO: Implement this (graphs)."),
        (10, "TODO: Implement this."),
    ],
)
def test_todo_block_by_level(level, first):
    lines = todo_lines(Pedagogy(level, "graphs", True), ("graphs",))
    assert lines[0] == BEGIN and lines[1] == first and lines[-1] == "END STUDENT TODO"


def test_concept_hints_for_minimum_spanning_trees():
    lines = todo_lines(Pedagogy(90, "Kruskal MST", True), ("graphs",))
    assert "Hint: Use Union-Find to track which nodes are already connected." in lines
    assert not any("Union-Find" in line for line in todo_lines(Pedagogy(90, "Kruskal MST", False), ()))
