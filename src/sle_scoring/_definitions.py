"""Definitions that several instruments share word for word, written once.

- a laboratory value below the laboratory's lower limit of normal (complement) or
  above its upper limit (antibodies), or the laboratory's own call;
- an ANA titre of at least 1:80, or an equivalent positive test;
- anticardiolipin at medium or high titre (> 40 GPL/MPL/APL units, or above the
  laboratory's 99th percentile);
- joint involvement / synovitis: "synovitis involving 2 or more joints ... OR
  tenderness in 2 or more joints and at least 30 minutes of morning stiffness"
  (2019 EULAR/ACR joint involvement; SLICC 2012 synovitis, in the same words);
- calendar months, for the rules that count months.

Definitions that several instruments share with different numbers: each instrument
passes its own cut-off, quoted next to its constant, and the description that
explanations print is built here from that number, so text and rule cannot drift:

- proteinuria by 24-hour urine or spot protein/creatinine ratio (> 0.5 g/24 h in
  SLEDAI-2K, EULAR/ACR 2019 and ACR 1997; "representing 500 mg" in SLICC 2012);
- fever: a temperature above a number of °C (38 in SLEDAI-2K, 38.3 in EULAR/ACR);
- cytopenias: white cells, lymphocytes or platelets below a count per mm³;
- low complement: C3, C4 or CH50 below the laboratory's lower limit of normal;
- arthritis by joint counts (SLEDAI-2K, ACR 1997: ">= 2 joints").

Private: the instrument modules use these.
"""

from __future__ import annotations

import calendar
import datetime
import functools
from decimal import Decimal
from fractions import Fraction

import attrs

from . import _derive
from ._items import ItemStatus
from .evidence import Observation, titre_denominator
from .exceptions import InvalidArgumentError
from .units import DIMENSIONS

#: "ANA at a titer of >= 1:80 on HEp-2 cells or an equivalent positive test"
ANA_TITRE_AT_LEAST = 80
#: "Anticardiolipin antibodies at medium or high titer (> 40 APL, GPL, or MPL units,
#: or > the 99th percentile)"
ANTICARDIOLIPIN_UNITS_ABOVE = 40
#: "synovitis involving 2 or more joints"; "tenderness in 2 or more joints"
JOINTS_AT_LEAST = 2
#: "at least 30 minutes of morning stiffness"
MORNING_STIFFNESS_AT_LEAST_MIN = 30


def below_lower_limit(o: Observation) -> bool | None:
    """The laboratory's call ``low``, or a value below its lower limit of normal
    (``None``, undecided, without the limit or for a censored value that straddles it)."""
    if isinstance(o.value, str):
        return o.value == "low"
    return o.versus_limit("<")


def above_upper_limit(o: Observation) -> bool | None:
    """The laboratory's call ``positive``, or a value above its upper limit of normal
    (``None``, undecided, without the limit or for a censored value that straddles it)."""
    if isinstance(o.value, str):
        return o.value == "positive"
    return o.versus_limit(">")


def ana_at_least_1_in_80(o: Observation) -> bool:
    """A titre of at least 1:80, or ``positive`` from an equivalent test."""
    if o.value == "positive":
        return True
    denominator = titre_denominator(str(o.value))
    return denominator is not None and denominator >= ANA_TITRE_AT_LEAST


# --- ANA ---------------------------------------------------------------------------
# A titre is compared with 1:80 (2019 EULAR/ACR) or with the laboratory's cut-off (SLICC
# 2012 "above laboratory reference range"; ACR 1997 "abnormal titer"). The laboratory's
# screening dilution (its cut-off titre) is its own observation, ana_screening_dilution,
# applying to the ana results of the same date.

_SCREENING_DILUTION = "ana_screening_dilution"
#: How explanations word the 2019 EULAR/ACR entry criterion.
ANA_ENTRY_DESCRIPTION = f"ANA >= 1:{ANA_TITRE_AT_LEAST} or an equivalent positive test"


def _screening_dilutions(evidence: _derive.Index) -> dict[datetime.date | None, list[int]]:
    """The laboratory's screening dilutions (denominators) by date."""
    found: dict[datetime.date | None, list[int]] = {}
    for o in evidence.get(_SCREENING_DILUTION, ()):
        denominator = titre_denominator(str(o.value))
        assert denominator is not None  # validated as a titre 1:N
        found.setdefault(o.date, []).append(denominator)
    return found


