"""Hypothesis strategies for testing *your own* clinical code against sle_scoring.

They build valid evidence (:func:`observations`, :func:`patients`,
:func:`timelines`), item sets of each instrument (:func:`eular_acr_2019_items`,
:func:`slicc_2012_items`, :func:`acr_1997_items`, :func:`sledai_2k_items`,
:func:`sdi_items`) and deliberately invalid JSON records (:func:`invalid_records`).

This module, and only this module of sle_scoring, imports Hypothesis: it needs the
optional extra, ``pip install 'sle-scoring[hypothesis]'``. Every strategy takes
keyword-only options and draws each finding independently, so that a failing
example shrinks to the fewest findings; each docstring says what it shrinks to.
"""

from __future__ import annotations

import datetime
import json
import math
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs

try:
    from hypothesis import strategies as st
    from hypothesis.strategies import DrawFn, SearchStrategy
except ImportError as error:  # the optional extra is not installed
    raise ImportError(
        "sle_scoring.testing.strategies needs hypothesis: pip install 'sle-scoring[hypothesis]'"
    ) from error

from .. import acr_1997, eular_acr_2019, records, sdi, sledai_2k, slicc_2012
from ..evidence import Observation, Patient
from ..units import DIMENSIONS
from ..vocabulary import CAUSES, CONCEPTS, Concept, Kind, all_codes, concept, item_assertion
from ._drawn import InvalidRecord, ItemSet
from .thresholds import _LAB_CODES, THRESHOLD_CODES, THRESHOLDS

__all__ = [
    "acr_1997_items",
    "eular_acr_2019_items",
    "invalid_records",
    "observations",
    "patients",
    "sdi_items",
    "sledai_2k_items",
    "slicc_2012_items",
    "timelines",
]


# Decimal places drawn in each unit (a laboratory's usual resolution, and fine
# enough to land one step either side of every threshold); other units: whole numbers.
_PLACES: dict[str, int] = {
    **dict.fromkeys(("10^9/L", "×10⁹/L", "x10^9/L", "10^3/µL", "10^3/uL", "x10^3/uL"), 3),
    **dict.fromkeys(("10*9/L", "x10E9/L", "10E9/L", "10*3/uL", "x10E3/uL", "10E3/uL"), 3),
    **dict.fromkeys(("°C", "C", "degC", "°F", "F", "degF"), 1),
    **dict.fromkeys(("Cel", "℃", "deg C", "[degF]", "℉", "deg F"), 1),
    **dict.fromkeys(("g/24 h", "g/24h", "g/day", "g/d", "g/g", "mg/mg"), 2),
    **dict.fromkeys(("g/24 hr", "g/24hr", "g/(24.h)", "g/g{creat}", "mg/mg{creat}"), 2),
    **dict.fromkeys(("mg/mmol", "mg/mmol{creat}", "h", "hr", "hours"), 1),
}
_LAB_PLACES = 1
_ACL_UNITS = ("GPL", "MPL", "APL", "GPL U/mL", "MPL U/mL", "APL U/mL")
_ISOTYPE_CODES = ("anticardiolipin", "anti_beta2gp1")
# ANA titres on the doubling dilution series; "negative" first so it shrinks there.
_TITRES = ("negative", "positive", *(f"1:{20 * 2**k}" for k in range(8)))


def _in_unit(canonical: Fraction, dimension: str, unit: str) -> Fraction:
    """The inverse of :func:`sle_scoring.units.to_canonical` (exact)."""
    factor, offset = DIMENSIONS[dimension].units[unit]
    return (canonical - offset) / factor


def _exact_places(number: Fraction) -> int | None:
    """The fewest decimal places (up to 6) that write ``number`` exactly."""
    for places in range(7):
        if (number * 10**places).denominator == 1:
            return places
    return None


def _decimal(number: Fraction, places: int) -> Decimal:
    scaled = number * 10**places
    assert scaled.denominator == 1, number
    return Decimal(scaled.numerator).scaleb(-places)


# --- Observations ----------------------------------------------------------------


@attrs.frozen
class _Fields:
    value: Decimal | str
    unit: str | None = None
    lower_limit: Decimal | None = None
    upper_limit: Decimal | None = None
    isotype: str | None = None


