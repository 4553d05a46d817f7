"""dailypapers: the AI papers of the day, summarized from full text, number-checked, published."""

__version__ = "0.1.0"
