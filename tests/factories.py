"""Keyword-only builders with unique defaults (STYLE.md 22)."""

import itertools
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update

from acelab import clock
from acelab.catalog.models import Enrollment, ExamPackage, Tier
from acelab.coding.activities import service as activity_service
from acelab.coding.activities.models import Activity
from acelab.coding.sessions import service as sessions_service
from acelab.coding.sessions.models import CodingSession
from acelab.coding.spec.model import canonical
from acelab.coding.spec.patches import with_fixed_fields
from acelab.db.engine import Database
from acelab.db.ids import new_id
from acelab.db.session import unit_of_work
from acelab.exams.models import ExamBlueprint, ExamSession, ExamSessionEvent, ExamSessionFlag
from acelab.identity import service as identity_service
from acelab.identity.context import IdentityContext
from acelab.identity.models import (
    AuthSession,
    GroupSessionLimit,
    RoleSessionLimit,
    SessionGroup,
    SessionGroupMembership,
    User,
    UserSessionLimit,
)
from acelab.identity.service import Account, Principal
from acelab.practice.models import PracticeTemplate
from acelab.questions.models import (
    BANK_ID_PREFIX,
    CHOICE_ID_PREFIX,
    DRAFT,
    QUESTION_ID_PREFIX,
    TOPIC_ID_PREFIX,
    Choice,
    CorrectChoice,
    Question,
    QuestionBank,
    QuestionTopic,
)
from acelab.questions.service import QuestionDetail

DEFAULT_PASSWORD = "correct horse battery"
_counter = itertools.count(1)


async def make_user(
    db: Database,
    ctx: IdentityContext,
    *,
    role: str = "student",
    email: str | None = None,
    password: str = DEFAULT_PASSWORD,
) -> User:
    """Create a user through the identity service."""
    async with unit_of_work(db, write=True) as session:
        return await identity_service.create_user(
            session, ctx, email=email or f"{role}{next(_counter)}@example.com", password=password, role=role
        )


# The ways a signed-in caller's token stops being good (ace.md §16.1 S1, S2, S14): its auth
# sessions revoked or expired, the user deleted, or the user's role changed.
SPOILED_SESSIONS = ("revoked", "expired", "user deleted", "role changed")


async def spoil_session(db: Database, *, user: User, how: str) -> None:
    """Make every auth session of `user` invalid in the way `how` (one of SPOILED_SESSIONS) names."""
    long_ago = datetime(2026, 1, 1, tzinfo=UTC)
    changes = {
        "revoked": update(AuthSession).where(AuthSession.user_id == user.id).values(revoked_at=long_ago),
        "expired": update(AuthSession).where(AuthSession.user_id == user.id).values(expires_at=long_ago),
        "user deleted": update(User).where(User.id == user.id).values(deleted_at=long_ago),
        "role changed": update(User).where(User.id == user.id).values(role="instructor"),
    }
    async with unit_of_work(db, write=True) as session:
        await session.execute(changes[how])


async def make_session_group(
    db: Database,
    *,
    name: str | None = None,
    max_active_sessions: int | None = None,
    null_limit_row: bool = False,
    members: tuple[User, ...] = (),
) -> SessionGroup:
    """Create a session group and its members; a given limit is stored unclamped (as a hand edit could),
    and `null_limit_row` stores a limit row whose value is NULL."""
    async with unit_of_work(db, write=True) as session:
        now = clock.utcnow()
        group = SessionGroup(id=new_id("asg"), name=name or f"group {next(_counter)}", created_at=now)
        session.add(group)
        await session.flush()
        if max_active_sessions is not None or null_limit_row:
            session.add(GroupSessionLimit(group_id=group.id, max_active_sessions=max_active_sessions))
        for member in members:
            session.add(SessionGroupMembership(group_id=group.id, user_id=member.id, created_at=now))
        await session.flush()
        return group


async def make_role_session_limit(db: Database, *, role: str, max_active_sessions: int | None) -> None:
    """Store a role's session limit as given (role limits have no API, ace.md §11.9)."""
    async with unit_of_work(db, write=True) as session:
        session.add(RoleSessionLimit(role=role, max_active_sessions=max_active_sessions))


