"""The group's live topic on PostgreSQL: many concurrent writers (items, merges, mapping
areas) get distinct numbers, and a follower sees every change once, numbered
consecutively, ending in the state a fresh follower reads."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from tests.support.groups import Api, Group, build_group
from tests.support.issues import GroupClient, issues_path
from tests.support.servers import RunningServer

pytestmark = [pytest.mark.timeout(300), pytest.mark.postgres]


@pytest.fixture
async def pg_api(pg_server: RunningServer) -> AsyncIterator[Api]:
    async with Api.open(pg_server.url) as client:
        yield client


@pytest.fixture
async def pg_group(pg_server: RunningServer, pg_api: Api) -> Group:
    return await build_group(pg_api, pg_server.token("chair", "op"), seed_text=None)


async def test_concurrent_writers_are_numbered_and_followed_in_order(
    pg_server: RunningServer, pg_api: Api, pg_group: Group
) -> None:
    api, group = pg_api, pg_group
    cg = await api.ok("POST", group.path("/correspondence"), group.token("chair"),
                      {"title": "Mapping", "members": [group.people["member"].id]})  # fmt: skip
    follower = GroupClient(pg_server.url, group.id, group.token("observer"))
    async with follower:
        start = follower.of("group-state")[0]["seq"]

        async def items(role: str, count: int) -> list[int]:
            made = [await api.ok("POST", issues_path(group), group.token(role),
                                 {"issue": f"{role} {i}"}) for i in range(count)]  # fmt: skip
            return [m["number"] for m in made]

        async def areas(count: int) -> None:
            for i in range(count):
                await api.ok("POST", f"/api/correspondence/{cg['id']}/areas",
                             group.token("member"), {"area": f"Area {i}"})  # fmt: skip

        made = await asyncio.gather(items("member", 8), items("secretariat", 8),
                                    items("chair", 8), areas(8))  # fmt: skip
        numbers = sorted(n for batch in made[:3] for n in batch)
        assert numbers == list(range(1, 25))  # distinct, none lost
        merges = [api.ok("POST", issues_path(group, "/merge"), group.token("member"),
                         {"into": n, "items": [n + 1]}) for n in range(1, 24, 2)]  # fmt: skip
        await asyncio.gather(*merges)
        top = start + 24 + 8 + 12
        await follower.wait_seq(top)
        assert follower.seqs() == list(range(start + 1, top + 1))
        probe = GroupClient(pg_server.url, group.id, group.token("chair"))
        async with probe:
            state = probe.of("group-state")[0]
        assert state["seq"] == top
        assert state["issues"]["counts"] == {"items": 24, "merged": 12, "remaining": 12}
        area_numbers = sorted(a["number"] for a in state["correspondence"][0]["areas"])
        assert area_numbers == list(range(1, 9))
        last = {i["number"]: i for e in follower.of("issue-item") for i in e["items"]}
        assert last == {i["number"]: i for i in state["issues"]["items"]}
