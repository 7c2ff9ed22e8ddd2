"""``rollingtext amendment ...``: amendments of a running server's document.

Over the server's HTTP API, like ``rollingtext paragraph``: every change is made by
that server, audited and announced live. They act as the operator ``cli`` (the
secretariat) unless ``--token`` (or ``ROLLINGTEXT_TOKEN``) names a person's token;
proposing and co-sponsoring need a person's token (a delegation or organisation).
Bodies are checked locally first by the server's own models; errors print
``error: <code>: <message>`` (exit status 2).
"""

from __future__ import annotations

import argparse
from typing import Any
from urllib.parse import urlencode

from server.amendments import schemas
from server.cli.common import run_remote, table
from server.cli.documents import document_call, document_options
from server.cli.sessions import checked_body

FLAGS = {"confirm_outdated": "--confirm-outdated"}


def _one(a: dict[str, Any]) -> str:
    words = "" if a["kind"] == "delete" else f" -> {a['text']!r}"
    stale = " (outdated)" if a["outdated"] else ""
    who = a["proposer"]["delegation"] or a["proposer"]["name"]
    return (
        f"amendment {a['id']}: {a['kind']} {a['quote']['exact']!r}{words} in "
        f"{a['paragraph']} by {who}, {a['state']} ({a['moderation']}){stale}; "
        f"support {len(a['support'])}, oppose {len(a['oppose'])}"
    )


def _said(data: Any) -> str | None:
    """One line (or a table) for people; ``--json`` prints the whole answer."""
    if isinstance(data, dict) and "amendments" in data:
        rows: list[tuple[Any, ...]] = [
            ("id", "paragraph", "kind", "state", "moderation", "by", "+", "-", "words")
        ]
        rows += [
            (
                a["id"], a["paragraph"], a["kind"], a["state"], a["moderation"],
                a["proposer"]["delegation"] or a["proposer"]["name"], len(a["support"]),
                len(a["oppose"]), a["quote"]["exact"][:40],
            )
            for a in data["amendments"]
        ]  # fmt: skip
        return table(rows)
    if isinstance(data, dict) and "kind" in data and "quote" in data:
        return _one(data)
    return None


async def _dispatch(args: argparse.Namespace) -> Any:
    a = args.action
    if a == "list":
        query = {k: v for k, v in (("paragraph", args.paragraph), ("state", args.state)) if v}
        return await document_call(
            args, "GET", "/amendments" + ("?" + urlencode(query) if query else "")
        )
    if a == "show":
        return await document_call(args, "GET", f"/amendments/{args.id}")
    if a == "propose":
        body = checked_body(
            schemas.AmendmentCreate, paragraph=args.paragraph, start=args.start, end=args.end,
            kind=args.kind, text=args.text, justification=args.justification,
        )  # fmt: skip
        return await document_call(args, "POST", "/amendments", body)
    if a in ("support", "oppose", "withdraw"):
        return await document_call(args, "POST", f"/amendments/{args.id}/{a}", {})
    if a == "admit":
        body = checked_body(schemas.AmendmentAdmit, session=args.session)
        return await document_call(args, "POST", f"/amendments/{args.id}/admit", body)
    if a == "decide":
        body = checked_body(
            schemas.AmendmentDecide, decision=args.decision, session=args.session,
            note=args.note, confirm_outdated=args.confirm_outdated or None,
        )  # fmt: skip
        return await document_call(args, "POST", f"/amendments/{args.id}/decide", body)
    raise AssertionError(a)


def run(args: argparse.Namespace) -> int:
    return run_remote(args, _dispatch, _said, flags=FLAGS)


def register(sub: Any) -> None:
    """Add ``rollingtext amendment ...`` to the parser."""
    common = document_options()
    actions = sub.add_parser("amendment", help="proposed amendments").add_subparsers(
        dest="action", required=True
    )

    def command(action: str, help_text: str, *, one: bool = True) -> Any:
        parser = actions.add_parser(action, help=help_text, parents=[common])
        parser.set_defaults(func=run, action=action)
        if one:
            parser.add_argument("--id", required=True, type=int, help="the amendment's id")
        return parser

    listing = command("list", "the amendments you may see", one=False)
    listing.add_argument("--paragraph", help="of this paragraph (id or label)")
    listing.add_argument(
        "--state", choices=("open", "accepted", "rejected", "bracketed", "withdrawn")
    )
    command("show", "one amendment, its words now and whether it is outdated")
    propose = command("propose", "propose to replace, insert after or delete words", one=False)
    propose.add_argument("--paragraph", required=True, help="the paragraph's id or label")
    propose.add_argument("--start", required=True, type=int, help="first character (code points)")
    propose.add_argument("--end", required=True, type=int, help="end (exclusive)")
    propose.add_argument("--kind", required=True, choices=("replace", "insert", "delete"))
    propose.add_argument("--text", help="the replacement or the insertion")
    propose.add_argument("--justification")
    command("support", "co-sponsor for your delegation")
    command("oppose", "oppose for your delegation")
    command("withdraw", "withdraw your open amendment")
    admit = command("admit", "admit an observer's amendment for the group")
    admit.add_argument("--session", type=int, help="the session admitting it")
    decide = command("decide", "accept, reject or bracket an amendment")
    decide.add_argument("--decision", required=True, choices=("accept", "reject", "bracket"))
    decide.add_argument("--session", type=int, help="the session deciding it")
    decide.add_argument("--note")
    decide.add_argument(
        "--confirm-outdated", action="store_true", help="accept though its words changed"
    )
