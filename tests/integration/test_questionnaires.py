"""Questionnaires end to end over HTTP: publishing freezes the draft's questions into a
version, a response freezes the wording (409) and publishing again makes a new
version; deadlines are local times of the group's zone ("late" strictly after the
instant, both sides tested, across a DST change); answering is anonymous, idempotent
(also when identical requests race), resumable through a private link, rate limited
and size limited; the views filter, search, count and export (CSV reads back to the
same values, the .docx opens)."""

from __future__ import annotations

import asyncio
import csv
import io
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from docx import Document

from server.keys import QUESTIONNAIRES
from server.questionnaires import schemas
from server.ratelimit import RateLimiter
from tests.support.groups import Api, Group, build_group
from tests.support.questionnaires import answer, draft, publish, qpath, response_body, set_zone
from tests.support.servers import RunningServer


def at(server: RunningServer, instant: datetime) -> None:
    """The server's questionnaire clock stands at ``instant``."""
    assert server.app is not None
    server.app[QUESTIONNAIRES].clock = lambda: instant


async def test_publish_freeze_republish_and_extend(api: Api, group: Group) -> None:
    chair = group.token("chair")
    await set_zone(api, group, "Europe/Zurich")
    made = await draft(api, group)
    qid = made["id"]
    assert made["state"] == "draft" and made["version"] == 0
    kinds = [(q["number"], q["kind"], q["grouping"]) for q in made["questions"]]
    assert kinds == [
        (1, "stakeholder", None), (2, "text", "A"), (3, "text", "B"), (4, "text", "C"),
        (5, "text", "E"), (6, "comments", None),
    ]  # fmt: skip
    # A draft is not public.
    assert (await api.call("GET", qpath(qid))).status == 404
    listed = await api.ok("GET", group.path("/questionnaires"))
    assert listed["questionnaires"] == []

    published = await publish(api, group, qid, "2013-08-31T18:00")
    assert published["state"] == "published" and published["version"] == 1
    assert published["deadline"] == "2013-08-31T18:00"
    assert published["deadline_utc"].startswith("2013-08-31T16:00:00")  # CEST, UTC+2
    assert published["time_zone"] == "Europe/Zurich"
    assert (await api.ok("GET", qpath(qid)))["questions"] == published["questions"]

    # Not answered yet: a question may be reworded.
    fixed = await api.ok(
        "PATCH", qpath(qid, "/questions/2"), chair, {"text": "What is enhanced cooperation?"}
    )
    assert fixed["questions"][1]["text"] == "What is enhanced cooperation?"
    assert fixed["frozen"] is False
    regrouped = await api.ok("PATCH", qpath(qid, "/questions/3"), chair, {"grouping": "D"})
    assert regrouped["questions"][2]["grouping"] == "D"
    # The draft document says the same: publishing again keeps the change.
    draft_doc = await api.ok("GET", f"/api/documents/{made['draft_document']}", chair)
    texts = {p["label"]: (p["section"], p["text"]) for p in draft_doc["paragraphs"]}
    assert texts["Q2"] == ("A", "What is enhanced cooperation?")
    assert texts["Q3"][0] == "D"
    ungrouped = await api.ok("PATCH", qpath(qid, "/questions/3"), chair, {"ungrouped": True})
    assert ungrouped["questions"][2]["grouping"] is None
    await api.ok("PATCH", qpath(qid, "/questions/3"), chair, {"grouping": "B"})

    first = await answer(api, qid, response_body())
    assert first.status == 201, first.body
    assert first.body["version"] == 1
    refused = await api.call("PATCH", qpath(qid, "/questions/2"), chair, {"grouping": "B"})
    assert refused.status == 409 and refused.code == "questions_frozen"
    assert (await api.ok("GET", qpath(qid)))["questions"][1]["grouping"] == "A"
    assert (await api.ok("GET", qpath(qid)))["frozen"] is True

    again = await publish(api, group, qid, "2013-08-31T18:00")
    assert again["version"] == 2 and again["frozen"] is False
    second = await answer(api, qid, response_body(stakeholder="business"))
    assert second.body["version"] == 2
    listed = await api.ok("GET", qpath(qid, "/responses"), chair)
    assert sorted(r["version"] for r in listed["responses"]) == [1, 2]

    # Extension: recorded with its decision, audited; never earlier.
    decision = "Extended by the Chair at the request of the Working Group (1st meeting)"
    extended = await api.ok(
        "POST",
        qpath(qid, "/deadline"),
        chair,
        {"deadline": "2013-09-17T23:59", "decision": decision},
    )
    assert extended["deadline"] == "2013-09-17T23:59"
    extensions = (await api.ok("GET", qpath(qid, "/extensions")))["extensions"]
    assert [(e["old"], e["new"], e["decision"]) for e in extensions] == [
        ("2013-08-31T18:00", "2013-09-17T23:59", decision)
    ]
    entries = await api.audit(group.id, chair)
    assert any(
        e["action"] == "questionnaire.deadline" and decision in str(e["details"]) for e in entries
    )
    earlier = await api.call(
        "POST", qpath(qid, "/deadline"), chair, {"deadline": "2013-09-01T00:00", "decision": "x"}
    )
    assert earlier.status == 409
    assert (await api.ok("GET", qpath(qid)))["deadline"] == "2013-09-17T23:59"


