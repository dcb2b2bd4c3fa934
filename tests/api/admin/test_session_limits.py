"""Per-user session limits over HTTP (ace.md §11.9), their resolution and eviction at login (§2.8, B9)."""

import asyncio

import httpx
import pytest

from tests.factories import (
    DEFAULT_PASSWORD,
    make_role_session_limit,
    make_session_group,
    make_user,
    make_user_session_limit,
)
from tests.login import csrf_headers, login


async def limit_of(client: httpx.AsyncClient, user_id: str) -> dict[str, int]:
    r = await client.get(f"/admin/users/{user_id}/session-limit")
    assert r.status_code == 200, r.text
    body: dict[str, int] = r.json()
    return body


async def put_limit(client: httpx.AsyncClient, user_id: str, body: object) -> httpx.Response:
    return await client.put(f"/admin/users/{user_id}/session-limit", json=body, headers=csrf_headers(client))


async def is_live(browser: httpx.AsyncClient, portal: str = "student") -> bool:
    r = await browser.get(f"/{portal}/auth/me")
    if r.status_code == 401:
        assert r.json() == {"message": "unauthorized"}
        return False
    assert r.status_code == 200, r.text
    return True


async def live_session_count(client: httpx.AsyncClient, user_id: str) -> int:
    r = await client.get(f"/admin/users/{user_id}/auth-sessions", params={"limit": "100"})
    assert r.status_code == 200, r.text
    return len(r.json()["items"])


