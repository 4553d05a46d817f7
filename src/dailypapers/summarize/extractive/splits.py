"""How one sentence splits between two parts: what was made, and what it is for, does or
achieved.

A contribution sentence often carries more than the one-line summary needs: its aim
("We introduce X to evaluate Y": the objective), a description ("X, a framework that unifies
A and B": the method), a closing finding ("..., achieving 41.9% on MMMU": the results) or
a claim ("... and show that X improves Y by 5%": the results). Each function returns the two
halves in the paper's own words, or None when the sentence does not split cleanly.
"""

from __future__ import annotations

import re

from .phrasing import depersonalize, third_person

# Only an explicit purpose: ", aiming to X", "designed to X", "in order to X", or "to"
# before a verb that always states an aim ("to address", "to mitigate", ...).
_PURPOSE_TO_RE = re.compile(
    r"(?:,\s+|\s)(?:(?:(?:aiming|designed|intended|in order|so as|seeking|which aims?|"
    r"that aims?)\s+to\s+((?:\w+ly\s+)?[a-z]+(?<!ing)\s[^;]{20,}))|to\s+((?:address|tackle|"
    r"solve|mitigate|overcome|bridge|alleviate|remedy|close|fill|eliminate|reduce|improve|"
    r"enhance|accelerate|evaluate|assess|benchmark|measure|diagnose|democratize)\s[^;]{20,}))$")


def purpose_of(text: str) -> str | None:
    """"We introduce X to evaluate Y" -> "To evaluate Y": the aim inside a contribution."""
    split = split_purpose(text)
    return split[1] if split is not None else None


def split_purpose(text: str) -> tuple[str, str] | None:
    """("We introduce X.", "To evaluate Y."): a contribution and the aim it states."""
    match = _PURPOSE_TO_RE.search(text)
    if match is None:
        return None
    aim = depersonalize(match.group(1) or match.group(2)).lstrip()
    head = re.sub(r"(?:\s+\w+ly)+$", "", text[: match.start()].rstrip(" ,;:"))
    head = head.rstrip(" ,;:") + "."
    return head, "To " + aim[:1].lower() + aim[1:]


# "..., a framework that unifies A and B": the description a contribution sentence carries.
_DESCRIPTION_RE = re.compile(
    r",\s+(?:a|an)\s+(?P<noun>(?:[\w-]+\s+|\([\w-]+\)\s+){0,8}?(?P<head>[a-z][a-z-]{2,}))\s+"
    r"(?:that|which)\s+"
    r"(?P<verb>(?:\w+ly\s+)?(?!is\b|has\b|was\b)[a-z]{3,}s)\s+(?P<rest>[^;]{25,})$")


def split_description(text: str, name: str | None) -> tuple[str, str] | None:
    """("This paper proposes X, a framework.", "X unifies A and B."): a one-line summary
    that says what was made, and what it does, which belongs to the method (or the results).

    Only a relative clause right after the appositive ("X, a <noun> that <verbs> ...") is
    taken; its subject is the name when the head names it, else "The <noun>".
    """
    match = _DESCRIPTION_RE.search(text)
    if match is None or match.start() < 25 or len(match.group("noun")) < 20:
        return None  # "This paper presents X, a framework." says too little
    head = text[: match.end("noun")].rstrip(" ,") + "."
    if name is not None and name in text[: match.start()]:
        subject = name
    elif match.group("head").endswith("s"):
        return None  # "a family of models that advances": the verb's subject is not the head
    else:
        subject = f"The {match.group('head')}"
    clause = f"{subject} {match.group('verb')} {match.group('rest')}".rstrip(" .") + "."
    return head, clause


_GERUNDS = ("achiev", "outperform", "improv", "reduc", "yield", "surpass", "deliver", "attain",
            "reach", "obtain", "boost", "sett", "establish", "match", "exceed", "cutt")
# "..., achieving 41.9% on MMMU": a finding that closes a contribution sentence.
_CLOSING_FINDING_RE = re.compile(
    r",\s+(?:thereby\s+|while\s+|and\s+)?(?P<verb>(?:" + "|".join(_GERUNDS) + r")ing)\s+"
    r"(?P<rest>[^;]*\d[^;]*)$")


