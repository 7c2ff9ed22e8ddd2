"""The ``rollingtext`` command: ``serve`` and ``token``."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from aiohttp import web

from server.access_log import RedactingAccessLogger
from server.auth.tokens import Role, TokenSigner
from server.settings import Settings


def _serve(args: argparse.Namespace) -> int:
    settings = Settings.from_env(host=args.host, port=args.port, database_url=args.database_url)
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
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
    )
    return 0


def _token(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    signer = TokenSigner(settings.secret_resolved())
    ttl = args.ttl if args.ttl is not None else settings.default_token_ttl_seconds
    print(signer.issue(args.name, Role(args.role), ttl))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rollingtext", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the server (SQLite under ./data by default)")
    serve.add_argument("--host", help="interface to bind (env ROLLINGTEXT_HOST; 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (env PORT; 8080)")
    serve.add_argument("--database-url", help="SQLAlchemy URL (env DATABASE_URL; SQLite file)")
    serve.set_defaults(func=_serve)
    token = sub.add_parser("token", help="print a signed access token")
    token.add_argument("--role", required=True, choices=[r.value for r in Role])
    token.add_argument("--name", required=True, help="who the token is for")
    token.add_argument("--ttl", type=int, help="lifetime in seconds (default 12 hours)")
    token.set_defaults(func=_token)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
