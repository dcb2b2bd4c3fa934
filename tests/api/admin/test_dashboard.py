"""The admin dashboard over HTTP (ace.md §11.1)."""

from datetime import datetime

import pytest

from tests.factories import (
    make_exam_package,
    make_exam_session,
    make_question,
    make_question_bank,
    make_topic,
    make_user,
)
from tests.login import csrf_headers, login


def ace_time(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


class TestDashboard:
    async def test_with_only_the_admin_counts_zeroes_with_every_key(self, client, admin, frozen_clock):
        r = await client.get("/admin/dashboard")
        assert r.status_code == 200, r.text
        assert r.json() == {
            "ts": ace_time(frozen_clock.now),
            "users": {
                "total": 1,
                "active": 1,
                "deleted": 0,
                "byRole": {"student": 0, "instructor": 0, "admin": 1},
            },
            "questionBank": {"packages": 0, "topics": 0, "questions": 0, "byStatus": {}},
            "exams": {"sessions": 0, "submitted": 0, "byStatus": {}, "events": 0, "flags": 0},
        }

    async def test_counts_lifetime_totals(self, client, db, identity, admin):
        students = [await make_user(db, identity) for _ in range(3)]
        instructor = await make_user(db, identity, role="instructor")
        gone = await make_user(db, identity, role="instructor")
        r = await client.delete(f"/admin/users/{gone.id}", headers=csrf_headers(client))
        assert r.status_code == 200, r.text

        package = await make_exam_package(db)
        bank = await make_question_bank(db, author=instructor, package=package)
        await make_question_bank(db, author=instructor)
        topic = await make_topic(db, author=instructor, bank=bank)
        await make_topic(db, author=instructor, bank=bank)
        await make_topic(db, author=instructor)
        await make_question(db, author=instructor, bank=bank, topic=topic, status="published")
        await make_question(db, author=instructor, bank=bank, status="published")
        await make_question(db, author=instructor, bank=bank, status="draft")
        await make_question(db, author=gone, status="in_review")

        await make_exam_session(db, user=students[0], package=package, events=3, flags=1)
        await make_exam_session(db, user=students[0], status="finished", submitted=True, events=1)
        await make_exam_session(db, user=students[1], status="terminated", submitted=True, flags=2)
        await make_exam_session(db, user=students[2], status="invalid")

        r = await client.get("/admin/dashboard")
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["users"] == {
            "total": 6,
            "active": 5,
            "deleted": 1,
            "byRole": {"student": 3, "instructor": 1, "admin": 1},
        }
        assert body["questionBank"] == {
            "packages": 2,
            "topics": 3,
            "questions": 4,
            "byStatus": {"published": 2, "draft": 1, "in_review": 1},
        }
        assert body["exams"] == {
            "sessions": 4,
            "submitted": 2,
            "byStatus": {"active": 1, "finished": 1, "terminated": 1, "invalid": 1},
            "events": 4,
            "flags": 3,
        }

    @pytest.mark.parametrize("role", ["student", "instructor"])
    async def test_non_admins_get_403(self, client, db, identity, role):
        user = await make_user(db, identity, role=role)
        await login(client, email=user.email, portal=role)
        r = await client.get("/admin/dashboard")
        assert r.status_code == 403
        assert r.json() == {"message": "forbidden"}

    async def test_anonymous_gets_401(self, client):
        r = await client.get("/admin/dashboard")
        assert r.status_code == 401
        assert r.json() == {"message": "missing authorization"}
