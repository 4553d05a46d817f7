"""The GitHub Actions workflow that ``dailypapers init --github-actions`` writes.

What it installs is what the user is running, so the first scheduled run works and never
installs a look-alike from a package index:

- installed from a URL (PEP 610 ``direct_url.json``): that URL, pinned (a git commit, or
  an archive with its hash);
- installed from a path inside the repository that gets the workflow: that path;
- installed from an index: ``dailypapers[audio]==<the running version>``;
- or ``--package SPEC`` as given (extras kept).

Actions are pinned to full commit SHAs; every job has only the permissions it needs; the
values put in the file (the working directory, the install spec) are YAML-quoted and reach
the shell only through environment variables, never pasted into a script.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from importlib import metadata
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from ..errors import ConfigError

DISTRIBUTION = "dailypapers"
EXTRAS = "audio"  # the workflow installs espeak-ng for spoken summaries


@dataclass(frozen=True)
class Action:
    sha: str
    tag: str


# Full commit SHAs of the official actions (the tag each one was published as).
ACTIONS = {
    "checkout": Action("11bd71901bbe5b1630ceea73d27597364c9af683", "v4.2.2"),
    "setup_python": Action("a26af69be951a213d495a4c3e4e4022e16d87065", "v5.6.0"),
    "cache": Action("5a3ec84eff668545956fd18022155c47e93e2684", "v4.2.3"),
    "configure_pages": Action("983d7736d9b0ae728b81ab479565c72886d7745b", "v5.0.0"),
    "upload_pages_artifact": Action("56afc609e74202658d3ffba0e8f6dda462b719fa", "v3.0.1"),
    "deploy_pages": Action("d6db90164ac5ed86f2b6aed7e0febac5b3c0c03e", "v4.0.5"),
}
# Characters a pip requirement, URL or path may carry; anything else (quotes, newlines,
# backticks, `${{`) is refused rather than escaped.
_SAFE_SPEC = re.compile(r"^[A-Za-z0-9 ._\-\[\],<>=!~+:/@#%?&*]+$")
_SAFE_DIR = re.compile(r"^[A-Za-z0-9._\-/]+$")


def _checked(value: str, what: str, pattern: re.Pattern[str]) -> str:
    if not pattern.match(value) or "${{" in value or ".." in value.split("/"):
        raise ConfigError(f"{what} {value!r} has characters the workflow will not carry",
                          hint="use letters, digits and . _ - / (and for --package the "
                          "characters of a pip requirement or URL)")
    return value


def install_spec(
    direct_url: dict[str, Any] | None, version: str, repo_root: Path, *,
    extras: str = EXTRAS,
) -> str:
    """The pip requirement that installs, on a fresh runner, what is running here."""
    name = f"{DISTRIBUTION}[{extras}]" if extras else DISTRIBUTION
    if not direct_url:
        return f"{name}=={version}"
    url = str(direct_url.get("url", ""))
    vcs = direct_url.get("vcs_info")
    if isinstance(vcs, dict):
        commit = vcs.get("commit_id") or vcs.get("requested_revision")
        ref = f"@{commit}" if commit else ""
        return f"{name} @ {vcs.get('vcs', 'git')}+{url}{ref}"
    parsed = urlparse(url)
    if parsed.scheme == "file":
        path = Path(unquote(parsed.path))
        try:
            relative = path.resolve().relative_to(repo_root.resolve())
        except ValueError:
            raise ConfigError(
                f"dailypapers is installed from {path}, which a GitHub runner does not have",
                hint="pass --package SPEC: a version (dailypapers[audio]==X.Y), a git URL "
                "(dailypapers[audio] @ git+https://...@COMMIT), or a path in this repository",
            ) from None
        where = "./" + relative.as_posix() if relative.parts else "."
        return f"{where}[{extras}]" if extras and "archive_info" not in direct_url else where
    archive = direct_url.get("archive_info")
    if isinstance(archive, dict):
        hashes = archive.get("hashes") or {}
        if "sha256" in hashes:
            return f"{name} @ {url}#sha256={hashes['sha256']}"
        if archive.get("hash"):  # the older form: "sha256=<hex>"
            return f"{name} @ {url}#{archive['hash']}"
    return f"{name} @ {url}"


def running_install_spec(repo_root: Path) -> str:
    """:func:`install_spec` for the dailypapers this process runs."""
    try:
        dist = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError as exc:
        raise ConfigError("dailypapers is not installed as a package here",
                          hint="pass --package SPEC") from exc
    raw = dist.read_text("direct_url.json")
    direct_url = json.loads(raw) if raw else None
    return install_spec(direct_url, dist.version, repo_root)


def workflow_text(
    workdir: str = ".", *, package: str, backfill: int = 3, pages: bool = False,
    python: str | None = None,
) -> str:
    """The workflow for a working directory relative to the repository root."""
    import jinja2

    from ..durable import CACHE_PATHS, COMMITTED_PATHS

    workdir = _checked(workdir, "working directory", _SAFE_DIR)
    package = _checked(package, "--package", _SAFE_SPEC)
    committed = [p for p in COMMITTED_PATHS if not (pages and p == "site")]
    cached = [p for p in CACHE_PATHS] + (["site"] if pages else [])
    prefix = "" if workdir == "." else workdir.rstrip("/") + "/"
    source = files("dailypapers.scaffold").joinpath("templates/workflow.yml").read_text("utf-8")
    # [[ ]] and [% %]: the workflow's own ${{ }} expressions pass through untouched.
    env = jinja2.Environment(
        variable_start_string="[[", variable_end_string="]]", block_start_string="[%",
        block_end_string="%]", comment_start_string="[#", comment_end_string="#]",
        autoescape=False, keep_trailing_newline=True, undefined=jinja2.StrictUndefined,
    )
    return env.from_string(source).render(
        workdir=workdir, package=package, backfill=int(backfill), pages=pages,
        python=python or f"{sys.version_info.major}.{sys.version_info.minor}",
        actions=ACTIONS, committed=committed, cached=[prefix + p for p in cached],
    )
