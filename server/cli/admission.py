"""``rollingtext observer|invite|document|audit|demo``: admission, links, documents."""

from __future__ import annotations

import argparse
from typing import Any

from crdt.schema import DocumentKind
from server.cli import demo
from server.cli.common import (
    DEFAULT_BASE_URL,
    Result,
    command,
    seats,
    table,
)
from server.cli.groups import invite_person, link_text
from server.groups import schemas
from server.groups.operator import Operator, validated
from server.groups.presets import EcosocStatus
from server.groups.schemas import Decision, ObserverStatus

# -- observers, invitations, documents, audit -----------------------------------------------


async def _observer_request(op: Operator, args: argparse.Namespace) -> Result:
    new = validated(
        schemas.ObserverRequestCreate,
        organization=args.organization,
        ecosoc_status=args.ecosoc,
        contact_name=args.contact_name,
        contact_email=args.contact_email,
        justification=args.justification,
    )
    gid = await op.group_id(args.group)
    request = await op.observers.submit(gid, new, submitted_by=op.principal.actor)
    text = (
        f"observer request {request.id} from {request.organization} "
        f"(ECOSOC: {request.ecosoc_status}) is pending until the group decides:\n"
        f"  rollingtext observer approve --group {args.group} --request {request.id} "
        '--meeting "<meeting>"'
    )
    return Result(request, text)


def _decision(r: schemas.ObserverRequest) -> str:
    d = r.decision
    return "" if d is None else f"{d.meeting} ({d.by})"


async def _observer_list(op: Operator, args: argparse.Namespace) -> Result:
    gid = await op.group_id(args.group)
    query = validated(schemas.ObserverQuery, status=args.status)
    requests = await op.observers.list(op.principal, gid, status=query.status)
    rows = [(r.id, r.status, r.ecosoc_status, r.organization, _decision(r)) for r in requests]
    return Result({"requests": requests}, table(rows))


DECISIONS = {"approve": Decision.APPROVED, "reject": Decision.REJECTED, "revoke": Decision.REVOKED}


async def _observer_decide(op: Operator, args: argparse.Namespace) -> Result:
    to = DECISIONS[args.action]
    decision = validated(
        schemas.ObserverDecision, decision=to, meeting=args.meeting, note=args.note
    )
    gid = await op.group_id(args.group)
    decided = await op.observers.decide(op.principal, gid, args.request, decision)
    text = f"observer request {decided.id} ({decided.organization}): {to} at {decision.meeting}"
    if to is Decision.APPROVED:
        text += (
            f"\nadmitted as observer person {decided.person_id}; send a login link:"
            f"\n  rollingtext invite --group {args.group} --person {decided.person_id}"
        )
    return Result(decided, text)


async def _invite(op: Operator, args: argparse.Namespace) -> Result:
    gid = await op.group_id(args.group)
    if args.action == "list":
        items = await op.invitations.list_invitations(op.principal, gid)
        rows = [
            (
                i.id,
                f"person {i.person_id}",
                i.expires_at.isoformat(),
                "revoked" if i.revoked else "used" if i.used else "",
            )
            for i in items
        ]
        return Result({"invitations": items}, table(rows))
    if args.action == "revoke":
        revoked = await op.invitations.revoke_invitation(op.principal, gid, args.invitation)
        return Result(revoked, f"invitation {revoked.id} revoked; its sessions stop working")
    issued = await invite_person(op, args, gid, args.person)
    return Result(issued, link_text(issued))


async def _document_create(op: Operator, args: argparse.Namespace) -> Result:
    new = validated(
        schemas.GroupDocumentCreate,
        name=args.name,
        title=args.title,
        kind=args.kind,
        public=not args.private,
    )
    gid = await op.group_id(args.group)
    created = await op.documents.create_document(op.principal, gid, new)
    visibility = "public" if created.public else "private (officers, members and captioners)"
    return Result(created, f"created document {created.name} ({created.kind}, {visibility})")


async def _document_list(op: Operator, args: argparse.Namespace) -> Result:
    items = await op.documents.list_documents(op.principal, await op.group_id(args.group))
    rows = [(d.name, d.kind, "public" if d.public else "private", d.title) for d in items]
    return Result({"documents": items}, table(rows))


async def _audit(op: Operator, args: argparse.Namespace) -> Result:
    entries = await op.documents.audit_log(
        op.principal, await op.group_id(args.group), limit=args.limit
    )
    rows = [
        (
            e.at.isoformat()[:19],
            e.actor,
            e.action,
            e.target,
            ", ".join(f"{k}={v}" for k, v in e.details.items() if v is not None),
        )
        for e in reversed(entries)
    ]
    return Result({"entries": entries}, table(rows))


