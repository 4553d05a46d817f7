"""Light compression of a chosen sentence: the paper's own words, fewer of them.

What goes: citations (done when sentences are cut), "In this paper,", leading connectives
("However,", "To this end,"), "Experiments show that" before a finding, parenthetical
asides without numbers, trailing descriptive clauses when a part is over its budget. What
changes: "we" becomes "the authors" (then "they"), "our" "the authors'" (then "their"),
and a leading pronoun ("It", "This method") becomes the noun phrase it stands for when the
sentence before names it (the paper's method name); a sentence whose leading pronoun
cannot be resolved is not phrased at all (None). No stock opener is ever added: labels
belong to the renderers. Names ("GPT-4o-mini"), ranges ("10x ~ 50x") and every number are
kept as written.
"""

from __future__ import annotations

import re

from ..sentences import starts_with_name
from .cues import AIM_RE, BYGERUND_RE, CONTRIB_RE, THIS_PAPER_WE_RE

_LEADIN_RE = re.compile(
    r"^(?:(?:to this end|in addition|additionally|furthermore|moreover|specifically|notably|"
    r"finally|besides|in particular|importantly|overall|consequently|therefore|thus|hence|"
    r"for (?:example|instance)|"
    r"as a result|in (?:this|our) (?:paper|work|study|report)|here|in summary|to summarize|"
    r"concretely|meanwhile|second(?:ly)?|third(?:ly)?|first(?:ly)?|lastly|then|also|however|"
    r"yet|but|and|still|nevertheless|nonetheless|crucially|interestingly|surprisingly|"
    r"ultimately|in other words|in practice|as such|in contrast(?=,)|instead(?=,)|similarly|"
    r"likewise|together|"
    r"on the other hand|(?:building|based) (?:on|upon) (?:this|these|that|those|such)"
    r"(?: [\w-]+){0,2}|to (?:\w+ly )?[a-z]+ (?:this|these|such|that|those)(?: [\w-]+){0,2}|"
    r"despite (?:this|these)(?: \w+)?|motivated by (?:this|these)(?: \w+)?|"
    r"(?:with|using|leveraging|through|via|given|combining) (?:this|these|such)(?: [a-z-]+){0,3}"
    r"(?=,)|"
    r"(?:as (?:shown|seen|reported|illustrated) )?in (?:figure|fig\.|table|tab\.|section|sec\.)"
    r" ?\d+[a-z]?|"
    r"(?:more )?[a-z]+ly),?\s+)+",
    re.I,
)
_REPORT_LEADIN_RE = re.compile(
    r"^(?:(?:extensive |comprehensive |our |the |empirical |experimental |evaluation |"
    r"these |both |further |key |main |primary |all |numerical |\w+-scale )*"
    r"(?:experiments?|experimental results|results|evaluations?|analys[ie]s|findings|"
    r"studies|evidence)(?: [\w-]+){0,6}? (?:show|shows|demonstrate|demonstrates|indicate|"
    r"indicates|reveal|reveals|confirm|confirms|suggest|suggests|highlight|highlights|"
    r"validate|validates)(?: that)?,?\s+"
    r"|we (?:find|found|show|observe|demonstrate|discover|reveal|confirm)(?: that)?,?\s+)",
    re.I,
)
_IMPL_LEADIN_RE = re.compile(
    r"^(?:(?:this|our|the) (?:study|work|paper|analysis|research|framework|approach|"
    r"findings?|results?)|these (?:results|findings|observations)|overall,? (?:our|these) "
    r"(?:results|findings)|we (?:believe|hope|argue|show|demonstrate|find))"
    r"(?: \w+){0,3}? (?:demonstrates?|shows?|suggests?|highlights?|underscores?|reveals?|"
    r"indicates?|confirms?|establishes|believe|hope|argue|find) that,?\s+",
    re.I,
)
_PAREN_RE = re.compile(r"\s*\((?=[^()]*\s)[^()\d%]{12,}\)")
# "This is achieved by ..." has no noun: "This" points at the whole sentence before.
_LEADING_PRONOUN_RE = re.compile(
    r"^(?:(its|it|they|their)|(?:this|these|such an?|such) (?!(?:is|are|was|were|has|have|had|"
    r"can|could|will|would|may|might|should|must|does|did|do)\b)([a-z][a-z-]+?))(?:s|es)?\b",
    re.I)
