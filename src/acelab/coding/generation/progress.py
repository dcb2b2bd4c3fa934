"""The progress bus: per-session generation events, buffered for replay (codemm.md §11.1-11.2).

In-process, like the original: a generation and its streams must share a process (the embedded
default serves one). Across processes the same interface would sit on Redis pub/sub.

Fixed against the original: every event has an id, so a reconnecting client resumes with
Last-Event-ID instead of getting duplicates; a new generate call starts a fresh buffer (a retry no
longer replays the failed run); a stream closes after any terminal event it delivers, replayed or
live; the clean-up of a finished run never deletes the channel of a run that started since.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

# A run ends with `generation_completed` then `generation_complete` (v1), or `generation_failed`:
# streams close after the last of them.
TERMINAL = frozenset({"generation_complete", "generation_failed"})
BUFFER_EVENTS = 400
LINGER_S = 300.0


@dataclass(frozen=True, slots=True)
class ProgressEvent:
    id: int
    data: dict[str, Any]

    @property
    def terminal(self) -> bool:
        return self.data.get("type") in TERMINAL

    @property
    def heartbeat(self) -> bool:
        return self.data.get("type") == "heartbeat"


@dataclass
class _Channel:
    events: deque[ProgressEvent] = field(default_factory=lambda: deque(maxlen=BUFFER_EVENTS))
    last_id: int = 0
    listeners: set[asyncio.Queue[ProgressEvent]] = field(default_factory=set)
    cleanup: asyncio.TimerHandle | None = None


class ProgressBus:
    def __init__(self, *, linger_s: float = LINGER_S) -> None:
        self.linger_s = linger_s
        self._channels: dict[str, _Channel] = {}

    def _channel(self, session_id: str) -> _Channel:
        return self._channels.setdefault(session_id, _Channel())

    def begin_run(self, session_id: str) -> None:
        """A generate call starts: forget the previous run's events (ids keep counting up)."""
        channel = self._channel(session_id)
        channel.events.clear()
        if channel.cleanup is not None:
            channel.cleanup.cancel()
            channel.cleanup = None

    def publish(self, session_id: str, data: dict[str, Any]) -> None:
        """Deliver an event to every listener; buffer it unless it is a heartbeat."""
        channel = self._channel(session_id)
        if data.get("type") == "heartbeat":
            # Not buffered and not counted: it carries the id of the last real event.
            event = ProgressEvent(channel.last_id, data)
        else:
            channel.last_id += 1
            event = ProgressEvent(channel.last_id, data)
            channel.events.append(event)
        for queue in channel.listeners:
            queue.put_nowait(event)
        if event.terminal:
            loop = asyncio.get_running_loop()
            channel.cleanup = loop.call_later(self.linger_s, self._drop, session_id, channel)

    def _drop(self, session_id: str, channel: _Channel) -> None:
        if self._channels.get(session_id) is channel and not channel.listeners:
            del self._channels[session_id]

    async def listen(
        self, session_id: str, *, after: int | None = None, idle_s: float = 15.0
    ) -> AsyncIterator[ProgressEvent | None]:
        """Buffered events newer than `after`, then live ones, until a terminal event; None every
        `idle_s` without an event (the caller sends a keep-alive)."""
        channel = self._channel(session_id)
        queue: asyncio.Queue[ProgressEvent] = asyncio.Queue()
        channel.listeners.add(queue)  # before the replay, so nothing falls between the two
        try:
            # An id from before this channel existed (a restart) cannot be resumed from.
            sent = after if after is not None and after <= channel.last_id else 0
            for event in list(channel.events):
                if event.id > sent:
                    sent = event.id
                    yield event
                    if event.terminal:
                        return
            while True:
                try:
                    event = await asyncio.wait_for(queue.get(), idle_s)
                except TimeoutError:
                    yield None
                    continue
                if event.heartbeat:
                    yield event
                elif event.id > sent:
                    sent = event.id
                    yield event
                    if event.terminal:
                        return
        finally:
            channel.listeners.discard(queue)
