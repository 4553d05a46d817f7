"""The ``dailypapers`` command: a thin shell over the library.

Each command group lives in its own module here and registers itself on ``main`` when
imported below. Errors from the library become one line of advice and an exit status
(see ``ExitCode``), in one place.
"""

from __future__ import annotations

from . import core, deliver, doctor, evaluate, foryou, init, rebuild, site, text  # noqa: F401
from ._common import ExitCode, main

__all__ = ["ExitCode", "main"]
