"""Engine and session factory, built in the app's lifespan (never at import)."""

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

# Execution option asking SQLite to take its write lock when the transaction begins.
WRITE_INTENT = "acelab_write_intent"
# Execution option for SQLite connections that run each statement on its own (no BEGIN). SQLAlchemy's
# own AUTOCOMMIT level would reset the connection with a PRAGMA at every check-in.
SQLITE_AUTOCOMMIT = "acelab_sqlite_autocommit"


@dataclass(frozen=True)
class Database:
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    # Sessions whose statements each commit on their own: reads skip the BEGIN/COMMIT round trips.
    autocommit_sessionmaker: async_sessionmaker[AsyncSession]
    autocommit_engine: AsyncEngine
    # SQLite has one writer at a time and its busy handler sleeps in steps of up to 100 ms: writers
    # of one process queue here instead, so only other processes ever meet the busy handler.
    sqlite_write_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    async def dispose(self) -> None:
        await self.engine.dispose()


def json_dumps(value: Any) -> str:
    """JSON columns' serializer: orjson writes a 26 KB exam paper about ten times faster than the
    standard library. What orjson refuses (integers past 64 bits, keys that are not strings, lone
    surrogates) is written as before, by the standard library. Reading stays with the standard
    library: orjson would read integers past 64 bits as floats, and a snapshot is kept verbatim."""
    try:
        return orjson.dumps(value).decode()
    except orjson.JSONEncodeError:
        return json.dumps(value)


def create_database(url: str, *, pool_size: int = 20) -> Database:
    """Create the engine for `url` (sqlite+aiosqlite or postgresql+asyncpg).

    The pool opens at most `pool_size` connections and keeps every one it opened; a unit of work
    beyond them waits for one to come back. No overflow: an overflow connection is closed on its way
    back and opened again at the next burst, and opening one costs more than many queries (a thread
    per aiosqlite connection; a TCP handshake and a new server process per asyncpg one). Under a
    load that keeps the pool busy that churn fed itself: slower requests, more of them at once,
    more connections opened (hundreds in one exam day at 10,000 students).
    """
    options = {
        "pool_size": pool_size,
        "max_overflow": 0,
        "json_serializer": json_dumps,
    }
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 30}, **options)
        _configure_sqlite(engine)
        autocommit_engine = engine.execution_options(**{SQLITE_AUTOCOMMIT: True})
    else:
        engine = create_async_engine(url, **options)
        autocommit_engine = engine.execution_options(isolation_level="AUTOCOMMIT")
    return Database(
        engine=engine,
        sessionmaker=async_sessionmaker(engine, expire_on_commit=False),
        autocommit_sessionmaker=async_sessionmaker(autocommit_engine, expire_on_commit=False),
        autocommit_engine=autocommit_engine,
    )


def _configure_sqlite(engine: AsyncEngine) -> None:
    # We issue BEGIN ourselves so that a writing unit of work can start with BEGIN IMMEDIATE:
    # a deferred transaction that reads first and writes later fails with SQLITE_BUSY_SNAPSHOT
    # when another writer commits in between, instead of waiting for the lock.
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        options = conn.get_execution_options()
        if options.get(SQLITE_AUTOCOMMIT, False):
            return
        conn.exec_driver_sql("BEGIN IMMEDIATE" if options.get(WRITE_INTENT, False) else "BEGIN")
