"""bench/exam_day.py: an exam day on `acelab serve --workers 2` over PostgreSQL.

N students, already logged in, all start the same timed mock exam within one minute (each at a
uniformly random moment), then heartbeat every 15 s (the ACE web app's interval, not compressed), each
heartbeat autosaving the answers given since the previous one (5 of the 40 questions), and submit
after their eighth heartbeat. One student in ten also sends a blur/focus pair of integrity events.
One in a hundred walks away after four heartbeats and never returns: the server's background sweep
submits those attempts once their time limit and grace have run out.

So the heartbeat rate in steady state is N/15 per second, as on the real day. Reported: the start
spike (POST /exam-attempts), heartbeats (POST /exam-sessions/:id/heartbeat with answers), submits,
events, errors (any non-200 or transport failure), and CPU: the two server workers, PostgreSQL, the
load generator, and the whole machine (other work on the machine shows up in the last one); and how
the server's connections fell between its workers once everyone had started.

Seeding (not measured): users and enrollments are inserted directly, with a password hash of cheap
Argon2 parameters, so logging in 10,000 students takes seconds; each then logs in over HTTP.
Usage: .venv/bin/python bench/exam_day.py [--students 2000,10000]
"""

import argparse
import asyncio
import gc
import json
import os
import random
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import uvloop
from argon2 import PasswordHasher
from sqlalchemy import insert

from acelab.catalog.models import Enrollment, ExamPackage, Tier
from acelab.db.engine import create_database
from acelab.db.ids import new_id
from acelab.db.session import unit_of_work
from acelab.exams.models import ExamBlueprint
from acelab.identity.models import User
from acelab.questions.models import PUBLISHED, Choice, CorrectChoice, Question, QuestionBank, QuestionTopic
from harness import (
    CpuMark,
    KeepAliveClient,
    connections_held,
    cpu_mark,
    dumps,
    percentile,
    pg_database_url,
    print_table,
    serve,
    server_pids,
)

PASSWORD = "bench-password-1"
PG_DATABASE = "acelab_bench_exam_day"
QUESTIONS_PER_CELL = 80  # 4 topics x 3 difficulties x 80 = 960 published questions
TOPICS = ("Algebra", "Geometry", "Reading", "Vocabulary")
DIFFICULTIES = ("easy", "medium", "hard")
PAPER = 40
HEARTBEAT_S = 15.0
HEARTBEATS = 8
START_WINDOW_S = 60.0
TIME_LIMIT_S = 150  # covers 8 heartbeats and the submit; a walk-away closes at 150 + 15 s
GRACE_S = 15
ABANDON_RATE = 0.01
EVENT_RATE = 0.10
TARGET_HEARTBEAT_P99_MS = 100
CONNECT_CONCURRENCY = 64
# Students who take the exam quickly before the day starts: the server has been up for a while on a
# real exam day (its caches and compiled statements are warm); this one was started a moment ago.
WARMUP_STUDENTS = 40
# A reverse proxy's pool of upstream keep-alive connections (0: one connection per student).
DEFAULT_CONNECTIONS = 256


