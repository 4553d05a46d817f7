"""The README's quickstart, `make run`, replayed against servers on 127.0.0.1.

The day is partial (no full text: the arXiv stand-in has no PDFs), which the CLI reports
with exit 3; `make run` must publish it, say so and where the site is, and not turn it into
a make error. No date is given: the run takes the latest day that has a list.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fakes.replay import serve_hf_days
from pytest_httpserver import HTTPServer
from selfmade.hf import hf_day

ROOT = Path(__file__).resolve().parents[1]


def _make(target: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    venv = Path(sys.prefix)
    core = f"{venv}/bin/.core"
    # -o: use this environment as it is (no venv creation, no pip install).
    return subprocess.run([make, "-s", "-o", core, target, f"VENV={venv}", *args],
                          cwd=ROOT, capture_output=True, text=True, env=env, timeout=600,
                          check=False)


def test_make_run_publishes_a_partial_day_without_a_make_error(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    day = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
    url = serve_hf_days(httpserver, None, days={day: hf_day(4, day=day)})
    # Everything else on the stand-in answers 404: no PDF, no HTML, so abstracts only.
    env = {**os.environ, "DAILYPAPERS_HF_URL": url, "DAILYPAPERS_ARXIV_URL": url,
           "DAILYPAPERS_HTTP_RETRIES": "1", "DAILYPAPERS_ARXIV_DELAY": "0",
           "DAILYPAPERS_SITE_URL": ""}
    digest = tmp_path / "digest"
    done = _make("run", f"DIR={digest}", env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"running {day}, the latest day with a list" in done.stderr
    assert done.stdout.startswith(f"Partial: {day}: 4 papers, 4 summarized")
    assert "(partial day: published; see the line above)" in done.stdout
    assert f"Site: {digest / 'site' / 'index.html'}" in done.stdout
    assert f"dailypapers serve --dir {digest}" in done.stdout
    assert (digest / "site" / "index.html").is_file()
    assert "Error" not in done.stderr and "make:" not in done.stderr


def test_make_run_still_fails_on_a_real_failure(tmp_path: Path) -> None:
    env = {**os.environ, "DAILYPAPERS_HF_URL": "ftp://nowhere.invalid"}
    done = _make("run", f"DIR={tmp_path / 'digest'}", env=env)
    assert done.returncode != 0
    assert "DAILYPAPERS_HF_URL" in done.stderr  # the CLI's own one-line reason
