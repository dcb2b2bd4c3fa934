"""The identity machinery built once per app: settings, token signer, password hasher, last-seen cache."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from acelab.config import Settings
from acelab.identity.passwords import Passwords
from acelab.identity.tokens import TokenSigner

LAST_SEEN_CACHE_SIZE = 50_000


@dataclass
class LastSeenCache:
    """Remembers when this worker last wrote `last_seen_at` per session, so a busy client costs
    one write a minute instead of one per request."""

    resolution: timedelta
    _marks: dict[str, datetime] = field(default_factory=dict)

    def due(self, session_id: str, now: datetime) -> bool:
        last = self._marks.get(session_id)
        return last is None or now - last >= self.resolution or now < last

    def mark(self, session_id: str, now: datetime) -> None:
        if len(self._marks) >= LAST_SEEN_CACHE_SIZE:
            self._marks.clear()
        self._marks[session_id] = now


@dataclass
class IdentityContext:
    settings: Settings
    signer: TokenSigner
    passwords: Passwords
    last_seen: LastSeenCache

    @classmethod
    def from_settings(cls, settings: Settings) -> "IdentityContext":
        return cls(
            settings=settings,
            signer=TokenSigner(secret=settings.signing_secret, issuer=settings.jwt_issuer),
            passwords=Passwords.argon2id(
                memory_kib=settings.argon2_memory_kib,
                time_cost=settings.argon2_time_cost,
                parallelism=settings.argon2_parallelism,
            ),
            last_seen=LastSeenCache(resolution=timedelta(seconds=settings.last_seen_resolution_s)),
        )
