"""The ``dailypapers`` command: a thin shell over the library.

Each command group lives in its own module here and is registered below. Errors from the
library become one line of advice and an exit status (see ``ExitCode``), in one place.
"""

from __future__ import annotations

# Commands register themselves on ``main`` when their module is imported.
from . import (
    core,  # noqa: F401
    evaluate,  # noqa: F401
)
from ._common import ExitCode, main

__all__ = ["ExitCode", "main"]
