"""Observer admission: ECOSOC rules apply and only the group's agreement admits.

A request moves ``pending -> approved | rejected`` only by a recorded decision
(who recorded it, when, at which meeting the group agreed); an approved
observer can later be ``revoked``. Approval creates the observer's person
record in the same transaction.
"""

from __future__ import annotations

from sqlalchemy import func, select

from server import audit
from server.auth.permissions import Action, require
from server.auth.principal import Principal
from server.auth.tokens import Role
from server.errors import InvalidTransition, NotFound, QueueFull
from server.groups import schemas
from server.groups.models import ObserverRequest, Person
from server.groups.schemas import Decision, ObserverStatus
from server.groups.service import AccessChange, GroupService
from server.storage.models import utcnow

TRANSITIONS: dict[str, set[Decision]] = {
    ObserverStatus.PENDING: {Decision.APPROVED, Decision.REJECTED},
    ObserverStatus.APPROVED: {Decision.REVOKED},
    ObserverStatus.REJECTED: set(),
    ObserverStatus.REVOKED: set(),
}


class ObserverService:
    def __init__(self, groups: GroupService, *, max_pending: int = 200) -> None:
        self._groups = groups
        self._sessions = groups.sessions
        # Pending requests per group; past it a flood waits for the group (0: no cap).
        self.max_pending = max_pending

    async def submit(
        self,
        group_id: int,
        new: schemas.ObserverRequestCreate,
        *,
        submitted_by: str = "public",
    ) -> schemas.ObserverRequest:
        """Anyone may ask; nothing is granted until the group decides. Refused with
        ``QueueFull`` while the group has ``max_pending`` requests to decide."""
        async with self._sessions.begin() as session:
            await self._groups.group(session, group_id)
            if self.max_pending > 0:
                pending = await session.scalar(
                    select(func.count())
                    .select_from(ObserverRequest)
                    .where(
                        ObserverRequest.group_id == group_id, ObserverRequest.status == "pending"
                    )
                )
                if (pending or 0) >= self.max_pending:
                    raise QueueFull(
                        f"this working group already has {pending} observer requests to "
                        "decide; ask again once it has decided them",
                        pending=pending,
                    )
            request = ObserverRequest(
                group_id=group_id,
                organization=new.organization,
                ecosoc_status=new.ecosoc_status.value,
                contact_name=new.contact_name,
                contact_email=new.contact_email,
                justification=new.justification,
                status=ObserverStatus.PENDING.value,
            )
            session.add(request)
            await session.flush()
            audit.record(
                session,
                submitted_by,
                "observer.request",
                f"observer_request:{request.id}",
                group_id=group_id,
                organization=new.organization,
            )
            return schemas.ObserverRequest.of(request)

    async def list(
        self, actor: Principal, group_id: int, *, status: ObserverStatus | None = None
    ) -> list[schemas.ObserverRequest]:
        require(actor, Action.LIST_OBSERVER_REQUESTS, group_id)
        async with self._sessions() as session:
            query = select(ObserverRequest).where(ObserverRequest.group_id == group_id)
            if status is not None:
                query = query.where(ObserverRequest.status == status)
            rows = await session.scalars(query.order_by(ObserverRequest.id))
            return [schemas.ObserverRequest.of(r) for r in rows]

    async def decide(
        self,
        actor: Principal,
        group_id: int,
        request_id: int,
        decision: schemas.ObserverDecision,
    ) -> schemas.ObserverRequest:
        """Record the group's decision: approve, reject or revoke."""
        to, meeting_ref, note = decision.decision, decision.meeting, decision.note
        require(actor, Action.DECIDE_OBSERVERS, group_id)
        async with self._sessions.begin() as session:
            request = await session.get(ObserverRequest, request_id, with_for_update=True)
            if request is None or request.group_id != group_id:
                raise NotFound(f"no observer request {request_id} in this working group")
            if to not in TRANSITIONS[request.status]:
                raise InvalidTransition(
                    f"an observer request that is {request.status} cannot become {to}",
                    status=request.status,
                )
            request.status = to.value
            request.decided_by = actor.actor
            request.decided_at = utcnow()
            request.meeting_ref = meeting_ref
            request.decision_note = note
            if to is Decision.APPROVED:
                observer = schemas.PersonCreate(
                    name=request.contact_name, role=Role.OBSERVER, email=request.contact_email
                )
                person = await self._groups.add_person(
                    actor,
                    group_id,
                    observer,
                    organization=request.organization,
                    audit_action="observer.admit",
                    session=session,
                )
                request.person_id = person.id
            elif to is Decision.REVOKED and request.person_id is not None:
                admitted = await session.get(Person, request.person_id)
                if admitted is not None:
                    admitted.active = False
                    admitted.token_version += 1
            audit.record(
                session,
                actor,
                f"observer.{to.value}",
                f"observer_request:{request_id}",
                group_id=group_id,
                meeting=meeting_ref,
                note=note,
                organization=request.organization,
            )
            result = schemas.ObserverRequest.of(request)
        if to is Decision.REVOKED and request.person_id is not None:
            await self._groups.notify(AccessChange(request.person_id))
        return result
