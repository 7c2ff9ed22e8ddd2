"""One colour per delegation (and per observer organisation) of a working group.

Cursors, selections and "colour by delegation" must tell Brazil from Sweden at a
glance. Colours come from one fixed palette, assigned by each delegation's
position in its group (delegations and observer organisations together, in the
order they joined), so two delegations of a group share a colour only once the
group has more of them than the palette has colours; a delegation keeps its
colour when others join later.

The palette is accessible: every colour has at least 3:1 contrast against white
(WCAG 2.1 non-text contrast, for cursor lines and text underlines) and the
colour-blind-safe Okabe-Ito hues come first. People speaking for nobody (chairs
without a delegation, the server) and read-only connections get a neutral grey.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from server.groups.models import Delegation, Person

PALETTE = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#332288",  # indigo
    "#117733",  # green
    "#882255",  # wine
    "#999933",  # olive
    "#CC6677",  # rose
    "#AA4499",  # purple
    "#D62728",  # red
    "#8C564B",  # brown
    "#9467BD",  # lavender
    "#B8860B",  # dark goldenrod
    "#1F4E79",  # navy
    "#E7298A",  # magenta
    "#5F7D1A",  # moss
    "#0E7C86",  # teal
    "#7B3F00",  # chocolate
    "#8E24AA",  # violet
)
NEUTRAL = "#757575"
# ``colorLight`` in Yjs presence (selection backgrounds): the colour at 20 % opacity.
LIGHT_ALPHA = "33"


def light(colour: str) -> str:
    """The translucent variant of a palette colour (``#RRGGBB`` + alpha)."""
    return colour + LIGHT_ALPHA


def assign(names: Iterable[str]) -> dict[str, str]:
    """Colours by position: the n-th distinct name gets ``PALETTE[n % len(PALETTE)]``."""
    colours: dict[str, str] = {}
    for name in names:
        if name not in colours:
            colours[name] = PALETTE[len(colours) % len(PALETTE)]
    return colours


class Identity(NamedTuple):
    """Whom a person speaks for (a delegation or an organisation) and its colour."""

    delegation: str | None
    colour: str


class GroupColours:
    """Reads a group's delegations and organisations and colours them."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def of_group(self, group_id: int) -> dict[str, str]:
        """Every delegation and organisation of the group -> its colour, in join order."""
        async with self._sessions() as session:
            return assign(await _members(session, group_id))

    async def identity(self, person_id: int) -> Identity:
        """The person's delegation (or organisation) and its colour; grey for nobody's."""
        async with self._sessions() as session:
            person = await session.get(Person, person_id)
            if person is None:
                return Identity(None, NEUTRAL)
            name: str | None = person.organization
            if person.delegation_id is not None:
                delegation = await session.get(Delegation, person.delegation_id)
                name = delegation.name if delegation else None
            if name is None:
                return Identity(None, NEUTRAL)
            colours = assign(await _members(session, person.group_id))
            return Identity(name, colours.get(name, NEUTRAL))


async def _members(session: AsyncSession, group_id: int) -> list[str]:
    """Delegation and organisation names of a group, in the order they joined."""
    joined: list[tuple[datetime, int, int, str]] = []
    delegations = await session.execute(
        select(Delegation.created_at, Delegation.id, Delegation.name).where(
            Delegation.group_id == group_id
        )
    )
    joined.extend((at, 0, did, name) for at, did, name in delegations)
    organisations = await session.execute(
        select(func.min(Person.created_at), func.min(Person.id), Person.organization)
        .where(Person.group_id == group_id, Person.organization.is_not(None))
        .group_by(Person.organization)
    )
    joined.extend((at, 1, pid, name) for at, pid, name in organisations if name is not None)
    joined.sort(key=lambda row: (row[0], row[1], row[2]))
    return [name for *_, name in joined]
