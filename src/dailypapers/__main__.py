"""``python -m dailypapers``."""

from .cli import main

main()
