"""bench/practice.py: `acelab serve --workers 2` on PostgreSQL, 32 concurrent simulated students.

Seeds an exam package whose bank holds 5,000 published questions and a published template, registers
and enrolls the students, then each student practises for `--seconds`: start a session from the
template (POST /practice-sessions), answer every question in order (POST /practice-sessions/:id/answers),
start the next. The first question comes with the session; the rest of the order is read from the
database while the first answer is sent (the web app would GET the session between answers; this
measures the answer route alone).

Two runs: "as fast as answered" (each student sends its next request the moment the last one is
answered: the most the server takes, with latencies that are mostly queueing), then "paced" at the
target of 800 answers/s (each student on a fixed schedule, latency counted from the scheduled moment).
Each row gives the CPU a request costs the server's workers and PostgreSQL. A last row shows the
creation latency of a single client without the practice load. The title gives the load average:
the machine is shared.
Usage: .venv/bin/python bench/practice.py [--seconds 15] [--questions 5000] [--per-session 20]
"""

import argparse
import asyncio
import functools
import json
import os
import random
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

import asyncpg
from sqlalchemy import insert

from acelab.catalog.models import ExamPackage, Tier
from acelab.db.engine import create_database
from acelab.db.ids import new_id
from acelab.db.session import unit_of_work
from acelab.identity.models import User
from acelab.practice.models import PracticeTemplate
from acelab.questions.models import PUBLISHED, Choice, CorrectChoice, Question, QuestionBank
from harness import (
    KeepAliveClient,
    cpu_mark,
    dumps,
    percentile,
    pg_database_url,
    print_table,
    serve,
    server_pids,
)

CLIENTS = 32
PASSWORD = "bench-password-1"
PG_DATABASE = "acelab_bench_practice"
TARGET_ANSWERS_PER_S = 800
TARGET_ANSWER_P99_MS = 50
TARGET_CREATE_P99_MS = 100


async def seed(url: str, *, questions: int, per_session: int) -> tuple[str, str, dict[str, tuple[str, str]]]:
    """Store a package, its default tier, a bank of published questions and a template.

    Returns (package id, template id, question id -> (a right choice id, a wrong one))."""
    db = create_database(url.replace("postgresql://", "postgresql+asyncpg://", 1))
    now = datetime.now(UTC)
    author = User(
        id=new_id("usr"),
        email=f"author{time.time_ns()}@example.com",
        password_hash="-",
        role="instructor",
        created_at=now,
        updated_at=now,
    )
    package = ExamPackage(
        id=str(uuid.uuid4()),
        code="bench",
        name="Bench",
        modules=[],
        highlights=[],
        module_sections=[],
        is_hidden=False,
        created_at=now,
        updated_at=now,
    )
    tier = Tier(
        id=str(uuid.uuid4()),
        exam_package_id=package.id,
        code="default",
        name="Default",
        sort_order=0,
        is_default=True,
        is_active=True,
        policy={},
        created_at=now,
        updated_at=now,
    )
    bank_id = new_id("pkg")
    question_rows, choice_rows, correct_rows, choices = [], [], [], {}
    for n in range(questions):
        question_id = new_id("qst")
        question_rows.append(
            {
                "id": question_id,
                "question_bank_id": bank_id,
                "difficulty_id": "easy",
                "prompt": f"Bench question {n}: which of the four options below is the right one?",
                "explanation_text": f"Option A is right for question {n}; the others are distractors.",
                "review_note": "",
                "status": PUBLISHED,
                "created_by_user_id": author.id,
                "updated_by_user_id": author.id,
                "created_at": now,
                "updated_at": now,
            }
        )
        ids = [new_id("ch") for _ in range(4)]
        choice_rows += [
            {"id": choice_id, "question_id": question_id, "order_index": i, "text": f"Option {'ABCD'[i]}"}
            for i, choice_id in enumerate(ids)
        ]
        correct_rows.append({"question_id": question_id, "choice_id": ids[0]})
        choices[question_id] = (ids[0], ids[1])
    template_id = str(uuid.uuid4())
    try:
        async with unit_of_work(db, write=True) as session:
            session.add_all([author, package])
            await session.flush()
            session.add(tier)
            session.add(
                QuestionBank(
                    id=bank_id,
                    name="Bench bank",
                    exam_package_id=package.id,
                    created_by_user_id=author.id,
                    is_hidden=False,
                    created_at=now,
                    updated_at=now,
                )
            )
            await session.flush()
            await session.execute(insert(Question), question_rows)
            await session.execute(insert(Choice), choice_rows)
            await session.execute(insert(CorrectChoice), correct_rows)
            session.add(
                PracticeTemplate(
                    id=template_id,
                    exam_package_id=package.id,
                    name="Bench drill",
                    section="Reading",
                    is_timed=False,
                    target_count=per_session,
                    sort_order=0,
                    is_published=True,
                    created_by_user_id=author.id,
                    updated_by_user_id=author.id,
                    created_at=now,
                    updated_at=now,
                )
            )
    finally:
        await db.dispose()
    return package.id, template_id, choices


