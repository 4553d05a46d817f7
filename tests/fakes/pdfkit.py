"""PDFs the tests make themselves (pypdfium2's writer + Pillow): text, a figure, a caption;
and a PDF put into the download cache as the downloader leaves it."""

from __future__ import annotations

import ctypes
import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, ImageDraw

from dailypapers.config import Settings
from dailypapers.fulltext.download import Downloaded, PdfCache

WIDTH, HEIGHT = 612.0, 792.0  # US letter, in points


def _text(doc: pdfium.PdfDocument, page: pdfium.PdfPage, x: float, y: float, text: str,
          size: float = 10.0) -> None:
    obj = pdfium_c.FPDFPageObj_NewTextObj(doc, b"Helvetica", ctypes.c_float(size))
    encoded = (text + "\x00").encode("utf-16-le")
    buffer = ctypes.create_string_buffer(encoded)
    pdfium_c.FPDFText_SetText(obj, ctypes.cast(buffer, ctypes.POINTER(pdfium_c.FPDF_WCHAR)))
    pdfium_c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, x, y)
    pdfium_c.FPDFPage_InsertObject(page, obj)


def _chart(width: int, height: int) -> Image.Image:
    """A bar chart-like figure with enough detail to be worth a picture."""
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    for n in range(8):
        top = height - 20 - (n * 37 % 11 + 3) * height // 16
        draw.rectangle([30 + n * (width - 60) // 8, top, 30 + (n + 1) * (width - 60) // 8 - 8,
                        height - 20], fill=(40 + n * 25, 90, 200 - n * 20))
    draw.line([25, 10, 25, height - 20, width - 10, height - 20], fill="black", width=3)
    return image


def make_paper_pdf(path: Path, *, title: str = "A Generated Paper", figure: bool = True,
                   caption: str = "Figure 1: Accuracy of our method against three baselines.",
                   pages: int = 2, picture: Image.Image | None = None,
                   box: tuple[float, float] = (400.0, 222.0)) -> Path:
    """A small paper: title, body text on each page, a captioned figure on page one
    (``picture``, default a bar chart, drawn ``box`` points wide and high)."""
    doc = pdfium.PdfDocument.new()
    for number in range(pages):
        page = doc.new_page(WIDTH, HEIGHT)
        y = HEIGHT - 72
        if number == 0:
            _text(doc, page, 72, y, title, 18)
            y -= 40
        for line in range(6):
            _text(doc, page, 72, y, f"Body text line {line} of page {number + 1}, about the "
                                    "method and the results we report in this paper.", 10)
            y -= 14
        if figure and number == 0:
            image = pdfium.PdfImage.new(doc)
            bitmap = pdfium.PdfBitmap.from_pil(picture or _chart(900, 500))
            image.set_bitmap(bitmap)
            box_w, box_h = box
            left, bottom = (WIDTH - box_w) / 2, y - 20 - box_h
            image.set_matrix(pdfium.PdfMatrix().scale(box_w, box_h).translate(left, bottom))
            page.insert_obj(image)
            _text(doc, page, 120, bottom - 16, caption, 9)
            y = bottom - 50
            _text(doc, page, 72, y, "More body text after the figure, with the discussion.", 10)
        page.gen_content()
    doc.save(str(path))
    doc.close()
    return path


def cache_pdf(settings: Settings, source: Path, arxiv_id: str, version: int) -> None:
    """Put a PDF into the download cache exactly as the downloader leaves it."""
    cache = PdfCache(settings.cache_path / "pdf")
    tmp = settings.cache_path / f"{arxiv_id}.part"
    tmp.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, tmp)
    data = tmp.read_bytes()
    cache.store(Downloaded(tmp=tmp, sha256=hashlib.sha256(data).hexdigest(), size=len(data),
                           url=f"https://arxiv.org/pdf/{arxiv_id}v{version}",
                           content_type="application/pdf", content_disposition=""),
                arxiv_id, version)


