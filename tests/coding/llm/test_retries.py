"""Timeouts, retries with backoff, Retry-After, and keys kept out of messages and logs (codemm.md
§17.2.20: the original's raw adapters had no timeout and no retry)."""

import logging
import socket
from datetime import timedelta
from email.utils import format_datetime

import httpx
import pytest

from acelab.coding.llm.anthropic import AnthropicProvider
from acelab.coding.llm.base import (
    CompletionRequest,
    LlmError,
    ProviderRateLimited,
    ProviderRejected,
    ProviderUnavailable,
)
from acelab.coding.llm.gemini import GeminiProvider
from acelab.coding.llm.openai import OpenAIProvider
from acelab.coding.llm.transport import REDACTED, RetryPolicy, http_client
from tests.coding.llm.provider_server import ANTHROPIC_KEY, GEMINI_KEY, OPENAI_KEY, ProviderServer, Scripted

REQUEST = CompletionRequest(system="sys", user="usr")
OVERLOADED = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
RATE_LIMITED = {
    "type": "error",
    "error": {"type": "rate_limit_error", "message": "Number of requests exceeded"},
}


def anthropic(server: ProviderServer, http: httpx.AsyncClient, retry: RetryPolicy) -> AnthropicProvider:
    return AnthropicProvider(
        api_key=ANTHROPIC_KEY, http=http, retry=retry, base_url=server.url, model="claude-test"
    )


def fail(server: ProviderServer, status: int, times: int = 1, **headers: str) -> None:
    body = RATE_LIMITED if status == 429 else OVERLOADED
    server.script.extend(
        Scripted("/v1/messages", status=status, json_body=body, headers=headers) for _ in range(times)
    )


class TestRetries:
    async def test_429_waits_as_long_as_retry_after_says_then_succeeds(
        self, provider_server, http, retry, waits
    ):
        fail(provider_server, 429, **{"retry-after": "2"})
        assert await anthropic(provider_server, http, retry).complete(REQUEST) == "Hello from the model."
        assert waits.delays == [2.0]
        assert len(provider_server.seen) == 2

    async def test_retry_after_ms_is_preferred(self, provider_server, http, retry, waits):
        fail(provider_server, 429, **{"retry-after-ms": "1500", "retry-after": "2"})
        await anthropic(provider_server, http, retry).complete(REQUEST)
        assert waits.delays == [1.5]

    async def test_retry_after_as_an_http_date(self, provider_server, http, retry, waits, frozen_clock):
        later = frozen_clock.now + timedelta(seconds=3)
        fail(provider_server, 503, **{"retry-after": format_datetime(later, usegmt=True)})
        await anthropic(provider_server, http, retry).complete(REQUEST)
        assert waits.delays == [3.0]

    async def test_5xx_backs_off_exponentially_with_jitter(self, provider_server, http, retry, waits):
        fail(provider_server, 529, times=2)
        assert await anthropic(provider_server, http, retry).complete(REQUEST) == "Hello from the model."
        first, second = waits.delays
        assert 0.25 <= first <= 0.5 and 0.5 <= second <= 1.0
        assert len(provider_server.seen) == 3

    async def test_5xx_after_every_retry_is_unavailable(self, provider_server, http, retry, waits):
        fail(provider_server, 503, times=3)
        with pytest.raises(ProviderUnavailable, match=r"^Anthropic API error \(503\): .*Overloaded"):
            await anthropic(provider_server, http, retry).complete(REQUEST)
        assert len(provider_server.seen) == 3 and len(waits.delays) == 2

    async def test_429_after_every_retry_is_rate_limited_with_the_hint(self, provider_server, http, retry):
        fail(provider_server, 429, times=3, **{"retry-after": "1"})
        with pytest.raises(ProviderRateLimited) as caught:
            await anthropic(provider_server, http, retry).complete(REQUEST)
        assert caught.value.retry_after_s == 1.0
        assert caught.value.message.startswith("Anthropic API error (429): ")

    async def test_a_retry_after_too_long_to_wait_fails_at_once(self, provider_server, http, retry, waits):
        fail(provider_server, 429, **{"retry-after": "120"})
        with pytest.raises(ProviderRateLimited) as caught:
            await anthropic(provider_server, http, retry).complete(REQUEST)
        assert caught.value.retry_after_s == 120.0
        assert waits.delays == [] and len(provider_server.seen) == 1

    @pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
    async def test_other_4xx_are_never_retried(self, provider_server, http, retry, waits, status):
        provider_server.script.append(Scripted("/v1/messages", status=status, json_body={"type": "error"}))
        with pytest.raises(ProviderRejected):
            await anthropic(provider_server, http, retry).complete(REQUEST)
        assert waits.delays == [] and len(provider_server.seen) == 1

    async def test_no_retries_when_the_policy_allows_none(self, provider_server, http, waits):
        fail(provider_server, 500)
        with pytest.raises(ProviderUnavailable):
            await anthropic(provider_server, http, RetryPolicy(max_retries=0, sleep=waits)).complete(REQUEST)
        assert waits.delays == []


