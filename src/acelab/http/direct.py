"""DirectRoute: a route whose dependencies run as a plan made once at start-up.

FastAPI solves a route's dependency tree anew on every request (context managers, cancel scopes,
caches, a validation pass per parameter): about 0.4 ms of CPU per request on these machines, a third
of a practice answer. The busiest routes (practice answers, exam heartbeats, answer saves, events)
are declared as usual on a `direct_ace_router`; their route class flattens the tree when the route is
built and runs it with plain calls. It takes only trees it runs exactly as FastAPI would, and raises
TypeError at import for anything else:

- a dependency is a coroutine or async-generator function of the Request and of other such
  dependencies (each runs once per request, as with FastAPI's cache); a function marked
  `documentation_only` (declaring security schemes for the OpenAPI document) is not run;
- path parameters are strings; at most one body parameter, a pydantic model, not embedded.

Errors come in FastAPI's order: a body that is not JSON first, then the dependencies' own errors
(401, 403), then the body's validation errors. The OpenAPI document is FastAPI's, from the same
signature.
"""

import inspect
import json
from collections.abc import Callable, Coroutine
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from email.message import Message
from typing import Any, TypeVar

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi._compat import ModelField
from fastapi.datastructures import DefaultPlaceholder
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, TypeAdapter, ValidationError

from acelab.http.errors import ACE_ERRORS, AceRoute

_DOCUMENTATION_ONLY = "__acelab_documentation_only__"
_F = TypeVar("_F", bound=Callable[..., Any])

# What a step's argument comes from: the request itself, a documentation-only dependency's None, or
# the value of an earlier step.
_REQUEST = object()
_NOTHING = object()


def documentation_only(function: _F) -> _F:
    """Mark a dependency that only declares something in the OpenAPI document (it returns None)."""
    setattr(function, _DOCUMENTATION_ONLY, True)
    return function


@dataclass(frozen=True)
class _Step:
    call: Callable[..., Any]
    arguments: tuple[tuple[str, object], ...]  # parameter name -> _REQUEST, _NOTHING or a step's call
    opens: Callable[..., Any] | None  # the async context manager of an async-generator dependency


def _arguments(dependant: Dependant, plan: list[_Step]) -> tuple[tuple[str, object], ...]:
    """Plan `dependant`'s dependencies (each callable once, in FastAPI's order) and name its
    arguments."""
    arguments: list[tuple[str, object]] = []
    if dependant.request_param_name:
        arguments.append((dependant.request_param_name, _REQUEST))
    for sub in dependant.dependencies:
        call = sub.call
        assert call is not None and sub.name is not None
        if getattr(call, _DOCUMENTATION_ONLY, False):
            arguments.append((sub.name, _NOTHING))
            continue
        _check_dependency(sub)
        if all(step.call is not call for step in plan):
            generator = inspect.isasyncgenfunction(call)
            step_arguments = _arguments(sub, plan)
            plan.append(_Step(call, step_arguments, asynccontextmanager(call) if generator else None))
        arguments.append((sub.name, call))
    return tuple(arguments)


def _check_dependency(sub: Dependant) -> None:
    call = sub.call
    supported = inspect.iscoroutinefunction(call) or inspect.isasyncgenfunction(call)
    if not supported or sub.path_params or sub.body_params or _other_inputs(sub) or not sub.use_cache:
        raise TypeError(f"DirectRoute cannot run the dependency {call!r}: see acelab.http.direct")


def _other_inputs(dependant: Dependant) -> bool:
    """Whether `dependant` takes anything besides the request, path parameters, a body and
    dependencies."""
    return bool(
        dependant.query_params
        or dependant.header_params
        or dependant.cookie_params
        or dependant.websocket_param_name
        or dependant.http_connection_param_name
        or dependant.response_param_name
        or dependant.background_tasks_param_name
        or dependant.security_scopes_param_name
    )


