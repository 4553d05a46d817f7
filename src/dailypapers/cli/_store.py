"""Opening the store from a command: only ``run`` and ``collect`` may create it.

Every other command reads what a run stored, so a mistyped ``--dir`` must not leave a new
directory and an empty database behind: it fails with exit 1 and a hint instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import StoreError

if TYPE_CHECKING:
    from ..config import Settings
    from ..store import Store


def require_database(settings: Settings) -> None:
    """Raise StoreError (with a hint) unless the working directory has a database."""
    path = settings.db_path
    if path.is_file():
        return
    where = settings.root
    if not where.is_dir():
        raise StoreError(f"no database: no such working directory: {where}",
                         hint="check --dir (or DAILYPAPERS_DIR); `dailypapers run` creates one")
    raise StoreError(f"no database in {where} ({path.name} is missing)",
                     hint="run `dailypapers run` there first, or check --dir")


def open_store(settings: Settings, *, create: bool = False) -> Store:
    """The working directory's store; without ``create`` it must exist already."""
    from ..store import Store

    if not create:
        require_database(settings)
    return Store(settings.db_path)
