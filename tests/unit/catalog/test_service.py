"""The enrollment resolution other domains rely on (ace.md §5.15) and the package code slug (§12.7)."""

import pytest

from acelab.catalog import service as catalog_service
from acelab.db.session import unit_of_work
from acelab.errors import BadRequest, Forbidden
from tests.factories import make_enrollment, make_exam_package, make_tier, make_user

UNKNOWN = "00000000-0000-0000-0000-000000000000"


class TestResolveEnrollment:
    async def test_requested_package_returns_that_enrollment(self, db, identity):
        student = await make_user(db, identity)
        package = await make_exam_package(db)
        other = await make_exam_package(db)
        premium = await make_tier(db, package=package)
        await make_enrollment(db, user=student, package=other)
        await make_enrollment(db, user=student, package=package, tier=premium)
        async with unit_of_work(db) as session:
            enrollment = await catalog_service.resolve_enrollment(
                session, user_id=student.id, exam_package_id=f" {package.id} "
            )
        assert (enrollment.user_id, enrollment.exam_package_id, enrollment.tier_id) == (
            student.id,
            package.id,
            premium.id,
        )

    @pytest.mark.parametrize("requested", [None, "", "  "])
    async def test_single_enrollment_is_inferred(self, db, identity, requested):
        student = await make_user(db, identity)
        package = await make_exam_package(db)
        await make_enrollment(db, user=await make_user(db, identity), package=await make_exam_package(db))
        await make_enrollment(db, user=student, package=package)
        async with unit_of_work(db) as session:
            enrollment = await catalog_service.resolve_enrollment(
                session, user_id=student.id, exam_package_id=requested
            )
        assert enrollment.exam_package_id == package.id

    @pytest.mark.parametrize("requested", [None, UNKNOWN, "not-a-uuid"])
    async def test_not_enrolled_raises_403(self, db, identity, requested):
        student = await make_user(db, identity)
        await make_enrollment(db, user=await make_user(db, identity), package=await make_exam_package(db))
        async with unit_of_work(db) as session:
            with pytest.raises(Forbidden) as raised:
                await catalog_service.resolve_enrollment(
                    session, user_id=student.id, exam_package_id=requested
                )
        assert (raised.value.status_code, raised.value.message) == (403, "not enrolled")

    async def test_enrolled_elsewhere_raises_403_for_the_requested_package(self, db, identity):
        student = await make_user(db, identity)
        await make_enrollment(db, user=student, package=await make_exam_package(db))
        requested = await make_exam_package(db)
        async with unit_of_work(db) as session:
            with pytest.raises(Forbidden):
                await catalog_service.resolve_enrollment(
                    session, user_id=student.id, exam_package_id=requested.id
                )

    async def test_several_enrollments_without_a_package_raise_400(self, db, identity):
        student = await make_user(db, identity)
        await make_enrollment(db, user=student, package=await make_exam_package(db))
        await make_enrollment(db, user=student, package=await make_exam_package(db))
        async with unit_of_work(db) as session:
            with pytest.raises(BadRequest) as raised:
                await catalog_service.resolve_enrollment(session, user_id=student.id, exam_package_id=None)
        assert raised.value.message == "examPackageId is required when enrolled in multiple packages"

    async def test_hidden_package_keeps_working(self, db, identity):
        student = await make_user(db, identity)
        package = await make_exam_package(db, is_hidden=True)
        await make_enrollment(db, user=student, package=package)
        async with unit_of_work(db) as session:
            enrollment = await catalog_service.resolve_enrollment(
                session, user_id=student.id, exam_package_id=package.id
            )
        assert enrollment.exam_package_id == package.id


class TestGetEnrollment:
    async def test_returns_the_enrollment_or_none(self, db, identity):
        student = await make_user(db, identity)
        package = await make_exam_package(db)
        await make_enrollment(db, user=student, package=package)
        async with unit_of_work(db) as session:
            found = await catalog_service.get_enrollment(
                session, user_id=student.id, exam_package_id=package.id
            )
            missing = await catalog_service.get_enrollment(
                session, user_id=student.id, exam_package_id=UNKNOWN
            )
        assert found is not None and found.exam_package_id == package.id
        assert missing is None


class TestSlugifyLower:
    @pytest.mark.parametrize(
        ("name", "slug"),
        [
            ("GRE Prep 2026!", "gre-prep-2026"),
            ("Éxam", "xam"),
            ("  --a  b--  ", "a-b"),
            ("ÀÉÎ", ""),
            ("abc", "abc"),
            ("a_b.c", "a-b-c"),
        ],
    )
    def test_keeps_ascii_letters_and_digits(self, name, slug):
        assert catalog_service.slugify_lower(name) == slug
