"""The instrument registry: the one list of what the library classifies and scores.

Each instrument module describes itself at its end, ``INSTRUMENT = Instrument(...)``
(:mod:`sle_scoring.sledai_2k` also has ``CLINICAL_INSTRUMENT``).
``_ENTRIES`` in :mod:`sle_scoring._catalogue` names each description once, one
line per instrument; everything that needs the list asks :func:`instruments`:
``sle_scoring.INSTRUMENTS``, batch scoring, the command line,
:mod:`sle_scoring.compare` and the contract tests. The lowest layers (the
vocabulary's item assertions ``<instrument>.<item>``, the error hints "'arthritis'
is an item of sledai_2k") ask :mod:`sle_scoring._catalogue` for the item codes
only, so that this module can import the types it describes. Adding an instrument
is its module plus one line there (docs/contributing.md).

Private: the registry is public as ``sle_scoring.INSTRUMENTS`` and
``sle_scoring.Instrument``.
"""

from __future__ import annotations

import datetime
import functools
import types
from collections.abc import Callable, Mapping, Sequence
from typing import Literal, TypeAlias

import attrs

from . import _catalogue, _derive, _results, evidence

#: What an instrument says and about when:
#:
#: - ``classification_as_of``: classified on the evidence up to a date (cumulative);
#: - ``activity_at_visit``: disease activity at one visit (its window);
#: - ``damage_as_of``: damage accrued up to a date;
#: - ``outcome_at_visit``: an outcome state at one visit;
#: - ``outcome_between_visits``: an outcome comparing a visit with an earlier one.
Scope: TypeAlias = Literal[
    "classification_as_of",
    "activity_at_visit",
    "damage_as_of",
    "outcome_at_visit",
    "outcome_between_visits",
]
SCOPES: tuple[Scope, ...] = (
    "classification_as_of",
    "activity_at_visit",
    "damage_as_of",
    "outcome_at_visit",
    "outcome_between_visits",
)


@attrs.frozen
class Occasion:
    """When batch scoring applies an instrument to a patient's evidence record.

    ``date`` is the visit (or, for a classification or damage score, the date of
    the evidence it uses; ``None``: all of it); ``previous`` the visit before it and
    ``baseline`` the patient's first visit (``None`` at the first visit);
    ``window_days`` and ``non_standard_window`` the SLEDAI-2K window
    (:func:`sle_scoring.sledai_2k.score_visit`); ``pga_rule`` the caller's reading
    of BICLA's PGA criterion (:data:`sle_scoring.bicla.PGA_RULES`; ``None``: not
    chosen, the PGA component cannot be determined).
    """

    date: datetime.date | None = None
    previous: datetime.date | None = None
    baseline: datetime.date | None = None
    window_days: int = 10
    non_standard_window: bool = False
    pga_rule: str | None = None


@attrs.frozen
class Instrument:
    """One instrument or outcome as the registry describes it.

    - ``name``: the stable name: the CSV column prefix (``sledai_2k.arthritis``),
      the item-assertion prefix and the prefix of its result's record keys;
    - ``title`` and ``source``: what it is and the publication defining it;
    - ``scope``: one of :data:`SCOPES`;
    - ``codes``: its item codes in table order (``()`` for an outcome);
    - ``fields``: the keys of its result's ``as_record()``, without the prefix;
    - ``from_items``: the item-level entry point, called as
      ``from_items(codes, not_assessed=codes)`` (``None`` for an outcome);
    - ``from_evidence``: the evidence-level entry point (its own signature);
    - ``at_occasion``: how batch scoring applies it to a patient at one
      :class:`Occasion` (returning ``None`` where it does not apply: an outcome
      between visits at the first visit); without one, :func:`apply` calls
      ``from_evidence`` as its scope's entry points are called;
    - ``rules``: the evidence-level rules (observations by code -> one signal per
      item), ``None`` when items are asserted only;
    - ``variant_of``: the instrument whose table this one scores part of
      (clinical SLEDAI-2K: ``sledai_2k``, whose item assertions it reads);
    - ``visits_from``: the instrument whose observations mark a visit, for a
      per-visit scope (``None`` for a classification).
    """

    name: str
    title: str
    source: str = attrs.field(repr=False)
    scope: Scope
    codes: tuple[str, ...] = attrs.field(repr=False)
    fields: tuple[str, ...] = attrs.field(repr=False)
    from_items: Callable[..., _results.Result] | None = attrs.field(repr=False)
    from_evidence: Callable[..., _results.Result] = attrs.field(repr=False)
    at_occasion: Callable[[evidence.Patient, Occasion], _results.Result | None] | None = (
        attrs.field(default=None, repr=False)
    )
    rules: (
        Callable[[Mapping[str, Sequence[evidence.Observation]]], Mapping[str, _derive.Signal]]
        | None
    ) = attrs.field(default=None, repr=False)
    variant_of: str | None = attrs.field(default=None, repr=False)
    visits_from: str | None = attrs.field(default=None, repr=False)


def apply(
    spec: Instrument, patient: evidence.Patient, occasion: Occasion
) -> _results.Result | None:
    """``spec`` applied to ``patient`` at ``occasion``, as batch scoring does.

    ``spec.at_occasion`` when it has one; otherwise the entry point is called as
    its scope's entry points are: ``from_evidence(patient, as_of=date)`` for a
    classification, and ``from_evidence(patient, date, window_days=...,
    non_standard_window=...)`` for activity or an outcome at a visit.
    """
    if spec.at_occasion is not None:
        return spec.at_occasion(patient, occasion)
    if spec.scope == "classification_as_of":
        return spec.from_evidence(patient, as_of=occasion.date)
    if spec.scope in ("activity_at_visit", "outcome_at_visit") and occasion.date is not None:
        return spec.from_evidence(
            patient,
            occasion.date,
            window_days=occasion.window_days,
            non_standard_window=occasion.non_standard_window,
        )
    raise TypeError(f"{spec.name}: no at_occasion, and none follows from its scope")


@functools.cache
def instruments() -> Mapping[str, Instrument]:
    """Every registered instrument by name (read-only), in the order of the
    registry's list (:data:`sle_scoring._catalogue._ENTRIES`)."""
    found: dict[str, Instrument] = {}
    for module, attribute, spec in _catalogue.entries():
        if not isinstance(spec, Instrument) or spec.name in found:
            raise TypeError(f"sle_scoring.{module}.{attribute} is not a new Instrument")
        found[spec.name] = spec
    return types.MappingProxyType(found)
