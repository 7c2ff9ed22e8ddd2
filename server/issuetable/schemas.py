"""The issue table's request and response models: the one contract of its routes, CLI
and live events (constraints stated once)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator

from server.contract.types import Body, DocumentName, Id, Model

Grouping = Literal["A", "B", "C", "D", "E"]
ItemNumber = Annotated[int, Field(ge=1, le=1_000_000, strict=True)]
IssueText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
Short = Annotated[str, Field(max_length=200)]
Long = Annotated[str, Field(max_length=8000)]
Quote = Annotated[str, Field(min_length=1, max_length=4000)]
Context = Annotated[str, Field(max_length=400)]
ParagraphId = Annotated[str, Field(min_length=1, max_length=64)]


class SourceIn(Body):
    """A passage of one answer: TextQuoteSelector (``exact`` with a little context)."""

    response_id: Id
    question: Annotated[int, Field(ge=1, le=200, strict=True)]
    exact: Quote
    prefix: Context = ""
    suffix: Context = ""


class IssueCreate(Body):
    issue: IssueText
    category: Short = ""
    grouping: Grouping | None = None
    activities: Long = ""
    status: Short = ""
    source: SourceIn | None = None


class IssuePatch(Body):
    """Changed fields only, and the revision the change was made on."""

    revision: Annotated[int, Field(ge=1, strict=True)]
    issue: IssueText | None = None
    category: Short | None = None
    grouping: Grouping | None = None
    # ``grouping: null`` is ambiguous with "unchanged": say it with this flag.
    clear_grouping: bool = False
    activities: Long | None = None
    status: Short | None = None


class SourceAdd(Body):
    source: SourceIn


class IssueMerge(Body):
    into: ItemNumber
    items: Annotated[list[ItemNumber], Field(min_length=1, max_length=500)]


class CitationIn(Body):
    document: DocumentName
    paragraph_id: ParagraphId


class IssueQuery(Body):
    grouping: Grouping | None = None
    q: Annotated[str, Field(max_length=200)] | None = None
    include_merged: bool = False

    @field_validator("grouping", "q", mode="before")
    @classmethod
    def _empty_is_absent(cls, value: object) -> object:
        return None if value == "" else value  # ``?grouping=&q=`` from a form: no filter


class ExportQuery(Body):
    format: Literal["md", "html", "csv", "docx"] = "md"
    include_merged: bool = False


class IssueSource(Model):
    id: int
    item: int = Field(description="number of the item that owns this source row")
    response_id: int
    question: int
    exact: str
    prefix: str
    suffix: str
    start: int
    end: int


class Citation(Model):
    document: str
    paragraph_id: str
    label: str


class IssueItem(Model):
    number: int
    issue: str
    category: str
    grouping: Grouping | None
    activities: str
    status: str
    merged_into: int | None
    merged_from: list[int] = Field(description="numbers merged directly into this one")
    sources: list[IssueSource] = Field(description="its own and every merged item's, recursively")
    citations: list[Citation]
    revision: int
    created_by: str
    created_at: datetime


class IssueCounts(Model):
    items: int
    merged: int
    remaining: int


class IssueTable(Model):
    group_id: int
    items: list[IssueItem]
    counts: IssueCounts


class ParagraphCitations(Model):
    paragraph_id: str
    label: str
    items: list[int]


class DocumentCitations(Model):
    document: str
    group_id: int
    paragraphs: list[ParagraphCitations]
