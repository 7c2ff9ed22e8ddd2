"""Helpers of the browser tests: seed a rolling text, sign a browser in, read the server."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from crdt import schema
from crdt.schema import ParagraphSpec
from tests.support.docs import seed_paragraphs, server_change
from tests.support.groups import Api, Group, add_person
from tests.support.servers import RunningServer

SEED = (
    ParagraphSpec("PP1", "intro", text="The Working Group was established by the Chair."),
    ParagraphSpec("PP2", "method", text="The Group met four times in Geneva."),
    ParagraphSpec(
        "OP1",
        "A",
        "recommendation",
        "Enhanced cooperation should [enable governments] to act.",
        "what",
        ("Brazil",),
        id="op1",
    ),
    ParagraphSpec("OP2", "B", "recommendation", "Capacity building matters.", id="op2"),
    ParagraphSpec("C1", "conclusion", text="The Group concludes its work."),
)


async def add_second_member(api: Api, group: Group) -> None:
    """A member of another delegation (Kenya), as ``group.people["member2"]``."""
    group.people["member2"] = await add_person(
        api,
        group.id,
        group.token("chair"),
        name="Delegate of Kenya",
        role="member",
        delegation_id=group.delegations["Kenya"],
    )


async def seed_document(
    server: RunningServer, document: str, specs: tuple[ParagraphSpec, ...] = SEED
) -> None:
    """The rolling text, written server-side as the commands do (clients may not
    write the paragraph index)."""

    def title(doc: Any) -> None:
        schema.init_document(doc, title="Rolling text of the e2e group")

    await server_change(server.rooms, document, title)
    await seed_paragraphs(server.rooms, document, specs)


async def server_paragraph(api: Api, group: Group, document: str, pid: str) -> str:
    content = await api.ok("GET", f"/api/documents/{document}", group.token("chair"))
    for para in content["paragraphs"]:
        if para["id"] == pid:
            text: str = para["text"]
            return text
    raise AssertionError(f"no paragraph {pid} on the server")


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await check():
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


async def shown_ids(page: Any, section: str | None = None) -> list[str]:
    """Paragraph ids in the order the page shows them (in one section, or all)."""
    ids: list[str] = await page.evaluate(
        """section => Array.from(
            document.querySelectorAll(section
                ? `.rt-paragraphs[data-section="${section}"] .rt-paragraph`
                : '.rt-paragraphs .rt-paragraph'),
            li => li.dataset.id)""",
        section,
    )
    return ids


async def server_content(api: Api, group: Group, document: str) -> dict[str, Any]:
    content: dict[str, Any] = await api.ok(
        "GET", f"/api/documents/{document}", group.token("chair")
    )
    return content


async def server_record(api: Api, group: Group, document: str, pid: str) -> dict[str, Any]:
    """A paragraph as ``GET /api/documents/D`` gives it (status, order, text...)."""
    for para in (await server_content(api, group, document))["paragraphs"]:
        if para["id"] == pid:
            record: dict[str, Any] = para
            return record
    raise AssertionError(f"no paragraph {pid} on the server")


async def live_session(api: Api, group: Group) -> int:
    """A live plenary session on the group's rolling text; its id."""
    chair = group.token("chair")
    meeting = await api.ok(
        "POST",
        group.path("/meetings"),
        chair,
        {
            "number": 5,
            "title": "WGEC 5th meeting",
            "venue": "Geneva",
            "starts_on": "2017-05-09",
            "ends_on": "2017-05-10",
        },
    )
    session = await api.ok(
        "POST",
        f"/api/meetings/{meeting['id']}/sessions",
        chair,
        {
            "kind": "plenary",
            "title": "Plenary, afternoon",
            "document": group.document,
            "scheduled_start": "2017-05-09T15:00:00+02:00",
            "scheduled_end": "2017-05-09T18:00:00+02:00",
        },
    )
    await api.ok("POST", f"/api/sessions/{session['id']}/status", chair, {"status": "live"})
    sid: int = session["id"]
    return sid


async def signed_in_page(browser: Any, api: Api, group: Group, role: str) -> tuple[Any, Any]:
    """A new browser context signed in as ``role`` by opening a real invitation link."""
    person = group.people[role]
    invitation = await api.ok(
        "POST", group.path("/invitations"), group.token("chair"), {"person_id": person.id}
    )
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # Anything the Content-Security-Policy blocks is reported on the console.
    page.on(
        "console",
        lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    # The link opens a confirmation page; its same-origin POST sets rt_session and
    # redirects to /?group=<gid>.
    await page.goto(invitation["url"])
    async with page.expect_navigation(url=f"**/?group={group.id}"):
        await page.click("button.rt-invite-accept")
    await page.wait_for_selector("h1")
    page.errors = errors
    return context, page


async def open_document(page: Any, base_url: str, document: str, query: str = "") -> None:
    await page.goto(f"{base_url}/?doc={document}{query}")
    await page.wait_for_selector(".rt-paragraph .cm-content")
    await page.wait_for_selector(".rt-conn[data-state=connected]")


def editor(page: Any, pid: str) -> Any:
    return page.locator(f'.rt-paragraph[data-id="{pid}"] .cm-content')


async def page_text(page: Any, pid: str) -> str:
    """What the paragraph's editor shows (remote cursor name tags left out)."""
    text: str = await page.evaluate(
        """pid => {
            const el = document.querySelector(`.rt-paragraph[data-id="${pid}"] .cm-content`);
            if (!el) return null;
            const copy = el.cloneNode(true);
            copy.querySelectorAll('.cm-ySelectionInfo, .cm-ySelectionCaret')
                .forEach(n => n.remove());
            return Array.from(copy.querySelectorAll('.cm-line'), l => l.textContent).join('\\n');
        }""",
        pid,
    )
    return text


async def ydoc_text(page: Any, pid: str) -> str:
    """The paragraph's Y.Text in the page's own Y.Doc."""
    text: str = await page.evaluate(
        """pid => {
            const doc = window.rt.doc;
            return doc.getMap('index').has(pid) ? doc.getText('p:' + pid).toString() : null;
        }""",
        pid,
    )
    return text


# axe-core (npm, a dev dependency of the web app, installed by `make web`): the
# accessibility rules a screen-reader or keyboard user would trip over.
AXE = Path(__file__).resolve().parents[2] / "client" / "web" / "node_modules" / "axe-core"


async def axe_violations(
    page: Any, *, within: str | None = None, impacts: tuple[str, ...] = ("serious", "critical")
) -> list[str]:
    """The page's axe-core violations of the given impacts (inside the elements matching
    the CSS selector ``within``, when given), one line each (rule, count, first target),
    so an assertion failure says what to fix."""
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol: the app's CSP (script-src 'self')
        # rightly refuses an injected <script>, and stays on for the test.
        await page.evaluate((AXE / "axe.min.js").read_text() + "\n;undefined")
    result = await page.evaluate(
        "async (within) => (await window.axe.run(within ? {include: [within]} : document))"
        ".violations",
        within,
    )
    return [
        f"{v['id']} ({v['impact']}, {len(v['nodes'])}x, e.g. {v['nodes'][0]['target']}): "
        f"{v['help']}"
        for v in result
        if v.get("impact") in impacts
    ]
