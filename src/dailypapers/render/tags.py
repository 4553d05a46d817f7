"""Tags people would use: one key per idea, whatever case, plural, hyphen or acronym a paper
or a summarizer wrote it in.

``tag_key(label)`` is the one definition of a tag's identity: "LLMs", "LLM-based", "Large
Language Models (LLMs)" and "large language model" all give ``"llm"``. Rules, in order:

1. a parenthesised acronym is dropped ("Large Language Models (LLMs)"), case folded,
   hyphens, slashes and underscores become spaces, a trailing "based"/"driven" goes;
2. prefixes written apart or together are joined ("multi-modal", "multi modal" and
   "multimodal" agree; so do "pre-training" and "pretraining");
3. the last word is made singular ("models", "policies", "patches", "LLMs"), except words
   that are not plurals ("physics", "analysis", "corpus", "data");
4. the alias table maps acronyms and spelled-out forms to one key with one display label;
5. generic words ("data", "time", "framework", "learning"...) are no tag at all.

``canonical(labels)`` turns a paper's raw keywords into its (key, label) pairs, deduplicated
and bounded. The site decides which keys earn a page (a minimum number of papers).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from ..safety import flat_text

MAX_TAGS_PER_PAPER = 8
MAX_LABEL = 60

# (key, display label, variants): acronyms, spelled-out forms and common variants that mean
# one tag. Variants go through ``_base_key`` (case, plural, hyphens) before they are looked up.
_ALIAS_GROUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("llm", "LLMs", ("large language model", "llm", "lm", "language model",
                     "large language", "large lm")),
    ("mllm", "multimodal LLMs", ("multimodal large language model", "mllm", "lmm",
                                 "large multimodal model", "multimodal llm",
                                 "multimodal language model")),
    ("vlm", "vision-language models", ("vision language model", "vlm", "vision language",
                                       "large vision language model", "lvlm",
                                       "visual language model")),
    ("vla", "vision-language-action models", ("vision language action model", "vla",
                                              "vision language action")),
    ("reinforcement learning", "reinforcement learning", ("reinforcement learning", "rl",
                                                          "deep reinforcement learning")),
    ("rlhf", "RLHF", ("rlhf", "reinforcement learning from human feedback")),
    ("rlvr", "RLVR", ("rlvr", "reinforcement learning with verifiable reward")),
    ("chain of thought", "chain-of-thought", ("chain of thought", "cot",
                                              "chain of thought reasoning",
                                              "chain of thought prompting")),
    ("rag", "RAG", ("rag", "retrieval augmented generation", "retrieval augmented")),
    ("mixture of expert", "mixture of experts", ("mixture of expert", "moe")),
    ("diffusion model", "diffusion models", ("diffusion model", "diffusion",
                                             "diffusion probabilistic model")),
    ("diffusion transformer", "diffusion transformers", ("diffusion transformer", "dit")),
    ("text to image", "text-to-image", ("text to image", "t2i", "text to image generation",
                                        "text to image diffusion")),
    ("text to video", "text-to-video", ("text to video", "t2v", "text to video generation")),
    ("speech recognition", "speech recognition", ("speech recognition", "asr",
                                                  "automatic speech recognition")),
    ("gaussian splatting", "3D Gaussian splatting", ("gaussian splatting", "3dgs",
                                                    "3d gaussian splatting", "3d gaussian")),
    ("nerf", "NeRF", ("nerf", "neural radiance field")),
    ("vision transformer", "vision transformers", ("vision transformer", "vit")),
    ("graph neural network", "graph neural networks", ("graph neural network", "gnn")),
    ("natural language processing", "NLP", ("natural language processing", "nlp")),
    ("finetuning", "fine-tuning", ("finetuning", "fine tuning", "supervised finetuning",
                                   "supervised fine tuning", "sft")),
    ("lora", "LoRA", ("lora", "low rank adaptation")),
    ("peft", "parameter-efficient fine-tuning", ("peft", "parameter efficient finetuning",
                                                 "parameter efficient fine tuning")),
    ("grpo", "GRPO", ("grpo", "group relative policy optimization")),
    ("ppo", "PPO", ("ppo", "proximal policy optimization")),
    ("dpo", "DPO", ("dpo", "direct preference optimization")),
    ("in context learning", "in-context learning", ("in context learning", "in context",
                                                    "icl")),
    ("multimodal", "multimodal", ("multimodal", "multimodality", "cross modal")),
    ("agent", "agents", ("agent", "ai agent", "llm agent", "autonomous agent",
                         "language agent", "agentic")),
    ("multiagent", "multi-agent systems", ("multiagent", "multiagent system")),
    ("process reward model", "process reward models", ("process reward model", "prm")),
    ("kv cache", "KV cache", ("kv cache", "kv", "key value cache")),
    ("gui agent", "GUI agents", ("gui agent", "gui")),
    ("pretraining", "pre-training", ("pretraining", "pretrained model")),
    ("posttraining", "post-training", ("posttraining",)),
    ("math reasoning", "mathematical reasoning", ("math reasoning", "mathematical reasoning",
                                                  "mathematical", "math")),
    ("code generation", "code generation", ("code generation", "code", "programming",
                                            "code llm")),
)

# A tag page for these would list a random sample of the site: words every paper uses.
# Written as ``_base_key`` leaves them (singular, prefixes joined).
_GENERIC_WORDS = """
ai data time model method approach performance framework system task learning language
generation training result accuracy study analysis paper work problem technique tool
efficiency efficient effective novel new dataset benchmark evaluation experiment algorithm
long short multiple human user finegrained dynamic research knowledge inference scaling
token input output feature information quality process application error object concept
instruction environment hierarchical compositional collaborative personalized interactive
temporal visual image video text word sentence sota baseline openai google improvement
solution architecture strategy mechanism module component pipeline design setting setup
scenario domain general generalization robust robustness large small fast simple answer
question control
"""
_GENERIC_PHRASES = (
    "deep learning", "machine learning", "neural network", "artificial intelligence",
    "real world", "state of the art", "open source", "large scale", "high quality",
    "fine grained", "end to end",
)
GENERIC = frozenset([*_GENERIC_WORDS.split(), *_GENERIC_PHRASES])

_NOT_PLURAL_ENDS = ("ss", "us", "is", "ics", "sis", "ous", "ys", "as")
_NOT_PLURAL = frozenset((
    "data", "news", "series", "species", "bias", "gas", "lens", "physics", "robotics", "ethics",
    "graphics", "dynamics", "mathematics", "kinetics", "linguistics", "economics", "its",
))
# Latin and Greek plurals the suffix rules below would get wrong.
_IRREGULAR = {
    "matrices": "matrix", "vertices": "vertex", "indices": "index", "simplices": "simplex",
    "criteria": "criterion", "phenomena": "phenomenon", "corpora": "corpus", "theses": "thesis",
}
_JOINED_PREFIXES = frozenset(["multi", "pre", "post", "non", "semi", "co"])
_TRAILING = frozenset(["based", "driven", "oriented", "aware", "enhanced", "powered"])
_PAREN = re.compile(r"\s*\([^()]*\)")
_SEPARATORS = re.compile(r"[-‐‑‒–—_/\\]+")
_JUNK = re.compile(r"[^\w\s.+#]")


def singular(word: str) -> str:
    """The singular of an English (or acronym) plural; other words unchanged."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if len(word) < 3 or word in _NOT_PLURAL or not word.endswith("s"):
        return word
    if word.endswith(("yses", "eses")) and not word.endswith("eeses") and len(word) > 6:
        return word[:-2] + "is"  # analyses, hypotheses, syntheses
    if word.endswith(_NOT_PLURAL_ENDS) and not (word.endswith("ys") and len(word) <= 4):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "sses", "zes")):
        return word[:-2]
    return word[:-1]


