"""HTTP to the providers: explicit timeouts, retries with backoff and jitter, error mapping, redaction.

codemm.md §17.2.20: the original's raw adapters had no timeout and no retry. Here a request is retried
on 408, 429, 5xx and on connection failures and timeouts, honouring Retry-After; any other 4xx is
final. Every text that leaves this module (exception messages, log fields) has the keys redacted.
"""

import asyncio
import logging
import math
import random
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC
from email.utils import parsedate_to_datetime
from urllib.parse import quote

import httpx

from acelab import clock
from acelab.coding.llm.base import (
    LlmError,
    LlmNotConfigured,
    ProviderRateLimited,
    ProviderRejected,
    ProviderUnavailable,
)

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 10.0
# codemm.md §12.3: error messages quote the first 800 characters of the provider's reply.
EXCERPT_CHARS = 800
REDACTED = "[redacted]"
_HEADER_SAFE = re.compile(r"[\x21-\x7e]+")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_retries: int = 2
    base_delay_s: float = 0.5
    max_delay_s: float = 8.0
    # A Retry-After beyond this is not waited for: the caller gets the error at once, with the hint.
    max_retry_after_s: float = 30.0
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep

    def backoff_s(self, retry: int) -> float:
        """Exponential backoff with jitter: a random delay in the upper half of base * 2^retry."""
        ceiling = min(self.max_delay_s, self.base_delay_s * 2**retry)
        return random.uniform(ceiling / 2, ceiling)


def http_client(timeout_s: float) -> httpx.AsyncClient:
    """Return the client the providers of one process share (one connection pool per host)."""
    timeout = httpx.Timeout(timeout_s, connect=min(CONNECT_TIMEOUT_S, timeout_s))
    return httpx.AsyncClient(timeout=timeout, headers={"user-agent": "acelab"})


def checked_key(label: str, key: str) -> str:
    """Return `key` if it can travel in a header; the error never quotes it."""
    if not _HEADER_SAFE.fullmatch(key):
        raise LlmNotConfigured(f"The {label} API key contains characters that cannot be sent.")
    return key


def checked_base_url(label: str, url: str) -> str:
    url = url.strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise LlmNotConfigured(f"The {label} base URL must start with http:// or https://.")
    return url


def retry_after_s(response: httpx.Response) -> float | None:
    """The provider's wait hint: `retry-after-ms` (OpenAI, Anthropic), else Retry-After in seconds
    or as an HTTP date."""
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = response.headers.get(name)
        if value is None:
            continue
        try:
            seconds = float(value) * scale
        except ValueError:
            seconds = _seconds_until(value) if scale == 1.0 else math.nan
        if math.isfinite(seconds):
            return max(0.0, seconds)
    return None


def _seconds_until(http_date: str) -> float:
    try:
        when = parsedate_to_datetime(http_date)
    except (TypeError, ValueError):
        return math.nan
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return (when - clock.utcnow()).total_seconds()


def _retryable(status: int) -> bool:
    return status in (408, 429) or status >= 500


class ProviderHttp:
    """One adapter's way to its provider: the shared client, the retry policy, the secrets to redact."""

    __slots__ = ("_http", "_label", "_retry", "_secrets")

    def __init__(
        self, *, label: str, http: httpx.AsyncClient, retry: RetryPolicy, secrets: tuple[str, ...]
    ) -> None:
        self._label = label
        self._http = http
        self._retry = retry
        # Longest first, so a key that contains another is redacted whole.
        forms = {form for s in secrets if s for form in (s, quote(s, safe=""))}
        self._secrets = tuple(sorted(forms, key=len, reverse=True))

    def __repr__(self) -> str:
        return f"ProviderHttp({self._label})"

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def excerpt(self, response: httpx.Response) -> str:
        # Redact before cutting, so a key straddling the cut cannot leave a prefix behind.
        return self.redact(response.text)[:EXCERPT_CHARS]

    async def send(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str],
        json_body: object = None,
        params: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """Send, retrying transient failures; return the last response (2xx, a final 4xx, or the last
        retryable one when retries ran out or its Retry-After is too long). Raise ProviderUnavailable
        when the provider could not be reached at all."""
        retry = 0
        while True:
            try:
                response = await self._http.request(
                    method, url, headers=headers, json=json_body, params=params
                )
            except httpx.TransportError as exc:
                if retry >= self._retry.max_retries:
                    # `from None`: the transport error's own text is not ours to vouch for.
                    raise ProviderUnavailable(self._transport_message(exc, retry + 1)) from None
                delay = self._retry.backoff_s(retry)
                reason = type(exc).__name__
            else:
                if not _retryable(response.status_code) or retry >= self._retry.max_retries:
                    return response
                hint = retry_after_s(response)
                if hint is not None and hint > self._retry.max_retry_after_s:
                    return response
                delay = hint if hint is not None else self._retry.backoff_s(retry)
                reason = str(response.status_code)
            retry += 1
            log.warning(
                "llm request retried",
                extra={"provider": self._label, "reason": reason, "retry": retry, "delay_s": round(delay, 3)},
            )
            await self._retry.sleep(delay)

    def _transport_message(self, exc: httpx.TransportError, attempts: int) -> str:
        tries = f"{attempts} attempt{'s' if attempts > 1 else ''}"
        if isinstance(exc, httpx.TimeoutException):
            return f"{self._label} API timed out ({tries})."
        return f"{self._label} API unreachable: {type(exc).__name__} ({tries})."

    def error(self, response: httpx.Response, message: str) -> LlmError:
        """The error for a non-2xx reply; `message` must already be redacted (build it with excerpt)."""
        status = response.status_code
        if status == 429:
            return ProviderRateLimited(message, retry_after_s=retry_after_s(response))
        if _retryable(status):
            return ProviderUnavailable(message)
        return ProviderRejected(message, status_code=status)

    def json(self, response: httpx.Response) -> object:
        """The reply's JSON; a reply that is not JSON is the provider's (or a proxy's) failure."""
        try:
            body: object = response.json()
        except ValueError:
            raise ProviderUnavailable(
                f"{self._label} API returned non-JSON: {self.excerpt(response)}"
            ) from None
        return body
