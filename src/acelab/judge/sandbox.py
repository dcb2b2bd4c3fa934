"""Bubblewrap sandbox: the only module of the judge that starts processes.

Measured facts and pitfalls (P1..P19) are in design/sandbox-probe.md. Shape of one execution:
a fresh bwrap with every namespace unshared, started as an unprivileged host uid (one per worker
slot), inside a fresh cgroup (memory + pids), with rlimits and a seccomp deny-list; the service
enforces wall/CPU time and output caps while reading, kills the whole tree on a verdict and reaps
bwrap's pid-namespace init itself (it is a child subreaper).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import dataclasses
import errno
import fcntl
import hashlib
import importlib
import json
import logging
import math
import os
import resource
import secrets
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from acelab.judge.limits import Limits

log = logging.getLogger(__name__)

BOX = "/box"
HARNESS = "/harness"
CACHE = "/cache"
# Environment variables that tell a harness where its private result channel is.
RESULT_FD_ENV = "ACELAB_RESULT_FD"
KEY_FD_ENV = "ACELAB_KEY_FD"

HARNESS_SOURCE = Path(__file__).with_name("harness")
_PR_SET_CHILD_SUBREAPER = 36
_MS_NOSUID = 2
_MS_NODEV = 4
_MNT_DETACH = 2
_POLL_S = 0.05
# The harness writes a few hundred bytes per test; anything bigger is learner noise.
_CHANNEL_CAP = 1 << 20
_SANDBOX_UID = 1000
FIRST_SLOT_UID = 60001
# Host-wide, like the uids it guards: every acelab process on this host claims its block here.
UID_LOCK_DIR = Path(tempfile.gettempdir()) / "acelab-sandbox-uids"

_libc = ctypes.CDLL(None, use_errno=True)


class SandboxError(RuntimeError):
    """The sandbox itself could not be set up or torn down (never the learner's fault)."""


@dataclass(frozen=True, slots=True)
class Bind:
    source: Path
    dest: str
    writable: bool = False


@dataclass(frozen=True, slots=True)
class ExecSpec:
    argv: tuple[str, ...]
    limits: Limits
    stdin: bytes = b""
    env: tuple[tuple[str, str], ...] = ()
    binds: tuple[Bind, ...] = ()
    # Give the process a result pipe and a one-time key (see harness/README in the languages).
    result_channel: bool = False


@dataclass(frozen=True, slots=True)
class ExecResult:
    exit_code: int | None
    signal: int | None
    timed_out: bool
    memory_exceeded: bool
    output_truncated: bool
    stdout: bytes
    stderr: bytes
    wall_ms: int
    cpu_ms: int
    # Result-channel lines that carried the key, with the key stripped; unkeyed lines are dropped.
    records: tuple[bytes, ...] = ()

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and not (self.timed_out or self.memory_exceeded or self.output_truncated)


@dataclass(frozen=True, slots=True)
class SandboxConfig:
    work_root: Path = Path("/tmp/acelab-judge/work")
    cache_root: Path = Path("/tmp/acelab-judge/cache")
    slots: int = 2
    uid_base: int = FIRST_SLOT_UID
    cgroup_name: str = "acelab-judge"
    bwrap: str = "/usr/bin/bwrap"
    ro_binds: tuple[str, ...] = ("/usr", "/etc/alternatives", "/etc/ld.so.cache", "/etc/java-17-openjdk")
    # Explicit hook for a later unsafe-dev mode; the production sandbox never sets it.
    use_seccomp: bool = True

    def service_uid(self, slot: int) -> int:
        """The uid of a slot's long-lived helper (Java's compile server): never a job's uid, so the
        two share no process budget and no signals (the block holds 2 * slots uids)."""
        return self.uid_base + self.slots + slot


@dataclass(frozen=True, slots=True)
class Health:
    ok: bool
    detail: str


class Cgroup(Protocol):
    def join(self) -> None: ...
    def kill_all(self) -> None: ...
    def cpu_ns(self) -> int: ...
    def oom_killed(self) -> bool: ...
    def remove(self) -> None: ...


def _write(path: Path, value: str) -> None:
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, value.encode())
    finally:
        os.close(fd)


