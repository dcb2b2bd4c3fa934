"""Exam packages for students (public) and instructors over HTTP (ace.md §5.1, §5.2, §5.5, §5.6)."""

from datetime import datetime

import httpx
import pytest

from tests.factories import make_exam_package, make_tier, make_user
from tests.login import csrf_headers, login


def ace_time(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


async def instructor_packages(client: httpx.AsyncClient) -> list[dict[str, object]]:
    r = await client.get("/instructor/exam-packages")
    assert r.status_code == 200, r.text
    assert list(r.json()) == ["items"]
    items: list[dict[str, object]] = r.json()["items"]
    return items


async def package_of(client: httpx.AsyncClient, package_id: str) -> dict[str, object]:
    return next(p for p in await instructor_packages(client) if p["id"] == package_id)


async def patch(client: httpx.AsyncClient, package_id: str, body: object) -> httpx.Response:
    return await client.patch(
        f"/instructor/exam-packages/{package_id}", json=body, headers=csrf_headers(client)
    )


class TestListPublicPackages:
    async def test_without_packages_returns_empty_items(self, client):
        r = await client.get("/exam-packages")
        assert r.status_code == 200
        assert r.json() == {"items": []}

    async def test_lists_visible_packages_by_name_with_exact_keys(self, client, db, frozen_clock):
        sat = await make_exam_package(
            db,
            name="SAT",
            subtitle="College admissions",
            overview="Reading and math",
            modules=["Reading", "Math"],
            highlights=["Adaptive"],
            module_sections=[{"id": "m1", "name": "Math", "description": "Algebra"}],
        )
        gre = await make_exam_package(db, name="GRE")
        await make_exam_package(db, name="Hidden prep", is_hidden=True)
        r = await client.get("/exam-packages")
        assert r.status_code == 200
        assert r.json() == {
            "items": [
                {
                    "id": gre.id,
                    "name": "GRE",
                    "subtitle": None,
                    "overview": None,
                    "modules": [],
                    "highlights": [],
                    "moduleSections": [],
                    "createdAt": ace_time(frozen_clock.now),
                },
                {
                    "id": sat.id,
                    "name": "SAT",
                    "subtitle": "College admissions",
                    "overview": "Reading and math",
                    "modules": ["Reading", "Math"],
                    "highlights": ["Adaptive"],
                    "moduleSections": [{"id": "m1", "name": "Math", "description": "Algebra"}],
                    "createdAt": ace_time(frozen_clock.now),
                },
            ]
        }

    async def test_needs_no_credentials_and_ignores_them(self, client, db, identity):
        package = await make_exam_package(db)
        user = await make_user(db, identity, role="admin")
        await login(client, email=user.email, portal="admin")
        r = await client.get("/exam-packages")
        assert [p["id"] for p in r.json()["items"]] == [package.id]


class TestListPublicTiers:
    async def test_lists_active_tiers_by_sort_order_then_age(self, client, db, frozen_clock):
        package = await make_exam_package(db, default_tier=False)
        later = await make_tier(db, package=package, code="later", name="Later", sort_order=2)
        frozen_clock.advance(seconds=1)
        premium = await make_tier(db, package=package, code="premium", name="Premium", sort_order=1)
        await make_tier(db, package=package, code="retired", sort_order=0, is_active=False)
        frozen_clock.advance(seconds=1)
        basic = await make_tier(
            db, package=package, code="basic", name="Basic", sort_order=0, is_default=True
        )
        newest = await make_tier(db, package=package, code="newest", name="Newest", sort_order=2)
        r = await client.get(f"/exam-packages/{package.id}/tiers")
        assert r.status_code == 200
        assert r.json() == {
            "items": [
                {
                    "id": basic.id,
                    "examPackageId": package.id,
                    "code": "basic",
                    "name": "Basic",
                    "sortOrder": 0,
                    "isDefault": True,
                },
                {
                    "id": premium.id,
                    "examPackageId": package.id,
                    "code": "premium",
                    "name": "Premium",
                    "sortOrder": 1,
                    "isDefault": False,
                },
                {
                    "id": later.id,
                    "examPackageId": package.id,
                    "code": "later",
                    "name": "Later",
                    "sortOrder": 2,
                    "isDefault": False,
                },
                {
                    "id": newest.id,
                    "examPackageId": package.id,
                    "code": "newest",
                    "name": "Newest",
                    "sortOrder": 2,
                    "isDefault": False,
                },
            ]
        }

    @pytest.mark.parametrize("package_id", ["00000000-0000-0000-0000-000000000000", "not-a-uuid", "%20"])
    async def test_unknown_or_malformed_package_returns_empty_items(self, client, package_id):
        # ace.md §16.2 B13: the original answered 500 for an id that is not a UUID.
        r = await client.get(f"/exam-packages/{package_id}/tiers")
        assert r.status_code == 200
        assert r.json() == {"items": []}

    async def test_hidden_package_still_lists_its_tiers(self, client, db):
        # ace.md §5: students already enrolled in a hidden package keep working, tier page included.
        package = await make_exam_package(db, is_hidden=True)
        r = await client.get(f"/exam-packages/{package.id}/tiers")
        assert [t["code"] for t in r.json()["items"]] == ["default"]

    async def test_trims_the_package_id(self, client, db):
        package = await make_exam_package(db)
        r = await client.get(f"/exam-packages/%20{package.id}%20/tiers")
        assert [t["code"] for t in r.json()["items"]] == ["default"]


class TestListInstructorPackages:
    async def test_lists_every_package_by_name_with_exact_keys(self, client, db, instructor, frozen_clock):
        hidden = await make_exam_package(db, name="Alpha", code="alpha", is_hidden=True, subtitle="")
        visible = await make_exam_package(db, name="Beta", code="beta", modules=["One"])
        assert await instructor_packages(client) == [
            {
                "id": hidden.id,
                "code": "alpha",
                "name": "Alpha",
                "subtitle": "",
                "overview": None,
                "modules": [],
                "highlights": [],
                "moduleSections": [],
                "isHidden": True,
                "createdAt": ace_time(frozen_clock.now),
                "updatedAt": ace_time(frozen_clock.now),
            },
            {
                "id": visible.id,
                "code": "beta",
                "name": "Beta",
                "subtitle": None,
                "overview": None,
                "modules": ["One"],
                "highlights": [],
                "moduleSections": [],
                "isHidden": False,
                "createdAt": ace_time(frozen_clock.now),
                "updatedAt": ace_time(frozen_clock.now),
            },
        ]

    async def test_admin_may_list(self, client, db, admin):
        package = await make_exam_package(db)
        assert [p["id"] for p in await instructor_packages(client)] == [package.id]

    async def test_student_gets_403(self, client, db, student):
        r = await client.get("/instructor/exam-packages")
        assert r.status_code == 403
        assert r.json() == {"message": "forbidden"}

    async def test_anonymous_gets_401(self, client):
        r = await client.get("/instructor/exam-packages")
        assert r.status_code == 401
        assert r.json() == {"message": "missing authorization"}


class TestUpdatePackageAsInstructor:
    async def test_updates_descriptive_fields_and_trims_strings(self, client, db, instructor, frozen_clock):
        package = await make_exam_package(db, modules=["Old"], highlights=["Old"])
        frozen_clock.advance(seconds=90)
        r = await patch(
            client,
            package.id,
            {
                "subtitle": "  Graduate admissions  ",
                "overview": " Verbal and quant ",
                "modules": ["Verbal", "Quant"],
                "highlights": [],
                "moduleSections": [
                    {"id": "v", "name": "Verbal", "description": "Words", "extra": 1},
                    {"name": "Quant"},
                    {"id": None, "name": "Writing", "description": None},
                ],
            },
        )
        assert r.status_code == 200, r.text
        assert r.json() == {"success": True}
        stored = await package_of(client, package.id)
        assert stored["subtitle"] == "Graduate admissions"
        assert stored["overview"] == "Verbal and quant"
        assert stored["modules"] == ["Verbal", "Quant"]
        assert stored["highlights"] == []
        assert stored["moduleSections"] == [
            {"id": "v", "name": "Verbal", "description": "Words"},
            {"id": "", "name": "Quant", "description": ""},
            {"id": "", "name": "Writing", "description": ""},
        ]
        assert stored["updatedAt"] == ace_time(frozen_clock.now)
        assert stored["createdAt"] != stored["updatedAt"]

    async def test_absent_or_null_fields_stay_unchanged(self, client, db, instructor):
        package = await make_exam_package(db, subtitle="Keep", overview="Keep too", modules=["Keep"])
        r = await patch(client, package.id, {"subtitle": None, "overview": "", "modules": None})
        assert r.status_code == 200, r.text
        stored = await package_of(client, package.id)
        assert (stored["subtitle"], stored["overview"], stored["modules"]) == ("Keep", "", ["Keep"])

    async def test_name_and_visibility_are_ignored(self, client, db, instructor):
        package = await make_exam_package(db, name="Original")
        r = await patch(client, package.id, {"name": "Renamed", "isHidden": True, "subtitle": "New"})
        assert r.status_code == 200, r.text
        stored = await package_of(client, package.id)
        assert (stored["name"], stored["isHidden"], stored["subtitle"]) == ("Original", False, "New")

    @pytest.mark.parametrize("body", [{}, {"name": "Renamed"}, {"isHidden": True}, {"subtitle": None}])
    async def test_no_updatable_field_returns_400(self, client, db, instructor, body):
        package = await make_exam_package(db, name="Original")
        r = await patch(client, package.id, body)
        assert r.status_code == 400
        assert r.json() == {"message": "no fields to update"}
        assert (await package_of(client, package.id))["name"] == "Original"

    @pytest.mark.parametrize("package_id", ["00000000-0000-0000-0000-000000000000", "not-a-uuid"])
    async def test_unknown_package_returns_404(self, client, instructor, package_id):
        r = await patch(client, package_id, {"subtitle": "x"})
        assert r.status_code == 404
        assert r.json() == {"message": "exam package not found"}

    @pytest.mark.parametrize(
        "body",
        [
            {"subtitle": 5},
            {"modules": "Verbal"},
            {"modules": [1]},
            {"highlights": {"a": "b"}},
            {"moduleSections": [{"id": 1}]},
            {"moduleSections": ["Verbal"]},
            [],
        ],
    )
    async def test_wrong_types_return_400_invalid_json_body(self, client, db, instructor, body):
        package = await make_exam_package(db, subtitle="Keep")
        r = await patch(client, package.id, body)
        assert r.status_code == 400
        assert r.json() == {"message": "invalid json body"}
        assert (await package_of(client, package.id))["subtitle"] == "Keep"

    async def test_writes_update_audit_with_the_request(self, client, db, instructor, audit):
        package = await make_exam_package(db)
        await patch(client, package.id, {"subtitle": " New ", "moduleSections": [{"id": "a"}], "name": "x"})
        [entry] = await audit("instructor.exam_packages.update")
        assert (entry.actor_user_id, entry.actor_role) == (instructor.id, "instructor")
        assert (entry.target_type, entry.target_id) == ("exam_package", package.id)
        assert entry.metadata_ == {
            "subtitle": " New ",
            "overview": None,
            "modules": None,
            "highlights": None,
            "moduleSections": [{"id": "a", "name": "", "description": ""}],
        }

    async def test_admin_may_use_the_instructor_route(self, client, db, admin, audit):
        package = await make_exam_package(db)
        r = await patch(client, package.id, {"overview": "By an admin"})
        assert r.status_code == 200, r.text
        [entry] = await audit("instructor.exam_packages.update")
        assert (entry.actor_user_id, entry.actor_role) == (admin.id, "admin")

    async def test_rejected_update_writes_no_audit(self, client, db, instructor, audit):
        package = await make_exam_package(db)
        await patch(client, package.id, {})
        assert await audit("instructor.exam_packages.update") == []

    async def test_student_gets_403(self, client, db, student):
        package = await make_exam_package(db, subtitle="Keep")
        r = await patch(client, package.id, {"subtitle": "x"})
        assert r.status_code == 403
        assert r.json() == {"message": "forbidden"}
