"""Moved to tests/fakes/sitekit.py; this name stays for branches that still import it."""

from fakes.sitekit import *  # noqa: F403
