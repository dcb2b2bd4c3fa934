"""Identity rules: registration, login, refresh rotation, logout, per-request authentication, and the
user and auth-session administration behind the admin routes."""

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, bindparam, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from acelab import clock
from acelab.db.driver import Unit, pg_connection, sqlalchemy_connection
from acelab.db.engine import Database
from acelab.db.ids import new_id
from acelab.db.pages import PageParams, PageResult, fetch_page
from acelab.db.session import unit_of_work
from acelab.http.client import ClientInfo
from acelab.identity import errors, limits, throttle
from acelab.identity.context import IdentityContext
from acelab.identity.models import ROLES, AuthSession, RefreshToken, User
from acelab.identity.passwords import check_password_policy
from acelab.identity.tokens import (
    CODEMM_AUDIENCE,
    Claims,
    hash_refresh_token,
    new_csrf_token,
    new_refresh_token,
)

log = logging.getLogger(__name__)

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+$")
USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9._-]{3,32}$")
MAX_EMAIL_LENGTH = 254


@dataclass(frozen=True)
class Account:
    """The user fields every request may need, read with the session check (no ORM object)."""

    id: str
    email: str
    role: str
    created_at: datetime
    username: str | None
    display_name: str | None


@dataclass(frozen=True)
class Principal:
    """Who is asking: checked against the auth session and the user's current state."""

    user: Account
    session_id: str

    @property
    def user_id(self) -> str:
        return self.user.id

    @property
    def role(self) -> str:
        return self.user.role


@dataclass(frozen=True)
class IssuedSession:
    """What login, register and refresh hand back: tokens for the cookies and the response body."""

    user: User
    access_token: str
    codemm_token: str
    refresh_token: str | None  # None when a benign refresh race got an access token only
    csrf_token: str


def normalize_email(email: str) -> str:
    return email.strip().lower()


def check_email(email: str) -> None:
    """Reject an email that cannot be an address (the original accepted anything, ace.md §16.1 S7)."""
    if len(email) > MAX_EMAIL_LENGTH or not EMAIL_PATTERN.match(email):
        raise errors.InvalidEmail()


def check_role(role: str) -> str:
    role = role.strip().lower()
    if role not in ROLES:
        raise errors.InvalidRole()
    return role


# --- sessions and tokens -----------------------------------------------------------------------


