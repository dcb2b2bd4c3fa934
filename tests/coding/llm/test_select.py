"""Provider selection (codemm.md §12.2), the checks of §16 codemmProvider.test.js through the wire,
and the deliberate fixes of §17 (CODEX_MODEL's reach, where users' keys go)."""

from collections.abc import AsyncIterator, Callable

import pytest

from acelab.coding.llm.anthropic import DEFAULT_BASE_URL as ANTHROPIC_URL
from acelab.coding.llm.anthropic import DEFAULT_MODEL as ANTHROPIC_MODEL
from acelab.coding.llm.anthropic import AnthropicProvider
from acelab.coding.llm.base import CompletionRequest, LlmNotConfigured
from acelab.coding.llm.gemini import DEFAULT_MODEL as GEMINI_MODEL
from acelab.coding.llm.gemini import GeminiProvider
from acelab.coding.llm.keys import UserKeyCipher
from acelab.coding.llm.openai import DEFAULT_BASE_URL as OPENAI_URL
from acelab.coding.llm.openai import DEFAULT_MODEL as OPENAI_MODEL
from acelab.coding.llm.openai import OpenAIProvider
from acelab.coding.llm.select import LlmProviders, NoLlmKey, StoredKey
from acelab.coding.llm.transport import RetryPolicy
from acelab.config import Settings
from tests.coding.llm.provider_server import ANTHROPIC_KEY, GEMINI_KEY, OPENAI_KEY

ENCRYPTION_KEY = "11" * 32
OTHER_ENCRYPTION_KEY = "22" * 32
REQUEST = CompletionRequest(system="You are Codemm's dialogue layer.", user="Latest user message:\nhello")

Build = Callable[..., LlmProviders]


@pytest.fixture
async def providers(retry: RetryPolicy) -> AsyncIterator[Build]:
    """Build an LlmProviders from settings (keyword arguments), closed after the test."""
    built: list[LlmProviders] = []

    def build(**settings: object) -> LlmProviders:
        built.append(LlmProviders(Settings(**settings), retry=retry))
        return built[-1]

    yield build
    for registry in built:
        await registry.aclose()


def stored(provider: str, key: str, encryption_key: str = ENCRYPTION_KEY) -> StoredKey:
    return StoredKey(provider=provider, ciphertext=UserKeyCipher(bytes.fromhex(encryption_key)).encrypt(key))


