"""The markdown archive: ``archive/YYYY/MM/DD.md``, ``README.md`` and ``data/YYYY/MM/DD.json``.

The day page keeps the reference format (a header and a three-column GFM table). Every cell
goes through :func:`escape_cell`, so no title, author or summary can break the table: line
breaks are folded, and ``|``, backslashes, backticks, HTML and ``$`` (LaTeX) are escaped.
Everything is rendered from the store's :class:`~dailypapers.models.DayDigest`, never from
earlier output, and written only when its content changed. Given ``max_bytes``, the day page
cuts its titles and summaries shorter and the README keeps fewer days until each fits
(:func:`~.sizes.fit`); the JSON record is never cut (its fields are bounded where they enter).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..files import write_if_changed
from ..models import DayDigest, DigestEntry
from ..safety import clip
from ..view import PaperView, paper_view, short_authors
from .sizes import FIELD_CAPS, fit

# Characters that GFM would read as markup inside a table cell.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|$~])")
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
# GFM turns bare URLs into links; an escaped ':' or '.' keeps them plain text.
_AUTOLINK = re.compile(r"(?i)\b(https?|ftp)://|\b(www)\.")

TABLE_HEADER = "| Title | Authors | Summary |\n|-------|---------|---------|\n"


def escape_cell(text: str | None) -> str:
    """Plain text made safe for one GFM table cell: one line, nothing interpreted."""
    if not text:
        return ""
    text = " ".join(text.split())  # newlines, tabs, runs of spaces
    text = "".join(ch for ch in text if ch.isprintable())
    text = _ENTITY.sub("&amp;", text)  # "&lt;" in a title stays literally "&lt;"
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return _AUTOLINK.sub(lambda m: f"{m[1]}\\://" if m[1] else f"{m[2]}\\.", text)


def format_authors(authors: Sequence[str], max_authors: int) -> str:
    return short_authors(authors, max_authors) or "Unknown authors"


def archive_paragraph(view: PaperView) -> str:
    """The one-paragraph row: the parts in order, each after its label as a connective
    ("Objective: ..."); the summary's fields themselves carry no such phrases. A summary
    of one or two parts (an abstract placed as it is) reads as plain text, unlabelled."""
    present = view.present_parts
    if len(present) < 3:
        return view.paragraph
    pieces = []
    for part in present:
        text = part.text if part.text[-1:] in ".!?…" else part.text + "."
        pieces.append(text if part.name == "one_line" else f"{part.label}: {text}")
    return " ".join(pieces)


def summary_text(view: PaperView) -> str:
    """The summary cell's text: the reference paragraph, then what the number check read
    and any items it did not find."""
    if not view.has_summary:
        return "Summary not available yet."
    text = archive_paragraph(view)
    if view.check.note:
        text += f" [{view.check.note}]"
    return text


def render_row(entry: DigestEntry, *, max_authors: int, field_chars: int | None = None) -> str:
    """One table row; ``field_chars`` cuts the title and the summary (a page over its size)."""
    view = paper_view(entry, max_authors=max_authors)
    summary = summary_text(view)
    title_text = view.title
    if field_chars is not None:
        summary, title_text = clip(summary, field_chars), clip(title_text, field_chars)
    title = (
        f"{escape_cell(title_text)} (Read more on [arXiv]({view.abs_url})"
        f" or [HuggingFace]({view.hf_url}))"
    )
    authors = escape_cell(view.authors_short or "Unknown authors")
    return f"| {title}| {authors} | {escape_cell(summary)} |\n"


def render_table(digest: DayDigest, *, max_authors: int, field_chars: int | None = None) -> str:
    rows = "".join(render_row(e, max_authors=max_authors, field_chars=field_chars)
                   for e in digest.entries)
    return TABLE_HEADER + rows


def render_day(digest: DayDigest, *, max_authors: int = 5, min_papers: int = 0,
               field_chars: int | None = None) -> str:
    """One day's archive page in the reference format."""
    text = f"\n\n## Papers for {digest.date}\n\n"
    if len(digest.entries) < min_papers:
        text += (
            f"> Note: only {len(digest.entries)} papers were listed when this page was made;"
            " the day's list may still have been filling.\n\n"
        )
    return text + render_table(digest, max_authors=max_authors, field_chars=field_chars)