class TestGetSessionLimit:
    async def test_without_any_limit_the_default_is_3(self, client, db, identity, admin):
        user = await make_user(db, identity)
        assert await limit_of(client, user.id) == {"effectiveMaxActiveSessions": 3}

    async def test_user_override_is_shown_and_used(self, client, db, identity, admin):
        user = await make_user(db, identity)
        assert (await put_limit(client, user.id, {"maxActiveSessions": 5})).status_code == 200
        assert await limit_of(client, user.id) == {
            "effectiveMaxActiveSessions": 5,
            "userMaxActiveSessions": 5,
        }

    async def test_user_override_wins_over_group_and_role(self, client, db, identity, admin):
        user = await make_user(db, identity)
        await make_session_group(db, max_active_sessions=2, members=(user,))
        await make_role_session_limit(db, role="student", max_active_sessions=4)
        await make_user_session_limit(db, user=user, max_active_sessions=7)
        assert await limit_of(client, user.id) == {
            "effectiveMaxActiveSessions": 7,
            "userMaxActiveSessions": 7,
            "groupMaxActiveSessions": 2,
            "roleMaxActiveSessions": 4,
        }

    async def test_group_wins_over_role(self, client, db, identity, admin):
        user = await make_user(db, identity)
        await make_session_group(db, max_active_sessions=6, members=(user,))
        await make_role_session_limit(db, role="student", max_active_sessions=2)
        assert await limit_of(client, user.id) == {
            "effectiveMaxActiveSessions": 6,
            "groupMaxActiveSessions": 6,
            "roleMaxActiveSessions": 2,
        }

    async def test_group_limit_is_the_smallest_over_the_users_groups(self, client, db, identity, admin):
        user = await make_user(db, identity)
        other = await make_user(db, identity)
        await make_session_group(db, max_active_sessions=9, members=(user,))
        await make_session_group(db, max_active_sessions=4, members=(user,))
        await make_session_group(db, max_active_sessions=1, members=(other,))
        await make_session_group(db, members=(user,))
        assert await limit_of(client, user.id) == {
            "effectiveMaxActiveSessions": 4,
            "groupMaxActiveSessions": 4,
        }

    async def test_group_limit_row_with_null_is_ignored(self, client, db, identity, admin):
        user = await make_user(db, identity)
        await make_session_group(db, null_limit_row=True, members=(user,))
        await make_session_group(db, max_active_sessions=8, members=(user,))
        assert await limit_of(client, user.id) == {
            "effectiveMaxActiveSessions": 8,
            "groupMaxActiveSessions": 8,
        }

    @pytest.mark.parametrize("smallest", [0, -2])
    async def test_group_minimum_not_above_zero_falls_through_to_role(
        self, client, db, identity, admin, smallest
    ):
        user = await make_user(db, identity)
        await make_session_group(db, max_active_sessions=smallest, members=(user,))
        await make_session_group(db, max_active_sessions=5, members=(user,))
        await make_role_session_limit(db, role="student", max_active_sessions=2)
        assert await limit_of(client, user.id) == {
            "effectiveMaxActiveSessions": 2,
            "roleMaxActiveSessions": 2,
        }

    async def test_group_limit_above_50_is_clamped(self, client, db, identity, admin):
        user = await make_user(db, identity)
        await make_session_group(db, max_active_sessions=80, members=(user,))
        assert await limit_of(client, user.id) == {
            "effectiveMaxActiveSessions": 50,
            "groupMaxActiveSessions": 80,
        }

    async def test_role_limit_applies_to_that_role_only(self, client, db, identity, admin):
        student = await make_user(db, identity)
        teacher = await make_user(db, identity, role="instructor")
        await make_role_session_limit(db, role="instructor", max_active_sessions=1)
        assert await limit_of(client, teacher.id) == {
            "effectiveMaxActiveSessions": 1,
            "roleMaxActiveSessions": 1,
        }
        assert await limit_of(client, student.id) == {"effectiveMaxActiveSessions": 3}

    @pytest.mark.parametrize(("stored", "effective"), [(0, 1), (-4, 1), (51, 50), (999, 50)])
    async def test_out_of_range_role_limit_is_clamped(self, client, db, identity, admin, stored, effective):
        user = await make_user(db, identity)
        await make_role_session_limit(db, role="student", max_active_sessions=stored)
        assert await limit_of(client, user.id) == {
            "effectiveMaxActiveSessions": effective,
            "roleMaxActiveSessions": stored,
        }

    async def test_role_limit_row_with_null_counts_as_absent(self, client, db, identity, admin):
        user = await make_user(db, identity)
        await make_role_session_limit(db, role="student", max_active_sessions=None)
        assert await limit_of(client, user.id) == {"effectiveMaxActiveSessions": 3}

    async def test_user_override_with_null_counts_as_absent(self, client, db, identity, admin):
        user = await make_user(db, identity)
        await make_user_session_limit(db, user=user, max_active_sessions=None)
        await make_role_session_limit(db, role="student", max_active_sessions=2)
        assert await limit_of(client, user.id) == {
            "effectiveMaxActiveSessions": 2,
            "roleMaxActiveSessions": 2,
        }

    async def test_hand_stored_user_override_below_one_is_clamped_to_one(self, client, db, identity, admin):
        user = await make_user(db, identity)
        await make_user_session_limit(db, user=user, max_active_sessions=0)
        assert await limit_of(client, user.id) == {
            "effectiveMaxActiveSessions": 1,
            "userMaxActiveSessions": 0,
        }

    async def test_soft_deleted_user_is_answered(self, client, db, identity, admin):
        user = await make_user(db, identity)
        assert (
            await client.delete(f"/admin/users/{user.id}", headers=csrf_headers(client))
        ).status_code == 200
        assert await limit_of(client, user.id) == {"effectiveMaxActiveSessions": 3}

    async def test_unknown_user_returns_404_user_not_found(self, client, admin):
        r = await client.get("/admin/users/usr_missing/session-limit")
        assert r.status_code == 404
        assert r.json() == {"message": "user not found"}


