"""JSON Schemas of the HTTP API's bodies (``components.schemas`` of the OpenAPI document).

Enumerations come from the code that enforces them (roles, ECOSOC statuses, seat
presets, document kinds, the rolling-text schema), so the document cannot drift
from what the server accepts.
"""

from __future__ import annotations

from typing import Any

from crdt.schema import DOCUMENT_KINDS
from server.auth.credentials import SESSION_COOKIE
from server.auth.permissions import Action
from server.auth.tokens import Role
from server.errors import RollingTextError
from server.groups.observers import TRANSITIONS
from server.groups.presets import ECOSOC_STATUSES, WGEC_STAKEHOLDER_GROUPS

Schema = dict[str, Any]


def _error_codes() -> tuple[str, ...]:
    """Every code of the error hierarchy: the document cannot fall behind the code."""
    seen, todo = set(), [RollingTextError]
    while todo:
        cls = todo.pop()
        seen.add(cls.code)
        todo.extend(cls.__subclasses__())
    return tuple(sorted(seen - {"error"}))


ERROR_CODES = _error_codes()
DECISIONS = ("approved", "rejected", "revoked")
SLUG_PATTERN = "^[a-z0-9][a-z0-9-]{1,62}$"
DOCUMENT_NAME_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(required: tuple[str, ...] = (), **properties: Schema) -> Schema:
    schema: Schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    return schema


def nullable(type_: str, **extra: Any) -> Schema:
    return {"type": [type_, "null"], **extra}


def text(max_length: int = 200, **extra: Any) -> Schema:
    return {"type": "string", "minLength": 1, "maxLength": max_length, **extra}


def array_of(name: str) -> Schema:
    return {"type": "array", "items": ref(name)}


STRING: Schema = {"type": "string"}
INTEGER: Schema = {"type": "integer"}
ID: Schema = {"type": "integer", "minimum": 1}
BOOLEAN: Schema = {"type": "boolean"}
DATETIME: Schema = {"type": "string", "format": "date-time"}
EMAIL: Schema = {"type": "string", "format": "email", "maxLength": 320}


def _enums() -> dict[str, Schema]:
    return {
        "Role": {"type": "string", "enum": [r.value for r in Role]},
        "EcosocStatus": {
            "type": "string",
            "enum": list(ECOSOC_STATUSES),
            "description": "ECOSOC consultative status of an organization asking to observe",
        },
        "StakeholderKey": {
            "type": "string",
            "enum": [s.key for s in WGEC_STAKEHOLDER_GROUPS],
            "description": "; ".join(
                f"{s.key}: {s.name}, {s.seats} seats" for s in WGEC_STAKEHOLDER_GROUPS
            ),
        },
        "ObserverStatus": {"type": "string", "enum": list(TRANSITIONS)},
        "Decision": {
            "type": "string",
            "enum": list(DECISIONS),
            "description": "pending -> approved | rejected; approved -> revoked",
        },
        "DocumentKind": {"type": "string", "enum": list(DOCUMENT_KINDS)},
    }


def _errors() -> dict[str, Schema]:
    error_body = obj(
        ("code", "message"),
        code={"type": "string", "description": "one of: " + ", ".join(ERROR_CODES)},
        message=STRING,
        details={"type": "object", "description": "extra facts, e.g. seats of a full quota"},
    )
    fields = {
        "type": "object",
        "additionalProperties": STRING,
        "description": "what is wrong with each field, by field name",
    }
    return {
        "Error": obj(("error",), error=error_body),
        "ValidationError": obj(
            ("error",),
            error=obj(
                ("code", "message", "details"),
                code={"type": "string", "const": "validation_failed"},
                message=STRING,
                details=obj(("fields",), fields=fields),
            ),
        ),
    }


