"""Keyword-only builders with unique defaults (STYLE.md 22)."""

import itertools

from acelab.db.engine import Database
from acelab.db.session import unit_of_work
from acelab.identity import service as identity_service
from acelab.identity.context import IdentityContext
from acelab.identity.models import User

DEFAULT_PASSWORD = "correct horse battery"
_counter = itertools.count(1)


async def make_user(
    db: Database,
    ctx: IdentityContext,
    *,
    role: str = "student",
    email: str | None = None,
    password: str = DEFAULT_PASSWORD,
) -> User:
    """Create a user through the identity service."""
    async with unit_of_work(db, write=True) as session:
        return await identity_service.create_user(
            session, ctx, email=email or f"{role}{next(_counter)}@example.com", password=password, role=role
        )