def _quantity(draw: DrawFn, entry: Concept, around: bool) -> _Fields:
    assert entry.dimension is not None
    dimension = entry.dimension
    units = list(DIMENSIONS[dimension].units)
    if around:
        threshold = draw(st.sampled_from([t for t in THRESHOLDS if t.code == entry.code]))
        # Only the units in which the threshold itself can be written exactly.
        unit = draw(
            st.sampled_from(
                [
                    u
                    for u in units
                    if _exact_places(_in_unit(threshold.value, dimension, u)) is not None
                ]
            )
        )
        at = _in_unit(threshold.value, dimension, unit)
        exact = _exact_places(at)
        assert exact is not None
        places = max(_PLACES.get(unit, 0), exact)
        # At the threshold first (what it shrinks to), then one step below and above.
        step = draw(st.sampled_from((0, -1, 1)))
        return _Fields(_decimal(at + Fraction(step, 10**places), places), unit)
    unit = draw(st.sampled_from(units))
    places = _PLACES.get(unit, 0)
    assert entry.minimum is not None
    assert entry.maximum is not None
    low = math.ceil(_in_unit(entry.minimum, dimension, unit) * 10**places)
    high = math.floor(_in_unit(entry.maximum, dimension, unit) * 10**places)
    return _Fields(Decimal(draw(st.integers(low, high))).scaleb(-places), unit)


def _lab(draw: DrawFn, entry: Concept, around: bool, *, calls: bool = True) -> _Fields:
    assert entry.dimension is not None
    isotype = None
    if entry.code in _ISOTYPE_CODES:
        isotype = draw(st.none() | st.sampled_from(("IgG", "IgM", "IgA")))
    if calls and not around and draw(st.booleans()):
        return _Fields(draw(st.sampled_from(entry.values)), isotype=isotype)
    if calls and entry.code == "anticardiolipin" and draw(st.booleans()):
        # "> 40 APL, GPL or MPL units": a level in those units needs no laboratory limit.
        unit = draw(st.sampled_from(_ACL_UNITS))
        if around:
            step = Fraction(draw(st.sampled_from((0, -1, 1))), 10)
            return _Fields(_decimal(40 + step, 1), unit, isotype=isotype)
        return _Fields(_decimal(Fraction(draw(st.integers(0, 2000)), 10), 1), unit, isotype=isotype)
    unit = draw(st.sampled_from(list(DIMENSIONS[entry.dimension].units)))
    scale = 10**_LAB_PLACES
    limit = Fraction(draw(st.integers(1, 5000)), scale)
    if around:
        # At the laboratory's limit first, then one step below and above.
        value = limit + Fraction(draw(st.sampled_from((0, -1, 1))), scale)
    else:
        value = Fraction(draw(st.integers(0, 10_000)), scale)
    number, bound = _decimal(value, _LAB_PLACES), _decimal(limit, _LAB_PLACES)
    if entry.limit == "lower":
        return _Fields(number, unit, lower_limit=bound, isotype=isotype)
    return _Fields(number, unit, upper_limit=bound, isotype=isotype)


def _titre(draw: DrawFn, entry: Concept, around: bool) -> _Fields:
    if around:
        return _Fields(draw(st.sampled_from(("1:80", "1:40", "1:160"))))
    # A code without positive/negative (a screening dilution) takes titres only.
    titres = [t for t in _TITRES if ":" in t or t in entry.values]
    return _Fields(draw(st.sampled_from(titres)))


def _fields(draw: DrawFn, code: str, around: bool) -> _Fields:
    entry = concept(code)
    if entry is None:  # an item assertion "<instrument>.<item>"
        return _Fields(draw(st.sampled_from(("present", "absent"))))
    if entry.kind is Kind.QUANTITY:
        return _quantity(draw, entry, around and code in THRESHOLD_CODES)
    if entry.kind is Kind.LAB:
        return _lab(draw, entry, around)
    if entry.kind is Kind.TITRE:
        return _titre(draw, entry, around)
    return _Fields(draw(st.sampled_from(entry.values)))


