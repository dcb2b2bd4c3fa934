"""Student enrollments over HTTP (ace.md §5.11-5.14, §16.2 B2)."""

import asyncio
from datetime import datetime

import httpx
import pytest
from sqlalchemy import select

from acelab.catalog.models import EnrollmentEvent, Tier
from acelab.db.engine import Database
from acelab.db.session import unit_of_work
from tests.factories import make_enrollment, make_exam_package, make_tier, make_user
from tests.login import csrf_headers, login

UNKNOWN = "00000000-0000-0000-0000-000000000000"


def ace_time(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


async def enrollments(client: httpx.AsyncClient) -> dict[str, object]:
    r = await client.get("/student/enrollments")
    assert r.status_code == 200, r.text
    body: dict[str, object] = r.json()
    return body


async def tier_ids(client: httpx.AsyncClient) -> dict[str, str]:
    items = (await enrollments(client))["items"]
    assert isinstance(items, list)
    return {e["examPackageId"]: e["tierId"] for e in items}


async def enroll(client: httpx.AsyncClient, body: object) -> httpx.Response:
    return await client.post("/student/enrollments", json=body, headers=csrf_headers(client))


async def change_tier(client: httpx.AsyncClient, package_id: str, body: object) -> httpx.Response:
    return await client.post(
        f"/student/enrollments/{package_id}/change-tier", json=body, headers=csrf_headers(client)
    )


async def cancel(client: httpx.AsyncClient, package_id: str) -> httpx.Response:
    return await client.delete(f"/student/enrollments/{package_id}", headers=csrf_headers(client))


async def events(db: Database) -> list[tuple[str, str, str | None, str | None, str | None, str]]:
    """The enrollment history (no route reads it): (user, package, from, to, changed by, reason)."""
    async with unit_of_work(db) as session:
        rows = (await session.scalars(select(EnrollmentEvent).order_by(EnrollmentEvent.id))).all()
        return [
            (e.user_id, e.exam_package_id, e.from_tier_id, e.to_tier_id, e.changed_by_user_id, e.reason)
            for e in rows
        ]


async def default_tier_id(db: Database, package_id: str) -> str:
    async with unit_of_work(db) as session:
        tier_id = await session.scalar(
            select(Tier.id).where(Tier.exam_package_id == package_id, Tier.is_default.is_(True))
        )
    assert tier_id is not None
    return tier_id


class TestListEnrollments:
    async def test_without_enrollments_omits_package_ids(self, client, student):
        assert await enrollments(client) == {"items": []}

    async def test_lists_own_enrollments_oldest_first_with_exact_keys(
        self, client, db, identity, student, frozen_clock
    ):
        later = await make_exam_package(db, name="A later one")
        first = await make_exam_package(db, name="B first one")
        first_at = frozen_clock.now
        await make_enrollment(db, user=student, package=first)
        frozen_clock.advance(seconds=30)
        premium = await make_tier(db, package=later)
        await make_enrollment(db, user=student, package=later, tier=premium)
        await make_enrollment(db, user=await make_user(db, identity), package=first)
        assert await enrollments(client) == {
            "examPackageIds": [first.id, later.id],
            "items": [
                {
                    "examPackageId": first.id,
                    "tierId": await default_tier_id(db, first.id),
                    "createdAt": ace_time(first_at),
                    "updatedAt": ace_time(first_at),
                },
                {
                    "examPackageId": later.id,
                    "tierId": premium.id,
                    "createdAt": ace_time(frozen_clock.now),
                    "updatedAt": ace_time(frozen_clock.now),
                },
            ],
        }

    @pytest.mark.parametrize("role", ["instructor", "admin"])
    async def test_other_roles_get_403(self, client, db, identity, role):
        user = await make_user(db, identity, role=role)
        await login(client, email=user.email, portal=role)
        r = await client.get("/student/enrollments")
        assert r.status_code == 403
        assert r.json() == {"message": "forbidden"}

    async def test_anonymous_gets_401(self, client):
        r = await client.get("/student/enrollments")
        assert r.status_code == 401
        assert r.json() == {"message": "missing authorization"}


class TestEnroll:
    async def test_enrolls_in_the_default_tier_and_records_one_event(self, client, db, student, frozen_clock):
        package = await make_exam_package(db)
        await make_tier(db, package=package, sort_order=-1)
        r = await enroll(client, {"examPackageId": f" {package.id} "})
        assert r.status_code == 200, r.text
        assert r.json() == {"success": True}
        default = await default_tier_id(db, package.id)
        assert await enrollments(client) == {
            "examPackageIds": [package.id],
            "items": [
                {
                    "examPackageId": package.id,
                    "tierId": default,
                    "createdAt": ace_time(frozen_clock.now),
                    "updatedAt": ace_time(frozen_clock.now),
                }
            ],
        }
        assert await events(db) == [(student.id, package.id, None, default, student.id, "enroll")]

    async def test_enrolls_in_the_requested_active_tier(self, client, db, student):
        package = await make_exam_package(db)
        premium = await make_tier(db, package=package)
        r = await enroll(client, {"examPackageId": package.id, "tierId": f" {premium.id} "})
        assert r.status_code == 200, r.text
        assert await tier_ids(client) == {package.id: premium.id}
        assert await events(db) == [(student.id, package.id, None, premium.id, student.id, "enroll")]

    async def test_without_default_picks_the_first_active_tier_by_sort_order(self, client, db, student):
        package = await make_exam_package(db, default_tier=False)
        await make_tier(db, package=package, sort_order=0, is_active=False)
        await make_tier(db, package=package, sort_order=2)
        first = await make_tier(db, package=package, sort_order=1)
        await enroll(client, {"examPackageId": package.id})
        assert await tier_ids(client) == {package.id: first.id}

    async def test_prefers_the_default_over_a_lower_sort_order(self, client, db, student):
        package = await make_exam_package(db, default_tier=False)
        await make_tier(db, package=package, sort_order=0)
        default = await make_tier(db, package=package, sort_order=5, is_default=True)
        await enroll(client, {"examPackageId": package.id, "tierId": ""})
        assert await tier_ids(client) == {package.id: default.id}

    async def test_enrolling_again_keeps_the_tier_and_records_nothing(
        self, client, db, student, frozen_clock
    ):
        # ace.md §16.2 B2: the original appended an `enroll` event on every call.
        package = await make_exam_package(db)
        premium = await make_tier(db, package=package)
        await enroll(client, {"examPackageId": package.id})
        before = await enrollments(client)
        frozen_clock.advance(minutes=1)
        r = await enroll(client, {"examPackageId": package.id, "tierId": premium.id})
        assert r.status_code == 200, r.text
        assert r.json() == {"success": True}
        assert await enrollments(client) == before
        assert len(await events(db)) == 1

    async def test_concurrent_enrollments_make_one_enrollment_and_one_event(self, client, db, student):
        package = await make_exam_package(db)
        responses = await asyncio.gather(*(enroll(client, {"examPackageId": package.id}) for _ in range(4)))
        assert [r.status_code for r in responses] == [200] * 4
        assert list(await tier_ids(client)) == [package.id]
        assert len(await events(db)) == 1

    @pytest.mark.parametrize(
        "body", [{}, {"examPackageId": ""}, {"examPackageId": "  "}, {"examPackageId": None}]
    )
    async def test_missing_package_returns_400(self, client, student, body):
        r = await enroll(client, body)
        assert r.status_code == 400
        assert r.json() == {"message": "examPackageId is required"}

    @pytest.mark.parametrize("package_id", [UNKNOWN, "not-a-uuid"])
    async def test_unknown_package_returns_400(self, client, student, package_id):
        r = await enroll(client, {"examPackageId": package_id})
        assert r.status_code == 400
        assert r.json() == {"message": "unknown package"}

    async def test_hidden_package_returns_400_unknown_package(self, client, db, student):
        package = await make_exam_package(db, is_hidden=True)
        r = await enroll(client, {"examPackageId": package.id})
        assert r.status_code == 400
        assert r.json() == {"message": "unknown package"}
        assert await enrollments(client) == {"items": []}
        assert await events(db) == []

    async def test_inactive_unknown_or_foreign_tier_returns_400(self, client, db, student):
        package = await make_exam_package(db)
        inactive = await make_tier(db, package=package, is_active=False)
        foreign = await make_tier(db, package=await make_exam_package(db))
        for tier_id in [inactive.id, foreign.id, UNKNOWN, "x"]:
            r = await enroll(client, {"examPackageId": package.id, "tierId": tier_id})
            assert r.status_code == 400
            assert r.json() == {"message": "unknown tier"}
        assert await enrollments(client) == {"items": []}

    async def test_package_without_active_tier_returns_400(self, client, db, student):
        package = await make_exam_package(db, default_tier=False)
        await make_tier(db, package=package, is_active=False)
        r = await enroll(client, {"examPackageId": package.id})
        assert r.status_code == 400
        assert r.json() == {"message": "package has no active tier"}

    @pytest.mark.parametrize("body", [{"examPackageId": 5}, {"examPackageId": "x", "tierId": 1}, ["x"], "x"])
    async def test_wrong_types_return_400_invalid_json_body(self, client, student, body):
        r = await enroll(client, body)
        assert r.status_code == 400
        assert r.json() == {"message": "invalid json body"}

    async def test_instructor_gets_403(self, client, db, instructor):
        package = await make_exam_package(db)
        r = await enroll(client, {"examPackageId": package.id})
        assert r.status_code == 403
        assert r.json() == {"message": "forbidden"}


class TestChangeTier:
    async def test_moves_to_another_active_tier_and_records_it(self, client, db, student, frozen_clock):
        package = await make_exam_package(db)
        premium = await make_tier(db, package=package)
        await enroll(client, {"examPackageId": package.id})
        created = frozen_clock.now
        frozen_clock.advance(minutes=3)
        r = await change_tier(client, package.id, {"tierId": f" {premium.id} "})
        assert r.status_code == 200, r.text
        assert r.json() == {"success": True}
        [item] = (await enrollments(client))["items"]
        assert item == {
            "examPackageId": package.id,
            "tierId": premium.id,
            "createdAt": ace_time(created),
            "updatedAt": ace_time(frozen_clock.now),
        }
        default = await default_tier_id(db, package.id)
        assert (await events(db))[1:] == [
            (student.id, package.id, default, premium.id, student.id, "change_tier")
        ]

    async def test_same_tier_changes_nothing(self, client, db, student, frozen_clock):
        package = await make_exam_package(db)
        await enroll(client, {"examPackageId": package.id})
        before = await enrollments(client)
        frozen_clock.advance(minutes=3)
        r = await change_tier(client, package.id, {"tierId": await default_tier_id(db, package.id)})
        assert r.status_code == 200, r.text
        assert await enrollments(client) == before
        assert len(await events(db)) == 1

    async def test_works_in_a_hidden_package(self, client, db, student):
        package = await make_exam_package(db, is_hidden=True)
        premium = await make_tier(db, package=package)
        await make_enrollment(db, user=student, package=package)
        r = await change_tier(client, f"%20{package.id}", {"tierId": premium.id})
        assert r.status_code == 200, r.text
        assert await tier_ids(client) == {package.id: premium.id}

    @pytest.mark.parametrize("body", [{}, {"tierId": ""}, {"tierId": "   "}])
    async def test_missing_tier_returns_400_before_the_enrollment_check(self, client, student, body):
        r = await change_tier(client, UNKNOWN, body)
        assert r.status_code == 400
        assert r.json() == {"message": "tierId is required"}

    @pytest.mark.parametrize("package_id", [UNKNOWN, "not-a-uuid"])
    async def test_not_enrolled_returns_403(self, client, student, package_id):
        r = await change_tier(client, package_id, {"tierId": UNKNOWN})
        assert r.status_code == 403
        assert r.json() == {"message": "not enrolled"}

    async def test_another_students_enrollment_does_not_count(self, client, db, identity, student):
        package = await make_exam_package(db)
        premium = await make_tier(db, package=package)
        await make_enrollment(db, user=await make_user(db, identity), package=package)
        r = await change_tier(client, package.id, {"tierId": premium.id})
        assert r.status_code == 403
        assert r.json() == {"message": "not enrolled"}

    async def test_inactive_unknown_or_foreign_tier_returns_400(self, client, db, student):
        package = await make_exam_package(db)
        inactive = await make_tier(db, package=package, is_active=False)
        foreign = await make_tier(db, package=await make_exam_package(db))
        await enroll(client, {"examPackageId": package.id})
        before = await enrollments(client)
        for tier_id in [inactive.id, foreign.id, UNKNOWN]:
            r = await change_tier(client, package.id, {"tierId": tier_id})
            assert r.status_code == 400
            assert r.json() == {"message": "unknown tier"}
        assert await enrollments(client) == before

    async def test_wrong_types_return_400_invalid_json_body(self, client, student):
        r = await change_tier(client, UNKNOWN, {"tierId": 3})
        assert r.status_code == 400
        assert r.json() == {"message": "invalid json body"}


class TestCancelEnrollment:
    async def test_leaves_the_package_without_an_event(self, client, db, identity, student):
        package = await make_exam_package(db)
        other = await make_exam_package(db)
        await enroll(client, {"examPackageId": package.id})
        await enroll(client, {"examPackageId": other.id})
        classmate = await make_user(db, identity)
        await make_enrollment(db, user=classmate, package=package)
        r = await cancel(client, f" {package.id}")
        assert r.status_code == 200, r.text
        assert r.json() == {"success": True}
        assert list(await tier_ids(client)) == [other.id]
        assert [e[5] for e in await events(db)] == ["enroll", "enroll"]

    @pytest.mark.parametrize("package_id", [UNKNOWN, "not-a-uuid"])
    async def test_not_enrolled_still_returns_200(self, client, student, package_id):
        r = await cancel(client, package_id)
        assert r.status_code == 200
        assert r.json() == {"success": True}

    async def test_instructor_gets_403(self, client, instructor):
        r = await cancel(client, UNKNOWN)
        assert r.status_code == 403
        assert r.json() == {"message": "forbidden"}
