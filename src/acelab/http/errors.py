"""Error dialects: `{"message"}` on ACE routes, `{"error"}` on Codemm routes, both on shared routes.

The dialect is a property of the route class (STYLE.md 10); unmatched paths answer with both keys.
"""

import logging
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException

from acelab.errors import AppError

log = logging.getLogger(__name__)


class AceErrorBody(BaseModel):
    message: str


class CodemmErrorBody(BaseModel):
    error: str


class SharedErrorBody(BaseModel):
    message: str
    error: str


def _documented(model: type[BaseModel], codes: tuple[int, ...]) -> dict[int | str, dict[str, Any]]:
    return {code: {"model": model} for code in codes}


ERROR_CODES = (400, 401, 403, 404, 409, 413, 429)
ACE_ERRORS = _documented(AceErrorBody, ERROR_CODES)
CODEMM_ERRORS = _documented(CodemmErrorBody, ERROR_CODES)
SHARED_ERRORS = _documented(SharedErrorBody, ERROR_CODES)


class Dialect(StrEnum):
    ACE = "ace"
    CODEMM = "codemm"
    SHARED = "shared"


class AceRoute(APIRoute):
    dialect = Dialect.ACE


class CodemmRoute(APIRoute):
    dialect = Dialect.CODEMM


class SharedRoute(APIRoute):
    dialect = Dialect.SHARED


def ace_router(*, tags: list[str], prefix: str = "") -> APIRouter:
    """A router whose routes answer errors as `{"message"}` (documented in OpenAPI)."""
    return APIRouter(prefix=prefix, tags=list(tags), route_class=AceRoute, responses=dict(ACE_ERRORS))


def codemm_router(*, tags: list[str], prefix: str = "") -> APIRouter:
    """A router whose routes answer errors as `{"error"}`."""
    return APIRouter(prefix=prefix, tags=list(tags), route_class=CodemmRoute, responses=dict(CODEMM_ERRORS))


def shared_router(*, tags: list[str], prefix: str = "") -> APIRouter:
    """A router for routes both web apps call: errors carry `message` and `error`."""
    return APIRouter(prefix=prefix, tags=list(tags), route_class=SharedRoute, responses=dict(SHARED_ERRORS))


def dialect_of(request: Request) -> Dialect:
    route = request.scope.get("route")
    return getattr(route, "dialect", Dialect.SHARED)


def error_response(
    dialect: Dialect,
    *,
    status_code: int,
    message: str,
    codemm_message: str | None = None,
    codemm_status_code: int | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """Render one error in the given dialect."""
    body: dict[str, Any]
    if dialect is Dialect.ACE:
        body = {"message": message}
    elif dialect is Dialect.CODEMM:
        body = {"error": codemm_message or message}
        status_code = codemm_status_code or status_code
    else:
        body = {"message": message, "error": codemm_message or message}
    return JSONResponse(body, status_code=status_code, headers=headers)


async def _app_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return error_response(
        dialect_of(request),
        status_code=exc.status_code,
        message=exc.message,
        codemm_message=exc.codemm_message,
        codemm_status_code=exc.codemm_status_code,
        headers=exc.headers,
    )


def _first_validation_message(exc: RequestValidationError) -> str:
    errors = exc.errors()
    if not errors:
        return "Invalid request"
    first = errors[0]
    if first.get("type") == "json_invalid":
        return "Invalid JSON body"
    field = ".".join(str(part) for part in first.get("loc", ()) if part != "body")
    message = str(first.get("msg", "Invalid value"))
    return f"{field}: {message}" if field else message


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    # ace.md §1.6: every parse or type problem is 400 `invalid json body`, never 422.
    return error_response(
        dialect_of(request),
        status_code=400,
        message="invalid json body",
        codemm_message=_first_validation_message(exc),
    )


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    texts = {404: "not found", 405: "method not allowed"}
    message = texts.get(exc.status_code, str(exc.detail).lower())
    return error_response(
        dialect_of(request),
        status_code=exc.status_code,
        message=message,
        codemm_message=message.capitalize(),
        headers=exc.headers,
    )


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error", extra={"path": request.url.path, "method": request.method})
    return error_response(
        dialect_of(request), status_code=500, message="internal error", codemm_message="Internal server error"
    )


# PostgreSQL refuses NUL characters in text (SQLite stores them): input, not a bug.
_CHARACTER_NOT_IN_REPERTOIRE = "22021"


async def _database_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DBAPIError)
    if getattr(exc.orig, "sqlstate", None) == _CHARACTER_NOT_IN_REPERTOIRE:
        return error_response(
            dialect_of(request),
            status_code=400,
            message="invalid json body",
            codemm_message="Text must not contain NUL characters.",
        )
    return await _unexpected_error(request, exc)


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers that render every error in its route's dialect."""
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(DBAPIError, _database_error)
    app.add_exception_handler(Exception, _unexpected_error)
