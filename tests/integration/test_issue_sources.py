"""Issue items drawn from answers: the quoted passage must be in that submitted answer of
the group (422 otherwise, and nothing is made), it is anchored with a TextQuoteSelector
and offsets, and a merged item's sources are reached from the item it was merged into."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.groups import Api, Group
from tests.support.inputs import published, respond
from tests.support.issues import issues_path, table
from tests.support.servers import RunningServer

ANSWER = (
    "Enhanced cooperation should include all stakeholders. Developing countries need "
    "capacity building; capacity building must be sustained."
)


@pytest.fixture
def seed_text() -> None:
    return None


@pytest.fixture
async def answers(server: RunningServer, api: Api, group: Group) -> dict[str, Any]:
    made = await published(server, api, group, [("A", "What is enhanced cooperation?"),
                                                ("B", "Which mechanisms exist?")])  # fmt: skip
    qid = made["id"]
    first = await respond(server, qid, "government", {2: ANSWER, 3: "The IGF and WSIS."})
    second = await respond(server, qid, "civil_society", {2: "Access is a gap.", 3: "None."})
    draft = await respond(server, qid, "business", {2: "Draft words."}, submit=False)
    return {"qid": qid, "first": first, "second": second, "draft": draft}


def source(response: int, exact: str, question: int = 2, **context: str) -> dict[str, Any]:
    return {"response_id": response, "question": question, "exact": exact, **context}


async def test_an_item_from_a_passage_is_anchored_in_its_answer(
    api: Api, group: Group, answers: dict[str, Any]
) -> None:
    # "capacity building" occurs twice: the prefix picks the second.
    body = {
        "issue": "Capacity building",
        "source": source(answers["first"], "capacity building", prefix="; "),
    }
    made = await api.call("POST", issues_path(group), group.token("member"), body)
    assert made.status == 201, made.body
    (got,) = made.body["sources"]
    start = ANSWER.index("; capacity building") + 2
    assert (got["start"], got["end"]) == (start, start + len("capacity building"))
    assert ANSWER[got["start"] : got["end"]] == "capacity building"
    assert got["response_id"] == answers["first"] and got["item"] == made.body["number"]


@pytest.mark.parametrize(
    ("which", "exact", "question", "context", "field"),
    [
        ("first", "not in the answer", 2, {}, "source.exact"),
        ("first", "capacity building", 2, {"prefix": "no such context "}, "source.exact"),
        ("first", "The IGF", 2, {}, "source.exact"),  # it is in another question's answer
        ("first", "Enhanced", 9, {}, "source.response_id"),  # no such question
        ("draft", "Draft words", 2, {}, "source.response_id"),  # not submitted
        ("missing", "Access", 2, {}, "source.response_id"),  # no such response
    ],
)
async def test_a_passage_not_in_the_answer_is_refused_and_nothing_is_made(
    api: Api,
    group: Group,
    answers: dict[str, Any],
    which: str,
    exact: str,
    question: int,
    context: dict[str, str],
    field: str,
) -> None:
    existing = await api.ok("POST", issues_path(group), group.token("member"), {"issue": "Old"})
    n = existing["number"]
    before = await table(api, group, include_merged="true")
    response = answers.get(which, 999_999)
    body = {"issue": "New", "source": source(response, exact, question, **context)}
    made = await api.call("POST", issues_path(group), group.token("member"), body)
    assert made.status == 422 and field in made.fields, made.body
    added = await api.call("POST", issues_path(group, f"/{n}/sources"), group.token("member"),
                           {"source": source(response, exact, question, **context)})  # fmt: skip
    assert added.status == 422 and field in added.fields
    assert await table(api, group, include_merged="true") == before


async def test_merged_items_sources_are_reached_from_the_remaining_one(
    api: Api, group: Group, answers: dict[str, Any]
) -> None:
    async def item(issue: str, response: int, exact: str, question: int = 2) -> int:
        body = {"issue": issue, "source": source(response, exact, question)}
        made = await api.ok("POST", issues_path(group), group.token("member"), body)
        return int(made["number"])

    a = await item("Inclusion", answers["first"], "all stakeholders")
    b = await item("Access", answers["second"], "Access is a gap")
    c = await item("Mechanisms", answers["first"], "The IGF and WSIS", 3)
    more = await api.ok("POST", issues_path(group, f"/{b}/sources"), group.token("member"),
                        {"source": source(answers["second"], "None", 3)})  # fmt: skip
    assert len(more["sources"]) == 2
    await api.ok(
        "POST", issues_path(group, "/merge"), group.token("member"), {"into": b, "items": [c]}
    )
    merged = await api.ok("POST", issues_path(group, "/merge"), group.token("member"),
                          {"into": a, "items": [b]})  # fmt: skip
    reached = {(s["item"], s["response_id"], s["question"], s["exact"]) for s in merged["sources"]}
    assert reached == {
        (a, answers["first"], 2, "all stakeholders"),
        (b, answers["second"], 2, "Access is a gap"),
        (b, answers["second"], 3, "None"),
        (c, answers["first"], 3, "The IGF and WSIS"),
    }
    refused = await api.call("POST", issues_path(group, f"/{c}/sources"), group.token("member"),
                             {"source": source(answers["first"], "Enhanced")})  # fmt: skip
    assert refused.status == 409 and refused.code == "invalid_transition"