def _draw_observation(
    draw: DrawFn,
    codes: Sequence[str],
    around_threshold: bool,
    dates: SearchStrategy[datetime.date] | None,
    explained: bool,
) -> Observation:
    code = draw(st.sampled_from(codes))
    return _observation(
        code,
        _fields(draw, code, around_threshold),
        date=None if dates is None else draw(dates),
        explained_by=draw(st.none() | st.sampled_from(CAUSES)) if explained else None,
    )


def _observation(
    code: str,
    fields: _Fields,
    date: datetime.date | None = None,
    explained_by: str | None = None,
) -> Observation:
    return Observation(
        code,
        fields.value,
        date=date,
        unit=fields.unit,
        lower_limit=fields.lower_limit,
        upper_limit=fields.upper_limit,
        isotype=fields.isotype,
        explained_by=explained_by,
    )


def _codes(codes: Iterable[str] | None, item_assertions: bool) -> tuple[str, ...]:
    if codes is None:
        chosen = list(CONCEPTS)
        if item_assertions:
            chosen += [c for c in all_codes() if c not in CONCEPTS]
        return tuple(chosen)
    if isinstance(codes, str):
        raise TypeError(f"codes must be a list of codes, not the string {codes!r}")
    chosen = list(codes)
    unknown = [c for c in chosen if concept(c) is None and item_assertion(c) is None]
    if unknown:
        raise ValueError(f"unknown observation code(s): {', '.join(map(repr, unknown))}")
    if not chosen:
        raise ValueError("codes must name at least one observation code")
    return tuple(chosen)


def observations(
    *,
    codes: Iterable[str] | None = None,
    around_threshold: bool = False,
    dates: SearchStrategy[datetime.date] | None = None,
    explained: bool = False,
    item_assertions: bool = False,
) -> SearchStrategy[Observation]:
    """Valid :class:`~sle_scoring.evidence.Observation` objects, one code at a time.

    ``codes``: the vocabulary codes (or item assertions) to draw from; every
    vocabulary code by default, plus the ``<instrument>.<item>`` assertions when
    ``item_assertions=True``. Values are valid by construction: numbers inside the
    vocabulary's plausible range in any accepted unit, laboratory values with the
    laboratory's limit, titres on the dilution series, categories from the
    vocabulary.

    ``around_threshold=True``: for the codes of :data:`THRESHOLD_CODES`, the value is
    drawn at a published threshold or one step (the unit's last decimal) either side
    of it, e.g. platelets 99,999, 100,000 or 100,001 /µL, 99.999 × 10⁹/L, ANA 1:40,
    1:80 or 1:160, C3 just below, at or above the laboratory's lower limit; other
    codes are drawn as usual.

    ``dates``: a strategy for the date (undated by default). ``explained=True``: the
    observation may be explained by another cause (rule 1 of EULAR/ACR 2019; the
    SLEDAI-2K exclusions).

    Shrinks to the first code given (``platelet_count`` by default) in its first
    unit, at the threshold (``around_threshold``) or at its smallest plausible value;
    categorical values to the first listed (``present``, ``positive``, ``none``,
    ANA ``negative``); not explained.

    Requires the hypothesis package (``pip install 'sle-scoring[hypothesis]'``).
    """
    chosen = _codes(codes, item_assertions)
    return st.composite(_draw_observation)(chosen, around_threshold, dates, explained)


def _patient(
    observation: SearchStrategy[Observation], min_observations: int, max_observations: int
) -> SearchStrategy[Patient]:
    return st.builds(
        Patient,
        st.integers(0, 9999).map(lambda n: f"P{n:04d}"),
        st.lists(observation, min_size=min_observations, max_size=max_observations).map(tuple),
    )


def patients(
    *,
    codes: Iterable[str] | None = None,
    around_threshold: bool = False,
    explained: bool = False,
    item_assertions: bool = False,
    min_observations: int = 0,
    max_observations: int = 12,
) -> SearchStrategy[Patient]:
    """Patients with undated observations (a history, as for classification).

    Each observation is drawn independently by :func:`observations` (same ``codes``,
    ``around_threshold``, ``explained`` and ``item_assertions`` options), so a
    failure shrinks to the fewest observations: to a patient ``P0000`` with
    ``min_observations`` observations, each shrunk as :func:`observations` says.

    Requires the hypothesis package (``pip install 'sle-scoring[hypothesis]'``).
    """
    return _patient(
        observations(
            codes=codes,
            around_threshold=around_threshold,
            explained=explained,
            item_assertions=item_assertions,
        ),
        min_observations,
        max_observations,
    )


