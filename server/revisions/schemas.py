"""Request and response models of revisions (issue 13): numbered versions of a
document, a version read back in full, the diff of two versions, and restoring a
paragraph from a version. Each constraint is stated once: HTTP bodies and queries,
the CLI and the OpenAPI document all use these."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from server.contract.types import Body, Model
from server.paragraphs.schemas import DocumentKind, ParagraphKind, Section, Sequence, Status

VersionKind = Literal["issued", "session_end"]
SegmentOp = Literal["equal", "insert", "delete"]
Change = Literal[
    "added", "deleted", "restored", "moved", "text", "status", "label", "section", "kind",
    "sequence", "proposers", "supporters",
]  # fmt: skip
MAX_NUMBER = 2**31 - 1

Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
ParagraphId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
Number = Annotated[int, Field(ge=1, le=MAX_NUMBER)]


# -- requests -------------------------------------------------------------------------


class VersionCreate(Body):
    """Issue a version of the document as it is now (e.g. "Rev.2")."""

    label: Label


class ParagraphRestore(Body):
    """The paragraph whose text (and deletion) to bring back from the version."""

    paragraph_id: ParagraphId = Field(description="a paragraph id")


class DiffQuery(BaseModel):
    """``from`` and ``to`` are version numbers; ``to`` omitted: now; ``from`` omitted:
    the version before ``to`` (before now: the latest)."""

    model_config = ConfigDict(frozen=True, extra="ignore", validate_by_name=True)

    from_: Number | None = Field(default=None, alias="from", description="the older version")
    to: Number | None = Field(default=None, description="the newer version; omitted: now")
    changed_only: bool = Field(default=False, description="leave out unchanged paragraphs")


# -- responses ------------------------------------------------------------------------


class VersionSummary(Model):
    number: int = Field(description="1, 2, 3... per document")
    label: str
    kind: VersionKind
    session_id: int | None
    created_by: str
    created_at: datetime
    bytes: int = Field(description="size of the frozen Yjs update")
    paragraphs: int = Field(description="paragraphs not deleted at that moment")


class VersionList(Model):
    versions: list[VersionSummary]


class VersionParagraph(Model):
    id: str
    label: str
    section: Section
    kind: ParagraphKind
    sequence: Sequence
    status: Status
    proposers: list[str]
    supporters: list[str]
    text: str
    position: int = Field(description="place in document order, from 1 (deleted ones counted)")


class VersionOpinion(Model):
    id: str
    text: str
    delegations: list[str]
    paragraph: str
    section: str


class VersionDetail(Model):
    """A version read back in full, exactly as the document was when it was made.
    ``kind`` is the document's kind here; the version's own is ``version_kind``."""

    number: int
    label: str
    version_kind: VersionKind
    session_id: int | None
    created_by: str
    created_at: datetime
    bytes: int
    title: str
    kind: DocumentKind = Field(description="the document's kind (meta.kind)")
    paragraphs: list[VersionParagraph] = Field(
        description="every paragraph in document order, deleted ones included"
    )
    opinions: list[VersionOpinion]


class DiffSide(Model):
    number: int | None = Field(description="null: the document now")
    label: str
    created_at: datetime


class DiffSummary(Model):
    inserted: int = Field(description="characters inserted")
    deleted: int = Field(description="characters deleted")
    added: int
    removed: int
    restored: int
    moved: int
    status_changed: int
    changed: int = Field(description="paragraphs with any change")


class DiffAuthor(Model):
    person_id: int | None
    name: str
    delegation: str | None


class DiffSegment(Model):
    op: SegmentOp
    text: str
    author: DiffAuthor | None = Field(description="who inserted or deleted it; null for equal")


class DiffDecision(Model):
    action: str
    before: Any
    after: Any
    by: str
    delegation: str | None
    at: datetime
    session: int | None = None


class ParagraphDiff(Model):
    id: str
    label: str
    label_before: str | None
    section: str
    position_before: int | None
    position_after: int | None
    changes: list[Change]
    status_before: str | None
    status_after: str | None
    segments: list[DiffSegment]
    decisions: list[DiffDecision]


class DocumentDiff(Model):
    model_config = ConfigDict(serialize_by_alias=True, validate_by_name=True)

    document: str
    from_: DiffSide = Field(alias="from")
    to: DiffSide
    summary: DiffSummary
    paragraphs: list[ParagraphDiff]


class RestoreResult(Model):
    paragraph_id: str
    version: int
    status: str = Field(description="the paragraph's status now")


# -- what other domains use -------------------------------------------------------------


@dataclass(frozen=True)
class VersionState:
    """A version's (or now's) full Yjs state, for exports and diffs."""

    number: int | None  # None: the document now
    label: str
    created_at: datetime
    state: bytes
    # The group's context frozen with the version (``server.outputs.context``), as JSON;
    # None for now, and for versions made before it was kept.
    context: dict[str, Any] | None = None
