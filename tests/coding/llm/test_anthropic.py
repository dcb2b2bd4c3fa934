"""Anthropic adapter against a local server speaking the Messages API."""

import httpx
import pytest

from acelab.coding.llm.anthropic import AnthropicProvider
from acelab.coding.llm.base import CompletionRequest, ProviderRejected, ProviderUnavailable
from acelab.coding.llm.transport import RetryPolicy
from tests.coding.llm.provider_server import ANTHROPIC_KEY, ProviderServer, Scripted

REQUEST = CompletionRequest(system="You are Codemm's dialogue layer.", user="Latest user message:\nhi")


def provider(
    server: ProviderServer, http: httpx.AsyncClient, retry: RetryPolicy, **overrides: str
) -> AnthropicProvider:
    options = {"api_key": ANTHROPIC_KEY, "base_url": server.url, "model": "claude-test"} | overrides
    return AnthropicProvider(http=http, retry=retry, **options)


class TestComplete:
    async def test_posts_messages_with_key_version_and_the_contract_body(self, provider_server, http, retry):
        request = CompletionRequest(system="sys", user="usr", temperature=0, max_tokens=900)
        assert await provider(provider_server, http, retry).complete(request) == "Hello from the model."
        [seen] = provider_server.seen
        assert (seen.method, seen.path) == ("POST", "/v1/messages")
        assert seen.headers["x-api-key"] == ANTHROPIC_KEY
        assert seen.headers["anthropic-version"] == "2023-06-01"
        assert seen.headers["content-type"] == "application/json"
        assert "authorization" not in seen.headers
        assert seen.body == {
            "model": "claude-test",
            "max_tokens": 900,
            "temperature": 0,
            "system": "sys",
            "messages": [{"role": "user", "content": [{"type": "text", "text": "usr"}]}],
        }

    async def test_configured_version_and_default_model(self, provider_server, http, retry):
        await AnthropicProvider(
            api_key=ANTHROPIC_KEY, http=http, retry=retry, base_url=provider_server.url, version="2024-01-01"
        ).complete(REQUEST)
        [seen] = provider_server.seen
        assert seen.headers["anthropic-version"] == "2024-01-01"
        assert seen.body["model"] == "claude-3-5-sonnet-latest"

    async def test_text_blocks_are_concatenated_and_other_blocks_skipped(self, provider_server, http, retry):
        # The server's reply starts with a thinking block.
        provider_server.reply_parts = ['{"a": ', "1}"]
        assert await provider(provider_server, http, retry).complete(REQUEST) == '{"a": 1}'


class TestErrors:
    async def test_a_wrong_key_is_401_in_the_contract_s_words(self, provider_server, http, retry, waits):
        with pytest.raises(ProviderRejected) as caught:
            await provider(provider_server, http, retry, api_key="sk-ant-wrong-000000000").complete(REQUEST)
        assert caught.value.status_code == 401
        assert caught.value.message.startswith('Anthropic API error (401): {"type":"error"')
        assert "invalid x-api-key" in caught.value.message
        assert len(provider_server.seen) == 1 and waits.delays == []

    async def test_an_unknown_model_is_404(self, provider_server, http, retry):
        with pytest.raises(ProviderRejected, match=r"^Anthropic API error \(404\): .*not_found_error"):
            await provider(provider_server, http, retry, model="claude-nope").complete(REQUEST)

    async def test_the_provider_s_text_is_cut_at_800_characters(self, provider_server, http, retry):
        provider_server.script.append(Scripted("/v1/messages", status=400, text="x" * 2000))
        with pytest.raises(ProviderRejected) as caught:
            await provider(provider_server, http, retry).complete(REQUEST)
        assert caught.value.message == "Anthropic API error (400): " + "x" * 800

    async def test_a_reply_that_is_not_json_is_unavailable(self, provider_server, http, retry):
        provider_server.script.append(Scripted("/v1/messages", text='{"id": "msg_1", "content": [{"ty'))
        with pytest.raises(ProviderUnavailable, match=r'^Anthropic API returned non-JSON: \{"id": "msg_1"'):
            await provider(provider_server, http, retry).complete(REQUEST)
