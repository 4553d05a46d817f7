"""For you: interest profiles, ranking with reasons, per-reader selections (issue 12)."""
