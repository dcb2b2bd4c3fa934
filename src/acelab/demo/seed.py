"""`acelab seed demo`: create the demo accounts and content through the domain services, idempotently.

Every piece is looked up by its name (accounts by email, questions by prompt) and created only when
missing, so a second run changes nothing. Questions take the real review path: the demo instructor
writes and submits them, the demo admin approves them.
"""

import secrets
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from acelab.catalog import service as catalog_service
from acelab.catalog.models import ExamPackage
from acelab.catalog.schemas import ModuleSectionIn, PackageCreate
from acelab.db.engine import Database
from acelab.db.pages import PageParams
from acelab.db.session import unit_of_work
from acelab.demo import content
from acelab.errors import BadRequest, Conflict
from acelab.identity import service as identity_service
from acelab.identity.context import IdentityContext
from acelab.identity.models import User
from acelab.identity.passwords import check_password_policy
from acelab.practice import service as practice_service
from acelab.questions import service as questions_service
from acelab.questions.models import QuestionBank, QuestionTopic
from acelab.questions.service import Action, QuestionFilters

DEFAULT_EMAILS = {
    "student": "demo-student@example.com",
    "instructor": "demo-instructor@example.com",
    "admin": "demo-admin@example.com",
}
QUESTION_PAGE = 200


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    password: str | None  # the password just set; None when the account already existed


@dataclass
class SeedReport:
    accounts: list[DemoAccount]
    package_name: str = content.PACKAGE.name
    package_id: str = ""
    created: Counter[str] = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return any(account.password is not None for account in self.accounts) or any(self.created.values())


def _acting_as(user: User) -> identity_service.Principal:
    # The CLI acts without an auth session; the services read only the actor's id and role.
    account = identity_service.Account(
        id=user.id,
        email=user.email,
        role=user.role,
        created_at=user.created_at,
        username=user.username,
        display_name=user.display_name,
    )
    return identity_service.Principal(user=account, session_id="")


async def _ensure_accounts(
    db: Database, ctx: IdentityContext, *, emails: dict[str, str], password: str | None
) -> tuple[list[DemoAccount], dict[str, identity_service.Principal]]:
    """Create the missing demo accounts; check every one first, so a refusal creates none."""
    wanted = {role: identity_service.normalize_email(emails[role]) for role in DEFAULT_EMAILS}
    if len(set(wanted.values())) != len(wanted):
        raise BadRequest("the demo accounts need three different emails")
    if password is not None:
        check_password_policy(password)
    async with unit_of_work(db) as session:
        # identity.service has no lookup by email; this read is the smallest one that tells.
        found = {
            role: await session.scalar(select(User).where(User.email == email))
            for role, email in wanted.items()
        }
    for role, user in found.items():
        if user is not None and user.deleted_at is not None:
            raise Conflict(f"{user.email} belongs to a deleted account; choose another --{role}-email")
        if user is not None and user.role != role:
            raise Conflict(
                f"{user.email} already exists with role {user.role}; choose another --{role}-email"
            )
    accounts, principals = [], {}
    for role, email in wanted.items():
        user = found[role]
        chosen = None
        if user is None:
            chosen = password if password is not None else secrets.token_urlsafe(12)
            # One unit per account, as bootstrap does: no write lock held across several Argon2 hashes.
            async with unit_of_work(db, write=True) as session:
                user = await identity_service.create_user(
                    session, ctx, email=email, password=chosen, role=role
                )
        accounts.append(DemoAccount(role=role, email=email, password=chosen))
        principals[role] = _acting_as(user)
    return accounts, principals


async def _ensure_package(
    session: AsyncSession, *, admin: identity_service.Principal, report: SeedReport
) -> ExamPackage:
    packages = await catalog_service.list_packages(session, include_hidden=True)
    existing = next((p for p in packages if p.name == content.PACKAGE.name), None)
    if existing is not None:
        return existing
    spec = content.PACKAGE
    package_in = PackageCreate(
        name=spec.name,
        subtitle=spec.subtitle,
        overview=spec.overview,
        modules=list(spec.modules),
        highlights=list(spec.highlights),
        module_sections=[
            ModuleSectionIn(id=s.id, name=s.name, description=s.description) for s in spec.module_sections
        ],
        is_hidden=False,
    )
    package = await catalog_service.create_package(session, actor=admin, package_in=package_in)
    report.created["packages"] += 1
    return package


