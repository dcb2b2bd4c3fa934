"""The admin cast: an admin logged in on `client`, extra browsers, and a reader for the audit log."""

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from acelab.admin.models import AuditEntry
from acelab.db.engine import Database
from acelab.db.session import unit_of_work
from acelab.identity.context import IdentityContext
from acelab.identity.models import User
from tests.factories import make_user
from tests.login import login

Browser = Callable[[], Awaitable[httpx.AsyncClient]]
AuditReader = Callable[[str], Awaitable[list[AuditEntry]]]


@pytest.fixture
async def admin(client: httpx.AsyncClient, db: Database, identity: IdentityContext) -> User:
    """An admin, logged in through the admin portal on `client`."""
    user = await make_user(db, identity, role="admin")
    await login(client, email=user.email, portal="admin")
    return user


@pytest.fixture
async def browser(app: FastAPI) -> AsyncIterator[Browser]:
    """Open more browsers, each with its own cookie jar (one per session a test needs)."""
    async with AsyncExitStack() as stack:

        async def open_browser() -> httpx.AsyncClient:
            transport = httpx.ASGITransport(app=app)
            return await stack.enter_async_context(
                httpx.AsyncClient(transport=transport, base_url="http://testserver")
            )

        yield open_browser


@pytest.fixture
def audit(db: Database) -> AuditReader:
    """Read the audit entries of one action, oldest first."""

    async def read(action: str) -> list[AuditEntry]:
        async with unit_of_work(db) as session:
            stmt = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
            return list((await session.scalars(stmt)).all())

    return read
