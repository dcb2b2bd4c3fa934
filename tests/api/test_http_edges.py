"""Cross-cutting HTTP behaviour: CORS, CSRF, body cap, unknown routes, error dialects (ace.md §1)."""

import pytest

from tests.factories import make_user
from tests.login import bearer, csrf_headers, login


class TestCors:
    async def test_allowed_origin_is_echoed_with_credentials(self, client):
        r = await client.get("/healthz", headers={"origin": "http://LOCALHOST:5173"})
        assert r.headers["access-control-allow-origin"] == "http://LOCALHOST:5173"
        assert r.headers["access-control-allow-credentials"] == "true"
        assert "Origin" in r.headers["vary"]

    async def test_disallowed_origin_gets_no_allow_origin_nor_credentials(self, client):
        r = await client.get("/healthz", headers={"origin": "https://evil.example"})
        assert "access-control-allow-origin" not in r.headers
        assert "access-control-allow-credentials" not in r.headers
        assert r.headers["access-control-allow-methods"] == "GET,POST,PUT,PATCH,DELETE,OPTIONS"
        assert r.headers["access-control-allow-headers"] == "Content-Type,Accept,Authorization,X-CSRF-Token"

    @pytest.mark.parametrize("path", ["/student/auth/refresh", "/no/such/path", "/admin/users/x"])
    async def test_preflight_is_204_on_any_path_without_auth_or_csrf(self, client, path):
        r = await client.options(
            path, headers={"origin": "https://app.example.org", "access-control-request-method": "POST"}
        )
        assert r.status_code == 204 and r.content == b""
        assert r.headers["access-control-allow-origin"] == "https://app.example.org"


class TestCsrf:
    async def test_cookie_authenticated_unsafe_request_without_header_is_403(self, client, db, identity):
        user = await make_user(db, identity)
        await login(client, email=user.email)
        r = await client.post("/student/auth/logout-all")
        assert (r.status_code, r.json()["message"]) == (403, "csrf")

    async def test_mismatched_header_is_403(self, client, db, identity):
        user = await make_user(db, identity)
        await login(client, email=user.email)
        r = await client.post("/student/auth/logout-all", headers={"x-csrf-token": "something-else"})
        assert r.status_code == 403

    async def test_rejected_request_changes_nothing(self, client, db, identity):
        user = await make_user(db, identity)
        await login(client, email=user.email)
        await client.post("/student/auth/logout-all")
        assert (await client.get("/student/auth/me")).status_code == 200

    async def test_bearer_request_without_cookies_needs_no_csrf(self, client, db, identity):
        user = await make_user(db, identity)
        token = (await login(client, email=user.email)).json()["accessToken"]
        client.cookies.clear()
        r = await client.post("/student/auth/logout-all", headers=bearer(token))
        assert (r.status_code, r.json()) == (200, {"ok": True})

    async def test_login_is_exempt_even_with_cookies(self, client, db, identity):
        user = await make_user(db, identity)
        await login(client, email=user.email)
        await login(client, email=user.email)  # no CSRF header, the jar holds cookies

    async def test_matching_header_passes(self, client, db, identity):
        user = await make_user(db, identity)
        await login(client, email=user.email)
        r = await client.post("/student/auth/logout-all", headers=csrf_headers(client))
        assert r.status_code == 200


class TestBodyLimit:
    async def test_declared_oversized_body_is_413(self, client):
        r = await client.post(
            "/student/auth/login",
            content=b"x" * (1024 * 1024 + 1),
            headers={"content-type": "application/json"},
        )
        assert r.status_code == 413 and r.json()["message"] == "request body too large"

    async def test_streamed_oversized_body_is_413(self, client):
        async def chunks():
            for _ in range(20):
                yield b" " * 65536

        r = await client.post("/auth/login", content=chunks(), headers={"content-type": "application/json"})
        assert r.status_code == 413 and r.json()["message"] == "request body too large"


class TestUnknownRoutes:
    async def test_unknown_path_is_json_404(self, client):
        r = await client.get("/definitely/not/here")
        assert r.status_code == 404 and r.json()["message"] == "not found"

    async def test_ace_validation_never_says_422(self, client):
        r = await client.post("/admin/auth/login", json=["not", "an", "object"])
        assert (r.status_code, r.json()) == (400, {"message": "invalid json body"})


class TestHealth:
    async def test_healthz(self, client):
        r = await client.get("/healthz")
        assert r.status_code == 200 and r.json()["status"] == "ok"
        assert r.json()["ts"].endswith("Z") and len(r.json()["ts"]) == 20

    async def test_health(self, client):
        r = await client.get("/health")
        assert (r.status_code, r.json()) == (200, {"status": "ok"})

    async def test_every_response_has_a_request_id(self, client):
        r = await client.get("/health", headers={"x-request-id": "trace-123"})
        assert r.headers["x-request-id"] == "trace-123"

    async def test_generated_request_ids_differ(self, client):
        ids = {(await client.get("/health")).headers["x-request-id"] for _ in range(5)}
        assert len(ids) == 5 and all(len(rid) == 16 for rid in ids)
