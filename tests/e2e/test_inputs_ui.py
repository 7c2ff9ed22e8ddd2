"""The inputs in the web app, in a real browser against a real server.

Anyone answers a published questionnaire through the public form, without signing in,
with the keyboard only, on a phone-width screen; a member makes an item of the issue
table from a passage selected in an answer and merges it with another; a second
member's page shows each change live, without reloading.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.e2e.support import add_second_member, axe_violations, seed_document, signed_in_page
from tests.support.groups import Api, Group
from tests.support.servers import RunningServer

PHONE = {"width": 390, "height": 844}
PASSAGE = "a permanent multistakeholder forum"
ANSWER = (
    "Enhanced cooperation needs " + PASSAGE + " that meets every year, "
    "with remote participation for all stakeholders."
)
OTHER = "capacity building in developing countries"


async def published_questionnaire(api: Api, group: Group) -> dict[str, Any]:
    """A questionnaire drafted from two paragraphs of the group's text, published."""
    chair = group.token("chair")
    q = await api.ok("POST", group.path("/questionnaires"), chair, {"title": "WGEC questionnaire"})
    await api.ok(
        "POST",
        f"/api/questionnaires/{q['id']}/import",
        chair,
        {"document": group.document, "paragraph_ids": ["op1", "op2"]},
    )
    published: dict[str, Any] = await api.ok(
        "POST", f"/api/questionnaires/{q['id']}/publish", chair, {"deadline": "2099-09-17T23:59"}
    )
    return published


async def focus_by_tab(page: Any, selector: str, limit: int = 60) -> None:
    """Press Tab until ``selector`` holds the focus (as a keyboard user reaches it)."""
    for _ in range(limit):
        if await page.evaluate("s => document.activeElement?.matches(s) ?? false", selector):
            return
        await page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


async def unnamed_controls(page: Any, scope: str) -> list[str]:
    """Form controls and buttons in ``scope`` that a screen reader could not name (no
    label, no aria-label(ledby), no text): axe's "label" / "button-name" rules, which
    tests/e2e has no axe-core to run."""
    found: list[str] = await page.evaluate(
        """scope => Array.from(document.querySelectorAll(
                `${scope} input, ${scope} select, ${scope} textarea, ${scope} button`))
            .filter(el => !(el.labels && el.labels.length)
                && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby')
                && !(el.tagName === 'BUTTON' && el.textContent.trim()))
            .map(el => el.outerHTML.slice(0, 80))""",
        scope,
    )
    return found


async def focused(page: Any) -> str:
    found: str = await page.evaluate("() => document.activeElement?.id ?? ''")
    return found


