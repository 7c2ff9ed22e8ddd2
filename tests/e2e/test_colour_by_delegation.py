"""Colour by delegation, in real browsers: every run of text is coloured by the delegation
whose client typed it (GET /api/documents/D/authors, branch v2-authors), each delegation
in its own colour, named in a legend; presence cursors carry distinct colours too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.e2e.support import (
    add_second_member,
    editor,
    eventually,
    open_document,
    seed_document,
    server_paragraph,
    signed_in_page,
)
from tests.support.groups import Api, Group
from tests.support.servers import RunningServer

OP2 = "Capacity building matters."


async def runs(page: Any, pid: str) -> list[dict[str, str]]:
    found: list[dict[str, str]] = await page.evaluate(
        """pid => Array.from(
            document.querySelectorAll(`.rt-paragraph[data-id="${pid}"] .rt-author`),
            el => ({delegation: el.dataset.delegation, text: el.textContent,
                    colour: getComputedStyle(el).backgroundColor}))""",
        pid,
    )
    return found


async def test_text_is_coloured_by_the_delegation_that_typed_it(
    server: RunningServer, api: Api, group: Group, browser: Any, artifacts: Path
) -> None:
    await seed_document(server, group.document)
    await add_second_member(api, group)
    ctx_b, brazil = await signed_in_page(browser, api, group, "member")
    ctx_k, kenya = await signed_in_page(browser, api, group, "member2")
    await open_document(brazil, server.url, group.document)
    await open_document(kenya, server.url, group.document)

    await editor(brazil, "op2").click()
    await brazil.keyboard.press("Control+End")
    await brazil.keyboard.type(" Brazil adds.")

    async def has(page: Any, text: str) -> bool:
        shown: str = await editor(page, "op2").inner_text()
        return text in shown

    await eventually(lambda: has(kenya, "Brazil adds."))
    await editor(kenya, "op2").click()
    await kenya.keyboard.press("Control+End")
    await kenya.keyboard.type(" Kenya adds.")
    expected = OP2 + " Brazil adds. Kenya adds."

    async def stored() -> bool:
        return await server_paragraph(api, group, group.document, "op2") == expected

    await eventually(stored)
    await eventually(lambda: has(brazil, "Kenya adds."))
    assert await runs(brazil, "op2") == []

    await brazil.get_by_label("Colour by delegation").check()

    async def coloured() -> bool:
        by = {r["delegation"]: r for r in await runs(brazil, "op2")}
        return "Brazil" in by and "Kenya" in by

    await eventually(coloured)
    by = {r["delegation"]: r for r in await runs(brazil, "op2")}
    assert "Brazil adds." in by["Brazil"]["text"]
    assert "Kenya adds." in by["Kenya"]["text"]
    assert "Kenya" not in by["Brazil"]["text"]
    assert by["Brazil"]["colour"] != by["Kenya"]["colour"]
    legend = brazil.get_by_role("list", name="Colours of the delegations")
    for name in ("Brazil", "Kenya"):
        await legend.locator(f'[data-delegation="{name}"]').wait_for()
    await brazil.locator(".rt-doc").screenshot(path=str(artifacts / "v2-colour.png"))

    # Each delegation's cursor has its own colour (the server's, from awareness).
    async def caret_colour(page: Any) -> str:
        colour: str = await page.evaluate(
            """() => { const el = document.querySelector('.cm-ySelectionCaret');
                       return el ? getComputedStyle(el).borderLeftColor : ''; }"""
        )
        return colour

    async def has_caret(page: Any) -> bool:
        return bool(await caret_colour(page))

    await eventually(lambda: has_caret(brazil))
    await eventually(lambda: has_caret(kenya))
    assert await caret_colour(brazil) != await caret_colour(kenya)

    await brazil.get_by_label("Colour by delegation").uncheck()
    assert await runs(brazil, "op2") == []
    for page in (brazil, kenya):
        assert page.errors == []
    for ctx in (ctx_b, ctx_k):
        await ctx.close()
