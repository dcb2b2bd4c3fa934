"""The ACE web app's exam sessions over HTTP (ace.md §8): heartbeats, list, get, submit, events."""

import asyncio
import uuid
from datetime import datetime

import pytest

from tests.actors import Actor, assert_error
from tests.api.exams.conftest import heartbeat, stored_events, stored_session
from tests.factories import make_enrollment, make_exam_package
from tests.login import csrf_headers


def ace_time(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


SNAPSHOT = {
    "sessionId": "s",
    "sections": [{"id": "verbal", "title": "Verbal", "items": []}],
    "activeSectionIndex": 0,
    "activeItemIndex": 3,
    "responses": {"q1": {"answer": "B", "ts": "2026-01-01T00:00:00Z", "correct": True}},
    "draftAnswer": "",
    "lastLocalPersistedAt": 1767225600000,
    "lastHeartbeatAttemptAt": None,
}


@pytest.fixture
async def package(db, student):
    package = await make_exam_package(db)
    await make_enrollment(db, user=student.user, package=package)
    return package


def new_session_id() -> str:
    return str(uuid.uuid4())


class TestHeartbeat:
    async def test_first_heartbeat_creates_the_session_with_the_client_id(
        self, student, package, frozen_clock
    ):
        sid = new_session_id()
        r = await heartbeat(student, sid, sessionId=sid, examPackageId=None, ts="x", snapshot=SNAPSHOT)
        assert r.status_code == 200, r.text
        assert r.json() == {"ok": True, "serverTs": ace_time(frozen_clock.now)}
        got = (await student.get(f"/exam-sessions/{sid}")).json()
        now = ace_time(frozen_clock.now)
        assert got == {
            "sessionId": sid,
            "examPackageId": package.id,
            "status": "active",
            "createdAt": now,
            "updatedAt": now,
            "lastHeartbeatAt": now,
            "snapshot": SNAPSHOT,
        }

    async def test_next_heartbeat_replaces_the_snapshot_and_moves_the_times(
        self, student, package, frozen_clock
    ):
        sid = new_session_id()
        created = frozen_clock.now
        await heartbeat(student, sid, snapshot={"n": 1})
        frozen_clock.advance(seconds=15)
        r = await heartbeat(student, sid, snapshot={"n": 2})
        assert r.status_code == 200
        got = (await student.get(f"/exam-sessions/{sid}")).json()
        assert got["snapshot"] == {"n": 2}
        assert got["createdAt"] == ace_time(created)
        assert got["lastHeartbeatAt"] == got["updatedAt"] == ace_time(frozen_clock.now)

    async def test_snapshot_values_come_back_exactly(self, student, package):
        """Stored verbatim: integers past 64 bits, floats, non-ASCII text, nesting."""
        snapshot = {
            "big": 2**70,
            "negative": -(2**63),
            "ratio": 0.1,
            "text": "Ünïcode ✓ 漢字",
            "deep": [[{}]],
        }
        sid = new_session_id()
        await heartbeat(student, sid, snapshot=snapshot)
        assert (await student.get(f"/exam-sessions/{sid}")).json()["snapshot"] == snapshot
        smaller = {**snapshot, "big": 2**62}  # within orjson's range
        await heartbeat(student, sid, snapshot=smaller)
        assert (await student.get(f"/exam-sessions/{sid}")).json()["snapshot"] == smaller

    async def test_absent_snapshot_is_stored_as_empty_object_and_null_as_null(self, student, package):
        absent, null = new_session_id(), new_session_id()
        await heartbeat(student, absent)
        await heartbeat(student, null, snapshot=None)
        assert (await student.get(f"/exam-sessions/{absent}")).json()["snapshot"] == {}
        assert (await student.get(f"/exam-sessions/{null}")).json()["snapshot"] is None

    async def test_body_session_id_must_match_the_path(self, student, package):
        r = await heartbeat(student, "a", sessionId="b")
        assert_error(r, 400, "sessionId mismatch")
        assert_error(await student.get("/exam-sessions/a"), 404, "session not found")

    async def test_malformed_body_is_invalid_json(self, student, package):
        r = await student.client.post(
            "/exam-sessions/x/heartbeat",
            content=b"{not json",
            headers={"content-type": "application/json", **csrf_headers(student.client)},
        )
        assert_error(r, 400, "invalid json body")
        r = await student.post("/exam-sessions/x/heartbeat", {"ts": 5})
        assert_error(r, 400, "invalid json body")
        r = await student.post("/exam-sessions/x/heartbeat", {"seq": -1})
        assert_error(r, 400, "invalid json body")

    async def test_without_enrollment_is_403(self, student):
        assert_error(await heartbeat(student, "x"), 403, "not enrolled")

    async def test_with_several_enrollments_the_package_is_required(self, db, student, package):
        await make_enrollment(db, user=student.user, package=await make_exam_package(db))
        r = await heartbeat(student, "x")
        assert_error(r, 400, "examPackageId is required when enrolled in multiple packages")
        assert (await heartbeat(student, "x", examPackageId=package.id)).status_code == 200

    async def test_another_package_than_the_sessions_is_409(self, db, student, package):
        other = await make_exam_package(db)
        await make_enrollment(db, user=student.user, package=other)
        await heartbeat(student, "x", examPackageId=package.id, snapshot={"n": 1})
        r = await heartbeat(student, "x", examPackageId=other.id, snapshot={"n": 2})
        assert_error(r, 409, "examPackageId mismatch")
        assert (await student.get("/exam-sessions/x")).json()["snapshot"] == {"n": 1}

    async def test_after_submit_is_409_and_changes_nothing(self, student, package):
        await heartbeat(student, "x", snapshot={"n": 1})
        assert (await student.post("/exam-sessions/x/submit")).status_code == 200
        assert_error(await heartbeat(student, "x", snapshot={"n": 2}), 409, "session is not active")
        got = (await student.get("/exam-sessions/x")).json()
        assert got["snapshot"] == {"n": 1}
        assert got["status"] == "finished"

    async def test_huge_snapshot_is_413_and_nothing_is_stored(self, student, package):
        await heartbeat(student, "x", snapshot={"n": 1})
        r = await heartbeat(student, "x", snapshot={"blob": "x" * (300 * 1024)})
        assert_error(r, 413, "snapshot too large")
        assert (await student.get("/exam-sessions/x")).json()["snapshot"] == {"n": 1}

    async def test_a_very_long_session_id_is_refused(self, student, package):
        r = await heartbeat(student, "x" * 129)
        assert_error(r, 400, "sessionId must be at most 128 characters")

    async def test_answers_belong_to_attempts_only(self, student, package):
        r = await heartbeat(student, "x", answers={"q": "c"})
        assert_error(r, 400, "answers are only accepted for exam attempts")
        assert_error(await student.get("/exam-sessions/x"), 404, "session not found")

    async def test_client_timestamps_are_ignored(self, student, package, frozen_clock):
        r = await heartbeat(student, "x", ts="2099-01-01T00:00:00Z")
        assert r.json()["serverTs"] == ace_time(frozen_clock.now)
        assert (await student.get("/exam-sessions/x")).json()["lastHeartbeatAt"] == ace_time(frozen_clock.now)


class TestOrderedHeartbeats:
    async def test_seq_is_acknowledged(self, student, package, frozen_clock):
        r = await heartbeat(student, "x", seq=1, snapshot={"n": 1})
        assert r.json() == {"ok": True, "serverTs": ace_time(frozen_clock.now), "applied": True, "seq": 1}

    async def test_a_stale_heartbeat_never_overwrites_a_newer_snapshot(self, student, package):
        await heartbeat(student, "x", seq=1, snapshot={"n": 1})
        await heartbeat(student, "x", seq=3, snapshot={"n": 3})
        stale = await heartbeat(student, "x", seq=2, snapshot={"n": 2})
        assert stale.status_code == 200
        assert stale.json()["applied"] is False
        assert stale.json()["seq"] == 3
        assert (await student.get("/exam-sessions/x")).json()["snapshot"] == {"n": 3}

    async def test_a_replayed_heartbeat_changes_nothing(self, db, student, package, frozen_clock):
        await heartbeat(student, "x", seq=1, snapshot={"n": 1})
        first = await stored_session(db, student.user.id, "x")
        frozen_clock.advance(seconds=20)
        replay = await heartbeat(student, "x", seq=1, snapshot={"n": 1})
        assert replay.json()["applied"] is False
        again = await stored_session(db, student.user.id, "x")
        assert (again.revision, again.updated_at, again.heartbeat_count) == (
            first.revision,
            first.updated_at,
            first.heartbeat_count,
        )

    async def test_concurrent_heartbeats_keep_the_highest_seq(self, db, student, package):
        await heartbeat(student, "x", seq=0, snapshot={"n": 0})
        replies = await asyncio.gather(
            *(heartbeat(student, "x", seq=n, snapshot={"n": n}) for n in range(1, 9))
        )
        assert all(r.status_code == 200 for r in replies)
        got = await stored_session(db, student.user.id, "x")
        assert got.client_seq == 8
        assert got.snapshot == {"n": 8}


class TestListSessions:
    async def test_lists_own_sessions_latest_heartbeat_first_with_exact_keys(
        self, student, other_student, package, db, frozen_clock
    ):
        await make_enrollment(db, user=other_student.user, package=package)
        await heartbeat(student, "old")
        frozen_clock.advance(seconds=5)
        await heartbeat(student, "new")
        await heartbeat(other_student, "theirs")
        await student.post("/exam-sessions/old/submit")
        body = (await student.get("/exam-sessions")).json()
        assert body["limit"] == 20 and body["offset"] == 0 and body["hasMore"] is False
        assert [item["sessionId"] for item in body["items"]] == ["new", "old"]
        assert set(body["items"][0]) == {
            "sessionId",
            "examPackageId",
            "status",
            "createdAt",
            "updatedAt",
            "lastHeartbeatAt",
        }
        assert body["items"][1]["submittedAt"] == ace_time(frozen_clock.now)

    async def test_filters_by_status_and_pages(self, student, package):
        for sid in ("a", "b", "c"):
            await heartbeat(student, sid)
        await student.post("/exam-sessions/b/submit")
        finished = (await student.get("/exam-sessions", status="finished")).json()["items"]
        assert [i["sessionId"] for i in finished] == ["b"]
        page = (await student.get("/exam-sessions", limit="1")).json()
        assert len(page["items"]) == 1 and page["hasMore"] is True

    async def test_unknown_status_is_400(self, student):
        assert_error(await student.get("/exam-sessions", status="Active"), 400, "invalid status")


class TestGetSession:
    async def test_another_students_session_is_not_found(self, db, student, other_student, package):
        await make_enrollment(db, user=other_student.user, package=package)
        await heartbeat(other_student, "theirs")
        assert_error(await student.get("/exam-sessions/theirs"), 404, "session not found")

    async def test_needs_a_student(self, admin):
        assert_error(await admin.get("/exam-sessions/x"), 403, "forbidden")


class TestSubmitSession:
    async def test_submit_is_idempotent_and_keeps_the_first_submit_time(self, student, package, frozen_clock):
        await heartbeat(student, "x", snapshot={"n": 1})
        first = await student.post("/exam-sessions/x/submit")
        assert first.status_code == 200
        submitted = ace_time(frozen_clock.now)
        frozen_clock.advance(seconds=30)
        again = (await student.post("/exam-sessions/x/submit")).json()
        assert again["status"] == "finished"
        assert again["submittedAt"] == submitted
        assert again["updatedAt"] == ace_time(frozen_clock.now)
        assert again["snapshot"] == {"n": 1}

    async def test_unknown_or_other_students_session_is_404(self, db, student, other_student, package):
        await make_enrollment(db, user=other_student.user, package=package)
        await heartbeat(other_student, "theirs")
        assert_error(await student.post("/exam-sessions/nope/submit"), 404, "session not found")
        assert_error(await student.post("/exam-sessions/theirs/submit"), 404, "session not found")
        assert (await other_student.get("/exam-sessions/theirs")).json()["status"] == "active"


class TestEvents:
    async def test_stores_the_event_with_server_time(self, db, student, package, frozen_clock):
        await heartbeat(student, "x")
        r = await student.post(
            "/exam-sessions/x/events",
            {"eventType": " window_blur ", "ts": "2000-01-01T00:00:00Z", "payload": {"a": 1}},
        )
        assert r.status_code == 200 and r.json() == {"ok": True}
        await student.post("/exam-sessions/x/events", {"eventType": "visibility_hidden"})
        await student.post("/exam-sessions/x/events", {"eventType": "visibility_visible", "payload": None})
        events = await stored_events(db, student.user.id, "x")
        assert [(e.event_type, e.payload, e.source) for e in events] == [
            ("window_blur", {"a": 1}, "client"),
            ("visibility_hidden", {}, "client"),
            ("visibility_visible", None, "client"),
        ]
        assert all(e.created_at == frozen_clock.now for e in events)

    @pytest.mark.parametrize(
        ("body", "message"),
        [
            ({}, "eventType is required"),
            ({"eventType": "  "}, "eventType is required"),
            ({"eventType": "x" * 65}, "eventType must be at most 64 printable characters"),
            ({"eventType": "bad\ntype"}, "eventType must be at most 64 printable characters"),
            ({"eventType": "server.submitted"}, "eventType is reserved"),
            ({"eventType": "admin.terminate"}, "eventType is reserved"),
        ],
    )
    async def test_malformed_events_are_400_and_not_stored(self, db, student, package, body, message):
        await heartbeat(student, "x")
        assert_error(await student.post("/exam-sessions/x/events", body), 400, message)
        assert await stored_events(db, student.user.id, "x") == []

    async def test_a_huge_payload_is_413(self, db, student, package):
        await heartbeat(student, "x")
        r = await student.post("/exam-sessions/x/events", {"eventType": "blur", "payload": "x" * 5000})
        assert_error(r, 413, "payload too large")
        assert await stored_events(db, student.user.id, "x") == []

    async def test_before_the_first_heartbeat_is_404(self, student, package):
        r = await student.post("/exam-sessions/x/events", {"eventType": "window_blur"})
        assert_error(r, 404, "session not found")

    async def test_events_after_the_end_are_acknowledged_and_not_stored(self, db, student, package):
        await heartbeat(student, "x")
        await student.post("/exam-sessions/x/submit")
        r = await student.post("/exam-sessions/x/events", {"eventType": "window_blur"})
        assert r.status_code == 200
        assert [e.event_type for e in await stored_events(db, student.user.id, "x")] == ["server.submitted"]


async def test_a_student_cannot_touch_another_students_session(
    db, student: Actor, other_student: Actor, package
):
    await make_enrollment(db, user=other_student.user, package=package)
    await heartbeat(other_student, "shared-id", snapshot={"mine": True})
    # The same client-chosen id is a different session for another student (the key is per user).
    assert (await heartbeat(student, "shared-id", snapshot={"theirs": True})).status_code == 200
    assert (await other_student.get("/exam-sessions/shared-id")).json()["snapshot"] == {"mine": True}
