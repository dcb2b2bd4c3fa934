"""The dialogue turn (codemm.md §8.3): the prompt, the checked LLM proposal, the deterministic fallback
and the hard-field confirmation policy."""

import pytest

from acelab.coding.llm.base import LlmError, ProviderUnavailable
from acelab.coding.spec.dialogue import SYSTEM_PROMPT, confirmation_needed, dialogue_turn
from acelab.coding.spec.patches import with_fixed_fields
from tests.coding.spec.fake_llm import FakeLlm, reply

EMPTY = with_fixed_fields({})
EASY_2 = [{"difficulty": "easy", "count": 2}]


async def turn(provider, message, *, spec=EMPTY, history=(), key=None):
    return await dialogue_turn(
        provider,
        state="CLARIFYING",
        spec=spec,
        history=[*history, ("user", message)],
        message=message,
        question_key=key,
    )


class TestPrompt:
    async def test_one_call_with_the_contract_s_markers_and_parameters(self):
        llm = FakeLlm(reply({}))
        await turn(llm, "python please")
        (request,) = llm.requests
        assert "Codemm's dialogue layer" in request.system == SYSTEM_PROMPT
        assert "Latest user message:\npython please\n\nReturn JSON with this exact shape:" in request.user
        assert (request.temperature, request.max_tokens, request.model) == (0.0, 900, None)
        assert '"test_case_count": 8' in request.user and "Session state: CLARIFYING" in request.user

    async def test_history_is_the_last_10_messages_truncated(self):
        llm = FakeLlm(reply({}))
        history = [("assistant" if i % 2 else "user", f"m{i} " + "x" * 800) for i in range(14)]
        await turn(llm, "latest " + "y" * 1300, history=history)
        user = llm.requests[0].user
        assert "m4 " not in user and "USER: m5" not in user and "ASSISTANT: m5 " in user
        # Ten history lines (the latest message is the tenth, as in the original) and the latest block.
        assert user.count("…(truncated)") == 11
        assert "y" * 1190 in user and "y" * 1300 not in user


class TestLlmProposal:
    async def test_a_valid_answer_is_used(self):
        llm = FakeLlm(reply({"language": "python", "topic_tags": [" graphs "]}, "Great!", "Graph drills."))
        result = await turn(llm, "graph stuff")
        assert result.source == "llm"
        assert result.proposed_patch == {"language": "python", "topic_tags": ["graphs"]}
        assert result.assistant_message == "Great!\n\nGraph drills."

    async def test_a_fenced_answer_is_read(self):
        llm = FakeLlm("Here you go:\n```json\n" + reply({"problem_style": "stdout"}) + "\n```")
        assert (await turn(llm, "stdout")).proposed_patch == {"problem_style": "stdout"}

    async def test_an_invalid_field_is_dropped_and_the_rest_kept(self):
        # The original discarded the whole answer for `problem_count: 8`.
        patch = {
            "language": "sql",
            "problem_count": 8,
            "problem_style": "json",
            "foo": 1,
            "topic_tags": "joins",
        }
        result = await turn(FakeLlm(reply(patch)), "Create 8 problems in SQL")
        assert result.source == "llm" and result.proposed_patch == {"language": "sql"}

    async def test_missing_texts_fall_back_to_the_contract_s(self):
        result = await turn(FakeLlm('{"proposedPatch": {}}'), "hello there")
        assert (
            result.assistant_message == "Got it — hello there\n\nI’ll translate that into an activity spec."
        )

    @pytest.mark.parametrize(
        "answer",
        [
            ProviderUnavailable("down"),
            LlmError("no key"),
            "I cannot help",
            '{"acknowledgement": "x"}',
            "[1, 2]",
        ],
    )
    async def test_failures_and_unusable_answers_use_the_fallback(self, answer):
        result = await turn(FakeLlm(answer), "3 java problems about recursion")
        assert result.source == "fallback"
        assert result.proposed_patch == {"language": "java", "problem_count": 3, "topic_tags": ["recursion"]}
        assert result.assistant_message.startswith("Got it — 3 java problems about recursion\n\n")

    async def test_no_provider_uses_the_fallback(self):
        result = await turn(None, "")
        assert result.source == "fallback" and result.proposed_patch == {}
        assert result.assistant_message == "Got it.\n\nI’ll translate that into an activity spec."


class TestConfirmationPolicy:
    # Ported from unit/agent/fieldCommitmentPolicy.test.js.
    JAVA = with_fixed_fields({"language": "java"})

    async def test_an_implicit_language_switch_needs_confirmation(self):
        result = await turn(
            FakeLlm(reply({"language": "python"})), "okay whatever you recommend", spec=self.JAVA
        )
        assert result.needs_confirmation == ("language",)

    async def test_an_explicit_switch_does_not(self):
        result = await turn(FakeLlm(reply({"language": "python"})), "switch to python please", spec=self.JAVA)
        assert result.needs_confirmation == ()

    async def test_c_plus_plus_pls_is_explicit(self):
        result = await turn(FakeLlm(reply({"language": "cpp"})), "c++ pls", spec=self.JAVA)
        assert result.needs_confirmation == ()

    def test_a_first_language_needs_no_confirmation(self):
        assert confirmation_needed(EMPTY, {"language": "python"}, "surprise me") == ()

    @pytest.mark.parametrize(
        ("proposal", "message", "fields"),
        [
            ({"problem_count": 2}, "string problems please", ("problem_count",)),
            ({"problem_count": 2}, "2 problems please", ()),
            ({"problem_count": 2}, "I want 2", ()),
            ({"difficulty_plan": EASY_2}, "make it gentle", ("difficulty_plan",)),
            ({"difficulty_plan": EASY_2}, "easy ones", ()),
            ({"problem_count": 2, "difficulty_plan": EASY_2}, "go", ("difficulty_plan", "problem_count")),
        ],
    )  # fmt: skip
    def test_count_and_plan(self, proposal, message, fields):
        assert confirmation_needed(EMPTY, proposal, message) == fields

    def test_an_unchanged_count_needs_no_confirmation(self):
        spec = with_fixed_fields({"problem_count": 2})
        assert confirmation_needed(spec, {"problem_count": 2}, "sure thing") == ()
