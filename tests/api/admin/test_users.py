"""Admin user routes over HTTP (ace.md §11.7), and the admin guard every /admin route shares (§2.6)."""

import re
from datetime import datetime

import httpx
import pytest

from acelab.identity.models import User
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.login import bearer, csrf_headers, login

USER_ID = re.compile(r"^usr_[0-9a-f]{32}$")
NEW_PASSWORD = "a brand new passphrase"
NULL_BODY_BUG = (
    "ace.md §1.6: a top-level `null` body decodes to all-zero fields, but FastAPI reads a JSON null as "
    "a missing body and answers 400 `invalid json body` before AceRequest's null handling runs"
)

# Every route of ace.md §11.7-11.10, with a body the route would accept.
ADMIN_ROUTES = [
    ("GET", "/admin/users", None),
    ("GET", "/admin/users/usr_x", None),
    ("POST", "/admin/users", {"email": "new@example.com", "password": DEFAULT_PASSWORD, "role": "student"}),
    ("PATCH", "/admin/users/usr_x", {"role": "student"}),
    ("DELETE", "/admin/users/usr_x", None),
    ("POST", "/admin/users/usr_x/restore", None),
    ("GET", "/admin/users/usr_x/auth-sessions", None),
    ("POST", "/admin/users/usr_x/auth-sessions/revoke-all", None),
    ("POST", "/admin/users/usr_x/auth-sessions/as_x/revoke", None),
    ("GET", "/admin/users/usr_x/session-limit", None),
    ("PUT", "/admin/users/usr_x/session-limit", {"maxActiveSessions": 2}),
    ("GET", "/admin/session-groups", None),
    ("POST", "/admin/session-groups", {"name": "night shift"}),
    ("PATCH", "/admin/session-groups/asg_x", {"name": "day shift"}),
    ("POST", "/admin/session-groups/asg_x/members", {"userId": "usr_x"}),
    ("DELETE", "/admin/session-groups/asg_x/members/usr_x", None),
    ("GET", "/admin/users/usr_x/session-groups", None),
]
ROUTE_IDS = [f"{method} {path}" for method, path, _ in ADMIN_ROUTES]


