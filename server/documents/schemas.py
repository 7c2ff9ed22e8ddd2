"""Request and response models of the documents API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from server.contract.types import Model


class DocumentInfo(Model):
    name: str
    created_at: datetime
    pending_updates: int = Field(description="updates in the log since the last compaction")
    snapshot_bytes: int
    live: bool = Field(description="loaded in this process right now")


class DocumentList(Model):
    documents: list[DocumentInfo]


class Paragraph(Model):
    id: str | None
    label: str | None
    section: str | None
    kind: str | None
    sequence: str | None
    proposer: str | None
    text: str = Field(description="square brackets mark language not agreed")


class DocumentMeta(Model):
    title: str | None
    kind: str | None
    session: str | None


class DocumentContent(Model):
    meta: DocumentMeta
    paragraphs: list[Paragraph]

    @classmethod
    def of(cls, plain: dict[str, Any]) -> DocumentContent:
        """From ``crdt.schema.to_plain``: values clients wrote are shown as text."""

        def text(value: Any) -> str | None:
            return None if value is None else str(value)

        return cls.model_validate(
            {
                "meta": {k: text(v) for k, v in plain["meta"].items()},
                "paragraphs": [
                    {k: str(v) if k == "text" else text(v) for k, v in p.items()}
                    for p in plain["paragraphs"]
                ],
            }
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
