"""Whatever body a client sends, the answer is a coded 4xx and nothing changes.

Issue 11, points 3, 6 and 7: JSON was parsed whatever the Content-Type (so a
plain HTML form of another site could post it), a non-UTF-8 body, an unknown
``charset=``, 200,000 nested ``[`` or a lone surrogate gave 500s, and every route
read bodies of up to 16 MiB.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.support.groups import Api, Group, observer_request_body
from tests.support.servers import RunningServer


@pytest.fixture
def seed_text() -> None:
    """This module's group documents start empty."""
    return None


PERSON = json.dumps({"name": "Delegate of Kenya", "role": "follower"})


@pytest.mark.parametrize(
    ("content_type", "raw", "status", "code", "reason"),
    [
        ("text/plain", PERSON.encode(), 415, "unsupported_media_type", None),
        ("application/x-www-form-urlencoded", b"name=x&role=follower", 415,
         "unsupported_media_type", None),
        ("application/json; charset=foobar", PERSON.encode(), 415, "unsupported_media_type", None),
        ("application/json; charset=latin-1", PERSON.encode(), 415, "unsupported_media_type",
         None),
        ("application/json", b'{"name": "Delegate \xff", "role": "follower"}', 400, "bad_input",
         "encoding"),
        ("application/json", b"[" * 60_000, 400, "bad_input", "depth"),
        ("application/json", b'{"name": ' + b"[" * 40 + b"]" * 40 + b"}", 400, "bad_input",
         "depth"),
        ("application/json", b'{"name": "Delegate \\ud800", "role": "follower"}', 400,
         "bad_input", "surrogate"),
        ("application/json", b'{"\\udfff": 1, "name": "Delegate", "role": "follower"}', 400,
         "bad_input", "surrogate"),
        ("application/json", b'{"name": "Delegate", "role": "follower", "x": NaN}', 400,
         "bad_input", "syntax"),
        ("application/json", b'{"name": "Delegate", "role": "follower", "x": ' + b"9" * 5000
         + b"}", 400, "bad_input", "syntax"),
    ],
)  # fmt: skip
async def test_bad_bodies_get_a_coded_4xx_and_change_nothing(
    api: Api, group: Group, content_type: str, raw: bytes, status: int, code: str, reason: str
) -> None:
    chair = group.token("chair")
    before = await api.ok("GET", group.path("/people"), chair)
    reply = await api.call(
        "POST", group.path("/people"), chair, raw=raw, headers={"Content-Type": content_type}
    )
    assert (reply.status, reply.code) == (status, code), reply.body
    assert reply.error["message"]
    if reason is not None:
        assert reply.error["details"]["reason"] == reason
    assert await api.ok("GET", group.path("/people"), chair) == before


async def test_only_json_labels_are_read(api: Api, group: Group) -> None:
    """The same JSON is read when labelled JSON, refused when labelled as a form could be."""
    for content_type, status in (
        ("application/json; charset=UTF-8", 201),
        ("application/merge-patch+json", 201),
        ("text/plain;charset=UTF-8", 415),  # what a cross-site <form enctype=text/plain> sends
    ):
        reply = await api.call(
            "POST",
            group.path("/people"),
            group.token("chair"),
            raw=json.dumps({"name": f"Delegate ({content_type})", "role": "follower"}).encode(),
            headers={"Content-Type": content_type},
        )
        assert reply.status == status, (content_type, reply.body)
    people = await api.ok("GET", group.path("/people"), group.token("chair"))
    assert "Delegate (text/plain;charset=UTF-8)" not in [p["name"] for p in people["people"]]


async def test_the_public_route_takes_a_few_kib(api: Api, group: Group) -> None:
    """Anyone may ask to observe: a long justification in any script fits, nothing more."""
    chair = group.token("chair")
    before = await api.ok("GET", group.path("/observer-requests"), chair)
    # 5,000 characters of Arabic, sent \\u-escaped (about 30 KB), are accepted.
    long = {**observer_request_body("Arab NGO Network"), "justification": "\u0639" * 5000}
    accepted = await api.call("POST", group.path("/observer-requests"), None, long)
    assert accepted.status == 201, accepted.body
    for raw in (
        json.dumps({**long, "justification": "x" * 40_000}).encode(),
        b"[" * 200_000,  # the nesting bomb needs no login: refused by size first
    ):
        refused = await api.call("POST", group.path("/observer-requests"), None, raw=raw)
        assert (refused.status, refused.code) == (413, "payload_too_large"), refused.body
    after = await api.ok("GET", group.path("/observer-requests"), chair)
    assert len(after["requests"]) == len(before["requests"]) + 1


async def test_deep_nesting_on_a_bulk_route_is_a_400(api: Api, group: Group) -> None:
    """A route that takes larger bodies still refuses 200,000 nested ``[`` cleanly."""
    chair = group.token("chair")
    dates = {"starts_on": "2026-03-02", "ends_on": "2026-03-04"}
    meeting = await api.ok(
        "POST", group.path("/meetings"), chair, {"number": 3, "title": "WGEC-3", **dates}
    )
    session = await api.ok(
        "POST",
        f"/api/meetings/{meeting['id']}/sessions",
        chair,
        {
            "kind": "plenary",
            "title": "Opening",
            "scheduled_start": "2026-03-02T10:00:00+01:00",
            "scheduled_end": "2026-03-02T13:00:00+01:00",
            "document": group.document,
        },
    )
    reply = await api.call(
        "POST",
        f"/api/sessions/{session['id']}/transcript",
        group.token("captioner"),
        raw=b'{"segments": ' + b"[" * 200_000 + b"}",
    )
    assert (reply.status, reply.code) == (400, "bad_input"), reply.body
    assert reply.error["details"]["reason"] == "depth"


async def test_api_routes_refuse_large_bodies(api: Api, group: Group) -> None:
    chair = group.token("chair")
    big = json.dumps({"name": "Delegate", "role": "follower", "pad": "x" * 100_000}).encode()
    announced = await api.call("POST", group.path("/people"), chair, raw=big)
    assert (announced.status, announced.code) == (413, "payload_too_large")

    async def chunks() -> AsyncIterator[bytes]:  # chunked: no Content-Length to go by
        for i in range(0, len(big), 8192):
            yield big[i : i + 8192]

    streamed = await api.call("POST", group.path("/people"), chair, raw=chunks())
    assert (streamed.status, streamed.code) == (413, "payload_too_large")
    names = [p["name"] for p in (await api.ok("GET", group.path("/people"), chair))["people"]]
    assert "Delegate" not in names


async def test_an_oversized_body_is_refused_before_it_is_sent(
    server: RunningServer, group: Group
) -> None:
    """The 413 comes back while the client has sent only its headers."""
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    try:
        writer.write(
            (
                f"POST {group.path('/observer-requests')} HTTP/1.1\r\n"
                f"Host: 127.0.0.1:{server.port}\r\n"
                "Content-Type: application/json\r\n"
                f"Content-Length: {16 * 1024 * 1024}\r\n\r\n"
            ).encode()
        )
        await writer.drain()
        status = await asyncio.wait_for(reader.readline(), 30)
        assert status.startswith(b"HTTP/1.1 413"), status
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
        length = int(
            next(
                line.split(b":", 1)[1]
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            )
        )
        body: Any = json.loads(await asyncio.wait_for(reader.readexactly(length), 30))
        assert body["error"]["code"] == "payload_too_large"
    finally:
        writer.close()
