"""What the paper built and how large it is: a dataset's, benchmark's or corpus's size.

A paper whose abstract measures nothing still reports what it built ("X comprises 765 test
cases spanning 51 tasks"); that size is its result. A count of how the work was set up is
not ("we collect images from 83 sources", "trained on 8 GPUs"): only a size told of a data
artifact the paper makes (its name, "the dataset", or "a benchmark of N ..." after a verb of
making) counts. Each function gives the size in the paper's words, lightly compressed: the
appositive "X, a benchmark comprising N" becomes "X comprises N".
"""

from __future__ import annotations

import re

from .cues import DATASET_SIZE_RE

_DATA_NOUN = (r"(?:benchmark|dataset|data set|corpus|suite|collection|testbed|database|"
              r"resource|(?:evaluation|training|test|validation) set)")
# The paper's own contribution is a dataset or benchmark ("This paper introduces X, a
# benchmark of ..."): its size is then what the paper reports.
_DATA_CONTRIBUTION_RE = re.compile(
    r"^this paper (?:\w+ly )?(?:introduces|presents|proposes|constructs|builds|releases|curates|"
    r"creates|develops|contributes|collects)\s+(?:[^;:.]{0,80}?[,:]\s+)?(?:(?:a|an|the)\s+)?"
    r"(?:[\w-]+\s+){0,6}?" + _DATA_NOUN + r"s?\b|^this paper \w+ [\w-]*bench\b", re.I)
_SCALE_VERBS = {"comprising": "comprises", "consisting of": "consists of",
                "composed of": "is composed of",
                "containing": "contains", "with": "has", "of": "consists of",
                "featuring": "features", "covering": "covers", "spanning": "spans",
                "including": "includes", "encompassing": "encompasses",
                "comprises": "comprises", "consists of": "consists of", "contains": "contains",
                "includes": "includes", "covers": "covers", "features": "features",
                "spans": "spans", "encompasses": "encompasses", "has": "has"}
# Verbs that tell a size without naming the kind of artifact ("X, comprising 140k episodes").
_ITEM_VERBS = frozenset({"comprising", "consisting of", "containing", "featuring", "spanning",
                         "covering", "encompassing"})
_VERB = "|".join(sorted(_SCALE_VERBS, key=len, reverse=True))
_NAME = r"(?:\d*[A-Z][\w.+^-]*\s+){0,4}\d*[A-Z][\w.+^-]*[\w+]|[a-z][\w-]*[A-Z\d][\w.+^-]*"
# The words of a noun phrase before its head noun ("large-scale, synthetic"): no article,
# preposition or verb of making ("the authors release a corpus" is no noun phrase).
_MODIFIERS = (r"(?:(?!(?:a|an|the|of|to|for|on|in|with|by|from|that|which|authors?)[,\s]|"
              r"(?:introduc|present|construct|curat|collect|build|releas|creat|contribut|"
              r"compil|assembl|develop|propos|generat)\w*[,\s])[\w()'’-]+,?\s+){0,8}?")
# "tailored to this task," "to date,": a short description between the noun and the size.
_BETWEEN = r"(?:\s+(?:tailored|designed|built|curated|collected|constructed|created|to date|" \
           r"in this (?:paper|work|study))" \
           r"\b[^,;:()]{0,60}?)?,?\s+"
# "X, a benchmark comprising 324 tasks across 12 domains", "X: a dataset of 250K scores".
_SCALE_APPOSITIVE_RE = re.compile(
    r"(?P<name>" + _NAME + r")(?:\s*\((?P<short>[^()]{2,60})\))?[,:]"
    r"\s+(?:(?:a|an|the)\s+(?P<noun>" + _MODIFIERS + _DATA_NOUN + r"s?)" + _BETWEEN + r")?"
    r"(?:(?:that|which)\s+)?(?P<verb>" + _VERB + r")\s+(?P<rest>[^;]*\d[^;]*)$")
# "a benchmark, M-RewardBench, consisting of 2.87k instances": the name after the noun.
_SCALE_NAMED_RE = re.compile(
    r"\b(?P<noun>" + _DATA_NOUN + r")s?,?\s+(?:(?:called|named|dubbed|termed)\s+)?"
    r"(?P<name>" + _NAME + r")(?:\s*\((?P<short>[^()]{2,60})\))?,\s+(?:(?:that|which)\s+)?"
    r"(?P<verb>" + _VERB + r")\s+(?P<rest>[^;]*\d[^;]*)$")
