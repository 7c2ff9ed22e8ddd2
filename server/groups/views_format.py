"""JSON shapes of the access model's records (one place, shared by API and CLI)."""

from __future__ import annotations

from typing import Any

from server.groups.models import (
    Delegation,
    Invitation,
    ObserverRequest,
    Person,
    StakeholderGroup,
    WorkingGroup,
)


def group_dict(
    group: WorkingGroup, seats: list[tuple[StakeholderGroup, int]] | None
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": group.id,
        "slug": group.slug,
        "name": group.name,
        "mandate": group.mandate,
        "public_follow": group.public_follow,
        "created_at": group.created_at.isoformat(),
    }
    if seats is not None:
        out["stakeholder_groups"] = [
            {"key": sg.key, "name": sg.name, "seats": sg.seats, "taken": taken}
            for sg, taken in seats
        ]
    return out


def delegation_dict(delegation: Delegation, stakeholder: str) -> dict[str, Any]:
    return {"id": delegation.id, "name": delegation.name, "stakeholder_group": stakeholder}


def person_dict(person: Person) -> dict[str, Any]:
    return {
        "id": person.id,
        "name": person.name,
        "role": person.role,
        "delegation_id": person.delegation_id,
        "organization": person.organization,
        "email": person.email,
        "active": person.active,
    }


def invitation_dict(invitation: Invitation) -> dict[str, Any]:
    return {
        "id": invitation.id,
        "person_id": invitation.person_id,
        "created_by": invitation.created_by,
        "created_at": invitation.created_at.isoformat(),
        "expires_at": invitation.expires_at.isoformat(),
        "revoked": invitation.revoked_at is not None,
        "used": invitation.redeemed_at is not None,
    }


def observer_request_dict(request: ObserverRequest) -> dict[str, Any]:
    return {
        "id": request.id,
        "organization": request.organization,
        "ecosoc_status": request.ecosoc_status,
        "contact_name": request.contact_name,
        "contact_email": request.contact_email,
        "justification": request.justification,
        "status": request.status,
        "decision": None
        if request.decided_at is None
        else {
            "by": request.decided_by,
            "at": request.decided_at.isoformat(),
            "meeting": request.meeting_ref,
            "note": request.decision_note,
        },
        "person_id": request.person_id,
        "created_at": request.created_at.isoformat(),
    }
