"""Routes that declare themselves: one declaration makes the aiohttp route and its
OpenAPI operation, so the document can never drift from what the server accepts.

A handler states its contract in its signature::

    @api.post("/api/groups/{gid}/delegations", status=201, errors=(QuotaExceeded,))
    async def add_delegation(call: Call, gid: Id, body: DelegationCreate) -> Delegation:
        \"\"\"Add a delegation within its stakeholder group's seat quota.\"\"\"

``body`` and ``query`` are pydantic models validated before the handler runs; other
parameters are path parameters (their annotation validates the text of the path);
the return annotation is the response model. Bad input never reaches a service: a
body that is not JSON is a 400, a field that breaks its constraint a 422 naming it.
"""

from __future__ import annotations

import inspect
import json
import re
import types
import typing
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from aiohttp import web
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from server.auth.principal import Principal
from server.edge.bodies import API_BODY_LIMIT, body_limit, read_json_text
from server.errors import (
    BadInput,
    NotFound,
    RollingTextError,
    Unauthenticated,
)
from server.validation import ValidationFailed

# Who may call: "signed_in" needs a token or session; "optional" serves anonymous
# callers too (the handler decides what they get); "public" never looks at credentials.
Auth = Literal["signed_in", "optional", "public"]
Handler = Callable[..., Awaitable[Any]]

_RESERVED = ("call", "body", "query")


@dataclass(frozen=True)
class Operation:
    """One HTTP operation: the route and everything its OpenAPI entry says."""

    method: str
    path: str
    handler: Handler
    tag: str
    status: int
    auth: Auth
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    response: type[BaseModel] | None
    path_params: Mapping[str, TypeAdapter[Any]]
    errors: tuple[type[RollingTextError], ...]
    body_limit: int
    # For responses that are not a JSON model (pages, exports): OpenAPI ``content``;
    # beside a response model, other media types the same status may answer with.
    raw_content: Mapping[str, Any] | None = None
    # For a body the handler reads itself (a caption file): OpenAPI ``content``.
    raw_body: Mapping[str, Any] | None = None
    # What the models cannot say (headers, an error's HTML page): merged into the
    # generated responses by status (``description`` replaced, ``content`` and
    # ``headers`` added to).
    responses: Mapping[int, Mapping[str, Any]] = field(default_factory=dict)
    path_descriptions: Mapping[str, str] = field(default_factory=dict)
    # Path parameters that are integers (ids): only ASCII digits name one.
    numeric_params: frozenset[str] = frozenset()

    @property
    def operation_id(self) -> str:
        return self.handler.__name__

    @property
    def summary(self) -> str:
        return (inspect.getdoc(self.handler) or self.operation_id).split("\n\n")[0]

    @property
    def description(self) -> str | None:
        parts = (inspect.getdoc(self.handler) or "").split("\n\n", 1)
        return parts[1] if len(parts) == 2 else None


class Call:
    """What a handler gets besides its validated inputs: the request and its caller."""

    def __init__(self, request: web.Request) -> None:
        self.request = request
        self.app = request.app

    async def caller(self) -> Principal | None:
        """Who sent the request (token or session cookie), as of now; None if nobody."""
        from server.auth.credentials import request_token
        from server.keys import ACCESS  # keys imports the services, which import models

        return await self.app[ACCESS].principal(request_token(self.request))

    async def signed_in(self) -> Principal:
        principal = await self.caller()
        if principal is None:
            raise Unauthenticated("sign in (a token or an invitation link) to do this")
        return principal


def field_name(loc: tuple[int | str, ...]) -> str:
    """``("segments", 1, "end_ms")`` -> ``segments[1].end_ms``; the body itself is "body"."""
    name = ""
    for part in loc:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else part)
    return name or "body"


def field_errors(exc: ValidationError) -> dict[str, str]:
    """Each invalid field (dotted, list items indexed) and its first problem."""
    fields: dict[str, str] = {}
    for error in exc.errors(include_url=False):
        message = error["msg"]
        if error["type"] == "value_error" and "error" in error.get("ctx", {}):
            message = str(error["ctx"]["error"])  # a validator's own words, unprefixed
        elif error["type"] == "missing":
            message = "is required"  # the wording clients and the CLI have always shown
        fields.setdefault(field_name(error["loc"]), message)
    return fields


M = TypeVar("M", bound=BaseModel)


def validated(model: type[M], data: Any) -> M:
    """``data`` (a JSON value: a Socket.IO event's, a CLI's arguments) as ``model``,
    checked exactly as an HTTP body is; ValidationFailed names each bad field."""
    try:
        text = json.dumps(data, allow_nan=False)
    except (TypeError, ValueError) as exc:  # binary attachments, NaN
        raise BadInput(f"expected JSON, got {exc}") from exc
    try:
        return model.model_validate_json(text)
    except ValidationError as exc:
        if any(e["type"] == "model_type" and not e["loc"] for e in exc.errors()):
            raise BadInput(f"expected a JSON object, got {type(data).__name__}") from exc
        raise ValidationFailed(field_errors(exc)) from exc


