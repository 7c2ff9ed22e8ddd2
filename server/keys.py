"""Typed application keys: the one place that says what lives on the aiohttp app."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine

from server.amendments.service import AmendmentService
from server.auth.access import AccessPolicy
from server.auth.tokens import TokenSigner
from server.comments.service import CommentService
from server.correspondence.service import CorrespondenceService
from server.groups.colours import GroupColours
from server.groups.documents import GroupDocuments
from server.groups.invitations import InvitationService
from server.groups.observers import ObserverService
from server.groups.service import GroupService
from server.issuetable.service import IssueTableService
from server.paragraphs.proposals import GovernanceService
from server.questionnaires.facade import Questionnaires
from server.rooms.manager import RoomManager
from server.sessions.service import SessionService
from server.sessions.transcript import TranscriptService
from server.settings import Settings
from server.storage import DocumentStore
from server.views.limits import EdgeLimits

SETTINGS = web.AppKey("settings", Settings)
SIGNER = web.AppKey("signer", TokenSigner)
ENGINE = web.AppKey("engine", AsyncEngine)
STORE = web.AppKey("store", DocumentStore)
ROOMS = web.AppKey("rooms", RoomManager)
ACCESS = web.AppKey("access", AccessPolicy)
GROUPS = web.AppKey("groups", GroupService)
COLOURS = web.AppKey("colours", GroupColours)
OBSERVERS = web.AppKey("observers", ObserverService)
INVITATIONS = web.AppKey("invitations", InvitationService)
DOCUMENTS = web.AppKey("documents", GroupDocuments)
SESSIONS = web.AppKey("sessions", SessionService)
TRANSCRIPTS = web.AppKey("transcripts", TranscriptService)
COMMENTS = web.AppKey("comments", CommentService)
PARAGRAPHS = web.AppKey("paragraphs", GovernanceService)
AMENDMENTS = web.AppKey("amendments", AmendmentService)
QUESTIONNAIRES = web.AppKey("questionnaires", Questionnaires)
LIMITS = web.AppKey("limits", EdgeLimits)
ISSUES = web.AppKey("issues", IssueTableService)
CORRESPONDENCE = web.AppKey("correspondence", CorrespondenceService)