def _on_hep2(o: Observation) -> bool:
    return o.assay == "hep2_iif"  # a closed list (vocabulary.ASSAYS): no spelling to guess


def ana_at_least_1_in_80_on_hep2(evidence: _derive.Index) -> _derive.Signal:
    """2019 EULAR/ACR entry criterion: "ANA at a titer of >= 1:80 on HEp-2 cells or an
    equivalent positive test".

    A titre is compared with 1:80. A ``positive`` on HEp-2 cells (``assay:
    hep2_iif``) without a titre shows >= 1:80 only when the laboratory's screening
    dilution of the same date is at least 1:80, and a ``negative`` there rules it out
    only when the screening dilution (if given) is at most 1:80; otherwise the result
    leaves the criterion not assessed, and the description says why. A ``positive``
    from another assay is an equivalent positive test.
    """
    screens = _screening_dilutions(evidence)
    judged: list[Observation] = []
    undetermined: list[str] = []
    for o in evidence.get("ana", ()):
        dilutions = screens.get(o.date, [])
        if _on_hep2(o) and o.value == "positive" and min(dilutions, default=0) < ANA_TITRE_AT_LEAST:
            shown = (
                f"at a screening dilution of 1:{min(dilutions)}" if dilutions else "without a titre"
            )
            undetermined.append(f"{o.describe()} on HEp-2 cells {shown}")
        elif (
            _on_hep2(o) and o.value == "negative" and max(dilutions, default=0) > ANA_TITRE_AT_LEAST
        ):
            undetermined.append(
                f"{o.describe()} on HEp-2 cells at a screening dilution of 1:{max(dilutions)}"
            )
        else:
            judged.append(o)
    description = ANA_ENTRY_DESCRIPTION
    # All of them judged: the evidence itself, whose remembered answers then apply.
    source = {"ana": judged} if undetermined else evidence
    signal = _derive.test(source, "ana", ana_at_least_1_in_80, description, excludable=False)
    if not undetermined or signal.status is ItemStatus.PRESENT:
        return signal
    why = (
        f"{description}; not shown by {'; '.join(undetermined)} (a screening dilution of at "
        f"least 1:{ANA_TITRE_AT_LEAST} for a positive, at most 1:{ANA_TITRE_AT_LEAST} for a "
        "negative, is needed: ana_screening_dilution)"
    )
    return attrs.evolve(signal, status=ItemStatus.NOT_ASSESSED, description=why)


def ana_above_reference_range(evidence: _derive.Index, description: str) -> _derive.Signal:
    """ANA above the laboratory's reference range (SLICC 2012) or at an abnormal titre
    (ACR 1997): the laboratory's ``positive`` call; or a titre at least the
    laboratory's cut-off titre (``ana_screening_dilution`` of the same date, the
    highest when several are given), or at least 1:80 when no cut-off is given."""
    screens = _screening_dilutions(evidence)

    def above(o: Observation) -> bool:
        if o.value in ("positive", "negative"):
            return o.value == "positive"
        cutoff = max(screens.get(o.date, []), default=ANA_TITRE_AT_LEAST)
        denominator = titre_denominator(str(o.value))
        return denominator is not None and denominator >= cutoff

    if screens:
        description += "; a titre at least the laboratory's cut-off titre where given"
    return _derive.test(evidence, "ana", above, description)


# --- Qualified and unspecified findings -------------------------------------------


def qualified(
    evidence: _derive.Index, code: str, qualifier: str, description: str, quality: str
) -> _derive.Signal:
    """A finding ``code`` recorded present, where the definition needs a quality of it
    ("recent onset", "new or worsened"): a ``qualifier`` recorded ``absent`` on the
    same date says the findings of that date lack it (they then count as assessed, not
    met), and one recorded ``present`` is the finding with its quality. Without a
    qualifier the finding is taken as having the quality (as before the qualifier
    existed), with the same explanation as a plain finding.
    """
    qualifiers = evidence.get(qualifier, ())
    plain = _derive.present(evidence, code, description)
    if not qualifiers:
        return plain
    lacking = {o.date for o in qualifiers if o.value == "absent"}
    kept = [o for o in evidence.get(code, ()) if o.value != "present" or o.date not in lacking]
    return _derive.any_of(
        f"{description} ({quality})",
        _derive.present({code: kept}, code, description),
        _derive.present(evidence, qualifier, f"{description}, {quality}"),
    )


