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
    from ..durable import durable_files

    path = settings.db_path
    if path.is_file() or durable_files(settings.root):
        return  # a database, or the durable files it is rebuilt from
    where = settings.root
    if not where.is_dir():
        raise StoreError(f"no database: no such working directory: {where}",
                         hint="check --dir (or DAILYPAPERS_DIR); `dailypapers run` creates one")
    raise StoreError(f"no database in {where} ({path.name} is missing)",
                     hint="run `dailypapers run` there first, or check --dir")


def open_store(settings: Settings, *, create: bool = False) -> Store:
    """The working directory's store (rebuilt from the durable files when missing or stale,
    see :mod:`dailypapers.durable`); without ``create`` there must be one to open."""
    from .. import durable

    if not create:
        require_database(settings)
    return durable.open_store(settings)
