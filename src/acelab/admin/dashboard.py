"""Lifetime counts for the admin dashboard (ace.md §11.1).

A read model over several domains' tables: counting rows needs no domain rule, and going through
four services would cost four times the round trips.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from acelab import clock
from acelab.exams.models import ExamSession, ExamSessionEvent, ExamSessionFlag
from acelab.identity.models import ROLES, User
from acelab.questions.models import Question, QuestionBank, QuestionTopic


@dataclass(frozen=True)
class UserCounts:
    total: int
    active: int
    deleted: int
    by_role: Mapping[str, int]  # non-deleted users; every role present


@dataclass(frozen=True)
class QuestionCounts:
    packages: int  # question banks: the original's key name
    topics: int
    questions: int
    by_status: Mapping[str, int]  # only the statuses that occur


@dataclass(frozen=True)
class ExamCounts:
    sessions: int
    submitted: int
    by_status: Mapping[str, int]
    events: int
    flags: int


@dataclass(frozen=True)
class DashboardStats:
    ts: datetime
    users: UserCounts
    question_bank: QuestionCounts
    exams: ExamCounts


def _count(*where: ColumnElement[bool], of: type[object]) -> ColumnElement[int]:
    return select(func.count()).select_from(of).where(*where).scalar_subquery()


async def _grouped(
    session: AsyncSession, column: InstrumentedAttribute[str], *where: ColumnElement[bool]
) -> dict[str, int]:
    rows = await session.execute(select(column, func.count()).where(*where).group_by(column))
    return {key: count for key, count in rows}


async def compute_stats(session: AsyncSession) -> DashboardStats:
    """Count users, question bank content and exam sessions."""
    totals = (
        await session.execute(
            select(
                _count(of=User),
                _count(User.deleted_at.is_(None), of=User),
                _count(of=QuestionBank),
                _count(of=QuestionTopic),
                _count(of=Question),
                _count(of=ExamSession),
                _count(ExamSession.submitted_at.is_not(None), of=ExamSession),
                _count(of=ExamSessionEvent),
                _count(of=ExamSessionFlag),
            )
        )
    ).one()
    users, active, banks, topics, questions, sessions, submitted, events, flags = totals
    by_role = await _grouped(session, User.role, User.deleted_at.is_(None))
    return DashboardStats(
        ts=clock.utcnow(),
        users=UserCounts(
            total=users,
            active=active,
            deleted=users - active,
            by_role={role: by_role.get(role, 0) for role in ROLES},
        ),
        question_bank=QuestionCounts(
            packages=banks,
            topics=topics,
            questions=questions,
            by_status=await _grouped(session, Question.status),
        ),
        exams=ExamCounts(
            sessions=sessions,
            submitted=submitted,
            by_status=await _grouped(session, ExamSession.status),
            events=events,
            flags=flags,
        ),
    )
