"""Who sees which comment, in every state, over HTTP and live over Socket.IO.

DESIGN.md section 5: members' (and officers') comments are visible at once to
everyone who may read the document; an observer's is pending (its author, chair,
secretariat) until approved, or rejected (its author only); a flagged comment is
back to review (its author, chair, secretariat); deleted ones are nobody's.
Live, each connection gets exactly what its role may see: a follower never hears
of a pending comment, not even its id.
"""

from __future__ import annotations

from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import pytest

from server.settings import Settings
from tests.integration.test_comments import MEETING, LiveComments, add_paragraphs, comments_path
from tests.support.groups import Api, Group, admit_observer, build_group
from tests.support.servers import RunningServer, serve_in_process
from tests.support.services import fresh_postgres_database, require_redis

VIEWERS = (
    "chair",
    "secretariat",
    "member",
    "observer",
    "observer2",
    "follower",
    "captioner",
    "anonymous",
)


# The member's edits of a marker comment are these tests' barrier, dozens per test:
# the per-person edit limit (tested in test_abuse_limits) is raised out of the way.
EDITS_AS_BARRIER = 1000


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.with_(comment_edits_burst=EDITS_AS_BARRIER)


@pytest.fixture
async def group(server: RunningServer, api: Api) -> Group:
    return await comment_group(server, api)


async def comment_group(server: RunningServer, api: Api) -> Group:
    built = await build_group(api, server.token("chair", "op"), seed_text=None)
    _, built.people["observer2"] = await admit_observer(
        api, built.id, built.token("chair"), "Association for Progressive Communications"
    )
    built.extra["paragraphs"] = await add_paragraphs(server.rooms, built.document)
    return built


def token(group: Group, viewer: str) -> str | None:
    return None if viewer == "anonymous" else group.token(viewer)


async def act(api: Api, group: Group, role: str, method: str, suffix: str, body: Any = None) -> Any:
    return await api.ok(method, comments_path(group, suffix=suffix), group.token(role), body)


async def test_visibility_matrix_for_every_state(api: Api, group: Group) -> None:
    await check_visibility_matrix(api, group)


async def check_visibility_matrix(api: Api, group: Group) -> None:
    async def new(role: str, text: str) -> dict[str, Any]:
        made: dict[str, Any] = await act(api, group, role, "POST", "", {"body": text})
        return made

    pending = await new("observer", "pending")
    approved = await new("observer", "approved")
    rejected = await new("observer", "rejected")
    flagged = await new("member", "flagged")
    resolved = await new("member", "resolved")
    deleted = await new("member", "deleted")
    visible = await new("secretariat", "visible")
    hidden_reply = await act(
        api, group, "chair", "POST", f"/{flagged['id']}/replies", {"body": "r"}
    )
    pending_reply = await act(
        api, group, "observer", "POST", f"/{visible['id']}/replies", {"body": "p"}
    )
    decide = group.path("/comments/decisions")
    chair = group.token("chair")
    await api.ok(
        "POST", decide, chair, {"ids": [approved["id"]], "decision": "approved", "meeting": MEETING}
    )
    await api.ok(
        "POST",
        decide,
        chair,
        {"ids": [rejected["id"]], "decision": "rejected", "meeting": MEETING, "reason": "No."},
    )
    await act(api, group, "chair", "POST", f"/{flagged['id']}/flag", {"reason": "offensive"})
    await act(api, group, "member", "POST", f"/{resolved['id']}/resolve")
    await act(api, group, "member", "DELETE", f"/{deleted['id']}")

    everyone = {"approved", "resolved", "visible"}
    expected = {
        "chair": everyone | {"pending", "flagged", "r", "p"},
        "secretariat": everyone | {"pending", "flagged", "r", "p"},
        "member": everyone | {"flagged", "r"},  # its own flagged comment
        "observer": everyone | {"pending", "rejected", "p"},  # its own
        "observer2": everyone,
        "follower": everyone,
        "captioner": everyone,
        "anonymous": everyone,
    }
    every = [
        pending,
        approved,
        rejected,
        flagged,
        resolved,
        deleted,
        visible,
        hidden_reply,
        pending_reply,
    ]
    for viewer in VIEWERS:
        listed = await api.ok("GET", comments_path(group), token(group, viewer))
        bodies = {c["body"] for c in listed["comments"]}
        assert bodies == expected[viewer], viewer
        for comment in every:
            one = await api.call(
                "GET", comments_path(group, suffix=f"/{comment['id']}"), token(group, viewer)
            )
            assert (one.status == 200) == (comment["body"] in expected[viewer]), (
                viewer,
                comment["body"],
            )
    states = {
        c["body"]: c["moderation"]
        for c in (await api.ok("GET", comments_path(group), chair))["comments"]
    }
    assert states == {
        "pending": "pending", "approved": "visible", "flagged": "flagged", "resolved": "visible",
        "visible": "visible", "r": "visible", "p": "pending",
    }  # fmt: skip
    # Observers and followers do not see the group's private documents' comments at all.
    for viewer in ("observer", "follower", "anonymous"):
        refused = await api.call(
            "GET", comments_path(group, group.private_document), token(group, viewer)
        )
        assert refused.status in (401, 403), viewer


