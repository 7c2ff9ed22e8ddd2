"""Live announcement of a new version, on the live hub topic ``versions:<document>``.

Every connection of the document's namespace (``/yjs|<document>``) follows the topic
and gets ``version-issued`` (the ``VersionSummary``) when a version is issued or
frozen at a session's end, so a versions panel adds it at once instead of polling.
Everyone on that namespace may read the document (the connection rule: a private
breakout draft's namespace refuses whoever may not read it), and whoever may read a
document may read its versions, so every recipient gets the event.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from server.auth.principal import Principal
from server.live.hub import LiveHub
from server.revisions.schemas import VersionSummary

KIND = "versions"
EVENT = "version-issued"


def topic(document: str) -> str:
    """The live topic of a document's versions."""
    return f"{KIND}:{document}"


@dataclass(frozen=True)
class VersionIssued:
    """A new version of a document (a live hub ``Message``)."""

    version: dict[str, Any]  # the VersionSummary, as JSON
    history_id = None

    def event_for(self, principal: Principal) -> str | None:
        return EVENT

    def data_for(self, event: str) -> dict[str, Any]:
        return self.version

    def to_json(self) -> dict[str, Any]:
        return {"version": self.version}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> VersionIssued:
        return cls(dict(data["version"]))


class VersionPublisher:
    """How the revision service announces a new version: on the document's topic."""

    def __init__(self, hub: LiveHub) -> None:
        self._hub = hub
        hub.decode_with(KIND, VersionIssued.from_json)

    async def publish(self, document: str, version: VersionSummary) -> None:
        """Returns once queued (call it after the version's transaction committed)."""
        await self._hub.publish(topic(document), VersionIssued(version.model_dump(mode="json")))
