"""Anthropic Messages API (codemm.md §12.3)."""

import httpx

from acelab.coding.llm.base import CompletionRequest
from acelab.coding.llm.transport import ProviderHttp, RetryPolicy, checked_base_url, checked_key

DEFAULT_BASE_URL = "https://api.anthropic.com"
DEFAULT_MODEL = "claude-3-5-sonnet-latest"
DEFAULT_VERSION = "2023-06-01"


class AnthropicProvider:
    name = "anthropic"
    __slots__ = ("_base_url", "_key", "_model", "_version", "_wire")

    def __init__(
        self,
        *,
        api_key: str,
        http: httpx.AsyncClient,
        retry: RetryPolicy,
        base_url: str | None = None,
        model: str | None = None,
        version: str | None = None,
    ) -> None:
        self._key = checked_key("Anthropic", api_key)
        self._base_url = checked_base_url("Anthropic", base_url or DEFAULT_BASE_URL)
        self._model = model or DEFAULT_MODEL
        self._version = version or DEFAULT_VERSION
        self._wire = ProviderHttp(label="Anthropic", http=http, retry=retry, secrets=(api_key,))

    def __repr__(self) -> str:
        return f"AnthropicProvider(base_url={self._base_url!r}, model={self._model!r})"

    @property
    def base_url(self) -> str:
        return self._base_url

    @property
    def model(self) -> str:
        return self._model

    async def complete(self, request: CompletionRequest) -> str:
        """POST <base>/v1/messages; the text is the reply's text blocks, concatenated."""
        response = await self._wire.send(
            "POST",
            f"{self._base_url}/v1/messages",
            headers={"x-api-key": self._key, "anthropic-version": self._version},
            json_body={
                "model": request.model or self._model,
                "max_tokens": request.max_tokens,
                "temperature": request.temperature,
                "system": request.system,
                "messages": [{"role": "user", "content": [{"type": "text", "text": request.user}]}],
            },
        )
        if not response.is_success:
            raise self._wire.error(
                response, f"Anthropic API error ({response.status_code}): {self._wire.excerpt(response)}"
            )
        body = self._wire.json(response)
        content = body.get("content") if isinstance(body, dict) else None
        if not isinstance(content, list):
            return ""
        return "".join(
            block["text"]
            for block in content
            if isinstance(block, dict) and block.get("type") == "text" and isinstance(block.get("text"), str)
        )
