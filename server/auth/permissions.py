"""The permission matrix of DESIGN.md section 5, enforced the same way on every transport."""

from __future__ import annotations

from enum import StrEnum

from server.auth.principal import Principal
from server.auth.tokens import Role
from server.errors import Forbidden, Unauthenticated


class Action(StrEnum):
    READ_TEXT = "read_text"
    EDIT_TEXT = "edit_text"
    CREATE_DOCUMENT = "create_document"
    VIEW_GROUP = "view_group"
    VIEW_PEOPLE = "view_people"
    MANAGE_PEOPLE = "manage_people"
    LIST_OBSERVER_REQUESTS = "list_observer_requests"
    DECIDE_OBSERVERS = "decide_observers"
    MANAGE_INVITATIONS = "manage_invitations"
    READ_AUDIT = "read_audit"
    CREATE_GROUP = "create_group"
    MANAGE_SESSIONS = "manage_sessions"
    APPEND_TRANSCRIPT = "append_transcript"


_EVERYONE = {Action.READ_TEXT, Action.VIEW_GROUP}
_OFFICERS = set(Action) - {Action.CREATE_GROUP}

MATRIX: dict[Role, frozenset[Action]] = {
    Role.CHAIR: frozenset(_OFFICERS),
    Role.SECRETARIAT: frozenset(_OFFICERS),
    Role.MEMBER: frozenset(_EVERYONE | {Action.EDIT_TEXT, Action.VIEW_PEOPLE}),
    Role.OBSERVER: frozenset(_EVERYONE | {Action.VIEW_PEOPLE}),
    Role.FOLLOWER: frozenset(_EVERYONE),
    Role.CAPTIONER: frozenset(_EVERYONE | {Action.APPEND_TRANSCRIPT}),
}


def allowed(principal: Principal, action: Action, group_id: int | None) -> bool:
    if action is Action.CREATE_GROUP:
        # Creating a working group is an operator's act (an unscoped officer token).
        return (
            principal.is_operator
            and principal.group_id is None
            and (principal.role in (Role.CHAIR, Role.SECRETARIAT))
        )
    if principal.group_id is not None and principal.group_id != group_id:
        return False
    return action in MATRIX[principal.role]


def require(principal: Principal | None, action: Action, group_id: int | None) -> Principal:
    """``principal`` if it may do ``action`` in ``group_id``; 401/403 otherwise."""
    if principal is None:
        raise Unauthenticated("sign in (a token or an invitation link) to do this")
    if not allowed(principal, action, group_id):
        raise Forbidden(
            f"a {principal.role.value} may not {action.value.replace('_', ' ')} here",
            action=action.value,
        )
    return principal
