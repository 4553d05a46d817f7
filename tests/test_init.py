"""``dailypapers init``: the config file, .gitignore and the GitHub Actions workflow."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from dailypapers.cli import main
from dailypapers.config import CONFIG_FILE, Settings, load_settings, read_config_file
from dailypapers.scaffold import init_directory


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
    assert "dailypapers.db" in gitignore  # rebuilt from the committed durable files
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
