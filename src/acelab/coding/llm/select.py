"""Which provider answers a call (codemm.md §12.2): the user's own stored key, else the server's.

Deliberate changes from the original (codemm.md §17.1.10, §17.2.20):
- CODEX_MODEL names a model of the OpenAI-compatible provider only; Anthropic and Gemini read their own
  model settings (the original passed CODEX_MODEL explicitly on every call, for every provider).
- A user's key goes to its provider's public endpoint, never to a base URL the operator configured
  (an OpenAI key was sent to CODEX_BASE_URL). The operator's model setting for that provider applies
  to users' keys only when the operator did not point the provider at another server, whose model
  names need not exist at the provider.
"""

from dataclasses import dataclass
from typing import Literal

from pydantic import SecretStr

from acelab.coding.llm.anthropic import AnthropicProvider
from acelab.coding.llm.base import LlmNotConfigured, LlmProvider
from acelab.coding.llm.gemini import GeminiProvider
from acelab.coding.llm.keys import EncryptionKeyUnavailable, UndecryptableKey, UserKeyCipher
from acelab.coding.llm.openai import OpenAIProvider
from acelab.coding.llm.transport import RetryPolicy, http_client
from acelab.config import Settings

ProviderName = Literal["openai", "anthropic", "gemini"]
# codemm.md §12.2 step 3: the order auto mode tries.
AUTO_ORDER: tuple[ProviderName, ...] = ("openai", "anthropic", "gemini")
MISSING_KEY: dict[ProviderName, str] = {
    "openai": (
        "Missing OpenAI API key. Set CODEX_API_KEY or OPENAI_API_KEY, or set CODEX_PROVIDER=anthropic|gemini."
    ),
    "anthropic": "Missing Anthropic API key. Set ANTHROPIC_API_KEY, or set CODEX_PROVIDER=openai|gemini.",
    "gemini": (
        "Missing Gemini API key. Set GEMINI_API_KEY/GOOGLE_API_KEY, or set CODEX_PROVIDER=openai|anthropic."
    ),
}
NO_KEY = (
    "No LLM API key found. Set one of: "
    "CODEX_API_KEY/OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY/GOOGLE_API_KEY."
)
UNDECRYPTABLE = "Stored LLM API key could not be decrypted. Re-save your key in settings. ({reason})"


class NoLlmKey(LlmNotConfigured):
    """No key anywhere, for a caller that has no offline path."""

    def __init__(self) -> None:
        super().__init__(NO_KEY)


@dataclass(frozen=True, slots=True)
class _ServerConfig:
    key: str  # "" when absent
    base_url: str | None
    model: str | None


@dataclass(frozen=True, slots=True)
class StoredKey:
    """A user's saved provider and encrypted key, as the profile stores them (codemm.md §4)."""

    provider: str
    ciphertext: str


class LlmProviders:
    """The providers of one process: one HTTP client shared by all, the server's providers built once.

    Create it in the lifespan and close it there (`aclose`).
    """

    __slots__ = ("_http", "_providers", "_retry", "_settings")

    def __init__(self, settings: Settings, *, retry: RetryPolicy | None = None) -> None:
        self._settings = settings
        self._http = http_client(settings.llm_timeout_s)
        self._retry = retry or RetryPolicy(max_retries=settings.llm_max_retries)
        # The server's providers, built on first use.
        self._providers: dict[ProviderName, LlmProvider] = {}

    async def aclose(self) -> None:
        await self._http.aclose()

    def select(self, stored: StoredKey | None = None) -> LlmProvider | None:
        """The provider for a call; None when there is no key anywhere (the caller then works offline)."""
        if stored is not None:
            return self._for_user(stored)
        available = [name for name in AUTO_ORDER if self._server(name).key]
        if not available:
            return None
        chosen = self._settings.llm_provider
        if chosen == "auto":
            chosen = available[0]
        elif chosen not in available:
            raise LlmNotConfigured(MISSING_KEY[chosen])
        if chosen not in self._providers:
            server = self._server(chosen)
            self._providers[chosen] = self._build(
                chosen, server.key, base_url=server.base_url, model=server.model
            )
        return self._providers[chosen]

    def require(self, stored: StoredKey | None = None) -> LlmProvider:
        """The provider for a call that cannot do without one."""
        provider = self.select(stored)
        if provider is None:
            raise NoLlmKey()
        return provider

    def _for_user(self, stored: StoredKey) -> LlmProvider:
        # A fresh provider per call: the decrypted key lives only as long as the call needs it.
        name = self._stored_name(stored.provider)
        try:
            cipher = UserKeyCipher.from_setting(self._settings.user_key_encryption_key)
            key = cipher.decrypt(stored.ciphertext).strip()
        except (EncryptionKeyUnavailable, UndecryptableKey) as exc:
            raise LlmNotConfigured(UNDECRYPTABLE.format(reason=exc)) from None
        server = self._server(name)
        # The operator's model names a model of the operator's server when they configured one.
        model = server.model if server.base_url is None else None
        return self._build(name, key, base_url=None, model=model)

    @staticmethod
    def _stored_name(stored: str) -> ProviderName:
        for name in AUTO_ORDER:
            if stored.strip().lower() == name:
                return name
        raise LlmNotConfigured("Stored LLM provider is not supported. Re-save your key in settings.")

    def _server(self, name: ProviderName) -> _ServerConfig:
        s = self._settings
        if name == "openai":
            return _ServerConfig(_plain(s.openai_api_key), s.openai_base_url, s.openai_model)
        if name == "anthropic":
            return _ServerConfig(_plain(s.anthropic_api_key), s.anthropic_base_url, s.anthropic_model)
        return _ServerConfig(_plain(s.gemini_api_key), s.gemini_base_url, s.gemini_model)

    def _build(self, name: ProviderName, key: str, *, base_url: str | None, model: str | None) -> LlmProvider:
        http, retry = self._http, self._retry
        if name == "openai":
            return OpenAIProvider(api_key=key, http=http, retry=retry, base_url=base_url, model=model)
        if name == "anthropic":
            version = self._settings.anthropic_version
            return AnthropicProvider(
                api_key=key, http=http, retry=retry, base_url=base_url, model=model, version=version
            )
        return GeminiProvider(api_key=key, http=http, retry=retry, base_url=base_url, model=model)


def _plain(secret: SecretStr | None) -> str:
    return secret.get_secret_value() if secret is not None else ""
