"""The registry's list of instruments, and its one import made at call time.

:data:`_ENTRIES` names each instrument's description once, one line per
instrument; :func:`load` is the package's only import made at call time (a call of
:func:`importlib.import_module`, no ``import`` statement inside a function). It is
used for two things, both documented here:

- the instrument modules, by :func:`entries`: the evidence layer (the vocabulary's
  item assertions, the item codes' error hints) needs each instrument's item
  codes, and the instrument modules import the evidence layer, so the list is read
  only when first asked for, once :mod:`sle_scoring` itself is imported;
- :mod:`sle_scoring.report`, by the report command
  (:mod:`sle_scoring._report_command`): it needs the plot extra (matplotlib, about
  a second to load), which only ``sle-scoring report`` pays for;
- :mod:`sle_scoring._columnar`, by ``sle-scoring score --engine columnar``: it needs
  the frame extra (Polars), which a bare install does not have.

This module imports no other module of the package, so the lowest layers can ask
it for item codes. :mod:`sle_scoring._registry` describes an instrument
(:class:`~sle_scoring.Instrument`) and checks each entry is one.

Private: the registry is public as ``sle_scoring.INSTRUMENTS``.
"""

from __future__ import annotations

import functools
import importlib
import types
from collections.abc import Mapping
from typing import Protocol

__all__ = ["entries", "item_instruments", "load", "owners"]

# (module, attribute): one line per instrument, in the order of output. Adding an
# instrument: its module, ending with ``INSTRUMENT = Instrument(...)``, and one line.
_ENTRIES: tuple[tuple[str, str], ...] = (
    ("eular_acr_2019", "INSTRUMENT"),
    ("sledai_2k", "INSTRUMENT"),
    ("sledai_2k", "CLINICAL_INSTRUMENT"),
    ("sdi", "INSTRUMENT"),
    ("slicc_2012", "INSTRUMENT"),
    ("acr_1997", "INSTRUMENT"),
    ("lldas", "INSTRUMENT"),
    ("doris_remission", "INSTRUMENT"),
    ("sri", "INSTRUMENT"),
    ("sledai_change", "INSTRUMENT"),
    ("bicla", "INSTRUMENT"),
    ("selena_flare", "INSTRUMENT"),
)

#: The modules :func:`load` imports: the instrument modules and the report.
_LOADABLE = frozenset(module for module, _ in _ENTRIES) | {"report", "_columnar"}


class Entry(Protocol):
    """What this module reads of an instrument's description
    (:class:`sle_scoring.Instrument` has it)."""

    @property
    def name(self) -> str: ...

    @property
    def codes(self) -> tuple[str, ...]: ...

    @property
    def variant_of(self) -> str | None: ...


def load(module: str) -> types.ModuleType:
    """``sle_scoring.<module>``, imported now (see the module docstring for why only
    the instrument modules and the report are imported this way)."""
    if module not in _LOADABLE:
        raise ValueError(f"sle_scoring.{module} is not loaded at call time")
    return importlib.import_module(f"sle_scoring.{module}")


@functools.cache
def entries() -> tuple[tuple[str, str, Entry], ...]:
    """``(module, attribute, description)`` of each entry, in :data:`_ENTRIES` order
    (:func:`sle_scoring._registry.instruments` checks each is an Instrument)."""
    return tuple(
        (module, attribute, getattr(load(module), attribute)) for module, attribute in _ENTRIES
    )


def item_instruments() -> Mapping[str, frozenset[str]]:
    """Each instrument with items of its own (not a variant) and its item codes: the
    instruments whose items can be asserted as ``<instrument>.<item>``."""
    return _item_instruments()


@functools.cache
def _item_instruments() -> Mapping[str, frozenset[str]]:
    found: dict[str, frozenset[str]] = {}
    for _, _, spec in entries():
        if spec.codes and spec.variant_of is None:
            found[spec.name] = frozenset(spec.codes)
    return types.MappingProxyType(found)


def owners(code: str) -> tuple[str, ...]:
    """The instruments (not variants) that have ``code`` as an item, in registry order."""
    return tuple(name for name, codes in item_instruments().items() if code in codes)
