"""Apply the Alembic migrations (idempotent): at start-up, from `acelab migrate`, and in tests."""

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection

from acelab.db.engine import WRITE_INTENT, Database

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("file_template", "%%(year)d-%%(month).2d-%%(day).2d_%%(slug)s")
    return config


async def upgrade(db: Database, revision: str = "head") -> None:
    """Bring the schema to `revision`."""
    await _run(db, lambda config: command.upgrade(config, revision))


async def downgrade(db: Database, revision: str) -> None:
    """Take the schema back to `revision` (`base` drops everything)."""
    await _run(db, lambda config: command.downgrade(config, revision))


async def _run(db: Database, action: Callable[[Config], None]) -> None:
    def run_sync(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        action(config)

    # On SQLite the migration takes the write lock when it begins: it reads the schema's version
    # first, and a deferred transaction would fail at its first change if a running app wrote in
    # between, instead of waiting its turn.
    async with db.engine.connect() as connection:
        await connection.execution_options(**{WRITE_INTENT: True})
        await connection.run_sync(run_sync)
        await connection.commit()
