"""Gemini generateContent with the model fallback chain (codemm.md §12.3).

The key travels in the `x-goog-api-key` header, not in the original's `?key=` query: a key in a URL
ends up in httpx's request log line, in proxies' access logs and in error texts. The API accepts both.
"""

import re

import httpx

from acelab.coding.llm.base import CompletionRequest
from acelab.coding.llm.transport import ProviderHttp, RetryPolicy, checked_base_url, checked_key

DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com/v1beta"
DEFAULT_MODEL = "gemini-1.5-pro"
FALLBACK_MODEL = "gemini-1.5-flash"
# What ListModels' answer is searched for first, in this order.
LISTED_PREFERENCE = ("gemini-1.5-pro", "gemini-1.5-flash", "gemini-2.0-flash", "gemini-2.0-flash-lite")
_NOT_FOUND_BODY = re.compile(
    r"models/.+ is not found|not supported for generateContent|call listmodels", re.IGNORECASE
)
_LIST_PAGES = 10


class GeminiProvider:
    name = "gemini"
    __slots__ = ("_base_url", "_key", "_model", "_resolved", "_wire")

    def __init__(
        self,
        *,
        api_key: str,
        http: httpx.AsyncClient,
        retry: RetryPolicy,
        base_url: str | None = None,
        model: str | None = None,
    ) -> None:
        self._key = checked_key("Gemini", api_key)
        self._base_url = checked_base_url("Gemini", base_url or DEFAULT_BASE_URL)
        self._model = _bare(model or DEFAULT_MODEL)
        self._wire = ProviderHttp(label="Gemini", http=http, retry=retry, secrets=(api_key,))
        # Requested model -> the model that answered in its place, so the chain runs once, not per call
        # (the original walked it, ListModels included, on every call).
        self._resolved: dict[str, str] = {}

    def __repr__(self) -> str:
        return f"GeminiProvider(base_url={self._base_url!r}, model={self._model!r})"

    @property
    def base_url(self) -> str:
        return self._base_url

    @property
    def model(self) -> str:
        return self._model

    async def complete(self, request: CompletionRequest) -> str:
        """Try the requested model, then gemini-1.5-flash, then one model ListModels offers."""
        wanted = _bare(request.model or self._model)
        body: dict[str, object] = {
            # codemm.md §12.3: the system prompt is prepended to the user's, not a systemInstruction.
            "contents": [{"role": "user", "parts": [{"text": f"{request.system}\n\n{request.user}"}]}],
            "generationConfig": {"temperature": request.temperature, "maxOutputTokens": request.max_tokens},
        }
        tried: list[str] = []
        order = list(dict.fromkeys(m for m in (self._resolved.get(wanted), wanted, FALLBACK_MODEL) if m))
        response = await self._generate(order[0], body, tried)
        for model in order[1:]:
            if not _model_not_found(response):
                break
            response = await self._generate(model, body, tried)
        if _model_not_found(response):
            listed = _pick(await self._list_models())
            if listed is not None and listed not in tried:
                response = await self._generate(listed, body, tried)
        if not response.is_success:
            raise self._wire.error(
                response,
                f"Gemini API error ({response.status_code}) after trying [{', '.join(tried)}]: "
                f"{self._wire.excerpt(response)}",
            )
        self._resolved[wanted] = tried[-1]
        return _text(self._wire.json(response))

    async def _generate(self, model: str, body: dict[str, object], tried: list[str]) -> httpx.Response:
        tried.append(model)
        return await self._wire.send(
            "POST",
            f"{self._base_url}/models/{model}:generateContent",
            headers={"x-goog-api-key": self._key},
            json_body=body,
        )

    async def _list_models(self) -> list[str]:
        """The models that support generateContent (ListModels, every page)."""
        names: list[str] = []
        params = {"pageSize": "1000"}
        for _ in range(_LIST_PAGES):
            response = await self._wire.send(
                "GET", f"{self._base_url}/models", headers={"x-goog-api-key": self._key}, params=params
            )
            if not response.is_success:
                raise self._wire.error(
                    response,
                    f"Gemini ListModels error ({response.status_code}): {self._wire.excerpt(response)}",
                )
            page = self._wire.json(response)
            if not isinstance(page, dict):
                break
            for entry in page.get("models") or []:
                if not isinstance(entry, dict):
                    continue
                name, methods = entry.get("name"), entry.get("supportedGenerationMethods")
                if isinstance(name, str) and isinstance(methods, list) and "generateContent" in methods:
                    names.append(_bare(name))
            token = page.get("nextPageToken")
            if not isinstance(token, str) or not token:
                break
            params = {"pageSize": "1000", "pageToken": token}
        return names


def _bare(model: str) -> str:
    model = model.strip()
    return model.removeprefix("models/")


def _model_not_found(response: httpx.Response) -> bool:
    if response.is_success:
        return False
    text = response.text
    return (
        response.status_code == 404
        or (response.status_code == 400 and "not found" in text.lower())
        or _NOT_FOUND_BODY.search(text) is not None
    )


def _pick(models: list[str]) -> str | None:
    for preferred in LISTED_PREFERENCE:
        if preferred in models:
            return preferred
    ordered = sorted(models)
    for word in (r"\bpro\b", r"\bflash\b"):
        match = next((m for m in ordered if re.search(word, m)), None)
        if match is not None:
            return match
    return ordered[0] if ordered else None


def _text(body: object) -> str:
    candidates = body.get("candidates") if isinstance(body, dict) else None
    if not isinstance(candidates, list) or not candidates or not isinstance(candidates[0], dict):
        return ""
    content = candidates[0].get("content")
    parts = content.get("parts") if isinstance(content, dict) else None
    if not isinstance(parts, list):
        return ""
    # Parts flagged `thought` are a thinking model's reasoning, not its answer.
    return "".join(
        p["text"]
        for p in parts
        if isinstance(p, dict) and isinstance(p.get("text"), str) and not p.get("thought")
    ).strip()
