"""``rollingtext serve|token|captions``: run the server, sign tokens, feed captions."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
from typing import Any

from aiohttp import web

from server.access_log import RedactingAccessLogger
from server.auth.tokens import Role, TokenSigner
from server.cli.common import ROLES, Result, print_json, run_handler
from server.groups.operator import Operator
from server.settings import Settings


def _serve(args: argparse.Namespace) -> int:
    settings = Settings.from_env(host=args.host, port=args.port, database_url=args.database_url)
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    if args.workers and args.workers > 1:
        from server.workers import run_workers

        return run_workers(settings, args.workers, logging.getLogger("rollingtext.workers"))
    from server.app import create_app, server_options

    log = logging.getLogger("rollingtext")
    app = create_app(settings, logger=log)
    print(f"rollingtext serving on http://{settings.host}:{settings.port}", flush=True)
    web.run_app(
        app,
        host=settings.host,
        port=settings.port,
        print=None,
        shutdown_timeout=10,
        access_log_class=RedactingAccessLogger,
        reuse_port=settings.reuse_port or None,
        **server_options(settings, log),
    )
    return 0


def _token(args: argparse.Namespace) -> int:
    if args.person is not None:
        return run_handler(_person_token, args)
    if not args.role or not args.name:
        args.parser.error("--role and --name are required (or --person ID)")
    settings = Settings.from_env()
    signer = TokenSigner(settings.secret_resolved())
    ttl = args.ttl if args.ttl is not None else settings.default_token_ttl_seconds
    token = signer.issue(args.name, Role(args.role), ttl)
    if args.json:
        print_json({"token": token, "name": args.name, "role": args.role, "ttl_seconds": ttl})
    else:
        print(token)
    return 0


async def _person_token(op: Operator, args: argparse.Namespace) -> Result:
    issued = await op.person_token(args.person, args.ttl)
    return Result(issued, issued.token)


def _captions(args: argparse.Namespace) -> int:
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


def register_serve(sub: Any) -> None:
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


def register_captions(sub: Any) -> None:
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


def register_token(sub: Any, common: argparse.ArgumentParser) -> None:
    token = sub.add_parser("token", help="print a signed access token", parents=[common])
    token.add_argument("--role", choices=ROLES, help="operator token: its role")
    token.add_argument("--name", help="operator token: who it is for")
    token.add_argument("--person", type=int, help="a person's token (role and group from the DB)")
    token.add_argument("--ttl", type=int, help="lifetime in seconds (default 12 hours)")
    token.set_defaults(func=_token, parser=token)
