"""A paper's keywords: its names ("GPT-4o", "LongLLaVA") and frequent content words."""

from __future__ import annotations

import re
from collections import Counter

from .cues import LINK_RE

# Words with two capitals or a digit: "MoE", "GPT-4o", "LongLLaVA" (not "The").
_NAME_RE = re.compile(
    r"\b(?=[A-Za-z0-9.\-]*(?:\d|[A-Z][a-z0-9.\-]*[A-Z]))[A-Za-z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*\b"
)
_EMAIL_RE = re.compile(r"\S+@\S+\.\w+")
# "Single-Cell", "Text-to-Image": title-case words joined by hyphens, not a name.
_TITLE_CASE_RE = re.compile(r"[A-Z][a-z]+(?:-(?:[A-Z][a-z]+|[a-z]+))+")
_WORD_RE = re.compile(r"(?<![\w-])[a-z][a-z\-]{3,}(?![\w-])")
_STOP = frozenset(
    """
    a an the of to in on for and or but with by from as at is are was were be been being
    this that these those it its their our we they them which what who how when where
    while can could may might will would should must do does did not no than then so
    such via into over under between across about also more most less both each other
    any all some many new novel based using use used show shows shown paper work study
    approach method methods model models propose proposed present introduce results
    result achieve achieves existing however further well large first two three one
    """.split()  # noqa: SIM905 - a word list reads better as words
)


def keywords(title: str, text: str, limit: int = 6) -> list[str]:
    """Names and frequent content words, deterministically (title words weigh double).

    Names in the title come first, then those the text repeats, then the rest; nothing is
    taken from a link ("github.com/User/Repo" gives no keyword)."""
    text = _EMAIL_RE.sub(" ", LINK_RE.sub(" ", text))
    title = _EMAIL_RE.sub(" ", LINK_RE.sub(" ", title))
    seen: dict[str, int] = {}
    for word in _NAME_RE.findall(f"{title} {text}"):
        # A name with digits must be checkable against the body text too: some callers
        # verify against the abstract and full text without the title.
        if any(ch.isdigit() for ch in word) and word not in text:
            continue
        if _TITLE_CASE_RE.fullmatch(word):
            continue
        seen[word] = seen.get(word, 0) + 1
    in_title = set(_NAME_RE.findall(title))
    names = sorted(seen, key=lambda w: (w not in in_title, seen[w] < 2))  # stable otherwise
    counts: Counter[str] = Counter()
    for w in _WORD_RE.findall(text.lower()):
        if w not in _STOP:
            counts[w] += 1
    for w in _WORD_RE.findall(title.lower()):
        if w not in _STOP:
            counts[w] += 2
    words = [w for w, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if n >= 2]
    out: list[str] = []
    for k in names[: limit // 2] + words:
        if k.lower() not in {o.lower() for o in out}:
            out.append(k)
        if len(out) >= limit:
            break
    return out
