"""Failed-login throttling per account and per client address, shared by every worker through the DB."""

from datetime import datetime, timedelta

from sqlalchemy import case, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from acelab.config import Settings
from acelab.identity.models import LoginThrottle


def throttle_keys(*, identifier: str, ip: str) -> dict[str, str]:
    """Return the counter keys for one login attempt: its account and its address."""
    return {"account": f"account:{identifier}", "address": f"address:{ip}"}


async def retry_after(
    session: AsyncSession, *, settings: Settings, keys: dict[str, str], now: datetime
) -> int:
    """Return how many seconds the caller must wait, or 0 when it may try to log in."""
    limits = {
        keys["account"]: settings.login_max_failures_per_account,
        keys["address"]: settings.login_max_failures_per_address,
    }
    window = timedelta(seconds=settings.login_failure_window_s)
    rows = (await session.scalars(select(LoginThrottle).where(LoginThrottle.key.in_(limits)))).all()
    wait = 0
    for row in rows:
        ends = row.window_started_at + window
        if row.failures >= limits[row.key] and ends > now:
            wait = max(wait, int((ends - now).total_seconds()) + 1)
    return wait


async def record_failure(
    session: AsyncSession, *, settings: Settings, keys: dict[str, str], now: datetime
) -> None:
    """Count one failed attempt against each key; a counter whose window has passed starts again."""
    window_start_cutoff = now - timedelta(seconds=settings.login_failure_window_s)
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    expired = LoginThrottle.window_started_at <= window_start_cutoff
    for key in keys.values():
        stmt = insert(LoginThrottle).values(key=key, failures=1, window_started_at=now)
        stmt = stmt.on_conflict_do_update(
            index_elements=[LoginThrottle.key],
            set_={
                "failures": case((expired, 1), else_=LoginThrottle.failures + 1),
                "window_started_at": case((expired, now), else_=LoginThrottle.window_started_at),
            },
        )
        await session.execute(stmt)
    await session.execute(delete(LoginThrottle).where(expired))


async def clear_account(session: AsyncSession, *, keys: dict[str, str]) -> None:
    """Forget an account's failures after a successful login (the address keeps its count)."""
    await session.execute(delete(LoginThrottle).where(LoginThrottle.key == keys["account"]))
