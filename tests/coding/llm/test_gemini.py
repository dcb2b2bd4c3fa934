"""Gemini adapter against a local server speaking generateContent and ListModels, including the
model fallback chain (codemm.md §12.3, §16 codemmProvider.test.js)."""

import httpx
import pytest

from acelab.coding.llm.base import CompletionRequest, ProviderRejected
from acelab.coding.llm.gemini import GeminiProvider
from acelab.coding.llm.transport import RetryPolicy
from tests.coding.llm.provider_server import GEMINI_KEY, GENERATE, ProviderServer, Scripted

REQUEST = CompletionRequest(system="You are a C++ problem generator.", user="Problem style: return")


def provider(
    server: ProviderServer, http: httpx.AsyncClient, retry: RetryPolicy, model: str | None = None
) -> GeminiProvider:
    return GeminiProvider(
        api_key=GEMINI_KEY, http=http, retry=retry, base_url=f"{server.url}/v1beta", model=model
    )


def generate_paths(server: ProviderServer) -> list[str]:
    return [s.path.removeprefix("/v1beta") for s in server.seen]


class TestComplete:
    async def test_posts_generate_content_with_the_prompt_and_generation_config(
        self, provider_server, http, retry
    ):
        request = CompletionRequest(system="sys", user="usr", temperature=0.2, max_tokens=500)
        text = await provider(provider_server, http, retry, "gemini-test").complete(request)
        # The thought part is skipped; the answer is trimmed.
        assert text == "Hello from the model."
        [seen] = provider_server.seen
        assert (seen.method, seen.path) == ("POST", "/v1beta/models/gemini-test:generateContent")
        assert seen.body == {
            "contents": [{"role": "user", "parts": [{"text": "sys\n\nusr"}]}],
            "generationConfig": {"temperature": 0.2, "maxOutputTokens": 500},
        }

    async def test_the_key_travels_in_a_header_never_in_the_url(self, provider_server, http, retry):
        # A deliberate change from the original's ?key= (see gemini.py): URLs are logged.
        await provider(provider_server, http, retry, "gemini-test").complete(REQUEST)
        [seen] = provider_server.seen
        assert seen.headers["x-goog-api-key"] == GEMINI_KEY
        assert "key" not in seen.query

    async def test_a_leading_models_prefix_is_stripped(self, provider_server, http, retry):
        await provider(provider_server, http, retry).complete(
            CompletionRequest(system="s", user="u", model="models/gemini-test")
        )
        assert generate_paths(provider_server) == ["/models/gemini-test:generateContent"]

    async def test_parts_are_joined_and_trimmed(self, provider_server, http, retry):
        provider_server.reply_parts = ['  {"title": ', '"Two Sum"}\n']
        assert await provider(provider_server, http, retry).complete(REQUEST) == '{"title": "Two Sum"}'


class TestModelFallback:
    async def test_a_missing_preferred_model_falls_back_to_flash(self, provider_server, http, retry):
        del provider_server.gemini_models["gemini-1.5-pro"]
        assert await provider(provider_server, http, retry).complete(REQUEST) == "Hello from the model."
        assert generate_paths(provider_server) == [
            "/models/gemini-1.5-pro:generateContent",
            "/models/gemini-1.5-flash:generateContent",
        ]

    async def test_both_missing_asks_list_models_and_uses_the_one_that_generates(
        self, provider_server, http, retry
    ):
        provider_server.gemini_models = {"gemini-1.5-flash-8b": GENERATE, "embedding-001": ["embedContent"]}
        gemini = provider(provider_server, http, retry)
        assert await gemini.complete(REQUEST) == "Hello from the model."
        assert generate_paths(provider_server) == [
            "/models/gemini-1.5-pro:generateContent",
            "/models/gemini-1.5-flash:generateContent",
            "/models",
            "/models/gemini-1.5-flash-8b:generateContent",
        ]
        assert provider_server.seen[2].method == "GET"
        assert provider_server.seen[2].headers["x-goog-api-key"] == GEMINI_KEY
        # The model that answered is remembered: the next call goes straight to it.
        provider_server.seen.clear()
        await gemini.complete(REQUEST)
        assert generate_paths(provider_server) == ["/models/gemini-1.5-flash-8b:generateContent"]

    @pytest.mark.parametrize(
        ("listed", "picked"),
        [
            (["gemini-2.5-pro", "gemini-2.0-flash", "aqa"], "gemini-2.0-flash"),
            (["gemini-2.5-flash", "gemini-2.5-pro", "gemini-exp-pro-1"], "gemini-2.5-pro"),
            (["gemini-2.5-flash-lite", "gemini-2.5-flash"], "gemini-2.5-flash"),
            (["learnlm-2.0", "aqa"], "aqa"),
        ],
    )
    async def test_list_models_pick_order(self, provider_server, http, retry, listed, picked):
        provider_server.gemini_models = dict.fromkeys(listed, GENERATE)
        await provider(provider_server, http, retry).complete(REQUEST)
        assert generate_paths(provider_server)[-1] == f"/models/{picked}:generateContent"

    async def test_list_models_pages_are_followed(self, provider_server, http, retry):
        provider_server.gemini_models = {f"tuned-{i}": ["embedContent"] for i in range(5)} | {
            "zeta-flash": GENERATE
        }
        provider_server.gemini_page_size = 2
        await provider(provider_server, http, retry).complete(REQUEST)
        assert generate_paths(provider_server).count("/models") == 3
        assert generate_paths(provider_server)[-1] == "/models/zeta-flash:generateContent"

    async def test_a_400_saying_not_found_counts_as_a_missing_model(self, provider_server, http, retry):
        body = {
            "error": {"code": 400, "message": "Model gemini-x was not found.", "status": "INVALID_ARGUMENT"}
        }
        provider_server.script.append(Scripted(":generateContent", status=400, json_body=body))
        await provider(provider_server, http, retry, "gemini-x").complete(REQUEST)
        assert generate_paths(provider_server)[-1] == "/models/gemini-1.5-flash:generateContent"

    async def test_nothing_to_fall_back_to_names_every_model_tried(self, provider_server, http, retry):
        provider_server.gemini_models = {"embedding-001": ["embedContent"]}
        with pytest.raises(ProviderRejected) as caught:
            await provider(provider_server, http, retry).complete(REQUEST)
        assert caught.value.status_code == 404
        assert caught.value.message.startswith(
            "Gemini API error (404) after trying [gemini-1.5-pro, gemini-1.5-flash]: "
        )

    async def test_a_failing_list_models_is_reported_as_such(self, provider_server, http, retry):
        provider_server.gemini_models = {}
        denied = {"error": {"code": 403, "message": "Permission denied.", "status": "PERMISSION_DENIED"}}
        provider_server.script.append(Scripted("/v1beta/models", method="GET", status=403, json_body=denied))
        with pytest.raises(ProviderRejected, match=r"^Gemini ListModels error \(403\): .*Permission denied"):
            await provider(provider_server, http, retry).complete(REQUEST)

    async def test_a_bad_key_is_final_and_not_taken_for_a_missing_model(self, provider_server, http, retry):
        wrong = GeminiProvider(
            api_key="AIzaWrongKey000000", http=http, retry=retry, base_url=f"{provider_server.url}/v1beta"
        )
        with pytest.raises(ProviderRejected) as caught:
            await wrong.complete(REQUEST)
        assert caught.value.status_code == 400
        assert "after trying [gemini-1.5-pro]: " in caught.value.message
        assert "API key not valid" in caught.value.message
        assert len(provider_server.seen) == 1
