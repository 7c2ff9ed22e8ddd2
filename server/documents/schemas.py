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


class Author(Model):
    """Who wrote with one Yjs client id: every character it created is theirs."""

    client_id: int = Field(description="the Yjs client id (every character carries it)")
    person_id: int | None = Field(description="null: the server, or an operator token")
    name: str = Field(description='the person\'s name when first seen; "server" for the server')
    delegation: str | None = Field(description="the delegation or organisation they spoke for")
    colour: str = Field(description="the delegation's colour (#RRGGBB); grey for none")


class DelegationColour(Model):
    delegation: str
    colour: str = Field(description="#RRGGBB, distinct within the group until the palette wraps")


class DocumentAuthors(Model):
    """The map from Yjs client ids to people, kept across compactions, and the colours
    of the group's delegations (colour the text by delegation with it)."""

    authors: list[Author]
    delegations: list[DelegationColour]