async def test_public_form_is_answered_keyboard_only_at_phone_width(
    server: RunningServer, api: Api, group: Group, browser: Any, artifacts: Path
) -> None:
    await seed_document(server, group.document)
    q = await published_questionnaire(api, group)
    text_questions = [x for x in q["questions"] if x["kind"] != "stakeholder"]
    assert q["questions"][0]["kind"] == "stakeholder" and len(text_questions) == 3

    context = await browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # A questionnaire still in draft is not open to the public.
    draft = await api.ok(
        "POST", group.path("/questionnaires"), group.token("chair"), {"title": "Next version"}
    )
    await page.goto(f"{server.url}/?answer={draft['id']}")
    await page.locator(".rt-note", has_text="not open for answers").wait_for()
    await page.goto(f"{server.url}/?answer={q['id']}")
    await page.wait_for_selector("form.rt-answer-form")
    # Nothing is wider than the phone; every control has a name.
    assert await page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    assert await unnamed_controls(page, ".rt-answer-page") == []
    assert await axe_violations(page) == []

    # Submitting without the stakeholder question: a clear error, focus on the summary.
    await focus_by_tab(page, "button.rt-submit")
    await page.keyboard.press("Enter")
    summary = page.locator(".rt-error-summary")
    await summary.wait_for()
    assert await page.evaluate(
        "() => document.activeElement.classList.contains('rt-error-summary')"
    )
    assert await page.locator("#stakeholder[aria-invalid=true]").count() == 1
    assert "Choose one." in await page.locator("#stakeholder-error").inner_text()
    # The summary's link takes the keyboard to the question.
    await page.keyboard.press("Tab")
    await page.keyboard.press("Enter")
    assert await focused(page) == "stakeholder-government"
    # Arrow keys choose among the stakeholder groups.
    await page.keyboard.press("ArrowDown")
    assert await focused(page) == "stakeholder-civil_society"
    assert await page.is_checked("#stakeholder-civil_society")

    await page.keyboard.press("Tab")
    assert await focused(page) == "respondent-name"
    await page.keyboard.type("Anja Kovacs")
    await page.keyboard.press("Tab")
    await page.keyboard.type("Internet Democracy Project")
    await page.keyboard.press("Tab")
    await page.keyboard.type("India")
    for number, text in (
        (text_questions[0]["number"], ANSWER),
        (text_questions[1]["number"], OTHER),
    ):
        await focus_by_tab(page, f"#answer-{number}")
        await page.keyboard.type(text)

    # Save a draft: the private link is shown; the draft is on the server.
    await focus_by_tab(page, "button.rt-save-draft")
    await page.keyboard.press("Enter")
    link = page.locator("#private-link")
    await link.wait_for()
    url = await link.input_value()
    assert f"answer={q['id']}" in url and "draft=" in url
    token = url.split("draft=")[1].split("&")[0]
    draft = await api.ok("GET", f"/api/questionnaires/{q['id']}/drafts/{token}")
    assert draft["state"] == "draft" and draft["stakeholder"] == "civil_society"
    assert {a["number"]: a["text"] for a in draft["answers"]}[text_questions[0]["number"]] == ANSWER
    await page.screenshot(path=str(artifacts / "inputs-public-form-phone.png"), full_page=True)

    # Submit, by keyboard.
    await focus_by_tab(page, "button.rt-submit")
    await page.keyboard.press("Enter")
    done = page.locator(".rt-submitted")
    await done.wait_for()
    assert "your response was received" in await done.inner_text()
    assert await done.get_attribute("data-late") == "false"
    listed = await api.ok("GET", f"/api/questionnaires/{q['id']}/responses", group.token("chair"))
    assert len(listed["responses"]) == 1
    (response,) = listed["responses"]
    assert response["stakeholder"] == "civil_society" and not response["late"]
    assert response["respondent"]["organisation"] == "Internet Democracy Project"
    # Opening the private link again: already submitted (nothing to resend).
    await page.goto(url)
    await page.locator(".rt-note", has_text="already submitted").wait_for()
    assert (
        len(
            (await api.ok("GET", f"/api/questionnaires/{q['id']}/responses", group.token("chair")))[
                "responses"
            ]
        )
        == 1
    )

    # The same form in French.
    await page.goto(f"{server.url}/?answer={q['id']}&lang=fr")
    await page.get_by_role("button", name="Envoyer la réponse").wait_for()
    assert await page.get_by_label("Société civile").count() == 1

    # A submission whose answer is lost on the way back: the server has it; sending
    # again (same form, same Idempotency-Key) gets the same receipt, not a second one.
    lost: list[str] = []

    async def lose_first_answer(route: Any) -> None:
        if lost:
            await route.continue_()
            return
        reply = await route.fetch()  # the server receives and handles the request
        lost.append(str(reply.status))
        await route.abort("connectionreset")

    await page.route("**/api/questionnaires/*/responses", lose_first_answer)
    await focus_by_tab(page, "#stakeholder-government")
    await page.keyboard.press("Space")
    await focus_by_tab(page, f"#answer-{text_questions[0]['number']}")
    await page.keyboard.type("Une seule réponse, envoyée deux fois.")
    await focus_by_tab(page, "button.rt-submit")
    await page.keyboard.press("Enter")
    await summary.filter(has_text="ne sera pas comptée deux fois").wait_for()
    assert lost == ["201"]
    await focus_by_tab(page, "button.rt-submit")
    await page.keyboard.press("Enter")
    await page.locator(".rt-submitted", has_text="Merci").wait_for()
    listed = await api.ok("GET", f"/api/questionnaires/{q['id']}/responses", group.token("chair"))
    assert sorted(r["stakeholder"] for r in listed["responses"]) == ["civil_society", "government"]
    assert errors == []
    await context.close()


