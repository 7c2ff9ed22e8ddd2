"""Print the OpenAPI document as JSON: ``python -m server.views.openapi_dump``.

The web app's API types (``client/web/src/api/schema.d.ts``) are generated from this
output by ``make web-types``; a test fails when the committed types drift from it.
"""

from __future__ import annotations

import json
import sys

from server.views.openapi import OPENAPI


def dump() -> str:
    """The document as the generator reads it (key order kept: it orders the types)."""
    return json.dumps(OPENAPI, indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    sys.stdout.write(dump())


if __name__ == "__main__":
    main()
