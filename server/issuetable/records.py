"""Reading the issue table: rows to ``IssueItem``s (every merged item's sources
reached recursively), counts, and the exports (Markdown, HTML, CSV)."""

from __future__ import annotations

import csv
import html
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from server.issuetable import schemas
from server.issuetable.models import IssueItem, IssueItemCitation, IssueItemSource
from server.storage.models import Document

CSV_HEADER = (
    "No", "Issue", "Category", "Grouping", "Activities & approaches", "Status",
    "Merged into", "Merged from", "Sources",
)  # fmt: skip


async def counts(db: AsyncSession, group_id: int) -> schemas.IssueCounts:
    total, merged = (
        await db.execute(
            select(func.count(IssueItem.id), func.count(IssueItem.merged_into_id)).where(
                IssueItem.group_id == group_id
            )
        )
    ).one()
    return schemas.IssueCounts(items=total, merged=merged, remaining=total - merged)


async def items(
    db: AsyncSession, group_id: int, numbers: Iterable[int] | None = None
) -> list[schemas.IssueItem]:
    """The group's items (all, or those ``numbers``) in number order, each with its own
    sources and every merged item's, recursively, and where it is cited."""
    tree = (
        await db.execute(
            select(IssueItem.id, IssueItem.number, IssueItem.merged_into_id)
            .where(IssueItem.group_id == group_id)
            .order_by(IssueItem.number)
        )
    ).all()
    number_of = {i: n for i, n, _ in tree}
    children: dict[int, list[int]] = defaultdict(list)
    for i, _, into in tree:
        if into is not None:
            children[into].append(i)
    query = select(IssueItem).where(IssueItem.group_id == group_id)
    if numbers is not None:
        query = query.where(IssueItem.number.in_(list(numbers)))
    wanted = list(
        await db.scalars(
            query.order_by(IssueItem.number).execution_options(
                populate_existing=True  # rows changed by UPDATE statements
            )
        )
    )
    reach: dict[int, list[int]] = {}
    for r in wanted:
        seen, todo = [r.id], [r.id]
        while todo:
            for child in children.get(todo.pop(), ()):
                seen.append(child)
                todo.append(child)
        reach[r.id] = seen
    needed = {i for ids in reach.values() for i in ids}
    sources: dict[int, list[IssueItemSource]] = defaultdict(list)
    citations: dict[int, list[tuple[str, IssueItemCitation]]] = defaultdict(list)
    if needed:
        everything = numbers is None
        source_query = select(IssueItemSource).order_by(IssueItemSource.id)
        cite_query = (
            select(Document.name, IssueItemCitation)
            .join(Document, Document.id == IssueItemCitation.document_id)
            .order_by(IssueItemCitation.id)
        )
        if everything:
            source_query = source_query.join(IssueItem).where(IssueItem.group_id == group_id)
            cite_query = cite_query.join(IssueItem).where(IssueItem.group_id == group_id)
        else:
            source_query = source_query.where(IssueItemSource.item_id.in_(needed))
            cite_query = cite_query.where(IssueItemCitation.item_id.in_([r.id for r in wanted]))
        for s in await db.scalars(source_query):
            sources[s.item_id].append(s)
        for name, c in (await db.execute(cite_query)).all():
            citations[c.item_id].append((name, c))
    return [
        _model(
            r, number_of, children, [s for i in reach[r.id] for s in sources[i]], citations[r.id]
        )
        for r in wanted
    ]


def _model(
    row: IssueItem,
    number_of: dict[int, int],
    children: dict[int, list[int]],
    sources: Sequence[IssueItemSource],
    citations: Sequence[tuple[str, IssueItemCitation]],
) -> schemas.IssueItem:
    return schemas.IssueItem(
        number=row.number,
        issue=row.issue,
        category=row.category,
        grouping=row.grouping,  # type: ignore[arg-type]
        activities=row.activities,
        status=row.status,
        merged_into=None if row.merged_into_id is None else number_of[row.merged_into_id],
        merged_from=sorted(number_of[c] for c in children.get(row.id, ())),
        sources=sorted(
            (
                schemas.IssueSource(
                    id=s.id,
                    item=number_of[s.item_id],
                    response_id=s.response_id,
                    question=s.question,
                    exact=s.exact,
                    prefix=s.prefix,
                    suffix=s.suffix,
                    start=s.start,
                    end=s.end,
                )
                for s in sources
            ),
            key=lambda s: s.id,
        ),
        citations=[
            schemas.Citation(document=name, paragraph_id=c.paragraph_id, label=c.label)
            for name, c in citations
        ],
        revision=row.revision,
        created_by=row.created_by,
        created_at=row.created_at,
    )


def matches(item: schemas.IssueItem, query: schemas.IssueQuery) -> bool:
    if not query.include_merged and item.merged_into is not None:
        return False
    if query.grouping is not None and item.grouping != query.grouping:
        return False
    if query.q:
        needle = query.q.casefold()
        hay = " ".join((item.issue, item.category, item.activities, item.status)).casefold()
        return needle in hay
    return True


def csv_row(item: schemas.IssueItem) -> list[str]:
    return [
        str(item.number), item.issue, item.category, item.grouping or "", item.activities,
        item.status, "" if item.merged_into is None else str(item.merged_into),
        ";".join(map(str, item.merged_from)), str(len(item.sources)),
    ]  # fmt: skip


def to_csv(table: Sequence[schemas.IssueItem]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(csv_row(item) for item in table)
    return out.getvalue()


def _cell(value: str) -> str:
    return value.replace("|", "\\|").replace("\r", " ").replace("\n", "<br>")


def to_markdown(title: str, table: Sequence[schemas.IssueItem], c: schemas.IssueCounts) -> str:
    lines = [
        f"# {title}",
        "",
        f"{c.items} items, {c.merged} merged, {c.remaining} remaining.",
        "",
        "| " + " | ".join(CSV_HEADER) + " |",
        "|" + "---|" * len(CSV_HEADER),
    ]
    lines += ["| " + " | ".join(_cell(v) for v in csv_row(item)) + " |" for item in table]
    return "\n".join(lines) + "\n"


def to_html(title: str, table: Sequence[schemas.IssueItem], c: schemas.IssueCounts) -> str:
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in CSV_HEADER)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in csv_row(item)) + "</tr>"
        for item in table
    )
    return (
        f'<!doctype html><html lang="en"><meta charset="utf-8"><title>{html.escape(title)}'
        f"</title><h1>{html.escape(title)}</h1><p>{c.items} items, {c.merged} merged, "
        f"{c.remaining} remaining.</p><table><thead><tr>{head}</tr></thead><tbody>{body}"
        "</tbody></table></html>\n"
    )


def to_docx(title: str, table: Sequence[schemas.IssueItem], c: schemas.IssueCounts) -> bytes:
    """The results table as a Word document: a heading, the counts, one table."""
    from docx import Document  # imported when asked: most exports never need it

    document = Document()
    document.add_heading(title, level=1)
    document.add_paragraph(f"{c.items} items, {c.merged} merged, {c.remaining} remaining.")
    grid = document.add_table(rows=1 + len(table), cols=len(CSV_HEADER))
    for cell, text in zip(grid.rows[0].cells, CSV_HEADER, strict=True):
        cell.text = text
    for row, item in zip(grid.rows[1:], table, strict=True):
        for cell, text in zip(row.cells, csv_row(item), strict=True):
            cell.text = text.replace("\r\n", "\n").replace("\r", "\n")  # one line break
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
