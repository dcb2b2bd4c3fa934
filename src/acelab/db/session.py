"""One unit of work per request or job: commit on success, roll back on any error (STYLE.md 6-8)."""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from acelab.db.engine import WRITE_INTENT, Database

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


_Closable = TypeVar("_Closable", AsyncSession, AsyncConnection)


@asynccontextmanager
async def closing_promptly(resource: _Closable) -> AsyncIterator[_Closable]:
    """Close `resource` when the block ends.

    SQLAlchemy's own `async with` closes in a task of its own, so that a cancelled caller cannot
    abandon the close midway. Under load that hop through the event loop cost a request about 10 ms
    at the median (docs/architecture-notes.md). After a block that succeeded, the unit has committed
    (or, in autocommit, holds no transaction): its close does no I/O, so nothing can interrupt it,
    and it runs in place. After an error it may roll back: closed in a task of its own, as the
    library does, so that a cancelled request still returns its connection to the pool.
    """
    try:
        yield resource
    except BaseException:
        await asyncio.shield(resource.close())
        raise
    await resource.close()


@asynccontextmanager
async def unit_of_work(
    db: Database, *, write: bool = False, autocommit: bool = False, bind: AsyncConnection | None = None
) -> AsyncIterator[AsyncSession]:
    """Open a session; commit when the block succeeds, roll back when it raises.

    `write` takes SQLite's write lock up front. `autocommit` runs each statement on its own, with
    no BEGIN/COMMIT round trips: for reads, which see a per-statement snapshot under PostgreSQL's
    READ COMMITTED anyway. A block that writes several rows that belong together must not use it.
    `bind`: run on this connection (already checked out) instead of one from the pool.
    """
    maker = db.autocommit_sessionmaker if autocommit and not write else db.sessionmaker
    async with contextlib.AsyncExitStack() as stack:
        if write and db.is_sqlite:
            await stack.enter_async_context(db.sqlite_write_lock)
        session = await stack.enter_async_context(
            closing_promptly(maker() if bind is None else maker(bind=bind))
        )
        if write:
            await session.connection(execution_options={WRITE_INTENT: True})
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


def database_of(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


async def get_database(request: Request) -> Database:
    return database_of(request)


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """Yield the request's session: a transaction for unsafe methods, autocommit reads for safe ones."""
    safe = request.method in SAFE_METHODS
    async with unit_of_work(database_of(request), write=not safe, autocommit=safe) as session:
        yield session


DbSession = Annotated[AsyncSession, Depends(get_session, scope="function")]
DatabaseDep = Annotated[Database, Depends(get_database)]
