"""A session's draft gets a name nobody else can take away from it.

Document names are global (they address /ws/<name> and /yjs|<name>) and any
group's chair may pick one. Before, drafts were named ``draft-m<meeting>-s<id>``:
another group's chair who created that name first made session creation a 500.
"""

from __future__ import annotations

from tests.support.groups import Api, build_group
from tests.support.servers import RunningServer
from tests.support.sessions import new_meeting, new_session


async def test_squatted_draft_names_do_not_break_session_creation(
    server: RunningServer, api: Api
) -> None:
    op = server.token("chair", "op")
    victim = await build_group(api, op, seed_text=None)
    squatter = await build_group(api, op, seed_text=None)
    meeting = await new_meeting(api, victim, 1)
    # The next session will be session 1 of meeting 1: take every name it could get.
    for name in ("draft-m1-s1", f"{victim.slug}-draft-m1-s1"):
        await api.ok(
            "POST",
            squatter.path("/documents"),
            squatter.token("chair"),
            {"name": name, "title": "Squatted", "public": True},
        )
    made = await new_session(api, meeting, victim.token("chair"), "breakout")
    draft = made["document"]
    assert draft.startswith(f"{victim.slug}-draft-m1-s1_")
    ours = await api.ok("GET", victim.path("/documents"), victim.token("chair"))
    assert draft in {d["name"] for d in ours["documents"]}
    theirs = await api.ok("GET", squatter.path("/documents"), squatter.token("chair"))
    assert draft not in {d["name"] for d in theirs["documents"]}
    # Members of the victim group write the draft; the squatter's chair cannot open it.
    reply = await api.call("GET", f"/api/sessions/{made['id']}/follow", squatter.token("chair"))
    assert reply.status == 403
