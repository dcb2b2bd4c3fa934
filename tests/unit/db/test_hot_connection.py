"""HotConnection: the hot paths' unit of work, one connection from the pool whatever runs on it."""

import asyncio

import pytest

from acelab.db.driver import HotConnection, hot_connection, sqlalchemy_connection
from acelab.db.engine import create_database


async def use_both_ways(conn: HotConnection) -> None:
    """A statement on the driver connection (PostgreSQL), then one through the unit's session."""
    if conn.pg is not None:
        await conn.pg.fetchval("SELECT 1")
    await (await sqlalchemy_connection(conn)).exec_driver_sql("SELECT 1")


class TestHotConnection:
    async def test_a_full_pool_of_units_that_open_sessions_does_not_wait_on_itself(self, database_url):
        # Three units that each took a second connection for their session would wait for each
        # other until the pool's 30 s timeout.
        db = create_database(database_url, pool_size=3)
        try:
            all_in = asyncio.Barrier(3)

            async def unit() -> None:
                async with hot_connection(db) as conn:
                    await use_both_ways(conn)
                    await all_in.wait()

            async with asyncio.timeout(5):
                await asyncio.gather(*(unit() for _ in range(3)))
                all_in = asyncio.Barrier(3)
                await asyncio.gather(*(unit() for _ in range(3)))
            assert db.engine.pool.checkedout() == 0  # type: ignore[attr-defined]
        finally:
            await db.dispose()

    async def test_an_error_in_the_unit_returns_its_connection(self, database_url):
        db = create_database(database_url)
        try:
            with pytest.raises(RuntimeError):
                async with hot_connection(db) as conn:
                    await use_both_ways(conn)
                    raise RuntimeError
            assert db.engine.pool.checkedout() == 0  # type: ignore[attr-defined]
        finally:
            await db.dispose()
