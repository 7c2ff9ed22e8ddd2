"""Persistence of documents: SQLAlchemy models, engine, migrations and the store."""

from __future__ import annotations

from server.storage.authorship import SERVER, Author, ClientRecord
from server.storage.deletions import DeletedRange, deleters
from server.storage.engine import create_engine, normalize_url
from server.storage.migrate import upgrade
from server.storage.models import (
    Base,
    Document,
    DocumentClient,
    DocumentDeletion,
    DocumentSnapshot,
    DocumentUpdate,
)
from server.storage.store import DocumentInfo, DocumentStore, StoredDocument
from server.storage.writer import WriterStats

__all__ = [
    "SERVER",
    "Author",
    "Base",
    "ClientRecord",
    "DeletedRange",
    "Document",
    "DocumentClient",
    "DocumentDeletion",
    "DocumentInfo",
    "DocumentSnapshot",
    "DocumentStore",
    "DocumentUpdate",
    "StoredDocument",
    "WriterStats",
    "create_engine",
    "deleters",
    "normalize_url",
    "upgrade",
]
