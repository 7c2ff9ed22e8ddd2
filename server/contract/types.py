"""Field types every domain's models share, each constraint stated once.

A model field written with these types is validated on the way in (HTTP body, query,
CLI arguments) and described by the same constraint in the OpenAPI document.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, WithJsonSchema
from pydantic_core import PydanticCustomError

from server.rooms.names import DOCUMENT_NAME_PATTERN
from server.validation import MAX_ID

# Ids are SQL integer keys (``MAX_ID``: PostgreSQL's INTEGER): a larger one names
# nothing and must be refused before it reaches a driver (it used to be a 500).
Id = Annotated[int, Field(ge=1, le=MAX_ID, strict=True)]

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{1,62}$"
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


def matching(pattern: str, message: str, *, max_length: int | None = None) -> Any:
    """A string matching ``pattern`` (trimmed first when ``max_length`` is given); a
    mismatch reads ``message`` (what a person can act on, not the regular
    expression), and the document still states the pattern."""
    regex = re.compile(pattern)
    schema: dict[str, Any] = {"type": "string", "pattern": pattern}
    trimmed: list[Any] = []
    if max_length is not None:
        schema["maxLength"] = max_length
        trimmed.append(StringConstraints(strip_whitespace=True, max_length=max_length))

    def check(value: str) -> str:
        if not regex.match(value):
            raise PydanticCustomError("string_pattern_mismatch", message)
        return value

    return Annotated[(str, *trimmed, AfterValidator(check), WithJsonSchema(schema))]


Slug = matching(SLUG_PATTERN, "must be 2-63 lowercase letters, digits or '-'")
DocumentName = matching(
    DOCUMENT_NAME_PATTERN,
    "must be 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit",
)
Email = matching(EMAIL_PATTERN, "must be an e-mail address", max_length=320)


def text(max_length: int = 200) -> Any:
    """A non-blank string, trimmed, of at most ``max_length`` characters."""
    return Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length)
    ]


Name = text(200)


def _absent_if_none(value: Any) -> bool:
    return value is None


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)  # null is never sent: the key is absent instead


def optional(description: str | None = None) -> Any:
    """A response field sent only when it has a value: absent rather than null. Type it
    ``X | SkipJsonSchema[None]`` so the document says "X, when present"."""
    return Field(
        default=None,
        exclude_if=_absent_if_none,
        description=description,
        json_schema_extra=_no_default,
    )


class Model(BaseModel):
    """Base of every response model (and of what services return): built from rows or
    values, it lists every field it has, so the document states exactly what is sent."""

    # defer_build: a model's validator is built on first use, not at import (a CLI
    # command that uses three models does not pay for all of them).
    model_config = ConfigDict(extra="forbid", frozen=True, from_attributes=True, defer_build=True)


class Body(BaseModel):
    """Base of every request model: strict (``"yes"`` is not a boolean, ``"3"`` not an
    integer) and closed (an unknown field is an error the caller sees, not a silent
    no-op: a misspelt optional field would otherwise change nothing without a word)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, defer_build=True)


class ErrorDetail(Model):
    code: str = Field(description="stable machine-readable error code")
    message: str
    details: dict[str, Any] | None = None


class Error(Model):
    """Every refusal: ``{"error": {"code", "message", "details"}}``."""

    error: ErrorDetail


class FieldErrors(Model):
    fields: dict[str, str] = Field(description="each invalid field and what is wrong with it")


class ValidationErrorDetail(Model):
    code: str
    message: str
    details: FieldErrors


class ValidationError(Model):
    """A 422: ``error.details.fields`` names each invalid field."""

    error: ValidationErrorDetail
