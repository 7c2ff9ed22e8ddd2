"""A working group's drafting documents and its audit log."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from crdt.schema import DocumentKind
from server import audit
from server.auth.permissions import Action, can, require
from server.auth.principal import Principal
from server.groups import schemas
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
        self, actor: Principal, group_id: int, new: schemas.GroupDocumentCreate
    ) -> schemas.GroupDocument:
        require(actor, Action.CREATE_DOCUMENT, group_id)
        name, kind = new.name, new.kind.value
        try:
            async with self._groups.sessions.begin() as session:
                await self._groups.group(session, group_id)
                document = Document(name=name, created_at=utcnow())
                session.add(document)
                await session.flush()
                session.add(
                    GroupDocument(
                        document_id=document.id,
                        group_id=group_id,
                        title=new.title,
                        kind=kind,
                        public=new.public,
                    )
                )
                audit.record(
                    session,
                    actor,
                    "document.create",
                    f"document:{name}",
                    group_id=group_id,
                    title=new.title,
                    kind=kind,
                    public=new.public,
                )
        except IntegrityError as exc:
            raise ValidationFailed({"name": f"a document named {name!r} already exists"}) from exc
        return schemas.GroupDocument(
            name=name, title=new.title, kind=new.kind, public=new.public, group_id=group_id
        )

    async def list_documents(self, actor: Principal, group_id: int) -> list[schemas.GroupDocument]:
        require(actor, Action.READ_TEXT, group_id)
        async with self._groups.sessions() as session:
            rows = (
                await session.execute(
                    select(Document.name, GroupDocument)
                    .join(GroupDocument, GroupDocument.document_id == Document.id)
                    .where(GroupDocument.group_id == group_id)
                    .order_by(Document.id)
                )
            ).all()
        return [
            schemas.GroupDocument(
                name=name,
                title=gd.title,
                kind=DocumentKind(gd.kind),
                public=gd.public,
                group_id=group_id,
            )
            for name, gd in rows
            if gd.public or can(actor, Action.READ_PRIVATE_DOCUMENTS)
        ]

    async def audit_log(
        self, actor: Principal, group_id: int, *, limit: int = 200
    ) -> list[schemas.AuditEntry]:
        require(actor, Action.READ_AUDIT, group_id)
        async with self._groups.sessions() as session:
            entries = await session.scalars(
                select(AuditEntry)
                .where(AuditEntry.group_id == group_id)
                .order_by(AuditEntry.id.desc())
                .limit(limit)
            )
            return [schemas.AuditEntry.of(e) for e in entries]
