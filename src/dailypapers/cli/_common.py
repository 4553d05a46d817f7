"""What every command shares: the group, settings from --dir and flags, logging, errors.

Start-up matters (every TAB of shell completion runs this): command modules import only
click and this module at the top, and the library inside their functions. A test checks
that importing :mod:`dailypapers.cli` pulls in none of the heavy modules.

Every command registered on :data:`main` gets ``--dir``, ``-v`` and ``-q`` after its name
too (``dailypapers run -v --dir D``), added by :class:`DailyPapersGroup`.
"""

from __future__ import annotations

import errno
import functools
import logging
import sys
import time
from collections.abc import Callable
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ..errors import BusyError, ConfigError, DailyPapersError

if TYPE_CHECKING:
    from ..config import Settings
    from ..runlock import DirLock


class ExitCode(IntEnum):
    """Exit statuses, documented in the README."""

    OK = 0
    FAILURE = 1  # nothing useful was produced (network down, bad config, store error)
    USAGE = 2  # bad command line (click's own)
    PARTIAL = 3  # published, but some papers fell back or failed; see the summary line
    EMPTY = 4  # the source has no papers for the day (weekend, holiday, not yet filled)
    CONFIG = 5  # settings or keys missing/invalid
    BUSY = 6  # another command holds the working directory (see --wait)
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT)


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
        except Exception as exc:  # sqlite3 is imported only when one occurs
            _expected_fault(exc)
            _unexpected(exc)
            raise

    return wrapper  # type: ignore[return-value]


def _expected_fault(exc: BaseException) -> None:
    """A full disk or a damaged database mid-command: one line, exit 1 (else return)."""
    import sqlite3  # only now: the CLI starts without the database driver

    if isinstance(exc, sqlite3.DatabaseError):
        _print_error(DailyPapersError(
            f"database error: {exc}",
            hint="'database or disk is full': free space and run again; otherwise run "
            "'dailypapers doctor'; the delivery record is also in ledger/, and "
            "'dailypapers rebuild' recreates the database from the durable files"))
        sys.exit(ExitCode.FAILURE)
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS):
        _print_error(DailyPapersError(
            f"cannot write: {exc.strerror} ({exc.filename or 'a file'})",
            hint="free space, then run again: it resumes where it stopped"))
        sys.exit(ExitCode.FAILURE)


def _unexpected(exc: BaseException) -> None:
    """A bug: one line and exit 1; the traceback only with -v (then this returns).
    click's own exceptions (usage errors, Exit, Abort) are left to click."""
    if isinstance(exc, click.exceptions.ClickException | click.exceptions.Exit
                  | click.exceptions.Abort):
        return
    ctx = click.get_current_context(silent=True)
    if ctx is not None and _state(ctx)["verbose"] > 0:
        return
    _print_error(DailyPapersError(
        f"unexpected {type(exc).__name__}: {exc}"[:500],
        hint="this is a bug; run again with -v for the traceback, and report it"))
    sys.exit(ExitCode.FAILURE)


def _print_error(exc: DailyPapersError) -> None:
    from ..secrets import redact

    message = redact(str(exc))
    click.echo(f"Error: {message}", err=True)
    if exc.hint:
        click.echo(f"Hint: {redact(exc.hint)}", err=True)


# ------------------------------------------------------------------------ shared options


def _state(ctx: click.Context) -> dict[str, Any]:
    root = ctx.find_root()
    root.ensure_object(dict)
    state: dict[str, Any] = root.obj
    state.setdefault("dir", None)
    state.setdefault("verbose", 0)
    state.setdefault("quiet", 0)
    return state


def _set_dir(ctx: click.Context, _param: click.Parameter, value: Path | None) -> None:
    if value is not None:
        _state(ctx)["dir"] = value


def _add_verbose(ctx: click.Context, _param: click.Parameter, value: int) -> None:
    if value:
        state = _state(ctx)
        state["verbose"] += value
        configure_logging(state["verbose"] - state["quiet"])


def _add_quiet(ctx: click.Context, _param: click.Parameter, value: int) -> None:
    if value:
        state = _state(ctx)
        state["quiet"] += value
        configure_logging(state["verbose"] - state["quiet"])


_DIR_HELP = "Working directory (default: current, or DAILYPAPERS_DIR)."


def _shared_params() -> list[click.Parameter]:
    return [
        click.Option(["--dir", "_dir"], type=click.Path(file_okay=False, path_type=Path),
                     callback=_set_dir, expose_value=False, is_eager=True, help=_DIR_HELP),
        click.Option(["-v", "--verbose", "_verbose"], count=True, callback=_add_verbose,
                     expose_value=False, help="More log output (-vv: debug, all libraries)."),
        click.Option(["-q", "--quiet", "_quiet"], count=True, callback=_add_quiet,
                     expose_value=False, help="Less log output (errors only)."),
    ]


