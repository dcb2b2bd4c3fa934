"""Practice templates, practice sessions and their answers (ace.md §6.1, §7.1, schema per §12.3).

A session freezes its questions in `questions_snapshot` (ace.md §7.2, keys of §12.4), so answers keep
no foreign key to the question bank: practice history survives question edits and deletes (§12.3.7).
"""

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from acelab.db.base import Base, BigId, JsonType

ACTIVE = "active"
PAUSED = "paused"
FINISHED = "finished"
SESSION_STATUSES = (ACTIVE, PAUSED, FINISHED)


class PracticeTemplate(Base):
    __tablename__ = "practice_templates"
    __table_args__ = (
        # The listing order of ace.md §6.2 within one package.
        Index(
            "ix_practice_templates_listing",
            "exam_package_id",
            "section",
            "sort_order",
            "created_at",
        ),
    )

    # A UUID string, as in the original (ace.md §1.8), kept in a text column like the package ids.
    id: Mapped[str] = mapped_column(String, primary_key=True)
    exam_package_id: Mapped[str] = mapped_column(ForeignKey("exam_packages.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String)
    section: Mapped[str] = mapped_column(String)
    topic_id: Mapped[str | None] = mapped_column(
        ForeignKey("question_topics.id", ondelete="SET NULL"), index=True
    )
    difficulty_id: Mapped[str | None] = mapped_column(
        ForeignKey("question_bank_difficulties.id", ondelete="SET NULL"), index=True
    )
    is_timed: Mapped[bool] = mapped_column(default=False)
    target_count: Mapped[int]
    sort_order: Mapped[int] = mapped_column(default=0)
    is_published: Mapped[bool] = mapped_column(default=False)
    created_by_user_id: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    updated_by_user_id: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class PracticeSession(Base):
    __tablename__ = "practice_sessions"
    __table_args__ = (
        CheckConstraint("status IN ('active', 'paused', 'finished')", name="status"),
        # The student's list (ace.md §7.3), by user and optionally status; sorted by last activity
        # without an index, so that an answer updates its row in place (migration 0009).
        Index("ix_practice_sessions_user_id_status", "user_id", "status"),
        {"postgresql_with": {"fillfactor": 80}},
    )

    id: Mapped[str] = mapped_column(String, primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # Deleting a package, tier or template keeps the history (ace.md §12.3.8-9, §16.1 S16).
    package_id: Mapped[str | None] = mapped_column(
        ForeignKey("exam_packages.id", ondelete="SET NULL"), index=True
    )
    tier_id: Mapped[str | None] = mapped_column(
        ForeignKey("exam_package_tiers.id", ondelete="SET NULL"), index=True
    )
    template_id: Mapped[str | None] = mapped_column(
        ForeignKey("practice_templates.id", ondelete="SET NULL"), index=True
    )
    is_timed: Mapped[bool]
    started_at: Mapped[datetime]
    time_limit_seconds: Mapped[int] = mapped_column(default=0)
    target_count: Mapped[int]
    current_index: Mapped[int] = mapped_column(default=0)
    current_question_started_at: Mapped[datetime]
    paused_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String)
    # [{id, prompt, choices: [{id, text}], correctChoiceId, explanation}] in the order asked.
    questions_snapshot: Mapped[list[dict[str, Any]]] = mapped_column(JsonType)
    # The snapshot's ids in the same order (ace.md §12.3.3).
    question_order: Mapped[list[str]] = mapped_column(JsonType)
    # {questionId: whole seconds spent}.
    question_timings: Mapped[dict[str, int]] = mapped_column(JsonType, default=dict)
    correct_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    last_activity_at: Mapped[datetime]


class PracticeAnswer(Base):
    __tablename__ = "practice_answers"
    __table_args__ = (
        # ace.md §16.2 B7: one answer per question of a session, whatever the concurrency.
        UniqueConstraint("session_id", "question_id"),
        Index("ix_practice_answers_user_id_ts", "user_id", "ts"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("practice_sessions.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String)
    choice_id: Mapped[str] = mapped_column(String)
    correct: Mapped[bool]
    explanation: Mapped[str] = mapped_column(Text, default="")
    ts: Mapped[datetime]
