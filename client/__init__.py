"""Python client for rollingtext: sync a pycrdt document over Socket.IO (bots, feeders, tests)."""

from client.sync import DocumentClient, SyncError

__all__ = ["DocumentClient", "SyncError"]
