"""Settings: one error path for the environment, the TOML file and flags.

Every setting is given a bad value through the environment and through dailypapers.toml;
each must end in exit 5 with one line naming the setting, never a traceback. The bad
values are derived from each field's type and constraints, so a setting added later is
covered without touching this file.
"""

from __future__ import annotations

import logging
import typing
from pathlib import Path
from typing import Any

import annotated_types
import pytest
from click.testing import CliRunner

from dailypapers.cli import main
from dailypapers.config import CONFIG_FILE, Settings, load_settings, unknown_env
from dailypapers.errors import ConfigError

# Settings whose every text is valid in the environment (free text): only a wrong TOML type
# can be bad. Everything else must have a bad environment value.
_FREE_TEXT = {"str"}


def _kind(name: str) -> tuple[str, Any]:
    info = Settings.model_fields[name]
    annotation = info.annotation
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (typing.Union, type(int | None)):
        annotation = next(a for a in args if a is not type(None))
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return "literal", typing.get_args(annotation)
    if origin is list:
        return "list", None
    if origin is dict:
        return "dict", None
    if origin is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return getattr(annotation, "__name__", str(annotation)), None


def _lower_bound(name: str) -> float | None:
    info = Settings.model_fields[name]
    metadata = list(info.metadata)
    annotation = info.annotation
    for arg in typing.get_args(annotation):  # Optional[Annotated[...]]
        metadata += list(getattr(arg, "__metadata__", ()))
        for inner in getattr(arg, "__metadata__", ()):
            metadata += list(getattr(inner, "metadata", ()))
    for item in metadata:
        if isinstance(item, annotated_types.Ge):
            return float(item.ge) - 1  # type: ignore[arg-type]
        if isinstance(item, annotated_types.Gt):
            return float(item.gt)  # type: ignore[arg-type]
    return None


def bad_env(name: str) -> list[str]:
    kind, _ = _kind(name)
    values = {
        "int": ["abc", "1.5"], "float": ["abc"], "bool": ["maybe"],
        "list": ['["unclosed', '{"a": 1}'], "literal": ["bogus"], "dict": ["{unclosed", "[1]"],
    }.get(kind, [])
    if kind == "str" and name.endswith("_url"):
        values = ["ftp://example.org"]
    low = _lower_bound(name)
    if low is not None:
        values.append(str(int(low)) if kind == "int" else str(low))
    return values


def bad_toml(name: str) -> str:
    kind, _ = _kind(name)
    return {
        "int": '"abc"', "float": '"abc"', "bool": '"maybe"', "list": "5",
        "literal": '"bogus"', "Path": "[1, 2]", "dict": "5",
    }.get(kind, "[1, 2]")  # a text setting given an array


SETTINGS = sorted(set(Settings.model_fields) - {"dir"})
ENV_CASES = [(name, value) for name in SETTINGS for value in bad_env(name)]


def test_every_setting_but_free_text_has_a_bad_environment_value() -> None:
    covered = {name for name, _ in ENV_CASES}
    free = {name for name in SETTINGS if _kind(name)[0] in _FREE_TEXT}
    assert set(SETTINGS) - covered <= free
    assert len(covered) > 30  # the derivation found the typed settings


def _check_one_clean_line(result: Any, needle: str) -> None:
    assert result.exit_code == 5, result.output
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and needle in errors[0], result.output
    assert len(result.output.splitlines()) <= 2  # the error, and at most a hint


@pytest.mark.parametrize(("name", "value"), ENV_CASES)
def test_bad_environment_value_is_one_clean_error(
    name: str, value: str, monkeypatch: pytest.MonkeyPatch, isolated_env: Path
) -> None:
    variable = f"DAILYPAPERS_{name.upper()}"
    monkeypatch.setenv(variable, value)
    result = CliRunner().invoke(main, ["status"])
    _check_one_clean_line(result, f"{variable}=")
    assert list(isolated_env.iterdir()) == []


