"""Exam blueprint rules: what an instructor defines per package, and what a student may take.

Any instructor or admin may edit any blueprint, as with practice templates (ace.md §16.1 S3: the
"content team" model). Attempts copy what they need (time limit, grace, pass mark, paper) when they
start, so editing or deleting a blueprint never changes a running or finished attempt.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from acelab import clock
from acelab.catalog import service as catalog_service
from acelab.db.ids import new_id
from acelab.exams import errors
from acelab.exams.models import ACTIVE, BLUEPRINT_ID_PREFIX, ExamBlueprint, ExamSession
from acelab.exams.papers import MixEntry
from acelab.exams.schemas import BlueprintCreate, BlueprintUpdate, MixItemIn
from acelab.questions import service as questions_service

MAX_NAME_LENGTH = 200
MAX_DESCRIPTION_LENGTH = 5000
MAX_QUESTIONS = 200
MAX_MIX_ENTRIES = 20
MIN_TIME_LIMIT_S = 60
MAX_TIME_LIMIT_S = 24 * 3600
MAX_GRACE_S = 600
MAX_ATTEMPTS_ALLOWED = 100


def mix_entries(mix: Sequence[Mapping[str, Any]]) -> list[MixEntry]:
    """Read a stored mix (wire keys) as draw entries."""
    return [
        MixEntry(topic_id=m.get("topicId"), difficulty_id=m.get("difficultyId"), count=int(m["count"]))
        for m in mix
    ]


@dataclass(frozen=True)
class ExamRules:
    """What starting an attempt needs from its blueprint (the attempt copies the rest)."""

    id: str
    exam_package_id: str
    question_count: int
    mix: list[dict[str, Any]]
    time_limit_seconds: int
    grace_seconds: int
    pass_percent: int
    attempts_allowed: int
    shuffle_questions: bool
    shuffle_choices: bool


# Built once: every start on exam day runs it.
_PUBLISHED_RULES = select(*(getattr(ExamBlueprint, name) for name in ExamRules.__dataclass_fields__)).where(
    ExamBlueprint.id == bindparam("blueprint_id"), ExamBlueprint.is_published.is_(True)
)


async def get_published_rules(session: AsyncSession, *, blueprint_id: str) -> ExamRules | None:
    """Return a published blueprint's rules, or None (unknown or unpublished)."""
    row = (await session.execute(_PUBLISHED_RULES, {"blueprint_id": blueprint_id})).first()
    return None if row is None else ExamRules(**row._asdict())


def _range(value: int, low: int, high: int, name: str) -> int:
    if not low <= value <= high:
        raise errors.BlueprintInvalid(f"{name} must be between {low} and {high}")
    return value


async def _normalized_mix(session: AsyncSession, items: Sequence[MixItemIn]) -> list[dict[str, object]]:
    """Blank ids mean "any"; every named topic and difficulty must exist."""
    if len(items) > MAX_MIX_ENTRIES:
        raise errors.BlueprintInvalid(f"mix may have at most {MAX_MIX_ENTRIES} entries")
    mix: list[dict[str, object]] = []
    for item in items:
        if item.count < 1:
            raise errors.BlueprintInvalid("mix counts must be at least 1")
        mix.append(
            {
                "topicId": (item.topic_id or "").strip() or None,
                "difficultyId": (item.difficulty_id or "").strip() or None,
                "count": item.count,
            }
        )
    topic_ids = sorted({str(m["topicId"]) for m in mix if m["topicId"] is not None})
    if len(await questions_service.existing_topic_ids(session, topic_ids=topic_ids)) != len(topic_ids):
        raise errors.UnknownTopic()
    difficulty_ids = {d.id for d in await questions_service.list_difficulties(session)}
    if any(m["difficultyId"] is not None and m["difficultyId"] not in difficulty_ids for m in mix):
        raise errors.UnknownDifficulty()
    return mix


def _check(blueprint: ExamBlueprint) -> None:
    """The whole blueprint is checked after every change, so an update cannot leave it inconsistent."""
    if not blueprint.name:
        raise errors.BlueprintInvalid("name is required")
    if len(blueprint.name) > MAX_NAME_LENGTH:
        raise errors.BlueprintInvalid(f"name must be at most {MAX_NAME_LENGTH} characters")
    if len(blueprint.description) > MAX_DESCRIPTION_LENGTH:
        raise errors.BlueprintInvalid(f"description must be at most {MAX_DESCRIPTION_LENGTH} characters")
    _range(blueprint.question_count, 1, MAX_QUESTIONS, "questionCount")
    if sum(int(m["count"]) for m in blueprint.mix) > blueprint.question_count:
        raise errors.BlueprintInvalid("mix asks for more questions than questionCount")
    _range(blueprint.time_limit_seconds, MIN_TIME_LIMIT_S, MAX_TIME_LIMIT_S, "timeLimitSeconds")
    _range(blueprint.grace_seconds, 0, MAX_GRACE_S, "graceSeconds")
    _range(blueprint.pass_percent, 0, 100, "passPercent")
    _range(blueprint.attempts_allowed, 1, MAX_ATTEMPTS_ALLOWED, "attemptsAllowed")


