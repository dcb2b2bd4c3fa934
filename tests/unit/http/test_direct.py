"""DirectRoute answers exactly as FastAPI's own route would: the same endpoint is declared on both
kinds of router and every request must get the same status and body from each."""

from collections.abc import AsyncIterator
from typing import Annotated

import httpx
import pytest
from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import PlainTextResponse
from pydantic import Field

from acelab.errors import Conflict, Unauthorized
from acelab.http.auth import Credentials
from acelab.http.direct import direct_ace_router
from acelab.http.errors import ace_router, install_error_handlers
from acelab.http.wire import AceModel, AceRequest


class Move(AceRequest):
    piece: str = ""
    square: int = Field(0, ge=0, le=63)


class Moved(AceModel):
    game_id: str
    piece: str
    square: int
    note: str | None = None


calls: list[str] = []


async def player(request: Request, _: Credentials) -> str:
    """Auth stand-in: the caller's name from a header."""
    calls.append("player")
    name = request.headers.get("x-player")
    if not name:
        raise Unauthorized("missing player")
    return name


Player = Annotated[str, Depends(player)]


async def table(request: Request, who: Player) -> AsyncIterator[list[str]]:
    """A resource held around the endpoint, like a database connection."""
    log = [f"open for {who}"]
    calls.append("table open")
    try:
        yield log
    except Conflict:
        calls.append("table saw conflict")
        raise
    finally:
        calls.append("table closed")


Table = Annotated[list[str], Depends(table, scope="function")]


async def move(game_id: str, body: Move, who: Player, board: Table) -> Moved:
    calls.append("endpoint")
    if body.piece == "king" and body.square == 0:
        raise Conflict("the king may not go there")
    reply = Moved(game_id=game_id, piece=body.piece, square=body.square)
    if body.piece == "queen":
        reply.note = f"{who}: {board[0]}"
    return reply


def _app(router: APIRouter) -> FastAPI:
    app = FastAPI(strict_content_type=False)
    install_error_handlers(app)
    router.add_api_route(
        "/games/{game_id}/moves",
        move,
        methods=["POST"],
        response_model=Moved,
        response_model_exclude_unset=True,
    )
    app.include_router(router)
    return app


@pytest.fixture(scope="module")
def clients() -> tuple[httpx.AsyncClient, httpx.AsyncClient]:
    def client(router: APIRouter) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=_app(router)), base_url="http://test")

    return client(ace_router(tags=["t"])), client(direct_ace_router(tags=["t"]))


PLAYER = {"x-player": "ann"}
JSON = {"content-type": "application/json"}

REQUESTS = [
    ("valid", PLAYER | JSON, b'{"piece": "pawn", "square": 12}'),
    ("optional key set", PLAYER | JSON, b'{"piece": "queen", "square": 3}'),
    ("no content type", PLAYER, b'{"piece": "pawn"}'),
    ("json subtype", PLAYER | {"content-type": "application/vnd.api+json"}, b'{"piece": "rook"}'),
    ("null body", PLAYER | JSON, b"null"),
    ("unknown keys ignored", PLAYER | JSON, b'{"piece": "pawn", "colour": "white"}'),
    ("error from the endpoint", PLAYER | JSON, b'{"piece": "king", "square": 0}'),
    ("malformed json, no player", JSON, b'{"piece": '),
    ("malformed json", PLAYER | JSON, b'{"piece": '),
    ("bad utf-8", PLAYER | JSON, b'{"piece": "\xff"}'),
    ("schema error, no player", JSON, b'{"square": 99}'),
    ("schema error", PLAYER | JSON, b'{"square": 99}'),
    ("wrong type", PLAYER | JSON, b'{"piece": 7}'),
    ("array body", PLAYER | JSON, b"[1, 2]"),
    ("empty body", PLAYER | JSON, b""),
    ("empty body, no player", JSON, b""),
    ("form content type", PLAYER | {"content-type": "text/plain"}, b'{"piece": "pawn"}'),
]


@pytest.mark.parametrize(("headers", "body"), [r[1:] for r in REQUESTS], ids=[r[0] for r in REQUESTS])
async def test_same_answer_as_fastapi(clients, headers, body):
    fastapi, direct = clients
    calls.clear()
    expected = await fastapi.post("/games/g1/moves", headers=headers, content=body)
    fastapi_calls = list(calls)
    calls.clear()
    got = await direct.post("/games/g1/moves", headers=headers, content=body)
    assert (got.status_code, got.content) == (expected.status_code, expected.content)
    assert got.headers["content-type"] == expected.headers["content-type"]
    # Dependencies ran in the same order, once each, the held one closed after the endpoint.
    assert calls == fastapi_calls


async def test_calls_and_order(clients):
    _, direct = clients
    calls.clear()
    r = await direct.post("/games/g7/moves", headers=PLAYER, json={"piece": "queen", "square": 5})
    assert r.json() == {"gameId": "g7", "piece": "queen", "square": 5, "note": "ann: open for ann"}
    assert calls == ["player", "table open", "endpoint", "table closed"]
    calls.clear()
    r = await direct.post("/games/g7/moves", headers=PLAYER, json={"piece": "king", "square": 0})
    assert (r.status_code, r.json()) == (409, {"message": "the king may not go there"})
    assert calls == ["player", "table open", "endpoint", "table saw conflict", "table closed"]


def _declare(endpoint, **options) -> None:
    direct_ace_router(tags=["t"]).add_api_route(
        "/x/{key}", endpoint, methods=["POST"], response_model=Moved, **options
    )


def test_refuses_what_it_cannot_run_like_fastapi():
    def sync_dependency(request: Request) -> str:
        return ""

    async def with_query(limit: Annotated[int, Query()] = 1) -> int:
        return limit

    async def not_cached(request: Request) -> str:
        return ""

    async def uses_sync(key: str, value: Annotated[str, Depends(sync_dependency)]) -> Moved:
        raise AssertionError

    async def uses_query(key: str, value: Annotated[int, Depends(with_query)]) -> Moved:
        raise AssertionError

    async def uses_uncached(key: str, value: Annotated[str, Depends(not_cached, use_cache=False)]) -> Moved:
        raise AssertionError

    async def int_path(key: int) -> Moved:
        raise AssertionError

    async def query_param(key: str, page: int = 0) -> Moved:
        raise AssertionError

    for endpoint in (uses_sync, uses_query, uses_uncached, int_path, query_param):
        with pytest.raises(TypeError, match="DirectRoute"):
            _declare(endpoint)


@pytest.mark.parametrize(
    "options",
    [
        {"response_model_exclude_none": True},
        {"response_model_exclude_defaults": True},
        {"response_model_include": {"piece"}},
        {"response_model_by_alias": False},
        {"response_class": PlainTextResponse},
    ],
)
def test_refuses_response_options_it_would_ignore(options):
    async def endpoint(key: str) -> Moved:
        raise AssertionError

    with pytest.raises(TypeError, match="DirectRoute"):
        _declare(endpoint, **options)
