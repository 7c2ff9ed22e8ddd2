"""Blocks as a Word document (.docx, python-docx).

Real Word styles, so the secretariat can restyle and renumber in Word: "Title",
"Heading 1".."Heading 3", "List Bullet" / "List Bullet 2", a table in "Table Grid"
with a header row. Each paragraph of the document is one Word paragraph: its label
in bold, a tab, its text exactly (brackets preserved); its details follow in a
paragraph of the style "Paragraph Details". The file is deterministic: the core
properties' dates are the version's moment and the zip entries carry a fixed time,
so the same version always exports to the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from datetime import datetime

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.shared import Pt, RGBColor

from server.outputs.blocks import Block, Bullets, Heading, Para, Prose, Table, Title

DETAILS_STYLE = "Paragraph Details"
PARAGRAPH_STYLE = "Body Text"
SUBTITLE_STYLE = "Subtitle"
LIST_STYLES = {1: "List Bullet", 2: "List Bullet 2"}
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def _styles(doc: WordDocument) -> None:
    details = doc.styles.add_style(DETAILS_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    details.base_style = doc.styles["Normal"]
    font = details.font
    font.italic = True
    font.size = Pt(9)
    font.color.rgb = RGBColor(0x55, 0x55, 0x55)


def _block(doc: WordDocument, block: Block) -> None:
    if isinstance(block, Title):
        doc.add_paragraph(block.text, style="Title")
        for line in block.lines:
            doc.add_paragraph(line, style=SUBTITLE_STYLE)
    elif isinstance(block, Heading):
        doc.add_heading(block.text, level=block.level)
    elif isinstance(block, Para):
        p = doc.add_paragraph(style=PARAGRAPH_STYLE)
        p.add_run(block.label).bold = True
        p.add_run("\t" + block.text)
        if block.details:
            doc.add_paragraph(block.details, style=DETAILS_STYLE)
    elif isinstance(block, Prose):
        doc.add_paragraph(block.text)
    elif isinstance(block, Bullets):
        for item in block.items:
            doc.add_paragraph(item, style=LIST_STYLES.get(block.level, "List Bullet"))
    elif isinstance(block, Table):
        doc.add_paragraph(block.caption, style="Caption")
        table = doc.add_table(rows=1 + len(block.rows), cols=len(block.header))
        table.style = doc.styles["Table Grid"]
        for cell, text in zip(table.rows[0].cells, block.header, strict=True):
            cell.text = text
            for run in cell.paragraphs[0].runs:
                run.bold = True
        for r, row in enumerate(block.rows, start=1):
            last = block.total and r == len(block.rows)
            for cell, text in zip(table.rows[r].cells, row, strict=True):
                cell.text = text
                if last:
                    for run in cell.paragraphs[0].runs:
                        run.bold = True
    else:
        raise TypeError(f"not a block: {block!r}")


def _fixed_zip(data: bytes) -> bytes:
    """The same package with every entry's time fixed (python-docx stamps "now")."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def render(blocks: Iterable[Block], *, title: str, at: datetime) -> bytes:
    """The .docx file of ``blocks``."""
    doc = Document()
    _styles(doc)
    props = doc.core_properties
    props.title = title
    props.author = "rollingtext"
    props.created = props.modified = at.replace(tzinfo=None, microsecond=0)
    props.revision = 1
    for block in blocks:
        _block(doc, block)
    buffer = io.BytesIO()
    doc.save(buffer)
    return _fixed_zip(buffer.getvalue())
