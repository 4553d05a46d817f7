"""Data the tests make themselves: HF and arXiv answers, generated PDFs.

Every behaviour checked with the recorded files in ../shared is also checked with these, so a
fresh clone (no ../shared) runs the whole suite. Each generator is deterministic.
"""
