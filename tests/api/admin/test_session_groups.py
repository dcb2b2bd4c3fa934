"""Session groups and their members over HTTP (ace.md §11.10, §16.2 B19)."""

import re

import httpx
import pytest

from tests.factories import make_session_group, make_user
from tests.login import csrf_headers

GROUP_ID = re.compile(r"^asg_[0-9a-f]{32}$")


async def groups(client: httpx.AsyncClient) -> list[dict[str, object]]:
    r = await client.get("/admin/session-groups")
    assert r.status_code == 200, r.text
    assert list(r.json()) == ["items"]
    items: list[dict[str, object]] = r.json()["items"]
    return items


async def user_groups(client: httpx.AsyncClient, user_id: str) -> list[dict[str, object]]:
    r = await client.get(f"/admin/users/{user_id}/session-groups")
    assert r.status_code == 200, r.text
    assert list(r.json()) == ["items"]
    items: list[dict[str, object]] = r.json()["items"]
    return items


async def create(client: httpx.AsyncClient, body: object) -> httpx.Response:
    return await client.post("/admin/session-groups", json=body, headers=csrf_headers(client))


async def update(client: httpx.AsyncClient, group_id: str, body: object) -> httpx.Response:
    return await client.patch(f"/admin/session-groups/{group_id}", json=body, headers=csrf_headers(client))


async def add_member(client: httpx.AsyncClient, group_id: str, body: object) -> httpx.Response:
    return await client.post(
        f"/admin/session-groups/{group_id}/members", json=body, headers=csrf_headers(client)
    )


async def remove_member(client: httpx.AsyncClient, group_id: str, user_id: str) -> httpx.Response:
    return await client.delete(
        f"/admin/session-groups/{group_id}/members/{user_id}", headers=csrf_headers(client)
    )


class TestListGroups:
    async def test_without_groups_returns_empty_items(self, client, admin):
        assert await groups(client) == []

    async def test_lists_groups_by_name_with_exact_keys(self, client, db, admin):
        beta = await make_session_group(db, name="beta", max_active_sessions=2)
        alpha = await make_session_group(db, name="Alpha")
        gamma = await make_session_group(db, name="gamma", null_limit_row=True)
        assert await groups(client) == [
            {"id": alpha.id, "name": "Alpha"},
            {"id": beta.id, "name": "beta", "maxActiveSessions": 2},
            {"id": gamma.id, "name": "gamma"},
        ]

    async def test_shows_stored_limit_as_is(self, client, db, admin):
        group = await make_session_group(db, max_active_sessions=0)
        assert await groups(client) == [{"id": group.id, "name": group.name, "maxActiveSessions": 0}]


class TestCreateGroup:
    async def test_returns_new_group_id(self, client, admin):
        r = await create(client, {"name": "night shift"})
        assert r.status_code == 200, r.text
        assert list(r.json()) == ["id"]
        assert GROUP_ID.match(r.json()["id"])

    async def test_stores_trimmed_name_without_limit(self, client, admin):
        r = await create(client, {"name": "  night shift  ", "maxActiveSessions": None})
        assert await groups(client) == [{"id": r.json()["id"], "name": "night shift"}]

    @pytest.mark.parametrize(("sent", "stored"), [(4, 4), (1, 1), (0, 1), (-7, 1), (50, 50), (99, 50)])
    async def test_stores_clamped_limit(self, client, admin, sent, stored):
        r = await create(client, {"name": "limited", "maxActiveSessions": sent})
        assert await groups(client) == [
            {"id": r.json()["id"], "name": "limited", "maxActiveSessions": stored}
        ]

    @pytest.mark.parametrize(
        "body", [{"name": ""}, {"name": "   "}, {}, {"name": None}, {"maxActiveSessions": 3}]
    )
    async def test_blank_name_returns_400_name_is_required(self, client, admin, body):
        r = await create(client, body)
        assert r.status_code == 400
        assert r.json() == {"message": "name is required"}

    @pytest.mark.parametrize("name", ["night shift", "  night shift "])
    async def test_taken_name_returns_409(self, client, db, admin, name):
        await make_session_group(db, name="night shift")
        r = await create(client, {"name": name})
        assert r.status_code == 409
        assert r.json() == {"message": "group name already exists"}

    async def test_names_are_case_sensitive(self, client, db, admin):
        await make_session_group(db, name="night shift")
        r = await create(client, {"name": "Night Shift"})
        assert r.status_code == 200, r.text

    @pytest.mark.parametrize(
        "body",
        [
            {"name": 5},
            {"name": ["a"]},
            {"name": "ok", "maxActiveSessions": "3"},
            {"name": "ok", "maxActiveSessions": 2.5},
            {"name": "ok", "maxActiveSessions": False},
            [],
            "ok",
        ],
    )
    async def test_wrong_types_return_400_invalid_json_body(self, client, admin, body):
        r = await create(client, body)
        assert r.status_code == 400
        assert r.json() == {"message": "invalid json body"}
        assert await groups(client) == []

    async def test_writes_create_audit_with_the_name(self, client, admin, audit):
        r = await create(client, {"name": " night shift ", "maxActiveSessions": 2})
        [entry] = await audit("auth_groups.create")
        assert (entry.actor_user_id, entry.actor_role) == (admin.id, "admin")
        assert (entry.target_type, entry.target_id) == ("auth_group", r.json()["id"])
        assert entry.metadata_ == {"name": "night shift"}

    async def test_rejected_create_writes_no_audit(self, client, admin, audit):
        await create(client, {"name": " "})
        assert await audit("auth_groups.create") == []