def _draw_timeline(
    draw: DrawFn,
    undated: SearchStrategy[Patient],
    start: datetime.date,
    span_days: int,
    max_visits: int,
) -> Patient:
    end = start + datetime.timedelta(days=span_days)
    visits = sorted(
        draw(st.lists(st.dates(start, end), min_size=1, max_size=max_visits, unique=True))
    )
    patient = draw(undated)
    # Each observation on one of the visits, drawn independently (shrinks to the first).
    dated = [
        attrs.evolve(o, date=visits[draw(st.integers(0, len(visits) - 1))])
        for o in patient.observations
    ]
    return Patient(patient.id, tuple(dated))


def timelines(
    *,
    codes: Iterable[str] | None = None,
    around_threshold: bool = False,
    explained: bool = False,
    item_assertions: bool = False,
    start: datetime.date = datetime.date(2020, 1, 1),
    span_days: int = 365,
    max_visits: int = 6,
    min_observations: int = 0,
    max_observations: int = 12,
) -> SearchStrategy[Patient]:
    """Patients whose every observation is dated, as at visits (for SLEDAI-2K windows,
    classification as of a date, first-fulfilled dates).

    Up to ``max_visits`` distinct visit dates are drawn between ``start`` and
    ``start + span_days``; each observation is drawn independently by
    :func:`observations` and placed on one of them. ``patient.dates()`` lists the
    visits that have observations. Shrinks to one visit on the earliest date holding
    the fewest observations, each shrunk as :func:`observations` says.

    Requires the hypothesis package (``pip install 'sle-scoring[hypothesis]'``).
    """
    if span_days < 0 or max_visits < 1:
        raise ValueError("span_days must be >= 0 and max_visits >= 1")
    undated = patients(
        codes=codes,
        around_threshold=around_threshold,
        explained=explained,
        item_assertions=item_assertions,
        min_observations=min_observations,
        max_observations=max_observations,
    )
    return st.composite(_draw_timeline)(undated, start, span_days, max_visits)


# --- Item sets ----------------------------------------------------------------------


def _draw_item_set(
    draw: DrawFn,
    instrument: str,
    codes: Sequence[str],
    with_not_assessed: bool,
    repeatable: frozenset[str],
    absent_weight: int,
) -> ItemSet:
    # Absent first, so that each item shrinks to absent; repeated to draw it more often.
    states = ("absent",) * absent_weight + ("present",)
    if with_not_assessed:
        states += ("not_assessed",)
    drawn = {code: draw(st.sampled_from(states)) for code in codes}

    def having(state: str) -> frozenset[str]:
        return frozenset(code for code, drawn_state in drawn.items() if drawn_state == state)

    present = having("present")
    twice = frozenset(code for code in sorted(present & repeatable) if draw(st.booleans()))
    return ItemSet(instrument, present, having("absent"), having("not_assessed"), twice)


def _item_sets(
    instrument: str,
    codes: Sequence[str],
    *,
    with_not_assessed: bool,
    classified: bool | None = None,
    verdict: Callable[[ItemSet], bool] | None = None,
    repeatable: Iterable[str] = (),
) -> SearchStrategy[ItemSet]:
    """Item sets of one instrument: each item drawn independently; ``classified``
    keeps those whose ``verdict`` is that. Adding an instrument is one call of this."""
    # Sets that are not classified are rarer: draw items absent 3 times in 4 for them,
    # so that the filter below seldom has to reject a set.
    absent_weight = 3 if classified is False else 1
    strategy = st.composite(_draw_item_set)(
        instrument, codes, with_not_assessed, frozenset(repeatable), absent_weight
    )
    if classified is None:
        return strategy
    assert verdict is not None
    return strategy.filter(lambda items: verdict(items) is classified)


