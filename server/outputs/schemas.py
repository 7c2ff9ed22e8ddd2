"""The export's request (its query), stated once: the route, its OpenAPI entry and
the CLI validate with it."""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from server.outputs.parts import Part
from server.validation import MAX_ID

Format = Literal["md", "html", "docx"]
FORMATS: tuple[str, ...] = get_args(Format)
Disposition = Literal["attachment", "inline"]
MEDIA_TYPES = {
    "md": "text/markdown",
    "html": "text/html",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


class ExportQuery(BaseModel):
    """``?format=md|html|docx&part=...&version=N&disposition=attachment|inline``; an
    unknown parameter is refused (a misspelt ``versoin`` must not silently export the
    current text). ``token`` is a credential (the "query" security scheme, for download
    links), not a parameter."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _without_credentials(cls, data: Any) -> Any:
        if isinstance(data, dict) and "token" in data:
            return {key: value for key, value in data.items() if key != "token"}
        return data

    format: Annotated[Format, Field(description="md (Markdown), html (printable) or docx (Word)")]
    part: Annotated[
        Part,
        Field(
            description="the report in the agreed structure, one of the four compilations, "
            "or the status table (groups A-E by status)"
        ),
    ] = "report"
    version: Annotated[
        int | None,
        Field(ge=1, le=MAX_ID, description="the version's number; omitted: the current text"),
    ] = None
    disposition: Annotated[
        Disposition,
        Field(
            description="attachment (a download) or inline (shown in the browser: the "
            "printable HTML page opened in a tab, under the same strict policy)"
        ),
    ] = "attachment"
