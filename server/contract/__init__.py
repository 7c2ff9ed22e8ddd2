"""One contract: typed models validate requests, shape responses and generate the
OpenAPI document (and from it the web app's types); routes declare themselves."""

from __future__ import annotations

from server.contract.routes import Api, Call, Operation, field_errors, validated

__all__ = ["Api", "Call", "Operation", "field_errors", "validated"]
