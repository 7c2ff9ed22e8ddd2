"""Delegation colours: distinct within a group, accessible, stable as delegations join."""

from __future__ import annotations

from server.groups.colours import NEUTRAL, PALETTE, assign, light


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def contrast_with_white(colour: str) -> float:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * _linear(r) + 0.7152 * _linear(g) + 0.0722 * _linear(b)
    return 1.05 / (luminance + 0.05)


def test_the_palette_is_distinct_accessible_and_never_the_neutral_grey() -> None:
    assert len(PALETTE) >= 20
    assert len({c.lower() for c in PALETTE}) == len(PALETTE)
    assert NEUTRAL not in PALETTE
    for colour in (*PALETTE, NEUTRAL):
        assert contrast_with_white(colour) >= 3.0, colour  # WCAG 2.1 non-text contrast


def test_delegations_get_colours_by_position_and_share_one_only_past_the_palette() -> None:
    names = [f"Delegation {i}" for i in range(len(PALETTE) + 3)]
    colours = assign(names)
    first = [colours[n] for n in names[: len(PALETTE)]]
    assert len(set(first)) == len(PALETTE), "no two share a colour before the palette wraps"
    assert colours[names[len(PALETTE)]] == colours[names[0]]  # then it wraps
    # Brazil and Sweden, whatever their names hash to, differ.
    pair = assign(["Brazil", "Kenya", "Sweden"])
    assert pair["Brazil"] != pair["Sweden"]
    # A delegation joining later leaves everyone's colour where it was.
    assert assign(["Brazil", "Kenya", "Sweden", "Norway"])["Sweden"] == pair["Sweden"]
    assert assign(["Brazil", "Brazil", "Kenya"]) == assign(["Brazil", "Kenya"])


def test_the_light_variant_is_the_colour_made_translucent() -> None:
    assert light("#0072B2") == "#0072B233"
