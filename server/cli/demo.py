"""``rollingtext demo``: a working group modelled on the seed deck, ready to open.

The CSTD Working Group on Enhanced Cooperation: five stakeholder groups with their
seat quotas, delegations, a Chair, the secretariat, members, a captioner, observer
requests decided by the group, public follow, and a rolling text in the agreed
report structure (introduction, methodology, groups A to E, conclusion) with
sequenced recommendations and bracketed (not agreed) language, plus the drafts of
the two breakout groups led by Brazil and India.

Everything goes through the services (so it is validated and audited). Seeding is
idempotent: if the group exists, whatever is missing (documents, their content) is
completed and fresh login links are issued. Delegation and organization names are
illustrative; people are named by function, not after real persons.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import select

from crdt import schema, updates
from crdt.schema import ParagraphSpec
from server.auth.tokens import Role
from server.errors import NotFound
from server.groups import schemas
from server.groups.operator import Operator, validated
from server.issuetable import demo as issue_demo
from server.paragraphs.models import ParagraphDecision, StatusProposal
from server.questionnaires import demo as questionnaire_demo
from server.storage.models import Document, utcnow

SLUG = "wgec-demo"
NAME = "CSTD Working Group on Enhanced Cooperation (demo)"
MANDATE = (
    "UNGA resolution A/RES/67/195 (2012) invites the Chair of the CSTD to establish a "
    "working group on enhanced cooperation to examine the mandate of WSIS regarding "
    "enhanced cooperation, through seeking, compiling and reviewing inputs from all "
    "Member States and all other stakeholders, and to make recommendations on how to "
    "fully implement this mandate. It reports to the CSTD at its 17th session."
)
SECOND_MEETING = "WGEC 2nd meeting, Geneva, 6-8 November 2013"
FOURTH_MEETING = "WGEC 4th meeting, Geneva, 30 April - 2 May 2014"
ROLLING = "wgec-rolling-text"
LOGIN_ROLES = (Role.CHAIR, Role.SECRETARIAT, Role.MEMBER, Role.OBSERVER, Role.CAPTIONER)

DELEGATIONS: dict[str, tuple[str, ...]] = {
    "member_states": (
        "Brazil",
        "India",
        "Egypt",
        "Saudi Arabia",
        "Sweden",
        "Switzerland",
        "United States of America",
        "China",
        "South Africa",
        "Mexico",
        "Japan",
        "Russian Federation",
    ),
    "civil_society": ("Association for Progressive Communications", "IT for Change"),
    "business": ("International Chamber of Commerce (ICC BASIS)", "GSM Association"),
    "academia_technical": ("Internet Society", "Regional Internet Registries (NRO)"),
    "international_organizations": ("ITU", "UNESCO", "OECD"),
}


@dataclass(frozen=True)
class ObserverSpec:
    organization: str
    ecosoc: str
    contact: str
    email: str
    justification: str
    decision: str | None = None  # approved | rejected | None (pending)
    note: str | None = None


OBSERVERS = (
    ObserverSpec(
        "Global Digital Rights Coalition",
        "special",
        "Observer, Global Digital Rights Coalition",
        "observer@digital-rights.example",
        "Works on human rights online in 40 countries; asks to follow the drafting of "
        "the recommendations on the role of stakeholders.",
        "approved",
        "Admitted by consensus; ECOSOC special consultative status.",
    ),
    ObserverSpec(
        "Domain Marketing Partners Ltd",
        "none",
        "Sales, Domain Marketing Partners",
        "sales@domain-marketing.example",
        "Would like to present our registrar services to delegations.",
        "rejected",
        "No ECOSOC status and no link to the mandate; invited to follow the public stream.",
    ),
    ObserverSpec(
        "Open Standards Alliance",
        "roster",
        "Liaison, Open Standards Alliance",
        "liaison@open-standards.example",
        "Develops Internet standards; can inform the mapping of existing mechanisms.",
    ),
    ObserverSpec(
        "Youth Internet Governance Network",
        "none",
        "Coordinator, Youth IG Network",
        "coordinator@youth-ig.example",
        "Represents young people from developing countries in IG processes.",
    ),
)


def _p(
    label: str,
    section: str,
    kind: str,
    text: str,
    sequence: str | None = None,
    proposer: str | None = None,
    status: str = schema.Status.DRAFT.value,
) -> ParagraphSpec:
    return ParagraphSpec(
        label, section, kind, text, sequence, (proposer,) if proposer else (), status=status
    )


ROLLING_TEXT = (
    _p("I", "intro", "heading", "Introduction"),
    _p(
        "PP1",
        "intro",
        "text",
        "The Working Group on Enhanced Cooperation was established by the Chair of the "
        "CSTD pursuant to General Assembly resolution 67/195 to examine the mandate of "
        "WSIS regarding enhanced cooperation and to make recommendations on how to fully "
        "implement this mandate.",
    ),
    _p("II", "method", "heading", "Description of the meetings and methodology"),
    _p(
        "PP2",
        "method",
        "statement",
        "The Working Group met four times in Geneva between May 2013 and May 2014. Its "
        "meetings were audio-recorded, streamed and transcribed in real time; observers "
        "participated in accordance with ECOSOC rules and with the agreement of the Group.",
    ),
    _p(
        "PP3",
        "method",
        "statement",
        "A questionnaire of 18 questions, prepared by two breakout groups led by Brazil and "
        "India and finalized in plenary, received 69 responses: 29 from Governments, 23 "
        "from civil society, 11 from the technical and academic community and 8 from "
        "business.",
    ),
    _p("A", "A", "heading", "A. Implementation of the Tunis Agenda"),
    _p(
        "OP1",
        "A",
        "recommendation",
        "Enhanced cooperation should enable governments, on an equal footing, to carry out "
        "their roles and responsibilities in international public policy issues pertaining "
        "to the Internet[, but not in the day-to-day technical and operational matters].",
        "what",
        "Brazil",
    ),
    _p(
        "OP2",
        "A",
        "recommendation",
        "[Existing mechanisms should be strengthened] [A new intergovernmental mechanism "
        "should be established] to take enhanced cooperation forward.",
        "how",
        "Saudi Arabia",
    ),
    _p("B", "B", "heading", "B. Public policy issues and possible mechanisms"),
    _p(
        "OP3",
        "B",
        "recommendation",
        "The public policy issues identified by the Working Group, such as the allocation "
        "of domain names, combating cybercrime and capacity building, should be mapped "
        "against existing mechanisms [in order to identify gaps].",
        "what",
        "India",
    ),
    _p(
        "OP3bis",
        "B",
        "recommendation",
        "The correspondence group should continue the mapping exercise [and make its "
        "results available to all stakeholders].",
        "how",
        "Sweden",
    ),
    _p("C", "C", "heading", "C. Role of stakeholders"),
    _p(
        "OP4",
        "C",
        "recommendation",
        "All stakeholders should be able to take part, in their respective roles, in "
        "enhanced cooperation, [including through remote participation].",
        "who",
        "Association for Progressive Communications",
    ),
    _p(
        "OP5",
        "C",
        "opinion",
        "Some members held that existing multistakeholder arrangements are sufficient; "
        "others held that a new body is needed.",
        None,
        "International Chamber of Commerce (ICC BASIS)",
    ),
    _p("D", "D", "heading", "D. Developing countries"),
    _p(
        "OP6",
        "D",
        "recommendation",
        "Capacity building should enable developing countries to participate meaningfully "
        "in Internet public policy making[, with dedicated and predictable funding].",
        "how",
        "Egypt",
    ),
    _p("E", "E", "heading", "E. Barriers to participation in enhanced cooperation"),
    _p(
        "OP7",
        "E",
        "recommendation",
        "Barriers to participation such as the cost of travel, language and access to "
        "information should be reduced through real-time transcripts, streaming and remote "
        "participation.",
        "who",
        "Internet Society",
    ),
    _p("III", "conclusion", "heading", "Conclusion"),
    _p(
        "PP4",
        "conclusion",
        "statement",
        "The Working Group recommends that [its work be continued] [the CSTD consider the "
        "matter further at its eighteenth session].",
        None,
        "Switzerland",
    ),
)


@dataclass(frozen=True)
class DocumentSpec:
    name: str
    title: str
    kind: str
    public: bool
    session: str
    paragraphs: tuple[ParagraphSpec, ...] = field(default=())


def _breakout(leader: str, topics: tuple[str, ...]) -> tuple[ParagraphSpec, ...]:
    return tuple(
        _p(f"Q{i}", "method", "text", topic, None, leader) for i, topic in enumerate(topics, 1)
    )


DOCUMENTS = (
    DocumentSpec(
        ROLLING,
        "WGEC rolling document: draft report and recommendations",
        "rolling",
        True,
        FOURTH_MEETING,
        ROLLING_TEXT,
    ),
    DocumentSpec(
        "wgec-breakout-brazil",
        "Breakout group 1, led by Brazil: categories of the questionnaire",
        "breakout",
        False,
        "WGEC 1st meeting, Geneva, 30-31 May 2013",
        _breakout(
            "Brazil",
            (
                "Which stakeholder group do you belong to?",
                "What is your understanding of enhanced cooperation [in the Tunis Agenda]?",
                "What public policy issues pertaining to the Internet [remain unaddressed]?",
            ),
        ),
    ),
    DocumentSpec(
        "wgec-breakout-india",
        "Breakout group 2, led by India: questions on developing countries and barriers",
        "breakout",
        False,
        "WGEC 1st meeting, Geneva, 30-31 May 2013",
        _breakout(
            "India",
            (
                "How can developing countries take part in enhanced cooperation?",
                "What are the barriers to participation [of all stakeholders]?",
                "Any other comments or topics?",
            ),
        ),
    ),
)


# The rolling text's negotiation so far (model v2): agreed language, a divergent view
# and a member's pending status proposal for the chair's queue.
AGREED = {"PP1": schema.Status.AGREED.value, "PP2": schema.Status.AGREED_AD_REF.value}
OPINION = (
    "OP3",
    "Divergent views to be included in report as opinions: some delegations consider a "
    "new intergovernmental mechanism unnecessary.",
    ("United States", "Sweden"),
)
PROPOSAL = ("OP1", schema.Status.AGREED.value, "Agreed in informal consultations.")


def build_content(spec: DocumentSpec) -> bytes:
    """The document's Yjs update: its metadata and paragraphs (crdt.schema, model v2),
    written server-side; the rolling text gets its statuses and its opinion."""
    doc = updates.new_doc()
    # The session is a link to a session row (none yet); the meeting stays in the title.
    schema.init_document(doc, title=spec.title, kind=spec.kind, session=None)
    for paragraph in spec.paragraphs:
        if spec.name == ROLLING and paragraph.label in AGREED:
            paragraph = replace(paragraph, status=AGREED[paragraph.label])
        pid = schema.add_paragraph(doc, paragraph)
        if spec.name == ROLLING and paragraph.label == OPINION[0]:
            schema.put_opinion(
                doc, schema.Opinion(schema.new_id(), OPINION[1], OPINION[2], paragraph=pid)
            )
    return doc.get_update()


async def _seed_governance(op: Operator, name: str, content: bytes) -> None:
    """The decisions behind the seeded statuses, and one pending proposal."""
    doc = updates.doc_from_updates([content])
    by_label = {p.label: p for p in schema.paragraph_records(doc)}
    proposer = (await op.people_by_role(await op.group_id(SLUG), Role.MEMBER))[0]
    async with op.sessions.begin() as db:
        doc_id = await db.scalar(select(Document.id).where(Document.name == name))
        assert doc_id is not None
        for label, status in AGREED.items():
            db.add(ParagraphDecision(
                document_id=doc_id, paragraph_id=by_label[label].id, action="status",
                before=schema.Status.DRAFT.value, after=status, name=op.principal.name,
                at=utcnow(),
            ))  # fmt: skip
        label, status, reason = PROPOSAL
        db.add(StatusProposal(
            document_id=doc_id, paragraph_id=by_label[label].id, status=status, reason=reason,
            proposer_person_id=proposer.id, proposer_name=proposer.name, state="pending",
            created_at=utcnow(),
        ))  # fmt: skip


async def _create_group(op: Operator) -> int:
    actor, groups = op.principal, op.groups
    new = validated(schemas.GroupCreate, slug=SLUG, name=NAME, mandate=MANDATE, public_follow=True)
    gid = (await groups.create_group(actor, new)).id

    async def person(name: str, role: Role, delegation_id: int | None = None) -> None:
        new = validated(schemas.PersonCreate, name=name, role=role, delegation_id=delegation_id)
        await groups.add_person(actor, gid, new)

    await person("Chair of the Working Group", Role.CHAIR)
    await person("CSTD secretariat (UNCTAD)", Role.SECRETARIAT)
    for stakeholder, names in DELEGATIONS.items():
        for name in names:
            seat = validated(schemas.DelegationCreate, name=name, stakeholder_group=stakeholder)
            delegation = await groups.add_delegation(actor, gid, seat)
            title = (
                f"Delegate of {name}"
                if stakeholder == "member_states"
                else f"Representative, {name}"
            )
            await person(title, Role.MEMBER, delegation.id)
    await person("Real-time captioner (CART)", Role.CAPTIONER)
    for spec in OBSERVERS:
        asked = validated(
            schemas.ObserverRequestCreate,
            organization=spec.organization,
            ecosoc_status=spec.ecosoc,
            contact_name=spec.contact,
            contact_email=spec.email,
            justification=spec.justification,
        )
        request = await op.observers.submit(gid, asked, submitted_by=actor.actor)
        if spec.decision is not None:
            decision = validated(
                schemas.ObserverDecision,
                decision=spec.decision,
                meeting=SECOND_MEETING,
                note=spec.note,
            )
            await op.observers.decide(actor, gid, request.id, decision)
    return gid


async def _ensure_documents(op: Operator, gid: int) -> list[schemas.GroupDocument]:
    existing = {d.name for d in await op.documents.list_documents(op.principal, gid)}
    async with op.document_store() as store:
        for spec in DOCUMENTS:
            if spec.name not in existing:
                new = validated(
                    schemas.GroupDocumentCreate,
                    name=spec.name,
                    title=spec.title,
                    kind=spec.kind,
                    public=spec.public,
                )
                await op.documents.create_document(op.principal, gid, new)
            stored = await store.load(spec.name)
            if stored is None or (stored.snapshot is None and not stored.updates):
                content = build_content(spec)
                await store.append(spec.name, content)
                if spec.name == ROLLING:
                    await _seed_governance(op, spec.name, content)
    return await op.documents.list_documents(op.principal, gid)


async def seed(op: Operator, *, base_url: str) -> dict[str, Any]:
    """Create (or complete) the demo group; return it with fresh login links per role."""
    try:
        gid = await op.group_id(SLUG)
        created = False
    except NotFound:
        gid = await _create_group(op)
        created = True
    documents = await _ensure_documents(op, gid)
    await questionnaire_demo.seed(op, gid)
    await issue_demo.seed(op, gid)
    links: dict[str, dict[str, Any]] = {}
    for role in LOGIN_ROLES:
        people = await op.people_by_role(gid, role)
        if not people:
            continue
        person = people[0]
        invitation = await op.invitations.issue_invitation(
            op.principal, gid, person.id, ttl_seconds=op.settings.invitation_ttl_seconds
        )
        links[role.value] = {
            "url": op.invitation_url(base_url, invitation.code),
            "person_id": person.id,
            "name": person.name,
            "invitation_id": invitation.id,
            "expires_at": invitation.expires_at.isoformat(),
        }
    ws_base = base_url.rstrip("/").replace("http", "ws", 1)
    return {
        "created": created,
        "group": await op.groups.get_group(op.principal, gid),
        "links": links,
        "follow": {
            "document": ROLLING,
            "websocket": f"{ws_base}/ws/{ROLLING}",
            "socketio_namespace": f"/yjs|{ROLLING}",
        },
        "documents": documents,
        "people": len(await op.groups.list_people(op.principal, gid)),
        "observer_requests": await op.observers.list(op.principal, gid),
    }
