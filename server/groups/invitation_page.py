"""The page a browser sees when it opens an invitation link.

Opening the link signs nobody in: a page of another site can make a browser open
any URL, so a ``GET`` that set the session cookie would let it sign the visitor in
as someone else (login CSRF). The page asks first; its form ``POST``s back to the
same URL, which only this server's own pages can do, and that sets the session.
No script (the Content-Security-Policy allows none inline); the app's stylesheet.
"""

from __future__ import annotations

from html import escape

from aiohttp import web

from server.errors import RollingTextError

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>{title} - rollingtext</title>
<link rel="stylesheet" href="/assets/app.css">
</head>
<body>
<header id="top"><a class="rt-brand" href="/">rollingtext</a></header>
<main id="main">
<h1>{title}</h1>
{content}
</main>
</body>
</html>
"""

_CONFIRM = """<p>This invitation link signs you in to a working group on this server.</p>
<form method="post" class="rt-invite-form">
<button type="submit" class="rt-invite-accept">Sign in</button>
</form>
<p class="rt-hint">Only continue if you asked for this link or it reached you from the
working group's secretariat. Signing in replaces any session you have here.</p>
"""


def _page(title: str, content: str, status: int) -> web.Response:
    return web.Response(
        status=status,
        text=_PAGE.format(title=escape(title), content=content),
        content_type="text/html",
        charset="utf-8",
        headers={"Cache-Control": "no-store"},
    )


def confirmation() -> web.Response:
    """The "Sign in" page; its form posts to the URL it was opened at."""
    return _page("Sign in with your invitation", _CONFIRM, 200)


def refusal(exc: RollingTextError) -> web.Response:
    """Why the link did not sign anyone in (expired, revoked, unknown), as a page."""
    content = (
        f'<p class="rt-note" data-code="{escape(exc.code)}">{escape(exc.message)}</p>'
        "<p>Ask the working group's secretariat for a new link.</p>"
    )
    return _page("This invitation cannot be used", content, exc.http_status)
