"""Exam packages, tiers and enrollments: the rules behind ace.md §5 and §11.2-11.6.

Package and tier changes are audited (§5.4, §12.6); the audit action names the route family
(`instructor.` or `admin.`), not the caller's role.
"""

import secrets
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from acelab import clock
from acelab.admin import service as admin_service
from acelab.catalog.models import CHANGE_TIER, ENROLL, Enrollment, EnrollmentEvent, ExamPackage, Tier
from acelab.catalog.schemas import (
    AdminPackageUpdate,
    ModuleSectionIn,
    PackageCreate,
    PackageUpdate,
    TierCreate,
    TierUpdate,
)
from acelab.errors import BadRequest, Conflict, Forbidden, NotFound
from acelab.identity.service import Principal

PACKAGE_TARGET = "exam_package"
TIER_TARGET = "exam_package_tier"
CODE_ATTEMPTS = 5
DEFAULT_TIER_CODE = "default"
DEFAULT_TIER_NAME = "Default"


def slugify_lower(name: str) -> str:
    """ace.md §12.7: keep ASCII a-z and 0-9, turn every other run into one `-`, trim the dashes."""
    out: list[str] = []
    for ch in name.strip().lower():
        if "a" <= ch <= "z" or "0" <= ch <= "9":
            out.append(ch)
        elif not out or out[-1] != "-":
            out.append("-")
    return "".join(out).strip("-")


def _sections(sections: list[ModuleSectionIn]) -> list[dict[str, str]]:
    return [{"id": s.id, "name": s.name, "description": s.description} for s in sections]


def _not_found() -> NotFound:
    return NotFound("exam package not found")


# --- packages ----------------------------------------------------------------------------------


async def list_packages(session: AsyncSession, *, include_hidden: bool) -> Sequence[ExamPackage]:
    """List packages by name; students see the visible ones only."""
    stmt = select(ExamPackage).order_by(ExamPackage.name, ExamPackage.id)
    if not include_hidden:
        stmt = stmt.where(ExamPackage.is_hidden.is_(False))
    return (await session.scalars(stmt)).all()


async def get_package(session: AsyncSession, *, exam_package_id: str) -> ExamPackage | None:
    """Return a package, hidden or not."""
    return await session.get(ExamPackage, exam_package_id)


async def _name_taken(session: AsyncSession, *, name: str, other_than: str | None = None) -> bool:
    stmt = select(ExamPackage.id).where(ExamPackage.name == name)
    if other_than is not None:
        stmt = stmt.where(ExamPackage.id != other_than)
    return await session.scalar(stmt.limit(1)) is not None


def _duplicate_name() -> Conflict:
    # ace.md §16.2 B10: the original retried five times and answered 500 for a taken name.
    return Conflict("exam package name already exists")


async def create_package(
    session: AsyncSession, *, actor: Principal, package_in: PackageCreate
) -> ExamPackage:
    """Create a package with a unique code slugged from its name, and its default tier."""
    name = package_in.name.strip()
    if not name:
        raise BadRequest("name is required")
    base_code = slugify_lower(name) or "package"
    now = clock.utcnow()
    for attempt in range(CODE_ATTEMPTS):
        if await _name_taken(session, name=name):
            raise _duplicate_name()
        code = base_code if attempt == 0 else f"{base_code}-{secrets.token_hex(3)}"
        if await session.scalar(select(ExamPackage.id).where(ExamPackage.code == code)) is not None:
            continue
        package = ExamPackage(
            id=str(uuid.uuid4()),
            code=code,
            name=name,
            # ace.md §11.3: subtitle and overview are stored as given at creation (not trimmed).
            subtitle=package_in.subtitle,
            overview=package_in.overview,
            modules=package_in.modules or [],
            highlights=package_in.highlights or [],
            module_sections=_sections(package_in.module_sections or []),
            is_hidden=bool(package_in.is_hidden),
            created_at=now,
            updated_at=now,
        )
        try:
            # A concurrent create may take the name or the code first: the next attempt tells which.
            async with session.begin_nested():
                session.add(package)
                await session.flush()
        except IntegrityError:
            continue
        break
    else:
        raise Conflict("failed to create exam package")
    # ace.md §5 Fix: every package starts with the seed's default tier, so students can enroll at once.
    session.add(
        Tier(
            id=str(uuid.uuid4()),
            exam_package_id=package.id,
            code=DEFAULT_TIER_CODE,
            name=DEFAULT_TIER_NAME,
            sort_order=0,
            is_default=True,
            is_active=True,
            policy={},
            created_at=now,
            updated_at=now,
        )
    )
    await session.flush()
    await admin_service.record(
        session,
        actor=actor,
        action="admin.exam_packages.create",
        target_type=PACKAGE_TARGET,
        target_id=package.id,
        metadata={"name": package.name, "code": package.code, "isHidden": package.is_hidden},
    )
    return package


