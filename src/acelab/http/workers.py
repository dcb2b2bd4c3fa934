"""`acelab serve`'s worker processes, each accepting connections on its own listening socket.

Uvicorn's supervisor gives all its workers one listening socket. The worker that wakes first
accepts every connection waiting, so a burst of new connections (a proxy opening its upstream
pool, a bench's 256) splits 60/40 or worse, and a keep-alive connection stays with its worker for
life: one worker saturates while the other has room. Here each worker has its own socket, all
bound to one port with SO_REUSEPORT, and the kernel spreads new connections over them by a hash
of their addresses. The supervisor keeps the sockets open, so a worker that dies is replaced on
the same socket and the connections queued there wait for it instead of being reset.
"""

import logging
import signal
import socket
import sys
import time

from uvicorn import Config
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors.multiprocess import Process

logger = logging.getLogger(__name__)

_CHECK_EVERY_S = 0.5


def listening_sockets(host: str, port: int, count: int, backlog: int) -> list[socket.socket]:
    """`count` sockets listening on one port (a free one if `port` is 0), in one SO_REUSEPORT group.

    They listen before any worker runs: a socket joins the group when it listens, and a worker
    that started first would otherwise take every early connection for good."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.socket(family, socket.SOCK_STREAM)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            sock.bind((host, port))
            sock.listen(backlog)
            port = sock.getsockname()[1]  # the others join the port the first one got
            sock.set_inheritable(True)
    except OSError:
        for sock in sockets:
            sock.close()
        raise
    return sockets


class Workers:
    """Runs one uvicorn worker per socket until SIGINT or SIGTERM; replaces a worker that dies or
    stops answering uvicorn's health ping, unless it failed at start-up (it would again)."""

    def __init__(self, config: Config, sockets: list[socket.socket]) -> None:
        self.config = config
        self.sockets = sockets
        self.processes: list[Process] = []
        self.should_exit = False
        self.failed_start = False

    def run(self) -> None:
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self._exit)
        self.processes = [self._start(sock) for sock in self.sockets]
        while not self.should_exit:
            time.sleep(_CHECK_EVERY_S)
            self._replace_dead()
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            process.join()
        if self.failed_start:
            sys.exit(STARTUP_FAILURE)

    def _exit(self, signum: int, frame: object) -> None:
        self.should_exit = True

    def _start(self, sock: socket.socket) -> Process:
        process = Process(self.config, [sock])
        process.start()
        return process

    def _replace_dead(self) -> None:
        for slot, process in enumerate(self.processes):
            if self.should_exit or process.is_alive(timeout=self.config.timeout_worker_healthcheck):
                continue
            process.kill()
            process.join()
            if process.exitcode == STARTUP_FAILURE:
                logger.error("worker %s failed to start; stopping", process.pid)
                self.should_exit = self.failed_start = True
                return
            logger.warning("worker %s died (exit code %s); starting another", process.pid, process.exitcode)
            self.processes[slot] = self._start(self.sockets[slot])