async def _read_body(request: web.Request, model: type[BaseModel]) -> BaseModel:
    """The body as ``model``: the edge's checks first (type, charset, size, depth,
    surrogates), then the model's own constraints, strictly, as JSON."""
    text = await read_json_text(request)
    try:
        return model.model_validate_json(text)
    except ValidationError as exc:
        if any(e["type"] == "model_type" and not e["loc"] for e in exc.errors()):
            raise BadInput("the request body must be a JSON object") from exc
        raise ValidationFailed(field_errors(exc)) from exc


def _wrap(op: Operation) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def handle(request: web.Request) -> web.StreamResponse:
        kwargs: dict[str, Any] = {}
        for name, adapter in op.path_params.items():
            text = request.match_info[name]
            if name in op.numeric_params and not _DIGITS.fullmatch(text):
                # pydantic reads "1_0" as 10 and "٣" as 3: an id in a path is ASCII digits.
                raise NotFound(f"no such {name}: ids are whole numbers")
            try:
                kwargs[name] = adapter.validate_strings(text)
            except ValidationError as exc:
                raise NotFound(f"no such {name}: {field_errors(exc).popitem()[1]}") from exc
        if op.query is not None:
            try:
                kwargs["query"] = op.query.model_validate(dict(request.query), strict=False)
            except ValidationError as exc:
                raise ValidationFailed(field_errors(exc)) from exc
        if op.body is not None:
            kwargs["body"] = await _read_body(request, op.body)
        result = await op.handler(Call(request), **kwargs)
        if isinstance(result, web.StreamResponse):
            return result
        if result is None:
            return web.Response(status=op.status)
        assert isinstance(result, BaseModel), f"{op.operation_id} returned {type(result)}"
        return web.json_response(result.model_dump(mode="json"), status=op.status)

    handle.__name__ = op.operation_id
    # The edge's middleware refuses a larger body before the handler reads a byte.
    return body_limit(op.body_limit)(handle)


_PATH_CONFIG = ConfigDict(strict=False)


def _model(hint: Any) -> type[BaseModel] | None:
    """The model of an annotation; of ``Model | web.StreamResponse`` (a handler that
    answers some callers with a page), the model."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        models = [m for m in map(_model, typing.get_args(hint)) if m is not None]
        return models[0] if len(models) == 1 else None
    return hint if inspect.isclass(hint) and issubclass(hint, BaseModel) else None


class Api:
    """A domain's routes: declare them with the decorators, mount them with ``routes()``."""

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.operations: list[Operation] = []

    def route(
        self,
        method: str,
        path: str,
        *,
        status: int = 200,
        auth: Auth = "signed_in",
        errors: tuple[type[RollingTextError], ...] = (),
        body_limit: int = API_BODY_LIMIT,
        raw_content: Mapping[str, Any] | None = None,
        raw_body: Mapping[str, Any] | None = None,
        tag: str | None = None,
        params: Mapping[str, str] | None = None,
        responses: Mapping[int, Mapping[str, Any]] | None = None,
    ) -> Callable[[Handler], Handler]:
        """Register ``handler`` for ``method path``; ``params`` describes path parameters.

        ``raw_content`` / ``raw_body`` describe a response / request body that is not a
        JSON model (an export, an imported file): the handler writes / reads it itself."""

        def register(handler: Handler) -> Handler:
            hints = typing.get_type_hints(handler, include_extras=True)
            names = [p for p in inspect.signature(handler).parameters if p != "call"]
            in_path = set(_path_names(path))
            path_params = {
                name: TypeAdapter(hints[name], config=_PATH_CONFIG)
                for name in names
                if name not in _RESERVED
            }
            if set(path_params) != in_path:
                raise TypeError(f"{handler.__name__}: path {path} vs parameters {names}")
            returned = hints.get("return")
            self.operations.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    handler=handler,
                    tag=tag or self.tag,
                    status=status,
                    auth=auth,
                    body=_model(hints.get("body")),
                    query=_model(hints.get("query")),
                    response=_model(returned),
                    path_params=path_params,
                    errors=errors,
                    body_limit=body_limit,
                    raw_content=raw_content,
                    raw_body=raw_body,
                    responses=dict(responses or {}),
                    path_descriptions=dict(params or {}),
                    numeric_params=frozenset(
                        name for name, adapter in path_params.items() if _is_integer(adapter)
                    ),
                )
            )
            return handler

        return register

    def get(self, path: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.route("GET", path, **options)

    def post(self, path: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.route("POST", path, **options)

    def put(self, path: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.route("PUT", path, **options)

    def patch(self, path: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.route("PATCH", path, **options)

    def delete(self, path: str, **options: Any) -> Callable[[Handler], Handler]:
        return self.route("DELETE", path, **options)

    def routes(self) -> list[web.RouteDef]:
        return [web.route(op.method, op.path, _wrap(op)) for op in self.operations]


_DIGITS = re.compile(r"[0-9]{1,20}")


def _is_integer(adapter: TypeAdapter[Any]) -> bool:
    return adapter.json_schema().get("type") == "integer"


def _path_names(path: str) -> list[str]:
    names, rest = [], path
    while "{" in rest:
        rest = rest.split("{", 1)[1]
        name, rest = rest.split("}", 1)
        names.append(name.split(":", 1)[0])
    return names
