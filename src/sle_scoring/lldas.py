"""LLDAS, the Lupus Low Disease Activity State.

Source: Franklyn K, Lau CS, Navarra SV, et al. Definition and initial validation of a
Lupus Low Disease Activity State (LLDAS). Ann Rheum Dis 2016;75:1615-1621.

All five conditions at the same assessment (Table 1 of the paper):

1. "SLEDAI-2K <=4, with no activity in major organ systems (renal, CNS,
   cardiopulmonary, vasculitis, fever) and no haemolytic anaemia or
   gastrointestinal activity";
2. "No new features of lupus disease activity compared with the previous assessment";
3. "SELENA-SLEDAI physician global assessment (PGA, scale 0-3) <=1";
4. "Current prednisolone (or equivalent) dose <=7.5 mg daily";
5. "Well tolerated standard maintenance doses of immunosuppressive drugs and approved
   biological agents, excluding investigational drugs".

How the library reads them:

- Major organ systems are the SLEDAI-2K descriptors in :data:`MAJOR_ORGAN_DESCRIPTORS`:
  renal (casts, haematuria, proteinuria, pyuria), CNS (the seven neuropsychiatric
  8-point descriptors), cardiopulmonary (pleurisy, pericarditis), vasculitis and
  fever. Haemolytic anaemia and gastrointestinal activity are not SLEDAI-2K
  descriptors, so they are separate inputs (findings ``hemolytic_anemia`` and
  ``gastrointestinal_activity`` at the evidence level).
- "No new features" is operationalised as: no SLEDAI-2K descriptor present now that
  was absent at the previous assessment (a library choice: the paper gives no
  operational rule). Without a previous assessment it cannot be determined, unless
  the caller says this is the first assessment (then there is nothing to compare
  with and the condition is taken as met).
- Condition 5 is two caller-supplied facts: treatment at well-tolerated standard
  maintenance doses (``maintenance_treatment_standard``; also true when no
  immunosuppressant or biologic is taken) and no investigational drug
  (``investigational_drug``).

A missing input makes its condition "cannot be determined", naming the input; a
score with descriptors not assessed still decides condition 1 when the missing
descriptors could not change the answer.
"""

from __future__ import annotations

import datetime
import operator
from fractions import Fraction

from . import _args
from ._items import ItemStatus
from ._numbers import exact
from ._outcomes import (
    PGA_MAXIMUM,
    Condition,
    Outcome,
    State,
    combine,
    compare,
    flag,
    not_assessed_name,
    read_visit,
    score_range,
    scores_in_order,
)
from ._registry import Instrument, Occasion
from ._results import OUTCOME_FIELDS
from .evidence import Patient
from .exceptions import InvalidItemsError
from .sledai_2k import DEFAULT_WINDOW_DAYS, SLEDAI_2K, Score, score_visit
from .units import Number

__all__ = [
    "CONDITIONS",
    "INSTRUMENT",
    "MAJOR_ORGAN_DESCRIPTORS",
    "PGA_AT_MOST",
    "PREDNISONE_AT_MOST_MG",
    "SLEDAI_2K_AT_MOST",
    "SOURCE",
    "Condition",
    "Outcome",
    "State",
    "assess",
    "assess_visit",
]

SOURCE = (
    "Franklyn K, Lau CS, Navarra SV, et al. Definition and initial validation of a Lupus "
    "Low Disease Activity State (LLDAS). Ann Rheum Dis 2016;75:1615-1621"
)

SLEDAI_2K_AT_MOST = 4  # "SLEDAI-2K <=4"
PGA_AT_MOST = Fraction(1)  # "SELENA-SLEDAI physician global assessment (PGA, scale 0-3) <=1"
PREDNISONE_AT_MOST_MG = Fraction(
    "7.5"
)  # "Current prednisolone (or equivalent) dose <=7.5 mg daily"

