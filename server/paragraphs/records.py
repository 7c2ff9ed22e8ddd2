"""The governed state and its history as the API shows them (documents, decisions,
proposals), read from a document and from the governance tables."""

from __future__ import annotations

from typing import Any

import pycrdt

from crdt import schema
from server.paragraphs import schemas
from server.paragraphs.models import ParagraphDecision, StatusProposal


def paragraph_state(doc: pycrdt.Doc[Any], para: schema.Paragraph) -> schemas.ParagraphState:
    """A paragraph's governed record and its bracket count (no text)."""
    return schemas.ParagraphState.model_validate(_fields(doc, para)[0])


def paragraph(doc: pycrdt.Doc[Any], para: schema.Paragraph) -> schemas.Paragraph:
    fields, text = _fields(doc, para)
    return schemas.Paragraph.model_validate({**fields, "text": text})


def _fields(doc: pycrdt.Doc[Any], para: schema.Paragraph) -> tuple[dict[str, Any], str]:
    text = str(schema.text_root(doc, para.id))
    count, unbalanced = schema.bracket_count(text)
    fields = {
        "id": para.id,
        **para.to_record(),
        "locked": para.locked,
        "brackets": {"count": count, "unbalanced": unbalanced},
    }
    return fields, text


def meta(doc: pycrdt.Doc[Any]) -> schemas.DocumentMeta:
    return schemas.DocumentMeta.model_validate(schema.document_meta(doc))


def opinion(op: schema.Opinion) -> schemas.Opinion:
    return schemas.Opinion.model_validate({"id": op.id, **op.to_record()})


def brackets(paragraphs: list[schemas.Paragraph]) -> schemas.DocumentBrackets:
    """Bracket counts of the document and per section (deleted paragraphs left out)."""
    sections: dict[str, int] = {}
    count = unbalanced = 0
    for p in paragraphs:
        if p.status == "deleted":
            continue
        count += p.brackets.count
        unbalanced += p.brackets.unbalanced
        sections[p.section] = sections.get(p.section, 0) + p.brackets.count
    return schemas.DocumentBrackets(count=count, unbalanced=unbalanced, sections=sections)


def person(person_id: int | None, name: str | None, delegation: str | None) -> schemas.PersonRef:
    return schemas.PersonRef(person_id=person_id, name=name or "", delegation=delegation)


def decision(row: ParagraphDecision) -> schemas.ParagraphDecision:
    return schemas.ParagraphDecision(
        id=row.id,
        paragraph=row.paragraph_id,
        action=row.action,  # type: ignore[arg-type]
        before=row.before,
        after=row.after,
        by=person(row.person_id, row.name, row.delegation),
        session=row.session_id,
        proposal=row.proposal_id,
        at=row.at,
    )


def proposal(row: StatusProposal) -> schemas.StatusProposal:
    decided = row.decided_by_name is not None
    return schemas.StatusProposal(
        id=row.id,
        paragraph=row.paragraph_id,
        status=row.status,
        reason=row.reason,
        proposer=person(row.proposer_person_id, row.proposer_name, row.proposer_delegation),
        state=row.state,  # type: ignore[arg-type]
        created_at=row.created_at,
        decided_by=person(row.decided_by, row.decided_by_name, None) if decided else None,
        decided_at=row.decided_at,
        session=row.session_id,
        note=row.note,
    )
