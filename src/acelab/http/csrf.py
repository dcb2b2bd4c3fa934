"""Double-submit CSRF for requests that carry ambient cookie credentials (ace.md §1.5, ARCHITECTURE.md).

A request without our auth cookies has no ambient authority, so it needs no CSRF token: that is how
Bearer clients and the Codemm web app work. Login and register stay exempt, as in the original.
"""

from urllib.parse import unquote

from starlette.datastructures import Headers
from starlette.requests import cookie_parser
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from acelab.http.cookies import ACCESS_COOKIE, CSRF_COOKIE, REFRESH_COOKIE

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
EXEMPT_SUFFIXES = ("/auth/login", "/auth/register")


def csrf_ok(headers: Headers, path: str) -> bool:
    """Tell whether an unsafe request passes the double-submit check."""
    if path.endswith(EXEMPT_SUFFIXES):
        return True
    cookies = cookie_parser(headers.get("cookie", ""))
    if not (cookies.get(ACCESS_COOKIE) or cookies.get(REFRESH_COOKIE)):
        return True
    cookie_value = unquote(cookies.get(CSRF_COOKIE, "")).strip()
    header_value = headers.get("x-csrf-token", "").strip()
    return bool(cookie_value) and cookie_value == header_value


class CsrfMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        unsafe = scope["type"] == "http" and scope["method"] not in SAFE_METHODS
        if unsafe and not csrf_ok(Headers(scope=scope), scope["path"]):
            await JSONResponse({"message": "csrf", "error": "csrf"}, status_code=403)(scope, receive, send)
            return
        await self.app(scope, receive, send)
