"""The permission matrix of DESIGN.md section 5: every role rule is a row of one table,
checked by one call, the same way on every transport, and reported by ``/api/me``.

Nothing else keeps a list of roles: a check names an ``Action``, never a role.
"""

from __future__ import annotations

from enum import StrEnum

from server.auth.principal import Principal
from server.auth.tokens import Role
from server.errors import Forbidden, Unauthenticated


class Action(StrEnum):
    READ_TEXT = "read_text"
    # Documents a session or officer marked private (breakout drafts): not for
    # observers or followers (DESIGN §5: they see public documents only).
    READ_PRIVATE_DOCUMENTS = "read_private_documents"
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
    POST_COMMENT = "post_comment"
    RESOLVE_COMMENT = "resolve_comment"
    FLAG_COMMENT = "flag_comment"
    MODERATE_COMMENTS = "moderate_comments"
    # Anyone may delete their own comment; the chair may delete anyone's.
    DELETE_ANY_COMMENT = "delete_any_comment"
    # Rolling text v2 (crdt/schema.py): the paragraph structure and its governance.
    # Add, move and delete paragraphs, bracket language (not in locked paragraphs).
    EDIT_STRUCTURE = "edit_structure"
    # Status, labels/sections/kinds/sequence, proposers/supporters, document metadata,
    # restore, opinions, options, and deciding status proposals.
    GOVERN_PARAGRAPHS = "govern_paragraphs"
    # Ask the chair for a status change (the proposal queue).
    PROPOSE_STATUS = "propose_status"
    VIEW_PROPOSALS = "view_proposals"
    # Change the text of an agreed (locked) paragraph without reopening it.
    EDIT_LOCKED_TEXT = "edit_locked_text"
    # Amendments (issue 18): propose changes to a paragraph's words (members for their
    # delegation, observers for their organisation, held for moderation), co-sponsor or
    # oppose one for one's delegation, and decide them (admit, accept, reject, bracket).
    PROPOSE_AMENDMENT = "propose_amendment"
    SUPPORT_AMENDMENT = "support_amendment"
    DECIDE_AMENDMENTS = "decide_amendments"
    # Questionnaires (issue 14): draft, publish, extend (officers); read the responses
    # (contributions are public inputs of the group: members and observers too, not
    # followers or anonymous visitors). Answering a published one needs no sign-in.
    # READ_RESPONSES also reads the issue table and the correspondence groups.
    MANAGE_QUESTIONNAIRES = "manage_questionnaires"
    READ_RESPONSES = "read_responses"
    # Create, edit, merge and cite issue items (chair, secretariat, members).
    EDIT_ISSUE_TABLE = "edit_issue_table"
    # Create correspondence groups, name their chair and members, attach their
    # documents; edit any group's mapping table (a cg's own members edit theirs).
    MANAGE_CORRESPONDENCE = "manage_correspondence"


_EVERYONE = {Action.READ_TEXT, Action.VIEW_GROUP}
_OFFICERS = set(Action) - {Action.CREATE_GROUP}
_DISCUSSANTS = {Action.POST_COMMENT, Action.RESOLVE_COMMENT, Action.FLAG_COMMENT}

MATRIX: dict[Role, frozenset[Action]] = {
    Role.CHAIR: frozenset(_OFFICERS),
    Role.SECRETARIAT: frozenset(_OFFICERS - {Action.DELETE_ANY_COMMENT}),
    Role.MEMBER: frozenset(
        _EVERYONE
        | _DISCUSSANTS
        | {Action.EDIT_TEXT, Action.VIEW_PEOPLE, Action.READ_PRIVATE_DOCUMENTS}
        | {Action.EDIT_STRUCTURE, Action.PROPOSE_STATUS, Action.VIEW_PROPOSALS}
        | {Action.PROPOSE_AMENDMENT, Action.SUPPORT_AMENDMENT}
        | {Action.READ_RESPONSES, Action.EDIT_ISSUE_TABLE}
    ),
    # Observers comment (held for moderation) but see public documents only.
    # Their amendments too: pending until the chair or the secretariat admits them.
    Role.OBSERVER: frozenset(
        _EVERYONE
        | {Action.VIEW_PEOPLE, Action.POST_COMMENT, Action.PROPOSE_AMENDMENT}
        | {Action.READ_RESPONSES}
    ),
    Role.FOLLOWER: frozenset(_EVERYONE),
    # A captioner may be asked to caption a private breakout, so reads its draft.
    Role.CAPTIONER: frozenset(
        _EVERYONE | {Action.APPEND_TRANSCRIPT, Action.READ_PRIVATE_DOCUMENTS}
    ),
}


def can(principal: Principal, action: Action) -> bool:
    """What the principal's role allows, wherever it applies (no group scope)."""
    if action is Action.CREATE_GROUP:
        # Creating a working group is an operator's act (an unscoped officer token).
        return (
            principal.is_operator
            and principal.group_id is None
            and (principal.role in (Role.CHAIR, Role.SECRETARIAT))
        )
    if principal.anonymous and action not in _EVERYONE:
        return False
    return action in MATRIX[principal.role]


def allowed(principal: Principal, action: Action, group_id: int | None) -> bool:
    """``can``, and the principal belongs to ``group_id`` (operators to every group)."""
    if action is not Action.CREATE_GROUP and principal.group_id not in (None, group_id):
        return False
    return can(principal, action)


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


def require_role(principal: Principal, action: Action) -> Principal:
    """``principal`` if its role may do ``action`` (the group was checked already)."""
    if not can(principal, action):
        raise Forbidden(
            f"a {principal.role.value} may not {action.value.replace('_', ' ')}",
            action=action.value,
        )
    return principal


def capabilities(principal: Principal | None) -> list[str]:
    """Every action the principal may take in its group, for ``/api/me``."""
    if principal is None:
        return []
    return [action.value for action in Action if can(principal, action)]
