"""The ``>>>`` examples in the package's own docstrings run, so they cannot rot."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import sle_scoring

MODULES = sorted(
    info.name
    for info in pkgutil.walk_packages(sle_scoring.__path__, prefix="sle_scoring.")
    if info.name != "sle_scoring.__main__"
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


def test_every_public_name_is_documented() -> None:
    for name in MODULES:
        module = importlib.import_module(name)
        assert module.__doc__, name
        for public in getattr(module, "__all__", ()):
            value = getattr(module, public)
            if callable(value) or isinstance(value, type):
                assert value.__doc__, f"{name}.{public} has no docstring"