async def _revoke_sessions(
    session: AsyncSession, *, session_ids: list[str] | None = None, user_id: str | None = None, reason: str
) -> None:
    """Revoke not-yet-revoked sessions (by id or all of a user's) and their refresh tokens."""
    now = clock.utcnow()
    target = AuthSession.id.in_(session_ids) if session_ids is not None else AuthSession.user_id == user_id
    await session.execute(
        update(AuthSession)
        .where(target, AuthSession.revoked_at.is_(None))
        .values(revoked_at=now, revoked_reason=reason)
    )
    await session.execute(
        update(RefreshToken)
        .where(
            RefreshToken.session_id.in_(select(AuthSession.id).where(target)),
            RefreshToken.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )


async def _open_session(
    session: AsyncSession, ctx: IdentityContext, *, user: User, portal: str, client: ClientInfo
) -> IssuedSession:
    """Evict the oldest sessions over the user's limit, then start a new session with its tokens."""
    now = clock.utcnow()
    # Serialise concurrent logins of one user so the cap holds (ace.md §16.2 B9); SQLite already
    # holds its write lock (BEGIN IMMEDIATE), PostgreSQL locks the user row.
    await session.execute(select(User.id).where(User.id == user.id).with_for_update())
    cap = (await limits.get_limit_sources(session, user_id=user.id, role=user.role)).effective
    active = (
        await session.scalars(
            select(AuthSession.id)
            .where(
                AuthSession.user_id == user.id,
                AuthSession.role == user.role,
                AuthSession.revoked_at.is_(None),
                AuthSession.expires_at > now,
            )
            .order_by(AuthSession.created_at.asc(), AuthSession.id.asc())
        )
    ).all()
    excess = len(active) - (cap - 1)
    if excess > 0:
        await _revoke_sessions(session, session_ids=list(active[:excess]), reason="session_limit")
    auth_session = AuthSession(
        id=new_id("as"),
        user_id=user.id,
        role=user.role,
        audience=portal,
        ip=client.ip,
        user_agent=client.user_agent,
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(seconds=ctx.settings.session_ttl_s),
        revoked_reason="",
    )
    session.add(auth_session)
    await session.flush()
    refresh = new_refresh_token()
    session.add(
        RefreshToken(
            id=new_id("rt"),
            session_id=auth_session.id,
            token_hash=hash_refresh_token(refresh),
            created_at=now,
            expires_at=auth_session.expires_at,
        )
    )
    await session.flush()
    return _issue(
        ctx, user=user, auth_session=auth_session, refresh_token=refresh, csrf_token=new_csrf_token()
    )


def _issue(
    ctx: IdentityContext, *, user: User, auth_session: AuthSession, refresh_token: str | None, csrf_token: str
) -> IssuedSession:
    now = clock.utcnow()

    def sign(audience: str, ttl_s: int) -> str:
        return ctx.signer.issue(
            user_id=user.id,
            role=auth_session.role,
            audience=audience,
            session_id=auth_session.id,
            now=now,
            ttl_s=ttl_s,
        )

    return IssuedSession(
        user=user,
        access_token=sign(auth_session.audience, ctx.settings.access_token_ttl_s),
        codemm_token=sign(CODEMM_AUDIENCE, ctx.settings.codemm_token_ttl_s),
        refresh_token=refresh_token,
        csrf_token=csrf_token,
    )


async def register(
    db: Database,
    ctx: IdentityContext,
    *,
    email: str,
    password: str,
    username: str | None,
    display_name: str | None,
    client: ClientInfo,
) -> IssuedSession:
    """Create a student account and log it in. `username` is given by Codemm clients only."""
    email = normalize_email(email)
    if not email or not password or username == "":
        raise errors.RegistrationFieldsRequired()
    check_password_policy(password)
    check_email(email)
    if username is not None:
        username = username.strip()
        if not USERNAME_PATTERN.match(username):
            raise errors.InvalidUsername()
    password_hash = await ctx.passwords.hash(password)
    async with unit_of_work(db, write=True) as session:
        same_identity = (
            User.email == email if username is None else or_(User.email == email, User.username == username)
        )
        taken = await session.scalar(select(func.count()).select_from(User).where(same_identity))
        if taken:
            raise errors.AlreadyRegistered()
        now = clock.utcnow()
        user = User(
            id=new_id("usr"),
            email=email,
            username=username,
            display_name=(display_name or "").strip() or username,
            password_hash=password_hash,
            role="student",
            created_at=now,
            updated_at=now,
        )
        session.add(user)
        try:
            await session.flush()
        except IntegrityError as exc:  # a concurrent registration won the race
            raise errors.AlreadyRegistered() from exc
        return await _open_session(session, ctx, user=user, portal="student", client=client)


async def login(
    db: Database, ctx: IdentityContext, *, portal: str, identifier: str, password: str, client: ClientInfo
) -> IssuedSession:
    """Check credentials for a portal (its role only) and open a session.

    `identifier` is an email, or for Codemm clients a username or an email (username first).
    Failures look the same whatever failed, cost the same time, and are throttled.
    """
    raw_identifier = identifier.strip()
    email = normalize_email(identifier)
    if not email or not password:
        raise errors.CredentialsRequired()
    settings = ctx.settings
    keys = throttle.throttle_keys(identifier=email, ip=client.ip)
    async with unit_of_work(db) as session:
        wait = await throttle.retry_after(session, settings=settings, keys=keys, now=clock.utcnow())
        if wait:
            raise errors.TooManyFailedLogins(wait)
        candidates = (
            await session.scalars(
                select(User).where(
                    or_(User.username == raw_identifier, User.email == email), User.deleted_at.is_(None)
                )
            )
        ).all()
    user = next((u for u in candidates if u.username == raw_identifier), None) or next(
        (u for u in candidates if u.email == email), None
    )
    if user is not None and user.role != portal:
        user = None  # ace.md §4.2: a portal accepts only its own role
    verified = await ctx.passwords.verify(user.password_hash if user else None, password)
    async with unit_of_work(db, write=True) as session:
        if not verified or user is None:
            await throttle.record_failure(session, settings=settings, keys=keys, now=clock.utcnow())
        else:
            await throttle.clear_account(session, keys=keys)
            current = await session.get(User, user.id)
            if current is not None and current.deleted_at is None and current.role == portal:
                return await _open_session(session, ctx, user=current, portal=portal, client=client)
    raise errors.InvalidCredentials()


async def refresh(
    db: Database, ctx: IdentityContext, *, portal: str, refresh_token: str, csrf_token: str
) -> IssuedSession:
    """Rotate a refresh token and issue a new access token (ace.md §4.4, with §16.1 S1, S10 fixed).

    A token that was already rotated is a replay: it revokes its whole session, unless it comes
    within the grace window right after its rotation (parallel requests of one browser), when it
    gets an access token only. The CSRF value is kept so the web app's retry works (§16.3 C1).
    """
    refresh_token = refresh_token.strip()
    if not refresh_token:
        raise errors.SessionNotValid()
    now = clock.utcnow()
    async with unit_of_work(db, write=True) as session:
        row = (
            await session.execute(
                select(RefreshToken, AuthSession, User)
                .join(AuthSession, AuthSession.id == RefreshToken.session_id)
                .join(User, User.id == AuthSession.user_id)
                .where(RefreshToken.token_hash == hash_refresh_token(refresh_token))
            )
        ).first()
        if row is None:
            raise errors.SessionNotValid()
        token, auth_session, user = row
        session_live = auth_session.revoked_at is None and auth_session.expires_at > now
        user_live = user.deleted_at is None and user.role == auth_session.role
        if not (session_live and user_live):
            raise errors.SessionNotValid()
        if auth_session.role != portal or auth_session.audience != portal:
            raise errors.WrongPortal()
        csrf = csrf_token.strip() or new_csrf_token()
        if token.revoked_at is None and token.expires_at > now:
            return await _rotate(session, ctx, token=token, auth_session=auth_session, user=user, csrf=csrf)
        if token.replaced_by_token_id is not None and token.revoked_at is not None:
            if now - token.revoked_at <= timedelta(seconds=ctx.settings.refresh_reuse_grace_s):
                return _issue(ctx, user=user, auth_session=auth_session, refresh_token=None, csrf_token=csrf)
            log.warning("refresh token replayed; revoking its session", extra={"session_id": auth_session.id})
            await _revoke_sessions(session, session_ids=[auth_session.id], reason="refresh_reuse")
    raise errors.SessionNotValid()


async def _rotate(
    session: AsyncSession,
    ctx: IdentityContext,
    *,
    token: RefreshToken,
    auth_session: AuthSession,
    user: User,
    csrf: str,
) -> IssuedSession:
    """Replace a live refresh token with a new one, atomically: of two concurrent rotations one wins."""
    now = clock.utcnow()
    new_token = new_refresh_token()
    new_token_id = new_id("rt")
    rotated = await session.execute(
        update(RefreshToken)
        .where(RefreshToken.id == token.id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now, replaced_by_token_id=new_token_id)
    )
    if rotated.rowcount == 0:  # type: ignore[attr-defined]  # an UPDATE's result is a CursorResult
        # Another request rotated it a moment ago: the benign race, an access token only.
        return _issue(ctx, user=user, auth_session=auth_session, refresh_token=None, csrf_token=csrf)
    session.add(
        RefreshToken(
            id=new_token_id,
            session_id=auth_session.id,
            token_hash=hash_refresh_token(new_token),
            created_at=now,
            expires_at=min(now + timedelta(seconds=ctx.settings.session_ttl_s), auth_session.expires_at),
        )
    )
    auth_session.last_seen_at = now
    await session.flush()
    return _issue(ctx, user=user, auth_session=auth_session, refresh_token=new_token, csrf_token=csrf)


async def logout(db: Database, ctx: IdentityContext, *, access_tokens: list[str], refresh_token: str) -> None:
    """Revoke the session the caller's access token (cookie or Bearer) or refresh cookie points to."""
    now = clock.utcnow()
    async with unit_of_work(db, write=True) as session:
        for access_token in access_tokens:
            claims = ctx.signer.decode(access_token, now=now) if access_token else None
            if claims is not None:
                await _revoke_sessions(
                    session,
                    session_ids=list(
                        (
                            await session.scalars(
                                select(AuthSession.id).where(
                                    AuthSession.id == claims.session_id, AuthSession.user_id == claims.user_id
                                )
                            )
                        ).all()
                    ),
                    reason="logout",
                )
                return
        if refresh_token.strip():
            session_id = await session.scalar(
                select(RefreshToken.session_id).where(
                    RefreshToken.token_hash == hash_refresh_token(refresh_token.strip())
                )
            )
            if session_id is not None:
                await _revoke_sessions(session, session_ids=[session_id], reason="logout")


async def logout_all(session: AsyncSession, *, principal: Principal) -> None:
    """Revoke every session of the caller, in every portal."""
    await _revoke_sessions(session, user_id=principal.user_id, reason="logout_all")


# Built once: this runs on every authenticated request, and building the statement costs more
# than executing it.
_TOUCH_SESSION = (
    update(AuthSession)
    .where(AuthSession.id == bindparam("sid"), AuthSession.revoked_at.is_(None))
    .values(last_seen_at=bindparam("now"))
)
_SESSION_AND_ACCOUNT = (
    select(
        AuthSession.revoked_at.label("caller_revoked_at"),
        AuthSession.expires_at.label("caller_expires_at"),
        AuthSession.role.label("caller_session_role"),
        User.deleted_at.label("caller_deleted_at"),
        User.id.label("caller_id"),
        User.email.label("caller_email"),
        User.role.label("caller_role"),
        User.created_at.label("caller_created_at"),
        User.username.label("caller_username"),
        User.display_name.label("caller_display_name"),
    )
    .join(User, User.id == AuthSession.user_id)
    .where(AuthSession.id == bindparam("sid"), AuthSession.user_id == bindparam("uid"))
)


def session_check_ctes(*, session_id: str, user_id: str, now: str, stale: str) -> str:
    """The session check on PostgreSQL as two CTEs over the given placeholders: `touched` moves
    `last_seen_at` (only when the stored value is older than the resolution, so workers share the
    decision) and `caller` reads the session and its user for `principal_from_row`. A statement
    that must write only for a valid caller embeds them and tests `caller_is_valid`; one that reads
    selects `caller.*` beside its own columns (all named `caller_*`). (A SELECT reads the snapshot
    from before the UPDATE: `caller` does not read `last_seen_at`.)"""
    return f"""
touched AS (
    UPDATE auth_sessions SET last_seen_at = {now}
    WHERE id = {session_id} AND revoked_at IS NULL AND (last_seen_at <= {stale} OR last_seen_at > {now})
), caller AS (
    SELECT s.revoked_at AS caller_revoked_at, s.expires_at AS caller_expires_at,
           s.role AS caller_session_role, u.deleted_at AS caller_deleted_at, u.id AS caller_id,
           u.email AS caller_email, u.role AS caller_role, u.created_at AS caller_created_at,
           u.username AS caller_username, u.display_name AS caller_display_name
    FROM auth_sessions AS s JOIN users AS u ON u.id = s.user_id
    WHERE s.id = {session_id} AND s.user_id = {user_id}
)"""


def caller_is_valid(*, now: str, role: str) -> str:
    """`principal_from_row`'s rule in SQL, over the `caller` CTE (for the write it guards)."""
    return f"""EXISTS (
    SELECT 1 FROM caller
    WHERE caller_revoked_at IS NULL AND caller_expires_at > {now} AND caller_deleted_at IS NULL
      AND caller_role = caller_session_role AND caller_role = {role}
)"""


_TOUCH_AND_CHECK_SESSION = (
    "WITH"
    + session_check_ctes(session_id="$1", user_id="$2", now="$3", stale="$4")
    + "\nSELECT * FROM caller"
)


def session_check_args(ctx: IdentityContext, claims: Claims, now: datetime) -> tuple[Any, ...]:
    """The values of `session_check_ctes`' placeholders, in order: session, user, now, stale."""
    return claims.session_id, claims.user_id, now, now - ctx.last_seen.resolution


async def fetch_with_caller(
    pg: Any, sql: str, ctx: IdentityContext, claims: Claims, now: datetime, *args: Any
) -> tuple[Principal, Mapping[str, Any]]:
    """Run on the driver connection `pg` a statement whose first four placeholders are
    `session_check_ctes`' and which selects `caller.*`, with `args` for the rest: the caller (401
    when not valid) and the row."""
    row = await pg.fetchrow(sql, *session_check_args(ctx, claims, now), *args)
    return principal_from_row(row, claims=claims, now=now), row


async def authenticate(unit: Unit, ctx: IdentityContext, *, claims: Claims) -> Principal:
    """Check a token's session and user on every request: revocation, deletion and role changes
    take effect at once (ace.md §16.1 S1, S2, S14). `unit` runs in autocommit or in the request's
    transaction."""
    now = clock.utcnow()
    pg = await pg_connection(unit)
    if pg is not None:
        row = await pg.fetchrow(_TOUCH_AND_CHECK_SESSION, *session_check_args(ctx, claims, now))
    else:
        connection = await sqlalchemy_connection(unit)
        if ctx.last_seen.due(claims.session_id, now):
            # Written before the read: on SQLite a write that follows a read in one transaction can
            # fail with SQLITE_BUSY_SNAPSHOT instead of waiting for the lock.
            await connection.execute(_TOUCH_SESSION, {"sid": claims.session_id, "now": now})
            ctx.last_seen.mark(claims.session_id, now)
        params = {"sid": claims.session_id, "uid": claims.user_id}
        row = (await connection.execute(_SESSION_AND_ACCOUNT, params)).mappings().first()
    return principal_from_row(row, claims=claims, now=now)


def principal_from_row(row: Mapping[str, Any] | None, *, claims: Claims, now: datetime) -> Principal:
    """The caller of a session check's row; SessionNotValid (401) when the session is unknown,
    revoked or expired, the user deleted, or a role changed since the token was issued."""
    if (
        row is None
        or row["caller_revoked_at"] is not None
        or row["caller_expires_at"] <= now
        or row["caller_deleted_at"] is not None
    ):
        raise errors.SessionNotValid()
    if row["caller_role"] != row["caller_session_role"] or row["caller_role"] != claims.role:
        raise errors.SessionNotValid()
    account = Account(
        id=row["caller_id"],
        email=row["caller_email"],
        role=row["caller_role"],
        created_at=row["caller_created_at"],
        username=row["caller_username"],
        display_name=row["caller_display_name"],
    )
    return Principal(user=account, session_id=claims.session_id)


# --- user administration ------------------------------------------------------------------------


async def get_user_or_raise(session: AsyncSession, *, user_id: str) -> User:
    """Return a user, soft-deleted ones included, or raise UserNotFound."""
    user = await session.get(User, user_id)
    if user is None:
        raise errors.UserNotFound()
    return user


async def list_users(
    session: AsyncSession, *, role: str | None, include_deleted: bool, page: PageParams
) -> PageResult[User]:
    """List users, newest first."""
    stmt: Select[User] = select(User).order_by(User.created_at.desc(), User.id.desc())
    if role is not None:
        stmt = stmt.where(User.role == check_role(role))
    if not include_deleted:
        stmt = stmt.where(User.deleted_at.is_(None))
    return await fetch_page(session, stmt, page)


async def create_user(
    session: AsyncSession, ctx: IdentityContext, *, email: str, password: str, role: str
) -> User:
    """Create a user of any role (admin route, CLI, bootstrap)."""
    email = normalize_email(email)
    if not email or not password:
        raise errors.CredentialsRequired()
    role = check_role(role)
    check_email(email)
    check_password_policy(password)
    if await session.scalar(select(User.id).where(User.email == email)) is not None:
        raise errors.EmailAlreadyExists()
    now = clock.utcnow()
    user = User(
        id=new_id("usr"),
        email=email,
        password_hash=await ctx.passwords.hash(password),
        role=role,
        created_at=now,
        updated_at=now,
    )
    session.add(user)
    await session.flush()
    return user


async def update_user(
    session: AsyncSession,
    ctx: IdentityContext,
    *,
    user_id: str,
    email: str | None,
    password: str | None,
    role: str | None,
) -> User:
    """Change a user's email, password or role. A new role or password ends every session."""
    if email is not None:
        email = normalize_email(email)
        if not email:
            raise errors.EmailCannotBeEmpty()
        check_email(email)
    if role is not None:
        role = check_role(role)
    if password is not None:
        if password == "":
            raise errors.PasswordCannotBeEmpty()
        check_password_policy(password)
    if email is None and role is None and password is None:
        raise errors.NoUpdates()
    user = await get_user_or_raise(session, user_id=user_id)
    if email is not None and email != user.email:
        if await session.scalar(select(User.id).where(User.email == email, User.id != user_id)) is not None:
            raise errors.EmailAlreadyExists()
        user.email = email
    credentials_changed = False
    if role is not None and role != user.role:
        user.role = role
        credentials_changed = True
    if password is not None:
        user.password_hash = await ctx.passwords.hash(password)
        credentials_changed = True
    user.updated_at = clock.utcnow()
    await session.flush()
    if credentials_changed:
        await _revoke_sessions(session, user_id=user_id, reason="admin_update")
    return user


async def soft_delete_user(session: AsyncSession, *, user_id: str) -> User:
    """Mark a user deleted and end every session (ace.md §16.1 S1)."""
    user = await get_user_or_raise(session, user_id=user_id)
    now = clock.utcnow()
    user.deleted_at = user.deleted_at or now
    user.updated_at = now
    await session.flush()
    await _revoke_sessions(session, user_id=user_id, reason="admin_delete")
    return user


async def restore_user(session: AsyncSession, *, user_id: str) -> User:
    """Undo a soft delete (sessions stay revoked; the user logs in again)."""
    user = await get_user_or_raise(session, user_id=user_id)
    user.deleted_at = None
    user.updated_at = clock.utcnow()
    await session.flush()
    return user


async def set_password(session: AsyncSession, ctx: IdentityContext, *, email: str, password: str) -> User:
    """Set a user's password by email (CLI) and end their sessions."""
    user = await session.scalar(select(User).where(User.email == normalize_email(email)))
    if user is None:
        raise errors.UserNotFound()
    return await update_user(session, ctx, user_id=user.id, email=None, password=password, role=None)


async def list_auth_sessions(
    session: AsyncSession, *, user_id: str, include_revoked: bool, page: PageParams
) -> PageResult[AuthSession]:
    """List a user's auth sessions, newest first; by default only live ones."""
    stmt: Select[AuthSession] = (
        select(AuthSession)
        .where(AuthSession.user_id == user_id)
        .order_by(AuthSession.created_at.desc(), AuthSession.id.desc())
    )
    if not include_revoked:
        stmt = stmt.where(AuthSession.revoked_at.is_(None), AuthSession.expires_at > clock.utcnow())
    return await fetch_page(session, stmt, page)


async def revoke_all_sessions(session: AsyncSession, *, user_id: str, reason: str) -> None:
    """Revoke every live session of a user."""
    await _revoke_sessions(session, user_id=user_id, reason=reason)


async def revoke_session(session: AsyncSession, *, user_id: str, session_id: str, reason: str) -> None:
    """Revoke one session of a user (a no-op when already revoked)."""
    owner = await session.scalar(select(AuthSession.user_id).where(AuthSession.id == session_id))
    if owner != user_id:
        raise errors.AuthSessionNotFound()
    await _revoke_sessions(session, session_ids=[session_id], reason=reason)


async def bootstrap_users(db: Database, ctx: IdentityContext) -> None:
    """Create the admin and instructor named by BOOTSTRAP_* (ace.md §2.10); never change existing ones."""
    settings = ctx.settings
    for role, email, password in (
        ("admin", settings.bootstrap_admin_email, settings.bootstrap_admin_password),
        ("instructor", settings.bootstrap_instructor_email, settings.bootstrap_instructor_password),
    ):
        email = normalize_email(email)
        if not email or not password:
            continue
        async with unit_of_work(db, write=True) as session:
            existing = await session.scalar(select(User).where(User.email == email))
            if existing is not None:
                if existing.role != role:
                    raise RuntimeError(f"bootstrap {role}: email already exists with role {existing.role}")
                continue
            await create_user(session, ctx, email=email, password=password, role=role)
            log.info("bootstrap user created", extra={"role": role})
