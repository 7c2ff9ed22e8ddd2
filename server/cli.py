"""The ``rollingtext`` command: run the server and administer working groups.

Administration commands open the server's database (``DATABASE_URL`` or the SQLite
file under ``ROLLINGTEXT_DATA_DIR``) and act through the same services as the HTTP
API, as the operator ``cli``: quotas, validation and the audit log apply. Errors
print ``error: <code>: <message>`` on stderr and exit with status 2; ``--json``
prints machine-readable output.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError

from server.access_log import RedactingAccessLogger
from server.auth.tokens import Role, TokenSigner
from server.errors import RollingTextError
from server.groups import demo
from server.groups.operator import Operator, open_operator, validated
from server.groups.presets import ECOSOC_STATUSES, WGEC_STAKEHOLDER_GROUPS
from server.sessions import commands as session_commands
from server.settings import Settings
from server.transports.names import check_document_name

DEFAULT_BASE_URL = "http://127.0.0.1:8080"
ROLES = [r.value for r in Role]
# Service field names that a CLI flag spells differently.
FLAGS = {"stakeholder_group": "--stakeholder", "delegation_id": "--delegation"}


@dataclass(frozen=True)
class Result:
    data: Any  # printed as JSON with --json
    text: str  # printed otherwise


Handler = Callable[[Operator, argparse.Namespace], Awaitable[Result]]


# -- serve and token -------------------------------------------------------------------


def _serve(args: argparse.Namespace) -> int:
    settings = Settings.from_env(host=args.host, port=args.port, database_url=args.database_url)
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    if args.workers and args.workers > 1:
        from server.workers import run_workers

        return run_workers(settings, args.workers, logging.getLogger("rollingtext.workers"))
    from server.app import create_app

    app = create_app(settings, logger=logging.getLogger("rollingtext"))
    print(f"rollingtext serving on http://{settings.host}:{settings.port}", flush=True)
    web.run_app(
        app,
        host=settings.host,
        port=settings.port,
        print=None,
        shutdown_timeout=10,
        access_log_class=RedactingAccessLogger,
        reuse_port=settings.reuse_port or None,
    )
    return 0


def _token(args: argparse.Namespace) -> int:
    if args.person is not None:
        return _run(_person_token, args)
    if not args.role or not args.name:
        args.parser.error("--role and --name are required (or --person ID)")
    settings = Settings.from_env()
    signer = TokenSigner(settings.secret_resolved())
    ttl = args.ttl if args.ttl is not None else settings.default_token_ttl_seconds
    token = signer.issue(args.name, Role(args.role), ttl)
    if args.json:
        _print_json({"token": token, "name": args.name, "role": args.role, "ttl_seconds": ttl})
    else:
        print(token)
    return 0


async def _person_token(op: Operator, args: argparse.Namespace) -> Result:
    issued = await op.person_token(args.person, args.ttl)
    return Result(issued, issued["token"])


# -- running administration commands -------------------------------------------------


def _print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


def _print_error(exc: RollingTextError) -> None:
    print(f"error: {exc.code}: {exc.message}", file=sys.stderr)
    details = dict(exc.details)
    fields = details.pop("fields", None)
    if isinstance(fields, dict):
        for name, problem in fields.items():
            flag = FLAGS.get(name, "--" + name.replace("_", "-"))
            print(f"  {name} ({flag}): {problem}", file=sys.stderr)
    for key, value in details.items():
        print(f"  {key}: {value}", file=sys.stderr)


def _run(handler: Handler, args: argparse.Namespace) -> int:
    settings = Settings.from_env(database_url=getattr(args, "database_url", None))
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    async def go() -> Result:
        async with open_operator(settings) as op:
            return await handler(op, args)

    try:
        result = asyncio.run(go())
    except RollingTextError as exc:
        _print_error(exc)
        return 2
    except SQLAlchemyError as exc:
        print(f"error: unavailable: the database failed: {exc}", file=sys.stderr)
        return 1
    if args.json:
        _print_json(result.data)
    elif result.text:
        print(result.text)
    return 0


def _table(rows: Sequence[Sequence[Any]]) -> str:
    cells = [["" if c is None else str(c) for c in row] for row in rows]
    if not cells:
        return "  (none)"
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
    return "\n".join(
        "  " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        for row in cells
    )


def _seats(group: dict[str, Any]) -> str:
    return _table(
        [
            (s["key"], s["name"], f"{s['taken']}/{s['seats']} seats")
            for s in group["stakeholder_groups"]
        ]
    )


# -- groups, delegations, people ----------------------------------------------------------


async def _group_create(op: Operator, args: argparse.Namespace) -> Result:
    values = {"slug": args.slug, "name": args.name, "mandate": args.mandate}
    validated(values, slug="slug", name="text", mandate="optional_long_text")
    group = await op.groups.create_group(
        op.principal,
        slug=args.slug,
        name=args.name.strip(),
        mandate=(args.mandate or "").strip(),
        public_follow=args.public_follow,
    )
    text = f"created working group {group['slug']} (id {group['id']}): {group['name']}\n"
    return Result(group, text + "stakeholder groups:\n" + _seats(group))


async def _group_list(op: Operator, args: argparse.Namespace) -> Result:
    groups = await op.groups.list_groups(op.principal)
    rows = [("id", "slug", "follow", "name")] if groups else []
    rows += [
        (g["id"], g["slug"], "public" if g["public_follow"] else "-", g["name"]) for g in groups
    ]
    return Result({"groups": groups}, _table(rows))


async def _group_show(op: Operator, args: argparse.Namespace) -> Result:
    gid = await op.group_id(args.slug)
    actor = op.principal
    group = await op.groups.get_group(actor, gid)
    delegations = await op.groups.list_delegations(actor, gid)
    people = await op.groups.list_people(actor, gid)
    documents = await op.groups.list_documents(actor, gid)
    requests = await op.observers.list(actor, gid)
    names = {d["id"]: d["name"] for d in delegations}
    counts: dict[str, int] = {}
    for r in requests:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    lines = [
        f"{group['slug']} (id {group['id']}): {group['name']}",
        f"mandate: {group['mandate'] or '-'}",
        f"public follow: {'on' if group['public_follow'] else 'off'}",
        "stakeholder groups:",
        _seats(group),
        "delegations:",
        _table([(d["id"], d["name"], d["stakeholder_group"]) for d in delegations]),
        "people:",
        _table(
            [
                (
                    p["id"],
                    p["role"],
                    p["name"],
                    names.get(p["delegation_id"]) or p["organization"] or "",
                    "" if p["active"] else "REVOKED",
                )
                for p in people
            ]
        ),
        "documents:",
        _table(
            [
                (d["name"], d["kind"], "public" if d["public"] else "private", d["title"])
                for d in documents
            ]
        ),
        "observer requests: "
        + (", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "none"),
    ]
    data = {
        **group,
        "delegations": delegations,
        "people": people,
        "documents": documents,
        "observer_requests": requests,
    }
    return Result(data, "\n".join(lines))


async def _delegation_add(op: Operator, args: argparse.Namespace) -> Result:
    validated({"name": args.name}, name="text")
    gid = await op.group_id(args.group)
    added = await op.groups.add_delegation(
        op.principal, gid, name=args.name.strip(), stakeholder=args.stakeholder
    )
    group = await op.groups.get_group(op.principal, gid)
    seats = next(s for s in group["stakeholder_groups"] if s["key"] == args.stakeholder)
    text = (
        f"added delegation {added['name']} (id {added['id']}) to {seats['name']}: "
        f"{seats['taken']}/{seats['seats']} seats taken"
    )
    return Result(added, text)


async def _delegation_list(op: Operator, args: argparse.Namespace) -> Result:
    items = await op.groups.list_delegations(op.principal, await op.group_id(args.group))
    return Result(
        {"delegations": items},
        _table([(d["id"], d["name"], d["stakeholder_group"]) for d in items]),
    )


async def _invite_person(
    op: Operator, args: argparse.Namespace, gid: int, pid: int
) -> dict[str, Any]:
    ttl = args.ttl or op.settings.invitation_ttl_seconds
    issued = await op.groups.issue_invitation(op.principal, gid, pid, ttl_seconds=ttl)
    issued["url"] = op.invitation_url(args.base_url, issued.pop("code"))
    return issued


def _link_text(issued: dict[str, Any]) -> str:
    return (
        f"invitation {issued['id']} for person {issued['person_id']}, "
        f"expires {issued['expires_at']}:\n{issued['url']}"
    )


async def _member_add(op: Operator, args: argparse.Namespace) -> Result:
    values = {"name": args.name, "email": args.email}
    validated(values, name="text", email="optional_email")
    gid = await op.group_id(args.group)
    delegation = await op.delegation(gid, args.delegation) if args.delegation else None
    person = await op.groups.add_person(
        op.principal,
        gid,
        name=args.name.strip(),
        role=Role(args.role),
        delegation_id=None if delegation is None else delegation["id"],
        email=args.email,
    )
    text = f"added {person['role']} {person['name']} (person {person['id']})"
    if delegation is not None:
        text += f" for {delegation['name']}"
    if args.invite:
        person["invitation"] = await _invite_person(op, args, gid, person["id"])
        text += "\n" + _link_text(person["invitation"])
    return Result(person, text)


async def _member_list(op: Operator, args: argparse.Namespace) -> Result:
    people = await op.groups.list_people(op.principal, await op.group_id(args.group))
    rows = [(p["id"], p["role"], p["name"], "" if p["active"] else "REVOKED") for p in people]
    return Result({"people": people}, _table(rows))


async def _member_update(op: Operator, args: argparse.Namespace) -> Result:
    gid = await op.group_id(args.group)
    role = Role(args.role) if getattr(args, "role", None) else None
    active = {"revoke": False, "reinstate": True}.get(args.action)
    person = await op.groups.update_person(op.principal, gid, args.person, role=role, active=active)
    state = "active" if person["active"] else "revoked: every token and session of theirs stops"
    return Result(person, f"person {person['id']} {person['name']}: {person['role']}, {state}")


# -- observers, invitations, documents, audit -----------------------------------------------


async def _observer_request(op: Operator, args: argparse.Namespace) -> Result:
    values = {
        "organization": args.organization,
        "contact_name": args.contact_name,
        "contact_email": args.contact_email,
        "justification": args.justification,
    }
    validated(
        values,
        organization="text",
        contact_name="text",
        contact_email="email",
        justification="long_text",
    )
    gid = await op.group_id(args.group)
    request = await op.observers.submit(
        gid,
        ecosoc_status=args.ecosoc,
        submitted_by=op.principal.actor,
        **{k: v.strip() for k, v in values.items()},
    )
    text = (
        f"observer request {request['id']} from {request['organization']} "
        f"(ECOSOC: {request['ecosoc_status']}) is pending until the group decides:\n"
        f"  rollingtext observer approve --group {args.group} --request {request['id']} "
        '--meeting "<meeting>"'
    )
    return Result(request, text)


def _decision(r: dict[str, Any]) -> str:
    d = r["decision"]
    return "" if d is None else f"{d['meeting']} ({d['by']})"


async def _observer_list(op: Operator, args: argparse.Namespace) -> Result:
    gid = await op.group_id(args.group)
    requests = await op.observers.list(op.principal, gid, status=args.status)
    rows = [
        (r["id"], r["status"], r["ecosoc_status"], r["organization"], _decision(r))
        for r in requests
    ]
    return Result({"requests": requests}, _table(rows))


async def _observer_decide(op: Operator, args: argparse.Namespace) -> Result:
    validated({"meeting": args.meeting, "note": args.note}, meeting="text", note="optional_text")
    gid = await op.group_id(args.group)
    to = {"approve": "approved", "reject": "rejected", "revoke": "revoked"}[args.action]
    decided = await op.observers.decide(
        op.principal, gid, args.request, to=to, meeting_ref=args.meeting.strip(), note=args.note
    )
    text = f"observer request {decided['id']} ({decided['organization']}): {to} at {args.meeting}"
    if to == "approved":
        text += (
            f"\nadmitted as observer person {decided['person_id']}; send a login link:"
            f"\n  rollingtext invite --group {args.group} --person {decided['person_id']}"
        )
    return Result(decided, text)


async def _invite(op: Operator, args: argparse.Namespace) -> Result:
    gid = await op.group_id(args.group)
    if args.action == "list":
        items = await op.groups.list_invitations(op.principal, gid)
        rows = [
            (
                i["id"],
                f"person {i['person_id']}",
                i["expires_at"],
                "revoked" if i["revoked"] else "",
            )
            for i in items
        ]
        return Result({"invitations": items}, _table(rows))
    if args.action == "revoke":
        revoked = await op.groups.revoke_invitation(op.principal, gid, args.invitation)
        return Result(revoked, f"invitation {revoked['id']} revoked; its sessions stop working")
    issued = await _invite_person(op, args, gid, args.person)
    return Result(issued, _link_text(issued))


async def _document_create(op: Operator, args: argparse.Namespace) -> Result:
    validated({"title": args.title}, title="text")
    check_document_name(args.name)
    gid = await op.group_id(args.group)
    created = await op.groups.create_document(
        op.principal,
        gid,
        name=args.name,
        title=args.title.strip(),
        kind=args.kind,
        public=not args.private,
    )
    visibility = "public" if created["public"] else "private (members, observers, officers)"
    return Result(created, f"created document {created['name']} ({created['kind']}, {visibility})")


async def _document_list(op: Operator, args: argparse.Namespace) -> Result:
    items = await op.groups.list_documents(op.principal, await op.group_id(args.group))
    rows = [
        (d["name"], d["kind"], "public" if d["public"] else "private", d["title"]) for d in items
    ]
    return Result({"documents": items}, _table(rows))


async def _audit(op: Operator, args: argparse.Namespace) -> Result:
    entries = await op.groups.audit_log(
        op.principal, await op.group_id(args.group), limit=args.limit
    )
    rows = [
        (
            e["at"][:19],
            e["actor"],
            e["action"],
            e["target"],
            ", ".join(f"{k}={v}" for k, v in e["details"].items() if v is not None),
        )
        for e in reversed(entries)
    ]
    return Result({"entries": entries}, _table(rows))


async def _demo(op: Operator, args: argparse.Namespace) -> Result:
    seeded = await demo.seed(op, base_url=args.base_url)
    group = seeded["group"]
    verb = "created" if seeded["created"] else "already there; fresh login links issued"
    lines = [
        f"demo working group {group['slug']} (id {group['id']}) {verb}",
        "seats:",
        _seats(group),
    ]
    lines.append("documents:")
    lines.append(
        _table(
            [
                (d["name"], d["kind"], "public" if d["public"] else "private")
                for d in seeded["documents"]
            ]
        )
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


# -- the parser ------------------------------------------------------------------------------


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="print machine-readable JSON")
    common.add_argument("--database-url", help="SQLAlchemy URL (env DATABASE_URL; SQLite file)")
    return common


def _command(
    sub: Any, name: str, handler: Handler, help_text: str, *parents: argparse.ArgumentParser
) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(name, help=help_text, parents=list(parents))
    parser.set_defaults(func=lambda args: _run(handler, args), parser=parser)
    return parser


def _check_invite(args: argparse.Namespace) -> None:
    if args.action == "issue" and args.person is None:
        args.parser.error("invite needs --person ID")
    if args.action == "revoke" and args.invitation is None:
        args.parser.error("invite revoke needs --invitation ID")


def _group_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    group = sub.add_parser("group", help="working groups").add_subparsers(
        dest="action", required=True
    )
    create = _command(group, "create", _group_create, "create a working group (WGEC seats)", common)
    create.add_argument("--slug", required=True, help="short name in URLs, e.g. wgec")
    create.add_argument("--name", required=True)
    create.add_argument("--mandate")
    create.add_argument("--public-follow", action="store_true", help="anyone may follow live")
    _command(group, "list", _group_list, "list working groups", common)
    show = _command(group, "show", _group_show, "seats, delegations, people, documents", common)
    show.add_argument("slug")

    delegation = sub.add_parser("delegation", help="delegations holding seats")
    dsub = delegation.add_subparsers(dest="action", required=True)
    add = _command(dsub, "add", _delegation_add, "add a delegation to a stakeholder group", common)
    add.add_argument("--group", required=True, help="group slug")
    add.add_argument("--name", required=True, help="e.g. Brazil")
    add.add_argument(
        "--stakeholder", required=True, choices=[s.key for s in WGEC_STAKEHOLDER_GROUPS]
    )
    _command(dsub, "list", _delegation_list, "list delegations", common).add_argument(
        "--group", required=True
    )

    msub = sub.add_parser("member", help="people and their roles").add_subparsers(
        dest="action", required=True
    )
    madd = _command(msub, "add", _member_add, "add a person", common)
    madd.add_argument("--group", required=True, help="group slug")
    madd.add_argument("--name", required=True)
    madd.add_argument("--role", required=True, choices=ROLES)
    madd.add_argument("--delegation", help="delegation name (required for members)")
    madd.add_argument("--email")
    madd.add_argument("--invite", action="store_true", help="also issue a login link")
    madd.add_argument("--ttl", type=int, help="link lifetime in seconds (default 14 days)")
    madd.add_argument("--base-url", default=DEFAULT_BASE_URL, help="server URL for links")
    _command(msub, "list", _member_list, "list people", common).add_argument(
        "--group", required=True
    )
    for action, help_text in (
        ("role", "change a person's role"),
        ("revoke", "revoke a person's access (every token and session)"),
        ("reinstate", "give a revoked person access again (new links needed)"),
    ):
        cmd = _command(msub, action, _member_update, help_text, common)
        cmd.add_argument("--group", required=True, help="group slug")
        cmd.add_argument("--person", required=True, type=int, help="person id")
        if action == "role":
            cmd.add_argument("--role", required=True, choices=ROLES)


def _other_commands(sub: Any, common: argparse.ArgumentParser) -> None:
    osub = sub.add_parser("observer", help="observer admission (ECOSOC rules)").add_subparsers(
        dest="action", required=True
    )
    req = _command(osub, "request", _observer_request, "record an admission request", common)
    req.add_argument("--group", required=True, help="group slug")
    req.add_argument("--organization", required=True)
    req.add_argument("--ecosoc", required=True, choices=ECOSOC_STATUSES, help="ECOSOC status")
    req.add_argument("--contact-name", required=True)
    req.add_argument("--contact-email", required=True)
    req.add_argument("--justification", required=True)
    olist = _command(osub, "list", _observer_list, "list admission requests", common)
    olist.add_argument("--group", required=True)
    olist.add_argument("--status", choices=["pending", "approved", "rejected", "revoked"])
    for action in ("approve", "reject", "revoke"):
        cmd = _command(
            osub, action, _observer_decide, f"{action}: record the group's decision", common
        )
        cmd.add_argument("--group", required=True, help="group slug")
        cmd.add_argument("--request", required=True, type=int, help="request id")
        cmd.add_argument(
            "--meeting", required=True, help='where the group agreed, e.g. "WGEC 2nd meeting"'
        )
        cmd.add_argument("--note")

    invite = _command(sub, "invite", _invite, "issue (default), list or revoke login links", common)
    invite.add_argument("action", nargs="?", default="issue", choices=["issue", "list", "revoke"])
    invite.add_argument("--group", required=True, help="group slug")
    invite.add_argument("--person", type=int, help="person id (issue)")
    invite.add_argument("--invitation", type=int, help="invitation id (revoke)")
    invite.add_argument("--ttl", type=int, help="link lifetime in seconds (default 14 days)")
    invite.add_argument("--base-url", default=DEFAULT_BASE_URL, help="server URL for links")

    dsub = sub.add_parser("document", help="drafting documents").add_subparsers(
        dest="action", required=True
    )
    create = _command(dsub, "create", _document_create, "create a document in a group", common)
    create.add_argument("--group", required=True, help="group slug")
    create.add_argument("--name", required=True, help="document name, e.g. wgec-rolling")
    create.add_argument("--title", required=True)
    create.add_argument(
        "--kind", default="rolling", choices=["rolling", "breakout", "correspondence", "report"]
    )
    create.add_argument("--private", action="store_true", help="not readable by public followers")
    _command(dsub, "list", _document_list, "list a group's documents", common).add_argument(
        "--group", required=True
    )

    audit = _command(sub, "audit", _audit, "show a group's audit log (oldest first)", common)
    audit.add_argument("--group", required=True, help="group slug")
    audit.add_argument("--limit", type=int, default=200, help="latest N entries (200)")

    demo_cmd = _command(
        sub, "demo", _demo, "seed the WGEC demo group and print login links", common
    )
    demo_cmd.add_argument("--base-url", default=DEFAULT_BASE_URL, help="server URL for links")


def _captions(args: argparse.Namespace) -> int:
    import asyncio
    import os

    from client.captions import run

    token: str = args.token or os.environ.get("ROLLINGTEXT_TOKEN", "")
    if not token:
        args.parser.error("a captioner token is needed: --token or ROLLINGTEXT_TOKEN")
    return asyncio.run(
        run(
            args.url,
            args.session,
            token,
            args.source,
            paced=not args.fast,
            feed_id=args.feed_id,
            speaker=args.speaker,
        )
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rollingtext", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the server (SQLite under ./data by default)")
    serve.add_argument("--host", help="interface to bind (env ROLLINGTEXT_HOST; 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (env PORT; 8080)")
    serve.add_argument("--database-url", help="SQLAlchemy URL (env DATABASE_URL; SQLite file)")
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="processes sharing the port (SO_REUSEPORT); > 1 needs REDIS_URL",
    )
    serve.set_defaults(func=_serve)
    session_commands.register(sub)
    captions = sub.add_parser(
        "captions", help="stream a WebVTT/SRT file or standard input into a live session"
    )
    captions.add_argument("--session", type=int, required=True, help="session id")
    captions.add_argument("--from", dest="source", required=True, help="FILE.vtt, FILE.srt or -")
    captions.add_argument("--url", default="http://127.0.0.1:8080", help="server base URL")
    captions.add_argument("--token", help="captioner token (or env ROLLINGTEXT_TOKEN)")
    captions.add_argument("--fast", action="store_true", help="do not wait for cue times")
    captions.add_argument(
        "--feed-id",
        default=str(os.getpid()),
        help="stdin: names the feed so a restarted feeder does not duplicate lines",
    )
    captions.add_argument("--speaker", default="", help="stdin: speaker of every line")
    captions.set_defaults(func=_captions, parser=captions)
    common = _common()
    token = sub.add_parser("token", help="print a signed access token", parents=[common])
    token.add_argument("--role", choices=ROLES, help="operator token: its role")
    token.add_argument("--name", help="operator token: who it is for")
    token.add_argument("--person", type=int, help="a person's token (role and group from the DB)")
    token.add_argument("--ttl", type=int, help="lifetime in seconds (default 12 hours)")
    token.set_defaults(func=_token, parser=token)
    _group_commands(sub, common)
    _other_commands(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "invite":
        _check_invite(args)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