def _classified_by(classify: Callable[..., Any]) -> Callable[[ItemSet], bool]:
    """An instrument's item-level verdict on an item set."""

    def verdict(items: ItemSet) -> bool:
        return bool(classify(items.present, not_assessed=items.not_assessed).classified)

    return verdict


def eular_acr_2019_items(
    *, classified: bool | None = None, with_not_assessed: bool = False
) -> SearchStrategy[ItemSet]:
    """Item sets of the 2019 EULAR/ACR criteria (Aringer et al. 2019): the entry
    criterion ``ana_positive`` and the 22 additive criteria, each drawn independently.

    ``classified``: ``True`` or ``False`` keeps only sets the library classifies
    (or does not); ``None`` keeps all. ``with_not_assessed``: some criteria may be
    not assessed. Shrinks to the fewest criteria present (every criterion absent;
    with ``classified=True``, the smallest set that still meets the entry criterion,
    a clinical criterion and 10 points).

    Requires the hypothesis package (``pip install 'sle-scoring[hypothesis]'``).
    """
    codes = [item.code for item in (eular_acr_2019.ENTRY_CRITERION, *eular_acr_2019.CRITERIA)]
    return _item_sets(
        "eular_acr_2019",
        codes,
        with_not_assessed=with_not_assessed,
        classified=classified,
        verdict=_classified_by(eular_acr_2019.classify),
    )


def sledai_2k_items(
    *, with_not_assessed: bool = False, index: sledai_2k.Index = sledai_2k.SLEDAI_2K
) -> SearchStrategy[ItemSet]:
    """Item sets of SLEDAI-2K (Gladman et al. 2002), or of a variant ``index``
    (e.g. ``CLINICAL_SLEDAI_2K``): each descriptor present or absent, drawn
    independently; ``with_not_assessed``: some may be not assessed. Shrinks to every
    descriptor absent (a score of 0).

    Requires the hypothesis package (``pip install 'sle-scoring[hypothesis]'``).
    """
    codes = [item.code for item in index.descriptors]
    return _item_sets("sledai_2k", codes, with_not_assessed=with_not_assessed)


def slicc_2012_items(
    *, classified: bool | None = None, with_not_assessed: bool = False
) -> SearchStrategy[ItemSet]:
    """Item sets of the SLICC 2012 criteria (Petri et al. 2012): the 17 criteria and
    rule B's renal biopsy (``lupus_nephritis_biopsy``), each drawn independently.

    ``classified`` and ``with_not_assessed`` as for :func:`eular_acr_2019_items`.
    Shrinks to every criterion absent (with ``classified=True``, to the smallest set
    meeting rule A or rule B).

    Requires the hypothesis package (``pip install 'sle-scoring[hypothesis]'``).
    """
    codes = [item.code for item in (*slicc_2012.CRITERIA, slicc_2012.BIOPSY)]
    return _item_sets(
        "slicc_2012",
        codes,
        with_not_assessed=with_not_assessed,
        classified=classified,
        verdict=_classified_by(slicc_2012.classify),
    )


def acr_1997_items(
    *, classified: bool | None = None, with_not_assessed: bool = False
) -> SearchStrategy[ItemSet]:
    """Item sets of the ACR 1997 criteria (Tan et al. 1982, Hochberg 1997): the 11
    criteria, each drawn independently.

    ``classified`` and ``with_not_assessed`` as for :func:`eular_acr_2019_items`.
    Shrinks to every criterion absent (with ``classified=True``, to 4 criteria).

    Requires the hypothesis package (``pip install 'sle-scoring[hypothesis]'``).
    """
    codes = [item.code for item in acr_1997.CRITERIA]
    return _item_sets(
        "acr_1997",
        codes,
        with_not_assessed=with_not_assessed,
        classified=classified,
        verdict=_classified_by(acr_1997.classify),
    )