async def create_blueprint(
    session: AsyncSession, *, actor_id: str, blueprint_in: BlueprintCreate
) -> ExamBlueprint:
    """Define an exam for a package."""
    exam_package_id = blueprint_in.exam_package_id.strip()
    if not exam_package_id:
        raise errors.BlueprintInvalid("examPackageId is required")
    if await catalog_service.get_package(session, exam_package_id=exam_package_id) is None:
        raise errors.UnknownPackage()
    now = clock.utcnow()
    blueprint = ExamBlueprint(
        id=new_id(BLUEPRINT_ID_PREFIX),
        exam_package_id=exam_package_id,
        name=blueprint_in.name.strip(),
        description=blueprint_in.description.strip(),
        question_count=blueprint_in.question_count,
        mix=await _normalized_mix(session, blueprint_in.mix),
        time_limit_seconds=blueprint_in.time_limit_seconds,
        grace_seconds=blueprint_in.grace_seconds,
        pass_percent=blueprint_in.pass_percent,
        attempts_allowed=blueprint_in.attempts_allowed,
        shuffle_questions=blueprint_in.shuffle_questions,
        shuffle_choices=blueprint_in.shuffle_choices,
        is_published=blueprint_in.is_published,
        created_by_user_id=actor_id,
        updated_by_user_id=actor_id,
        created_at=now,
        updated_at=now,
    )
    _check(blueprint)
    session.add(blueprint)
    await session.flush()
    return blueprint


async def get_blueprint_or_raise(session: AsyncSession, *, blueprint_id: str) -> ExamBlueprint:
    """Return a blueprint, or raise 404 `exam not found`."""
    blueprint = await session.get(ExamBlueprint, blueprint_id.strip())
    if blueprint is None:
        raise errors.ExamNotFound()
    return blueprint


async def update_blueprint(
    session: AsyncSession, *, actor_id: str, blueprint_id: str, blueprint_in: BlueprintUpdate
) -> ExamBlueprint:
    """Change a blueprint; absent keys stay. Attempts already started keep what they copied."""
    blueprint = await get_blueprint_or_raise(session, blueprint_id=blueprint_id)
    if blueprint_in.name is not None:
        blueprint.name = blueprint_in.name.strip()
    if blueprint_in.description is not None:
        blueprint.description = blueprint_in.description.strip()
    if blueprint_in.mix is not None:
        blueprint.mix = await _normalized_mix(session, blueprint_in.mix)
    for name in (
        "question_count",
        "time_limit_seconds",
        "grace_seconds",
        "pass_percent",
        "attempts_allowed",
        "shuffle_questions",
        "shuffle_choices",
        "is_published",
    ):
        value = getattr(blueprint_in, name)
        if value is not None:
            setattr(blueprint, name, value)
    _check(blueprint)
    blueprint.updated_by_user_id = actor_id
    blueprint.updated_at = clock.utcnow()
    await session.flush()
    return blueprint


async def delete_blueprint(session: AsyncSession, *, blueprint_id: str) -> None:
    """Delete a blueprint; its attempts keep their papers and results (blueprint id becomes null)."""
    result = await session.execute(delete(ExamBlueprint).where(ExamBlueprint.id == blueprint_id.strip()))
    if result.rowcount == 0:  # type: ignore[attr-defined]  # a DML result always has rowcount
        raise errors.ExamNotFound()


async def list_blueprints(session: AsyncSession, *, exam_package_id: str | None) -> Sequence[ExamBlueprint]:
    """List blueprints, published or not, optionally of one package, by package and name."""
    stmt = select(ExamBlueprint).order_by(ExamBlueprint.exam_package_id, ExamBlueprint.name, ExamBlueprint.id)
    if exam_package_id:
        stmt = stmt.where(ExamBlueprint.exam_package_id == exam_package_id)
    return (await session.scalars(stmt)).all()


@dataclass(frozen=True)
class StudentBlueprint:
    blueprint: ExamBlueprint
    attempts_used: int
    active_attempt_id: str | None


async def list_student_blueprints(
    session: AsyncSession, *, user_id: str, exam_package_id: str | None
) -> list[StudentBlueprint]:
    """The published exams of the packages a student is enrolled in, with their attempts so far."""
    requested = (exam_package_id or "").strip()
    if requested:
        if await catalog_service.get_enrollment(session, user_id=user_id, exam_package_id=requested) is None:
            raise errors.NotEnrolled()
        package_ids = [requested]
    else:
        package_ids = [
            e.exam_package_id for e in await catalog_service.list_enrollments(session, user_id=user_id)
        ]
    blueprints = (
        await session.scalars(
            select(ExamBlueprint)
            .where(ExamBlueprint.is_published.is_(True), ExamBlueprint.exam_package_id.in_(package_ids))
            .order_by(ExamBlueprint.exam_package_id, ExamBlueprint.name, ExamBlueprint.id)
        )
    ).all()
    used = {
        blueprint_id: count
        for blueprint_id, count in await session.execute(
            select(ExamSession.blueprint_id, func.count())
            .where(ExamSession.user_id == user_id, ExamSession.blueprint_id.is_not(None))
            .group_by(ExamSession.blueprint_id)
        )
    }
    # An attempt past its time may still show as active until it is next touched or swept.
    active = {
        blueprint_id: attempt_id
        for blueprint_id, attempt_id in await session.execute(
            select(ExamSession.blueprint_id, ExamSession.id).where(
                ExamSession.user_id == user_id,
                ExamSession.blueprint_id.is_not(None),
                ExamSession.status == ACTIVE,
            )
        )
    }
    return [
        StudentBlueprint(blueprint=b, attempts_used=used.get(b.id, 0), active_attempt_id=active.get(b.id))
        for b in blueprints
    ]
