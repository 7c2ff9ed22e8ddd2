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
import re
import zipfile
from collections.abc import Iterable
from datetime import datetime
from xml.sax.saxutils import escape

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
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


# Characters XML 1.0 cannot carry (a Y.Text may hold them): written as U+FFFD.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _runs(text: str, bold: bool = False) -> str:
    """WordprocessingML runs of ``text``: tabs and line breaks as Word's own elements."""
    props = "<w:rPr><w:b/></w:rPr>" if bold else ""
    out = []
    for i, line in enumerate(_NOT_XML.sub("\ufffd", text).split("\n")):
        if i:
            out.append("<w:br/>")
        for j, piece in enumerate(line.split("\t")):
            if j:
                out.append("<w:tab/>")
            if piece:
                out.append(f'<w:t xml:space="preserve">{escape(piece)}</w:t>')
    return f"<w:r>{props}{''.join(out)}</w:r>"


class _Writer:
    """Adds blocks to a Word document. Paragraphs are written as WordprocessingML and
    parsed in batches (python-docx's per-paragraph API looks each style up by name and
    re-scans the body on every insertion: a 2,000-paragraph report took 12 s); tables
    go through python-docx. Styles are referred to by their ids, resolved once."""

    def __init__(self, doc: WordDocument) -> None:
        self.doc = doc
        self._ids: dict[str, str] = {}
        self._pending: list[str] = []

    def _style_id(self, name: str) -> str:
        if name not in self._ids:
            style_id = self.doc.styles[name].style_id
            assert style_id is not None, name
            self._ids[name] = style_id
        return self._ids[name]

    def paragraph(self, style: str, *runs: str) -> None:
        props = f'<w:pPr><w:pStyle w:val="{escape(self._style_id(style))}"/></w:pPr>'
        self._pending.append(f"<w:p>{props}{''.join(runs)}</w:p>")

    def flush(self) -> None:
        """Put the paragraphs written so far into the document, in order."""
        if not self._pending:
            return
        parsed = parse_xml(f"<w:body {nsdecls('w')}>{''.join(self._pending)}</w:body>")
        self._pending.clear()
        body = self.doc.element.body
        end = body.sectPr
        for child in list(parsed):
            if end is not None:
                end.addprevious(child)
            else:
                body.append(child)

    def block(self, block: Block) -> None:
        if isinstance(block, Title):
            self.paragraph("Title", _runs(block.text))
            for line in block.lines:
                self.paragraph(SUBTITLE_STYLE, _runs(line))
        elif isinstance(block, Heading):
            self.paragraph(f"Heading {block.level}", _runs(block.text))
        elif isinstance(block, Para):
            self.paragraph(PARAGRAPH_STYLE, _runs(block.label, bold=True), _runs("\t" + block.text))
            if block.details:
                self.paragraph(DETAILS_STYLE, _runs(block.details))
        elif isinstance(block, Prose):
            self.paragraph("Normal", _runs(block.text))
        elif isinstance(block, Bullets):
            for item in block.items:
                self.paragraph(LIST_STYLES.get(block.level, "List Bullet"), _runs(item))
        elif isinstance(block, Table):
            self.paragraph("Caption", _runs(block.caption))
            self.flush()
            self.table(block)
        else:
            raise TypeError(f"not a block: {block!r}")

    def table(self, block: Table) -> None:
        table = self.doc.add_table(rows=1 + len(block.rows), cols=len(block.header))
        table.style = self.doc.styles["Table Grid"]
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
    writer = _Writer(doc)
    for block in blocks:
        writer.block(block)
    writer.flush()
    buffer = io.BytesIO()
    doc.save(buffer)
    return _fixed_zip(buffer.getvalue())