@pytest.mark.parametrize("name", SETTINGS)
def test_bad_toml_value_is_one_clean_error(
    name: str, isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(f"DAILYPAPERS_{name.upper()}", raising=False)  # it would win
    (isolated_env / CONFIG_FILE).write_text(f"{name} = {bad_toml(name)}\n")
    result = CliRunner().invoke(main, ["status"])
    _check_one_clean_line(result, f"{CONFIG_FILE}: {name}")


def test_toml_tables_name_the_flattened_setting(isolated_env: Path) -> None:
    (isolated_env / CONFIG_FILE).write_text("[telegram]\nper_minute = -1\n")
    result = CliRunner().invoke(main, ["status"])
    _check_one_clean_line(result, "telegram_per_minute=-1: Input should be greater than or")


def test_the_environment_wins_and_is_named(
    monkeypatch: pytest.MonkeyPatch, isolated_env: Path
) -> None:
    (isolated_env / CONFIG_FILE).write_text("concurrency = 4\n")
    monkeypatch.setenv("DAILYPAPERS_CONCURRENCY", "0")
    with pytest.raises(ConfigError, match=r"DAILYPAPERS_CONCURRENCY='0': Input should be greater"):
        load_settings(isolated_env)
    monkeypatch.setenv("DAILYPAPERS_CONCURRENCY", "2")
    assert load_settings(isolated_env).concurrency == 2
    assert load_settings(isolated_env, concurrency=3).concurrency == 3  # flags win
    # --dir wins over DAILYPAPERS_DIR.
    monkeypatch.setenv("DAILYPAPERS_DIR", str(isolated_env / "elsewhere"))
    assert load_settings(isolated_env).dir == isolated_env


@pytest.mark.parametrize("text", ["a, b", '["a", "b"]', "a,b,", ' ["a","b"] '])
@pytest.mark.parametrize("name", ["fallback_models", "llm_prices", "channels", "email_to"])
def test_lists_from_the_environment_take_commas_or_json(
    name: str, text: str, monkeypatch: pytest.MonkeyPatch, isolated_env: Path
) -> None:
    monkeypatch.setenv(f"DAILYPAPERS_{name.upper()}", text)
    assert getattr(load_settings(isolated_env), name) == ["a", "b"]


def test_a_range_error_names_where_the_value_came_from(
    monkeypatch: pytest.MonkeyPatch, isolated_env: Path
) -> None:
    monkeypatch.setenv("DAILYPAPERS_HTTP_RETRIES", "0")
    result = CliRunner().invoke(main, ["status"])
    _check_one_clean_line(result, "DAILYPAPERS_HTTP_RETRIES='0': Input should be greater")


def test_lists_from_the_file_are_arrays(isolated_env: Path) -> None:
    (isolated_env / CONFIG_FILE).write_text('fallback_models = ["m1", "m2"]\n')
    assert load_settings(isolated_env).fallback_models == ["m1", "m2"]


def test_unknown_variables_are_warned_about_with_a_guess(
    monkeypatch: pytest.MonkeyPatch, isolated_env: Path, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("DAILYPAPERS_CONCURENCY", "3")
    monkeypatch.setenv("DAILYPAPERS_ZZZ_NOTHING_LIKE_IT", "1")
    monkeypatch.setenv("DAILYPAPERS_SMTP_URL", "smtp://x")  # a key, not a setting: fine
    lines = unknown_env()
    assert lines == [
        "DAILYPAPERS_CONCURENCY is not a dailypapers setting; ignored "
        "(did you mean DAILYPAPERS_CONCURRENCY?)",
        "DAILYPAPERS_ZZZ_NOTHING_LIKE_IT is not a dailypapers setting; ignored",
    ]
    with caplog.at_level(logging.WARNING, logger="dailypapers"):
        load_settings(isolated_env)
    assert "did you mean DAILYPAPERS_CONCURRENCY?" in caplog.text


def _lower_bound(name: str) -> tuple[float, bool] | None:
    info = Settings.model_fields[name]
    metadata = list(info.metadata)
    for arg in typing.get_args(info.annotation):  # Annotated[float, Field(gt=0)] | None
        metadata += [m for a in typing.get_args(arg)[1:] for m in getattr(a, "metadata", [a])]
    for meta in metadata:
        if isinstance(meta, annotated_types.Ge):
            return float(meta.ge), False  # type: ignore[arg-type]
        if isinstance(meta, annotated_types.Gt):
            return float(meta.gt), True  # type: ignore[arg-type]
    return None


NUMBERS = [name for name in Settings.model_fields if _kind(name)[0] in ("int", "float")]


def test_every_number_declares_its_range_in_its_field() -> None:
    """The one place a setting's range is written is its Field (no second table)."""
    assert len(NUMBERS) > 40
    assert [name for name in NUMBERS if _lower_bound(name) is None] == []


@pytest.mark.parametrize("name", ["http_retries", "pdf_max_memory", "max_url_chars",
                                  "stage_deadline", "tts_rate", "context_chars"])
def test_a_range_is_enforced_at_its_edge(name: str, tmp_path: Path) -> None:
    bound = _lower_bound(name)
    assert bound is not None
    low, strict = bound
    number = float if _kind(name)[0] == "float" else int
    below = number(low) if strict else number(low) - 1
    with pytest.raises(ConfigError, match=f"--{name.replace('_', '-')}={below}"):
        load_settings(tmp_path, **{name: below})
    if not strict:
        assert getattr(load_settings(tmp_path, **{name: number(low)}), name) == low
    assert Settings.model_fields["http_retries"].metadata[0].ge == 1  # attempts, not retries
