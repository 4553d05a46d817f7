"""What every command shares: the group, settings from --dir and flags, error handling."""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from enum import IntEnum
from pathlib import Path
from typing import Any, TypeVar

import click

from ..config import Settings, load_settings
from ..errors import BusyError, ConfigError, DailyPapersError
from ..runlock import DirLock
from ..secrets import install_log_redaction, redact


class ExitCode(IntEnum):
    """Exit statuses, documented in the README."""

    OK = 0
    FAILURE = 1  # nothing useful was produced (network down, bad config, store error)
    USAGE = 2  # bad command line (click's own)
    PARTIAL = 3  # published, but some papers fell back or failed; see the summary line
    EMPTY = 4  # the source has no papers for the day (weekend, holiday, not yet filled)
    CONFIG = 5  # settings or keys missing/invalid
    BUSY = 6  # another command holds the working directory (see --wait)


F = TypeVar("F", bound=Callable[..., Any])


def handle_errors(func: F) -> F:
    """Turn library errors into one readable message and an exit status."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ConfigError as exc:
            _print_error(exc)
            sys.exit(ExitCode.CONFIG)
        except BusyError as exc:
            _print_error(exc)
            sys.exit(ExitCode.BUSY)
        except DailyPapersError as exc:
            _print_error(exc)
            sys.exit(ExitCode.FAILURE)

    return wrapper  # type: ignore[return-value]


def _print_error(exc: DailyPapersError) -> None:
    message = redact(str(exc))
    click.echo(f"Error: {message}", err=True)
    if exc.hint:
        click.echo(f"Hint: {redact(exc.hint)}", err=True)


def _set_dir(ctx: click.Context, _param: click.Parameter, value: Path | None) -> Path | None:
    if value is not None:
        ctx.ensure_object(dict)
        ctx.find_root().ensure_object(dict)
        ctx.find_root().obj["dir"] = value
    return value


def dir_option(func: F) -> F:
    """``--dir`` accepted after the command name too: ``dailypapers run --dir D``."""
    return click.option(
        "--dir", "_dir", type=click.Path(file_okay=False, path_type=Path),
        callback=_set_dir, expose_value=False, is_eager=True,
        help="Working directory (default: current, or DAILYPAPERS_DIR).",
    )(func)


def wait_option(func: F) -> F:
    """``--wait SECONDS``: queue behind another command holding the directory."""
    return click.option(
        "--wait", "lock_wait", type=click.FloatRange(min=0), default=None, metavar="SECONDS",
        help="If another command holds the directory, wait up to this long (default: exit 6).",
    )(func)


def hold_dir(settings: Settings, command: str) -> DirLock:
    """The directory lock every writing command holds (``with hold_dir(settings, "run"):``)."""
    return DirLock(settings.root, command, wait=settings.lock_wait)


def settings_from(ctx: click.Context, **flags: Any) -> Settings:
    root = ctx.find_root()
    directory = root.obj.get("dir") if root.obj else None
    return load_settings(directory, **flags)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--dir", "directory", type=click.Path(file_okay=False, path_type=Path),
    help="Working directory (default: current, or DAILYPAPERS_DIR).",
)
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.version_option(package_name="dailypapers")
@click.pass_context
def main(ctx: click.Context, directory: Path | None, verbose: int) -> None:
    """Daily AI papers: collect, read, summarize, verify, publish, deliver."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    install_log_redaction()  # every library's log lines too: no key, no bot token
    ctx.ensure_object(dict)
    ctx.obj["dir"] = directory


__all__ = [
    "ConfigError", "ExitCode", "dir_option", "handle_errors", "hold_dir", "main",
    "settings_from", "wait_option",
]
