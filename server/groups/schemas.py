"""Request and response models of the access model: groups, seats, delegations, people,
observer admission, invitations, group documents, the audit log and ``/api/me``.

Every constraint is stated here once. The HTTP routes validate bodies with these
models, the operator CLI validates its arguments with the same ones, the services
take and return them, and the OpenAPI document (hence the web app's types) is
generated from them.
"""

from __future__ import annotations

import json
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    model_serializer,
)

from crdt.schema import DocumentKind
from server.auth.permissions import Action
from server.auth.tokens import Role
from server.contract.types import Body, DocumentName, Email, Id, Model, Name, Slug, text
from server.groups.presets import EcosocStatus, StakeholderKey

LongText = text(5000)
Note = text(2000)
# An invitation link lives at most 90 days: a forgotten link should not outlive a session.
MAX_INVITATION_TTL = 90 * 86400


class ObserverStatus(StrEnum):
    """Where an observer request stands: pending -> approved | rejected; approved -> revoked."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    REVOKED = "revoked"


class Decision(StrEnum):
    """pending -> approved | rejected; approved -> revoked"""

    APPROVED = "approved"
    REJECTED = "rejected"
    REVOKED = "revoked"


def _zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(
            f"unknown time zone {value!r}: give an IANA name such as Europe/Zurich"
        ) from exc
    return value


# An IANA time zone name (the group's deadlines are local times there).
TimeZone = Annotated[
    str, Field(min_length=1, max_length=64, examples=["Europe/Zurich"]), AfterValidator(_zone)
]

# -- requests ------------------------------------------------------------------------------


class GroupCreate(Body):
    slug: Slug = Field(description="short name in URLs: 2-63 lowercase letters, digits or '-'")
    name: Name
    mandate: LongText | None = None  # type: ignore[valid-type]
    public_follow: bool = False


class GroupUpdate(Body):
    public_follow: bool | None = Field(
        default=None, description="anyone may follow the group's public documents live"
    )
    time_zone: TimeZone | None = Field(
        default=None, description="IANA zone the group meets in: deadlines are local there"
    )


class DelegationCreate(Body):
    name: Name
    stakeholder_group: StakeholderKey


class PersonCreate(Body):
    name: Name
    role: Role
    delegation_id: Id | None = Field(default=None, description="required for members")
    email: Email | None = None


class PersonUpdate(Body):
    role: Role | None = None
    active: bool | None = Field(
        default=None, description="false revokes every token, session and login link"
    )


class ObserverRequestCreate(Body):
    organization: Name
    ecosoc_status: EcosocStatus
    contact_name: Name
    contact_email: Email
    justification: LongText  # type: ignore[valid-type]


class ObserverDecision(Body):
    decision: Decision
    meeting: Name = Field(description="the meeting at which the group agreed")
    note: Note | None = None  # type: ignore[valid-type]


class ObserverQuery(BaseModel):
    """The query of the observer-request list (other parameters, e.g. ``token``, are
    for the edge)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    status: ObserverStatus | None = None


class InvitationCreate(Body):
    person_id: Id
    ttl_seconds: int | None = Field(
        default=None,
        ge=1,
        le=MAX_INVITATION_TTL,
        description="the link's lifetime (default: the server's invitation TTL)",
    )


class GroupDocumentCreate(Body):
    name: DocumentName
    title: Name
    kind: DocumentKind = DocumentKind.ROLLING
    public: bool = Field(default=True, description="readable by followers")


# -- responses -----------------------------------------------------------------------------


class StakeholderSeats(Model):
    key: StakeholderKey
    name: str
    seats: int
    taken: int


class GroupSummary(Model):
    id: int
    slug: str
    name: str
    mandate: str
    public_follow: bool
    time_zone: str = Field(description="IANA zone: deadlines are local times there")
    created_at: datetime


class Group(GroupSummary):
    stakeholder_groups: list[StakeholderSeats]


class GroupList(Model):
    groups: list[GroupSummary]


class Delegation(Model):
    id: int
    name: str
    stakeholder_group: StakeholderKey