def sdi_items(
    *, with_not_assessed: bool = False, with_repeats: bool = False
) -> SearchStrategy[ItemSet]:
    """Item sets of the SLICC/ACR Damage Index (Gladman et al. 1996): each damage
    item present or absent, drawn independently; ``with_not_assessed``: some may be
    not assessed; ``with_repeats``: a present "2 if more than one" item may also be
    in ``more_than_one``. Shrinks to no damage (a score of 0).

    Requires the hypothesis package (``pip install 'sle-scoring[hypothesis]'``).
    """
    return _item_sets(
        "sdi",
        [item.code for item in sdi.ITEMS],
        with_not_assessed=with_not_assessed,
        repeatable=[item.code for item in sdi.ITEMS if item.repeatable] if with_repeats else (),
    )


# --- Invalid records ----------------------------------------------------------------


_UNKNOWN_CODES = (
    "platelets",
    "platelet",
    "wbc",
    "C3",
    "anti-dsDNA",
    "crp",
    "eular_acr_2019.thrombocytopaenia",
    "sledai_2k.fever_high",
    "slicc.arthritis",
)
_BAD_DATES: tuple[object, ...] = (
    "2023-13-01",
    "2023-02-30",
    "01/10/2023",
    "2023-1-1",
    "2023-10-01T25:00",  # a timestamp is read as its date, but not at hour 25
    "October 2023",
    "",
    20231001,
)
_BAD_CAUSES = ("infections", "Infection", "virus", "sepsis", "drugs", "")
_BAD_ISOTYPES = ("IgE", "IgD", "igg", "G", "")
_UNKNOWN_FIELDS = ("units", "valeu", "dated", "comment", "lower_limt", "Code")
_BAD_TEXT_VALUES = ("maybe", "yes", "presence", "", "positve")
_BAD_TITRES = ("1:0", "1/80", "80", "1:", "1:-40", "2:80")
_QUANTITY_CODES = tuple(c.code for c in CONCEPTS.values() if c.kind is Kind.QUANTITY)


def _raw(observation: Observation) -> dict[str, Any]:
    """One observation as a JSON reader gives it (numbers exact)."""
    text = records.dumps(Patient("P", (observation,)))
    entry: dict[str, Any] = json.loads(text, parse_float=Decimal)["observations"][0]
    return entry


def _broken_observation(draw: DrawFn, kind: str) -> tuple[dict[str, Any], str]:
    """A valid observation with one field broken as ``kind`` says, and that field."""
    if kind in ("unit", "value") and draw(st.booleans()):
        code = draw(st.sampled_from(_QUANTITY_CODES))
    elif kind == "value":  # a category, result or titre (a laboratory call has its own check)
        code = draw(
            st.sampled_from(
                [c for c in CONCEPTS if c not in _QUANTITY_CODES and c not in _LAB_CODES]
            )
        )
    elif kind == "unit":
        code = draw(st.sampled_from(_QUANTITY_CODES))
    elif kind == "isotype":
        code = draw(st.sampled_from(_ISOTYPE_CODES))
    elif kind == "limit":
        code = draw(st.sampled_from([c for c in _LAB_CODES if c != "anticardiolipin"]))
    else:
        code = draw(st.sampled_from(list(CONCEPTS)))
    entry_concept = CONCEPTS[code]
    if kind == "limit":  # a numeric value, judged against the laboratory's limit
        entry = _raw(_observation(code, _lab(draw, entry_concept, False, calls=False)))
    else:
        entry = _raw(_draw_observation(draw, [code], False, None, False))
    if kind == "code":
        entry["code"] = draw(
            st.sampled_from(_UNKNOWN_CODES)
            | st.text("abcdefghijklmnopqrstuvwxyz_.", min_size=1, max_size=20).filter(
                lambda c: concept(c) is None and item_assertion(c) is None
            )
        )
    elif kind == "unit":
        dimension = DIMENSIONS[str(entry_concept.dimension)]
        others = sorted({u for d in DIMENSIONS.values() for u in d.units} - set(dimension.units))
        entry["unit"] = draw(st.sampled_from([None, "", "furlongs", *others]))
    elif kind == "value":
        entry["value"] = draw(_impossible_value(entry_concept, entry.get("unit")))
    elif kind == "date":
        entry["date"] = draw(st.sampled_from(_BAD_DATES))
    elif kind == "explained_by":
        entry["explained_by"] = draw(st.sampled_from(_BAD_CAUSES))
    elif kind == "isotype":
        entry["isotype"] = draw(st.sampled_from(_BAD_ISOTYPES))
    elif kind == "limit":
        wanted = "lower_limit" if entry_concept.limit == "lower" else "upper_limit"
        # (a missing limit is valid: the items that need it are not assessed)
        entry[wanted] = draw(st.sampled_from((0, -1, Decimal("-0.5"), "low")))
        return entry, wanted
    elif kind == "field":
        key = draw(st.sampled_from(_UNKNOWN_FIELDS))
        entry[key] = "x"
        return entry, key
    return entry, kind


