"""Test fixtures: a migrated database per test on SQLite or PostgreSQL, the app, an HTTP client, a clock.

SQLite: one migrated template file per run, copied for each test. PostgreSQL (ACELAB_DATABASE_URL set):
one database migrated per run, emptied after each test. Services open several units of work per
request (login, refresh), so tests see real commits rather than one rolled-back outer transaction.
"""

import os
import shutil
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.engine import make_url

from acelab import clock
from acelab.app import create_app
from acelab.config import Settings
from acelab.db import migrate
from acelab.db.base import Base
from acelab.db.engine import Database, create_database
from acelab.identity.context import IdentityContext

PG_URL = os.environ.get("ACELAB_DATABASE_URL", "")
TEST_SECRET = "test-secret-" + "x" * 40


def _pg_test_url() -> str:
    url = make_url(Settings(database_url=PG_URL).sqlalchemy_url)
    return url.set(database=(url.database or "acelab") + "_test").render_as_string(hide_password=False)


# Rows the migrations seed (difficulties, ...): TRUNCATE removes them, so each PostgreSQL test gets them back.
_SEEDS: dict[str, list[dict[str, Any]]] = {}


async def _remember_seeds(db: Database) -> None:
    async with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            rows = (await conn.execute(table.select())).mappings().all()
            _SEEDS[table.name] = [dict(row) for row in rows]


@pytest.fixture(scope="session")
async def template_url(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    """Migrate one database for the whole run and return its URL."""
    if PG_URL:
        test_url = _pg_test_url()
        admin = create_database(
            make_url(test_url).set(database="postgres").render_as_string(hide_password=False)
        )
        name = make_url(test_url).database
        async with admin.engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
        await admin.dispose()
        db = create_database(test_url)
        await migrate.upgrade(db)
        await _remember_seeds(db)
        await db.dispose()
        yield test_url
    else:
        path = tmp_path_factory.mktemp("template") / "template.db"
        db = create_database(f"sqlite+aiosqlite:///{path}")
        await migrate.upgrade(db)
        await db.dispose()
        yield str(path)


@pytest.fixture
async def database_url(template_url: str, tmp_path: Path) -> AsyncIterator[str]:
    """A fresh, migrated, empty database for one test."""
    if PG_URL:
        yield template_url
        db = create_database(template_url)
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        async with db.engine.begin() as conn:
            await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            for table in Base.metadata.sorted_tables:
                if _SEEDS.get(table.name):
                    await conn.execute(table.insert(), _SEEDS[table.name])
        await db.dispose()
    else:
        path = tmp_path / "acelab.db"
        shutil.copyfile(template_url, path)
        yield f"sqlite+aiosqlite:///{path}"


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path,
        database_url=database_url,
        jwt_secret=TEST_SECRET,
        # Cheap hashes keep the suite fast; bench/auth.py measures the production parameters.
        argon2_memory_kib=1024,
        argon2_time_cost=1,
        login_max_failures_per_account=5,
        login_max_failures_per_address=20,
        cors_origins="http://localhost:5173,https://app.example.org",
        # Every test starts an app: warming would start JVMs each time (tests/api/judge covers it).
        judge_prewarm=False,
        # A developer's own LLM keys never reach the tests: no provider unless a test configures one.
        openai_api_key=None,
        anthropic_api_key=None,
        gemini_api_key=None,
    )


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
def db(app: FastAPI) -> Database:
    database: Database = app.state.db
    return database


@pytest.fixture
def identity(app: FastAPI) -> IdentityContext:
    ctx: IdentityContext = app.state.identity
    return ctx


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


@pytest.fixture
async def other_client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A second browser with its own cookie jar."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


class FrozenClock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def frozen_clock() -> Iterator[FrozenClock]:
    """Stop time at a fixed instant; `advance()` moves it."""
    fake = FrozenClock(datetime.now(UTC).replace(microsecond=0))
    clock.set_source(fake)
    yield fake
    clock.set_source(None)
