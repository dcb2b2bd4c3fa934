"""CORS with credentials for an allow-list (ace.md §1.4), as pure ASGI for speed."""

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

ALLOW_METHODS = "GET,POST,PUT,PATCH,DELETE,OPTIONS"
ALLOW_HEADERS = "Content-Type,Accept,Authorization,X-CSRF-Token"


class CorsMiddleware:
    def __init__(self, app: ASGIApp, *, allowed_origins: frozenset[str]) -> None:
        self.app = app
        self.allowed_origins = allowed_origins

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        origin = Headers(scope=scope).get("origin", "")
        cors_headers = {
            "access-control-allow-methods": ALLOW_METHODS,
            "access-control-allow-headers": ALLOW_HEADERS,
        }
        allowed = bool(origin) and origin.lower() in self.allowed_origins
        if allowed:
            # ace.md §16.1 S11: credentials are allowed only together with an allowed origin.
            cors_headers["access-control-allow-origin"] = origin
            cors_headers["access-control-allow-credentials"] = "true"
        if scope["method"] == "OPTIONS":
            # Every preflight succeeds, for any path, and never reaches CSRF or auth.
            headers = [(k.encode(), v.encode()) for k, v in cors_headers.items()]
            if allowed:
                headers.append((b"vary", b"Origin"))
                headers.append((b"access-control-max-age", b"600"))
            await send({"type": "http.response.start", "status": 204, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for key, value in cors_headers.items():
                    headers[key] = value
                if allowed:
                    headers.add_vary_header("Origin")
            await send(message)

        await self.app(scope, receive, send_with_cors)
