"""The whole SpecBuilder turn (codemm.md §8), with and without an LLM, on plain in-memory state."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from acelab.coding.llm.base import ProviderUnavailable
from acelab.coding.spec.patches import with_fixed_fields
from acelab.coding.spec.questions import READY_PROMPT
from acelab.coding.spec.turn import TurnContext, TurnResult, needs_dialogue, take_turn
from tests.coding.spec.fake_llm import FakeLlm, reply

NOW = datetime(2026, 11, 23, 9, 30, 1, 250_000, tzinfo=UTC)
START = TurnContext(
    state="DRAFT",
    spec=with_fixed_fields({}),
    question_key=None,
    buffer=[],
    history=[],
    confidence={},
    commitments=[],
)


class Chat:
    """Feeds results back as the next turn's context, as the session service does."""

    def __init__(self, provider=None, context=START):
        self.provider = provider
        self.context = context

    async def say(self, message: str) -> TurnResult:
        result = await take_turn(self.context, message, provider=self.provider, now=NOW)
        self.context = TurnContext(
            state="READY" if result.done else "CLARIFYING",
            spec=result.spec,
            question_key=result.question_key,
            buffer=result.buffer,
            history=[*self.context.history, ("user", message), ("assistant", result.assistant_message)],
            confidence=result.confidence,
            commitments=result.commitments,
        )
        return result


class TestWorkedExample:
    # codemm.md §8.8 without an LLM, with the §17.2 item 5 fix: replies no longer overwrite the topics.
    async def test_three_messages_reach_ready(self):
        chat = Chat()
        first = await chat.say("I want 3 python problems about arrays, strings")
        assert first.spec == {
            "test_case_count": 8,
            "version": "1.0",
            "constraints": "Python 3.11, pytest, standard library only, no filesystem access, no networking, "
            "time limit enforced.",
            "language": "python",
            "problem_count": 3,
            "topic_tags": ["arrays", "strings"],
        }
        assert (first.question_key, first.next_action, first.done) == ("difficulty_plan", "ask", False)
        assert first.assistant_message == (
            "Got it — I want 3 python problems about arrays, strings\n\n"
            "I’ll translate that into an activity spec.\n\n"
            "How hard should the problems be overall? (easy / medium / hard counts)"
        )
        second = await chat.say("easy")
        assert second.spec["difficulty_plan"] == [{"difficulty": "easy", "count": 3}]
        assert second.spec["topic_tags"] == ["arrays", "strings"]
        assert second.question_key == "problem_style"
        assert second.assistant_message.endswith(
            "How should solutions be checked? (return value / console output / both)"
        )
        third = await chat.say("return")
        assert third.spec["problem_style"] == "return" and third.spec["topic_tags"] == ["arrays", "strings"]
        assert (third.question_key, third.next_action, third.done) == ("ready", "ready", True)
        assert third.assistant_message.endswith("\n\n" + READY_PROMPT)

    async def test_confidence_and_commitments(self):
        chat = Chat()
        await chat.say("I want 3 python problems about arrays, strings")
        result = await chat.say("easy")
        assert result.confidence == {"language": 1, "problem_count": 1, "topic_tags": 1, "difficulty_plan": 1}
        assert [c["field"] for c in result.commitments] == sorted(result.confidence)
        plan = next(c for c in result.commitments if c["field"] == "difficulty_plan")
        assert plan == {
            "field": "difficulty_plan",
            "value": [{"difficulty": "easy", "count": 3}],
            "confidence": 1,
            "source": "explicit",
            "locked": True,
        }

    async def test_trace_entries(self):
        result = await Chat().say("java")
        assert result.trace == [
            {
                "ts": "2026-11-23T09:30:01.250Z",
                "type": "dialogue_turn",
                "source": "fallback",
                "proposedPatch": {"language": "java"},
                "needsConfirmation": None,
            }
        ]