async def answer_through_api(api: Api, qid: int, key: str, stakeholder: str, text: str) -> int:
    reply = await api.call(
        "POST",
        f"/api/questionnaires/{qid}/responses",
        body={
            "stakeholder": stakeholder,
            "respondent": {"name": key, "organisation": "", "country": ""},
            "answers": [{"number": 2, "text": text}],
            "submit": True,
        },
        headers={"Idempotency-Key": "e2e-" + key},
    )
    assert reply.status == 201, reply.body
    rid: int = reply.body["id"]
    return rid


async def select_in_answer(page: Any, response_id: int, question: int, needle: str) -> None:
    """Drag the mouse over ``needle`` in an answer, as a person selects text."""
    box = await page.evaluate(
        """([rid, q, needle]) => {
            const el = document.querySelector(
                `.rt-answer-text[data-response="${rid}"][data-question="${q}"]`);
            const node = el.firstChild;
            const at = node.data.indexOf(needle);
            if (at < 0) return null;
            el.scrollIntoView({block: 'center'});
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + needle.length);
            const rects = range.getClientRects();
            const first = rects[0], last = rects[rects.length - 1];
            return {x0: first.left + 1, y0: first.top + first.height / 2,
                    x1: last.right - 1, y1: last.top + last.height / 2};
        }""",
        [response_id, question, needle],
    )
    assert box is not None, f"{needle!r} not shown"
    await page.mouse.move(box["x0"], box["y0"])
    await page.mouse.down()
    await page.mouse.move(box["x1"], box["y1"], steps=6)
    await page.mouse.up()
    assert await page.evaluate("() => document.getSelection().toString()") == needle


def row(page: Any, number: int) -> Any:
    return page.locator(f'table.rt-issues tr[data-number="{number}"]')


