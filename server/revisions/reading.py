"""Reading a version's stored state (pure, no I/O): the document it holds, its
paragraphs and opinions as the API shows them, one paragraph's text; a version's
summary and detail from its row."""

from __future__ import annotations

from typing import Any

import pycrdt

from crdt import schema, updates
from server.revisions import schemas
from server.sessions.models import DocumentVersion


def read_doc(state: bytes) -> pycrdt.Doc[Any]:
    """A document holding ``state``, read as model v2 (a v1 version is upgraded in
    this copy only, as the room manager reads a stored v1 document)."""
    doc = updates.doc_from_updates([state])
    if schema.is_v1(doc):
        schema.upgrade_v1(doc)
    return doc


def paragraph_in(state: bytes, paragraph_id: str) -> tuple[schema.Paragraph, str] | None:
    """A paragraph's record and text in ``state``; None if it has no such paragraph."""
    doc = read_doc(state)
    if not schema.has_paragraph(doc, paragraph_id):
        return None
    return schema.get_paragraph(doc, paragraph_id), str(schema.text_root(doc, paragraph_id))


def detail(row: DocumentVersion) -> schemas.VersionDetail:
    """A version in full: every paragraph (deleted ones too) in order, the opinions."""
    doc = read_doc(row.state)
    meta = schema.document_meta(doc)
    paragraphs = [
        schemas.VersionParagraph(
            id=p.id,
            label=p.label,
            section=p.section,  # type: ignore[arg-type]
            kind=p.kind,  # type: ignore[arg-type]
            sequence=p.sequence,  # type: ignore[arg-type]
            status=p.status,  # type: ignore[arg-type]
            proposers=list(p.proposers),
            supporters=list(p.supporters),
            text=str(schema.text_root(doc, p.id)),
            position=i,
        )
        for i, p in enumerate(schema.paragraph_records(doc), start=1)
    ]
    opinions = [
        schemas.VersionOpinion(id=o.id, **o.to_record()) for o in schema.opinion_records(doc)
    ]
    return schemas.VersionDetail(
        **_row_fields(row),
        version_kind=row.kind,  # type: ignore[arg-type]
        title=meta["title"],
        kind=meta["kind"],
        paragraphs=paragraphs,
        opinions=opinions,
    )


def summary(row: DocumentVersion) -> schemas.VersionSummary:
    """A version as a list shows it (no decoding: the row's own columns)."""
    return schemas.VersionSummary(
        **_row_fields(row),
        kind=row.kind,  # type: ignore[arg-type]
        paragraphs=row.paragraphs,
    )


def _row_fields(row: DocumentVersion) -> dict[str, Any]:
    """What a version's summary and its detail both take from its row."""
    return {
        "number": row.number,
        "label": row.label,
        "session_id": row.session_id,
        "created_by": row.created_by,
        "created_at": row.created_at,
        "bytes": len(row.state),
    }