def _kill_pids(procs_file: Path) -> None:
    """SIGKILL every process listed in procs_file until it stays empty (v1 has no cgroup.kill)."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            pids = [int(p) for p in procs_file.read_text().split()]
        except FileNotFoundError:
            return
        if not pids:
            return
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.002)
    log.error("cgroup processes survived SIGKILL", extra={"cgroup": str(procs_file.parent)})


def _rmdir_retry(path: Path) -> None:
    # A cgroup is busy until its last (killed) member is fully gone.
    for _ in range(200):
        try:
            path.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError as exc:
            if exc.errno != errno.EBUSY:
                raise
            time.sleep(0.005)
    log.error("cgroup could not be removed", extra={"cgroup": str(path)})


class CgroupV1:
    CONTROLLERS = ("memory", "pids", "cpuacct")

    def __init__(self, dirs: Mapping[str, Path], limits: Limits) -> None:
        self.dirs = dict(dirs)
        for d in self.dirs.values():
            d.mkdir()
        mem = str(limits.memory_mib << 20)
        _write(self.dirs["memory"] / "memory.limit_in_bytes", mem)
        # Absent without swap accounting; with it, swap must not extend the limit.
        with contextlib.suppress(FileNotFoundError):
            _write(self.dirs["memory"] / "memory.memsw.limit_in_bytes", mem)
        _write(self.dirs["pids"] / "pids.max", str(limits.pids))
        # Encoded up front: join() runs between fork and exec.
        self._procs = [os.fsencode(d / "cgroup.procs") for d in self.dirs.values()]

    def join(self) -> None:
        pid = str(os.getpid()).encode()
        for p in self._procs:
            fd = os.open(p, os.O_WRONLY)
            os.write(fd, pid)
            os.close(fd)

    def kill_all(self) -> None:
        _kill_pids(self.dirs["pids"] / "cgroup.procs")

    def cpu_ns(self) -> int:
        return int((self.dirs["cpuacct"] / "cpuacct.usage").read_text())

    def oom_killed(self) -> bool:
        fields = dict(
            line.split() for line in (self.dirs["memory"] / "memory.oom_control").read_text().splitlines()
        )
        return int(fields.get("oom_kill", "0")) > 0

    def remove(self) -> None:
        self.kill_all()
        for d in self.dirs.values():
            _rmdir_retry(d)


class CgroupV2:
    def __init__(self, path: Path, limits: Limits) -> None:
        self.path = path
        path.mkdir()
        _write(path / "memory.max", str(limits.memory_mib << 20))
        with contextlib.suppress(FileNotFoundError):
            _write(path / "memory.swap.max", "0")
        _write(path / "pids.max", str(limits.pids))
        self._procs = os.fsencode(path / "cgroup.procs")

    def join(self) -> None:
        fd = os.open(self._procs, os.O_WRONLY)
        os.write(fd, str(os.getpid()).encode())
        os.close(fd)

    def kill_all(self) -> None:
        kill_file = self.path / "cgroup.kill"
        if kill_file.exists():  # kernel >= 5.14: atomic, also catches processes forking right now
            _write(kill_file, "1")
        _kill_pids(self.path / "cgroup.procs")

    def _kv(self, name: str) -> dict[str, str]:
        return dict(line.split() for line in (self.path / name).read_text().splitlines())

    def cpu_ns(self) -> int:
        return int(self._kv("cpu.stat")["usage_usec"]) * 1000

    def oom_killed(self) -> bool:
        return int(self._kv("memory.events").get("oom_kill", "0")) > 0

    def remove(self) -> None:
        self.kill_all()
        _rmdir_retry(self.path)


class CgroupFactory:
    """Detects v1 or v2 once and creates one cgroup per execution under a judge-owned parent."""

    def __init__(self, name: str) -> None:
        self.name = name
        root = Path("/sys/fs/cgroup")
        controllers = root / "cgroup.controllers"
        self.v2 = controllers.exists() and {"memory", "pids"} <= set(controllers.read_text().split())
        if self.v2:
            self.parent = self._setup_v2(root)
            self.v1_parents: dict[str, Path] = {}
        else:
            self.parent = root
            self.v1_parents = {}
            for ctrl in CgroupV1.CONTROLLERS:
                base = root / ctrl
                if not (base / "cgroup.procs").exists():
                    raise SandboxError(f"cgroup v1 controller {ctrl} is not mounted")
                self.v1_parents[ctrl] = base / name
                self.v1_parents[ctrl].mkdir(exist_ok=True)

    def _setup_v2(self, root: Path) -> Path:
        # v2 forbids processes in a cgroup that delegates controllers to children ("no internal
        # processes"), so the service moves itself into a leaf of its own (delegated) cgroup first.
        own = ""
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            if line.startswith("0::"):
                own = line[3:].strip("/")
        base = root / own if own else root
        if own:
            leaf = base / "acelab-service"
            leaf.mkdir(exist_ok=True)
            _write(leaf / "cgroup.procs", str(os.getpid()))
            _write(base / "cgroup.subtree_control", "+memory +pids")
        parent = base / self.name
        parent.mkdir(exist_ok=True)
        _write(parent / "cgroup.subtree_control", "+memory +pids")
        return parent

    def create(self, run_name: str, limits: Limits) -> Cgroup:
        if self.v2:
            return CgroupV2(self.parent / run_name, limits)
        return CgroupV1({c: p / run_name for c, p in self.v1_parents.items()}, limits)


def build_seccomp_filter() -> bytes:
    """Deny-list BPF (default allow), from sandbox-probe.md §3.2."""
    # PyPI pyseccomp (ctypes over libseccomp, untyped): only needed once, at start-up.
    sc = importlib.import_module("pyseccomp")

    f = sc.SyscallFilter(defaction=sc.ALLOW)
    eperm = sc.ERRNO(errno.EPERM)
    for name in (
        "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "keyctl", "add_key", "request_key",
        "bpf", "perf_event_open", "userfaultfd", "mount", "umount2", "pivot_root", "unshare", "setns",
        "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module", "reboot",
        "swapon", "swapoff", "acct", "quotactl", "syslog", "lookup_dcookie", "open_by_handle_at",
        "name_to_handle_at", "io_uring_setup", "io_uring_enter", "io_uring_register", "fanotify_init",
        "move_mount", "open_tree", "fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr", "chroot",
        "settimeofday", "clock_settime", "adjtimex", "clock_adjtime", "vhangup", "iopl", "ioperm",
        "modify_ldt", "uselib", "personality",
    ):  # fmt: skip
        f.add_rule(eperm, name)
    # Only local sockets: the network namespace is empty anyway, this also blocks netlink/packet.
    f.add_rule(sc.ERRNO(errno.EACCES), "socket", sc.Arg(0, sc.NE, socket.AF_UNIX))
    f.add_rule(eperm, "ioctl", sc.Arg(1, sc.MASKED_EQ, 0xFFFFFFFF, 0x5412))  # TIOCSTI
    for bit in (0x10000000, 0x20000000, 0x40000000, 0x08000000, 0x04000000, 0x02000000, 0x00020000):
        f.add_rule(eperm, "clone", sc.Arg(0, sc.MASKED_EQ, bit, bit))  # CLONE_NEW*
    # clone3 flags live in memory where seccomp cannot look; glibc falls back to clone().
    f.add_rule(sc.ERRNO(errno.ENOSYS), "clone3")
    with tempfile.TemporaryFile() as out:
        f.export_bpf(out)
        out.seek(0)
        return out.read()


def _pipe_with(data: bytes) -> int:
    """A read fd that yields data then EOF (data must fit the pipe buffer)."""
    r, w = os.pipe()
    os.write(w, data)
    os.close(w)
    return r


@dataclass(frozen=True, slots=True)
class UidBlock:
    """A block of slot uids this process holds (an flock) so no other process judges as them."""

    uid_base: int
    lock_fd: int

    def release(self) -> None:
        os.close(self.lock_fd)


def claim_uid_block(
    *, slots: int, lock_dir: Path = UID_LOCK_DIR, first_uid: int = FIRST_SLOT_UID, blocks: int = 64
) -> UidBlock:
    """Claim the first free block of `slots` uids: several server processes on one host must not
    share a uid, or one job's processes would count against another's RLIMIT_NPROC."""
    lock_dir.mkdir(parents=True, exist_ok=True)
    for block in range(blocks):
        uid_base = first_uid + block * slots
        fd = os.open(lock_dir / f"uids-{uid_base}-{slots}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        return UidBlock(uid_base=uid_base, lock_fd=fd)
    raise SandboxError(f"all {blocks} blocks of sandbox uids are held by other processes")


class Sandbox:
    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self._bpf = b""
        self._cgroups: CgroupFactory | None = None
        self._slots: asyncio.Queue[int] = asyncio.Queue()
        self._locks: dict[str, asyncio.Lock] = {}
        # Set by start(): the content-addressed snapshot of HARNESS_SOURCE.
        self.harness_dir = config.cache_root / "harness"

    async def start(self) -> None:
        await asyncio.to_thread(self._start_sync)
        for slot in range(self.config.slots):
            self._slots.put_nowait(slot)

    def _start_sync(self) -> None:
        if os.geteuid() != 0:
            raise SandboxError("the judge sandbox must start as root (it drops to a uid per worker slot)")
        # P3: bwrap leaves its pid-namespace init for its parent's reaper; we reap it ourselves.
        if _libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
            raise SandboxError("prctl(PR_SET_CHILD_SUBREAPER) failed")
        if self.config.use_seccomp:
            self._bpf = build_seccomp_filter()
        self._cgroups = CgroupFactory(self.config.cgroup_name)
        for d in (self.config.work_root, self.config.cache_root):
            d.mkdir(parents=True, exist_ok=True)
            d.chmod(0o755)
        # A root-owned snapshot of the harness sources, readable by the slot uids wherever the
        # package itself is installed. Named by its content and never changed once in place, so
        # processes sharing the cache never pull it from under each other's running jobs.
        self.harness_dir = self.config.cache_root / f"harness-{_harness_digest()}"
        if not self.harness_dir.exists():
            staging = self.config.cache_root / f"harness-staging-{uuid.uuid4().hex}"
            shutil.copytree(HARNESS_SOURCE, staging, ignore=shutil.ignore_patterns("__pycache__"))
            try:
                staging.rename(self.harness_dir)
            except OSError:  # another process put the same snapshot in place first
                shutil.rmtree(staging, ignore_errors=True)

    def lock(self, name: str) -> asyncio.Lock:
        """A named lock, e.g. to build one cached artefact at a time."""
        return self._locks.setdefault(name, asyncio.Lock())

    @contextlib.asynccontextmanager
    async def box(self, workdir_mib: int) -> AsyncIterator[Box]:
        """A job: a worker slot plus a fresh size-capped work dir, both released afterwards."""
        slot = await self._slots.get()
        path = self.config.work_root / f"w{slot}-{uuid.uuid4().hex[:12]}"
        uid = self.config.uid_base + slot
        try:
            await asyncio.to_thread(self._mount_workdir, path, uid, workdir_mib)
            try:
                yield Box(self, slot, uid, path)
            finally:
                await asyncio.to_thread(self._unmount_workdir, path)
        finally:
            self._slots.put_nowait(slot)

    @staticmethod
    def _mount_workdir(path: Path, uid: int, size_mib: int) -> None:
        # P6: a tmpfs per job caps the bytes the learner can leave, and unmounting removes them all.
        path.mkdir(mode=0o700)
        opts = f"size={size_mib}m,mode=0700,uid={uid},gid={uid}".encode()
        if _libc.mount(b"tmpfs", os.fsencode(path), b"tmpfs", _MS_NOSUID | _MS_NODEV, opts) != 0:
            err = ctypes.get_errno()
            path.rmdir()
            raise SandboxError(f"mount tmpfs on {path}: {os.strerror(err)}")

    @staticmethod
    def _unmount_workdir(path: Path) -> None:
        if _libc.umount2(os.fsencode(path), 0) != 0:
            err = ctypes.get_errno()
            if err != errno.EBUSY:
                raise SandboxError(f"umount {path}: {os.strerror(err)}")
            _libc.umount2(os.fsencode(path), _MNT_DETACH)
        path.rmdir()

    def _bwrap_argv(
        self, spec: ExecSpec, workdir: Path | None, seccomp_fd: int | None, info_fd: int
    ) -> list[str]:
        lim = spec.limits
        argv = [
            self.config.bwrap, "--unshare-all", "--unshare-user", "--disable-userns",
            "--die-with-parent", "--new-session",
        ]  # fmt: skip
        for path in self.config.ro_binds:
            argv += ["--ro-bind-try", path, path]
        argv += [
            "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib",
            "--symlink", "usr/lib64", "/lib64", "--symlink", "usr/sbin", "/sbin",
            "--proc", "/proc", "--dev", "/dev",
            "--size", str(16 << 20), "--tmpfs", "/dev/shm",
            "--size", str(lim.tmpfs_mib << 20), "--tmpfs", "/tmp",
        ]  # fmt: skip
        if workdir is None:
            argv += ["--size", str(lim.tmpfs_mib << 20), "--tmpfs", BOX]
        else:
            argv += ["--bind", str(workdir), BOX]
        argv += ["--ro-bind", str(self.harness_dir), HARNESS]
        for b in spec.binds:
            argv += ["--bind" if b.writable else "--ro-bind", str(b.source), b.dest]
        argv += [
            "--chdir", BOX, "--uid", str(_SANDBOX_UID), "--gid", str(_SANDBOX_UID),
            "--hostname", "sandbox", "--cap-drop", "ALL", "--clearenv",
            "--setenv", "PATH", "/usr/bin:/bin", "--setenv", "HOME", BOX, "--setenv", "LANG", "C.UTF-8",
        ]  # fmt: skip
        for k, v in spec.env:
            argv += ["--setenv", k, v]
        if seccomp_fd is not None:
            argv += ["--seccomp", str(seccomp_fd)]
        argv += ["--info-fd", str(info_fd), "--remount-ro", "/", "--", *spec.argv]
        return argv

    def _launch(
        self,
        spec: ExecSpec,
        *,
        uid: int,
        workdir: Path | None,
        cg: Cgroup,
        stdin: int,
        owned: list[int],
        cpu_limit: bool = True,
    ) -> tuple[subprocess.Popen[bytes], int, int, bytes]:
        """Start bwrap for `spec` as `uid` inside `cg`; returns (process, info fd, result-channel fd or
        -1, channel key). Every fd the caller must close is appended to `owned`."""
        seccomp_fd = _pipe_with(self._bpf) if self.config.use_seccomp else None
        info_r, info_w = os.pipe()
        owned += [info_r, info_w] + ([seccomp_fd] if seccomp_fd is not None else [])
        child_fds = [info_w] + ([seccomp_fd] if seccomp_fd is not None else [])
        key = b""
        chan_r = -1
        if spec.result_channel:
            key = secrets.token_hex(16).encode()
            chan_r, chan_w = os.pipe()
            key_fd = _pipe_with(key + b"\n")
            owned += [chan_r, chan_w, key_fd]
            child_fds += [chan_w, key_fd]
            env = (*spec.env, (RESULT_FD_ENV, str(chan_w)), (KEY_FD_ENV, str(key_fd)))
            spec = dataclasses.replace(spec, env=env)
        argv = self._bwrap_argv(spec, workdir, seccomp_fd, info_w)
        rlimits = _rlimits(spec.limits, cpu=cpu_limit)

        def preexec() -> None:  # runs between fork and exec: no imports, no logging
            cg.join()
            for res, val in rlimits:
                resource.setrlimit(res, val)
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)

        proc = subprocess.Popen(
            argv,
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE if stdin != subprocess.PIPE else subprocess.DEVNULL,
            env={"PATH": "/usr/bin:/bin"},  # P5: bwrap's init exposes its own environ
            pass_fds=child_fds,
            preexec_fn=preexec,  # noqa: PLW1509 - single-purpose, async-signal-safe calls only
        )
        for fd in child_fds:
            os.close(fd)
            owned.remove(fd)
        return proc, info_r, chan_r, key

    def execute_sync(self, spec: ExecSpec, *, uid: int, workdir: Path) -> ExecResult:
        """Run one process tree to completion in a fresh bwrap (blocking; see Box.execute)."""
        assert self._cgroups is not None, "Sandbox.start() was not awaited"
        cg = self._cgroups.create(f"{uid}-{uuid.uuid4().hex[:12]}", spec.limits)
        owned: list[int] = []
        try:
            stdin_fd = os.memfd_create("stdin")
            owned.append(stdin_fd)
            os.write(stdin_fd, spec.stdin)
            os.lseek(stdin_fd, 0, os.SEEK_SET)
            started = time.monotonic()
            proc, info_r, chan_r, key = self._launch(
                spec, uid=uid, workdir=workdir, cg=cg, stdin=stdin_fd, owned=owned
            )
            os.close(stdin_fd)
            owned.remove(stdin_fd)
            return self._supervise(proc, cg, spec, started, info_r, chan_r, key)
        finally:
            for fd in owned:
                os.close(fd)
            cg.remove()

    def start_service_sync(self, spec: ExecSpec, *, uid: int) -> Service:
        """Start a long-lived sandboxed process that answers requests on stdin/stdout (blocking).

        Same isolation as an execution, but with an empty tmpfs for /box and no CPU rlimit: the
        caller bounds each request's wall time and restarts the service when one overruns."""
        assert self._cgroups is not None, "Sandbox.start() was not awaited"
        cg = self._cgroups.create(f"{uid}-svc-{uuid.uuid4().hex[:12]}", spec.limits)
        owned: list[int] = []
        try:
            proc, info_r, _, _ = self._launch(
                spec, uid=uid, workdir=None, cg=cg, stdin=subprocess.PIPE, owned=owned, cpu_limit=False
            )
            init_pid = _child_pid(_read_until_eof(info_r, time.monotonic() + spec.limits.wall_ms / 1000))
        except BaseException:
            cg.remove()
            raise
        finally:
            for fd in owned:
                os.close(fd)
        service = Service(proc, cg, init_pid)
        if not init_pid:
            service.close()
            raise SandboxError("the sandboxed service did not start")
        return service

    def _supervise(
        self,
        proc: subprocess.Popen[bytes],
        cg: Cgroup,
        spec: ExecSpec,
        started: float,
        info_r: int,
        chan_r: int,
        key: bytes,
    ) -> ExecResult:
        lim = spec.limits
        assert proc.stdout is not None and proc.stderr is not None
        out_fd, err_fd = proc.stdout.fileno(), proc.stderr.fileno()
        caps = {out_fd: lim.output_bytes, err_fd: lim.output_bytes, chan_r: _CHANNEL_CAP, info_r: 4096}
        bufs: dict[int, bytearray] = {fd: bytearray() for fd in caps if fd >= 0}
        live = set(bufs)
        deadline = started + lim.wall_ms / 1000
        timed_out = truncated = False
        init_pid = 0
        while live:
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                break
            ready, _, _ = select.select(list(live), [], [], min(left, _POLL_S))
            for fd in ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    live.discard(fd)
                    if fd == info_r:
                        init_pid = _child_pid(bytes(bufs[fd]))
                    continue
                bufs[fd] += chunk
                if len(bufs[fd]) > caps[fd]:
                    truncated = True
            if truncated:
                break
            if cg.cpu_ns() > lim.cpu_s * 1e9:
                timed_out = True
                break
        verdict = timed_out or truncated
        if not verdict:
            try:
                proc.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                timed_out = verdict = True
        if verdict:
            if init_pid == 0 and info_r in live:
                init_pid = _child_pid(_drain(info_r))
            _kill_tree(proc, cg, init_pid)
        proc.wait()
        wall_ms = int((time.monotonic() - started) * 1000)
        if init_pid == 0:
            init_pid = _child_pid(bytes(bufs[info_r]) + _drain(info_r))
        _reap(init_pid)
        proc.stdout.close()
        proc.stderr.close()
        cpu_ns = cg.cpu_ns()
        oom = cg.oom_killed()
        rc = proc.returncode
        # bwrap reports a signalled command as 128+signo (P19); -N means bwrap itself was killed.
        sig = rc - 128 if rc > 128 else (-rc if rc < 0 else None)
        if sig == signal.SIGXCPU or cpu_ns > lim.cpu_s * 1e9:
            timed_out = True
        if sig == signal.SIGXFSZ:
            truncated = True
        records: tuple[bytes, ...] = ()
        if chan_r >= 0:
            prefix = key + b" "
            records = tuple(
                line[len(prefix) :] for line in bytes(bufs[chan_r]).splitlines() if line.startswith(prefix)
            )
        return ExecResult(
            exit_code=None if sig is not None else rc,
            signal=sig,
            timed_out=timed_out,
            memory_exceeded=oom,
            output_truncated=truncated,
            stdout=bytes(bufs[out_fd][: lim.output_bytes]),
            stderr=bytes(bufs[err_fd][: lim.output_bytes]),
            wall_ms=wall_ms,
            cpu_ms=cpu_ns // 1_000_000,
            records=records,
        )


