"""errors.py is the one tree of errors: every public error is defined there and drawn in it."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import dailypapers
from dailypapers import errors


def _all_modules() -> list[str]:
    return [m.name for m in pkgutil.walk_packages(dailypapers.__path__, "dailypapers.")
            if ".templates" not in m.name and not m.name.endswith("__main__")]


def test_every_package_error_is_defined_in_errors_py_and_drawn_in_its_tree() -> None:
    tree = errors.__doc__ or ""
    for name in _all_modules():
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            if inspect.isclass(value) and issubclass(value, errors.DailyPapersError):
                assert value.__module__ == "dailypapers.errors", (
                    f"{name}.{attr} is an error defined outside errors.py")
    for attr, value in vars(errors).items():
        if inspect.isclass(value) and issubclass(value, errors.DailyPapersError):
            assert f" {attr} " in tree, f"{attr} is missing from the tree in errors.py"


def test_control_flow_exceptions_stay_outside_the_tree() -> None:
    from dailypapers import http
    from dailypapers.sources import arxiv, hf_daily, validate
    from dailypapers.summarize import llm

    for cls in (http._Retry, hf_daily._MalformedItem, arxiv._UnsafeXML, validate._BadValue,
                llm._RetryableCall, llm._FormatRejected):
        assert not issubclass(cls, errors.DailyPapersError)


def test_exceptions_outside_the_tree_are_private_or_drawn_in_it() -> None:
    tree = errors.__doc__ or ""
    public = []
    for name in _all_modules():
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            if (inspect.isclass(value) and issubclass(value, BaseException)
                    and value.__module__ == name and name != "dailypapers.errors"
                    and not attr.startswith("_")):
                public.append(f"{name.removeprefix('dailypapers.')}.{attr}")
    assert public, "the two httpx subclasses are public on purpose"
    for dotted in public:
        assert f"``{dotted}``" in tree, f"{dotted} is a public exception outside errors.py"


def test_empty_day_carries_its_fields() -> None:
    error = errors.empty_day("2025-01-18", "a Saturday", source="hf-daily", hint="try Friday")
    assert isinstance(error, errors.EmptyDayError) and isinstance(error, errors.SourceError)
    assert str(error) == "hf-daily: no papers for 2025-01-18 (a Saturday)"
    assert (error.date, error.reason, error.source, error.hint) == (
        "2025-01-18", "a Saturday", "hf-daily", "try Friday")
