"""Field types every domain's models share, each constraint stated once.

A model field written with these types is validated on the way in (HTTP body, query,
CLI arguments) and described by the same constraint in the OpenAPI document.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from server.rooms.names import DOCUMENT_NAME_PATTERN
from server.validation import MAX_ID

# Ids are SQL integer keys (``MAX_ID``: PostgreSQL's INTEGER): a larger one names
# nothing and must be refused before it reaches a driver (it used to be a 500).
Id = Annotated[int, Field(ge=1, le=MAX_ID, strict=True)]

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{1,62}$"
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
DocumentName = Annotated[str, StringConstraints(pattern=DOCUMENT_NAME_PATTERN)]
Email = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=320, pattern=EMAIL_PATTERN)
]


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

    model_config = ConfigDict(extra="forbid", frozen=True, from_attributes=True)


class Body(BaseModel):
    """Base of every request model: strict (``"yes"`` is not a boolean, ``"3"`` not an
    integer) and closed (an unknown field is an error the caller sees, not a silent
    no-op: a misspelt optional field would otherwise change nothing without a word)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


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
