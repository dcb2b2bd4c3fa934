"""Resource limits for one sandboxed execution, grouped per judge stage."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Limits:
    """Limits applied to one sandboxed process tree."""

    wall_ms: int = 10_000
    cpu_s: float = 5.0
    memory_mib: int = 512
    pids: int = 64
    # Per stream (stdout and stderr are capped separately), enforced while reading.
    output_bytes: int = 1 << 20
    file_size_bytes: int = 16 << 20
    # Size of the sandbox-private /tmp; the work dir has its own cap (JudgeLimits.workdir_mib).
    tmpfs_mib: int = 64
    open_files: int = 256


@dataclass(frozen=True, slots=True)
class JudgeLimits:
    """Limits per stage. codemm.md §17.4: judge 15 s and run 8 s wall by default, cap 30 s."""

    compile: Limits = field(
        default_factory=lambda: Limits(wall_ms=30_000, cpu_s=20.0, memory_mib=1024, pids=64)
    )
    run: Limits = field(default_factory=lambda: Limits(wall_ms=8_000, cpu_s=5.0))
    grade: Limits = field(default_factory=lambda: Limits(wall_ms=15_000, cpu_s=10.0))
    # One-off builds of cached artefacts (C++ precompiled header: ~100 MB file, ~4 s).
    cache_build: Limits = field(
        default_factory=lambda: Limits(
            wall_ms=120_000, cpu_s=100.0, memory_mib=2048, file_size_bytes=512 << 20
        )
    )
    # Size cap of the per-job work dir (a tmpfs mounted for the job and unmounted after it).
    workdir_mib: int = 64
