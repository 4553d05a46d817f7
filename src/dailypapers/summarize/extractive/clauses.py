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

from .cues import has_quantitative

_READS = {"highlighting": "highlight", "underscoring": "underscore", "suggesting": "suggest",
          "indicating": "indicate", "demonstrating": "demonstrate", "showing": "show",
          "revealing": "reveal", "validating": "validate", "confirming": "confirm",
          "shedding": "shed", "emphasizing": "emphasize", "emphasising": "emphasise"}
_OFFERS = {"enabling": "enables", "offering": "offers", "providing": "provides",
           "paving": "paves", "opening": "opens", "establishing": "establishes",
           "facilitating": "facilitates", "allowing": "allows", "supporting": "supports",
           "unlocking": "unlocks", "laying": "lays", "bringing": "brings",
           "contributing": "contributes", "making": "makes", "setting": "sets",
           "marking": "marks", "representing": "represents", "positioning": "positions",
           "advancing": "advances", "fostering": "fosters", "democratizing": "democratizes"}
# What a method sentence's closing clause must say to be what the work means rather than
# what one of its components does ("..., enabling the model to attend to X" is a step).
_OUTLOOK_VERBS = frozenset({"paving", "opening", "establishing", "advancing", "unlocking",
                            "laying", "marking", "representing", "democratizing", "fostering",
                            "positioning"})
_WORTH_RE = re.compile(
    r"\b(?:practical\w*|real-world|deploy\w*|applications?|future|research|community|"
    r"practitioners|users|accessible|affordable|cost-effective|low-cost|scalable|"
    r"on-device|everyday|industr\w+|widespread|broad\w*|new (?:avenues?|possibilit\w+))\b",
    re.I)
_CLOSING_RE = re.compile(
    r",\s+(?:and\s+)?(?:thus\s+|thereby\s+|further\s+|ultimately\s+|hence\s+)?"
    r"(?P<verb>" + "|".join(sorted({*_READS, *_OFFERS}, key=len, reverse=True)) + r")\s+")
# A clause that is itself a finding (a comparison; for a clause that reads the finding, any
# word about performance), or that needs what it leans on.
_COMPARES_RE = re.compile(
    r"%|×|\b(?:superior\w*|outperform\w*|surpass\w*|baselines?|state-of-the-art|"
    r"state of the art|sota|better|worse|higher|lower|compared|competitive|superiority|"
    r"gains?|improvements?)\b", re.I)
_FINDING_RE = re.compile(r"\b(?:performance|accuracy)\b", re.I)
# "demonstrating the potential of ...": what a finding means, not the finding itself.
_MEANING_NOUN_RE = re.compile(
    r"(?:that|(?:the|its|their) (?:potential|promise|value|importance|feasibility|need|utility|"
    r"viability|effectiveness|efficacy|benefits?|robustness|generality|advantages?|"
    r"strength|scalability|versatility))\b")
# "making it practical for ...", "making X feasible": what the work makes possible (not
# "making predictions", a step).
_MAKES_RE = re.compile(r"(?:it|them|\w+(?: \w+){0,4}) (?:more |highly |particularly )?"
                       r"(?:possible|practical|feasible|accessible|affordable|viable|"
                       r"suitable|scalable|deployable|available|easier|applicable|"
                       r"well-suited|ideal|promising)\b")
_SETS_RE = re.compile(r"(?:a|the) (?:new|strong|solid|stage|foundation|groundwork)\b")
_LEANS_RE = re.compile(r"^(?:it|them|this|these|those|such)\b|\b(?:former|latter)\b", re.I)


def split_closing(text: str, name: str | None, *, outlook: bool = False
                  ) -> tuple[str, str] | None:
    """(the sentence without its closing clause, the clause told as a sentence), or None.

    ``outlook``: the sentence tells how the work is done (a method sentence), so only a
    clause about what it opens up or offers in practice counts, never one that reads it."""
    text = text.rstrip()
    # The first closing clause that says what the finding means: "..., showing that X beats
    # Y, highlighting the need for Z" gives "highlighting ...".
    for match in _CLOSING_RE.finditer(text):
        if match.start() < 40:
            continue
        split = _told(text, match, name, outlook)
        if split is not None:
            return split
    return None


def _told(text: str, match: re.Match[str], name: str | None, outlook: bool
          ) -> tuple[str, str] | None:
    verb, rest = match.group("verb").lower(), text[match.end():].rstrip(" .")
    if not 20 <= len(rest) <= 300 or ";" in rest:
        return None
    if outlook and (verb in _READS or (verb not in _OUTLOOK_VERBS and not _WORTH_RE.search(
            rest))):
        return None
    if _COMPARES_RE.search(rest) or has_quantitative(rest) or _LEANS_RE.match(rest) or (
            verb in _READS and _FINDING_RE.search(rest)) or (
            verb == "setting" and not _SETS_RE.match(rest)) or (
            verb == "making" and not _MAKES_RE.match(rest)):
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
    elif name is not None and rest.startswith(name):
        sentence = f"This work {_OFFERS[verb]} {rest}"  # "..., marking X as a first step"
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
