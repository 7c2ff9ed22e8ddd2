"""Comments in the web app, in a real browser against a real server.

An observer's comment reaches the group only once the chair approves it (in the
moderation queue, on a meeting's agreement); members' threads, replies and
resolutions appear live on the other members' pages.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.e2e.support import (
    add_second_member,
    eventually,
    open_document,
    seed_document,
    signed_in_page,
)
from tests.support.groups import Api, Group
from tests.support.servers import RunningServer

MEETING = "WGEC-3 (2017-05-09), plenary"
QUOTE = "enable governments"


async def select_text(page: Any, pid: str, needle: str) -> None:
    """Drag the mouse over ``needle`` in a paragraph's editor, as a person selects text."""
    box = await page.evaluate(
        """([pid, needle]) => {
            const root = document.querySelector(`.rt-paragraph[data-id="${pid}"] .cm-content`);
            const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
            for (let n = walker.nextNode(); n; n = walker.nextNode()) {
                const at = n.data.indexOf(needle);
                if (at < 0) continue;
                const range = document.createRange();
                range.setStart(n, at);
                range.setEnd(n, at + needle.length);
                const rects = range.getClientRects();
                const first = rects[0], last = rects[rects.length - 1];
                return {x0: first.left + 1, y0: first.top + first.height / 2,
                        x1: last.right - 1, y1: last.top + last.height / 2};
            }
            return null;
        }""",
        [pid, needle],
    )
    assert box is not None, f"{needle!r} not shown in {pid}"
    await page.mouse.move(box["x0"], box["y0"])
    await page.mouse.down()
    await page.mouse.move((box["x0"] + box["x1"]) / 2, box["y0"], steps=4)
    await page.mouse.move(box["x1"], box["y1"], steps=4)
    await page.mouse.up()
    selected = await page.evaluate("() => document.getSelection().toString()")
    assert selected == needle, selected


async def comment_on_selection(page: Any, pid: str, needle: str, body: str) -> None:
    await select_text(page, pid, needle)
    button = page.locator(f'.rt-paragraph[data-id="{pid}"] .rt-comment-sel')
    await button.wait_for(state="visible")
    await button.click()
    await page.get_by_label("Your comment").fill(body)
    await page.get_by_role("button", name="Post comment").click()
    await page.locator(".rt-composer").wait_for(state="hidden")


def thread(page: Any, body: str) -> Any:
    return page.locator(".rt-thread", has_text=body)


async def mark_no_reload(*pages: Any) -> None:
    for page in pages:
        await page.evaluate("() => { window.rtNoReload = true; }")


async def not_reloaded(page: Any) -> bool:
    return bool(await page.evaluate("() => window.rtNoReload === true"))


