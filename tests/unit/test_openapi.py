"""The OpenAPI document describes exactly the routes the app serves, and is valid."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from server.app import create_app
from server.auth.tokens import Role
from server.groups.presets import ECOSOC_STATUSES, WGEC_STAKEHOLDER_GROUPS
from server.settings import Settings
from server.views.openapi import OPENAPI

# Live-text transports, described in info.description rather than as HTTP operations.
NOT_HTTP_API = ("/socket.io", "/ws/")
# The web app's page and its static files are not an API.
WEB_APP = ("/", "/sw.js")
WEB_APP_PREFIXES = ("/assets/",)


def served_operations(tmp_path: Path) -> set[tuple[str, str]]:
    app = create_app(Settings(data_dir=tmp_path, secret="openapi-test"))
    operations = set()
    for route in app.router.routes():
        path = route.resource.canonical if route.resource is not None else ""
        if path.startswith(NOT_HTTP_API + WEB_APP_PREFIXES) or path in WEB_APP:
            continue
        if route.method == "HEAD":
            continue  # aiohttp adds HEAD to every GET
        operations.add((route.method.lower(), path))
    return operations


def documented_operations() -> set[tuple[str, str]]:
    return {(method, path) for path, item in OPENAPI["paths"].items() for method in item}


def test_every_route_is_documented_and_every_documented_route_exists(tmp_path: Path) -> None:
    served, documented = served_operations(tmp_path), documented_operations()
    assert served - documented == set(), "routes missing from the OpenAPI document"
    assert documented - served == set(), "OpenAPI operations the app does not serve"


def test_document_is_valid_openapi() -> None:
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(OPENAPI)


def test_path_parameters_are_declared() -> None:
    for path, item in OPENAPI["paths"].items():
        names = set(re.findall(r"{(\w+)}", path))
        for method, operation in item.items():
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert declared == names, (method, path)


def test_operations_have_unique_ids_and_error_schemas() -> None:
    ids = [op["operationId"] for item in OPENAPI["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))
    for path, item in OPENAPI["paths"].items():
        for method, operation in item.items():
            for status, response in operation["responses"].items():
                if status.startswith("4"):
                    schema = response["content"]["application/json"]["schema"]["$ref"]
                    expected = "ValidationError" if status == "422" else "Error"
                    assert schema.endswith("/" + expected), (method, path, status)


def test_enums_match_the_code() -> None:
    schemas = OPENAPI["components"]["schemas"]
    assert schemas["Role"]["enum"] == [r.value for r in Role]
    assert schemas["EcosocStatus"]["enum"] == list(ECOSOC_STATUSES)
    assert schemas["StakeholderKey"]["enum"] == [s.key for s in WGEC_STAKEHOLDER_GROUPS]
    assert schemas["Decision"]["enum"] == ["approved", "rejected", "revoked"]
    detail = schemas["ValidationError"]["properties"]["error"]["$ref"].rsplit("/", 1)[1]
    details = schemas[detail]["properties"]["details"]["$ref"].rsplit("/", 1)[1]
    assert schemas[details]["required"] == ["fields"]


def test_security_offers_bearer_and_session_cookie() -> None:
    schemes = OPENAPI["components"]["securitySchemes"]
    assert schemes["bearer"] == {**schemes["bearer"], "type": "http", "scheme": "bearer"}
    assert (schemes["cookie"]["in"], schemes["cookie"]["name"]) == ("cookie", "rt_session")
    people = OPENAPI["paths"]["/api/groups/{gid}/people"]["post"]
    assert {"bearer": []} in people["security"] and {"cookie": []} in people["security"]