async def test_issue_item_from_a_selected_passage_is_merged_and_seen_live(
    server: RunningServer, api: Api, group: Group, browser: Any, artifacts: Path
) -> None:
    await seed_document(server, group.document)
    await add_second_member(api, group)
    q = await published_questionnaire(api, group)
    first = await answer_through_api(api, q["id"], "brazil-1", "government", ANSWER)
    second = await answer_through_api(api, q["id"], "isoc-1", "technical_academic", OTHER + ".")

    ctx_a, brazil = await signed_in_page(browser, api, group, "member")
    ctx_b, kenya = await signed_in_page(browser, api, group, "member2")
    # Kenya follows the issue table; it stays on the page throughout.
    await kenya.goto(f"{server.url}/?issues={group.id}")
    await kenya.locator(".rt-conn[data-state=connected]").wait_for()
    await kenya.evaluate("() => { window.rtNoReload = true; }")
    assert await kenya.locator(".rt-counts").get_attribute("data-items") == "0"

    # Brazil selects a passage of an answer in the responses and makes it an item.
    await brazil.goto(f"{server.url}/?responses={q['id']}")
    await brazil.locator(f'.rt-answer-text[data-response="{first}"][data-question="2"]').wait_for()
    # The views: by question and the distribution (tabs, by keyboard); filters; search.
    await brazil.get_by_role("tab", name="By respondent").focus()
    await brazil.keyboard.press("ArrowRight")
    q2 = brazil.locator('.rt-by-question[data-number="2"]')
    await q2.wait_for()
    assert await q2.locator(".rt-answer-text").count() == 2
    await brazil.keyboard.press("ArrowRight")
    government = brazil.locator('table.rt-distribution tr[data-stakeholder="government"]')
    await government.wait_for()
    assert "1" in await government.inner_text()
    assert "2" in await brazil.locator('tr[data-stakeholder="total"]').inner_text()
    await brazil.get_by_role("tab", name="By respondent").click()
    await brazil.get_by_label("Stakeholder group").select_option("government")
    await brazil.locator(".rt-response").nth(1).wait_for(state="detached")
    assert await brazil.locator(".rt-response").count() == 1
    await brazil.get_by_label("Stakeholder group").select_option("")
    await brazil.locator(".rt-response").nth(1).wait_for()
    await brazil.get_by_label("Search all answers").fill("capacity")
    await brazil.keyboard.press("Enter")
    await brazil.locator(".rt-hits", has_text="Matching answers: 1").wait_for()
    csv = await brazil.locator(".rt-export-csv").get_attribute("href")
    assert csv is not None and "view=by-respondent" in csv and "format=csv" in csv
    assert "q=capacity" in csv  # the view as filtered
    exported = await api.call("GET", csv, group.token("member"))
    assert exported.status == 200 and "capacity building" in str(exported.body)
    await brazil.get_by_label("Search all answers").fill("")
    await brazil.keyboard.press("Enter")
    await brazil.locator(".rt-response").nth(1).wait_for()

    await select_in_answer(brazil, first, 2, PASSAGE)
    await brazil.get_by_role("button", name="New issue item from selection").click()
    assert await brazil.get_by_label("Passage (the answer").input_value() == PASSAGE
    assert await unnamed_controls(brazil, ".rt-responses-page") == []
    assert await axe_violations(brazil) == []
    await brazil.screenshot(path=str(artifacts / "inputs-responses.png"), full_page=True)
    await brazil.get_by_label("Category").fill("Institutional")
    await brazil.get_by_label("Status").fill("gap")
    await brazil.get_by_role("button", name="Create", exact=True).click()
    await brazil.locator(".rt-item-composer", has_text="Item 1 created.").wait_for()

    # Kenya's table shows it, live.
    await row(kenya, 1).wait_for()
    assert PASSAGE in await row(kenya, 1).locator(".rt-c-issue").inner_text()
    assert await row(kenya, 1).locator(".rt-c-grouping").inner_text() == "A"
    table = (await api.ok("GET", group.path("/issues"), group.token("member")))["items"]
    (item,) = table
    (src,) = item["sources"]
    assert (src["response_id"], src["question"], src["exact"]) == (first, 2, PASSAGE)
    assert src["suffix"].startswith(" that meets every year")

    # A second item from the other answer, by keyboard only: Enter on the answer opens
    # the form with the whole answer, trimmed there to the passage.
    await focus_by_tab(brazil, f'.rt-answer-text[data-response="{second}"][data-question="2"]')
    await brazil.keyboard.press("Enter")
    assert await focused(brazil) == "item-issue"
    await brazil.keyboard.press("Shift+Tab")
    assert await focused(brazil) == "item-passage"
    assert await brazil.locator("#item-passage").input_value() == OTHER + "."
    await brazil.keyboard.press("End")
    await brazil.keyboard.press("Backspace")
    await focus_by_tab(brazil, "button.rt-item-create")
    await brazil.keyboard.press("Enter")
    await brazil.locator(".rt-item-composer", has_text="Item 2 created.").wait_for()
    items = (await api.ok("GET", group.path("/issues"), group.token("member")))["items"]
    (src2,) = next(i for i in items if i["number"] == 2)["sources"]
    assert (src2["response_id"], src2["exact"], src2["suffix"]) == (second, OTHER, ".")
    await row(kenya, 2).wait_for()
    assert await kenya.locator(".rt-counts").inner_text() == "2 items, 0 merged, 2 remaining"

    # Brazil merges the two into item 1 in the issue table.
    await brazil.goto(f"{server.url}/?issues={group.id}")
    await brazil.locator(".rt-conn[data-state=connected]").wait_for()
    assert await unnamed_controls(brazil, ".rt-issues-page") == []
    assert await axe_violations(brazil) == []
    await brazil.get_by_label("Select item 1").check()
    await brazil.get_by_label("Select item 2").check()
    await brazil.get_by_label("Merge into").select_option("1")
    await brazil.get_by_role("button", name="Merge selected").click()
    await brazil.locator(".rt-status-line", has_text="merged into 1").wait_for()

    # Kenya: counts and rows change live; the kept item reaches both sources.
    counts = kenya.locator(".rt-counts")
    await counts.filter(has_text="2 items, 1 merged, 1 remaining").wait_for()
    await row(kenya, 2).wait_for(state="detached")
    assert "keeps 2" in await row(kenya, 1).inner_text()
    assert "2 sources" in await row(kenya, 1).locator(".rt-sources summary").inner_text()

    # Brazil edits the kept item inline; Kenya sees the new wording live.
    await brazil.get_by_role("button", name="Edit item 1").click()
    issue = brazil.get_by_label("Issue (1)")
    await issue.fill("A permanent forum for enhanced cooperation")
    await brazil.locator("tr.rt-editing .rt-row-save").click()
    await brazil.locator(".rt-status-line", has_text="Item 1 saved.").wait_for()
    await row(kenya, 1).locator(".rt-c-issue", has_text="A permanent forum").wait_for()
    # A stale edit (Kenya edits from the revision before a change of Brazil's) is refused
    # and the current row shown.
    await kenya.get_by_role("button", name="Edit item 1").click()
    await api.ok(
        "PATCH",
        group.path("/issues/1"),
        group.token("member"),
        {
            "status": "existing mechanism",
            "revision": (await api.ok("GET", group.path("/issues"), group.token("member")))[
                "items"
            ][0]["revision"],
        },
    )
    await kenya.get_by_label("Status (1)").fill("gap")
    await kenya.locator("tr.rt-editing .rt-row-save").click()
    await kenya.locator(".rt-status-line", has_text="changed by someone else").wait_for()
    assert await row(kenya, 1).locator(".rt-c-status").inner_text() == "existing mechanism"

    # Brazil cites the kept item in recommendation OP1; Kenya sees where it is cited.
    await brazil.get_by_label("No", exact=True).fill("1")
    await brazil.get_by_label("Paragraph", exact=True).select_option("op1")
    await brazil.get_by_role("button", name="Cite", exact=True).click()
    await row(kenya, 1).locator(".rt-citations", has_text="OP1").wait_for()
    cites = await api.ok("GET", f"/api/documents/{group.document}/citations", group.token("member"))
    assert [(p["label"], p["items"]) for p in cites["paragraphs"]] == [("OP1", [1])]

    final = await api.ok("GET", group.path("/issues"), group.token("member"))
    assert final["counts"] == {"items": 2, "merged": 1, "remaining": 1}
    kept = next(i for i in final["items"] if i["number"] == 1)
    assert sorted(s["response_id"] for s in kept["sources"]) == sorted([first, second])
    assert await kenya.evaluate("() => window.rtNoReload === true")
    csv = await kenya.locator(".rt-issues-page .rt-export-csv").get_attribute("href")
    assert csv is not None
    exported = await api.call("GET", csv, group.token("member2"))
    assert exported.status == 200 and "A permanent forum for enhanced cooperation" in str(
        exported.body
    )
    await kenya.screenshot(path=str(artifacts / "inputs-issue-table.png"), full_page=True)
    # At phone width the page does not overflow (the table scrolls in its own region).
    await brazil.set_viewport_size(PHONE)
    for view in (f"issues={group.id}", f"responses={q['id']}"):
        await brazil.goto(f"{server.url}/?{view}")
        await brazil.locator("table.rt-issues, .rt-response").first.wait_for()
        width = await brazil.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE["width"], view
    for page in (brazil, kenya):
        assert page.errors == []
    await ctx_a.close()
    await ctx_b.close()


