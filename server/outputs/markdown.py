"""Blocks as Markdown (CommonMark, with a GitHub-style pipe table).

Text is escaped so that it reads back as the same characters: square brackets (the
group's non-agreed language) stay brackets, never a link, and a paragraph starting
with "#" or "1." stays a paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from server.outputs.blocks import Block, Bullets, Heading, Para, Prose, Table, Title

_INLINE = re.compile(r"([\\`*_\[\]<>&|~])")
_LINE_START = re.compile(r"^(\s*)(\d*)([#+=.)-])", re.MULTILINE)


def escape(text: str) -> str:
    """``text`` as Markdown that renders as exactly these characters; line breaks
    inside a paragraph become hard breaks."""
    out = _INLINE.sub(r"\\\1", text)
    out = _LINE_START.sub(lambda m: m.group(1) + m.group(2) + "\\" + m.group(3), out)
    return out.replace("\r\n", "\n").replace("\n", "  \n")


def _cell(text: str) -> str:
    return escape(text).replace("  \n", " ")


def _block(block: Block) -> str:
    if isinstance(block, Title):
        lines = [f"# {escape(block.text)}"]
        if block.lines:
            lines += ["", "  \n".join(f"*{escape(x)}*" for x in block.lines)]
        return "\n".join(lines)
    if isinstance(block, Heading):
        return f"{'#' * (block.level + 1)} {escape(block.text)}"
    if isinstance(block, Para):
        out = f"**{escape(block.label)}** {escape(block.text)}"
        return out + (f"  \n*{escape(block.details)}*" if block.details else "")
    if isinstance(block, Prose):
        return escape(block.text)
    if isinstance(block, Bullets):
        indent = "  " * (block.level - 1)
        return "\n".join(f"{indent}- {escape(item)}" for item in block.items)
    if isinstance(block, Table):
        head = "| " + " | ".join(_cell(c) for c in block.header) + " |"
        rule = "|" + "|".join(" --- " if i == 0 else " ---: " for i in range(len(block.header)))
        rows = [
            "| "
            + " | ".join(
                (f"**{_cell(c)}**" if block.total and r == len(block.rows) - 1 else _cell(c))
                for c in row
            )
            + " |"
            for r, row in enumerate(block.rows)
        ]
        return "\n".join([f"*{escape(block.caption)}*", "", head, rule + "|", *rows])
    raise TypeError(f"not a block: {block!r}")


def render(blocks: Iterable[Block]) -> str:
    """The Markdown text of ``blocks``: one blank line between blocks; nested bullets
    follow their item directly."""
    out: list[str] = []
    previous: Block | None = None
    for block in blocks:
        text = _block(block)
        if isinstance(block, Bullets) and isinstance(previous, Bullets):
            out[-1] += "\n" + text
        else:
            out.append(text)
        previous = block
    return "\n\n".join(out) + "\n"
