"""Jobs: one queue interface (STYLE.md 7); today an in-process bounded pool."""

from acelab.jobs.queue import JobQueue, LocalPool, QueueFull

__all__ = ["JobQueue", "LocalPool", "QueueFull"]
