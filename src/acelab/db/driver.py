"""The asyncpg connection under a PostgreSQL unit of work, for the few statements every request runs.

Through SQLAlchemy a statement costs about 170 µs of CPU on these machines; the same statement sent
to the driver connection costs about 40 µs (bench notes in docs/architecture-notes.md). The session
check of every authenticated request, the practice answer and the exam heartbeat go this way on
PostgreSQL; everything else, and all of SQLite, stays with SQLAlchemy.

A statement sent here runs in the session's transaction when SQLAlchemy has started one, and on its
own otherwise (SQLAlchemy begins lazily, at its first statement): use it in autocommit units of work,
or for statements that stand alone. Its errors are asyncpg's, not SQLAlchemy's. Results come as the
driver decodes them: `timestamptz` as aware UTC datetimes and `jsonb` parsed, as SQLAlchemy's types
give them.
"""

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Insert, Select, Update
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.sql.compiler import SQLCompiler

_DIALECT = asyncpg_dialect()  # type: ignore[no-untyped-call]


async def pg_connection(unit: AsyncSession | AsyncConnection) -> Any | None:
    """The asyncpg connection under a session or connection on PostgreSQL; None on other databases."""
    connection = await unit.connection() if isinstance(unit, AsyncSession) else unit
    if connection.dialect.name != "postgresql":
        return None
    raw = await connection.get_raw_connection()
    return raw.driver_connection


class HotStatement:
    """A Core statement that runs on every heartbeat or answer: through the driver on PostgreSQL
    (compiled once, with SQLAlchemy's bind processing), through SQLAlchemy elsewhere."""

    def __init__(self, statement: Select[Any] | Insert | Update) -> None:
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

    async def first(self, conn: AsyncConnection, params: Mapping[str, Any]) -> Mapping[Any, Any] | None:
        """The first row, by column name; None when there is none."""
        pg = await pg_connection(conn)
        if pg is None:
            found: Mapping[Any, Any] | None = (
                (await conn.execute(self.statement, dict(params))).mappings().first()
            )
            return found
        row: Mapping[Any, Any] | None = await pg.fetchrow(self._sql, *self._args(params))
        return row

    async def rowcount(self, conn: AsyncConnection, params: Mapping[str, Any]) -> int:
        """Run an UPDATE or DELETE; the number of rows it changed."""
        pg = await pg_connection(conn)
        if pg is None:
            return int((await conn.execute(self.statement, dict(params))).rowcount)
        status: str = await pg.execute(self._sql, *self._args(params))
        return int(status.rsplit(" ", 1)[1])
