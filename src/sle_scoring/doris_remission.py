"""DORIS 2021 remission: the Definition Of Remission In SLE.

Source: van Vollenhoven RF, Bertsias G, Doria A, et al. 2021 DORIS definition of
remission in SLE: final recommendations from an international task force. Lupus Sci
Med 2021;8:e000538 (doi:10.1136/lupus-2021-000538).

"clinical SLEDAI = 0, Evaluator's Global Assessment <0.5 (0-3), prednisolone 5 mg/day
or less, and stable antimalarials, immunosuppressives, and biologics" (abstract).
Serology is disregarded ("irrespective of serology"); no minimum duration ("duration
should not be included in the definition"); durations over a timeline are in
:mod:`sle_scoring.timeline`.

How the library reads it:

- Clinical SLEDAI is :data:`sle_scoring.sledai_2k.CLINICAL_SLEDAI_2K` (SLEDAI-2K
  without low complement and increased DNA binding).
- The glucocorticoid limit is "5 mg/day or less" as in the abstract; the final
  recommendation in Table 2 of the same paper reads "prednisolone <5 mg/day". The
  paper contradicts itself; the library follows the abstract (<= 5), the common
  reading.
- Antimalarials are allowed. Immunosuppressives and biologics must be stable: a
  caller-supplied fact (``immunosuppressive_treatment_stable``; also true when none
  are taken).
"""

from __future__ import annotations

import datetime
from fractions import Fraction

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
)
from ._registry import Instrument
from ._results import OUTCOME_FIELDS
from .evidence import Patient
from .exceptions import InvalidItemsError
from .sledai_2k import CLINICAL_SLEDAI_2K, SLEDAI_2K, Score, score_visit
from .units import Number

__all__ = [
    "CONDITIONS",
    "INSTRUMENT",
    "PGA_BELOW",
    "PREDNISONE_AT_MOST_MG",
    "SOURCE",
    "Condition",
    "Outcome",
    "State",
    "assess",
    "assess_visit",
]

SOURCE = (
    "van Vollenhoven RF, Bertsias G, Doria A, et al. 2021 DORIS definition of remission in "
    "SLE: final recommendations from an international task force. Lupus Sci Med "
    "2021;8:e000538"
)

PGA_BELOW = Fraction("0.5")  # "Evaluator's Global Assessment <0.5 (0-3)"
PREDNISONE_AT_MOST_MG = Fraction(5)  # "prednisolone 5 mg/day or less"

#: The four conditions: stable code and short wording, in the paper's order.
CONDITIONS: dict[str, str] = {
    "clinical_sledai_zero": "clinical SLEDAI-2K = 0 (serology disregarded)",
    "physician_global_assessment": "PGA (0-3) < 0.5",
    "glucocorticoid_dose": "prednisolone or equivalent <= 5 mg/day",
    "stable_treatment": "antimalarials allowed; immunosuppressives and biologics stable",
}

_NOTES = (
    "glucocorticoid limit read as <= 5 mg/day (abstract: '5 mg/day or less'); Table 2 of "
    "the paper writes '<5 mg/day'",
)


def _clinical_sledai_zero(sledai: Score) -> Condition:
    code, definition = "clinical_sledai_zero", CONDITIONS["clinical_sledai_zero"]
    clinical = CLINICAL_SLEDAI_2K.codes
    present = [i.code for i in CLINICAL_SLEDAI_2K.descriptors if i.code in sledai.present]
    unknown = sorted(sledai.not_assessed & clinical)
    if present:
        total = sum(i.weight for i in CLINICAL_SLEDAI_2K.descriptors if i.code in sledai.present)
        shown = f"at least {total}" if unknown else f"{total}"
        reason = f"clinical SLEDAI-2K {shown}: {', '.join(present)}"
        return Condition(code, definition, State.NOT_MET, reason)
    if unknown:
        name = not_assessed_name(unknown)
        return Condition(code, definition, State.UNDETERMINED, f"{name} missing", (name,))
    return Condition(code, definition, State.MET, "clinical SLEDAI-2K 0")


