"""Activities and the community listing through HTTP (codemm.md §5)."""

import re

import pytest

from tests.factories import make_activity, make_problem, make_user
from tests.login import bearer, codemm_token

SQLITE_TS = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
ISO_MS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


@pytest.fixture
async def owner(db, identity):
    return await make_user(db, identity)


@pytest.fixture
async def owner_headers(client, owner):
    return bearer(await codemm_token(client, email=owner.email))


@pytest.fixture
async def stranger_headers(client, db, identity):
    stranger = await make_user(db, identity)
    return bearer(await codemm_token(client, email=stranger.email))


class TestOwnActivities:
    async def test_list_shows_only_the_callers_activities_newest_first(
        self, client, db, owner, owner_headers, frozen_clock, identity
    ):
        first = await make_activity(db, owner=owner)
        frozen_clock.advance(seconds=5)
        second = await make_activity(db, owner=owner, problems=[make_problem(), make_problem()])
        await make_activity(db, owner=await make_user(db, identity))
        r = await client.get("/activities", headers=owner_headers)
        assert r.status_code == 200
        items = r.json()["activities"]
        assert [a["id"] for a in items] == [second.id, first.id]
        assert items[0] == {
            "id": second.id,
            "title": "Activity (2 problems)",
            "prompt": "",
            "problemCount": 2,
            "status": "DRAFT",
            "timeLimitSeconds": None,
            "communityPublishedAt": None,
            "createdAt": items[0]["createdAt"],
        }
        assert SQLITE_TS.fullmatch(items[0]["createdAt"])

    async def test_list_needs_a_token(self, client):
        r = await client.get("/activities")
        assert r.status_code == 401 and r.json() == {"error": "Access token required"}

    async def test_owner_reads_a_draft_with_its_problems_and_suites(self, client, db, owner, owner_headers):
        problem = make_problem(test_suite="import pytest\n")
        activity = await make_activity(db, owner=owner, problems=[problem])
        r = await client.get(f"/activities/{activity.id}", headers=owner_headers)
        body = r.json()["activity"]
        assert body["problems"] == [problem] and body["status"] == "DRAFT"
        assert body["communityTags"] == [] and body["communitySummary"] is None

    async def test_a_draft_is_hidden_from_others_and_a_published_one_is_not(
        self, client, db, owner, stranger_headers
    ):
        draft = await make_activity(db, owner=owner)
        published = await make_activity(db, owner=owner, published=True)
        for headers in (stranger_headers, {}):
            r = await client.get(f"/activities/{draft.id}", headers=headers)
            assert r.status_code == 403
            assert r.json() == {"error": "You are not authorized to access this activity."}
            r = await client.get(f"/activities/{published.id}", headers=headers)
            assert r.status_code == 200 and r.json()["activity"]["status"] == "PUBLISHED"

    async def test_unknown_activity_is_404(self, client, owner_headers):
        r = await client.get("/activities/nope", headers=owner_headers)
        assert r.status_code == 404 and r.json() == {"error": "Activity not found."}


class TestPatch:
    async def test_title_is_trimmed_and_the_limit_set_then_cleared(self, client, db, owner, owner_headers):
        activity = await make_activity(db, owner=owner)
        r = await client.patch(
            f"/activities/{activity.id}",
            json={"title": "  Loops  ", "timeLimitSeconds": 900},
            headers=owner_headers,
        )
        assert r.status_code == 200
        assert r.json()["activity"]["title"] == "Loops" and r.json()["activity"]["timeLimitSeconds"] == 900
        r = await client.patch(
            f"/activities/{activity.id}", json={"timeLimitSeconds": None}, headers=owner_headers
        )
        assert r.json()["activity"]["timeLimitSeconds"] is None and r.json()["activity"]["title"] == "Loops"

    async def test_an_empty_body_changes_nothing(self, client, db, owner, owner_headers):
        activity = await make_activity(db, owner=owner)
        r = await client.patch(f"/activities/{activity.id}", json={}, headers=owner_headers)
        assert r.status_code == 200 and r.json()["activity"]["title"] == activity.title

    @pytest.mark.parametrize(
        "body",
        [
            {"title": ""},
            {"title": "x" * 161},
            {"timeLimitSeconds": 28_801},
            {"timeLimitSeconds": -1},
            {"extra": 1},
        ],
    )
    async def test_invalid_bodies_are_400_and_change_nothing(self, client, db, owner, owner_headers, body):
        activity = await make_activity(db, owner=owner)
        r = await client.patch(f"/activities/{activity.id}", json=body, headers=owner_headers)
        assert r.status_code == 400 and set(r.json()) == {"error"}
        r = await client.get(f"/activities/{activity.id}", headers=owner_headers)
        assert r.json()["activity"]["title"] == activity.title

    async def test_only_the_owner_edits_and_only_drafts(
        self, client, db, owner, owner_headers, stranger_headers
    ):
        activity = await make_activity(db, owner=owner)
        r = await client.patch(f"/activities/{activity.id}", json={"title": "x"}, headers=stranger_headers)
        assert r.status_code == 403 and r.json() == {"error": "You are not authorized to edit this activity."}
        await client.post(f"/activities/{activity.id}/publish", headers=owner_headers)
        r = await client.patch(f"/activities/{activity.id}", json={"title": "x"}, headers=owner_headers)
        assert r.status_code == 409 and r.json() == {"error": "This activity has already been published."}


