"""Dependencies of the session routes: the optional caller, the anonymous owner's token, the settings
and the chat's LLM (the dialogue's external edge: tests replace `chat_llm`)."""

import logging
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyCookie, APIKeyHeader

from acelab.coding.llm.base import LlmNotConfigured, LlmProvider
from acelab.coding.llm.select import LlmProviders
from acelab.coding.profile import service as profile_service
from acelab.config import Settings
from acelab.db.session import DatabaseDep, unit_of_work
from acelab.http.auth import AnyAuth, Credentials, Identity
from acelab.identity.service import Principal

log = logging.getLogger(__name__)

TOKEN_HEADER = "X-Codemm-Session-Token"
TOKEN_COOKIE = "codemm_session_token"

_optional_auth = AnyAuth(required=False)
# Named schemes: the default name (the class name) would replace the ACE cookie's in the document.
_token_header = APIKeyHeader(
    name=TOKEN_HEADER,
    scheme_name="CodemmSessionToken",
    auto_error=False,
    description="The session token an anonymous creator got from POST /sessions (`sessionToken`).",
)
_token_cookie = APIKeyCookie(
    name=TOKEN_COOKIE,
    scheme_name="CodemmSessionCookie",
    auto_error=False,
    description="The same session token, as POST /sessions sets it.",
)


async def maybe_caller(
    request: Request, db: DatabaseDep, ctx: Identity, credentials: Credentials
) -> Principal | None:
    """`MaybePrincipal` (codemm.md §2.1 optionalAuth) read in its own short unit of work.

    For routes whose service owns its units of work: `MaybePrincipal` depends on the request's
    DbSession, which for a POST holds SQLite's write lock until the handler returns, across the LLM call.
    """
    async with unit_of_work(db, autocommit=True) as session:
        return await _optional_auth(request, session, ctx, credentials)


async def owner_token(
    header: Annotated[str | None, Security(_token_header)],
    cookie: Annotated[str | None, Security(_token_cookie)],
) -> str | None:
    """The anonymous owner's session token: the header, else the cookie."""
    return (header or "").strip() or (cookie or "").strip() or None


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


MaybeCaller = Annotated[Principal | None, Depends(maybe_caller)]
OwnerToken = Annotated[str | None, Depends(owner_token)]
AppSettings = Annotated[Settings, Depends(get_settings)]


async def chat_llm(request: Request, db: DatabaseDep, caller: MaybeCaller) -> LlmProvider | None:
    """The LLM the dialogue asks: the caller's own key, else the server's (codemm.md §12.2); None (no
    key anywhere) runs the deterministic path.

    A provider that cannot be used (an undecryptable stored key, an explicit provider without its
    key) is logged and skipped: LLM trouble never fails a chat message (codemm.md §6.5).
    """
    providers: LlmProviders = request.app.state.llm
    stored = None
    if caller is not None:
        async with unit_of_work(db, autocommit=True) as session:
            stored = await profile_service.stored_key(session, user_id=caller.user_id)
    try:
        return providers.select(stored)
    except LlmNotConfigured as exc:
        log.warning("chat runs without its LLM", extra={"why": exc.message})
        return None


ChatLlm = Annotated[LlmProvider | None, Depends(chat_llm)]
