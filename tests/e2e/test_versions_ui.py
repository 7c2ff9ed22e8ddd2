"""Revisions in real browsers (issue 13): the chair issues a version from the versions
panel, a Brazilian delegate edits, the diff shows the inserted and the deleted words in
Brazil's colour (the colour "Colour by delegation" uses) with a legend, the timeslider
shows the version read only, the chair restores the paragraph from it (everyone sees it
live), and the export links answer with files (the printable page opens in a new tab,
shown inline). A page open all along gets a new version live (version-issued).
Also at a phone's width (390 px).

Needs the server side of the issue: server/revisions (branch r13-revisions) and
server/outputs (branch r13-outputs).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.e2e.support import (
    axe_violations,
    editor,
    eventually,
    open_document,
    page_text,
    seed_document,
    server_paragraph,
    signed_in_page,
)
from tests.support.groups import Api, Group
from tests.support.servers import RunningServer

OP2 = "Capacity building matters."
ADDED = " Brazil adds funding."


def hex_to_rgb(colour: str) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


async def test_issue_diff_restore_and_export_from_the_versions_panel(
    server: RunningServer, api: Api, group: Group, browser: Any, artifacts: Path
) -> None:
    await seed_document(server, group.document)
    ctx_c, chair = await signed_in_page(browser, api, group, "chair")
    ctx_b, brazil = await signed_in_page(browser, api, group, "member")
    try:
        await open_document(chair, server.url, group.document)
        await open_document(brazil, server.url, group.document)
        panel = chair.get_by_role("region", name="Versions")
        await panel.wait_for()

        # Issue "Rev.1" as the chair; a member has no such control.
        await panel.get_by_label("Label of the new version").fill("Rev.1")
        await panel.get_by_role("button", name="Issue version").click()
        await panel.locator('.rt-version[data-number="1"]').wait_for()
        assert "Rev.1" in await panel.locator('.rt-version[data-number="1"]').inner_text()
        assert await brazil.get_by_label("Label of the new version").count() == 0
        # Brazil's page, open all along, lists it at once: announced live, no reload.
        brazil_panel = brazil.get_by_role("region", name="Versions")
        await brazil_panel.locator('.rt-version[data-number="1"]').wait_for(timeout=5000)

        # Brazil's delegate types words after the version was made.
        await editor(brazil, "op2").click()
        await brazil.keyboard.press("Control+End")
        await brazil.keyboard.type(ADDED)

        # ... and deletes a word through the page's own Y.Doc (as the editor would).
        await brazil.evaluate("() => window.rt.doc.getText('p:op2').delete(9, 9)")
        now = "Capacity matters." + ADDED

        async def stored() -> bool:
            return await server_paragraph(api, group, group.document, "op2") == now

        await eventually(stored)

        async def attributed() -> bool:
            """The store recorded who typed and who deleted (its group commit)."""
            answer = await api.ok(
                "GET", f"/api/documents/{group.document}/diff?from=1", group.token("chair")
            )
            changes = [
                seg
                for para in answer["paragraphs"]
                if para["id"] == "op2"
                for seg in para["segments"]
                if seg["op"] != "equal"
            ]
            return len(changes) == 2 and all(seg["author"] for seg in changes)

        await eventually(attributed)

        # Compare Rev.1 with now: the inserted words carry Brazil's colour.
        await panel.get_by_label("From", exact=True).select_option(label="Rev.1 (no. 1)")
        await panel.get_by_label("To", exact=True).select_option(label="Now")
        await panel.get_by_role("button", name="Show changes").click()
        diff = chair.locator(".rt-viewer .rt-diff")
        await diff.wait_for()
        inserted = diff.locator('.rt-diff-para[data-id="op2"] ins.rt-diff-ins')
        await inserted.first.wait_for()
        assert await inserted.count() == 1
        assert await inserted.get_attribute("data-delegation") == "Brazil"
        assert ADDED.strip() in await inserted.inner_text()
        authors = await api.ok(
            "GET", f"/api/documents/{group.document}/authors", group.token("chair")
        )
        colour = next(d["colour"] for d in authors["delegations"] if d["delegation"] == "Brazil")
        shown = await inserted.evaluate("el => getComputedStyle(el).boxShadow")
        assert hex_to_rgb(colour) in shown
        deleted = diff.locator('.rt-diff-para[data-id="op2"] del.rt-diff-del')
        assert await deleted.count() == 1
        assert await deleted.get_attribute("data-delegation") == "Brazil"
        assert "building" in await deleted.inner_text()
        assert hex_to_rgb(colour) in await deleted.evaluate(
            "el => getComputedStyle(el).textDecorationColor"
        )
        legend = chair.get_by_role("list", name="Delegations in these changes")
        await legend.locator('[data-delegation="Brazil"]').wait_for()
        assert "text" in (
            await diff.locator('.rt-diff-para[data-id="op2"]').get_attribute("data-changes") or ""
        )
        # Only the changed paragraph is listed; the live text is hidden meanwhile.
        assert await diff.locator(".rt-diff-para").count() == 1
        assert await chair.locator(".rt-doc").is_hidden()
        await chair.screenshot(path=str(artifacts / "r13-diff.png"), full_page=True)
        # The versions panel and the diff: nothing a screen reader or keyboard user trips
        # on (the rest of the document page is the meeting-room issue's audit).
        assert await axe_violations(chair, within=".rt-versions") == []
        assert await axe_violations(chair, within=".rt-viewer") == []
        await chair.get_by_role("button", name="Close the comparison").click()
        await chair.locator(".rt-doc").wait_for(state="visible")

        # The timeslider, by keyboard: one step back from "now" is Rev.1, read only.
        slider = chair.get_by_label("Step through the versions")
        await slider.focus()
        await chair.keyboard.press("ArrowLeft")
        version = chair.locator('.rt-viewer .rt-version-view[data-number="1"]')
        await version.wait_for()
        assert await version.locator('.rt-vpara[data-id="op2"] .rt-vpara-text').inner_text() == OP2
        assert await version.locator(".cm-content").count() == 0
        assert await chair.locator(".rt-doc").is_hidden()

        # The chair restores OP2 from Rev.1: the server and Brazil's page have it back.
        await version.get_by_role(
            "button", name="Restore paragraph OP2 as it is in Rev.1 (no. 1)"
        ).click()

        async def restored() -> bool:
            return await server_paragraph(api, group, group.document, "op2") == OP2

        await eventually(restored)

        async def brazil_sees() -> bool:
            return await page_text(brazil, "op2") == OP2

        await eventually(brazil_sees)
        await chair.get_by_role("button", name="Back to the live text").click()
        await chair.locator(".rt-doc").wait_for(state="visible")
        assert await page_text(chair, "op2") == OP2

        # Brazil's delegate, on a page opened since, may read versions but not restore.
        await open_document(brazil, server.url, group.document)
        await brazil.get_by_role("button", name="Read version Rev.1 (no. 1)").click()
        await brazil.locator('.rt-viewer .rt-version-view[data-number="1"]').wait_for()
        assert await brazil.locator(".rt-restore-para").count() == 0

        # Export of Rev.1 (the slider's choice): the download link gives a file.
        await chair.get_by_role("button", name="Read version Rev.1 (no. 1)").click()
        await chair.get_by_label("Format", exact=True).select_option("md")
        await chair.get_by_label("Part", exact=True).select_option("report")
        link = chair.locator("a.rt-export-download")
        assert "version=1" in (await link.get_attribute("href") or "")
        async with chair.expect_download() as info:
            await link.click()
        download = await info.value
        assert download.suggested_filename.endswith(".md")
        body = Path(await download.path()).read_text(encoding="utf-8")
        assert OP2 in body and ADDED.strip() not in body

        # The printable page: the HTML export of the same part, opened in a new tab.
        printable = chair.locator("a.rt-export-print")
        href = await printable.get_attribute("href") or ""
        assert "format=html" in href and "version=1" in href and "disposition=inline" in href
        answer = await chair.request.get(server.url + href)
        assert answer.status == 200
        assert answer.headers["content-type"].startswith("text/html")
        assert answer.headers["content-disposition"].startswith("inline;")
        assert "sandbox" in answer.headers["content-security-policy"]
        async with ctx_c.expect_page() as opened:
            await printable.click()
        printed = await opened.value
        await printed.get_by_text(OP2).first.wait_for()
        page_html = await printed.content()
        assert ADDED.strip() not in page_html and "@media print" in page_html
        await printed.close()

        # At a phone's width the panel fits without sideways scrolling.
        await chair.set_viewport_size({"width": 390, "height": 844})
        await panel.scroll_into_view_if_needed()
        overflow = await chair.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
        await panel.screenshot(path=str(artifacts / "r13-versions-390.png"))

        for page in (chair, brazil):
            assert page.errors == []
    finally:
        for ctx in (ctx_c, ctx_b):
            await ctx.close()
