"""Sentence splitting and light cleaning for scientific prose (abstracts and full texts).

Promises: a period inside an abbreviation ("e.g.", "i.e.", "et al.", "Fig.", "vs."), a
decimal ("88.5"), a version or model name ("Qwen2.5", "v1.2"), an initial ("J. Smith"), a
URL, or inside LaTeX math (``$...$``) never ends a sentence; a citation ("[12]", "(Smith et
al., 2024)") does not either. Pure functions, no I/O, deterministic.
"""

from __future__ import annotations

import re

# Words whose trailing period is part of the word, not the end of a sentence.
_ABBREVIATIONS = frozenset(
    """
    e.g i.e etc al vs cf fig figs eq eqs sec secs tab tabs ref refs approx resp dr prof
    mr mrs ms no nos vol pp ch app def thm lem prop cor st inc ltd co corp jr sr ca viz
    est dept univ jan feb mar apr jun jul aug sep sept oct nov dec
    """.split()  # noqa: SIM905 - a word list reads better as words
)

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LIGATURES = str.maketrans(
    {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
     "\ufb05": "st", "\ufb06": "st"}
)

# LaTeX that abstracts carry verbatim from the source (HF and arXiv keep it).
_LATEX_TEXT_CMD = re.compile(r"\\(?:text(?:bf|it|tt|rm|sc|sf)?|emph|mathrm|mathbf|mathit|"
                             r"mathcal|mathbb|operatorname|textsc|url|href\{[^}]*\})\s*\{([^{}]*)\}")
_LATEX_SIMPLE = {
    r"\%": "%", r"\&": "&", r"\_": "_", r"\#": "#", r"\$": "\ue000", r"\times": "×",
    r"\sim": "~", r"\approx": "≈", r"\leq": "≤", r"\geq": "≥", r"\le": "≤", r"\ge": "≥",
    r"\pm": "±", r"\cdot": "·", r"\rightarrow": "→", r"\to": "→", r"\ldots": "...",
    r"\dots": "...", r"\infty": "∞", r"\alpha": "α", r"\beta": "β", r"\gamma": "γ",
    r"\lambda": "λ", r"\mu": "μ", r"\sigma": "σ", r"\tau": "τ", r"\theta": "θ",
    r"\epsilon": "ε", r"\delta": "δ", r"\pi": "π", r"\%%": "%", r"\ell": "ℓ",
    r"\gg": "≫", r"\ll": "≪", r"\neq": "≠", r"\in": "∈", r"\log": " log", r"\exp": " exp",
    r"\max": " max", r"\min": " min", r"\sum": "∑", r"\prod": "∏", r"\sqrt": "√",
    r"\nabla": "∇", r"\partial": "∂", r"\Delta": "Δ", r"\Omega": "Ω", r"\omega": "ω",
    r"\phi": "φ", r"\psi": "ψ", r"\rho": "ρ", r"\eta": "η", r"\kappa": "κ", r"\xi": "ξ",
    r"\uparrow": "↑", r"\downarrow": "↓", r"\leftarrow": "←", r"\Rightarrow": "⇒",
    # the abbreviation macros papers define ("\eg, automatically ..." is "e.g., ...")
    r"\eg": "e.g.", r"\ie": "i.e.", r"\etal": "et al.", r"\etc": "etc.", r"\vs": "vs.",
    r"\wrt": "w.r.t.", r"\cf": "cf.",
}
_LATEX_SIMPLE_RE = re.compile(
    "|".join(re.escape(k) + (r"(?![A-Za-z])" if k[-1].isalpha() else "")
             for k in sorted(_LATEX_SIMPLE, key=len, reverse=True))
)
_LATEX_OTHER_CMD = re.compile(r"\\[A-Za-z]+\*?")


def normalize_prose(text: str) -> str:
    """Readable plain text: ligatures, LaTeX markup and whitespace normalized.

    Digits are never altered (no NFKC: it would fold superscripts and change numbers).
    """
    text = text.translate(_LIGATURES).replace("\ufffe", "-").replace("\u00ad", "")
    text = _CONTROL_RE.sub(" ", text)
    # "datasets. % With ...": LaTeX comment marks left between sentences (not "50 %").
    if "%" in text:
        text = re.sub(r"(?<=[^\d\s])\s+%(?=\s)", " ", text)
    # "4.05times", "256times256": LaTeX \times that lost its backslash on the way.
    if "times" in text:
        text = re.sub(r"(?<=\d)times(?=\s|\d|$)", "×", text)
    # "82. 42%": a decimal point that a copy-paste split from its digits.
    text = re.sub(r"(?<=\d)\. (?=\d+\s*\\?%)", ".", text)
    if "\\" in text or "$" in text or "~" in text:
        # LaTeX spacing: "10\,000" groups thousands (read "10,000"); "300\,k", "5\;ms" are a
        # thin space ("300 k"), "\!" a negative one (nothing).
        text = re.sub(r"(?<=\d)\\,(?=\d{3}(?!\d))", ",", text)
        text = re.sub(r"\\[,;:]|\\ ", " ", text).replace("\\!", "")
        for _ in range(2):  # nested \textbf{\emph{x}}
            text = _LATEX_TEXT_CMD.sub(r"\1", text)
        text = _LATEX_SIMPLE_RE.sub(lambda m: _LATEX_SIMPLE[m.group(0)], text)
        text = re.sub(r"\b(e\.g|i\.e|et al|etc|vs|w\.r\.t|cf)\.\.", r"\1.", text)  # "\etc."
        text = _LATEX_OTHER_CMD.sub("", text)
        # Math delimiters and grouping braces carry no words of their own.
        text = re.sub(r"(?<!\\)\$", "", text).replace("\ue000", "$")  # "\$120" stays
        text = re.sub(r"[{}]", "", text)
        # "~" is LaTeX's non-breaking space ("LLMs~(MLLMs)"), except "~50" meaning "about".
        # A spaced "~" between numbers is a range ("10x ~ 50x") and stays.
        text = re.sub(r"(?<=\S)~(?![\d.\s])", " ", text)
        text = text.replace("\\", "")
    return " ".join(text.split())