def recorded(evidence: _derive.Index, code: str, description: str) -> list[_derive.Signal]:
    """The finding ``code`` as one more alternative of an "any of" definition, only
    when the record has it: explanations list the alternatives a record holds, and
    stay as they were for records without the newer findings (oral or nasal ulcers of
    unstated site, serositis without its features)."""
    if not evidence.get(code):
        return []
    return [_derive.present(evidence, code, description)]


def anticardiolipin_medium_or_high(o: Observation) -> bool | None:
    """Anticardiolipin at medium or high titre: the laboratory's category, a level
    above its 99th percentile (``upper_limit``), or > 40 GPL/MPL/APL units (in any
    accepted spelling of those units). Without a 99th percentile, a level in
    GPL/MPL/APL units is judged by the 40 units alone."""
    if isinstance(o.value, str):
        return o.value in ("medium", "high")
    above_limit = o.versus_limit(">")
    if not o.in_phospholipid_units():
        return above_limit
    above_40 = o.compare(">", Fraction(ANTICARDIOLIPIN_UNITS_ABOVE))
    if o.upper_limit is None:
        return above_40
    return either(above_limit, above_40)


def either(one: bool | None, other: bool | None) -> bool | None:
    """ "or" of two three-valued answers: true when either is, undecided when either is
    undecided and neither is true."""
    if one or other:
        return True
    return None if one is None or other is None else False


@functools.lru_cache(maxsize=256)  # a few cut-offs, worded at every visit
def written(number: int | Fraction) -> str:
    """A cut-off as the publications write it: ``100,000``, ``0.5``, ``38.3``.

    Raises ``ValueError`` for a number with no finite decimal form (no publication
    writes a cut-off as ``1/3``).
    """
    value = Fraction(number)
    decimal = Decimal(value.numerator) / Decimal(value.denominator)
    if Fraction(decimal) != value:
        raise ValueError(f"{value} has no finite decimal form")
    return format(decimal, ",f")


def fever(evidence: _derive.Index, *, above: int | Fraction) -> _derive.Signal:
    """A temperature above ``above`` °C (SLEDAI-2K "> 38 °C"; 2019 EULAR/ACR
    "> 38.3 °C"), read in °C exactly whatever the unit."""
    cutoff = Fraction(above)
    return _derive.measured(
        evidence, "temperature", ">", cutoff, f"temperature > {written(cutoff)} °C"
    )


# --- Proteinuria -----------------------------------------------------------------

#: How many mg/mmol one g/g of spot protein/creatinine ratio is, by the convention
#: units.py applies (0.5 g/g and 50 mg/mmol both stand for 0.5 g/24 h).
MG_PER_MMOL_PER_G_PER_G = 1 / DIMENSIONS["protein_ratio"].units["mg/mmol"][0]


def proteinuria_measures(
    evidence: _derive.Index,
    *,
    above: Fraction | None = None,
    at_least: Fraction | None = None,
    in_mg: bool = False,
) -> tuple[_derive.Signal, _derive.Signal]:
    """Proteinuria above (or at least) a publication's cut-off in g/24 h: by 24-hour
    urine, or by an equivalent spot protein/creatinine ratio (g/g; mg/mmol by the
    convention in units.py). The two measures, for an instrument to combine with its
    other renal features.

    ``above`` for "> 0.5 g/24 hours"; ``at_least`` for SLICC 2012's "representing 500
    mg protein/24 hours", whose 24-hour cut-off is written in mg (``in_mg``).
    """
    if (above is None) == (at_least is None):
        raise TypeError("give exactly one of above= and at_least=")
    sign, cutoff = (">", above) if above is not None else (">=", at_least)
    assert cutoff is not None
    if in_mg:
        urine = f"24-hour urine protein {sign} {written(cutoff * 1000)} mg"
    else:
        urine = f"24-h urine {sign} {written(cutoff)} g"
    ratio = (
        f"protein/creatinine ratio {sign} {written(cutoff)} g/g "
        f"({written(cutoff * MG_PER_MMOL_PER_G_PER_G)} mg/mmol)"
    )
    return (
        _derive.measured(evidence, "urine_protein_24h", sign, cutoff, urine),
        _derive.measured(evidence, "urine_protein_creatinine_ratio", sign, cutoff, ratio),
    )


def proteinuria(evidence: _derive.Index, *, above: Fraction) -> _derive.Signal:
    """Proteinuria > ``above`` g/24 h, by 24-hour urine or an equivalent spot ratio
    (SLEDAI-2K and 2019 EULAR/ACR: "> 0.5 g/24 h")."""
    return _derive.any_of(
        f"proteinuria > {written(above)} g/24 h", *proteinuria_measures(evidence, above=above)
    )


