"""Finding 4: every size is bounded (remote text, extracted text, worker memory, model output,
messages per paper); sentence splitting is linear (its figure is in bench/README.md)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from faultkit import DATE, ChatServer, cli, hf_item, hostile_pdf, telegram_dir

from dailypapers.fulltext.pdf import PdfError
from dailypapers.fulltext.worker import bounded
from dailypapers.models import FullText, Section, Summary
from dailypapers.safety import scrub_summary

PROBE = """
import resource, sys
from pathlib import Path
from dailypapers.fulltext.worker import ExtractionWorker
from dailypapers.fulltext.pdf import PdfError

def main():
    worker = ExtractionWorker(120, max_memory=1 << 30, max_chars=3_000_000)
    try:
        worker.extract(Path(sys.argv[1]), "2503.00001", 1)
        print("extracted")
    except PdfError as exc:
        print("refused:", exc)
    worker.close()
    print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)

if __name__ == "__main__":
    main()
"""


def test_a_pdf_bomb_is_refused_within_the_worker_memory_limit(tmp_path: Path) -> None:
    pdf = hostile_pdf(tmp_path / "bomb.pdf", text_mb=150)
    assert pdf.stat().st_size < 1_000_000
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE, encoding="utf-8")
    done = subprocess.run([sys.executable, str(probe), str(pdf)], capture_output=True,
                          text=True, timeout=300)
    lines = done.stdout.strip().splitlines()
    assert lines[0].startswith("refused:"), done.stdout + done.stderr
    assert "pdf_max_memory" in lines[0]
    peak_kib = int(lines[-1])
    assert peak_kib < 1 << 20  # the worker's peak resident memory stayed under 1 GiB


def test_extracted_text_is_cut_at_its_limit_and_empty_text_refused() -> None:
    text = "x" * 5000
    fulltext = FullText(arxiv_id="2503.00001", version=1, source="pdf", text=text,
                        sections=[Section("body", "Body", text[:3000]),
                                  Section("body", "More", text[3000:])])
    cut = bounded(fulltext, 4000)
    assert len(cut.text) == 4000 and sum(len(s.text) for s in cut.sections) == 4000
    assert cut.stats["truncated_at_chars"] == 4000
    empty = FullText(arxiv_id="2503.00001", version=1, source="pdf", text=" \n ")
    try:
        bounded(empty, 4000)
    except PdfError as exc:
        assert "0 characters" in exc.reason
    else:
        raise AssertionError("an empty extraction was accepted as full text")


def test_model_output_is_redacted_and_bounded_per_field(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("OPENAI_API_KEY", "sk-echoed-secret-0123456789")
    summary = Summary(arxiv_id="2503.00001", one_line="Key sk-echoed-secret-0123456789 here",
                      objective="o" * 11_000_000, method="m\x1b[2J\u202e", results="r",
                      implication="i", keywords=["k"] * 1000)
    scrub_summary(summary, 6000)
    assert "sk-echoed" not in summary.one_line and "***" in summary.one_line
    assert len(summary.objective) == 6000 and summary.method == "m[2J"
    assert len(summary.keywords) == 32


def test_a_megabyte_title_is_one_bounded_message(tmp_path: Path) -> None:
    items = [hf_item(1, title="Huge " * 200_000, summary="Word " * 1_000_000)]
    with ChatServer() as chat:
        root = telegram_dir(tmp_path / "w", chat.url, items, site=True)
        done = cli(root, "run", "--date", DATE, "--input", str(root / "day.json"))
        count = len(chat.received)
    assert done.returncode in (0, 3), done.stderr
    assert count <= 1 + 4, done.stdout  # a header and at most max_messages_per_paper messages
    sizes = {p.name: p.stat().st_size for p in root.rglob("*")
             if p.is_file() and p.name != "day.json"}  # every output, not the input
    assert max(sizes.values()) < 2_000_000, sorted(sizes.items(), key=lambda x: -x[1])[:3]
    published = [p for p in root.rglob("*.json") if p.name != "day.json"]
    assert published and any("Huge Huge" in p.read_text(encoding="utf-8") for p in published)


def test_webhooks_send_one_bounded_escaped_post_per_paper(tmp_path: Path) -> None:
    """Slack and Discord: a megabyte title with mentions and markup is one clipped item per
    paper, packed into few posts, its plain-text fallback escaped (finding 10)."""
    from faultkit import cli_env

    hostile = "<!channel> <script>x</script> & *bold* " + "Huge " * 200_000
    items = [hf_item(1, title=hostile, summary="Word " * 100_000), hf_item(2), hf_item(3)]
    for kind in ("slack", "discord"):
        with ChatServer() as chat:
            root = telegram_dir(tmp_path / kind, chat.url, items, channels=["webhook"],
                                webhook_kind=kind)
            env = cli_env(DAILYPAPERS_WEBHOOK_URL=chat.url + "/hook")
            done = cli(root, "run", "--date", DATE, "--input", str(root / "day.json"),
                       "--no-fulltext", env=env)
            posts = [r.fields for r in chat.received]
        assert done.returncode in (0, 3), done.stderr
        assert 1 <= len(posts) <= 2  # header and three papers, packed
        assert all(len(json.dumps(p)) < 60_000 for p in posts)
        fallback = " ".join(str(p.get("text", "")) + str(p.get("content", "")) for p in posts)
        assert "<!channel>" not in fallback and "<script>" not in fallback
        assert fallback.count("Huge") < 2_000  # clipped, not the megabyte
        if kind == "slack":
            assert "&lt;!channel&gt;" in fallback
            assert all(len(b["text"]["text"]) <= 3000 for p in posts
                       for b in p.get("blocks", []) if isinstance(b.get("text"), dict))