class TestServerKeys:
    def test_no_key_anywhere_selects_nothing(self, providers):
        assert providers().select() is None
        # Even with an explicit provider: the caller falls back to its offline path.
        assert providers(llm_provider="anthropic").select() is None

    def test_require_without_any_key_raises_the_contract_s_message(self, providers):
        with pytest.raises(NoLlmKey) as caught:
            providers().require()
        assert caught.value.message == (
            "No LLM API key found. Set one of: CODEX_API_KEY/OPENAI_API_KEY, ANTHROPIC_API_KEY, "
            "GEMINI_API_KEY/GOOGLE_API_KEY."
        )

    @pytest.mark.parametrize(
        ("keys", "expected"),
        [
            ({"openai_api_key": "sk-1", "anthropic_api_key": "a-1", "gemini_api_key": "g-1"}, OpenAIProvider),
            ({"anthropic_api_key": "a-1", "gemini_api_key": "g-1"}, AnthropicProvider),
            ({"gemini_api_key": "g-1"}, GeminiProvider),
        ],
    )
    def test_auto_takes_the_first_of_openai_anthropic_gemini_with_a_key(self, providers, keys, expected):
        assert isinstance(providers(**keys).select(), expected)

    def test_an_explicit_provider_wins_over_the_auto_order(self, providers):
        chosen = providers(llm_provider="gemini", openai_api_key="sk-1", gemini_api_key="g-1").select()
        assert isinstance(chosen, GeminiProvider)

    @pytest.mark.parametrize(
        ("provider", "message"),
        [
            (
                "openai",
                "Missing OpenAI API key. Set CODEX_API_KEY or OPENAI_API_KEY, "
                "or set CODEX_PROVIDER=anthropic|gemini.",
            ),
            (
                "anthropic",
                "Missing Anthropic API key. Set ANTHROPIC_API_KEY, or set CODEX_PROVIDER=openai|gemini.",
            ),
            (
                "gemini",
                "Missing Gemini API key. Set GEMINI_API_KEY/GOOGLE_API_KEY, "
                "or set CODEX_PROVIDER=openai|anthropic.",
            ),
        ],
    )
    def test_an_explicit_provider_without_its_key_is_refused(self, providers, provider, message):
        other = {"openai": "anthropic_api_key"}.get(provider, "openai_api_key")
        with pytest.raises(LlmNotConfigured) as caught:
            providers(llm_provider=provider, **{other: "k-1"}).select()
        assert caught.value.message == message

    def test_the_server_s_provider_is_built_once(self, providers):
        registry = providers(openai_api_key="sk-1")
        assert registry.select() is registry.select()

    def test_codex_model_reaches_the_openai_provider_only(self, providers):
        # codemm.md §17.2.20: the original forced CODEX_MODEL onto every provider.
        assert providers(openai_api_key="sk-1", openai_model="gpt-x").select().model == "gpt-x"
        assert providers(anthropic_api_key="a-1", openai_model="gpt-x").select().model == ANTHROPIC_MODEL
        assert providers(gemini_api_key="g-1", openai_model="gpt-x").select().model == GEMINI_MODEL
        assert providers(anthropic_api_key="a-1", anthropic_model="claude-x").select().model == "claude-x"

    def test_the_original_env_names_select_and_configure(self, providers, monkeypatch):
        monkeypatch.setenv("CODEX_PROVIDER", "claude")
        monkeypatch.setenv("ANTHROPIC_API_KEY", "  a-1  ")
        monkeypatch.setenv("ANTHROPIC_MODEL", "claude-env")
        monkeypatch.setenv("ANTHROPIC_BASE_URL", "http://proxy.internal/")
        monkeypatch.setenv("OPENAI_API_KEY", "sk-1")
        chosen = providers().select()
        assert isinstance(chosen, AnthropicProvider)
        assert (chosen.model, chosen.base_url) == ("claude-env", "http://proxy.internal")


class TestStoredKeys:
    def test_a_stored_key_wins_over_the_server_s(self, providers):
        chosen = providers(openai_api_key="sk-server", user_key_encryption_key=ENCRYPTION_KEY).select(
            stored("anthropic", "sk-ant-user-key-1234")
        )
        assert isinstance(chosen, AnthropicProvider)
        assert (chosen.base_url, chosen.model) == (ANTHROPIC_URL, ANTHROPIC_MODEL)

    def test_a_user_s_openai_key_never_goes_to_the_operator_s_server(self, providers):
        # codemm.md §17.1.10: the original sent it to CODEX_BASE_URL (and with CODEX_MODEL).
        registry = providers(
            openai_base_url="http://ollama.internal:11434/v1",
            openai_model="llama3.1:8b",
            user_key_encryption_key=ENCRYPTION_KEY,
        )
        chosen = registry.select(stored("openai", "sk-user-key-1234"))
        assert isinstance(chosen, OpenAIProvider)
        assert (chosen.base_url, chosen.model) == (OPENAI_URL, OPENAI_MODEL)

    def test_the_operator_s_model_applies_when_the_provider_is_the_public_one(self, providers):
        registry = providers(gemini_model="gemini-2.5-pro", user_key_encryption_key=ENCRYPTION_KEY)
        assert registry.select(stored("gemini", "AIza-user-key-1234")).model == "gemini-2.5-pro"

    def test_each_call_gets_its_own_provider(self, providers):
        registry = providers(user_key_encryption_key=ENCRYPTION_KEY)
        key = stored("openai", "sk-user-key-1234")
        assert registry.select(key) is not registry.select(key)

    def test_a_key_sealed_under_another_encryption_key_cannot_be_used(self, providers):
        registry = providers(user_key_encryption_key=ENCRYPTION_KEY, openai_api_key="sk-server")
        with pytest.raises(LlmNotConfigured) as caught:
            registry.select(stored("openai", "sk-user-key-1234", OTHER_ENCRYPTION_KEY))
        assert caught.value.message == (
            "Stored LLM API key could not be decrypted. Re-save your key in settings. "
            "(wrong encryption key or tampered ciphertext)"
        )

    def test_without_an_encryption_key_the_reason_names_the_variable(self, providers):
        with pytest.raises(LlmNotConfigured) as caught:
            providers().select(stored("openai", "sk-user-key-1234"))
        assert caught.value.message == (
            "Stored LLM API key could not be decrypted. Re-save your key in settings. "
            "(CODEMM_USER_KEY_ENCRYPTION_KEY is not set.)"
        )

    def test_an_unknown_stored_provider_is_refused(self, providers):
        registry = providers(user_key_encryption_key=ENCRYPTION_KEY)
        with pytest.raises(LlmNotConfigured, match="Stored LLM provider is not supported"):
            registry.select(stored("mistral", "m-user-key-1234"))

    def test_the_user_s_key_is_not_shown(self, providers):
        registry = providers(user_key_encryption_key=ENCRYPTION_KEY)
        assert "sk-user-key-1234" not in repr(registry.select(stored("openai", "sk-user-key-1234")))


