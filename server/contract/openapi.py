"""The OpenAPI 3.1 document, generated from the declared operations and their models.

Nothing here describes a body by hand: schemas come from the pydantic models the
routes validate with, statuses from the error classes the routes declare.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from server.contract.routes import Operation
from server.contract.types import Error, ValidationError
from server.errors import (
    BadInput,
    NotFound,
    PayloadTooLarge,
    RollingTextError,
    Unauthenticated,
    UnsupportedMediaType,
)
from server.validation import ValidationFailed

REF = "#/components/schemas/{model}"
SIGNED_IN: list[dict[str, list[str]]] = [{"bearer": []}, {"cookie": []}, {"query": []}]
SECURITY_SCHEMES = {
    "bearer": {"type": "http", "scheme": "bearer", "description": "a token"},
    "cookie": {
        "type": "apiKey",
        "in": "cookie",
        "name": "rt_session",
        "description": "the browser session an invitation link starts",
    },
    "query": {"type": "apiKey", "in": "query", "name": "token"},
}


def _implied_errors(op: Operation) -> list[type[RollingTextError]]:
    implied: list[type[RollingTextError]] = []
    if op.auth == "signed_in":
        implied.append(Unauthenticated)
    if op.path_params:
        implied.append(NotFound)
    if op.body is not None or op.raw_body is not None:
        implied += [BadInput, PayloadTooLarge, UnsupportedMediaType]
    if op.body is not None or op.query is not None:
        implied.append(ValidationFailed)
    return implied


Refs = Mapping[tuple[Any, str], Any]


def _json(schema: Any) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _responses(op: Operation, refs: Refs) -> dict[str, Any]:
    ok: dict[str, Any] = {"description": "Created" if op.status == 201 else "Done"}
    if op.response is not None:
        ok["content"] = _json(refs[(op.response, "serialization")])
    if op.raw_content is not None:
        ok["content"] = {**ok.get("content", {}), **op.raw_content}
    responses: dict[str, Any] = {str(op.status): ok}
    by_status: dict[int, list[type[RollingTextError]]] = {}
    for error in [*_implied_errors(op), *op.errors]:
        by_status.setdefault(error.http_status, [])
        if error not in by_status[error.http_status]:
            by_status[error.http_status].append(error)
    for status, errors in sorted(by_status.items()):
        schema = ValidationError if status == 422 else Error
        codes = ", ".join(f"`{e.code}`" for e in errors)
        responses[str(status)] = {
            "description": codes,
            "content": _json(refs[(schema, "serialization")]),
        }
    for status, extra in op.responses.items():
        merged = responses.setdefault(str(status), {"description": ""})
        for key, value in extra.items():
            if key in ("content", "headers"):
                merged[key] = {**merged.get(key, {}), **value}
            else:
                merged[key] = value
    return responses


def _name(model: type[BaseModel]) -> str:
    return model.__name__


def _parameters(op: Operation) -> list[dict[str, Any]]:
    params = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": adapter.json_schema(ref_template=REF),
            **({"description": op.path_descriptions[name]} if name in op.path_descriptions else {}),
        }
        for name, adapter in op.path_params.items()
    ]
    if op.query is not None:
        model_schema = op.query.model_json_schema(ref_template=REF)
        required = set(model_schema.get("required", []))
        for name, schema in model_schema.get("properties", {}).items():
            params.append(
                {"name": name, "in": "query", "required": name in required, "schema": schema}
            )
    return params


def _operation(op: Operation, refs: Refs) -> dict[str, Any]:
    out: dict[str, Any] = {
        "operationId": op.operation_id,
        "summary": op.summary,
        "tags": [op.tag],
        "security": []
        if op.auth == "public"
        else (SIGNED_IN if op.auth == "signed_in" else [{}, *SIGNED_IN]),
        "responses": _responses(op, refs),
    }
    if op.description:
        out["description"] = op.description
    params = _parameters(op)
    if params:
        out["parameters"] = params
    if op.body is not None:
        out["requestBody"] = {
            "required": True,
            "content": _json(refs[(op.body, "validation")]),
        }
    elif op.raw_body is not None:
        out["requestBody"] = {"required": True, "content": dict(op.raw_body)}
    return out


def _component_schemas(operations: Iterable[Operation]) -> tuple[Refs, dict[str, Any]]:
    """Every model's schema once under ``components.schemas``, and the ref to each."""
    inputs = {op.body for op in operations if op.body is not None}
    outputs = {op.response for op in operations if op.response is not None}
    outputs |= {Error, ValidationError}
    pairs: list[tuple[type[BaseModel], Any]] = [
        (m, "validation") for m in sorted(inputs, key=_name)
    ]
    pairs += [(m, "serialization") for m in sorted(outputs, key=_name)]
    refs, top = models_json_schema(pairs, ref_template=REF)
    return {key: ref for key, ref in refs.items()}, dict(top.get("$defs", {}))


def document(
    operations: Iterable[Operation], *, info: Mapping[str, Any], tags: list[dict[str, Any]]
) -> dict[str, Any]:
    """The whole OpenAPI 3.1 document for ``operations``."""
    ops = list(operations)
    refs, schemas = _component_schemas(ops)
    paths: dict[str, dict[str, Any]] = {}
    for op in ops:
        paths.setdefault(op.path, {})[op.method.lower()] = _operation(op, refs)
    return {
        "openapi": "3.1.0",
        "info": dict(info),
        "tags": tags,
        "paths": paths,
        "components": {"schemas": schemas, "securitySchemes": SECURITY_SCHEMES},
    }