# "a large-scale dataset that contains 10 hours ...", "a dataset of 300K traces": no name.
_SCALE_RELATIVE_RE = re.compile(
    r"\b(?:a|an|the)\s+(?P<noun>" + _MODIFIERS + r"(?P<head>" + _DATA_NOUN + r"))s?" + _BETWEEN +
    r"(?:(?:that|which)\s+)?(?P<verb>" + _VERB + r")\s+(?P<rest>[^;]*\d[^;]*)$")
# "PhyGenBench comprises 160 prompts ...": a sentence that tells the dataset's scale.
_SCALE_VERB_RE = re.compile(r"\s+(?:\w+ly\s+)?(?:comprises|consists of|contains|includes|covers|"
                            r"features|spans|encompasses|has|totals|provides|pairs)\b")
# "The dataset", "The authors' dataset, MURI-IT,": the paper's data as the subject.
_DATA_SUBJECT_RE = re.compile(r"^(?:(?:in total|overall|altogether),\s+)?(?:the|this|the authors'|"
                              r"our)\s+(?:[\w-]+\s+){0,3}?" + _DATA_NOUN + r"s?(?:,\s+[^,]{2,40},)?"
                              r"(?=\s)", re.I)
# "The built COCO-Matting comprises": a name after an article and one participle.
_ARTICLE_RE = re.compile(r"^(?:the|our)\s+(?:(?:built|resulting|curated|final|proposed|full|"
                         r"new)\s+)?", re.I)
_LEAD_RE = re.compile(r"^(?:in total|overall|altogether),\s+", re.I)
# The authors make it: "The authors construct / curate / release ... a dataset of N".
_MAKES_RE = re.compile(
    r"\b(?:the authors|this (?:paper|work|study|report))\s+(?:[^,;.]{0,80}?\s+(?:and|then)\s+)?"
    r"(?:(?:\w+ly|also|further|first|then|"
    r"additionally|have|has|are|is)\s+)*(?:introduc|present|construct|curat|collect|buil[dt]|"
    r"releas|creat|contribut|compil|assembl|develop|open-sourc|propos|generat|synthesiz|"
    r"produc|gather|annotat)\w*", re.I)
# "a newly built dataset containing 3.7 million models": made by the paper, whatever the verb.
_NEW_RE = re.compile(r"\b(?:new|novel|newly)\b", re.I)
_BY_US_RE = re.compile(r"\b(?:curated|built|collected|constructed|created|annotated) by "
                       r"(?:us|the authors|them)\b", re.I)
# A cheap first look: what every size of a made dataset mentions.
_MAYBE_RE = re.compile(_DATA_NOUN + r"|\b(?:compris|consist|contain|featur|spann|cover|encompass)",
                       re.I)
_ENUMERATION_RE = re.compile(r"\((?:\d|[ivx]{1,3})\)")
# ", designed to leverage this data", "and propose three metrics": a digit-free tail after
# the last number goes.
_SCALE_TAIL_RE = re.compile(r",\s+(?:which|where|while|designed|making|enabling|allowing|"
                            r"supporting|providing|harnessing|aiming|intended|serving|to|"
                            r"specifically|carefully|curated|collected|sourced|created|built|"
                            r"ensuring|offering|paving|facilitating|used)\b|"
                            r"\s+and\s+(?:the authors\s+)?(?:propose|introduce|present|develop|"
                            r"design|use|evaluate|train|conduct|show|demonstrate)s?\b|\s+(?:to|for)\s+(?:evaluate|assess|test|"
                            r"train|support|facilitate|benchmark|study|enable)\b")


def data_contribution(one_line: str) -> bool:
    """Whether the one-line summary says the paper's contribution is a dataset/benchmark."""
    return _DATA_CONTRIBUTION_RE.search(one_line) is not None


# ", and they train the model on 64 GPUs": a new clause with its own subject.
_NEXT_CLAUSE_RE = re.compile(r",?\s+(?:and|but|while|whereas)\s+(?:the authors|they|we|it|this|"
                             r"these)\s")


def _scale_rest(rest: str) -> tuple[str, str]:
    """(the size, what the sentence goes on to say): the second stays with the head."""
    clause = _NEXT_CLAUSE_RE.search(rest)
    end = clause.start() if clause is not None else len(rest)
    digits = [i for i, ch in enumerate(rest[:end]) if ch.isdigit()]
    if not digits:
        return "", rest
    tail = _SCALE_TAIL_RE.search(rest, digits[-1], end)
    end = tail.start() if tail is not None else end
    return rest[:end].rstrip(" .,"), rest[end:].rstrip(" .")


