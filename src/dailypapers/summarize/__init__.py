"""Summarizers: turn a paper (and its full text, when there is one) into a five-part Summary."""

from .base import Summarizer, get_summarizer

__all__ = ["Summarizer", "get_summarizer"]
