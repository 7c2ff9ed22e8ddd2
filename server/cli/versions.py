"""``rollingtext version ...``: versions of a running server's document.

Over the server's HTTP API, like ``rollingtext paragraph``: issuing and restoring
are made by that server, audited and announced live. They act as the operator
``cli`` (the secretariat) unless ``--token`` (or ``ROLLINGTEXT_TOKEN``) names a
person's token. Bodies are checked locally first by the server's own models;
errors print ``error: <code>: <message>`` (exit status 2).
"""

from __future__ import annotations

import argparse
from typing import Any
from urllib.parse import urlencode

from server.cli.common import run_remote, table
from server.cli.documents import document_call, document_options
from server.cli.sessions import checked_body
from server.revisions import schemas

MARKS = {"equal": "{}", "insert": "{{+{}+}}", "delete": "[-{}-]"}


def _summary(v: dict[str, Any]) -> str:
    return (
        f"version {v['number']} {v['label']!r} ({v['kind']}), {v['paragraphs']} paragraphs, "
        f"{v['bytes']} bytes, by {v['created_by']} at {v['created_at']}"
    )


def _detail(v: dict[str, Any]) -> str:
    lines = [f"version {v['number']} {v['label']!r}: {v['title']} ({v['kind']})"]
    for p in v["paragraphs"]:
        lines.append(f"{p['label']} [{p['section']}, {p['status']}] {p['text']}")
    lines += [f"opinion ({', '.join(o['delegations'])}): {o['text']}" for o in v["opinions"]]
    return "\n".join(lines)


def _who(segment: dict[str, Any]) -> str:
    author = segment["author"]
    if segment["op"] == "equal" or author is None:
        return ""
    return f"<{author['delegation'] or author['name']}>"


def _diff(d: dict[str, Any]) -> str:
    """Word-diff style: ``{+inserted+}<who>`` and ``[-deleted-]<who>``."""
    s = d["summary"]
    side = d["to"]["number"] if d["to"]["number"] is not None else "now"
    lines = [
        f"{d['document']}: version {d['from']['number']} -> {side}: "
        f"+{s['inserted']} -{s['deleted']} characters, {s['changed']} paragraphs changed "
        f"(added {s['added']}, deleted {s['removed']}, restored {s['restored']}, "
        f"moved {s['moved']}, status {s['status_changed']})"
    ]
    for p in d["paragraphs"]:
        if not p["changes"]:
            continue
        text = "".join(MARKS[g["op"]].format(g["text"]) + _who(g) for g in p["segments"])
        status = ""
        if p["status_before"] != p["status_after"]:
            status = f" {p['status_before']} -> {p['status_after']}"
        lines.append(f"{p['label']} ({', '.join(p['changes'])}{status}): {text}")
    return "\n".join(lines)


def _said(data: Any) -> str | None:
    """One line, a table or a readable diff for people; ``--json`` prints the answer."""
    if not isinstance(data, dict):
        return None
    if "versions" in data:
        rows: list[tuple[Any, ...]] = [("number", "label", "kind", "paragraphs", "by", "at")]
        rows += [
            (v["number"], v["label"], v["kind"], v["paragraphs"], v["created_by"], v["created_at"])
            for v in data["versions"]
        ]
        return table(rows)
    if "summary" in data:
        return _diff(data)
    if "opinions" in data:
        return _detail(data)
    if "paragraph_id" in data:
        return f"{data['paragraph_id']} restored from version {data['version']} ({data['status']})"
    if "number" in data:
        return _summary(data)
    return None


async def _dispatch(args: argparse.Namespace) -> Any:
    a = args.action
    if a == "issue":
        body = checked_body(schemas.VersionCreate, label=args.label)
        return await document_call(args, "POST", "/versions", body)
    if a == "list":
        return await document_call(args, "GET", "/versions")
    if a == "show":
        return await document_call(args, "GET", f"/versions/{args.number}")
    if a == "diff":
        query = {"from": args.from_, "to": args.to, "changed_only": "true"}
        given = {k: v for k, v in query.items() if v is not None}
        return await document_call(args, "GET", "/diff?" + urlencode(given))
    if a == "restore":
        body = checked_body(schemas.ParagraphRestore, paragraph_id=args.paragraph)
        return await document_call(args, "POST", f"/versions/{args.number}/restore", body)
    raise AssertionError(a)


def run(args: argparse.Namespace) -> int:
    return run_remote(args, _dispatch, _said)


def register(sub: Any) -> None:
    """Add ``rollingtext version ...`` to the parser."""
    common = document_options()
    actions = sub.add_parser("version", help="versions of a document").add_subparsers(
        dest="action", required=True
    )

    def command(action: str, help_text: str) -> Any:
        parser = actions.add_parser(action, help=help_text, parents=[common])
        parser.set_defaults(func=run, action=action)
        return parser

    issue = command("issue", "issue the next version of the document as it is now")
    issue.add_argument("--label", required=True, help='e.g. "Rev.2"')
    command("list", "the document's versions")
    show = command("show", "one version in full")
    show.add_argument("--number", required=True, type=int)
    diff = command("diff", "what changed between two versions (or a version and now)")
    diff.add_argument("--from", dest="from_", type=int, help="default: the version before --to")
    diff.add_argument("--to", type=int, help="default: now")
    restore = command("restore", "restore a paragraph's text from a version")
    restore.add_argument("--number", required=True, type=int)
    restore.add_argument("--paragraph", required=True, help="the paragraph's id")
