"""The connection pool: a burst past its size waits for connections instead of opening more."""

import asyncio

from sqlalchemy import event

from acelab.db.driver import hot_connection, sqlalchemy_connection
from acelab.db.engine import create_database


class TestPool:
    async def test_a_burst_past_the_pool_reuses_its_connections_and_opens_no_more(self, database_url):
        db = create_database(database_url, pool_size=2)
        opened: list[object] = []
        event.listen(db.engine.sync_engine, "connect", lambda dbapi_connection, _record: opened.append(1))
        most_at_once = at_once = 0

        async def unit() -> None:
            nonlocal most_at_once, at_once
            async with hot_connection(db) as conn:
                await (await sqlalchemy_connection(conn)).exec_driver_sql("SELECT 1")
                at_once += 1  # holding a connection from here on
                most_at_once = max(most_at_once, at_once)
                await asyncio.sleep(0.01)
                at_once -= 1

        try:
            async with asyncio.timeout(10):
                for _ in range(2):  # a second burst finds the first one's connections kept
                    await asyncio.gather(*(unit() for _ in range(8)))
            assert len(opened) == 2
            assert most_at_once == 2
            assert db.engine.pool.checkedout() == 0  # type: ignore[attr-defined]
        finally:
            await db.dispose()
