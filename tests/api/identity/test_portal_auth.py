"""The per-portal auth routes (ace.md §4) with the fixes of §16.1 and §16.3."""

import asyncio

import httpx
import jwt
import pytest

from tests.conftest import TEST_SECRET, FrozenClock
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.login import bearer, csrf_headers, login

DATE_PATTERN = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"


def set_cookies(response: httpx.Response) -> dict[str, str]:
    """Map cookie name to its whole Set-Cookie header."""
    return {h.split("=", 1)[0]: h for h in response.headers.get_list("set-cookie")}


class TestRegister:
    async def test_creates_student_and_sets_three_cookies(self, client):
        r = await client.post(
            "/student/auth/register", json={"email": "  New@Example.COM ", "password": "password1"}
        )
        assert r.status_code == 200
        body = r.json()
        assert set(body) == {"accessToken", "user"}
        assert set(body["user"]) == {"id", "email", "role", "createdAt"}
        assert body["user"]["email"] == "new@example.com"
        assert body["user"]["role"] == "student"
        assert body["user"]["id"].startswith("usr_") and len(body["user"]["id"]) == 36
        cookies = set_cookies(r)
        assert cookies["ace_access"].endswith("; Path=/; Max-Age=900; HttpOnly; SameSite=Lax")
        assert cookies["ace_refresh"].endswith("; Path=/; Max-Age=2592000; HttpOnly; SameSite=Lax")
        assert cookies["ace_csrf"].endswith("; Path=/; Max-Age=2592000; SameSite=Lax")
        assert "Secure" not in cookies["ace_access"] and "Expires" not in cookies["ace_access"]
        assert len(client.cookies["ace_refresh"]) == 43 and len(client.cookies["ace_csrf"]) == 22

    async def test_access_token_carries_role_portal_and_session(self, client):
        r = await client.post(
            "/student/auth/register", json={"email": "t@example.com", "password": "password1"}
        )
        claims = jwt.decode(r.json()["accessToken"], TEST_SECRET, algorithms=["HS256"], audience="student")
        assert claims["aud"] == ["student"] and claims["role"] == "student"
        assert claims["sid"].startswith("as_") and claims["sub"] == r.json()["user"]["id"]
        assert claims["exp"] - claims["iat"] == 900

    @pytest.mark.parametrize(
        ("body", "message"),
        [
            ({"email": "", "password": "password1"}, "email and password are required"),
            ({"email": "a@b.c"}, "email and password are required"),
            ({"email": "a@b.c", "password": "short"}, "password must be at least 8 characters"),
            ({"email": "a@b.c", "password": "x" * 1025}, "password must be at most 1024 characters"),
            ({"email": "not-an-email", "password": "password1"}, "invalid email"),
            ({"email": 5, "password": "password1"}, "invalid json body"),
            ({"email": "a@b.c", "password": None}, "email and password are required"),
        ],
    )
    async def test_bad_input_is_400_and_creates_nothing(self, client, body, message):
        r = await client.post("/student/auth/register", json=body)
        assert (r.status_code, r.json()) == (400, {"message": message})
        assert "set-cookie" not in r.headers

    async def test_malformed_json_is_400_invalid_json_body(self, client):
        r = await client.post(
            "/student/auth/register", content=b"{nope", headers={"content-type": "application/json"}
        )
        assert (r.status_code, r.json()) == (400, {"message": "invalid json body"})

    async def test_duplicate_email_of_any_role_is_400(self, client, db, identity):
        admin = await make_user(db, identity, role="admin")
        r = await client.post("/student/auth/register", json={"email": admin.email, "password": "password1"})
        assert (r.status_code, r.json()) == (400, {"message": "user already exists or invalid"})

    async def test_no_register_route_for_other_portals(self, client):
        r = await client.post(
            "/instructor/auth/register", json={"email": "i@example.com", "password": "password1"}
        )
        assert r.status_code == 404


