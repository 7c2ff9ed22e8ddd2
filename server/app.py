"""The aiohttp application.

Services are built here (construction does no I/O) and started and stopped in
pairs in ``cleanup_ctx``: on SIGTERM every room is stored and every pending write
is committed before the database engine is disposed.
"""

from __future__ import annotations

import logging
import math
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from functools import partial
from typing import Any

import socketio
from aiohttp import web
from sqlalchemy.ext.asyncio import async_sessionmaker

from crdt import updates
from server import keys
from server.amendments import live as amendment_live
from server.amendments import views as amendment_views
from server.amendments.live import AmendmentPublisher
from server.amendments.service import AmendmentService
from server.auth.access import AccessPolicy
from server.auth.tokens import TokenSigner
from server.comments import views as comment_views
from server.comments.live import CommentPublisher
from server.comments.reanchor import reanchor
from server.comments.service import CommentService
from server.edge.middleware import body_limit_guard, origin_guard, security_headers
from server.edge.origins import OriginPolicy
from server.errors import RollingTextError
from server.groups.colours import GroupColours
from server.groups.documents import GroupDocuments
from server.groups.invitations import InvitationService
from server.groups.observers import ObserverService
from server.groups.service import AccessChange, GroupService
from server.inputs import wire_inputs
from server.live.events import LiveEvents
from server.live.hub import LiveHub
from server.logs import client_error_logger
from server.paragraphs import views as paragraph_views
from server.paragraphs.live import GovernancePublisher
from server.paragraphs.proposals import GovernanceService
from server.questionnaires.facade import Questionnaires
from server.ratelimit import RateLimiter
from server.rooms.manager import RoomManager
from server.scaleout.redis_bus import RedisDocumentBus, RedisLockedStore
from server.sessions.follow import SessionFollow
from server.sessions.live import SessionPublisher
from server.sessions.service import SessionService
from server.sessions.transcript import TranscriptService
from server.settings import Settings
from server.storage import DocumentStore, create_engine, upgrade
from server.transports.socketio import SocketIOTransport
from server.transports.websocket import WebSocketTransport
from server.views import web as web_app
from server.views.limits import EdgeLimits
from server.views.openapi import APIS


@web.middleware
async def error_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    try:
        return await handler(request)
    except RollingTextError as exc:
        headers = {}
        retry_after = exc.details.get("retry_after")
        if isinstance(retry_after, int | float):
            headers["Retry-After"] = str(max(1, math.ceil(retry_after)))
        return web.json_response({"error": exc.to_dict()}, status=exc.http_status, headers=headers)


def server_options(settings: Settings, logger: logging.Logger | None = None) -> dict[str, Any]:
    """Options of aiohttp's per-connection handler, the same for ``serve`` and the
    tests. ``keepalive_timeout`` is armed when a connection opens and after each
    response, and closes a connection that has not sent a complete request head by
    then: it is both the idle timeout and the header timeout (slowloris). Malformed
    requests are logged in one line each (``server.logs``)."""
    return {
        "keepalive_timeout": settings.http_idle_timeout_seconds,
        "logger": client_error_logger(logger or logging.getLogger("rollingtext"), "http"),
    }


