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


async def codemm_token(client: httpx.AsyncClient, *, email: str, password: str = DEFAULT_PASSWORD) -> str:
    """Log in as the Codemm web app does: keep the 7-day `token`, send it as a Bearer header, no cookies."""
    response = await client.post("/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    client.cookies.clear()
    token: str = response.json()["token"]
    return token
