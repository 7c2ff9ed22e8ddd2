"""Who is acting: the resolved, current identity behind a request or connection."""

from __future__ import annotations

from dataclasses import dataclass

from server.auth.tokens import Claims, Role


@dataclass(frozen=True)
class Principal:
    name: str
    role: Role
    # The working group this principal belongs to; None only for operator tokens,
    # which are valid in every group.
    group_id: int | None = None
    person_id: int | None = None
    invitation_id: int | None = None
    token_version: int | None = None  # the person's version when this sign-in was made
    anonymous: bool = False

    @property
    def is_operator(self) -> bool:
        return self.person_id is None and not self.anonymous

    @property
    def actor(self) -> str:
        """How the audit log names this principal."""
        if self.person_id is not None:
            return f"person:{self.person_id} {self.name}"
        return f"anonymous:{self.name}" if self.anonymous else f"operator:{self.name}"

    @classmethod
    def operator(cls, claims: Claims) -> Principal:
        return cls(name=claims.name, role=claims.role, group_id=claims.group_id)

    @classmethod
    def anonymous_follower(cls, group_id: int) -> Principal:
        return cls(name="remote participant", role=Role.FOLLOWER, group_id=group_id, anonymous=True)