def _kill_tree(proc: subprocess.Popen[bytes], cg: Cgroup, init_pid: int) -> None:
    # Killing the pid-namespace init makes the kernel kill everything inside it at once;
    # the cgroup sweep catches anything that raced, bwrap itself goes last.
    if init_pid:
        with contextlib.suppress(ProcessLookupError):
            os.kill(init_pid, signal.SIGKILL)
    cg.kill_all()
    proc.kill()


def _harness_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in HARNESS_SOURCE.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(HARNESS_SOURCE).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _child_pid(info: bytes) -> int:
    try:
        return int(json.loads(info or b"{}").get("child-pid", 0))
    except ValueError:
        return 0


def _read_until_eof(fd: int, deadline: float, cap: int = 4096) -> bytes:
    """What a pipe yields until its writer closes it (bwrap writes --info-fd in pieces)."""
    data = b""
    while len(data) < cap and (left := deadline - time.monotonic()) > 0:
        if select.select([fd], [], [], left)[0]:
            chunk = os.read(fd, cap)
            if not chunk:
                break
            data += chunk
    return data


def _drain(fd: int) -> bytes:
    os.set_blocking(fd, False)
    try:
        return os.read(fd, 4096)
    except BlockingIOError:
        return b""


def _reap(pid: int) -> None:
    """Reap bwrap's pid-1 once it has been re-parented to us (P3)."""
    if not pid:
        return
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            if os.waitpid(pid, os.WNOHANG)[0]:
                return
        except ChildProcessError:
            return  # reaped by bwrap, or never ours
        time.sleep(0.001)
    log.error("sandbox init was not reaped", extra={"pid": pid})


