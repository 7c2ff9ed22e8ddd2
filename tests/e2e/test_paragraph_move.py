"""Moving paragraphs and presence by name and delegation, in real browsers.

A member moves a paragraph down (by keyboard, through the move command of model v2);
another member sees the new order live with the text intact, in the same editor, and
keeps editing the moved paragraph; the server holds the new order; comments stay with
the paragraph and on its words; a follower has no move controls. Presence lists and
remote cursors read "Name (Delegation)". Needs the move command (branch v2-gov).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from crdt.schema import ParagraphSpec
from tests.e2e.support import (
    add_second_member,
    editor,
    eventually,
    open_document,
    page_text,
    seed_document,
    server_paragraph,
    signed_in_page,
    ydoc_text,
)
from tests.support.groups import Api, Group
from tests.support.servers import RunningServer

OP1 = "Enhanced cooperation should [enable governments] to act."
SPECS = (
    ParagraphSpec("PP1", "intro", text="The Working Group was established.", id="pp1"),
    ParagraphSpec("OP1", "A", "recommendation", OP1, "what", ("Brazil",), id="op1"),
    ParagraphSpec("OP2", "A", "recommendation", "Capacity building matters.", id="op2"),
    ParagraphSpec("OP3", "A", "recommendation", "Funding [should] follow.", id="op3"),
    ParagraphSpec("C1", "conclusion", text="The Group concludes its work.", id="c1"),
)


async def shown_order(page: Any, section: str) -> list[str]:
    ids: list[str] = await page.evaluate(
        """section => Array.from(
            document.querySelectorAll(`.rt-paragraphs[data-section="${section}"] .rt-paragraph`),
            li => li.dataset.id)""",
        section,
    )
    return ids


async def moved_down(page: Any) -> bool:
    return await shown_order(page, "A") == ["op2", "op1", "op3"]


async def test_member_moves_a_paragraph_and_others_see_it_live(
    server: RunningServer, api: Api, group: Group, browser: Any, artifacts: Path
) -> None:
    await seed_document(server, group.document, SPECS)
    await add_second_member(api, group)
    comments = f"/api/documents/{group.document}/comments"
    note = await api.ok(
        "POST",
        comments,
        group.token("member2"),
        {"body": "Kenya would keep OP1 first.", "anchor": {"paragraph_id": "op1"}},
    )
    # On the words "enable governments" (code points, as the API counts).
    start = OP1.index("enable governments")
    on_words = await api.ok(
        "POST",
        comments,
        group.token("member2"),
        {
            "body": "Which governments?",
            "anchor": {"paragraph_id": "op1", "start": start, "end": start + 18},
        },
    )
    contexts, pages = [], {}
    for role in ("member", "member2", "follower"):
        ctx, page = await signed_in_page(browser, api, group, role)
        await open_document(page, server.url, group.document)
        contexts.append(ctx)
        pages[role] = page
    brazil, kenya, follower = pages["member"], pages["member2"], pages["follower"]
    await kenya.evaluate(
        """() => {
            window.rtNoReload = true;
            window.rtKeptEditor =
                document.querySelector('.rt-paragraph[data-id="op1"] .cm-content');
        }"""
    )

    # Presence by name and delegation.
    await kenya.locator(".rt-person", has_text="Delegate of Brazil (Brazil)").wait_for(timeout=5000)
    await brazil.locator(".rt-person", has_text="Delegate of Kenya (Kenya)").wait_for(timeout=5000)

    # Followers get no move controls; members get labelled ones, the edges disabled.
    assert await follower.locator(".rt-move, .rt-move-up, .rt-move-down").count() == 0
    assert await brazil.get_by_role("button", name="Move paragraph OP1 up").is_disabled()
    assert await brazil.get_by_role("button", name="Move paragraph OP3 down").is_disabled()
    assert await brazil.get_by_role("button", name="Move paragraph PP1 down").is_disabled()
    assert await shown_order(kenya, "A") == ["op1", "op2", "op3"]

    # Brazil moves OP1 down, by keyboard.
    down = brazil.get_by_role("button", name="Move paragraph OP1 down")
    await down.focus()
    await brazil.keyboard.press("Enter")
    # The move is a command (POST .../move): the server rewrites OP1's order key and
    # every page re-places OP1's element; its editor (and Y.Text) stays the same.
    await eventually(lambda: moved_down(brazil))
    await brazil.locator("[role=status]", has_text="Paragraph OP1 moved down.").wait_for()
    focused = await brazil.evaluate("() => document.activeElement.getAttribute('aria-label')")
    assert focused == "Move paragraph OP1 down"
    assert await brazil.get_by_role("button", name="Move paragraph OP1 up").is_enabled()
    assert await brazil.get_by_role("button", name="Move paragraph OP2 up").is_disabled()

    # Kenya sees the new order live, the text intact, without reloading.
    await eventually(lambda: moved_down(kenya))
    assert await page_text(kenya, "op1") == OP1
    assert await ydoc_text(kenya, "op1") == OP1
    assert await kenya.evaluate("() => window.rtNoReload === true")
    await eventually(lambda: moved_down(follower))

    # The server holds the new order and the text.
    async def server_moved() -> bool:
        content = await api.ok("GET", f"/api/documents/{group.document}", group.token("member"))
        return [p["id"] for p in content["paragraphs"]] == ["pp1", "op2", "op1", "op3", "c1"]

    # Kenya's editor of OP1 is the one she had (a move never recreates text).
    assert await kenya.evaluate("() => window.rtKeptEditor.isConnected")

    await eventually(server_moved)
    assert await server_paragraph(api, group, group.document, "op1") == OP1

    # Kenya's editor follows the moved paragraph: her typing reaches Brazil and the server,
    # and Brazil sees her caret labelled with her name and delegation.
    await editor(kenya, "op1").click()
    await kenya.keyboard.press("End")
    await kenya.keyboard.type(" Now.")
    moved = OP1 + " Now."

    async def brazil_sees() -> bool:
        return await page_text(brazil, "op1") == moved

    async def server_has() -> bool:
        return await server_paragraph(api, group, group.document, "op1") == moved

    await eventually(brazil_sees)
    await eventually(server_has)
    caret = brazil.locator('.rt-paragraph[data-id="op1"] .cm-ySelectionInfo')
    await caret.wait_for(state="attached", timeout=5000)
    assert await caret.text_content() == "Delegate of Kenya (Kenya)"

    # The paragraph comment stays with OP1 (anchored by id), and so does a comment
    # anchored to OP1's words (the Y.Text is the same, so its anchor is too).
    listed = (await api.ok("GET", comments, group.token("member")))["comments"]
    (kept,) = [c for c in listed if c["id"] == note["id"]]
    assert kept["anchor"]["paragraph_id"] == "op1" and kept["anchor"]["attached"]
    (on_text,) = [c for c in listed if c["id"] == on_words["id"]]
    assert on_text["anchor"]["attached"], on_text["anchor"]
    group_title = brazil.locator('.rt-comment-group[data-group="p:op1"] h3')
    assert "Paragraph OP1" in await group_title.inner_text()

    # Moving within a section only: OP3 is last in A, its "down" is disabled on every page.
    assert await kenya.get_by_role("button", name="Move paragraph OP3 down").is_disabled()
    await brazil.locator(".rt-doc").screenshot(path=str(artifacts / "paragraph-move.png"))
    for page in pages.values():
        assert page.errors == []
    for ctx in contexts:
        await ctx.close()