#: "no activity in major organ systems (renal, CNS, cardiopulmonary, vasculitis, fever)",
#: as SLEDAI-2K descriptors. CNS: the seven neuropsychiatric 8-point descriptors.
MAJOR_ORGAN_DESCRIPTORS: dict[str, tuple[str, ...]] = {
    "renal": ("urinary_casts", "hematuria", "proteinuria", "pyuria"),
    "CNS": (
        "seizure",
        "psychosis",
        "organic_brain_syndrome",
        "visual_disturbance",
        "cranial_nerve_disorder",
        "lupus_headache",
        "cva",
    ),
    "cardiopulmonary": ("pleurisy", "pericarditis"),
    "vasculitis": ("vasculitis",),
    "fever": ("fever",),
}
_MAJOR = {code: system for system, codes in MAJOR_ORGAN_DESCRIPTORS.items() for code in codes}


def _sorted_major(codes: frozenset[str]) -> list[str]:
    return [code for code in _MAJOR if code in codes]


#: The five conditions: stable code and short wording, in the paper's order.
CONDITIONS: dict[str, str] = {
    "low_activity": "SLEDAI-2K <= 4, no major organ activity, no haemolytic anaemia or "
    "gastrointestinal activity",
    "no_new_features": "no new features of lupus activity since the previous assessment",
    "physician_global_assessment": "PGA (0-3) <= 1",
    "glucocorticoid_dose": "prednisolone or equivalent <= 7.5 mg/day",
    "maintenance_treatment": "well-tolerated standard maintenance immunosuppressants or "
    "approved biologics, no investigational drug",
}

_NOTES = (
    "'no new features' read as: no SLEDAI-2K descriptor present now that was absent at the "
    "previous assessment",
)


def _low_activity(
    sledai: Score, hemolytic_anemia: bool | None, gastrointestinal_activity: bool | None
) -> Condition:
    code, definition = "low_activity", CONDITIONS["low_activity"]
    lowest, highest = score_range(sledai)
    at_least = "at least " if sledai.not_assessed else ""
    failures = []
    if lowest > SLEDAI_2K_AT_MOST:
        failures.append(f"SLEDAI-2K {at_least}{lowest} > {SLEDAI_2K_AT_MOST}")
    major = [c if _MAJOR[c] == c else f"{c} ({_MAJOR[c]})" for c in _sorted_major(sledai.present)]
    failures += [f"major organ activity: {', '.join(major)}"] if major else []
    failures += ["haemolytic anaemia"] if hemolytic_anemia else []
    failures += ["gastrointestinal activity"] if gastrointestinal_activity else []
    if failures:
        return Condition(code, definition, State.NOT_MET, "; ".join(failures))
    missing = []
    unknown = sorted(sledai.not_assessed)
    if unknown and (highest > SLEDAI_2K_AT_MOST or any(c in _MAJOR for c in unknown)):
        missing.append(not_assessed_name(unknown))
    if hemolytic_anemia is None:
        missing.append("haemolytic anaemia")
    if gastrointestinal_activity is None:
        missing.append("gastrointestinal activity")
    known = f"SLEDAI-2K {lowest}{' so far' if unknown else ''}"
    if missing:
        reason = f"{known}; " + ", ".join(missing) + " missing"
        return Condition(code, definition, State.UNDETERMINED, reason, tuple(missing))
    reason = f"{known} <= {SLEDAI_2K_AT_MOST}, no major organ activity"
    if unknown:
        reason += f" (not assessed, cannot change this: {', '.join(unknown)})"
    return Condition(code, definition, State.MET, reason)


_ABSENT = (ItemStatus.ABSENT, ItemStatus.EXPLAINED)


def _statuses(sledai: Score) -> dict[str, ItemStatus]:
    """Every descriptor's status, as :meth:`Score.finding` gives it, in one pass."""
    # Built at C level (twice a visit in a batch): absent unless not assessed, present
    # over not assessed, then what the findings say.
    statuses = dict.fromkeys(SLEDAI_2K.codes, ItemStatus.ABSENT)
    statuses.update(
        dict.fromkeys(SLEDAI_2K.codes.intersection(sledai.not_assessed), ItemStatus.NOT_ASSESSED)
    )
    statuses.update(dict.fromkeys(SLEDAI_2K.codes.intersection(sledai.present), ItemStatus.PRESENT))
    findings = sledai.findings
    statuses.update(zip(map(_CODE, findings), map(_STATUS, findings), strict=True))
    return statuses


