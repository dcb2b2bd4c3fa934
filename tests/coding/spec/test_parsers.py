"""The deterministic parsers: difficulty shorthand (§8.2), fallback extraction (§8.3), commitment
source (§8.7), pure confirmation (§8.4) and the confirmation adjustment (§8.5)."""

import pytest

from acelab.coding.spec import confirmation, extraction
from acelab.coding.spec.difficulty import parse_difficulty


def plan(*pairs):
    return [{"difficulty": d, "count": n} for d, n in pairs]


class TestParseDifficulty:
    # Ported from unit/agent/difficultyPlanParser.test.js.
    def test_a_single_word_uses_the_current_count(self):
        parsed = parse_difficulty("easy", 4)
        assert parsed.patch == {"difficulty_plan": plan(("easy", 4))}
        assert not parsed.explicit_total

    @pytest.mark.parametrize("message", ["4 easy", "easy:4"])
    def test_an_explicit_count_sets_problem_count(self, message):
        parsed = parse_difficulty(message, None)
        assert parsed.patch == {"difficulty_plan": plan(("easy", 4)), "problem_count": 4}
        assert parsed.explicit_total

    @pytest.mark.parametrize(
        ("message", "patch"),
        [
            ("easy", {"difficulty_plan": plan(("easy", 3))}),
            ("4 easy", {"difficulty_plan": plan(("easy", 4)), "problem_count": 4}),
            ("2 easy, 1 hard", {"difficulty_plan": plan(("easy", 2), ("hard", 1))}),
            ("make 4 problems hard", {"difficulty_plan": plan(("hard", 4)), "problem_count": 4}),
            ("3 problems, mostly easy", {"difficulty_plan": plan(("easy", 3))}),
            ("10 easy", {"difficulty_plan": plan(("easy", 7)), "problem_count": 7}),
            ("Create 8 easy problems in SQL", {"difficulty_plan": plan(("easy", 7)), "problem_count": 7}),
            ("easy:2, medium:2, hard:1", {"difficulty_plan": plan(("easy", 2), ("medium", 2), ("hard", 1)),
                                          "problem_count": 5}),
            ("medium x2 HARD=1", {"difficulty_plan": plan(("medium", 2), ("hard", 1))}),
            ("1 hard 3medium", {"difficulty_plan": plan(("medium", 3), ("hard", 1)), "problem_count": 4}),
        ],
    )  # fmt: skip
    def test_the_contract_s_examples_with_current_count_3(self, message, patch):
        assert parse_difficulty(message, 3).patch == patch

    def test_each_count_is_read_once(self):
        # codemm.md §17.2 item 7: the original read "x3 medium" as 3 more mediums (sum 8, rejected).
        assert parse_difficulty("easy x3 medium=2", None).patch == {
            "difficulty_plan": plan(("easy", 3), ("medium", 2)),
            "problem_count": 5,
        }

    @pytest.mark.parametrize(
        ("message", "count"),
        [
            ("easy:0 medium:0", 3),
            ("easy and medium", 3),
            ("no difficulty words", 3),
            ("easy", None),
            ("easy:5 hard:5", 3),
            ("uneasy about this", 3),
        ],
    )
    def test_no_plan(self, message, count):
        assert parse_difficulty(message, count) is None


class TestFallbackExtraction:
    def test_the_worked_example_s_first_message(self):
        assert extraction.fallback_proposal(
            "I want 3 python problems about arrays, strings", question_key=None
        ) == {"language": "python", "problem_count": 3, "topic_tags": ["arrays", "strings"]}

    @pytest.mark.parametrize(
        ("message", "language"),
        [
            ("sqlite please", "sql"),
            ("SQL and python", "sql"),
            ("c++ pls", "cpp"),
            ("cpp", "cpp"),
            ("in C++.", "cpp"),
            ("python or java", "python"),
            ("Java", "java"),
            ("javascript", None),
            ("abc++", None),
        ],
    )
    def test_language(self, message, language):
        assert extraction.mentioned_language(message) == language

    @pytest.mark.parametrize(
        ("message", "count"),
        [
            ("give me 4 exercises", 4),
            ("2 questions on graphs", 2),
            ("I want 5", 5),
            ("5", 5),
            ("version 3 of it", None),
            ("9 problems", 9),
        ],
    )
    def test_stated_count(self, message, count):
        assert extraction.stated_count(message) == count

    def test_counts_outside_1_to_7_are_not_proposed(self):
        assert "problem_count" not in extraction.fallback_proposal("8 problems in sql", question_key=None)

    @pytest.mark.parametrize(
        ("message", "key", "style"),
        [
            ("stdout please", None, "stdout"),
            ("return", None, "return"),
            ("mixed", None, "mixed"),
            ("console output", "problem_style", "stdout"),
            ("both", "problem_style", "mixed"),
            ("both", None, None),
            ("console output", None, None),
        ],
    )
    def test_style(self, message, key, style):
        assert extraction.fallback_proposal(message, question_key=key).get("problem_style") == style

    @pytest.mark.parametrize(
        ("message", "key", "topics"),
        [
            ("Topics: filtering", None, ["filtering"]),
            ("Create 2 easy Java problems. Topics: arrays, hashing", None, ["arrays", "hashing"]),
            ("Language: java\nStyle: stdout\nTopics: arrays\nDifficulty: easy:2", None, ["arrays"]),
            ("focus on recursion and sorting.", None, ["recursion", "sorting"]),
            ("graphs, trees", "topic_tags", ["graphs", "trees"]),
            ("dynamic programming", "topic_tags", ["dynamic programming"]),
            ("x, " + "y" * 41, "topic_tags", None),
        ],
    )  # fmt: skip
    def test_topics(self, message, key, topics):
        assert extraction.fallback_proposal(message, question_key=key).get("topic_tags") == topics

    @pytest.mark.parametrize("message", ["easy", "return", "yes", "arrays, strings"])
    def test_a_reply_without_topic_words_keeps_the_topics(self, message):
        # codemm.md §17.2 item 5: the original turned every short reply into the topic list.
        assert "topic_tags" not in extraction.fallback_proposal(message, question_key="problem_style")


