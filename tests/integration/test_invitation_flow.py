"""Invitation links cannot sign a browser in behind its user's back (login CSRF),
and their codes never reach the access log.

Opening a link shows a confirmation page; the session cookie is set only by that
page's same-origin POST. A page of another site that sends its own link (GET or
POST) leaves the visitor's session as it was.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from server.settings import Settings
from tests.support.groups import Api, Group, build_group
from tests.support.servers import RunningServer, ServerProcess, free_port

HTML = {"Accept": "text/html,application/xhtml+xml"}


@pytest.fixture
def seed_text() -> None:
    """This module's group documents start empty."""
    return None


async def issue(api: Api, group: Group, role: str = "member") -> dict[str, Any]:
    invitation: dict[str, Any] = await api.ok(
        "POST",
        group.path("/invitations"),
        group.token("chair"),
        {"person_id": group.people[role].id},
    )
    return invitation


async def test_opening_a_link_asks_and_a_same_origin_post_signs_in(
    server: RunningServer, api: Api, group: Group
) -> None:
    invitation = await issue(api, group)
    link = f"/invite/{invitation['code']}"
    for _ in range(2):  # opening (or prefetching) the page uses nothing up
        page = await api.call("GET", link, headers=HTML)
        assert page.status == 200
        assert page.headers["Content-Type"].startswith("text/html")
        assert "Set-Cookie" not in page.headers
        assert '<form method="post"' in page.body and "<script" not in page.body

    signed = await api.call(
        "POST", link, headers={**HTML, "Origin": server.url}, allow_redirects=False
    )
    assert signed.status == 303
    assert signed.headers["Location"] == f"/?group={group.id}"
    cookie = signed.headers["Set-Cookie"]
    attributes = {a.strip().split("=")[0].lower() for a in cookie.split(";")[1:]}
    assert cookie.startswith("rt_session=")
    assert {"httponly", "samesite", "path"} <= attributes and "secure" not in attributes
    assert "SameSite=Lax" in cookie and "Path=/" in cookie
    me = await api.call("GET", "/api/me", headers={"Cookie": cookie.split(";", 1)[0]})
    assert me.body["person_id"] == group.people["member"].id


async def test_behind_an_https_proxy_the_cookie_is_secure(
    server: RunningServer, api: Api, group: Group
) -> None:
    invitation = await issue(api, group)
    signed = await api.call(
        "POST",
        f"/invite/{invitation['code']}",
        headers={
            "Origin": "https://rt.example.org",
            "X-Forwarded-Host": "rt.example.org",
            "X-Forwarded-Proto": "https",
        },
        allow_redirects=False,
    )
    assert signed.status == 303
    assert "Secure" in signed.headers["Set-Cookie"]


async def test_a_foreign_page_cannot_sign_a_browser_in(
    server: RunningServer, api: Api, group: Group
) -> None:
    """The attacker's own link, sent by a page of another origin, sets no cookie."""
    invitation = await issue(api, group, "follower")
    link = f"/invite/{invitation['code']}"
    for headers in (
        {"Origin": f"http://127.0.0.1:{free_port()}"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},  # a browser that sends no Origin
    ):
        forged = await api.call("POST", link, headers={**HTML, **headers}, allow_redirects=False)
        assert (forged.status, forged.code) == (403, "cross_origin"), (headers, forged.body)
        assert "Set-Cookie" not in forged.headers
    # The GET a cross-site redirect or <img> makes shows the page and sets nothing.
    opened = await api.call("GET", link, headers=HTML, allow_redirects=False)
    assert opened.status == 200 and "Set-Cookie" not in opened.headers


async def test_a_bad_link_says_why_on_a_page(server: RunningServer, api: Api) -> None:
    refused = await api.call(
        "POST", "/invite/not-a-real-code", headers={**HTML, "Origin": server.url}
    )
    assert refused.status == 401
    assert refused.headers["Content-Type"].startswith("text/html")
    assert "invalid, expired or revoked" in refused.body
    assert "Set-Cookie" not in refused.headers


async def test_scripts_still_redeem_a_link_for_a_token(api: Api, group: Group) -> None:
    invitation = await issue(api, group)
    opened = await api.redeem(invitation["code"])
    assert opened.status == 200 and opened.body["token"]
    assert "Set-Cookie" not in opened.headers  # a script needs no browser session


async def test_the_access_log_never_prints_an_invitation_code(tmp_path: Path) -> None:
    async with ServerProcess(Settings(data_dir=tmp_path / "data", secret="log")) as server:
        async with Api.open(server.url) as api:
            group = await build_group(api, server.token("chair", "op"), seed_text=None)
            invitation = await issue(api, group)
            link = f"/invite/{invitation['code']}"
            await api.call("GET", link, headers=HTML)
            await api.call("POST", link, headers={"Origin": server.url}, allow_redirects=False)
        assert await server.terminate() == 0  # every access line is written by now
    log = server.log_path.read_text()
    assert '"GET /invite/<redacted>" 200' in log
    assert '"POST /invite/<redacted>" 303' in log
    assert invitation["code"] not in log