async def _ensure_bank(
    session: AsyncSession,
    *,
    instructor: identity_service.Principal,
    package_id: str,
    name: str,
    report: SeedReport,
) -> QuestionBank:
    banks = await questions_service.list_banks(session, include_hidden=True)
    existing = next((b for b in banks if b.exam_package_id == package_id and b.name == name), None)
    if existing is not None:
        return existing
    bank = await questions_service.create_bank(
        session, actor=instructor, name=name, exam_package_id=package_id
    )
    report.created["banks"] += 1
    return bank


async def _ensure_topic(
    session: AsyncSession,
    *,
    instructor: identity_service.Principal,
    bank_id: str,
    name: str,
    report: SeedReport,
) -> QuestionTopic:
    topics = await questions_service.list_topics(session, include_hidden=True, question_bank_id=bank_id)
    existing = next((t for t in topics if t.name == name), None)
    if existing is not None:
        return existing
    topic = await questions_service.create_topic(
        session, actor=instructor, question_bank_id=bank_id, name=name
    )
    report.created["topics"] += 1
    return topic


async def _prompts_in(session: AsyncSession, *, bank_id: str) -> set[str]:
    prompts: set[str] = set()
    offset = 0
    while True:
        page = await questions_service.list_questions(
            session,
            filters=QuestionFilters(question_bank_id=bank_id),
            page=PageParams(limit=QUESTION_PAGE, offset=offset),
        )
        prompts.update(q.prompt for q in page.items)
        if not page.has_more:
            return prompts
        offset += QUESTION_PAGE


async def _add_question(
    session: AsyncSession,
    *,
    instructor: identity_service.Principal,
    admin: identity_service.Principal,
    bank_id: str,
    topic_id: str,
    question: content.DemoQuestion,
) -> None:
    """Write a question as the instructor, submit it for review, and approve it as the admin."""
    detail = await questions_service.create_question(
        session,
        actor=instructor,
        question_bank_id=bank_id,
        topic_id=topic_id,
        difficulty_id=question.difficulty,
        prompt=question.prompt,
        explanation=question.explanation,
        choices=question.choices,
        correct_choice_index=question.correct,
    )
    question_id = detail.question.id
    await questions_service.change_status(
        session, actor=instructor, question_id=question_id, action=Action.SUBMIT_FOR_REVIEW
    )
    await questions_service.change_status(
        session, actor=admin, question_id=question_id, action=Action.APPROVE
    )


async def _ensure_templates(
    session: AsyncSession,
    *,
    instructor: identity_service.Principal,
    package_id: str,
    topic_ids: dict[tuple[str, str], str],
    report: SeedReport,
) -> None:
    existing = await practice_service.list_templates(
        session, exam_package_id=package_id, include_unpublished=True
    )
    names = {t.name for t in existing}
    for sort_order, spec in enumerate(content.TEMPLATES):
        if spec.name in names:
            continue
        template = await practice_service.create_template(
            session,
            actor_id=instructor.user_id,
            exam_package_id=package_id,
            name=spec.name,
            section=spec.section,
            topic_id=topic_ids[spec.topic] if spec.topic else None,
            difficulty_id=spec.difficulty,
            is_timed=spec.is_timed,
            target_count=spec.target_count,
            sort_order=sort_order,
        )
        await practice_service.set_template_published(session, template_id=template.id, published=True)
        report.created["templates"] += 1


async def seed_demo(
    db: Database, ctx: IdentityContext, *, emails: dict[str, str], password: str | None
) -> SeedReport:
    """Create what is missing of the demo accounts and the demo package; never change what exists."""
    accounts, principals = await _ensure_accounts(db, ctx, emails=emails, password=password)
    instructor, admin = principals["instructor"], principals["admin"]
    report = SeedReport(accounts=accounts)
    async with unit_of_work(db, write=True) as session:
        package = await _ensure_package(session, admin=admin, report=report)
        report.package_id = package.id
        topic_ids: dict[tuple[str, str], str] = {}
        for bank_spec in content.BANKS:
            bank = await _ensure_bank(
                session, instructor=instructor, package_id=package.id, name=bank_spec.name, report=report
            )
            prompts = await _prompts_in(session, bank_id=bank.id)
            for topic_spec in bank_spec.topics:
                topic = await _ensure_topic(
                    session, instructor=instructor, bank_id=bank.id, name=topic_spec.name, report=report
                )
                topic_ids[(bank_spec.name, topic_spec.name)] = topic.id
                for question in topic_spec.questions:
                    if question.prompt in prompts:
                        continue
                    await _add_question(
                        session,
                        instructor=instructor,
                        admin=admin,
                        bank_id=bank.id,
                        topic_id=topic.id,
                        question=question,
                    )
                    report.created["questions"] += 1
        await _ensure_templates(
            session, instructor=instructor, package_id=package.id, topic_ids=topic_ids, report=report
        )
    return report