def ace_time(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


async def send(
    client: httpx.AsyncClient, method: str, path: str, body: object, headers: dict[str, str] | None = None
) -> httpx.Response:
    if body is None:
        return await client.request(method, path, headers=headers)
    return await client.request(method, path, json=body, headers=headers)


async def create(client: httpx.AsyncClient, body: object) -> httpx.Response:
    return await client.post("/admin/users", json=body, headers=csrf_headers(client))


async def patch(client: httpx.AsyncClient, user_id: str, body: object) -> httpx.Response:
    return await client.patch(f"/admin/users/{user_id}", json=body, headers=csrf_headers(client))


async def delete(client: httpx.AsyncClient, user_id: str) -> httpx.Response:
    return await client.delete(f"/admin/users/{user_id}", headers=csrf_headers(client))


async def live_sessions(client: httpx.AsyncClient, user_id: str) -> list[dict[str, object]]:
    r = await client.get(f"/admin/users/{user_id}/auth-sessions")
    assert r.status_code == 200, r.text
    items: list[dict[str, object]] = r.json()["items"]
    return items


async def all_sessions(client: httpx.AsyncClient, user_id: str) -> list[dict[str, object]]:
    r = await client.get(f"/admin/users/{user_id}/auth-sessions", params={"includeRevoked": "true"})
    assert r.status_code == 200, r.text
    items: list[dict[str, object]] = r.json()["items"]
    return items


class TestAdminGuard:
    @pytest.mark.parametrize(("method", "path", "body"), ADMIN_ROUTES, ids=ROUTE_IDS)
    async def test_no_token_returns_401_missing_authorization(self, client, method, path, body):
        r = await send(client, method, path, body)
        assert r.status_code == 401
        assert r.json() == {"message": "missing authorization"}

    @pytest.mark.parametrize(("method", "path", "body"), ADMIN_ROUTES, ids=ROUTE_IDS)
    @pytest.mark.parametrize("role", ["student", "instructor"])
    async def test_non_admin_cookie_returns_403_forbidden(
        self, client, db, identity, role, method, path, body
    ):
        user = await make_user(db, identity, role=role)
        await login(client, email=user.email, portal=role)
        r = await send(client, method, path, body, headers=csrf_headers(client))
        assert r.status_code == 403
        assert r.json() == {"message": "forbidden"}

    @pytest.mark.parametrize("role", ["student", "instructor"])
    async def test_non_admin_bearer_returns_403_forbidden(self, client, db, identity, role):
        user = await make_user(db, identity, role=role)
        token = (await login(client, email=user.email, portal=role)).json()["accessToken"]
        client.cookies.clear()
        r = await client.get("/admin/users", headers=bearer(token))
        assert r.status_code == 403
        assert r.json() == {"message": "forbidden"}

    async def test_admin_bearer_token_is_accepted(self, client, db, identity):
        user = await make_user(db, identity, role="admin")
        token = (await login(client, email=user.email, portal="admin")).json()["accessToken"]
        client.cookies.clear()
        r = await client.get("/admin/users", headers=bearer(token))
        assert r.status_code == 200, r.text

    async def test_malformed_authorization_header_returns_401_missing_authorization(self, client, admin):
        r = await client.get("/admin/users", headers={"authorization": "Token abc"})
        assert r.status_code == 401
        assert r.json() == {"message": "missing authorization"}

    async def test_garbage_token_returns_401_invalid_token(self, client):
        r = await client.get("/admin/users", headers=bearer("not.a.jwt"))
        assert r.status_code == 401
        assert r.json() == {"message": "invalid token"}

    async def test_logged_out_admin_token_returns_401_unauthorized(self, client, db, identity):
        user = await make_user(db, identity, role="admin")
        token = (await login(client, email=user.email, portal="admin")).json()["accessToken"]
        r = await client.post("/admin/auth/logout", headers=csrf_headers(client))
        assert r.status_code == 200, r.text
        r = await client.get("/admin/users", headers=bearer(token))
        assert r.status_code == 401
        assert r.json() == {"message": "unauthorized"}

    async def test_unsafe_request_without_csrf_header_returns_403_csrf(self, client, admin):
        r = await client.post("/admin/session-groups", json={"name": "no csrf"})
        assert r.status_code == 403
        assert r.json()["message"] == "csrf"

    async def test_no_token_with_mistyped_body_returns_401_missing_authorization(self, client):
        # Auth is checked before the body's fields (unparsable JSON is refused earlier, with 400).
        r = await client.post("/admin/users", content=b'{"email": 5}')
        assert r.status_code == 401
        assert r.json() == {"message": "missing authorization"}


class TestListUsers:
    async def test_returns_admin_user_shape_with_exact_keys(self, client, db, identity, frozen_clock, admin):
        r = await client.get("/admin/users")
        assert r.status_code == 200, r.text
        now = ace_time(frozen_clock.now)
        assert r.json() == {
            "items": [
                {"id": admin.id, "email": admin.email, "role": "admin", "createdAt": now, "updatedAt": now}
            ],
            "limit": 20,
            "offset": 0,
            "hasMore": False,
        }

    async def test_orders_newest_first(self, client, db, identity, frozen_clock, admin):
        frozen_clock.advance(seconds=1)
        older = await make_user(db, identity)
        frozen_clock.advance(seconds=1)
        newer = await make_user(db, identity, role="instructor")
        r = await client.get("/admin/users")
        assert [u["id"] for u in r.json()["items"]] == [newer.id, older.id, admin.id]

    async def test_excludes_soft_deleted_users_by_default(self, client, db, identity, admin):
        gone = await make_user(db, identity)
        kept = await make_user(db, identity)
        assert (await delete(client, gone.id)).status_code == 200
        r = await client.get("/admin/users")
        ids = {u["id"] for u in r.json()["items"]}
        assert kept.id in ids
        assert gone.id not in ids

    @pytest.mark.parametrize("value", ["1", "true", "TRUE", " yes ", "y", "Y", "Yes"])
    async def test_include_deleted_truthy_value_lists_deleted_users_with_deleted_at(
        self, client, db, identity, frozen_clock, admin, value
    ):
        gone = await make_user(db, identity)
        frozen_clock.advance(seconds=5)
        assert (await delete(client, gone.id)).status_code == 200
        r = await client.get("/admin/users", params={"includeDeleted": value})
        listed = {u["id"]: u for u in r.json()["items"]}
        assert listed[gone.id]["deletedAt"] == ace_time(frozen_clock.now)
        assert listed[gone.id]["updatedAt"] == ace_time(frozen_clock.now)
        assert "deletedAt" not in listed[admin.id]

    @pytest.mark.parametrize("value", ["0", "false", "no", "n", "", "on", "t", "yes please"])
    async def test_include_deleted_other_value_hides_deleted_users(self, client, db, identity, admin, value):
        gone = await make_user(db, identity)
        assert (await delete(client, gone.id)).status_code == 200
        r = await client.get("/admin/users", params={"includeDeleted": value})
        assert gone.id not in {u["id"] for u in r.json()["items"]}

    @pytest.mark.parametrize("value", ["instructor", " Instructor ", "INSTRUCTOR"])
    async def test_role_filter_returns_only_that_role(self, client, db, identity, admin, value):
        teacher = await make_user(db, identity, role="instructor")
        await make_user(db, identity, role="student")
        r = await client.get("/admin/users", params={"role": value})
        assert r.status_code == 200, r.text
        assert [u["id"] for u in r.json()["items"]] == [teacher.id]

    async def test_role_filter_admin_lists_the_admins(self, client, db, identity, admin):
        await make_user(db, identity, role="student")
        r = await client.get("/admin/users", params={"role": "admin"})
        assert [u["id"] for u in r.json()["items"]] == [admin.id]

    @pytest.mark.parametrize("value", ["teacher", "students", "root", "*"])
    async def test_unknown_role_returns_400_invalid_role(self, client, admin, value):
        r = await client.get("/admin/users", params={"role": value})
        assert r.status_code == 400
        assert r.json() == {"message": "invalid role"}

    @pytest.mark.parametrize("value", ["", "   "])
    async def test_empty_role_means_no_filter(self, client, db, identity, admin, value):
        student = await make_user(db, identity)
        r = await client.get("/admin/users", params={"role": value})
        assert r.status_code == 200, r.text
        assert {u["id"] for u in r.json()["items"]} == {student.id, admin.id}

    async def test_role_filter_combines_with_include_deleted(self, client, db, identity, admin):
        gone = await make_user(db, identity, role="instructor")
        await make_user(db, identity, role="student")
        assert (await delete(client, gone.id)).status_code == 200
        r = await client.get("/admin/users", params={"role": "instructor", "includeDeleted": "1"})
        assert [u["id"] for u in r.json()["items"]] == [gone.id]

    @pytest.mark.parametrize(
        ("params", "limit", "offset"),
        [
            ({}, 20, 0),
            ({"limit": "0"}, 1, 0),
            ({"limit": "-5"}, 1, 0),
            ({"limit": "1"}, 1, 0),
            ({"limit": "100"}, 100, 0),
            ({"limit": "101"}, 100, 0),
            ({"limit": "5000"}, 100, 0),
            ({"limit": "abc"}, 20, 0),
            ({"limit": "2.5"}, 20, 0),
            ({"limit": ""}, 20, 0),
            ({"offset": "-3"}, 20, 0),
            ({"offset": "abc"}, 20, 0),
            ({"offset": "1.5"}, 20, 0),
            ({"offset": "2"}, 20, 2),
            ({"limit": "3", "offset": "4"}, 3, 4),
        ],
    )
    async def test_limit_and_offset_are_normalised(self, client, admin, params, limit, offset):
        r = await client.get("/admin/users", params=params)
        assert r.status_code == 200, r.text
        assert (r.json()["limit"], r.json()["offset"]) == (limit, offset)

    async def test_limit_zero_returns_one_item_and_has_more(self, client, db, identity, admin):
        await make_user(db, identity)
        r = await client.get("/admin/users", params={"limit": "0"})
        body = r.json()
        assert len(body["items"]) == 1
        assert body["hasMore"] is True

    async def test_pages_walk_all_users_newest_first(self, client, db, identity, frozen_clock, admin):
        users = [admin]
        for _ in range(4):
            frozen_clock.advance(seconds=1)
            users.append(await make_user(db, identity))
        expected = [u.id for u in reversed(users)]
        first = (await client.get("/admin/users", params={"limit": "2"})).json()
        second = (await client.get("/admin/users", params={"limit": "2", "offset": "2"})).json()
        last = (await client.get("/admin/users", params={"limit": "2", "offset": "4"})).json()
        assert [u["id"] for u in first["items"]] == expected[0:2]
        assert [u["id"] for u in second["items"]] == expected[2:4]
        assert [u["id"] for u in last["items"]] == expected[4:5]
        assert (first["hasMore"], second["hasMore"], last["hasMore"]) == (True, True, False)

    async def test_limit_equal_to_total_has_no_more(self, client, db, identity, admin):
        await make_user(db, identity)
        body = (await client.get("/admin/users", params={"limit": "2"})).json()
        assert len(body["items"]) == 2
        assert body["hasMore"] is False

    async def test_offset_past_the_end_returns_empty_page(self, client, admin):
        body = (await client.get("/admin/users", params={"offset": "10"})).json()
        assert body == {"items": [], "limit": 20, "offset": 10, "hasMore": False}


class TestGetUser:
    async def test_returns_admin_user_shape(self, client, db, identity, frozen_clock, admin):
        user = await make_user(db, identity, role="instructor")
        r = await client.get(f"/admin/users/{user.id}")
        assert r.status_code == 200, r.text
        now = ace_time(frozen_clock.now)
        assert r.json() == {
            "id": user.id,
            "email": user.email,
            "role": "instructor",
            "createdAt": now,
            "updatedAt": now,
        }

    async def test_soft_deleted_user_is_returned_with_deleted_at(
        self, client, db, identity, frozen_clock, admin
    ):
        user = await make_user(db, identity)
        frozen_clock.advance(seconds=3)
        assert (await delete(client, user.id)).status_code == 200
        r = await client.get(f"/admin/users/{user.id}")
        assert r.status_code == 200, r.text
        assert r.json()["deletedAt"] == ace_time(frozen_clock.now)

    async def test_unknown_user_returns_404_user_not_found(self, client, admin):
        r = await client.get("/admin/users/usr_00000000000000000000000000000000")
        assert r.status_code == 404
        assert r.json() == {"message": "user not found"}


class TestCreateUser:
    async def test_returns_new_user_id(self, client, admin):
        r = await create(
            client, {"email": "new@example.com", "password": DEFAULT_PASSWORD, "role": "student"}
        )
        assert r.status_code == 200, r.text
        assert list(r.json()) == ["id"]
        assert USER_ID.match(r.json()["id"])

    async def test_stores_trimmed_lowercased_email_and_role(self, client, frozen_clock, admin):
        r = await create(
            client,
            {"email": "  Mixed.Case@Example.COM ", "password": DEFAULT_PASSWORD, "role": " Instructor "},
        )
        user_id = r.json()["id"]
        got = (await client.get(f"/admin/users/{user_id}")).json()
        now = ace_time(frozen_clock.now)
        assert got == {
            "id": user_id,
            "email": "mixed.case@example.com",
            "role": "instructor",
            "createdAt": now,
            "updatedAt": now,
        }

    @pytest.mark.parametrize("role", ["student", "instructor", "admin"])
    async def test_created_user_logs_in_to_their_portal(self, client, admin, browser, role):
        email = f"fresh-{role}@example.com"
        r = await create(client, {"email": email, "password": "exactly8", "role": role})
        assert r.status_code == 200, r.text
        other = await browser()
        me = await login(other, email=email, portal=role, password="exactly8")
        assert me.json()["user"]["id"] == r.json()["id"]

    @pytest.mark.parametrize(
        "body",
        [
            {"email": "", "password": DEFAULT_PASSWORD, "role": "student"},
            {"email": "   ", "password": DEFAULT_PASSWORD, "role": "student"},
            {"email": "a@example.com", "password": "", "role": "student"},
            {"password": DEFAULT_PASSWORD, "role": "student"},
            {"email": "a@example.com", "role": "student"},
            {"email": None, "password": DEFAULT_PASSWORD, "role": "student"},
            {},
        ],
    )
    async def test_missing_email_or_password_returns_400(self, client, admin, body):
        r = await create(client, body)
        assert r.status_code == 400
        assert r.json() == {"message": "email and password are required"}

    @pytest.mark.xfail(strict=True, reason=NULL_BODY_BUG)
    async def test_null_body_means_all_fields_empty(self, client, admin):
        r = await create(client, None)
        assert r.status_code == 400
        assert r.json() == {"message": "email and password are required"}

    async def test_json_body_without_content_type_is_parsed(self, client, admin):
        body = b'{"email": "plain@example.com", "password": "12345678", "role": "student"}'
        r = await client.post("/admin/users", content=body, headers=csrf_headers(client))
        assert r.status_code == 200, r.text

    @pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
    async def test_form_content_types_are_not_read_as_json(self, client, admin, content_type):
        # Deliberate (unlike ace.md §1.6): the types a cross-site form can send are not JSON here.
        body = b'{"email": "plain@example.com", "password": "12345678", "role": "student"}'
        headers = csrf_headers(client) | {"content-type": content_type}
        r = await client.post("/admin/users", content=body, headers=headers)
        assert (r.status_code, r.json()) == (400, {"message": "invalid json body"})

    async def test_missing_credentials_are_reported_before_an_invalid_role(self, client, admin):
        r = await create(client, {"email": "", "password": DEFAULT_PASSWORD, "role": "pirate"})
        assert r.json() == {"message": "email and password are required"}

    @pytest.mark.parametrize("role", ["", "   ", "superuser", "students", None])
    async def test_invalid_role_returns_400_invalid_role(self, client, admin, role):
        r = await create(client, {"email": "a@example.com", "password": DEFAULT_PASSWORD, "role": role})
        assert r.status_code == 400
        assert r.json() == {"message": "invalid role"}

    async def test_invalid_role_is_reported_before_an_invalid_email(self, client, admin):
        r = await create(client, {"email": "nope", "password": DEFAULT_PASSWORD, "role": "pirate"})
        assert r.json() == {"message": "invalid role"}

    @pytest.mark.parametrize(
        "email",
        ["not-an-email", "@example.com", "someone@", "two words@example.com", "a@b@c", "x" * 250 + "@e.io"],
    )
    async def test_malformed_email_returns_400_invalid_email(self, client, admin, email):
        r = await create(client, {"email": email, "password": DEFAULT_PASSWORD, "role": "student"})
        assert r.status_code == 400
        assert r.json() == {"message": "invalid email"}

    @pytest.mark.parametrize("password", ["a", "1234567", "seven77"])
    async def test_short_password_returns_400(self, client, admin, password):
        r = await create(client, {"email": "a@example.com", "password": password, "role": "student"})
        assert r.status_code == 400
        assert r.json() == {"message": "password must be at least 8 characters"}

    async def test_password_of_eight_characters_is_accepted(self, client, admin):
        r = await create(client, {"email": "a@example.com", "password": "12345678", "role": "student"})
        assert r.status_code == 200, r.text

    async def test_rejected_user_is_not_created(self, client, admin):
        await create(client, {"email": "short@example.com", "password": "1234567", "role": "student"})
        r = await client.get("/admin/users", params={"includeDeleted": "1"})
        assert "short@example.com" not in {u["email"] for u in r.json()["items"]}

    @pytest.mark.parametrize("email", ["taken@example.com", " TAKEN@Example.com "])
    async def test_existing_email_returns_409(self, client, db, identity, admin, email):
        await make_user(db, identity, email="taken@example.com")
        r = await create(client, {"email": email, "password": DEFAULT_PASSWORD, "role": "instructor"})
        assert r.status_code == 409
        assert r.json() == {"message": "email already exists"}

    async def test_email_of_a_soft_deleted_user_returns_409(self, client, db, identity, admin):
        gone = await make_user(db, identity)
        assert (await delete(client, gone.id)).status_code == 200
        r = await create(client, {"email": gone.email, "password": DEFAULT_PASSWORD, "role": "student"})
        assert r.status_code == 409
        assert r.json() == {"message": "email already exists"}

    @pytest.mark.parametrize(
        "body",
        [
            {"email": 1, "password": DEFAULT_PASSWORD, "role": "student"},
            {"email": "a@example.com", "password": 12345678, "role": "student"},
            {"email": "a@example.com", "password": DEFAULT_PASSWORD, "role": ["student"]},
            {"email": {"address": "a@example.com"}, "password": DEFAULT_PASSWORD, "role": "student"},
            {"email": "a@example.com", "password": True, "role": "student"},
            [],
            "a@example.com",
        ],
    )
    async def test_wrong_types_return_400_invalid_json_body(self, client, admin, body):
        r = await create(client, body)
        assert r.status_code == 400
        assert r.json() == {"message": "invalid json body"}

    @pytest.mark.parametrize("content", [b"", b"{", b'{"email": "a@example.com",}', b"not json"])
    async def test_unparsable_body_returns_400_invalid_json_body(self, client, admin, content):
        r = await client.post(
            "/admin/users",
            content=content,
            headers={**csrf_headers(client), "content-type": "application/json"},
        )
        assert r.status_code == 400
        assert r.json() == {"message": "invalid json body"}

    async def test_unknown_fields_are_ignored(self, client, admin):
        body = {"email": "a@example.com", "password": DEFAULT_PASSWORD, "role": "student", "isAdmin": True}
        r = await create(client, body)
        assert r.status_code == 200, r.text

    async def test_writes_user_create_audit_without_the_password(self, client, admin, audit):
        r = await create(client, {"email": "Audited@Example.com", "password": NEW_PASSWORD, "role": "admin"})
        [entry] = await audit("user.create")
        assert (entry.actor_user_id, entry.actor_role) == (admin.id, "admin")
        assert (entry.target_type, entry.target_id) == ("user", r.json()["id"])
        assert entry.metadata_ == {"role": "admin", "email": "audited@example.com"}
        assert NEW_PASSWORD not in repr(entry.metadata_)

    async def test_rejected_create_writes_no_audit(self, client, admin, audit):
        await create(client, {"email": "a@example.com", "password": DEFAULT_PASSWORD, "role": "pirate"})
        assert await audit("user.create") == []


class TestUpdateUser:
    async def test_changes_email_trimmed_and_lowercased(self, client, db, identity, frozen_clock, admin):
        user = await make_user(db, identity)
        created = ace_time(frozen_clock.now)
        frozen_clock.advance(seconds=7)
        r = await patch(client, user.id, {"email": "  Renamed@Example.ORG "})
        assert r.status_code == 200, r.text
        assert r.json() == {"ok": True}
        got = (await client.get(f"/admin/users/{user.id}")).json()
        assert got["email"] == "renamed@example.org"
        assert got["createdAt"] == created
        assert got["updatedAt"] == ace_time(frozen_clock.now)

    async def test_email_change_keeps_sessions(self, client, db, identity, admin, browser):
        user = await make_user(db, identity)
        their = await browser()
        await login(their, email=user.email)
        assert (await patch(client, user.id, {"email": "moved@example.com"})).status_code == 200
        assert (await their.get("/student/auth/me")).status_code == 200

    async def test_changes_role_and_revokes_sessions(self, client, db, identity, admin, browser):
        user = await make_user(db, identity)
        their = await browser()
        await login(their, email=user.email)
        r = await patch(client, user.id, {"role": " INSTRUCTOR "})
        assert r.status_code == 200, r.text
        assert (await client.get(f"/admin/users/{user.id}")).json()["role"] == "instructor"
        r = await their.get("/student/auth/me")
        assert r.status_code == 401
        assert r.json() == {"message": "unauthorized"}
        assert await live_sessions(client, user.id) == []
        await login(their, email=user.email, portal="instructor")

    async def test_demoted_admin_loses_admin_access_at_once(self, client, db, identity, admin, browser):
        other_admin = await make_user(db, identity, role="admin")
        theirs = await browser()
        await login(theirs, email=other_admin.email, portal="admin")
        assert (await patch(client, other_admin.id, {"role": "student"})).status_code == 200
        r = await theirs.get("/admin/users")
        assert r.status_code == 401
        assert r.json() == {"message": "unauthorized"}

    async def test_same_role_keeps_sessions(self, client, db, identity, admin, browser):
        user = await make_user(db, identity)
        their = await browser()
        await login(their, email=user.email)
        assert (await patch(client, user.id, {"role": "student"})).status_code == 200
        assert (await their.get("/student/auth/me")).status_code == 200

    async def test_changes_password_and_revokes_sessions(self, client, db, identity, admin, browser):
        user = await make_user(db, identity)
        their = await browser()
        await login(their, email=user.email)
        assert (await patch(client, user.id, {"password": NEW_PASSWORD})).status_code == 200
        r = await their.get("/student/auth/me")
        assert r.status_code == 401
        assert r.json() == {"message": "unauthorized"}
        old = await their.post(
            "/student/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD}
        )
        assert old.status_code == 401
        assert old.json() == {"message": "invalid credentials"}
        await login(their, email=user.email, password=NEW_PASSWORD)

    async def test_credential_change_records_admin_update_reason(self, client, db, identity, admin, browser):
        user = await make_user(db, identity)
        await login(await browser(), email=user.email)
        assert (await patch(client, user.id, {"password": NEW_PASSWORD})).status_code == 200
        [revoked] = await all_sessions(client, user.id)
        assert revoked["revokedReason"] == "admin_update"
        assert "revokedAt" in revoked

    async def test_changing_own_password_ends_own_session(self, client, admin):
        assert (await patch(client, admin.id, {"password": NEW_PASSWORD})).status_code == 200
        r = await client.get("/admin/users")
        assert r.status_code == 401
        assert r.json() == {"message": "unauthorized"}

    async def test_changes_all_fields_at_once(self, client, db, identity, admin):
        user = await make_user(db, identity)
        body = {"email": "all@example.com", "password": NEW_PASSWORD, "role": "admin"}
        assert (await patch(client, user.id, body)).status_code == 200
        got = (await client.get(f"/admin/users/{user.id}")).json()
        assert (got["email"], got["role"]) == ("all@example.com", "admin")

    async def test_updates_a_soft_deleted_user(self, client, db, identity, admin):
        user = await make_user(db, identity)
        assert (await delete(client, user.id)).status_code == 200
        assert (await patch(client, user.id, {"role": "instructor"})).status_code == 200
        got = (await client.get(f"/admin/users/{user.id}")).json()
        assert got["role"] == "instructor"
        assert "deletedAt" in got

    async def test_own_email_again_is_not_a_duplicate(self, client, db, identity, admin):
        user = await make_user(db, identity)
        r = await patch(client, user.id, {"email": user.email.upper()})
        assert r.status_code == 200, r.text

    @pytest.mark.parametrize(
        ("body", "message"),
        [
            ({"email": ""}, "email cannot be empty"),
            ({"email": "   "}, "email cannot be empty"),
            ({"email": "not-an-email"}, "invalid email"),
            ({"role": ""}, "invalid role"),
            ({"role": "superuser"}, "invalid role"),
            ({"password": ""}, "password cannot be empty"),
            ({"password": "1234567"}, "password must be at least 8 characters"),
            ({}, "no updates"),
            ({"email": None, "password": None, "role": None}, "no updates"),
            ({"email": "", "role": "pirate", "password": ""}, "email cannot be empty"),
            ({"role": "pirate", "password": ""}, "invalid role"),
            ({"email": "ok@example.com", "password": "short"}, "password must be at least 8 characters"),
        ],
    )
    async def test_invalid_update_returns_400(self, client, db, identity, admin, body, message):
        user = await make_user(db, identity)
        r = await patch(client, user.id, body)
        assert r.status_code == 400
        assert r.json() == {"message": message}

    @pytest.mark.xfail(strict=True, reason=NULL_BODY_BUG)
    async def test_null_body_returns_400_no_updates(self, client, db, identity, admin):
        user = await make_user(db, identity)
        r = await patch(client, user.id, None)
        assert r.status_code == 400
        assert r.json() == {"message": "no updates"}

    async def test_rejected_update_changes_nothing(self, client, db, identity, admin, browser):
        user = await make_user(db, identity)
        their = await browser()
        await login(their, email=user.email)
        await patch(client, user.id, {"role": "admin", "password": "short"})
        assert (await client.get(f"/admin/users/{user.id}")).json()["role"] == "student"
        assert (await their.get("/student/auth/me")).status_code == 200

    async def test_unknown_user_returns_404_user_not_found(self, client, admin):
        r = await patch(client, "usr_missing", {"role": "student"})
        assert r.status_code == 404
        assert r.json() == {"message": "user not found"}

    async def test_unknown_user_without_fields_returns_400_no_updates(self, client, admin):
        r = await patch(client, "usr_missing", {})
        assert r.status_code == 400
        assert r.json() == {"message": "no updates"}

    async def test_email_of_another_user_returns_409(self, client, db, identity, admin):
        user = await make_user(db, identity)
        other = await make_user(db, identity)
        r = await patch(client, user.id, {"email": f"  {other.email.upper()}"})
        assert r.status_code == 409
        assert r.json() == {"message": "email already exists"}

    @pytest.mark.parametrize(
        "body",
        [{"email": 5}, {"password": 12345678}, {"role": True}, {"role": ["admin"]}, {"email": {}}, [], "x"],
    )
    async def test_wrong_types_return_400_invalid_json_body(self, client, db, identity, admin, body):
        user = await make_user(db, identity)
        r = await patch(client, user.id, body)
        assert r.status_code == 400
        assert r.json() == {"message": "invalid json body"}

    async def test_writes_user_update_audit_with_field_names_only(self, client, db, identity, admin, audit):
        user = await make_user(db, identity)
        body = {"email": "audit@example.com", "password": NEW_PASSWORD}
        assert (await patch(client, user.id, body)).status_code == 200
        [entry] = await audit("user.update")
        assert (entry.actor_user_id, entry.actor_role) == (admin.id, "admin")
        assert (entry.target_type, entry.target_id) == ("user", user.id)
        assert entry.metadata_ == {"updated": True, "fields": ["email", "password"]}
        assert NEW_PASSWORD not in repr(entry.metadata_)

    async def test_rejected_update_writes_no_audit(self, client, db, identity, admin, audit):
        user = await make_user(db, identity)
        await patch(client, user.id, {"password": "short"})
        assert await audit("user.update") == []


class TestDeleteUser:
    async def test_soft_deletes_the_user(self, client, db, identity, frozen_clock, admin):
        user = await make_user(db, identity)
        frozen_clock.advance(seconds=2)
        r = await delete(client, user.id)
        assert r.status_code == 200, r.text
        assert r.json() == {"ok": True}
        got = (await client.get(f"/admin/users/{user.id}")).json()
        assert got["deletedAt"] == got["updatedAt"] == ace_time(frozen_clock.now)
        listed = (await client.get("/admin/users")).json()["items"]
        assert user.id not in {u["id"] for u in listed}

    async def test_revokes_every_session_at_once(self, client, db, identity, admin, browser):
        user = await make_user(db, identity)
        first, second = await browser(), await browser()
        await login(first, email=user.email)
        await login(second, email=user.email)
        assert (await delete(client, user.id)).status_code == 200
        for their in (first, second):
            r = await their.get("/student/auth/me")
            assert r.status_code == 401
            assert r.json() == {"message": "unauthorized"}
        reasons = {s["revokedReason"] for s in await all_sessions(client, user.id)}
        assert reasons == {"admin_delete"}

    async def test_revoked_refresh_token_cannot_mint_access(self, client, db, identity, admin, browser):
        user = await make_user(db, identity)
        their = await browser()
        await login(their, email=user.email)
        assert (await delete(client, user.id)).status_code == 200
        r = await their.post("/student/auth/refresh", headers=csrf_headers(their))
        assert r.status_code == 401
        assert r.json() == {"message": "unauthorized"}

    async def test_deleted_user_cannot_log_in(self, client, db, identity, admin, browser):
        user = await make_user(db, identity)
        assert (await delete(client, user.id)).status_code == 200
        r = await (await browser()).post(
            "/student/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD}
        )
        assert r.status_code == 401
        assert r.json() == {"message": "invalid credentials"}

    async def test_deleting_twice_keeps_the_first_deleted_at(self, client, db, identity, frozen_clock, admin):
        user = await make_user(db, identity)
        assert (await delete(client, user.id)).status_code == 200
        first = ace_time(frozen_clock.now)
        frozen_clock.advance(seconds=30)
        assert (await delete(client, user.id)).status_code == 200
        got = (await client.get(f"/admin/users/{user.id}")).json()
        assert got["deletedAt"] == first
        assert got["updatedAt"] == ace_time(frozen_clock.now)

    async def test_unknown_user_returns_404_user_not_found(self, client, admin):
        r = await delete(client, "usr_missing")
        assert r.status_code == 404
        assert r.json() == {"message": "user not found"}

    async def test_writes_user_delete_audit(self, client, db, identity, admin, audit):
        user = await make_user(db, identity)
        assert (await delete(client, user.id)).status_code == 200
        [entry] = await audit("user.delete")
        assert (entry.actor_user_id, entry.actor_role) == (admin.id, "admin")
        assert (entry.target_type, entry.target_id, entry.metadata_) == ("user", user.id, {})

    async def test_unknown_user_writes_no_audit(self, client, admin, audit):
        await delete(client, "usr_missing")
        assert await audit("user.delete") == []


class TestRestoreUser:
    async def restore(self, client: httpx.AsyncClient, user_id: str) -> httpx.Response:
        return await client.post(f"/admin/users/{user_id}/restore", headers=csrf_headers(client))

    async def test_clears_deleted_at(self, client, db, identity, frozen_clock, admin):
        user = await make_user(db, identity)
        assert (await delete(client, user.id)).status_code == 200
        frozen_clock.advance(seconds=4)
        r = await self.restore(client, user.id)
        assert r.status_code == 200, r.text
        assert r.json() == {"ok": True}
        got = (await client.get(f"/admin/users/{user.id}")).json()
        assert "deletedAt" not in got
        assert got["updatedAt"] == ace_time(frozen_clock.now)
        listed = (await client.get("/admin/users")).json()["items"]
        assert user.id in {u["id"] for u in listed}

    async def test_restored_user_logs_in_but_old_sessions_stay_revoked(
        self, client, db, identity, admin, browser
    ):
        user = await make_user(db, identity)
        old = await browser()
        await login(old, email=user.email)
        assert (await delete(client, user.id)).status_code == 200
        assert (await self.restore(client, user.id)).status_code == 200
        assert (await old.get("/student/auth/me")).status_code == 401
        fresh = await browser()
        await login(fresh, email=user.email)
        assert (await fresh.get("/student/auth/me")).status_code == 200

    async def test_restoring_a_live_user_is_ok(self, client, db, identity, admin):
        user = await make_user(db, identity)
        r = await self.restore(client, user.id)
        assert r.status_code == 200, r.text
        assert "deletedAt" not in (await client.get(f"/admin/users/{user.id}")).json()

    async def test_unknown_user_returns_404_user_not_found(self, client, admin):
        r = await self.restore(client, "usr_missing")
        assert r.status_code == 404
        assert r.json() == {"message": "user not found"}

    async def test_writes_user_restore_audit(self, client, db, identity, admin, audit):
        user: User = await make_user(db, identity)
        assert (await delete(client, user.id)).status_code == 200
        assert (await self.restore(client, user.id)).status_code == 200
        [entry] = await audit("user.restore")
        assert (entry.actor_user_id, entry.actor_role) == (admin.id, "admin")
        assert (entry.target_type, entry.target_id, entry.metadata_) == ("user", user.id, {})
