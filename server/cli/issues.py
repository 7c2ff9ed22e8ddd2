"""``rollingtext issues ...`` and ``rollingtext correspondence ...``: the issue table and
the correspondence groups of a running server's working group.

Over the server's HTTP API, like ``rollingtext amendment``: every change is made by
that server, audited and announced live on ``/group|<gid>``. They act as the operator
``cli`` (the secretariat) unless ``--token`` (or ``ROLLINGTEXT_TOKEN``) names a
person's token. Bodies are checked locally first by the server's own models; errors
print ``error: <code>: <message>`` (exit status 2).
"""

from __future__ import annotations

import argparse
from typing import Any
from urllib.parse import urlencode

import aiohttp

from server.cli.common import run_remote, table
from server.cli.documents import cli_token
from server.cli.sessions import ServerError, checked_body
from server.correspondence import schemas as cs
from server.issuetable import schemas as s


def _options() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--url", default="http://127.0.0.1:8080", help="the running server")
    common.add_argument("--group", type=int, help="the working group's id")
    common.add_argument("--token", help="act as this person (default: the operator cli)")
    common.add_argument("--json", action="store_true", help="print machine-readable JSON")
    return common


async def call(args: argparse.Namespace, method: str, path: str, body: Any = None) -> Any:
    """``method`` on ``path`` of the server at ``--url``: the JSON answer (or the text of
    a file), or ``ServerError`` with the server's error."""
    token = cli_token(args)
    headers = {"Authorization": f"Bearer {token}"}
    kwargs: dict[str, Any] = {} if body is None else {"json": body}
    async with (
        aiohttp.ClientSession(headers=headers) as http,
        http.request(method, args.url.rstrip("/") + path, **kwargs) as resp,
    ):
        answer = await resp.json() if resp.content_type == "application/json" else None
        if resp.status >= 400:
            raise ServerError(resp.status, answer if answer is not None else await resp.text())
        return answer if answer is not None else await resp.text()


def _group(args: argparse.Namespace) -> str:
    if args.group is None:
        raise SystemExit("error: --group is required")
    return f"/api/groups/{args.group}"


def _said(data: Any) -> str | None:
    if isinstance(data, str):
        return data.rstrip("\n")
    if isinstance(data, dict) and "counts" in data:
        c = data["counts"]
        rows: list[tuple[Any, ...]] = [("No", "grouping", "status", "sources", "merged", "issue")]
        rows += [
            (i["number"], i["grouping"] or "", i["status"], len(i["sources"]),
             i["merged_into"] or "", i["issue"][:60])
            for i in data["items"]
        ]  # fmt: skip
        summary = f"{c['items']} items, {c['merged']} merged, {c['remaining']} remaining"
        return table(rows) + "\n" + summary
    if isinstance(data, dict) and "number" in data and "sources" in data:
        merged = f", merged from {data['merged_from']}" if data["merged_from"] else ""
        return (
            f"item {data['number']}: {data['issue']} ({len(data['sources'])} sources, "
            f"{len(data['citations'])} citations{merged}; revision {data['revision']})"
        )
    if isinstance(data, dict) and "correspondence" in data:
        rows = [("id", "title", "chair", "members", "terms")]
        rows += [
            (g["id"], g["title"], (g["chair"] or {}).get("name", ""), len(g["members"]),
             g["terms_document"])
            for g in data["correspondence"]
        ]  # fmt: skip
        return table(rows)
    if isinstance(data, dict) and "areas" in data:
        rows = [("id", "No", "area", "mechanisms", "gaps")]
        rows += [
            (a["id"], a["number"], a["area"][:30], a["mechanisms"][:30], a["gaps"][:30])
            for a in data["areas"]
        ]
        return table(rows)
    if isinstance(data, dict) and "terms_document" in data:
        return (
            f"correspondence group {data['id']}: {data['title']} (terms: {data['terms_document']})"
        )
    if isinstance(data, dict) and "area" in data:
        return f"area {data['id']} (No {data['number']}): {data['area']}"
    return None


def _source(args: argparse.Namespace) -> dict[str, Any] | None:
    if args.response is None:
        return None
    return {
        "response_id": args.response, "question": args.question, "exact": args.exact,
        "prefix": args.prefix or "", "suffix": args.suffix or "",
    }  # fmt: skip


