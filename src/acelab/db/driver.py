"""The asyncpg connection, for the few statements every request runs.

Through SQLAlchemy a statement costs about 170 µs of CPU on these machines; the same statement sent
to the driver connection costs about 40 µs, and an autocommit session around it about 450 µs more
(a bare pool checkout, about 60 µs; bench notes in docs/architecture-notes.md). The session check of
every authenticated request, the practice answer and the exam heartbeat go this way on PostgreSQL;
the practice answer on a `HotConnection`, with no session at all. Everything else, and all of
SQLite, stays with SQLAlchemy.

A statement sent here runs in the session's transaction when SQLAlchemy has started one, and on its
own otherwise (SQLAlchemy begins lazily, at its first statement): use it in autocommit units of work,
or for statements that stand alone. Its errors are asyncpg's, not SQLAlchemy's. Results come as the
driver decodes them: `timestamptz` as aware UTC datetimes and `jsonb` parsed, as SQLAlchemy's types
give them.
"""

from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Insert, Select, Update
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.sql.compiler import SQLCompiler

from acelab.db.engine import Database

_DIALECT = asyncpg_dialect()  # type: ignore[no-untyped-call]


@dataclass(frozen=True)
class HotConnection:
    """An autocommit connection for a request's few statements: the asyncpg connection (`pg`) on
    PostgreSQL, a SQLAlchemy connection (`sa`) elsewhere. Exactly one is set."""

    pg: Any | None = None
    sa: AsyncConnection | None = None

    @property
    def sqlalchemy(self) -> AsyncConnection:
        """The SQLAlchemy connection (not PostgreSQL)."""
        assert self.sa is not None
        return self.sa


@asynccontextmanager
async def hot_connection(db: Database) -> AsyncIterator[HotConnection]:
    """Check a connection out for a hot path: on PostgreSQL the driver connection from the engine's
    pool, with no session or SQLAlchemy connection around it; its statements run in autocommit."""
    if db.is_sqlite:
        async with db.autocommit_engine.connect() as connection:
            yield HotConnection(sa=connection)
        return
    pooled = await db.engine.raw_connection()
    try:
        yield HotConnection(pg=pooled.driver_connection)
    finally:
        pooled.close()  # back to the pool, which resets it


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
    """The SQLAlchemy connection of a unit (not for a HotConnection on PostgreSQL)."""
    if isinstance(unit, HotConnection):
        return unit.sqlalchemy
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
