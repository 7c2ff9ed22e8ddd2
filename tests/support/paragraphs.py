"""The rolling text v2 over its governance API, for the tests: seed paragraphs as the
chair does, read the document, call commands over HTTP or Socket.IO."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.support.groups import Api, Group
from tests.support.live import EventRecorder

# The rolling text's first paragraphs: (label, section, kind, text).
ROLLING = (
    ("OP1", "A", "recommendation", "The Working Group recommends cooperation."),
    ("OP2", "A", "recommendation", "Member States should [consider] the mechanism."),
    ("OP3", "B", "recommendation", "Stakeholders participate in their respective roles."),
    ("OP4", "B", "statement", "Capacité building is essential."),
    ("OP5", "C", "recommendation", "Developing countries need support."),
    ("OP6", "C", "recommendation", "The Working Group reports to the CSTD."),
)


def doc_path(document: str, suffix: str = "") -> str:
    return f"/api/documents/{document}{suffix}"


async def seed(api: Api, group: Group, document: str | None = None) -> dict[str, str]:
    """The paragraphs of ``ROLLING`` added by the chair; label -> id."""
    name = document or group.document
    ids = {}
    for label, section, kind, text in ROLLING:
        body = {"label": label, "section": section, "kind": kind, "text": text}
        made = await api.ok("POST", doc_path(name, "/paragraphs"), group.token("chair"), body)
        ids[label] = made["id"]
    return ids


async def content(api: Api, group: Group, document: str | None = None) -> dict[str, Any]:
    got: dict[str, Any] = await api.ok(
        "GET", doc_path(document or group.document), group.token("chair")
    )
    return got


async def decisions(api: Api, group: Group, document: str | None = None) -> list[dict[str, Any]]:
    got = await api.ok(
        "GET", doc_path(document or group.document, "/decisions"), group.token("chair")
    )
    found: list[dict[str, Any]] = got["decisions"]
    return found


def by_label(content: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["label"]: p for p in content["paragraphs"]}


GOVERNANCE_EVENTS = (
    "paragraphs-state",
    "paragraph-changed",
    "document-changed",
    "opinion-changed",
    "proposal-changed",
)


class Recorder(EventRecorder):
    """Records the governance events a Socket.IO client gets on one namespace."""

    def __init__(self, sio: Any, namespace: str) -> None:
        super().__init__(sio, namespace, GOVERNANCE_EVENTS)

    def decision_ids(self) -> list[int]:
        """Decisions of the live events received, in arrival order."""
        return [
            data["decision"]["id"]
            for name, data in self.events
            if name != "proposal-changed" and data.get("decision")
        ]

    def history_ids(self) -> list[int]:
        return [d["id"] for state in self.of("paragraphs-state") for d in state["decisions"]]

    async def wait_for(self, predicate: Callable[[Recorder], bool], timeout: float = 10.0) -> None:
        await self.wait_until(predicate, timeout)

    async def wait_decision(self, decision_id: int, timeout: float = 10.0) -> None:
        await self.wait_for(lambda r: decision_id in r.decision_ids(), timeout)
