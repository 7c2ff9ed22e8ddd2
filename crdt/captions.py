"""WebVTT and SRT: parse caption files into cues and render transcripts back.

Pure functions, shared by the server (import, export) and the caption feeder.
Parsing reports every malformed cue with its line number and accepts nothing
from a file that has one, so an import is all or nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_TIMESTAMP = re.compile(r"^(?:(\d+):)?([0-5]\d):([0-5]\d)[.,](\d{3})$")
_VOICE = re.compile(r"^<v(?:\.[^ >]*)?\s+([^>]+)>(.*)$", re.DOTALL)


@dataclass(frozen=True)
class Cue:
    start_ms: int
    end_ms: int
    text: str
    speaker: str = ""


class CaptionFormatError(ValueError):
    """The file is not valid WebVTT/SRT; ``problems`` says where (line numbers)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems[:20]))
        self.problems = problems


def parse_timestamp(value: str) -> int:
    match = _TIMESTAMP.match(value.strip())
    if not match:
        raise ValueError(f"bad timestamp {value!r} (expected [HH:]MM:SS.mmm)")
    hours, minutes, seconds, millis = match.groups()
    return ((int(hours or 0) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + int(millis)


def format_timestamp(ms: int, separator: str = ".") -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{separator}{millis:03d}"


def _blocks(text: str) -> Iterable[tuple[int, list[str]]]:
    """(first line number, lines) of each blank-line separated block."""
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    block: list[str] = []
    start = 1
    for number, line in enumerate(lines, start=1):
        if line.strip():
            if not block:
                start = number
            block.append(line)
        elif block:
            yield start, block
            block = []
    if block:
        yield start, block


def _timing(line: str) -> tuple[int, int]:
    parts = line.split("-->")
    if len(parts) != 2:
        raise ValueError("expected 'start --> end'")
    start = parse_timestamp(parts[0])
    end = parse_timestamp(parts[1].strip().split()[0] if parts[1].strip() else "")
    if end < start:
        raise ValueError("the cue ends before it starts")
    return start, end


def parse_webvtt(text: str) -> list[Cue]:
    blocks = list(_blocks(text))
    if not blocks or not blocks[0][1][0].startswith("WEBVTT"):
        raise CaptionFormatError(["line 1: a WebVTT file starts with 'WEBVTT'"])
    cues, problems = [], []
    for number, lines in blocks[1:]:
        if lines[0].startswith(("NOTE", "STYLE", "REGION")):
            continue
        timing_at = 0 if "-->" in lines[0] else 1
        if timing_at >= len(lines) or "-->" not in lines[timing_at]:
            problems.append(f"line {number}: a cue needs a timing line 'start --> end'")
            continue
        try:
            start, end = _timing(lines[timing_at])
        except ValueError as exc:
            problems.append(f"line {number + timing_at}: {exc}")
            continue
        body = "\n".join(lines[timing_at + 1 :])
        speaker = ""
        voice = _VOICE.match(body)
        if voice:
            speaker, body = voice.group(1).strip(), voice.group(2)
            body = body.replace("</v>", "")
        cues.append(Cue(start, end, body.strip(), speaker))
    if problems:
        raise CaptionFormatError(problems)
    return cues


def parse_srt(text: str) -> list[Cue]:
    cues, problems = [], []
    for number, lines in _blocks(text):
        timing_at = 1 if len(lines) > 1 and "-->" in lines[1] else 0
        if timing_at == 1 and not lines[0].strip().isdigit():
            problems.append(f"line {number}: an SRT cue starts with its number")
            continue
        if "-->" not in lines[timing_at]:
            problems.append(f"line {number}: a cue needs a timing line 'start --> end'")
            continue
        try:
            start, end = _timing(lines[timing_at])
        except ValueError as exc:
            problems.append(f"line {number + timing_at}: {exc}")
            continue
        cues.append(Cue(start, end, "\n".join(lines[timing_at + 1 :]).strip()))
    if problems:
        raise CaptionFormatError(problems)
    return cues


def parse(text: str) -> list[Cue]:
    """WebVTT if it says so, SRT otherwise."""
    return parse_webvtt(text) if text.lstrip("\ufeff").startswith("WEBVTT") else parse_srt(text)


NOTICE = "Rough transcript: not an authoritative record of the proceedings."


def _cue_text(text: str) -> str:
    """A cue's text as caption files allow it: no blank line (it would end the cue)
    and no '-->' (it would read as a timing line)."""
    lines = [line for line in text.replace("-->", "->").split("\n") if line.strip()]
    return "\n".join(lines)


def render_webvtt(cues: Iterable[Cue]) -> str:
    out = ["WEBVTT", "", f"NOTE {NOTICE}", ""]
    for cue in cues:
        out.append(f"{format_timestamp(cue.start_ms)} --> {format_timestamp(cue.end_ms)}")
        text = _cue_text(cue.text)
        out.append(f"<v {cue.speaker}>{text}" if cue.speaker else text)
        out.append("")
    return "\n".join(out)


def render_srt(cues: Iterable[Cue]) -> str:
    out = []
    for index, cue in enumerate(cues, start=1):
        start, end = format_timestamp(cue.start_ms, ","), format_timestamp(cue.end_ms, ",")
        out += [str(index), f"{start} --> {end}", _cue_text(cue.text), ""]
    return "\n".join(out)


def render_text(cues: Iterable[Cue]) -> str:
    out = [NOTICE, ""]
    for cue in cues:
        who = f"{cue.speaker}: " if cue.speaker else ""
        out.append(f"[{format_timestamp(cue.start_ms)}] {who}{cue.text}")
    return "\n".join(out) + "\n"
