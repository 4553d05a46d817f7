"""A PDFium worker that cannot start, or dies outside any PDF, is our fault, never the paper's.

The case that started it: a script that drives dailypapers without an
``if __name__ == "__main__":`` guard. Every worker is forked from multiprocessing's fork
server and runs the main script again before its target; the script then tries to start a
process while it bootstraps, and the worker exits with status 1 before it has seen a PDF.
The first PDF used to be recorded as failed for good (its picture never made, its text
replaced by the HTML page and the cached PDF deleted). Now the run goes on without the
picture or with the abstract, says why in one line, and the next run makes both.
"""

from __future__ import annotations

import contextlib
import json
import logging
import multiprocessing as mp
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from fakes.files import serve_folder
from fakes.pdfkit import cache_pdf, make_paper_pdf
from PIL import Image

from dailypapers.config import Settings, load_settings
from dailypapers.errors import PdfError, WorkerError
from dailypapers.fulltext.download import PdfCache
from dailypapers.fulltext.figure import Picture
from dailypapers.fulltext.worker import ExtractionWorker
from dailypapers.render import pictures

ARXIV_ID, VERSION = "2503.00001", 2

_SETUP = """\
import sys
from pathlib import Path
from dailypapers.config import load_settings
settings = load_settings(Path(sys.argv[1]))
"""
PICTURES = _SETUP + """\
from dailypapers.render import pictures
made = pictures.prepare(settings, [("2503.00001", 2)])
print("pictures:", sorted(made))
"""
TEXTS = _SETUP + """\
from dailypapers.fulltext import FullTextFetcher
from dailypapers.models import Paper
paper = Paper(arxiv_id="2503.00001", title="A Generated Paper", abstract="We study it.",
              authors=["A. Person"], version=2)
# as run_day does: two workers shared by the fetch threads (each is lent once here)
with FullTextFetcher.new_pool(settings, 2) as pool, \\
        FullTextFetcher(settings, pool=pool) as fetcher:
    for _ in range(2):
        text = fetcher.fetch(paper)
        print("text:", text.source, "|", "; ".join(text.fallback_reasons))
"""


def _script(folder: Path, name: str, body: str, *, guard: bool) -> Path:
    if guard:  # the same script as it should be written
        body = "def main():\n" + "".join(f"    {line}\n" for line in body.splitlines())
        body += 'if __name__ == "__main__":\n    main()\n'
    path = folder / f"{name}{'_guarded' if guard else ''}.py"
    path.write_text(body, encoding="utf-8")
    return path


