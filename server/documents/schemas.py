"""Request and response models of the documents API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pycrdt
from pydantic import Field

from crdt import schema
from server.contract.types import Model
from server.paragraphs import records
from server.paragraphs.schemas import DocumentBrackets, DocumentMeta, Opinion, Paragraph


class DocumentInfo(Model):
    name: str
    created_at: datetime
    pending_updates: int = Field(description="updates in the log since the last compaction")
    snapshot_bytes: int
    live: bool = Field(description="loaded in this process right now")


class DocumentList(Model):
    documents: list[DocumentInfo]


class DocumentContent(Model):
    """The rolling text, model v2: governed metadata, paragraphs in order (deleted ones
    too, their status says so), opinions and bracket counts."""

    meta: DocumentMeta
    paragraphs: list[Paragraph]
    opinions: list[Opinion]
    brackets: DocumentBrackets

    @classmethod
    def of(cls, doc: pycrdt.Doc[Any]) -> DocumentContent:
        paragraphs = [records.paragraph(doc, p) for p in schema.paragraph_records(doc)]
        return cls(
            meta=records.meta(doc),
            paragraphs=paragraphs,
            opinions=[records.opinion(o) for o in schema.opinion_records(doc)],
            brackets=records.brackets(paragraphs),
        )
