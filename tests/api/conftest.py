"""The cast of the ACE content tests: users of each role, each logged in on a browser of their own."""

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack

import httpx
import pytest
from fastapi import FastAPI

from acelab.db.engine import Database
from acelab.identity.context import IdentityContext
from tests.actors import Actor, LoginAs
from tests.factories import make_user
from tests.login import login


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
async def other_student(login_as: LoginAs) -> Actor:
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