async def test_live_delivery_matches_each_role(
    server: RunningServer, api: Api, group: Group
) -> None:
    async with AsyncExitStack() as stack:
        live = {
            viewer: await stack.enter_async_context(
                LiveComments(server.url, group.document, token(group, viewer))
            )
            for viewer in VIEWERS
        }
        marker = (await act(api, group, "member", "POST", "", {"body": "marker"}))["id"]
        rounds = 0

        async def received(comment_id: int) -> dict[str, list[str]]:
            """What each connection heard about ``comment_id`` since the last call.

            A visible change goes out after it; once every connection has that, it
            has whatever was sent before (one ordered stream per connection).
            """
            nonlocal rounds
            rounds += 1
            await act(api, group, "member", "PATCH", f"/{marker}", {"body": f"marker {rounds}"})
            heard = {}
            for viewer, client in live.items():
                await client.wait_for("comment-updated", marker)
                heard[viewer] = client.about(comment_id)
                client.events.clear()
            return heard

        def only(viewers: dict[str, str]) -> dict[str, list[str]]:
            return {v: [viewers[v]] if v in viewers else [] for v in VIEWERS}

        officers_and_author = ("chair", "secretariat", "observer")
        others = [v for v in VIEWERS if v not in officers_and_author]

        # An observer's comment: pending, seen only by its author and the officers.
        made = await live["observer"].call("comment-create", {"body": "Observer's view."})
        cid = made["comment"]["id"]
        assert made["comment"]["moderation"] == "pending"
        assert await received(cid) == only(dict.fromkeys(officers_and_author, "comment-created"))

        # The author edits it: still only those three hear.
        await live["observer"].call("comment-edit", {"id": cid, "body": "Observer's view, v2."})
        assert await received(cid) == only(dict.fromkeys(officers_and_author, "comment-updated"))

        # Approved on a meeting's agreement: everyone else now gets it, created.
        decided = await live["chair"].call(
            "comment-decide", {"ids": [cid], "decision": "approved", "meeting": MEETING}
        )
        assert decided["comments"][0]["moderation"] == "visible"
        assert await received(cid) == only(
            {
                **dict.fromkeys(officers_and_author, "comment-updated"),
                **dict.fromkeys(others, "comment-created"),
            }
        )

        # A reply by the member and a resolution reach everyone.
        reply = (await live["member"].call("comment-reply", {"parent_id": cid, "body": "Noted."}))[
            "comment"
        ]
        assert await received(reply["id"]) == only(dict.fromkeys(VIEWERS, "comment-created"))
        await live["member"].call("comment-resolve", {"id": cid})
        assert await received(cid) == only(dict.fromkeys(VIEWERS, "comment-updated"))
        await live["member"].call("comment-reopen", {"id": cid})
        await received(cid)

        # Flagged: back to review, removed for everyone but its author and the officers,
        # and its thread's replies with it.
        await live["member"].call("comment-flag", {"id": cid, "reason": "spam"})
        flagged = {
            **dict.fromkeys(officers_and_author, "comment-updated"),
            **dict.fromkeys(others, "comment-removed"),
        }
        assert await received(cid) == only(flagged)
        for viewer, client in live.items():
            last = [n for n, d in client.history if d["id"] == reply["id"]][-1]
            assert last == (
                "comment-updated" if viewer in officers_and_author else "comment-removed"
            )

        # Rejected: only its author keeps it.
        await live["secretariat"].call(
            "comment-decide",
            {"ids": [cid], "decision": "rejected", "meeting": MEETING, "reason": "Spam."},
        )
        assert await received(cid) == only(
            {
                "chair": "comment-removed",
                "secretariat": "comment-removed",
                "observer": "comment-updated",
            }
        )
        listed = await live["observer"].call("comment-list")
        assert [
            (c["id"], c["decision"]["reason"]) for c in listed["comments"] if c["id"] == cid
        ] == [(cid, "Spam.")]

        # A pending reply from an observer under a visible thread, then the thread's deletion.
        thread = (await live["member"].call("comment-create", {"body": "Thread."}))["comment"]
        await received(thread["id"])
        pending_reply = (
            await live["observer2"].call(
                "comment-reply", {"parent_id": thread["id"], "body": "Pending reply."}
            )
        )["comment"]
        assert await received(pending_reply["id"]) == only(
            dict.fromkeys(("chair", "secretariat", "observer2"), "comment-created")
        )
        await live["member"].call("comment-delete", {"id": thread["id"]})
        await act(api, group, "member", "PATCH", f"/{marker}", {"body": "marker last"})
        for viewer, client in live.items():
            await client.wait_for("comment-updated", marker)
            assert client.about(thread["id"]) == ["comment-removed"], viewer
            saw_reply = viewer in ("chair", "secretariat", "observer2")
            assert client.about(pending_reply["id"]) == (
                ["comment-removed"] if saw_reply else []
            ), viewer

        # Over the whole run, those who may not see pending comments never heard of one:
        # every comment they received was visible, and nothing else was ever named.
        for viewer in ("follower", "anonymous", "captioner", "member"):
            history = live[viewer].history
            assert all(d["moderation"] == "visible" for n, d in history if n != "comment-removed")
            assert pending_reply["id"] not in {d["id"] for _, d in history}, viewer
        assert [n for n, d in live["follower"].history if d["id"] == cid] == [
            "comment-created",  # on approval
            "comment-updated",  # resolved
            "comment-updated",  # reopened
            "comment-removed",  # flagged
        ]


