"""The few kinds of block every output is made of, whatever its format.

The parts (``server.outputs.parts``) say *what* a report or a compilation holds as a
sequence of blocks; a renderer per format (Markdown, HTML, Word) says only *how* each
kind of block is written. So the three formats cannot disagree on content or order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True)
class Title:
    """The document's title and the lines under it (group, part, version, date)."""

    text: str
    lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class Heading:
    """A section heading; ``level`` 1 (chapter) to 3. ``paragraph_id``: the document's
    own heading paragraph this heading shows, if any."""

    level: int
    text: str
    paragraph_id: str = ""


@dataclass(frozen=True)
class Para:
    """A paragraph of the document: its label, its text (brackets and all) and a line
    of details (sequence, status, proposers) shown after it."""

    id: str
    label: str
    text: str
    details: str = ""


@dataclass(frozen=True)
class Prose:
    """A sentence the export writes itself (generated from the group's records)."""

    text: str


@dataclass(frozen=True)
class Bullets:
    """A bulleted list; ``level`` 1 or 2 (nested under the previous item)."""

    items: tuple[str, ...]
    level: int = 1


@dataclass(frozen=True)
class Table:
    """A table with a header row; ``total`` makes the last row a totals row."""

    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    total: bool = False


Block = Title | Heading | Para | Prose | Bullets | Table


def day(d: date) -> str:
    """``30 May 2013`` (English month names, independent of the machine's locale)."""
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def days(s: date, e: date) -> str:
    """A span of days as the seed writes them: ``6-8 November 2013``,
    ``30 April - 2 May 2014``, ``30 May 2013`` for one day."""
    if s == e:
        return day(s)
    if (s.year, s.month) == (e.year, e.month):
        return f"{s.day}-{day(e)}"
    if s.year == e.year:
        return f"{s.day} {MONTHS[s.month - 1]} - {day(e)}"
    return f"{day(s)} - {day(e)}"
