"""Tier administration over HTTP, for the instructor and the admin portal alike (ace.md §5.7-5.10, §11.6)."""

import asyncio
import re
import uuid
from datetime import datetime

import httpx
import pytest

from acelab.db.engine import Database
from acelab.identity.context import IdentityContext
from tests.factories import make_enrollment, make_exam_package, make_tier, make_user
from tests.login import csrf_headers, login

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
UNKNOWN = "00000000-0000-0000-0000-000000000000"


def ace_time(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture(params=["instructor", "admin"])
async def portal(request, client: httpx.AsyncClient, db: Database, identity: IdentityContext) -> str:
    """Log in on `client` through the instructor portal (as an instructor) or the admin portal."""
    user = await make_user(db, identity, role=request.param)
    await login(client, email=user.email, portal=request.param)
    return str(request.param)


async def tiers(client: httpx.AsyncClient, portal: str, package_id: str) -> list[dict[str, object]]:
    r = await client.get(f"/{portal}/exam-packages/{package_id}/tiers")
    assert r.status_code == 200, r.text
    assert list(r.json()) == ["items"]
    items: list[dict[str, object]] = r.json()["items"]
    return items


async def tier_of(client: httpx.AsyncClient, portal: str, package_id: str, tier_id: str) -> dict[str, object]:
    return next(t for t in await tiers(client, portal, package_id) if t["id"] == tier_id)


async def default_code(client: httpx.AsyncClient, portal: str, package_id: str) -> list[object]:
    return [t["code"] for t in await tiers(client, portal, package_id) if t["isDefault"]]


async def create(client: httpx.AsyncClient, portal: str, package_id: str, body: object) -> httpx.Response:
    return await client.post(
        f"/{portal}/exam-packages/{package_id}/tiers", json=body, headers=csrf_headers(client)
    )


async def patch(
    client: httpx.AsyncClient, portal: str, package_id: str, tier_id: str, body: object
) -> httpx.Response:
    return await client.patch(
        f"/{portal}/exam-packages/{package_id}/tiers/{tier_id}", json=body, headers=csrf_headers(client)
    )


async def delete(client: httpx.AsyncClient, portal: str, package_id: str, tier_id: str) -> httpx.Response:
    return await client.delete(
        f"/{portal}/exam-packages/{package_id}/tiers/{tier_id}", headers=csrf_headers(client)
    )


class TestListTiers:
    async def test_lists_all_tiers_by_sort_order_with_exact_keys(self, client, db, portal, frozen_clock):
        package = await make_exam_package(db, default_tier=False)
        frozen_clock.advance(seconds=1)
        retired = await make_tier(
            db, package=package, code="retired", name="Retired", sort_order=1, is_active=False
        )
        basic = await make_tier(
            db, package=package, code="basic", name="Basic", sort_order=0, is_default=True, policy={"a": [1]}
        )
        assert await tiers(client, portal, package.id) == [
            {
                "id": basic.id,
                "examPackageId": package.id,
                "code": "basic",
                "name": "Basic",
                "sortOrder": 0,
                "isDefault": True,
                "isActive": True,
                "policy": {"a": [1]},
                "createdAt": ace_time(frozen_clock.now),
                "updatedAt": ace_time(frozen_clock.now),
            },
            {
                "id": retired.id,
                "examPackageId": package.id,
                "code": "retired",
                "name": "Retired",
                "sortOrder": 1,
                "isDefault": False,
                "isActive": False,
                "policy": {},
                "createdAt": ace_time(frozen_clock.now),
                "updatedAt": ace_time(frozen_clock.now),
            },
        ]

    @pytest.mark.parametrize("package_id", [UNKNOWN, "not-a-uuid"])
    async def test_unknown_package_returns_empty_items(self, client, portal, package_id):
        assert await tiers(client, portal, package_id) == []


class TestCreateTier:
    async def test_returns_id_and_stores_trimmed_active_tier_after_the_last(self, client, db, portal):
        package = await make_exam_package(db)
        r = await create(client, portal, package.id, {"code": " premium ", "name": " Premium "})
        assert r.status_code == 200, r.text
        assert list(r.json()) == ["id"]
        assert UUID.match(r.json()["id"])
        stored = await tier_of(client, portal, package.id, r.json()["id"])
        assert {k: stored[k] for k in ("code", "name", "sortOrder", "isDefault", "isActive", "policy")} == {
            "code": "premium",
            "name": "Premium",
            "sortOrder": 1,
            "isDefault": False,
            "isActive": True,
            "policy": {},
        }
        r = await create(client, portal, package.id, {"code": "gold", "name": "Gold"})
        assert (await tier_of(client, portal, package.id, r.json()["id"]))["sortOrder"] == 2

    @pytest.mark.parametrize("sort_order", [0, 7, -3])
    async def test_keeps_the_given_sort_order(self, client, db, portal, sort_order):
        package = await make_exam_package(db)
        r = await create(client, portal, package.id, {"code": "x", "name": "X", "sortOrder": sort_order})
        assert (await tier_of(client, portal, package.id, r.json()["id"]))["sortOrder"] == sort_order

    @pytest.mark.parametrize(
        ("policy", "stored"),
        [
            (None, {}),
            ({"maxPractice": 5}, {"maxPractice": 5}),
            ([1, "a"], [1, "a"]),
            (3, 3),
            ("gold", "gold"),
        ],
    )
    async def test_stores_any_json_policy_as_is(self, client, db, portal, policy, stored):
        package = await make_exam_package(db)
        r = await create(client, portal, package.id, {"code": "x", "name": "X", "policy": policy})
        assert r.status_code == 200, r.text
        assert (await tier_of(client, portal, package.id, r.json()["id"]))["policy"] == stored

    async def test_is_default_moves_the_default(self, client, db, portal):
        package = await make_exam_package(db)
        r = await create(
            client, portal, package.id, {"code": "premium", "name": "Premium", "isDefault": True}
        )
        assert r.status_code == 200, r.text
        assert await default_code(client, portal, package.id) == ["premium"]

    async def test_concurrent_default_tiers_leave_one_default(self, client, db, portal):
        package = await make_exam_package(db)
        bodies = [{"code": f"t{i}", "name": f"T{i}", "isDefault": True} for i in range(3)]
        responses = await asyncio.gather(*(create(client, portal, package.id, body) for body in bodies))
        assert [r.status_code for r in responses] == [200] * 3
        assert len(await default_code(client, portal, package.id)) == 1
        assert sorted(t["sortOrder"] for t in await tiers(client, portal, package.id)) == [0, 1, 2, 3]

    async def test_first_tier_of_a_package_without_default_becomes_default(self, client, db, portal):
        package = await make_exam_package(db, default_tier=False)
        r = await create(client, portal, package.id, {"code": "basic", "name": "Basic", "isDefault": False})
        assert r.status_code == 200, r.text
        assert await default_code(client, portal, package.id) == ["basic"]

    async def test_inactive_tier_is_created_inactive(self, client, db, portal):
        package = await make_exam_package(db)
        r = await create(client, portal, package.id, {"code": "beta", "name": "Beta", "isActive": False})
        assert (await tier_of(client, portal, package.id, r.json()["id"]))["isActive"] is False

    @pytest.mark.parametrize("default_tier", [True, False])
    async def test_inactive_default_returns_400(self, client, db, portal, default_tier):
        # ace.md §16.2 B3: the original let an inactive tier become the default.
        package = await make_exam_package(db, default_tier=default_tier)
        body = {"code": "beta", "name": "Beta", "isActive": False, "isDefault": default_tier}
        r = await create(client, portal, package.id, body)
        assert r.status_code == 400
        assert r.json() == {"message": "the default tier must be active"}
        assert [t["code"] for t in await tiers(client, portal, package.id)] == (
            ["default"] if default_tier else []
        )

    @pytest.mark.parametrize(
        ("body", "message"),
        [
            ({"name": "X"}, "code is required"),
            ({"code": "  ", "name": "X"}, "code is required"),
            ({}, "code is required"),
            ({"code": "x"}, "name is required"),
            ({"code": "x", "name": " "}, "name is required"),
        ],
    )
    async def test_blank_code_or_name_returns_400(self, client, db, portal, body, message):
        package = await make_exam_package(db)
        r = await create(client, portal, package.id, body)
        assert r.status_code == 400
        assert r.json() == {"message": message}

    async def test_blank_code_is_checked_before_the_package(self, client, portal):
        r = await create(client, portal, UNKNOWN, {"code": "", "name": "X"})
        assert r.json() == {"message": "code is required"}

    @pytest.mark.parametrize("package_id", [UNKNOWN, "not-a-uuid"])
    async def test_unknown_package_returns_404(self, client, portal, package_id):
        r = await create(client, portal, package_id, {"code": "x", "name": "X"})
        assert r.status_code == 404
        assert r.json() == {"message": "exam package not found"}

    async def test_duplicate_code_in_the_package_returns_400(self, client, db, portal):
        package = await make_exam_package(db)
        r = await create(client, portal, package.id, {"code": " default ", "name": "Another"})
        assert r.status_code == 400
        assert r.json() == {"message": "failed to create tier"}
        assert len(await tiers(client, portal, package.id)) == 1

    async def test_same_code_in_another_package_is_fine(self, client, db, portal):
        package = await make_exam_package(db)
        r = await create(client, portal, package.id, {"code": "gold", "name": "Gold"})
        assert r.status_code == 200, r.text
        other = await make_exam_package(db)
        r = await create(client, portal, other.id, {"code": "gold", "name": "Gold"})
        assert r.status_code == 200, r.text

    @pytest.mark.parametrize(
        "body",
        [
            {"code": 5, "name": "X"},
            {"code": "x", "name": "X", "sortOrder": "1"},
            {"code": "x", "name": "X", "sortOrder": 1.5},
            {"code": "x", "name": "X", "isDefault": "true"},
            {"code": "x", "name": "X", "isActive": 1},
            "x",
        ],
    )
    async def test_wrong_types_return_400_invalid_json_body(self, client, db, portal, body):
        package = await make_exam_package(db)
        r = await create(client, portal, package.id, body)
        assert r.status_code == 400
        assert r.json() == {"message": "invalid json body"}
        assert len(await tiers(client, portal, package.id)) == 1

    async def test_writes_create_audit_for_the_portal(self, client, db, portal, audit):
        package = await make_exam_package(db)
        r = await create(client, portal, package.id, {"code": " gold ", "name": "Gold", "policy": {"x": 1}})
        [entry] = await audit(f"{portal}.exam_package_tiers.create")
        assert (entry.actor_role, entry.target_type, entry.target_id) == (
            portal,
            "exam_package_tier",
            r.json()["id"],
        )
        assert entry.metadata_ == {"examPackageId": package.id, "code": "gold", "name": "Gold"}

    async def test_rejected_create_writes_no_audit(self, client, db, portal, audit):
        package = await make_exam_package(db)
        await create(client, portal, package.id, {"code": "default", "name": "Again"})
        assert await audit(f"{portal}.exam_package_tiers.create") == []


class TestUpdateTier:
    async def test_updates_present_fields_trimmed(self, client, db, portal, frozen_clock):
        package = await make_exam_package(db)
        tier = await make_tier(db, package=package, code="gold", name="Gold", sort_order=3, policy={"a": 1})
        frozen_clock.advance(minutes=5)
        r = await patch(
            client, portal, package.id, tier.id, {"code": " platinum ", "name": " Platinum ", "sortOrder": 9}
        )
        assert r.status_code == 200, r.text
        assert r.json() == {"success": True}
        stored = await tier_of(client, portal, package.id, tier.id)
        assert {k: stored[k] for k in ("code", "name", "sortOrder", "isActive", "isDefault", "policy")} == {
            "code": "platinum",
            "name": "Platinum",
            "sortOrder": 9,
            "isActive": True,
            "isDefault": False,
            "policy": {"a": 1},
        }
        assert stored["updatedAt"] == ace_time(frozen_clock.now)

    async def test_web_form_with_every_field_updates_a_plain_tier(self, client, db, portal):
        package = await make_exam_package(db)
        tier = await make_tier(db, package=package, code="gold", name="Gold")
        body = {
            "code": "gold",
            "name": "Gold+",
            "sortOrder": 2,
            "isDefault": False,
            "isActive": False,
            "policy": [1],
        }
        r = await patch(client, portal, package.id, tier.id, body)
        assert r.status_code == 200, r.text
        stored = await tier_of(client, portal, package.id, tier.id)
        assert (stored["name"], stored["isActive"], stored["policy"]) == ("Gold+", False, [1])

    async def test_is_default_moves_the_default(self, client, db, portal):
        package = await make_exam_package(db)
        tier = await make_tier(db, package=package, code="gold")
        r = await patch(client, portal, package.id, tier.id, {"isDefault": True})
        assert r.status_code == 200, r.text
        assert await default_code(client, portal, package.id) == ["gold"]

    async def test_is_default_on_the_default_is_a_no_op(self, client, db, portal):
        package = await make_exam_package(db)
        default = (await tiers(client, portal, package.id))[0]
        r = await patch(
            client, portal, package.id, str(default["id"]), {"isDefault": True, "name": "Standard"}
        )
        assert r.status_code == 200, r.text
        assert await default_code(client, portal, package.id) == ["default"]

    async def test_unsetting_default_on_a_plain_tier_is_a_no_op(self, client, db, portal):
        package = await make_exam_package(db)
        tier = await make_tier(db, package=package, code="gold")
        r = await patch(client, portal, package.id, tier.id, {"isDefault": False})
        assert r.status_code == 200, r.text
        assert await default_code(client, portal, package.id) == ["default"]

    @pytest.mark.parametrize(
        ("body", "message"),
        [
            ({"isDefault": False}, "cannot unset default tier; set another default tier first"),
            ({"isDefault": False, "code": ""}, "cannot unset default tier; set another default tier first"),
            ({"isActive": False}, "cannot deactivate the default tier; set another default tier first"),
        ],
    )
    async def test_default_cannot_be_unset_or_deactivated(self, client, db, portal, body, message):
        package = await make_exam_package(db)
        default = (await tiers(client, portal, package.id))[0]
        r = await patch(client, portal, package.id, str(default["id"]), body)
        assert r.status_code == 400
        assert r.json() == {"message": message}
        assert (await tiers(client, portal, package.id))[0] == default

    async def test_inactive_tier_cannot_become_default(self, client, db, portal):
        # ace.md §16.2 B3.
        package = await make_exam_package(db)
        tier = await make_tier(db, package=package, code="beta", is_active=False)
        r = await patch(client, portal, package.id, tier.id, {"isDefault": True})
        assert r.status_code == 400
        assert r.json() == {"message": "the default tier must be active"}
        assert await default_code(client, portal, package.id) == ["default"]

    async def test_inactive_tier_activated_in_the_same_request_becomes_default(self, client, db, portal):
        package = await make_exam_package(db)
        tier = await make_tier(db, package=package, code="beta", is_active=False)
        r = await patch(client, portal, package.id, tier.id, {"isDefault": True, "isActive": True})
        assert r.status_code == 200, r.text
        assert await default_code(client, portal, package.id) == ["beta"]

    @pytest.mark.parametrize(
        ("body", "message"),
        [
            ({"code": "  "}, "code cannot be empty"),
            ({"code": "", "name": ""}, "code cannot be empty"),
            ({"name": ""}, "name cannot be empty"),
            ({}, "no fields to update"),
            ({"code": None, "policy": None}, "no fields to update"),
        ],
    )
    async def test_invalid_fields_return_400(self, client, db, portal, body, message):
        package = await make_exam_package(db)
        tier = await make_tier(db, package=package, code="gold", name="Gold")
        r = await patch(client, portal, package.id, tier.id, body)
        assert r.status_code == 400
        assert r.json() == {"message": message}
        stored = await tier_of(client, portal, package.id, tier.id)
        assert (stored["code"], stored["name"]) == ("gold", "Gold")

    async def test_duplicate_code_returns_400(self, client, db, portal):
        package = await make_exam_package(db)
        tier = await make_tier(db, package=package, code="gold")
        r = await patch(client, portal, package.id, tier.id, {"code": "default"})
        assert r.status_code == 400
        assert r.json() == {"message": "failed to update tier"}
        assert (await tier_of(client, portal, package.id, tier.id))["code"] == "gold"

    async def test_keeping_its_own_code_is_fine(self, client, db, portal):
        package = await make_exam_package(db)
        tier = await make_tier(db, package=package, code="gold")
        r = await patch(client, portal, package.id, tier.id, {"code": "gold", "name": "Gold"})
        assert r.status_code == 200, r.text

    async def test_unknown_tier_or_tier_of_another_package_returns_404(self, client, db, portal):
        package = await make_exam_package(db)
        other = await make_exam_package(db)
        tier = await make_tier(db, package=other)
        for package_id, tier_id in [(package.id, tier.id), (package.id, UNKNOWN), ("x", tier.id)]:
            r = await patch(client, portal, package_id, tier_id, {"name": "Renamed"})
            assert r.status_code == 404
            assert r.json() == {"message": "tier not found"}

    async def test_writes_update_audit_with_the_request(self, client, db, portal, audit):
        package = await make_exam_package(db)
        tier = await make_tier(db, package=package)
        await patch(client, portal, package.id, tier.id, {"name": " Gold ", "policy": {"x": [1]}})
        [entry] = await audit(f"{portal}.exam_package_tiers.update")
        assert (entry.target_type, entry.target_id) == ("exam_package_tier", tier.id)
        assert entry.metadata_ == {
            "code": None,
            "name": " Gold ",
            "sortOrder": None,
            "isDefault": None,
            "isActive": None,
            "policy": {"x": [1]},
        }


class TestDeleteTier:
    async def test_deletes_a_plain_tier_and_audits(self, client, db, portal, audit):
        package = await make_exam_package(db)
        tier = await make_tier(db, package=package)
        r = await delete(client, portal, package.id, tier.id)
        assert r.status_code == 200, r.text
        assert r.json() == {"success": True}
        assert [t["code"] for t in await tiers(client, portal, package.id)] == ["default"]
        [entry] = await audit(f"{portal}.exam_package_tiers.delete")
        assert (entry.target_type, entry.target_id) == ("exam_package_tier", tier.id)
        assert entry.metadata_ == {"examPackageId": package.id}

    async def test_default_tier_returns_400(self, client, db, portal, audit):
        package = await make_exam_package(db)
        default = (await tiers(client, portal, package.id))[0]
        r = await delete(client, portal, package.id, str(default["id"]))
        assert r.status_code == 400
        assert r.json() == {"message": "cannot delete the default tier"}
        assert len(await tiers(client, portal, package.id)) == 1
        assert await audit(f"{portal}.exam_package_tiers.delete") == []

    async def test_unknown_tier_or_tier_of_another_package_returns_404(self, client, db, portal):
        package = await make_exam_package(db)
        other_tier = await make_tier(db, package=await make_exam_package(db))
        for tier_id in [other_tier.id, UNKNOWN, "x"]:
            r = await delete(client, portal, package.id, tier_id)
            assert r.status_code == 404
            assert r.json() == {"message": "tier not found"}

    async def test_tier_with_enrollments_returns_409(self, client, db, identity, portal):
        package = await make_exam_package(db)
        tier = await make_tier(db, package=package)
        await make_enrollment(db, user=await make_user(db, identity), package=package, tier=tier)
        r = await delete(client, portal, package.id, tier.id)
        assert r.status_code == 409
        assert r.json() == {"message": "failed to delete tier"}
        assert tier.id in [t["id"] for t in await tiers(client, portal, package.id)]

    async def test_tier_left_by_its_students_can_be_deleted(self, client, other_client, db, identity, portal):
        package = await make_exam_package(db)
        tier = await make_tier(db, package=package)
        student = await make_user(db, identity)
        await login(other_client, email=student.email)
        headers = csrf_headers(other_client)
        r = await other_client.post(
            "/student/enrollments", json={"examPackageId": package.id, "tierId": tier.id}, headers=headers
        )
        assert r.status_code == 200, r.text
        default = next(t for t in await tiers(client, portal, package.id) if t["isDefault"])
        r = await other_client.post(
            f"/student/enrollments/{package.id}/change-tier", json={"tierId": default["id"]}, headers=headers
        )
        assert r.status_code == 200, r.text
        r = await delete(client, portal, package.id, tier.id)
        assert r.status_code == 200, r.text


class TestTierRouteAuth:
    @pytest.mark.parametrize("role", ["student", "instructor"])
    async def test_admin_tier_routes_refuse_non_admins(self, client, db, identity, role):
        package = await make_exam_package(db)
        user = await make_user(db, identity, role=role)
        await login(client, email=user.email, portal=role)
        for r in [
            await client.get(f"/admin/exam-packages/{package.id}/tiers"),
            await create(client, "admin", package.id, {"code": "x", "name": "X"}),
            await patch(client, "admin", package.id, str(uuid.uuid4()), {"name": "X"}),
            await delete(client, "admin", package.id, str(uuid.uuid4())),
        ]:
            assert r.status_code == 403
            assert r.json() == {"message": "forbidden"}

    async def test_instructor_tier_routes_refuse_students(self, client, db, identity):
        package = await make_exam_package(db)
        user = await make_user(db, identity)
        await login(client, email=user.email)
        r = await create(client, "instructor", package.id, {"code": "x", "name": "X"})
        assert r.status_code == 403
        assert r.json() == {"message": "forbidden"}
