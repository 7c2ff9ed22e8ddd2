"""The demo's issue table and correspondence group, from the demo questionnaire's answers.

Items are drawn from passages of the submitted answers (the seed's results table
starts "Allocation of domain names", "Combating cybercrime", "Capacity building for
IG"); the same issue quoted by several respondents is merged into one row that keeps
every source. A correspondence group (terms of reference, a chair, members, a
deadline) starts the mapping exercise with a few of its 24 areas. Through the
services, as the operator (validated, audited); idempotent: a group that has an
issue table already is left as it is.
"""

from __future__ import annotations

from sqlalchemy import select

from server.auth.tokens import Role
from server.correspondence import schemas as cs
from server.correspondence.service import CorrespondenceService
from server.groups.operator import Operator, validated
from server.issuetable import schemas
from server.issuetable.answers import submitted_answer
from server.issuetable.live import GroupLive
from server.issuetable.service import IssueTableService
from server.live.hub import LiveHub
from server.questionnaires.models import Answer, Questionnaire, Response

# (passage looked for in the answers, issue, category, status)
ISSUES = (
    ("allocation of domain names", "Allocation of domain names", "Critical Internet Resources",
     "existing mechanism"),
    ("cybersecurity", "Combating cybercrime", "Cybercrime", "gap"),
    ("capacity building", "Capacity building for IG", "Capacity building", "gap"),
    ("Spam", "Spam", "Security", "existing mechanism"),
    ("privacy", "Protection of privacy and personal data", "Human rights", "gap"),
    ("human rights", "Human rights online", "Human rights", "existing mechanism"),
    ("equal footing", "Roles of governments on an equal footing", "Roles", "gap"),
    ("remote participation", "Remote participation", "Participation", "existing mechanism"),
    ("language", "Multilingualism", "Access", "gap"),
)  # fmt: skip
PER_ISSUE = 3  # passages quoted per issue, merged into its first item
AREAS = (
    ("Allocation of domain names", "ICANN, ccTLD registries", "Oversight of the root zone"),
    ("Cybercrime", "Budapest Convention, UNODC", "No universal instrument"),
    ("Spam", "OECD toolkit, London Action Plan", "Developing countries' enforcement"),
    ("Capacity building", "ITU-D, IGF, regional IGFs", "Sustained funding"),
    ("Data protection", "OECD guidelines, Council of Europe Convention 108", "Cross-border"),
)


async def seed(op: Operator, group_id: int) -> None:
    """The demo issue table and correspondence group of ``group_id`` (made if missing)."""
    actor = op.principal
    live = GroupLive(LiveHub(op.logger))  # nobody follows the demo's seeding live
    issues = IssueTableService(op.sessions, live, op.logger, submitted_answer)
    existing = await issues.table(actor, group_id, schemas.IssueQuery(include_merged=True))
    if existing.items:
        return
    async with op.sessions() as db:
        answers = (
            await db.execute(
                select(Answer.response_id, Answer.number, Answer.text)
                .join(Response, Response.id == Answer.response_id)
                .join(Questionnaire, Questionnaire.id == Response.questionnaire_id)
                .where(Questionnaire.group_id == group_id, Response.state == "submitted")
                .order_by(Answer.response_id, Answer.number)
            )
        ).all()
    bodies: list[schemas.IssueCreate] = []
    rows: list[int] = []  # the ISSUES index of each body
    for index, (passage, issue, category, status) in enumerate(ISSUES):
        found = [(r, n) for r, n, text in answers if passage in text][:PER_ISSUE]
        for response_id, number in found:
            source = {"response_id": response_id, "question": number, "exact": passage}
            bodies.append(validated(
                schemas.IssueCreate, issue=issue, category=category, status=status,
                source=source,
            ))  # fmt: skip
            rows.append(index)
    made = await issues.create_many(actor, group_id, bodies)
    firsts: dict[int, int] = {}
    for index, item in zip(rows, made, strict=True):
        if index not in firsts:
            firsts[index] = item.number
        else:
            merge = schemas.IssueMerge(into=firsts[index], items=[item.number])
            await issues.merge(actor, group_id, merge)
    await _correspondence(op, live, group_id)


async def _correspondence(op: Operator, live: GroupLive, group_id: int) -> None:
    actor = op.principal
    service = CorrespondenceService(op.sessions, live, op.logger)
    members = await op.people_by_role(group_id, Role.MEMBER)
    chair = members[0].id if members else None
    body = validated(
        cs.CorrespondenceCreate,
        title="Mapping of international public policy issues pertaining to the Internet",
        chair_person_id=chair,
        deadline="2014-02-14",
        members=[m.id for m in members[:6]],
    )
    made = await service.create(actor, group_id, body)
    for area, mechanisms, gaps in AREAS:
        await service.add_area(
            actor, made.id,
            validated(cs.AreaCreate, area=area, mechanisms=mechanisms, gaps=gaps,
                      contributions="Contributions of the correspondence group's members"),
        )  # fmt: skip
