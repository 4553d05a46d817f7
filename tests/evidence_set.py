"""A labelled evidence set for the number check: (summary sentence, source) pairs with, for each
item, the expected verdict and the expected evidence sentence.

Two layers. ``written_cases`` builds papers the tests write themselves, each carrying every
trap of issue 10 (epochs for a percentage, ``M2M-100`` for 100%, ``Section 6`` for 6%,
"from 0 to 1" for 0%, a page number, a table of contents, a running header, a reference
list, list markers, two sentences stating the same value, two scores swapped between
benchmarks) and every documented equivalent form, so it runs on a fresh clone.
``shared_cases`` takes real sentences from ``../shared/data`` abstracts: each rewritten in an
equivalent form (expected grounded, by that very sentence) and with one number changed
(expected unsupported). ``score`` runs the verifier and counts.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from dailypapers.verify import extract_mentions, verify_text
from dailypapers.verify.text import prepare

ABSENT = "absent"  # the item must not be reported at all (a list marker is not a number)
FLAGGED = ("unsupported", "grounded_elsewhere")


@dataclass
class Expect:
    item: str  # as the summary writes it
    verdict: str  # grounded, grounded_elsewhere, unsupported, not_checked, absent, ...
    evidence: str | None = None  # the source sentence that must be shown


@dataclass
class Case:
    family: str
    summary: str
    source: str
    expect: list[Expect]
    origin: str = "written"


@dataclass
class Score:
    items: int = 0
    verdicts_right: int = 0
    evidence_items: int = 0
    evidence_right: int = 0
    pairs: int = 0
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    families: Counter[str] = field(default_factory=Counter)
    misses: list[str] = field(default_factory=list)

    @property
    def verdict_rate(self) -> float:
        return self.verdicts_right / max(1, self.items)

    @property
    def evidence_rate(self) -> float:
        return self.evidence_right / max(1, self.evidence_items)


def _norm(text: str) -> str:
    """Whitespace folded, markup undone as the check undoes it (it shows "24×" for the
    paper's "24 times" and drops LaTeX commands)."""
    return " ".join(prepare(text.replace("…", " ")).split())


def score(cases: list[Case]) -> Score:
    result = Score()
    for case in cases:
        result.pairs += 1
        result.families[case.family] += 1
        found = {i.text: i for i in verify_text(case.summary, case.source)}
        for want in case.expect:
            item = found.get(want.item)
            got = item.status if item is not None else ABSENT
            result.items += 1
            result.confusion[(want.verdict, got)] += 1
            if got == want.verdict:
                result.verdicts_right += 1
            else:
                result.misses.append(f"[{case.family}] {want.item}: want {want.verdict}, got "
                                     f"{got} | {case.summary}")
            if want.evidence is not None:
                result.evidence_items += 1
                shown = _norm(item.snippet or "") if item is not None else ""
                expected = _norm(want.evidence)
                if shown and (shown in expected or expected in shown):
                    result.evidence_right += 1
                else:
                    result.misses.append(f"[{case.family}] {want.item}: evidence {shown!r}, "
                                         f"want {expected!r}")
    return result


# ------------------------------------------------------------------ papers we write

NAMES = ["TinyNet", "Lumen", "Quill", "Sparrow", "Tessera", "Marlin", "Kestrel", "Juniper",
         "Beacon", "Cobalt", "Fennel", "Harbor", "Ionic", "Lattice", "Meridian", "Nimbus"]
BENCHMARKS = ["MMLU", "GSM8K", "HumanEval", "ImageNet", "COCO", "HellaSwag", "TruthfulQA",
              "BoolQ", "SQuAD", "DocVQA", "ChartQA", "WinoGrande"]
WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight",
         9: "nine"}
HEADER = "Preprint. Under review at ICLR 2026."


