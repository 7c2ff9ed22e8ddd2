"""The governance commands over HTTP: structure, status, metadata, options, opinions,
the decision history, with real people of a built group."""

from __future__ import annotations

import asyncio

import pytest

from tests.support.groups import Api, Group
from tests.support.paragraphs import by_label, content, decisions, doc_path, seed
from tests.support.sessions import live_session


@pytest.fixture
def seed_text() -> None:
    return None


async def test_status_decision_records_who_when_and_the_session(api: Api, group: Group) -> None:
    ids = await seed(api, group)
    session = await live_session(api, group, "plenary", document=group.document)
    path = doc_path(group.document, f"/paragraphs/{ids['OP3']}/status")
    made = await api.ok(
        "POST", path, group.token("chair"), {"status": "agreed_ad_ref", "session": session["id"]}
    )
    assert made["status"] == "agreed_ad_ref" and made["locked"] is True
    shown = by_label(await content(api, group))["OP3"]
    assert shown["status"] == "agreed_ad_ref" and shown["locked"] is True
    history = [d for d in await decisions(api, group) if d["action"] == "status"]
    assert len(history) == 1
    decision = history[0]
    chair = group.people["chair"]
    assert decision["by"]["person_id"] == chair.id and decision["by"]["name"] == chair.name
    assert decision["session"] == session["id"]
    assert decision["before"] == "draft" and decision["after"] == "agreed_ad_ref"
    assert decision["at"]
    audited = [e for e in await api.audit(group.id, group.token("chair"))
               if e["action"] == "paragraph.status"]  # fmt: skip
    assert len(audited) == 1 and audited[0]["actor"].startswith(f"person:{chair.id} ")

    # The label names a paragraph too (the CLI's --paragraph OP3).
    again = await api.call(
        "POST", doc_path(group.document, "/paragraphs/OP3/status"), group.token("chair"),
        {"status": "agreed_ad_ref"},
    )  # fmt: skip
    assert again.status == 409 and again.code == "invalid_transition"
    unknown = await api.call(
        "POST", path, group.token("chair"), {"status": "agreed", "session": 999999}
    )
    assert unknown.status == 404
    assert len([d for d in await decisions(api, group) if d["action"] == "status"]) == 1


async def test_refusals_change_nothing(api: Api, group: Group) -> None:
    ids = await seed(api, group)
    before = await content(api, group)
    recorded = await decisions(api, group)
    p = doc_path(group.document, f"/paragraphs/{ids['OP1']}")
    refused = [
        ("member", "POST", p + "/status", {"status": "agreed"}, 403),
        ("observer", "POST", p + "/move", {"after": None}, 403),
        ("follower", "POST", p + "/delete", {}, 403),
        ("member", "PATCH", p, {"label": "OP9"}, 403),
        ("member", "POST", doc_path(group.document, "/opinions"),
         {"text": "No.", "delegations": ["Brazil"], "paragraph": ids["OP1"]}, 403),
        ("chair", "POST", p + "/status", {"status": "deleted"}, 422),
        ("chair", "POST", p + "/restore", {}, 409),
        ("chair", "POST", p + "/brackets", {"start": 5, "end": 999}, 400),
        ("chair", "POST", doc_path(group.document, "/paragraphs/nope/move"), {"after": None}, 404),
    ]  # fmt: skip
    for role, method, path, body, status in refused:
        reply = await api.call(method, path, group.token(role), body)
        assert reply.status == status, (role, path, reply.body)
    anonymous = await api.call("POST", p + "/status", None, {"status": "agreed"})
    assert anonymous.status in (401, 403)
    assert await content(api, group) == before
    assert await decisions(api, group) == recorded


