"""The question bank cast: each actor is a user logged in on a browser of their own, sending CSRF."""

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from acelab.catalog.models import ExamPackage
from acelab.db.engine import Database
from acelab.identity.context import IdentityContext
from acelab.identity.models import User
from tests.factories import make_exam_package, make_user
from tests.login import csrf_headers, login


@dataclass
class Actor:
    """A logged-in user and their browser; unsafe requests carry the CSRF header."""

    user: User
    client: httpx.AsyncClient

    async def get(self, url: str, **params: Any) -> httpx.Response:
        return await self.client.get(url, params=params or None)

    async def post(self, url: str, json: Any = None) -> httpx.Response:
        return await self.client.post(url, json=json, headers=csrf_headers(self.client))

    async def put(self, url: str, json: Any = None) -> httpx.Response:
        return await self.client.put(url, json=json, headers=csrf_headers(self.client))

    async def patch(self, url: str, json: Any = None) -> httpx.Response:
        return await self.client.patch(url, json=json, headers=csrf_headers(self.client))

    async def delete(self, url: str) -> httpx.Response:
        return await self.client.delete(url, headers=csrf_headers(self.client))


LoginAs = Callable[[str], Awaitable[Actor]]


@pytest.fixture
async def login_as(app: FastAPI, db: Database, identity: IdentityContext) -> AsyncIterator[LoginAs]:
    """Create a user of a role and log them in through their portal on a browser of their own."""
    async with AsyncExitStack() as stack:

        async def make(role: str) -> Actor:
            user = await make_user(db, identity, role=role)
            transport = httpx.ASGITransport(app=app)
            client = await stack.enter_async_context(
                httpx.AsyncClient(transport=transport, base_url="http://testserver")
            )
            await login(client, email=user.email, portal=role)
            return Actor(user=user, client=client)

        yield make


@pytest.fixture
async def student(login_as: LoginAs) -> Actor:
    return await login_as("student")


@pytest.fixture
async def instructor(login_as: LoginAs) -> Actor:
    return await login_as("instructor")


@pytest.fixture
async def other_instructor(login_as: LoginAs) -> Actor:
    return await login_as("instructor")


@pytest.fixture
async def admin(login_as: LoginAs) -> Actor:
    return await login_as("admin")


@pytest.fixture
async def package(db: Database) -> ExamPackage:
    return await make_exam_package(db)


def assert_error(response: httpx.Response, status: int, message: str) -> None:
    """An ACE error: the status and exactly `{"message": ...}`."""
    assert response.status_code == status, response.text
    assert response.json() == {"message": message}
