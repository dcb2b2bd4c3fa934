"""`acelab serve | migrate | user create | user set-password | seed demo`."""

import argparse
import asyncio
import getpass
import sys

from acelab.config import Settings
from acelab.db import migrate as db_migrate
from acelab.db.engine import create_database
from acelab.db.session import unit_of_work
from acelab.demo import seed as demo_seed
from acelab.errors import AppError
from acelab.identity import service as identity_service
from acelab.identity.context import IdentityContext
from acelab.identity.models import ROLES
from acelab.logs import configure_logging


async def _prepare(settings: Settings) -> None:
    """Migrate the schema and create the bootstrap users (idempotent)."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = create_database(settings.sqlalchemy_url)
    try:
        await db_migrate.upgrade(db)
        await identity_service.bootstrap_users(db, IdentityContext.from_settings(settings))
    finally:
        await db.dispose()


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise SystemExit("passwords differ")
    return first


async def _create_user(settings: Settings, *, email: str, role: str, password: str) -> str:
    db = create_database(settings.sqlalchemy_url)
    ctx = IdentityContext.from_settings(settings)
    try:
        async with unit_of_work(db, write=True) as session:
            user = await identity_service.create_user(session, ctx, email=email, password=password, role=role)
            return user.id
    finally:
        await db.dispose()


async def _set_password(settings: Settings, *, email: str, password: str) -> None:
    db = create_database(settings.sqlalchemy_url)
    ctx = IdentityContext.from_settings(settings)
    try:
        async with unit_of_work(db, write=True) as session:
            await identity_service.set_password(session, ctx, email=email, password=password)
    finally:
        await db.dispose()


async def _seed_demo(
    settings: Settings, *, emails: dict[str, str], password: str | None
) -> demo_seed.SeedReport:
    await _prepare(settings)
    db = create_database(settings.sqlalchemy_url)
    try:
        return await demo_seed.seed_demo(
            db, IdentityContext.from_settings(settings), emails=emails, password=password
        )
    finally:
        await db.dispose()


def _print_seed_report(report: demo_seed.SeedReport) -> None:
    print("demo accounts (each logs in at /<role>/auth/login):")
    for account in report.accounts:
        secret = "exists, password unchanged" if account.password is None else f"password: {account.password}"
        print(f"  {account.role:<10}  {account.email:<30}  {secret}")
    package = f"demo package {report.package_name!r} ({report.package_id})"
    if any(report.created.values()):
        made = ", ".join(
            f"{count} {what if count > 1 else what.removesuffix('s')}"
            for what, count in report.created.items()
            if count
        )
        print(f"{package}: created {made}")
    else:
        print(f"{package}: already complete")
    if not report.changed:
        print("the demo was already seeded; nothing changed")


def _serve(settings: Settings, args: argparse.Namespace) -> None:
    import uvicorn

    from acelab.http.workers import Workers, listening_sockets

    asyncio.run(_prepare(settings))
    host = args.host or settings.host
    port = args.port or settings.port
    workers = args.workers or settings.workers
    print(f"acelab serving on http://{host}:{port} (database: {settings.sqlalchemy_url.split('://')[0]})")
    config = uvicorn.Config(
        "acelab.app:create_app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        loop="uvloop",
        http="httptools",
        proxy_headers=False,  # acelab.http.client trusts forwarding headers from configured proxies only
        access_log=False,
        server_header=False,
        log_config=None,
    )
    if workers == 1:
        uvicorn.Server(config).run()
        return
    try:
        sockets = listening_sockets(host, port, workers, config.backlog)
    except OSError as exc:
        raise SystemExit(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    Workers(config, sockets).run()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="acelab", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="migrate, then serve HTTP")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int)
    commands.add_parser("migrate", help="apply database migrations")
    user = commands.add_parser("user", help="manage users").add_subparsers(dest="user_command", required=True)
    create = user.add_parser("create", help="create a user")
    create.add_argument("--email", required=True)
    create.add_argument("--role", choices=ROLES, default="student")
    create.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    set_password = user.add_parser("set-password", help="set a user's password (ends their sessions)")
    set_password.add_argument("--email", required=True)
    set_password.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    seed = commands.add_parser("seed", help="add sample content").add_subparsers(
        dest="seed_command", required=True
    )
    demo = seed.add_parser("demo", help="create the demo accounts and exam package (idempotent)")
    for role, email in demo_seed.DEFAULT_EMAILS.items():
        demo.add_argument(f"--{role}-email", default=email, help=f"default: {email}")
    demo.add_argument(
        "--password", help="password of the accounts it creates (default: a random one each, printed once)"
    )
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    settings = Settings()
    configure_logging(settings.log_format)
    try:
        if args.command == "serve":
            _serve(settings, args)
        elif args.command == "migrate":
            asyncio.run(_prepare(settings))
            print("database is up to date")
        elif args.command == "seed":
            emails = {role: getattr(args, f"{role}_email") for role in demo_seed.DEFAULT_EMAILS}
            _print_seed_report(asyncio.run(_seed_demo(settings, emails=emails, password=args.password)))
        elif args.user_command == "create":
            password = _read_password(args.password_stdin)
            user_id = asyncio.run(_create_user(settings, email=args.email, role=args.role, password=password))
            print(user_id)
        else:
            asyncio.run(
                _set_password(settings, email=args.email, password=_read_password(args.password_stdin))
            )
            print("password updated; the user's sessions were ended")
    except AppError as exc:
        raise SystemExit(f"error: {exc.message}") from None
