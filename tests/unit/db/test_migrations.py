"""One migration history for SQLite and PostgreSQL: it goes up, down and up again, and matches the models."""

import json

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect, text

from acelab import clock
from acelab.db import migrate
from acelab.db.base import Base
from acelab.db.engine import Database, create_database
from acelab.db.ids import new_id
from acelab.db.session import unit_of_work
from acelab.exams.papers import blank_sheet, paper_choices
from acelab.exams.service import _BEAT_ATTEMPT
from tests.factories import make_exam_session, make_user


def _diff(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True, "render_as_batch": True})
    return list(compare_metadata(context, Base.metadata))


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names()) - {"alembic_version"}


class TestMigrations:
    async def test_models_match_the_migrations(self, database_url):
        db = create_database(database_url)
        async with db.engine.connect() as connection:
            assert await connection.run_sync(_diff) == []
        await db.dispose()

    async def test_upgrade_downgrade_upgrade(self, database_url):
        db = create_database(database_url)
        try:
            await migrate.downgrade(db, "base")
            async with db.engine.connect() as connection:
                assert await connection.run_sync(_tables) == set()
            await migrate.upgrade(db)
            await migrate.upgrade(db)  # idempotent
            async with db.engine.connect() as connection:
                assert await connection.run_sync(_tables) == set(Base.metadata.tables)
        finally:
            await db.dispose()

    async def test_large_documents_are_compressed_with_lz4_on_postgresql(self, database_url):
        db = create_database(database_url)
        try:
            if db.is_sqlite:
                pytest.skip("SQLite has no column compression")
            async with db.engine.connect() as connection:
                methods = await connection.execute(
                    text(
                        "SELECT attrelid::regclass::text, attname::text, attcompression::text"
                        " FROM pg_attribute"
                        " WHERE (attrelid = 'exam_sessions'::regclass"
                        "        AND attname IN ('paper', 'snapshot'))"
                        " OR (attrelid = 'practice_sessions'::regclass AND attname = 'questions_snapshot')"
                    )
                )
                assert sorted(methods.all()) == [
                    ("exam_sessions", "paper", "l"),
                    ("exam_sessions", "snapshot", "l"),
                    ("practice_sessions", "questions_snapshot", "l"),
                ]
        finally:
            await db.dispose()


class TestAnswerSheetMigration:
    async def test_stored_answers_survive_the_move_to_answer_sheets_and_back(self, database_url, identity):
        """Migration 0012 turns {questionId: choiceId} into one letter per question of the paper (the
        choice's place among the question's choice ids, sorted; "-" unanswered) and back."""
        paper, answers = _paper_and_answers(3)
        del answers[paper[1]["id"]]  # unanswered, in the middle
        ids = [sorted(c["id"] for c in item["choices"]) for item in paper]  # type: ignore[union-attr]
        letters = [ids[n].index(answers[item["id"]]) for n, item in enumerate(paper) if n != 1]
        db = create_database(database_url)
        try:
            attempt = await make_exam_session(db, user=await make_user(db, identity))
            await migrate.downgrade(db, "0011_exam_hot_heartbeats")
            async with db.engine.begin() as connection:
                await connection.execute(
                    text("UPDATE exam_sessions SET paper = :paper, answers = :answers WHERE id = :id"),
                    {"paper": json.dumps(paper), "answers": json.dumps(answers), "id": attempt.id},
                )
            await migrate.upgrade(db)
            async with db.engine.connect() as connection:
                sheet = await connection.scalar(
                    text("SELECT answer_sheet FROM exam_sessions WHERE id = :id"), {"id": attempt.id}
                )
            assert sheet == f"{'abcd'[letters[0]]}-{'abcd'[letters[1]]}"
            await migrate.downgrade(db, "0011_exam_hot_heartbeats")
            async with db.engine.connect() as connection:
                restored = await connection.scalar(
                    text("SELECT answers FROM exam_sessions WHERE id = :id"), {"id": attempt.id}
                )
            assert (json.loads(restored) if isinstance(restored, str) else restored) == answers
        finally:
            await migrate.upgrade(db)
            await db.dispose()


def _paper_and_answers(questions: int) -> tuple[list[dict[str, object]], dict[str, str]]:
    """A paper of `questions` four-choice items with the project's ids, and an answer to each."""
    paper: list[dict[str, object]] = []
    answers: dict[str, str] = {}
    for n in range(questions):
        question_id, choice_ids = new_id("qst"), [new_id("ch") for _ in range(4)]
        paper.append(
            {
                "id": question_id,
                "prompt": f"Question {n}: which of the four options is right? " * 3,
                "choices": [
                    {"id": cid, "text": f"Option {letter}"}
                    for cid, letter in zip(choice_ids, "ABCD", strict=True)
                ],
            }
        )
        answers[question_id] = choice_ids[1]
    return paper, answers


# This backend's heap-only updates of the table not yet reported (a difference within one transaction
# counts that transaction's).
_HOT_UPDATES = text("SELECT pg_stat_get_xact_tuples_hot_updated('exam_sessions'::regclass)")


async def _out_of_line_chunks(db: Database) -> int:
    """How many chunks of the table's values are stored out of line (TOAST), all rows together."""
    async with db.engine.connect() as connection:
        toast = await connection.scalar(
            text("SELECT reltoastrelid::regclass::text FROM pg_class WHERE relname = 'exam_sessions'")
        )
        chunks = await connection.scalar(text(f"SELECT count(*) FROM {toast}"))
    return int(chunks)


class TestExamHeartbeatsOnPostgresql:
    """A heartbeat rewrites its session's clock and answers every 15 s per student: PostgreSQL must
    update the row in place (HOT: no new index entries) and keep the answers in it (no TOAST)."""

    async def test_a_full_paper_of_answers_is_saved_in_place(self, db, identity):
        if db.is_sqlite:
            pytest.skip("heap-only updates and TOAST are PostgreSQL's")
        user = await make_user(db, identity)
        attempt = await make_exam_session(db, user=user)
        paper, answers = _paper_and_answers(40)
        async with unit_of_work(db, write=True) as session:
            await session.execute(
                text("UPDATE exam_sessions SET paper = :paper WHERE id = :id"),
                {"paper": json.dumps(paper), "id": attempt.id},
            )
        paper_chunks = await _out_of_line_chunks(db)
        choices, sheet = paper_choices(paper), blank_sheet(paper)
        for beat in range(8):  # 5 answers a beat, as on exam day; the heartbeat's own statement
            sheet = choices.merged(sheet, dict(list(answers.items())[beat * 5 : (beat + 1) * 5]))
            async with db.engine.begin() as connection:
                before = await connection.scalar(_HOT_UPDATES)
                changed = await connection.execute(
                    _BEAT_ATTEMPT.statement,
                    {
                        "uid": user.id,
                        "sid": attempt.id,
                        "rev": beat,
                        "now": clock.utcnow(),
                        "seq": beat + 1,
                        "sheet": sheet,
                        "beats": beat + 1,
                        "gaps": 0,
                        "longest_gap": 0,
                        "ip": "203.0.113.7",
                        "user_agent": "browser/1.0",
                        "ip_changes": 0,
                        "user_agent_changes": 0,
                    },
                )
                assert changed.rowcount == 1
                after = await connection.scalar(_HOT_UPDATES)
            assert after - before == 1, f"heartbeat {beat + 1} was not a heap-only update"
        assert await _out_of_line_chunks(db) == paper_chunks  # the answers stay in the row
