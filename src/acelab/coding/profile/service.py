"""Learner profile rules (codemm.md §14.3): mastery moves 10 % toward each graded outcome, decays
toward 0.5 with time, and recent failures are remembered per concept. Also the user's own LLM key
(codemm.md §4), stored encrypted."""

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypedDict

from sqlalchemy.ext.asyncio import AsyncSession

from acelab import clock
from acelab.coding.llm.keys import UserKeyCipher
from acelab.coding.llm.select import StoredKey
from acelab.coding.profile.models import LearnerProfile, UserLlmKey
from acelab.http.wire import format_iso_ms

UNKNOWN = 0.5
DECAY_DAYS = 60
MAX_FAILURES = 50
MAX_FAILURE_COUNT = 10_000


class Failure(TypedDict):
    concept: str
    count: int
    last_seen: str


@dataclass(frozen=True, slots=True)
class Mastery:
    """What guided planning reads: mastery per concept (decayed to now) and recent failures."""

    concepts: dict[str, float]
    recent_failures: list[Failure]

    def of(self, concept: str) -> float:
        return self.concepts.get(concept, UNKNOWN)


def _clamp(value: float) -> float:
    return min(1.0, max(0.0, value))


def _decayed(mastery: dict[str, float], since: datetime, now: datetime) -> dict[str, float]:
    days = max(0.0, (now - since).total_seconds() / 86_400)
    alpha = 1 - math.exp(-days / DECAY_DAYS)
    return {k: _clamp(float(v) * (1 - alpha) + UNKNOWN * alpha) for k, v in mastery.items()}


def _valid_failures(entries: list[dict[str, Any]]) -> list[Failure]:
    """Entries without a concept, a positive count or a time are dropped (codemm.md §14.3 step 4)."""
    return [
        Failure(concept=e["concept"], count=e["count"], last_seen=e["last_seen"])
        for e in entries
        if isinstance(e, dict)
        and isinstance(e.get("concept"), str)
        and isinstance(e.get("count"), int)
        and e["count"] > 0
        and isinstance(e.get("last_seen"), str)
    ][:MAX_FAILURES]


async def read_mastery(session: AsyncSession, *, user_id: str, language: str) -> Mastery | None:
    """The learner's mastery in a language, decayed to now; None before their first graded submission.
    (The original's read always failed on its own timestamps, so guided mode never adapted: fixed.)"""
    profile = await session.get(LearnerProfile, (user_id, language))
    if profile is None:
        return None
    return Mastery(
        concepts=_decayed(profile.concept_mastery, profile.updated_at, clock.utcnow()),
        recent_failures=_valid_failures(profile.recent_failures),
    )


async def record_outcome(
    session: AsyncSession, *, user_id: str, language: str, concept: str | None, success: bool
) -> None:
    """Fold one graded submission into the learner's profile for `language`."""
    concept = (concept or "").strip()
    if not concept:
        return
    now = clock.utcnow()
    profile = await session.get(LearnerProfile, (user_id, language), with_for_update=True)
    if profile is None:
        profile = LearnerProfile(
            user_id=user_id,
            language=language,
            concept_mastery={},
            recent_failures=[],
            preferred_style=None,
            created_at=now,
            updated_at=now,
        )
        session.add(profile)
    mastery = _decayed(profile.concept_mastery, profile.updated_at, now)
    mastery[concept] = _clamp(mastery.get(concept, UNKNOWN) * 0.9 + (0.1 if success else 0.0))
    failures = _valid_failures(profile.recent_failures)
    if not success:
        seen = format_iso_ms(now)
        known = next((f for f in failures if f["concept"] == concept), None)
        if known is not None:
            known["count"] = min(MAX_FAILURE_COUNT, known["count"] + 1)
            known["last_seen"] = seen
        else:
            failures.insert(0, Failure(concept=concept, count=1, last_seen=seen))
    # New objects, so the JSON columns are written.
    profile.concept_mastery = mastery
    profile.recent_failures = [dict(f) for f in failures[:MAX_FAILURES]]
    profile.updated_at = now
    await session.flush()


async def stored_key(session: AsyncSession, *, user_id: str) -> StoredKey | None:
    """The user's own provider and encrypted key, for choosing the provider of their LLM calls."""
    row = await session.get(UserLlmKey, user_id)
    return StoredKey(provider=row.provider, ciphertext=row.key_ciphertext) if row else None


async def llm_settings(session: AsyncSession, *, user_id: str) -> UserLlmKey | None:
    return await session.get(UserLlmKey, user_id)


async def save_llm_key(
    session: AsyncSession, *, user_id: str, provider: str, api_key: str, cipher: UserKeyCipher
) -> None:
    """Store (or replace) the user's key, encrypted; the plain key is never kept or logged."""
    row = await session.get(UserLlmKey, user_id, with_for_update=True)
    ciphertext = cipher.encrypt(api_key)
    if row is None:
        session.add(
            UserLlmKey(
                user_id=user_id, provider=provider, key_ciphertext=ciphertext, updated_at=clock.utcnow()
            )
        )
    else:
        row.provider, row.key_ciphertext, row.updated_at = provider, ciphertext, clock.utcnow()
    await session.flush()


async def clear_llm_key(session: AsyncSession, *, user_id: str) -> None:
    row = await session.get(UserLlmKey, user_id)
    if row is not None:
        await session.delete(row)
        await session.flush()
