"""The name of a live document (a room): what a URL, a Socket.IO namespace or an API
path uses to name it, checked the same way by every transport and view."""

from __future__ import annotations

import re

from server.errors import BadInput

DOCUMENT_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"
_NAME = re.compile(DOCUMENT_NAME_PATTERN)


def check_document_name(name: str) -> str:
    if not _NAME.match(name):
        raise BadInput(
            "a document name is 1-128 letters, digits, '.', '_' or '-', starting with a "
            "letter or digit",
            document=name[:140],
        )
    return name