class TestLogin:
    async def test_each_portal_accepts_its_own_role(self, client, db, identity):
        for role in ("student", "instructor", "admin"):
            user = await make_user(db, identity, role=role)
            r = await login(client, email=user.email.upper(), portal=role)
            assert r.json()["user"]["role"] == role
            me = await client.get(f"/{role}/auth/me")
            assert me.status_code == 200 and me.json()["id"] == user.id

    @pytest.mark.parametrize("portal", ["instructor", "admin"])
    async def test_other_role_gets_invalid_credentials(self, client, db, identity, portal):
        student = await make_user(db, identity)
        r = await client.post(
            f"/{portal}/auth/login", json={"email": student.email, "password": DEFAULT_PASSWORD}
        )
        assert (r.status_code, r.json()) == (401, {"message": "invalid credentials"})

    async def test_wrong_password_and_unknown_email_look_alike(self, client, db, identity):
        user = await make_user(db, identity)
        wrong = await client.post(
            "/student/auth/login", json={"email": user.email, "password": "wrong password"}
        )
        unknown = await client.post(
            "/student/auth/login", json={"email": "ghost@example.com", "password": "whatever1"}
        )
        assert wrong.status_code == unknown.status_code == 401
        assert wrong.json() == unknown.json() == {"message": "invalid credentials"}

    async def test_missing_fields_are_400(self, client):
        r = await client.post("/admin/auth/login", json={"email": "a@b.c"})
        assert (r.status_code, r.json()) == (400, {"message": "email and password are required"})

    async def test_deleted_user_cannot_log_in(self, client, db, identity):
        from acelab.db.session import unit_of_work
        from acelab.identity import service as identity_service

        user = await make_user(db, identity)
        async with unit_of_work(db, write=True) as session:
            await identity_service.soft_delete_user(session, user_id=user.id)
        r = await client.post("/student/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD})
        assert r.status_code == 401

    async def test_repeated_failures_per_account_get_429_with_retry_after(
        self, client, db, identity, frozen_clock
    ):
        user = await make_user(db, identity)
        for _ in range(5):
            r = await client.post(
                "/student/auth/login", json={"email": user.email, "password": "bad password"}
            )
            assert r.status_code == 401
        r = await client.post("/student/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD})
        assert r.status_code == 429
        assert r.json() == {"message": "too many failed login attempts, try again later"}
        assert 0 < int(r.headers["retry-after"]) <= 15 * 60 + 1
        frozen_clock.advance(minutes=16)
        r = await client.post("/student/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD})
        assert r.status_code == 200

    async def test_repeated_failures_per_address_get_429(self, client, db, identity):
        user = await make_user(db, identity)
        for i in range(20):
            r = await client.post(
                "/student/auth/login", json={"email": f"nobody{i}@example.com", "password": "x" * 8}
            )
            assert r.status_code == 401
        r = await client.post("/student/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD})
        assert r.status_code == 429 and "retry-after" in r.headers

    async def test_success_clears_the_account_counter(self, client, db, identity):
        user = await make_user(db, identity)
        for _ in range(4):
            await client.post("/student/auth/login", json={"email": user.email, "password": "bad password"})
        await login(client, email=user.email)
        for _ in range(4):
            r = await client.post(
                "/student/auth/login", json={"email": user.email, "password": "bad password"}
            )
            assert r.status_code == 401


class TestMe:
    async def test_without_credentials_is_401_missing_authorization(self, client):
        r = await client.get("/student/auth/me")
        assert (r.status_code, r.json()) == (401, {"message": "missing authorization"})

    async def test_bearer_token_works_and_wins_over_cookie(self, client, other_client, db, identity):
        a = await make_user(db, identity)
        b = await make_user(db, identity)
        await login(client, email=a.email)
        token_b = (await login(other_client, email=b.email)).json()["accessToken"]
        r = await client.get("/student/auth/me", headers=bearer(token_b))
        assert r.json()["id"] == b.id

    @pytest.mark.parametrize("header", ["Basic abc", "Bearer", "Bearer    "])
    async def test_malformed_authorization_is_401_missing_authorization(self, client, header):
        r = await client.get("/student/auth/me", headers={"authorization": header})
        assert (r.status_code, r.json()) == (401, {"message": "missing authorization"})

    async def test_tampered_token_is_401_invalid_token(self, client, db, identity):
        user = await make_user(db, identity)
        token = (await login(client, email=user.email)).json()["accessToken"]
        forged = jwt.encode(
            {**jwt.decode(token, options={"verify_signature": False}), "role": "admin"}, "another-secret" * 4
        )
        r = await client.get("/student/auth/me", headers=bearer(forged))
        assert (r.status_code, r.json()) == (401, {"message": "invalid token"})

    async def test_expired_token_is_401_invalid_token(self, client, db, identity, frozen_clock: FrozenClock):
        user = await make_user(db, identity)
        await login(client, email=user.email)
        frozen_clock.advance(minutes=15)
        r = await client.get("/student/auth/me")
        assert (r.status_code, r.json()) == (401, {"message": "invalid token"})

    async def test_another_portals_token_is_403_forbidden(self, client, db, identity):
        admin = await make_user(db, identity, role="admin")
        await login(client, email=admin.email, portal="admin")
        r = await client.get("/student/auth/me")
        assert (r.status_code, r.json()) == (403, {"message": "forbidden"})

    async def test_revoked_session_is_401_unauthorized(self, client, db, identity):
        user = await make_user(db, identity)
        await login(client, email=user.email)
        token = client.cookies["ace_access"]
        await client.post("/student/auth/logout", headers=csrf_headers(client))
        r = await client.get("/student/auth/me", headers=bearer(token))
        assert (r.status_code, r.json()) == (401, {"message": "unauthorized"})

    async def test_deleted_user_is_rejected_at_once(self, client, db, identity):
        from acelab.db.session import unit_of_work
        from acelab.identity.models import User

        user = await make_user(db, identity)
        token = (await login(client, email=user.email)).json()["accessToken"]
        async with unit_of_work(db, write=True) as session:
            # Only the flag, not the service (which also revokes): the per-request check must catch it.
            row = await session.get(User, user.id)
            assert row is not None
            row.deleted_at = row.created_at
        r = await client.get("/student/auth/me", headers=bearer(token))
        assert (r.status_code, r.json()) == (401, {"message": "unauthorized"})

    async def test_changed_role_is_rejected_at_once(self, client, db, identity):
        from acelab.db.session import unit_of_work
        from acelab.identity.models import User

        user = await make_user(db, identity, role="admin")
        token = (await login(client, email=user.email, portal="admin")).json()["accessToken"]
        async with unit_of_work(db, write=True) as session:
            row = await session.get(User, user.id)
            assert row is not None
            row.role = "student"
        r = await client.get("/admin/auth/me", headers=bearer(token))
        assert (r.status_code, r.json()) == (401, {"message": "unauthorized"})


class TestRefresh:
    async def test_rotates_refresh_token_and_keeps_csrf(self, client, db, identity):
        user = await make_user(db, identity)
        await login(client, email=user.email)
        old_refresh, csrf = client.cookies["ace_refresh"], client.cookies["ace_csrf"]
        r = await client.post("/student/auth/refresh", headers=csrf_headers(client))
        assert r.status_code == 200
        assert set(r.json()) == {"accessToken", "user"} and r.json()["user"]["id"] == user.id
        assert client.cookies["ace_refresh"] != old_refresh
        assert client.cookies["ace_csrf"] == csrf  # ace.md §16.3 C1: the web app retries with the old header

    async def test_web_app_retry_after_refresh_passes_csrf(self, client, db, identity, frozen_clock):
        user = await make_user(db, identity)
        await login(client, email=user.email)
        headers = csrf_headers(client)  # read once, as apiFetchJson does
        frozen_clock.advance(minutes=16)
        assert (await client.post("/student/auth/logout-all", headers=headers)).status_code == 401
        assert (await client.post("/student/auth/refresh", headers=headers)).status_code == 200
        assert (await client.post("/student/auth/logout-all", headers=headers)).status_code == 200

    async def test_requires_csrf(self, client, db, identity):
        user = await make_user(db, identity)
        await login(client, email=user.email)
        r = await client.post("/student/auth/refresh")
        assert (r.status_code, r.json()["message"]) == (403, "csrf")

    async def test_without_refresh_cookie_is_401(self, client):
        r = await client.post("/student/auth/refresh")
        assert (r.status_code, r.json()) == (401, {"message": "unauthorized"})

    async def test_other_portal_is_403_and_rotates_nothing(self, client, db, identity):
        user = await make_user(db, identity)
        await login(client, email=user.email)
        old_refresh = client.cookies["ace_refresh"]
        r = await client.post("/admin/auth/refresh", headers=csrf_headers(client))
        assert (r.status_code, r.json()) == (403, {"message": "forbidden"})
        assert "set-cookie" not in r.headers
        assert (await client.post("/student/auth/refresh", headers=csrf_headers(client))).status_code == 200
        assert client.cookies["ace_refresh"] != old_refresh

    async def test_replayed_token_after_grace_revokes_the_session(self, client, db, identity, frozen_clock):
        user = await make_user(db, identity)
        await login(client, email=user.email)
        stolen = client.cookies["ace_refresh"]
        await client.post("/student/auth/refresh", headers=csrf_headers(client))
        frozen_clock.advance(seconds=30)
        replay = await client.post(
            "/student/auth/refresh",
            headers={
                **csrf_headers(client),
                "cookie": f"ace_refresh={stolen}; ace_csrf={client.cookies['ace_csrf']}",
            },
        )
        assert (replay.status_code, replay.json()) == (401, {"message": "unauthorized"})
        # The legitimate holder's newer token is dead too: the whole session was revoked.
        r = await client.post("/student/auth/refresh", headers=csrf_headers(client))
        assert r.status_code == 401
        assert (await client.get("/student/auth/me")).status_code == 401

    async def test_parallel_refreshes_of_one_browser_all_succeed(self, client, db, identity):
        user = await make_user(db, identity)
        await login(client, email=user.email)
        cookie = f"ace_refresh={client.cookies['ace_refresh']}; ace_csrf={client.cookies['ace_csrf']}"
        headers = {**csrf_headers(client), "cookie": cookie}
        results = await asyncio.gather(
            *(client.post("/student/auth/refresh", headers=headers) for _ in range(4))
        )
        assert [r.status_code for r in results] == [200] * 4
        # Exactly one response issued a new refresh token; the others got an access token only.
        assert sum("ace_refresh" in set_cookies(r) for r in results) == 1
        for r in results:
            token = r.json()["accessToken"]
            assert (await client.get("/student/auth/me", headers=bearer(token))).status_code == 200

    async def test_deleted_user_gets_401_and_no_new_cookies(self, client, db, identity):
        from acelab.db.session import unit_of_work
        from acelab.identity.models import User

        user = await make_user(db, identity)
        await login(client, email=user.email)
        async with unit_of_work(db, write=True) as session:
            row = await session.get(User, user.id)
            assert row is not None
            row.deleted_at = row.created_at
        r = await client.post("/student/auth/refresh", headers=csrf_headers(client))
        assert (r.status_code, r.json()) == (401, {"message": "unauthorized"})
        assert "set-cookie" not in r.headers


class TestLogout:
    async def test_revokes_session_and_clears_cookies(self, client, db, identity):
        user = await make_user(db, identity)
        await login(client, email=user.email)
        token = client.cookies["ace_access"]
        r = await client.post("/student/auth/logout", headers=csrf_headers(client))
        assert (r.status_code, r.json()) == (200, {"ok": True})
        cleared = set_cookies(r)
        assert cleared["ace_access"] == "ace_access=; Path=/; Max-Age=0; HttpOnly"
        assert cleared["ace_refresh"] == "ace_refresh=; Path=/; Max-Age=0; HttpOnly"
        assert cleared["ace_csrf"] == "ace_csrf=; Path=/; Max-Age=0"
        assert (await client.get("/student/auth/me", headers=bearer(token))).status_code == 401

    async def test_bearer_client_can_log_out(self, client, db, identity):
        user = await make_user(db, identity)
        token = (await login(client, email=user.email)).json()["accessToken"]
        client.cookies.clear()
        assert (await client.post("/student/auth/logout", headers=bearer(token))).status_code == 200
        assert (await client.get("/student/auth/me", headers=bearer(token))).status_code == 401

    async def test_with_only_a_refresh_cookie_revokes_its_session(self, client, db, identity, frozen_clock):
        user = await make_user(db, identity)
        await login(client, email=user.email)
        refresh, csrf = client.cookies["ace_refresh"], client.cookies["ace_csrf"]
        frozen_clock.advance(minutes=20)  # the access cookie's token has expired
        assert (await client.post("/student/auth/logout", headers=csrf_headers(client))).status_code == 200
        r = await client.post(
            "/student/auth/refresh",
            headers={"x-csrf-token": csrf, "cookie": f"ace_refresh={refresh}; ace_csrf={csrf}"},
        )
        assert (r.status_code, r.json()) == (401, {"message": "unauthorized"})

    async def test_always_succeeds_without_cookies(self, client):
        r = await client.post("/auth/logout")
        assert (r.status_code, r.json()) == (200, {"ok": True})


class TestLogoutAll:
    async def test_revokes_every_session_in_every_portal(self, client, other_client, db, identity):
        user = await make_user(db, identity)
        await login(client, email=user.email)
        await login(other_client, email=user.email)
        r = await client.post("/student/auth/logout-all", headers=csrf_headers(client))
        assert (r.status_code, r.json()) == (200, {"ok": True})
        assert (await other_client.get("/student/auth/me")).status_code == 401

    async def test_requires_authentication(self, client):
        r = await client.post("/student/auth/logout-all")
        assert (r.status_code, r.json()) == (401, {"message": "missing authorization"})


class TestLegacyPrefix:
    async def test_auth_routes_are_the_student_portal(self, client, db, identity):
        user = await make_user(db, identity)
        r = await client.post("/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD})
        assert r.status_code == 200
        assert (await client.post("/auth/refresh", headers=csrf_headers(client))).status_code == 200
        assert (await client.post("/auth/logout-all", headers=csrf_headers(client))).status_code == 200
