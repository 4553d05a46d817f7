"""What the interest-profile tests share: a BibTeX library and a stored arxiv-new day."""

from __future__ import annotations

from dailypapers.models import DayEntry, DayList, Paper
from dailypapers.store import Store

from .arxiv_feeds import synthetic_items

DAY = "2025-08-20"

BIBTEX = r"""
@string{acl = "Proceedings of ACL"}
@comment{exported by a reference manager}
@article{leviathan2023,
  title = {Fast Inference from Transformers via {Speculative} Decoding},
  author = {Leviathan, Yaniv and Kalman, Matan and Matias, Yossi},
  journal = {arXiv preprint arXiv:2211.17192},
  year = 2023, month = jan,
  abstract = {Speculative decoding with a draft model speeds up inference and the KV cache.},
}
@inproceedings{kvquant,
  title = "{KV} Cache Quantization for Long Context Inference",
  author = {Hooper, Coleman and Kim, Sehoon},
  booktitle = acl # " 2024",
  eprint = {2401.18079}, archivePrefix = {arXiv},
  year = {2024},
}
@misc{notitle, author = {Nobody}, year = {2020}}
"""


def arxiv_new_day(store: Store, count: int = 40) -> list[str]:
    """Store ``count`` synthetic arxiv-new papers as the list of ``DAY``; their ids."""
    items = synthetic_items(count)
    entries = [DayEntry(Paper(arxiv_id=i.arxiv_id, title=i.title, abstract=i.abstract,
                              authors=i.authors, categories=i.categories, version=1),
                        rank=n) for n, i in enumerate(items, 1)]
    store.save_day(DayList(date=DAY, source="arxiv-new", entries=entries))
    return [i.arxiv_id for i in items]