class _Draw:
    """Values that never collide with each other inside one paper."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def take(self, make: object) -> str:
        for _ in range(1000):
            value = make() if callable(make) else str(make)
            digits = value.replace(".", "").replace(",", "")
            # Nor its integer part, nor what it rounds to: 51.3% supports a summary's 51%.
            near = {value.split(".")[0], str(round(float(value)))}
            if value not in self.used and digits not in self.used and not near & self.used:
                self.used |= {value, digits, *near}
                return value
        raise RuntimeError("no fresh value")

    def score(self) -> str:
        return self.take(lambda: f"{self.rng.randint(41, 97)}.{self.rng.randint(1, 9)}")

    def integer(self, lo: int, hi: int) -> str:
        return self.take(lambda: str(self.rng.randint(lo, hi)))


def _paper(rng: random.Random, k: int) -> tuple[str, dict[str, str], dict[str, str]]:
    """A paper with every trap; returns (text, values, sentences by role)."""
    d = _Draw(rng)
    name = NAMES[k % len(NAMES)]
    b1, b2 = rng.sample(BENCHMARKS, 2)
    v = {
        "name": name, "b1": b1, "b2": b2, "s1": d.score(), "s2": d.score(),
        "g": f"{d.integer(2, 9)}.{rng.randint(1, 9)}", "e": d.integer(11, 39),
        "m": f"{d.integer(2, 9)}.{rng.randint(1, 9)}",
        "b": d.take(lambda: rng.choice(["1", "3", "7", "8", "13", "34", "70"])),
        "k": d.integer(12, 88), "p": d.integer(41, 59), "sec": d.integer(5, 9),
        "t1": d.integer(60, 69), "t2": d.integer(70, 79), "rv": d.score(),
        "rb": d.take(lambda: rng.choice(["2", "4", "9", "27", "65"])),
        "q": d.integer(12, 38), "a1": d.score(), "a2": d.score(),
        "c": d.take(lambda: rng.choice(["3", "5", "6"])),
        "f": "0." + d.take(lambda: f"{rng.randint(61, 94)}{rng.randint(1, 9)}"),
    }
    base = d.integer(2, 8)
    v["r"] = f"{base}.95"  # rounds to base+1 .0 at one decimal
    v["r_round"] = f"{int(base) + 1}.0"
    v["cw"] = WORDS[int(v["c"])]
    s = {
        "size": f"We present {name}, a {v['b']}B-parameter model.",
        "scores": (f"{name} reaches {v['s1']}% on {b1} and {v['s2']}% on {b2}, improving over "
                   f"the strongest baseline by {v['g']} points."),
        "names": "We compare against the M2M-100 model and GPT-4o.",
        "count": f"We evaluate on {v['cw']} benchmarks.",
        "epochs": f"We fine-tune for {v['e']} epochs with a learning rate of 0.0003.",
        "data": f"We train on {v['k']},000 examples.",
        "range": "Scores range from 0 to 1.",
        "speed": f"{name} is {v['m']}× faster than the baseline at inference.",
        "error": f"The error rate falls to {v['r']}% on held-out data.",
        "fraction": f"{name} reaches an accuracy of {v['f']} on the validation split.",
        "filter": f"We filter {v['q']}% of the training data.",
        "recall": f"Filtering improves recall by {v['q']}% on {b2}.",
        "ablation": f"Ablations give {v['a1']}%/{v['a2']}% on {b1}/{b2}.",
        "section": f"Finally, Section {v['sec']} discusses limitations.",
    }
    text = "\n".join([
        f"{name}: Fast and Frugal Reasoning", "", "Abstract",
        f"{s['size']} {s['scores']}", "", "Contents", "1 Introduction 2",
        f"2 Method {v['t1']}", f"3 Experiments {v['t2']}", "", HEADER, "1 Introduction",
        f"Large models are costly. {s['names']} {s['count']}", v["p"], HEADER, "2 Method",
        f"{s['epochs']} {s['data']} {s['range']}", "3 Experiments",
        f"{s['speed']} {s['error']} {s['fraction']} {s['filter']} {s['recall']} "
        f"{s['ablation']} {s['section']}", HEADER, "References",
        f"[1] A. Author. Scaling laws reach {v['rv']}% in a week. 2023.",
        f"[2] B. Author. A {v['rb']}B model for everything. 2024.", "",
    ])
    return text, v, s


def _cases_for(text: str, v: dict[str, str], s: dict[str, str]) -> list[Case]:
    def case(family: str, summary: str, *expect: Expect) -> Case:
        return Case(family, summary, text, list(expect))

    g, u, n = "grounded", "unsupported", "not_checked"
    c = int(v["c"])
    pct = f"{int(v['f'][2:4])}.{v['f'][4]}"
    return [
        case("same value", f"{v['name']} reaches {v['s1']}% on {v['b1']}.",
             Expect(f"{v['s1']}%", g, s["scores"])),
        case("percent word", f"It scores {v['s1']} percent on {v['b1']} and {v['s2']} percent "
             f"on {v['b2']}.", Expect(f"{v['s1']} percent", g, s["scores"]),
             Expect(f"{v['s2']} percent", g, s["scores"])),
        case("swapped scores", f"It scores {v['s2']}% on {v['b1']} and {v['s1']}% on "
             f"{v['b2']}.", Expect(f"{v['s2']}%", "grounded_elsewhere", s["scores"]),
             Expect(f"{v['s1']}%", "grounded_elsewhere", s["scores"])),
        case("points", f"It beats the best baseline by {v['g']} points.",
             Expect(f"{v['g']} points", g, s["scores"])),
        case("epochs for a percentage", f"Accuracy improves by {v['e']}%.",
             Expect(f"{v['e']}%", u)),
        case("epochs for a count", f"It is fine-tuned for {v['e']} epochs.",
             Expect(v["e"], g, s["epochs"])),
        case("digits inside a name", "Coverage reaches 100% of the languages.",
             Expect("100%", u)),
        case("names", "It beats M2M-100 and GPT-4o.", Expect("M2M-100", g, s["names"]),
             Expect("GPT-4o", g, s["names"])),
        case("changed name", "It beats GPT-40.", Expect("GPT-40", u)),
        case("digit of a name for a count", "It routes tokens to 4 experts.",
             Expect("4", u)),
        case("section number", f"Robustness drops by {v['sec']}%.", Expect(f"{v['sec']}%", u)),
        case("range bounds", "The failure rate is 0%.", Expect("0%", u)),
        case("page number", f"It needs {v['p']} GPUs.", Expect(v["p"], u)),
        case("page number as a percentage", f"It saves {v['p']}% of the memory.",
             Expect(f"{v['p']}%", u)),
        case("table of contents", f"Training is {v['t2']}× cheaper.",
             Expect(f"{v['t2']}×", u)),
        case("running header", "It was released in 2026.", Expect("2026", u)),
        case("reference list", f"Scaling reaches {v['rv']}%.", Expect(f"{v['rv']}%", u)),
        case("reference list size", f"It distills a {v['rb']}B teacher.",
             Expect(f"{v['rb']}B", u)),
        case("multiplier x", f"It runs {v['m']}x faster.", Expect(f"{v['m']}x", g, s["speed"])),
        # The check reads "9.5 times" as "9.5×" and names the item so.
        case("multiplier times", f"Inference is {v['m']} times faster.",
             Expect(f"{v['m']}×", g, s["speed"])),
        case("multiplier fold", f"It gives a {v['m']}-fold speedup at inference.",
             Expect(f"{v['m']}-fold", g, s["speed"])),
        case("changed multiplier", f"It runs {v['m'][0]}.{(int(v['m'][2]) + 3) % 10}x faster.",
             Expect(f"{v['m'][0]}.{(int(v['m'][2]) + 3) % 10}x", u)),
        case("size in words", f"{v['name']} is a {v['b']} billion parameter model.",
             Expect(f"{v['b']} billion", g, s["size"])),
        case("size x10", f"{v['name']} is a {int(v['b']) * 10}B model.",
             Expect(f"{int(v['b']) * 10}B", u)),
        case("thousands k", f"It is trained on {v['k']}k examples.",
             Expect(f"{v['k']}k", g, s["data"])),
        case("thousands word", f"It is trained on {v['k']} thousand examples.",
             Expect(f"{v['k']} thousand", g, s["data"])),
        case("thousands separator", f"It is trained on {v['k']}000 examples.",
             Expect(f"{v['k']}000", g, s["data"])),
        case("paper's rounding", f"The error rate falls to {v['r_round']}%.",
             Expect(f"{v['r_round']}%", g, s["error"])),
        case("wrong rounding", f"The error rate falls to {int(v['r_round'][0]) + 2}.0%.",
             Expect(f"{int(v['r_round'][0]) + 2}.0%", u)),
        case("fraction as a percentage", f"Validation accuracy is {pct}%.",
             Expect(f"{pct}%", g, s["fraction"])),
        case("best sentence", f"Filtering improves recall by {v['q']}%.",
             Expect(f"{v['q']}%", g, s["recall"])),
        case("best sentence", f"About {v['q']}% of the training data is filtered out.",
             Expect(f"{v['q']}%", g, s["filter"])),
        case("slash pair", f"Ablations give {v['a1']} percent/{v['a2']} percent.",
             Expect(f"{v['a1']} percent", g, s["ablation"]),
             Expect(f"{v['a2']} percent", g, s["ablation"])),
        case("count with noun", f"It is evaluated on {c} benchmarks.",
             Expect(str(c), g, s["count"])),
        case("wrong count", f"It is evaluated on {c + 3} benchmarks.", Expect(str(c + 3), u)),
        case("count of another noun", f"The pipeline has {c} stages.", Expect(str(c), n)),
        case("list markers", f"Contributions: 1. a new model; 2. a result of {v['s1']}% on "
             f"{v['b1']}.", Expect("1", ABSENT), Expect("2", ABSENT),
             Expect(f"{v['s1']}%", g, s["scores"])),
        case("list markers", f"(1) It is fast; (2) it reaches {v['s2']}% on {v['b2']}.",
             Expect("1", ABSENT), Expect("2", ABSENT), Expect(f"{v['s2']}%", g, s["scores"])),
        case("changed digit", f"{v['name']} reaches {v['s1'][:-1]}"
             f"{(int(v['s1'][-1]) + 4) % 10}% on {v['b1']}.",
             Expect(f"{v['s1'][:-1]}{(int(v['s1'][-1]) + 4) % 10}%", u)),
    ]


def written_cases(papers: int = 12, seed: int = 10) -> list[Case]:
    rng = random.Random(seed)
    out: list[Case] = []
    for k in range(papers):
        text, values, sentences = _paper(rng, k)
        out += _cases_for(text, values, sentences)
    return out


# ------------------------------------------------------------------ real sentences

_SENT_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def _equivalent(token: str) -> str | None:
    """Another documented form of a number, as a careful writer would put it."""
    m = re.fullmatch(r"(\d+(?:\.\d+)?)%", token)
    if m:
        return f"{m.group(1)} percent"
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([KMB])", token)
    if m:
        return f"{m.group(1)} " + {"K": "thousand", "M": "million", "B": "billion"}[m.group(2)]
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(?:x|×)", token)
    if m:
        return f"{m.group(1)}-fold"
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+", token):
        return token.replace(",", "")
    return None


def _changed(token: str) -> str | None:
    """``token`` with one digit changed (a result number, a size, a multiplier)."""
    m = re.fullmatch(r"(\d+\.\d*)(\d)(%|[KMB]|x|×)?", token)
    if m:
        return f"{m.group(1)}{(int(m.group(2)) + 3) % 10}{m.group(3) or ''}"
    m = re.fullmatch(r"(\d+)([KMB])", token)
    if m:
        return f"{int(m.group(1)) * 10}{m.group(2)}"
    return None


def _sentence_cases(sentence: str, source: str, stated: set[Decimal], label: str) -> (
        list[Case]):
    """A real sentence as summaries: each number rewritten in an equivalent form (grounded
    by that sentence) and changed by one digit (flagged), unless the paper states the change."""
    out: list[Case] = []
    for mention in extract_mentions(sentence):
        token = mention.text
        whole = re.search(r"(?:^|(?<=[\s(]))" + re.escape(token) + r"(?=[\s,;:.)]|$)",
                          sentence)
        if whole is None or sentence.count(token) != 1:
            continue
        new = _equivalent(token)
        if new is not None and re.match(r"\s*\d", sentence[whole.end():]):
            new = None  # "2 × 4": a product, not a multiplier
        if new is not None:
            text = sentence[: whole.start()] + new + sentence[whole.end():]
            out.append(Case(f"{label} rewrite", text, source,
                            [Expect(new, "grounded", sentence)], "shared"))
        bad = _changed(token)
        value = re.match(r"\d+(?:\.\d+)?", bad or "")
        if bad is None or value is None or Decimal(value.group(0)) in stated:
            continue
        found = extract_mentions(bad)
        if found and set(found[0].values) & stated:
            continue
        text = sentence[: whole.start()] + bad + sentence[whole.end():]
        out.append(Case(f"{label} change", text, source, [Expect(bad, "unsupported")],
                        "shared"))
    return out


def shared_cases(shared: Path, limit: int = 400) -> list[Case]:
    """Real abstract sentences, rewritten (grounded by that sentence) and changed (flagged)."""
    out: list[Case] = []
    for source in shared_sources(shared, limit=None):
        stated = _stated(source)
        abstract = source.split("\n\n", 1)[1]
        for sentence in _SENT_RE.split(" ".join(abstract.split())):
            out += _sentence_cases(sentence, source, stated, "real")
            if len(out) >= limit:
                return out[:limit]
    return out


# ------------------------------------------------------------------ mutations

def _mutants(token: str) -> list[tuple[str, str]]:
    """(kind, mutated token) for a result number, a size or a name."""
    out: list[tuple[str, str]] = []
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(%| percent|[KMB]| billion|x|×)?(?:-[a-z]+)?", token)
    if m and "." in m.group(1):
        digits, unit = m.group(1), m.group(2) or ""
        last = digits[-1]
        out.append(("digit change", digits[:-1] + str((int(last) + 3) % 10) + unit))
        i = digits.index(".")
        if i >= 2 and digits[i - 2] != digits[i - 1]:
            out.append(("transposition", digits[: i - 2] + digits[i - 1] + digits[i - 2]
                        + digits[i:] + unit))
    if m and (m.group(2) or "").strip() in ("B", "M", "billion"):
        out.append(("x10 size", f"{Decimal(m.group(1)) * 10}{m.group(2)}"
                    + token[m.end(2):]))
    if re.search(r"[A-Za-z]-?\d+o\b", token):
        out.append(("4o -> 40", re.sub(r"(\d+)o\b", r"\g<1>0", token)))
    return out


def _stated(source: str) -> set[Decimal]:
    """Every value the source states, and what each rounds to at one and zero decimals."""
    values: set[Decimal] = set()
    for mention in extract_mentions(source):
        for v in (*mention.values, *mention.raw):
            values |= {v, v * 100, *(v.quantize(q, rounding=ROUND_HALF_UP) for q in (
                Decimal("0.01"), Decimal("0.1"), Decimal(1)))}
    values |= {Decimal(x) for x in re.findall(r"\d+(?:\.\d+)?", source.replace(",", ""))}
    return values


def mutation_cases(sources: list[str]) -> tuple[list[Case], list[Case]]:
    """(mutated, rewritten) single-item summaries built from sentences of ``sources``."""
    mutated: list[Case] = []
    rewritten: list[Case] = []
    for source in sources:
        stated = _stated(source)
        sentences: list[str] = []
        claims = source.split("\nReferences\n")[0]  # the written papers' reference list
        for line in claims.split("\n"):
            if len(line.split()) < 6 or line.startswith("Preprint."):
                continue  # headings, contents, page numbers, running headers
            sentences += _SENT_RE.split(line)
        for sentence in sentences:
            for mention in extract_mentions(sentence):
                token = mention.text
                whole = re.search(r"(?:^|(?<=[\s(/]))" + re.escape(token)
                                  + r"(?=[\s,;:.)/]|$)", sentence)
                if whole is None:
                    continue
                for kind, bad in _mutants(token):
                    value = re.search(r"\d+(?:\.\d+)?", bad)
                    found = extract_mentions(bad)
                    if value is None or (kind != "4o -> 40" and (
                            Decimal(value.group(0)) in stated
                            or (found and set(found[0].values) & stated))):
                        continue
                    if kind == "4o -> 40" and bad in source:
                        continue
                    text = sentence[: whole.start()] + bad + sentence[whole.end():]
                    mutated.append(Case(kind, text, source, [Expect(bad, "unsupported")]))
                new = _equivalent(token)
                if new is not None:
                    text = sentence[: whole.start()] + new + sentence[whole.end():]
                    rewritten.append(Case("rewrite", text, source, [Expect(new, "grounded")]))
    return mutated, rewritten


def flag_rate(cases: list[Case]) -> tuple[int, int, list[str]]:
    """(flagged, total, misses): an item counts as flagged when unsupported or elsewhere."""
    flagged, misses = 0, []
    for case in cases:
        item = {i.text: i for i in verify_text(case.summary, case.source)}.get(
            case.expect[0].item)
        if item is not None and item.status in FLAGGED:
            flagged += 1
        else:
            misses.append(f"[{case.family}] {case.expect[0].item}: "
                          f"{item.status if item else ABSENT} | {case.summary[:160]}")
    return flagged, len(cases), misses


def written_sources(papers: int = 12, seed: int = 10) -> list[str]:
    rng = random.Random(seed)
    return [_paper(rng, k)[0] for k in range(papers)]


def shared_sources(shared: Path, limit: int | None = 600) -> list[str]:
    """Title and abstract of the recorded papers, in arXiv id order."""
    with (shared / "reference" / "abstracts.jsonl").open() as handle:
        rows = sorted((json.loads(line) for line in handle), key=lambda r: r["arxiv_id"])
    return [f"{r['title']}\n\n{r['abstract']}" for r in rows[:limit]]


def fulltext_cases(shared: Path, per_paper: int = 80) -> list[Case]:
    """Sentences of the real full texts (the shared PDFs, extracted by the project's own
    fulltext stage): each rewritten in an equivalent form (grounded by that sentence, among
    every other place the paper states the value) and with one number changed (flagged)."""
    from dailypapers.fulltext import extract_pdf
    from dailypapers.models import Paper
    from dailypapers.verify import source_of

    out: list[Case] = []
    manifest = json.loads((shared / "pdfs" / "manifest.json").read_text())
    for entry in manifest:
        fulltext = extract_pdf(shared / "pdfs" / entry["file"], entry["arxiv_id"])
        paper = Paper(entry["arxiv_id"], entry["title"], fulltext.section_text("abstract"))
        source = source_of(paper, fulltext).text
        stated = _stated(source)
        cases: list[Case] = []
        for line in fulltext.text.split("\n"):
            if len(line.split()) < 12 or ". . ." in line:
                continue  # headings, table rows, captions cut short, contents
            for sentence in _SENT_RE.split(line):
                if 8 <= len(sentence.split()) <= 60:
                    cases += _sentence_cases(sentence, source, stated, "full-text")
        out += cases[:per_paper]
    return out
