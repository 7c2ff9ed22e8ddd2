"""Rolling text v2 in real browsers: moves that keep offline words, status set live by the
chair and locks, delete with confirmation and Undo, restore, and the proposal queue.

Needs the server side of the issue: the commands (server/paragraphs, branch v2-gov) and
the guard that reverts a member's edit of a locked paragraph (server/rooms/guard.py,
branch v2-guard).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from crdt.schema import ParagraphSpec
from tests.e2e.support import (
    add_second_member,
    editor,
    eventually,
    live_session,
    open_document,
    page_text,
    seed_document,
    server_content,
    server_paragraph,
    server_record,
    shown_ids,
    signed_in_page,
    ydoc_text,
)
from tests.support.groups import Api, Group
from tests.support.servers import RunningServer

OP1 = "Enhanced cooperation should [enable governments] to act."
OP5 = "Capacity building matters for developing countries."
SPECS = (
    ParagraphSpec("PP1", "intro", text="The Working Group was established.", id="pp1"),
    ParagraphSpec("OP1", "A", "recommendation", OP1, "what", ("Brazil",), id="op1"),
    ParagraphSpec("OP2", "A", "recommendation", "Funding [should] follow.", id="op2"),
    ParagraphSpec("OP4", "A", "recommendation", "Standards are set openly.", id="op4"),
    ParagraphSpec("OP5", "A", "recommendation", OP5, id="op5"),
    ParagraphSpec("C1", "conclusion", text="The Group concludes its work.", id="c1"),
)


def badge(page: Any, pid: str) -> Any:
    return page.locator(f'.rt-paragraph[data-id="{pid}"] .rt-para-status')


async def badge_is(page: Any, pid: str, label: str) -> bool:
    loc = badge(page, pid)
    return bool(await loc.count() == 1 and (await loc.inner_text()).strip() == label)


async def test_offline_words_survive_a_move_of_their_paragraph(
    server: RunningServer, api: Api, group: Group, browser: Any, artifacts: Path
) -> None:
    """B (offline) types in OP5 while A moves OP5 up: B's words are on both pages and on
    the server once B is back, OP5 is shown once, where A moved it."""
    await seed_document(server, group.document, SPECS)
    await add_second_member(api, group)
    ctx_a, a = await signed_in_page(browser, api, group, "member")
    ctx_b, b = await signed_in_page(browser, api, group, "member2")
    for page in (a, b):
        await open_document(page, server.url, group.document)

    await ctx_b.set_offline(True)
    await b.wait_for_selector(".rt-conn[data-state=offline]")
    await editor(b, "op5").click()
    await b.keyboard.press("Control+End")
    await b.keyboard.type(" Kenya insists.")
    assert "unsent" in await b.locator(".rt-conn").inner_text()

    await a.get_by_role("button", name="Move paragraph OP5 up").click()
    moved = ["op1", "op2", "op5", "op4"]

    async def a_moved() -> bool:
        return await shown_ids(a, "A") == moved

    await eventually(a_moved)

    async def server_moved() -> bool:
        content = await server_content(api, group, group.document)
        shown = [p["id"] for p in content["paragraphs"] if p["status"] != "deleted"]
        return shown == ["pp1", *moved, "c1"]

    await eventually(server_moved)
    # Offline, B still has the old order and its own words.
    assert await shown_ids(b, "A") == ["op1", "op2", "op4", "op5"]

    await ctx_b.set_offline(False)
    await b.wait_for_selector(".rt-conn[data-state=connected]")
    expected = OP5 + " Kenya insists."

    async def converged() -> bool:
        return (
            await ydoc_text(a, "op5") == expected
            and await page_text(a, "op5") == expected
            and await page_text(b, "op5") == expected
            and await shown_ids(b, "A") == moved
        )

    await eventually(converged, timeout=10)
    assert await server_paragraph(api, group, group.document, "op5") == expected
    for page in (a, b):
        assert await page.locator('.rt-paragraph[data-id="op5"]').count() == 1
    content = await server_content(api, group, group.document)
    assert [p["id"] for p in content["paragraphs"]].count("op5") == 1
    await a.locator(".rt-doc").screenshot(path=str(artifacts / "v2-offline-move.png"))
    for page in (a, b):
        assert page.errors == []
    for ctx in (ctx_a, ctx_b):
        await ctx.close()


async def test_chair_sets_agreed_live_and_the_member_cannot_change_it(
    server: RunningServer, api: Api, group: Group, browser: Any, artifacts: Path
) -> None:
    await seed_document(server, group.document, SPECS)
    sid = await live_session(api, group)
    ctx_c, chair = await signed_in_page(browser, api, group, "chair")
    ctx_m, member = await signed_in_page(browser, api, group, "member")
    ctx_f, follower = await signed_in_page(browser, api, group, "follower")
    await open_document(chair, server.url, group.document)
    await open_document(member, server.url, group.document)
    await follower.goto(f"{server.url}/?session={sid}")
    await follower.wait_for_selector('.rt-paragraph[data-id="op1"] .cm-content')

    # The chair is told which session decisions go into.
    note = chair.locator(".rt-session-note")
    await note.wait_for()
    assert "Plenary, afternoon" in await note.inner_text()
    # Only chair and secretariat set a status; a member proposes instead.
    assert await member.get_by_role("combobox", name="Status of paragraph OP1").count() == 0
    assert await member.get_by_role("button", name="Propose a status for paragraph OP1").count()
    assert await follower.locator(".rt-status-select, .rt-propose").count() == 0
    for page in (chair, member, follower):
        assert await badge_is(page, "op1", "draft")

    set_status = chair.get_by_role("button", name="Set the status of paragraph OP1")
    assert await set_status.is_disabled()  # nothing chosen yet
    await chair.get_by_role("combobox", name="Status of paragraph OP1").select_option("agreed")
    await chair.get_by_role("button", name="Set the status of paragraph OP1").click()
    for page in (member, follower, chair):
        await eventually(partial(badge_is, page, "op1", "agreed"))
    lock = member.get_by_role("img", name="Locked: paragraph OP1 is agreed and cannot be edited")
    await lock.wait_for()
    assert await editor(member, "op1").get_attribute("contenteditable") == "false"
    assert await editor(member, "op1").get_attribute("aria-readonly") == "true"
    # Agreed text cannot be deleted either (the chair reopens it first).
    assert not await member.get_by_role("button", name="Delete paragraph OP1").is_visible()
    # The chair may still edit it (an officer's edit is kept).
    assert await editor(chair, "op1").get_attribute("contenteditable") == "true"

    # A keystroke forced through (straight into the member's Y.Doc) does not take.
    await member.evaluate("() => window.rt.doc.getText('p:op1').insert(0, 'FORCED ')")

    async def reverted() -> bool:
        return (
            await ydoc_text(member, "op1") == OP1
            and await page_text(member, "op1") == OP1
            and await ydoc_text(chair, "op1") == OP1
        )

    await eventually(reverted)
    assert await server_paragraph(api, group, group.document, "op1") == OP1
    # The server said so (its `error` event, code paragraph_locked): the member is told.
    await member.locator(".rt-toast-error", has_text="your edit was not kept").wait_for()

    # The decision names who and the session row.
    decisions = await api.ok(
        "GET",
        f"/api/documents/{group.document}/decisions?paragraph=op1",
        group.token("member"),
    )
    (decision,) = [d for d in decisions["decisions"] if d["action"] == "status"]
    assert decision["session"] == sid
    assert decision["by"]["name"] == group.people["chair"].name
    # The member reads it in the paragraph's history.
    await member.get_by_role("button", name="History of paragraph OP1").click()
    entry = member.get_by_role("list", name="Decisions on paragraph OP1").locator(
        '[data-action="status"]'
    )
    await entry.wait_for()
    shown = await entry.inner_text()
    assert "draft → agreed" in shown and f"session #{sid}" in shown, shown
    assert group.people["chair"].name in shown

    # Reopened: the member's editor takes keystrokes again.
    await chair.get_by_role("combobox", name="Status of paragraph OP1").select_option(
        "to_be_revisited"
    )
    await chair.get_by_role("button", name="Set the status of paragraph OP1").click()
    await eventually(lambda: badge_is(member, "op1", "to be revisited"))

    async def editable() -> bool:
        return bool(await editor(member, "op1").get_attribute("contenteditable") == "true")

    await eventually(editable)
    await editor(member, "op1").click()
    await member.keyboard.press("Control+End")
    await member.keyboard.type(" Reopened.")

    async def stored() -> bool:
        return await server_paragraph(api, group, group.document, "op1") == OP1 + " Reopened."

    await eventually(stored)
    await member.screenshot(path=str(artifacts / "v2-status-lock.png"))
    for page in (chair, member, follower):
        assert page.errors == []
    for ctx in (ctx_c, ctx_m, ctx_f):
        await ctx.close()


async def test_delete_asks_first_undo_restores_and_the_chair_restores(
    server: RunningServer, api: Api, group: Group, browser: Any
) -> None:
    await seed_document(server, group.document, SPECS)
    ctx_m, member = await signed_in_page(browser, api, group, "member")
    ctx_c, chair = await signed_in_page(browser, api, group, "chair")
    await open_document(member, server.url, group.document)
    await open_document(chair, server.url, group.document)
    text = "Funding [should] follow."
    dialog = member.locator("dialog.rt-confirm")
    comments = f"/api/documents/{group.document}/comments"
    start = text.index("[should]")
    note = await api.ok(
        "POST",
        comments,
        group.token("member"),
        {
            "body": "Why should?",
            "anchor": {"paragraph_id": "op2", "start": start, "end": start + 8},
        },
    )

    async def comment_attached() -> bool:
        listed = (await api.ok("GET", comments, group.token("member")))["comments"]
        (mine,) = [c for c in listed if c["id"] == note["id"]]
        return bool(mine["anchor"]["attached"] and mine["anchor"]["paragraph_id"] == "op2")

    async def shown(page: Any, pid: str) -> bool:
        return pid in await shown_ids(page)

    async def gone(page: Any, pid: str) -> bool:
        return pid not in await shown_ids(page)

    async def status_is(value: str) -> bool:
        return bool((await server_record(api, group, group.document, "op2"))["status"] == value)

    # Cancel keeps the paragraph.
    await member.get_by_role("button", name="Delete paragraph OP2").click()
    await dialog.wait_for()
    assert "Delete paragraph OP2?" in await dialog.inner_text()
    await dialog.get_by_role("button", name="Cancel").click()
    assert await shown(member, "op2") and await status_is("draft")

    # Confirmed: gone from the text; Undo brings it back with its words.
    await member.get_by_role("button", name="Delete paragraph OP2").click()
    await dialog.get_by_role("button", name="Delete paragraph", exact=True).click()
    await eventually(lambda: gone(member, "op2"))
    await eventually(lambda: gone(chair, "op2"))
    await eventually(lambda: status_is("deleted"))
    assert await server_paragraph(api, group, group.document, "op2") == text
    await member.get_by_role("button", name="Undo").click()
    await eventually(lambda: shown(member, "op2"))
    await eventually(lambda: status_is("draft"))
    assert await page_text(member, "op2") == text

    # Ctrl+Z right after a delete restores too.
    await member.get_by_role("button", name="Delete paragraph OP2").click()
    await dialog.get_by_role("button", name="Delete paragraph", exact=True).click()
    await eventually(lambda: status_is("deleted"))
    # The toast offering Undo has the focus (not an editor): Ctrl+Z takes it.
    await member.locator(".rt-toast .rt-undo:focus").wait_for()
    await member.keyboard.press("Control+z")
    await eventually(lambda: status_is("draft"))
    await eventually(lambda: shown(member, "op2"))

    # The chair sees deleted paragraphs (struck through) and restores one; members do not.
    await member.get_by_role("button", name="Delete paragraph OP2").click()
    await dialog.get_by_role("button", name="Delete paragraph", exact=True).click()
    await eventually(lambda: status_is("deleted"))
    assert await member.locator(".rt-deleted").count() == 0
    deleted = chair.locator("details.rt-deleted")
    await deleted.locator("summary", has_text="Deleted paragraphs (1)").click()
    assert text in await deleted.locator("s").inner_text()
    await chair.get_by_role("button", name="Restore paragraph OP2").click()
    await eventually(lambda: shown(member, "op2"))
    await eventually(lambda: status_is("draft"))
    assert await page_text(member, "op2") == text
    assert await shown_ids(member, "A") == ["op1", "op2", "op4", "op5"]
    # The comment on its words stayed attached through every delete and restore, and is
    # listed under its paragraph again.
    assert await comment_attached()
    group_title = member.locator('.rt-comment-group[data-group="p:op2"] h3')
    await group_title.wait_for()
    for page in (member, chair):
        assert page.errors == []
    for ctx in (ctx_m, ctx_c):
        await ctx.close()


async def test_member_proposes_a_status_and_the_chair_accepts_it_live(
    server: RunningServer, api: Api, group: Group, browser: Any, artifacts: Path
) -> None:
    await seed_document(server, group.document, SPECS)
    ctx_m, member = await signed_in_page(browser, api, group, "member")
    ctx_c, chair = await signed_in_page(browser, api, group, "chair")
    await open_document(member, server.url, group.document)
    await open_document(chair, server.url, group.document)
    queue = chair.locator(".rt-proposals")
    await queue.locator(".rt-proposals-empty").wait_for()

    await member.get_by_role("button", name="Propose a status for paragraph OP2").click()
    form = member.locator('.rt-propose-form[aria-label="Propose a status for paragraph OP2"]')
    await form.get_by_label("Proposed status").select_option("agreed_ad_ref")
    await form.get_by_label("Reason (optional)").fill("Agreed in the informals.")
    await form.get_by_role("button", name="Send").click()
    await member.locator(".rt-toast", has_text="went to the chair").wait_for()

    item = queue.locator('.rt-proposal[data-paragraph="op2"]')
    await item.wait_for(timeout=5000)
    assert "agreed ad ref" in await item.inner_text()
    assert "Agreed in the informals." in await item.inner_text()
    assert await badge_is(member, "op2", "draft")
    # Members see what is pending, but only chair and secretariat decide.
    mine = member.locator('.rt-proposals .rt-proposal[data-paragraph="op2"]')
    await mine.wait_for()
    assert await mine.get_by_role("button").count() == 0

    await chair.get_by_role("button", name="Accept the proposal OP2: agreed ad ref").click()
    await eventually(lambda: badge_is(member, "op2", "agreed ad ref"))
    await eventually(lambda: badge_is(chair, "op2", "agreed ad ref"))
    await item.wait_for(state="detached")
    await mine.wait_for(state="detached")
    proposals = await api.ok(
        "GET", f"/api/documents/{group.document}/proposals?state=all", group.token("chair")
    )
    (decided,) = proposals["proposals"]
    assert decided["state"] == "accepted" and decided["paragraph"] == "op2"
    await chair.screenshot(path=str(artifacts / "v2-proposals.png"))
    for page in (member, chair):
        assert page.errors == []
    for ctx in (ctx_m, ctx_c):
        await ctx.close()


async def test_brackets_options_and_opinions(
    server: RunningServer, api: Api, group: Group, browser: Any, artifacts: Path
) -> None:
    """A member brackets a passage; counts per paragraph, section and document follow;
    the chair records options (Alt 1) and opinions; the member sees them live."""
    await seed_document(server, group.document, SPECS)
    ctx_m, member = await signed_in_page(browser, api, group, "member")
    ctx_c, chair = await signed_in_page(browser, api, group, "chair")
    await open_document(member, server.url, group.document)
    await open_document(chair, server.url, group.document)

    async def _counts_are(page: Any, expected: tuple[str, str, str]) -> bool:
        return await counts(page) == expected

    async def counts(page: Any) -> tuple[str | None, str | None, str | None]:
        para = page.locator('.rt-paragraph[data-id="op4"] .rt-bracket-count')
        section = page.locator('.rt-section[data-section="A"] .rt-section-brackets')
        return (
            await para.get_attribute("data-count"),
            await section.get_attribute("data-count"),
            await page.locator(".rt-doc-brackets").get_attribute("data-count"),
        )

    # OP1 and OP2 hold one bracketed passage each.
    assert await counts(member) == ("0", "2", "2")
    assert not await member.locator('.rt-paragraph[data-id="op4"] .rt-bracket-count').is_visible()

    # The member selects "set openly" in OP4 and brackets it.
    await editor(member, "op4").click()
    await member.keyboard.press("Control+End")
    await member.keyboard.press("ArrowLeft")  # before the full stop
    for _ in range(len("set openly")):
        await member.keyboard.press("Shift+ArrowLeft")
    await member.get_by_role("button", name="Bracket the selected words of paragraph OP4").click()
    bracketed = "Standards are [set openly]."

    async def stored() -> bool:
        return await server_paragraph(api, group, group.document, "op4") == bracketed

    await eventually(stored)
    for page in (member, chair):
        await eventually(partial(_counts_are, page, ("1", "3", "3")))
    badge_text = await member.locator('.rt-paragraph[data-id="op4"] .rt-bracket-count').inner_text()
    assert badge_text == "bracketed (1)"
    content = await server_content(api, group, group.document)
    assert content["brackets"]["count"] == 3

    # Members have no option or opinion controls.
    assert await member.locator(".rt-add-option, .rt-add-opinion").count() == 0

    # The chair adds an option to OP4: "Alt 1", proposed by Brazil and Kenya.
    await chair.get_by_role("button", name="Add an option to paragraph OP4").click()
    form = chair.locator('.rt-option-form[aria-label="New option (alternative) of paragraph OP4"]')
    assert await form.get_by_label("Option label").input_value() == "Alt 1"
    await form.get_by_label("Text of the option").fill("Standards are set by consensus.")
    await form.get_by_label("Proposing delegations (comma-separated)").fill("Brazil, Kenya")
    await form.get_by_role("button", name="Add").click()
    option = member.locator('.rt-paragraph[data-id="op4"] .rt-option')
    await option.wait_for()
    assert await option.inner_text() == "Alt 1 (Brazil, Kenya): Standards are set by consensus."

    # And an opinion on OP4, held by Kenya; the member sees it under OP4.
    await chair.get_by_role("button", name="Add an opinion on paragraph OP4").click()
    form = chair.locator('.rt-opinion-form[aria-label="New opinion on paragraph OP4"]')
    await form.get_by_label("Text of the opinion").fill("Standards are for states alone.")
    await form.get_by_label("Delegations holding it (comma-separated)").fill("Kenya")
    await form.get_by_role("button", name="Add").click()
    opinion = member.locator('.rt-paragraph[data-id="op4"] .rt-opinion')
    await opinion.wait_for()
    assert await opinion.inner_text() == "Opinion of Kenya: Standards are for states alone."
    await member.screenshot(path=str(artifacts / "v2-options-opinions.png"))

    # The chair removes both; they leave the member's page.
    await chair.get_by_role("button", name="Remove option Alt 1 of paragraph OP4").click()
    await chair.get_by_role("button", name="Remove the opinion of Kenya on OP4").click()
    await option.wait_for(state="detached")
    await opinion.wait_for(state="detached")

    # The chair changes OP4's details; the member sees the new label and supporters.
    await chair.get_by_role("button", name="Edit the details of paragraph OP4").click()
    form = chair.locator('.rt-details-form[aria-label="Details of paragraph OP4"]')
    await form.get_by_label("Label").fill("OP4bis")
    await form.get_by_label("Supporting delegations (comma-separated)").fill("Kenya, Brazil")
    await form.get_by_role("button", name="Save").click()
    label = member.locator('.rt-paragraph[data-id="op4"] .rt-label')
    await eventually(lambda: _is(label.inner_text(), "OP4bis"))
    tags = await member.locator('.rt-paragraph[data-id="op4"] .rt-tags').text_content()
    assert "supported by Kenya, Brazil" in tags
    record = await server_record(api, group, group.document, "op4")
    assert record["label"] == "OP4bis" and record["supporters"] == ["Kenya", "Brazil"]
    assert record["text"] == bracketed
    for page in (member, chair):
        assert page.errors == []
    for ctx in (ctx_m, ctx_c):
        await ctx.close()


async def _is(value: Any, expected: Any) -> bool:
    return bool(await value == expected)


async def test_chair_changes_the_document_details_and_members_see_them(
    server: RunningServer, api: Api, group: Group, browser: Any
) -> None:
    await seed_document(server, group.document, SPECS)
    sid = await live_session(api, group)
    ctx_m, member = await signed_in_page(browser, api, group, "member")
    ctx_c, chair = await signed_in_page(browser, api, group, "chair")
    await open_document(member, server.url, group.document)
    await open_document(chair, server.url, group.document)
    assert await member.get_by_role("button", name="Document details").count() == 0

    await chair.get_by_role("button", name="Document details").click()
    form = chair.locator('form[aria-label="Document details"]')
    await form.get_by_label("Title").fill("Rolling text, Rev.2")
    session = form.get_by_label("Session it belongs to")
    await session.locator(f'option[value="{sid}"]').wait_for(state="attached")
    await session.select_option(str(sid))
    await form.get_by_role("button", name="Save").click()
    await member.locator("h1.rt-title", has_text="Rolling text, Rev.2").wait_for()
    content = await server_content(api, group, group.document)
    assert content["meta"]["title"] == "Rolling text, Rev.2"
    assert content["meta"]["session"] == sid
    for page in (member, chair):
        assert page.errors == []
    for ctx in (ctx_m, ctx_c):
        await ctx.close()
