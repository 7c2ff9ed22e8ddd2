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
                "meta": {k: text(plain["meta"].get(k)) for k in ("title", "kind", "session")},
                # Model v2 (until v2-gov's full Paragraph): the v1 fields it still has.
                "paragraphs": [
                    {
                        **{k: text(p.get(k)) for k in ("id", "label", "section", "kind")},
                        "sequence": text(p.get("sequence")),
                        "proposer": ", ".join(p.get("proposers") or []),
                        "text": str(p.get("text", "")),
                    }
                    for p in plain["paragraphs"]
                ],
            }
        )