async def seed(dsn: str, students: int) -> tuple[str, list[str]]:
    """Store the package, its bank, a published 40-question blueprint, and `students` enrolled students
    (plus the warm-up ones, last).

    Returns (blueprint id, the students' emails)."""
    db = create_database(dsn.replace("postgresql://", "postgresql+asyncpg://", 1))
    now = datetime.now(UTC)
    password_hash = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)
    author_id = new_id("usr")
    package_id, tier_id, bank_id = str(uuid.uuid4()), str(uuid.uuid4()), new_id("pkg")
    topic_ids = [new_id("top") for _ in TOPICS]
    stamp = time.time_ns()
    emails = [f"exam{stamp}-{i}@example.com" for i in range(students + WARMUP_STUDENTS)]
    users = [
        {
            "id": new_id("usr"),
            "email": email,
            "password_hash": password_hash,
            "role": "student",
            "created_at": now,
            "updated_at": now,
        }
        for email in emails
    ]
    questions, choices, correct = [], [], []
    for topic_id in topic_ids:
        for difficulty in DIFFICULTIES:
            for n in range(QUESTIONS_PER_CELL):
                question_id = new_id("qst")
                questions.append(
                    {
                        "id": question_id,
                        "question_bank_id": bank_id,
                        "topic_id": topic_id,
                        "difficulty_id": difficulty,
                        "prompt": f"Exam question {n} ({difficulty}): which of the four options is right?",
                        "explanation_text": "Option A is right; the others are distractors.",
                        "review_note": "",
                        "status": PUBLISHED,
                        "created_by_user_id": author_id,
                        "updated_by_user_id": author_id,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
                ids = [new_id("ch") for _ in range(4)]
                choices += [
                    {"id": cid, "question_id": question_id, "order_index": i, "text": f"Option {'ABCD'[i]}"}
                    for i, cid in enumerate(ids)
                ]
                correct.append({"question_id": question_id, "choice_id": ids[0]})
    blueprint_id = new_id("ebp")
    try:
        async with unit_of_work(db, write=True) as session:
            await session.execute(
                insert(User),
                [
                    {
                        "id": author_id,
                        "email": f"author{stamp}@example.com",
                        "password_hash": password_hash,
                        "role": "instructor",
                        "created_at": now,
                        "updated_at": now,
                    }
                ],
            )
            for chunk in range(0, len(users), 5000):
                await session.execute(insert(User), users[chunk : chunk + 5000])
            session.add(
                ExamPackage(
                    id=package_id,
                    code=f"exam-day-{stamp}",
                    name=f"Exam day {stamp}",
                    modules=[],
                    highlights=[],
                    module_sections=[],
                    is_hidden=False,
                    created_at=now,
                    updated_at=now,
                )
            )
            await session.flush()
            session.add(
                Tier(
                    id=tier_id,
                    exam_package_id=package_id,
                    code="default",
                    name="Default",
                    sort_order=0,
                    is_default=True,
                    is_active=True,
                    policy={},
                    created_at=now,
                    updated_at=now,
                )
            )
            session.add(
                QuestionBank(
                    id=bank_id,
                    name="Exam bank",
                    exam_package_id=package_id,
                    created_by_user_id=author_id,
                    is_hidden=False,
                    created_at=now,
                    updated_at=now,
                )
            )
            await session.flush()
            await session.execute(
                insert(QuestionTopic),
                [
                    {
                        "id": topic_id,
                        "question_bank_id": bank_id,
                        "name": name,
                        "created_by_user_id": author_id,
                        "is_hidden": False,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for topic_id, name in zip(topic_ids, TOPICS, strict=True)
                ],
            )
            await session.execute(insert(Question), questions)
            await session.execute(insert(Choice), choices)
            await session.execute(insert(CorrectChoice), correct)
            enrollments = [
                {
                    "user_id": user["id"],
                    "exam_package_id": package_id,
                    "tier_id": tier_id,
                    "created_at": now,
                    "updated_at": now,
                }
                for user in users
            ]
            for chunk in range(0, len(enrollments), 5000):
                await session.execute(insert(Enrollment), enrollments[chunk : chunk + 5000])
            # 40 questions: 8 per topic (4 of them hard in the first two topics), the rest from anywhere.
            mix = [{"topicId": t, "difficultyId": None, "count": 8} for t in topic_ids]
            mix[0]["difficultyId"] = mix[1]["difficultyId"] = "hard"
            session.add(
                ExamBlueprint(
                    id=blueprint_id,
                    exam_package_id=package_id,
                    name="Exam day mock",
                    description="",
                    question_count=PAPER,
                    mix=mix,
                    time_limit_seconds=TIME_LIMIT_S,
                    grace_seconds=GRACE_S,
                    pass_percent=60,
                    attempts_allowed=1,
                    shuffle_questions=True,
                    shuffle_choices=True,
                    is_published=True,
                    created_by_user_id=author_id,
                    updated_by_user_id=author_id,
                    created_at=now,
                    updated_at=now,
                )
            )
    finally:
        await db.dispose()
    return blueprint_id, emails


async def database_sessions(dsn: str) -> int:
    """How many connections PostgreSQL has accepted to the bench database so far. Over the day that
    is the server's new ones and the bench's own two or three: the server's pools should open theirs
    once, not at every burst."""
    conn = await asyncpg.connect(dsn)
    try:
        count: int = await conn.fetchval(
            "SELECT sessions FROM pg_stat_database WHERE datname = current_database()"
        )
        return count
    finally:
        await conn.close()


def cookies_of(headers: list[tuple[str, str]]) -> dict[str, str]:
    jar = {}
    for name, value in headers:
        if name == "set-cookie":
            key, _, rest = value.partition("=")
            jar[key] = rest.split(";", 1)[0]
    return jar


@dataclass
class Latencies:
    samples: list[float] = field(default_factory=list)
    errors: int = 0
    # (seconds since the start of the exam, latency ms) for the per-phase view.
    timeline: list[tuple[float, float]] = field(default_factory=list)


@dataclass
class Results:
    starts: Latencies = field(default_factory=Latencies)
    heartbeats: Latencies = field(default_factory=Latencies)
    submits: Latencies = field(default_factory=Latencies)
    events: Latencies = field(default_factory=Latencies)
    not_applied: int = 0
    error_samples: list[str] = field(default_factory=list)


# uvicorn closes a keep-alive connection after 5 s of silence; a client then opens a new one.
IDLE_RECONNECT_S = 4.0


class Connection:
    """One keep-alive connection, reopened after idling; counts the requests it had to repeat."""

    retries = 0  # over all connections

    def __init__(self, host: str, port: int) -> None:
        self.client = KeepAliveClient(host, port)
        self.last_used = 0.0

    async def _reconnect(self) -> None:
        await self.client.close()
        self.client.writer = None

    async def post(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        if time.perf_counter() - self.last_used > IDLE_RECONNECT_S:
            await self._reconnect()
        try:
            status, _, reply = await self.client.request("POST", path, headers, body)
        except (IndexError, ConnectionError, asyncio.IncompleteReadError):
            # The server closed the connection as the request went out: a client retries on a new
            # one, and every request here is safe to repeat (seq, idempotent start and submit).
            Connection.retries += 1
            await self._reconnect()
            status, _, reply = await self.client.request("POST", path, headers, body)
        self.last_used = time.perf_counter()
        return status, reply


class ConnectionPool:
    """Connections shared by all students, as a reverse proxy keeps its upstream connections."""

    def __init__(self, host: str, port: int, size: int) -> None:
        self.free: asyncio.Queue[Connection] = asyncio.Queue()
        for _ in range(size):
            self.free.put_nowait(Connection(host, port))

    async def post(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        connection = await self.free.get()
        try:
            return await connection.post(path, headers, body)
        finally:
            self.free.put_nowait(connection)

    async def close(self) -> None:
        while not self.free.empty():
            await self.free.get_nowait().client.close()


class Student:
    """One browser: its cookies and CSRF header, and its own connection or a shared pool's."""

    def __init__(self, base: str, jar: dict[str, str], pool: ConnectionPool | None) -> None:
        url = urlsplit(base)
        self.connection: Connection | ConnectionPool = pool or Connection(url.hostname or "", url.port or 80)
        self.headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()),
            "X-CSRF-Token": jar["ace_csrf"],
            "Content-Type": "application/json",
            "User-Agent": "exam-day-bench/1.0",
        }

    async def post(self, path: str, body: object) -> tuple[int, bytes, float]:
        started = time.perf_counter()
        status, reply = await self.connection.post(path, self.headers, dumps(body))
        return status, reply, (time.perf_counter() - started) * 1000

    async def close(self) -> None:
        if isinstance(self.connection, Connection):
            await self.connection.client.close()


async def log_in(base: str, emails: list[str], pool: ConnectionPool | None) -> list[Student]:
    url = urlsplit(base)
    queue: asyncio.Queue[tuple[int, str]] = asyncio.Queue()
    for item in enumerate(emails):
        queue.put_nowait(item)
    students: list[Student | None] = [None] * len(emails)

    async def worker() -> None:
        client = KeepAliveClient(url.hostname or "127.0.0.1", url.port or 80)
        while not queue.empty():
            i, email = queue.get_nowait()
            body = dumps({"email": email, "password": PASSWORD})
            status, headers, reply = await client.request(
                "POST", "/student/auth/login", {"Content-Type": "application/json"}, body
            )
            assert status == 200, reply
            students[i] = Student(base, cookies_of(headers), pool)
        await client.close()

    await asyncio.gather(*(worker() for _ in range(CONNECT_CONCURRENCY)))
    return [s for s in students if s is not None]


def record(
    latencies: Latencies, results: Results, status: int, reply: bytes, elapsed: float, t: float
) -> None:
    latencies.samples.append(elapsed)
    latencies.timeline.append((t, elapsed))
    if status != 200:
        latencies.errors += 1
        if len(results.error_samples) < 5:
            results.error_samples.append(f"{status} {reply[:200]!r}")


async def take_exam(
    student: Student, *, blueprint_id: str, offset: float, t0: float, results: Results, rng: random.Random
) -> None:
    """One student's day: start at `offset`, heartbeat every 15 s with new answers, submit."""

    def now() -> float:
        return time.perf_counter() - t0

    async def until(at: float) -> None:
        delay = at - now()
        if delay > 0:
            await asyncio.sleep(delay)

    abandons = rng.random() < ABANDON_RATE
    sends_events = rng.random() < EVENT_RATE
    await until(offset)
    try:
        status, reply, elapsed = await student.post("/exam-attempts", {"blueprintId": blueprint_id})
    except (OSError, asyncio.IncompleteReadError) as exc:
        results.starts.errors += 1
        results.error_samples.append(f"start: {exc!r}")
        return
    record(results.starts, results, status, reply, elapsed, now())
    if status != 200:
        return
    attempt = json.loads(reply)
    attempt_id = attempt["attemptId"]
    questions = attempt["questions"]
    per_beat = len(questions) // HEARTBEATS
    # The client's own UI state, stored as the snapshot (the server ignores what is in it).
    snapshot: dict[str, object] = {"attemptId": attempt_id, "activeIndex": 0, "flagged": []}
    beats = HEARTBEATS // 2 if abandons else HEARTBEATS
    for seq in range(1, beats + 1):
        await until(offset + seq * HEARTBEAT_S)
        batch = questions[(seq - 1) * per_beat : seq * per_beat]
        # Three answers in four pick the first choice shown; choices are shuffled, so scores vary.
        answers = {q["id"]: q["choices"][0 if rng.random() < 0.75 else 1]["id"] for q in batch}
        snapshot["activeIndex"] = seq * per_beat
        body = {"sessionId": attempt_id, "seq": seq, "answers": answers, "snapshot": snapshot}
        try:
            status, reply, elapsed = await student.post(f"/exam-sessions/{attempt_id}/heartbeat", body)
        except (OSError, asyncio.IncompleteReadError) as exc:
            results.heartbeats.errors += 1
            results.error_samples.append(f"heartbeat: {exc!r}")
            return
        record(results.heartbeats, results, status, reply, elapsed, now())
        if status == 200 and not json.loads(reply)["applied"]:
            results.not_applied += 1
        if sends_events and seq == 3:
            for event_type in ("window_blur", "window_focus"):
                status, reply, elapsed = await student.post(
                    f"/exam-sessions/{attempt_id}/events", {"eventType": event_type, "payload": {}}
                )
                record(results.events, results, status, reply, elapsed, now())
    if abandons:
        return
    await until(offset + HEARTBEATS * HEARTBEAT_S + rng.uniform(0, 5))
    status, reply, elapsed = await student.post(f"/exam-attempts/{attempt_id}/submit", None)
    record(results.submits, results, status, reply, elapsed, now())


# --- CPU accounting from /proc --------------------------------------------------------------------------


def cpu_row(label: str, a: CpuMark, b: CpuMark) -> list[str]:
    wall = b.at - a.at
    cores = os.cpu_count() or 1

    def share(seconds: float) -> str:
        return f"{100 * seconds / (wall * cores):.0f}%"

    machine = 100 * (b.busy - a.busy) / max(1, b.total - a.total)
    # Each worker's share of one core: an event loop is one thread, so past 100% it queues.
    workers = sorted((100 * (y - x) / wall for x, y in zip(a.workers, b.workers, strict=True)), reverse=True)
    return [
        label,
        f"{wall:.0f} s",
        share(b.server - a.server),
        " / ".join(f"{w:.0f}%" for w in workers if w >= 1),
        share(b.postgres - a.postgres),
        share(b.generator - a.generator),
        f"{machine:.0f}%",
    ]


# --- one day ----------------------------------------------------------------------------------------------


async def warm_up(students: list[Student], blueprint_id: str) -> None:
    """Each warm-up student starts, saves twice and submits, all at once."""

    async def one(student: Student) -> None:
        status, reply, _ = await student.post("/exam-attempts", {"blueprintId": blueprint_id})
        assert status == 200, reply
        attempt = json.loads(reply)
        for seq, question in enumerate(attempt["questions"][:2], start=1):
            body = {"seq": seq, "answers": {question["id"]: question["choices"][0]["id"]}}
            status, reply, _ = await student.post(f"/exam-sessions/{attempt['attemptId']}/heartbeat", body)
            assert status == 200, reply
        status, reply, _ = await student.post(f"/exam-attempts/{attempt['attemptId']}/submit", None)
        assert status == 200, reply

    await asyncio.gather(*(one(student) for student in students))


async def exam_day(base: str, students_count: int, connections: int) -> dict[str, object]:
    dsn = pg_database_url(PG_DATABASE)
    blueprint_id, emails = await seed(dsn, students_count)
    url = urlsplit(base)
    pool = ConnectionPool(url.hostname or "", url.port or 80, connections) if connections else None
    everyone = await log_in(base, emails, pool)
    students, warmers = everyone[:students_count], everyone[students_count:]
    await warm_up(warmers, blueprint_id)
    port = url.port or 80
    pids = server_pids(port)
    rng = random.Random(7)
    results = Results()
    # The load generator must not pause: what it holds now lives to the end, and it collects rarely.
    gc.collect()
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)
    sessions_before = await database_sessions(dsn)
    t0 = time.perf_counter()
    marks = {"begin": cpu_mark(pids, t0)}
    split: list[int] = []  # the server's connections per worker, once all students have started
    lags: list[float] = []

    async def watch_lag() -> None:
        """How late the generator's own loop wakes up: its latencies are only as good as this."""
        while True:
            before = time.perf_counter()
            await asyncio.sleep(0.01)
            lags.append((time.perf_counter() - before - 0.01) * 1000)

    watcher = asyncio.create_task(watch_lag())

    async def mark_at(name: str, at: float) -> None:
        await asyncio.sleep(max(0.0, at - (time.perf_counter() - t0)))
        marks[name] = cpu_mark(pids, t0)
        if name == "spike_end":
            split.extend(connections_held(port, pids))

    offsets = [rng.uniform(0, START_WINDOW_S) for _ in students]
    steady_from, steady_to = START_WINDOW_S, HEARTBEATS * HEARTBEAT_S
    markers = asyncio.gather(mark_at("spike_end", START_WINDOW_S), mark_at("steady_end", steady_to))
    await asyncio.gather(
        *(
            take_exam(s, blueprint_id=blueprint_id, offset=o, t0=t0, results=results, rng=random.Random(i))
            for i, (s, o) in enumerate(zip(students, offsets, strict=True))
        )
    )
    await markers
    marks["end"] = cpu_mark(pids, t0)
    watcher.cancel()
    gc.unfreeze()
    # The walk-aways: wait for the sweep to submit them (their grace ends ~165 s after their start).
    conn = await asyncpg.connect(dsn)
    try:
        deadline = time.perf_counter() + 120
        while time.perf_counter() < deadline:
            active = await conn.fetchval("SELECT count(*) FROM exam_sessions WHERE status = 'active'")
            if active == 0:
                break
            await asyncio.sleep(2)
        swept = await conn.fetchval("SELECT count(*) FROM exam_sessions WHERE submit_reason = 'expired'")
        finished = await conn.fetchval("SELECT count(*) FROM exam_sessions WHERE status = 'finished'")
        still_active = await conn.fetchval("SELECT count(*) FROM exam_sessions WHERE status = 'active'")
        opened = await database_sessions(dsn) - sessions_before
    finally:
        await conn.close()
    for s in everyone:
        await s.close()
    if pool is not None:
        await pool.close()
    retries, Connection.retries = Connection.retries, 0
    steady = [ms for t, ms in results.heartbeats.timeline if steady_from <= t < steady_to]
    steady_count = sum(1 for t, _ in results.heartbeats.timeline if steady_from <= t < steady_to)
    return {
        "n": students_count,
        "results": results,
        "marks": marks,
        "steady_rate": steady_count / (steady_to - steady_from),
        "steady_p99": percentile(steady, 99),
        "swept": swept,
        "finished": finished,
        "still_active": still_active,
        "retries": retries,
        "opened": opened,
        "split": split,
        "connections": connections,
        "lag_p99": percentile(lags, 99),
        "lag_max": max(lags, default=0.0),
    }


def report(days: list[dict[str, object]]) -> None:
    rows = []
    for day in days:
        r: Results = day["results"]  # type: ignore[assignment]
        n = day["n"]
        for label, lat in (
            ("start (POST /exam-attempts)", r.starts),
            ("heartbeat with answers", r.heartbeats),
            ("submit", r.submits),
            ("integrity event", r.events),
        ):
            rows.append(
                [
                    f"{n:,}",
                    label,
                    f"{len(lat.samples):,}",
                    f"{percentile(lat.samples, 50):.1f}",
                    f"{percentile(lat.samples, 99):.1f}",
                    f"{max(lat.samples, default=float('nan')):.0f}",
                    str(lat.errors),
                ]
            )
    connections = days[0]["connections"] if days else 0
    transport = f"{connections} shared keep-alive connections" if connections else "a connection per student"
    print_table(
        "exam day: acelab serve --workers 2, PostgreSQL, students start within 60 s, heartbeat every 15 s, "
        + transport,
        ["students", "request", "count", "p50 ms", "p99 ms", "max ms", "errors"],
        rows,
    )
    summary = []
    for day in days:
        r = day["results"]  # type: ignore[assignment]
        n = day["n"]
        summary.append(
            [
                f"{n:,}",
                f"{day['steady_rate']:.0f}/s (N/15 = {n / 15:.0f}/s)",  # type: ignore[operator]
                f"{percentile(r.starts.samples, 99):.1f}",
                f"{day['steady_p99']:.1f}",
                str(r.starts.errors + r.heartbeats.errors + r.submits.errors + r.events.errors),
                f"{day['swept']} swept, {day['still_active']} left active",
                str(day["retries"]),
                str(day["opened"]),
                " / ".join(map(str, day["split"])),  # type: ignore[call-overload]
                f"{day['lag_p99']:.1f} / {day['lag_max']:.0f}",
                f"p99 < {TARGET_HEARTBEAT_P99_MS} ms, 0 errors",
            ]
        )
    print_table(
        "summary (heartbeat p99 over the steady minute after the start window)",
        [
            "students",
            "heartbeat rate",
            "start p99 ms",
            "heartbeat p99 ms",
            "errors",
            "walk-aways",
            "reconnect retries",
            "PostgreSQL connections opened",
            "connections per worker at 60 s",
            "generator lag p99 / max ms",
            "target",
        ],
        summary,
    )
    cpu_rows = []
    for day in days:
        marks: dict[str, CpuMark] = day["marks"]  # type: ignore[assignment]
        n = day["n"]
        cpu_rows.append([f"{n:,}", *cpu_row("start minute", marks["begin"], marks["spike_end"])])
        cpu_rows.append([f"{n:,}", *cpu_row("steady heartbeats", marks["spike_end"], marks["steady_end"])])
        cpu_rows.append([f"{n:,}", *cpu_row("whole exam", marks["begin"], marks["end"])])
    print_table(
        f"CPU, as a share of the machine's {os.cpu_count()} cores",
        [
            "students",
            "phase",
            "wall",
            "server",
            "per process (of 1 core)",
            "PostgreSQL",
            "load generator",
            "machine busy",
        ],
        cpu_rows,
    )
    for day in days:
        r = day["results"]  # type: ignore[assignment]
        if r.error_samples:
            print(f"first errors at N={day['n']}: {r.error_samples}")


async def run(students: list[int], connections: int) -> list[dict[str, object]]:
    days = []
    for n in students:
        with serve(
            "postgresql",
            workers=2,
            pg_database=PG_DATABASE,
            extra_env={"ACELAB_EXAM_SWEEP_INTERVAL_S": "5"},
        ) as base:
            days.append(await exam_day(base, n, connections))
    return days


def dump_timelines(days: list[dict[str, object]], path: Path) -> None:
    timelines = {}
    for day in days:
        r: Results = day["results"]  # type: ignore[assignment]
        timelines[str(day["n"])] = {
            "starts": r.starts.timeline,
            "heartbeats": r.heartbeats.timeline,
            "submits": r.submits.timeline,
        }
    path.write_text(json.dumps(timelines))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--students", default="2000,10000", help="comma-separated student counts")
    parser.add_argument(
        "--connections",
        type=int,
        default=DEFAULT_CONNECTIONS,
        help="keep-alive connections shared by all students, as from a reverse proxy; 0: one per student",
    )
    parser.add_argument("--dump", type=Path, help="also write every request's (time, latency) here, as JSON")
    args = parser.parse_args()
    days = uvloop.run(run([int(n) for n in args.students.split(",")], args.connections))
    report(days)
    if args.dump is not None:
        dump_timelines(days, args.dump)


if __name__ == "__main__":
    main()
