"""Sources: where a day's list of papers comes from (``hf-daily``, ``arxiv``, ``ids``, ``file``).

Each source is a :class:`Source` registered as an entry point in the ``dailypapers.sources``
group; :func:`get_source` loads one by id. Parsers (``parse_*``) are pure; ``fetch`` does I/O.
"""

from .base import Source, get_source

__all__ = ["Source", "get_source"]
