"""One migration history for SQLite and PostgreSQL: it goes up, down and up again, and matches the models."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect, text

from acelab.db import migrate
from acelab.db.base import Base
from acelab.db.engine import create_database


def _diff(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True, "render_as_batch": True})
    return list(compare_metadata(context, Base.metadata))


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names()) - {"alembic_version"}


class TestMigrations:
    async def test_models_match_the_migrations(self, database_url):
        db = create_database(database_url)
        async with db.engine.connect() as connection:
            assert await connection.run_sync(_diff) == []
        await db.dispose()

    async def test_upgrade_downgrade_upgrade(self, database_url):
        db = create_database(database_url)
        try:
            await migrate.downgrade(db, "base")
            async with db.engine.connect() as connection:
                assert await connection.run_sync(_tables) == set()
            await migrate.upgrade(db)
            await migrate.upgrade(db)  # idempotent
            async with db.engine.connect() as connection:
                assert await connection.run_sync(_tables) == set(Base.metadata.tables)
        finally:
            await db.dispose()

    async def test_large_documents_are_compressed_with_lz4_on_postgresql(self, database_url):
        db = create_database(database_url)
        try:
            if db.is_sqlite:
                pytest.skip("SQLite has no column compression")
            async with db.engine.connect() as connection:
                methods = await connection.execute(
                    text(
                        "SELECT attrelid::regclass::text, attname::text, attcompression::text"
                        " FROM pg_attribute"
                        " WHERE (attrelid = 'exam_sessions'::regclass"
                        "        AND attname IN ('paper', 'answers', 'snapshot'))"
                        " OR (attrelid = 'practice_sessions'::regclass AND attname = 'questions_snapshot')"
                    )
                )
                assert sorted(methods.all()) == [
                    ("exam_sessions", "answers", "l"),
                    ("exam_sessions", "paper", "l"),
                    ("exam_sessions", "snapshot", "l"),
                    ("practice_sessions", "questions_snapshot", "l"),
                ]
        finally:
            await db.dispose()