def pdf_bytes(objects: list[bytes], trailer: bytes = b"") -> bytes:
    """A PDF file of these objects (numbered from 1, the first the catalog): header, bodies,
    cross-reference table and trailer (``trailer``: extra trailer entries)."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, trailer, xref)
    return bytes(out)


def make_pdf(lines: list[str] | None = None, *, encrypt: bool = False, pad: int = 0) -> bytes:
    """A minimal valid PDF: one page of Helvetica text lines (or none: image-only)."""
    if lines:
        ops = ["BT /F1 11 Tf 14 TL 72 740 Td"]
        ops += [f"({x}) Tj T*" for x in lines]
        ops.append("ET")
    else:
        ops = ["0.5 g 72 400 300 300 re f"]  # a grey box: no text layer
    ops.append("%" + "x" * pad)  # padding to make big files
    stream = "\n".join(ops).encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    if not encrypt:
        return pdf_bytes(objects)
    objects.append(
        b"<< /Filter /Standard /V 1 /R 2 /O <" + b"11" * 32 + b"> /U <" + b"22" * 32 + b"> /P -4 >>"
    )
    file_id = b"<" + b"0123456789abcdef" * 2 + b">"
    return pdf_bytes(objects, b" /Encrypt 6 0 R /ID [%s %s]" % (file_id, file_id))


def _rect(page: pdfium.PdfPage, box: tuple[float, float, float, float],
          rgb: tuple[int, int, int]) -> None:
    """A filled rectangle (a drawing, not an image), ``box`` = left, bottom, width, height."""
    obj = pdfium_c.FPDFPageObj_CreateNewRect(*(ctypes.c_float(v) for v in box))
    pdfium_c.FPDFPageObj_SetFillColor(obj, *rgb, 255)
    pdfium_c.FPDFPath_SetDrawMode(obj, pdfium_c.FPDF_FILLMODE_ALTERNATE, False)
    pdfium_c.FPDFPage_InsertObject(page, obj)


def _drawn_chart(doc: pdfium.PdfDocument, width: float, height: float, drawn: float,
                 label: str) -> pdfium.PdfDocument:
    """A one-page PDF of a vector chart as a plotting tool exports it: a white background
    over the whole page, bars and labels in its lower ``drawn`` part only."""
    src = pdfium.PdfDocument.new()
    page = src.new_page(width, height)
    _rect(page, (0, 0, width, height), (255, 255, 255))
    bars = 8
    for n in range(bars):
        bar_h = (drawn - 40) * (0.3 + 0.7 * ((n * 37) % 11) / 10)
        _rect(page, (20 + n * (width - 40) / bars, 20, (width - 40) / bars - 6, bar_h),
              (40 + n * 25, 90, 200 - n * 20))
    _rect(page, (18, 18, width - 36, 2), (0, 0, 0))  # the axis
    _text(src, page, 20, drawn - 14, label, 9)
    page.gen_content()
    return src


def _pieces(doc: pdfium.PdfDocument, page: pdfium.PdfPage, x: float, y: float,
            parts: list[tuple[str, bytes]], size: float = 10.0) -> None:
    """One line of text in pieces of different fonts, a word space apart (PDFium gives each
    piece its own text rectangle, as it does an italic word or a formula in a real paper)."""
    for text, font in parts:
        obj = pdfium_c.FPDFPageObj_NewTextObj(doc, font, ctypes.c_float(size))
        encoded = (text + "\x00").encode("utf-16-le")
        buffer = ctypes.create_string_buffer(encoded)
        pdfium_c.FPDFText_SetText(obj, ctypes.cast(buffer,
                                                   ctypes.POINTER(pdfium_c.FPDF_WCHAR)))
        pdfium_c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, x, y)
        pdfium_c.FPDFPage_InsertObject(page, obj)
        left, bottom, right, top = (ctypes.c_float() for _ in range(4))
        pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top)
        x = right.value + 2.5


@dataclass(frozen=True)
class FigurePage:
    path: Path
    text_bottom: float  # the lowest ink of the paragraph above the figure (points)
    drawn_top: float  # the top of its tallest bar (its label above the bars aside)
    drawn_bottom: float


def make_figure_page_pdf(path: Path, *, paragraph: int = 6, short_last: bool = True,
                         included: bool = True, overlap: float = 60.0,
                         pieces: bool = False) -> FigurePage:
    """One page as a paper lays out a figure after a paragraph: body text, then a vector
    chart, then its caption, then more text.

    ``included``: the chart is a PDF in the PDF (one form object, as ``\\includegraphics``
    of a PDF makes it) whose page runs ``overlap`` points above what it draws, over the
    paragraph's last lines (its box is not what is drawn); else the bars are drawn on the
    page itself. ``short_last``: the paragraph ends in a short line, as most do. ``pieces``:
    each body line comes in pieces of three fonts. The chart's own label is a line nearly
    as wide as the body text: it is part of the figure."""
    doc = pdfium.PdfDocument.new()
    page = doc.new_page(WIDTH, HEIGHT)
    y = HEIGHT - 72
    _text(doc, page, 72, y, "A Generated Paper With A Drawn Figure", 16)
    y -= 36
    line = ("Body text of the paragraph before the figure, which reads as the paper's "
            "prose and is no part of the figure.")
    for n in range(paragraph):
        if short_last and n == paragraph - 1:
            _text(doc, page, 72, y, "Ended in a gap.", 10)
        elif pieces:
            _pieces(doc, page, 72, y, [("Body text of the paragraph", b"Helvetica"),
                                       ("before the figure, which", b"Times-Italic"),
                                       ("reads as the paper's prose and is no part of it.",
                                        b"Helvetica")])
        else:
            _text(doc, page, 72, y, line, 10)
        text_bottom = y - 2.1  # its descenders
        y -= 12
    chart_w, drawn = 400.0, 200.0
    bottom = y - 12 - drawn
    label = "Accuracy against training steps for all eight model sizes that we trained."
    if included:
        src = _drawn_chart(doc, chart_w, drawn + overlap, drawn, label)
        form = src.page_as_xobject(0, doc).as_pageobject()
        form.transform(pdfium.PdfMatrix().translate((WIDTH - chart_w) / 2, bottom))
        page.insert_obj(form)
        src.close()
    else:
        left = (WIDTH - chart_w) / 2
        for n in range(8):
            _rect(page, (left + 20 + n * 45, bottom + 20, 39, 40 + (n * 37) % 11 * 12),
                  (40 + n * 25, 90, 200 - n * 20))
        _rect(page, (left + 18, bottom + 18, chart_w - 36, 2), (0, 0, 0))
        _text(doc, page, left + 20, bottom + drawn - 14, label, 9)
    _text(doc, page, 90, bottom - 16, "Figure 1: Accuracy of eight model sizes as training "
                                      "goes on.", 9)
    y = bottom - 48
    for _n in range(8):
        _text(doc, page, 72, y, line, 10)
        y -= 12
    page.gen_content()
    doc.save(str(path))
    doc.close()
    return FigurePage(path=path, text_bottom=text_bottom, drawn_top=bottom + 166,
                      drawn_bottom=bottom + 18)