def _access_model() -> dict[str, Schema]:
    seats = obj(
        ("key", "name", "seats", "taken"),
        key=ref("StakeholderKey"),
        name=STRING,
        seats=INTEGER,
        taken=INTEGER,
    )
    decision = nullable(
        "object",
        properties={"by": STRING, "at": DATETIME, "meeting": STRING, "note": nullable("string")},
    )
    invitation = obj(
        ("id", "person_id", "created_by", "created_at", "expires_at", "revoked", "used"),
        id=INTEGER,
        person_id=INTEGER,
        created_by=STRING,
        created_at=DATETIME,
        expires_at=DATETIME,
        revoked=BOOLEAN,
        used={"type": "boolean", "description": "opened at least once (single-use links: spent)"},
    )
    return {
        "Me": obj(
            ("signed_in", "can"),
            signed_in=BOOLEAN,
            name=STRING,
            role=ref("Role"),
            group_id=nullable("integer"),
            person_id=nullable("integer"),
            delegation=nullable("string"),
            can={
                "type": "array",
                "items": {"type": "string", "enum": [a.value for a in Action]},
                "description": "every action the caller may take (the permission matrix)",
            },
        ),
        "StakeholderSeats": seats,
        "Group": obj(
            ("id", "slug", "name", "mandate", "public_follow", "created_at"),
            id=INTEGER,
            slug=STRING,
            name=STRING,
            mandate=STRING,
            public_follow=BOOLEAN,
            created_at=DATETIME,
            stakeholder_groups={**array_of("StakeholderSeats"), "description": "single group only"},
        ),
        "GroupCreate": obj(
            ("slug", "name"),
            slug={"type": "string", "pattern": SLUG_PATTERN},
            name=text(),
            mandate={"type": "string", "maxLength": 5000},
            public_follow={"type": "boolean", "default": False},
        ),
        "GroupUpdate": obj(public_follow=BOOLEAN),
        "Delegation": obj(
            ("id", "name", "stakeholder_group"),
            id=INTEGER,
            name=STRING,
            stakeholder_group=ref("StakeholderKey"),
        ),
        "DelegationCreate": obj(
            ("name", "stakeholder_group"), name=text(), stakeholder_group=ref("StakeholderKey")
        ),
        "Person": obj(
            ("id", "name", "role", "active"),
            id=INTEGER,
            name=STRING,
            role=ref("Role"),
            delegation_id=nullable("integer"),
            organization=nullable("string"),
            email=nullable("string"),
            active=BOOLEAN,
        ),
        "PersonCreate": obj(
            ("name", "role"),
            name=text(),
            role=ref("Role"),
            delegation_id={**ID, "description": "required for members"},
            email=EMAIL,
        ),
        "PersonUpdate": obj(
            role=ref("Role"),
            active={"type": "boolean", "description": "false revokes every token and session"},
        ),
        "ObserverRequest": obj(
            ("id", "organization", "ecosoc_status", "status", "created_at"),
            id=INTEGER,
            organization=STRING,
            ecosoc_status=ref("EcosocStatus"),
            contact_name=STRING,
            contact_email=STRING,
            justification=STRING,
            status=ref("ObserverStatus"),
            decision=decision,
            person_id=nullable("integer"),
            created_at=DATETIME,
        ),
        "ObserverRequestCreate": obj(
            ("organization", "ecosoc_status", "contact_name", "contact_email", "justification"),
            organization=text(),
            ecosoc_status=ref("EcosocStatus"),
            contact_name=text(),
            contact_email=EMAIL,
            justification=text(5000),
        ),
        "ObserverDecision": obj(
            ("decision", "meeting"),
            decision=ref("Decision"),
            meeting=text(description="the meeting at which the group agreed"),
            note=text(2000),
        ),
        "Invitation": invitation,
        "InvitationIssued": {
            "allOf": [
                ref("Invitation"),
                obj(
                    ("code", "url"),
                    code={"type": "string", "description": "shown once, never stored"},
                    url={"type": "string", "format": "uri"},
                ),
            ]
        },
        "InvitationCreate": obj(
            ("person_id",),
            person_id=ID,
            ttl_seconds={"type": "integer", "minimum": 1, "maximum": 90 * 86400},
        ),
        "GroupDocument": obj(
            ("name", "title", "kind", "public", "group_id"),
            name=STRING,
            title=STRING,
            kind=ref("DocumentKind"),
            public=BOOLEAN,
            group_id=INTEGER,
        ),
        "GroupDocumentCreate": obj(
            ("name", "title"),
            name={"type": "string", "pattern": DOCUMENT_NAME_PATTERN},
            title=text(),
            kind={**ref("DocumentKind"), "default": "rolling"},
            public={"type": "boolean", "default": True},
        ),
        "AuditEntry": obj(
            ("id", "at", "actor", "action", "target", "details"),
            id=INTEGER,
            at=DATETIME,
            actor=STRING,
            action=STRING,
            target=STRING,
            details={"type": "object"},
        ),
        "Session": obj(
            ("token", "person_id", "group_id", "role", "name"),
            token=STRING,
            person_id=INTEGER,
            group_id=INTEGER,
            role=ref("Role"),
            name=STRING,
        ),
    }


SCHEMAS: dict[str, Schema] = {**_enums(), **_errors(), **_access_model()}

SECURITY_SCHEMES: dict[str, Schema] = {
    "bearer": {
        "type": "http",
        "scheme": "bearer",
        "description": "`rollingtext token`, or the token an invitation link returns",
    },
    "cookie": {
        "type": "apiKey",
        "in": "cookie",
        "name": SESSION_COOKIE,
        "description": "browser session set by an invitation link's sign-in page; "
        "refused (403 cross_origin) from pages of other origins",
    },
    "query": {"type": "apiKey", "in": "query", "name": "token"},
}
