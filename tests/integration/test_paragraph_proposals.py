"""A member proposes a status, the chair decides; a comment stays on its words while its
paragraph is moved, deleted and restored."""

from __future__ import annotations

import pytest

from tests.support.groups import Api, Group
from tests.support.paragraphs import by_label, content, decisions, doc_path, seed
from tests.support.sessions import live_session


@pytest.fixture
def seed_text() -> None:
    return None


async def test_proposal_accepted_sets_the_status_and_names_proposal_and_session(
    api: Api, group: Group
) -> None:
    ids = await seed(api, group)
    session = await live_session(api, group, "plenary", document=group.document)
    base = doc_path(group.document)
    member, chair = group.token("member"), group.token("chair")
    proposal = await api.ok(
        "POST", f"{base}/paragraphs/OP3/proposals", member,
        {"status": "agreed", "reason": "Agreed in informals."},
    )  # fmt: skip
    assert proposal["state"] == "pending" and proposal["paragraph"] == ids["OP3"]
    assert proposal["proposer"]["person_id"] == group.people["member"].id
    queue = await api.ok("GET", f"{base}/proposals", chair)
    assert [p["id"] for p in queue["proposals"]] == [proposal["id"]]
    # Proposing does not change the status, nor record a decision.
    assert by_label(await content(api, group))["OP3"]["status"] == "draft"
    assert [d for d in await decisions(api, group) if d["action"] != "create"] == []

    accepted = await api.ok(
        "POST", f"{base}/proposals/{proposal['id']}/accept", chair, {"session": session["id"]}
    )
    assert accepted["state"] == "accepted"
    assert accepted["decided_by"]["person_id"] == group.people["chair"].id
    assert by_label(await content(api, group))["OP3"]["status"] == "agreed"
    decision = (await decisions(api, group))[-1]
    assert decision["action"] == "status" and decision["after"] == "agreed"
    assert decision["proposal"] == proposal["id"] and decision["session"] == session["id"]
    assert (await api.ok("GET", f"{base}/proposals", chair))["proposals"] == []
    again = await api.call("POST", f"{base}/proposals/{proposal['id']}/decline", chair, {})
    assert again.status == 409 and again.code == "invalid_transition"
    every = await api.ok("GET", f"{base}/proposals?state=all", member)
    assert [p["state"] for p in every["proposals"]] == ["accepted"]


async def test_declined_proposal_leaves_the_status(api: Api, group: Group) -> None:
    await seed(api, group)
    base = doc_path(group.document)
    proposal = await api.ok(
        "POST", f"{base}/paragraphs/OP5/proposals", group.token("member"),
        {"status": "no_agreement"},
    )  # fmt: skip
    declined = await api.ok(
        "POST", f"{base}/proposals/{proposal['id']}/decline", group.token("secretariat"),
        {"note": "Not yet discussed."},
    )  # fmt: skip
    assert declined["state"] == "declined" and declined["note"] == "Not yet discussed."
    assert by_label(await content(api, group))["OP5"]["status"] == "draft"
    assert [d["action"] for d in await decisions(api, group)] == ["create"] * 6
    same = await api.call(
        "POST", f"{base}/paragraphs/OP5/proposals", group.token("member"), {"status": "draft"}
    )
    assert same.status == 409 and same.code == "invalid_transition"


async def test_comment_stays_attached_through_move_delete_restore(api: Api, group: Group) -> None:
    ids = await seed(api, group)
    op6 = ids["OP6"]
    text = by_label(await content(api, group))["OP6"]["text"]
    start = text.index("reports")
    made = await api.ok(
        "POST", doc_path(group.document, "/comments"), group.token("member"),
        {"body": "Reports to whom?",
         "anchor": {"paragraph_id": op6, "start": start, "end": start + len("reports")}},
    )  # fmt: skip
    p6 = doc_path(group.document, f"/paragraphs/{op6}")
    chair = group.token("chair")
    steps = (
        ("/move", {"after": None}),
        ("/delete", {}),
        ("/restore", {}),
        ("/move", {"after": ids["OP3"]}),
    )
    for suffix, body in steps:
        await api.ok("POST", p6 + suffix, chair, body)
        seen = await api.ok(
            "GET", doc_path(group.document, f"/comments/{made['id']}"), group.token("member")
        )
        anchor = seen["anchor"]
        assert anchor["attached"] and not anchor["detached"], (suffix, anchor)
        assert anchor["text"] == "reports" and anchor["paragraph_id"] == op6
    labels = [p["label"] for p in (await content(api, group))["paragraphs"]]
    assert labels == ["OP1", "OP2", "OP3", "OP6", "OP4", "OP5"]
