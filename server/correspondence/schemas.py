"""Correspondence groups' request and response models (tag "correspondence")."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from server.contract.types import Body, Id, Model

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Cell = Annotated[str, Field(max_length=8000)]
AreaText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class CorrespondenceCreate(Body):
    title: Title
    chair_person_id: Id | None = None
    deadline: Annotated[date, Field(strict=False)] | None = None
    members: Annotated[list[Id], Field(max_length=500)] = []


class CorrespondencePatch(Body):
    title: Title | None = None
    chair_person_id: Id | None = None
    deadline: Annotated[date, Field(strict=False)] | None = None
    meeting_id: Id | None = None


class AreaCreate(Body):
    area: AreaText
    mechanisms: Cell = ""
    gaps: Cell = ""
    contributions: Cell = ""


class AreaPatch(Body):
    revision: Annotated[int, Field(ge=1, strict=True)]
    area: AreaText | None = None
    mechanisms: Cell | None = None
    gaps: Cell | None = None
    contributions: Cell | None = None


class DocumentCreate(Body):
    role: Literal["report", "compilation"]
    meeting_id: Id | None = None


class PersonRef(Model):
    id: int
    name: str


class CorrespondenceGroup(Model):
    id: int
    group_id: int
    title: str
    terms_document: str
    chair: PersonRef | None
    members: list[PersonRef]
    deadline: date | None
    report_document: str | None
    compilation_document: str | None
    meeting_id: int | None
    revision: int
    created_at: datetime


class CorrespondenceList(Model):
    correspondence: list[CorrespondenceGroup]


class MappingArea(Model):
    id: int
    correspondence_id: int
    number: int
    area: str
    mechanisms: str
    gaps: str
    contributions: str
    revision: int
    updated_by: str
    updated_at: datetime


class AreaList(Model):
    correspondence_id: int
    areas: list[MappingArea]