class TestUpdateGroup:
    async def test_renames_with_trimmed_name(self, client, db, admin):
        group = await make_session_group(db, name="old", max_active_sessions=3)
        r = await update(client, group.id, {"name": "  new  "})
        assert r.status_code == 200, r.text
        assert r.json() == {"ok": True}
        assert await groups(client) == [{"id": group.id, "name": "new", "maxActiveSessions": 3}]

    async def test_renaming_to_its_own_name_is_ok(self, client, db, admin):
        group = await make_session_group(db, name="same")
        r = await update(client, group.id, {"name": "same"})
        assert r.status_code == 200, r.text

    @pytest.mark.parametrize("name", ["", "   "])
    async def test_blank_name_returns_400_name_cannot_be_empty(self, client, db, admin, name):
        group = await make_session_group(db, name="kept")
        r = await update(client, group.id, {"name": name, "maxActiveSessions": 4})
        assert r.status_code == 400
        assert r.json() == {"message": "name cannot be empty"}
        assert await groups(client) == [{"id": group.id, "name": "kept"}]

    async def test_taken_name_returns_409(self, client, db, admin):
        await make_session_group(db, name="taken")
        group = await make_session_group(db, name="mine")
        r = await update(client, group.id, {"name": " taken "})
        assert r.status_code == 409
        assert r.json() == {"message": "group name already exists"}

    async def test_unknown_group_with_name_returns_404(self, client, admin):
        r = await update(client, "asg_missing", {"name": "anything"})
        assert r.status_code == 404
        assert r.json() == {"message": "group not found"}

    async def test_unknown_group_with_limit_returns_404(self, client, admin):
        r = await update(client, "asg_missing", {"maxActiveSessions": 2})
        assert r.status_code == 404
        assert r.json() == {"message": "group not found"}

    async def test_sets_a_limit_on_a_group_without_one(self, client, db, admin):
        group = await make_session_group(db, name="g")
        assert (await update(client, group.id, {"maxActiveSessions": 6})).status_code == 200
        assert await groups(client) == [{"id": group.id, "name": "g", "maxActiveSessions": 6}]

    async def test_sets_a_limit_on_a_group_with_a_null_limit_row(self, client, db, admin):
        group = await make_session_group(db, name="g", null_limit_row=True)
        assert (await update(client, group.id, {"maxActiveSessions": 6})).status_code == 200
        assert await groups(client) == [{"id": group.id, "name": "g", "maxActiveSessions": 6}]

    @pytest.mark.parametrize(("sent", "stored"), [(7, 7), (0, 1), (-1, 1), (51, 50)])
    async def test_replaces_the_limit_clamped(self, client, db, admin, sent, stored):
        group = await make_session_group(db, name="g", max_active_sessions=3)
        assert (await update(client, group.id, {"maxActiveSessions": sent})).status_code == 200
        assert await groups(client) == [{"id": group.id, "name": "g", "maxActiveSessions": stored}]

    async def test_renames_and_sets_limit_together(self, client, db, admin):
        group = await make_session_group(db, name="g")
        assert (await update(client, group.id, {"name": "h", "maxActiveSessions": 2})).status_code == 200
        assert await groups(client) == [{"id": group.id, "name": "h", "maxActiveSessions": 2}]

    async def test_null_limit_leaves_the_limit(self, client, db, admin):
        group = await make_session_group(db, name="g", max_active_sessions=3)
        assert (await update(client, group.id, {"maxActiveSessions": None})).status_code == 200
        assert await groups(client) == [{"id": group.id, "name": "g", "maxActiveSessions": 3}]

    async def test_empty_body_is_a_no_op(self, client, db, admin):
        group = await make_session_group(db, name="g", max_active_sessions=3)
        r = await update(client, group.id, {})
        assert r.status_code == 200, r.text
        assert r.json() == {"ok": True}
        assert await groups(client) == [{"id": group.id, "name": "g", "maxActiveSessions": 3}]

    @pytest.mark.parametrize(
        "body", [{"name": 1}, {"maxActiveSessions": "2"}, {"maxActiveSessions": 2.5}, {"name": {}}, [], 3]
    )
    async def test_wrong_types_return_400_invalid_json_body(self, client, db, admin, body):
        group = await make_session_group(db, name="g")
        r = await update(client, group.id, body)
        assert r.status_code == 400
        assert r.json() == {"message": "invalid json body"}

    async def test_writes_update_audit(self, client, db, admin, audit):
        group = await make_session_group(db, name="g")
        assert (await update(client, group.id, {"maxActiveSessions": 2})).status_code == 200
        [entry] = await audit("auth_groups.update")
        assert (entry.actor_user_id, entry.actor_role) == (admin.id, "admin")
        assert (entry.target_type, entry.target_id) == ("auth_group", group.id)

    async def test_rejected_update_writes_no_audit(self, client, admin, audit):
        await update(client, "asg_missing", {"maxActiveSessions": 2})
        assert await audit("auth_groups.update") == []