class TestStubbedLlmExample:
    PROPOSAL = {
        "language": "python",
        "problem_count": 2,
        "topic_tags": ["strings"],
        "problem_style": "return",
    }

    async def test_an_inferred_count_waits_for_confirmation_then_shorthand_completes(self):
        chat = Chat(FakeLlm(reply(self.PROPOSAL)))
        first = await chat.say("Python string problems please")
        assert (first.question_key, first.next_action, first.done) == (
            "confirm:problem_count",
            "confirm",
            False,
        )
        assert first.spec == with_fixed_fields({})
        assert first.assistant_message == (
            "Sounds fun.\n\nBuild it.\n\n"
            "I might be inferring a different number of problems. Confirm how many problems (1–7)."
        )
        second = await chat.say("1 easy 1 medium")
        assert second.done and second.question_key == "ready"
        assert second.spec["difficulty_plan"] == [
            {"difficulty": "easy", "count": 1},
            {"difficulty": "medium", "count": 1},
        ]
        assert second.spec["problem_count"] == 2 and second.spec["language"] == "python"

    @pytest.mark.parametrize("yes", ["yes", "Yes!", "ok.", "sounds good", "yes please"])
    async def test_a_plain_yes_applies_the_stored_patch_without_an_llm_call(self, yes):
        llm = FakeLlm(reply(self.PROPOSAL))
        chat = Chat(llm)
        await chat.say("Python string problems please")
        assert needs_dialogue(chat.context, yes) is False
        result = await chat.say(yes)
        assert len(llm.requests) == 1
        assert result.spec["problem_count"] == 2 and result.spec["topic_tags"] == ["strings"]
        assert result.question_key == "difficulty_plan" and result.buffer == []
        assert result.assistant_message.startswith("Confirmed")
        assert result.commitments[1] == {
            "field": "problem_count",
            "value": 2,
            "confidence": 1,
            "source": "explicit",
            "locked": True,
        }

    @pytest.mark.parametrize("no", ["no", "No.", "cancel"])
    async def test_a_plain_no_drops_the_pending_change(self, no):
        llm = FakeLlm(reply(self.PROPOSAL))
        chat = Chat(llm)
        await chat.say("Python string problems please")
        result = await chat.say(no)
        assert len(llm.requests) == 1
        assert result.spec == with_fixed_fields({}) and result.buffer == []
        assert result.question_key == "language" and result.next_action == "ask"
        assert result.trace[0]["type"] == "confirmation_declined"

    async def test_another_message_is_a_fresh_proposal_and_the_pending_field_is_not_asked_again(self):
        chat = Chat(FakeLlm(reply(self.PROPOSAL)))
        await chat.say("Python string problems please")
        result = await chat.say("sure, and make them about strings")
        assert result.next_action == "ask" and result.spec["problem_count"] == 2


class TestConfirmationKeys:
    async def test_the_key_lists_only_fields_still_awaiting_confirmation(self):
        # codemm.md §17.2 item 8: the original listed the dialogue's fields before the adjustment.
        java = replace(START, spec=with_fixed_fields({"language": "java"}))
        chat = Chat(FakeLlm(reply({"language": "python", "problem_count": 4})), java)
        result = await chat.say("all hard x4")
        assert result.question_key == "confirm:language"
        assert result.assistant_message.endswith(
            "I think you might want to switch the language to python. "
            "Confirm the language to use (java, python, cpp, sql)."
        )
        pending = result.buffer[0]
        assert '"fields": ["language"]' in pending and '"problem_count": 4' in pending

    async def test_shorthand_total_wins_over_the_llm_s_count(self):
        spec = with_fixed_fields({"language": "java", "problem_count": 3})
        chat = Chat(
            FakeLlm(reply({"problem_count": 5, "problem_style": "return"})), replace(START, spec=spec)
        )
        result = await chat.say("1 easy 2 hard")
        assert result.spec["problem_count"] == 3 and result.spec["problem_style"] == "return"
        assert result.spec["difficulty_plan"] == [
            {"difficulty": "easy", "count": 1},
            {"difficulty": "hard", "count": 2},
        ]