def _stable_treatment(stable: bool | None) -> Condition:
    code, definition = "stable_treatment", CONDITIONS["stable_treatment"]
    if stable is None:
        name = "immunosuppressive treatment stability"
        return Condition(code, definition, State.UNDETERMINED, f"{name} missing", (name,))
    if not stable:
        reason = "immunosuppressives or biologics not stable"
        return Condition(code, definition, State.NOT_MET, reason)
    return Condition(code, definition, State.MET, "immunosuppressives and biologics stable")


def assess(
    sledai: Score,
    *,
    pga: Number | None = None,
    prednisone_mg: Number | None = None,
    immunosuppressive_treatment_stable: bool | None = None,
    date: datetime.date | None = None,
) -> Outcome:
    """DORIS 2021 remission at one assessment (``None`` = missing input).

    ``sledai`` may be a SLEDAI-2K or a clinical SLEDAI-2K score: only its clinical
    descriptors are used. ``pga`` is on the 0-3 scale, ``prednisone_mg`` the
    prednisone-equivalent mg/day.

    >>> from sle_scoring import sledai_2k
    >>> serology_only = sledai_2k.score(["low_complement", "increased_dna_binding"])
    >>> assess(serology_only, pga="0.4", prednisone_mg=5,
    ...        immunosuppressive_treatment_stable=True).verdict
    'met'
    >>> assess(serology_only, prednisone_mg="5.1", immunosuppressive_treatment_stable=True).verdict
    'not met: glucocorticoid dose 5.1 mg/day > 5 mg/day'
    """
    if not isinstance(sledai, Score) or not CLINICAL_SLEDAI_2K.codes <= sledai.index.codes:
        raise InvalidItemsError("sledai must be a SLEDAI-2K or clinical SLEDAI-2K Score")
    conditions = (
        _clinical_sledai_zero(sledai),
        compare(
            "physician_global_assessment",
            CONDITIONS["physician_global_assessment"],
            exact(pga, "pga", maximum=PGA_MAXIMUM, where="DORIS remission"),
            "<",
            PGA_BELOW,
            "PGA",
        ),
        compare(
            "glucocorticoid_dose",
            CONDITIONS["glucocorticoid_dose"],
            exact(prednisone_mg, "prednisone_mg", where="DORIS remission"),
            "<=",
            PREDNISONE_AT_MOST_MG,
            "glucocorticoid dose",
            " mg/day",
        ),
        _stable_treatment(
            flag(immunosuppressive_treatment_stable, "immunosuppressive_treatment_stable")
        ),
    )
    return Outcome(
        "DORIS 2021 remission",
        SOURCE,
        combine(conditions),
        conditions,
        date,
        _NOTES,
        instrument="doris_remission",
    )


def assess_visit(
    patient: Patient,
    visit_date: datetime.date,
    *,
    window_days: int = 10,
    non_standard_window: bool = False,
) -> Outcome:
    """DORIS 2021 remission at one visit from dated evidence.

    Clinical SLEDAI-2K in the visit's window (10 days by default); the PGA recorded
    on the visit day; the glucocorticoid dose and treatment stability in force on
    the visit day.
    """
    sledai = score_visit(
        patient,
        visit_date,
        window_days=window_days,
        index=SLEDAI_2K,
        non_standard_window=non_standard_window,
    )
    inputs = read_visit(patient, visit_date, window_days)
    return assess(sledai, date=visit_date, **inputs.for_doris())


def __dir__() -> list[str]:
    # The public API is what __all__ lists (as in pypa/packaging).
    return list(__all__)


#: DORIS 2021 remission in the instrument registry (``sle_scoring.INSTRUMENTS``).
INSTRUMENT = Instrument(
    name="doris_remission",
    title="DORIS 2021 definition of remission in SLE",
    source=SOURCE,
    scope="outcome_at_visit",
    codes=(),
    fields=OUTCOME_FIELDS,
    from_items=None,
    from_evidence=assess_visit,
    visits_from="sledai_2k",
)
