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


def _two_column_paper(path: Path) -> tuple[float, float]:
    """A two-column page as another producer (reportlab) writes it: the left column has a
    paragraph, then a chart included as a form whose box runs 48 points above what it
    draws (over the paragraph's last lines), its caption and more text; the right column is
    text from top to bottom. Returns (the paragraph's lowest ink, the chart's top)."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    _width, height = letter
    pdf = canvas.Canvas(str(path), pagesize=letter)
    chart_w, drawn, overlap = 230.0, 150.0, 48.0
    pdf.beginForm("chart", lowerx=0, lowery=0, upperx=chart_w, uppery=drawn + overlap)
    pdf.setFillColorRGB(1, 1, 1)
    pdf.rect(0, 0, chart_w, drawn + overlap, stroke=0, fill=1)  # a plotting tool's page
    for n in range(6):
        pdf.setFillColorRGB(0.2 + n * 0.12, 0.35, 0.8 - n * 0.1)
        pdf.rect(14 + n * 36, 14, 28, 30 + (n * 5 % 6) * 18, stroke=0, fill=1)
    pdf.setFillColorRGB(0, 0, 0)
    pdf.setFont("Helvetica", 7)
    pdf.drawString(14, drawn - 8, "Success rate of six agents on the held-out tasks (%).")
    pdf.endForm()
    line = "Body text in the left column that reads as prose and is no part of it."
    pdf.setFont("Times-Roman", 9.5)
    y = height - 72
    for n in range(14):  # the left column's paragraph, ending in a short line
        pdf.drawString(54, y, line if n < 13 else "Its gap judging at last.")
        y -= 11.5
    text_bottom = y + 11.5 - 2.0  # its descenders
    bottom = y - 6 - drawn
    pdf.saveState()
    pdf.translate(54 + (246 - chart_w) / 2, bottom)
    pdf.doForm("chart")
    pdf.restoreState()
    pdf.setFont("Times-Roman", 8.5)
    pdf.drawString(54, bottom - 14, "Figure 2: Success rates of the six agents we compare.")
    pdf.setFont("Times-Roman", 9.5)
    y = bottom - 40
    while y > 72:
        pdf.drawString(54, y, line)
        y -= 11.5
    y = height - 72
    while y > 72:  # the right column, text only
        pdf.drawString(318, y, "Right column body text, all the way down the page.")
        y -= 11.5
    pdf.showPage()
    pdf.save()
    return text_bottom, bottom + 14 + 30 + 5 * 18


def test_a_figure_in_one_column_of_a_two_column_page(tmp_path: Path) -> None:
    pdf = tmp_path / "two-columns.pdf"
    text_bottom, chart_top = _two_column_paper(pdf)
    picture = make_picture(pdf)
    assert picture.kind == "figure"
    assert picture.alt == "Success rates of the six agents we compare."
    _left, _bottom, right, top = picture.box
    assert right <= 306  # the left column only
    assert chart_top - 1 <= top < text_bottom
    inside = _text_inside(pdf, picture)
    assert "Body text" not in inside and "judging" not in inside
    assert "Right column" not in inside


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
