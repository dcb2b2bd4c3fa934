"""Log in through the real routes (never hand-made tokens) and build the headers a web app sends."""

import httpx

from tests.factories import DEFAULT_PASSWORD


async def login(
    client: httpx.AsyncClient, *, email: str, portal: str = "student", password: str = DEFAULT_PASSWORD
) -> httpx.Response:
    """Log in through a portal; the client's cookie jar keeps the cookies."""
    response = await client.post(f"/{portal}/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return response


def csrf_headers(client: httpx.AsyncClient) -> dict[str, str]:
    """The header the ACE web app copies from the `ace_csrf` cookie."""
    return {"x-csrf-token": client.cookies.get("ace_csrf", "")}


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}
