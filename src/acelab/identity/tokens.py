"""Access tokens (HS256 JWT), opaque refresh tokens stored hashed, and CSRF tokens (ace.md §2.3-2.5)."""

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
        try:
            payload = jwt.decode(
                token,
                self.secret,
                algorithms=["HS256"],
                options={
                    "verify_aud": False,
                    "verify_exp": False,
                    "verify_iat": False,
                    "require": ["sub", "exp", "sid"],
                },
                issuer=self.issuer or None,
            )
        except jwt.PyJWTError:
            return None
        # Zero leeway (ace.md §2.3); our clock, so tests can move time.
        if not isinstance(payload.get("exp"), int) or payload["exp"] <= now.timestamp():
            return None
        sub, sid, role, aud = (
            payload.get("sub"),
            payload.get("sid"),
            payload.get("role", ""),
            payload.get("aud"),
        )
        if not isinstance(sub, str) or not sub or not isinstance(sid, str) or not isinstance(role, str):
            return None
        audiences = tuple(a for a in (aud if isinstance(aud, list) else [aud]) if isinstance(a, str))
        return Claims(user_id=sub, role=role, audiences=audiences, session_id=sid)


def new_refresh_token() -> str:
    """Return 32 random bytes, base64url without padding (43 characters)."""
    return secrets.token_urlsafe(32)


def hash_refresh_token(token: str) -> bytes:
    """Return the SHA-256 digest under which a refresh token is stored."""
    return hashlib.sha256(token.encode()).digest()


def new_csrf_token() -> str:
    """Return 16 random bytes, base64url without padding (22 characters)."""
    return secrets.token_urlsafe(16)
