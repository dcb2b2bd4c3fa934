"""The three auth cookies with their exact attributes (ace.md §2.4)."""

from fastapi import Response

ACCESS_COOKIE = "ace_access"
REFRESH_COOKIE = "ace_refresh"
CSRF_COOKIE = "ace_csrf"
LONG_COOKIE_MAX_AGE = 30 * 24 * 3600


def _cookie(name: str, value: str, *, max_age: int, http_only: bool, secure: bool, same_site: bool) -> str:
    # Written by hand: the web app's contract is `Max-Age` only (no Expires) and `SameSite=Lax`.
    parts = [f"{name}={value}", "Path=/", f"Max-Age={max_age}"]
    if http_only:
        parts.append("HttpOnly")
    if secure:
        parts.append("Secure")
    if same_site:
        parts.append("SameSite=Lax")
    return "; ".join(parts)


def set_auth_cookies(
    response: Response, *, access: str, access_max_age: int, refresh: str | None, csrf: str, secure: bool
) -> None:
    """Set the access and CSRF cookies, and the refresh cookie when a new one was issued."""
    headers = response.headers
    headers.append(
        "set-cookie",
        _cookie(ACCESS_COOKIE, access, max_age=access_max_age, http_only=True, secure=secure, same_site=True),
    )
    if refresh is not None:
        headers.append(
            "set-cookie",
            _cookie(
                REFRESH_COOKIE,
                refresh,
                max_age=LONG_COOKIE_MAX_AGE,
                http_only=True,
                secure=secure,
                same_site=True,
            ),
        )
    headers.append(
        "set-cookie",
        _cookie(
            CSRF_COOKIE, csrf, max_age=LONG_COOKIE_MAX_AGE, http_only=False, secure=secure, same_site=True
        ),
    )


def clear_auth_cookies(response: Response, *, secure: bool) -> None:
    """Expire all three cookies (Max-Age=0, no SameSite, as the original does)."""
    for name, http_only in ((ACCESS_COOKIE, True), (REFRESH_COOKIE, True), (CSRF_COOKIE, False)):
        response.headers.append(
            "set-cookie", _cookie(name, "", max_age=0, http_only=http_only, secure=secure, same_site=False)
        )
