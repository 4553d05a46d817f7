"""A number for the results part, when the abstract has one and the results do not.

Order: a sentence with a number not chosen yet or held by another part (a finding first);
else the finding the contribution sentence closes with; else, for a paper without a
measured finding, the size or scope of what it built.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .candidates import Candidate
from .cues import has_quantitative
from .guards import fits
from .phrasing import definite, name_own_method, resolve_pronoun
from .picker import PHRASERS, Chosen, Picker, drop
from .roles import is_finding as _finding
from .scale import built_size
from .splits import split_claim, split_finding


def _has_number(chosen: Chosen | None) -> bool:
    return chosen is not None and has_quantitative(chosen.joined())


def number_for_results(picker: Picker, pivot: int) -> None:
    """A results part without a number, when the abstract has one: add the sentence with
    the number (a finding first, then any measured number), from the sentences not chosen
    or from another part that holds it; else the finding the contribution sentence carries
    (the one-line keeps the rest); else, when the contribution is a dataset, its size."""
    if _has_number(picker.chosen["results"]):
        return
    holders: dict[int, str] = {}
    for part in ("objective", "method", "implication"):
        ch = picker.chosen[part]
        if ch is not None:
            holders[ch.candidate.index] = part
            holders.update((index, part) for index, _ in ch.more)
    ranked = []
    for i, c in enumerate(picker.cands):
        if not c.quantitative or (c.index <= pivot and c.contrib):
            continue
        held = holders.get(c.index)
        if i in picker.used and held is None:
            continue
        if c.size_only:
            continue  # a dataset's size is no finding
        tier = 3 if _finding(c) else 2
        ranked.append((tier, held is None, float(c.own), -c.index, i, held))
    for *_, i, held in sorted(ranked, reverse=True):
        c = picker.cands[i]
        text = picker.phrase(c, "results")
        if text is None and (plain_noun := definite(c.text, " ".join(
                x.text for x in picker.cands if x.index < c.index))) != c.text:
            # "Scaling these parameters ..." after a sentence about the parameters.
            text = picker.phrase(replace(c, text=plain_noun), "results")
        if text is None:
            continue
        _move_to_results(picker, i, text, held)
        return
    one = picker.chosen["one_line"]
    if one is None:
        return
    # The contribution sentence closes with the finding ("..., achieving 41.9% on MMMU") or
    # a claim ("... and show that X improves Y by 5%"): the one-line keeps what was made,
    # the results say what it achieved.
    for split in (split_finding(one.text, picker.name), split_claim(one.text, picker.name)):
        if split is not None and has_quantitative(split[1]) and fits("results", split[1]):
            _give_results(picker, one, split)
            return
    _size_for_results(picker, one, pivot)


def _move_to_results(picker: Picker, i: int, text: str, held: str | None) -> None:
    """Candidate ``i``, phrased ``text``, joins the results (leaving ``held``, its part)."""
    c = picker.cands[i]
    if held is not None:
        drop(picker, held, c.index)
    picker.used.add(i)
    current = picker.chosen["results"]
    if current is None:
        picker.chosen["results"] = Chosen(c, text)
    else:
        current.more.append((c.index, text))


def _give_results(picker: Picker, one: Chosen, split: tuple[str, str]) -> None:
    """The one-line keeps ``split[0]``; ``split[1]`` leads the results."""
    picker.chosen["one_line"] = Chosen(one.candidate, split[0], one.more)
    current = picker.chosen["results"]
    picker.chosen["results"] = Chosen(one.candidate, split[1], [] if current is None else [
        (current.candidate.index, current.text), *current.more])


_NAME_TOKEN_RE = re.compile(r"\b[A-Z][\w.+-]*(?:[A-Z][\w.+-]*|\d)\w*")


def _size_for_results(picker: Picker, one: Chosen, pivot: int) -> None:
    """A paper with no measured number: the size of what it built ("X comprises 765 test
    cases spanning 51 tasks", :func:`.scale.built_size`) is its result, next to a number-free
    finding or alone. Taken from a sentence after the contribution not chosen yet or held by
    another part (which keeps the rest of it, if any), else from the one-line's own
    description of what it made. Never a count of how the work was set up."""
    # The names of what the paper made: its method's, and those its contributions introduce.
    made = [one.text, *(c.text for c in picker.cands if c.contrib)]
    names = tuple(dict.fromkeys(n for n in (picker.name, *(
        name.rstrip(".") for text in made for name in _NAME_TOKEN_RE.findall(text))) if n))
    holders: dict[int, str] = {}
    for part in ("objective", "method", "implication"):
        ch = picker.chosen[part]
        if ch is not None:
            holders.update((index, part) for index in (ch.candidate.index,
                                                       *(i for i, _ in ch.more)))
    for i, c in enumerate(picker.cands):
        held = holders.get(c.index)
        if c is one.candidate or not c.quantitative or (i in picker.used and held is None):
            continue
        text = _phrased(picker, c)
        found = built_size(text, names) if text is not None else None
        # A size needs no finding cue (the method's gate); what stays must fit where it is.
        if found is None or not has_quantitative(found[1]) or not fits("method", found[1]):
            continue
        rest, size = found
        if (held is None and c.index <= pivot and rest is None) or (
                held is not None and rest is not None and not fits(held, rest)):
            continue  # before the contribution, only a sentence that says the authors made it
        if held is not None and rest is not None:
            _replace(picker, held, c.index, rest)
            held = None
        _move_to_results(picker, i, size, held)
        return
    split = built_size(one.text, names)
    # The one-line keeps what was made only when it still says what: "This paper introduces
    # a novel dataset." would tell the reader nothing (a name, or a longer description).
    if split is not None and split[0] is not None and has_quantitative(split[1]) and fits(
            "method", split[1]) and (re.search(r"\s\d*[A-Z]", split[0]) or len(split[0]) >= 55):
        _give_results(picker, one, (split[0], split[1]))


def _phrased(picker: Picker, c: Candidate) -> str | None:
    """``c`` phrased for the results, before any gate (only the size it tells must pass)."""
    name = picker.name if picker.name and picker.name in c.previous else None
    return resolve_pronoun(PHRASERS["results"](name_own_method(c.text, picker.name)), name,
                           c.previous)


def _replace(picker: Picker, part: str, index: int, text: str) -> None:
    """The sentence at ``index`` in ``part`` now reads ``text``."""
    ch = picker.chosen[part]
    assert ch is not None
    if ch.candidate.index == index:
        ch.text = text
    else:
        ch.more = [(i, text if i == index else t) for i, t in ch.more]
