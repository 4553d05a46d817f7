"""Commands ``site`` (build the static site and feeds) and ``serve`` (preview it locally)."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import ConfigError
from ._common import handle_errors, hold_dir, main, settings_from, wait_option
from ._store import open_store, require_database
from ._types import DATE

if TYPE_CHECKING:
    import http.server


def make_server(root: Path, port: int) -> http.server.ThreadingHTTPServer:
    """A static file server for ``root`` on 127.0.0.1 only (port 0 picks a free one)."""
    import http.server

    class _LoggingHandler(http.server.SimpleHTTPRequestHandler):
        """Logs each request as one line on stderr (the default handler adds a date)."""

        def log_message(self, format: str, *args: object) -> None:
            click.echo(f"{self.address_string()} {format % args}", err=True)

    handler = functools.partial(_LoggingHandler, directory=str(root))
    return http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)


@main.command("site")
@click.option("--date", "dates", type=DATE, multiple=True,
              help="Republish just this day (repeatable): its pages, neighbours, indexes, feeds.")
@wait_option
@click.pass_context
@handle_errors
def site_command(ctx: click.Context, dates: tuple[str, ...], lock_wait: float | None) -> None:
    """Build the static website and feeds into <dir>/site from the store."""
    from ..render.site import build_site

    settings = settings_from(ctx, lock_wait=lock_wait)
    require_database(settings)
    with hold_dir(settings, "site"), open_store(settings) as store:
        report = build_site(store, settings, dates=list(dates) or None)
    click.echo(report.line())


@main.command("serve")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port on 127.0.0.1.")
@click.pass_context
@handle_errors
def serve_command(ctx: click.Context, port: int) -> None:
    """Preview the built site on http://127.0.0.1:PORT/ (Ctrl-C stops)."""
    settings = settings_from(ctx)
    from ..render import paths

    root = paths.site_root(settings)
    if not (root / paths.HOME).is_file():
        hint = ("build it first: dailypapers site" if settings.db_path.is_file()
                else "nothing published here yet: dailypapers run, then dailypapers site "
                "(or check --dir)")
        raise ConfigError(f"no site in {root}", hint=hint)
    try:
        server = make_server(root, port)
    except OSError as exc:
        raise ConfigError(f"cannot listen on 127.0.0.1:{port}: {exc}",
                          hint="pick another --port") from exc
    with server:
        click.echo(f"Serving {root} on http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C stops)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            click.echo("Stopped.")