async def update_package(
    session: AsyncSession,
    *,
    actor: Principal,
    audit_prefix: str,
    exam_package_id: str,
    package_in: PackageUpdate,
) -> None:
    """Change a package's descriptive fields (and, for admins, its name and visibility)."""
    values: dict[str, Any] = {}
    if isinstance(package_in, AdminPackageUpdate):
        if package_in.name is not None:
            name = package_in.name.strip()
            if not name:
                raise BadRequest("name cannot be empty")
            values["name"] = name
        if package_in.is_hidden is not None:
            values["is_hidden"] = package_in.is_hidden
    if package_in.subtitle is not None:
        values["subtitle"] = package_in.subtitle.strip()
    if package_in.overview is not None:
        values["overview"] = package_in.overview.strip()
    if package_in.modules is not None:
        values["modules"] = package_in.modules
    if package_in.highlights is not None:
        values["highlights"] = package_in.highlights
    if package_in.module_sections is not None:
        values["module_sections"] = _sections(package_in.module_sections)
    if not values:
        raise BadRequest("no fields to update")
    if "name" in values and await _name_taken(session, name=values["name"], other_than=exam_package_id):
        raise _duplicate_name()
    values["updated_at"] = clock.utcnow()
    try:
        updated = await session.scalar(
            update(ExamPackage)
            .where(ExamPackage.id == exam_package_id)
            .values(**values)
            .returning(ExamPackage.id)
        )
    except IntegrityError as exc:  # a concurrent rename took the name
        raise _duplicate_name() from exc
    if updated is None:
        raise _not_found()
    await admin_service.record(
        session,
        actor=actor,
        action=f"{audit_prefix}.exam_packages.update",
        target_type=PACKAGE_TARGET,
        target_id=exam_package_id,
        metadata=package_in.model_dump(by_alias=True),
    )


async def delete_package(session: AsyncSession, *, actor: Principal, exam_package_id: str) -> None:
    """Delete a package no student is enrolled in, with its tiers, templates and enrollment history.

    ace.md §11.5: enrollments restrict the delete (409); question banks, practice and exam sessions
    keep their rows with the package link set to NULL (their foreign keys say so).
    """
    enrolled = await session.scalar(
        select(Enrollment.user_id).where(Enrollment.exam_package_id == exam_package_id).limit(1)
    )
    if enrolled is not None:
        raise Conflict("failed to delete exam package")
    try:
        deleted = await session.scalar(
            delete(ExamPackage).where(ExamPackage.id == exam_package_id).returning(ExamPackage.id)
        )
    except IntegrityError as exc:  # a student enrolled meanwhile
        raise Conflict("failed to delete exam package") from exc
    if deleted is None:
        raise _not_found()
    await admin_service.record(
        session,
        actor=actor,
        action="admin.exam_packages.delete",
        target_type=PACKAGE_TARGET,
        target_id=exam_package_id,
    )


# --- tiers -------------------------------------------------------------------------------------


def _tier_order() -> tuple[Any, ...]:
    return (Tier.sort_order, Tier.created_at, Tier.id)


async def list_tiers(session: AsyncSession, *, exam_package_id: str, active_only: bool) -> Sequence[Tier]:
    """List a package's tiers by sort order; an unknown package has none."""
    stmt = select(Tier).where(Tier.exam_package_id == exam_package_id).order_by(*_tier_order())
    if active_only:
        stmt = stmt.where(Tier.is_active.is_(True))
    return (await session.scalars(stmt)).all()


