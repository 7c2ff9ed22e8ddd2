"""The amendment mode's set-up: marker words in the paragraphs, members' proposals.

Proposal k replaces the marker word ``mark<k>`` (fixed width, so none is a part of
another) by ``AMENDED<k>``. The server lets one person propose 30 at once, then 30
a minute, so members of several delegations propose them in turn (at most
``PER_MEMBER`` each): more proposals only mean more delegations, never a wait.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

PER_MEMBER = 25
DELEGATIONS = ("Kenya", "Norway", "India", "Mexico", "Japan", "Ghana", "Chile", "Egypt")

Call = Callable[..., Awaitable[Any]]


def marker(k: int) -> str:
    """The k-th proposal's words to replace."""
    return f"mark{k:04d}"


def replacement(k: int) -> str:
    """The k-th proposal's words."""
    return f"AMENDED{k:04d}"


def marked_text(text: str, proposals: range) -> str:
    """A paragraph's text holding the marker words of ``proposals``."""
    return f"{text}, in particular " + " ".join(marker(k) for k in proposals)


async def members(call: Call, gid: int, count: int) -> list[str]:
    """Tokens of ``count`` members, each of a delegation of their own."""
    tokens = []
    for i in range(count):
        name = DELEGATIONS[i] if i < len(DELEGATIONS) else f"Delegation {i + 1}"
        delegation = await call(
            "POST",
            f"/api/groups/{gid}/delegations",
            {"name": name, "stakeholder_group": "member_states"},
        )
        person = await call(
            "POST",
            f"/api/groups/{gid}/people",
            {"name": f"Delegate of {name}", "role": "member", "delegation_id": delegation["id"]},
        )
        invitation = await call(
            "POST", f"/api/groups/{gid}/invitations", {"person_id": person["id"]}
        )
        opened = await call("GET", f"/invite/{invitation['code']}", token=None)
        tokens.append(opened["token"])
    return tokens


async def propose(
    call: Call, token: str, document: str, paragraph: str, text: str, k: int
) -> dict[str, Any]:
    """A member proposes to replace marker k by its replacement (visible at once)."""
    start = text.index(marker(k))
    made = await call(
        "POST",
        f"/api/documents/{document}/amendments",
        {
            "paragraph": paragraph,
            "start": start,
            "end": start + len(marker(k)),
            "kind": "replace",
            "text": replacement(k),
            "justification": "benchmark",
        },
        token,
    )
    if made["moderation"] != "visible":
        raise RuntimeError(f"a member's proposal is {made['moderation']}, not visible")
    return {
        "id": made["id"],
        "paragraph": paragraph,
        "marker": marker(k),
        "replacement": replacement(k),
        "proposer": made["proposer"]["delegation"],
    }


async def propose_all(
    call: Call,
    gid: int,
    document: str,
    paragraphs: Sequence[str],
    texts: Sequence[str],
    count: int,
) -> list[dict[str, Any]]:
    """``count`` proposals, proposal k on paragraph k mod P, by members in turn."""
    if not count:
        return []
    tokens = await members(call, gid, -(-count // PER_MEMBER))
    n = len(paragraphs)
    return [
        await propose(call, tokens[k % len(tokens)], document, paragraphs[k % n], texts[k % n], k)
        for k in range(count)
    ]
