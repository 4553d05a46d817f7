"""What a reader trips on in a five-part summary, found by rules and listed by kind.

Kinds (``DEFECT_KINDS``):

- ``stock_opener``: a field that opens with a phrase its label already says ("The primary
  results show that ...", "Methodologically, ...", "The principal implication for AI
  practitioners is that ...").
- ``dangling_start``: a field that leans on text the reader does not see: a leading
  connective ("However,", "To this end,"), a pronoun without its noun ("It ...", "They
  ..."), "this process" / "these challenges" whose noun the field never named, a fragment
  starting in lowercase.
- ``glued_words``: "exploration.To", "Abilitytheir", "multi- modal", "introduces , a":
  seams of PDF text, and holes where a LaTeX macro took a name with it.
- ``heading_or_ack``: section headings, acknowledgements, figure/table captions, list
  markers and footnote marks that came along with a sentence.
- ``wrong_role``: a sentence in the wrong part: a results field with no finding in it (a
  dataset size, a method), a method or implication field that opens with a contribution or
  a finding, an objective that reports scores.
- ``placeholder``: a field that only says there is nothing ("The abstract does not report
  specific results").

Pure functions, deterministic; the checker knows nothing about how the summary was made.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..models import SUMMARY_PARTS, Summary
from .reference_parts import strip_connective
from .sentences import starts_with_name

DEFECT_KINDS = ("stock_opener", "dangling_start", "glued_words", "heading_or_ack",
                "wrong_role", "placeholder")


@dataclass(frozen=True)
class Defect:
    kind: str
    part: str
    excerpt: str


_PLACEHOLDER_RE = re.compile(
    r"\b(?:(?:abstract|paper|text|summary) (?:does|do) not (?:describe|report|state|mention|"
    r"provide|specify)|states no "
    r"(?:implication|result)|no usable (?:title|summary)|as the title states|"
    r"not available|not specified|not described|not reported)\b|\bN/A\b", re.I)

_CONNECTIVE_START_RE = re.compile(
    r"^(?:however|moreover|furthermore|additionally|in addition|also|thus|therefore|hence|"
    r"then|finally|second(?:ly)?|third(?:ly)?|meanwhile|besides|consequently|to this end|"
    r"to (?:address|tackle|solve|overcome|bridge|fill|mitigate|remedy) (?:this|these|"
    r"th(?:is|ese) \w+|such \w+)|building (?:on|upon)|based on (?:this|these)|as a result|"
    r"despite this|in contrast|instead|similarly|likewise|nevertheless|nonetheless|"
    r"and|but|or|which|whereas|while this|on the other hand|beyond this|unlike (?:these|"
    r"them|this))\b", re.I)
_PRONOUN_START_RE = re.compile(
    r"^(?:it|they|them|its|their|he|she|this|these|those|such|that)\b(?! (?:paper|work|"
    r"study|article|report|survey|research|thesis|position paper|technical report)\b)", re.I)
_FINDINGS_START_RE = re.compile(r"^(?:this|these) (?:results?|findings?)\b", re.I)
_DEMONSTRATIVE_RE = re.compile(
    r"\b(?:this|these|such|those) (process|phenomenon|phenomena|problem|issue|gap|limitation|"
    r"challenge|setting|paradigm|bottleneck|trend|observation|insight|capabilit(?:y|ies)|"
    r"behaviou?r|abilit(?:y|ies)|question|shortcoming|need|dilemma|tension|constraint|"
    r"mismatch|discrepancy|deficienc(?:y|ies)|weakness|drawback|vulnerabilit(?:y|ies))s?\b"
    r"|\b(?:the above|aforementioned|the former|the latter)\b", re.I)

# "merging these two fields", "as these models struggle": a noun the field never named.
_ANY_DEMONSTRATIVE_RE = re.compile(
    r"\b(?:these|those)\s+(?:two\s+|three\s+|four\s+)?([a-z][a-z-]{2,})\b", re.I)
_SELF_NOUNS = frozenset({"results", "findings", "paper", "papers", "work", "works",
                         "studies", "experiments", "observations", "insights",
                         "contributions", "innovations", "advances", "advancements",
                         "methods", "models", "approaches", "techniques", "tasks",
                         "benchmarks", "datasets", "settings", "components", "designs",
                         "strategies", "baselines"})
_NOT_NOUNS = frozenset({"from", "that", "which", "who", "with", "used", "in", "of", "for",
                        "are", "were", "have", "had", "can", "whose", "where",
                        "obtained", "based", "without", "trained", "seen", "found"})
_PERIOD_GLUE_RE = re.compile(r"\b[a-z]{3,}[.;:,][A-Z][a-z]+\b")
_SUFFIX_GLUE_RE = re.compile(r"\b[A-Za-z]{3,}(?:their|these|those|which|whose|where|the)\b")
_SUFFIX_OK = frozenset({"elsewhere", "somewhere", "anywhere", "everywhere", "nowhere",
                        "breathe", "soothe", "clothe", "loathe", "seethe", "scythe", "absinthe",
                        "lithe", "tithe", "bathe", "swathe"})
_HYPHEN_BREAK_RE = re.compile(
    r"\b[a-z]{2,}- (?!and\b|or\b|to\b|as\b|vs\b|versus\b|nor\b|but\b)[a-z]{2,}\b")

_ACK_RE = re.compile(
    r"\backnowledge?ments?\b|\b(?:we|the authors) (?:gratefully )?acknowledge\b|"
    r"\bwe (?:would like to )?thank\b|\bare grateful\b|\bgrateful to\b|"
    r"\bfunded by\b|\bsupported (?:in part )?by (?:the )?(?:national|grant|nsf|nsfc)|"
    r"\bgrant (?:no|number)\b|\bcorrespondence to\b|\bcorresponding author\b|"
    r"\bequal contribution\b|\bwork done (?:during|while)\b", re.I)
_CAPTION_RE = re.compile(r"(?:^|\s)(?:figure|fig\.|table|tab\.)\s*\d+\s*[:.|]", re.I)
_HEADING_RE = re.compile(
    r"^(?:\d+(?:\.\d+)*\.?\s+)?(?:abstract|introduction|related work|background|"
    r"preliminar(?:y|ies)|method(?:s|ology)?|approach|experiments?|experimental setup|results|"
    r"evaluation|analysis|discussion|conclusions?|limitations|appendix|references)"
    r"(?:\s+and\s+\w+)?\s+(?=[A-Z])"
    r"|^\d+(?:\.\d+)+\s+[A-Z]|^\d+\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,3}\s+[A-Z][a-z]"
    r"|\b(?:ABSTRACT|INTRODUCTION|CONCLUSIONS?|RELATED WORK|METHODS?|EXPERIMENTS?|RESULTS|"
    r"DISCUSSION|ACKNOWLEDGE?MENTS?|REFERENCES|APPENDIX)\b")
_LIST_MARKER_RE = re.compile(
    r"^(?:\(?\d{1,2}\)|\(?[ivx]{1,4}\)|\(?[a-h]\)|[•◦▪·∙●■–-]|\d{1,2}\.(?=\s+[A-Z]))\s+")
_FOOTNOTE_RE = re.compile(r"[†‡§¶∗⋆]|[¹²³⁴⁵⁶⁷⁸⁹⁰]|\b[a-z]{3,}\*(?=\s|$)")

_RESULT_CUE_RE = re.compile(
    r"\b(?:achiev\w*|outperform\w*|surpass\w*|exceed\w*|improv\w*|boost\w*|reduc\w*|"
    r"increas\w*|decreas\w*|gains?|speed-?ups?|faster|slower|lower|higher|better|worse|"
    r"state-of-the-art|sota|competitive|superior|inferior|comparabl\w*|match\w*|rival\w*|"
    r"show\w*|demonstrat\w*|reveal\w*|find\w*|found|observ\w*|confirm\w*|indicat\w*|"
    r"significant\w*|consistent\w*|effective\w*|robust\w*|fail\w*|drop\w*|degrad\w*|"
    r"reliab\w*|accurate\w*|successful\w*|"
    r"reach\w*|attain\w*|obtain\w*|yield\w*|accura\w*|scor\w*|perform\w*|success rate|"
    r"win rate|pass@\d|best|leading|strong\w*|enabl\w*|allow\w*|cut\w*|sav\w*|halv\w*|"
    r"doubl\w*|correlat\w*|remain\w*|struggl\w*|only|most|all|none|no)\b"
    r"|%|×|\b\d+(?:\.\d+)?x\b", re.I)
_CONTRIBUTION_START_RE = re.compile(
    r"^(?:(?:we|the authors|this (?:paper|work|study))\s+(?:\w+ly\s+)?(?:propose|introduce|"
    r"present|design|develop|construct|build|devise|formulate|curate|create|release|"
    r"contribute|open-source|collect)(?:s|d|ed)?\b)", re.I)
_CONTRIBUTION_INSIDE_RE = re.compile(
    r"\b(?:we|the authors) (?:\w+ )?(?:propose|introduce|present)s?\b", re.I)
_FINDING_START_RE = re.compile(
    r"^(?:(?:extensive |comprehensive |our |the )?(?:experiments?|experimental results|"
    r"results|evaluations?)\s+(?:\w+\s+){0,4}?(?:show|demonstrate|reveal|indicate|confirm)s?"
    r"|(?:we|the authors) (?:find|found|show|observe|demonstrate)\b)", re.I)
# "a dataset of 250K samples", "1.2M image-text pairs": a size, not a finding.
_SIZE_RE = re.compile(
    r"\b(?:dataset|corpus|benchmark|collection|suite)\w* (?:of|with|containing|comprising|"
    r"including)\s+(?:over |more than |about |nearly |around )?[\d,.]+\s*[kKMB]?\b"
    r"|[\d,.]+\s*[kKMB]?\+?\s+(?:[\w-]+\s+){0,2}(?:samples|examples|instances|pairs|images|"
    r"videos|questions|problems|tasks|prompts|trajectories|hours|documents|conversations|"
    r"dialogues|tokens|annotations|clips|scenes|queries|projects|participants|trials)\b", re.I)
_SCORE_RE = re.compile(r"\b(?:outperform\w*|achiev\w*|surpass\w*|improv\w*)\b[^.]*"
                       r"\d+(?:\.\d+)?\s*(?:%|points?|×|x\b)", re.I)


def _excerpt(text: str, start: int = 0) -> str:
    return text[max(0, start - 20): start + 60]


def _dangling(part: str, text: str) -> str | None:
    if text[:1].islower() and not starts_with_name(text):  # "iPhone ..." is no fragment
        return text[:60]
    if _CONNECTIVE_START_RE.match(text):
        return text[:60]
    findings = part in ("results", "implication") and _FINDINGS_START_RE.match(text)
    if _PRONOUN_START_RE.match(text) and not findings:
        return text[:60]
    for match in _ANY_DEMONSTRATIVE_RE.finditer(text):
        noun = match.group(1).lower()
        if noun in _NOT_NOUNS:
            continue  # "such as those from", "those that": no noun to miss
        if noun not in _SELF_NOUNS and noun.rstrip("s")[:5] not in text[: match.start()].lower():
            return _excerpt(text, match.start())
    for match in _DEMONSTRATIVE_RE.finditer(text):
        noun = match.group(1)
        if noun is None:
            return _excerpt(text, match.start())
        stem = noun.lower()[:5]
        if stem not in text[: match.start()].lower():
            return _excerpt(text, match.start())
    return None


_HOLE_RE = re.compile(r"\w \s*[,;:.](?!\d)|\(\s*\)")


def _glued(text: str) -> str | None:
    for pattern in (_PERIOD_GLUE_RE, _HYPHEN_BREAK_RE, _HOLE_RE):
        match = pattern.search(text)
        if match is not None:
            return match.group(0)
    for match in _SUFFIX_GLUE_RE.finditer(text):
        if match.group(0).lower() not in _SUFFIX_OK:
            return match.group(0)
    return None


def _heading_or_ack(text: str) -> str | None:
    for pattern in (_ACK_RE, _CAPTION_RE, _HEADING_RE, _LIST_MARKER_RE, _FOOTNOTE_RE):
        match = pattern.search(text)
        if match is not None:
            return _excerpt(text, match.start())
    return None


def _wrong_role(part: str, text: str) -> str | None:
    if part == "results":
        if _CONTRIBUTION_START_RE.match(text):
            return text[:60]
        if not _RESULT_CUE_RE.search(text) and not re.search(r"\d", _SIZE_RE.sub("", text)):
            return text[:60]  # no finding: no result word and no number but a data size
    elif part == "implication":
        if _CONTRIBUTION_START_RE.match(text) or _FINDING_START_RE.match(text) or \
                _CONTRIBUTION_INSIDE_RE.search(text[:160]):
            return text[:60]
    elif part == "method":
        if _FINDING_START_RE.match(text):
            return text[:60]
    elif part == "objective":
        match = _SCORE_RE.search(text)
        if match is not None:
            return _excerpt(text, match.start())
    return None


def part_defects(part: str, text: str) -> list[tuple[str, str]]:
    """(kind, excerpt) for each defect of one field's text, at most one of each kind."""
    text = " ".join(text.split())
    if not text:
        return []
    if _PLACEHOLDER_RE.search(text):
        return [("placeholder", text[:60])]  # the rest of a placeholder is not the paper's
    found: list[tuple[str, str]] = []
    body = strip_connective(text)
    if body.lower() != text.lower():
        found.append(("stock_opener", text[:60]))
    checks = (("dangling_start", _dangling(part, body)), ("glued_words", _glued(body)),
              ("heading_or_ack", _heading_or_ack(body)),
              ("wrong_role", _wrong_role(part, body)))
    found.extend((kind, excerpt) for kind, excerpt in checks if excerpt is not None)
    return found


def find_defects(summary: Summary) -> list[Defect]:
    """Every defect of ``summary``, at most one of each kind per part."""
    return [Defect(kind, part, excerpt) for part in SUMMARY_PARTS
            for kind, excerpt in part_defects(part, getattr(summary, part))]
