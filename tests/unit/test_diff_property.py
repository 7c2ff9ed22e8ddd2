"""The diff reports exactly what random edit scripts by several people did, and who
did it (``server.revisions.diff``), with ownership and deletions recorded from each
update as the storage writer records them: a client id belongs to the first person
who sent structs of it, a deleted range to the first person whose update's delete
set named it. (tests/integration/test_diff_storage.py runs the same scripts through
the real store and the HTTP-facing diff.)"""

from __future__ import annotations

import asyncio
from typing import Any

from hypothesis import HealthCheck, given, settings

from crdt.update_v1 import delete_set, struct_clients
from server.revisions import diff
from server.storage import Author
from tests.support.revisions import Edit, Script, check_diff, scripts


class Records:
    """Owners of client ids and first deleters of item ranges, per unit of clock."""

    def __init__(self) -> None:
        self.owners: dict[int, Author] = {}
        self.deleted: dict[tuple[int, int], Author] = {}

    async def record(self, update: bytes, author: Author) -> None:
        for client in struct_clients(update):
            self.owners.setdefault(client, author)
        for client, clock, length in delete_set(update):
            for k in range(clock, clock + length):
                self.deleted.setdefault((client, k), author)

    def deleters(self) -> dict[int, list[diff.Deleter]]:
        """Runs of equal deleters per client (what the deletion lookup returns)."""
        out: dict[int, list[diff.Deleter]] = {}
        for (client, clock), author in sorted(self.deleted.items()):
            runs = out.setdefault(client, [])
            last = runs[-1] if runs else None
            if last is not None and last[1] + last[2] == clock and last[3] == _plain(author):
                runs[-1] = (client, last[1], last[2] + 1, last[3])
            else:
                runs.append((client, clock, 1, _plain(author)))
        return out


def _plain(author: Author | None) -> dict[str, Any] | None:
    if author is None:
        return None
    return {"person_id": author.person_id, "name": author.name, "delegation": author.delegation}


async def _play(before: list[Edit], between: list[Edit]) -> None:
    records = Records()
    script = Script(records.record)
    await script.setup()
    await script.run(before)
    older = script.state()
    await script.run(between)
    newer = script.state()
    raw = diff.compare(older, newer)
    deleters = records.deleters()
    paragraphs = []
    for para in raw.paragraphs:
        segments = diff.attribute(para.pieces, lambda c: _plain(records.owners.get(c)), deleters)
        paragraphs.append(
            {
                "id": para.id,
                "changes": para.changes,
                "segments": [{"op": s.op, "text": s.text, "author": s.author} for s in segments],
            }
        )
    check_diff(script, older, newer, paragraphs)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scripts)
def test_the_diff_reports_what_each_person_did(edits: tuple[list[Edit], list[Edit]]) -> None:
    asyncio.run(_play(*edits))
