"""Core commands: run, collect, summarize, publish, status."""

from __future__ import annotations
