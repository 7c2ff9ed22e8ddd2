"""Python clients for rollingtext (bots, feeders, tests): ``DocumentClient`` syncs a
pycrdt document over Socket.IO; ``SessionClient`` follows (or captions) a session."""

from client.session import FollowRefused, SessionClient, SessionEvent
from client.sync import DocumentClient, SyncError

__all__ = ["DocumentClient", "FollowRefused", "SessionClient", "SessionEvent", "SyncError"]
