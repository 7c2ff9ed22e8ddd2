"""The seed's multi-stakeholder structure (CSTD Working Group on Enhanced Cooperation).

The enumerations here are what the API's models validate with and what the OpenAPI
document lists: each value is written once.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class StakeholderKey(StrEnum):
    """A stakeholder group of the WGEC presets (its seats: ``WGEC_STAKEHOLDER_GROUPS``)."""

    MEMBER_STATES = "member_states"
    CIVIL_SOCIETY = "civil_society"
    BUSINESS = "business"
    ACADEMIA_TECHNICAL = "academia_technical"
    INTERNATIONAL_ORGANIZATIONS = "international_organizations"


class EcosocStatus(StrEnum):
    """ECOSOC consultative status of an organization asking to observe."""

    GENERAL = "general"
    SPECIAL = "special"
    ROSTER = "roster"
    NONE = "none"


@dataclass(frozen=True)
class Seats:
    key: StakeholderKey
    name: str
    seats: int


WGEC_STAKEHOLDER_GROUPS = (
    Seats(StakeholderKey.MEMBER_STATES, "Member States", 22),
    Seats(StakeholderKey.CIVIL_SOCIETY, "Civil Society", 5),
    Seats(StakeholderKey.BUSINESS, "Business", 5),
    Seats(StakeholderKey.ACADEMIA_TECHNICAL, "Academia/Technical Community", 5),
    Seats(StakeholderKey.INTERNATIONAL_ORGANIZATIONS, "International Organizations", 5),
)

ECOSOC_STATUSES = tuple(status.value for status in EcosocStatus)