class TestCommitmentSource:
    @pytest.mark.parametrize(
        ("field", "key", "message", "source"),
        [
            ("language", "language", "whatever", "explicit"),
            ("language", "invalid:language", "whatever", "explicit"),
            ("problem_count", "confirm:difficulty_plan,problem_count", "yes", "explicit"),
            ("topic_tags", "goal:content", "ok", "explicit"),
            ("problem_count", None, "4 problems", "explicit"),
            ("problem_count", None, "I want 4", "explicit"),
            ("problem_style", None, "use stdout", "explicit"),
            ("difficulty_plan", None, "all hard", "explicit"),
            ("topic_tags", None, "a, b", "explicit"),
            ("topic_tags", None, "focus please", "explicit"),
            ("language", None, "c++ it is", "explicit"),
            ("language", "problem_count", "surprise me", "implicit"),
            ("problem_count", "confirm:language", "yes", "implicit"),
        ],
    )
    def test_source(self, field, key, message, source):
        assert extraction.commitment_source(field, question_key=key, message=message) == source


class TestPureConfirmation:
    @pytest.mark.parametrize(
        "message",
        ["yes", "Yes.", "YES!", " ok ", "sounds good", "Looks good!", "yes, please", "go ahead…", "y"],
    )
    def test_affirmations(self, message):
        assert confirmation.is_pure_confirmation(message)
        assert not confirmation.is_pure_rejection(message)

    @pytest.mark.parametrize("message", ["no", "No.", "nope!", "cancel", "No thanks", "don’t"])
    def test_rejections(self, message):
        assert confirmation.is_pure_rejection(message)
        assert not confirmation.is_pure_confirmation(message)

    @pytest.mark.parametrize(
        "message", ["yes but make it 3", "no, 4 problems", "okay whatever you recommend", "yes " + "x" * 40]
    )
    def test_anything_more_is_neither(self, message):
        assert not confirmation.is_pure_confirmation(message)
        assert not confirmation.is_pure_rejection(message)

    def test_the_pending_buffer_keeps_the_original_format(self):
        pending = confirmation.PendingConfirmation(fields=("problem_count",), patch={"problem_count": 2})
        encoded = pending.encode()
        assert (
            encoded
            == '{"kind": "pending_confirmation", "fields": ["problem_count"], "patch": {"problem_count": 2}}'
        )
        original = '{"kind":"pending_confirmation","fields":["language"],"patch":{"language":"cpp"}}'
        assert confirmation.decode_pending([original]) == confirmation.PendingConfirmation(
            fields=("language",), patch={"language": "cpp"}
        )
        assert confirmation.decode_pending(["not json", "[]"]) is None


class TestAdjustFields:
    # Ported from unit/services/confirmationFlow.test.js: the five cases of §8.5.
    PENDING = confirmation.PendingConfirmation(fields=("problem_count",), patch={"problem_count": 2})

    def adjust(self, fields, *, patch=None, explicit=False, key=None, pending=None):
        return confirmation.adjust_fields(
            fields,
            deterministic_patch=patch or {},
            explicit_total=explicit,
            question_key=key,
            pending=pending,
        )

    def test_a_pending_field_is_not_asked_again_under_a_confirm_key(self):
        assert self.adjust(
            ["problem_count", "language"], key="confirm:problem_count", pending=self.PENDING
        ) == ["language"]

    def test_an_explicit_shorthand_total_removes_count_and_plan(self):
        patch = {"difficulty_plan": [{"difficulty": "easy", "count": 4}], "problem_count": 4}
        assert self.adjust(["difficulty_plan", "problem_count"], patch=patch, explicit=True) == []

    def test_a_deterministic_plan_removes_only_the_plan(self):
        patch = {"difficulty_plan": [{"difficulty": "easy", "count": 4}]}
        assert self.adjust(["difficulty_plan", "problem_count"], patch=patch) == ["problem_count"]

    def test_a_non_explicit_total_keeps_problem_count(self):
        patch = {"difficulty_plan": [{"difficulty": "easy", "count": 4}], "problem_count": 4}
        assert self.adjust(["problem_count"], patch=patch, explicit=False) == ["problem_count"]

    def test_a_non_confirm_key_does_not_suppress(self):
        assert self.adjust(["problem_count"], key="problem_count", pending=self.PENDING) == ["problem_count"]

    def test_prompts(self):
        assert confirmation.confirmation_prompt(["language"], {"language": "cpp"}) == (
            "I think you might want to switch the language to cpp. "
            "Confirm the language to use (java, python, cpp, sql)."
        )
        assert confirmation.confirmation_prompt(["problem_count"], {}) == (
            "I might be inferring a different number of problems. Confirm how many problems (1–7)."
        )
        assert confirmation.confirmation_prompt(["difficulty_plan"], {}) == (
            "I might be inferring a new difficulty split. "
            "Confirm the difficulty plan (example: easy:2, medium:2, hard:1)."
        )
