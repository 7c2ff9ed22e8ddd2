"""Drafting documents as the HTTP API shows them (live text goes over Socket.IO/WS)."""
