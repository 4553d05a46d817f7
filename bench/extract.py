"""Benchmark: the whole extraction path (PDFium text + clean + sections) against bare
pypdfium2 text extraction, on the same PDFs in the same run, one process, one thread.

    .venv/bin/python bench/extract.py [PDF_DIR] [--rounds N]

Prints pages/s and peak memory for each, and the ratio (full / bare). Timing interleaves
the two paths file by file; peak RSS comes from one fresh child process per path.
Default PDF_DIR: ../shared/data/pdfs.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import statistics
import sys
import time
from pathlib import Path


def bare(paths: list[str]) -> int:
    import pypdfium2 as pdfium

    pages = 0
    for path in paths:
        doc = pdfium.PdfDocument(path)
        for i in range(len(doc)):
            page = doc[i]
            textpage = page.get_textpage()
            textpage.get_text_range()
            textpage.close()
            page.close()
            pages += 1
        doc.close()
    return pages


def full(paths: list[str]) -> int:
    from dailypapers.fulltext import extract_pdf

    return sum(extract_pdf(Path(p)).pages or 0 for p in paths)


def _peak_child(kind: str, paths: list[str], queue: mp.Queue) -> None:  # type: ignore[type-arg]
    (bare if kind == "bare" else full)(paths)
    queue.put(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def peak_rss(kind: str, paths: list[str]) -> float:
    """Peak RSS (MiB) of a fresh process that runs one path over every file."""
    ctx = mp.get_context("spawn")
    queue: mp.Queue = ctx.Queue()  # type: ignore[type-arg]
    proc = ctx.Process(target=_peak_child, args=(kind, paths, queue))
    proc.start()
    result = float(queue.get())
    proc.join()
    return result


def main() -> None:
    default = Path(__file__).resolve().parents[2] / "shared" / "data" / "pdfs"
    parser = argparse.ArgumentParser()
    parser.add_argument("pdf_dir", nargs="?", default=str(default))
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    paths = sorted(str(p) for p in Path(args.pdf_dir).glob("*.pdf"))
    if not paths:
        sys.exit(f"no PDFs in {args.pdf_dir}")
    funcs = {"bare": bare, "full": full}
    for func in funcs.values():
        func(paths[:1])  # warm up imports and PDFium
    # Interleave per file so both paths see the same machine load; CPU time is the
    # headline (robust to other processes on a shared box), wall time is shown too.
    cpu = {k: [] for k in funcs}  # type: dict[str, list[float]]
    wall = {k: [] for k in funcs}  # type: dict[str, list[float]]
    pages = 0
    for _ in range(args.rounds):
        totals = {k: [0.0, 0.0] for k in funcs}
        pages = 0
        for path in paths:
            for kind, func in funcs.items():
                c0, w0 = time.process_time(), time.perf_counter()
                n = func([path])
                totals[kind][0] += time.process_time() - c0
                totals[kind][1] += time.perf_counter() - w0
            pages += n
        for kind in funcs:
            cpu[kind].append(pages / totals[kind][0])
            wall[kind].append(pages / totals[kind][1])
    peaks = {kind: peak_rss(kind, paths) for kind in funcs}
    print(f"{len(paths)} PDFs, {pages} pages, {args.rounds} rounds, median pages/s")
    print("| path | pages/s (CPU time) | pages/s (wall) | peak RSS |")
    print("|---|---|---|---|")
    for kind, label in (("bare", "bare pypdfium2 `get_text_range`"),
                        ("full", "`extract_pdf` (text + clean + sections)")):
        print(f"| {label} | {statistics.median(cpu[kind]):.0f} "
              f"| {statistics.median(wall[kind]):.0f} | {peaks[kind]:.0f} MiB |")
    ratio = statistics.median(cpu["full"]) / statistics.median(cpu["bare"])
    ratio_wall = statistics.median(wall["full"]) / statistics.median(wall["bare"])
    print(f"ratio full/bare: {ratio:.2f} (CPU time), {ratio_wall:.2f} (wall)")


if __name__ == "__main__":
    main()
