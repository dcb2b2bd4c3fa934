"""Submissions (codemm.md §14.1, adapted: string ids, UTC datetimes, verdict and per-test results)."""

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from acelab.db.base import Base, JsonType


class Submission(Base):
    __tablename__ = "submissions"

    id: Mapped[str] = mapped_column(String, primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # Only submissions to a stored problem are recorded, graded with its stored suite (codemm.md
    # §13.8). No foreign key: the history outlives an activity.
    activity_id: Mapped[str] = mapped_column(String, index=True)
    problem_id: Mapped[str] = mapped_column(String)
    language: Mapped[str] = mapped_column(String)
    # The raw code, or the JSON text of the files map (codemm.md §13.8).
    code: Mapped[str] = mapped_column(Text)
    success: Mapped[bool]
    verdict: Mapped[str] = mapped_column(String)
    passed_tests: Mapped[int]
    total_tests: Mapped[int]
    # codemm.md §14.1: 0 is stored as NULL.
    execution_time_ms: Mapped[int | None]
    tests: Mapped[list[dict[str, Any]]] = mapped_column(JsonType)
    submitted_at: Mapped[datetime]
