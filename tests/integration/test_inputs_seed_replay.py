"""THE SEED REPLAY: the first two meetings of the WGEC (seed deck) as one test.

1st meeting: two breakout groups, led by Brazil and India, suggest questions in their
drafts; the plenary's questionnaire is drafted from their paragraphs (18 questions:
the stakeholder question first, 16 from the breakouts, comments and additional
topics last), published, and its deadline extended to 17 September 2013 (Geneva time:
Europe/Zurich). Respondents answer through the public API: 29 governments, 23 civil
society, 11 technical/academia, 8 business, as the seed's distribution says. Those
add up to 71, and the seed's total is 69: here 69 answered by the deadline and 2
after it ("contributions submitted after the deadline", a resource of the 2nd
meeting), so the distribution endpoint returns every figure of the seed: 69 on time,
2 late, 29/23/11/8 by stakeholder group. The questions' A-E grouping follows the seed.
2nd meeting: 483 issue items are drawn from passages of the answers and merged down
to 215 rows (merges of merges among them); each remaining row reaches every source of
the items merged into it, as the API's table shows.

The questionnaire, the answering, the distribution and the final table go through
the HTTP API. The 483 items and 268 merges go through the same service the API
calls (``app[ISSUES]``): creating one item and merging over HTTP (with the quote
check) is covered by test_issue_table.py and test_issue_sources.py, and 750 HTTP
round trips would only make this test slow.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from datetime import UTC, datetime
from typing import Any

import pytest

from server.issuetable import schemas as issues
from server.keys import ISSUES, QUESTIONNAIRES
from server.settings import Settings
from tests.support.groups import Api, Group
from tests.support.inputs import principal
from tests.support.issues import issues_path
from tests.support.servers import RunningServer

pytestmark = pytest.mark.timeout(600)

# The seed's grouping of the questions (A-E), by question number.
GROUPING = {2: "A", 3: "A", 4: "B", 8: "B", 9: "B", 5: "C", 6: "C", 7: "C", 14: "C",
            17: "C", 10: "D", 15: "D", 11: "E", 12: "E", 13: "E", 16: "E"}  # fmt: skip
TOPICS = {
    "A": "the implementation of the Tunis Agenda",
    "B": "public policy issues and possible mechanisms",
    "C": "the role of stakeholders",
    "D": "the role of developing countries",
    "E": "barriers to participation in enhanced cooperation",
}
RESPONDENTS = {"government": 29, "civil_society": 23, "technical_academic": 11, "business": 8}
LATE = {"government": 1, "civil_society": 1}  # after 17 September 2013
# The seed's results table starts with these; the other rows are built alike.
SEED_ROWS = [
    ("Allocation of domain names", "Critical Internet Resources"),
    ("Combating cybercrime", "Cybercrime"),
    ("Capacity building for IG", "Capacity building"),
    ("Multilingualism online", "Access"),
    ("Affordable broadband access", "Access"),
    ("Protection of personal data", "Privacy"),
    ("Spam", "Security"),
    ("Child online protection", "Security"),
    ("Net neutrality", "Infrastructure"),
    ("Internet exchange points", "Infrastructure"),
    ("IPv6 deployment", "Critical Internet Resources"),
    ("Freedom of expression online", "Human rights"),
    ("E-commerce taxation", "Economic"),
    ("Consumer protection", "Economic"),
    ("Intellectual property", "Economic"),
    ("Cross-border jurisdiction", "Legal"),
    ("Digital divide", "Development"),
    ("Environmental impact of ICTs", "Development"),
    ("Accessibility for persons with disabilities", "Access"),
    ("Internationalized domain names", "Critical Internet Resources"),
    ("Root zone management", "Critical Internet Resources"),
    ("Cybersecurity cooperation", "Security"),
    ("Emergency response teams", "Security"),
    ("Open standards", "Infrastructure"),
    ("Interconnection costs", "Economic"),
    ("Local content", "Development"),
    ("Online education", "Development"),
    ("Gender and ICTs", "Development"),
    ("Surveillance", "Human rights"),
    ("Trust in e-government", "Governance"),
    ("Participation of developing countries", "Governance"),
    ("Remote participation", "Governance"),
    ("Funding of IG processes", "Governance"),
    ("Spectrum management", "Infrastructure"),
    ("Data localisation", "Legal"),
    ("Cloud computing", "Economic"),
    ("Internet of things", "Infrastructure"),
    ("Mobile money", "Economic"),
    ("Youth participation", "Governance"),
    ("Cultural diversity", "Development"),
    ("Access to information", "Human rights"),
    ("Dispute resolution", "Legal"),
    ("Critical infrastructure protection", "Security"),
]
ASPECTS = ["", " at the national level", " in international fora", " for small states",
           " through multistakeholder processes"]  # fmt: skip


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # 71 respondents answer from one address here: the per-address limit is not the point.
    return settings.with_(questionnaire_answers_per_minute=6000.0, questionnaire_answers_burst=500)


@pytest.fixture
def seed_text() -> None:
    return None


def rows_of_the_table() -> list[tuple[str, str]]:
    """215 distinct rows: the seed's three, then issues by aspect."""
    rows = [(issue + aspect, category) for aspect in ASPECTS for issue, category in SEED_ROWS]
    return rows[:215]


