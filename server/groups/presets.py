"""The seed's multi-stakeholder structure (CSTD Working Group on Enhanced Cooperation)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Seats:
    key: str
    name: str
    seats: int


WGEC_STAKEHOLDER_GROUPS = (
    Seats("member_states", "Member States", 22),
    Seats("civil_society", "Civil Society", 5),
    Seats("business", "Business", 5),
    Seats("academia_technical", "Academia/Technical Community", 5),
    Seats("international_organizations", "International Organizations", 5),
)

ECOSOC_STATUSES = ("general", "special", "roster", "none")