def _run(script: Path, work: Path) -> subprocess.CompletedProcess[str]:
    # a dead port for arXiv: nothing in this test may reach a network
    env = {**os.environ, "DAILYPAPERS_ARXIV_URL": "http://127.0.0.1:9"}
    return subprocess.run([sys.executable, str(script), str(work)], cwd=work, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


def _our_lines(stderr: str) -> list[str]:
    """Log lines of dailypapers itself (not the children's tracebacks)."""
    return [line for line in stderr.splitlines() if "worker could not start" in line]


def _settings(work: Path) -> Settings:
    settings = load_settings(work)
    cache_pdf(settings, make_paper_pdf(work / "a.pdf"), ARXIV_ID, VERSION)
    return settings


def _sha(settings: Settings) -> str:
    cached = PdfCache(settings.cache_path / "pdf").lookup(ARXIV_ID, VERSION)
    assert cached is not None
    return cached.sha256


def test_a_picture_worker_that_cannot_start_marks_no_paper_and_the_next_run_makes_it(
        isolated_env: Path) -> None:
    settings = _settings(isolated_env)
    folder = settings.cache_path / "pictures"
    first = _run(_script(isolated_env, "pictures", PICTURES, guard=False), isolated_env)
    assert first.returncode == 0, first.stderr
    assert "pictures: []" in first.stdout
    lines = _our_lines(first.stderr)
    assert len(lines) == 1, first.stderr
    assert "1 picture(s) left for the next run" in lines[0]
    assert 'if __name__ == "__main__":' in lines[0]
    assert not (folder / f"{_sha(settings)}.json").exists()  # nothing recorded as failed

    again = _run(_script(isolated_env, "pictures", PICTURES, guard=True), isolated_env)
    assert again.returncode == 0, again.stderr
    assert "pictures: ['2503.00001']" in again.stdout and not _our_lines(again.stderr)
    sha = _sha(settings)
    assert sorted(p.name for p in folder.iterdir()) == [f"{sha}.{x}" for x in
                                                          ("jpg", "json", "webp")]
    assert "error" not in json.loads((folder / f"{sha}.json").read_text(encoding="utf-8"))


def test_an_extraction_worker_that_cannot_start_keeps_the_pdf_and_the_next_run_reads_it(
        isolated_env: Path) -> None:
    settings = _settings(isolated_env)
    first = _run(_script(isolated_env, "texts", TEXTS, guard=False), isolated_env)
    assert first.returncode == 0, first.stderr
    # the abstract for now, saying why; no HTML asked for (it would be kept for good)
    said = first.stdout.splitlines()
    assert len(said) == 2 and all(
        line.startswith("text: abstract | pdf: the PDF extraction worker could not start")
        for line in said), first.stdout
    assert "html:" not in first.stdout
    assert len(_our_lines(first.stderr)) == 1, first.stderr  # both workers, one line
    assert PdfCache(settings.cache_path / "pdf").lookup(ARXIV_ID, VERSION) is not None

    again = _run(_script(isolated_env, "texts", TEXTS, guard=True), isolated_env)
    assert again.returncode == 0, again.stderr
    assert "text: pdf |" in again.stdout and not _our_lines(again.stderr)


RUN = """\
import sys
from dailypapers.cli import main
main(["run", "--date", sys.argv[2], "--input", sys.argv[3], "--dir", sys.argv[1]])
"""


def test_a_whole_run_from_a_script_without_the_guard_loses_nothing(tmp_path: Path) -> None:
    """The day, end to end: PDFs from a loopback arXiv, the site, Telegram. Without the
    guard the run publishes and delivers on abstracts, says why in one line per worker
    kind, and marks nothing; run again as it should be written, it reads the PDFs and makes
    the pictures, and sends nothing twice (nor a picture alone, after its paper)."""
    from faultkit import DATE, ChatServer, cli_env, hf_item, telegram_dir

    items = [hf_item(1), hf_item(2)]
    papers = tmp_path / "arxiv"
    (papers / "pdf").mkdir(parents=True)
    for item in items:
        make_paper_pdf(papers / "pdf" / item["paper"]["id"],
                       title=item["paper"]["title"])
    with serve_folder(papers, "application/pdf") as arxiv, ChatServer() as chat:
        root = telegram_dir(tmp_path / "w", chat.url, items, fulltext=True, site=True,
                            arxiv_url=arxiv.url)
        args = [str(root), DATE, str(root / "day.json")]

        def run(guard: bool) -> subprocess.CompletedProcess[str]:
            script = _script(tmp_path, "run", RUN, guard=guard)
            return subprocess.run([sys.executable, str(script), *args], cwd=root,
                                  env=cli_env(), capture_output=True, text=True,
                                  timeout=600, check=False)

        first = run(guard=False)
        # partial: published and delivered on abstracts, saying why and when it is fixed
        assert first.returncode == 3, first.stderr[-3000:]
        assert "2 without full text" in first.stdout and "tried again next run" in first.stdout
        lines = _our_lines(first.stderr)
        assert len(lines) == 2, first.stderr[-3000:]  # the texts' workers, the pictures'
        assert sum("left for the next run" in line for line in lines) == 1
        assert not list((root / "site").rglob("*.webp"))
        sent = len(chat.received)
        assert sent >= 2  # the day's papers (and its header)
        cached = sorted((root / "cache" / "pdf" / "blobs").glob("*.pdf"))
        assert len(cached) == 2  # kept: the next run reads them without asking again
        asked = len(arxiv.asked)
        assert not [path for path in arxiv.asked if "/html/" in path]

        again = run(guard=True)
        assert again.returncode == 0, again.stderr[-3000:]
        assert not _our_lines(again.stderr)
        assert len(arxiv.asked) == asked  # nothing downloaded again
        assert len(list((root / "site" / "img").glob("*.webp"))) == 2
        # nothing sent twice, and no picture after its paper's message, out of order
        assert len(chat.received) == sent
        year, month, day = DATE.split("-")
        data = json.loads((root / "data" / year / month / f"{day}.json").read_text("utf-8"))
        assert len(data["papers"]) == 2
        assert all(p["fulltext_source"] == "pdf" for p in data["papers"])


def test_a_dead_fork_server_is_started_again(isolated_env: Path) -> None:
    from multiprocessing import forkserver

    settings = _settings(isolated_env)
    worker = ExtractionWorker(120)
    try:
        assert worker.extract(isolated_env / "a.pdf", ARXIV_ID, VERSION).text
        pid = forkserver._forkserver._forkserver_pid  # type: ignore[attr-defined]
        assert pid
        os.kill(pid, signal.SIGKILL)
        worker.close()
        assert worker.extract(isolated_env / "a.pdf", ARXIV_ID, VERSION).text
        assert forkserver._forkserver._forkserver_pid not in (None, pid)  # type: ignore[attr-defined]
    finally:
        worker.close()
    made = pictures.prepare(settings, [(ARXIV_ID, VERSION)])
    assert list(made) == [ARXIV_ID]


class _Killer:
    """Kills a child process called ``name`` while it has ``pdf`` open, ``times`` times, as
    the OS would (SIGKILL): the kill lands on the PDF, never before or after it."""

    def __init__(self, name: str, pdf: Path, times: int) -> None:
        self.name, self.pdf, self.times = name, str(pdf.resolve()), times
        self.kills = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _has_pdf_open(self, pid: int) -> bool:
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            return False
        for fd in fds:
            with contextlib.suppress(OSError):
                if os.readlink(f"/proc/{pid}/fd/{fd}") == self.pdf:
                    return True
        return False

    def _watch(self) -> None:
        killed: set[int] = set()
        while self.kills < self.times and not self._done.wait(0.001):
            for child in mp.active_children():
                pid = child.pid
                if (child.name == self.name and pid and pid not in killed
                        and self._has_pdf_open(pid)):
                    os.kill(pid, signal.SIGKILL)
                    killed.add(pid)
                    self.kills += 1

    def __enter__(self) -> _Killer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()


def _slow_pdf(work: Path, pages: int = 2) -> Path:
    """A paper whose figure (noise, which does not compress) takes PDFium a while to draw,
    and ``pages`` pages of text: a kill has time to land while the worker holds it open."""
    noise = Image.effect_noise((2400, 1400), 60).convert("RGB")
    return make_paper_pdf(work / "slow.pdf", picture=noise, pages=pages)


@pytest.mark.parametrize("kills", [1, 2])
def test_a_picture_worker_killed_on_a_pdf_is_given_it_once_more(
        isolated_env: Path, caplog: pytest.LogCaptureFixture, kills: int) -> None:
    pdf = _slow_pdf(isolated_env)
    folder = isolated_env / "pictures"
    folder.mkdir()
    with caplog.at_level(logging.INFO, logger="dailypapers"), \
            _Killer("dailypapers-pictures", pdf, kills) as killer:
        pictures._run([(str(pdf), "slow")], folder)
    assert killer.kills == kills
    meta = json.loads((folder / "slow.json").read_text(encoding="utf-8"))
    assert "trying it once more" in caplog.text
    if kills == 1:  # the OS killed it once: the picture is made in the same run
        assert "error" not in meta and (folder / "slow.webp").is_file()
    else:  # it died on that PDF twice: the PDF's fault, recorded
        assert meta["error"].startswith("worker died twice (exit code -9")
        assert not (folder / "slow.webp").exists()


@pytest.mark.parametrize("kills", [1, 2])
def test_an_extraction_worker_killed_on_a_pdf_is_given_it_once_more(
        isolated_env: Path, kills: int) -> None:
    pdf = _slow_pdf(isolated_env, pages=40)
    worker = ExtractionWorker(120)
    try:
        with _Killer("dailypapers-pdfium", pdf, kills) as killer:
            if kills == 1:
                assert "Body text line" in worker.extract(pdf, ARXIV_ID, VERSION).text
            else:
                with pytest.raises(PdfError, match="died twice"):
                    worker.extract(pdf, ARXIV_ID, VERSION)
        assert killer.kills == kills
    finally:
        worker.close()


def test_a_pdf_over_the_memory_limit_is_recorded_failed(isolated_env: Path) -> None:
    settings = _settings(isolated_env).model_copy(update={"pdf_max_memory": 1 << 20})
    with pytest.raises(PdfError):
        ExtractionWorker(120, max_memory=1 << 20).extract(isolated_env / "a.pdf", ARXIV_ID,
                                                          VERSION)
    assert pictures.prepare(settings, [(ARXIV_ID, VERSION)]) == {}
    meta = json.loads((settings.cache_path / "pictures" / f"{_sha(settings)}.json"
                       ).read_text(encoding="utf-8"))
    assert "pdf_max_memory" in meta["error"]


def test_an_error_on_one_pdf_is_recorded_and_the_worker_goes_on(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker side, run in this process: an error of PDFium or the finder on one PDF
    is that PDF's (as the extraction worker has it); the next PDF still gets its picture."""
    from dailypapers.fulltext import figure

    real = figure.make_picture

    def failing_on_bad(pdf: Path) -> Picture:
        if pdf.name == "bad.pdf":
            raise SystemError("error return without exception set")
        return real(pdf)

    monkeypatch.setattr(figure, "make_picture", failing_on_bad)
    folder = tmp_path / "pictures"
    folder.mkdir()
    good = make_paper_pdf(tmp_path / "good.pdf")
    parent, child = mp.Pipe(duplex=False)
    pictures._make_all([(str(tmp_path / "bad.pdf"), "bad"), (str(good), "good")],
                       str(folder), None, child)
    child.close()
    said = []
    with contextlib.suppress(EOFError):
        while True:
            said.append(parent.recv())
    assert said == [None, "bad", "good"]  # started, then each PDF as it is begun
    bad = json.loads((folder / "bad.json").read_text(encoding="utf-8"))
    assert bad["error"] == "figure finder failed: SystemError: error return without exception set"
    assert (folder / "good.webp").is_file()


def test_worker_error_is_not_a_pdf_error() -> None:
    assert not issubclass(WorkerError, PdfError)
