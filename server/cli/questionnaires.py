"""``rollingtext questionnaire ...`` and ``rollingtext responses ...``: a running
server's questionnaires and their responses.

Over the server's HTTP API, like ``rollingtext paragraph``: every change is made by
that server and audited. They act as the operator ``cli`` (the secretariat) unless
``--token`` (or ``ROLLINGTEXT_TOKEN``) names a person's token. Bodies are checked
locally first by the server's own models; errors print ``error: <code>: <message>``
(exit status 2). ``responses export`` writes the file to ``--output`` (or stdout).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp

from server.cli.common import Result, execute, reaching, table
from server.cli.documents import cli_token
from server.cli.sessions import ServerError, checked_body
from server.questionnaires import schemas


async def call(args: argparse.Namespace, method: str, path: str, body: Any = None) -> Any:
    """``method`` on ``path`` of the server at ``--url``: the JSON answer, or the bytes
    of a file; ``ServerError`` with the server's error."""
    token = cli_token(args)
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    kwargs: dict[str, Any] = {} if body is None else {"json": body}
    async with (
        aiohttp.ClientSession(headers=headers) as http,
        http.request(method, args.url.rstrip("/") + path, **kwargs) as resp,
    ):
        if resp.content_type == "application/json":
            answer = await resp.json()
        else:
            answer = await resp.read()
        if resp.status >= 400:
            raise ServerError(resp.status, answer)
        return answer


def _questionnaire(q: dict[str, Any]) -> str:
    lines = [
        f"questionnaire {q['id']}: {q['title']} ({q['state']}, version {q['version']}, "
        f"{q['responses']} responses{', frozen' if q['frozen'] else ''})",
        f"  deadline {q['deadline'] or '-'} {q['time_zone']}; draft document {q['draft_document']}",
    ]
    rows: list[tuple[Any, ...]] = [("no", "group", "kind", "question")] + [
        (x["number"], x["grouping"] or "", x["kind"], x["text"][:70]) for x in q["questions"]
    ]
    return "\n".join(lines) + "\n" + table(rows)


def _said(data: Any) -> str | None:
    if not isinstance(data, dict):
        return None
    rows: list[tuple[Any, ...]]
    if "questionnaires" in data:
        rows = [("id", "title", "state", "version", "deadline", "responses")]
        rows += [
            (q["id"], q["title"], q["state"], q["version"], q["deadline"] or "-", q["responses"])
            for q in data["questionnaires"]
        ]
        return table(rows)
    if "draft_document" in data:
        return _questionnaire(data)
    if "by_stakeholder" in data:
        rows = [("stakeholder", "total", "on time", "late")]
        rows += [
            (k, v["total"], v["on_time"], v["late"]) for k, v in data["by_stakeholder"].items()
        ]
        rows.append(("all", data["total"], data["on_time"], data["late"]))
        return table(rows)
    if "responses" in data and "total" in data:
        rows = [("id", "stakeholder", "organisation", "submitted", "late", "answers")]
        rows += [
            (r["id"], r["stakeholder"], r["respondent"]["organisation"], r["submitted_at"][:16],
             "late" if r["late"] else "", len(r["answers"]))
            for r in data["responses"]
        ]  # fmt: skip
        return table(rows) + f"\n  {data['total']} responses"
    if "hits" in data:
        rows = [("response", "question", "stakeholder", "snippet")]
        rows += [
            (h["response_id"], h["number"], h["stakeholder"], h["snippet"][:80])
            for h in data["hits"]
        ]
        return table(rows) + f"\n  {data['total']} answers match"
    if "questions" in data and "version" in data:
        return "\n".join(
            f"question {x['number']}{' [' + x['grouping'] + ']' if x['grouping'] else ''}: "
            f"{len(x['answers'])} answers: {x['text'][:60]}"
            for x in data["questions"]
        )
    return None


def _filters(args: argparse.Namespace) -> dict[str, Any]:
    values = {
        "stakeholder": args.stakeholder,
        "grouping": args.grouping,
        "late": None if args.late is None else str(args.late == "yes").lower(),
        "q": args.q,
    }
    return {k: v for k, v in values.items() if v is not None}