def cookies_of(headers: list[tuple[str, str]]) -> dict[str, str]:
    jar = {}
    for name, value in headers:
        if name == "set-cookie":
            key, _, rest = value.partition("=")
            jar[key] = rest.split(";", 1)[0]
    return jar


class Student:
    """One browser: its cookies, the CSRF header, and a keep-alive connection."""

    def __init__(self, base: str, jar: dict[str, str]) -> None:
        url = urlsplit(base)
        self.client = KeepAliveClient(url.hostname or "127.0.0.1", url.port or 80)
        self.headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()),
            "X-CSRF-Token": jar["ace_csrf"],
            "Content-Type": "application/json",
        }

    async def post(self, path: str, body: object) -> tuple[int, bytes, float]:
        started = time.perf_counter()
        status, _, reply = await self.client.request("POST", path, self.headers, dumps(body))
        return status, reply, (time.perf_counter() - started) * 1000


async def enroll_students(base: str, package_id: str, count: int) -> list[Student]:
    url = urlsplit(base)
    client = KeepAliveClient(url.hostname or "127.0.0.1", url.port or 80)
    students = []
    stamp = time.time_ns()
    for i in range(count):
        body = dumps({"email": f"practice{stamp}-{i}@example.com", "password": PASSWORD})
        status, headers, _ = await client.request(
            "POST", "/student/auth/register", {"Content-Type": "application/json"}, body
        )
        assert status == 200, status
        student = Student(base, cookies_of(headers))
        status, reply, _ = await student.post("/student/enrollments", {"examPackageId": package_id})
        assert status == 200, reply
        students.append(student)
    await client.close()
    return students


@dataclass
class PracticeRun:
    seconds: float = 0.0
    answers: list[float] = field(default_factory=list)  # latencies, ms
    creations: list[float] = field(default_factory=list)
    answer_errors: int = 0
    creation_errors: int = 0
    server_cpu: float = 0.0  # seconds, both workers
    postgres_cpu: float = 0.0


async def practise(
    students: list[Student],
    *,
    dsn: str,
    server: list[int],
    template_id: str,
    choices: dict[str, tuple[str, str]],
    seconds: float,
    rate: float | None = None,
) -> PracticeRun:
    """Every student starts sessions and answers them in order until the time is up.

    Without `rate`, each student sends its next request as soon as the last one is answered (the
    most the server can take). With `rate` (requests per second, all students together), each student
    sends on a fixed schedule, whether or not its last request was answered late, and a latency counts
    from the scheduled moment: a server that falls behind shows it (no coordinated omission).
    """
    run = PracticeRun()
    pool = await asyncpg.create_pool(dsn, min_size=2, max_size=4)
    started = time.perf_counter()
    deadline = started + seconds
    interval = len(students) / rate if rate else 0.0

    async def one(index: int, student: Student) -> None:
        # Students start spread over one interval, not in lockstep.
        due = started + interval * index / len(students)

        async def send(path: str, body: object) -> tuple[int, bytes, float]:
            nonlocal due
            if rate:
                await asyncio.sleep(max(0.0, due - time.perf_counter()))
            status, reply, elapsed = await student.post(path, body)
            if rate:
                elapsed = (time.perf_counter() - due) * 1000
                due += interval
            return status, reply, elapsed

        while time.perf_counter() < deadline:
            status, reply, elapsed = await send("/practice-sessions", {"templateId": template_id})
            run.creations.append(elapsed)
            if status != 200:
                run.creation_errors += 1
                continue
            created = json.loads(reply)
            session_id = created["sessionId"]
            # The first question comes with the session. The bench reads the rest of the order while
            # the first answer is on its way, so its own read never delays a request it times.
            order = asyncio.create_task(
                pool.fetchval("SELECT question_order FROM practice_sessions WHERE id = $1", session_id)
            )
            question_ids = [created["question"]["id"]]
            position = 0
            while position < len(question_ids):
                if time.perf_counter() >= deadline:
                    await order  # before the pool closes
                    return
                question_id = question_ids[position]
                # Three answers in four are right, so both branches of the verdict run.
                right, wrong = choices[question_id]
                choice_id = right if random.random() < 0.75 else wrong
                status, _, elapsed = await send(
                    f"/practice-sessions/{session_id}/answers",
                    {"questionId": question_id, "choiceId": choice_id, "ts": None},
                )
                run.answers.append(elapsed)
                run.answer_errors += status != 200
                if position == 0:
                    question_ids = json.loads(await order)
                position += 1

    before = cpu_mark(server, started)
    await asyncio.gather(*(one(index, student) for index, student in enumerate(students)))
    after = cpu_mark(server, started)
    run.seconds = time.perf_counter() - started
    run.server_cpu = after.server - before.server
    run.postgres_cpu = after.postgres - before.postgres
    await pool.close()
    return run


