"""Admin exam package routes over HTTP (ace.md §11.2-11.5, §12.7, §16.2 B10 and B18)."""

import asyncio
import re
from datetime import datetime

import httpx
import pytest
from sqlalchemy import select

from acelab.catalog.models import EnrollmentEvent
from acelab.db.session import unit_of_work
from acelab.exams.models import ExamSession
from acelab.questions.models import QuestionBank
from tests.factories import (
    make_enrollment,
    make_exam_package,
    make_exam_session,
    make_question_bank,
    make_tier,
    make_user,
)
from tests.login import csrf_headers, login

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
UNKNOWN = "00000000-0000-0000-0000-000000000000"


def ace_time(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


async def packages(client: httpx.AsyncClient) -> list[dict[str, object]]:
    r = await client.get("/admin/exam-packages")
    assert r.status_code == 200, r.text
    assert list(r.json()) == ["items"]
    items: list[dict[str, object]] = r.json()["items"]
    return items


async def package_of(client: httpx.AsyncClient, package_id: str) -> dict[str, object]:
    return next(p for p in await packages(client) if p["id"] == package_id)


async def tiers(client: httpx.AsyncClient, package_id: str) -> list[dict[str, object]]:
    r = await client.get(f"/admin/exam-packages/{package_id}/tiers")
    assert r.status_code == 200, r.text
    items: list[dict[str, object]] = r.json()["items"]
    return items


async def create(client: httpx.AsyncClient, body: object) -> httpx.Response:
    return await client.post("/admin/exam-packages", json=body, headers=csrf_headers(client))


async def patch(client: httpx.AsyncClient, package_id: str, body: object) -> httpx.Response:
    return await client.patch(f"/admin/exam-packages/{package_id}", json=body, headers=csrf_headers(client))


async def delete(client: httpx.AsyncClient, package_id: str) -> httpx.Response:
    return await client.delete(f"/admin/exam-packages/{package_id}", headers=csrf_headers(client))


class TestListPackages:
    async def test_lists_every_package_by_name(self, client, db, admin, frozen_clock):
        hidden = await make_exam_package(db, name="Beta", code="beta", is_hidden=True)
        visible = await make_exam_package(db, name="Alpha", code="alpha", overview="About")
        assert await packages(client) == [
            {
                "id": visible.id,
                "code": "alpha",
                "name": "Alpha",
                "subtitle": None,
                "overview": "About",
                "modules": [],
                "highlights": [],
                "moduleSections": [],
                "isHidden": False,
                "createdAt": ace_time(frozen_clock.now),
                "updatedAt": ace_time(frozen_clock.now),
            },
            {
                "id": hidden.id,
                "code": "beta",
                "name": "Beta",
                "subtitle": None,
                "overview": None,
                "modules": [],
                "highlights": [],
                "moduleSections": [],
                "isHidden": True,
                "createdAt": ace_time(frozen_clock.now),
                "updatedAt": ace_time(frozen_clock.now),
            },
        ]

    async def test_instructor_gets_403(self, client, db, identity):
        user = await make_user(db, identity, role="instructor")
        await login(client, email=user.email, portal="instructor")
        r = await client.get("/admin/exam-packages")
        assert r.status_code == 403
        assert r.json() == {"message": "forbidden"}


class TestCreatePackage:
    async def test_creates_a_visible_package_with_defaults(self, client, admin, frozen_clock):
        r = await create(client, {"name": "  GRE Prep 2026!  "})
        assert r.status_code == 200, r.text
        assert list(r.json()) == ["id"]
        assert UUID.match(r.json()["id"])
        assert await packages(client) == [
            {
                "id": r.json()["id"],
                "code": "gre-prep-2026",
                "name": "GRE Prep 2026!",
                "subtitle": None,
                "overview": None,
                "modules": [],
                "highlights": [],
                "moduleSections": [],
                "isHidden": False,
                "createdAt": ace_time(frozen_clock.now),
                "updatedAt": ace_time(frozen_clock.now),
            }
        ]

    async def test_stores_every_field_with_subtitle_and_overview_as_given(self, client, admin):
        body = {
            "name": "IELTS",
            "subtitle": "  Academic  ",
            "overview": " Four skills ",
            "modules": ["Listening", "Reading"],
            "highlights": ["Band 9"],
            "moduleSections": [{"id": "l", "name": "Listening", "description": "Audio"}, {"name": "Reading"}],
            "isHidden": True,
        }
        r = await create(client, body)
        assert r.status_code == 200, r.text
        stored = await package_of(client, r.json()["id"])
        assert {k: stored[k] for k in body} == {
            **body,
            "moduleSections": [
                {"id": "l", "name": "Listening", "description": "Audio"},
                {"id": "", "name": "Reading", "description": ""},
            ],
        }

    async def test_creates_the_default_tier(self, client, admin, frozen_clock):
        # ace.md §5 Fix: the original created no tier, so nobody could enroll.
        r = await create(client, {"name": "SAT"})
        package_id = r.json()["id"]
        [tier] = await tiers(client, package_id)
        assert UUID.match(str(tier["id"]))
        assert tier == {
            "id": tier["id"],
            "examPackageId": package_id,
            "code": "default",
            "name": "Default",
            "sortOrder": 0,
            "isDefault": True,
            "isActive": True,
            "policy": {},
            "createdAt": ace_time(frozen_clock.now),
            "updatedAt": ace_time(frozen_clock.now),
        }

    async def test_students_can_enroll_at_once(self, client, other_client, db, identity, admin):
        r = await create(client, {"name": "SAT"})
        student = await make_user(db, identity)
        await login(other_client, email=student.email)
        r = await other_client.post(
            "/student/enrollments", json={"examPackageId": r.json()["id"]}, headers=csrf_headers(other_client)
        )
        assert r.status_code == 200, r.text

    async def test_hidden_package_is_not_public(self, client, admin):
        await create(client, {"name": "Secret", "isHidden": True})
        r = await client.get("/exam-packages")
        assert r.json() == {"items": []}

    @pytest.mark.parametrize(
        ("name", "code"),
        [
            ("GRE", "gre"),
            ("Éxam", "xam"),
            ("  Mixed__Case -- Name ", "mixed-case-name"),
            ("C++ & SQL: 101", "c-sql-101"),
            ("!!!", "package"),
            ("日本語", "package"),
        ],
    )
    async def test_code_is_the_lowercase_ascii_slug_of_the_name(self, client, admin, name, code):
        r = await create(client, {"name": name})
        assert (await package_of(client, r.json()["id"]))["code"] == code

    async def test_taken_code_gets_a_random_suffix(self, client, admin):
        first = await create(client, {"name": "GRE Prep"})
        second = await create(client, {"name": "gre prep!"})
        assert second.status_code == 200, second.text
        assert (await package_of(client, first.json()["id"]))["code"] == "gre-prep"
        assert re.fullmatch(
            r"gre-prep-[0-9a-f]{6}", str((await package_of(client, second.json()["id"]))["code"])
        )

    @pytest.mark.parametrize("name", ["GRE", "  GRE "])
    async def test_taken_name_returns_409(self, client, admin, audit, name):
        # ace.md §16.2 B10: the original retried five times and answered 500.
        await create(client, {"name": "GRE"})
        r = await create(client, {"name": name})
        assert r.status_code == 409
        assert r.json() == {"message": "exam package name already exists"}
        assert len(await packages(client)) == 1
        assert len(await audit("admin.exam_packages.create")) == 1

    async def test_concurrent_creates_of_one_name_make_one_package(self, client, admin):
        responses = await asyncio.gather(*(create(client, {"name": "GRE"}) for _ in range(3)))
        assert sorted(r.status_code for r in responses) == [200, 409, 409]
        [package] = await packages(client)
        assert len(await tiers(client, str(package["id"]))) == 1

    @pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": "   "}, {"name": None, "isHidden": True}])
    async def test_blank_name_returns_400(self, client, admin, body):
        r = await create(client, body)
        assert r.status_code == 400
        assert r.json() == {"message": "name is required"}
        assert await packages(client) == []

    @pytest.mark.parametrize(
        "body",
        [
            {"name": 5},
            {"name": "x", "isHidden": "yes"},
            {"name": "x", "modules": [1]},
            {"name": "x", "subtitle": []},
            "x",
        ],
    )
    async def test_wrong_types_return_400_invalid_json_body(self, client, admin, body):
        r = await create(client, body)
        assert r.status_code == 400
        assert r.json() == {"message": "invalid json body"}
        assert await packages(client) == []

    async def test_writes_create_audit(self, client, admin, audit):
        r = await create(client, {"name": " Hidden GRE ", "isHidden": True})
        [entry] = await audit("admin.exam_packages.create")
        assert (entry.actor_user_id, entry.actor_role) == (admin.id, "admin")
        assert (entry.target_type, entry.target_id) == ("exam_package", r.json()["id"])
        assert entry.metadata_ == {"name": "Hidden GRE", "code": "hidden-gre", "isHidden": True}

    async def test_instructor_gets_403(self, client, db, identity):
        user = await make_user(db, identity, role="instructor")
        await login(client, email=user.email, portal="instructor")
        r = await create(client, {"name": "GRE"})
        assert r.status_code == 403
        assert r.json() == {"message": "forbidden"}


class TestUpdatePackage:
    async def test_updates_name_visibility_and_trimmed_strings_but_never_the_code(
        self, client, db, admin, frozen_clock
    ):
        package = await make_exam_package(db, name="GRE", code="gre")
        frozen_clock.advance(minutes=5)
        body = {
            "name": " GRE General ",
            "isHidden": True,
            "subtitle": " Sub ",
            "code": "new",
            "highlights": ["x"],
        }
        r = await patch(client, package.id, body)
        assert r.status_code == 200, r.text
        assert r.json() == {"success": True}
        stored = await package_of(client, package.id)
        assert {
            k: stored[k] for k in ("name", "code", "isHidden", "subtitle", "highlights", "updatedAt")
        } == {
            "name": "GRE General",
            "code": "gre",
            "isHidden": True,
            "subtitle": "Sub",
            "highlights": ["x"],
            "updatedAt": ace_time(frozen_clock.now),
        }

    async def test_shows_a_hidden_package_again(self, client, db, admin):
        package = await make_exam_package(db, is_hidden=True)
        await patch(client, package.id, {"isHidden": False})
        assert [p["id"] for p in (await client.get("/exam-packages")).json()["items"]] == [package.id]

    async def test_web_form_body_with_nulls_keeps_subtitle(self, client, db, admin):
        package = await make_exam_package(db, name="GRE", subtitle="Keep")
        body = {
            "name": "GRE",
            "subtitle": None,
            "overview": None,
            "modules": [],
            "highlights": [],
            "moduleSections": [],
        }
        r = await patch(client, package.id, body)
        assert r.status_code == 200, r.text
        assert (await package_of(client, package.id))["subtitle"] == "Keep"

    @pytest.mark.parametrize(
        ("body", "message"),
        [
            ({"name": "  "}, "name cannot be empty"),
            ({}, "no fields to update"),
            ({"code": "x"}, "no fields to update"),
        ],
    )
    async def test_invalid_fields_return_400(self, client, db, admin, body, message):
        package = await make_exam_package(db, name="GRE")
        r = await patch(client, package.id, body)
        assert r.status_code == 400
        assert r.json() == {"message": message}
        assert (await package_of(client, package.id))["name"] == "GRE"

    async def test_taken_name_returns_409(self, client, db, admin):
        await make_exam_package(db, name="GRE")
        package = await make_exam_package(db, name="SAT")
        r = await patch(client, package.id, {"name": " GRE "})
        assert r.status_code == 409
        assert r.json() == {"message": "exam package name already exists"}
        assert (await package_of(client, package.id))["name"] == "SAT"

    async def test_its_own_name_is_fine(self, client, db, admin):
        package = await make_exam_package(db, name="GRE")
        r = await patch(client, package.id, {"name": "GRE"})
        assert r.status_code == 200, r.text

    @pytest.mark.parametrize("package_id", [UNKNOWN, "not-a-uuid"])
    async def test_unknown_package_returns_404(self, client, admin, package_id):
        r = await patch(client, package_id, {"name": "GRE"})
        assert r.status_code == 404
        assert r.json() == {"message": "exam package not found"}

    async def test_writes_update_audit_with_the_request(self, client, db, admin, audit):
        package = await make_exam_package(db)
        await patch(client, package.id, {"name": "New", "isHidden": False})
        [entry] = await audit("admin.exam_packages.update")
        assert (entry.target_type, entry.target_id) == ("exam_package", package.id)
        assert entry.metadata_ == {
            "subtitle": None,
            "overview": None,
            "modules": None,
            "highlights": None,
            "moduleSections": None,
            "name": "New",
            "isHidden": False,
        }


class TestDeletePackage:
    async def test_deletes_the_package_and_its_tiers(self, client, db, admin, audit):
        package = await make_exam_package(db)
        await make_tier(db, package=package)
        kept = await make_exam_package(db)
        r = await delete(client, f" {package.id} ")
        assert r.status_code == 200, r.text
        assert r.json() == {"success": True}
        assert [p["id"] for p in await packages(client)] == [kept.id]
        assert await tiers(client, package.id) == []
        [entry] = await audit("admin.exam_packages.delete")
        assert (entry.target_type, entry.target_id, entry.metadata_) == ("exam_package", package.id, {})

    async def test_package_with_enrollments_returns_409(self, client, db, identity, admin, audit):
        package = await make_exam_package(db)
        await make_enrollment(db, user=await make_user(db, identity), package=package)
        r = await delete(client, package.id)
        assert r.status_code == 409
        assert r.json() == {"message": "failed to delete exam package"}
        assert [p["id"] for p in await packages(client)] == [package.id]
        assert len(await tiers(client, package.id)) == 1
        assert await audit("admin.exam_packages.delete") == []

    async def test_package_left_by_its_students_is_deleted_with_their_history(
        self, client, other_client, db, identity, admin
    ):
        package = await make_exam_package(db)
        student = await make_user(db, identity)
        await login(other_client, email=student.email)
        headers = csrf_headers(other_client)
        await other_client.post("/student/enrollments", json={"examPackageId": package.id}, headers=headers)
        await other_client.delete(f"/student/enrollments/{package.id}", headers=headers)
        r = await delete(client, package.id)
        assert r.status_code == 200, r.text
        async with unit_of_work(db) as session:
            assert (await session.scalars(select(EnrollmentEvent))).all() == []

    async def test_exam_sessions_survive_without_the_package(self, client, db, identity, admin):
        package = await make_exam_package(db)
        student = await make_user(db, identity)
        exam = await make_exam_session(db, user=student, package=package, events=2, flags=1)
        r = await delete(client, package.id)
        assert r.status_code == 200, r.text
        async with unit_of_work(db) as session:
            stored = await session.get(ExamSession, (student.id, exam.id))
            assert stored is not None
            assert (stored.exam_package_id, stored.tier_id) == (None, None)

    async def test_question_banks_are_detached(self, client, db, admin):
        package = await make_exam_package(db)
        bank = await make_question_bank(db, author=admin, package=package)
        r = await delete(client, package.id)
        assert r.status_code == 200, r.text
        async with unit_of_work(db) as session:
            stored = await session.get(QuestionBank, bank.id)
            assert stored is not None
            assert stored.exam_package_id is None

    @pytest.mark.parametrize("package_id", [UNKNOWN, "not-a-uuid"])
    async def test_unknown_package_returns_404(self, client, admin, package_id):
        r = await delete(client, package_id)
        assert r.status_code == 404
        assert r.json() == {"message": "exam package not found"}

    async def test_instructor_gets_403(self, client, db, identity):
        package = await make_exam_package(db)
        user = await make_user(db, identity, role="instructor")
        await login(client, email=user.email, portal="instructor")
        r = await delete(client, package.id)
        assert r.status_code == 403
        assert r.json() == {"message": "forbidden"}