@functools.lru_cache(maxsize=1 << 16)  # pure; every paper's keywords pass here twice
def _base_key(label: str) -> str:
    text = flat_text(label)
    stripped = _PAREN.sub("", text).strip()
    text = (stripped or text).casefold()
    text = _JUNK.sub(" ", _SEPARATORS.sub(" ", text))
    words = text.split()
    while len(words) > 1 and words[-1] in _TRAILING:
        words.pop()
    joined: list[str] = []
    for word in words:
        if joined and joined[-1] in _JOINED_PREFIXES:
            joined[-1] += word
        else:
            joined.append(word)
    if joined:
        joined[-1] = singular(joined[-1])
    return " ".join(joined)


_ALIASES: dict[str, tuple[str, str]] = {
    _base_key(variant): (key, label)
    for key, label, variants in _ALIAS_GROUPS for variant in (key, *variants)
}


@functools.lru_cache(maxsize=1 << 16)
def tag_key(label: str) -> str:
    """The identity of a tag: equal for every way of writing the same idea ("" for none)."""
    base = _base_key(label)
    alias = _ALIASES.get(base)
    return alias[0] if alias else base


@functools.lru_cache(maxsize=1 << 16)
def tag_label(label: str) -> str:
    """How a tag is shown: the alias table's name, else the label as written, cleaned."""
    alias = _ALIASES.get(_base_key(label))
    if alias:
        return alias[1]
    text = flat_text(label)
    return _PAREN.sub("", text).strip() or text


def is_generic(key: str) -> bool:
    """A key that would give a page listing a random sample of the site."""
    return (key in GENERIC or len(key) < 2 or key.isdigit()
            or (len(key) > MAX_LABEL))


def canonical(raw: Iterable[object], limit: int = MAX_TAGS_PER_PAPER) -> list[tuple[str, str]]:
    """(key, label) of a paper's keywords: normalized, generic words dropped, first wins."""
    return list(_canonical(tuple(v for v in raw if isinstance(v, str)), limit))


@functools.lru_cache(maxsize=4096)  # a paper's keywords are read by its view and its page
def _canonical(raw: tuple[str, ...], limit: int) -> tuple[tuple[str, str], ...]:
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for value in raw:
        key = tag_key(value)
        if not key or key in seen or is_generic(key):
            continue
        seen.add(key)
        out.append((key, tag_label(value)))
        if len(out) == limit:
            break
    return tuple(out)


__all__ = ["GENERIC", "MAX_TAGS_PER_PAPER", "canonical", "is_generic", "singular", "tag_key",
           "tag_label"]