class TestPublishing:
    async def test_publish_is_idempotent_and_owner_only(
        self, client, db, owner, owner_headers, stranger_headers
    ):
        activity = await make_activity(db, owner=owner)
        r = await client.post(f"/activities/{activity.id}/publish", headers=stranger_headers)
        assert r.status_code == 403 and r.json() == {
            "error": "You are not authorized to publish this activity."
        }
        for _ in range(2):
            r = await client.post(f"/activities/{activity.id}/publish", headers=owner_headers)
            assert r.status_code == 200 and r.json() == {"ok": True}

    async def test_community_sharing_needs_a_published_activity(self, client, db, owner, owner_headers):
        activity = await make_activity(db, owner=owner)
        r = await client.post(f"/activities/{activity.id}/community/publish", json={}, headers=owner_headers)
        assert r.status_code == 409
        assert r.json() == {"error": "Publish the activity first before sharing it to the community."}

    async def test_sharing_keeps_its_first_time_and_replaces_only_given_fields(
        self, client, db, owner, owner_headers, frozen_clock
    ):
        activity = await make_activity(db, owner=owner, published=True)
        path = f"/activities/{activity.id}/community/publish"
        r = await client.post(
            path, json={"summary": " Warm-ups ", "tags": [" loops ", "arrays"]}, headers=owner_headers
        )
        assert r.status_code == 200 and r.json()["ok"] is True
        first = r.json()["communityPublishedAt"]
        assert ISO_MS.fullmatch(first)
        frozen_clock.advance(seconds=60)
        r = await client.post(path, json={"tags": ["dp"]}, headers=owner_headers)
        assert r.json()["communityPublishedAt"] == first
        detail = (await client.get(f"/community/activities/{activity.id}")).json()["activity"]
        assert detail["communitySummary"] == "Warm-ups" and detail["communityTags"] == ["dp"]

    @pytest.mark.parametrize(
        "body",
        [{"summary": ""}, {"tags": ["x" * 25]}, {"tags": [str(i) for i in range(11)]}, {"other": True}],
    )
    async def test_invalid_sharing_bodies_are_400(self, client, db, owner, owner_headers, body):
        activity = await make_activity(db, owner=owner, published=True)
        r = await client.post(
            f"/activities/{activity.id}/community/publish", json=body, headers=owner_headers
        )
        assert r.status_code == 400 and set(r.json()) == {"error"}

    async def test_unpublish_removes_it_from_the_listing(
        self, client, db, owner, owner_headers, stranger_headers
    ):
        activity = await make_activity(db, owner=owner, community=True)
        r = await client.post(f"/activities/{activity.id}/community/unpublish", headers=stranger_headers)
        assert r.status_code == 403 and r.json() == {
            "error": "You are not authorized to unpublish this activity."
        }
        r = await client.post(f"/activities/{activity.id}/community/unpublish", headers=owner_headers)
        assert r.json() == {"ok": True}
        assert (await client.get(f"/community/activities/{activity.id}")).status_code == 404


class TestCommunity:
    async def test_lists_shared_published_activities_with_their_author_and_pages(
        self, client, db, owner, frozen_clock
    ):
        shared = []
        for _ in range(3):
            shared.append(await make_activity(db, owner=owner, community=True))
            frozen_clock.advance(seconds=1)
        await make_activity(db, owner=owner, published=True)
        r = await client.get("/community/activities", params={"limit": "2"})
        body = r.json()
        assert [a["id"] for a in body["activities"]] == [shared[2].id, shared[1].id]
        assert body["nextOffset"] == 2
        username = owner.email.split("@")[0]
        assert body["activities"][0]["author"] == {"username": username, "displayName": username}
        assert body["activities"][0]["problemCount"] == 1
        r = await client.get("/community/activities", params={"limit": 2, "offset": 2})
        assert [a["id"] for a in r.json()["activities"]] == [shared[0].id] and r.json()["nextOffset"] is None

    @pytest.mark.parametrize(
        "params", [{"limit": 0}, {"limit": 51}, {"offset": -1}, {"limit": "x"}, {"page": 1}]
    )
    async def test_bad_paging_is_400(self, client, params):
        r = await client.get("/community/activities", params=params)
        assert r.status_code == 400 and set(r.json()) == {"error"}

    async def test_detail_only_for_shared_published_activities(self, client, db, owner):
        shared = await make_activity(db, owner=owner, community=True)
        r = await client.get(f"/community/activities/{shared.id}")
        assert r.status_code == 200 and r.json()["activity"]["author"]["username"]
        draft = await make_activity(db, owner=owner)
        r = await client.get(f"/community/activities/{draft.id}")
        assert r.status_code == 404 and r.json() == {"error": "Community activity not found."}


async def test_a_nul_character_is_bad_input_where_the_database_refuses_it(client, db, owner, owner_headers):
    """PostgreSQL refuses NUL in text: a 400 that changes nothing, never a 500 (SQLite stores it)."""
    activity = await make_activity(db, owner=owner)
    r = await client.patch(f"/activities/{activity.id}", json={"title": "a\u0000b"}, headers=owner_headers)
    if db.is_sqlite:
        assert r.status_code == 200
    else:
        assert r.status_code == 400 and r.json() == {"error": "Text must not contain NUL characters."}
        after = (await client.get(f"/activities/{activity.id}", headers=owner_headers)).json()["activity"]
        assert after["title"] == activity.title
