"""Blocks as one self-contained HTML page, with a print stylesheet so the browser
prints a clean PDF (A4, page numbers left to the browser, headings kept with what
follows, tables not split inside a row).

Everything written is escaped. Bracketed (not yet agreed) language keeps its
brackets and is also marked (``<span class="bracketed">``) so it stands out.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from crdt.schema import bracketed_spans
from server.outputs.blocks import Block, Bullets, Heading, Para, Prose, Table, Title

STYLE = """
:root { color-scheme: light; }
body { font-family: "Times New Roman", Georgia, serif; font-size: 12pt; line-height: 1.45;
  max-width: 46em; margin: 2em auto; padding: 0 1em; color: #111; }
header.title h1 { font-size: 1.6em; margin-bottom: .2em; }
header.title p { margin: 0; color: #444; font-style: italic; }
h2 { font-size: 1.3em; margin-top: 1.6em; border-bottom: 1px solid #999; }
h3 { font-size: 1.1em; margin-top: 1.3em; }
h4 { font-size: 1em; margin-top: 1.1em; }
p.para { margin: .8em 0 .1em; }
p.para .label { font-weight: bold; margin-right: .5em; }
p.details { margin: 0 0 .8em; font-size: .85em; color: #555; font-style: italic; }
.bracketed { background: #fff3c4; }
table { border-collapse: collapse; margin: 1em 0; }
caption { caption-side: top; text-align: left; font-style: italic; padding-bottom: .3em; }
th, td { border: 1px solid #888; padding: .25em .6em; }
td.n, th.n { text-align: right; }
tr.total td { font-weight: bold; }
@page { size: A4; margin: 2cm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 11pt; }
  .bracketed { background: none; }
  h1, h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  p.para { break-after: avoid; page-break-after: avoid; }
  tr, p { break-inside: avoid; page-break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
""".strip()


def marked(text: str) -> str:
    """``text`` escaped, each bracketed span wrapped (brackets included)."""
    out, at = [], 0
    for start, end in bracketed_spans(text):
        out.append(escape(text[at:start]))
        out.append(f'<span class="bracketed">{escape(text[start:end])}</span>')
        at = end
    out.append(escape(text[at:]))
    return "".join(out).replace("\n", "<br>")


def _block(block: Block) -> str:
    if isinstance(block, Title):
        lines = "".join(f"\n<p>{escape(x)}</p>" for x in block.lines)
        return f'<header class="title">\n<h1>{escape(block.text)}</h1>{lines}\n</header>'
    if isinstance(block, Heading):
        n = block.level + 1
        ident = f' id="p-{escape(block.paragraph_id)}"' if block.paragraph_id else ""
        return f"<h{n}{ident}>{escape(block.text)}</h{n}>"
    if isinstance(block, Para):
        out = (
            f'<p class="para" id="p-{escape(block.id)}"><span class="label">'
            f"{escape(block.label)}</span>{marked(block.text)}</p>"
        )
        return out + (f'\n<p class="details">{escape(block.details)}</p>' if block.details else "")
    if isinstance(block, Prose):
        return f"<p>{escape(block.text)}</p>"
    if isinstance(block, Bullets):
        items = "".join(f"\n<li>{escape(item)}</li>" for item in block.items)
        return f'<ul class="level-{block.level}">{items}\n</ul>'
    if isinstance(block, Table):
        numeric = ' class="n"'
        head = "".join(
            f'<th scope="col"{"" if i == 0 else numeric}>{escape(c)}</th>'
            for i, c in enumerate(block.header)
        )
        rows = []
        for r, row in enumerate(block.rows):
            total = ' class="total"' if block.total and r == len(block.rows) - 1 else ""
            cells = f'<th scope="row">{escape(row[0])}</th>' + "".join(
                f'<td class="n">{escape(c)}</td>' for c in row[1:]
            )
            rows.append(f"<tr{total}>{cells}</tr>")
        body = "\n".join(rows)
        return (
            f"<table>\n<caption>{escape(block.caption)}</caption>\n<thead><tr>{head}</tr></thead>"
            f"\n<tbody>\n{body}\n</tbody>\n</table>"
        )
    raise TypeError(f"not a block: {block!r}")


def render(blocks: Iterable[Block], *, title: str, lang: str = "en") -> str:
    """A whole HTML page of ``blocks`` (no external resources)."""
    body = "\n".join(_block(b) for b in blocks)
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>\n{STYLE}\n</style>\n</head>\n<body>\n"
        f"<main>\n{body}\n</main>\n</body>\n</html>\n"
    )