async def test_questionnaire_is_drafted_published_and_extended_in_the_editor(
    server: RunningServer, api: Api, group: Group, browser: Any, artifacts: Path
) -> None:
    await seed_document(server, group.document)
    ctx_c, chair = await signed_in_page(browser, api, group, "chair")
    # The chair creates it from the group's home page.
    await chair.get_by_label("Title of the questionnaire").fill("WGEC questionnaire")
    await chair.get_by_role("button", name="Create", exact=True).click()
    await chair.wait_for_url("**/?questionnaire=*")
    qid = int(chair.url.split("questionnaire=")[1].split("&")[0])
    await chair.locator(".rt-conn[data-state=connected]").wait_for()
    preview = chair.locator(".rt-q-preview li")
    # The new draft: the stakeholder question first, the comments question last.
    await preview.nth(1).wait_for()
    assert await preview.count() == 2
    assert "stakeholder group" in await preview.nth(0).inner_text()
    # Questions imported from a draft of the group appear live, in order, with their
    # grouping (its paragraphs' sections).
    await chair.get_by_label("Draft (e.g. a breakout group").select_option(group.document)
    await chair.get_by_label("OP1:").check()
    await chair.get_by_label("OP2:").check()
    await chair.get_by_role("button", name="Import selected").click()
    await chair.locator(".rt-status-line", has_text="2 questions imported.").wait_for()
    await preview.nth(3).wait_for()
    assert "Grouping A" in await preview.nth(1).inner_text()
    assert "Grouping B" in await preview.nth(2).inner_text()

    await chair.get_by_label("Deadline (UTC)", exact=True).fill("2013-09-15T23:59")
    await chair.get_by_role("button", name="Publish", exact=True).click()
    await chair.locator(".rt-q-published", has_text="Published questions (version 1)").wait_for()
    await chair.locator(".rt-status-line", has_text="Published (version 1).").wait_for()
    await chair.locator(".rt-q-questions li").nth(3).wait_for()
    assert await chair.locator(".rt-q-questions li").count() == 4
    await chair.get_by_label("New deadline (UTC)").fill("2013-09-17T23:59")
    await chair.get_by_label("Decision (as recorded)").fill("WGEC-1 agreed to extend the deadline")
    await chair.get_by_role("button", name="Extend", exact=True).click()
    await chair.locator(".rt-deadline", has_text="2013-09-17 23:59").wait_for()
    await chair.locator(".rt-extensions li", has_text="WGEC-1 agreed").wait_for()
    (ext,) = (await api.ok("GET", f"/api/questionnaires/{qid}/extensions", group.token("chair")))[
        "extensions"
    ]
    assert (ext["old"], ext["new"]) == ("2013-09-15T23:59", "2013-09-17T23:59")
    await chair.screenshot(path=str(artifacts / "inputs-questionnaire-editor.png"), full_page=True)
    assert await unnamed_controls(chair, ".rt-q-panel") == []
    # The questionnaire's own panel (the embedded document editor is audited with the
    # document page, in the meeting-room issue).
    assert await axe_violations(chair, within=".rt-q-panel") == []

    # A member reads it (and co-edits the draft) but neither publishes nor extends.
    ctx_m, member = await signed_in_page(browser, api, group, "member")
    await member.goto(f"{server.url}/?questionnaire={qid}")
    await member.locator(".rt-q-questions li").nth(3).wait_for()
    assert await member.locator(".rt-q-publish, .rt-q-extend").count() == 0
    await member.locator(".rt-extensions li", has_text="WGEC-1 agreed").wait_for()
    for page in (chair, member):
        assert page.errors == []
    await ctx_c.close()
    await ctx_m.close()