async def test_observer_comment_reaches_members_only_after_the_chair_approves_it(
    server: RunningServer, api: Api, group: Group, browser: Any, artifacts: Path
) -> None:
    await seed_document(server, group.document)
    contexts, pages = [], {}
    for role in ("observer", "member", "chair", "follower"):
        ctx, page = await signed_in_page(browser, api, group, role)
        await open_document(page, server.url, group.document)
        contexts.append(ctx)
        pages[role] = page
    observer, member, chair, follower = (
        pages[r] for r in ("observer", "member", "chair", "follower")
    )
    await mark_no_reload(member, follower)
    # Followers see comments but have no comment controls at all (checked once the
    # comment panels are mounted, so an absence means something).
    await follower.locator(".rt-comments").wait_for()
    await member.locator(".rt-comment-para").first.wait_for()
    await chair.locator(".rt-queue").wait_for()
    assert await follower.locator(".rt-comment-para, .rt-comment-doc, .rt-composer").count() == 0
    assert await follower.locator(".rt-queue").count() == 0
    assert await member.locator(".rt-queue").count() == 0

    body = "Observers ask: which governments, and by when?"
    await comment_on_selection(observer, "op1", QUOTE, body)
    mine = thread(observer, body)
    await mine.wait_for()
    assert "pending approval" in await mine.inner_text()
    assert QUOTE in await mine.locator(".rt-quote").inner_text()
    assert await mine.get_attribute("data-moderation") == "pending"
    await observer.locator(".rt-comments").screenshot(path=str(artifacts / "comments-pending.png"))

    # The chair gets it in the moderation queue, live.
    queued = chair.locator(".rt-queue-item", has_text=body)
    await queued.wait_for()
    # The server converted the browser's selection into the right range.
    (pending,) = (await api.ok("GET", group.path("/comments/queue"), group.token("chair")))[
        "comments"
    ]
    assert pending["anchor"]["kind"] == "range" and pending["anchor"]["text"] == QUOTE
    assert pending["moderation"] == "pending"
    # Neither the member nor the follower sees it (nor does the server tell them).
    # Barrier: a visible comment posted after it reaches both pages over the same
    # connections; had the pending one been sent to them, it would be there first.
    barrier = "Secretariat note: the session resumes at 15:00."
    await api.ok(
        "POST",
        f"/api/documents/{group.document}/comments",
        group.token("secretariat"),
        {"body": barrier},
    )
    for page in (member, follower):
        await thread(page, barrier).wait_for()
        assert await thread(page, body).count() == 0
        assert await page.locator(".rt-thread").count() == 1
    for role in ("member", "follower"):
        listed = await api.ok("GET", f"/api/documents/{group.document}/comments", group.token(role))
        assert [c["body"] for c in listed["comments"]] == [barrier]
    await chair.locator(".rt-queue").screenshot(path=str(artifacts / "comments-queue.png"))

    # Approving needs the meeting reference.
    await queued.get_by_role("button", name="Approve").click()
    await chair.locator(".rt-queue [role=alert]", has_text="meeting").wait_for()
    assert await thread(member, body).count() == 0
    await chair.get_by_label("Meeting reference (required)").fill(MEETING)
    await queued.get_by_role("button", name="Approve").click()

    # The member and the follower now see it, live, without reloading.
    for page in (member, follower):
        shown = thread(page, body)
        await shown.wait_for(timeout=5000)
        assert QUOTE in await shown.locator(".rt-quote").inner_text()
        assert "pending" not in await shown.inner_text()
        assert await not_reloaded(page)
    await queued.wait_for(state="detached")
    await observer.locator('.rt-thread[data-moderation="visible"]', has_text=body).wait_for()
    decided = (
        await api.ok("GET", f"/api/documents/{group.document}/comments", group.token("member"))
    )["comments"]
    assert [c["decision"]["meeting"] for c in decided if c["body"] == body] == [MEETING]
    # The member may reply and resolve; the follower still has no controls.
    assert await thread(member, body).get_by_role("button", name="Reply").count() == 1
    assert await thread(follower, body).locator("button").count() == 0
    await member.locator(".rt-comments").screenshot(path=str(artifacts / "comments-sidebar.png"))
    for page in pages.values():
        assert page.errors == []
    for ctx in contexts:
        await ctx.close()


async def test_members_comment_reply_and_resolve_live(
    server: RunningServer, api: Api, group: Group, browser: Any, artifacts: Path
) -> None:
    await seed_document(server, group.document)
    await add_second_member(api, group)
    ctx_a, brazil = await signed_in_page(browser, api, group, "member")
    ctx_b, kenya = await signed_in_page(browser, api, group, "member2")
    await open_document(brazil, server.url, group.document)
    await open_document(kenya, server.url, group.document)
    await mark_no_reload(brazil, kenya)

    body = "Brazil proposes to delete the brackets."
    await comment_on_selection(brazil, "op1", QUOTE, body)
    seen = thread(kenya, body)
    await seen.wait_for(timeout=5000)
    assert "pending" not in await seen.inner_text()
    assert await kenya.locator('.rt-paragraph[data-id="op1"] .rt-comment-count').inner_text() == (
        "Open comments: 1"
    )

    # A paragraph comment, by keyboard only.
    await kenya.get_by_role("button", name="Comment on paragraph OP2").focus()
    await kenya.keyboard.press("Enter")
    await kenya.keyboard.type("Kenya supports OP2 as it stands.")
    await kenya.keyboard.press("Tab")
    await kenya.keyboard.press("Enter")
    para = thread(brazil, "Kenya supports OP2")
    await para.wait_for(timeout=5000)
    assert (
        "Paragraph OP2"
        in await brazil.locator(".rt-comment-group", has=para).locator("h3").inner_text()
    )

    # Kenya replies to Brazil's thread; Brazil sees the reply live.
    await seen.get_by_role("button", name="Reply").click()
    await seen.locator("textarea").fill("Kenya agrees.")
    await seen.get_by_role("button", name="Send").click()
    await thread(brazil, body).locator(".rt-reply", has_text="Kenya agrees.").wait_for(timeout=5000)

    # Brazil resolves; Kenya sees it resolved, then reopens it; Brazil sees it open.
    await thread(brazil, body).get_by_role("button", name="Resolve").click()
    await kenya.locator('.rt-thread[data-state="resolved"]', has_text=body).wait_for(timeout=5000)
    assert "Resolved" in await thread(kenya, body).inner_text()
    await thread(kenya, body).get_by_role("button", name="Reopen").click()
    await brazil.locator('.rt-thread[data-state="open"]', has_text=body).wait_for(timeout=5000)

    # Brazil deletes the passage: once the list is read again, the thread is detached
    # and still shows the words it was about.
    await select_text(brazil, "op1", QUOTE)
    await brazil.keyboard.press("Backspace")

    async def detached_on_server() -> bool:
        listed = await api.ok(
            "GET", f"/api/documents/{group.document}/comments", group.token("member")
        )
        return any(c["body"] == body and c["anchor"]["detached"] for c in listed["comments"])

    await eventually(detached_on_server)
    await open_document(kenya, server.url, group.document)
    detached = kenya.locator('.rt-thread[data-detached="true"]', has_text=body)
    await detached.wait_for(timeout=5000)
    assert QUOTE in await detached.locator(".rt-quote").inner_text()
    assert "detached" in await detached.inner_text()
    await kenya.locator(".rt-comments").screenshot(path=str(artifacts / "comments-detached.png"))

    # Brazil deletes its own comment, not Kenya's; it goes from both pages.
    assert await thread(brazil, "Kenya supports OP2").locator(".rt-comment-delete").count() == 0
    brazil.on("dialog", lambda dialog: dialog.accept())
    await thread(brazil, body).locator(".rt-thread-actions .rt-comment-delete").click()
    await thread(kenya, body).wait_for(state="detached", timeout=5000)
    assert await not_reloaded(brazil)
    assert brazil.errors == [] and kenya.errors == []
    await ctx_a.close()
    await ctx_b.close()


