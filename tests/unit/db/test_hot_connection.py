"""HotConnection: the hot paths' unit of work, a bare pool checkout on PostgreSQL."""

import asyncio

import pytest

from acelab.db.driver import HotConnection, hot_connection, sqlalchemy_connection
from acelab.db.engine import create_database


async def ping(conn: HotConnection) -> None:
    """One statement on the unit's own connection: the driver's on PostgreSQL, the session's on SQLite."""
    if conn.pg is not None:
        await conn.pg.fetchval("SELECT 1")
    else:
        await (await sqlalchemy_connection(conn)).exec_driver_sql("SELECT 1")


class TestHotConnection:
    async def test_connections_past_the_pool_size_are_returned_and_the_pool_stays_usable(self, database_url):
        # pool_size 2 allows 1 overflow: the third connection is closed, not kept, when it comes back.
        db = create_database(database_url, pool_size=2)
        try:
            held = asyncio.Event()

            async def hold() -> None:
                async with hot_connection(db) as conn:
                    await ping(conn)
                    await held.wait()

            tasks = [asyncio.create_task(hold()) for _ in range(3)]
            await asyncio.sleep(0.2)
            held.set()
            await asyncio.gather(*tasks)
            assert db.engine.pool.checkedout() == 0  # type: ignore[attr-defined]
            # A pool that lost count would refuse (time out) the third checkout from now on.
            async with asyncio.timeout(5):
                await asyncio.gather(*(asyncio.create_task(hold()) for _ in range(3)))
        finally:
            await db.dispose()

    async def test_an_error_in_the_unit_rolls_back_its_session(self, database_url):
        db = create_database(database_url)
        try:
            with pytest.raises(RuntimeError):
                async with hot_connection(db) as conn:
                    await (await sqlalchemy_connection(conn)).exec_driver_sql("SELECT 1")
                    raise RuntimeError
            assert db.engine.pool.checkedout() == 0  # type: ignore[attr-defined]
        finally:
            await db.dispose()
