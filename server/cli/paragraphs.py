"""``rollingtext paragraph ...``: govern the rolling text of a running server.

Like the session commands these go over the server's HTTP API, so every change is
written by that server, recorded as a decision, audited and announced live to
everyone connected. They act as the operator ``cli`` (the secretariat) unless
``--token`` (or ``ROLLINGTEXT_TOKEN``) names a person's token. ``--paragraph``
takes a paragraph's id or its label (``OP3``). A body is checked locally first by
the server's own model; errors print ``error: <code>: <message>`` (exit status 2).
"""

from __future__ import annotations

import argparse
from typing import Any
from urllib.parse import quote

import aiohttp

from crdt import schema
from server.cli.common import Result, Unreachable, execute, table
from server.cli.documents import document_call, document_options
from server.cli.sessions import ServerError, checked_body
from server.paragraphs import schemas

FLAGS = {"after": "--after", "proposers": "--proposer", "supporters": "--supporter"}


def _p(args: argparse.Namespace, suffix: str = "") -> str:
    return f"/paragraphs/{quote(args.paragraph, safe='')}{suffix}"


def _listing(content: dict[str, Any]) -> str:
    rows = [("label", "status", "section", "kind", "brackets", "text")]
    for p in content["paragraphs"]:
        text = p["text"] if len(p["text"]) <= 50 else p["text"][:49] + "…"
        rows.append(
            (p["label"], p["status"], p["section"], p["kind"], p["brackets"]["count"], text)
        )
    meta = content["meta"]
    head = f"{meta['title'] or '(untitled)'} ({meta['kind']}, session {meta['session']})"
    return head + "\n" + table(rows)


def _said(data: Any) -> str | None:
    """One line for people about what a command left (``--json`` prints all of it)."""
    if not isinstance(data, dict):
        return None
    if "label" in data and "status" in data:  # a paragraph
        lock = " (locked)" if data.get("locked") else ""
        return f"{data['label']}: {data['status']}{lock}, section {data['section']}"
    if "state" in data and "paragraph" in data:  # a status proposal
        return f"proposal {data['id']}: {data['paragraph']} -> {data['status']} ({data['state']})"
    if "proposals" in data:
        rows = [("id", "paragraph", "status", "state", "by")]
        rows += [
            (p["id"], p["paragraph"], p["status"], p["state"], p["proposer"]["name"])
            for p in data["proposals"]
        ]
        return table(rows)
    if "decisions" in data:
        rows = [("at", "paragraph", "action", "by", "session")]
        rows += [
            (d["at"], d["paragraph"], d["action"], d["by"]["name"], d["session"] or "")
            for d in data["decisions"]
        ]
        return table(rows)
    return None


async def _dispatch(args: argparse.Namespace) -> Result:
    a = args.action
    if a == "list":
        content = await document_call(args, "GET", "")
        return Result(content, None if args.json else _listing(content))
    if a == "proposals":
        return Result(await document_call(args, "GET", f"/proposals?state={args.state}"), None)
    if a == "decisions":
        suffix = "" if args.paragraph is None else f"?paragraph={quote(args.paragraph)}"
        return Result(await document_call(args, "GET", "/decisions" + suffix), None)
    if a == "add":
        values: dict[str, Any] = dict(
            label=args.label, section=args.section, kind=args.kind, sequence=args.sequence,
            text=args.text, proposers=args.proposer or None,
        )  # fmt: skip
        body = checked_body(schemas.ParagraphCreate, **values)
        if args.first:
            body["after"] = None
        elif args.after is not None:
            body["after"] = args.after
        return Result(await document_call(args, "POST", "/paragraphs", body), None)
    if a == "status":
        body = checked_body(
            schemas.StatusChange, status=args.status, session=args.session, note=args.note
        )
        return Result(await document_call(args, "POST", _p(args, "/status"), body), None)
    if a == "propose":
        body = checked_body(schemas.ProposalCreate, status=args.status, reason=args.reason)
        return Result(await document_call(args, "POST", _p(args, "/proposals"), body), None)
    if a in ("accept", "decline"):
        model = schemas.ProposalAccept if a == "accept" else schemas.ProposalDecline
        extra = {"session": args.session} if a == "accept" else {}
        body = checked_body(model, note=args.note, **extra)
        return Result(
            await document_call(args, "POST", f"/proposals/{args.proposal}/{a}", body), None
        )
    if a == "move":
        if args.first == (args.after is not None):
            raise ServerError(
                400, {"error": {"code": "bad_input", "message": "give --after P or --first"}}
            )
        body = {"after": None if args.first else args.after}
        return Result(await document_call(args, "POST", _p(args, "/move"), body), None)
    if a in ("delete", "restore"):
        return Result(await document_call(args, "POST", _p(args, f"/{a}"), {}), None)
    if a == "meta":
        if args.paragraph is None:
            session = None if args.no_session else args.session
            body = checked_body(
                schemas.DocumentUpdate, title=args.title, kind=args.kind, session=session
            )
            if args.no_session:
                body["session"] = None
            return Result(await document_call(args, "PATCH", "", body), None)
        body = checked_body(
            schemas.ParagraphUpdate, label=args.label, section=args.section, kind=args.kind,
            sequence=args.sequence, proposers=args.proposer, supporters=args.supporter,
        )  # fmt: skip
        return Result(await document_call(args, "PATCH", _p(args), body), None)
    if a == "opinion":
        if args.remove is not None:
            await document_call(args, "DELETE", f"/opinions/{quote(args.remove, safe='')}")
            return Result({"id": args.remove, "removed": True}, None)
        body = checked_body(
            schemas.OpinionCreate, text=args.text, delegations=args.delegation or [],
            paragraph=args.paragraph, section=args.section,
        )  # fmt: skip
        return Result(await document_call(args, "POST", "/opinions", body), None)
    if a == "option":
        if args.remove is not None:
            path = _p(args, f"/options/{quote(args.remove, safe='')}")
            return Result(await document_call(args, "DELETE", path), None)
        body = checked_body(
            schemas.OptionCreate, label=args.label, text=args.text, proposers=args.proposer or []
        )
        return Result(await document_call(args, "POST", _p(args, "/options"), body), None)
    if a == "bracket":
        body = checked_body(schemas.BracketRange, start=args.start, end=args.end)
        return Result(await document_call(args, "POST", _p(args, "/brackets"), body), None)
    raise AssertionError(a)


