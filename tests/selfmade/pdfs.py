"""PDFs the tests generate with reportlab, laid out like an arXiv LaTeX paper.

:func:`make_paper` writes a two-column paper: a title block across the page, the arXiv side
stamp in the left margin, a running header and page numbers, ligatures (``ﬁ``, ``ﬂ`` drawn
as the single glyphs TeX uses), words hyphenated at line ends, a footnote at the foot of a
column, a table, a flattened exponent (``10`` with a raised ``19``), a references section
and an appendix. The text flows column by column, page by page, in content-stream order,
as pdfTeX writes it.

It returns :class:`PaperFacts`: what is true of that document by construction (the
sentences that cross a column or page boundary, the words broken by a hyphen, the
table row...), recorded while laying it out, so the tests check the extractor against the
document itself rather than against remembered answers.

:func:`make_encrypted` and :func:`make_image_only` write the two PDFs that must fail with
a clear reason.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import reportlab
from reportlab.lib.pagesizes import letter
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

_FONTS = Path(os.path.dirname(reportlab.__file__)) / "fonts"
for _name, _file in (("Vera", "Vera.ttf"), ("VeraBd", "VeraBd.ttf"), ("VeraIt", "VeraIt.ttf")):
    if _name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(_name, str(_FONTS / _file)))

WIDTH, HEIGHT = letter
MARGIN = 54.0
GAP = 20.0
COLUMN = (WIDTH - 2 * MARGIN - GAP) / 2
TOP = HEIGHT - 72.0
BOTTOM = 66.0
BODY, LEADING = 9.5, 11.6
HEADER = "Preprint. Under review."

TITLE = "Sparse Routing for Long Contexts"
AUTHORS = "Ada Lovelace, Alan Turing and Grace Hopper"
ABSTRACT = (
    "Long contexts make attention expensive, and sparse mixtures of experts promise to cut "
    "the cost without losing accuracy. We study token routing for contexts of up to 128k "
    "tokens and propose a router whose capacity factor is learned per layer. Our method "
    "improves accuracy on LongBench from 41.2% to 45.8% while using 23% fewer FLOPs than a "
    "dense model of the same size, and the code is released for others to build on."
)
# Paragraphs of each section. "|" marks where a word may be hyphenated at a line end;
# "^19" is a raised exponent; "[fn]" places the footnote mark.
SECTIONS: list[tuple[str, list[str]]] = [
    ("1 Introduction", [
        "Language models are asked to read ever longer inputs: whole code|bases, books and "
        "the transcripts of long meetings. Attention grows with the square of the input, so "
        "the cost of a long context is dominated by a few layers that nobody can af|ford to "
        "make wider. Mixtures of experts offer a way out, because each token only visits a "
        "few experts and the rest of the network stays idle for it. According to one "
        "survey[fn], over 50 groups now train such models, yet routing for long inputs is "
        "still poorly understood and rarely measured in the settings where it matters.",
        "We make three contributions. First, we measure how routing decisions drift as the "
        "context grows, and find that a fixed capacity factor drops up to a fifth of the "
        "tokens at 128k. Second, we propose a learned capacity factor that keeps the load of "
        "every expert within ten percent of the mean. Third, we show that the resulting "
        "model is signif|icantly more accurate on long-context bench|marks while being "
        "cheaper to run than the dense baseline it replaces.",
    ]),
    ("2 Related Work", [
        "Sparse expert models were introduced to scale networks without scaling their "
        "compute, and later work trained them with simple top-one routing. Load balancing "
        "losses keep the experts busy, but they were tuned on short inputs. Work on long "
        "contexts has instead focused on approximate attention, recurrent memories and "
        "retrieval, leaving the inter|action between routing and length largely unex|plored.",
    ]),
    ("3 Method", [
        "Our router scores every token against every expert and keeps the best two, as is "
        "usual. What changes is the capacity: instead of a constant, each layer predicts "
        "the capacity it needs from the statistics of the current batch. The predictor is "
        "a small network with two hidden layers, trained jointly with the model, and its "
        "output is clipped so that no expert ever receives more than twice its share.",
        "Training used 2.3 \u00b7 10^19 floating point operations in total, about the same "
        "budget as the dense baseline. We keep every other choice of the baseline fixed, so "
        "that the comparison isolates the effect of the router on accuracy and on speed.",
    ]),
    ("4 Experiments", [
        "We evaluate on LongBench, on a held-out set of long code files and on a suite of "
        "retrieval tasks whose answers are placed at random depths of the context. All "
        "models have seven billion parameters and are trained on the same data in the same "
        "order, with the same learning rate schedule and the same tokenizer.",
    ]),
    ("4.1 Main Results", [
        "Table 1 reports the main results. The learned capacity factor improves every task, "
        "and the gain grows with the length of the input. On the retrieval suite the "
        "dense model fails beyond 64k tokens, while the sparse model keeps finding the "
        "answer at every depth we tried, which suggests that routing is not the bottleneck "
        "that earlier work feared for inputs of this length.",
    ]),
    ("5 Conclusion", [
        "A learned capacity factor makes sparse experts work for long contexts. The model "
        "is more accurate and cheaper than a dense model of the same size, and the recipe "
        "needs no change to the rest of the training setup. We hope that this makes long "
        "inputs affordable for groups that cannot train the largest models themselves.",
    ]),
    ("Limitations", [
        "We trained one model size on one data mixture, and our retrieval suite is "
        "synthetic. Whether the capacity predictor transfers to other sizes is untested.",
    ]),
    ("References", [
        "[1] Lovelace, Ada. Notes on the analytical engine and its routing of numbers. "
        "Scientific Memoirs, 3:666-731, 1843.",
        "[2] Turing, Alan. Computing machinery and intelligence. Mind, 59:433-460, 1950.",
        "[3] Hopper, Grace. The education of a computer. In Proceedings of the ACM, "
        "pages 243-249, 1952.",
    ]),
    ("A Additional Details", [
        "The capacity predictor reads the mean and the variance of the router scores of the "
        "batch. It adds less than one percent to the cost of a forward pass, and it can be "
        "removed after training by freezing the capacities it predicts for each layer.",
        *[
            f"For the {task} task we {verb} the inputs to {length} tokens and report the "
            f"{metric} over {runs} runs with different seeds. The efficient variant of the "
            f"router finds the same experts in {share}% of the layers, and the fine-tuned "
            f"baseline is trained for {steps} steps with the same optimizer and the same "
            "flow of data, so that the two can be compared directly on every length we use. "
            f"Errors on {task} come mostly from inputs where the answer depends on two "
            "distant passages, which the dense model often misses because its attention "
            "is spread thin, while the sparse model routes both passages to the same expert "
            "and keeps them together; we show examples of both kinds in the released data, "
            "with the routing decisions of every layer drawn next to the text they concern."
            for task, verb, length, metric, runs, share, steps in [
                ("summarization", "truncate", "32k", "ROUGE-L", 3, 91, 2000),
                ("question answering", "pad", "64k", "exact match", 5, 88, 3000),
                ("code completion", "truncate", "128k", "pass rate", 3, 85, 1500),
                ("retrieval", "shuffle", "96k", "recall", 4, 93, 2500),
                ("dialogue", "pad", "16k", "win rate", 2, 90, 1000),
                ("translation", "truncate", "48k", "chrF", 3, 87, 4000),
                ("long-form reading", "shuffle", "80k", "accuracy", 5, 84, 1800),
                ("table reasoning", "pad", "24k", "accuracy", 3, 92, 1200),
                ("legal review", "truncate", "72k", "F1", 3, 86, 2200),
                ("scientific reading", "pad", "40k", "accuracy", 4, 89, 2600),
                ("meeting notes", "shuffle", "56k", "ROUGE-2", 2, 83, 1400),
                ("multi-hop search", "truncate", "112k", "recall", 5, 94, 3600),
            ]
        ],
    ]),
]
FOOTNOTE = "https://example.org/moe-survey"
TABLE = [("Method", "LongBench", "Code", "Retrieval"),
         ("Dense", "0.412", "0.301", "0.288"),
         ("Ours", "0.458", "0.344", "0.328")]
REFERENCE_ONLY = "Notes on the analytical engine and its routing of numbers"


@dataclass
class PaperFacts:
    """What is true of one generated paper by construction."""

    path: Path
    pages: int = 0
    abstract: tuple[str, str] = ("", "")  # its first and last words
    crossings: list[tuple[str, str]] = field(default_factory=list)  # (end of one, start)
    hyphenated: list[str] = field(default_factory=list)  # words broken across lines
    table_row: str = " ".join(TABLE[2])
    reference_only: str = REFERENCE_ONLY
    headings: list[str] = field(default_factory=lambda: [h for h, _ in SECTIONS])
    footnote: str = FOOTNOTE
    header: str = HEADER
    stamp: str = ""


@dataclass
class _Line:
    text: str
    font: str = "Vera"
    size: float = BODY
    space_before: float = 0.0
    kind: str = "body"  # body | heading | table


class _Layout:
    """Places lines column by column and records what crosses a boundary."""

    def __init__(self, pdf: canvas.Canvas, facts: PaperFacts, first_top: float) -> None:
        self.pdf, self.facts = pdf, facts
        self.page, self.column = 1, 0
        self.y = first_top
        self.footnote_pending = False
        self.last_body: str | None = None  # last body line of the current column
        self.break_pending = False
        self._page_start()

    def _page_start(self) -> None:
        self.pdf.setFont("VeraIt", 8)
        self.pdf.drawCentredString(WIDTH / 2, HEIGHT - 40, HEADER)

    def _page_end(self) -> None:
        if self.page > 1:
            self.pdf.setFont("Vera", 9)
            self.pdf.drawCentredString(WIDTH / 2, 36, str(self.page))
        self.pdf.showPage()

    def _x(self) -> float:
        return MARGIN + self.column * (COLUMN + GAP)

    def _next_column(self) -> None:
        if self.footnote_pending and self.column == 0 and self.page == 1:
            # pdfTeX sets the mark raised and the text right after it: "1https://...".
            text = self.pdf.beginText(self._x(), BOTTOM + 2)
            text.setFont("Vera", 5)
            text.setRise(2.5)
            text.textOut("1")
            text.setRise(0)
            text.setFont("Vera", 7)
            text.textOut(FOOTNOTE)
            self.pdf.drawText(text)
            self.footnote_pending = False
        self.break_pending = True
        if self.column == 0:
            self.column = 1
            self.y = self.col_top
        else:
            self._page_end()
            self.page += 1
            self.column = 0
            self.y = TOP
            self.col_top = TOP
            self._page_start()

    col_top = TOP

    def place(self, line: _Line) -> None:
        height = line.space_before + (LEADING if line.kind != "heading" else LEADING + 3)
        if self.y - height < BOTTOM + (12 if self.footnote_pending else 0):
            self._next_column()
        elif line.space_before:
            self.y -= line.space_before
        self.y -= LEADING if line.kind != "heading" else LEADING + 3
        if self.break_pending and line.kind == "body" and self.last_body is not None and \
                not self.last_body.rstrip().endswith((".", ":")):
            self.facts.crossings.append((_tail(self.last_body), _head(line.text)))
        self.break_pending = False
        self.last_body = line.text if line.kind == "body" else None
        self._draw(line)

    def _draw(self, line: _Line) -> None:
        x = self._x()
        if line.kind == "table":
            cells = line.text.split("\t")
            for i, cell in enumerate(cells):
                self.pdf.setFont(line.font, line.size)
                self.pdf.drawString(x + i * COLUMN / len(cells), self.y, cell)
            return
        self.pdf.setFont(line.font, line.size)
        if "^" in line.text or "[fn]" in line.text:
            self._draw_raised(x, line)
            return
        self.pdf.drawString(x, self.y, _ligatures(line.text))

    def _draw_raised(self, x: float, line: _Line) -> None:
        text = self.pdf.beginText(x, self.y)
        text.setFont(line.font, line.size)
        for word in line.text.split(" "):
            if "[fn]" in word:
                base, _, rest = word.partition("[fn]")
                text.textOut(_ligatures(base))
                text.setRise(3.5)
                text.setFont(line.font, 6)
                text.textOut("1")
                text.setRise(0)
                text.setFont(line.font, line.size)
                text.textOut(_ligatures(rest) + " ")
                self.footnote_pending = True
            elif "^" in word:
                base, _, exponent = word.partition("^")
                text.textOut(base)
                text.setRise(3.5)
                text.setFont(line.font, 6.5)
                text.textOut(exponent.rstrip(",."))
                text.setRise(0)
                text.setFont(line.font, line.size)
                text.textOut(exponent[len(exponent.rstrip(",.")):] + " ")
            else:
                text.textOut(_ligatures(word) + " ")
        self.pdf.drawText(text)

    def finish(self) -> int:
        self._page_end()
        return self.page


def _ligatures(text: str) -> str:
    # Vera has the fi and fl ligature glyphs (not ffi): TeX's fonts use the same code points.
    return text.replace("fi", "\ufb01").replace("fl", "\ufb02")


def _plain(word: str) -> str:
    return word.replace("|", "").replace("[fn]", "").replace("^", "")


def _tail(text: str) -> str:
    return " ".join(_plain(w) for w in text.split()[-3:])


def _head(text: str) -> str:
    return " ".join(_plain(w) for w in text.split()[:3])


def _width(text: str, font: str = "Vera", size: float = BODY) -> float:
    return float(pdfmetrics.stringWidth(_plain(text), font, size))


def wrap(paragraph: str, facts: PaperFacts, width: float = COLUMN) -> list[str]:
    """Greedy line breaking; a word with "|" marks may break there with a hyphen."""
    lines: list[str] = []
    current = ""
    for word in paragraph.split():
        trial = f"{current} {word}".strip()
        if _width(trial) <= width:
            current = trial
            continue
        pieces = word.split("|")
        placed = False
        for cut in range(len(pieces) - 1, 0, -1):
            head = "".join(pieces[:cut]) + "-"
            if current and _width(f"{current} {head}") <= width:
                lines.append(f"{current} {head}")
                facts.hyphenated.append(_plain(word))
                current = "|".join(pieces[cut:])
                placed = True
                break
        if not placed:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return [line.replace("|", "") for line in lines]


def make_paper(path: Path, *, arxiv_id: str = "2501.00001", version: int = 1) -> PaperFacts:
    """Write the two-column paper to ``path``; returns what is true of it."""
    facts = PaperFacts(path=path)
    pdf = canvas.Canvas(str(path), pagesize=letter, invariant=True)
    pdf.setTitle(TITLE)
    first_top = TOP - 52
    layout = _Layout(pdf, facts, first_top)  # the running header comes first on a page
    layout.col_top = first_top
    # Title block across both columns.
    pdf.setFont("VeraBd", 15)
    pdf.drawCentredString(WIDTH / 2, TOP - 6, TITLE)
    pdf.setFont("Vera", 10)
    pdf.drawCentredString(WIDTH / 2, TOP - 26, AUTHORS)
    # The arXiv stamp, rotated in the left margin (arXiv adds it to every first page).
    facts.stamp = f"arXiv:{arxiv_id}v{version} [cs.CL] 15 Jan 2025"
    pdf.saveState()
    pdf.translate(30, 300)
    pdf.rotate(90)
    pdf.setFont("Vera", 14)
    pdf.drawString(0, 0, facts.stamp)
    pdf.restoreState()
    layout.place(_Line("Abstract", "VeraBd", 10.5, 0, "heading"))
    abstract_lines = wrap(ABSTRACT, facts)
    words = ABSTRACT.split()
    facts.abstract = (" ".join(words[:8]), " ".join(words[-6:]))
    for text in abstract_lines:
        layout.place(_Line(text))
    for heading, paragraphs in SECTIONS:
        layout.place(_Line(heading, "VeraBd", 10.5, 8, "heading"))
        if heading.startswith("4.1"):
            layout.place(_Line("Table 1: Accuracy on three long-context benchmarks.",
                               space_before=4, kind="caption"))
            for row in TABLE:
                layout.place(_Line("\t".join(row), kind="table"))
        for n, paragraph in enumerate(paragraphs):
            for i, text in enumerate(wrap(paragraph, facts)):
                layout.place(_Line(text, space_before=4 if i == 0 and n else 0))
    facts.pages = layout.finish()
    pdf.save()
    facts.crossings = [c for c in facts.crossings if "Table" not in c[0]]
    return facts


def unicode_targets(path: Path) -> set[int]:
    """Every code point the PDF's ToUnicode maps map glyphs to (to see ligature glyphs:
    PDFium's text extraction already spells U+FB01 as "fi")."""
    import re
    import zlib

    found: set[int] = set()
    data = path.read_bytes()
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            body = zlib.decompress(match.group(1))
        except zlib.error:
            body = match.group(1)
        if b"beginbfchar" in body:
            found.update(int(code, 16) for code in re.findall(rb"<[0-9A-F]{2}> <([0-9A-F]{4})>",
                                                               body))
    return found


def make_encrypted(path: Path) -> Path:
    """A PDF that needs a password to open (RC4, user password set)."""
    from reportlab.lib.pdfencrypt import StandardEncryption

    pdf = canvas.Canvas(str(path), pagesize=letter,
                        encrypt=StandardEncryption("secret-user", ownerPassword="owner"))
    pdf.setFont("Vera", 11)
    for n in range(40):
        pdf.drawString(MARGIN, TOP - n * 14, f"Confidential line {n} of a locked paper.")
    pdf.showPage()
    pdf.save()
    return path


def make_image_only(path: Path, pages: int = 2) -> Path:
    """A scan: every page one picture of text, no text layer."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader

    pdf = canvas.Canvas(str(path), pagesize=letter)
    for page in range(pages):
        image = Image.new("L", (850, 1100), 255)
        draw = ImageDraw.Draw(image)
        for row in range(40):
            draw.text((60, 60 + row * 24), f"Scanned page {page + 1}, line {row}: results.",
                      fill=0)
        pdf.drawImage(ImageReader(image), 0, 0, WIDTH, HEIGHT)
        pdf.showPage()
    pdf.save()
    return path
