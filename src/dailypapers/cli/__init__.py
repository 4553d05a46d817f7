"""The ``dailypapers`` command: a thin shell over the library.

Each command group lives in its own module here and is registered below. Errors from the
library become one line of advice and an exit status (see ``ExitCode``), in one place.
"""

from __future__ import annotations

from ._common import ExitCode, main

# Commands register themselves on ``main`` when their module is imported.
from . import core  # noqa: E402, F401

__all__ = ["ExitCode", "main"]
from . import text  # noqa: F401
