"""Identity tables: users, auth sessions, refresh tokens, session limits and groups, login throttle."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from acelab.db.base import Base

ROLES = ("student", "instructor", "admin")


class User(Base):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String, primary_key=True)
    email: Mapped[str] = mapped_column(String, unique=True)
    username: Mapped[str | None] = mapped_column(String, unique=True)
    display_name: Mapped[str | None] = mapped_column(String)
    password_hash: Mapped[str] = mapped_column(String)
    role: Mapped[str] = mapped_column(String, index=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    deleted_at: Mapped[datetime | None]


class AuthSession(Base):
    __tablename__ = "auth_sessions"
    __table_args__ = (Index("ix_auth_sessions_user_id_created_at", "user_id", "created_at"),)

    id: Mapped[str] = mapped_column(String, primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String)
    audience: Mapped[str] = mapped_column(String)
    ip: Mapped[str] = mapped_column(String, default="")
    user_agent: Mapped[str] = mapped_column(String, default="")
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str] = mapped_column(String, default="")


class RefreshToken(Base):
    __tablename__ = "auth_refresh_tokens"

    id: Mapped[str] = mapped_column(String, primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("auth_sessions.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[bytes] = mapped_column(LargeBinary, unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    replaced_by_token_id: Mapped[str | None] = mapped_column(String)


class SessionGroup(Base):
    __tablename__ = "auth_session_groups"

    id: Mapped[str] = mapped_column(String, primary_key=True)
    name: Mapped[str] = mapped_column(String, unique=True)
    created_at: Mapped[datetime]


class SessionGroupMembership(Base):
    __tablename__ = "auth_session_group_memberships"

    group_id: Mapped[str] = mapped_column(
        ForeignKey("auth_session_groups.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime]


class GroupSessionLimit(Base):
    __tablename__ = "auth_session_limits_group"

    group_id: Mapped[str] = mapped_column(
        ForeignKey("auth_session_groups.id", ondelete="CASCADE"), primary_key=True
    )
    max_active_sessions: Mapped[int | None]


class UserSessionLimit(Base):
    __tablename__ = "auth_session_limits_user"

    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    max_active_sessions: Mapped[int | None]


class RoleSessionLimit(Base):
    __tablename__ = "auth_session_limits_role"

    role: Mapped[str] = mapped_column(String, primary_key=True)
    max_active_sessions: Mapped[int | None]


class LoginThrottle(Base):
    """Failed-login counters per key (`account:<email>` or `address:<ip>`) in a fixed window."""

    __tablename__ = "auth_login_throttle"
    key: Mapped[str] = mapped_column(String, primary_key=True)
    failures: Mapped[int]
    window_started_at: Mapped[datetime]