async def count(api: Api, group: Group, qid: int) -> int:
    got = await api.ok("GET", qpath(qid, "/distribution"), group.token("chair"))
    total: int = got["total"]
    return total


@pytest.mark.parametrize(
    ("deadline", "instant"),
    [
        # Summer time (CEST, UTC+2): the seed's extended deadline.
        ("2013-09-17T23:59", datetime(2013, 9, 17, 21, 59, tzinfo=UTC)),
        # The day clocks go back (CEST -> CET at 03:00): noon is UTC+1.
        ("2013-10-27T12:00", datetime(2013, 10, 27, 11, 0, tzinfo=UTC)),
    ],
)
async def test_late_is_strictly_after_the_local_deadline(
    server: RunningServer, api: Api, group: Group, deadline: str, instant: datetime
) -> None:
    await set_zone(api, group, "Europe/Zurich")
    qid = (await draft(api, group))["id"]
    published = await publish(api, group, qid, deadline)
    assert datetime.fromisoformat(published["deadline_utc"]) == instant
    at(server, instant)
    on_time = await answer(api, qid, response_body())
    assert on_time.status == 201 and on_time.body["late"] is False
    at(server, instant + timedelta(microseconds=1))
    late = await answer(api, qid, response_body(stakeholder="civil_society"))
    assert late.status == 201 and late.body["late"] is True
    # A saved draft is judged when it is submitted.
    at(server, instant - timedelta(minutes=5))
    saved = await answer(api, qid, response_body(submit=False))
    at(server, instant + timedelta(seconds=1))
    token = saved.body["draft_token"]
    submitted = await api.ok("PUT", qpath(qid, f"/drafts/{token}"), None, response_body())
    assert submitted["late"] is True
    distribution = await api.ok("GET", qpath(qid, "/distribution"), group.token("chair"))
    assert (distribution["on_time"], distribution["late"]) == (1, 2)
    assert distribution["by_stakeholder"]["government"] == {"total": 2, "on_time": 1, "late": 1}
    # A time the spring change skips names no instant.
    skipped = await api.call(
        "POST", qpath(qid, "/deadline"), group.token("chair"),
        {"deadline": "2014-03-30T02:30", "decision": "x"},
    )  # fmt: skip
    assert skipped.status == 422 and "deadline" in skipped.fields


