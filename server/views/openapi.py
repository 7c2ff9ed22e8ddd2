"""The OpenAPI 3.1 description of the HTTP API, served at ``/api/openapi.json``.

Live text does not go through HTTP: see the Socket.IO namespace ``/yjs|<document>``
and the y-websocket endpoint ``/ws/<document>`` (described in ``info.description``).
"""

from __future__ import annotations

from typing import Any

from server import __version__

_ERROR = {"$ref": "#/components/schemas/Error"}


def _error_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ERROR}}}


OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "rollingtext",
        "version": __version__,
        "description": (
            "HTTP API of rollingtext. Live co-editing uses Socket.IO (namespace "
            "`/yjs|<document>`, events sync-step-1, sync-step-2, sync-update, "
            "awareness-update; token in the handshake auth) or y-websocket "
            "(`/ws/<document>?token=`)."
        ),
    },
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Error": {
                "type": "object",
                "required": ["error"],
                "properties": {
                    "error": {
                        "type": "object",
                        "required": ["code", "message"],
                        "properties": {
                            "code": {"type": "string"},
                            "message": {"type": "string"},
                            "details": {"type": "object"},
                        },
                    }
                },
            },
            "DocumentInfo": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "created_at": {"type": "string", "format": "date-time"},
                    "pending_updates": {"type": "integer"},
                    "snapshot_bytes": {"type": "integer"},
                    "live": {"type": "boolean"},
                },
            },
            "Document": {
                "type": "object",
                "properties": {
                    "meta": {"type": "object"},
                    "paragraphs": {"type": "array", "items": {"type": "object"}},
                },
            },
        },
    },
    "paths": {
        "/healthz": {
            "get": {
                "summary": "Liveness and database reachability",
                "responses": {
                    "200": {"description": "Up, database reachable"},
                    "503": {"description": "Up, database unreachable"},
                },
            }
        },
        "/api/documents": {
            "get": {
                "summary": "List stored documents",
                "security": [{"bearer": []}],
                "responses": {
                    "200": {
                        "description": "The documents",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "documents": {
                                            "type": "array",
                                            "items": {"$ref": "#/components/schemas/DocumentInfo"},
                                        }
                                    },
                                }
                            }
                        },
                    },
                    "401": _error_response("Missing, invalid or expired token"),
                },
            }
        },
        "/api/documents/{document}": {
            "get": {
                "summary": "A document's content as plain JSON",
                "security": [{"bearer": []}],
                "parameters": [
                    {
                        "name": "document",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "The document",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Document"}
                            }
                        },
                    },
                    "400": _error_response("Invalid document name"),
                    "401": _error_response("Missing, invalid or expired token"),
                    "404": _error_response("No such document"),
                },
            }
        },
    },
}