_TRIM_CLAUSE_RE = re.compile(
    r",\s+(?:which|while|where|whereas|thereby|thus|enabling|making|allowing|leading|"
    r"resulting|offering|providing|paving|highlighting|demonstrating|suggesting|"
    r"underscoring|showing|indicating|including|such as|as well as|and thus|and"
    r" (?:thus|therefore|hence))\b[^,;]*$"
)
_TAIL_RE = re.compile(
    r",\s+(?:which|where|while|whereas|including|such as|e\.g\.|i\.e\.|thereby|enabling|"
    r"allowing|making|leading to|resulting in)\b"
)


def strip_leadin(text: str) -> str:
    stripped = _LEADIN_RE.sub("", text)
    return _upper_first(stripped) or text


def _upper_first(text: str) -> str:
    """The first letter capitalized, unless the text opens with a name ("iPhone")."""
    return text[:1].upper() + text[1:] if text and not starts_with_name(text) else text


def depersonalize(text: str) -> str:
    """First "we" -> "the authors", later ones "they"; "our" -> "the authors'" / "their"."""
    named = False
    out = []
    for token in re.split(r"((?<![\w-])(?:[Ww]e|[Oo]ur|us|ourselves)(?![\w-]))", text):
        low = token.lower()
        if low == "we":
            out.append("they" if named else "the authors")
            named = True
        elif low == "our":
            out.append("their" if named else "the authors'")
            named = True
        elif token == "us":
            out.append("them")
        elif token == "ourselves":
            out.append("themselves")
        else:
            out.append(token)
    return _upper_first("".join(out))


# What follows a verb, not a noun: "This highlights the ...", "These show that ...".
_VERB_AFTER_RE = re.compile(r"\s+(?:the|a|an|that|how|why|what|its|their|our|it|them|us|"
                            r"this|these|to)\b")
_SELF_NOUNS = frozenset({"paper", "work", "study", "article", "report", "survey",
                         "research", "thesis", "result", "finding"})
_SELF_PHRASE_RE = re.compile(r"^th(?:is|ese) (?:[\w-]+ ){0,3}(?:paper|work|study|article|"
                             r"report|survey|review|research|thesis|results|findings)\b", re.I)
_OWN_THING_RE = re.compile(
    r"^th(?:is|ese) (?:[\w-]+ ){0,3}(?:method|approach|framework|model|system|technique|"
    r"pipeline|architecture|algorithm|agent|strategy|design|tool|mechanism|module|solver|"
    r"network|recipe|scheme|paradigm|benchmark|dataset)s?\b", re.I)
_MOTIVATION_NOUNS = frozenset({"problem", "issue", "challenge", "phenomenon", "gap",
                               "limitation", "task", "setting"})


_SUBJECT_RE = re.compile(
    r"^(?:the|our|this)\s+((?:[\w-]+\s+){0,2}?[a-z][\w-]*[^s\W])\s+(?:is|was|can|could|has|"
    r"achieves|outperforms|provides|offers|enables|uses|relies|yields|improves|reduces|"
    r"separates|combines|learns|generates|produces|performs|remains|shows|captures|"
    r"supports|requires|consists|contains|covers|includes)\b", re.I)


# "GemFilter significantly outperforms ...": a name (two capitals or a digit) as the subject.
_NAME_SUBJECT_RE = re.compile(
    r"^((?=[\w.-]*(?:[A-Z][\w.-]*[A-Z]|\d))[A-Z][\w.-]*[\w])\s+(?:\w+ly\s+)?(?:is|was|can|"
    r"has|achieves|outperforms|provides|offers|enables|uses|yields|improves|reduces|"
    r"combines|learns|generates|produces|performs|shows|supports|consists|contains|"
    r"surpasses|delivers|sets|attains|reaches|demonstrates|exhibits|matches)\b")