class TestSetSessionLimit:
    async def test_sets_the_override(self, client, db, identity, admin):
        user = await make_user(db, identity)
        r = await put_limit(client, user.id, {"maxActiveSessions": 4})
        assert r.status_code == 200, r.text
        assert r.json() == {"ok": True}
        assert (await limit_of(client, user.id))["userMaxActiveSessions"] == 4

    async def test_replaces_an_existing_override(self, client, db, identity, admin):
        user = await make_user(db, identity)
        assert (await put_limit(client, user.id, {"maxActiveSessions": 4})).status_code == 200
        assert (await put_limit(client, user.id, {"maxActiveSessions": 9})).status_code == 200
        assert await limit_of(client, user.id) == {
            "effectiveMaxActiveSessions": 9,
            "userMaxActiveSessions": 9,
        }

    @pytest.mark.parametrize(("sent", "stored"), [(0, 1), (-3, 1), (1, 1), (50, 50), (51, 50), (10_000, 50)])
    async def test_value_is_clamped_to_1_through_50(self, client, db, identity, admin, sent, stored):
        user = await make_user(db, identity)
        assert (await put_limit(client, user.id, {"maxActiveSessions": sent})).status_code == 200
        assert await limit_of(client, user.id) == {
            "effectiveMaxActiveSessions": stored,
            "userMaxActiveSessions": stored,
        }

    @pytest.mark.parametrize("body", [{"maxActiveSessions": None}, {}, {"somethingElse": 4}])
    async def test_null_or_absent_value_clears_the_override(self, client, db, identity, admin, body):
        user = await make_user(db, identity)
        assert (await put_limit(client, user.id, {"maxActiveSessions": 4})).status_code == 200
        r = await put_limit(client, user.id, body)
        assert r.status_code == 200, r.text
        assert r.json() == {"ok": True}
        assert await limit_of(client, user.id) == {"effectiveMaxActiveSessions": 3}

    async def test_clearing_without_an_override_is_ok(self, client, db, identity, admin):
        user = await make_user(db, identity)
        r = await put_limit(client, user.id, {"maxActiveSessions": None})
        assert r.status_code == 200, r.text

    async def test_unknown_user_returns_400_failed_to_set_user_limit(self, client, admin):
        r = await put_limit(client, "usr_missing", {"maxActiveSessions": 2})
        assert r.status_code == 400
        assert r.json() == {"message": "failed to set user limit"}

    async def test_clearing_for_unknown_user_returns_ok(self, client, admin):
        r = await put_limit(client, "usr_missing", {"maxActiveSessions": None})
        assert r.status_code == 200, r.text
        assert r.json() == {"ok": True}

    @pytest.mark.parametrize(
        "body",
        [{"maxActiveSessions": "5"}, {"maxActiveSessions": 1.5}, {"maxActiveSessions": 2.0}]
        + [{"maxActiveSessions": True}, {"maxActiveSessions": [5]}, {"maxActiveSessions": {"n": 5}}, [5], 5],
    )
    async def test_wrong_types_return_400_invalid_json_body(self, client, db, identity, admin, body):
        user = await make_user(db, identity)
        r = await put_limit(client, user.id, body)
        assert r.status_code == 400
        assert r.json() == {"message": "invalid json body"}

    async def test_new_limit_does_not_evict_current_sessions(self, client, db, identity, admin, browser):
        user = await make_user(db, identity)
        theirs = [await browser() for _ in range(3)]
        for their in theirs:
            await login(their, email=user.email)
        assert (await put_limit(client, user.id, {"maxActiveSessions": 1})).status_code == 200
        assert [await is_live(their) for their in theirs] == [True, True, True]

    async def test_writes_set_audit_with_the_clamped_value(self, client, db, identity, admin, audit):
        user = await make_user(db, identity)
        assert (await put_limit(client, user.id, {"maxActiveSessions": 75})).status_code == 200
        [entry] = await audit("auth_limits.user.set")
        assert (entry.actor_user_id, entry.actor_role) == (admin.id, "admin")
        assert (entry.target_type, entry.target_id) == ("user", user.id)
        assert entry.metadata_ == {"maxActiveSessions": 50}

    async def test_writes_clear_audit(self, client, db, identity, admin, audit):
        user = await make_user(db, identity)
        assert (await put_limit(client, user.id, {"maxActiveSessions": None})).status_code == 200
        [entry] = await audit("auth_limits.user.clear")
        assert (entry.target_type, entry.target_id, entry.metadata_) == ("user", user.id, {})
        assert await audit("auth_limits.user.set") == []

    async def test_rejected_set_writes_no_audit(self, client, admin, audit):
        await put_limit(client, "usr_missing", {"maxActiveSessions": 2})
        assert await audit("auth_limits.user.set") == []