class TestContractProviderChecks:
    """codemm.md §16 unit/infra/llm/codemmProvider.test.js, against the local server."""

    async def test_auto_selects_anthropic_when_only_its_key_exists(self, providers, provider_server):
        registry = providers(
            anthropic_api_key=ANTHROPIC_KEY,
            anthropic_base_url=provider_server.url,
            anthropic_model="claude-test",
        )
        assert await registry.select().complete(REQUEST) == "Hello from the model."
        [seen] = provider_server.seen
        assert (seen.method, seen.path) == ("POST", "/v1/messages")
        assert seen.headers["x-api-key"] == ANTHROPIC_KEY
        assert seen.headers["anthropic-version"] == "2023-06-01"
        assert seen.body["model"] == "claude-test"
        assert seen.body["max_tokens"] == 5000 and seen.body["temperature"] == 0.3
        assert seen.body["system"] == REQUEST.system
        assert seen.body["messages"] == [
            {"role": "user", "content": [{"type": "text", "text": REQUEST.user}]}
        ]

    async def test_gemini_with_codex_provider_and_google_api_key(
        self, providers, provider_server, monkeypatch
    ):
        monkeypatch.setenv("CODEX_PROVIDER", "gemini")
        monkeypatch.setenv("GOOGLE_API_KEY", GEMINI_KEY)
        monkeypatch.setenv("GEMINI_MODEL", "gemini-test")
        monkeypatch.setenv("GEMINI_BASE_URL", f"{provider_server.url}/v1beta")
        monkeypatch.setenv("OPENAI_API_KEY", "sk-not-this-one")
        assert await providers().select().complete(REQUEST) == "Hello from the model."
        [seen] = provider_server.seen
        assert seen.path == "/v1beta/models/gemini-test:generateContent"
        # The key: in the x-goog-api-key header instead of the original's key= query (gemini.py says why).
        assert seen.headers["x-goog-api-key"] == GEMINI_KEY
        assert seen.body["generationConfig"] == {"temperature": 0.3, "maxOutputTokens": 5000}
        prompt = seen.body["contents"][0]["parts"][0]["text"]
        assert REQUEST.system in prompt and REQUEST.user in prompt

    async def test_openai_with_codex_base_url(self, providers, provider_server, monkeypatch):
        monkeypatch.setenv("CODEX_API_KEY", OPENAI_KEY)
        monkeypatch.setenv("CODEX_BASE_URL", f"{provider_server.url}/v1")
        monkeypatch.setenv("CODEX_MODEL", "gpt-test")
        assert await providers().select().complete(REQUEST) == "Hello from the model."
        [seen] = provider_server.seen
        assert (seen.method, seen.path) == ("POST", "/v1/chat/completions")
        assert seen.headers["authorization"] == f"Bearer {OPENAI_KEY}"
        assert seen.body == {
            "model": "gpt-test",
            "temperature": 0.3,
            "max_tokens": 5000,
            "messages": [
                {"role": "system", "content": REQUEST.system},
                {"role": "user", "content": REQUEST.user},
            ],
        }

    def test_explicit_provider_without_key_rejects(self, providers, monkeypatch):
        monkeypatch.setenv("CODEX_PROVIDER", "anthropic")
        monkeypatch.setenv("OPENAI_API_KEY", "sk-1")
        with pytest.raises(LlmNotConfigured, match=r"(?i)Missing Anthropic API key"):
            providers().select()