class DirectRoute(AceRoute):
    """An ACE route whose dependencies and body are handled by a plan made at start-up."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        dependant = self.dependant
        if self.response_model is None or self._embed_body_fields or len(dependant.body_params) > 1:
            raise TypeError(f"DirectRoute {self.path}: needs a response model and at most one body model")
        if _other_inputs(dependant):
            raise TypeError(f"DirectRoute {self.path}: takes only path parameters, a body and dependencies")
        if (
            self.response_model_include is not None
            or self.response_model_exclude is not None
            or self.response_model_exclude_defaults
            or self.response_model_exclude_none
            or not self.response_model_by_alias
            or not isinstance(self.response_class, DefaultPlaceholder)
        ):
            raise TypeError(f"DirectRoute {self.path}: of the response options, only exclude_unset")
        for param in dependant.path_params:
            if param.field_info.annotation is not str:
                raise TypeError(f"DirectRoute {self.path}: path parameter {param.name} must be a str")
        plan: list[_Step] = []
        endpoint_arguments = _arguments(dependant, plan)
        path_names = tuple(param.name for param in dependant.path_params)
        body = _Body.of(self.path, dependant.body_params[0]) if dependant.body_params else None
        response = TypeAdapter(self.response_model)
        exclude_unset = self.response_model_exclude_unset
        status_code = self.status_code or 200
        endpoint = self.endpoint

        async def handler(request: Request) -> Response:
            body_value, body_errors = await body.read(request) if body else (None, [])
            values: dict[object, Any] = {_REQUEST: request, _NOTHING: None}
            async with AsyncExitStack() as stack:
                for step in plan:
                    kwargs = {name: values[source] for name, source in step.arguments}
                    if step.opens is not None:
                        values[step.call] = await stack.enter_async_context(step.opens(**kwargs))
                    else:
                        values[step.call] = await step.call(**kwargs)
                if body_errors:
                    raise RequestValidationError(body_errors)
                kwargs = {name: values[source] for name, source in endpoint_arguments}
                kwargs.update((name, request.path_params[name]) for name in path_names)
                if body:
                    kwargs[body.name] = body_value
                result = await endpoint(**kwargs)
            content = response.dump_json(result, by_alias=True, exclude_unset=exclude_unset)
            return Response(content, status_code=status_code, media_type="application/json")

        return handler


_MISSING_BODY = {"type": "missing", "loc": ("body",), "msg": "Field required", "input": None}


@dataclass(frozen=True)
class _Body:
    name: str
    model: TypeAdapter[Any]
    required: bool
    default: Any

    @classmethod
    def of(cls, path: str, field: ModelField) -> "_Body":
        model = field.field_info.annotation
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            raise TypeError(f"DirectRoute {path}: the body must be a pydantic model")
        required = field.field_info.is_required()
        default = None if required else field.field_info.get_default()
        return cls(name=field.name, model=TypeAdapter(model), required=required, default=default)

    async def read(self, request: Request) -> tuple[Any, list[Any]]:
        """The body and its validation errors, read as FastAPI does: JSON when the content type says
        so (or is absent, as the app's `strict_content_type=False` allows), the bytes otherwise;
        malformed JSON is refused at once."""
        raw = await request.body()
        if not raw:
            return self.default, [_MISSING_BODY] if self.required else []
        content = raw if _not_json(request.headers.get("content-type")) else _json(raw)
        try:
            return self.model.validate_python(content, from_attributes=True), []
        except ValidationError as exc:
            return None, [
                {**error, "loc": ("body", *error["loc"])} for error in exc.errors(include_url=False)
            ]


def _not_json(content_type: str | None) -> bool:
    if not content_type:
        return False
    message = Message()
    message["content-type"] = content_type
    subtype = message.get_content_subtype()
    return message.get_content_maintype() != "application" or not (
        subtype == "json" or subtype.endswith("+json")
    )


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        error = {"type": "json_invalid", "loc": ("body", exc.pos), "msg": "JSON decode error", "input": {}}
        raise RequestValidationError([{**error, "ctx": {"error": exc.msg}}]) from exc
    except Exception as exc:
        raise HTTPException(status_code=400, detail="There was an error parsing the body") from exc


def direct_ace_router(*, tags: list[str], prefix: str = "") -> APIRouter:
    """An ACE router (see `ace_router`) of DirectRoutes: for the busiest routes only."""
    return APIRouter(prefix=prefix, tags=list(tags), route_class=DirectRoute, responses=dict(ACE_ERRORS))
