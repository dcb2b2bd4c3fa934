"""Units of work close their session and connection at once, and give them back even when cancelled."""

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import pytest
from sqlalchemy import text

from acelab.db.driver import hot_connection, sqlalchemy_connection
from acelab.db.engine import Database, create_database
from acelab.db.session import unit_of_work


@asynccontextmanager
async def database(url: str) -> AsyncIterator[Database]:
    db = create_database(url)
    try:
        yield db
    finally:
        await db.dispose()


def checked_out(db: Database) -> int:
    return db.engine.pool.checkedout()  # type: ignore[attr-defined, no-any-return]


@asynccontextmanager
async def tasks_created() -> AsyncIterator[list[object]]:
    """The tasks the running loop creates inside the block."""
    loop = asyncio.get_running_loop()
    created: list[object] = []
    previous = loop.get_task_factory()

    def factory(loop: asyncio.AbstractEventLoop, coro: Any, **kwargs: Any) -> asyncio.Task[Any]:
        created.append(coro)
        return asyncio.Task(coro, loop=loop, **kwargs)

    loop.set_task_factory(factory)
    try:
        yield created
    finally:
        loop.set_task_factory(previous)


# Each way a request holds a connection: a transaction, an autocommit session, a hot connection.
def units(db: Database) -> dict[str, Callable[[], AbstractAsyncContextManager[Any]]]:
    return {
        "write": lambda: unit_of_work(db, write=True),
        "autocommit": lambda: unit_of_work(db, autocommit=True),
        "hot": lambda: hot_connection(db),
    }


async def run_a_statement(unit: Any) -> None:
    await (await sqlalchemy_connection(unit)).execute(text("SELECT 1"))


@pytest.mark.parametrize("kind", ["write", "autocommit", "hot"])
class TestUnitOfWork:
    async def test_a_unit_that_succeeds_closes_in_place(self, database_url, kind):
        # SQLAlchemy's `async with` closes in a task of its own: a hop through the event loop that
        # cost about 10 ms per request under load.
        async with database(database_url) as db:
            async with tasks_created() as created, units(db)[kind]() as unit:
                await run_a_statement(unit)
                created.clear()  # tasks the statement needed are not the close's
            assert created == []
            assert checked_out(db) == 0

    async def test_a_cancelled_unit_gives_its_connection_back(self, database_url, kind):
        async with database(database_url) as db:
            holding = asyncio.Event()

            async def request() -> None:
                async with units(db)[kind]() as unit:
                    await run_a_statement(unit)
                    holding.set()
                    await asyncio.sleep(30)

            task = asyncio.create_task(request())
            async with asyncio.timeout(10):
                await holding.wait()
                assert checked_out(db) == 1
                task.cancel()
                with pytest.raises(asyncio.CancelledError):
                    await task
            assert checked_out(db) == 0
