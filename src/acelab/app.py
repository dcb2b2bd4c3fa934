"""create_app(): middleware, error dialects, routers, and the lifespan that owns the engine."""

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from acelab.admin import routes as admin_routes
from acelab.catalog import routes as catalog_routes
from acelab.coding.activities import routes as activity_routes
from acelab.coding.activities.service import ActivitySuites
from acelab.coding.generation import routes as generation_routes
from acelab.coding.generation.pipeline import Generator
from acelab.coding.llm.select import LlmProviders
from acelab.coding.profile import routes as profile_routes
from acelab.coding.sessions import routes as session_routes
from acelab.coding.trace import TraceBus
from acelab.config import Settings
from acelab.db.engine import create_database
from acelab.exams import admin_routes as exam_admin_routes
from acelab.exams import routes as exam_routes
from acelab.exams import service as exams_service
from acelab.exams.context import ExamContext
from acelab.http import health
from acelab.http.body_limit import BodyLimitMiddleware
from acelab.http.cors import CorsMiddleware
from acelab.http.csrf import CsrfMiddleware
from acelab.http.errors import install_error_handlers
from acelab.identity import routes as identity_routes
from acelab.identity import shared_routes
from acelab.identity.context import IdentityContext
from acelab.judge import routes as judge_routes
from acelab.judge import service as judge_service
from acelab.logs import RequestIdMiddleware, configure_logging
from acelab.practice import routes as practice_routes
from acelab.questions import routes as question_routes
from acelab.questions.pools import QuestionPools

PORTALS = ("student", "instructor", "admin")


def create_app(settings: Settings) -> FastAPI:
    """Build the ASGI app for `settings`; nothing touches the database until start-up."""
    identity = IdentityContext.from_settings(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.db = create_database(settings.sqlalchemy_url)
        app.state.suite_source = ActivitySuites(app.state.db)
        app.state.llm = LlmProviders(settings)
        app.state.judge = await judge_service.start_judge(settings)
        app.state.trace = TraceBus(enabled=settings.codemm_trace, full=settings.codemm_trace_full)
        app.state.generator = await Generator.start(
            settings, db=app.state.db, judge=app.state.judge, llm=app.state.llm, trace=app.state.trace
        )
        app.state.exam_sweeper = exams_service.start_sweeper(app.state.db, app.state.exams)
        try:
            yield
        finally:
            await exams_service.stop_sweeper(app.state.exam_sweeper)
            await app.state.generator.stop()
            await judge_service.stop_judge(app.state.judge)
            await app.state.llm.aclose()
            await app.state.db.dispose()

    app = FastAPI(
        title="acelab",
        version="0.1.0",
        summary="One API for the ACE exam-prep web app and the Codemm coding-practice web app.",
        lifespan=lifespan,
        # ace.md §1.6: a body without a Content-Type is read as JSON, as the original does; the types a
        # cross-site form can send (text/plain, urlencoded) are still not.
        strict_content_type=False,
    )
    app.state.settings = settings
    app.state.identity = identity
    app.state.question_pools = QuestionPools(ttl_s=settings.question_pool_ttl_s)
    app.state.exams = ExamContext.from_settings(settings, pools=app.state.question_pools)
    install_error_handlers(app)

    app.include_router(health.ace)
    app.include_router(health.codemm)
    # FastAPI tries included routers in order, every route of each, at about 2 µs a route: the busiest
    # routes come first. The exam day's heartbeats (one per student every 15 s) and practice answers
    # would otherwise pay up to 0.3 ms of matching each.
    for router in (*exam_routes.direct_routers, *practice_routes.direct_routers):
        app.include_router(router)
    for router in (*exam_routes.routers, *practice_routes.routers):
        app.include_router(router)
    for portal in PORTALS:
        app.include_router(identity_routes.build_auth_router(portal), prefix=f"/{portal}/auth")
    app.include_router(shared_routes.router)
    app.include_router(identity_routes.build_auth_router("student", entry_routes=False), prefix="/auth")
    app.include_router(admin_routes.router)
    for catalog_router in catalog_routes.routers:
        app.include_router(catalog_router)
    for question_router in question_routes.routers:
        app.include_router(question_router)
    app.include_router(exam_admin_routes.router)
    app.include_router(judge_routes.router)
    app.include_router(activity_routes.router)
    app.include_router(generation_routes.router)
    app.include_router(profile_routes.router)
    app.include_router(session_routes.router)

    # Outermost last: request id, then CORS (answers preflights), then CSRF, then the body cap.
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(CsrfMiddleware)
    app.add_middleware(CorsMiddleware, allowed_origins=settings.cors_origin_list)
    app.add_middleware(RequestIdMiddleware)
    return app


def create_app_from_env() -> FastAPI:
    """The factory uvicorn's workers call: settings come from the environment."""
    settings = Settings()
    configure_logging(settings.log_format)  # a worker process starts with none
    app = create_app(settings)
    # What is alive now (modules, routes, schemas) lives as long as the process: keep it out of
    # every collection, and collect less often; both shorten the pauses a request can hit.
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
    return app
