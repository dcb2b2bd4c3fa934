"""Argon2id password hashing, off the event loop (STYLE.md 8)."""

from dataclasses import dataclass, field

import anyio
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from acelab.errors import BadRequest

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024


class PasswordTooShort(BadRequest):
    def __init__(self) -> None:
        text = f"Password must be at least {MIN_PASSWORD_LENGTH} characters"
        super().__init__(text.lower(), codemm_message=text)


class PasswordTooLong(BadRequest):
    def __init__(self) -> None:
        text = f"Password must be at most {MAX_PASSWORD_LENGTH} characters"
        super().__init__(text.lower(), codemm_message=text)


def check_password_policy(password: str) -> None:
    """Reject a new password that is too short or too long (the limits are in characters)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordTooShort()
    if len(password) > MAX_PASSWORD_LENGTH:
        raise PasswordTooLong()


@dataclass
class Passwords:
    hasher: PasswordHasher
    # Verified against when the account does not exist, so timing does not reveal which accounts exist.
    _dummy_hash: str = field(init=False)

    def __post_init__(self) -> None:
        self._dummy_hash = self.hasher.hash("not a real password, only a timing decoy")

    @classmethod
    def argon2id(cls, *, memory_kib: int, time_cost: int, parallelism: int) -> "Passwords":
        return cls(PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism))

    async def hash(self, password: str) -> str:
        """Hash a password in a worker thread."""
        return await anyio.to_thread.run_sync(self.hasher.hash, password)

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """Check a password in a worker thread; a missing hash still costs one verification."""
        return await anyio.to_thread.run_sync(self._verify_sync, password_hash, password)

    def _verify_sync(self, password_hash: str | None, password: str) -> bool:
        try:
            self.hasher.verify(password_hash or self._dummy_hash, password)
        except (VerificationError, InvalidHashError):
            return False
        return password_hash is not None
