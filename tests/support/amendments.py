"""Amendments for the tests: the paths, a proposal made over HTTP, and a recorder of
the live ``amendment-*`` events a Socket.IO connection gets."""

from __future__ import annotations

from typing import Any

from tests.support.groups import Api, Group, Reply
from tests.support.live import EventRecorder

LIVE_EVENTS = ("amendment-created", "amendment-updated", "amendment-removed")


def amendments_path(group: Group, suffix: str = "", document: str | None = None) -> str:
    return f"/api/documents/{document or group.document}/amendments{suffix}"


def span(text: str, words: str) -> dict[str, int]:
    """``{start, end}`` of ``words`` in ``text`` (code points)."""
    at = text.index(words)
    return {"start": at, "end": at + len(words)}


async def propose(
    api: Api, group: Group, role: str, paragraph: str, now: str, words: str, **body: Any
) -> Reply:
    """``role`` proposes (``body``: text, kind...) on ``words`` of ``paragraph``, whose
    text is ``now``."""
    payload = {"paragraph": paragraph, "kind": "replace", **span(now, words), **body}
    return await api.call("POST", amendments_path(group), group.token(role), payload)


async def visible_ids(api: Api, group: Group, token: str | None) -> list[int]:
    got = await api.ok("GET", amendments_path(group), token)
    return [a["id"] for a in got["amendments"]]


class LiveAmendments(EventRecorder):
    """Records the amendment events one Socket.IO connection (``sio``, ``namespace``) gets."""

    def __init__(self, sio: Any, namespace: str) -> None:
        super().__init__(sio, namespace, LIVE_EVENTS)

    def about(self, amendment_id: int) -> list[tuple[str, dict[str, Any]]]:
        return [(name, data) for name, data in self.events if data["id"] == amendment_id]

    def first(self, event: str, amendment_id: int, **fields: Any) -> dict[str, Any] | None:
        """The first ``event`` received about ``amendment_id`` whose data has ``fields``."""
        for name, data in self.events:
            if (
                name == event
                and data["id"] == amendment_id
                and all(data.get(k) == v for k, v in fields.items())
            ):
                return data
        return None

    async def wait_for(
        self, event: str, amendment_id: int, timeout: float = 10.0, **fields: Any
    ) -> dict[str, Any]:
        """The first ``event`` about ``amendment_id`` whose data has ``fields``."""
        await self.wait_until(lambda r: r.first(event, amendment_id, **fields) is not None, timeout)
        found = self.first(event, amendment_id, **fields)
        assert found is not None
        return found