class TestTimeouts:
    async def test_a_slow_reply_times_out_and_is_retried(self, provider_server, retry, waits):
        provider_server.script.append(Scripted("/v1/messages", json_body={}, delay_s=30))
        async with http_client(timeout_s=1.0) as http:
            assert await anthropic(provider_server, http, retry).complete(REQUEST) == "Hello from the model."
        assert len(provider_server.seen) == 2 and len(waits.delays) == 1

    async def test_slow_every_time_is_unavailable(self, provider_server, waits):
        provider_server.script.extend(Scripted("/v1/messages", json_body={}, delay_s=30) for _ in range(2))
        async with http_client(timeout_s=0.5) as http:
            with pytest.raises(ProviderUnavailable, match=r"^Anthropic API timed out \(2 attempts\)\.$"):
                await anthropic(provider_server, http, RetryPolicy(max_retries=1, sleep=waits)).complete(
                    REQUEST
                )

    async def test_a_refused_connection_is_retried_then_unavailable(self, http, retry, waits):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        closed = AnthropicProvider(
            api_key=ANTHROPIC_KEY, http=http, retry=retry, base_url=f"http://127.0.0.1:{port}"
        )
        with pytest.raises(
            ProviderUnavailable, match=r"^Anthropic API unreachable: ConnectError \(3 attempts\)\.$"
        ):
            await closed.complete(REQUEST)
        assert len(waits.delays) == 2


class TestKeysNeverLeak:
    async def test_an_echoed_key_is_redacted_in_messages_and_no_key_is_logged(
        self, provider_server, http, retry, caplog
    ):
        caplog.set_level(logging.DEBUG)
        url = provider_server.url
        openai = OpenAIProvider(api_key=OPENAI_KEY, http=http, retry=retry, base_url=f"{url}/v1")
        gemini = GeminiProvider(api_key=GEMINI_KEY, http=http, retry=retry, base_url=f"{url}/v1beta")
        providers = [
            (openai, "/chat/completions", OPENAI_KEY),
            (anthropic(provider_server, http, retry), "/v1/messages", ANTHROPIC_KEY),
            (gemini, ":generateContent", GEMINI_KEY),
        ]
        errors: list[LlmError] = []
        for provider, path, key in providers:
            # A misbehaving proxy that echoes the request, key included, first failing (retried, logged).
            provider_server.script.append(Scripted(path, status=502, text=f"upstream error for {key}"))
            provider_server.script.append(Scripted(path, status=401, text=f"bad key {key}"))
            with pytest.raises(LlmError) as caught:
                await provider.complete(REQUEST)
            errors.append(caught.value)
        for error, (_, _, key) in zip(errors, providers, strict=True):
            assert REDACTED in error.message
            assert key not in error.message and key not in str(error) and key not in repr(error)
        assert caplog.records, "the retries are logged"
        logged = caplog.text + " ".join(repr(vars(r)) for r in caplog.records)
        for key in (OPENAI_KEY, ANTHROPIC_KEY, GEMINI_KEY):
            assert key not in logged

    def test_providers_do_not_show_their_key(self, http, retry):
        for provider in (
            OpenAIProvider(api_key=OPENAI_KEY, http=http, retry=retry),
            AnthropicProvider(api_key=ANTHROPIC_KEY, http=http, retry=retry),
            GeminiProvider(api_key=GEMINI_KEY, http=http, retry=retry),
        ):
            assert OPENAI_KEY not in repr(provider) and ANTHROPIC_KEY not in repr(provider)
            assert GEMINI_KEY not in repr(provider)
