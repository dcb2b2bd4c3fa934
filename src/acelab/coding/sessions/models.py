"""SpecBuilder sessions, their messages, and the chat's rate-limit counters (codemm.md §14.1, adapted).

Adapted from the original's tables: the collector (`session_collectors`) is two columns of the
session row; messages carry a sequence number (the original ordered by second-resolution
timestamps, §17.2 item 21); the list's message count and last time are kept on the session row;
an anonymous creator owns their sessions through a session token, stored hashed (§17.1 item 6).
"""

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from acelab.db.base import Base, JsonType

# codemm.md §6.1.
DRAFT = "DRAFT"
CLARIFYING = "CLARIFYING"
READY = "READY"
GENERATING = "GENERATING"
SAVED = "SAVED"
FAILED = "FAILED"
STATES = (DRAFT, CLARIFYING, READY, GENERATING, SAVED, FAILED)
# Allowed moves; staying in the same state is always allowed (a no-op).
TRANSITIONS: dict[str, frozenset[str]] = {
    DRAFT: frozenset({CLARIFYING}),
    CLARIFYING: frozenset({CLARIFYING, READY}),
    READY: frozenset({GENERATING}),
    GENERATING: frozenset({SAVED, FAILED, READY}),
    SAVED: frozenset(),
    FAILED: frozenset({READY}),
}
# Only these states take chat messages (§6.5).
CHAT_STATES = frozenset({DRAFT, CLARIFYING})
ROLES = ("user", "assistant")


class CodingSession(Base):
    __tablename__ = "sessions"
    __table_args__ = (
        CheckConstraint(f"state IN {STATES!r}", name="state"),
        CheckConstraint("learning_mode IN ('practice', 'guided')", name="learning_mode"),
        # GET /sessions: the owner's sessions, most recent conversation first (§6.3).
        Index("ix_sessions_user_id_last_message_at", "user_id", "last_message_at"),
    )

    id: Mapped[str] = mapped_column(String, primary_key=True)  # a UUID, as in the original
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # SHA-256 of the session token its creator's browser holds (rows of before the token: None).
    owner_token_hash: Mapped[bytes | None] = mapped_column(LargeBinary)
    state: Mapped[str] = mapped_column(String, index=True)
    learning_mode: Mapped[str] = mapped_column(String)
    spec: Mapped[dict[str, Any]] = mapped_column(JsonType)
    # The collector (§8 step 5): the question asked last and a pending confirmation.
    question_key: Mapped[str | None] = mapped_column(String)
    collector_buffer: Mapped[list[str]] = mapped_column(JsonType)
    confidence: Mapped[dict[str, float]] = mapped_column(JsonType)
    commitments: Mapped[list[dict[str, Any]]] = mapped_column(JsonType)
    intent_trace: Mapped[list[dict[str, Any]]] = mapped_column(JsonType)
    # Generation (§10): the last plan, the checkpointed problems and per-slot outcomes.
    plan: Mapped[list[dict[str, Any]] | None] = mapped_column(JsonType)
    problems: Mapped[list[dict[str, Any]] | None] = mapped_column(JsonType)
    generation_outcomes: Mapped[list[dict[str, Any]]] = mapped_column(JsonType)
    # Set on SAVED. No foreign key, as for submissions: an activity lives on without its session.
    activity_id: Mapped[str | None] = mapped_column(String)
    last_error: Mapped[str | None] = mapped_column(Text)
    # Set while a generation runs and refreshed by it; a stale one means the worker died (§17.2 item 11).
    generation_heartbeat_at: Mapped[datetime | None]
    # A chat turn waiting on the LLM holds the session until this time (§17.2 item 12).
    turn_token: Mapped[str | None] = mapped_column(String)
    turn_expires_at: Mapped[datetime | None]
    message_count: Mapped[int]
    last_message_at: Mapped[datetime]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class SessionMessage(Base):
    __tablename__ = "session_messages"
    __table_args__ = (
        UniqueConstraint("session_id", "seq"),
        CheckConstraint("role IN ('user', 'assistant')", name="role"),
    )

    id: Mapped[str] = mapped_column(String, primary_key=True)  # a UUID
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    # 1, 2, ... within the session: the conversation's order.
    seq: Mapped[int]
    role: Mapped[str] = mapped_column(String)
    content: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class RateCounter(Base):
    """One fixed-window counter per key (`chat:user:<id>`, `chat:address:<ip>`, ...)."""

    __tablename__ = "codemm_rate_counters"

    key: Mapped[str] = mapped_column(String, primary_key=True)
    hits: Mapped[int]
    window_started_at: Mapped[datetime] = mapped_column(index=True)