_POINTS_BACK_RE = re.compile(r"\b(?:we|our|us|these|this|those|such|it|its|they|their|them)\b",
                             re.I)


def _halves(head: str, subject: str, verb: str, rest: str) -> tuple[str, str]:
    """("<head><what follows the size>.", "<subject> <verb> <the size>.")."""
    size, tail = _scale_rest(rest)
    if _POINTS_BACK_RE.search(tail):
        tail = ""  # ", where we obtain these annotations ...": it would lean on the size
    return head.rstrip(" ,:") + tail + ".", f"{subject} {verb} {size}."


def split_scale(text: str) -> tuple[str, str] | None:
    """("This paper introduces X, a benchmark.", "X comprises 324 tasks across 12 domains."):
    the scale of a dataset told inside a sentence, and the rest of that sentence."""
    for pattern in (_SCALE_APPOSITIVE_RE, _SCALE_NAMED_RE):
        match = pattern.search(text)
        if match is not None and match.start() >= 10:
            if pattern is _SCALE_NAMED_RE:
                head = text[: match.end("name")]
            elif match["noun"] is not None:
                head = text[: match.end("noun")]
            elif match["verb"] in _ITEM_VERBS and DATASET_SIZE_RE.search(match["rest"]):
                head = text[: match.start("verb")]  # "X, comprising 140k episodes, ..."
            else:
                continue
            short = match["short"]
            # "the Visual Counter Turing Test (VCT^2)": the short form, the name the paper uses.
            name = short if short is not None and " " not in short else match["name"]
            name = re.sub(r"^(?:The|A|An)\s+", "", name)
            return _halves(head, name, _SCALE_VERBS[match["verb"]], match["rest"])
    relative = _SCALE_RELATIVE_RE.search(text)
    if relative is None or relative.start() < 10:
        return None
    noun = relative["noun"].split()
    subject = "The " + (" ".join(noun) if len(noun) <= 5 else relative["head"])
    return _halves(text[: relative.end("noun")], subject, _SCALE_VERBS[relative["verb"]],
                   relative["rest"])


def scale_fact(text: str, names: tuple[str, ...]) -> bool:
    """Whether ``text`` tells the size of the paper's own dataset ("PhyGenBench comprises 160
    prompts ...", "The benchmark contains ..."), not a count of how it was made."""
    start = _LEAD_RE.match(text) or _ARTICLE_RE.match(text)
    offset = start.end() if start is not None else 0
    ends = [offset + len(n) for n in names if text.startswith(n + " ", offset)]
    subject = _DATA_SUBJECT_RE.match(text)
    ends += [subject.end()] if subject is not None else []
    return any(_SCALE_VERB_RE.match(text, end) for end in ends) and any(
        ch.isdigit() for ch in text)


def built_size(text: str, names: tuple[str, ...]) -> tuple[str | None, str] | None:
    """(what stays of ``text``, the size it tells) when ``text`` tells the size of a data
    artifact the paper makes: the whole sentence ((None, text)) when its subject is that
    artifact, else the size split out of it. None for any other count (how the work was set
    up, a dataset used but not made: "trained on ImageNet, a dataset of 1.2M images")."""
    if not _MAYBE_RE.search(text) and not any(n in text for n in names):
        return None  # no data noun, no verb of size, no name of the paper's: nothing to read
    if scale_fact(text, names):
        return None, text
    split = split_scale(text)
    if split is None or _ENUMERATION_RE.search(text):
        return None  # "(1) a strategy, (2) a corpus of 8.3M pairs, (3) ...": no clean split
    head, size = split
    noun = head.rsplit(",", 1)[-1]  # "..., a new preference dataset."
    # What stays must say the authors made it ("The authors construct X, a dataset.", "X, a
    # dataset curated by us"), or the dataset bears the paper's name ("Puffin-4M"); not a
    # dataset used ("The authors pretrain on X, a collection."), nor a finding's opening.
    subject = size.split(" ", 1)[0]
    own = (_MAKES_RE.search(head) or _BY_US_RE.search(text) or _NEW_RE.search(noun)
           or any(len(n) >= 3 and n in subject for n in names))
    return (head, size) if own and any(ch.isdigit() for ch in size) else None
