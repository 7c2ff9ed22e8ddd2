"""The issue table over the API: merges (of merges) keep every source and the counts
follow; illegal merges are refused and change nothing; a stale edit is refused with
the current item; citations are seen from both sides; the CSV export reads back."""

from __future__ import annotations

import csv
import io
from typing import Any

import docx
import pytest

from tests.support.groups import Api, Group
from tests.support.issues import add_items, issues_path, table


@pytest.fixture
def seed_text() -> None:
    return None


async def merge(api: Api, group: Group, into: int, *items: int, role: str = "member") -> Any:
    body = {"into": into, "items": list(items)}
    return await api.call("POST", issues_path(group, "/merge"), group.token(role), body)


async def test_merges_of_merges_keep_every_item_and_the_counts_follow(
    api: Api, group: Group
) -> None:
    a, b, c, d, e = await add_items(api, group, "Access", "Access to ICTs", "Capacity",
                                    "Capacity building", "Affordability")  # fmt: skip
    assert (await table(api, group))["counts"] == {"items": 5, "merged": 0, "remaining": 5}
    first = await merge(api, group, a, b)
    assert first.status == 200, first.body
    assert first.body["merged_from"] == [b]
    second = await merge(api, group, c, d)
    assert second.status == 200
    # A merge of merges: c (with d) into a (with b).
    third = await merge(api, group, a, c)
    assert third.status == 200
    got = await table(api, group)
    assert got["counts"] == {"items": 5, "merged": 3, "remaining": 2}
    assert [i["number"] for i in got["items"]] == [a, e]
    assert (await table(api, group, grouping="", q=""))["items"] == got["items"]
    found = await table(api, group, q="AFFORD", include_merged="true")
    assert [i["number"] for i in found["items"]] == [e]
    every = await table(api, group, include_merged="true")
    by_number = {i["number"]: i for i in every["items"]}
    assert by_number[b]["merged_into"] == a and by_number[d]["merged_into"] == c
    assert by_number[c]["merged_into"] == a
    assert by_number[a]["merged_from"] == [b, c]


async def test_illegal_merges_are_refused_and_change_nothing(api: Api, group: Group) -> None:
    a, b, c = await add_items(api, group, "One", "Two", "Three")
    assert (await merge(api, group, a, b)).status == 200
    before = await table(api, group, include_merged="true")
    for into, items, status in (
        (c, [c], 409),  # into itself
        (b, [c], 409),  # into a merged item
        (c, [b], 409),  # an item merged already
        (c, [99], 404),  # no such item
        (a, [c, 99], 404),  # one missing: none is merged
    ):
        reply = await merge(api, group, into, *items)
        assert reply.status == status, (into, items, reply.body)
    assert await table(api, group, include_merged="true") == before


async def test_a_stale_edit_is_refused_with_the_current_item(api: Api, group: Group) -> None:
    (n,) = await add_items(api, group, "Multistakeholder participation")
    path = issues_path(group, f"/{n}")
    body = {"revision": 1, "category": "Participation", "grouping": "B"}
    first = await api.call("PATCH", path, group.token("member"), body)
    assert first.status == 200, first.body
    assert first.body["revision"] == 2 and first.body["grouping"] == "B"
    # Someone else edited from revision 1 meanwhile.
    stale = await api.call("PATCH", path, group.token("secretariat"),
                           {"revision": 1, "category": "Other"})  # fmt: skip
    assert stale.status == 409 and stale.code == "stale_revision"
    current = stale.error["details"]["current"]
    assert current["category"] == "Participation" and current["revision"] == 2
    after = await api.ok("GET", path, group.token("chair"))
    assert after == current
    empty = await api.call("PATCH", path, group.token("member"), {"revision": 2})
    assert empty.status == 422 and "body" in empty.fields
    cleared = await api.call("PATCH", path, group.token("member"),
                             {"revision": 2, "clear_grouping": True})  # fmt: skip
    assert cleared.body["grouping"] is None and cleared.body["revision"] == 3


