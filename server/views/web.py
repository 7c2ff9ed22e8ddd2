"""The browser app (``client/web``, built into ``client/web/dist`` by ``make``).

``/`` answers the app's ``index.html`` (every view is chosen by the query string),
``/assets/<file>`` its bundle and styles, ``/sw.js`` its service worker (the app
shell works offline). Without a build, ``/`` says how to make one (503).
"""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

DIST = Path(__file__).resolve().parents[2] / "client" / "web" / "dist"

NOT_BUILT = (
    "The rollingtext web app is not built.\n\n"
    "Build it with `make web` (or `make run`, which builds it), or by hand:\n"
    "  cd client/web && npm ci && npm run build\n"
)


def _file(dist: Path, relative: str) -> Path:
    """A file under ``dist`` (never outside it), or 404."""
    target = (dist / relative).resolve()
    if not target.is_relative_to(dist.resolve()) or not target.is_file():
        raise web.HTTPNotFound(text="no such file")
    return target


def routes(dist: Path = DIST) -> list[web.RouteDef]:
    async def index(request: web.Request) -> web.StreamResponse:
        page = dist / "index.html"
        if not page.is_file():
            return web.Response(status=503, text=NOT_BUILT, content_type="text/plain")
        return web.FileResponse(page, headers={"Cache-Control": "no-cache"})

    async def asset(request: web.Request) -> web.StreamResponse:
        path = _file(dist / "assets", request.match_info["path"])
        # Asset URLs carry a content hash (?v=), so they may be cached; revalidate anyway.
        return web.FileResponse(path, headers={"Cache-Control": "no-cache"})

    async def service_worker(request: web.Request) -> web.StreamResponse:
        path = _file(dist, "sw.js")
        return web.FileResponse(
            path, headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"}
        )

    return [
        web.get("/", index),
        web.get("/assets/{path:.+}", asset),
        web.get("/sw.js", service_worker),
    ]
