"""The ``rollingtext`` command: run the server and administer working groups.

Administration commands open the server's database (``DATABASE_URL`` or the SQLite
file under ``ROLLINGTEXT_DATA_DIR``) and act through the same services as the HTTP
API, as the operator ``cli``: quotas, validation and the audit log apply. Errors
print ``error: <code>: <message>`` on stderr and exit with status 2; ``--json``
prints machine-readable output.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from server.cli import (
    admission,
    amendments,
    groups,
    issues,
    paragraphs,
    questionnaires,
    serve,
    sessions,
)
from server.cli.common import common_parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rollingtext", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve.register_serve(sub)
    sessions.register(sub)
    paragraphs.register(sub)
    amendments.register(sub)
    questionnaires.register(sub)
    issues.register(sub)
    serve.register_captions(sub)
    common = common_parser()
    serve.register_token(sub, common)
    groups.register(sub, common)
    admission.register(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "invite":
        admission.check_invite(args)
    result: int = args.func(args)
    return result
