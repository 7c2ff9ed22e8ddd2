"""Every SQLAlchemy model of the server, imported once: the metadata migrations describe."""

from __future__ import annotations

from server.amendments import models as amendments_models
from server.comments import models as comments_models
from server.correspondence import models as correspondence_models
from server.groups import models as groups_models
from server.issuetable import models as issuetable_models
from server.paragraphs import models as paragraphs_models
from server.questionnaires import models as questionnaires_models
from server.sessions import models as sessions_models
from server.storage import models as storage_models
from server.storage.models import Base

metadata = Base.metadata

__all__ = [
    "Base",
    "amendments_models",
    "comments_models",
    "correspondence_models",
    "groups_models",
    "issuetable_models",
    "metadata",
    "paragraphs_models",
    "questionnaires_models",
    "sessions_models",
    "storage_models",
]