async def check_idempotency(api: Api, group: Group) -> None:
    qid = (await draft(api, group))["id"]
    await publish(api, group, qid)
    key = uuid.uuid4().hex
    first = await answer(api, qid, response_body(), key=key)
    again = await answer(api, qid, response_body(), key=key)
    assert (first.status, again.status) == (201, 200)
    assert again.body == first.body
    other = await answer(api, qid, response_body(organisation="Another"), key=key)
    assert other.status == 409 and other.code == "idempotency_key_reused"
    missing = await api.call("POST", qpath(qid, "/responses"), None, response_body())
    assert missing.status == 422 and "Idempotency-Key" in missing.fields
    # Identical requests racing: one row, one receipt.
    raced = uuid.uuid4().hex
    body = response_body(stakeholder="business", organisation="ICC BASIS")
    replies = await asyncio.gather(*(answer(api, qid, body, key=raced) for _ in range(8)))
    assert sorted(r.status for r in replies) == [200] * 7 + [201], [r.body for r in replies]
    assert len({r.body["id"] for r in replies}) == 1
    assert len({r.body["draft_token"] for r in replies}) == 1
    listed = await api.ok("GET", qpath(qid, "/responses"), group.token("chair"))
    assert sorted(r["respondent"]["organisation"] for r in listed["responses"]) == [
        "ICC BASIS", "Ministry of Communications",
    ]  # fmt: skip


async def test_idempotent_resubmission_never_duplicates(api: Api, group: Group) -> None:
    await check_idempotency(api, group)


@pytest.mark.postgres
async def test_idempotent_resubmission_never_duplicates_on_postgres(
    pg_server: RunningServer,
) -> None:
    async with Api.open(pg_server.url) as api:
        group = await build_group(api, pg_server.token("chair", "op"), seed_text=None)
        await check_idempotency(api, group)


async def test_draft_link_saves_returns_and_submits(api: Api, group: Group) -> None:
    qid = (await draft(api, group))["id"]
    await publish(api, group, qid)
    saved = await answer(api, qid, response_body(answers={2: "First thoughts."}, submit=False))
    assert saved.status == 201 and saved.body["state"] == "draft"
    token = saved.body["draft_token"]
    link = qpath(qid, f"/drafts/{token}")
    back = await api.ok("GET", link)
    assert back["answers"] == [{"number": 2, "text": "First thoughts."}]
    assert back["respondent"]["organisation"] == "Ministry of Communications"
    # Drafts are the respondent's: not in the views.
    assert (await api.ok("GET", qpath(qid, "/responses"), group.token("chair")))["total"] == 0
    changed = response_body(answers={2: "Better thoughts.", 5: "Travel costs."}, submit=False)
    assert (await api.ok("PUT", link, None, changed))["state"] == "draft"
    assert [a["text"] for a in (await api.ok("GET", link))["answers"]] == [
        "Better thoughts.", "Travel costs.",
    ]  # fmt: skip
    final = response_body(answers={2: "Better thoughts.", 5: "Travel costs."})
    done = await api.ok("PUT", link, None, final)
    assert done["state"] == "submitted" and done["id"] == saved.body["id"]
    assert (await api.ok("PUT", link, None, final))["id"] == done["id"]  # idempotent
    refused = await api.call("PUT", link, None, response_body(answers={2: "Changed my mind."}))
    assert refused.status == 409
    listed = await api.ok("GET", qpath(qid, "/responses"), group.token("chair"))
    # The stakeholder question's answer is the stakeholder group's name.
    assert [[a["text"] for a in r["answers"]] for r in listed["responses"]] == [
        ["Government", "Better thoughts.", "Travel costs."]
    ]
    assert (await api.call("GET", qpath(qid, "/drafts/" + "0" * 48))).status == 404
    assert (await api.call("GET", qpath(qid, "/drafts/not-a-token"))).status == 404
    assert (await api.call("PUT", qpath(qid, "/drafts/" + "f" * 48), None, final)).status == 404