def dir_option(func: F) -> F:
    """Kept for commands written before every command got ``--dir`` (it is now a no-op)."""
    return func


class DailyPapersGroup(click.Group):
    """The command group: shared options on every command, Ctrl-C as exit 130."""

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        present = {opt for p in cmd.params for opt in getattr(p, "opts", [])}
        for param in _shared_params():
            if not present & set(param.opts):
                cmd.params.append(param)
        super().add_command(cmd, name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("\nInterrupted.", err=True)
            raise click.exceptions.Exit(ExitCode.INTERRUPTED) from None


class _Formatter(logging.Formatter):
    """``LEVEL name: message`` on a terminal; with a UTC timestamp in front elsewhere."""

    converter = time.gmtime  # type: ignore[assignment]

    def __init__(self, timestamps: bool) -> None:
        fmt = "%(levelname)s %(name)s: %(message)s"
        if timestamps:
            fmt = "%(asctime)s " + fmt
        super().__init__(fmt, datefmt="%Y-%m-%dT%H:%M:%SZ")


def _ours_or_warning(record: logging.LogRecord) -> bool:
    return record.levelno >= logging.WARNING or record.name.startswith("dailypapers")


def configure_logging(level: int, *, stream: Any = None) -> None:
    """Log level from -v/-q: 0 warnings, 1 info (ours), 2+ debug (every library), <0 errors.

    Third-party loggers (HTTP clients, PDF, LLM SDKs) stay at warnings unless -vv.
    """
    stream = stream if stream is not None else sys.stderr
    root = logging.getLogger()
    old = getattr(configure_logging, "_handler", None)
    if old is not None:
        root.removeHandler(old)
        configure_logging._handler = None  # type: ignore[attr-defined]
    # Like logging.basicConfig: a host that configured logging already (an application
    # embedding the CLI, pytest's capture) keeps its handlers and levels.
    if stream is sys.stderr and root.handlers:
        return
    handler = logging.StreamHandler(stream)
    if level < 2:  # libraries speak up only for warnings (their own INFO lines included)
        handler.addFilter(_ours_or_warning)
    isatty = getattr(stream, "isatty", lambda: False)
    handler.setFormatter(_Formatter(timestamps=not isatty()))
    root.addHandler(handler)
    configure_logging._handler = handler  # type: ignore[attr-defined]
    ours = logging.WARNING - 10 * level if level >= 0 else logging.ERROR
    ours = max(logging.DEBUG, min(ours, logging.ERROR))
    root.setLevel(logging.DEBUG if level >= 2 else max(ours, logging.WARNING))
    logging.getLogger("dailypapers").setLevel(ours)


def wait_option(func: F) -> F:
    """``--wait SECONDS``: queue behind another command holding the directory."""
    return click.option(
        "--wait", "lock_wait", type=click.FloatRange(min=0), default=None, metavar="SECONDS",
        help="If another command holds the directory, wait up to this long (default: exit 6).",
    )(func)


def hold_dir(settings: Settings, command: str) -> DirLock:
    """The directory lock every writing command holds (``with hold_dir(settings, "run"):``)."""
    from ..runlock import DirLock

    return DirLock(settings.root, command, wait=settings.lock_wait)


def settings_from(ctx: click.Context, **flags: Any) -> Settings:
    from ..config import load_settings

    return load_settings(_state(ctx).get("dir"), **flags)


def work_dir(ctx: click.Context) -> Path:
    """The working directory the command was pointed at (without reading any settings)."""
    import os

    chosen = _state(ctx).get("dir")
    return Path(chosen if chosen is not None else os.environ.get("DAILYPAPERS_DIR") or ".")


@click.group(cls=DailyPapersGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path),
              help=_DIR_HELP)
@click.option("-v", "--verbose", count=True, help="More log output (-vv: debug, all libraries).")
@click.option("-q", "--quiet", count=True, help="Less log output (errors only).")
@click.version_option(package_name="dailypapers")
@click.pass_context
def main(ctx: click.Context, directory: Path | None, verbose: int, quiet: int) -> None:
    """Daily AI papers: collect, read, summarize, verify, publish, deliver."""
    state = _state(ctx)
    if directory is not None and state["dir"] is None:
        state["dir"] = directory
    state["verbose"] += verbose
    state["quiet"] += quiet
    configure_logging(state["verbose"] - state["quiet"])
    from ..secrets import install_log_redaction

    install_log_redaction()  # every library's log lines too: no key, no bot token


__all__ = [
    "ConfigError", "ExitCode", "configure_logging", "dir_option", "handle_errors", "hold_dir",
    "main", "settings_from", "wait_option", "work_dir",
]