def create_app(settings: Settings, *, logger: logging.Logger | None = None) -> web.Application:
    log = logger or logging.getLogger("rollingtext")
    # The app-wide size is Socket.IO's (long-polling carries whole documents);
    # every other route reads at most its own, far smaller, body_limit. Per-address
    # limits come before anything reads a body or the database.
    limits = EdgeLimits.from_settings(settings)
    app = web.Application(
        middlewares=[
            error_middleware,
            limits.middleware(),
            origin_guard(OriginPolicy(settings.allowed_origins)),
            body_limit_guard,
        ],
        client_max_size=settings.max_message_bytes,
    )
    app.on_response_prepare.append(security_headers)
    app[keys.LIMITS] = limits
    engine = create_engine(
        settings.database_url_resolved, sqlite_synchronous=settings.sqlite_synchronous
    )
    bus: RedisDocumentBus | None = None
    client_manager: socketio.AsyncRedisManager | None = None
    if settings.redis_url:
        # Scale-out: updates, awareness and Socket.IO emits cross processes on Redis.
        bus = RedisDocumentBus(settings.redis_url, prefix=settings.redis_prefix, logger=log)
        store: DocumentStore = RedisLockedStore(
            engine,
            logger=log,
            merge=updates.merge,
            redis_client=bus.client,
            prefix=settings.redis_prefix,
        )
        client_manager = socketio.AsyncRedisManager(
            settings.redis_url, channel=f"{settings.redis_prefix}socketio"
        )
    else:
        store = DocumentStore(engine, logger=log, merge=updates.merge)
    rooms = RoomManager(store, settings, log, bus)
    signer = TokenSigner(settings.secret_resolved())
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    access = AccessPolicy(sessions, signer)
    groups = GroupService(sessions, logger=log)

    # Revocations and role changes reach open connections at once.
    async def access_changed(change: AccessChange) -> None:
        if change.person_id is not None:
            await rooms.reauthorize(change.person_id, access.refresh)
        elif change.group_id is not None:
            await rooms.close_anonymous(change.group_id, "public following has ended")

    groups.on_access_changed(access_changed)
    rooms.revalidate_with(access.refresh, settings.revalidate_seconds)
    colours = GroupColours(sessions)
    rooms.describe_with(colours.identity)
    app[keys.SETTINGS] = settings
    app[keys.SIGNER] = signer
    app[keys.ENGINE] = engine
    app[keys.STORE] = store
    app[keys.ROOMS] = rooms
    app[keys.ACCESS] = access
    app[keys.GROUPS] = groups
    app[keys.COLOURS] = colours
    app[keys.OBSERVERS] = ObserverService(groups, max_pending=settings.observer_pending_per_group)
    app[keys.INVITATIONS] = InvitationService(groups, single_use=settings.invitation_single_use)
    app[keys.DOCUMENTS] = GroupDocuments(groups)
    # One ordered live hub for every domain's events; domains publish through it.
    hub = LiveHub(log, bus)
    session_events = SessionPublisher(hub)
    app[keys.SESSIONS] = SessionService(sessions, rooms=rooms, hub=session_events, logger=log)
    app[keys.TRANSCRIPTS] = TranscriptService(sessions, session_events, log)
    app[keys.COMMENTS] = CommentService(
        sessions,
        rooms=rooms,
        hub=CommentPublisher(hub),
        logger=log,
        limiter=RateLimiter(settings.comments_per_minute, settings.comments_burst),
        edit_limiter=RateLimiter(
            settings.comment_edits_per_minute, settings.comment_edits_burst, what="comment edits"
        ),
        history_kept=settings.comment_history_kept,
    )
    app[keys.PARAGRAPHS] = GovernanceService(
        sessions,
        rooms=rooms,
        hub=GovernancePublisher(hub),
        logger=log,
        affiliation=groups.affiliation,
    )
    app[keys.AMENDMENTS] = AmendmentService(
        sessions,
        rooms=rooms,
        hub=AmendmentPublisher(hub),
        governance=app[keys.PARAGRAPHS],
        logger=log,
        affiliation=groups.affiliation,
    )
    app[keys.QUESTIONNAIRES] = Questionnaires(
        sessions,
        rooms=rooms,
        logger=log,
        secret=settings.secret_resolved(),
        limiter=RateLimiter(
            settings.questionnaire_answers_per_minute,
            settings.questionnaire_answers_burst,
            what="responses from your address",
        ),
    )
    # A v1 document upgraded on load: its comments re-anchor on the copied text.
    rooms.after_upgrade(partial(reanchor, sessions, log))
    # Words a client deleted from a locked paragraph, typed back: the same.
    rooms.after_restore(partial(reanchor, sessions, log))

    async def services(app: web.Application) -> AsyncIterator[None]:
        try:
            await upgrade(engine, logger=log)
            async with store, AsyncExitStack() as stack:
                if bus is not None:
                    await stack.enter_async_context(bus)
                await stack.enter_async_context(rooms)
                await stack.enter_async_context(hub)
                yield
                log.info("shutting down: storing every room")
        finally:
            await engine.dispose()

    async def disconnect_everyone(app: web.Application) -> None:
        # Tell clients to go (they reconnect to another process or after the restart)
        # instead of letting graceful shutdown wait for long-lived sockets to time out.
        log.info("shutting down: disconnecting clients")
        await rooms.disconnect_all(1001, "server shutting down")
        await sio.shutdown()

    app.cleanup_ctx.append(services)
    app.on_shutdown.append(disconnect_everyone)
    # What document connections serve beyond Yjs, registered by the domains.
    events = LiveEvents(hub)
    events.extend(
        SessionFollow(
            access,
            app[keys.SESSIONS],
            app[keys.TRANSCRIPTS],
            hub,
            app[keys.PARAGRAPHS].history,
            topics=(amendment_live.follow_topic,),
        )
    )
    # Issue 14: the issue table and correspondence groups, live on /group|<gid>.
    wire_inputs(app, sessions, hub, events, access, rooms, log)
    comment_views.register(events, app[keys.COMMENTS])
    paragraph_views.register(events, app[keys.PARAGRAPHS])
    amendment_views.register(events, app[keys.AMENDMENTS])
    sio = SocketIOTransport(rooms, access, settings, log, events, client_manager)
    sio.attach(app)
    app.router.add_routes(WebSocketTransport(rooms, access, settings, log).routes())
    for declared in APIS:
        app.router.add_routes(declared.routes())
    app.router.add_routes(web_app.routes())
    return app
