"""The trace stream (codemm.md §11.4): what the chat and the generation do, for a developer watching
one session (`CODEMM_TRACE=1`). Live only (no replay), sanitised: raw model output, prompts, code and
judge output never leave the process."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, Request

from acelab import clock
from acelab.http.wire import format_iso_ms

# Keys whose values are learner code, prompts, model output or judge output.
DROPPED = frozenset({"text", "rawSnippet", "previousRaw", "previousDraft", "judgeStdout", "judgeStderr"})
SHORT, FULL = 2000, 20_000


class TraceBus:
    def __init__(self, *, enabled: bool, full: bool = False) -> None:
        self.enabled = enabled
        self.limit = FULL if full else SHORT
        self._listeners: dict[str, set[asyncio.Queue[dict[str, Any]]]] = {}

    def publish(self, session_id: str, event: str, **fields: Any) -> None:
        listeners = self._listeners.get(session_id)
        if not self.enabled or not listeners:
            return
        payload: dict[str, Any] = {"ts": format_iso_ms(clock.utcnow()), "event": event}
        for key, value in fields.items():
            if key in DROPPED:
                continue
            if isinstance(value, str) and len(value) > self.limit:
                value = value[: self.limit] + "…(truncated)"
            payload[key] = value
        payload["sessionId"] = session_id
        for queue in listeners:
            queue.put_nowait(payload)

    async def listen(self, session_id: str, *, idle_s: float = 15.0) -> AsyncIterator[dict[str, Any] | None]:
        """Trace events of the session from now on; None every `idle_s` without one. Never ends."""
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._listeners.setdefault(session_id, set()).add(queue)
        try:
            while True:
                try:
                    yield await asyncio.wait_for(queue.get(), idle_s)
                except TimeoutError:
                    yield None
        finally:
            listeners = self._listeners.get(session_id, set())
            listeners.discard(queue)
            if not listeners:
                self._listeners.pop(session_id, None)


async def get_trace(request: Request) -> TraceBus:
    bus: TraceBus = request.app.state.trace
    return bus


Trace = Annotated[TraceBus, Depends(get_trace)]