_CODE = operator.attrgetter("code")
_STATUS = operator.attrgetter("status")


def _no_new_features(sledai: Score, previous: Score | None, first_assessment: bool) -> Condition:
    code, definition = "no_new_features", CONDITIONS["no_new_features"]
    if previous is None:
        if first_assessment:
            return Condition(
                code, definition, State.MET, "first assessment: nothing to compare with"
            )
        return Condition(
            code,
            definition,
            State.UNDETERMINED,
            "previous assessment missing",
            ("previous assessment",),
        )
    new, unknown = [], []
    now_by_code, before_by_code = _statuses(sledai), _statuses(previous)
    for item in SLEDAI_2K.descriptors:
        now, before = now_by_code[item.code], before_by_code[item.code]
        if now is ItemStatus.PRESENT and before in _ABSENT:
            new.append(item.code)
        elif (now is ItemStatus.PRESENT and before is ItemStatus.NOT_ASSESSED) or (
            now is ItemStatus.NOT_ASSESSED and before is not ItemStatus.PRESENT
        ):
            unknown.append(item.code)
    if new:
        return Condition(code, definition, State.NOT_MET, f"new: {', '.join(new)}")
    if unknown:
        name = not_assessed_name(unknown, "SLEDAI-2K now or at the previous assessment")
        return Condition(code, definition, State.UNDETERMINED, f"{name} missing", (name,))
    return Condition(code, definition, State.MET, "no SLEDAI-2K descriptor newly present")


def _maintenance_treatment(standard: bool | None, investigational: bool | None) -> Condition:
    code, definition = "maintenance_treatment", CONDITIONS["maintenance_treatment"]
    failures = []
    if standard is False:
        failures.append("not at well-tolerated standard maintenance doses")
    if investigational:
        failures.append("investigational drug")
    if failures:
        return Condition(code, definition, State.NOT_MET, "; ".join(failures))
    missing = []
    if standard is None:
        missing.append("maintenance treatment status")
    if investigational is None:
        missing.append("investigational drug status")
    if missing:
        return Condition(
            code, definition, State.UNDETERMINED, ", ".join(missing) + " missing", tuple(missing)
        )
    reason = "standard maintenance treatment, no investigational drug"
    return Condition(code, definition, State.MET, reason)


def assess(
    sledai: Score,
    *,
    previous: Score | None = None,
    first_assessment: bool = False,
    pga: Number | None = None,
    prednisone_mg: Number | None = None,
    maintenance_treatment_standard: bool | None = None,
    investigational_drug: bool | None = None,
    hemolytic_anemia: bool | None = None,
    gastrointestinal_activity: bool | None = None,
    date: datetime.date | None = None,
) -> Outcome:
    """LLDAS at one assessment from a SLEDAI-2K :class:`~sle_scoring.sledai_2k.Score`
    and the other inputs (``None`` = missing).

    ``previous`` is the SLEDAI-2K of the previous assessment (condition 2);
    ``first_assessment=True`` says there is none. ``pga`` is on the 0-3 scale,
    ``prednisone_mg`` the prednisone-equivalent mg/day.

    >>> from sle_scoring import sledai_2k
    >>> now = sledai_2k.score(["arthritis"])  # SLEDAI-2K 4
    >>> before = sledai_2k.score(["arthritis", "rash"])
    >>> assess(now, previous=before, pga="0.5", prednisone_mg=5,
    ...        maintenance_treatment_standard=True, investigational_drug=False,
    ...        hemolytic_anemia=False, gastrointestinal_activity=False).verdict
    'met'
    >>> assess(now, previous=before, prednisone_mg=5, maintenance_treatment_standard=True,
    ...        investigational_drug=False, hemolytic_anemia=False,
    ...        gastrointestinal_activity=False).verdict
    'cannot be determined: PGA missing'
    """
    _args.check(
        first_assessment=first_assessment,
        date=_args.optional(date),
    )
    if not isinstance(sledai, Score) or sledai.index.codes != SLEDAI_2K.codes:
        raise InvalidItemsError("sledai must be a SLEDAI-2K Score (all 24 descriptors)")
    if previous is not None and (
        not isinstance(previous, Score) or previous.index.codes != SLEDAI_2K.codes
    ):
        raise InvalidItemsError("previous must be a SLEDAI-2K Score (all 24 descriptors) or None")
    if previous is not None and first_assessment:
        raise InvalidItemsError("first_assessment=True contradicts a previous assessment")
    conditions = (
        _low_activity(
            sledai,
            flag(hemolytic_anemia, "hemolytic_anemia"),
            flag(gastrointestinal_activity, "gastrointestinal_activity"),
        ),
        _no_new_features(sledai, previous, first_assessment),
        compare(
            "physician_global_assessment",
            CONDITIONS["physician_global_assessment"],
            exact(pga, "pga", maximum=PGA_MAXIMUM, where="LLDAS"),
            "<=",
            PGA_AT_MOST,
            "PGA",
        ),
        compare(
            "glucocorticoid_dose",
            CONDITIONS["glucocorticoid_dose"],
            exact(prednisone_mg, "prednisone_mg", where="LLDAS"),
            "<=",
            PREDNISONE_AT_MOST_MG,
            "glucocorticoid dose",
            " mg/day",
        ),
        _maintenance_treatment(
            flag(maintenance_treatment_standard, "maintenance_treatment_standard"),
            flag(investigational_drug, "investigational_drug"),
        ),
    )
    return Outcome(
        "LLDAS", SOURCE, combine(conditions), conditions, date, _NOTES, instrument="lldas"
    )


