"""Amendments as response models: their anchor resolved against the text now."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pycrdt

from crdt import anchors
from server.amendments import edits, schemas
from server.amendments.live import Visibility
from server.amendments.models import Amendment, AmendmentStance
from server.auth.tokens import Role


def anchor_of(a: Amendment) -> anchors.Anchor:
    return anchors.Anchor(
        "range",
        a.paragraph_id,
        a.start_sticky,
        a.end_sticky,
        anchors.Anchor.runs_from_json(a.anchor_chars),
        a.quote_exact,
        a.quote_prefix,
        a.quote_suffix,
    )


def visibility(a: Amendment) -> Visibility:
    return Visibility(a.moderation, a.proposer_key)


def amendment_model(
    a: Amendment,
    document: str,
    target: edits.Target | None,
    stances: Sequence[AmendmentStance],
) -> schemas.Amendment:
    decision = None
    if a.decided_at is not None:
        decision = schemas.AmendmentDecision(
            by=a.decided_by_name or "", at=a.decided_at, session=a.session_id, note=a.decision_note
        )
    return schemas.Amendment(
        id=a.id,
        document=document,
        paragraph=a.paragraph_id,
        kind=a.kind,  # type: ignore[arg-type]  # validated on the way in
        text=a.text,
        justification=a.justification,
        proposer=schemas.AmendmentProposer(
            person_id=a.proposer_person_id,
            name=a.proposer_name,
            role=Role(a.proposer_role),
            delegation=a.proposer_delegation,
        ),
        moderation=a.moderation,  # type: ignore[arg-type]
        state=a.state,  # type: ignore[arg-type]
        outdated=edits.outdated(anchor_of(a), target),
        quote=schemas.AmendmentQuote(
            exact=a.quote_exact, prefix=a.quote_prefix, suffix=a.quote_suffix
        ),
        current=None if target is None else target.words,
        anchor=schemas.AmendmentAnchor(
            attached=target is not None,
            start=None if target is None else target.start,
            end=None if target is None else target.end,
        ),
        support=sorted(s.delegation for s in stances if s.stance == "support"),
        oppose=sorted(s.delegation for s in stances if s.stance == "oppose"),
        created_at=a.created_at,
        decision=decision,
    )


def models(
    doc: pycrdt.Doc[Any],
    document: str,
    rows: Sequence[Amendment],
    stances: Sequence[AmendmentStance],
) -> list[schemas.Amendment]:
    """Response models of ``rows``, each resolved against ``doc`` (one read per paragraph)."""
    resolver = anchors.Resolver(doc)
    out = []
    for a in rows:
        resolved = resolver.resolve(anchor_of(a))
        target = None
        if resolved.attached and resolved.start is not None and resolved.end is not None:
            target = edits.Target(a.paragraph_id, resolved.start, resolved.end, resolved.text or "")
        mine = [s for s in stances if s.amendment_id == a.id]
        out.append(amendment_model(a, document, target, mine))
    return out
