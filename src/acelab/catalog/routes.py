"""Exam packages, tiers and enrollments over HTTP (ace.md §5, §11.2-11.6).

Package and tier ids in paths are trimmed, as the original does. The tier routes exist for the
instructor portal (instructors and admins) and the admin portal: one factory builds both.
"""

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Depends

from acelab.catalog import service as catalog_service
from acelab.catalog.models import ExamPackage
from acelab.catalog.schemas import (
    AdminPackageList,
    AdminPackageRead,
    AdminPackageUpdate,
    AdminTierList,
    AdminTierRead,
    EnrollmentCreate,
    EnrollmentList,
    EnrollmentRead,
    PackageCreate,
    PackageList,
    PackageRead,
    PackageUpdate,
    TierChange,
    TierCreate,
    TierList,
    TierRead,
    TierUpdate,
)
from acelab.db.session import DbSession
from acelab.http.auth import (
    AdminPrincipal,
    InstructorOrAdmin,
    InstructorOrAdminAuth,
    PortalAuth,
    StudentPrincipal,
)
from acelab.http.errors import ace_router
from acelab.http.wire import IdResponse, SuccessResponse
from acelab.identity.service import Principal

public = ace_router(prefix="/exam-packages", tags=["exam packages"])
instructor = ace_router(prefix="/instructor/exam-packages", tags=["exam packages (instructor)"])
admin = ace_router(prefix="/admin/exam-packages", tags=["exam packages (admin)"])
student = ace_router(prefix="/student/enrollments", tags=["enrollments"])


def _admin_packages(packages: Sequence[ExamPackage]) -> AdminPackageList:
    return AdminPackageList(items=[AdminPackageRead.model_validate(p) for p in packages])


# --- public ------------------------------------------------------------------------------------


@public.get("", response_model=PackageList)
async def list_packages(session: DbSession) -> PackageList:
    """List the visible exam packages by name."""
    packages = await catalog_service.list_packages(session, include_hidden=False)
    return PackageList(items=[PackageRead.model_validate(p) for p in packages])


@public.get("/{exam_package_id}/tiers", response_model=TierList)
async def list_public_tiers(exam_package_id: str, session: DbSession) -> TierList:
    """List a package's active tiers (an unknown package has none)."""
    tiers = await catalog_service.list_tiers(
        session, exam_package_id=exam_package_id.strip(), active_only=True
    )
    return TierList(items=[TierRead.model_validate(t) for t in tiers])


# --- packages: instructor and admin ------------------------------------------------------------


@instructor.get("", response_model=AdminPackageList)
async def list_packages_for_instructor(actor: InstructorOrAdmin, session: DbSession) -> AdminPackageList:
    """List every exam package by name, hidden ones included."""
    return _admin_packages(await catalog_service.list_packages(session, include_hidden=True))


@instructor.patch("/{exam_package_id}", response_model=SuccessResponse)
async def update_package_as_instructor(
    exam_package_id: str, body: PackageUpdate, actor: InstructorOrAdmin, session: DbSession
) -> SuccessResponse:
    """Change a package's subtitle, overview, modules, highlights or module sections."""
    await catalog_service.update_package(
        session,
        actor=actor,
        audit_prefix="instructor",
        exam_package_id=exam_package_id.strip(),
        package_in=body,
    )
    return SuccessResponse()


@admin.get("", response_model=AdminPackageList)
async def list_packages_for_admin(actor: AdminPrincipal, session: DbSession) -> AdminPackageList:
    """List every exam package by name, hidden ones included."""
    return _admin_packages(await catalog_service.list_packages(session, include_hidden=True))


@admin.post("", response_model=IdResponse)
async def create_package(body: PackageCreate, actor: AdminPrincipal, session: DbSession) -> IdResponse:
    """Create an exam package (with a `default` tier); 409 when the name is taken."""
    package = await catalog_service.create_package(session, actor=actor, package_in=body)
    return IdResponse(id=package.id)


@admin.patch("/{exam_package_id}", response_model=SuccessResponse)
async def update_package_as_admin(
    exam_package_id: str, body: AdminPackageUpdate, actor: AdminPrincipal, session: DbSession
) -> SuccessResponse:
    """Change a package's name, visibility or descriptive fields (never its code)."""
    await catalog_service.update_package(
        session, actor=actor, audit_prefix="admin", exam_package_id=exam_package_id.strip(), package_in=body
    )
    return SuccessResponse()


@admin.delete("/{exam_package_id}", response_model=SuccessResponse)
async def delete_package(exam_package_id: str, actor: AdminPrincipal, session: DbSession) -> SuccessResponse:
    """Delete a package with its tiers; 409 while students are enrolled in it."""
    await catalog_service.delete_package(session, actor=actor, exam_package_id=exam_package_id.strip())
    return SuccessResponse()


