"""Whether a phrased sentence may stand in a part: the summarizer's own gate.

The selection asks :func:`fits` before it takes a sentence. These rules are written from
what the summarizer knows about a sentence it phrased (how it starts, what it leans on, the
role cues of the part); they are deliberately not the defect checker's
(:mod:`dailypapers.summarize.defects`), which reads the finished summary from outside and so
measures what this gate lets through.
"""

from __future__ import annotations

import re

from ..sentences import starts_with_name

# A start that leans on the sentence before: a connective the phrasing kept, or a pronoun.
_LEANS_RE = re.compile(
    r"^(?:however|moreover|furthermore|additionally|also|thus|therefore|hence|then|finally|"
    r"meanwhile|besides|consequently|instead|nevertheless|nonetheless|otherwise|conversely|"
    r"accordingly|afterwards?|next|later|subsequently|unlike th|compared to th|in (?:the )?"
    r"(?:first|second|third|final|next|latter|former|same|other)\b|on (?:the|this) basis|"
    r"and|but|or|nor|so|which|whereas|while th|both of th|each of th|all of th|"
    r"it|its|they|their|them|this|these|those|that|such|the (?:former|latter))\b",
    re.I)
# A demonstrative whose noun the sentence itself has not named yet ("to solve this issue").
_THIS_NOUN_RE = re.compile(r"\b(?:this|these|those|such|the above|the aforementioned|"
                           r"said)\s+([a-z][\w-]*)(?:\s+([a-z][\w-]{2,}))?", re.I)
# Nouns "this X" may use without naming X first: the paper itself and what it built.
_OWN_WORK = frozenset({"paper", "work", "study", "article", "report", "survey", "research",
                       "thesis", "results", "findings", "result", "finding", "way", "end",
                       "regard", "case", "context", "time", "kind", "type", "manner", "as",
                       "technical", "framework", "approach",
                       "method", "model", "system", "pipeline", "dataset", "benchmark",
                       "design", "analysis", "direction", "line", "new", "novel",
                       # plurals a reader takes as the paper's own, or the models it studies
                       "models", "methods", "approaches", "datasets", "benchmarks", "designs",
                       "studies", "works", "papers"})
# "those of", "those that": a pronoun for a noun the same sentence named, not a pointer back.
_NOT_NOUNS = frozenset({"of", "that", "which", "who", "with", "from", "in", "for", "on", "at",
                        "by", "used", "trained", "seen", "found", "based", "without",
                        "obtained", "whose", "where"})
# "(2) the authors develop", "3) A hybrid", "• The", a heading word run into the sentence.
_MARKER_RE = re.compile(r"^(?:\(?[0-9ivx]{1,4}\)|\(?[a-h]\)|[•◦▪·∙●■–]|\d{1,2}\.\s)")
# ... and "The is currently the largest", a name a LaTeX macro took with it.
_BROKEN_RE = re.compile(r"^(?:The|A|An) (?:is|are|was|were|has|have)\b|"
                        r"\b[a-z]{2,}- (?!and\b|or\b|to\b|as\b|vs\b|nor\b)[a-z]{2,}\b|"
                        r"[a-z]{3}[.;:][A-Z][a-z]|\w \s*[,;:.](?!\d)|\(\s*\)")
_PLACEHOLDER_RE = re.compile(r"\b(?:not (?:described|reported|specified|available)|"
                             r"does not (?:describe|report|state)|N/A)\b", re.I)
# Part-specific cues.
_FINDING_CUE_RE = re.compile(
    r"\b(?:achiev|outperform|surpass|exceed|improv|boost|reduc|increas|decreas|gain|"
    r"speed|faster|slower|lower|higher|better|worse|best|state-of-the-art|sota|competitive|"
    r"superior|comparabl|match|rival|reveal|show|demonstrat|find|found|observ|confirm|"
    r"indicat|significant|consistent|effective|robust|fail|drop|degrad|struggl|reach|"
    r"attain|obtain|yield|accura|scor|perform|success|win|strong|enabl|allow|sav|correlat|"
    r"remain|generaliz|establish|set|reliab|accurat|effectiv|precis|separat|rank)\w*|%|×|"
    r"\b\d+(?:\.\d+)?x\b", re.I)
_CONTRIBUTION_RE = re.compile(
    r"^(?:the authors|this (?:paper|work|study))\s+(?:\w+ly\s+)?(?:propose|introduce|present|"
    r"design|develop|construct|build|devise|formulate|curate|create|release|collect|"
    r"open-source|contribute|make)", re.I)