_INITIALS_RE = re.compile(r"[A-Z]|(?:[A-Za-z]\.)+[A-Za-z]?")
_WINDOW = 200  # characters before a candidate end that decide it
_CANDIDATE_END = re.compile(r"[.!?]+[\"')\]]*\s+")
_CITATION_RE = re.compile(
    r"\s*\[(?:\d+(?:[,\u2013\-]\s*\d+)*)\]"  # [12], [3, 4], [5-7]
    r"|\s*\((?:[A-Z][A-Za-z\-]+(?: et al\.| and [A-Z][A-Za-z\-]+)?,? \d{4}[a-z]?"
    r"(?:; ?)?)+\)"  # (Smith et al., 2024; Doe, 2023)
)


def strip_citations(text: str) -> str:
    return _CITATION_RE.sub("", text)


_LOWER_NAME_RE = re.compile(r"[a-z]+(?:[A-Z]|\d+[A-Za-z])[\w-]*(?=[\s,:;'’)]|$)")


def starts_with_name(text: str) -> bool:
    """Whether ``text`` opens with a name written in lower case first ("uCO3D", "iPhone",
    "word2vec"): a sentence start, not a fragment, and never to be capitalized."""
    return _LOWER_NAME_RE.match(text) is not None


def _ends_sentence(before: str, after: str) -> bool:
    """Whether the punctuation at the end of ``before`` closes a sentence."""
    if not after:
        return True
    first = after[0]
    # A sentence starts with a capital, a digit, a quote or bracket, LaTeX/markup, or a name
    # written in lower case first ("uCO3D", "iPhone", "word2vec", "mPLUG").
    if not (first.isupper() or first.isdigit() or first in "\"'([“‘\\$" or (
            first.islower() and starts_with_name(after))):
        return False
    stripped = before.rstrip("\"')]")
    if not stripped.endswith("."):
        return True  # "!" or "?"
    # The word before the period: the last run of non-spaces (whitespace is single spaces).
    body = stripped[:-1]
    word = body[body.rfind(" ") + 1 :]
    if not word:
        return True
    bare = word.lstrip("([\"'").lower()
    if bare in _ABBREVIATIONS or bare.rstrip(".") in _ABBREVIATIONS:
        return False
    # Initials ("J. Smith") and dotted abbreviations ("U.S.") but not acronyms ("LLM.").
    initials = _INITIALS_RE.fullmatch(word)
    return initials is None


def split_sentences(text: str) -> list[str]:
    """Split cleaned prose into sentences (see module docstring for what survives)."""
    text = " ".join(text.split())
    if not text:
        return []
    sentences: list[str] = []
    start = 0
    # Linear in the text's length: each candidate looks at a bounded window around it (the
    # checks read at most the last 200 characters before it and the word after it), never at
    # a copy of everything since the sentence start or of the rest of the text.
    for match in _CANDIDATE_END.finditer(text):
        end = match.end()
        window = text[max(start, end - _WINDOW) : end]
        after = text[end : end + 40]
        if _inside_unclosed(window) and _closes_soon(text, end):
            continue
        if _ends_sentence(window.rstrip(), after):
            sentences.append(text[start:end].rstrip())
            start = end
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return [s for s in sentences if s]


def _closes_soon(text: str, position: int) -> bool:
    """A bracket that never closes (a typo) must not swallow the rest of the text."""
    depth = 1
    for ch in text[position : position + 150]:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
            if depth == 0:
                return True
    return False


_BRACKETS_RE = re.compile(r"[^()\[\]]+")


def _inside_unclosed(chunk: str) -> bool:
    """A period inside an open bracket (e.g. "(see Sec. 3. for ...)") is not an end.

    Looks at the last 199 characters only, and at their brackets only (found in C), so a
    text of many candidate ends costs a constant per candidate.
    """
    brackets = _BRACKETS_RE.sub("", chunk[-199:])
    if not brackets:
        return False
    for open_char, close_char in (("(", ")"), ("[", "]")):
        depth = 0
        for ch in reversed(brackets):
            if ch == close_char:
                depth += 1
            elif ch == open_char:
                if depth == 0:
                    return True
                depth -= 1
    return False
