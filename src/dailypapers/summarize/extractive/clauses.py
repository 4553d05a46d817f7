"""Clauses that belong to another part than their sentence, told as sentences of their own.

:func:`split_which`: a contribution sentence that goes on to say how the work does it
("We propose X, which eliminates A and focuses on B") keeps what was made for the one-line
("This paper proposes X.") and gives what it does to the method ("X eliminates A and focuses
on B.").

:func:`split_closing`: what a finding says the work means, when the abstract says it only
in a closing clause. Many abstracts end on a finding whose last clause is the implication:
"..., outperforming X by 4%, paving the way for robust low-bit training", "..., offering a
new paradigm for ultra-long sequence modeling", "..., highlighting the importance of role
profiles".
:func:`split_closing` cuts such a clause off its sentence and tells it as a sentence of
its own: a clause that reads the finding ("highlighting", "suggesting", "demonstrating
...") speaks for "These results"; one that says what the work offers ("enabling",
"offering", "paving the way") speaks for the method's name (else "This work"). A clause that
is itself a finding (a number, "superior performance", "outperforming baselines") is not an
implication and is left where it is.
"""

from __future__ import annotations

import re

_READS = {"highlighting": "highlight", "underscoring": "underscore", "suggesting": "suggest",
          "indicating": "indicate", "demonstrating": "demonstrate", "showing": "show",
          "revealing": "reveal", "validating": "validate", "confirming": "confirm",
          "shedding": "shed", "emphasizing": "emphasize", "emphasising": "emphasise"}
_OFFERS = {"enabling": "enables", "offering": "offers", "providing": "provides",
           "paving": "paves", "opening": "opens", "establishing": "establishes",
           "facilitating": "facilitates", "allowing": "allows", "supporting": "supports",
           "unlocking": "unlocks", "laying": "lays", "bringing": "brings",
           "contributing": "contributes", "making": "makes", "setting": "sets"}
_CLOSING_RE = re.compile(
    r",\s+(?:and\s+)?(?:thus\s+|thereby\s+|further\s+|ultimately\s+|hence\s+)?"
    r"(?P<verb>" + "|".join(sorted({*_READS, *_OFFERS}, key=len, reverse=True)) + r")\s+"
    r"(?P<rest>[^;]{20,300}?)\.?$")
# A clause that is itself a finding, or that needs what it leans on.
_FINDING_RE = re.compile(
    r"\d|%|×|\b(?:superior\w*|outperform\w*|surpass\w*|baselines?|state-of-the-art|"
    r"state of the art|sota|better|worse|higher|lower|compared|competitive|performance|"
    r"accuracy|superiority|gains?|improvements?)\b", re.I)
# "demonstrating the potential of ...": what a finding means, not the finding itself.
_MEANING_NOUN_RE = re.compile(
    r"(?:that|(?:the|its|their) (?:potential|promise|value|importance|feasibility|need|utility|"
    r"viability|effectiveness|efficacy|benefits?|robustness|generality|advantages?|"
    r"strength|scalability|versatility))\b")
_LEANS_RE = re.compile(r"^(?:it|them|this|these|those|such)\b|\b(?:former|latter)\b", re.I)


def split_closing(text: str, name: str | None) -> tuple[str, str] | None:
    """(the sentence without its closing clause, the clause told as a sentence), or None."""
    match = _CLOSING_RE.search(text)
    if match is None or match.start() < 40:
        return None
    verb, rest = match.group("verb").lower(), match.group("rest").strip()
    if _FINDING_RE.search(rest) or _LEANS_RE.match(rest):
        return None
    if verb in ("showing", "indicating", "revealing", "demonstrating") and \
            not _MEANING_NOUN_RE.match(rest):
        return None  # "showing strong generalization": a finding, not what it means
    if re.search(r"\b(?:its|their)\b", rest):
        if name is None:
            return None
        owner = f"{name}'" if name.endswith("s") else f"{name}'s"
        rest = re.sub(r"\b(?:its|their)\b", owner, rest, count=1)
    if verb in _READS:
        sentence = f"These results {_READS[verb]} {rest}"
    else:
        sentence = f"{name or 'This work'} {_OFFERS[verb]} {rest}"
    head = text[: match.start()].rstrip(" ,")
    return head + ".", sentence.rstrip(" .") + "."


# "..., X (ABBR), which eliminates ...": the relative clause right after the name.
_WHICH_RE = re.compile(r",\s+which\s+(?P<verb>(?:\w+ly\s+)?(?:[a-z]{3,}s|is|has|can)\b)"
                       r"\s+(?P<rest>[^;]{25,}?)\.?$")


def split_which(text: str, name: str | None) -> tuple[str, str] | None:
    """(what was made, what it does) from "This paper proposes X, which <verbs> ...", or
    None. Only when the clause follows the name itself (its subject is then certain)."""
    match = _WHICH_RE.search(text)
    if match is None or name is None or match.start() < 25:
        return None
    head = text[: match.start()]
    before = re.sub(r"\s*\([^()]*\)$", "", head).rstrip()
    if not before.endswith(name):
        return None
    return head.rstrip(" ,") + ".", f"{name} {match.group('verb')} {match.group('rest')}".rstrip(
        " .") + "."
