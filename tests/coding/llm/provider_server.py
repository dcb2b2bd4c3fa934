"""A local HTTP server speaking the OpenAI, Anthropic and Gemini wire protocols.

It checks requests the way the real APIs do (paths, auth headers, required fields, parameter rules of
reasoning models) and answers with their reply and error shapes. Tests queue `Scripted` replies to
force failures (429 with Retry-After, 5xx, broken JSON, slow answers) on the next matching request.
"""

import asyncio
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

OPENAI_KEY = "sk-test-openai-4f2a9c0e7b1d3f5a"
ANTHROPIC_KEY = "sk-ant-api03-test-8c1e5b7d9f0a2c4e"
GEMINI_KEY = "AIzaSyTestGeminiKey-6b3d8f1a0c2e4"

GENERATE = ["generateContent", "countTokens"]


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any


@dataclass
class Scripted:
    """The reply to the next request whose path contains `path` (and whose method is `method`)."""

    path: str
    method: str | None = None
    status: int = 200
    json_body: Any = None
    text: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    # Seconds to wait first (the server stops waiting when the client hangs up).
    delay_s: float = 0.0


class ProviderServer:
    def __init__(self) -> None:
        self.url = ""
        self.seen: list[Seen] = []
        self.script: list[Scripted] = []
        self.reset()
        self.app = Starlette(
            routes=[
                Route("/v1/chat/completions", self._openai, methods=["POST"]),
                Route("/v1/messages", self._anthropic, methods=["POST"]),
                Route("/v1beta/models", self._gemini_list, methods=["GET"]),
                Route("/v1beta/models/{name:path}", self._gemini_generate, methods=["POST"]),
            ]
        )

    def reset(self) -> None:
        self.seen.clear()
        self.script.clear()
        self.reply_parts = ["Hello from the model."]
        self.openai_models = {"gpt-4.1", "gpt-test", "llama3.1:8b"}
        # Reasoning models: `max_tokens` is refused and so is any temperature but 1.
        self.openai_reasoning_models = {"o3-mini"}
        self.anthropic_models = {"claude-3-5-sonnet-latest", "claude-test"}
        self.gemini_models: dict[str, list[str]] = {
            "gemini-1.5-pro": GENERATE,
            "gemini-1.5-flash": GENERATE,
            "gemini-test": GENERATE,
            "embedding-001": ["embedContent"],
        }
        self.gemini_page_size = 50

    def requests_to(self, fragment: str) -> list[Seen]:
        return [s for s in self.seen if fragment in s.path]

    async def _record(self, request: Request) -> tuple[Seen, Response | None]:
        raw = await request.body()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("latin-1")
        seen = Seen(
            method=request.method,
            path=request.url.path,
            query=dict(request.query_params),
            headers={k.lower(): v for k, v in request.headers.items()},
            body=body,
        )
        self.seen.append(seen)
        for i, scripted in enumerate(self.script):
            if scripted.path in seen.path and scripted.method in (None, seen.method):
                del self.script[i]
                return seen, await self._play(request, scripted)
        return seen, None

    async def _play(self, request: Request, scripted: Scripted) -> Response:
        deadline = time.monotonic() + scripted.delay_s
        while time.monotonic() < deadline:
            if await request.is_disconnected():
                break
            await asyncio.sleep(0.02)
        if scripted.text is not None:
            return Response(scripted.text, scripted.status, scripted.headers, media_type="text/html")
        return JSONResponse(scripted.json_body, scripted.status, scripted.headers)

    # --- OpenAI: POST /v1/chat/completions -----------------------------------------------------

    async def _openai(self, request: Request) -> Response:
        seen, scripted = await self._record(request)
        if scripted is not None:
            return scripted

        def error(status: int, message: str, code: str | None = None, param: str | None = None) -> Response:
            body = {"message": message, "type": "invalid_request_error", "param": param, "code": code}
            return JSONResponse({"error": body}, status)

        auth = seen.headers.get("authorization", "")
        if not auth.startswith("Bearer "):
            return error(
                401,
                "You didn't provide an API key. You need to provide your API key in an "
                "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
            )
        key = auth.removeprefix("Bearer ")
        if key != OPENAI_KEY:
            masked = f"{key[:3]}{'*' * 8}{key[-4:]}"
            return error(
                401,
                f"Incorrect API key provided: {masked}. You can find your API key at "
                "https://platform.openai.com/account/api-keys.",
                "invalid_api_key",
            )
        body = seen.body
        if not isinstance(body, dict) or not seen.headers.get("content-type", "").startswith(
            "application/json"
        ):
            return error(400, "We could not parse the JSON body of your request.")
        model = body.get("model")
        if not isinstance(model, str):
            return error(400, "you must provide a model parameter")
        if model not in self.openai_models | self.openai_reasoning_models:
            return error(
                404, f"The model `{model}` does not exist or you do not have access to it.", "model_not_found"
            )
        messages = body.get("messages")
        if not isinstance(messages, list) or not all(
            isinstance(m, dict)
            and m.get("role") in {"system", "user", "assistant"}
            and isinstance(m.get("content"), str)
            for m in messages
        ):
            return error(400, "Invalid 'messages'.", "invalid_value", "messages")
        if model in self.openai_reasoning_models:
            if "max_tokens" in body:
                return error(
                    400,
                    "Unsupported parameter: 'max_tokens' is not supported with this model. "
                    "Use 'max_completion_tokens' instead.",
                    "unsupported_parameter",
                    "max_tokens",
                )
            if body.get("temperature", 1) != 1:
                return error(
                    400,
                    f"Unsupported value: 'temperature' does not support {body['temperature']} "
                    "with this model. Only the default (1) value is supported.",
                    "unsupported_value",
                    "temperature",
                )
        for name in ("max_tokens", "max_completion_tokens"):
            if name in body and (not isinstance(body[name], int) or body[name] < 1):
                return error(
                    400, f"Invalid '{name}': integer below minimum value.", "integer_below_min_value", name
                )
        temperature = body.get("temperature", 1)
        if not isinstance(temperature, int | float) or not 0 <= temperature <= 2:
            return error(400, "Invalid 'temperature'.", "decimal_above_max_value", "temperature")
        content = "".join(self.reply_parts)
        return JSONResponse(
            {
                "id": "chatcmpl-test123",
                "object": "chat.completion",
                "created": 1_763_900_000,
                "model": model,
                "choices": [
                    {
                        "index": 0,
                        "message": {
                            "role": "assistant",
                            "content": content,
                            "refusal": None,
                            "annotations": [],
                        },
                        "logprobs": None,
                        "finish_reason": "stop",
                    }
                ],
                "usage": {"prompt_tokens": 12, "completion_tokens": 5, "total_tokens": 17},
                "system_fingerprint": "fp_test",
            }
        )

    # --- Anthropic: POST /v1/messages ----------------------------------------------------------

    async def _anthropic(self, request: Request) -> Response:
        seen, scripted = await self._record(request)
        if scripted is not None:
            return scripted

        def error(status: int, kind: str, message: str) -> Response:
            return JSONResponse(
                {"type": "error", "error": {"type": kind, "message": message}, "request_id": "req_test"},
                status,
            )

        key = seen.headers.get("x-api-key")
        if key is None:
            return error(401, "authentication_error", "x-api-key header is required")
        if key != ANTHROPIC_KEY:
            return error(401, "authentication_error", "invalid x-api-key")
        if "anthropic-version" not in seen.headers:
            return error(400, "invalid_request_error", "anthropic-version: header is required")
        body = seen.body
        if not isinstance(body, dict):
            return error(400, "invalid_request_error", "Request body must be JSON")
        for name, kind in (("model", str), ("max_tokens", int), ("messages", list)):
            if not isinstance(body.get(name), kind):
                return error(400, "invalid_request_error", f"{name}: Field required")
        if "system" in body and not isinstance(body["system"], str | list):
            return error(400, "invalid_request_error", "system: Input should be a valid string")
        temperature = body.get("temperature", 1)
        if not isinstance(temperature, int | float) or not 0 <= temperature <= 1:
            return error(400, "invalid_request_error", "temperature: range: 0..1")
        for message in body["messages"]:
            content = message.get("content") if isinstance(message, dict) else None
            blocks_ok = isinstance(content, list) and all(
                isinstance(b, dict) and b.get("type") == "text" and isinstance(b.get("text"), str)
                for b in content
            )
            if message.get("role") not in {"user", "assistant"} or not (
                isinstance(content, str) or blocks_ok
            ):
                return error(400, "invalid_request_error", "messages: invalid message")
        if body["model"] not in self.anthropic_models:
            return error(404, "not_found_error", f"model: {body['model']}")
        content = [{"type": "thinking", "thinking": "Let me think.", "signature": "sig"}]
        content += [{"type": "text", "text": part} for part in self.reply_parts]
        return JSONResponse(
            {
                "id": "msg_test123",
                "type": "message",
                "role": "assistant",
                "model": body["model"],
                "content": content,
                "stop_reason": "end_turn",
                "stop_sequence": None,
                "usage": {"input_tokens": 12, "output_tokens": 5},
            }
        )

    # --- Gemini: POST /v1beta/models/{model}:generateContent, GET /v1beta/models ---------------

    def _gemini_auth(self, seen: Seen) -> Response | None:
        key = seen.headers.get("x-goog-api-key") or seen.query.get("key")
        if key is None:
            return _gemini_error(
                403,
                "PERMISSION_DENIED",
                "Method doesn't allow unregistered callers (callers "
                "without established identity). Please use API Key or other form of API "
                "consumer identity to call this API.",
            )
        if key != GEMINI_KEY:
            return _gemini_error(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.")
        return None

    async def _gemini_generate(self, request: Request) -> Response:
        seen, scripted = await self._record(request)
        if scripted is not None:
            return scripted
        denied = self._gemini_auth(seen)
        if denied is not None:
            return denied
        name = request.path_params["name"]
        model, _, method = name.partition(":")
        if method != "generateContent":
            return _gemini_error(404, "NOT_FOUND", "Method not found.")
        if "generateContent" not in self.gemini_models.get(model, []):
            return _gemini_error(
                404,
                "NOT_FOUND",
                f"models/{model} is not found for API version v1beta, or is "
                "not supported for generateContent. Call ListModels to see the list of available "
                "models and their supported methods.",
            )
        body = seen.body
        if not isinstance(body, dict):
            return _gemini_error(400, "INVALID_ARGUMENT", "Invalid JSON payload received.")
        unknown = set(body) - {"contents", "generationConfig", "systemInstruction", "safetySettings"}
        config = body.get("generationConfig", {})
        unknown |= {f"generation_config.{k}" for k in config} - {
            "generation_config.temperature",
            "generation_config.maxOutputTokens",
        }
        if unknown:
            return _gemini_error(
                400,
                "INVALID_ARGUMENT",
                f'Invalid JSON payload received. Unknown name "{sorted(unknown)[0]}": Cannot find field.',
            )
        contents = body.get("contents")
        if (
            not isinstance(contents, list)
            or not contents
            or not all(
                isinstance(c, dict)
                and isinstance(c.get("parts"), list)
                and c["parts"]
                and all(isinstance(p, dict) and isinstance(p.get("text"), str) for p in c["parts"])
                for c in contents
            )
        ):
            return _gemini_error(
                400, "INVALID_ARGUMENT", "* GenerateContentRequest.contents: contents is not specified"
            )
        parts: list[dict[str, Any]] = [{"text": "I should greet.", "thought": True}]
        parts += [{"text": part} for part in self.reply_parts]
        return JSONResponse(
            {
                "candidates": [
                    {"content": {"parts": parts, "role": "model"}, "finishReason": "STOP", "index": 0}
                ],
                "usageMetadata": {"promptTokenCount": 12, "candidatesTokenCount": 5, "totalTokenCount": 17},
                "modelVersion": model,
                "responseId": "resp-test",
            }
        )

    async def _gemini_list(self, request: Request) -> Response:
        seen, scripted = await self._record(request)
        if scripted is not None:
            return scripted
        denied = self._gemini_auth(seen)
        if denied is not None:
            return denied
        names = sorted(self.gemini_models)
        size = min(int(seen.query.get("pageSize", "50")), self.gemini_page_size)
        start = int(seen.query.get("pageToken", "0"))
        page: dict[str, Any] = {
            "models": [
                {
                    "name": f"models/{name}",
                    "version": "001",
                    "displayName": name,
                    "inputTokenLimit": 1_048_576,
                    "outputTokenLimit": 8192,
                    "supportedGenerationMethods": self.gemini_models[name],
                }
                for name in names[start : start + size]
            ]
        }
        if start + size < len(names):
            page["nextPageToken"] = str(start + size)
        return JSONResponse(page)


def _gemini_error(status: int, state: str, message: str) -> Response:
    return JSONResponse({"error": {"code": status, "message": message, "status": state}}, status)


@contextmanager
def serving(server: ProviderServer) -> Iterator[ProviderServer]:
    """Serve on 127.0.0.1 at a random port, in a thread with its own event loop."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    # Listening before the thread starts: connections queue in the kernel until uvicorn accepts them.
    sock.listen(64)
    server.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    config = uvicorn.Config(server.app, lifespan="off", log_config=None, access_log=False, ws="none")
    runner = uvicorn.Server(config)
    thread = threading.Thread(target=runner.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        runner.should_exit = True
        thread.join(timeout=10)
        sock.close()