def run(args: argparse.Namespace) -> int:
    async def work() -> Result:
        try:
            result = await _dispatch(args)
        except aiohttp.ClientError as exc:
            raise Unreachable(f"the server at {args.url} is not reachable: {exc}") from exc
        if result.text is None and not args.json:
            return Result(result.data, _said(result.data))
        return result

    return execute(work, as_json=args.json, flags=FLAGS)


def register(sub: Any) -> None:
    """Add ``rollingtext paragraph ...`` to the parser."""
    common = document_options()
    actions = sub.add_parser("paragraph", help="govern the rolling text").add_subparsers(
        dest="action", required=True
    )

    def command(action: str, help_text: str, *, paragraph: bool | None = True) -> Any:
        parser = actions.add_parser(action, help=help_text, parents=[common])
        parser.set_defaults(func=run, action=action)
        if paragraph is not None:
            parser.add_argument(
                "--paragraph", required=paragraph, help="the paragraph's id or label"
            )
        return parser

    statuses = [s for s in schema.STATUSES if s != schema.Status.DELETED]
    command("list", "the paragraphs, in order", paragraph=None)
    command("proposals", "the status proposals", paragraph=None).add_argument(
        "--state", default="pending", choices=("pending", "all")
    )
    command("decisions", "the decision history", paragraph=False)
    add = command("add", "add a paragraph", paragraph=None)
    add.add_argument("--label", required=True)
    add.add_argument("--section", required=True, choices=schema.SECTIONS)
    add.add_argument("--kind", choices=schema.PARAGRAPH_KINDS)
    add.add_argument("--sequence", choices=schema.SEQUENCES)
    add.add_argument("--text")
    add.add_argument("--proposer", action="append", help="a proposing delegation (repeat)")
    add.add_argument("--after", help="place after this paragraph (default: last)")
    add.add_argument("--first", action="store_true", help="place first")
    status = command("status", "set a paragraph's status")
    status.add_argument("--status", required=True, choices=statuses)
    status.add_argument("--session", type=int, help="the session deciding it")
    status.add_argument("--note")
    propose = command("propose", "propose a status change to the chair")
    propose.add_argument("--status", required=True, choices=statuses)
    propose.add_argument("--reason")
    for action in ("accept", "decline"):
        decide = command(action, f"{action} a status proposal", paragraph=None)
        decide.add_argument("--proposal", required=True, type=int)
        decide.add_argument("--note")
        if action == "accept":
            decide.add_argument("--session", type=int)
    move = command("move", "move a paragraph")
    move.add_argument("--after", help="place after this paragraph")
    move.add_argument("--first", action="store_true", help="place first")
    command("delete", "delete a paragraph (its text is kept)")
    command("restore", "restore a deleted paragraph")
    meta = command(
        "meta", "governed metadata: of --paragraph, else the document's", paragraph=False
    )
    meta.add_argument("--label")
    meta.add_argument("--section", choices=schema.SECTIONS)
    meta.add_argument("--kind", help="paragraph kind, or (no --paragraph) document kind")
    meta.add_argument("--sequence", choices=schema.SEQUENCES)
    meta.add_argument("--proposer", action="append")
    meta.add_argument("--supporter", action="append")
    meta.add_argument("--title", help="the document's title")
    meta.add_argument("--session", type=int, help="the document's session")
    meta.add_argument("--no-session", action="store_true", help="the document has no session")
    opinion = command("opinion", "record (or --remove) a divergent view", paragraph=False)
    opinion.add_argument("--text")
    opinion.add_argument("--delegation", action="append", help="a delegation holding it")
    opinion.add_argument("--section", choices=schema.SECTIONS)
    opinion.add_argument("--remove", help="the opinion id to remove")
    option = command("option", "record (or --remove) an alternative formulation")
    option.add_argument("--label")
    option.add_argument("--text")
    option.add_argument("--proposer", action="append")
    option.add_argument("--remove", help="the option id to remove")
    bracket = command("bracket", "wrap [start, end) of the text in square brackets")
    bracket.add_argument("--start", required=True, type=int)
    bracket.add_argument("--end", required=True, type=int)
