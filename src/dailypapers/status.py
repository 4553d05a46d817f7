"""Each paper's real state on a day, for ``dailypapers status`` (text and ``--json``).

A paper is ``summarized`` (from its full text), ``abstract`` (summarized from the abstract
only: no full text could be read), ``fallback`` (its summarizer failed and another one wrote
the summary), ``failed`` (no summary at all) or ``pending`` (not summarized yet). The reason
is the one the pipeline wrote on the paper's day row (``day_papers.error``). Pure: it reads a
digest and the day's errors, and says what they mean, once for both outputs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from .models import DayDigest, DigestEntry

State = Literal["summarized", "abstract", "fallback", "failed", "pending"]
WORDS: dict[str, str] = {
    "summarized": "summarized", "abstract": "from the abstract", "fallback": "fallback",
    "failed": "failed", "pending": "pending",
}
MARKS: dict[str, str] = {
    "summarized": "✓", "abstract": "~", "fallback": "!", "failed": "✗", "pending": "·",
}


@dataclass
class PaperStatus:
    rank: int
    arxiv_id: str
    state: State
    read: str | None  # what the summary was checked against: full text | abstract only
    backend: str | None
    reason: str | None  # from the day row: why it fell back or failed
    unsupported: list[str] = field(default_factory=list)  # items the check could not find

    def line(self) -> str:
        head = f"  {MARKS[self.state]} {self.rank:>2} {self.arxiv_id:<12} {WORDS[self.state]}"
        if self.backend:
            head += f" by {self.backend}"
        if self.read:
            head += f" (checked against the {self.read})"
        if self.unsupported:
            head += f"; not found in the paper: {', '.join(self.unsupported)}"
        return head + (f"\n      reason: {self.reason}" if self.reason else "")


def paper_status(entry: DigestEntry, reason: str | None) -> PaperStatus:
    summary, verification = entry.summary, entry.verification
    state: State
    if summary is None:
        state = "failed" if reason else "pending"
    elif summary.fallback_from:
        state = "fallback"
    elif "abstract" in (summary.source, entry.fulltext_source,
                        verification.source if verification else None):
        state = "abstract"
    else:
        state = "summarized"
    read = None
    if verification is not None:
        read = "full text" if verification.full_text else "abstract only"
    return PaperStatus(
        rank=entry.rank, arxiv_id=entry.paper.arxiv_id, state=state, read=read,
        backend=summary.backend if summary else None, reason=reason,
        unsupported=list(dict.fromkeys(i.text for i in verification.unsupported))
        if verification else [],
    )


def day_status(digest: DayDigest, errors: Mapping[str, str]) -> list[PaperStatus]:
    return [paper_status(e, errors.get(e.paper.arxiv_id)) for e in digest.entries]


def status_dict(digest: DayDigest, errors: Mapping[str, str],
                runs: list[dict[str, Any]], skipped: list[tuple[int, str]]) -> dict[str, Any]:
    papers = day_status(digest, errors)
    counts = {state: sum(1 for p in papers if p.state == state) for state in WORDS}
    return {
        "date": digest.date, "source": digest.source, "fetched_at": digest.fetched_at,
        "papers": [asdict(p) for p in papers], "counts": counts,
        "flagged": sum(1 for p in papers if p.unsupported),
        "skipped": [{"position": pos, "reason": why} for pos, why in skipped],
        "runs": runs,
    }


def status_lines(data: Mapping[str, Any]) -> list[str]:
    """The text form of :func:`status_dict` (the same facts)."""
    counts = data["counts"]
    parts = [f"{n} {WORDS[s]}" for s, n in counts.items() if n]
    lines = [f"{data['date']} ({data['source']}, fetched {data['fetched_at']}): "
             f"{len(data['papers'])} papers: {', '.join(parts)}; "
             f"{data['flagged']} with unsupported numbers"]
    lines += [PaperStatus(**p).line() for p in data["papers"]]
    if data["skipped"]:
        lines.append(f"  {len(data['skipped'])} list problems skipped:")
        lines += [f"    item {s['position']}: {s['reason']}" for s in data["skipped"][:20]]
    for r in data["runs"]:
        line = f"  run {r['id']} {r['started_at']} {r['status']} {r['counts']}"
        lines.append(line + (f" {r['message']}" if r.get("message") else ""))
    return lines