# --- tiers: the same routes under both portals -------------------------------------------------


def add_tier_routes(
    router: APIRouter, *, audit_prefix: str, auth: PortalAuth | InstructorOrAdminAuth
) -> None:
    """Add the tier routes to a portal's package router; audit actions start with `audit_prefix`."""
    Actor = Annotated[Principal, Depends(auth)]

    @router.get("/{exam_package_id}/tiers", response_model=AdminTierList)
    async def list_tiers(exam_package_id: str, actor: Actor, session: DbSession) -> AdminTierList:
        """List a package's tiers, inactive ones included, by sort order."""
        tiers = await catalog_service.list_tiers(
            session, exam_package_id=exam_package_id.strip(), active_only=False
        )
        return AdminTierList(items=[AdminTierRead.model_validate(t) for t in tiers])

    @router.post("/{exam_package_id}/tiers", response_model=IdResponse)
    async def create_tier(
        exam_package_id: str, body: TierCreate, actor: Actor, session: DbSession
    ) -> IdResponse:
        """Add a tier; it becomes the default when asked to or when the package has none."""
        tier = await catalog_service.create_tier(
            session,
            actor=actor,
            audit_prefix=audit_prefix,
            exam_package_id=exam_package_id.strip(),
            tier_in=body,
        )
        return IdResponse(id=tier.id)

    @router.patch("/{exam_package_id}/tiers/{tier_id}", response_model=SuccessResponse)
    async def update_tier(
        exam_package_id: str, tier_id: str, body: TierUpdate, actor: Actor, session: DbSession
    ) -> SuccessResponse:
        """Change a tier; `isDefault: true` moves the package's default to it."""
        await catalog_service.update_tier(
            session,
            actor=actor,
            audit_prefix=audit_prefix,
            exam_package_id=exam_package_id.strip(),
            tier_id=tier_id.strip(),
            tier_in=body,
        )
        return SuccessResponse()

    @router.delete("/{exam_package_id}/tiers/{tier_id}", response_model=SuccessResponse)
    async def delete_tier(
        exam_package_id: str, tier_id: str, actor: Actor, session: DbSession
    ) -> SuccessResponse:
        """Delete a tier that is not the default; 409 while enrollments use it."""
        await catalog_service.delete_tier(
            session,
            actor=actor,
            audit_prefix=audit_prefix,
            exam_package_id=exam_package_id.strip(),
            tier_id=tier_id.strip(),
        )
        return SuccessResponse()


add_tier_routes(instructor, audit_prefix="instructor", auth=InstructorOrAdminAuth())
add_tier_routes(admin, audit_prefix="admin", auth=PortalAuth("admin"))


# --- enrollments -------------------------------------------------------------------------------


@student.get("", response_model=EnrollmentList, response_model_exclude_none=True)
async def list_enrollments(actor: StudentPrincipal, session: DbSession) -> EnrollmentList:
    """List the student's enrollments, oldest first."""
    enrollments = await catalog_service.list_enrollments(session, user_id=actor.user_id)
    return EnrollmentList(
        exam_package_ids=[e.exam_package_id for e in enrollments] or None,
        items=[EnrollmentRead.model_validate(e) for e in enrollments],
    )


@student.post("", response_model=SuccessResponse)
async def enroll(body: EnrollmentCreate, actor: StudentPrincipal, session: DbSession) -> SuccessResponse:
    """Enroll in a visible package (an existing enrollment keeps its tier)."""
    await catalog_service.enroll(
        session, user_id=actor.user_id, exam_package_id=body.exam_package_id, tier_id=body.tier_id
    )
    return SuccessResponse()


@student.post("/{exam_package_id}/change-tier", response_model=SuccessResponse)
async def change_tier(
    exam_package_id: str, body: TierChange, actor: StudentPrincipal, session: DbSession
) -> SuccessResponse:
    """Move the enrollment to another active tier of the package."""
    await catalog_service.change_tier(
        session, user_id=actor.user_id, exam_package_id=exam_package_id.strip(), tier_id=body.tier_id
    )
    return SuccessResponse()


@student.delete("/{exam_package_id}", response_model=SuccessResponse)
async def cancel_enrollment(
    exam_package_id: str, actor: StudentPrincipal, session: DbSession
) -> SuccessResponse:
    """Leave a package (200 even when not enrolled); practice and exam history stay."""
    await catalog_service.cancel_enrollment(
        session, user_id=actor.user_id, exam_package_id=exam_package_id.strip()
    )
    return SuccessResponse()


routers = (public, instructor, admin, student)
