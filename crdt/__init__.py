"""Pure document logic over pycrdt: schema, sync protocol framing, awareness, updates.

Imports no aiohttp, socketio, SQLAlchemy or Redis (DESIGN.md section 1).
"""
