"""Packaging: the wheel and sdist build, pass ``twine check``, and the wheel built from the
sdist runs ``dailypapers run`` from a fresh virtual environment."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import venv
from pathlib import Path

from fakes.replay import serve_hf_days
from pytest_httpserver import HTTPServer
from selfmade.hf import hf_day

ROOT = Path(__file__).resolve().parents[1]


def test_metadata_a_maintainer_would_ship() -> None:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    project = meta["project"]
    assert project["license"] == "MIT" and (ROOT / "LICENSE").is_file()
    assert "MIT License" in (ROOT / "LICENSE").read_text("utf-8")
    assert {"Homepage", "Changelog"} <= set(project["urls"])
    assert any(c.startswith("Programming Language :: Python :: 3.11")
               for c in project["classifiers"])
    assert (ROOT / "CHANGELOG.md").read_text("utf-8").startswith("# Changelog")
    # Tools for development are a dependency group (pip >= 25.1: `--group dev`, which the
    # Makefile uses after upgrading pip), never an extra a user could install.
    extras = project["optional-dependencies"]
    assert "dev" not in extras and "pytest>=8" in meta["dependency-groups"]["dev"]
    assert "pip install -q -e . --group dev" in (ROOT / "Makefile").read_text("utf-8")
    # Every extra is in the group, so the tests run with all of them.
    assert {r for reqs in extras.values() for r in reqs} <= set(meta["dependency-groups"]["dev"])


def test_wheel_and_sdist_build_check_and_run_from_a_clean_venv(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    dist = tmp_path / "dist"
    source = tmp_path / "src"
    # Build from a copy of the tracked tree only (no venv, caches or outputs).
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                           check=True).stdout.decode().split("\0")
    for name in filter(None, files):
        target = source / name
        if (ROOT / name).is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target)
    build = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(source)],
        capture_output=True, text=True, check=False,
    )
    assert build.returncode == 0, build.stdout[-2000:] + build.stderr[-2000:]
    wheels, sdists = list(dist.glob("*.whl")), list(dist.glob("*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1  # the wheel is built from the sdist
    check = subprocess.run([sys.executable, "-m", "twine", "check", "--strict",
                            *map(str, wheels + sdists)], capture_output=True, text=True,
                           check=False)
    assert check.returncode == 0, check.stdout + check.stderr

    # A fresh venv with the wheel and nothing of this checkout; its dependencies come from
    # this environment's site-packages (a path entry only: our editable install stays out).
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    install = subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps",
                              "--no-index", str(wheels[0])], capture_output=True, text=True,
                             check=False)
    assert install.returncode == 0, install.stderr
    purelib = subprocess.run([str(python), "-c", "import sysconfig;"
                              "print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    (Path(purelib) / "zz_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    where = subprocess.run([str(python), "-c", "import dailypapers; print(dailypapers.__file__)"],
                           capture_output=True, text=True, check=True).stdout
    assert where.startswith(purelib), where  # the wheel's copy, not this checkout

    url = serve_hf_days(httpserver, None, days={"2025-01-15": hf_day(5)})
    work = tmp_path / "work"
    env = {**os.environ, "DAILYPAPERS_HF_URL": url, "PYTHONPATH": ""}
    done = subprocess.run([str(env_dir / "bin" / "dailypapers"), "run", "--date", "2025-01-15",
                           "--no-fulltext", "--dir", str(work)], capture_output=True, text=True,
                          env=env, check=False, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("Done: 2025-01-15: 5 papers, 5 summarized")
    # Templates and static files came with the wheel.
    assert (work / "site" / "index.html").is_file() and (work / "archive/2025/01/15.md").is_file()
    assert any((work / "site").rglob("*.css"))
