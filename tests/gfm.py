"""Read GFM tables back with GitHub's own parser (cmark-gfm), as a reader's browser would."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

import cmarkgfm


@dataclass
class Cell:
    text: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)  # (text, href)
    tags: list[str] = field(default_factory=list)  # every HTML tag inside the cell


class _TableReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[Cell]]] = []
        self._cell: Cell | None = None
        self._href: str | None = None
        self._link_text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = Cell()
            self.tables[-1][-1].append(self._cell)
        elif self._cell is not None:
            self._cell.tags.append(tag)
            if tag == "a":
                self._href = dict(attrs).get("href") or ""
                self._link_text = ""

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th"):
            self._cell = None
        elif tag == "a" and self._cell is not None and self._href is not None:
            self._cell.links.append((self._link_text, self._href))
            self._href = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.text += data
            if self._href is not None:
                self._link_text += data


def render(markdown: str) -> str:
    return cmarkgfm.github_flavored_markdown_to_html(markdown)


def tables(markdown: str) -> list[list[list[Cell]]]:
    """Every table: rows (header first) of cells."""
    reader = _TableReader()
    reader.feed(render(markdown))
    return reader.tables