async def _make_default(session: AsyncSession, *, tier: Tier) -> None:
    """Move the package's default flag to `tier` (unset first: one default per package is unique)."""
    await session.execute(
        update(Tier)
        .where(Tier.exam_package_id == tier.exam_package_id, Tier.id != tier.id, Tier.is_default.is_(True))
        .values(is_default=False, updated_at=clock.utcnow())
    )
    tier.is_default = True
    await session.flush()


def _inactive_default() -> BadRequest:
    # ace.md §16.2 B3: the original let an inactive tier be the default, which nobody can enroll in.
    return BadRequest("the default tier must be active")


async def create_tier(
    session: AsyncSession, *, actor: Principal, audit_prefix: str, exam_package_id: str, tier_in: TierCreate
) -> Tier:
    """Add a tier to a package; the first one (or one asked to be) becomes the default."""
    code = tier_in.code.strip()
    if not code:
        raise BadRequest("code is required")
    name = tier_in.name.strip()
    if not name:
        raise BadRequest("name is required")
    # Lock the package row: concurrent tier creations then agree on sort order and the default.
    package_id = await session.scalar(
        select(ExamPackage.id).where(ExamPackage.id == exam_package_id).with_for_update()
    )
    if package_id is None:
        raise _not_found()
    has_default = await session.scalar(
        select(Tier.id).where(Tier.exam_package_id == exam_package_id, Tier.is_default.is_(True)).limit(1)
    )
    is_active = tier_in.is_active is not False
    make_default = bool(tier_in.is_default) or has_default is None
    if make_default and not is_active:
        raise _inactive_default()
    code_taken = await session.scalar(
        select(Tier.id).where(Tier.exam_package_id == exam_package_id, Tier.code == code).limit(1)
    )
    if code_taken is not None:
        raise BadRequest("failed to create tier")
    sort_order = tier_in.sort_order
    if sort_order is None:
        highest = await session.scalar(
            select(func.max(Tier.sort_order)).where(Tier.exam_package_id == exam_package_id)
        )
        sort_order = (highest or 0) + 1
    now = clock.utcnow()
    tier = Tier(
        id=str(uuid.uuid4()),
        exam_package_id=exam_package_id,
        code=code,
        name=name,
        sort_order=sort_order,
        is_default=False,
        is_active=is_active,
        policy={} if tier_in.policy is None else tier_in.policy,
        created_at=now,
        updated_at=now,
    )
    session.add(tier)
    await session.flush()
    if make_default:
        await _make_default(session, tier=tier)
    await admin_service.record(
        session,
        actor=actor,
        action=f"{audit_prefix}.exam_package_tiers.create",
        target_type=TIER_TARGET,
        target_id=tier.id,
        metadata={"examPackageId": exam_package_id, "code": code, "name": name},
    )
    return tier


async def _get_tier_for_update(session: AsyncSession, *, exam_package_id: str, tier_id: str) -> Tier:
    tier = await session.scalar(
        select(Tier).where(Tier.id == tier_id, Tier.exam_package_id == exam_package_id).with_for_update()
    )
    if tier is None:
        raise NotFound("tier not found")
    return tier