async def _issues(args: argparse.Namespace) -> Any:
    a, g = args.action, _group(args)
    if a == "list":
        query = {"include_merged": "true"} if args.all else {}
        if args.grouping:
            query["grouping"] = args.grouping
        if args.q:
            query["q"] = args.q
        return await call(args, "GET", f"{g}/issues" + ("?" + urlencode(query) if query else ""))
    if a == "add":
        body = checked_body(
            s.IssueCreate, issue=args.issue, category=args.category, grouping=args.grouping,
            activities=args.activities, status=args.status, source=_source(args),
        )  # fmt: skip
        return await call(args, "POST", f"{g}/issues", body)
    if a == "merge":
        body = checked_body(s.IssueMerge, into=args.into, items=args.items)
        return await call(args, "POST", f"{g}/issues/merge", body)
    if a == "cite":
        body = checked_body(s.CitationIn, document=args.document, paragraph_id=args.paragraph)
        method = "DELETE" if args.remove else "POST"
        return await call(args, method, f"{g}/issues/{args.number}/citations", body)
    if a == "export":
        wanted = urlencode({"format": args.format, "include_merged": str(args.all).lower()})
        return await call(args, "GET", f"{g}/issues/export?{wanted}")
    raise AssertionError(a)


async def _correspondence(args: argparse.Namespace) -> Any:
    a = args.action
    if a == "list":
        return await call(args, "GET", f"{_group(args)}/correspondence")
    if a == "create":
        body = checked_body(
            cs.CorrespondenceCreate, title=args.title, chair_person_id=args.chair,
            deadline=args.deadline, members=args.members or None,
        )  # fmt: skip
        return await call(args, "POST", f"{_group(args)}/correspondence", body)
    if a == "show":
        return await call(args, "GET", f"/api/correspondence/{args.id}")
    if a == "areas":
        return await call(args, "GET", f"/api/correspondence/{args.id}/areas")
    if a == "add-area":
        body = checked_body(
            cs.AreaCreate, area=args.area, mechanisms=args.mechanisms, gaps=args.gaps,
            contributions=args.contributions,
        )  # fmt: skip
        return await call(args, "POST", f"/api/correspondence/{args.id}/areas", body)
    raise AssertionError(a)


def _runner(dispatch: Any) -> Any:
    def run(args: argparse.Namespace) -> int:
        return run_remote(args, dispatch, _said)

    return run


def register(sub: Any) -> None:
    """Add ``rollingtext issues ...`` and ``rollingtext correspondence ...``."""
    common = _options()
    issues = sub.add_parser("issues", help="the issue table of a working group")
    actions = issues.add_subparsers(dest="action", required=True)
    run = _runner(_issues)

    def command(action: str, help_text: str) -> Any:
        parser = actions.add_parser(action, help=help_text, parents=[common])
        parser.set_defaults(func=run, action=action)
        return parser

    listing = command("list", "the table (remaining items; --all: merged ones too) and counts")
    listing.add_argument("--all", action="store_true")
    listing.add_argument("--grouping", choices=("A", "B", "C", "D", "E"))
    listing.add_argument("--q", help="words to look for")
    add = command("add", "a new item, optionally from a passage of an answer")
    add.add_argument("--issue", required=True)
    add.add_argument("--category")
    add.add_argument("--grouping", choices=("A", "B", "C", "D", "E"))
    add.add_argument("--activities")
    add.add_argument("--status")
    add.add_argument("--response", type=int, help="the response the passage is from")
    add.add_argument("--question", type=int, help="the question it answers")
    add.add_argument("--exact", help="the passage, exactly")
    add.add_argument("--prefix")
    add.add_argument("--suffix")
    merge = command("merge", "merge duplicates into one item (it keeps every source)")
    merge.add_argument("--into", required=True, type=int)
    merge.add_argument("items", nargs="+", type=int)
    cite = command("cite", "a paragraph cites an item (--remove: no longer)")
    cite.add_argument("--number", required=True, type=int)
    cite.add_argument("--document", required=True)
    cite.add_argument("--paragraph", required=True, help="the paragraph's id or label")
    cite.add_argument("--remove", action="store_true")
    export = command("export", "the table as Markdown, HTML or CSV on stdout")
    export.add_argument("--format", choices=("md", "html", "csv"), default="md")  # text only
    export.add_argument("--all", action="store_true", help="merged items too")

    cgs = sub.add_parser("correspondence", help="correspondence groups and mapping tables")
    cg_actions = cgs.add_subparsers(dest="action", required=True)
    run_cg = _runner(_correspondence)

    def cg_command(action: str, help_text: str, *, one: bool = True) -> Any:
        parser = cg_actions.add_parser(action, help=help_text, parents=[common])
        parser.set_defaults(func=run_cg, action=action)
        if one:
            parser.add_argument("--id", required=True, type=int, help="the group's id")
        return parser

    cg_command("list", "the working group's correspondence groups", one=False)
    create = cg_command("create", "a correspondence group with its terms of reference", one=False)
    create.add_argument("--title", required=True)
    create.add_argument("--chair", type=int, help="the chair's person id")
    create.add_argument("--deadline", help="YYYY-MM-DD")
    create.add_argument("--members", type=int, nargs="*", help="person ids")
    cg_command("show", "one correspondence group")
    cg_command("areas", "its mapping table")
    area = cg_command("add-area", "add an area to its mapping table")
    area.add_argument("--area", required=True)
    area.add_argument("--mechanisms")
    area.add_argument("--gaps")
    area.add_argument("--contributions")
