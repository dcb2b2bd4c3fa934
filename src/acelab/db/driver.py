"""The asyncpg connection, for the few statements every request runs.

Through SQLAlchemy a statement costs about 170 µs of CPU on these machines; the same statement sent
to the driver connection costs about 40 µs, and an autocommit session around it about 450 µs more
(an autocommit connection alone, about 150 µs; bench notes in docs/architecture-notes.md). The
session check of every authenticated request, the practice answer and the exam heartbeat go this
way on PostgreSQL, on a `HotConnection`: no session at all unless a rarer statement needs one.
Everything else, and all of SQLite, stays with SQLAlchemy.

A statement sent here runs in the session's transaction when SQLAlchemy has started one, and on its
own otherwise (SQLAlchemy begins lazily, at its first statement): use it in autocommit units of work,
or for statements that stand alone. Its errors are asyncpg's, not SQLAlchemy's. Results come as the
driver decodes them: `timestamptz` as aware UTC datetimes and `jsonb` parsed, as SQLAlchemy's types
give them.
"""

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import Insert, Select, Update
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.sql.compiler import SQLCompiler

from acelab.db.engine import Database, json_dumps
from acelab.db.session import closing_promptly, unit_of_work

_DIALECT = asyncpg_dialect(json_serializer=json_dumps)  # type: ignore[no-untyped-call]


class HotConnection:
    """A unit of work for a request's few statements, in autocommit, on one connection.

    On PostgreSQL `pg` is its driver connection, used directly; a SQLAlchemy session on the same
    connection is opened only for a statement that needs one. On SQLite `pg` is None and every
    statement goes to that session.
    """

    def __init__(self, pg: Any | None, open_session: Callable[[], Awaitable[AsyncSession]]) -> None:
        self.pg = pg
        self._open_session = open_session
        self._session: AsyncSession | None = None

    async def session(self) -> AsyncSession:
        """The unit's SQLAlchemy session, opened at the first call."""
        if self._session is None:
            self._session = await self._open_session()
        return self._session


@asynccontextmanager
async def hot_connection(db: Database, *, sqlite_write: bool = False) -> AsyncIterator[HotConnection]:
    """Open a HotConnection. `sqlite_write`: on SQLite its session takes the write lock (its first
    statement may read: see unit_of_work); on PostgreSQL every statement commits on its own.

    One connection per unit, never a second: a request that held one while waiting for another
    could, with enough of them, leave none in the pool for anybody.
    """
    async with contextlib.AsyncExitStack() as stack:
        if db.is_sqlite:
            yield HotConnection(
                pg=None,
                open_session=lambda: stack.enter_async_context(
                    unit_of_work(db, write=sqlite_write, autocommit=not sqlite_write)
                ),
            )
            return
        connection = await stack.enter_async_context(closing_promptly(await db.autocommit_engine.connect()))
        yield HotConnection(
            pg=await pg_connection(connection),
            open_session=lambda: stack.enter_async_context(
                unit_of_work(db, autocommit=True, bind=connection)
            ),
        )


Unit = AsyncSession | AsyncConnection | HotConnection


async def pg_connection(unit: Unit) -> Any | None:
    """The asyncpg connection under a session or connection on PostgreSQL; None on other databases."""
    if isinstance(unit, HotConnection):
        return unit.pg
    connection = await unit.connection() if isinstance(unit, AsyncSession) else unit
    if connection.dialect.name != "postgresql":
        return None
    raw = await connection.get_raw_connection()
    return raw.driver_connection


async def sqlalchemy_connection(unit: Unit) -> AsyncConnection:
    """The SQLAlchemy connection of a unit (a HotConnection's session's, opened if need be)."""
    if isinstance(unit, HotConnection):
        unit = await unit.session()
    return await unit.connection() if isinstance(unit, AsyncSession) else unit


class HotStatement:
    """A Core statement that runs on every heartbeat or answer: through the driver on PostgreSQL
    (compiled once, with SQLAlchemy's bind processing), through SQLAlchemy elsewhere."""

    def __init__(self, statement: Select[*tuple[Any, ...]] | Insert | Update) -> None:
        self.statement = statement
        compiled = statement.compile(dialect=_DIALECT)
        assert isinstance(compiled, SQLCompiler)
        self._compiled = compiled
        self._sql = str(compiled)
        self._binds: tuple[tuple[str, Callable[[Any], Any] | None], ...] = tuple(
            (name, compiled.binds[name].type.dialect_impl(_DIALECT).bind_processor(_DIALECT))
            for name in compiled.positiontup or ()
        )

    def _args(self, params: Mapping[str, Any]) -> list[Any]:
        values = self._compiled.construct_params(dict(params)) or {}
        return [values[name] if process is None else process(values[name]) for name, process in self._binds]

    async def first(self, conn: Unit, params: Mapping[str, Any]) -> Mapping[Any, Any] | None:
        """The first row, by column name; None when there is none."""
        pg = await pg_connection(conn)
        if pg is None:
            connection = await sqlalchemy_connection(conn)
            found: Mapping[Any, Any] | None = (
                (await connection.execute(self.statement, dict(params))).mappings().first()
            )
            return found
        row: Mapping[Any, Any] | None = await pg.fetchrow(self._sql, *self._args(params))
        return row

    async def rowcount(self, conn: Unit, params: Mapping[str, Any]) -> int:
        """Run an UPDATE or DELETE; the number of rows it changed."""
        pg = await pg_connection(conn)
        if pg is None:
            connection = await sqlalchemy_connection(conn)
            return int((await connection.execute(self.statement, dict(params))).rowcount)
        status: str = await pg.execute(self._sql, *self._args(params))
        return int(status.rsplit(" ", 1)[1])
