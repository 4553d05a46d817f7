"""arXiv's HTML rendering (LaTeXML) to a FullText: the fallback when the PDF fails. Pure.

Reads only the ``<article class="ltx_document">``; drops navigation, the table of contents,
footnotes, scripts and the bibliography; math becomes its ``alttext`` (TeX source); table
rows stay one per line so their numbers survive. Headings come out as lines
("3.1 Encoder and Decoder Stacks") and go through the same section splitter as the PDF.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from ..models import FullText
from .clean import LIGATURES, STAMP_RE
from .sections import render_sections, split_sections

_BLOCKS = frozenset({
    "p", "div", "section", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "figcaption",
    "table", "ul", "ol", "br", "blockquote", "pre", "dd", "dt", "figure",
})
_VOID = frozenset({"br", "img", "hr", "meta", "link", "input", "col", "wbr", "source"})
# Subtrees that are not part of the paper's running text.
_SKIP_TAGS = frozenset({"script", "style", "nav", "header", "footer", "button", "annotation",
                        "annotation-xml", "svg", "noscript", "form"})
_SKIP_CLASSES = ("ltx_TOC", "ltx_bibliography", "ltx_note_outer", "ltx_page_footer",
                 "ltx_page_header", "ltx_role_email", "ltx_authors_1line", "ltx_author_notes")


class _ArticleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.depth_article = 0  # >0 while inside the article element
        self.stack: list[tuple[str, bool]] = []  # (tag, skipping-started-here)
        self.skip = 0
        self.in_math = 0

    def _break(self) -> None:
        line = " ".join("".join(self.current).split())
        if line:
            self.lines.append(line)
        self.current.clear()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {k: v or "" for k, v in attrs}
        classes = attr.get("class", "")
        if tag in _VOID:
            if tag == "br" and self.depth_article and not self.skip:
                self._break()
            return
        if not self.depth_article:
            if tag == "article" and "ltx_document" in classes:
                self.depth_article = 1
                self.stack.append((tag, False))
            return
        starts_skip = tag in _SKIP_TAGS or any(c in classes for c in _SKIP_CLASSES)
        self.stack.append((tag, starts_skip))
        if starts_skip:
            self.skip += 1
            return
        if self.skip:
            return
        if tag == "math":
            self.in_math += 1
            alt = attr.get("alttext", "")
            if alt and self.in_math == 1:
                self.current.append(f" {alt} ")
            return
        if tag in _BLOCKS:
            self._break()
        elif tag in ("td", "th"):
            self.current.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if not self.depth_article or tag in _VOID:
            return
        # Pop to the matching tag (HTML in the wild is not always well nested).
        while self.stack:
            open_tag, started_skip = self.stack.pop()
            if started_skip:
                self.skip -= 1
            elif open_tag == "math" and not self.skip:
                self.in_math -= 1
            if open_tag == tag:
                break
        if not self.stack:
            self._break()
            self.depth_article = 0
            return
        if self.skip:
            return
        if tag in _BLOCKS:
            self._break()
        elif tag in ("td", "th"):
            self.current.append(" ")
        elif tag == "span" and self.current and re.fullmatch(r"[\dA-Z.]+", self.current[-1]):
            # "1Introduction": LaTeXML puts the section number in its own span.
            self.current.append(" ")

    def handle_data(self, data: str) -> None:
        if self.depth_article and not self.skip and not self.in_math:
            self.current.append(data)


def html_lines(html: str) -> list[str]:
    """The article's text as lines (one per block, table row or heading)."""
    parser = _ArticleText()
    parser.feed(html)
    parser.close()
    parser._break()
    text = "\n".join(parser.lines).translate(LIGATURES)
    text = STAMP_RE.sub("", text)
    return [line for line in text.split("\n") if line.strip()]


def parse_arxiv_html(html: str, arxiv_id: str, version: int | None) -> FullText:
    """A FullText (``source="html"``) from an arxiv.org/html page."""
    lines = html_lines(html)
    # Blank lines between blocks let the section splitter see paragraph ends.
    spaced: list[str] = []
    for line in lines:
        spaced.extend((line, ""))
    sections, stats = split_sections(spaced)
    text = render_sections(sections)
    return FullText(
        arxiv_id=arxiv_id, version=version, source="html", text=text, sections=sections,
        stats={**stats, "chars": len(text), "html_chars": len(html)},
    )