async def test_bulk_moderation_rejection_reason_reaches_only_its_author(
    server: RunningServer, api: Api, group: Group, browser: Any, artifacts: Path
) -> None:
    await seed_document(server, group.document)
    path = f"/api/documents/{group.document}/comments"
    observer_token = group.token("observer")
    made = [
        await api.ok("POST", path, observer_token, {"body": f"Observer note {n}."})
        for n in range(3)
    ]
    ctx_o, observer = await signed_in_page(browser, api, group, "observer")
    ctx_c, secretariat = await signed_in_page(browser, api, group, "secretariat")
    ctx_p, captioner = await signed_in_page(browser, api, group, "captioner")
    for page in (observer, secretariat, captioner):
        await open_document(page, server.url, group.document)
    # Captioners see no comment controls, and no pending comments.
    assert (
        await captioner.locator(".rt-comment-bar button, .rt-comment-doc, .rt-queue").count() == 0
    )
    assert await captioner.locator(".rt-thread").count() == 0
    # Observers have no moderation or resolve controls.
    assert await observer.locator(".rt-queue, .rt-resolve").count() == 0
    assert await observer.locator(".rt-thread[data-moderation=pending]").count() == 3

    queue = secretariat.locator(".rt-queue")
    await queue.locator(".rt-queue-item").nth(2).wait_for()
    await queue.get_by_label("Meeting reference (required)").fill(MEETING)
    # Reject two at once: a reason is required.
    await queue.get_by_label("Observer note 0.").check()
    await queue.get_by_label("Observer note 1.").check()
    await queue.get_by_role("button", name="Reject selected").click()
    await queue.locator("[role=alert]", has_text="reason").wait_for()
    await queue.get_by_label("Reason for rejection").fill("Outside the mandate.")
    await queue.get_by_role("button", name="Reject selected").click()
    await queue.locator(".rt-queue-item").nth(1).wait_for(state="detached")
    # Select all (the one left) and approve it.
    await queue.get_by_label("Select all").check()
    await queue.get_by_role("button", name="Approve selected").click()
    await queue.locator(".rt-queue-empty").wait_for(state="visible")

    for c in made[:2]:
        rejected = observer.locator(f'.rt-thread[data-id="{c["id"]}"]')
        await rejected.locator(".rt-reject-reason", has_text="Outside the mandate.").wait_for()
    await observer.locator(
        f'.rt-thread[data-id="{made[2]["id"]}"][data-moderation=visible]'
    ).wait_for()
    await captioner.locator(".rt-thread", has_text="Observer note 2.").wait_for()
    assert await captioner.locator(".rt-thread").count() == 1
    assert await secretariat.locator(".rt-thread").count() == 1
    await observer.locator(".rt-comments").screenshot(
        path=str(artifacts / "comments-observer-rejected.png")
    )
    for page in (observer, secretariat, captioner):
        assert page.errors == []
    for ctx in (ctx_o, ctx_c, ctx_p):
        await ctx.close()
