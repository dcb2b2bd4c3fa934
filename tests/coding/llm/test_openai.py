"""OpenAI-compatible adapter against a local server speaking the chat completions protocol."""

import httpx
import pytest

from acelab.coding.llm.base import CompletionRequest, LlmNotConfigured, ProviderRejected, ProviderUnavailable
from acelab.coding.llm.openai import OpenAIProvider
from acelab.coding.llm.transport import RetryPolicy
from tests.coding.llm.provider_server import OPENAI_KEY, ProviderServer, Scripted

REQUEST = CompletionRequest(system="You are a Python problem generator.", user="Make one problem.")


def provider(
    server: ProviderServer, http: httpx.AsyncClient, retry: RetryPolicy, **overrides: str
) -> OpenAIProvider:
    options = {"api_key": OPENAI_KEY, "base_url": f"{server.url}/v1", "model": "gpt-test"} | overrides
    return OpenAIProvider(http=http, retry=retry, **options)


class TestComplete:
    async def test_posts_chat_completions_with_bearer_auth_and_the_contract_body(
        self, provider_server, http, retry
    ):
        request = CompletionRequest(system="sys", user="usr", temperature=0.2, max_tokens=123)
        text = await provider(provider_server, http, retry).complete(request)
        assert text == "Hello from the model."
        [seen] = provider_server.seen
        assert (seen.method, seen.path) == ("POST", "/v1/chat/completions")
        assert seen.headers["authorization"] == f"Bearer {OPENAI_KEY}"
        assert seen.headers["content-type"] == "application/json"
        assert seen.body == {
            "model": "gpt-test",
            "temperature": 0.2,
            "max_tokens": 123,
            "messages": [{"role": "system", "content": "sys"}, {"role": "user", "content": "usr"}],
        }

    async def test_defaults_are_temperature_0_3_and_5000_tokens(self, provider_server, http, retry):
        await provider(provider_server, http, retry).complete(REQUEST)
        assert provider_server.seen[0].body["temperature"] == 0.3
        assert provider_server.seen[0].body["max_tokens"] == 5000

    async def test_model_is_the_request_s_then_the_configured_then_gpt_4_1(
        self, provider_server, http, retry
    ):
        await provider(provider_server, http, retry).complete(
            CompletionRequest(system="s", user="u", model="llama3.1:8b")
        )
        await provider(provider_server, http, retry).complete(REQUEST)
        await OpenAIProvider(
            api_key=OPENAI_KEY, http=http, retry=retry, base_url=f"{provider_server.url}/v1"
        ).complete(REQUEST)
        assert [s.body["model"] for s in provider_server.seen] == ["llama3.1:8b", "gpt-test", "gpt-4.1"]

    async def test_base_url_with_a_trailing_slash_works(self, provider_server, http, retry):
        # Ollama's documented base URL is http://localhost:11434/v1/
        await provider(provider_server, http, retry, base_url=f"{provider_server.url}/v1/").complete(REQUEST)
        assert provider_server.seen[0].path == "/v1/chat/completions"

    async def test_null_content_gives_empty_text(self, provider_server, http, retry):
        reply = {
            "choices": [{"index": 0, "message": {"role": "assistant", "content": None, "refusal": "No."}}]
        }
        provider_server.script.append(Scripted("/chat/completions", json_body=reply))
        assert await provider(provider_server, http, retry).complete(REQUEST) == ""


class TestReasoningModels:
    async def test_refused_max_tokens_and_temperature_are_adapted_and_remembered(
        self, provider_server, http, retry, waits
    ):
        openai = provider(provider_server, http, retry, model="o3-mini")
        assert await openai.complete(REQUEST) == "Hello from the model."
        first, second, third = (s.body for s in provider_server.seen)
        assert "max_tokens" in first and "temperature" in first
        assert "max_completion_tokens" in second and "temperature" in second
        assert third["max_completion_tokens"] == 5000
        assert "max_tokens" not in third and "temperature" not in third
        assert waits.delays == []
        provider_server.seen.clear()
        await openai.complete(REQUEST)
        [again] = provider_server.seen
        assert again.body == third


class TestErrors:
    async def test_a_wrong_key_is_rejected_at_once_without_the_key_in_the_message(
        self, provider_server, http, retry, waits
    ):
        wrong = "sk-wrong-key-0000000000000000"
        with pytest.raises(ProviderRejected) as caught:
            await provider(provider_server, http, retry, api_key=wrong).complete(REQUEST)
        assert caught.value.status_code == 401
        assert caught.value.message.startswith("OpenAI API error (401): ")
        assert "Incorrect API key provided" in caught.value.message
        assert wrong not in caught.value.message
        assert len(provider_server.seen) == 1 and waits.delays == []

    async def test_an_unknown_model_is_rejected_with_the_provider_s_text(self, provider_server, http, retry):
        with pytest.raises(ProviderRejected, match=r"OpenAI API error \(404\): .*model_not_found"):
            await provider(provider_server, http, retry, model="gpt-nope").complete(REQUEST)

    async def test_a_reply_that_is_not_json_is_unavailable(self, provider_server, http, retry):
        provider_server.script.append(Scripted("/chat/completions", text="<html>502 Bad Gateway</html>"))
        with pytest.raises(ProviderUnavailable, match=r"^OpenAI API returned non-JSON: <html>502 Bad"):
            await provider(provider_server, http, retry).complete(REQUEST)

    def test_a_base_url_without_a_scheme_is_refused(self, http, retry):
        with pytest.raises(LlmNotConfigured, match="must start with http"):
            OpenAIProvider(api_key=OPENAI_KEY, http=http, retry=retry, base_url="localhost:11434/v1")

    def test_a_key_that_cannot_travel_in_a_header_is_refused_without_quoting_it(self, http, retry):
        with pytest.raises(LlmNotConfigured, match="cannot be sent") as caught:
            OpenAIProvider(api_key="sk-bad\nkey", http=http, retry=retry)
        assert "sk-bad" not in str(caught.value)
