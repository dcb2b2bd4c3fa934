"""The admins' live stream of exam activity (Server-Sent Events).

httpx's ASGI transport returns a response only once it is complete, so a stream is driven at the
ASGI level here: the request runs as a task, events are read as they are sent, and the test ends
the stream by disconnecting, as a closed browser tab would.
"""

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from tests.actors import Actor, assert_error
from tests.api.exams.conftest import heartbeat, start_attempt

TIMEOUT_S = 5


class Stream:
    def __init__(self) -> None:
        self.status: int | None = None
        self.buffer = ""
        self.chunks: asyncio.Queue[str] = asyncio.Queue()

    async def next_event(self) -> tuple[str, dict[str, Any]]:
        """The next event that is not a keep-alive comment: (event name, JSON data)."""
        while True:
            while "\n\n" not in self.buffer:
                self.buffer += await asyncio.wait_for(self.chunks.get(), TIMEOUT_S)
            block, self.buffer = self.buffer.split("\n\n", 1)
            fields = dict(line.split(": ", 1) for line in block.splitlines() if not line.startswith(":"))
            if fields:
                return fields.get("event", "message"), json.loads(fields["data"])

    async def next_of(self, name: str) -> dict[str, Any]:
        while True:
            event, data = await self.next_event()
            if event == name:
                return data


@asynccontextmanager
async def follow(app: FastAPI, actor: Actor, query: str = "") -> AsyncIterator[Stream]:
    stream = Stream()
    disconnect = asyncio.Event()
    cookies = "; ".join(f"{name}={value}" for name, value in actor.client.cookies.items())
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/admin/exam-sessions/live",
        "raw_path": b"/admin/exam-sessions/live",
        "query_string": query.encode(),
        "root_path": "",
        "headers": [
            (b"host", b"testserver"),
            (b"cookie", cookies.encode()),
            (b"accept", b"text/event-stream"),
        ],
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
    }
    requested = False

    async def receive() -> dict[str, Any]:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await disconnect.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            stream.status = message["status"]
        elif message["type"] == "http.response.body":
            stream.chunks.put_nowait(message.get("body", b"").decode())

    task = asyncio.create_task(app(scope, receive, send))
    try:
        yield stream
    finally:
        disconnect.set()
        await asyncio.wait_for(task, TIMEOUT_S)


class TestLiveStream:
    async def test_starts_with_the_active_sessions_then_follows_changes(
        self, app, admin, student, course, exam
    ):
        running = await start_attempt(student, exam.id)
        async with follow(app, admin) as stream:
            active = await stream.next_of("active")
            assert stream.status == 200
            assert [(i["sessionId"], i["status"], i["answeredCount"]) for i in active["items"]] == [
                (running["attemptId"], "active", 0)
            ]
            await student.post(f"/exam-sessions/{running['attemptId']}/events", {"eventType": "window_blur"})
            event = await stream.next_of("event")
            assert (event["sessionId"], event["eventType"], event["source"]) == (
                running["attemptId"],
                "window_blur",
                "client",
            )
            await admin.post(
                f"/admin/exam-sessions/{student.user.id}/{running['attemptId']}/terminate", {"reason": "seen"}
            )
            status = await stream.next_of("status")
            assert (status["userId"], status["status"], status["reason"]) == (
                student.user.id,
                "terminated",
                "seen",
            )

    async def test_announces_starts_and_submissions(self, app, admin, student, course, exam):
        async with follow(app, admin) as stream:
            assert (await stream.next_of("active"))["items"] == []
            attempt = await start_attempt(student, exam.id)
            started = await stream.next_of("started")
            assert (started["sessionId"], started["blueprintId"], started["attemptNumber"]) == (
                attempt["attemptId"],
                exam.id,
                1,
            )
            assert started["expiresAt"] == attempt["expiresAt"]
            await student.post(f"/exam-attempts/{attempt['attemptId']}/submit")
            submitted = await stream.next_of("status")
            assert (submitted["status"], submitted["reason"], submitted["percent"]) == (
                "finished",
                "student",
                0.0,
            )

    async def test_heartbeats_reach_only_a_stream_that_follows_the_session(
        self, app, admin, student, course, exam, frozen_clock
    ):
        attempt = await start_attempt(student, exam.id)
        aid = attempt["attemptId"]
        async with follow(app, admin) as everything, follow(app, admin, f"sessionId={aid}") as one:
            await everything.next_of("active")
            await one.next_of("active")
            await heartbeat(student, aid, seq=1)
            beat = await one.next_of("heartbeat")
            assert (beat["sessionId"], beat["answeredCount"], beat["timeRemainingSeconds"]) == (aid, 0, 600)
            # The unfiltered stream sees the next change, not the heartbeat before it.
            await student.post(f"/exam-sessions/{aid}/events", {"eventType": "window_focus"})
            assert (await everything.next_event())[0] == "event"

    async def test_a_closed_stream_unsubscribes(self, app, admin):
        async with follow(app, admin) as stream:
            await stream.next_of("active")
            assert app.state.exams.feed.subscribers == 1
        assert app.state.exams.feed.subscribers == 0


class TestLiveAccess:
    async def test_needs_an_admin(self, client, student):
        assert_error(await client.get("/admin/exam-sessions/live"), 401, "missing authorization")
        assert_error(await student.get("/admin/exam-sessions/live"), 403, "forbidden")
