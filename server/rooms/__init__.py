"""Rooms: one live document shared by every connection to it, whatever the transport."""
