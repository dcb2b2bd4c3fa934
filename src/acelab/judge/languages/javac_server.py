"""Warm Java compilers: one sandboxed, long-lived javac (harness/java/CompileServer.java) per judge slot.

A fresh javac JVM costs ~450 ms per job; a warm in-process compiler ~20 ms (sandbox-probe.md 3.5).
Each server runs in its own bubblewrap as the slot's service uid, with no writable file system but
its tmpfs: sources go in and classes come back over its stdin/stdout. Any failure (deadline, crash,
memory limit, a protocol violation) shuts the server down and the next compile starts a new one; it
is also replaced every `RESTART_AFTER` compiles, before heap and metaspace grow stale.
"""

from __future__ import annotations

import struct
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from acelab.judge.limits import Limits
from acelab.judge.sandbox import ExecSpec, Sandbox, SandboxError, Service, ServiceFailure

RESTART_AFTER = 500
# Replies beyond these are not a compiler's: the server is shut down.
_MAX_CLASSES = 4096
_MAX_REPLY_BYTES = 64 << 20
_MAX_DIAGNOSTICS = 1 << 20


@dataclass(frozen=True, slots=True)
class Compiled:
    ok: bool
    classes: dict[str, bytes]
    diagnostics: str
    wall_ms: int
    cpu_ms: int
    timed_out: bool = False
    memory_exceeded: bool = False


def _utf(text: str) -> bytes:
    """Java's DataInput.readUTF framing; names and options are plain ASCII here."""
    data = text.encode("ascii")
    return struct.pack(">H", len(data)) + data


def encode_request(options: tuple[str, ...], sources: Mapping[str, str]) -> bytes:
    parts = [struct.pack(">i", len(options)), *map(_utf, options), struct.pack(">i", len(sources))]
    for name, code in sources.items():
        data = code.encode("utf-8", errors="surrogatepass")
        parts += [_utf(name), struct.pack(">i", len(data)), data]
    return b"".join(parts)


class _Reader:
    """Reads one reply from a service, enforcing the size caps."""

    def __init__(self, service: Service, deadline: float) -> None:
        self.service = service
        self.deadline = deadline
        self.total = 0

    def take(self, size: int) -> bytes:
        self.total += size
        if size < 0 or self.total > _MAX_REPLY_BYTES:
            self.service.close()
            raise ServiceFailure("the compile server's reply is too large")
        return self.service.read_exact(size, self.deadline)

    def int(self) -> int:
        return int(struct.unpack(">i", self.take(4))[0])

    def utf(self) -> str:
        (size,) = struct.unpack(">H", self.take(2))
        return self.take(size).decode("utf-8", errors="surrogatepass")


def decode_reply(reader: _Reader) -> tuple[bool, dict[str, bytes], str]:
    ok = reader.take(1) != b"\x00"
    count = reader.int()
    if not 0 <= count <= _MAX_CLASSES:
        reader.service.close()
        raise ServiceFailure("the compile server sent too many classes")
    classes = {}
    for _ in range(count):
        name = reader.utf()
        classes[name] = reader.take(reader.int())
    size = reader.int()
    if not 0 <= size <= _MAX_DIAGNOSTICS:
        reader.service.close()
        raise ServiceFailure("the compile server's diagnostics are too large")
    return ok, classes, reader.take(size).decode("utf-8", errors="replace")


class CompileServers:
    """The warm compilers of one judge, by slot; a slot runs one job at a time, so a server never
    serves two compiles at once."""

    def __init__(self, sandbox: Sandbox, spec: Callable[[], ExecSpec]) -> None:
        self.sandbox = sandbox
        self.spec = spec
        self._servers: dict[int, tuple[Service, int]] = {}
        self._guard = threading.Lock()

    def _server(self, slot: int) -> Service:
        with self._guard:
            current = self._servers.get(slot)
        if current is not None and not current[0].closed and current[1] < RESTART_AFTER:
            return current[0]
        if current is not None:
            current[0].close()
        service = self.sandbox.start_service_sync(self.spec(), uid=self.sandbox.config.service_uid(slot))
        with self._guard:
            self._servers[slot] = (service, 0)
        return service

    def compile_sync(
        self, slot: int, options: tuple[str, ...], sources: Mapping[str, str], limits: Limits
    ) -> Compiled:
        """Compile `sources` with javac `options` on the slot's server (blocking)."""
        started = time.monotonic()
        try:
            service = self._server(slot)
        except (OSError, SandboxError) as exc:
            raise SandboxError(f"the Java compile server did not start: {exc}") from exc
        with self._guard:
            self._servers[slot] = (service, self._servers[slot][1] + 1)
        sent = time.monotonic()
        cpu_before = service.cpu_ns()
        try:
            service.send(encode_request(options, sources))
            ok, classes, diagnostics = decode_reply(_Reader(service, sent + limits.wall_ms / 1000))
        except ServiceFailure:
            wall_ms = int((time.monotonic() - started) * 1000)
            # The server is gone: a memory kill is the compile's memory limit, anything else its time.
            oom = service.oom_killed()
            return Compiled(False, {}, "", wall_ms, wall_ms, timed_out=not oom, memory_exceeded=oom)
        cpu_ms = (service.cpu_ns() - cpu_before) // 1_000_000
        wall_ms = int((time.monotonic() - started) * 1000)
        if cpu_ms > limits.cpu_s * 1000:
            service.close()
            return Compiled(False, {}, diagnostics, wall_ms, cpu_ms, timed_out=True)
        return Compiled(ok, classes, diagnostics, wall_ms, cpu_ms)

    def running_slots(self) -> list[int]:
        """Slots whose server is up (for health and tests)."""
        with self._guard:
            return [slot for slot, (service, _) in self._servers.items() if not service.closed]

    def close(self) -> None:
        with self._guard:
            servers, self._servers = list(self._servers.values()), {}
        for service, _ in servers:
            service.close()
