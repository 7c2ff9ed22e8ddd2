"""The route mechanism: one declaration validates input, shapes output and documents both.

A tiny API is served by a real aiohttp server on a free port and called over HTTP.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from openapi_spec_validator import validate

from server.app import error_middleware
from server.contract import Api, Call, validated
from server.contract.openapi import document
from server.contract.types import Body, Id, Model, Name, text
from server.edge.bodies import read_text
from server.errors import BadInput, Conflict
from server.validation import ValidationFailed

api = Api("examples")
CREATED: list[str] = []


class NoteCreate(Body):
    title: Name
    body: text(1000) | None = None  # type: ignore[valid-type]
    pinned: bool = False


class Note(Model):
    id: Id
    title: str
    pinned: bool


@api.post("/api/boards/{board}/notes", status=201, errors=(Conflict,), body_limit=2048)
async def create_note(call: Call, board: Id, body: NoteCreate) -> Note:
    """Pin a note to a board.

    Titles are unique per board."""
    if body.title in CREATED:
        raise Conflict("a note with that title exists")
    CREATED.append(body.title)
    return Note(id=board * 100 + len(CREATED), title=body.title, pinned=body.pinned)


class Line(Body):
    words: Name


class Lines(Body):
    lines: list[Line]


@api.post("/api/boards/{board}/lines", errors=(Conflict,))
async def add_lines(call: Call, board: Id, body: Lines) -> Note:
    """Add lines of a note."""
    return Note(id=board, title=" / ".join(line.words for line in body.lines), pinned=False)


TEXT = {"text/plain": {"schema": {"type": "string"}}}


@api.post("/api/boards/{board}/import", raw_body=TEXT, body_limit=64, raw_content=TEXT)
async def import_board(call: Call, board: Id) -> web.StreamResponse:
    """Import a board from text (the handler reads the body itself)."""
    return web.Response(text=(await read_text(call.request)).upper())


PAGE = {"text/html": {"schema": {"type": "string"}}}


@api.get(
    "/api/boards/{board}",
    auth="public",
    raw_content=PAGE,
    responses={200: {"headers": {"Cache-Control": {"schema": {"type": "string"}}}}},
)
async def show_board(call: Call, board: Id) -> Note | web.Response:
    """A board: JSON for scripts, a page for browsers."""
    if "application/json" in call.request.headers.get("Accept", ""):
        return Note(id=board, title="board", pinned=False)
    return web.Response(text="<p>board</p>", content_type="text/html")


@pytest.fixture
async def base() -> AsyncIterator[str]:
    CREATED.clear()
    app = web.Application(middlewares=[error_middleware])
    app.router.add_routes(api.routes())
    async with TestServer(app) as server:
        yield str(server.make_url(""))


async def post(url: str, data: bytes, content_type: str = "application/json") -> tuple[int, dict]:
    async with aiohttp.ClientSession() as http:
        async with http.post(url, data=data, headers={"Content-Type": content_type}) as resp:
            return resp.status, await resp.json()


async def test_a_valid_body_is_validated_and_the_model_returned(base: str) -> None:
    status, data = await post(f"{base}/api/boards/3/notes", b'{"title": "  Agenda  "}')
    assert (status, data) == (201, {"id": 301, "title": "Agenda", "pinned": False})
    status, data = await post(f"{base}/api/boards/3/notes", b'{"title": "Agenda"}')
    assert (status, data["error"]["code"]) == (409, "conflict")


@pytest.mark.parametrize(
    ("raw", "content_type", "status", "code"),
    [
        (b"{", "application/json", 400, "bad_input"),
        (b"[" * 2000, "application/json", 400, "bad_input"),
        (b'{"title": "\\ud800"}', "application/json", 400, "bad_input"),
        (b'{"title": "\xff\xfe"}', "application/json", 400, "bad_input"),
        (b"[1]", "application/json", 400, "bad_input"),
        (b'{"title": "x"}', "text/plain", 415, "unsupported_media_type"),
        (b'{"title": "x"}', "application/json; charset=foobar", 415, "unsupported_media_type"),
        (b'{"title": "' + b"x" * 4000 + b'"}', "application/json", 413, "payload_too_large"),
    ],
)
async def test_bad_bodies_are_coded_4xx_and_change_nothing(
    base: str, raw: bytes, content_type: str, status: int, code: str
) -> None:
    got = await post(f"{base}/api/boards/3/notes", raw, content_type)
    assert (got[0], got[1]["error"]["code"]) == (status, code)
    assert CREATED == []


async def test_field_errors_name_every_bad_field(base: str) -> None:
    status, data = await post(
        f"{base}/api/boards/3/notes", b'{"title": "   ", "pinned": "yes", "colour": 1}'
    )
    assert status == 422
    assert data["error"]["code"] == "validation_failed"
    assert set(data["error"]["details"]["fields"]) == {"title", "pinned", "colour"}


@pytest.mark.parametrize(
    "board",
    ["0", "abc", str(2**31), str(2**63), "9" * 30, "1_0", "+5", "%205", "%D9%A3", "+3", " 3"],
)
async def test_ids_outside_the_column_range_are_not_found(base: str, board: str) -> None:
    status, data = await post(f"{base}/api/boards/{board}/notes", b'{"title": "x"}')
    assert (status, data["error"]["code"]) == (404, "not_found")


def test_the_document_is_generated_valid_and_complete() -> None:
    spec = document(api.operations, info={"title": "t", "version": "1"}, tags=[])
    validate(spec)
    op = spec["paths"]["/api/boards/{board}/notes"]["post"]
    assert op["operationId"] == "create_note"
    assert op["summary"] == "Pin a note to a board."
    assert set(op["responses"]) == {"201", "400", "401", "404", "409", "413", "415", "422"}
    board = op["parameters"][0]
    assert board["schema"]["maximum"] == 2**31 - 1
    schemas = spec["components"]["schemas"]
    title = schemas["NoteCreate"]["properties"]["title"]
    assert (title["minLength"], title["maxLength"]) == (1, 200)
    assert schemas["NoteCreate"]["additionalProperties"] is False


async def test_list_items_are_named_with_their_index(base: str) -> None:
    status, data = await post(
        f"{base}/api/boards/3/lines", b'{"lines": [{"words": "a"}, {"words": " "}, {}]}'
    )
    assert status == 422
    assert set(data["error"]["details"]["fields"]) == {"lines[1].words", "lines[2].words"}


def test_validated_checks_a_json_value_as_a_body_is_checked() -> None:
    assert validated(Lines, {"lines": [{"words": " x "}]}) == Lines(lines=[Line(words="x")])
    with pytest.raises(ValidationFailed) as failed:
        validated(Lines, {"lines": [{"words": 3}], "extra": 1})
    assert set(failed.value.fields) == {"lines[0].words", "extra"}
    with pytest.raises(BadInput):
        validated(Lines, [1, 2])


async def test_a_raw_body_is_read_by_the_handler_within_its_limit(base: str) -> None:
    async with aiohttp.ClientSession() as http:
        url = f"{base}/api/boards/3/import"
        async with http.post(url, data=b"agenda", headers={"Content-Type": "text/plain"}) as r:
            assert (r.status, await r.text()) == (200, "AGENDA")
        async with http.post(url, data=b"x" * 65, headers={"Content-Type": "text/plain"}) as r:
            assert (r.status, (await r.json())["error"]["code"]) == (413, "payload_too_large")
    spec = document(api.operations, info={"title": "t", "version": "1"}, tags=[])
    validate(spec)
    op = spec["paths"]["/api/boards/{board}/import"]["post"]
    assert op["requestBody"] == {"required": True, "content": TEXT}
    assert op["responses"]["200"]["content"] == TEXT
    assert {"400", "413", "415"} <= set(op["responses"])


async def test_a_missing_field_is_reported_as_required(base: str) -> None:
    status, data = await post(f"{base}/api/boards/3/notes", b'{"pinned": true}')
    assert status == 422
    assert data["error"]["details"]["fields"] == {"title": "is required"}


async def test_a_route_may_answer_with_its_model_or_a_page(base: str) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{base}/api/boards/7", headers={"Accept": "application/json"}) as r:
            assert (r.status, await r.json()) == (200, {"id": 7, "title": "board", "pinned": False})
        async with http.get(f"{base}/api/boards/7") as r:
            assert (r.status, r.content_type) == (200, "text/html")


def test_a_page_and_extra_response_facts_are_documented() -> None:
    spec = document(api.operations, info={"title": "t", "version": "1"}, tags=[])
    validate(spec)
    op = spec["paths"]["/api/boards/{board}"]["get"]
    ok = op["responses"]["200"]
    assert set(ok["content"]) == {"application/json", "text/html"}
    assert ok["content"]["application/json"]["schema"]["$ref"].endswith("/Note")
    assert set(ok["headers"]) == {"Cache-Control"}
    assert op["security"] == []