async def test_rate_limit_and_size_limits_change_nothing(
    server: RunningServer, api: Api, group: Group
) -> None:
    assert server.app is not None
    qid = (await draft(api, group))["id"]
    await publish(api, group, qid)
    server.app[QUESTIONNAIRES].limiter = RateLimiter(1.0, 2, what="responses from your address")
    assert (await answer(api, qid, response_body())).status == 201
    assert (await answer(api, qid, response_body())).status == 201
    limited = await answer(api, qid, response_body())
    assert limited.status == 429 and limited.code == "rate_limited"
    assert int(limited.headers["Retry-After"]) >= 1
    assert await count(api, group, qid) == 2

    server.app[QUESTIONNAIRES].limiter = RateLimiter(0, 0)  # off
    too_long = await answer(api, qid, response_body(answers={2: "x" * 20_001}))
    assert too_long.status == 422 and "answers[0].text" in too_long.fields
    huge = {**response_body(), "padding": "x" * (600 * 1024)}
    too_big = await answer(api, qid, huge)
    assert too_big.status == 413 and too_big.code == "payload_too_large"
    unknown = await answer(api, qid, response_body(answers={99: "?"}))
    assert unknown.status == 422 and "answers[0].number" in unknown.fields
    stakeholder_q = await answer(api, qid, response_body(answers={1: "Government"}))
    assert stakeholder_q.status == 422
    longest = await answer(api, qid, response_body(answers={2: "y" * 20_000}))
    assert longest.status == 201
    assert await count(api, group, qid) == 3


async def seed_responses(server: RunningServer, api: Api, group: Group) -> int:
    qid = (await draft(api, group))["id"]
    await publish(api, group, qid, "2013-09-17T23:59")
    at(server, datetime(2013, 9, 1, tzinfo=UTC))
    bodies = [
        response_body("government", "Ministry of Communications, Brazil",
                      {2: "Governments on an equal footing.", 3: "Cybercrime and spam.",
                       5: "Cost of travel to Geneva."}),
        response_body("government", "Department of Telecommunications, India",
                      {2: "Enhanced cooperation needs a new body.", 4: "Roles per Tunis 35."}),
        response_body("civil_society", "Association for Progressive Communications",
                      {2: "Multistakeholder participation,\nwith remote access.",
                       3: "Privacy, \"surveillance\" and data protection."}),
        response_body("business", "ICC BASIS", {4: "Business brings expertise.", 6: "None."}),
    ]  # fmt: skip
    for body in bodies:
        assert (await answer(api, qid, body)).status == 201
    at(server, datetime(2013, 9, 20, tzinfo=UTC))
    late = response_body("technical_academic", "Internet Society", {5: "Language barriers; cost."})
    assert (await answer(api, qid, late)).body["late"] is True
    return int(qid)


async def test_views_filter_search_and_count(server: RunningServer, api: Api, group: Group) -> None:
    await check_views(server, api, group)


@pytest.mark.postgres
async def test_views_filter_search_and_count_on_postgres(pg_server: RunningServer) -> None:
    async with Api.open(pg_server.url) as api:
        group = await build_group(api, pg_server.token("chair", "op"), seed_text=None)
        await check_views(pg_server, api, group)