async def update_tier(
    session: AsyncSession,
    *,
    actor: Principal,
    audit_prefix: str,
    exam_package_id: str,
    tier_id: str,
    tier_in: TierUpdate,
) -> None:
    """Change a tier; the default can be moved to another tier but never unset or deactivated."""
    tier = await _get_tier_for_update(session, exam_package_id=exam_package_id, tier_id=tier_id)
    if tier_in.is_default is False and tier.is_default:
        raise BadRequest("cannot unset default tier; set another default tier first")
    if tier_in.is_active is False and tier.is_default:
        raise BadRequest("cannot deactivate the default tier; set another default tier first")
    code = None if tier_in.code is None else tier_in.code.strip()
    if code == "":
        raise BadRequest("code cannot be empty")
    name = None if tier_in.name is None else tier_in.name.strip()
    if name == "":
        raise BadRequest("name cannot be empty")
    if not tier_in.model_fields_set & {"code", "name", "sort_order", "is_active", "policy", "is_default"}:
        raise BadRequest("no fields to update")
    will_be_active = tier.is_active if tier_in.is_active is None else tier_in.is_active
    if tier_in.is_default and not will_be_active:
        raise _inactive_default()
    if code is not None and code != tier.code:
        code_taken = await session.scalar(
            select(Tier.id).where(Tier.exam_package_id == exam_package_id, Tier.code == code).limit(1)
        )
        if code_taken is not None:
            raise BadRequest("failed to update tier")
        tier.code = code
    if name is not None:
        tier.name = name
    if tier_in.sort_order is not None:
        tier.sort_order = tier_in.sort_order
    if tier_in.is_active is not None:
        tier.is_active = tier_in.is_active
    if tier_in.policy is not None:
        tier.policy = tier_in.policy
    tier.updated_at = clock.utcnow()
    try:
        await session.flush()
    except IntegrityError as exc:  # a concurrent update took the code
        raise BadRequest("failed to update tier") from exc
    if tier_in.is_default and not tier.is_default:
        await _make_default(session, tier=tier)
    await admin_service.record(
        session,
        actor=actor,
        action=f"{audit_prefix}.exam_package_tiers.update",
        target_type=TIER_TARGET,
        target_id=tier_id,
        metadata=tier_in.model_dump(by_alias=True),
    )


async def delete_tier(
    session: AsyncSession, *, actor: Principal, audit_prefix: str, exam_package_id: str, tier_id: str
) -> None:
    """Delete a tier that is not the default and that no enrollment uses."""
    tier = await _get_tier_for_update(session, exam_package_id=exam_package_id, tier_id=tier_id)
    if tier.is_default:
        raise BadRequest("cannot delete the default tier")
    in_use = await session.scalar(select(Enrollment.user_id).where(Enrollment.tier_id == tier_id).limit(1))
    if in_use is not None:
        raise Conflict("failed to delete tier")
    try:
        await session.execute(delete(Tier).where(Tier.id == tier_id))
    except IntegrityError as exc:  # a student chose this tier meanwhile
        raise Conflict("failed to delete tier") from exc
    await admin_service.record(
        session,
        actor=actor,
        action=f"{audit_prefix}.exam_package_tiers.delete",
        target_type=TIER_TARGET,
        target_id=tier_id,
        metadata={"examPackageId": exam_package_id},
    )


# --- enrollments -------------------------------------------------------------------------------


async def list_enrollments(session: AsyncSession, *, user_id: str) -> Sequence[Enrollment]:
    """List a student's enrollments, oldest first."""
    stmt = (
        select(Enrollment)
        .where(Enrollment.user_id == user_id)
        .order_by(Enrollment.created_at, Enrollment.exam_package_id)
    )
    return (await session.scalars(stmt)).all()


async def get_enrollment(session: AsyncSession, *, user_id: str, exam_package_id: str) -> Enrollment | None:
    """Return a student's enrollment in one package."""
    return await session.get(Enrollment, (user_id, exam_package_id))


async def resolve_enrollment(
    session: AsyncSession, *, user_id: str, exam_package_id: str | None
) -> Enrollment:
    """Find the enrollment a practice session or exam heartbeat runs under (ace.md §5.15).

    With a package id, the student must be enrolled in it; without one, the package is inferred
    only from a single enrollment. Every enrollment has a tier (the column is NOT NULL), so the
    original's `enrollment has no tier` cannot happen.
    """
    requested = (exam_package_id or "").strip()
    if requested:
        enrollment = await get_enrollment(session, user_id=user_id, exam_package_id=requested)
        if enrollment is None:
            raise Forbidden("not enrolled")
        return enrollment
    stmt = (
        select(Enrollment)
        .where(Enrollment.user_id == user_id)
        .order_by(Enrollment.created_at, Enrollment.exam_package_id)
        .limit(2)
    )
    enrollments = (await session.scalars(stmt)).all()
    if not enrollments:
        raise Forbidden("not enrolled")
    if len(enrollments) > 1:
        raise BadRequest("examPackageId is required when enrolled in multiple packages")
    return enrollments[0]