class TestSessionLimitAtLogin:
    """ace.md §2.8: a login over the limit evicts the oldest live sessions of the user's role."""

    async def log_in(self, browser, frozen_clock, email: str, times: int, portal: str = "student"):
        browsers = []
        for _ in range(times):
            frozen_clock.advance(seconds=1)  # distinct created_at, so "oldest" is well defined
            their = await browser()
            await login(their, email=email, portal=portal)
            browsers.append(their)
        return browsers

    async def test_default_limit_of_3_evicts_the_oldest_on_the_4th_login(
        self, client, db, identity, frozen_clock, admin, browser
    ):
        user = await make_user(db, identity)
        theirs = await self.log_in(browser, frozen_clock, user.email, 4)
        assert [await is_live(b) for b in theirs] == [False, True, True, True]

    @pytest.mark.parametrize("limit", [1, 2, 5])
    async def test_user_limit_n_evicts_the_oldest_on_login_n_plus_1(
        self, client, db, identity, frozen_clock, admin, browser, limit
    ):
        user = await make_user(db, identity)
        assert (await put_limit(client, user.id, {"maxActiveSessions": limit})).status_code == 200
        theirs = await self.log_in(browser, frozen_clock, user.email, limit + 1)
        assert [await is_live(b) for b in theirs] == [False] + [True] * limit

    async def test_evicted_session_is_revoked_with_session_limit_reason(
        self, client, db, identity, frozen_clock, admin, browser
    ):
        user = await make_user(db, identity)
        assert (await put_limit(client, user.id, {"maxActiveSessions": 1})).status_code == 200
        await self.log_in(browser, frozen_clock, user.email, 2)
        r = await client.get(f"/admin/users/{user.id}/auth-sessions", params={"includeRevoked": "1"})
        newest, evicted = r.json()["items"]
        assert (newest["revokedReason"], evicted["revokedReason"]) == ("", "session_limit")

    async def test_evicted_session_cannot_refresh(self, client, db, identity, frozen_clock, admin, browser):
        user = await make_user(db, identity)
        assert (await put_limit(client, user.id, {"maxActiveSessions": 1})).status_code == 200
        first, _ = await self.log_in(browser, frozen_clock, user.email, 2)
        r = await first.post("/student/auth/refresh", headers=csrf_headers(first))
        assert r.status_code == 401
        assert r.json() == {"message": "unauthorized"}

    async def test_group_limit_applies_at_login(self, client, db, identity, frozen_clock, admin, browser):
        user = await make_user(db, identity)
        await make_session_group(db, max_active_sessions=2, members=(user,))
        await make_session_group(db, max_active_sessions=4, members=(user,))
        theirs = await self.log_in(browser, frozen_clock, user.email, 3)
        assert [await is_live(b) for b in theirs] == [False, True, True]

    async def test_role_limit_applies_at_login(self, client, db, identity, frozen_clock, admin, browser):
        user = await make_user(db, identity, role="instructor")
        await make_role_session_limit(db, role="instructor", max_active_sessions=1)
        theirs = await self.log_in(browser, frozen_clock, user.email, 2, portal="instructor")
        assert [await is_live(b, "instructor") for b in theirs] == [False, True]

    async def test_user_override_beats_a_smaller_group_limit(
        self, client, db, identity, frozen_clock, admin, browser
    ):
        user = await make_user(db, identity)
        await make_session_group(db, max_active_sessions=1, members=(user,))
        assert (await put_limit(client, user.id, {"maxActiveSessions": 3})).status_code == 200
        theirs = await self.log_in(browser, frozen_clock, user.email, 3)
        assert [await is_live(b) for b in theirs] == [True, True, True]

    async def test_group_limit_beats_a_larger_role_limit(
        self, client, db, identity, frozen_clock, admin, browser
    ):
        user = await make_user(db, identity)
        await make_session_group(db, max_active_sessions=1, members=(user,))
        await make_role_session_limit(db, role="student", max_active_sessions=10)
        theirs = await self.log_in(browser, frozen_clock, user.email, 2)
        assert [await is_live(b) for b in theirs] == [False, True]

    async def test_group_limit_of_zero_falls_through_to_default(
        self, client, db, identity, frozen_clock, admin, browser
    ):
        user = await make_user(db, identity)
        await make_session_group(db, max_active_sessions=0, members=(user,))
        theirs = await self.log_in(browser, frozen_clock, user.email, 3)
        assert [await is_live(b) for b in theirs] == [True, True, True]

    async def test_lowered_limit_evicts_all_excess_sessions_at_next_login(
        self, client, db, identity, frozen_clock, admin, browser
    ):
        user = await make_user(db, identity)
        before = await self.log_in(browser, frozen_clock, user.email, 3)
        assert (await put_limit(client, user.id, {"maxActiveSessions": 1})).status_code == 200
        [after] = await self.log_in(browser, frozen_clock, user.email, 1)
        assert [await is_live(b) for b in [*before, after]] == [False, False, False, True]

    async def test_logged_out_sessions_do_not_count(self, client, db, identity, frozen_clock, admin, browser):
        user = await make_user(db, identity)
        assert (await put_limit(client, user.id, {"maxActiveSessions": 2})).status_code == 200
        first, second = await self.log_in(browser, frozen_clock, user.email, 2)
        assert (await second.post("/student/auth/logout", headers=csrf_headers(second))).status_code == 200
        [third] = await self.log_in(browser, frozen_clock, user.email, 1)
        assert [await is_live(first), await is_live(third)] == [True, True]

    async def test_expired_sessions_do_not_count(self, client, db, identity, frozen_clock, admin, browser):
        user = await make_user(db, identity)
        assert (await put_limit(client, user.id, {"maxActiveSessions": 2})).status_code == 200
        await self.log_in(browser, frozen_clock, user.email, 1)
        frozen_clock.advance(days=30)
        await login(client, email=admin.email, portal="admin")
        first, second = await self.log_in(browser, frozen_clock, user.email, 2)
        assert [await is_live(first), await is_live(second)] == [True, True]

    async def test_other_users_sessions_do_not_count(
        self, client, db, identity, frozen_clock, admin, browser
    ):
        user = await make_user(db, identity)
        other = await make_user(db, identity)
        assert (await put_limit(client, user.id, {"maxActiveSessions": 1})).status_code == 200
        [theirs] = await self.log_in(browser, frozen_clock, other.email, 1)
        await self.log_in(browser, frozen_clock, user.email, 1)
        assert await is_live(theirs)

    async def test_login_never_fails_over_the_limit(self, client, db, identity, frozen_clock, admin, browser):
        user = await make_user(db, identity)
        assert (await put_limit(client, user.id, {"maxActiveSessions": 1})).status_code == 200
        theirs = await self.log_in(browser, frozen_clock, user.email, 4)
        assert [await is_live(b) for b in theirs] == [False, False, False, True]
        assert await live_session_count(client, user.id) == 1

    async def test_concurrent_logins_keep_exactly_the_limit(self, client, db, identity, admin, browser):
        user = await make_user(db, identity)
        assert (await put_limit(client, user.id, {"maxActiveSessions": 2})).status_code == 200
        theirs = [await browser() for _ in range(8)]
        responses = await asyncio.gather(
            *(
                b.post("/student/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD})
                for b in theirs
            )
        )
        assert [r.status_code for r in responses] == [200] * 8
        assert await live_session_count(client, user.id) == 2
        assert sum([await is_live(b) for b in theirs]) == 2
        r = await client.get(f"/admin/users/{user.id}/auth-sessions", params={"includeRevoked": "1"})
        reasons = sorted(s["revokedReason"] for s in r.json()["items"])
        assert reasons == [""] * 2 + ["session_limit"] * 6
