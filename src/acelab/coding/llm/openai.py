"""OpenAI-compatible chat completions (codemm.md §12.3): OpenAI itself, and Ollama, vLLM or llama.cpp
servers through a base URL."""

import logging

import httpx

from acelab.coding.llm.base import CompletionRequest
from acelab.coding.llm.transport import ProviderHttp, RetryPolicy, checked_base_url, checked_key

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.openai.com/v1"
DEFAULT_MODEL = "gpt-4.1"
# Parameters a model may refuse, with what we do instead (codemm.md §17.2.20: reasoning models reject
# `max_tokens` and any temperature but the default).
_ADAPTABLE = frozenset({"max_tokens", "temperature"})


class OpenAIProvider:
    name = "openai"
    __slots__ = ("_base_url", "_key", "_model", "_refused", "_wire")

    def __init__(
        self,
        *,
        api_key: str,
        http: httpx.AsyncClient,
        retry: RetryPolicy,
        base_url: str | None = None,
        model: str | None = None,
    ) -> None:
        self._key = checked_key("OpenAI", api_key)
        self._base_url = checked_base_url("OpenAI", base_url or DEFAULT_BASE_URL)
        self._model = model or DEFAULT_MODEL
        self._wire = ProviderHttp(label="OpenAI", http=http, retry=retry, secrets=(api_key,))
        # Per model, the parameters it refused; later calls adapt at once.
        self._refused: dict[str, frozenset[str]] = {}

    def __repr__(self) -> str:
        return f"OpenAIProvider(base_url={self._base_url!r}, model={self._model!r})"

    @property
    def base_url(self) -> str:
        return self._base_url

    @property
    def model(self) -> str:
        return self._model

    async def complete(self, request: CompletionRequest) -> str:
        """POST <base>/chat/completions; the text is choices[0].message.content, or ""."""
        model = request.model or self._model
        refused = self._refused.get(model, frozenset())
        while True:
            response = await self._wire.send(
                "POST",
                f"{self._base_url}/chat/completions",
                headers={"authorization": f"Bearer {self._key}"},
                json_body=_body(request, model, refused),
            )
            if response.is_success:
                return _text(self._wire.json(response))
            parameter = _refused_parameter(response)
            if parameter is None or parameter in refused:
                raise self._wire.error(
                    response, f"OpenAI API error ({response.status_code}): {self._wire.excerpt(response)}"
                )
            refused |= {parameter}
            self._refused[model] = refused
            log.info("llm parameter adapted", extra={"provider": "openai", "parameter": parameter})


def _body(request: CompletionRequest, model: str, refused: frozenset[str]) -> dict[str, object]:
    body: dict[str, object] = {"model": model}
    if "temperature" not in refused:
        body["temperature"] = request.temperature
    body["max_completion_tokens" if "max_tokens" in refused else "max_tokens"] = request.max_tokens
    body["messages"] = [
        {"role": "system", "content": request.system},
        {"role": "user", "content": request.user},
    ]
    return body


def _refused_parameter(response: httpx.Response) -> str | None:
    """The parameter a 400 names as unsupported by this model, if we know how to do without it."""
    if response.status_code != 400:
        return None
    try:
        error = response.json().get("error")
    except (ValueError, AttributeError):
        return None
    if not isinstance(error, dict):
        return None
    parameter = error.get("param")
    if parameter in _ADAPTABLE and error.get("code") in ("unsupported_parameter", "unsupported_value"):
        return str(parameter)
    return None


def _text(body: object) -> str:
    choices = body.get("choices") if isinstance(body, dict) else None
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        return ""
    message = choices[0].get("message")
    content = message.get("content") if isinstance(message, dict) else None
    return content if isinstance(content, str) else ""