async def _demo(op: Operator, args: argparse.Namespace) -> Result:
    seeded = await demo.seed(op, base_url=args.base_url)
    group = seeded["group"]
    verb = "created" if seeded["created"] else "already there; fresh login links issued"
    lines = [
        f"demo working group {group.slug} (id {group.id}) {verb}",
        "seats:",
        seats(group),
    ]
    lines.append("documents:")
    lines.append(
        table([(d.name, d.kind, "public" if d.public else "private") for d in seeded["documents"]])
    )
    lines.append(
        "login links (one person each; open in a browser, or GET with Accept: application/json):"
    )
    for role in demo.LOGIN_ROLES:
        link = seeded["links"].get(role.value)
        if link is None:
            lines.append(f"{role.value:<12} (nobody active holds this role any more)")
        else:
            lines.append(f"{role.value:<12} {link['url']}  ({link['name']})")
    follow = seeded["follow"]
    lines.append(
        f"{'follower':<12} no sign-in: public follow is on; read {follow['document']} live at "
        f"{follow['websocket']} (y-websocket) or Socket.IO {follow['socketio_namespace']}"
    )
    return Result(seeded, "\n".join(lines))


def check_invite(args: argparse.Namespace) -> None:
    if args.action == "issue" and args.person is None:
        args.parser.error("invite needs --person ID")
    if args.action == "revoke" and args.invitation is None:
        args.parser.error("invite revoke needs --invitation ID")


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    osub = sub.add_parser("observer", help="observer admission (ECOSOC rules)").add_subparsers(
        dest="action", required=True
    )
    req = command(osub, "request", _observer_request, "record an admission request", common)
    req.add_argument("--group", required=True, help="group slug")
    req.add_argument("--organization", required=True)
    req.add_argument("--ecosoc", required=True, choices=list(EcosocStatus), help="ECOSOC status")
    req.add_argument("--contact-name", required=True)
    req.add_argument("--contact-email", required=True)
    req.add_argument("--justification", required=True)
    olist = command(osub, "list", _observer_list, "list admission requests", common)
    olist.add_argument("--group", required=True)
    olist.add_argument("--status", choices=list(ObserverStatus))
    for action in ("approve", "reject", "revoke"):
        cmd = command(
            osub, action, _observer_decide, f"{action}: record the group's decision", common
        )
        cmd.add_argument("--group", required=True, help="group slug")
        cmd.add_argument("--request", required=True, type=int, help="request id")
        cmd.add_argument(
            "--meeting", required=True, help='where the group agreed, e.g. "WGEC 2nd meeting"'
        )
        cmd.add_argument("--note")

    invite = command(sub, "invite", _invite, "issue (default), list or revoke login links", common)
    invite.add_argument("action", nargs="?", default="issue", choices=["issue", "list", "revoke"])
    invite.add_argument("--group", required=True, help="group slug")
    invite.add_argument("--person", type=int, help="person id (issue)")
    invite.add_argument("--invitation", type=int, help="invitation id (revoke)")
    invite.add_argument("--ttl", type=int, help="link lifetime in seconds (default 14 days)")
    invite.add_argument("--base-url", default=DEFAULT_BASE_URL, help="server URL for links")

    dsub = sub.add_parser("document", help="drafting documents").add_subparsers(
        dest="action", required=True
    )
    create = command(dsub, "create", _document_create, "create a document in a group", common)
    create.add_argument("--group", required=True, help="group slug")
    create.add_argument("--name", required=True, help="document name, e.g. wgec-rolling")
    create.add_argument("--title", required=True)
    create.add_argument("--kind", default=DocumentKind.ROLLING.value, choices=list(DocumentKind))
    create.add_argument("--private", action="store_true", help="not readable by public followers")
    command(dsub, "list", _document_list, "list a group's documents", common).add_argument(
        "--group", required=True
    )

    audit = command(sub, "audit", _audit, "show a group's audit log (oldest first)", common)
    audit.add_argument("--group", required=True, help="group slug")
    audit.add_argument("--limit", type=int, default=200, help="latest N entries (200)")

    demo_cmd = command(sub, "demo", _demo, "seed the WGEC demo group and print login links", common)
    demo_cmd.add_argument("--base-url", default=DEFAULT_BASE_URL, help="server URL for links")
