"""The web app's copies of server-side contracts are generated and must not drift.

- ``client/web/src/api/schema.d.ts``: the API types, generated from the OpenAPI
  document by openapi-typescript (``make web-types``);
- ``client/web/src/doc/schema.gen.ts``: the rolling text's root names, keys and allowed
  values, generated from ``crdt/schema.py`` (``python -m client.web_schema``).

Each test regenerates the file and compares it with the committed one: a change on
the server side without ``make web-types`` fails here, naming the command to run.
"""

from __future__ import annotations

import difflib
import subprocess
from typing import Any

import pytest
from pycrdt import Doc

from client import web_schema
from crdt import schema
from crdt.schema import ParagraphSpec
from server.views.openapi_dump import dump
from tests.support.node import WEB_DIR, ensure_node

API_TYPES = WEB_DIR / "src" / "api" / "schema.d.ts"
SCHEMA_CONSTANTS = WEB_DIR / "src" / "doc" / "schema.gen.ts"


def _assert_same(path_text: str, generated: str, name: str) -> None:
    if path_text == generated:
        return
    diff = "".join(
        list(
            difflib.unified_diff(
                path_text.splitlines(keepends=True),
                generated.splitlines(keepends=True),
                f"{name} (committed)",
                f"{name} (generated now)",
            )
        )[:80]
    )
    pytest.fail(f"{name} is out of date: run `make web-types` and commit it.\n{diff}")


def test_schema_constants_match_crdt_schema() -> None:
    _assert_same(SCHEMA_CONSTANTS.read_text(), web_schema.render(), "src/doc/schema.gen.ts")


def test_a_changed_crdt_schema_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparison sees a change in sections, in the keys a paragraph record is
    written with, in the locked statuses and in the status labels."""
    committed = SCHEMA_CONSTANTS.read_text()
    monkeypatch.setattr(schema, "SECTIONS", (*schema.SECTIONS, "F"))
    assert '"conclusion", "F"]' in web_schema.render()
    assert web_schema.render() != committed
    monkeypatch.undo()

    real_add = schema.add_paragraph

    def add_with_extra_key(doc: Doc[Any], spec: ParagraphSpec, **kwargs: Any) -> str:
        pid: str = real_add(doc, spec, **kwargs)
        index = schema.index(doc)
        index[pid] = {**index[pid], "weight": 1}
        return pid

    monkeypatch.setattr(schema, "add_paragraph", add_with_extra_key)
    assert '"options", "weight"]' in web_schema.render()
    monkeypatch.undo()

    monkeypatch.setattr(schema, "LOCKED", frozenset({schema.Status.AGREED}))
    assert 'export const LOCKED = ["agreed"] as const;' in web_schema.render()
    monkeypatch.undo()

    labels = {**schema.STATUS_LABELS, schema.Status.AGREED: "agreed!"}
    monkeypatch.setattr(schema, "STATUS_LABELS", labels)
    assert '"agreed": "agreed!"' in web_schema.render()


def test_api_types_match_the_openapi_document() -> None:
    node = ensure_node(WEB_DIR)
    done = subprocess.run(
        [node, "tools/openapi-types.mjs"],
        cwd=WEB_DIR,
        input=dump(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"openapi-typescript failed:\n{done.stderr[-3000:]}"
    _assert_same(API_TYPES.read_text(), done.stdout, "src/api/schema.d.ts")
    # The types the web app reads are there (a document that lost them fails tsc too).
    assert "        Me: {" in done.stdout
    assert 'can: components["schemas"]["Action"][]' in done.stdout
