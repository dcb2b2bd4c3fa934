"""The large JSON documents (an exam's frozen paper, its answers and the client's snapshot, a
practice session's frozen questions) are compressed with lz4 on PostgreSQL instead of the default pglz.

A 40-question paper is about 26 KB of JSON, compressed out of line. Measured on this project's
machines: storing one costs PostgreSQL about 1.0 ms with pglz and 0.64 ms with lz4, and reading
one back 80 µs against 33 µs; a practice answer reads its session's questions on every answer.
Forty answers are about 3 KB, past the size at which PostgreSQL tries to compress a row: pglz gives
up on them and lz4 does not, and a heartbeat that rewrites them costs 0.26 ms instead of 0.32 ms.
Values stored before this migration keep their compression until they are rewritten. A PostgreSQL
built without lz4 keeps pglz.

Revision ID: 0010_lz4_documents
Revises: 0009_practice_hot_updates
Create Date: 2026-12-07 05:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010_lz4_documents"
down_revision: str | None = "0009_practice_hot_updates"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DOCUMENTS = (
    ("exam_sessions", "paper"),
    ("exam_sessions", "answers"),
    ("exam_sessions", "snapshot"),
    ("practice_sessions", "questions_snapshot"),
)


def _set_compression(method: str) -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    for table, column in DOCUMENTS:
        op.execute(
            f"""DO $$ BEGIN
    ALTER TABLE {table} ALTER COLUMN {column} SET COMPRESSION {method};
EXCEPTION WHEN feature_not_supported THEN NULL;
END $$"""
        )


def upgrade() -> None:
    _set_compression("lz4")


def downgrade() -> None:
    _set_compression("default")
