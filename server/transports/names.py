"""Document names as they appear in URLs and Socket.IO namespaces."""

from __future__ import annotations

import re

from server.errors import BadInput

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


def check_document_name(name: str) -> str:
    if not _NAME.match(name):
        raise BadInput(
            "a document name is 1-128 letters, digits, '.', '_' or '-', starting with a "
            "letter or digit",
            document=name[:140],
        )
    return name
