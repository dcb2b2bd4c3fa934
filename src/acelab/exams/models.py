"""Exam sessions ("mock tests"), their integrity events and admin flags (ace.md §8, §11.11-11.13, §12.3),
and the server-authoritative side: exam blueprints and the attempts started from them.

The id is chosen by the client and unique per user only, so the key is (user_id, id). The package and
tier are snapshotted from the enrollment at the first heartbeat and survive their deletion as NULL.

An attempt is an exam session with a blueprint: the server drew and froze its questions (`paper`),
owns its clock (`expires_at`, `closes_at` = expiry plus grace), keeps its answers and scores it. The
ACE routes see attempts as ordinary sessions, so the admin tools and dashboard cover both kinds.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from acelab.db.base import Base, BigId, JsonType

ACTIVE = "active"
FINISHED = "finished"
TERMINATED = "terminated"
INVALID = "invalid"
STATUSES = (ACTIVE, FINISHED, TERMINATED, INVALID)

# Who ended an attempt: the student, the server's clock, or an admin.
SUBMITTED_BY_STUDENT = "student"
SUBMITTED_ON_EXPIRY = "expired"
SUBMITTED_BY_ADMIN = "admin"

# Where an event comes from; client events may not use the other sources' type prefixes.
CLIENT = "client"
SERVER = "server"
ADMIN = "admin"
EVENT_SOURCES = (CLIENT, SERVER, ADMIN)

ATTEMPT_ID_PREFIX = "ea"
BLUEPRINT_ID_PREFIX = "ebp"


class ExamBlueprint(Base):
    """What an instructor defines for a package: how many questions of which topics and difficulties,
    the time limit, the pass mark and how often a student may try."""

    __tablename__ = "exam_blueprints"
    __table_args__ = (Index("ix_exam_blueprints_exam_package_id_name", "exam_package_id", "name"),)

    id: Mapped[str] = mapped_column(String, primary_key=True)
    exam_package_id: Mapped[str] = mapped_column(ForeignKey("exam_packages.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String)
    description: Mapped[str] = mapped_column(Text, default="")
    question_count: Mapped[int]
    # [{"topicId": str | None, "difficultyId": str | None, "count": int}]; the rest of question_count
    # is drawn from the whole package.
    mix: Mapped[list[dict[str, Any]]] = mapped_column(JsonType, default=list)
    time_limit_seconds: Mapped[int]
    grace_seconds: Mapped[int]
    pass_percent: Mapped[int]
    attempts_allowed: Mapped[int]
    shuffle_questions: Mapped[bool] = mapped_column(default=True)
    shuffle_choices: Mapped[bool] = mapped_column(default=False)
    is_published: Mapped[bool] = mapped_column(default=False)
    created_by_user_id: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    updated_by_user_id: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ExamSession(Base):
    __tablename__ = "exam_sessions"
    __table_args__ = (
        CheckConstraint(f"status IN {STATUSES!r}", name="status"),
        Index("ix_exam_sessions_user_id_status", "user_id", "status"),
        Index("ix_exam_sessions_exam_package_id_created_at", "exam_package_id", "created_at"),
        # The sweep's scan: active attempts whose grace has run out.
        Index("ix_exam_sessions_status_closes_at", "status", "closes_at"),
        # Attempts allowed per blueprint hold under concurrent starts.
        UniqueConstraint(
            "user_id",
            "blueprint_id",
            "attempt_number",
            name="uq_exam_sessions_user_id_blueprint_id_attempt_number",
        ),
    )

    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[str] = mapped_column(String, primary_key=True)
    status: Mapped[str] = mapped_column(String, default=ACTIVE)
    exam_package_id: Mapped[str | None] = mapped_column(ForeignKey("exam_packages.id", ondelete="SET NULL"))
    tier_id: Mapped[str | None] = mapped_column(
        ForeignKey("exam_package_tiers.id", ondelete="SET NULL"), index=True
    )
    # The client's snapshot, stored verbatim (JSON null included).
    snapshot: Mapped[Any] = mapped_column(JsonType, default=dict)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # Not indexed: every heartbeat changes it (migration 0011).
    last_heartbeat_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None]
    terminated_at: Mapped[datetime | None]
    terminated_by_user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    termination_reason: Mapped[str] = mapped_column(String, default="")
    invalidated_at: Mapped[datetime | None]
    invalidated_by_user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    invalidation_reason: Mapped[str] = mapped_column(String, default="")

    # Every write bumps it: writes are compare-and-set on the revision they were computed from.
    revision: Mapped[int] = mapped_column(default=0, server_default="0")
    # The highest `seq` the client sent that was applied; an older or equal one changes nothing.
    client_seq: Mapped[int | None] = mapped_column(BigId)

    # Integrity signals kept up to date by the heartbeat (the events table holds the rest).
    heartbeat_count: Mapped[int] = mapped_column(default=0, server_default="0")
    heartbeat_gap_count: Mapped[int] = mapped_column(default=0, server_default="0")
    longest_heartbeat_gap_seconds: Mapped[int] = mapped_column(default=0, server_default="0")
    last_ip: Mapped[str | None] = mapped_column(String)
    last_user_agent: Mapped[str | None] = mapped_column(String)
    ip_change_count: Mapped[int] = mapped_column(default=0, server_default="0")
    user_agent_change_count: Mapped[int] = mapped_column(default=0, server_default="0")

    # Attempts only (NULL for the ACE web app's snapshot-only sessions).
    blueprint_id: Mapped[str | None] = mapped_column(ForeignKey("exam_blueprints.id", ondelete="SET NULL"))
    attempt_number: Mapped[int | None]
    started_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    closes_at: Mapped[datetime | None]
    time_limit_seconds: Mapped[int | None]
    grace_seconds: Mapped[int | None]
    pass_percent: Mapped[int | None]
    # The frozen questions in the order shown: [{id, prompt, choices: [{id, text}], correctChoiceId,
    # explanation, topicId, topicName, difficultyId, difficultyName}].
    paper: Mapped[list[dict[str, Any]] | None] = mapped_column(JsonType)
    # One letter per question of the paper: the answer's place among its choices (exams.papers).
    answer_sheet: Mapped[str | None] = mapped_column(String)
    submit_reason: Mapped[str | None] = mapped_column(String)
    score_correct: Mapped[int | None]
    score_total: Mapped[int | None]
    score_percent: Mapped[float | None]
    passed: Mapped[bool | None]
    # {"byTopic": [...], "byDifficulty": [...]} as computed at submission.
    breakdown: Mapped[dict[str, Any] | None] = mapped_column(JsonType)


class ExamSessionEvent(Base):
    __tablename__ = "exam_session_events"
    __table_args__ = (
        ForeignKeyConstraint(
            ["user_id", "session_id"], ["exam_sessions.user_id", "exam_sessions.id"], ondelete="CASCADE"
        ),
        Index("ix_exam_session_events_user_id_session_id_id", "user_id", "session_id", "id"),
        CheckConstraint(f"source IN {EVENT_SOURCES!r}", name="source"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String)
    session_id: Mapped[str] = mapped_column(String)
    event_type: Mapped[str] = mapped_column(String)
    # `{}` when the client sent none; an explicit null is kept as JSON null.
    payload: Mapped[Any] = mapped_column(JsonType, default=dict)
    # Server time, always: the client's `ts` is advisory and never stored as the event's time.
    created_at: Mapped[datetime]
    source: Mapped[str] = mapped_column(String, default=CLIENT, server_default=CLIENT)


class ExamSessionFlag(Base):
    __tablename__ = "exam_session_flags"
    __table_args__ = (
        ForeignKeyConstraint(
            ["user_id", "session_id"], ["exam_sessions.user_id", "exam_sessions.id"], ondelete="CASCADE"
        ),
        Index("ix_exam_session_flags_user_id_session_id", "user_id", "session_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String)
    session_id: Mapped[str] = mapped_column(String)
    flag_type: Mapped[str] = mapped_column(String)
    note: Mapped[str] = mapped_column(String, default="")
    created_by_user_id: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime]