# -- PostgreSQL, and several processes ------------------------------------------------------


def _settings(
    tmp_path: Path, name: str, database_url: str, redis_url: str | None = None
) -> Settings:
    return Settings(
        data_dir=tmp_path / name,
        database_url=database_url,
        redis_url=redis_url,
        secret="test-secret",
        room_linger_seconds=0.05,
        awareness_tick_seconds=0.005,
        comment_edits_burst=EDITS_AS_BARRIER,
    )


@pytest.mark.postgres
async def test_postgres_visibility_matrix(pg_server: RunningServer) -> None:
    async with Api.open(pg_server.url) as api:
        await check_visibility_matrix(api, await comment_group(pg_server, api))


@pytest.mark.postgres
async def test_events_cross_processes_filtered_by_each_for_its_own_peers(tmp_path: Path) -> None:
    redis_url = await require_redis()
    async with (
        fresh_postgres_database() as url,
        serve_in_process(_settings(tmp_path, "a", url, redis_url)) as a,
        serve_in_process(_settings(tmp_path, "b", url, redis_url)) as b,
        Api.open(a.url) as api,
    ):
        group = await comment_group(a, api)
        async with (
            LiveComments(b.url, group.document, group.token("follower")) as follower,
            LiveComments(b.url, group.document, group.token("secretariat")) as secretariat,
            LiveComments(a.url, group.document, group.token("observer")) as observer,
        ):
            made = await observer.call("comment-create", {"body": "From process A."})
            cid = made["comment"]["id"]
            assert (await secretariat.wait_for("comment-created", cid))["moderation"] == "pending"
            await api.ok(
                "POST",
                group.path("/comments/decisions"),
                group.token("chair"),
                {"ids": [cid], "decision": "approved", "meeting": MEETING},
            )
            await follower.wait_for("comment-created", cid)
            assert follower.about(cid) == ["comment-created"], "never heard of it while pending"
            assert (await secretariat.wait_for("comment-updated", cid))["moderation"] == "visible"
