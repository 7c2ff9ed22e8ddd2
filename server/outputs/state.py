"""Where the outputs get a document's state at version N (or now) from.

The revisions domain owns versions: ``RevisionService.state(actor, document, number)``
returns a ``VersionState`` (number, label, created_at, the full Yjs state) and checks
the document's read rule, so a private draft's versions and exports are refused to
whoever may not read it. Outputs depend only on this shape; the app passes that method
(a test or a tool may pass any other source).
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Protocol

from server.auth.principal import Principal
from server.revisions.schemas import VersionState

__all__ = ["StateSource", "VersionState"]


class StateSource(Protocol):
    """The state of ``document`` at version ``number`` (None: now) if ``actor`` may
    read the document: Forbidden / NotFound otherwise."""

    def __call__(
        self, actor: Principal, document: str, number: int | None
    ) -> Awaitable[VersionState]: ...
