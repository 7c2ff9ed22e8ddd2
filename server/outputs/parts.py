"""What each output holds, as blocks: the report in the agreed structure, the four
compilations of the seed's 4th meeting, and the status table.

The seed: the 4th meeting's resources were the members' contributions "grouped into
four documents: statements, agreed recommendations, recommendations to be revisited,
no agreement"; the group agreed the report's structure (Introduction; Description of
the meetings and methodology; recommendations for the five groups A-E; Conclusion),
that recommendations be sequenced What? How? Who?, and that "divergent views [are]
to be included in report as opinions". Deleted paragraphs never appear. Heading
paragraphs are not negotiated: they title sections and count in no compilation.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Literal, get_args

from crdt.schema import STATUS_LABELS, STATUSES, Status
from server.outputs.blocks import Block, Bullets, Heading, Para, Prose, Table, Title, day, days
from server.outputs.model import DocumentAt, ParagraphAt

Part = Literal["report", "statements", "agreed", "revisit", "no-agreement", "status-table"]
PARTS: tuple[str, ...] = get_args(Part)

GROUPS = ("A", "B", "C", "D", "E")
# The agreed structure's titles of the five groups (the seed's 4th meeting).
GROUP_TITLES = {
    "A": "A. Implementation of the Tunis Agenda",
    "B": "B. Public policy issues and possible mechanisms",
    "C": "C. Role of stakeholders",
    "D": "D. Developing countries",
    "E": "E. Barriers to participation in enhanced cooperation",
}
CHAPTERS = {
    "intro": "Introduction",
    "method": "Description of the meetings and methodology",
    "conclusion": "Conclusion",
}
RECOMMENDATIONS = "Operationalizing enhanced cooperation: recommendations for the five groups"
OPINIONS = "Opinions"
OTHER_SECTIONS = "Introduction, methodology and conclusion"
# Statuses a negotiated paragraph can have (deleted ones appear nowhere).
TABLE_STATUSES = tuple(s for s in Status if s != Status.DELETED)
SESSION_KINDS = {
    "plenary": "Plenary",
    "breakout": "Breakout group",
    "informal": "Informal consultations",
    "correspondence": "Correspondence group",
}
PART_TITLES: dict[str, str] = {
    "report": "Report",
    "statements": "Statements",
    "agreed": "Agreed recommendations and language",
    "revisit": "Recommendations to be revisited",
    "no-agreement": "No agreement",
    "status-table": "Status table",
}
# Which paragraphs each compilation holds (headings and deleted ones: none).
COMPILATIONS: dict[str, Callable[[ParagraphAt], bool]] = {
    "statements": lambda p: p.kind == "statement",
    "agreed": lambda p: p.status in (Status.AGREED, Status.AGREED_AD_REF),
    "revisit": lambda p: p.status == Status.TO_BE_REVISITED,
    "no-agreement": lambda p: p.status == Status.NO_AGREEMENT,
}


def negotiated(model: DocumentAt) -> list[ParagraphAt]:
    """The paragraphs that count: not deleted, not headings; document order."""
    return [p for p in model.visible if p.kind != "heading"]


def compilation(model: DocumentAt, part: str) -> list[ParagraphAt]:
    """The paragraphs of one of the four compilations, in document order."""
    keep = COMPILATIONS[part]
    return [p for p in negotiated(model) if keep(p)]


def status_counts(model: DocumentAt) -> tuple[tuple[str, ...], list[tuple[str, list[int]]]]:
    """(columns, [(row name, counts)]): groups A-E (and the other sections when they
    hold any) by status, then statements; the last row is the total. Each total equals
    the size of its compilation (agreed = agreed + agreed ad ref)."""
    columns = (*(STATUS_LABELS[s].capitalize() for s in TABLE_STATUSES), "Total", "Statements")
    rows: dict[str, list[int]] = {g: [0] * len(columns) for g in GROUPS}
    for p in negotiated(model):
        key = p.section if p.section in GROUPS else OTHER_SECTIONS
        row = rows.setdefault(key, [0] * len(columns))
        row[TABLE_STATUSES.index(status_of(p))] += 1
        row[len(TABLE_STATUSES)] += 1
        row[-1] += p.kind == "statement"
    named = [(GROUP_TITLES[g] if g in GROUP_TITLES else g, counts) for g, counts in rows.items()]
    total = [sum(counts[i] for _, counts in named) for i in range(len(columns))]
    return columns, [*named, ("Total", total)]


def status_of(p: ParagraphAt) -> Status:
    """The paragraph's status (an unknown value reads as draft, as the schema does)."""
    return Status(p.status) if p.status in STATUSES else Status.DRAFT


def details(p: ParagraphAt) -> str:
    """The line after a paragraph: its kind (unless plain), sequence, status, who."""
    bits = []
    if p.kind not in ("text", "recommendation"):
        bits.append(p.kind.capitalize())
    if p.sequence:
        bits.append(p.sequence.capitalize() + "?")
    bits.append(STATUS_LABELS[status_of(p)].capitalize())
    if p.proposers:
        bits.append("proposed by " + ", ".join(p.proposers))
    if p.supporters:
        bits.append("supported by " + ", ".join(p.supporters))
    return " · ".join(bits)


def para(p: ParagraphAt) -> Para:
    return Para(id=p.id, label=p.label, text=p.text, details=details(p))


def title(model: DocumentAt, part: str) -> Title:
    when = day(model.at)
    if model.version is None:
        state = f"Current text, {when} {model.at:%H:%M} UTC"
    else:
        state = f"Version {model.version}: {model.label}, {when}"
    lines = tuple(x for x in (model.context.name, PART_TITLES[part], state) if x)
    return Title(model.title, lines)