async def _dispatch(args: argparse.Namespace) -> Any:
    what = (args.noun, args.action)
    q = f"/api/questionnaires/{getattr(args, 'id', 0)}"
    if what == ("questionnaire", "create"):
        body = checked_body(schemas.QuestionnaireCreate, title=args.title)
        return await call(args, "POST", f"/api/groups/{args.group}/questionnaires", body)
    if what == ("questionnaire", "list"):
        return await call(args, "GET", f"/api/groups/{args.group}/questionnaires")
    if what == ("questionnaire", "show"):
        return await call(args, "GET", q)
    if what == ("questionnaire", "import"):
        body = checked_body(
            schemas.QuestionnaireImport, document=args.document, paragraph_ids=args.paragraph
        )
        return await call(args, "POST", q + "/import", body)
    if what == ("questionnaire", "publish"):
        body = checked_body(schemas.QuestionnairePublish, deadline=args.deadline)
        return await call(args, "POST", q + "/publish", body)
    if what == ("questionnaire", "extend"):
        body = checked_body(schemas.DeadlineChange, deadline=args.deadline, decision=args.decision)
        return await call(args, "POST", q + "/deadline", body)
    if what == ("responses", "distribution"):
        return await call(args, "GET", q + "/distribution")
    if what == ("responses", "search"):
        return await call(args, "GET", q + "/search?" + urlencode({"q": args.q}))
    path = {"list": "/responses", "by-question": "/by-question", "export": "/export"}[args.action]
    query = _filters(args)
    if args.action == "export":
        query |= {"view": args.view, "format": args.format}
    return await call(args, "GET", q + path + ("?" + urlencode(query) if query else ""))


def run(args: argparse.Namespace) -> int:
    async def work() -> Result:
        data = await reaching(args.url, _dispatch(args))
        if isinstance(data, bytes):
            if args.output:
                await asyncio.to_thread(Path(args.output).write_bytes, data)
                return Result({"written": args.output, "bytes": len(data)}, f"wrote {args.output}")
            sys.stdout.buffer.write(data)
            return Result(None, "")
        return Result(data, None if args.json else _said(data))

    return execute(work, as_json=args.json)


def _options() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--url", default="http://127.0.0.1:8080", help="the running server")
    common.add_argument("--token", help="act as this person (default: the operator cli)")
    common.add_argument("--json", action="store_true", help="print machine-readable JSON")
    return common


def register(sub: Any) -> None:
    """Add ``rollingtext questionnaire ...`` and ``rollingtext responses ...``."""
    common = _options()
    nouns = {
        "questionnaire": sub.add_parser("questionnaire", help="questionnaires seeking inputs"),
        "responses": sub.add_parser("responses", help="a questionnaire's responses"),
    }
    actions = {n: p.add_subparsers(dest="action", required=True) for n, p in nouns.items()}

    def command(noun: str, action: str, help_text: str, *, group: bool = False) -> Any:
        parser = actions[noun].add_parser(action, help=help_text, parents=[common])
        parser.set_defaults(func=run, noun=noun, action=action)
        if group:
            parser.add_argument("--group", required=True, type=int, help="working group id")
        else:
            parser.add_argument("--id", required=True, type=int, help="the questionnaire's id")
        return parser

    create = command("questionnaire", "create", "draft a questionnaire", group=True)
    create.add_argument("--title", required=True)
    command("questionnaire", "list", "the group's questionnaires", group=True)
    command("questionnaire", "show", "a questionnaire and its questions")
    imp = command("questionnaire", "import", "copy question paragraphs of a draft")
    imp.add_argument("--document", required=True, help="the draft to copy from")
    imp.add_argument("--paragraph", required=True, action="append", help="id or label (repeat)")
    publish = command("questionnaire", "publish", "publish with a deadline (local time)")
    publish.add_argument("--deadline", required=True, help="YYYY-MM-DDTHH:MM, the group's zone")
    extend = command("questionnaire", "extend", "extend the deadline, citing the decision")
    extend.add_argument("--deadline", required=True, help="YYYY-MM-DDTHH:MM, the group's zone")
    extend.add_argument("--decision", required=True)
    for action, help_text in (
        ("list", "contributions by respondent"),
        ("by-question", "contributions by question"),
        ("export", "a view as a file"),
    ):
        parser = command("responses", action, help_text)
        parser.add_argument("--stakeholder", choices=schemas.STAKEHOLDERS)
        parser.add_argument("--grouping", choices=("A", "B", "C", "D", "E"))
        parser.add_argument("--late", choices=("yes", "no"))
        parser.add_argument("--q", help="answers containing every word")
        if action == "export":
            parser.add_argument(
                "--view", default="by-question",
                choices=("by-respondent", "by-question", "distribution"),
            )  # fmt: skip
            parser.add_argument("--format", default="md", choices=("md", "html", "csv", "docx"))
            parser.add_argument("--output", help="the file to write (default: stdout)")
    command("responses", "distribution", "respondents per stakeholder group, late apart")
    search = command("responses", "search", "search every answer")
    search.add_argument("--q", required=True)