# "Budget guidance enables ...": a short noun phrase opening the sentence as its subject.
_PHRASE_SUBJECT_RE = re.compile(
    r"^((?!(?:The|This|These|Our|We|It|They|Experiments?|Results?|Evaluations?)\b)[A-Z][a-z-]+"
    r"(?:\s+[a-z][\w-]*){0,2}?)\s+(?:\w+ly\s+)?(?:enables|achieves|outperforms|provides|"
    r"offers|improves|reduces|yields|generates|produces|supports|surpasses|delivers|"
    r"attains|reaches|matches)\b")


def _subject_of(previous: str) -> str | None:
    """"The rubric separates ..." -> "The rubric": what a following "It" stands for."""
    lead = strip_leadin(previous)
    match = _SUBJECT_RE.match(lead)
    if match:
        return f"The {match.group(1)}"
    named = _NAME_SUBJECT_RE.match(lead) or _PHRASE_SUBJECT_RE.match(lead)
    return named.group(1) if named else None


# "These innovations ...", "This minimal modification ...": the paper's own work, said so.
_OWN_WORK_PRONOUN_RE = re.compile(
    r"^(?i:these|this)\s+((?:[a-z][\w-]*\s+){0,2}?(?:innovations?|contributions?|techniques?|"
    r"designs?|improvements?|modifications?|components?|strategies|optimizations?|changes?|"
    r"efforts?|advances|enhancements?|extensions?|insights?|observations?|lessons?|analyses|"
    r"tools?|resources?)\b)")


_TERMED_RE = re.compile(r"^(?i:this|these)\s+[\w\s-]{3,60}?,\s+(?:termed|called|named|dubbed)\s+"
                       r"([A-Z][\w.+-]*[\w+]),")


def resolve_pronoun(text: str, name: str | None, previous: str = "") -> str | None:
    """A leading pronoun replaced by the method's name, or None when it cannot be resolved.

    "It ...", "They ...", "This framework ..." stand for the noun phrase of the sentence
    before; in an abstract that is almost always the paper's own method when that sentence
    named it. "This problem ..." (a demonstrative about the motivation) has no name to take.
    """
    match = _LEADING_PRONOUN_RE.match(text)
    if match is None:
        return text
    termed = _TERMED_RE.match(text)
    if termed is not None:  # "This intervention, termed TTT3R, improves ...": TTT3R improves
        return termed.group(1) + text[termed.end():]
    own = _OWN_WORK_PRONOUN_RE.match(text)
    if own is not None:
        return "The authors' " + text[own.start(1):]
    pronoun, noun = match.group(1), match.group(2)
    if noun is not None and _VERB_AFTER_RE.match(text, match.end()):
        return None  # "This highlights the need ...": "This" is a whole sentence before
    if noun is not None and (noun.lower() in _SELF_NOUNS or _SELF_PHRASE_RE.match(text)):
        return text  # "This paper ...", "These results ...": the checker judges these
    if noun is not None and name is not None and _OWN_THING_RE.match(text):
        # "This controllable diffusion approach ..." in a paper about its own approach.
        return "The" + text[text.index(" "):]
    if noun is not None and previous and noun.lower() in previous.lower() and noun.lower() \
            not in _MOTIVATION_NOUNS:
        # "This solver ..." after a sentence about the solver: "The solver ...".
        return "The" + text[text.index(" "):]
    if name is None and pronoun is not None and pronoun.lower() in ("it", "its"):
        name = _subject_of(previous)
    if name is None:
        return None
    if noun is not None and noun.lower() in _MOTIVATION_NOUNS:
        return None
    rest = text[match.end():]
    if pronoun is not None and pronoun.lower() in ("its", "their"):
        return f"{name}'s{rest}" if not name.endswith("s") else f"{name}'{rest}"
    if pronoun is not None and pronoun.lower() == "they":
        return None  # plural: not the method's name
    return name + rest


