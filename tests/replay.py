"""Moved to tests/fakes/replay.py; this name stays for branches that still import it."""

from fakes.replay import *  # noqa: F403
