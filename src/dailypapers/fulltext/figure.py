"""A paper's picture, cut from its PDF: the key figure, or else the top of page one.

``make_picture(pdf_path)`` looks at the first ``PAGES`` pages with PDFium's page objects:

1. the first *captioned figure*: a line that starts "Figure N:" / "Fig. N." and the block
   of drawings and images right above it (objects stacked upward from the caption with no
   gap over ``GAP`` points, inside the caption's column);
2. else the largest embedded image covering at least ``MIN_IMAGE`` of its page;
3. else the top of page one (title, authors, abstract).

The region is rendered (so vector figures work) and encoded as WebP (the site's) and JPEG
(Telegram's and email's), sized for the page that shows it largest: the paper page's column
is at most ~770 CSS px wide, a phone's ~360, so ``LADDER`` starts at 640 px, WebP quality 50,
and steps down until the WebP is at most ``TARGET_BYTES`` (neither file ever over
``MAX_BYTES``, issue 11's limit). The caption, when there is one, becomes the alt text, and
the WebP carries it (XMP, IPTC's "Alt Text (Accessibility)"): a published picture is enough
to show it again with its alt text after the cache is lost (``render/pictures.py``).

PDFium is not thread-safe and a hostile PDF can crash it: call this in a worker process
(``render/pictures.py`` does), never in a thread.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from .clean import LIGATURES

PAGES = 3
GAP = 28.0  # points between two objects of one figure, at most
MIN_FIGURE = 0.04  # of the page's area
MIN_OBJECTS = 3  # drawings in a figure without an image (a rule above a caption is none)
MIN_IMAGE = 0.05
PAGE_ONE_TOP = 0.42  # of page one's height, from the top
MAX_BYTES = 60_000  # any picture file, at most (issue 11)
TARGET_BYTES = 28_000  # a site picture, at most when a rung of LADDER allows
# (width px, WebP quality) from the best to the smallest; measured in bench/README.md
# ("Picture sizes"): 640 px at quality 50 reads well at phone and desktop widths.
LADDER = ((640, 50), (560, 45), (480, 40), (400, 40), (320, 35))
# The top of page one (no figure found) repeats what the paper page says in text: a
# smaller, softer picture is enough to recognise the paper by.
PAGE_LADDER = ((480, 40), (400, 35), (320, 35))
RENDER_WIDTH = 960  # rendered wider than shown, then downsampled: sharper text
JPEG_QUALITIES = (70, 60, 50, 40)
INK = 245  # a grey level darker than this is drawn, not paper
TRIM_BAND = 0.06  # a white band above or below a figure taller than this share is cut
ALT_CHARS = 300
_CAPTION = re.compile(r"^\s*(Figure|Fig\.)\s*(\d+)\s*[:.|]\s*")
_CONTROL = re.compile("[\x00-\x1f\x7f\ufffe\uffff]")
_FIRST_SENTENCE = re.compile(r"^(.{40,}?[.!?])\s")

Box = tuple[float, float, float, float]  # left, bottom, right, top (PDF points)


class _FigureError(Exception):
    """The PDF could not be opened or rendered."""


@dataclass(frozen=True)
class Picture:
    webp: bytes
    jpeg: bytes
    width: int
    height: int
    alt: str  # the caption ("" when the picture is page one)
    kind: str  # figure | image | page
    page: int  # 0-based
    box: Box = (0.0, 0.0, 0.0, 0.0)  # the region cut from the page, in PDF points


def _caption_at(textpage: Any, index: int) -> str:
    text = str(textpage.get_text_range(index, ALT_CHARS * 2))
    # A caption ends at a blank line or at a line that ends a sentence (PDFium writes line
    # ends as \r\n): what follows is body text or a heading.
    block = re.split(r"\r?\n\s*\r?\n|(?<=[.!?])[ \t]*\r?\n", text, maxsplit=1)[0]
    # U+FFFE marks a hyphen PDFium saw at a line end: the word continues on the next line.
    block = re.sub("\ufffe\\s*", "", block).translate(LIGATURES)
    caption = " ".join(_CONTROL.sub(" ", block).split())
    caption = _CAPTION.sub("", caption).strip()  # "Figure 1:" says nothing to a reader
    if len(caption) > ALT_CHARS:
        cut = _FIRST_SENTENCE.match(caption)
        caption = cut.group(1) if cut and len(cut.group(1)) <= ALT_CHARS else (
            caption[:ALT_CHARS].rsplit(" ", 1)[0] + "…")
    return caption


def _line_box(textpage: Any, index: int) -> Box:
    """The box of the text line that starts at ``index``."""
    text = str(textpage.get_text_range(index, 200))
    end = min((n for n in (text.find("\r"), text.find("\n")) if n >= 0), default=len(text))
    boxes = [textpage.get_charbox(index + n) for n in range(max(1, end))
             if not text[n].isspace()]
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
            max(b[3] for b in boxes))


def _captions(textpage: Any) -> list[tuple[int, Box]]:
    """(char index, box of the caption's first characters) of each figure caption."""
    found: list[tuple[int, Box]] = []
    for word in ("Figure", "Fig."):
        searcher = textpage.search(word, match_case=True)
        while True:
            hit = searcher.get_next()
            if not hit:
                break
            index, _count = hit
            # A caption starts a line; "in Fig. 2. The..." inside a paragraph does not.
            if index > 0 and str(textpage.get_text_range(index - 1, 1)) not in ("\n", "\r"):
                continue
            if not _CAPTION.match(str(textpage.get_text_range(index, 16))):
                continue
            found.append((index, _line_box(textpage, index)))
    found.sort(key=lambda item: item[0])
    return found


@dataclass
class _Layout:
    """What one page draws: boxes of its drawings, of its images and included figures, and
    of the text the page itself draws (not text inside an included figure)."""

    paths: list[Box]
    images: list[Box]
    texts: list[Box]


def _graphics(page: Any) -> _Layout:
    """Boxes of the page's drawings, of its images and included figures, and of the text
    objects the page draws at its top level."""
    width, height = page.get_size()
    found = _Layout([], [], [])
    kinds = (pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_IMAGE,
             pdfium_c.FPDF_PAGEOBJ_SHADING, pdfium_c.FPDF_PAGEOBJ_FORM,
             pdfium_c.FPDF_PAGEOBJ_TEXT)
    blocks = (pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_FORM)
    # Top-level objects only: bounds of objects nested in a form are in the form's space.
    # An included figure (a PDF in the PDF) is one form object with its page-space box.
    for obj in page.get_objects(filter=kinds, max_depth=0):
        left, bottom, right, top = obj.get_bounds()
        box = (max(0.0, left), max(0.0, bottom), min(width, right), min(height, top))
        if box[2] - box[0] <= 0 and box[3] - box[1] <= 0:
            continue
        if obj.type == pdfium_c.FPDF_PAGEOBJ_TEXT:
            found.texts.append(box)
            continue
        if obj.type == pdfium_c.FPDF_PAGEOBJ_FORM and _area(box) > 0.85 * width * height:
            continue  # a wrapper around the whole page, not a figure
        (found.images if obj.type in blocks else found.paths).append(box)
    return found


def _area(box: Box) -> float:
    return max(0.0, box[2] - box[0]) * max(0.0, box[3] - box[1])


def _text_lines(textpage: Any) -> list[Box]:
    """The page's lines of text: PDFium's text rectangles joined along a line.

    PDFium starts a new rectangle wherever the font changes (an italic word, a formula, a
    citation): a line of body text can come in several pieces, and none of them as wide as
    the line. Pieces on one baseline closer than a word gap are one line; a column's gap
    keeps two columns apart.
    """
    rects = sorted((tuple(textpage.get_rect(n)) for n in range(textpage.count_rects())),
                   key=lambda b: (round(b[1]), b[0]))
    lines: list[list[float]] = []
    for left, bottom, right, top in rects:
        last = lines[-1] if lines else None
        if (last is not None and abs(bottom - last[1]) <= 2 and 0 <= left - last[2]
                <= 0.8 * max(top - bottom, last[3] - last[1])):
            last[2], last[3] = max(last[2], right), max(last[3], top)
            last[1] = min(last[1], bottom)
        else:
            lines.append([left, bottom, right, top])
    return [(b[0], b[1], b[2], b[3]) for b in lines]


def _figure_above(caption: Box, layout: _Layout, lines: list[Box], width: float,
                  height: float) -> Box | None:
    """The block of objects stacked right above a caption, within its column.

    Body text closes the block: a figure never reaches past a wide line of text above its
    caption, nor past the short line that ends that paragraph (image and form bounds ignore
    clipping and white margins, and can run far beyond what is drawn, over the text).
    """
    images = layout.images
    objects = layout.paths + images
    cap_left, _cap_bottom, cap_right, cap_top = caption
    middle = width / 2
    if cap_left < middle < cap_right:
        column = (0.0, width)  # a caption across the middle: a full-width figure
    elif cap_right <= middle:
        column = (0.0, middle)
    else:
        column = (middle, width)

    def in_column(box: Box) -> bool:
        return column[0] - 4 <= (box[0] + box[2]) / 2 <= column[1] + 4

    widths = sorted(b[2] - b[0] for b in lines)
    text_width = widths[int(len(widths) * 0.9)] if widths else width  # a body line's width
    wide = 0.8 * min(column[1] - column[0], text_width)

    def in_block(line: Box) -> bool:
        """Text an included figure draws itself (inside its box, not drawn by the page)."""
        if not any(i[0] - 2 <= line[0] and line[2] <= i[2] + 2 and i[1] - 2 <= line[1]
                   and line[3] <= i[3] + 2 for i in images):
            return False
        middle_y = (line[1] + line[3]) / 2
        return not any(t[1] <= middle_y <= t[3] and t[0] < line[2] and line[0] < t[2]
                       for t in layout.texts)

    body = sorted((b for b in lines if b[1] > cap_top + 2 and in_column(b)),
                  key=lambda b: -b[1])
    closing = min((b for b in body if b[2] - b[0] >= wide and not in_block(b)),
                  key=lambda b: b[1], default=None)
    ceiling = height
    if closing is not None:
        # The paragraph's last lines under its lowest wide line: same left edge, next line.
        ceiling, anchor = closing[1], closing
        for line in body:
            if line[3] > ceiling + 2:
                continue
            if ceiling - line[3] > 0.6 * (anchor[3] - anchor[1]):
                break
            if abs(line[0] - anchor[0]) <= 3 and not in_block(line):
                ceiling, anchor = line[1], line
    # An included figure's box may run into its caption's margin: what counts is that it
    # stands above the caption.
    inside = [(b[0], b[1], b[2], min(b[3], ceiling - 1)) for b in objects
              if b[1] + b[3] > 2 * cap_top and b[1] >= cap_top - 0.4 * (b[3] - b[1])
              and b[1] < ceiling and in_column(b)]
    inside.sort(key=lambda b: b[1])
    top = cap_top
    region: list[Box] = []
    for box in inside:
        if max(box[1], cap_top) > top + GAP:
            break
        region.append(box)
        top = max(top, box[3])
    if len(region) < MIN_OBJECTS and not any(b[:3] == i[:3] for b in region for i in images):
        return None
    left = max(0.0, min(b[0] for b in region) - 4)
    right = min(width, max(b[2] for b in region) + 4)
    # a margin above the figure, but never into the text that closes it
    found = (left, min(top, cap_top + 3), right, min(height, top + 4, max(top, ceiling - 1)))
    if _area(found) < MIN_FIGURE * width * height or found[3] - found[1] < 48:
        return None
    return found


def _find(doc: Any) -> tuple[int, Box, str, str]:
    """(page, region, kind, alt) of the picture to cut."""
    best_image: tuple[float, int, Box] | None = None
    for number in range(min(PAGES, len(doc))):
        page = doc[number]
        width, height = page.get_size()
        layout = _graphics(page)
        textpage = page.get_textpage()
        lines = _text_lines(textpage)
        for index, caption in _captions(textpage):
            region = _figure_above(caption, layout, lines, width, height)
            if region is not None:
                return number, region, "figure", _caption_at(textpage, index)
        for box in layout.images:
            share = _area(box) / (width * height)
            if share >= MIN_IMAGE and (best_image is None or share > best_image[0]):
                best_image = (share, number, box)
    if best_image is not None:
        return best_image[1], best_image[2], "image", ""
    width, height = doc[0].get_size()
    return 0, (0.0, height * (1 - PAGE_ONE_TOP), width, height), "page", ""


_XMP = ('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
        '22-rdf-syntax-ns#"><rdf:Description xmlns:Iptc4xmpCore="http://iptc.org/std/Iptc4xmp'
        'Core/1.0/xmlns/"><Iptc4xmpCore:AltTextAccessibility><rdf:Alt><rdf:li xml:lang="x-def'
        'ault">{}</rdf:li></rdf:Alt></Iptc4xmpCore:AltTextAccessibility></rdf:Description>'
        '</rdf:RDF></x:xmpmeta>')
_XMP_ALT = re.compile(r'<rdf:li xml:lang="x-default">([^<]{0,2000})</rdf:li>')


def alt_xmp(alt: str) -> bytes:
    """The XMP packet that carries ``alt`` in a picture file (b"" when there is none)."""
    if not alt:
        return b""
    escaped = alt.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _XMP.format(escaped).encode("utf-8")


def alt_of(xmp: bytes | str | None) -> str:
    """The alt text :func:`alt_xmp` wrote ("" for anything else)."""
    text = xmp.decode("utf-8", "replace") if isinstance(xmp, bytes) else (xmp or "")
    found = _XMP_ALT.search(text)
    if not found:
        return ""
    return found.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _scaled(image: Any, width: int) -> Any:
    from PIL import Image

    if image.width <= width:
        return image
    return image.resize((width, max(1, round(image.height * width / image.width))),
                        Image.Resampling.LANCZOS)


def jpeg_of(image: Any) -> bytes | None:
    """The image as a JPEG of at most MAX_BYTES (None when no quality fits)."""
    for quality in JPEG_QUALITIES:
        out = io.BytesIO()
        image.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
        if out.tell() <= MAX_BYTES:
            return out.getvalue()
    return None


def encode(image: Any, alt: str = "", ladder: tuple[tuple[int, int], ...] = LADDER
           ) -> tuple[bytes, bytes, int, int]:
    """WebP and JPEG of ``image``: the first rung of ``ladder`` whose WebP is at most
    TARGET_BYTES (else the first at most MAX_BYTES), the JPEG at the same size."""
    xmp = alt_xmp(alt)
    fallback: tuple[bytes, bytes, int, int] | None = None
    for width, quality in ladder:
        scaled = _scaled(image, width)
        webp = io.BytesIO()
        scaled.save(webp, "WEBP", quality=quality, method=4, xmp=xmp)
        if webp.tell() > MAX_BYTES:
            continue
        jpeg = jpeg_of(scaled)
        if jpeg is None:
            continue
        found = (webp.getvalue(), jpeg, scaled.width, scaled.height)
        if webp.tell() <= TARGET_BYTES:
            return found
        fallback = fallback or found
    if fallback is None:
        raise _FigureError("no encoding fits the size limit")
    return fallback


def _trimmed(image: Any) -> Any:
    """The figure without a wide white band above or below it: an included figure's box,
    or an image's, often holds white margins (or is clipped by the text that closes the
    figure) that would only make the figure smaller in its picture. A band is cut only
    when it is taller than TRIM_BAND of the picture; a small margin is kept. The sides stay:
    a narrower crop shown as wide is a taller picture, in more bytes."""
    ink = image.convert("L").point(lambda v: 255 if v < INK else 0).getbbox()
    if ink is None:
        return image
    width, height = image.size
    pad = max(4, round(0.02 * width))
    top = max(0, ink[1] - pad) if ink[1] - pad > TRIM_BAND * height else 0
    bottom = (min(height, ink[3] + pad) if height - ink[3] - pad > TRIM_BAND * height
              else height)
    if (top, bottom) == (0, height):
        return image
    return image.crop((0, top, width, bottom))


def make_picture(pdf_path: Path) -> Picture:
    """The paper's picture; raises :class:`_FigureError` when the PDF cannot be read."""
    try:
        doc = pdfium.PdfDocument(str(pdf_path))
    except (pdfium.PdfiumError, OSError) as exc:
        raise _FigureError(f"cannot open {pdf_path.name}: {exc}") from exc
    try:
        if len(doc) == 0:
            raise _FigureError("the PDF has no pages")
        number, (left, bottom, right, top), kind, alt = _find(doc)
        page = doc[number]
        width, height = page.get_size()
        scale = min(4.0, max(1.0, RENDER_WIDTH / max(1.0, right - left)))
        crop = (left, bottom, max(0.0, width - right), max(0.0, height - top))
        bitmap = page.render(scale=scale, crop=crop, fill_color=(255, 255, 255, 255))
        image = bitmap.to_pil().convert("RGB")
        if kind != "page":
            image = _trimmed(image)
    except pdfium.PdfiumError as exc:
        raise _FigureError(f"cannot render {pdf_path.name}: {exc}") from exc
    finally:
        doc.close()
    webp, jpeg, out_w, out_h = encode(image, alt, PAGE_LADDER if kind == "page" else LADDER)
    return Picture(webp=webp, jpeg=jpeg, width=out_w, height=out_h, alt=alt, kind=kind,
                   page=number, box=(left, bottom, right, top))


__all__ = ["MAX_BYTES", "Picture", "alt_of", "alt_xmp", "encode", "jpeg_of", "make_picture"]
