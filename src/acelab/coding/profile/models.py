"""Learner profiles and stored LLM keys (codemm.md §14.1, adapted: UTC datetimes, JSON columns)."""

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from acelab.db.base import Base, JsonType


class LearnerProfile(Base):
    __tablename__ = "learner_profiles"

    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    language: Mapped[str] = mapped_column(String, primary_key=True)
    # concept -> mastery in 0..1 (0.5 = unknown)
    concept_mastery: Mapped[dict[str, float]] = mapped_column(JsonType)
    # [{concept, count, last_seen (ISO)}], most recent first
    recent_failures: Mapped[list[dict[str, Any]]] = mapped_column(JsonType)
    preferred_style: Mapped[str | None] = mapped_column(String)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class UserLlmKey(Base):
    """A user's own provider key, encrypted with the server's key (never returned, never logged)."""

    __tablename__ = "user_llm_keys"

    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    provider: Mapped[str] = mapped_column(String)
    key_ciphertext: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime]