def assess_visit(
    patient: Patient,
    visit_date: datetime.date,
    *,
    previous_visit: datetime.date | None = None,
    first_assessment: bool = False,
    window_days: int = DEFAULT_WINDOW_DAYS,
    non_standard_window: bool = False,
) -> Outcome:
    """LLDAS at one visit from dated evidence.

    SLEDAI-2K is scored in the visit's window (10 days by default, see
    :func:`~sle_scoring.sledai_2k.score_visit`), and at ``previous_visit`` for
    condition 2. The PGA is the one recorded on the visit day; the glucocorticoid
    dose and the treatment status are those in force on the visit day (an
    observation holds until the next one of the same code).
    """
    _args.check(
        patient=patient,
        visit_date=visit_date,
        previous_visit=_args.optional(previous_visit),
        first_assessment=first_assessment,
        window_days=window_days,
        non_standard_window=non_standard_window,
    )
    previous: Score | None = None
    if previous_visit is None:
        sledai = score_visit(
            patient, visit_date, window_days=window_days, non_standard_window=non_standard_window
        )
    else:
        names = ("previous_visit", "the visit")
        previous, sledai = scores_in_order(
            patient, previous_visit, visit_date, names, window_days, non_standard_window
        )
    inputs = read_visit(patient, visit_date, window_days)
    return assess(
        sledai,
        previous=previous,
        first_assessment=first_assessment,
        date=visit_date,
        **inputs.for_lldas(),
    )


def __dir__() -> list[str]:
    # The public API is what __all__ lists (as in pypa/packaging).
    return list(__all__)


def _at_occasion(patient: Patient, occasion: Occasion) -> Outcome:
    # Condition 2 compares with the previous visit; at a record's first visit it
    # cannot be determined (the record may not start at the first assessment).
    assert occasion.date is not None  # batch assesses LLDAS at visits only
    return assess_visit(
        patient,
        occasion.date,
        previous_visit=occasion.previous,
        window_days=occasion.window_days,
        non_standard_window=occasion.non_standard_window,
    )


#: LLDAS in the instrument registry (``sle_scoring.INSTRUMENTS``).
INSTRUMENT = Instrument(
    name="lldas",
    title="Lupus Low Disease Activity State (LLDAS)",
    source=SOURCE,
    scope="outcome_at_visit",
    codes=(),
    fields=OUTCOME_FIELDS,
    from_items=None,
    from_evidence=assess_visit,
    at_occasion=_at_occasion,
    visits_from="sledai_2k",
)