def _section(
    model: DocumentAt, section: str, level: int, default: str, after: Iterable[Block] = ()
) -> list[Block]:
    """A section's heading and paragraphs. Its first paragraph, when it is a heading
    paragraph, titles it ("I. Introduction"); later heading paragraphs are sub-headings."""
    paragraphs = [p for p in model.visible if p.section == section]
    out: list[Block] = []
    if paragraphs and paragraphs[0].kind == "heading":
        first = paragraphs.pop(0)
        out.append(Heading(level, _heading_text(first), first.id))
    else:
        out.append(Heading(level, default))
    for p in paragraphs:
        if p.kind == "heading":
            out.append(Heading(level + 1, _heading_text(p), p.id))
        else:
            out.append(para(p))
    out.extend(after)
    return out


def _heading_text(p: ParagraphAt) -> str:
    """A heading paragraph's title: its text, numbered by its label unless the text
    already starts with it ("A. Implementation...")."""
    text = p.text.strip() or p.label
    numbered = re.match(re.escape(p.label) + r"\b", text)
    return text if numbered else f"{p.label}. {text}"


def _methodology(model: DocumentAt) -> list[Block]:
    """The generated part of "Description of the meetings and methodology"."""
    ctx = model.context
    out: list[Block] = []
    if ctx.meetings:
        out.append(Heading(2, "Meetings"))
        for m in ctx.meetings:
            place = f", {m.venue}" if m.venue else ""
            out.append(Bullets((f"{m.title}{place}: {days(m.starts_on, m.ends_on)}",)))
            sessions = []
            for s in m.sessions:
                kind = SESSION_KINDS.get(s.kind, s.kind)
                lead = f", led by {s.lead}" if s.lead else ""
                sessions.append(f"{kind}: {s.title}{lead} ({day(s.starts)})")
            if sessions:
                out.append(Bullets(tuple(sessions), level=2))
    if ctx.participation:
        out.append(Heading(2, "Participants"))
        rows = tuple(
            (g.name, str(g.seats), str(g.delegations), str(g.members)) for g in ctx.participation
        )
        total = tuple(str(sum(int(r[i]) for r in rows)) for i in (1, 2, 3))
        out.append(
            Table(
                "Participants by stakeholder group",
                ("Stakeholder group", "Seats", "Delegations", "Members"),
                (*rows, ("Total", *total)),
                total=True,
            )
        )
    q = ctx.questionnaire
    if q is not None:
        out.append(Heading(2, "Questionnaire"))
        out.append(
            Prose(f"{q.title}: {q.questions} questions, {q.total} respondents by stakeholder group")
        )
        out.append(Bullets(tuple(f"{name}: {n}" for name, n in q.respondents.items())))
    return out


def _opinions(model: DocumentAt) -> list[Block]:
    order = {p.id: i for i, p in enumerate(model.paragraphs)}
    labels = {p.label: order[p.id] for p in model.paragraphs}
    sections = ("intro", "method", *GROUPS, "conclusion")
    held = sorted(
        model.opinions,
        key=lambda o: (
            sections.index(o.section) if o.section in sections else len(sections),
            labels.get(o.paragraph_label, -1),
            o.text,
        ),
    )
    out: list[Block] = [Heading(1, OPINIONS)]
    if not held:
        return [*out, Prose("No divergent views were recorded.")]
    for o in held:
        on = o.paragraph_label or CHAPTERS.get(o.section) or GROUP_TITLES.get(o.section, o.section)
        who = ", ".join(o.delegations) or "some delegations"
        out.append(Prose(f"On {on}, held by {who}: {o.text}"))
    return out


def report(model: DocumentAt) -> list[Block]:
    """The report in the agreed structure."""
    out: list[Block] = [title(model, "report")]
    out += _section(model, "intro", 1, CHAPTERS["intro"])
    out += _section(model, "method", 1, CHAPTERS["method"], _methodology(model))
    out.append(Heading(1, RECOMMENDATIONS))
    for group in GROUPS:
        out += _section(model, group, 2, GROUP_TITLES[group])
    out += _opinions(model)
    out += _section(model, "conclusion", 1, CHAPTERS["conclusion"])
    return out


def _compiled(model: DocumentAt, part: str) -> list[Block]:
    kept = compilation(model, part)
    out: list[Block] = [title(model, part), Heading(1, PART_TITLES[part])]
    out.append(Prose(f"{len(kept)} paragraph{'s' if len(kept) != 1 else ''}."))
    section = None
    for p in kept:
        if p.section != section:
            section = p.section
            out.append(Heading(2, GROUP_TITLES.get(section) or CHAPTERS.get(section, section)))
        out.append(para(p))
    return out


def status_table(model: DocumentAt) -> list[Block]:
    columns, rows = status_counts(model)
    return [
        title(model, "status-table"),
        Heading(1, PART_TITLES["status-table"]),
        Table(
            "Paragraphs by group and status (headings and deleted paragraphs not counted)",
            ("Group", *columns),
            tuple((name, *map(str, counts)) for name, counts in rows),
            total=True,
        ),
    ]


def blocks(model: DocumentAt, part: str) -> list[Block]:
    """The blocks of ``part`` of the document ``model``."""
    if part == "report":
        return report(model)
    if part == "status-table":
        return status_table(model)
    if part in COMPILATIONS:
        return _compiled(model, part)
    raise ValueError(f"unknown part {part!r}")
