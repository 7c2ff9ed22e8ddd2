"""The browser app's static routes: index, assets, service worker, and 503 without a build."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from server.views.web import routes


async def _client(dist: Path) -> TestClient[web.Request, web.Application]:
    app = web.Application()
    app.router.add_routes(routes(dist))
    client = TestClient(TestServer(app))
    await client.start_server()
    return client


async def test_without_a_build_the_root_says_how_to_build(tmp_path: Path) -> None:
    client = await _client(tmp_path / "missing")
    try:
        resp = await client.get("/")
        assert resp.status == 503
        assert "make web" in await resp.text()
    finally:
        await client.close()


async def test_serves_index_assets_and_service_worker_but_nothing_outside(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><title>rt</title>")
    (dist / "assets" / "app.js").write_text("console.log(1)")
    (dist / "sw.js").write_text("self.x = 1")
    (tmp_path / "secret.txt").write_text("no")
    client = await _client(dist)
    try:
        index = await client.get("/")
        assert index.status == 200 and "<title>rt</title>" in await index.text()
        asset = await client.get("/assets/app.js?v=abc")
        assert asset.status == 200 and "javascript" in asset.headers["Content-Type"]
        sw = await client.get("/sw.js")
        assert sw.status == 200 and sw.headers["Service-Worker-Allowed"] == "/"
        for sneaky in ("/assets/../index.html", "/assets/%2e%2e/%2e%2e/secret.txt"):
            assert (await client.get(sneaky)).status == 404
        assert (await client.get("/assets/nope.js")).status == 404
    finally:
        await client.close()
