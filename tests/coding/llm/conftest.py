"""LLM provider fixtures: a local server speaking each provider's protocol, a client, a retry policy
that records its waits instead of sleeping, and an environment without any real LLM setting."""

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from acelab.coding.llm.transport import RetryPolicy, http_client
from tests.coding.llm.provider_server import ProviderServer, serving

# Every variable the LLM settings read: a developer's own keys must not leak into the tests.
LLM_ENV = (
    "ACELAB_LLM_PROVIDER", "CODEX_PROVIDER", "CODEMM_LLM_PROVIDER",
    "ACELAB_OPENAI_API_KEY", "CODEX_API_KEY", "OPENAI_API_KEY",
    "ACELAB_OPENAI_BASE_URL", "CODEX_BASE_URL", "ACELAB_OPENAI_MODEL", "CODEX_MODEL",
    "ACELAB_ANTHROPIC_API_KEY", "ANTHROPIC_API_KEY", "ACELAB_ANTHROPIC_MODEL", "ANTHROPIC_MODEL",
    "ACELAB_ANTHROPIC_BASE_URL", "ANTHROPIC_BASE_URL", "ACELAB_ANTHROPIC_VERSION", "ANTHROPIC_VERSION",
    "ACELAB_GEMINI_API_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY", "ACELAB_GEMINI_MODEL", "GEMINI_MODEL",
    "ACELAB_GEMINI_BASE_URL", "GEMINI_BASE_URL",
    "ACELAB_USER_KEY_ENCRYPTION_KEY", "CODEMM_USER_KEY_ENCRYPTION_KEY",
    "ACELAB_LLM_TIMEOUT_S", "ACELAB_LLM_MAX_RETRIES",
)  # fmt: skip


@pytest.fixture(autouse=True)
def _no_llm_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in LLM_ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def _provider_server() -> Iterator[ProviderServer]:
    with serving(ProviderServer()) as server:
        yield server


@pytest.fixture
def provider_server(_provider_server: ProviderServer) -> Iterator[ProviderServer]:
    _provider_server.reset()
    yield _provider_server
    _provider_server.reset()


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    client = http_client(timeout_s=5.0)
    yield client
    await client.aclose()


class Waits:
    """A sleep that records what it was asked to wait and returns at once."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.fixture
def waits() -> Waits:
    return Waits()


@pytest.fixture
def retry(waits: Waits) -> RetryPolicy:
    return RetryPolicy(max_retries=2, sleep=waits)
