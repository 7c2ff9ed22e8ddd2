"""What every ``rollingtext`` command shares: results, output, errors, tables, the parser.

Every command produces a :class:`Result` and ends through :func:`execute`, which prints
it (``--json``: the data as JSON; otherwise the text) and turns failures into one shape:
a coded error prints ``error: <code>: <message>`` on stderr, one line per bad field
(``  name (--flag): problem``) and one per other detail, and exits with status 2; a
database or server that cannot be reached prints ``error: <why>`` and exits with 1.
Commands acting through the services directly (:func:`run_handler`) and those going over
HTTP (:mod:`server.cli.sessions`) raise the same :class:`RollingTextError` hierarchy.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import aiohttp
from pydantic import BaseModel
from sqlalchemy.exc import SQLAlchemyError

from server.auth.tokens import Role
from server.errors import RollingTextError
from server.groups import schemas
from server.groups.operator import Operator, open_operator
from server.settings import Settings

DEFAULT_BASE_URL = "http://127.0.0.1:8080"
ROLES = [r.value for r in Role]
# Service field names that a CLI flag spells differently.
T = TypeVar("T")

FLAGS = {"stakeholder_group": "--stakeholder", "delegation_id": "--delegation"}


@dataclass(frozen=True)
class Result:
    data: Any  # printed as JSON with --json, or when there is no text
    text: str | None  # printed otherwise


class Unreachable(Exception):
    """The database or the server a command needs cannot be reached (exit status 1)."""


Handler = Callable[[Operator, argparse.Namespace], Awaitable[Result]]


# -- output and errors ----------------------------------------------------------------


def plain(data: Any) -> Any:
    """``data`` as JSON values: models as the HTTP API sends them."""
    if isinstance(data, BaseModel):
        return data.model_dump(mode="json")
    if isinstance(data, dict):
        return {key: plain(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [plain(value) for value in data]
    return data


def print_json(data: Any) -> None:
    print(json.dumps(plain(data), indent=2, ensure_ascii=False))


def print_result(result: Result, *, as_json: bool) -> None:
    if as_json or result.text is None:
        print_json(result.data)
    else:
        print(result.text)


def print_error(exc: RollingTextError, flags: Mapping[str, str] = FLAGS) -> None:
    print(f"error: {exc.code}: {exc.message}", file=sys.stderr)
    details = dict(exc.details)
    fields = details.pop("fields", None)
    if isinstance(fields, dict):
        for name, problem in fields.items():
            flag = flags.get(name, "--" + name.replace("_", "-"))
            print(f"  {name} ({flag}): {problem}", file=sys.stderr)
    for key, value in details.items():
        print(f"  {key}: {value}", file=sys.stderr)


def execute(
    work: Callable[[], Coroutine[Any, Any, Result]],
    *,
    as_json: bool,
    flags: Mapping[str, str] = FLAGS,
) -> int:
    """Run one command's work and print its result or its error; the exit status."""
    try:
        result = asyncio.run(work())
    except RollingTextError as exc:
        print_error(exc, flags)
        return 2
    except Unreachable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print_result(result, as_json=as_json)
    return 0


# -- commands acting through a running server ------------------------------------------


async def reaching(url: str, call: Awaitable[T]) -> T:
    """Await ``call`` to the server at ``url``; a failed connection is ``Unreachable``."""
    try:
        return await call
    except aiohttp.ClientError as exc:
        raise Unreachable(f"the server at {url} is not reachable: {exc}") from exc


def run_remote(
    args: argparse.Namespace,
    dispatch: Callable[[argparse.Namespace], Awaitable[Any]],
    said: Callable[[Any], str | None],
    *,
    flags: Mapping[str, str] = FLAGS,
) -> int:
    """Run a command that asks the server at ``--url``: its JSON answer with ``--json``,
    else the answer as ``said`` puts it in words."""

    async def work() -> Result:
        data = await reaching(args.url, dispatch(args))
        return Result(data, None if args.json else said(data))

    return execute(work, as_json=args.json, flags=flags)


# -- commands acting through the services -----------------------------------------------


def run_handler(handler: Handler, args: argparse.Namespace) -> int:
    settings = Settings.from_env(database_url=getattr(args, "database_url", None))
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    async def work() -> Result:
        try:
            async with open_operator(settings) as op:
                return await handler(op, args)
        except SQLAlchemyError as exc:
            raise Unreachable(f"unavailable: the database failed: {exc}") from exc

    return execute(work, as_json=args.json)


def table(rows: Sequence[Sequence[Any]]) -> str:
    cells = [["" if c is None else str(c) for c in row] for row in rows]
    if not cells:
        return "  (none)"
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
    return "\n".join(
        "  " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        for row in cells
    )


def seats(group: schemas.Group) -> str:
    return table([(s.key, s.name, f"{s.taken}/{s.seats} seats") for s in group.stakeholder_groups])


def common_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="print machine-readable JSON")
    common.add_argument("--database-url", help="SQLAlchemy URL (env DATABASE_URL; SQLite file)")
    return common


def command(
    sub: Any, name: str, handler: Handler, help_text: str, *parents: argparse.ArgumentParser
) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(name, help=help_text, parents=list(parents))
    parser.set_defaults(func=lambda args: run_handler(handler, args), parser=parser)
    return parser