class TestAddGroupMember:
    async def test_adds_the_user(self, client, db, identity, admin):
        user = await make_user(db, identity)
        group = await make_session_group(db, name="g", max_active_sessions=2)
        r = await add_member(client, group.id, {"userId": user.id})
        assert r.status_code == 200, r.text
        assert r.json() == {"ok": True}
        assert await user_groups(client, user.id) == [{"id": group.id, "name": "g", "maxActiveSessions": 2}]

    async def test_user_id_is_trimmed(self, client, db, identity, admin):
        user = await make_user(db, identity)
        group = await make_session_group(db)
        assert (await add_member(client, group.id, {"userId": f"  {user.id} "})).status_code == 200
        assert [g["id"] for g in await user_groups(client, user.id)] == [group.id]

    async def test_adding_twice_is_ok_and_keeps_one_membership(self, client, db, identity, admin):
        user = await make_user(db, identity)
        group = await make_session_group(db)
        assert (await add_member(client, group.id, {"userId": user.id})).status_code == 200
        r = await add_member(client, group.id, {"userId": user.id})
        assert r.status_code == 200, r.text
        assert len(await user_groups(client, user.id)) == 1

    async def test_membership_makes_the_group_limit_apply(self, client, db, identity, admin):
        user = await make_user(db, identity)
        group = await make_session_group(db, max_active_sessions=2)
        assert (await add_member(client, group.id, {"userId": user.id})).status_code == 200
        r = await client.get(f"/admin/users/{user.id}/session-limit")
        assert r.json() == {"effectiveMaxActiveSessions": 2, "groupMaxActiveSessions": 2}

    @pytest.mark.parametrize("body", [{"userId": ""}, {"userId": "  "}, {}, {"userId": None}])
    async def test_blank_user_id_returns_400_user_id_is_required(self, client, db, admin, body):
        group = await make_session_group(db)
        r = await add_member(client, group.id, body)
        assert r.status_code == 400
        assert r.json() == {"message": "userId is required"}

    async def test_unknown_user_returns_400_failed_to_add_member(self, client, db, admin):
        group = await make_session_group(db)
        r = await add_member(client, group.id, {"userId": "usr_missing"})
        assert r.status_code == 400
        assert r.json() == {"message": "failed to add member"}

    async def test_unknown_group_returns_400_failed_to_add_member(self, client, db, identity, admin):
        user = await make_user(db, identity)
        r = await add_member(client, "asg_missing", {"userId": user.id})
        assert r.status_code == 400
        assert r.json() == {"message": "failed to add member"}

    @pytest.mark.parametrize("body", [{"userId": 5}, {"userId": ["usr_x"]}, {"userId": True}, [], "usr_x"])
    async def test_wrong_types_return_400_invalid_json_body(self, client, db, admin, body):
        group = await make_session_group(db)
        r = await add_member(client, group.id, body)
        assert r.status_code == 400
        assert r.json() == {"message": "invalid json body"}

    async def test_writes_add_member_audit(self, client, db, identity, admin, audit):
        user = await make_user(db, identity)
        group = await make_session_group(db)
        assert (await add_member(client, group.id, {"userId": f" {user.id} "})).status_code == 200
        [entry] = await audit("auth_groups.add_member")
        assert (entry.actor_user_id, entry.actor_role) == (admin.id, "admin")
        assert (entry.target_type, entry.target_id) == ("auth_group", group.id)
        assert entry.metadata_ == {"userId": user.id}

    async def test_rejected_add_writes_no_audit(self, client, db, admin, audit):
        group = await make_session_group(db)
        await add_member(client, group.id, {"userId": "usr_missing"})
        assert await audit("auth_groups.add_member") == []


