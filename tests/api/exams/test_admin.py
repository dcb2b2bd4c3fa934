"""Admin oversight of exam sessions and attempts over HTTP (ace.md §11.11-11.13): list, detail,
force-submit, terminate, invalidate, flags, the timeline (admin and server entries included) and the
integrity summary."""

from datetime import datetime

import pytest

from tests.actors import Actor, assert_error
from tests.api.exams.conftest import audit_entries, heartbeat, start_attempt, stored_session
from tests.factories import make_enrollment, make_exam_package


def ace_time(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
async def package(db, student):
    package = await make_exam_package(db)
    await make_enrollment(db, user=student.user, package=package)
    return package


def base(student: Actor, session_id: str) -> str:
    return f"/admin/exam-sessions/{student.user.id}/{session_id}"


class TestListSessions:
    async def test_lists_every_students_sessions_with_exact_keys(
        self, db, admin, student, other_student, package, frozen_clock
    ):
        await make_enrollment(db, user=other_student.user, package=package)
        await heartbeat(student, "a")
        frozen_clock.advance(seconds=1)
        await heartbeat(other_student, "b")
        body = (await admin.get("/admin/exam-sessions")).json()
        assert [(i["userEmail"], i["sessionId"]) for i in body["items"]] == [
            (other_student.user.email, "b"),
            (student.user.email, "a"),
        ]
        assert set(body["items"][0]) == {
            "userId",
            "userEmail",
            "sessionId",
            "status",
            "createdAt",
            "updatedAt",
            "lastHeartbeatAt",
        }

    async def test_status_is_trimmed_and_lowercased(self, admin, student, package):
        await heartbeat(student, "a")
        await student.post("/exam-sessions/a/submit")
        items = (await admin.get("/admin/exam-sessions", status=" FINISHED ")).json()["items"]
        assert [i["sessionId"] for i in items] == ["a"]
        assert items[0]["submittedAt"]
        assert_error(await admin.get("/admin/exam-sessions", status="done"), 400, "invalid status")

    async def test_needs_an_admin(self, student, instructor):
        assert_error(await student.get("/admin/exam-sessions"), 403, "forbidden")
        assert_error(await instructor.get("/admin/exam-sessions"), 403, "forbidden")


class TestSessionDetail:
    async def test_detail_has_reasons_and_the_snapshot(self, admin, student, package, frozen_clock):
        await heartbeat(student, "a", snapshot={"n": 1})
        got = (await admin.get(base(student, "a"))).json()
        now = ace_time(frozen_clock.now)
        assert got == {
            "userId": student.user.id,
            "userEmail": student.user.email,
            "sessionId": "a",
            "status": "active",
            "createdAt": now,
            "updatedAt": now,
            "lastHeartbeatAt": now,
            "terminationReason": "",
            "invalidationReason": "",
            "snapshot": {"n": 1},
        }

    async def test_unknown_session_is_404(self, admin, student):
        assert_error(await admin.get(base(student, "nope")), 404, "session not found")


class TestForceSubmit:
    async def test_finishes_a_session_and_audits(self, db, admin, student, package):
        await heartbeat(student, "a")
        r = await admin.post(f"{base(student, 'a')}/force-submit")
        assert r.status_code == 200 and r.json() == {"ok": True}
        assert (await student.get("/exam-sessions/a")).json()["status"] == "finished"
        [entry] = await audit_entries(db, "exam.force_submit")
        assert (entry.actor_user_id, entry.target_type, entry.target_id, entry.metadata_) == (
            admin.user.id,
            "exam_session",
            f"{student.user.id}:a",
            {},
        )

    async def test_scores_an_attempt_as_it_stands(self, db, admin, student, course, exam):
        attempt = await start_attempt(student, exam.id)
        aid = attempt["attemptId"]
        q1 = attempt["questions"][0]["id"]
        await student.post(
            f"/exam-attempts/{aid}/answers", {"answers": {q1: course.correct_choice(q1)}, "seq": 1}
        )
        assert (await admin.post(f"{base(student, aid)}/force-submit")).status_code == 200
        result = (await student.get(f"/exam-attempts/{aid}/result")).json()
        assert (result["correct"], result["total"], result["submitReason"]) == (1, 4, "admin")

    async def test_a_terminated_or_unknown_session_is_404(self, admin, student, package):
        await heartbeat(student, "a")
        await admin.post(f"{base(student, 'a')}/terminate")
        assert_error(await admin.post(f"{base(student, 'a')}/force-submit"), 404, "session not found")
        assert_error(await admin.post(f"{base(student, 'zz')}/force-submit"), 404, "session not found")


class TestTerminate:
    async def test_terminates_with_a_reason_and_heartbeats_get_409(
        self, db, admin, student, package, frozen_clock
    ):
        await heartbeat(student, "a", snapshot={"n": 1})
        r = await admin.post(f"{base(student, 'a')}/terminate", {"reason": "  phone on desk  "})
        assert r.status_code == 200
        got = (await admin.get(base(student, "a"))).json()
        assert got["status"] == "terminated"
        assert got["terminatedAt"] == ace_time(frozen_clock.now)
        assert got["terminatedByUserId"] == admin.user.id
        assert got["terminationReason"] == "phone on desk"
        assert_error(await heartbeat(student, "a", snapshot={"n": 2}), 409, "session is not active")
        assert (await stored_session(db, student.user.id, "a")).snapshot == {"n": 1}
        [entry] = await audit_entries(db, "exam.terminate")
        assert entry.metadata_ == {"reason": "phone on desk"}

    async def test_an_unreadable_body_means_no_reason(self, admin, student, package):
        await heartbeat(student, "a")
        r = await admin.client.post(
            f"{base(student, 'a')}/terminate",
            content=b"{oops",
            headers={"x-csrf-token": admin.client.cookies.get("ace_csrf", "")},
        )
        assert r.status_code == 200
        assert (await admin.get(base(student, "a"))).json()["terminationReason"] == ""

    async def test_a_terminated_attempt_refuses_answers_and_has_no_result(self, admin, student, course, exam):
        attempt = await start_attempt(student, exam.id)
        aid = attempt["attemptId"]
        q1 = attempt["questions"][0]["id"]
        await admin.post(f"{base(student, aid)}/terminate", {"reason": "left the room"})
        r = await student.post(
            f"/exam-attempts/{aid}/answers", {"answers": {q1: course.correct_choice(q1)}, "seq": 1}
        )
        assert_error(r, 409, "attempt is not active")
        assert_error(await heartbeat(student, aid, seq=1), 409, "session is not active")
        assert_error(await student.get(f"/exam-attempts/{aid}/result"), 409, "attempt was terminated")
        assert_error(await student.post(f"/exam-attempts/{aid}/submit"), 409, "attempt was terminated")

    async def test_an_invalid_session_cannot_be_terminated(self, admin, student, package):
        await heartbeat(student, "a")
        await admin.post(f"{base(student, 'a')}/invalidate")
        assert_error(await admin.post(f"{base(student, 'a')}/terminate"), 404, "session not found")


class TestInvalidate:
    async def test_from_any_status_keeping_the_first_time(self, admin, student, package, frozen_clock):
        await heartbeat(student, "a")
        await admin.post(f"{base(student, 'a')}/terminate")
        first = ace_time(frozen_clock.now)
        await admin.post(f"{base(student, 'a')}/invalidate", {"reason": "first"})
        frozen_clock.advance(seconds=10)
        await admin.post(f"{base(student, 'a')}/invalidate", {"reason": "second"})
        got = (await admin.get(base(student, "a"))).json()
        assert got["status"] == "invalid"
        assert got["invalidatedAt"] == first
        assert got["invalidationReason"] == "second"
        assert_error(await student.post("/exam-sessions/a/submit"), 404, "session not found")

    async def test_an_invalidated_attempt_says_so(self, admin, student, course, exam):
        attempt = await start_attempt(student, exam.id)
        await admin.post(f"{base(student, attempt['attemptId'])}/invalidate")
        r = await student.get(f"/exam-attempts/{attempt['attemptId']}/result")
        assert_error(r, 409, "attempt was invalidated")

    async def test_unknown_session_is_404(self, admin, student):
        assert_error(await admin.post(f"{base(student, 'zz')}/invalidate"), 404, "session not found")


class TestFlags:
    async def test_creates_lists_and_audits_flags(self, db, admin, student, package):
        await heartbeat(student, "a")
        r = await admin.post(
            f"{base(student, 'a')}/flags", {"flagType": " tab_switching ", "note": " twice "}
        )
        assert r.status_code == 200 and r.json() == {"ok": True}
        flags = (await admin.get(f"{base(student, 'a')}/flags")).json()["items"]
        assert [(f["flagType"], f["note"], f["createdByUserId"]) for f in flags] == [
            ("tab_switching", "twice", admin.user.id)
        ]
        [entry] = await audit_entries(db, "exam.flag")
        assert entry.metadata_ == {"flagType": "tab_switching"}
        counts = (await admin.get("/admin/dashboard")).json()["exams"]
        assert counts["flags"] == 1

    async def test_flag_type_is_required(self, admin, student, package):
        await heartbeat(student, "a")
        assert_error(
            await admin.post(f"{base(student, 'a')}/flags", {"note": "x"}), 400, "flagType is required"
        )
        assert_error(
            await admin.post(f"{base(student, 'a')}/flags", {"flagType": 3}), 400, "invalid json body"
        )
        assert (await admin.get(f"{base(student, 'a')}/flags")).json()["items"] == []

    async def test_an_unknown_session_is_404_not_500(self, admin, student):
        assert_error(
            await admin.post(f"{base(student, 'zz')}/flags", {"flagType": "x"}), 404, "session not found"
        )
        assert_error(await admin.get(f"{base(student, 'zz')}/flags"), 404, "session not found")


class TestTimeline:
    async def test_events_newest_first_with_admin_and_server_entries(
        self, admin, student, package, frozen_clock
    ):
        await heartbeat(student, "a")
        await student.post("/exam-sessions/a/events", {"eventType": "window_blur", "payload": {"x": 1}})
        await admin.post(f"{base(student, 'a')}/flags", {"flagType": "noise"})
        await admin.post(f"{base(student, 'a')}/terminate", {"reason": "enough"})
        body = (await admin.get(f"{base(student, 'a')}/events")).json()
        assert [(e["eventType"], e["source"]) for e in body["items"]] == [
            ("admin.terminate", "admin"),
            ("admin.flag", "admin"),
            ("window_blur", "client"),
        ]
        newest = body["items"][0]
        assert newest["payload"] == {"actorUserId": admin.user.id, "reason": "enough"}
        assert newest["createdAt"] == ace_time(frozen_clock.now)
        assert isinstance(newest["id"], int)
        assert body["hasMore"] is False

    async def test_an_unknown_session_has_an_empty_timeline(self, admin, student):
        body = (await admin.get(f"{base(student, 'zz')}/events")).json()
        assert body == {"items": [], "limit": 20, "offset": 0, "hasMore": False}


class TestIntegrity:
    async def test_summarises_focus_hidden_time_gaps_and_changes(
        self, admin, student, course, exam, frozen_clock
    ):
        attempt = await start_attempt(student, exam.id)
        aid = attempt["attemptId"]
        events = f"/exam-sessions/{aid}/events"
        await heartbeat(student, aid, seq=1)
        await student.post(events, {"eventType": "window_blur"})
        await student.post(events, {"eventType": "visibility_hidden"})
        frozen_clock.advance(seconds=20)
        await student.post(events, {"eventType": "visibility_visible"})
        await student.post(events, {"eventType": "window_blur"})
        frozen_clock.advance(seconds=70)  # 90 s without a heartbeat
        await heartbeat(student, aid, seq=2)
        student.headers = {"x-forwarded-for": "203.0.113.7", "user-agent": "other-browser/1.0"}
        frozen_clock.advance(seconds=10)
        await heartbeat(student, aid, seq=3)
        last_beat = frozen_clock.now
        await student.post(events, {"eventType": "visibility_hidden"})
        frozen_clock.advance(seconds=5)
        await admin.post(f"{base(student, aid)}/flags", {"flagType": "suspicious"})
        summary = (await admin.get(f"{base(student, aid)}/integrity")).json()
        assert summary == {
            "userId": student.user.id,
            "sessionId": aid,
            "status": "active",
            "isAttempt": True,
            # 5 from the client, the admin's flag, and started, gap, address and browser change.
            "events": 10,
            "focusLosses": 2,
            "hiddenCount": 2,
            "hiddenSeconds": 25,  # 20 s, then 5 s still hidden now
            "heartbeats": 3,
            "heartbeatGaps": 1,
            "longestHeartbeatGapSeconds": 90,
            "ipChanges": 1,
            "userAgentChanges": 1,
            "lastIp": "203.0.113.7",
            "lastUserAgent": "other-browser/1.0",
            "flags": 1,
            "lastHeartbeatAt": ace_time(last_beat),
        }
        timeline = (await admin.get(f"{base(student, aid)}/events", limit="50")).json()["items"]
        server = [e["eventType"] for e in timeline if e["source"] == "server"]
        assert set(server) == {
            "server.started",
            "server.heartbeat_gap",
            "server.ip_changed",
            "server.user_agent_changed",
        }

    async def test_unknown_session_is_404(self, admin, student):
        assert_error(await admin.get(f"{base(student, 'zz')}/integrity"), 404, "session not found")


async def test_the_dashboard_counts_attempts_and_their_events(admin, student, course, exam):
    attempt = await start_attempt(student, exam.id)
    await student.post(f"/exam-attempts/{attempt['attemptId']}/submit")
    exams = (await admin.get("/admin/dashboard")).json()["exams"]
    assert exams["sessions"] == 1 and exams["submitted"] == 1
    assert exams["byStatus"] == {"finished": 1}
    assert exams["events"] == 2  # started and submitted, by the server
