"""What the OpenAPI document says of sessions beyond their HTTP routes.

The routes, bodies and answers are generated from ``server.sessions.views.api``.
The live side of a session (status, stream links, transcript, read-only draft) is
the Socket.IO namespace ``/session|<id>``, described in ``LIVE_DESCRIPTION``.
"""

from __future__ import annotations

TAGS = ("meetings", "sessions", "transcripts")
LIVE_DESCRIPTION = (
    " A session is followed live on the Socket.IO namespace `/session|<id>`: the server "
    "sends session-state, then transcript-history {segments, upto}, then live events "
    "(transcript-segment, transcript-correction, stream-links, session-status) and the "
    "session's draft, read-only, through the usual sync events; a captioner sends "
    "transcript-append {segments} and transcript-correct {id, text} with an ack."
)
