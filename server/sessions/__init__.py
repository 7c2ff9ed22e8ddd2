"""Meetings and their sessions: plenary and breakout drafts, stream links, live transcripts."""
