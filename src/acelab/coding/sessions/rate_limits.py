"""Fixed-window counters for LLM-costly routes, shared by every worker through the database
(codemm.md §17.1 item 9: every anonymous chat message cost an LLM call, with no limit).

A request is counted against each of its buckets (the user, the client address) in the caller's
unit of work; a refused request raises there, so the rollback takes its count back.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from acelab import clock
from acelab.coding.sessions.models import RateCounter
from acelab.config import Settings
from acelab.errors import RateLimited


@dataclass(frozen=True, slots=True)
class Bucket:
    key: str
    limit: int


def buckets(
    scope: str, *, user_id: str | None, address: str, per_user: int, per_address: int
) -> list[Bucket]:
    """The user's bucket (when signed in), then the address's; always in this order (lock order)."""
    found = [Bucket(f"{scope}:user:{user_id}", per_user)] if user_id else []
    return [*found, Bucket(f"{scope}:address:{address}", per_address)]


async def hit(session: AsyncSession, *, counters: Sequence[Bucket], window_s: int, now: datetime) -> int:
    """Count one request in each bucket; return 0 when every bucket allows it, else the seconds
    until the fullest one frees up (the caller raises, which rolls the counts back)."""
    window = timedelta(seconds=window_s)
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    expired = RateCounter.window_started_at <= now - window
    wait = 0
    for bucket in counters:
        upsert = (
            insert(RateCounter)
            .values(key=bucket.key, hits=1, window_started_at=now)
            .on_conflict_do_update(
                index_elements=[RateCounter.key],
                set_={
                    "hits": case((expired, 1), else_=RateCounter.hits + 1),
                    "window_started_at": case((expired, now), else_=RateCounter.window_started_at),
                },
            )
            .returning(RateCounter.hits, RateCounter.window_started_at)
        )
        hits, started = (await session.execute(upsert)).one()
        if hits > bucket.limit:
            wait = max(wait, int((started + window - now).total_seconds()) + 1)
    # Forget windows long over; rows another request holds are skipped, never waited for.
    stale = (
        select(RateCounter.key)
        .where(RateCounter.window_started_at <= now - 2 * window)
        .with_for_update(skip_locked=True)
    )
    await session.execute(delete(RateCounter).where(RateCounter.key.in_(stale)))
    return wait


class TooManyRequests(RateLimited):
    def __init__(self, retry_after_s: int) -> None:
        super().__init__(
            f"Too many requests. Try again in {retry_after_s} seconds.", retry_after_s=retry_after_s
        )


async def enforce(
    session: AsyncSession, *, scope: str, user_id: str | None, address: str, settings: Settings
) -> None:
    """Count a request to an LLM-costly route (generate, AI edit) under the chat's limits; 429 when over."""
    counters = buckets(
        scope,
        user_id=user_id,
        address=address,
        per_user=settings.chat_rate_per_user,
        per_address=settings.chat_rate_per_address,
    )
    wait = await hit(session, counters=counters, window_s=settings.chat_rate_window_s, now=clock.utcnow())
    if wait:
        raise TooManyRequests(wait)
