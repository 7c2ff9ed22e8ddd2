"""What every HTTP view does first: read the JSON body, the path ids, the caller."""

from __future__ import annotations

from aiohttp import web

from server.auth.credentials import request_token
from server.auth.principal import Principal
from server.edge.bodies import read_json
from server.errors import Unauthenticated
from server.keys import ACCESS
from server.validation import Fields, parse_id


async def body(request: web.Request) -> Fields:
    """The JSON object in the request body, ready for field-by-field validation
    (read by ``server.edge.bodies``: JSON Content-Type, bounded, strictly decoded)."""
    return Fields(await read_json(request))


def path_id(request: web.Request, name: str) -> int:
    """An id from the path, within its column's range (``NotFound`` otherwise)."""
    return parse_id(request.match_info[name], name)


async def caller(request: web.Request) -> Principal | None:
    """Who sent the request (token or session cookie), as of now; None if nobody."""
    return await request.app[ACCESS].principal(request_token(request))


async def signed_in(request: web.Request) -> Principal:
    """The caller, or 401: each service call then checks what it may do."""
    principal = await caller(request)
    if principal is None:
        raise Unauthenticated("sign in (a token or an invitation link) to do this")
    return principal
