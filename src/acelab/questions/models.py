"""Question bank tables (ace.md §9.1, schema per §12.3): banks, topics, difficulties, questions, choices.

No ORM relationships: every read is an explicit query, so nothing can lazy-load in async code.
"""

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from acelab.db.base import Base

# ace.md §10. New questions are drafts; only published ones reach students and practice.
DRAFT = "draft"
IN_REVIEW = "in_review"
NEEDS_CHANGES = "needs_changes"
PUBLISHED = "published"
ARCHIVED = "archived"
QUESTION_STATUSES = (DRAFT, IN_REVIEW, NEEDS_CHANGES, PUBLISHED, ARCHIVED)

# ace.md §1.8 prefixes (a bank is `pkg_`, as in the original).
BANK_ID_PREFIX = "pkg"
TOPIC_ID_PREFIX = "top"
QUESTION_ID_PREFIX = "qst"
CHOICE_ID_PREFIX = "ch"

# ace.md §12.1 000009 seeds: (id, display name, sort order).
SEEDED_DIFFICULTIES = (("easy", "Easy", 1), ("medium", "Medium", 2), ("hard", "Hard", 3))


class QuestionBank(Base):
    __tablename__ = "question_banks"
    # §12.3.4: unique per exam package (NULLs are distinct, so unlinked banks are checked by the service).
    __table_args__ = (UniqueConstraint("exam_package_id", "name"),)

    id: Mapped[str] = mapped_column(String, primary_key=True)
    name: Mapped[str] = mapped_column(String)
    exam_package_id: Mapped[str | None] = mapped_column(ForeignKey("exam_packages.id", ondelete="SET NULL"))
    created_by_user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    is_hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class QuestionTopic(Base):
    """A topic belongs to a bank, not to an exam package (§9.1, §12.3.5)."""

    __tablename__ = "question_topics"
    __table_args__ = (UniqueConstraint("question_bank_id", "name"),)

    id: Mapped[str] = mapped_column(String, primary_key=True)
    question_bank_id: Mapped[str | None] = mapped_column(ForeignKey("question_banks.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String)
    created_by_user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    is_hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class QuestionDifficulty(Base):
    """Seeded easy/medium/hard; only the display name is editable."""

    __tablename__ = "question_bank_difficulties"

    id: Mapped[str] = mapped_column(String, primary_key=True)
    display_name: Mapped[str] = mapped_column(String)
    sort_order: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Question(Base):
    __tablename__ = "question_bank_questions"
    __table_args__ = (
        CheckConstraint(
            "status IN ('draft', 'in_review', 'needs_changes', 'published', 'archived')", name="status"
        ),
        # Practice selection: published questions of a few banks, optionally by topic and difficulty;
        # the trailing id lets the random pick read the index alone.
        Index(
            "ix_question_bank_questions_selection",
            "question_bank_id",
            "status",
            "topic_id",
            "difficulty_id",
            "id",
        ),
        # The student list (published, newest first) and the instructor list (by status, last edited first).
        Index("ix_question_bank_questions_status_created_at", "status", "created_at"),
        Index("ix_question_bank_questions_status_updated_at", "status", "updated_at"),
    )

    id: Mapped[str] = mapped_column(String, primary_key=True)
    question_bank_id: Mapped[str | None] = mapped_column(ForeignKey("question_banks.id", ondelete="SET NULL"))
    topic_id: Mapped[str | None] = mapped_column(
        ForeignKey("question_topics.id", ondelete="SET NULL"), index=True
    )
    difficulty_id: Mapped[str] = mapped_column(
        ForeignKey("question_bank_difficulties.id", ondelete="RESTRICT")
    )
    prompt: Mapped[str] = mapped_column(Text)
    explanation_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Set by admin request-changes; never returned by any endpoint (ace.md §9.1).
    review_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    status: Mapped[str] = mapped_column(String, default=DRAFT, server_default=DRAFT)
    created_by_user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    updated_by_user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Choice(Base):
    __tablename__ = "question_bank_choices"
    __table_args__ = (
        UniqueConstraint("question_id", "order_index"),
        # The target of the correct choice's composite key: a correct choice belongs to its question.
        UniqueConstraint("id", "question_id"),
    )

    id: Mapped[str] = mapped_column(String, primary_key=True)
    question_id: Mapped[str] = mapped_column(ForeignKey("question_bank_questions.id", ondelete="CASCADE"))
    order_index: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)


class CorrectChoice(Base):
    """One row per question: single-answer MCQ."""

    __tablename__ = "question_bank_correct_choice"
    __table_args__ = (
        ForeignKeyConstraint(
            ["choice_id", "question_id"],
            ["question_bank_choices.id", "question_bank_choices.question_id"],
            ondelete="CASCADE",
        ),
    )

    question_id: Mapped[str] = mapped_column(
        ForeignKey("question_bank_questions.id", ondelete="CASCADE"), primary_key=True
    )
    choice_id: Mapped[str] = mapped_column(String, unique=True)
