"""``dailypapers init``: the config file, .gitignore and the GitHub Actions workflow."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from click.testing import CliRunner

from dailypapers.cli import main
from dailypapers.config import CONFIG_FILE, Settings, load_settings, read_config_file
from dailypapers.scaffold import init_directory, workflow_text


def _uncommented(text: str) -> str:
    """The config with every `# name = value` default switched on."""
    lines = []
    for line in text.splitlines():
        match = re.fullmatch(r"# ([a-z_]+) = (.+)", line)
        if match:
            lines.append(f"{match.group(1)} = {match.group(2)}")
    return "\n".join(lines) + "\n"


def test_init_writes_a_config_that_loads_to_the_defaults(isolated_env: Path) -> None:
    result = CliRunner().invoke(main, ["init", "site"])
    assert result.exit_code == 0, result.output
    config = (isolated_env / "site" / CONFIG_FILE).read_text()
    assert load_settings(isolated_env / "site").summarizer == "extractive"  # all commented
    switched_on = isolated_env / "on"
    switched_on.mkdir()
    (switched_on / CONFIG_FILE).write_text(_uncommented(config))
    values = read_config_file(switched_on / CONFIG_FILE)
    documented = set(Settings.model_fields) - {"dir"}
    nullable = {n for n, f in Settings.model_fields.items() if f.default is None}
    assert set(values) == documented - nullable  # every setting with a value is there
    loaded = load_settings(switched_on)
    defaults = Settings()
    for name in values:
        assert getattr(loaded, name) == getattr(defaults, name), name
    gitignore = (isolated_env / "site" / ".gitignore").read_text().splitlines()
    assert "cache/" in gitignore and "*.db-wal" in gitignore
    assert not any(line.endswith(".db") for line in gitignore)  # the state is committed
    assert not (isolated_env / "site" / ".github").exists()


def test_init_keeps_existing_files_unless_forced(isolated_env: Path) -> None:
    (isolated_env / CONFIG_FILE).write_text('summarizer = "openai"\n')
    (isolated_env / ".gitignore").write_text("node_modules/\ncache/")
    written, kept = init_directory(isolated_env)
    assert kept == [isolated_env / CONFIG_FILE] and written == [isolated_env / ".gitignore"]
    lines = (isolated_env / ".gitignore").read_text().splitlines()
    assert lines[:2] == ["node_modules/", "cache/"] and lines.count("cache/") == 1
    assert "*.db-wal" in lines
    assert init_directory(isolated_env)[1] == [isolated_env / CONFIG_FILE,
                                               isolated_env / ".gitignore"]
    assert (isolated_env / CONFIG_FILE).read_text() == 'summarizer = "openai"\n'
    written, kept = init_directory(isolated_env, force=True)
    assert not kept and "# summarizer =" in (isolated_env / CONFIG_FILE).read_text()


def test_github_workflow_schedule_permissions_and_steps(isolated_env: Path) -> None:
    (isolated_env / ".git").mkdir()  # a repository root with the working dir inside
    result = CliRunner().invoke(
        main, ["init", "papers", "--github-actions", "--package", "dailypapers[audio]==0.1.0"])
    assert result.exit_code == 0, result.output
    path = isolated_env / ".github" / "workflows" / "dailypapers.yml"
    flow = yaml.safe_load(path.read_text())

    (cron,) = [entry["cron"] for entry in flow["on"]["schedule"]]
    minute, hour, dom, month, weekdays = cron.split()
    assert weekdays == "1-5" and dom == month == "*"
    assert 0 <= int(hour) <= 23 and 0 <= int(minute) <= 59
    assert "workflow_dispatch" in flow["on"]
    assert flow["permissions"] == {"contents": "write"}
    assert flow["concurrency"]["cancel-in-progress"] is False

    job = flow["jobs"]["daily"]
    assert job["env"]["DAILYPAPERS_DIR"] == "papers"
    steps = job["steps"]
    uses = [s["uses"].split("@")[0] for s in steps if "uses" in s]
    assert uses[:2] == ["actions/checkout", "actions/setup-python"]
    assert "actions/cache" in uses
    runs = {s["name"]: s.get("run", "") for s in steps}
    run_step = next(s for s in steps if "dailypapers run" in s.get("run", ""))
    assert "--backfill 3" in run_step["run"]
    assert run_step["env"]["TELEGRAM_BOT_TOKEN"] == "${{ secrets.TELEGRAM_BOT_TOKEN }}"
    assert "espeak-ng" in " ".join(runs.values())
    assert 'pip install --upgrade "dailypapers[audio]==0.1.0"' in " ".join(runs.values())
    commit = next(s for s in steps if "git push" in s.get("run", ""))
    assert commit["if"] == "always()"  # the state is kept even when the day failed
    assert "wal_checkpoint" in commit["run"] and 'git add -A "papers"' in commit["run"]
    assert any("--allow-empty" in r for r in runs.values())  # keepalive past 60 days
    report = steps[-1]
    assert report["if"] == "always()" and "exit 1" in report["run"]
    assert "dailypapers send --alert" in report["run"]
    # Every expression GitHub must see survived templating; no template syntax leaked.
    assert "[[" not in path.read_text() and "{{ '" not in path.read_text()


def test_workflow_for_the_repository_root() -> None:
    flow = yaml.safe_load(workflow_text(".", package="dailypapers==0.1.0", backfill=5))
    steps = flow["jobs"]["daily"]["steps"]
    assert any('"dailypapers==0.1.0"' in s.get("run", "") for s in steps)
    assert any("--backfill 5" in s.get("run", "") for s in steps)
    assert flow["jobs"]["daily"]["env"]["DAILYPAPERS_DIR"] == "."