def render_readme(
    digests: Sequence[DayDigest], *, title: str, max_authors: int = 5, archive_days: int = 0,
    field_chars: int | None = None,
) -> str:
    """The front page: an intro, the latest days, and a pointer to the rest of the archive."""
    lines = [
        f"# {title}",
        "",
        "The AI papers picked each weekday on Hugging Face Daily Papers, each summarized from"
        " its full text with every number checked against the paper. Built by"
        " [dailypapers](https://pypi.org/project/dailypapers/).",
        "",
    ]
    if not digests:
        lines.append("No days published yet.")
    for digest in digests:
        lines += [
            f"## Papers for {digest.date}",
            "",
            render_table(digest, max_authors=max_authors,
                         field_chars=field_chars).rstrip("\n"),
            "",
        ]
    if archive_days > len(digests):
        lines += [
            "## Archive",
            "",
            f"{archive_days} days in all: see the [archive](archive/README.md).",
            "",
        ]
    return "\n".join(lines)


def render_archive_index(dates: Sequence[str]) -> str:
    lines = ["# Archive", ""]
    current_month = ""
    for date in dates:
        month = date[:7]
        if month != current_month:
            lines += ["", f"## {month}", ""]
            current_month = month
        year, mon, day = date.split("-")
        lines.append(f"- [{date}]({year}/{mon}/{day}.md)")
    return "\n".join(lines).rstrip() + "\n"


def day_data(digest: DayDigest) -> dict[str, Any]:
    """Every structured field of a day, for ``data/YYYY/MM/DD.json``."""
    return {
        "date": digest.date,
        "source": digest.source,
        "fetched_at": digest.fetched_at,
        "count": len(digest.entries),
        "papers": [
            {
                "rank": e.rank,
                "upvotes": e.upvotes,
                "fulltext_source": e.fulltext_source,
                "paper": e.paper.to_dict(),
                "summary": e.summary.to_dict() if e.summary else None,
                "summary_text": e.summary.render() if e.summary else None,
                "verification": e.verification.to_dict() if e.verification else None,
            }
            for e in digest.entries
        ],
    }


def dated_file(root: Path, folder: str, date: str, suffix: str) -> Path:
    """``<root>/<folder>/YYYY/MM/DD<suffix>``: where the archive and data files of a day live."""
    year, month, day = date.split("-")
    return root / folder / year / month / f"{day}{suffix}"


def write_day(root: Path, digest: DayDigest, *, max_authors: int, min_papers: int,
              max_bytes: int | None = None) -> list[Path]:
    """Write the day's archive page and JSON; returns the files that changed."""
    changed = []
    md = dated_file(root, "archive", digest.date, ".md")

    def page(field_chars: int | None) -> str:
        return render_day(digest, max_authors=max_authors, min_papers=min_papers,
                          field_chars=field_chars)

    text: str | bytes = page(None) if max_bytes is None else fit(
        page, [None, *FIELD_CAPS], max_bytes, what=f"archive page of {digest.date}")
    if write_if_changed(md, text):
        changed.append(md)
    data = dated_file(root, "data", digest.date, ".json")
    record = json.dumps(day_data(digest), ensure_ascii=False, indent=2) + "\n"
    if write_if_changed(data, record):
        changed.append(data)
    return changed


def write_indexes(
    root: Path, latest: Sequence[DayDigest], all_dates: Sequence[str], *, title: str,
    max_authors: int, max_bytes: int | None = None,
) -> list[Path]:
    """README.md (the latest days; fewer, then shorter, when over ``max_bytes``) and the
    archive's index."""
    changed = []
    readme = root / "README.md"

    def front(option: tuple[int, int | None]) -> str:
        days, field_chars = option
        return render_readme(latest[:days], title=title, max_authors=max_authors,
                             archive_days=len(all_dates), field_chars=field_chars)

    options = [(n, None) for n in range(len(latest), 0, -1)] + [(1, c) for c in FIELD_CAPS]
    text = front((len(latest), None)) if max_bytes is None or not latest else fit(
        front, options, max_bytes, what="README.md")
    if write_if_changed(readme, text):
        changed.append(readme)
    index = root / "archive" / "README.md"
    if write_if_changed(index, render_archive_index(all_dates)):
        changed.append(index)
    return changed
