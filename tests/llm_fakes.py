"""Moved to tests/fakes/llm.py; this name stays for branches that still import it."""

from fakes.llm import *  # noqa: F403
