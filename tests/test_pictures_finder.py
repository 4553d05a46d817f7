"""The figure finder cuts the figure, never the body text around it.

The case that started it (SSRL, arXiv 2508.10874): a figure included as a PDF whose box runs
above what it draws, over the abstract's last lines. Those lines were taken for the
figure's own text (they lie inside its box), so three lines of the abstract topped the
picture. Text the page itself draws is body text wherever it lies; text inside an included
figure is the figure's.
"""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from fakes.pdfkit import FigurePage, make_figure_page_pdf
from PIL import Image

from dailypapers.fulltext.figure import Picture, make_picture


def _page_text_inside(pdf: Path, picture: Picture, share: float = 0.6) -> list[str]:
    """Lines of text the page itself draws (not an included figure) inside the picture's
    region and at least ``share`` of its width: body text, not a figure's label."""
    left, bottom, right, top = picture.box
    found = []
    doc = pdfium.PdfDocument(str(pdf))
    try:
        page = doc[picture.page]
        textpage = page.get_textpage()
        for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_TEXT], max_depth=0):
            b = obj.get_bounds()
            if (b[0] >= left - 1 and b[2] <= right + 1 and b[1] >= bottom - 1
                    and b[3] <= top + 1 and b[2] - b[0] >= share * (right - left)):
                found.append(textpage.get_text_bounded(*b))
    finally:
        doc.close()
    return found


def _check(made: FigurePage) -> Picture:
    picture = make_picture(made.path)
    assert picture.kind == "figure"
    assert picture.alt == "Accuracy of eight model sizes as training goes on."
    _left, bottom, _right, top = picture.box
    assert top < made.text_bottom  # below the paragraph: not one of its lines
    assert top >= made.drawn_top and bottom <= made.drawn_bottom  # the whole figure
    inside = _text_inside(made.path, picture)
    assert "Body text" not in inside and "Ended in" not in inside
    return picture


def _text_inside(pdf: Path, picture: Picture) -> str:
    doc = pdfium.PdfDocument(str(pdf))
    try:
        return str(doc[picture.page].get_textpage().get_text_bounded(*picture.box))
    finally:
        doc.close()


@pytest.mark.parametrize("short_last", [True, False])
def test_a_figure_whose_box_runs_over_the_paragraph_above_is_cut_without_it(
        tmp_path: Path, short_last: bool) -> None:
    _check(make_figure_page_pdf(tmp_path / "included.pdf", short_last=short_last))


def test_a_figure_drawn_on_the_page_is_cut_without_the_paragraph_above(tmp_path: Path) -> None:
    _check(make_figure_page_pdf(tmp_path / "drawn.pdf", included=False))


def test_body_lines_in_pieces_of_several_fonts_still_close_the_figure(tmp_path: Path) -> None:
    """PDFium gives each font run its own rectangle: an italic word or a formula splits a
    body line into pieces none of which is as wide as a line."""
    _check(make_figure_page_pdf(tmp_path / "pieces.pdf", pieces=True))


def test_the_white_margin_of_an_included_figure_is_cut_away(tmp_path: Path) -> None:
    made = make_figure_page_pdf(tmp_path / "margin.pdf", overlap=120.0, paragraph=2)
    picture = _check(made)
    with Image.open(io.BytesIO(picture.webp)) as image:
        gray = image.convert("L")
        rows = [gray.crop((0, y, gray.width, y + 1)).getextrema()[0]
                for y in range(gray.height)]
    # ink starts near the top: the figure's label, not a band of white above it
    first_ink = next(y for y, darkest in enumerate(rows) if darkest < 128)
    assert first_ink < 0.08 * len(rows)


@pytest.mark.shared
def test_real_figures_hold_no_line_of_body_text(shared_data: Path) -> None:
    pdfs = sorted((shared_data / "pdfs").glob("*.pdf"))
    assert pdfs
    checked = 0
    for pdf in pdfs:
        picture = make_picture(pdf)
        if picture.kind != "page":
            assert _page_text_inside(pdf, picture) == [], pdf.name
            checked += 1
    assert checked >= len(pdfs) // 2
