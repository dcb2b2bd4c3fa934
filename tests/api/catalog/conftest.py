"""The catalog cast: a student, an instructor or an admin logged in on `client`, and an audit reader."""

from collections.abc import Awaitable, Callable

import httpx
import pytest
from sqlalchemy import select

from acelab.admin.models import AuditEntry
from acelab.db.engine import Database
from acelab.db.session import unit_of_work
from acelab.identity.context import IdentityContext
from acelab.identity.models import User
from tests.factories import make_user
from tests.login import login

AuditReader = Callable[[str], Awaitable[list[AuditEntry]]]


@pytest.fixture
async def student(client: httpx.AsyncClient, db: Database, identity: IdentityContext) -> User:
    """A student, logged in through the student portal on `client`."""
    user = await make_user(db, identity, role="student")
    await login(client, email=user.email, portal="student")
    return user


@pytest.fixture
async def instructor(client: httpx.AsyncClient, db: Database, identity: IdentityContext) -> User:
    """An instructor, logged in through the instructor portal on `client`."""
    user = await make_user(db, identity, role="instructor")
    await login(client, email=user.email, portal="instructor")
    return user


@pytest.fixture
async def admin(client: httpx.AsyncClient, db: Database, identity: IdentityContext) -> User:
    """An admin, logged in through the admin portal on `client`."""
    user = await make_user(db, identity, role="admin")
    await login(client, email=user.email, portal="admin")
    return user


@pytest.fixture
def audit(db: Database) -> AuditReader:
    """Read the audit entries of one action, oldest first."""

    async def read(action: str) -> list[AuditEntry]:
        async with unit_of_work(db) as session:
            stmt = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
            return list((await session.scalars(stmt)).all())

    return read
