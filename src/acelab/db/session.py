"""One unit of work per request or job: commit on success, roll back on any error (STYLE.md 6-8)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from acelab.db.engine import WRITE_INTENT, Database

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@asynccontextmanager
async def unit_of_work(db: Database, *, write: bool = False) -> AsyncIterator[AsyncSession]:
    """Open a session; commit when the block succeeds, roll back when it raises."""
    async with db.sessionmaker() as session:
        if write:
            await session.connection(execution_options={WRITE_INTENT: True})
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


def get_database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """Yield the request's session; unsafe methods announce a write up front."""
    async with unit_of_work(get_database(request), write=request.method not in SAFE_METHODS) as session:
        yield session


DbSession = Annotated[AsyncSession, Depends(get_session, scope="function")]
DatabaseDep = Annotated[Database, Depends(get_database)]