class TestApply:
    async def test_a_new_count_rescales_a_single_difficulty_plan(self):
        spec = with_fixed_fields(
            {"problem_count": 3, "difficulty_plan": [{"difficulty": "easy", "count": 3}]}
        )
        result = await Chat(context=replace(START, spec=spec)).say("make it 5 problems")
        assert result.spec["problem_count"] == 5
        assert result.spec["difficulty_plan"] == [{"difficulty": "easy", "count": 5}]

    async def test_a_new_count_clears_a_mixed_plan_and_asks_again(self):
        # codemm.md §17.2 item 6: the original dropped the user's new count for not matching the plan.
        plan = [{"difficulty": "easy", "count": 2}, {"difficulty": "hard", "count": 1}]
        spec = with_fixed_fields({"language": "java", "problem_count": 3, "difficulty_plan": plan})
        result = await Chat(context=replace(START, spec=spec)).say("4 problems")
        assert result.spec["problem_count"] == 4 and "difficulty_plan" not in result.spec
        assert result.question_key == "difficulty_plan"
        assert "difficulty_plan" not in result.confidence

    async def test_an_inconsistent_llm_plan_is_dropped_and_the_rest_applied(self):
        spec = with_fixed_fields({"language": "java", "problem_count": 3})
        llm = FakeLlm(
            reply({"difficulty_plan": [{"difficulty": "medium", "count": 2}], "topic_tags": ["maps"]})
        )
        result = await Chat(llm, replace(START, spec=spec)).say("medium ones on maps")
        assert result.spec["difficulty_plan"] == [{"difficulty": "medium", "count": 3}]
        assert result.spec["topic_tags"] == ["maps"]

    async def test_an_llm_failure_falls_back_and_still_applies(self):
        result = await Chat(FakeLlm(ProviderUnavailable("down"))).say("cpp, 2 problems")
        assert result.spec["language"] == "cpp" and result.spec["problem_count"] == 2

    async def test_switching_to_sql_sets_stdout(self):
        spec = with_fixed_fields({"language": "python", "problem_style": "return"})
        result = await Chat(context=replace(START, spec=spec)).say("actually sql")
        assert result.spec["language"] == "sql" and result.spec["problem_style"] == "stdout"
        assert result.spec["constraints"].startswith("SQLite 3")


LANGUAGE_NAMES = {"java": "Java", "python": "Python", "cpp": "C++", "sql": "SQL"}


class TestOneMessageMatrix:
    # Ported from integration/languages/*/activityGenerationE2e.test.js (the chat part), run without an
    # LLM; SQL cells end in stdout whatever style was asked (§17.2 item 4, the cells failing at HEAD).
    @pytest.mark.parametrize("language", list(LANGUAGE_NAMES))
    @pytest.mark.parametrize("count", [2, 4, 7])
    @pytest.mark.parametrize("style", ["stdout", "return", "mixed"])
    async def test_one_message_is_enough(self, language, count, style):
        message = (
            f"Create {count} easy problems in {LANGUAGE_NAMES[language]} with {style} style. Topics: arrays"
        )
        result = await Chat().say(message)
        assert result.done and result.next_action == "ready"
        assert result.spec["language"] == language and result.spec["problem_count"] == count
        assert result.spec["problem_style"] == ("stdout" if language == "sql" else style)
        assert result.spec["topic_tags"] == ["arrays"]

    async def test_the_real_provider_e2e_message_shape(self):
        result = await Chat().say("Language: python\nStyle: stdout\nTopics: strings\nDifficulty: easy:2")
        assert result.done and result.spec["problem_count"] == 2


class TestEdgeCases:
    # Ported from integration/languages/activityGenerationEdgeCases.test.js (the chat part).
    async def test_sql_with_return_style_confirms_then_is_ready_with_stdout(self):
        proposal = {
            "language": "sql",
            "problem_count": 4,
            "difficulty_plan": [{"difficulty": "easy", "count": 4}],
            "topic_tags": ["filtering"],
            "problem_style": "return",
        }
        chat = Chat(FakeLlm(reply(proposal)))
        first = await chat.say("Create 4 problems in SQL with return style. Topics: filtering")
        assert (first.next_action, first.question_key) == ("confirm", "confirm:difficulty_plan")
        second = await chat.say("yes")
        assert second.done and second.spec["problem_style"] == "stdout" and second.spec["problem_count"] == 4

    async def test_eight_problems_without_difficulty_asks_for_the_count(self):
        result = await Chat(FakeLlm(reply({"language": "sql", "problem_count": 8}))).say(
            "Create 8 problems in SQL. Topics: joins"
        )
        assert not result.done and result.question_key == "problem_count"
        assert result.spec["language"] == "sql"

    async def test_eight_easy_problems_are_clamped_to_seven(self):
        result = await Chat().say("Create 8 easy problems in SQL with return style. Topics: joins")
        assert result.done and result.spec["problem_count"] == 7
        assert result.spec["difficulty_plan"] == [{"difficulty": "easy", "count": 7}]