def method_name(title: str, sentences: list[str]) -> str | None:
    """The paper's own method as it names it: the title's head ("LongLLaVA: ...") or the
    name introduced by its contribution sentence ("We propose SlimAttn, ...")."""
    head = title.split(":", 1)[0].strip() if ":" in title else ""
    # A head of several words is the name only when the abstract uses it ("Advancing
    # Multimodal Reasoning: ..." names nothing the abstract calls so).
    if head and len(head.split()) <= 3 and (re.search(r"[A-Z].*[A-Z]|\d", head) or (
            " " not in head and head[:1].isupper())) and (
            " " not in head or any(head in s for s in sentences)):
        return head
    for s in sentences:
        match = CONTRIB_RE.match(s) or BYGERUND_RE.match(s)
        if match is None:
            continue
        rest = s[match.end():]
        name = re.match(r"(?:(?:a|an|the)\s+)?([A-Z][\w]*(?:[-.][\w]+)*)(?=[\s,(:])", rest)
        acronym = re.search(r"\(([A-Z][A-Za-z0-9\-]*[A-Z0-9][A-Za-z0-9\-]*)\)", rest[:120])
        # "Question-Free Fine-Tuning (QFFT)": the first word is only part of the name.
        multiword = name is not None and re.match(r"\s+[A-Z]", rest[name.end():]) is not None
        # "Fusion-of-N (FusioN)": the short form is what the rest of the abstract uses.
        short = acronym is not None and name is not None and \
            rest[name.end():].lstrip().startswith("(" + acronym.group(1) + ")")
        if name and re.search(r"[A-Z].*[A-Z]|\d", name.group(1)) and not (
                (multiword or short) and acronym):
            return name.group(1)
        if acronym:
            return acronym.group(1)
    for s in sentences:
        # "We introduce Speculative Rejection, an algorithm ...": a name of capitalized words.
        match = CONTRIB_RE.match(s)
        words = _TITLED_NAME_RE.match(s[match.end():]) if match is not None else None
        if words is not None:
            return words.group(1)
    for s in sentences:
        # "Our method, GemFilter, ...", "a framework called GemFilter", "dubbed X".
        match = _CALLED_RE.search(s)
        if match is not None:
            return match.group(1)
    return None


_TITLED_NAME_RE = re.compile(r"((?:[A-Z][\w-]*\s+){1,3}[A-Z][\w-]*),\s+(?:a|an|the)\s")
_CALLED_RE = re.compile(
    r"(?:\b[Oo]ur (?:[\w-]+ )?(?:method|approach|framework|model|system|algorithm|agent|"
    r"pipeline|benchmark|dataset|technique),\s+|\b(?:called|named|dubbed|termed)\s+)"
    r"((?=[\w.-]*(?:[A-Z][\w.-]*[A-Z]|\d))[A-Z][\w.-]*[\w])(?=[\s,;:.()])")


_OWN_METHOD_RE = re.compile(
    r"\b(?:[Oo]ur|[Tt]he proposed|[Oo]ur proposed) (?:method|approach|framework|model|system|"
    r"technique|algorithm|pipeline|agent|architecture)\b(?! \()")


def name_own_method(text: str, name: str | None) -> str:
    """"Our method outperforms ..." -> "RingCache outperforms ..." when the paper names it."""
    if name is None or name in text:
        return text
    return _OWN_METHOD_RE.sub(name, text, count=1)


def third_person(verb: str) -> str:
    low = verb.lower()
    if low.endswith("s") and not low.endswith("ss"):
        return low
    if low.endswith(("sh", "ch", "x", "ss")):
        return low + "es"
    if low.endswith("y") and low[-2:-1] not in "aeiou":
        return low[:-1] + "ies"
    return low + "s"


# "... MIPO to address this issue.": a closing purpose that points back at text not shown.
_BACK_PURPOSE_RE = re.compile(
    r",?\s+(?:(?:designed|aiming|aimed|intended|in order|specifically)\s+)?(?:to|while|by)\s+"
    r"(?:address|overcome|tackle|solve|mitigate|alleviate|bridge|fill|close|resolve|remedy|"
    r"handle|meet|achieve|fulfil)(?:s|ing)?\s+(?:(?:all|both|each) (?:of )?)?(?:this|these|"
    r"those|such|the above|the aforementioned|above|aforementioned)\s+(?:[\w-]+\s+){0,2}?"
    r"[\w-]+\s*\.?$", re.I)