async def make_user_session_limit(db: Database, *, user: User, max_active_sessions: int | None) -> None:
    """Store a user's session limit override as given (the API clamps, this does not)."""
    async with unit_of_work(db, write=True) as session:
        session.add(UserSessionLimit(user_id=user.id, max_active_sessions=max_active_sessions))


async def make_exam_package(
    db: Database,
    *,
    name: str | None = None,
    code: str | None = None,
    is_hidden: bool = False,
    default_tier: bool = True,
    subtitle: str | None = None,
    overview: str | None = None,
    modules: list[str] | None = None,
    highlights: list[str] | None = None,
    module_sections: list[dict[str, str]] | None = None,
) -> ExamPackage:
    """Store an exam package, by default with the `default` tier every new package gets."""
    n = next(_counter)
    async with unit_of_work(db, write=True) as session:
        now = clock.utcnow()
        package = ExamPackage(
            id=str(uuid.uuid4()),
            code=code or f"package-{n}",
            name=name or f"Package {n}",
            subtitle=subtitle,
            overview=overview,
            modules=modules or [],
            highlights=highlights or [],
            module_sections=module_sections or [],
            is_hidden=is_hidden,
            created_at=now,
            updated_at=now,
        )
        session.add(package)
        await session.flush()
        if default_tier:
            session.add(
                Tier(
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
            )
        return package


async def make_tier(
    db: Database,
    *,
    package: ExamPackage,
    code: str | None = None,
    name: str | None = None,
    sort_order: int = 1,
    is_default: bool = False,
    is_active: bool = True,
    policy: object = None,
) -> Tier:
    """Store a tier as given (the caller keeps the one-default rule)."""
    n = next(_counter)
    async with unit_of_work(db, write=True) as session:
        now = clock.utcnow()
        tier = Tier(
            id=str(uuid.uuid4()),
            exam_package_id=package.id,
            code=code or f"tier-{n}",
            name=name or f"Tier {n}",
            sort_order=sort_order,
            is_default=is_default,
            is_active=is_active,
            policy={} if policy is None else policy,
            created_at=now,
            updated_at=now,
        )
        session.add(tier)
        return tier


async def make_enrollment(
    db: Database, *, user: User, package: ExamPackage, tier: Tier | None = None
) -> Enrollment:
    """Enroll a user in a package, in `tier` or the package's default tier."""
    async with unit_of_work(db, write=True) as session:
        tier_id = (
            tier.id
            if tier is not None
            else await session.scalar(
                select(Tier.id).where(Tier.exam_package_id == package.id, Tier.is_default.is_(True))
            )
        )
        assert tier_id is not None, "the package has no default tier; pass one"
        now = clock.utcnow()
        enrollment = Enrollment(
            user_id=user.id, exam_package_id=package.id, tier_id=tier_id, created_at=now, updated_at=now
        )
        session.add(enrollment)
        return enrollment


async def make_question_bank(
    db: Database,
    *,
    author: User,
    package: ExamPackage | None = None,
    name: str | None = None,
    is_hidden: bool = False,
) -> QuestionBank:
    """Store a question bank, linked to `package` or to none."""
    async with unit_of_work(db, write=True) as session:
        now = clock.utcnow()
        bank = QuestionBank(
            id=new_id(BANK_ID_PREFIX),
            name=name or f"Bank {next(_counter)}",
            exam_package_id=package.id if package is not None else None,
            created_by_user_id=author.id,
            is_hidden=is_hidden,
            created_at=now,
            updated_at=now,
        )
        session.add(bank)
        return bank


async def make_topic(
    db: Database,
    *,
    author: User,
    bank: QuestionBank | None = None,
    name: str | None = None,
    is_hidden: bool = False,
) -> QuestionTopic:
    """Store a topic, in `bank` or in none."""
    async with unit_of_work(db, write=True) as session:
        now = clock.utcnow()
        topic = QuestionTopic(
            id=new_id(TOPIC_ID_PREFIX),
            question_bank_id=bank.id if bank is not None else None,
            name=name or f"Topic {next(_counter)}",
            created_by_user_id=author.id,
            is_hidden=is_hidden,
            created_at=now,
            updated_at=now,
        )
        session.add(topic)
        return topic


async def make_question(
    db: Database,
    *,
    author: User,
    bank: QuestionBank | None = None,
    topic: QuestionTopic | None = None,
    difficulty_id: str = "easy",
    status: str = DRAFT,
    prompt: str | None = None,
    explanation: str = "",
    choices: tuple[str, ...] = ("first", "second", "third"),
    correct_index: int | None = 0,
    review_note: str = "",
) -> QuestionDetail:
    """Store a question with its choices; `correct_index=None` stores no correct choice."""
    n = next(_counter)
    async with unit_of_work(db, write=True) as session:
        now = clock.utcnow()
        question = Question(
            id=new_id(QUESTION_ID_PREFIX),
            question_bank_id=bank.id if bank is not None else None,
            topic_id=topic.id if topic is not None else None,
            difficulty_id=difficulty_id,
            prompt=prompt or f"Question {n}?",
            explanation_text=explanation,
            review_note=review_note,
            status=status,
            created_by_user_id=author.id,
            updated_by_user_id=author.id,
            created_at=now,
            updated_at=now,
        )
        session.add(question)
        await session.flush()
        rows = [
            Choice(id=new_id(CHOICE_ID_PREFIX), question_id=question.id, order_index=i, text=text)
            for i, text in enumerate(choices)
        ]
        session.add_all(rows)
        await session.flush()
        correct_choice_id = ""
        if correct_index is not None:
            correct_choice_id = rows[correct_index].id
            session.add(CorrectChoice(question_id=question.id, choice_id=correct_choice_id))
        return QuestionDetail(question=question, choices=rows, correct_choice_id=correct_choice_id)


async def make_exam_session(
    db: Database,
    *,
    user: User,
    package: ExamPackage | None = None,
    session_id: str | None = None,
    status: str = "active",
    submitted: bool = False,
    events: int = 0,
    flags: int = 0,
) -> ExamSession:
    """Store an exam session as its first heartbeat would, with some integrity events and admin flags."""
    async with unit_of_work(db, write=True) as session:
        now = clock.utcnow()
        tier_id = (
            None
            if package is None
            else await session.scalar(
                select(Tier.id).where(Tier.exam_package_id == package.id, Tier.is_default.is_(True))
            )
        )
        exam = ExamSession(
            user_id=user.id,
            id=session_id or str(uuid.uuid4()),
            status=status,
            exam_package_id=None if package is None else package.id,
            tier_id=tier_id,
            snapshot={},
            created_at=now,
            updated_at=now,
            last_heartbeat_at=now,
            submitted_at=now if submitted else None,
        )
        session.add(exam)
        await session.flush()
        for _ in range(events):
            session.add(
                ExamSessionEvent(
                    user_id=user.id, session_id=exam.id, event_type="window_blur", payload={}, created_at=now
                )
            )
        for _ in range(flags):
            session.add(
                ExamSessionFlag(
                    user_id=user.id, session_id=exam.id, flag_type="suspicious", note="", created_at=now
                )
            )
        return exam


async def make_practice_template(
    db: Database,
    *,
    package: ExamPackage,
    author: User,
    name: str | None = None,
    section: str = "Reading",
    topic: QuestionTopic | None = None,
    difficulty_id: str | None = None,
    is_timed: bool = False,
    target_count: int = 3,
    sort_order: int = 0,
    is_published: bool = True,
) -> PracticeTemplate:
    """Store a practice template, published unless told otherwise."""
    async with unit_of_work(db, write=True) as session:
        now = clock.utcnow()
        template = PracticeTemplate(
            id=str(uuid.uuid4()),
            exam_package_id=package.id,
            name=name or f"Template {next(_counter)}",
            section=section,
            topic_id=topic.id if topic is not None else None,
            difficulty_id=difficulty_id,
            is_timed=is_timed,
            target_count=target_count,
            sort_order=sort_order,
            is_published=is_published,
            created_by_user_id=author.id,
            updated_by_user_id=author.id,
            created_at=now,
            updated_at=now,
        )
        session.add(template)
        return template


def make_problem(
    *, problem_id: str | None = None, language: str = "python", test_suite: str = ""
) -> dict[str, Any]:
    """A persisted problem as generation stores it (codemm.md §10.9: no reference solution)."""
    return {
        "id": problem_id or f"problem-{next(_counter)}",
        "language": language,
        "title": "Sum of a list",
        "description": "Return the sum of the numbers.",
        "constraints": "Python 3.11, pytest, standard library only, no filesystem access, no networking, "
        "time limit enforced.",
        "sample_inputs": [],
        "sample_outputs": [],
        "difficulty": "easy",
        "topic_tag": "arrays",
        "starter_code": "def solve(xs):\n    return 0\n",
        "test_suite": test_suite,
    }


async def make_activity(
    db: Database,
    *,
    owner: User,
    problems: list[dict[str, Any]] | None = None,
    published: bool = False,
    community: bool = False,
) -> Activity:
    """An activity of `owner`, optionally published and shared with the community."""
    async with unit_of_work(db, write=True) as session:
        activity = await activity_service.create_activity(
            session, owner_id=owner.id, problems=problems if problems is not None else [make_problem()]
        )
        if published or community:
            await activity_service.publish(session, activity_id=activity.id, user_id=owner.id)
        if community:
            await activity_service.publish_to_community(
                session, activity_id=activity.id, user_id=owner.id, summary=None, tags=None
            )
        return activity


async def make_blueprint(
    db: Database,
    *,
    package: ExamPackage,
    author: User,
    name: str | None = None,
    question_count: int = 4,
    mix: list[dict[str, Any]] | None = None,
    time_limit_seconds: int = 600,
    grace_seconds: int = 30,
    pass_percent: int = 50,
    attempts_allowed: int = 2,
    shuffle_questions: bool = True,
    shuffle_choices: bool = False,
    is_published: bool = True,
) -> ExamBlueprint:
    """Store an exam blueprint, published unless told otherwise; `mix` entries use the wire keys."""
    async with unit_of_work(db, write=True) as session:
        now = clock.utcnow()
        blueprint = ExamBlueprint(
            id=new_id("ebp"),
            exam_package_id=package.id,
            name=name or f"Mock exam {next(_counter)}",
            description="",
            question_count=question_count,
            mix=mix or [],
            time_limit_seconds=time_limit_seconds,
            grace_seconds=grace_seconds,
            pass_percent=pass_percent,
            attempts_allowed=attempts_allowed,
            shuffle_questions=shuffle_questions,
            shuffle_choices=shuffle_choices,
            is_published=is_published,
            created_by_user_id=author.id,
            updated_by_user_id=author.id,
            created_at=now,
            updated_at=now,
        )
        session.add(blueprint)
        return blueprint


def activity_spec(
    *, language: str = "python", count: int = 2, difficulty: str = "easy", **fields: Any
) -> dict[str, Any]:
    """A complete ActivitySpec (codemm.md §7.2) for `count` problems of one difficulty."""
    return canonical(
        with_fixed_fields(
            {
                "language": language,
                "problem_count": count,
                "difficulty_plan": [{"difficulty": difficulty, "count": count}],
                "topic_tags": ["strings"],
                "problem_style": "stdout" if language == "sql" else "return",
                **fields,
            }
        )
    )


async def make_ready_session(
    db: Database, *, owner: User, spec: dict[str, Any] | None = None, learning_mode: str = "practice"
) -> CodingSession:
    """A SpecBuilder session of `owner` whose spec is complete: READY to generate."""
    async with unit_of_work(db, write=True) as session:
        account = Account(
            id=owner.id,
            email=owner.email,
            role=owner.role,
            created_at=owner.created_at,
            username=owner.username,
            display_name=owner.display_name,
        )
        created = await sessions_service.create_session(
            session,
            caller=Principal(user=account, session_id="factory"),
            owner_token=None,
            learning_mode=learning_mode,
        )
        row = created.row
        row.spec = spec or activity_spec()
        row.state = "READY"
        await session.flush()
        return row
