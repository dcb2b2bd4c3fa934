"""Tolerant JSON extraction (codemm.md §12.4), and the fix of §17.2.17: code inside strings is never
altered."""

import json

import pytest

from acelab.coding.llm.json_repair import JsonExtractionError, parse_json

# A generated problem whose strings hold what the original's fence stripping destroyed.
PROBLEM = {
    "title": "Fence counter",
    "description": "Count fences.\n\n```python\nprint(count('```'))\n```\n",
    "starter_code": "def solve(s: str) -> int:\n    # count ``` and ```json // not a comment\n    return 0\n",
    "test_suite": 'assert solve("```json") == 1  # {"a": [1, 2]}\n/* keep */ x = "\\\\"',
}
PROBLEM_TEXT = json.dumps(PROBLEM, indent=2)


class TestExactJson:
    def test_valid_json_is_returned_as_written(self):
        assert parse_json(PROBLEM_TEXT) == PROBLEM

    def test_fence_markers_inside_strings_survive_a_surrounding_fence(self):
        assert parse_json(f"```json\n{PROBLEM_TEXT}\n```") == PROBLEM

    @pytest.mark.parametrize(
        "text",
        [
            '```json\n{"a": 1}\n```',
            '```JSON\n{"a": 1}\n```',
            '```\n{"a": 1}\n```',
            '  \n```json {"a": 1}```  ',
            'Here is the problem:\n```json\n{"a": 1}\n```\nGood luck!',
            # A truncated answer: the closing fence never came.
            '```json\n{"a": 1}',
        ],
    )
    def test_fences_around_the_json_are_taken_off(self, text):
        assert parse_json(text) == {"a": 1}

    def test_prose_around_a_fenced_block_keeps_fences_inside_its_strings(self):
        text = f"Sure! Here it is.\n\n```json\n{PROBLEM_TEXT}\n```\n\nLet me know if you need changes."
        assert parse_json(text) == PROBLEM

    def test_json5_is_accepted(self):
        text = "{\n  // the plan\n  title: 'Two Sum',\n  tags: ['arrays', 'hashing',],\n}"
        assert parse_json(text) == {"title": "Two Sum", "tags": ["arrays", "hashing"]}

    def test_prose_around_an_object_takes_the_brace_span(self):
        assert parse_json('I made this: {"a": {"b": [1, 2]}} Hope it helps!') == {"a": {"b": [1, 2]}}

    def test_prose_around_an_array_takes_the_bracket_span(self):
        assert parse_json('The tags are ["graphs", "bfs"] as requested.') == ["graphs", "bfs"]

    def test_a_json_scalar_is_returned(self):
        assert parse_json('"just text"') == "just text"


class TestRepair:
    def test_a_truncated_object_keeps_everything_before_the_cut(self):
        text = '{"code": "int main() { return 0; }\\n", "expected": "1\\n2\\n", "tests": [1, 2'
        assert parse_json(text) == {
            "code": "int main() { return 0; }\n",
            "expected": "1\n2\n",
            "tests": [1, 2],
        }

    def test_raw_newlines_in_strings_are_read_as_written(self):
        text = '{"starter_code": "def solve():\n\treturn 1\n", "title": "T"}'
        assert parse_json(text) == {"starter_code": "def solve():\n\treturn 1\n", "title": "T"}

    def test_comment_like_and_fence_like_text_inside_strings_survives_a_repair(self):
        code = "int x = 1; // note\n/* block */ # hash ``` fence {braces} [brackets]\n"
        text = json.dumps({"code": code, "n": 1})[:-1]  # drop the closing brace
        assert parse_json(text) == {"code": code, "n": 1}

    def test_a_missing_comma_is_repaired(self):
        assert parse_json('{"a": 1 "b": "x\n"}') == {"a": 1, "b": "x\n"}

    def test_a_string_missing_its_closing_quote_ends_where_the_next_member_starts(self):
        assert parse_json('{"a": "x, "b": [1, 2]}') == {"a": "x", "b": [1, 2]}

    def test_python_literals_and_single_quotes(self):
        assert parse_json("{'a': 'x', 'b': True, 'c': None") == {"a": "x", "b": True, "c": None}


class TestNoJson:
    @pytest.mark.parametrize("text", ["", "   ", "I cannot help with that.", "```\n```", "[" * 100_000])
    def test_raises(self, text):
        with pytest.raises(JsonExtractionError, match="no readable JSON"):
            parse_json(text)