# ", as shown in Figure 1", "(see Table 2)": pointers to what the summary does not show.
_FIGURE_POINTER_RE = re.compile(
    r",?\s*\(?(?:as )?(?:shown|illustrated|seen|depicted|reported|see|cf\.)\s+(?:in\s+)?"
    r"(?:Fig\.|Figure|Table|Tab\.|Section|Sec\.|Appendix)\s*\d+[a-z]?\)?", re.I)
# "Building upon the Generation Chain-of-Thought approach, GoT-R1 ...": a short lead-in.
_BUILDING_RE = re.compile(r"^(?:building|based) (?:on|upon) [^,;]{3,90},\s+(?=\w)", re.I)


# "we address such an issue and introduce X": the first verb points back at the problem.
_BACK_VERB_RE = re.compile(
    r"\b(?:address|tackle|solve|revisit|study|consider) (?:such an?|this|these|the above|"
    r"this important|these important) [\w-]+(?: [\w-]+)?,? and (?=\w)", re.I)


_ITEM_MARK_RE = re.compile(r"^\(?(?:\d{1,2}|[ivx]{1,4})\)\s+(?=[A-Z])(?![^.:]{0,40}:)")
_POINTING_WORDS = ("this ", "these ", "those ", "such ", "above", "aforementioned")


def _cut_back_purpose(text: str) -> str:
    cut_back = _BACK_PURPOSE_RE.sub("", text).rstrip(" ,")
    return cut_back + "." if cut_back != text and len(cut_back) >= 40 else text


def compress(text: str) -> str:
    """Lead-in connectives and "In this paper," removed; asides without numbers dropped."""
    low = text.lower()
    pointing = any(w in low for w in _POINTING_WORDS)
    if pointing:
        text = _BACK_VERB_RE.sub("", text, count=1)
    text = _upper_first(_BUILDING_RE.sub("", strip_leadin(text), count=1))
    if any(w in text for w in ("Fig", "Table", "Tab.", "Sec", "Appendix")):
        text = _FIGURE_POINTER_RE.sub("", text)
    if "*" in text:
        text = re.sub(r"(?<!\w)\*(\w[^*]{0,60}?)\*(?!\w)", r"\1", text)  # *emphasis*
    text = _PAREN_RE.sub("", text)
    if pointing:
        text = _cut_back_purpose(text)
    return _upper_first(text.strip())


def one_line(text: str) -> str:
    """"In this paper, we propose X" -> "This paper proposes X"; else the compressed text."""
    if any(w in text.lower() for w in _POINTING_WORDS):
        text = _cut_back_purpose(strip_leadin(_BACK_VERB_RE.sub("", text, count=1)))
    else:
        text = strip_leadin(text)
    match = CONTRIB_RE.match(text)
    if match:
        return f"This paper {third_person(match.group(1))} {text[match.end():]}"
    match = BYGERUND_RE.match(text)
    if match:
        verb = match.group(1).lower()[:-3]
        if verb.endswith(("duc", "pos", "at", "as")):
            verb += "e"
        return f"This paper {third_person(verb)} {text[match.end():]}"
    match = THIS_PAPER_WE_RE.match(text)
    if match and not match.group(1).endswith("ed"):
        return f"This paper {third_person(match.group(1))} " + depersonalize(
            text[match.end():])
    return depersonalize(compress(text))


_RESULTS_NAME_RE = re.compile(r"^(?:the )?(?:experimental )?results (?:show|indicate|"
                              r"demonstrate|reveal|suggest|confirm)s?,?\s+"
                              r"(?=(?!(?:The|A|An|This|These|Our|It)\b)[A-Z])")


def finding(text: str) -> str:
    """"Experiments show that X" -> "X" (kept when the lead-in carries a number); "(3) We
    show ..." from a list of findings loses its item mark."""
    text = _RESULTS_NAME_RE.sub("", compress(_ITEM_MARK_RE.sub("", text, count=1)), count=1)
    match = _REPORT_LEADIN_RE.match(text)
    if match is not None:
        leadin = match.group(0)
        if leadin.rstrip(" ,").lower().endswith("that") and not any(
                ch.isdigit() for ch in leadin):
            text = text[match.end():]
    return depersonalize(_upper_first(text))