def area_row(page: Any, number: int) -> Any:
    return page.locator("table.rt-mapping tbody tr").filter(
        has=page.locator("th", has_text=str(number))
    )


async def test_mapping_table_is_co_edited_live(
    server: RunningServer, api: Api, group: Group, browser: Any
) -> None:
    await add_second_member(api, group)
    cg = await api.ok(
        "POST",
        group.path("/correspondence"),
        group.token("chair"),
        {
            "title": "Correspondence group on the mapping exercise",
            "chair_person_id": group.people["member"].id,
            "members": [group.people["member2"].id],
        },
    )
    ctx_a, brazil = await signed_in_page(browser, api, group, "member")
    ctx_b, kenya = await signed_in_page(browser, api, group, "member2")
    for page in (brazil, kenya):
        await page.goto(f"{server.url}/?correspondence={cg['id']}")
        await page.locator(".rt-conn[data-state=connected]").wait_for()
        await page.evaluate("() => { window.rtNoReload = true; }")
    assert "Terms of reference" in await kenya.locator(".rt-cg-facts").inner_text()
    assert await unnamed_controls(kenya, ".rt-cg-page") == []
    assert await axe_violations(kenya) == []

    # Brazil (the group's chair) adds an area; Kenya sees it live.
    await brazil.get_by_label("Area", exact=True).fill("Internet governance forums")
    await brazil.get_by_role("button", name="Add", exact=True).click()
    await area_row(kenya, 1).locator(".rt-c-area", has_text="Internet governance").wait_for()
    # Kenya (a member of the group) fills in its mechanisms; Brazil sees them live.
    await kenya.get_by_role("button", name="Edit area 1").click()
    await kenya.get_by_label("Existing mechanisms (1)").fill("IGF, regional IGFs")
    await kenya.locator("tr.rt-editing .rt-row-save").click()
    await area_row(brazil, 1).locator(".rt-c-mechanisms", has_text="IGF, regional IGFs").wait_for()
    (area,) = (await api.ok("GET", f"/api/correspondence/{cg['id']}/areas", group.token("chair")))[
        "areas"
    ]
    assert (area["area"], area["mechanisms"]) == (
        "Internet governance forums",
        "IGF, regional IGFs",
    )
    # The officers make the chair's report; the group's members see it attached, live.
    assert await kenya.locator("form.rt-cg-docs:visible").count() == 0
    ctx_c, chair = await signed_in_page(browser, api, group, "chair")
    await chair.goto(f"{server.url}/?correspondence={cg['id']}")
    await chair.get_by_role("button", name="Create the chair\u2019s report").click()
    await chair.locator(".rt-status-line", has_text="Document created").wait_for()
    await kenya.locator(".rt-cg-facts", has_text="Chair\u2019s report").wait_for()
    assert (await api.ok("GET", f"/api/correspondence/{cg['id']}", group.token("member")))[
        "report_document"
    ]
    # The officers name the members; the group's members see the list change live.
    secretariat = group.people["secretariat"]
    await chair.get_by_label("Add a member").select_option(str(secretariat.id))
    await chair.locator("form.rt-cg-add-member").get_by_role("button", name="Add").click()
    await kenya.locator(".rt-cg-members li", has_text=secretariat.name).wait_for()
    await chair.get_by_role("button", name=f"Remove {secretariat.name} from the group").click()
    await kenya.locator(".rt-cg-members li", has_text=secretariat.name).wait_for(state="detached")
    for page in (brazil, kenya):
        assert await page.evaluate("() => window.rtNoReload === true")
    # At phone width the page does not overflow (the table scrolls in its own region).
    await kenya.set_viewport_size(PHONE)
    assert await kenya.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    for page in (brazil, kenya, chair):
        assert page.errors == []
    for ctx in (ctx_a, ctx_b, ctx_c):
        await ctx.close()
