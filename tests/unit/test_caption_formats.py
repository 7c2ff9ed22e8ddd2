"""WebVTT/SRT parsing and rendering: round trips, hour-long timestamps, clear errors."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crdt.captions import (
    CaptionFormatError,
    Cue,
    format_timestamp,
    parse,
    parse_srt,
    parse_timestamp,
    parse_webvtt,
    render_srt,
    render_text,
    render_webvtt,
)

VTT = """WEBVTT

NOTE recorded in Geneva

intro
00:00.000 --> 00:04.500
<v Chair>Good morning, distinguished delegates.

00:04.500 --> 00:09.000
<v Brazil>Thank you, Chair.
We support paragraph OP3.

01:02:03.250 --> 01:02:07.000
Text without a speaker
"""


def test_parse_webvtt_with_identifiers_voices_multiline_and_hours() -> None:
    cues = parse_webvtt(VTT)
    assert cues == [
        Cue(0, 4500, "Good morning, distinguished delegates.", "Chair"),
        Cue(4500, 9000, "Thank you, Chair.\nWe support paragraph OP3.", "Brazil"),
        Cue(3_723_250, 3_727_000, "Text without a speaker", ""),
    ]


def test_srt_parses_comma_timestamps() -> None:
    srt = (
        "1\n00:00:01,000 --> 00:00:02,500\nLine one\nline two\n\n"
        "2\n10:00:00,000 --> 10:00:01,000\nLate\n"
    )
    assert parse(srt) == [
        Cue(1000, 2500, "Line one\nline two"),
        Cue(36_000_000, 36_001_000, "Late"),
    ]


cue_text = (
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="<>&\n"),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(bool)
)


@st.composite
def cues(draw: st.DrawFn) -> list[Cue]:
    out, t = [], 0
    for _ in range(draw(st.integers(0, 8))):
        start = t + draw(st.integers(0, 10_000_000))
        end = start + draw(st.integers(0, 60_000))
        lines = draw(st.lists(cue_text, min_size=1, max_size=3))
        speaker = draw(st.one_of(st.just(""), cue_text))
        out.append(Cue(start, end, "\n".join(lines), speaker))
        t = end
    return out


@given(cues())
def test_webvtt_round_trip(items: list[Cue]) -> None:
    assert parse_webvtt(render_webvtt(items)) == items


@given(cues())
def test_srt_round_trip_keeps_times_and_text(items: list[Cue]) -> None:
    back = parse_srt(render_srt(items))
    assert [(c.start_ms, c.end_ms, c.text) for c in back] == [
        (c.start_ms, c.end_ms, c.text) for c in items
    ]


@given(st.integers(0, 99 * 3_600_000))
def test_timestamp_round_trip(ms: int) -> None:
    assert parse_timestamp(format_timestamp(ms)) == ms
    assert parse_timestamp(format_timestamp(ms, ",")) == ms


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("WEBVTT\n\n00:00.000 --> 00:61.000\nbad seconds\n", "line 3"),
        ("WEBVTT\n\n00:05.000 --> 00:01.000\nbackwards\n", "ends before it starts"),
        ("WEBVTT\n\nfoo\nno timing here\n", "timing line"),
        ("WEBVTT\n\n00:00 --> 00:01.000\nno millis\n", "bad timestamp"),
        ("1\n00:00:01,000 -> 00:00:02,000\nwrong arrow\n", "timing line"),
        ("Hello\n", "timing line"),
    ],
)
def test_malformed_timing_is_refused_with_the_line(text: str, fragment: str) -> None:
    with pytest.raises(CaptionFormatError) as refused:
        parse(text)
    assert fragment in str(refused.value)


def test_plain_text_is_marked_non_authoritative() -> None:
    text = render_text([Cue(3_600_000, 3_601_000, "Thanks", "Chair")])
    assert text.startswith("Rough transcript")
    assert "[01:00:00.000] Chair: Thanks" in text
