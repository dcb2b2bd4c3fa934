"""Access tokens (HS256 JWT), opaque refresh tokens stored hashed, and CSRF tokens (ace.md §2.3-2.5)."""

import functools
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt

# Audience of the long-lived token handed to the Codemm web app, which has no refresh flow.
CODEMM_AUDIENCE = "codemm"


@dataclass(frozen=True)
class Claims:
    user_id: str
    role: str
    audiences: tuple[str, ...]
    session_id: str


@dataclass(frozen=True)
class TokenSigner:
    secret: str
    issuer: str = ""

    def issue(
        self, *, user_id: str, role: str, audience: str, session_id: str, now: datetime, ttl_s: int
    ) -> str:
        """Sign an access token for one auth session."""
        payload: dict[str, object] = {
            "sub": user_id,
            "aud": [audience],
            "iat": int(now.timestamp()),
            "exp": int((now + timedelta(seconds=ttl_s)).timestamp()),
            "role": role,
            "sid": session_id,
        }
        if self.issuer:
            payload["iss"] = self.issuer
        return jwt.encode(payload, self.secret, algorithm="HS256")

    def decode(self, token: str, *, now: datetime) -> Claims | None:
        """Return the claims of a valid, unexpired token, else None (expired and forged look alike)."""
        verified = _verify(token, self.secret, self.issuer)
        # Zero leeway (ace.md §2.3); our clock, so tests can move time.
        if verified is None or verified[1] <= now.timestamp():
            return None
        return verified[0]


# A browser sends the same token for its 15 minutes: checking the signature once per token and
# process saves most of the cost of authenticating a request. Expiry is still checked every time.
@functools.lru_cache(maxsize=16384)
def _verify(token: str, secret: str, issuer: str) -> tuple[Claims, int] | None:
    try:
        payload = jwt.decode(
            token,
            secret,
            algorithms=["HS256"],
            options={
                "verify_aud": False,
                "verify_exp": False,
                "verify_iat": False,
                "require": ["sub", "exp", "sid"],
            },
            issuer=issuer or None,
        )
    except jwt.PyJWTError:
        return None
    sub, sid, role, aud, exp = (
        payload.get("sub"),
        payload.get("sid"),
        payload.get("role", ""),
        payload.get("aud"),
        payload.get("exp"),
    )
    if not (isinstance(sub, str) and sub and isinstance(sid, str) and isinstance(role, str)):
        return None
    if not isinstance(exp, int):
        return None
    audiences = tuple(a for a in (aud if isinstance(aud, list) else [aud]) if isinstance(a, str))
    return Claims(user_id=sub, role=role, audiences=audiences, session_id=sid), exp


def new_refresh_token() -> str:
    """Return 32 random bytes, base64url without padding (43 characters)."""
    return secrets.token_urlsafe(32)


def hash_refresh_token(token: str) -> bytes:
    """Return the SHA-256 digest under which a refresh token is stored."""
    return hashlib.sha256(token.encode()).digest()


def new_csrf_token() -> str:
    """Return 16 random bytes, base64url without padding (22 characters)."""
    return secrets.token_urlsafe(16)