async def _active_tier(session: AsyncSession, *, exam_package_id: str, tier_id: str) -> Tier:
    tier = await session.scalar(
        select(Tier).where(
            Tier.id == tier_id, Tier.exam_package_id == exam_package_id, Tier.is_active.is_(True)
        )
    )
    if tier is None:
        raise BadRequest("unknown tier")
    return tier


async def enroll(session: AsyncSession, *, user_id: str, exam_package_id: str, tier_id: str) -> None:
    """Enroll a student in a visible package, in the given tier or the package's preferred one.

    Enrolling again keeps the current tier and writes nothing (ace.md §16.2 B2: the original
    appended an `enroll` event on every call).
    """
    package_id = exam_package_id.strip()
    if not package_id:
        raise BadRequest("examPackageId is required")
    package = await get_package(session, exam_package_id=package_id)
    if package is None or package.is_hidden:
        raise BadRequest("unknown package")
    requested_tier = tier_id.strip()
    if requested_tier:
        tier = await _active_tier(session, exam_package_id=package_id, tier_id=requested_tier)
    else:
        preferred = await session.scalar(
            select(Tier)
            .where(Tier.exam_package_id == package_id, Tier.is_active.is_(True))
            .order_by(Tier.is_default.desc(), *_tier_order())
            .limit(1)
        )
        if preferred is None:
            raise BadRequest("package has no active tier")
        tier = preferred
    now = clock.utcnow()
    # Two concurrent enrollments: one inserts, the other finds the row and changes nothing.
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = (
        insert(Enrollment)
        .values(user_id=user_id, exam_package_id=package_id, tier_id=tier.id, created_at=now, updated_at=now)
        .on_conflict_do_nothing(index_elements=[Enrollment.user_id, Enrollment.exam_package_id])
        .returning(Enrollment.user_id)
    )
    try:
        inserted = await session.scalar(stmt)
    except IntegrityError as exc:  # the package or tier was deleted meanwhile
        raise BadRequest("unknown package") from exc
    if inserted is None:
        return
    session.add(
        EnrollmentEvent(
            user_id=user_id,
            exam_package_id=package_id,
            from_tier_id=None,
            to_tier_id=tier.id,
            changed_at=now,
            changed_by_user_id=user_id,
            reason=ENROLL,
            metadata_={},
        )
    )
    await session.flush()


async def change_tier(session: AsyncSession, *, user_id: str, exam_package_id: str, tier_id: str) -> None:
    """Move a student's enrollment to another active tier of the package (no entitlement check)."""
    new_tier_id = tier_id.strip()
    if not new_tier_id:
        raise BadRequest("tierId is required")
    enrollment = await session.scalar(
        select(Enrollment)
        .where(Enrollment.user_id == user_id, Enrollment.exam_package_id == exam_package_id)
        .with_for_update()
    )
    if enrollment is None:
        raise Forbidden("not enrolled")
    tier = await _active_tier(session, exam_package_id=exam_package_id, tier_id=new_tier_id)
    if tier.id == enrollment.tier_id:
        return
    now = clock.utcnow()
    session.add(
        EnrollmentEvent(
            user_id=user_id,
            exam_package_id=exam_package_id,
            from_tier_id=enrollment.tier_id,
            to_tier_id=tier.id,
            changed_at=now,
            changed_by_user_id=user_id,
            reason=CHANGE_TIER,
            metadata_={},
        )
    )
    enrollment.tier_id = tier.id
    enrollment.updated_at = now
    await session.flush()


async def cancel_enrollment(session: AsyncSession, *, user_id: str, exam_package_id: str) -> None:
    """Leave a package; practice and exam history stay (ace.md §16.1 S16). Not enrolled is fine."""
    await session.execute(
        delete(Enrollment).where(Enrollment.user_id == user_id, Enrollment.exam_package_id == exam_package_id)
    )