async def test_citations_are_seen_from_the_item_and_from_the_document(
    api: Api, group: Group
) -> None:
    made = await api.ok(
        "POST", f"/api/documents/{group.document}/paragraphs", group.token("chair"),
        {"label": "OP1", "section": "A", "text": "Member States should cooperate."},
    )  # fmt: skip
    a, b = await add_items(api, group, "Cooperation", "Mechanisms")
    for n in (a, b):
        cited = await api.call(
            "POST", issues_path(group, f"/{n}/citations"), group.token("member"),
            {"document": group.document, "paragraph_id": "OP1"},
        )  # fmt: skip
        assert cited.status == 200, cited.body
    item = await api.ok("GET", issues_path(group, f"/{a}"), group.token("observer"))
    assert item["citations"] == [
        {"document": group.document, "paragraph_id": made["id"], "label": "OP1"}
    ]
    seen = await api.ok("GET", f"/api/documents/{group.document}/citations", group.token("member"))
    assert seen["paragraphs"] == [{"paragraph_id": made["id"], "label": "OP1", "items": [a, b]}]
    gone = await api.call(
        "DELETE", issues_path(group, f"/{a}/citations"), group.token("member"),
        {"document": group.document, "paragraph_id": made["id"]},
    )  # fmt: skip
    assert gone.status == 200 and gone.body["citations"] == []
    seen = await api.ok("GET", f"/api/documents/{group.document}/citations", group.token("member"))
    assert seen["paragraphs"][0]["items"] == [b]
    missing = await api.call(
        "POST", issues_path(group, f"/{a}/citations"), group.token("member"),
        {"document": group.document, "paragraph_id": "OP99"},
    )  # fmt: skip
    assert missing.status == 404


async def test_the_csv_export_reads_back_identically(api: Api, group: Group) -> None:
    tricky = [
        'Quotes "inside", commas, and; semicolons',
        "Line one\nline two\r\nline three",
        "Accents: coopération renforcée — «ICT»",
        "  leading and trailing spaces are trimmed  ",
    ]
    numbers = await add_items(api, group, *tricky)
    await api.ok("PATCH", issues_path(group, f"/{numbers[0]}"), group.token("member"),
                 {"revision": 1, "category": "A, B", "grouping": "C",
                  "activities": "WSIS\nIGF", "status": "gap"})  # fmt: skip
    assert (await merge(api, group, numbers[0], numbers[1])).status == 200
    got = await table(api, group, include_merged="true")
    reply = await api.call(
        "GET", issues_path(group, "/export?format=csv&include_merged=true"), group.token("observer")
    )
    assert reply.status == 200 and reply.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(reply.body, newline="")))
    assert rows[0][:6] == ["No", "Issue", "Category", "Grouping", "Activities & approaches",
                           "Status"]  # fmt: skip
    expected = [
        [str(i["number"]), i["issue"], i["category"], i["grouping"] or "", i["activities"],
         i["status"], str(i["merged_into"] or ""), ";".join(map(str, i["merged_from"])),
         str(len(i["sources"]))]
        for i in got["items"]
    ]  # fmt: skip
    assert rows[1:] == expected
    assert rows[2][1] == "Line one\nline two\r\nline three"
    for fmt, media in (("md", "text/markdown"), ("html", "text/html")):
        other = await api.call("GET", issues_path(group, f"/export?format={fmt}"),
                               group.token("member"))  # fmt: skip
        assert other.status == 200 and other.headers["Content-Type"].startswith(media)
        assert "Accents: coopération renforcée" in other.body
    url = api.base_url + issues_path(group, "/export?format=docx&include_merged=true")
    auth = {"Authorization": f"Bearer {group.token('member')}"}
    async with api.session.get(url, headers=auth) as resp:
        assert resp.status == 200 and resp.content_type.endswith("wordprocessingml.document")
        word = docx.Document(io.BytesIO(await resp.read()))
    cells = [[c.text for c in row.cells] for row in word.tables[0].rows]
    assert cells == [[c.replace("\r\n", "\n") for c in row] for row in rows]
