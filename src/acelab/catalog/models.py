"""Exam packages, their tiers, and student enrollments with their history (ace.md §5, §12.3).

Package and tier ids are UUID strings kept in text columns: a malformed id in a path is then simply
not found, instead of a database type error (ace.md §16.2 B11).
"""

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from acelab.db.base import Base, BigId, JsonType

ENROLL = "enroll"
CHANGE_TIER = "change_tier"


class ExamPackage(Base):
    __tablename__ = "exam_packages"

    id: Mapped[str] = mapped_column(String, primary_key=True)
    code: Mapped[str] = mapped_column(String, unique=True)
    name: Mapped[str] = mapped_column(String, unique=True)
    subtitle: Mapped[str | None] = mapped_column(String)
    overview: Mapped[str | None] = mapped_column(String)
    modules: Mapped[list[str]] = mapped_column(JsonType, default=list)
    highlights: Mapped[list[str]] = mapped_column(JsonType, default=list)
    module_sections: Mapped[list[dict[str, str]]] = mapped_column(JsonType, default=list)
    is_hidden: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Tier(Base):
    __tablename__ = "exam_package_tiers"
    __table_args__ = (
        UniqueConstraint("exam_package_id", "code"),
        Index("ix_exam_package_tiers_exam_package_id_is_active", "exam_package_id", "is_active"),
        # ace.md §16.2 B3: at most one default tier per package, even under concurrent writes.
        Index(
            "ix_exam_package_tiers_one_default",
            "exam_package_id",
            unique=True,
            sqlite_where=text("is_default"),
            postgresql_where=text("is_default"),
        ),
    )

    id: Mapped[str] = mapped_column(String, primary_key=True)
    exam_package_id: Mapped[str] = mapped_column(ForeignKey("exam_packages.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String)
    name: Mapped[str] = mapped_column(String)
    sort_order: Mapped[int] = mapped_column(default=0)
    is_default: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)
    # Opaque to the server (ace.md §5): any JSON value, `{}` by default.
    policy: Mapped[Any] = mapped_column(JsonType, default=dict)
    # Kept from the original schema; the API never reads or writes them.
    max_practice_sessions_per_week: Mapped[int | None]
    max_exam_sessions_per_week: Mapped[int | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Enrollment(Base):
    """A student's enrollment in a package, with the tier they chose.

    The tier is required (the original allowed NULL for legacy rows only). The package FK restricts
    deletion, so a package with enrollments cannot be deleted (ace.md §11.5); so does the tier FK
    (409 `failed to delete tier`, §5.10).
    """

    __tablename__ = "user_exam_package_enrollments"

    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    exam_package_id: Mapped[str] = mapped_column(
        ForeignKey("exam_packages.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    tier_id: Mapped[str] = mapped_column(ForeignKey("exam_package_tiers.id", ondelete="RESTRICT"), index=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class EnrollmentEvent(Base):
    """Append-only history of enrollments and tier changes; it survives tier deletion (tier ids → NULL)."""

    __tablename__ = "user_exam_package_enrollment_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    exam_package_id: Mapped[str] = mapped_column(
        ForeignKey("exam_packages.id", ondelete="CASCADE"), index=True
    )
    from_tier_id: Mapped[str | None] = mapped_column(
        ForeignKey("exam_package_tiers.id", ondelete="SET NULL"), index=True
    )
    to_tier_id: Mapped[str | None] = mapped_column(
        ForeignKey("exam_package_tiers.id", ondelete="SET NULL"), index=True
    )
    changed_at: Mapped[datetime]
    changed_by_user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String, default="")
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", JsonType, default=dict)
