"""The demo's questionnaire: the WGEC's 18 questions of its 1st meeting (the stakeholder
question first, comments and additional topics last, the others grouped A-E as the
2nd meeting grouped them), published with a deadline in the group's zone
(Europe/Zurich: Geneva's), extended by decision to 17 September 2013, and answered by
respondents of every stakeholder group (one after the deadline).

Through the service, as the operator (validated, audited); idempotent: a group that
already has the questionnaire is left as it is. Wording follows the seed deck's
style; respondents and their answers are illustrative.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pycrdt

from crdt import schema
from crdt.schema import ParagraphSpec
from server.groups.operator import Operator, validated
from server.groups.schemas import GroupUpdate
from server.questionnaires import drafts, schemas
from server.questionnaires.facade import Questionnaires
from server.ratelimit import RateLimiter
from server.rooms.manager import RoomManager

TITLE = "WGEC questionnaire on enhanced cooperation"
ZONE = "Europe/Zurich"  # Geneva keeps Zurich's time (IANA has no Europe/Geneva)
DEADLINE = "2013-08-31T23:59"
EXTENDED = "2013-09-17T23:59"
DECISION = "Extended to 17 September 2013 at the request of the Working Group (Chair's letter)"

# (grouping, question) for questions 2-17; 1 is the stakeholder question, 18 comments.
QUESTIONS = (
    ("A", "What is your understanding of enhanced cooperation in the context of the Tunis Agenda?"),
    ("A", "What is the current status of the implementation of enhanced cooperation?"),
    ("B", "What are the relevant international public policy issues pertaining to the Internet?"),
    ("C", "What are the roles and responsibilities of the different stakeholders, including "
          "governments, in implementing the various aspects of enhanced cooperation?"),
    ("C", "How should enhanced cooperation enable governments, on an equal footing, to carry "
          "out their roles and responsibilities?"),
    ("C", "How can the private sector, civil society and the technical community contribute, "
          "in their respective roles?"),
    ("B", "What are the most appropriate mechanisms to fully implement enhanced cooperation?"),
    ("B", "Which existing mechanisms already address these public policy issues, and where "
          "are the gaps?"),
    ("D", "How can developing countries participate meaningfully in enhanced cooperation?"),
    ("E", "What are the barriers to the participation of stakeholders in enhanced cooperation?"),
    ("E", "How can remote participation, transcripts and streaming reduce those barriers?"),
    ("E", "How can information about enhanced cooperation be made accessible in all languages?"),
    ("C", "How should intergovernmental organizations take part in enhanced cooperation?"),
    ("D", "What capacity building is needed for developing countries, and how should it be "
          "funded?"),
    ("E", "What prevents small organizations from following international Internet policy "
          "processes?"),
    ("C", "How should the outcomes of enhanced cooperation relate to the IGF?"),
)  # fmt: skip

STANCE = {
    "government": "Governments should be able, on an equal footing, to carry out their roles "
    "in international public policy issues pertaining to the Internet.",
    "civil_society": "Enhanced cooperation must be open, transparent and inclusive of all "
    "stakeholders, with human rights at its core.",
    "business": "Existing multistakeholder arrangements work; new bodies would add cost "
    "without adding value.",
    "technical_academic": "The technical community's bottom-up processes already coordinate "
    "critical Internet resources openly.",
    "international_organization": "Existing intergovernmental organizations can host "
    "enhanced cooperation within their mandates.",
}
TOPIC = {
    3: "Implementation has been uneven since 2005; no single process reports on it.",
    4: "Spam, cybersecurity, privacy, the allocation of domain names and capacity building.",
    8: "A mapping of existing mechanisms against the public policy issues is needed first.",
    9: "ICANN, the ITU, UNESCO, the OECD and the IGF each cover part of the issues.",
    10: "Funding for travel and fellowships, and meetings outside Geneva and New York.",
    11: "The cost of travel, language, and the volume of documents in English only.",
    12: "Real-time transcripts and remote participation opened the WSIS process to many.",
    16: "Small organizations lack staff to follow several processes at once.",
    18: "The Working Group should publish all contributions and an analysis of them.",
}
# (stakeholder, organisation, country, days after 1 August 2013)
RESPONDENTS = (
    ("government", "Ministry of Communications", "Brazil", 10),
    ("government", "Department of Telecommunications", "India", 20),
    ("government", "Federal Office of Communications", "Switzerland", 25),
    ("government", "Ministry of Communications and IT", "Egypt", 40),
    ("civil_society", "Association for Progressive Communications", "South Africa", 12),
    ("civil_society", "IT for Change", "India", 30),
    ("civil_society", "Youth IG Network", "Kenya", 48),  # after the extended deadline
    ("business", "International Chamber of Commerce (ICC BASIS)", "France", 28),
    ("business", "GSM Association", "United Kingdom", 33),
    ("technical_academic", "Internet Society", "Switzerland", 31),
    ("technical_academic", "Regional Internet Registries (NRO)", "Uruguay", 45),
    ("international_organization", "UNESCO", "France", 38),
)


def _draft(doc: pycrdt.Doc[Any]) -> None:
    """Questions 2-17 between the stakeholder and the comments questions."""
    first = next(p for p in schema.paragraph_records(doc) if p.label == drafts.STAKEHOLDER_LABEL)
    after = first.id
    for number, (grouping, words) in enumerate(QUESTIONS, 2):
        after = schema.add_paragraph(
            doc, ParagraphSpec(f"Q{number}", grouping, "text", words), after=after
        )


def _answers(stakeholder: str, organisation: str, i: int) -> dict[int, str]:
    answers = {2: f"{STANCE[stakeholder]} ({organisation})"}
    for number, text in TOPIC.items():
        if (number + i) % 3:  # each respondent answers most, not all, questions
            answers[number] = text
    answers[6] = STANCE[stakeholder]
    return answers


async def seed(op: Operator, group_id: int) -> int:
    """The demo questionnaire of group ``group_id`` (made if missing); its id."""
    actor = op.principal
    async with op.document_store() as store, RoomManager(store, op.settings, op.logger) as rooms:
        service = Questionnaires(
            op.sessions, rooms=rooms, logger=op.logger, secret=op.settings.secret_resolved(),
            limiter=RateLimiter(0, 0),
        )  # fmt: skip
        existing = await service.list(actor, group_id)
        for q in existing.questionnaires:
            if q.title == TITLE:
                return q.id
        await op.groups.update_group(actor, group_id, validated(GroupUpdate, time_zone=ZONE))
        made = await service.create(
            actor, group_id, validated(schemas.QuestionnaireCreate, title=TITLE)
        )
        await rooms.apply(made.draft_document, _draft)
        await service.publish(
            actor, made.id, validated(schemas.QuestionnairePublish, deadline=DEADLINE)
        )
        change = validated(schemas.DeadlineChange, deadline=EXTENDED, decision=DECISION)
        await service.extend(actor, made.id, change)
        start = datetime(2013, 8, 1, 9, 0, tzinfo=UTC)
        for i, (stakeholder, organisation, country, days) in enumerate(RESPONDENTS):
            when = start + timedelta(days=days, hours=i)
            service.clock = lambda when=when: when  # type: ignore[misc]
            who = {"name": "Focal point", "organisation": organisation, "country": country}
            texts = sorted(_answers(stakeholder, organisation, i).items())
            body = validated(
                schemas.ResponseIn,
                stakeholder=stakeholder,
                respondent=who,
                answers=[{"number": n, "text": t} for n, t in texts],
            )
            await service.respond(None, made.id, f"demo-{made.id}-{i:04d}", body, "demo")
        return made.id
