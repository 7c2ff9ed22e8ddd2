"""``python -m server.cli``: the ``rollingtext`` command (what the tests and workers run)."""

from __future__ import annotations

import sys

from server.cli import main

sys.exit(main())
