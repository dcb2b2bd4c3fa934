"""Profile routes (codemm.md §4): the caller's stats and activities, and their own LLM key."""

from fastapi import Request
from fastapi.responses import JSONResponse

from acelab.coding.activities import service as activity_service
from acelab.coding.llm.keys import EncryptionKeyUnavailable, UserKeyCipher
from acelab.coding.profile import service
from acelab.coding.profile.schemas import (
    LlmSettingsIn,
    LlmSettingsRead,
    ProfileActivity,
    ProfileRead,
    ProfileStats,
    ProfileUser,
    SubmissionRow,
)
from acelab.db.session import DbSession
from acelab.http.auth import AnyPrincipal
from acelab.http.errors import CodemmErrorBody, codemm_router
from acelab.http.wire import OkResponse, format_sqlite_time
from acelab.judge import service as judge_service

router = codemm_router(tags=["profile"])
NOT_CONFIGURED = "Server is not configured to store per-user API keys."


@router.get("/profile", response_model=ProfileRead)
async def get_profile(caller: AnyPrincipal, session: DbSession) -> ProfileRead:
    """The caller's account, submission statistics, activities and ten latest submissions."""
    account = caller.user
    username, display_name = activity_service.author_names(account)
    stats = await judge_service.submission_stats(session, user_id=caller.user_id)
    activities = await activity_service.list_owned(session, user_id=caller.user_id)
    recent = await judge_service.recent_submissions(session, user_id=caller.user_id)
    return ProfileRead(
        user=ProfileUser(
            id=caller.user_id,
            username=username,
            email=account.email,
            display_name=display_name,
            created_at=account.created_at,
        ),
        stats=ProfileStats(
            total_submissions=stats.total,
            successful_submissions=stats.successful,
            activities_attempted=stats.activities,
            problems_attempted=stats.problems,
            avg_execution_time=stats.avg_execution_ms,
            success_rate=round(stats.successful / stats.total * 100) if stats.total else 0,
        ),
        activities=[ProfileActivity.model_validate(a) for a in activities],
        recent_submissions=[
            SubmissionRow(
                id=s.id,
                user_id=s.user_id,
                activity_id=s.activity_id,
                problem_id=s.problem_id,
                code=s.code,
                success=int(s.success),
                passed_tests=s.passed_tests,
                total_tests=s.total_tests,
                execution_time_ms=s.execution_time_ms,
                submitted_at=format_sqlite_time(s.submitted_at),
            )
            for s in recent
        ],
    )


@router.get("/profile/llm", response_model=LlmSettingsRead)
async def get_llm_settings(caller: AnyPrincipal, session: DbSession) -> LlmSettingsRead:
    """Which provider the caller's own key is for; the key itself is never returned."""
    row = await service.llm_settings(session, user_id=caller.user_id)
    if row is None:
        return LlmSettingsRead(configured=False, provider=None, updated_at=None)
    return LlmSettingsRead(configured=True, provider=row.provider, updated_at=row.updated_at)


@router.put(
    "/profile/llm",
    response_model=OkResponse,
    responses={501: {"model": CodemmErrorBody, "description": "No encryption key is configured."}},
)
async def put_llm_settings(
    body: LlmSettingsIn, request: Request, caller: AnyPrincipal, session: DbSession
) -> OkResponse | JSONResponse:
    """Save the caller's own provider key, encrypted at rest (it is not test-called)."""
    try:
        cipher = UserKeyCipher.from_setting(request.app.state.settings.user_key_encryption_key)
    except EncryptionKeyUnavailable as exc:
        return JSONResponse({"error": NOT_CONFIGURED, "detail": str(exc)}, status_code=501)
    await service.save_llm_key(
        session, user_id=caller.user_id, provider=body.provider, api_key=body.api_key, cipher=cipher
    )
    return OkResponse()


@router.delete("/profile/llm", response_model=OkResponse)
async def delete_llm_settings(caller: AnyPrincipal, session: DbSession) -> OkResponse:
    """Forget the caller's own key."""
    await service.clear_llm_key(session, user_id=caller.user_id)
    return OkResponse()