def implication(text: str) -> str:
    """"These results suggest that X" -> "X"."""
    text = compress(text)
    match = _IMPL_LEADIN_RE.match(text)
    if match is not None:
        text = text[match.end():]
    return depersonalize(_upper_first(text))


def plain(text: str) -> str:
    return depersonalize(compress(text))


def objective(text: str) -> str:
    """"This paper aims to study X" -> "To study X" (the label says it is the aim)."""
    text = compress(text)
    match = AIM_RE.match(text)
    if match is not None and not re.match(r"(?:is|are)\b", match.group(0).split()[-2]):
        text = "To " + text[match.end():]
    return depersonalize(text)


def _droppable(rest: str) -> bool:
    """A tail that may go: no number, and no whole sentence after it (a part may hold two)."""
    return not any(ch.isdigit() for ch in rest) and _NEXT_SENTENCE_RE.search(rest) is None


_NEXT_SENTENCE_RE = re.compile(r"[.!?]\s+[A-Z\d]")


def trim(text: str, budget: int) -> str:
    """Drop trailing clauses without digits, then long digit-free asides and tails."""
    text = text.rstrip(" .;:")
    for _ in range(3):
        if len(text) <= budget:
            break
        match = _TRIM_CLAUSE_RE.search(text)
        if match is None or not _droppable(match.group(0)) or match.start() < 50:
            break
        text = text[: match.start()]
    if len(text) > budget:
        text = re.sub(r"\s*\((?=[^()]{25,}\))[^()\d]*\)", "", text)
    if len(text) > budget:
        tail = _TAIL_RE.search(text, 60)
        if tail is not None and _droppable(text[tail.start():]):
            text = text[: tail.start()]
    if len(text) > budget:
        colon = text.find(": ", 60)
        if colon > 0 and _droppable(text[colon:]):
            text = text[:colon]
    if len(text) > budget:
        text = re.sub(r",\s*(?:e\.g\.|i\.e\.|such as|including)[^,;()]*(?=[,;])", "", text)
    return text.rstrip(" ,;:") + "."


_SUBORDINATE_RE = re.compile(r"(?:while|although|though|because|since|as|if|when|whereas|"
                             r"despite|unlike|given|even though|once|after|before)\b", re.I)


def cut(text: str, budget: int) -> str:
    """End at the last clause boundary that fits (the text itself when there is none, or
    when the sentence opens with a subordinate clause: "While X has become ..." cut after
    its first clause is no sentence)."""
    if len(text) <= budget or _SUBORDINATE_RE.match(text):
        return text
    head = text[: budget - 1]
    for sep in ("; ", ", "):
        at = head.rfind(sep)
        if at >= budget // 2:
            return head[:at].rstrip(" ,;:") + "."
    return text  # no clause boundary: a cut mid-clause would mislead


# "Scaling these parameters ...": a demonstrative whose noun the previous sentence names.
_DEMONSTRATIVE_RE = re.compile(r"\b(?:[Tt]his|[Tt]hese|[Tt]hose)\s+(?=([a-z][\w-]*)\b)")
_VAGUE_NOUNS = frozenset({"problem", "problems", "issue", "issues", "challenge", "challenges",
                          "gap", "gaps", "limitation", "limitations", "phenomenon", "way",
                          "end", "regard", "direction", "question", "questions", "setting",
                          "flaw", "flaws", "vulnerability", "weakness", "weaknesses",
                          "shortcoming", "shortcomings", "bottleneck", "drawback", "risk"})


def definite(text: str, previous: str) -> str:
    """"these parameters" -> "the parameters" when ``previous`` (the sentence before, or all
    the sentences before) names parameters: a pointer the summary cannot show becomes a plain
    definite noun (never for "this problem" and other nouns that only point back at the
    motivation)."""
    low = previous.lower()

    def swap(match: re.Match[str]) -> str:
        noun = match.group(1)
        if noun.lower() in _VAGUE_NOUNS or noun.lower().rstrip("s")[:5] not in low:
            return match.group(0)
        return ("The " if match.group(0)[0].isupper() else "the ")

    return _DEMONSTRATIVE_RE.sub(swap, text)
