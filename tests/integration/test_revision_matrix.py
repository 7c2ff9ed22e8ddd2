"""The role x route matrix of revisions: reading versions, a version and a diff follows
the document's read rule (a private document: not for observers, followers or
anonymous followers, on every route); issuing and restoring are the chair's and the
secretariat's (ISSUE_VERSIONS, RESTORE_FROM_VERSION). A refusal changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.groups import Api, Group
from tests.support.matrix import ROLES
from tests.support.paragraphs import decisions, doc_path, seed

OFFICERS = frozenset({"chair", "secretariat"})
READERS = frozenset(ROLES)
PRIVATE_READERS = frozenset({"chair", "secretariat", "member"})

# (method, path under the document, body, status when allowed, is a read)
ROUTES = (
    ("GET", "/versions", None, 200, True),
    ("GET", "/versions/1", None, 200, True),
    ("GET", "/diff?from=1", None, 200, True),
    ("GET", "/diff?from=1&to=1&changed_only=true", None, 200, True),
    ("POST", "/versions", {"label": "Rev.x"}, 201, False),
    ("POST", "/versions/1/restore", {"paragraph_id": "{OP1}"}, 200, False),
)


@pytest.fixture
def seed_text() -> None:
    return None


async def snapshot(api: Api, group: Group, document: str) -> Any:
    chair = group.token("chair")
    listed = await api.ok("GET", doc_path(document, "/versions"), chair)
    return [v["number"] for v in listed["versions"]], [
        d["id"] for d in await decisions(api, group, document)
    ]


@pytest.mark.parametrize("private", [False, True], ids=["public", "private"])
async def test_who_may_use_each_revisions_route(api: Api, group: Group, private: bool) -> None:
    document = group.private_document if private else group.document
    ids = await seed(api, group, document)
    await api.ok("POST", doc_path(document, "/versions"), group.token("chair"), {"label": "Rev.1"})
    readers = PRIVATE_READERS if private else READERS
    got: dict[tuple[str, str], bool] = {}
    for method, path, body, status, read in ROUTES:
        allowed = readers if read else OFFICERS
        filled = None if body is None else {k: v.format(**ids) for k, v in body.items()}
        for role in ROLES:
            token = None if role == "anonymous" else group.token(role)
            before = await snapshot(api, group, document)
            reply = await api.call(method, doc_path(document, path), token, filled)
            got[(path, role)] = reply.status < 300
            if role in allowed:
                assert reply.status == status, (method, path, role, reply.body)
                continue
            expected = {401, 403} if role == "anonymous" else {403, 404}
            assert reply.status in expected, (method, path, role, reply.status, reply.body)
            assert await snapshot(api, group, document) == before, (path, role)
    assert got == {
        (path, role): role in (readers if read else OFFICERS)
        for _, path, _, _, read in ROUTES
        for role in ROLES
    }


async def test_me_reports_the_revision_capabilities(api: Api, group: Group) -> None:
    for role in ROLES[:-1]:
        me = await api.ok("GET", "/api/me", group.token(role))
        caps = set(me["can"])
        for action in ("issue_versions", "restore_from_version"):
            assert (action in caps) == (role in OFFICERS), (role, action)
