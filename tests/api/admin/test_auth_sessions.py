"""A user's auth sessions as an admin sees and ends them, over HTTP (ace.md §11.8, §2.5)."""

from datetime import datetime, timedelta

import httpx
import pytest

from tests.factories import make_user
from tests.login import csrf_headers, login

SESSION_TTL = timedelta(days=30)
SESSION_KEYS = {"id", "role", "audience", "ip", "userAgent", "createdAt", "lastSeenAt", "expiresAt"}


def ace_time(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


async def sessions(client: httpx.AsyncClient, user_id: str, **params: str) -> dict[str, object]:
    r = await client.get(f"/admin/users/{user_id}/auth-sessions", params=params)
    assert r.status_code == 200, r.text
    body: dict[str, object] = r.json()
    return body


async def session_items(client: httpx.AsyncClient, user_id: str, **params: str) -> list[dict[str, object]]:
    items = (await sessions(client, user_id, **params))["items"]
    assert isinstance(items, list)
    return items


async def revoke_all(client: httpx.AsyncClient, user_id: str) -> httpx.Response:
    return await client.post(f"/admin/users/{user_id}/auth-sessions/revoke-all", headers=csrf_headers(client))


async def revoke(client: httpx.AsyncClient, user_id: str, session_id: object) -> httpx.Response:
    return await client.post(
        f"/admin/users/{user_id}/auth-sessions/{session_id}/revoke", headers=csrf_headers(client)
    )


class TestListAuthSessions:
    async def test_live_session_has_exact_keys_and_no_revoked_at(
        self, client, db, identity, frozen_clock, admin, browser
    ):
        user = await make_user(db, identity)
        their = await browser()
        their.headers["user-agent"] = "AceWeb/1.0 (tests)"
        await login(their, email=user.email)
        body = await sessions(client, user.id)
        [item] = body["items"]
        assert set(item) == SESSION_KEYS | {"revokedReason"}
        assert str(item["id"]).startswith("as_")
        assert item == {
            "id": item["id"],
            "role": "student",
            "audience": "student",
            "ip": "127.0.0.1",
            "userAgent": "AceWeb/1.0 (tests)",
            "createdAt": ace_time(frozen_clock.now),
            "lastSeenAt": ace_time(frozen_clock.now),
            "expiresAt": ace_time(frozen_clock.now + SESSION_TTL),
            "revokedReason": "",
        }
        assert (body["limit"], body["offset"], body["hasMore"]) == (20, 0, False)

    async def test_revoked_session_has_revoked_at_and_reason(
        self, client, db, identity, frozen_clock, admin, browser
    ):
        user = await make_user(db, identity)
        their = await browser()
        await login(their, email=user.email)
        frozen_clock.advance(seconds=9)
        assert (await their.post("/student/auth/logout", headers=csrf_headers(their))).status_code == 200
        [item] = await session_items(client, user.id, includeRevoked="true")
        assert set(item) == SESSION_KEYS | {"revokedAt", "revokedReason"}
        assert item["revokedAt"] == ace_time(frozen_clock.now)
        assert item["revokedReason"] == "logout"

    async def test_admin_portal_session_has_admin_audience(self, client, admin):
        [item] = await session_items(client, admin.id)
        assert (item["role"], item["audience"]) == ("admin", "admin")

    async def test_last_seen_at_moves_when_the_session_is_used(
        self, client, db, identity, frozen_clock, admin, browser
    ):
        user = await make_user(db, identity)
        their = await browser()
        await login(their, email=user.email)
        frozen_clock.advance(minutes=5)
        assert (await their.get("/student/auth/me")).status_code == 200
        [item] = await session_items(client, user.id)
        assert item["lastSeenAt"] == ace_time(frozen_clock.now)
        assert item["createdAt"] == ace_time(frozen_clock.now - timedelta(minutes=5))

    async def test_orders_newest_first(self, client, db, identity, frozen_clock, admin, browser):
        user = await make_user(db, identity)
        created = []
        for _ in range(3):
            frozen_clock.advance(seconds=1)
            await login(await browser(), email=user.email)
            created.append(ace_time(frozen_clock.now))
        items = await session_items(client, user.id)
        assert [s["createdAt"] for s in items] == list(reversed(created))

    async def test_hides_revoked_sessions_by_default(self, client, db, identity, admin, browser):
        user = await make_user(db, identity)
        gone, kept = await browser(), await browser()
        await login(gone, email=user.email)
        await login(kept, email=user.email)
        assert (await gone.post("/student/auth/logout", headers=csrf_headers(gone))).status_code == 200
        [item] = await session_items(client, user.id)
        assert item["revokedReason"] == ""
        assert "revokedAt" not in item

    async def test_hides_expired_sessions_by_default(
        self, client, db, identity, frozen_clock, admin, browser
    ):
        user = await make_user(db, identity)
        await login(await browser(), email=user.email)
        frozen_clock.advance(days=30)
        await login(client, email=admin.email, portal="admin")
        assert await session_items(client, user.id) == []

    async def test_session_expiring_one_second_later_is_listed(
        self, client, db, identity, frozen_clock, admin, browser
    ):
        user = await make_user(db, identity)
        await login(await browser(), email=user.email)
        frozen_clock.advance(days=30, seconds=-1)
        await login(client, email=admin.email, portal="admin")
        assert len(await session_items(client, user.id)) == 1

    @pytest.mark.parametrize("value", ["1", "true", "True", " YES ", "y"])
    async def test_include_revoked_truthy_value_lists_revoked_and_expired(
        self, client, db, identity, frozen_clock, admin, browser, value
    ):
        user = await make_user(db, identity)
        expired = await browser()
        await login(expired, email=user.email)
        frozen_clock.advance(days=31)
        await login(client, email=admin.email, portal="admin")
        revoked, live = await browser(), await browser()
        await login(revoked, email=user.email)
        frozen_clock.advance(seconds=1)
        await login(live, email=user.email)
        assert (await revoked.post("/student/auth/logout", headers=csrf_headers(revoked))).status_code == 200
        newest, logged_out, expired_item = await session_items(client, user.id, includeRevoked=value)
        assert (newest["revokedReason"], logged_out["revokedReason"]) == ("", "logout")
        assert expired_item["expiresAt"] == ace_time(frozen_clock.now - timedelta(days=1, seconds=1))
        assert "revokedAt" not in expired_item

    @pytest.mark.parametrize("value", ["0", "false", "no", "", "on", "2"])
    async def test_include_revoked_other_value_lists_live_only(
        self, client, db, identity, admin, browser, value
    ):
        user = await make_user(db, identity)
        gone, kept = await browser(), await browser()
        await login(gone, email=user.email)
        await login(kept, email=user.email)
        assert (await gone.post("/student/auth/logout", headers=csrf_headers(gone))).status_code == 200
        assert len(await session_items(client, user.id, includeRevoked=value)) == 1

    async def test_lists_only_that_users_sessions(self, client, db, identity, admin, browser):
        user = await make_user(db, identity)
        other = await make_user(db, identity)
        await login(await browser(), email=user.email)
        await login(await browser(), email=other.email)
        assert len(await session_items(client, user.id)) == 1

    async def test_unknown_user_returns_empty_page(self, client, admin):
        body = await sessions(client, "usr_missing")
        assert body == {"items": [], "limit": 20, "offset": 0, "hasMore": False}

    async def test_pages_with_has_more(self, client, db, identity, frozen_clock, admin, browser):
        user = await make_user(db, identity)
        for _ in range(3):
            frozen_clock.advance(seconds=1)
            await login(await browser(), email=user.email)
        first = await sessions(client, user.id, limit="2")
        rest = await sessions(client, user.id, limit="2", offset="2")
        assert (len(first["items"]), first["hasMore"]) == (2, True)
        assert (len(rest["items"]), rest["hasMore"]) == (1, False)
        ids = [s["id"] for s in first["items"] + rest["items"]]
        assert len(set(ids)) == 3

    @pytest.mark.parametrize(
        ("params", "limit", "offset"),
        [({"limit": "0"}, 1, 0), ({"limit": "500"}, 100, 0), ({"limit": "x", "offset": "-1"}, 20, 0)],
    )
    async def test_limit_and_offset_are_normalised(self, client, admin, params, limit, offset):
        body = await sessions(client, admin.id, **params)
        assert (body["limit"], body["offset"]) == (limit, offset)

    async def test_web_app_query_lists_everything(self, client, db, identity, admin, browser):
        user = await make_user(db, identity)
        gone = await browser()
        await login(gone, email=user.email)
        assert (await gone.post("/student/auth/logout", headers=csrf_headers(gone))).status_code == 200
        body = await sessions(client, user.id, limit="50", offset="0", includeRevoked="true")
        assert (len(body["items"]), body["limit"]) == (1, 50)


class TestRevokeAllSessions:
    async def test_ends_every_session_of_the_user(self, client, db, identity, admin, browser):
        user = await make_user(db, identity)
        theirs = [await browser(), await browser()]
        for their in theirs:
            await login(their, email=user.email)
        r = await revoke_all(client, user.id)
        assert r.status_code == 200, r.text
        assert r.json() == {"ok": True}
        for their in theirs:
            r = await their.get("/student/auth/me")
            assert r.status_code == 401
            assert r.json() == {"message": "unauthorized"}
        assert await session_items(client, user.id) == []

    async def test_records_admin_revoke_all_reason(self, client, db, identity, frozen_clock, admin, browser):
        user = await make_user(db, identity)
        await login(await browser(), email=user.email)
        frozen_clock.advance(seconds=3)
        assert (await revoke_all(client, user.id)).status_code == 200
        [item] = await session_items(client, user.id, includeRevoked="1")
        assert (item["revokedReason"], item["revokedAt"]) == ("admin_revoke_all", ace_time(frozen_clock.now))

    async def test_refresh_token_of_a_revoked_session_is_refused(self, client, db, identity, admin, browser):
        user = await make_user(db, identity)
        their = await browser()
        await login(their, email=user.email)
        assert (await revoke_all(client, user.id)).status_code == 200
        r = await their.post("/student/auth/refresh", headers=csrf_headers(their))
        assert r.status_code == 401
        assert r.json() == {"message": "unauthorized"}

    async def test_already_revoked_session_keeps_its_reason(
        self, client, db, identity, frozen_clock, admin, browser
    ):
        user = await make_user(db, identity)
        gone = await browser()
        await login(gone, email=user.email)
        assert (await gone.post("/student/auth/logout", headers=csrf_headers(gone))).status_code == 200
        logged_out_at = ace_time(frozen_clock.now)
        frozen_clock.advance(seconds=10)
        assert (await revoke_all(client, user.id)).status_code == 200
        [item] = await session_items(client, user.id, includeRevoked="1")
        assert (item["revokedReason"], item["revokedAt"]) == ("logout", logged_out_at)

    async def test_leaves_other_users_sessions_alone(self, client, db, identity, admin, browser):
        user = await make_user(db, identity)
        other = await make_user(db, identity)
        await login(await browser(), email=user.email)
        bystander = await browser()
        await login(bystander, email=other.email)
        assert (await revoke_all(client, user.id)).status_code == 200
        assert (await bystander.get("/student/auth/me")).status_code == 200

    async def test_unknown_user_returns_ok(self, client, admin):
        r = await revoke_all(client, "usr_missing")
        assert r.status_code == 200, r.text
        assert r.json() == {"ok": True}

    async def test_writes_revoke_all_audit(self, client, db, identity, admin, audit):
        user = await make_user(db, identity)
        assert (await revoke_all(client, user.id)).status_code == 200
        [entry] = await audit("auth_sessions.revoke_all")
        assert (entry.actor_user_id, entry.actor_role) == (admin.id, "admin")
        assert (entry.target_type, entry.target_id, entry.metadata_) == ("user", user.id, {})


class TestRevokeSession:
    async def test_ends_that_session_only(self, client, db, identity, frozen_clock, admin, browser):
        user = await make_user(db, identity)
        target, other = await browser(), await browser()
        await login(target, email=user.email)
        frozen_clock.advance(seconds=1)
        await login(other, email=user.email)
        newest, oldest = await session_items(client, user.id)
        r = await revoke(client, user.id, oldest["id"])
        assert r.status_code == 200, r.text
        assert r.json() == {"ok": True}
        r = await target.get("/student/auth/me")
        assert r.status_code == 401
        assert r.json() == {"message": "unauthorized"}
        assert (await other.get("/student/auth/me")).status_code == 200
        assert [s["id"] for s in await session_items(client, user.id)] == [newest["id"]]

    async def test_records_admin_revoke_reason(self, client, db, identity, frozen_clock, admin, browser):
        user = await make_user(db, identity)
        await login(await browser(), email=user.email)
        [item] = await session_items(client, user.id)
        frozen_clock.advance(seconds=2)
        assert (await revoke(client, user.id, item["id"])).status_code == 200
        [item] = await session_items(client, user.id, includeRevoked="yes")
        assert (item["revokedReason"], item["revokedAt"]) == ("admin_revoke", ace_time(frozen_clock.now))

    async def test_revoking_twice_keeps_the_first_revocation(
        self, client, db, identity, frozen_clock, admin, browser
    ):
        user = await make_user(db, identity)
        await login(await browser(), email=user.email)
        [item] = await session_items(client, user.id)
        assert (await revoke(client, user.id, item["id"])).status_code == 200
        first = ace_time(frozen_clock.now)
        frozen_clock.advance(seconds=5)
        r = await revoke(client, user.id, item["id"])
        assert r.status_code == 200, r.text
        [item] = await session_items(client, user.id, includeRevoked="1")
        assert (item["revokedReason"], item["revokedAt"]) == ("admin_revoke", first)

    async def test_session_of_another_user_returns_404_and_stays_live(
        self, client, db, identity, admin, browser
    ):
        user = await make_user(db, identity)
        owner = await make_user(db, identity)
        their = await browser()
        await login(their, email=owner.email)
        [item] = await session_items(client, owner.id)
        r = await revoke(client, user.id, item["id"])
        assert r.status_code == 404
        assert r.json() == {"message": "session not found"}
        assert (await their.get("/student/auth/me")).status_code == 200

    async def test_unknown_session_returns_404_session_not_found(self, client, admin):
        r = await revoke(client, admin.id, "as_missing")
        assert r.status_code == 404
        assert r.json() == {"message": "session not found"}

    async def test_writes_revoke_audit_with_user_id(self, client, db, identity, admin, browser, audit):
        user = await make_user(db, identity)
        await login(await browser(), email=user.email)
        [item] = await session_items(client, user.id)
        assert (await revoke(client, user.id, item["id"])).status_code == 200
        [entry] = await audit("auth_sessions.revoke")
        assert (entry.actor_user_id, entry.actor_role) == (admin.id, "admin")
        assert (entry.target_type, entry.target_id) == ("auth_session", item["id"])
        assert entry.metadata_ == {"userId": user.id}

    async def test_unknown_session_writes_no_audit(self, client, admin, audit):
        await revoke(client, admin.id, "as_missing")
        assert await audit("auth_sessions.revoke") == []