async def breakout(api: Api, group: Group, leader: str, numbers: list[int]) -> dict[str, Any]:
    """A breakout group's draft (private to members) with its suggested questions."""
    name = f"{group.slug}-breakout-{leader.lower()}"
    await api.ok("POST", group.path("/documents"), group.token("chair"), {
        "name": name, "title": f"Breakout group led by {leader}", "kind": "breakout",
        "public": False,
    })  # fmt: skip
    ids = []
    for n in numbers:
        made = await api.ok("POST", f"/api/documents/{name}/paragraphs", group.token("member"), {
            "label": f"{leader[:2].upper()}{n}", "section": GROUPING[n],
            "text": f"Question {n}: what are your views on {TOPICS[GROUPING[n]]} ({n})?",
        })  # fmt: skip
        ids.append(made["id"])
    return {"document": name, "paragraph_ids": ids}


async def test_the_first_two_meetings_of_the_seed(
    server: RunningServer, api: Api, group: Group
) -> None:
    assert server.app is not None
    chair, secretariat = group.token("chair"), group.token("secretariat")
    await api.ok("PATCH", group.path(), group.operator, {"time_zone": "Europe/Zurich"})

    # -- 1st meeting: the questionnaire from the breakout groups' questions -------------
    brazil = await breakout(api, group, "Brazil", [2, 3, 4, 5, 6, 7, 8, 9])
    india = await breakout(api, group, "India", [10, 11, 12, 13, 14, 15, 16, 17])
    q = await api.ok("POST", group.path("/questionnaires"), secretariat,
                     {"title": "Questionnaire on enhanced cooperation"})  # fmt: skip
    qpath = f"/api/questionnaires/{q['id']}"
    for draft in (brazil, india):
        await api.ok("POST", qpath + "/import", secretariat, draft)
    published = await api.ok("POST", qpath + "/publish", secretariat,
                             {"deadline": "2013-08-31T23:59"})  # fmt: skip
    extended = await api.ok("POST", qpath + "/deadline", secretariat, {
        "deadline": "2013-09-17T23:59",
        "decision": "The Working Group extended the deadline for responses (1st meeting).",
    })  # fmt: skip
    assert extended["deadline"].startswith("2013-09-17T23:59")
    questions = published["questions"]
    assert len(questions) == 18
    assert questions[0]["kind"] == "stakeholder" and questions[-1]["kind"] == "comments"
    got_grouping = {x["number"]: x["grouping"] for x in questions if x["grouping"]}
    assert got_grouping == GROUPING
    by_group: dict[str, list[int]] = defaultdict(list)
    for number, letter in sorted(GROUPING.items()):
        by_group[letter].append(number)
    assert by_group == {"A": [2, 3], "B": [4, 8, 9], "C": [5, 6, 7, 14, 17], "D": [10, 15],
                        "E": [11, 12, 13, 16]}  # fmt: skip

    # -- the responses: 71 through the public API, 2 after the deadline -----------------
    rows = rows_of_the_table()
    # Items of the results table: 60 rows from 3 passages, 148 from 2, 7 from 1 (483).
    per_row = [3] * 60 + [2] * 148 + [1] * 7
    assert len(per_row) == 215 and sum(per_row) == 483
    plan: list[int] = [r for r, k in enumerate(per_row) for _ in range(k)]  # item -> row
    # Item i quotes respondent i % 69 on question 2 + i // 69 (483 distinct answers).
    quoted: dict[tuple[int, int], int] = {(i % 69, 2 + i // 69): i for i in range(483)}
    stakeholders = [s for s, n in RESPONDENTS.items() for _ in range(n)]
    late_left = Counter(LATE)
    service = server.app[QUESTIONNAIRES]
    receipts = []
    for respondent, stakeholder in enumerate(stakeholders):
        answers = []
        for number in range(2, 19):
            words = f"Respondent {respondent} on question {number}: cooperation matters."
            if (respondent, number) in quoted:
                issue = rows[plan[quoted[(respondent, number)]]][0]
                words = f"We consider that {issue.lower()} requires attention. " + words
            answers.append({"number": number, "text": words})
        late = late_left[stakeholder] > 0
        late_left[stakeholder] -= 1
        at = datetime(2013, 9, 20 if late else 10, 12, 0, tzinfo=UTC)
        service.clock = lambda at=at: at  # type: ignore[misc]
        reply = await api.call(
            "POST", qpath + "/responses", None,
            {"stakeholder": stakeholder, "respondent": {"name": f"Respondent {respondent}"},
             "answers": answers, "submit": True},
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )  # fmt: skip
        assert reply.status == 201, reply.body
        assert reply.body["late"] is late
        receipts.append(reply.body["id"])
    distribution = await api.ok("GET", qpath + "/distribution", group.token("member"))
    assert (distribution["total"], distribution["on_time"], distribution["late"]) == (71, 69, 2)
    assert {k: v["total"] for k, v in distribution["by_stakeholder"].items() if v["total"]} == (
        RESPONDENTS
    )
    assert {k: v["late"] for k, v in distribution["by_stakeholder"].items() if v["late"]} == LATE

    # -- 2nd meeting: 483 items from the answers, merged down to 215 ---------------------
    member = await principal(server, group.token("member"))
    table_service = server.app[ISSUES]
    bodies = []
    for i in range(483):
        respondent, number = i % 69, 2 + i // 69
        issue, category = rows[plan[i]]
        bodies.append(issues.IssueCreate(
            issue=issue, category=category, grouping=GROUPING[number],
            status="gap" if plan[i] % 3 else "existing mechanism",
            source=issues.SourceIn(response_id=receipts[respondent], question=number,
                                   exact=issue.lower()),
        ))  # fmt: skip
    made = await table_service.create_many(member, group.id, bodies)
    numbers = [item.number for item in made]
    assert len(numbers) == 483
    items_of_row: dict[int, list[int]] = defaultdict(list)
    for i, n in enumerate(numbers):
        items_of_row[plan[i]].append(n)
    for row_items in items_of_row.values():
        if len(row_items) == 3:  # a merge of a merge
            first, second, third = row_items
            await table_service.merge(
                member, group.id, issues.IssueMerge(into=second, items=[third])
            )
            await table_service.merge(
                member, group.id, issues.IssueMerge(into=first, items=[second])
            )
        elif len(row_items) == 2:
            await table_service.merge(
                member, group.id, issues.IssueMerge(into=row_items[0], items=[row_items[1]])
            )

    final = await api.ok("GET", issues_path(group), chair)
    assert final["counts"] == {"items": 483, "merged": 268, "remaining": 215}
    assert len(final["items"]) == 215
    source_of = {n: (receipts[i % 69], 2 + i // 69) for i, n in enumerate(numbers)}
    for item, (row, row_items) in zip(final["items"], sorted(items_of_row.items()), strict=True):
        assert (item["issue"], item["category"]) == rows[row]
        reached = {(s["item"], s["response_id"], s["question"]) for s in item["sources"]}
        assert reached == {(n, *source_of[n]) for n in row_items}
        assert all(s["exact"] == rows[row][0].lower() for s in item["sources"])
