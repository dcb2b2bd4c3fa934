"""The queue interface and its in-process implementation: a bounded pool of worker tasks.

A job is a coroutine function with no arguments; its caller awaits the result. A full queue raises
QueueFull at once (503 with Retry-After): a request never waits for room in the queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar

from acelab.errors import ServiceUnavailable

log = logging.getLogger(__name__)

T = TypeVar("T")
Job = Callable[[], Awaitable[T]]


class QueueFull(ServiceUnavailable):
    def __init__(self, *, name: str = "judge", retry_after_s: int = 1) -> None:
        super().__init__(f"The {name} is busy. Retry shortly.", retry_after_s=retry_after_s)


class QueueStopped(ServiceUnavailable):
    def __init__(self, *, name: str = "judge") -> None:
        super().__init__(f"The {name} is shutting down.", retry_after_s=5)


class JobQueue(Protocol):
    """What the services see: run a job somewhere and await its result."""

    async def run(self, job: Job[T]) -> T: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class LocalPool:
    """`workers` tasks consuming a queue in which at most `max_pending` jobs wait for a worker."""

    def __init__(self, *, workers: int, max_pending: int, name: str = "judge") -> None:
        if workers < 1:
            raise ValueError("a pool needs at least one worker")
        # What the pool serves, as its busy and shutting-down errors say.
        self.name = name
        self.workers = workers
        self.max_pending = max_pending
        # None tells a worker to exit.
        self._queue: asyncio.Queue[tuple[Job[Any], asyncio.Future[Any]] | None] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []
        self._running = 0
        self._stopped = True

    @property
    def running(self) -> int:
        return self._running

    async def start(self) -> None:
        self._stopped = False
        self._tasks = [asyncio.create_task(self._work(), name=f"job-worker-{i}") for i in range(self.workers)]

    async def stop(self, *, grace_s: float = 40.0) -> None:
        """Refuse new jobs, fail the waiting ones, let running ones finish (up to `grace_s`)."""
        self._stopped = True
        while not self._queue.empty():
            item = self._queue.get_nowait()
            if item is not None and not item[1].done():
                item[1].set_exception(QueueStopped(name=self.name))
        for _ in self._tasks:
            self._queue.put_nowait(None)
        if self._tasks:
            _, late = await asyncio.wait(self._tasks, timeout=grace_s)
            for task in late:
                task.cancel()
            for task in late:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._tasks = []

    async def run(self, job: Job[T]) -> T:
        """Queue `job` and await its result; raise QueueFull when no worker or queue slot is free."""
        if self._stopped:
            raise QueueStopped(name=self.name)
        # Jobs that would still wait once every idle worker has taken one.
        waiting = self._queue.qsize() - (self.workers - self._running)
        if waiting >= self.max_pending:
            raise QueueFull(name=self.name, retry_after_s=1 + max(0, waiting) // self.workers)
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((job, future))
        # A caller that goes away (client disconnect) does not cancel the job: the sandbox
        # always finishes and cleans up; the result is then dropped.
        return await asyncio.shield(future)

    async def _work(self) -> None:
        while True:
            item = await self._queue.get()
            if item is None:
                return
            job, future = item
            self._running += 1
            try:
                result = await job()
            except asyncio.CancelledError:
                if not future.done():
                    future.set_exception(QueueStopped(name=self.name))
                raise
            except Exception as exc:  # a process edge: delivered to the awaiting caller
                if not future.done():
                    future.set_exception(exc)
            else:
                if not future.done():
                    future.set_result(result)
            finally:
                self._running -= 1