def _rlimits(lim: Limits, *, cpu: bool = True) -> list[tuple[int, tuple[int, int]]]:
    seconds = math.ceil(lim.cpu_s) + 1  # backstop only: the supervisor enforces cpu_s exactly
    limits = [(resource.RLIMIT_CPU, (seconds, seconds + 1))] if cpu else []
    return limits + [
        (resource.RLIMIT_FSIZE, (lim.file_size_bytes, lim.file_size_bytes)),
        (resource.RLIMIT_NOFILE, (lim.open_files, lim.open_files)),
        (resource.RLIMIT_CORE, (0, 0)),
        (resource.RLIMIT_STACK, (256 << 20, 256 << 20)),
        # P4: counted per uid (zombies included); pids.max is the real per-run limit.
        (resource.RLIMIT_NPROC, (4 * lim.pids, 4 * lim.pids)),
    ]


class ServiceFailure(RuntimeError):
    """A service died, overran its deadline or broke its protocol; it has been shut down."""


class Service:
    """A long-lived sandboxed process (Sandbox.start_service_sync), used by one job at a time.

    It speaks a caller-defined byte protocol on its stdin and stdout; any failure shuts it down, and
    the owner starts a new one."""

    def __init__(self, proc: subprocess.Popen[bytes], cg: Cgroup, init_pid: int) -> None:
        assert proc.stdin is not None and proc.stdout is not None
        self._proc = proc
        self._stdin = proc.stdin
        self._stdout = proc.stdout.fileno()
        self._cg = cg
        self._init_pid = init_pid
        self._buf = bytearray()
        self._oom = False
        self.closed = False

    def send(self, data: bytes) -> None:
        try:
            self._stdin.write(data)
            self._stdin.flush()
        except OSError as exc:
            self.close()
            raise ServiceFailure("the service stopped reading") from exc

    def read_exact(self, size: int, deadline: float) -> bytes:
        """Read exactly `size` bytes before the monotonic `deadline`."""
        while len(self._buf) < size:
            left = deadline - time.monotonic()
            if left <= 0:
                self.close()
                raise ServiceFailure("the service did not answer in time")
            ready, _, _ = select.select([self._stdout], [], [], left)
            if not ready:
                continue
            chunk = os.read(self._stdout, max(65536, size - len(self._buf)))
            if not chunk:
                self.close()
                raise ServiceFailure("the service ended")
            self._buf += chunk
        data = bytes(self._buf[:size])
        del self._buf[:size]
        return data

    def cpu_ns(self) -> int:
        return self._cg.cpu_ns()

    def oom_killed(self) -> bool:
        """Whether the memory limit killed a process of the service (also after close)."""
        return self._oom if self.closed else self._cg.oom_killed()

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        self._oom = self._cg.oom_killed()
        _kill_tree(self._proc, self._cg, self._init_pid)
        self._proc.wait()
        _reap(self._init_pid)
        for stream in (self._proc.stdin, self._proc.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        self._cg.remove()


class Box:
    """One job's work dir and worker slot; executions in it run one after another."""

    def __init__(self, sandbox: Sandbox, slot: int, uid: int, path: Path) -> None:
        self.sandbox = sandbox
        self.slot = slot
        self.uid = uid
        self.path = path

    def write_files(self, files: Mapping[str, str | bytes]) -> None:
        for name, content in files.items():
            if "/" in name or name in ("", ".", ".."):
                raise ValueError(f"invalid file name {name!r}")
            data = content.encode() if isinstance(content, str) else content
            # O_EXCL|O_NOFOLLOW: never write through something the learner left behind (P18).
            fd = os.open(self.path / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
            try:
                os.write(fd, data)
            finally:
                os.close(fd)

    async def execute(self, spec: ExecSpec) -> ExecResult:
        return await asyncio.to_thread(self.sandbox.execute_sync, spec, uid=self.uid, workdir=self.path)


async def check_sandbox(sandbox: Sandbox) -> Health:
    """Run /usr/bin/true through the full sandbox: can executions be isolated on this host?"""
    spec = ExecSpec(argv=("/usr/bin/true",), limits=Limits(wall_ms=10_000))
    try:
        async with sandbox.box(workdir_mib=1) as box:
            result = await box.execute(spec)
    except (OSError, SandboxError) as exc:
        return Health(False, f"{type(exc).__name__}: {exc}")
    if result.exit_code != 0:
        return Health(False, result.stderr.decode(errors="replace").strip() or f"exit {result.exit_code}")
    return Health(True, "ok")