_REPORTS_RE = re.compile(r"^(?:(?:extensive |comprehensive |the |the authors' |our )?(?:"
                         r"experiments?|evaluations?|experimental results|results|ablations?|"
                         r"ablation (?:studies|experiments))\s+"
                         r"(?:[\w-]+\s+){0,7}?(?:show|demonstrate|"
                         r"reveal|indicate|confirm)|the authors (?:find|found|show|observe|"
                         r"demonstrate)\b)", re.I)
_SIZE_RE = re.compile(r"\d[\d,.]*\s*[kKMB]?\+?\s+(?:[\w-]+\s+){0,2}[a-z]+s\b")
# "X is trained on 100 games", "The authors collect 83 repositories": how the work was set
# up, told by the sentence's main verb (not "a curated dataset", "data collected in the lab").
_SETUP_RE = re.compile(
    r"^(?:[\w'’-]+\s+){1,4}?(?:\w+ly\s+)?(?:(?:pre-?)?train(?:s|ed)?|fine-tun(?:es|ed)|"
    r"collect(?:s|ed)?|curat(?:es|ed)|construct(?:s|ed)?|synthesiz(?:es|ed)|assembl(?:es|ed)|"
    r"gather(?:s|ed)?|annotat(?:es|ed))\b|^(?:[\w'’-]+\s+){1,4}?(?:is|are|was|were)\s+"
    r"(?:pre-?)?trained on\b", re.I)
_MEASURED_CUE_RE = re.compile(
    r"\b(?:outperform|achiev|improv|surpass|exceed|accura|faster|slower|better|worse|higher|"
    r"lower|less|fewer|reduc|gain|boost|superior|competitive|narrow|significant|successful|"
    r"state-of-the-art|sota|speed|beat|match|"
    r"rival)\w*|%|×|\b\d+(?:\.\d+)?[xX]\b", re.I)
_SCORE_RE = re.compile(r"\d+(?:\.\d+)?\s*(?:%|points?|×|x\b)")


def _leans_on_context(text: str) -> bool:
    fragment = text[:1].islower() and not starts_with_name(text)  # "iPhone ..." is a name
    if (fragment or _LEANS_RE.match(text)) and not re.match(
            r"^th(?:is|ese) (?:paper|work|study|article|report|survey|results?|findings?)\b",
            text, re.I):
        return True
    low = text.lower()
    if ("former" in low or "latter" in low) and re.search(
            r"\b(?:the|this|these) (?:former|latter)\b", low):
        return True
    if not any(w in low for w in ("this ", "these ", "those ", "such ", "above", "said ",
                                  "aforementioned")):
        return False
    for match in _THIS_NOUN_RE.finditer(text):
        words = [w.lower() for w in match.groups() if w]
        if words[0] in _OWN_WORK or (match.group(0)[:5].lower() == "those" and
                                     words[0] in _NOT_NOUNS):
            continue  # "comparable to those obtained by ...", "those of the teacher"
        before = text[: match.start()].lower()
        if not any(w.rstrip("s")[:5] in before for w in words):
            return True
    return False


def fits(part: str, text: str) -> bool:
    """Whether ``text`` (already phrased) can stand alone in ``part``."""
    if re.search(r"\bthe authors (?:should|must|need to|ought to)\b", text, re.I):
        return False  # "we should rethink ..." speaks for the field, not for the authors
    if not text or _PLACEHOLDER_RE.search(text) or _MARKER_RE.search(text) or \
            _BROKEN_RE.search(text) or _leans_on_context(text):
        return False
    if part == "results":
        # A finding: a result cue or a measured number (a size alone is not one, nor how the
        # work was set up: "X is trained on 100 games", "the authors collect 83 repositories").
        if _SETUP_RE.search(text) and not _MEASURED_CUE_RE.search(text):
            return False
        return not _CONTRIBUTION_RE.match(text) and bool(
            _FINDING_CUE_RE.search(text) or re.search(r"\d", _SIZE_RE.sub("", text)))
    if part == "implication":
        return not (_CONTRIBUTION_RE.match(text) or _REPORTS_RE.match(text) or
                    re.match(r"(?:this|our|the) (?:paper|work|study) (?:aims|seeks)", text, re.I) or
                    re.search(r"\b(?:the authors|we) (?:\w+ )?(?:propose|introduce|present)",
                              text[:160], re.I))
    if part == "method":
        return not _REPORTS_RE.match(text)
    if part == "objective":
        return not _SCORE_RE.search(text)
    return True