# --- Cytopenias --------------------------------------------------------------------
# Counts are read per mm³ (= per µL), exactly, whatever unit the laboratory used.


def _count_below(evidence: _derive.Index, code: str, cells: str, below: int) -> _derive.Signal:
    return _derive.measured(evidence, code, "<", Fraction(below), f"{cells} < {written(below)}/mm³")


def leukopenia(evidence: _derive.Index, *, below: int) -> _derive.Signal:
    """A white cell count below ``below``/mm³ ("white cells < 4,000/mm³")."""
    return _count_below(evidence, "leukocyte_count", "white cells", below)


def lymphopenia(evidence: _derive.Index, *, below: int) -> _derive.Signal:
    """A lymphocyte count below ``below``/mm³ ("lymphocytes < 1,000/mm³")."""
    return _count_below(evidence, "lymphocyte_count", "lymphocytes", below)


def thrombocytopenia(evidence: _derive.Index, *, below: int) -> _derive.Signal:
    """A platelet count below ``below``/mm³ ("platelets < 100,000/mm³")."""
    return _count_below(evidence, "platelet_count", "platelets", below)


# --- Complement ----------------------------------------------------------------------

# How explanations name each complement measure.
_COMPLEMENT = {"c3": "C3", "c4": "C4", "ch50": "CH50"}


def low_complement(
    evidence: _derive.Index, code: str, description: str | None = None
) -> _derive.Signal:
    """C3, C4 or CH50 (``code``) below the testing laboratory's lower limit of normal,
    or the laboratory's call ``low`` ("low C3" unless the instrument words it)."""
    text = f"low {_COMPLEMENT[code]}" if description is None else description
    return _derive.test(evidence, code, below_lower_limit, text)


# --- Joints ------------------------------------------------------------------------


def _clinician_joint_involvement(evidence: _derive.Index) -> _derive.Signal:
    return _derive.present(evidence, "joint_involvement", "joint involvement (clinician)")


def _joints(evidence: _derive.Index, code: str, kind: str, at_least: int) -> _derive.Signal:
    return _derive.measured(
        evidence, code, ">=", Fraction(at_least), f">= {written(at_least)} {kind} joints"
    )


def arthritis(evidence: _derive.Index, description: str, *, joints_at_least: int) -> _derive.Signal:
    """Arthritis by joint counts: ``joints_at_least`` swollen or tender joints, or the
    clinician's judgement ``joint_involvement`` (SLEDAI-2K: ">= 2 joints with pain and
    signs of inflammation"; ACR 1997: "involving 2 or more peripheral joints")."""
    return _derive.any_of(
        description,
        _clinician_joint_involvement(evidence),
        _joints(evidence, "swollen_joint_count", "swollen", joints_at_least),
        _joints(evidence, "tender_joint_count", "tender", joints_at_least),
    )


def joint_involvement(evidence: _derive.Index, swelling: str) -> _derive.Signal:
    """Synovitis in >= 2 joints, or >= 2 tender joints with >= 30 minutes of morning
    stiffness (in one episode), or the clinician's judgement ``joint_involvement``.

    ``swelling`` is the publication's word for the first half ("synovitis" in 2019
    EULAR/ACR, "swelling" in SLICC 2012), which leads the description.
    """
    n, minutes = JOINTS_AT_LEAST, MORNING_STIFFNESS_AT_LEAST_MIN
    return _derive.any_of(
        f"{swelling} in >= {n} joints, or >= {n} tender joints with >= {minutes} min "
        "morning stiffness",
        _clinician_joint_involvement(evidence),
        _joints(evidence, "swollen_joint_count", "swollen", n),
        _derive.all_of(
            f">= {n} tender joints with >= {minutes} minutes of morning stiffness",
            [
                _joints(evidence, "tender_joint_count", "tender", n),
                _derive.measured(
                    evidence,
                    "morning_stiffness",
                    ">=",
                    Fraction(minutes),
                    f">= {minutes} min morning stiffness",
                ),
            ],
            _derive.EPISODE_DAYS,
        ),
    )


def months_after(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` calendar months later (the month's last day if shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    if not datetime.MINYEAR <= year <= datetime.MAXYEAR:
        raise InvalidArgumentError(
            "date",
            f"{months} months after {day.isoformat()} is outside the calendar (years 1-9999)",
        )
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
