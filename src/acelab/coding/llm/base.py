"""The interface every caller of an LLM uses (codemm.md §12.1), and the errors it raises.

An error's message is safe to show a user or a log: adapters redact every key before building it.
"""

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class CompletionRequest:
    system: str
    user: str
    temperature: float = 0.3
    max_tokens: int = 5000
    # None: the provider's configured model.
    model: str | None = None


class LlmProvider(Protocol):
    name: str  # "openai" | "anthropic" | "gemini"

    async def complete(self, request: CompletionRequest) -> str:
        """Return the reply's text blocks joined."""
        ...


class LlmError(Exception):
    """An LLM call or the provider configuration failed; the message never contains a key."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class LlmNotConfigured(LlmError):
    """No usable key for the chosen provider (codemm.md §12.2's messages), or an unreadable stored key."""


class ProviderRejected(LlmError):
    """The provider refused the request (a 4xx other than 429: bad key, unknown model, bad parameter);
    retrying the same request cannot help."""

    def __init__(self, message: str, *, status_code: int) -> None:
        super().__init__(message)
        self.status_code = status_code


class ProviderRateLimited(LlmError):
    """429 after every retry, or a Retry-After longer than we are willing to wait."""

    def __init__(self, message: str, *, retry_after_s: float | None) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class ProviderUnavailable(LlmError):
    """5xx, a timeout, a connection failure after every retry, or a reply that is not the provider's JSON."""
