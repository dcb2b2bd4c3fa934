"""`/auth/register`, `/auth/login`, `/auth/me`: one handler for the ACE and the Codemm web apps."""

import pytest

from tests.factories import DEFAULT_PASSWORD, make_user
from tests.login import bearer

SHARED_USER_KEYS = {"id", "email", "role", "createdAt", "username", "displayName"}


class TestSharedRegister:
    async def test_codemm_shape_gets_union_reply_201(self, client):
        r = await client.post(
            "/auth/register",
            json={
                "username": "ada_l",
                "email": "Ada@Example.com",
                "password": "password1",
                "displayName": "Ada",
            },
        )
        assert r.status_code == 201
        body = r.json()
        assert body["message"] == "User registered successfully"
        assert {"token", "accessToken", "user"} <= set(body)
        assert set(body["user"]) == SHARED_USER_KEYS
        assert body["user"]["username"] == "ada_l" and body["user"]["displayName"] == "Ada"
        assert body["user"]["email"] == "ada@example.com" and body["user"]["role"] == "student"

    async def test_ace_shape_works_and_sets_cookies(self, client):
        r = await client.post("/auth/register", json={"email": "b@example.com", "password": "password1"})
        assert r.status_code == 201
        assert {"ace_access", "ace_refresh", "ace_csrf"} <= set(client.cookies.keys())
        assert (await client.get("/student/auth/me")).json()["email"] == "b@example.com"

    async def test_display_name_defaults_to_username(self, client):
        r = await client.post(
            "/auth/register", json={"username": "grace", "email": "g@x.io", "password": "password1"}
        )
        assert r.json()["user"]["displayName"] == "grace"

    @pytest.mark.parametrize(
        ("body", "message", "error"),
        [
            (
                {"username": "", "email": "a@x.io", "password": "password1"},
                "email and password are required",
                "Username, email, and password are required",
            ),
            (
                {"username": "abc", "email": "a@x.io", "password": "pw"},
                "password must be at least 8 characters",
                "Password must be at least 8 characters",
            ),
            (
                {"username": "a b", "email": "a@x.io", "password": "password1"},
                "invalid username",
                "Username must be 3-32 letters, digits, dots, dashes or underscores",
            ),
        ],
    )
    async def test_bad_input_carries_both_dialects(self, client, body, message, error):
        r = await client.post("/auth/register", json=body)
        assert (r.status_code, r.json()) == (400, {"message": message, "error": error})

    async def test_taken_username_or_email_give_one_message(self, client):
        await client.post(
            "/auth/register", json={"username": "taken", "email": "t@x.io", "password": "password1"}
        )
        same_name = await client.post(
            "/auth/register", json={"username": "taken", "email": "other@x.io", "password": "password1"}
        )
        same_email = await client.post(
            "/auth/register", json={"username": "other", "email": "t@x.io", "password": "password1"}
        )
        assert same_name.status_code == same_email.status_code == 400
        assert (
            same_name.json()
            == same_email.json()
            == {
                "message": "user already exists or invalid",
                "error": "Username or email already registered",
            }
        )


class TestSharedLogin:
    async def test_codemm_client_logs_in_with_username_or_email(self, client):
        await client.post(
            "/auth/register", json={"username": "linus", "email": "l@x.io", "password": "password1"}
        )
        by_name = await client.post("/auth/login", json={"username": "linus", "password": "password1"})
        by_email = await client.post("/auth/login", json={"username": "L@X.io", "password": "password1"})
        for r in (by_name, by_email):
            assert r.status_code == 200
            assert r.json()["message"] == "Login successful"
            assert set(r.json()["user"]) == SHARED_USER_KEYS

    async def test_ace_client_logs_in_with_email(self, client, db, identity):
        user = await make_user(db, identity)
        r = await client.post("/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD})
        assert r.status_code == 200 and r.json()["user"]["username"] == user.email

    async def test_failure_carries_both_dialects(self, client):
        r = await client.post("/auth/login", json={"username": "nobody", "password": "password1"})
        assert (r.status_code, r.json()) == (
            401,
            {"message": "invalid credentials", "error": "Invalid username or password"},
        )

    async def test_missing_fields(self, client):
        r = await client.post("/auth/login", json={"username": "x"})
        assert (r.status_code, r.json()) == (
            400,
            {"message": "email and password are required", "error": "Username and password are required"},
        )


class TestSharedMe:
    async def test_codemm_bearer_token_works_without_cookies(self, client):
        r = await client.post(
            "/auth/register", json={"username": "tok", "email": "tok@x.io", "password": "password1"}
        )
        token = r.json()["token"]
        client.cookies.clear()
        me = await client.get("/auth/me", headers=bearer(token))
        assert me.status_code == 200 and set(me.json()) == SHARED_USER_KEYS
        assert me.json()["username"] == "tok"

    async def test_codemm_token_is_long_lived_but_revocable(self, client, frozen_clock):
        r = await client.post(
            "/auth/register", json={"username": "long", "email": "lg@x.io", "password": "password1"}
        )
        token = r.json()["token"]
        client.cookies.clear()
        frozen_clock.advance(days=6)
        assert (await client.get("/auth/me", headers=bearer(token))).status_code == 200
        await client.post("/auth/logout", headers=bearer(token))
        assert (await client.get("/auth/me", headers=bearer(token))).status_code == 401

    async def test_codemm_token_is_not_an_ace_portal_token(self, client):
        r = await client.post(
            "/auth/register", json={"username": "cdx", "email": "cd@x.io", "password": "password1"}
        )
        client.cookies.clear()
        me = await client.get("/student/auth/me", headers=bearer(r.json()["token"]))
        assert (me.status_code, me.json()) == (403, {"message": "forbidden"})

    async def test_without_token_carries_both_dialects(self, client):
        r = await client.get("/auth/me")
        assert (r.status_code, r.json()) == (
            401,
            {"message": "missing authorization", "error": "Access token required"},
        )
