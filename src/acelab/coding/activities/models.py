"""Activities (codemm.md §14.1, adapted: UTC datetimes, JSON columns, string user ids)."""

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from acelab.db.base import Base, JsonType

DRAFT = "DRAFT"
PUBLISHED = "PUBLISHED"


class Activity(Base):
    __tablename__ = "activities"
    __table_args__ = (Index(None, "community_published_at", "id"),)

    id: Mapped[str] = mapped_column(String, primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String)
    prompt: Mapped[str] = mapped_column(Text, default="")
    # The persisted problems (codemm.md §10.9): reference solutions are never stored.
    problems: Mapped[list[dict[str, Any]]] = mapped_column(JsonType)
    status: Mapped[str] = mapped_column(String)
    time_limit_seconds: Mapped[int | None]
    community_published_at: Mapped[datetime | None]
    community_summary: Mapped[str | None] = mapped_column(Text)
    community_tags: Mapped[list[str]] = mapped_column(JsonType)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
