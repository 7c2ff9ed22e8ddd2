"""Request and response models of questionnaires and responses (the issue-14 contract),
each constraint stated once: HTTP bodies and queries, the CLI and the OpenAPI document
use these."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from server.contract.types import Body, DocumentName, Model

MAX_ANSWER = 20_000  # characters of one answer
MAX_BODY = 512 * 1024  # bytes of one response's request body
MAX_ANSWERS = 100
MAX_DECISION = 2000
MAX_QUERY = 200

Stakeholder = Literal[
    "government",
    "civil_society",
    "business",
    "technical_academic",
    "international_organization",
    "other",
]
STAKEHOLDERS: tuple[str, ...] = Stakeholder.__args__  # type: ignore[attr-defined]
STAKEHOLDER_LABELS = {
    "government": "Government",
    "civil_society": "Civil Society",
    "business": "Business",
    "technical_academic": "Technical & Academic",
    "international_organization": "International Organization",
    "other": "Other",
}
Grouping = Literal["A", "B", "C", "D", "E"]
QuestionKind = Literal["stakeholder", "text", "comments"]
QuestionnaireState = Literal["draft", "published", "closed"]
ResponseState = Literal["draft", "submitted"]

_LOCAL = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$")


def _local(value: str) -> str:
    if not _LOCAL.match(value):
        raise ValueError("a local date and time YYYY-MM-DDTHH:MM (the group's time zone)")
    try:
        datetime.strptime(value, "%Y-%m-%dT%H:%M")
    except ValueError as exc:
        raise ValueError(f"not a date and time: {value}") from exc
    return value


LocalDeadline = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=16),
    AfterValidator(_local),
    Field(description="local date-time YYYY-MM-DDTHH:MM in the group's time zone",
          examples=["2013-09-17T23:59"]),
]  # fmt: skip
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Decision = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_DECISION)
]
AnswerText = Annotated[str, StringConstraints(max_length=MAX_ANSWER)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
QuestionNumber = Annotated[int, Field(ge=1, le=MAX_ANSWERS)]


# -- requests -------------------------------------------------------------------------


class QuestionnaireCreate(Body):
    title: Title


class QuestionnaireImport(Body):
    """Copy question paragraphs of a (breakout) draft into the questionnaire's draft,
    before its comments question, in the order given."""

    document: DocumentName
    paragraph_ids: list[Annotated[str, StringConstraints(min_length=1, max_length=64)]] = Field(
        min_length=1, max_length=MAX_ANSWERS
    )


class QuestionnairePublish(Body):
    deadline: LocalDeadline


class DeadlineChange(Body):
    deadline: LocalDeadline
    decision: Decision = Field(description="the decision behind it, e.g. the meeting's")


class QuestionUpdate(Body):
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                           max_length=MAX_ANSWER)] | None = None  # fmt: skip
    grouping: Grouping | None = None
    ungrouped: bool = Field(default=False, description="remove the question's grouping")


class Respondent(Body):
    name: Short = ""
    organisation: Short = ""
    country: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] = ""


class AnswerIn(Body):
    number: QuestionNumber
    text: AnswerText


class ResponseIn(Body):
    """A response: the stakeholder question first, then plain-text answers by number.
    ``submit`` false saves a draft (its private link comes back in the receipt)."""

    stakeholder: Stakeholder
    respondent: Respondent = Field(default_factory=Respondent)
    answers: list[AnswerIn] = Field(default_factory=list, max_length=MAX_ANSWERS)
    submit: bool = True


class ResponsesQuery(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    stakeholder: Stakeholder | None = None
    grouping: Grouping | None = None
    late: bool | None = None
    q: Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_QUERY)] | None = None


class SearchQuery(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    q: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_QUERY)]
    limit: int = Field(default=200, ge=1, le=1000)


ExportView = Literal["by-respondent", "by-question", "distribution"]
ExportFormat = Literal["md", "html", "csv", "docx"]


class ExportQuery(ResponsesQuery):
    view: ExportView = "by-question"
    format: ExportFormat = "md"


# -- responses ------------------------------------------------------------------------


class Question(Model):
    number: int
    kind: QuestionKind
    text: str
    grouping: Grouping | None


class Questionnaire(Model):
    id: int
    group_id: int
    title: str
    draft_document: str
    state: QuestionnaireState
    deadline: str | None = Field(description="local YYYY-MM-DDTHH:MM in time_zone")
    deadline_utc: datetime | None
    time_zone: str
    version: int = Field(description="the published version (0: never published)")
    questions: list[Question] = Field(
        description="the published version's; while a draft, the draft document's now"
    )
    frozen: bool = Field(description="a response exists: wording changes need a new version")
    responses: int = Field(description="submitted responses")


class QuestionnaireList(Model):
    questionnaires: list[Questionnaire]


class DeadlineExtension(Model):
    old: str | None
    old_utc: datetime | None
    new: str
    new_utc: datetime
    decision: str
    by: str
    at: datetime


class ExtensionList(Model):
    extensions: list[DeadlineExtension]


class ResponseReceipt(Model):
    id: int
    state: ResponseState
    late: bool
    draft_token: str = Field(description="secret of the private draft link; keep it")
    submitted_at: datetime | None
    version: int


class RespondentOut(Model):
    name: str
    organisation: str
    country: str


class AnswerOut(Model):
    number: int
    text: str


class DraftResponse(Model):
    """A respondent's saved response, read back through the private link."""

    id: int
    questionnaire_id: int
    version: int
    state: ResponseState
    stakeholder: Stakeholder
    respondent: RespondentOut
    answers: list[AnswerOut]
    late: bool
    submitted_at: datetime | None


class ResponseOut(Model):
    id: int
    version: int
    stakeholder: Stakeholder
    respondent: RespondentOut
    submitted_at: datetime
    late: bool
    answers: list[AnswerOut]


class ResponseList(Model):
    responses: list[ResponseOut]
    total: int


class QuestionAnswer(Model):
    response_id: int
    stakeholder: Stakeholder
    respondent: RespondentOut
    late: bool
    text: str


class QuestionAnswers(Model):
    number: int
    kind: QuestionKind
    text: str
    grouping: Grouping | None
    answers: list[QuestionAnswer]


class ByQuestion(Model):
    version: int
    questions: list[QuestionAnswers]


class Counts(Model):
    total: int
    on_time: int
    late: int


class Distribution(Model):
    total: int
    on_time: int
    late: int
    by_stakeholder: dict[str, Counts]


class SearchHit(Model):
    response_id: int
    number: int
    stakeholder: Stakeholder
    snippet: str


class SearchResult(Model):
    q: str
    hits: list[SearchHit]
    total: int


class QuestionnaireFigures(Model):
    """For the report (issue 13): respondents per stakeholder group, late ones apart."""

    questionnaire_id: int
    title: str
    deadline: str | None
    distribution: Distribution
