"""The live feed admins follow: exam activity fanned out to every open stream of this process.

One in-process hub: a message published by one worker reaches the admins connected to that worker.
With several processes or machines, the path is Redis pub/sub (ARCHITECTURE.md "Scaling out"):
publish to a channel and let each process fan out what it receives; the hub's interface stays.

Messages are published after the change is committed, so a stream never shows what was rolled back.
A stream that falls `queue_size` messages behind is closed (marked lagged); the browser's EventSource
reconnects and starts again from a fresh list of active sessions.
"""

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

# Message kinds. Heartbeats are frequent (one per student every 15 s), so only a stream that follows
# one student or one session receives them.
HEARTBEAT = "heartbeat"
STARTED = "started"
EVENT = "event"
STATUS = "status"
FLAG = "flag"


@dataclass(frozen=True)
class LiveMessage:
    kind: str
    user_id: str
    session_id: str
    data: dict[str, Any]


@dataclass(eq=False)  # compared and hashed by identity in the hub's set
class Subscription:
    user_id: str | None
    session_id: str | None
    queue: asyncio.Queue[LiveMessage]
    lagged: bool = False

    def wants(self, message: LiveMessage) -> bool:
        if self.user_id is not None and message.user_id != self.user_id:
            return False
        if self.session_id is not None and message.session_id != self.session_id:
            return False
        # Unfiltered streams skip heartbeats: at exam-day scale they would flood an admin's browser.
        return message.kind != HEARTBEAT or self.user_id is not None or self.session_id is not None

    async def next(self) -> LiveMessage | None:
        """The next message; None once the stream fell behind and its backlog is drained."""
        if self.lagged and self.queue.empty():
            return None
        return await self.queue.get()


@dataclass(eq=False)
class LiveFeed:
    queue_size: int
    _subscriptions: set[Subscription] = field(default_factory=set)

    @property
    def subscribers(self) -> int:
        return len(self._subscriptions)

    def publish(self, message: LiveMessage) -> None:
        """Hand a committed change to every stream that wants it; never blocks."""
        for subscription in self._subscriptions:
            if subscription.lagged or not subscription.wants(message):
                continue
            try:
                subscription.queue.put_nowait(message)
            except asyncio.QueueFull:
                subscription.lagged = True
                log.warning("live exam stream fell behind and is closed", extra={"queued": self.queue_size})

    def subscribe(self, *, user_id: str | None, session_id: str | None) -> Subscription:
        """Start receiving messages at once; pair with `unsubscribe`."""
        subscription = Subscription(
            user_id=user_id, session_id=session_id, queue=asyncio.Queue(maxsize=self.queue_size)
        )
        self._subscriptions.add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        self._subscriptions.discard(subscription)
