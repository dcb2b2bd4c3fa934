"""People on browsers of their own: a logged-in user whose unsafe requests carry the CSRF header, as
the ACE web app sends them (fixtures in tests/api/conftest.py)."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from acelab.identity.models import User
from tests.login import csrf_headers


@dataclass
class Actor:
    user: User
    client: httpx.AsyncClient
    # Sent with every request (e.g. X-Forwarded-For, to move a student to another address).
    headers: dict[str, str] = field(default_factory=dict)

    def _unsafe(self) -> dict[str, str]:
        return {**self.headers, **csrf_headers(self.client)}

    async def get(self, url: str, **params: Any) -> httpx.Response:
        return await self.client.get(url, params=params or None, headers=self.headers)

    async def post(self, url: str, json: Any = None, **kwargs: Any) -> httpx.Response:
        return await self.client.post(url, json=json, headers=self._unsafe(), **kwargs)

    async def put(self, url: str, json: Any = None) -> httpx.Response:
        return await self.client.put(url, json=json, headers=self._unsafe())

    async def patch(self, url: str, json: Any = None) -> httpx.Response:
        return await self.client.patch(url, json=json, headers=self._unsafe())

    async def delete(self, url: str) -> httpx.Response:
        return await self.client.delete(url, headers=self._unsafe())


LoginAs = Callable[[str], Awaitable[Actor]]


def assert_error(response: httpx.Response, status: int, message: str) -> None:
    """An ACE error: the status and exactly `{"message": ...}`."""
    assert response.status_code == status, response.text
    assert response.json() == {"message": message}