def split_finding(text: str, name: str | None) -> tuple[str, str] | None:
    """("This paper proposes X, a cache.", "X achieves 41.9% on MMMU."): the finding a
    contribution sentence closes with, told as the results part, when the name is known."""
    match = _CLOSING_FINDING_RE.search(text)
    if match is None or name is None or name not in text[: match.start()] or \
            match.start() < 30:
        return None
    verb = match.group("verb")[:-3]
    verb = {"sett": "set", "cutt": "cut"}.get(verb, verb)
    if verb.endswith(("iev", "uc", "ov", "ach")) or verb in ("improv", "reduc"):
        verb += "e" if not verb.endswith("ach") else ""
    verb = third_person(verb)
    return (text[: match.start()].rstrip(" ,") + ".",
            f"{name} {verb} {match.group('rest')}".rstrip(" .") + ".")


_RESULT_VERBS = (r"(?:achieves|outperforms|surpasses|improves|reduces|reaches|attains|delivers|"
                 r"yields|sets|matches|exceeds|boosts|doubles|halves|speeds up|cuts|accelerates|"
                 r"enables|runs|generates)")
# "... and show that X improves Y by 5%": a claim the contribution sentence ends with.
# "..., suggesting that X is 10 points better", "... and found that X needs 10 steps".
_CLAIM_RE = re.compile(r"(?:,?\s+and\s+(?:\w+ly\s+)?(?:show|demonstrate|find|reveal|observe)"
                       r"(?:s|ed)?|\s+and\s+(?:found|showed|shown)|,\s+(?:thereby\s+)?(?:suggesting|"
                       r"showing|demonstrating|revealing|finding))\s+that\s+(?P<rest>[^;]{20,})$")
# "... a <noun> that (not only) achieves 50 points on AIME": a finding told as a description.
_FINDING_NOUN_RE = re.compile(
    r"(?P<lead>,\s+)?\b(?:a|an)\s+(?P<noun>(?:[\w-]+\s+|\([\w-]+\)\s+){0,10}?"
    r"(?P<head>[a-z][a-z-]{2,})),?\s+(?:that|which)\s+(?P<verb>(?:\w+ly\s+)?(?:not only\s+)?"
    + _RESULT_VERBS + r")\s+(?P<rest>[^;]{15,})$")


# What kind of thing a description names: its subject when the clause's head is a detail.
_KIND_RE = re.compile(r"\b(?:method|approach|framework|strategy|model|algorithm|technique|"
                      r"system|pipeline|recipe|scheme|module|architecture|agent)\b", re.I)


def split_claim(text: str, name: str | None) -> tuple[str, str] | None:
    """("This paper creates two benchmarks.", "VisualLens improves ... by 5-10%."): the
    measured finding a contribution sentence carries, as the results' own sentence.

    Only the finding's clause moves, and only when it states a number; the rest stays the
    one-line summary in the paper's words.
    """
    claim = _CLAIM_RE.search(text)
    if claim is not None and claim.start() >= 30 and any(ch.isdigit() for ch in claim["rest"]):
        rest = depersonalize(claim["rest"].rstrip(" ."))
        return text[: claim.start()].rstrip(" ,") + ".", rest[:1].upper() + rest[1:] + "."
    match = _FINDING_NOUN_RE.search(text)
    if match is None or match.start() < 15 or not any(ch.isdigit() for ch in match["rest"]):
        return None
    before = text[: match.start()]
    kind = _KIND_RE.search(match["noun"])
    if match["lead"] and name is not None and before.rstrip().endswith(name):
        subject = name  # "X, a method that achieves ...": X achieves ...
    elif kind is not None:
        subject = f"The {kind.group(0).lower()}"  # "a simple strategy by X, which doubles"
    elif match["head"].endswith("s") and not match["head"].endswith("ss"):
        return None  # "a family of models that": the verb's subject is not the head
    else:
        subject = f"The {match['head']}"
    head = text[: match.end("noun")].rstrip(" ,") + "."
    clause = f"{subject} {match['verb']} {match['rest']}".rstrip(" .") + "."
    return head, clause
