"""Correspondence groups: created with terms of reference (a document of the group), a
chair, members and a deadline; a stale edit of the mapping table is refused with the
current area; the chair's report and the compilation are documents of the group
attached to the meeting where they are presented; who may be a member."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.groups import Api, Group

CG = "/api/correspondence"


@pytest.fixture
def seed_text() -> None:
    return None


async def create(api: Api, group: Group, **extra: Any) -> dict[str, Any]:
    body = {"title": "Mapping exercise", **extra}
    made: dict[str, Any] = await api.ok(
        "POST", group.path("/correspondence"), group.token("chair"), body
    )
    return made


async def test_a_group_with_its_terms_chair_members_and_deadline(api: Api, group: Group) -> None:
    member = group.people["member"]
    made = await create(api, group, chair_person_id=member.id, deadline="2014-02-14",
                        members=[member.id, group.people["observer"].id])  # fmt: skip
    assert made["chair"] == {"id": member.id, "name": member.name}
    assert {m["id"] for m in made["members"]} == {member.id, group.people["observer"].id}
    assert made["deadline"] == "2014-02-14"
    documents = await api.ok("GET", group.path("/documents"), group.token("member"))
    terms = next(d for d in documents["documents"] if d["name"] == made["terms_document"])
    assert terms["kind"] == "correspondence" and terms["title"].startswith("Terms of reference")
    # The terms are a drafting document like any other: it opens and syncs.
    assert (
        await api.call("GET", f"/api/documents/{made['terms_document']}", group.token("member"))
    ).status == 200
    gone = await api.ok("DELETE", f"{CG}/{made['id']}/members/{group.people['observer'].id}",
                        group.token("secretariat"))  # fmt: skip
    assert [m["id"] for m in gone["members"]] == [member.id]
    for role in ("follower", "captioner"):
        refused = await api.call("PUT", f"{CG}/{made['id']}/members/{group.people[role].id}",
                                 group.token("chair"))  # fmt: skip
        assert refused.status == 422 and "person" in refused.fields
    assert (await api.ok("GET", f"{CG}/{made['id']}", group.token("observer"))) == gone


async def test_a_stale_area_edit_is_refused_with_the_current_area(api: Api, group: Group) -> None:
    made = await create(api, group, members=[group.people["member"].id])
    path = f"{CG}/{made['id']}/areas"
    area = await api.ok("POST", path, group.token("member"), {"area": "Cybersecurity"})
    assert (area["number"], area["revision"]) == (1, 1)
    first = await api.ok("PATCH", f"{path}/{area['id']}", group.token("member"),
                         {"revision": 1, "gaps": "No global forum"})  # fmt: skip
    assert first["revision"] == 2 and first["updated_by"] == group.people["member"].name
    stale = await api.call("PATCH", f"{path}/{area['id']}", group.token("chair"),
                           {"revision": 1, "gaps": "Something else"})  # fmt: skip
    assert stale.status == 409 and stale.code == "stale_revision"
    assert stale.error["details"]["current"] == first
    assert (await api.ok("GET", path, group.token("observer")))["areas"] == [first]
    second = await api.ok("POST", path, group.token("chair"), {"area": "Spam"})
    assert second["number"] == 2
    removed = await api.ok("DELETE", f"{path}/{area['id']}", group.token("member"))
    assert removed == first
    assert [a["id"] for a in (await api.ok("GET", path, group.token("member")))["areas"]] == [
        second["id"]
    ]


async def test_report_and_compilation_are_documents_attached_to_the_meeting(
    api: Api, group: Group
) -> None:
    meeting = await api.ok("POST", group.path("/meetings"), group.token("chair"), {
        "number": 4, "title": "WGEC 4th meeting", "venue": "Geneva",
        "starts_on": "2014-04-30", "ends_on": "2014-05-02",
    })  # fmt: skip
    made = await create(api, group)
    report = await api.call("POST", f"{CG}/{made['id']}/documents", group.token("chair"),
                            {"role": "report", "meeting_id": meeting["id"]})  # fmt: skip
    assert report.status == 201, report.body
    assert report.body["meeting_id"] == meeting["id"] and report.body["report_document"]
    compilation = await api.ok("POST", f"{CG}/{made['id']}/documents", group.token("secretariat"),
                               {"role": "compilation"})  # fmt: skip
    again = await api.call("POST", f"{CG}/{made['id']}/documents", group.token("chair"),
                           {"role": "report"})  # fmt: skip
    assert again.status == 409
    listed = await api.ok("GET", group.path("/documents"), group.token("member"))
    documents = {d["name"]: d for d in listed["documents"]}
    assert documents[report.body["report_document"]]["kind"] == "report"
    assert documents[compilation["compilation_document"]]["kind"] == "correspondence"
    fresh = await create(api, group, title="Another group")
    other = await api.call("POST", f"{CG}/{fresh['id']}/documents", group.token("chair"),
                           {"role": "report", "meeting_id": 999_999})  # fmt: skip
    assert other.status == 422 and "meeting_id" in other.fields
    assert (await api.ok("GET", f"{CG}/{fresh['id']}", group.token("chair"))) == fresh


async def test_its_chair_edits_the_mapping_table_without_being_a_member(
    api: Api, group: Group
) -> None:
    made = await create(api, group, chair_person_id=group.people["member"].id)
    assert made["members"] == []
    path = f"{CG}/{made['id']}/areas"
    added = await api.call("POST", path, group.token("member"), {"area": "Spam"})
    assert added.status == 201, added.body
    moved = await api.ok("PATCH", f"{CG}/{made['id']}", group.token("chair"),
                         {"chair_person_id": group.people["secretariat"].id})  # fmt: skip
    assert moved["chair"]["id"] == group.people["secretariat"].id
    refused = await api.call("POST", path, group.token("member"), {"area": "Privacy"})
    assert refused.status == 403
    assert [a["area"] for a in (await api.ok("GET", path, group.token("member")))["areas"]] == [
        "Spam"
    ]
