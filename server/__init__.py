"""rollingtext: the aiohttp server (HTTP API, Socket.IO and y-websocket transports)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("rollingtext")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0+source"
