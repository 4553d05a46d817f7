"""Source ``ids``: a given list of arXiv ids (an argument or a file), metadata from arXiv.

The list is the day: ranks follow the input order, duplicates keep their first place, tokens
that are not arXiv ids and ids arXiv does not know are reported in ``DayList.skipped``.
Everything else (chunking, pacing, the Atom parser) is the ``arxiv`` source's.
"""

from __future__ import annotations

from .arxiv import ArxivSource


class IdsSource(ArxivSource):
    """``input``: ids separated by commas/spaces/newlines, or a path to a file of ids."""

    id = "ids"