class TestRemoveGroupMember:
    async def test_removes_the_user(self, client, db, identity, admin):
        user = await make_user(db, identity)
        group = await make_session_group(db, members=(user,))
        kept = await make_session_group(db, members=(user,))
        r = await remove_member(client, group.id, user.id)
        assert r.status_code == 200, r.text
        assert r.json() == {"ok": True}
        assert [g["id"] for g in await user_groups(client, user.id)] == [kept.id]

    async def test_non_member_returns_ok(self, client, db, identity, admin):
        user = await make_user(db, identity)
        group = await make_session_group(db)
        r = await remove_member(client, group.id, user.id)
        assert r.status_code == 200, r.text
        assert r.json() == {"ok": True}

    async def test_unknown_group_and_user_return_ok(self, client, admin):
        r = await remove_member(client, "asg_missing", "usr_missing")
        assert r.status_code == 200, r.text
        assert r.json() == {"ok": True}

    async def test_leaves_other_members(self, client, db, identity, admin):
        user = await make_user(db, identity)
        other = await make_user(db, identity)
        group = await make_session_group(db, members=(user, other))
        assert (await remove_member(client, group.id, user.id)).status_code == 200
        assert [g["id"] for g in await user_groups(client, other.id)] == [group.id]

    async def test_writes_remove_member_audit(self, client, db, identity, admin, audit):
        user = await make_user(db, identity)
        group = await make_session_group(db, members=(user,))
        assert (await remove_member(client, group.id, user.id)).status_code == 200
        [entry] = await audit("auth_groups.remove_member")
        assert (entry.actor_user_id, entry.actor_role) == (admin.id, "admin")
        assert (entry.target_type, entry.target_id) == ("auth_group", group.id)
        assert entry.metadata_ == {"userId": user.id}


class TestListUserGroups:
    async def test_lists_the_users_groups_by_name(self, client, db, identity, admin):
        user = await make_user(db, identity)
        other = await make_user(db, identity)
        zed = await make_session_group(db, name="zed", max_active_sessions=4, members=(user,))
        ant = await make_session_group(db, name="ant", members=(user, other))
        await make_session_group(db, name="mid", members=(other,))
        assert await user_groups(client, user.id) == [
            {"id": ant.id, "name": "ant"},
            {"id": zed.id, "name": "zed", "maxActiveSessions": 4},
        ]

    async def test_user_without_groups_returns_empty_items(self, client, db, identity, admin):
        user = await make_user(db, identity)
        await make_session_group(db)
        assert await user_groups(client, user.id) == []

    async def test_unknown_user_returns_empty_items(self, client, admin):
        assert await user_groups(client, "usr_missing") == []
