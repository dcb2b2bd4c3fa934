"""An exam attempt's answers are kept as an answer sheet: one letter per question of its paper.

`answers` held {questionId: choiceId}, about 3 KB of ids for forty answers, rewritten by every
heartbeat. `answer_sheet` holds one character per question, in paper order: the chosen choice's
position among the question's choice ids (sorted) as a letter, or "-". Forty answers are 40 bytes,
so an attempt's row stays under 1 KB for its whole life: on exam day with 10,000 students the table
was 156 MB at one row per page, past PostgreSQL's default 128 MB of shared buffers, and every
heartbeat evicted a page another would need. Rows no longer grow during an attempt, so the fillfactor
of migration 0011 goes from 30 to 70: room for a few new versions of each row on its page.

Revision ID: 0012_exam_answer_sheets
Revises: 0011_exam_hot_heartbeats
Create Date: 2026-12-07 11:00:00
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0012_exam_answer_sheets"
down_revision: str | None = "0011_exam_hot_heartbeats"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The format as of this migration (acelab.exams.papers keeps the live one).
_UNANSWERED = "-"
_LETTERS = "abcdefghijklmnopqrstuvwxyz"

_SESSIONS = sa.table(
    "exam_sessions",
    sa.column("user_id", sa.String),
    sa.column("id", sa.String),
    sa.column("paper", sa.JSON),
    sa.column("answers", sa.JSON),
    sa.column("answer_sheet", sa.String),
)


def _choice_ids(item: dict[str, Any]) -> list[str]:
    return sorted(choice["id"] for choice in item["choices"])


def _sheet(paper: list[dict[str, Any]], answers: dict[str, str]) -> str:
    cells = []
    for item in paper:
        chosen, ids = answers.get(item["id"]), _choice_ids(item)
        cells.append(_LETTERS[ids.index(chosen)] if chosen in ids else _UNANSWERED)
    return "".join(cells)


def _answers(paper: list[dict[str, Any]], sheet: str) -> dict[str, str]:
    return {
        item["id"]: _choice_ids(item)[_LETTERS.index(cell)]
        for item, cell in zip(paper, sheet, strict=True)
        if cell != _UNANSWERED
    }


def _attempts(column: sa.ColumnClause[Any]) -> Sequence[Any]:
    bind = op.get_bind()
    return bind.execute(
        sa.select(_SESSIONS.c.user_id, _SESSIONS.c.id, _SESSIONS.c.paper, column).where(
            _SESSIONS.c.paper.is_not(None)
        )
    ).all()


def _set_fillfactor(value: int) -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE exam_sessions SET (fillfactor = {value})")


def upgrade() -> None:
    with op.batch_alter_table("exam_sessions") as batch:
        batch.add_column(sa.Column("answer_sheet", sa.String(), nullable=True))
    for user_id, session_id, paper, answers in _attempts(_SESSIONS.c.answers):
        op.get_bind().execute(
            _SESSIONS.update()
            .where(_SESSIONS.c.user_id == user_id, _SESSIONS.c.id == session_id)
            .values(answer_sheet=_sheet(paper, answers or {}))
        )
    with op.batch_alter_table("exam_sessions") as batch:
        batch.drop_column("answers")
    _set_fillfactor(70)


def downgrade() -> None:
    _set_fillfactor(30)
    with op.batch_alter_table("exam_sessions") as batch:
        batch.add_column(
            sa.Column("answers", sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql"))
        )
    if op.get_context().dialect.name == "postgresql":  # as migration 0010 left it
        op.execute(
            """DO $$ BEGIN
    ALTER TABLE exam_sessions ALTER COLUMN answers SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN NULL;
END $$"""
        )
    for user_id, session_id, paper, sheet in _attempts(_SESSIONS.c.answer_sheet):
        op.get_bind().execute(
            _SESSIONS.update()
            .where(_SESSIONS.c.user_id == user_id, _SESSIONS.c.id == session_id)
            .values(answers=_answers(paper, sheet or ""))
        )
    with op.batch_alter_table("exam_sessions") as batch:
        batch.drop_column("answer_sheet")