async def check_views(server: RunningServer, api: Api, group: Group) -> None:
    qid = await seed_responses(server, api, group)
    member = group.token("member")
    d = await api.ok("GET", qpath(qid, "/distribution"), member)
    assert (d["total"], d["on_time"], d["late"]) == (5, 4, 1)
    assert {k: v["total"] for k, v in d["by_stakeholder"].items()} == {
        "government": 2, "civil_society": 1, "business": 1, "technical_academic": 1,
    }  # fmt: skip
    assert d["by_stakeholder"]["technical_academic"]["late"] == 1
    # What the report (issue 13) cites: the same figures.
    assert server.app is not None
    figures = await server.app[QUESTIONNAIRES].figures(group.id)
    assert figures is not None and figures.questionnaire_id == qid
    assert figures.distribution.model_dump(mode="json") == d

    govs = await api.ok("GET", qpath(qid, "/responses?stakeholder=government"), member)
    assert {r["respondent"]["organisation"] for r in govs["responses"]} == {
        "Ministry of Communications, Brazil", "Department of Telecommunications, India",
    }  # fmt: skip
    late = await api.ok("GET", qpath(qid, "/responses?late=true"), member)
    assert [r["respondent"]["organisation"] for r in late["responses"]] == ["Internet Society"]
    # Grouping E is question 5: only the answers to it, only respondents who gave one.
    grouped = await api.ok("GET", qpath(qid, "/responses?grouping=E"), member)
    assert [[a["number"] for a in r["answers"]] for r in grouped["responses"]] == [[5], [5]]
    by_q = await api.ok("GET", qpath(qid, "/by-question?grouping=A"), member)
    assert [x["number"] for x in by_q["questions"]] == [2]
    assert len(by_q["questions"][0]["answers"]) == 3
    full = await api.ok("GET", qpath(qid, "/by-question"), member)
    # The big views are written without pydantic: exactly the documented shape still.
    schemas.ByQuestion.model_validate(full)
    schemas.ResponseList.model_validate(await api.ok("GET", qpath(qid, "/responses"), member))
    stakeholder_answers = full["questions"][0]["answers"]
    assert sorted(a["text"] for a in stakeholder_answers) == [
        "Business", "Civil Society", "Government", "Government", "Technical & Academic",
    ]  # fmt: skip

    hits = await api.ok("GET", qpath(qid, "/search?q=COST"), member)
    assert {(h["response_id"] > 0, h["number"]) for h in hits["hits"]} == {(True, 5)}
    assert hits["total"] == 2 and all("ost" in h["snippet"] for h in hits["hits"])
    both = await api.ok("GET", qpath(qid, "/search?q=travel+geneva"), member)
    assert [h["number"] for h in both["hits"]] == [5] and both["total"] == 1
    none = await api.ok("GET", qpath(qid, "/search?q=100%25_"), member)
    assert none["total"] == 0
    filtered = await api.ok("GET", qpath(qid, "/by-question?q=surveillance"), member)
    assert [(x["number"], len(x["answers"])) for x in filtered["questions"] if x["answers"]] == [
        (3, 1)
    ]


async def test_exports_read_back(server: RunningServer, api: Api, group: Group) -> None:
    qid = await seed_responses(server, api, group)
    chair = group.token("chair")
    listed = await api.ok("GET", qpath(qid, "/responses"), chair)
    reply = await api.session.get(
        api.base_url + qpath(qid, "/export?view=by-respondent&format=csv"),
        headers={"Authorization": f"Bearer {chair}"},
    )
    assert reply.status == 200 and reply.content_type == "text/csv"
    rows = list(csv.reader(io.StringIO((await reply.read()).decode(), newline="")))
    expected = [
        [str(r["id"]), r["stakeholder"], r["respondent"]["name"], r["respondent"]["organisation"],
         r["respondent"]["country"], r["submitted_at"],
         str(r["late"]).lower(), str(a["number"]), a["text"]]
        for r in listed["responses"] for a in r["answers"]
    ]  # fmt: skip
    assert rows[0][0] == "response_id" and rows[1:] == expected
    assert any("\n" in row[-1] for row in rows) and any('"' in row[-1] for row in rows)

    by_q = await api.ok("GET", qpath(qid, "/by-question"), chair)
    reply = await api.session.get(
        api.base_url + qpath(qid, "/export?view=by-question&format=csv"),
        headers={"Authorization": f"Bearer {chair}"},
    )
    rows = list(csv.reader(io.StringIO((await reply.read()).decode(), newline="")))
    assert [row[-1] for row in rows[1:]] == [
        a["text"] for x in by_q["questions"] for a in x["answers"]
    ]

    async def export(view: str, fmt: str) -> bytes:
        got = await api.session.get(
            api.base_url + qpath(qid, f"/export?view={view}&format={fmt}"),
            headers={"Authorization": f"Bearer {chair}"},
        )
        assert got.status == 200, await got.text()
        return await got.read()

    md = (await export("by-question", "md")).decode()
    assert "## Question 2 [A]." in md and "Governments on an equal footing." in md
    page = (await export("by-respondent", "html")).decode()
    assert "&quot;surveillance&quot;" in page and "<h2>" in page
    dist = list(csv.reader(io.StringIO((await export("distribution", "csv")).decode())))
    assert dist[-1] == ["all", "5", "4", "1"]
    document = Document(io.BytesIO(await export("by-question", "docx")))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading 2")]
    assert len(headings) == 6 and headings[1].startswith("Question 2 [A].")
    assert "Cost of travel to Geneva." in [p.text for p in document.paragraphs]