def _impossible_value(entry: Concept, unit: str | None) -> SearchStrategy[object]:
    if entry.kind is Kind.QUANTITY:
        assert entry.dimension is not None
        assert unit is not None
        assert entry.minimum is not None
        assert entry.maximum is not None
        below = _in_unit(entry.minimum, entry.dimension, unit)
        above = _in_unit(entry.maximum, entry.dimension, unit)
        # Whole steps past the plausible range (e.g. a negative count, 46 °C).
        return st.integers(1, 1000).flatmap(
            lambda n: st.sampled_from(
                (
                    _decimal(Fraction(math.floor(below)) - n, 0),
                    _decimal(Fraction(math.ceil(above)) + n, 0),
                )
            )
        )
    if entry.kind is Kind.TITRE:
        return st.sampled_from(_BAD_TITRES)
    return st.sampled_from((*_BAD_TEXT_VALUES, True))


def _draw_invalid_record(
    draw: DrawFn, kinds: Sequence[str], valid: SearchStrategy[list[Observation]]
) -> InvalidRecord:
    kind = draw(st.sampled_from(kinds))
    record: dict[str, Any] = json.loads(
        records.dumps(Patient("P0001", tuple(draw(valid)))), parse_float=Decimal
    )
    if kind == "patient":
        broken = draw(st.sampled_from(("", None, 42, ["P1"])))
        record["patient"] = broken
        return InvalidRecord(kind, record, "patient", None)
    entry, field = _broken_observation(draw, kind)
    position = draw(st.integers(0, len(record["observations"])))
    record["observations"].insert(position, entry)
    return InvalidRecord(kind, record, field, f"observations[{position}]")


#: What :func:`invalid_records` can break.
_INVALID_KINDS = (
    "code",
    "unit",
    "value",
    "date",
    "limit",
    "explained_by",
    "isotype",
    "field",
    "patient",
)


def invalid_records(*, kinds: Iterable[str] | None = None) -> SearchStrategy[InvalidRecord]:
    """JSON patient records with exactly one error, and the field it must be reported on.

    ``kinds`` (all by default): ``code`` (an unknown or misspelt code), ``unit`` (a
    unit of another dimension, an unknown one, or none for a number), ``value`` (an
    impossible number such as a negative count or 46 °C, a category not in the
    vocabulary, a malformed titre, a boolean), ``date`` (not ``YYYY-MM-DD`` or not a
    calendar date), ``limit`` (a laboratory value without its limit, or a limit <= 0),
    ``explained_by`` (an unknown cause), ``isotype`` (not IgA/IgG/IgM), ``field`` (an
    unknown field name) and ``patient`` (a missing or non-text identifier). The other
    observations of the record are valid. Shrinks to a record whose only observation
    is the broken one, with the first kind asked for.

    Requires the hypothesis package (``pip install 'sle-scoring[hypothesis]'``).
    """
    chosen = _INVALID_KINDS if kinds is None else tuple(kinds)
    unknown = [k for k in chosen if k not in _INVALID_KINDS]
    if unknown or not chosen:
        raise ValueError(
            f"kinds must be some of {', '.join(_INVALID_KINDS)} (got {', '.join(unknown)})"
        )
    dated = observations(dates=st.dates(datetime.date(2000, 1, 1), datetime.date(2030, 12, 31)))
    valid = st.lists(observations() | dated, max_size=3)
    return st.composite(_draw_invalid_record)(chosen, valid)


def __dir__() -> list[str]:
    # The public API is what __all__ lists (as in pypa/packaging).
    return list(__all__)