class DelegationList(Model):
    delegations: list[Delegation]


class Person(Model):
    id: int
    name: str
    role: Role
    delegation_id: int | None
    organization: str | None
    email: str | None
    active: bool


class PersonList(Model):
    people: list[Person]


class DecisionRecord(Model):
    by: str
    at: datetime
    meeting: str
    note: str | None


class ObserverRequest(Model):
    id: int
    organization: str
    ecosoc_status: EcosocStatus
    contact_name: str
    contact_email: str
    justification: str
    status: ObserverStatus
    decision: DecisionRecord | None
    person_id: int | None
    created_at: datetime

    @classmethod
    def of(cls, row: Any) -> ObserverRequest:
        """From an ``ObserverRequest`` row: the decision's columns become one object."""
        decision = None
        if row.decided_at is not None:
            decision = DecisionRecord(
                by=row.decided_by,
                at=row.decided_at,
                meeting=row.meeting_ref,
                note=row.decision_note,
            )
        return cls(
            id=row.id,
            organization=row.organization,
            ecosoc_status=row.ecosoc_status,
            contact_name=row.contact_name,
            contact_email=row.contact_email,
            justification=row.justification,
            status=row.status,
            decision=decision,
            person_id=row.person_id,
            created_at=row.created_at,
        )


class ObserverRequestList(Model):
    requests: list[ObserverRequest]


class Invitation(Model):
    id: int
    person_id: int
    created_by: str
    created_at: datetime
    expires_at: datetime
    revoked: bool
    used: bool = Field(description="opened at least once (single-use links: spent)")

    @classmethod
    def of(cls, row: Any) -> Invitation:
        return cls(
            id=row.id,
            person_id=row.person_id,
            created_by=row.created_by,
            created_at=row.created_at,
            expires_at=row.expires_at,
            revoked=row.revoked_at is not None,
            used=row.redeemed_at is not None,
        )


class IssuedInvitation(Invitation):
    """What the service returns once: the secret code is never stored."""

    code: str = Field(description="shown once, never stored")


class InvitationIssued(IssuedInvitation):
    url: str = Field(description="the link to send: /invite/<code> on this server")


class InvitationList(Model):
    invitations: list[Invitation]


class GroupDocument(Model):
    name: str
    title: str
    kind: DocumentKind
    public: bool
    group_id: int


class GroupDocumentList(Model):
    documents: list[GroupDocument]


class AuditEntry(Model):
    id: int
    at: datetime
    actor: str
    action: str
    target: str
    details: dict[str, Any]

    @classmethod
    def of(cls, row: Any) -> AuditEntry:
        return cls(
            id=row.id,
            at=row.at,
            actor=row.actor,
            action=row.action,
            target=row.target,
            details=json.loads(row.details),
        )


class AuditLog(Model):
    entries: list[AuditEntry] = Field(description="newest first")


class InvitationToken(Model):
    """A redeemed invitation link, for scripts: a bearer token (no cookie)."""

    token: str
    person_id: int
    group_id: int
    role: Role
    name: str


class PersonToken(InvitationToken):
    """A token an operator issued for one person (``rollingtext token --person``)."""

    ttl_seconds: int


class Me(Model):
    """Who the caller is; without a token only ``signed_in`` (false) and ``can`` ([])."""

    signed_in: bool
    name: str | None = None
    role: Role | None = None
    group_id: int | None = None
    person_id: int | None = None
    delegation: str | None = Field(
        default=None, description="shown beside the name in presence lists"
    )
    can: list[Action] = Field(
        description="every action the caller may take (the permission matrix): the web "
        "app shows controls from this, never from role lists of its own"
    )

    # Unannotated on purpose: pydantic then documents the fields above, not a bare dict.
    @model_serializer(mode="wrap")
    def _anonymous_is_short(self, handler: SerializerFunctionWrapHandler):  # type: ignore[no-untyped-def]
        data: dict[str, Any] = handler(self)
        if not self.signed_in:
            return {"signed_in": False, "can": data["can"]}
        return data