async def create_alone(student: Student, server: list[int], template_id: str, rounds: int) -> PracticeRun:
    run = PracticeRun()
    before = cpu_mark(server, 0.0)
    for _ in range(rounds):
        status, reply, elapsed = await student.post("/practice-sessions", {"templateId": template_id})
        assert status == 200, reply
        run.creations.append(elapsed)
    after = cpu_mark(server, 0.0)
    run.server_cpu = after.server - before.server
    run.postgres_cpu = after.postgres - before.postgres
    return run


async def run(base: str, args: argparse.Namespace) -> None:
    # What the machine's other users load it with (the bench's own load comes after).
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    dsn = pg_database_url(PG_DATABASE)
    server = server_pids(urlsplit(base).port or 80)
    package_id, template_id, choices = await seed(dsn, questions=args.questions, per_session=args.per_session)
    # A bank is not bulk-loaded seconds before students arrive: give the planner the statistics
    # autovacuum would have gathered by then (without them it picks a nested loop for the pick).
    connection = await asyncpg.connect(dsn)
    await connection.execute("VACUUM ANALYZE")
    await connection.close()
    students = await enroll_students(base, package_id, CLIENTS)
    practice = functools.partial(
        practise, students, dsn=dsn, server=server, template_id=template_id, choices=choices
    )
    await practice(seconds=2)  # warm-up
    flat_out = await practice(seconds=args.seconds)
    # The target rate of answers plus the session creations that come with it (one per session).
    paced = await practice(seconds=args.seconds, rate=TARGET_ANSWERS_PER_S * (1 + 1 / args.per_session))
    alone = await create_alone(students[0], server, template_id, args.create_rounds)
    for student in students:
        await student.client.close()

    rows = []
    for label, result in (("as fast as answered", flat_out), (f"paced at {TARGET_ANSWERS_PER_S}/s", paced)):
        answers, creations = result.answers, result.creations
        requests = len(answers) + len(creations)
        rows.append(
            [
                label,
                f"{len(answers) / result.seconds:,.0f}",
                f"{percentile(answers, 50):.1f}",
                f"{percentile(answers, 99):.1f}",
                f"{percentile(creations, 50):.1f}",
                f"{percentile(creations, 99):.1f}",
                str(result.answer_errors + result.creation_errors),
                f"{1000 * result.server_cpu / requests:.2f}",
                f"{1000 * result.postgres_cpu / requests:.2f}",
            ]
        )
    rows.append(
        [
            "session creation, 1 client alone",
            "",
            "",
            "",
            f"{percentile(alone.creations, 50):.1f}",
            f"{percentile(alone.creations, 99):.1f}",
            "0",
            f"{1000 * alone.server_cpu / len(alone.creations):.2f}",
            f"{1000 * alone.postgres_cpu / len(alone.creations):.2f}",
        ]
    )
    print_table(
        f"practice benchmark: acelab serve --workers 2, PostgreSQL, {CLIENTS} concurrent students, "
        f"{args.questions:,}-question bank, {args.per_session} questions per session, {args.seconds} s a run "
        f"(load average before the run: {load}, {os.cpu_count()} cores). Targets: >= {TARGET_ANSWERS_PER_S} "
        f"answers/s with answer p99 < {TARGET_ANSWER_P99_MS} ms; creation p99 < {TARGET_CREATE_P99_MS} ms",
        [
            "run",
            "answers/s",
            "answer p50 ms",
            "answer p99 ms",
            "creation p50 ms",
            "creation p99 ms",
            "errors",
            "server CPU ms / request",
            "PostgreSQL CPU ms / request",
        ],
        rows,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--questions", type=int, default=5000)
    parser.add_argument("--per-session", type=int, default=20)
    parser.add_argument("--create-rounds", type=int, default=100)
    args = parser.parse_args()
    with serve("postgresql", workers=2, pg_database=PG_DATABASE) as base:
        asyncio.run(run(base, args))


if __name__ == "__main__":
    main()