async def test_move_delete_restore_keep_the_text_and_history(api: Api, group: Group) -> None:
    ids = await seed(api, group)
    p6 = doc_path(group.document, f"/paragraphs/{ids['OP6']}")
    await api.ok("POST", p6 + "/move", group.token("member"), {"after": None})
    labels = [p["label"] for p in (await content(api, group))["paragraphs"]]
    assert labels == ["OP6", "OP1", "OP2", "OP3", "OP4", "OP5"]

    deleted = await api.ok("POST", p6 + "/delete", group.token("member"), {})
    assert deleted["status"] == "deleted" and deleted["text"].startswith("The Working Group")
    # The member who deleted it may undo; another member may not restore.
    await api.ok("POST", p6 + "/restore", group.token("member"), {})
    await api.ok("POST", p6 + "/delete", group.token("member"), {})
    # A locked paragraph cannot be deleted.
    p1 = doc_path(group.document, f"/paragraphs/{ids['OP1']}")
    await api.ok("POST", p1 + "/status", group.token("chair"), {"status": "agreed"})
    locked = await api.call("POST", p1 + "/delete", group.token("member"), {})
    assert locked.status == 409 and locked.code == "paragraph_locked"
    restored = await api.ok("POST", p6 + "/restore", group.token("secretariat"), {})
    assert restored["status"] == "draft"
    assert restored["text"] == "The Working Group reports to the CSTD."
    actions = [d["action"] for d in await decisions(api, group) if d["paragraph"] == ids["OP6"]]
    assert actions == ["create", "move", "delete", "restore", "delete", "restore"]


async def test_metadata_options_opinions_brackets(api: Api, group: Group) -> None:
    ids = await seed(api, group)
    chair = group.token("chair")
    p2 = doc_path(group.document, f"/paragraphs/{ids['OP2']}")
    changed = await api.ok(
        "PATCH", p2, chair, {"label": "OP2bis", "kind": "statement", "proposers": ["Brazil"]}
    )
    assert (changed["label"], changed["kind"], changed["proposers"]) == (
        "OP2bis", "statement", ["Brazil"],
    )  # fmt: skip
    with_option = await api.ok(
        "POST", p2 + "/options", chair, {"label": "Alt 1", "text": "Other words.",
                                         "proposers": ["Kenya"]},
    )  # fmt: skip
    option = with_option["options"][0]
    assert option["label"] == "Alt 1" and option["proposers"] == ["Kenya"]
    bracketed = await api.ok(
        "POST", p2 + "/brackets", group.token("member"), {"start": 0, "end": 13}
    )
    assert bracketed["text"].startswith("[Member States]")
    assert bracketed["brackets"] == {"count": 2, "unbalanced": False}
    # Offsets count characters (code points), not bytes.
    p4 = doc_path(group.document, f"/paragraphs/{ids['OP4']}")
    await api.ok("PATCH", p4, chair, {"section": "A"})
    await api.ok("POST", p4 + "/brackets", chair, {"start": 0, "end": 8})
    shown = await content(api, group)
    assert by_label(shown)["OP4"]["text"] == "[Capacité] building is essential."
    assert shown["brackets"]["count"] == 3 and shown["brackets"]["sections"]["A"] == 3
    opinion = await api.ok(
        "POST", doc_path(group.document, "/opinions"), chair,
        {"text": "Divergent views.", "delegations": ["Sweden"], "section": "B"},
    )  # fmt: skip
    assert (await content(api, group))["opinions"] == [opinion]
    gone = await api.call("DELETE", doc_path(group.document, f"/opinions/{opinion['id']}"), chair)
    assert gone.status == 204
    assert (await content(api, group))["opinions"] == []
    dropped = await api.ok("DELETE", p2 + f"/options/{option['id']}", chair)
    assert dropped["options"] == []
    meta = await api.ok("PATCH", doc_path(group.document), chair, {"title": "Rolling text"})
    assert meta["title"] == "Rolling text" and meta["model"] == 2


async def test_concurrent_commands_on_one_paragraph(api: Api, group: Group) -> None:
    """Checks and writes are one step: of ten chairs' clicks on "agreed" one takes and
    nine are refused; concurrent moves leave one copy of the paragraph."""
    ids = await seed(api, group)
    path = doc_path(group.document, f"/paragraphs/{ids['OP4']}")
    replies = await asyncio.gather(
        *(
            api.call("POST", path + "/status", group.token(role), {"status": "agreed"})
            for role in ("chair", "secretariat") * 5
        )
    )
    assert sorted(r.status for r in replies) == [200] + [409] * 9
    assert [d["after"] for d in await decisions(api, group) if d["action"] == "status"] == [
        "agreed"
    ]
    targets = [None, ids["OP1"], ids["OP2"], ids["OP5"], ids["OP6"]] * 2
    moves = await asyncio.gather(
        *(
            api.call("POST", path + "/move", group.token("member"), {"after": after})
            for after in targets
        )
    )
    assert all(m.status == 200 for m in moves)
    labels = [p["label"] for p in (await content(api, group))["paragraphs"]]
    assert sorted(labels) == ["OP1", "OP2", "OP3", "OP4", "OP5", "OP6"]
