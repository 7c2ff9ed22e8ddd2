"""A working group's drafting documents and its audit log."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from crdt.schema import DOCUMENT_KINDS
from server import audit
from server.auth.permissions import Action, can, require
from server.auth.principal import Principal
from server.groups.models import (
    AuditEntry,
    GroupDocument,
)
from server.groups.service import GroupService
from server.storage.models import Document, utcnow
from server.validation import ValidationFailed


class GroupDocuments:
    def __init__(self, groups: GroupService) -> None:
        self._groups = groups

    async def create_document(
        self,
        actor: Principal,
        group_id: int,
        *,
        name: str,
        title: str,
        kind: str,
        public: bool = True,
    ) -> dict[str, Any]:
        require(actor, Action.CREATE_DOCUMENT, group_id)
        if kind not in DOCUMENT_KINDS:
            raise ValidationFailed({"kind": f"must be one of: {', '.join(DOCUMENT_KINDS)}"})
        try:
            async with self._groups._sessions.begin() as session:
                await self._groups._group(session, group_id)
                document = Document(name=name, created_at=utcnow())
                session.add(document)
                await session.flush()
                session.add(
                    GroupDocument(
                        document_id=document.id,
                        group_id=group_id,
                        title=title,
                        kind=kind,
                        public=public,
                    )
                )
                audit.record(
                    session,
                    actor,
                    "document.create",
                    f"document:{name}",
                    group_id=group_id,
                    title=title,
                    kind=kind,
                    public=public,
                )
        except IntegrityError as exc:
            raise ValidationFailed({"name": f"a document named {name!r} already exists"}) from exc
        return {"name": name, "title": title, "kind": kind, "public": public, "group_id": group_id}

    async def list_documents(self, actor: Principal, group_id: int) -> list[dict[str, Any]]:
        require(actor, Action.READ_TEXT, group_id)
        async with self._groups._sessions() as session:
            rows = (
                await session.execute(
                    select(Document.name, GroupDocument)
                    .join(GroupDocument, GroupDocument.document_id == Document.id)
                    .where(GroupDocument.group_id == group_id)
                    .order_by(Document.id)
                )
            ).all()
        return [
            {
                "name": name,
                "title": gd.title,
                "kind": gd.kind,
                "public": gd.public,
                "group_id": group_id,
            }
            for name, gd in rows
            if gd.public or can(actor, Action.READ_PRIVATE_DOCUMENTS)
        ]

    async def audit_log(
        self, actor: Principal, group_id: int, *, limit: int = 200
    ) -> list[dict[str, Any]]:
        require(actor, Action.READ_AUDIT, group_id)
        async with self._groups._sessions() as session:
            entries = await session.scalars(
                select(AuditEntry)
                .where(AuditEntry.group_id == group_id)
                .order_by(AuditEntry.id.desc())
                .limit(limit)
            )
            return [audit.as_dict(e) for e in entries]
