"""SRI, the SLE Responder Index (SRI-4, and SRI-5 to SRI-8).

Source: Furie RA, Petri MA, Wallace DJ, et al. Novel evidence-based systemic lupus
erythematosus responder index. Arthritis Rheum 2009;61:1143-1151.

Response at follow-up versus baseline requires all three: "≥4-point reduction in
SELENA-SLEDAI score; no new BILAG A or no more than 1 new BILAG B domain score; no
deterioration from baseline in the [PGA] by ≥0.3 points". SRI-5 ... SRI-8 ask for a
reduction of >= 5 ... >= 8 points; the other two conditions are unchanged.

How the library reads it:

- The SLEDAI-2K is used for the SELENA-SLEDAI of the original (same descriptors and
  weights).
- "no new BILAG A or no more than 1 new BILAG B" is read, as in its common use, as
  no new A **and** at most one new B. A new A is a domain graded A at follow-up and
  not at baseline; a new B is a domain graded B at follow-up and C, D or E at
  baseline. Furie et al. used the classic BILAG (Hay 1993); later trials use
  BILAG-2004: the caller supplies the grades and may name the version.
- Without BILAG grades the result is the **modified SRI** (SLEDAI-2K and PGA only)
  and says so in its name.
- With descriptors not assessed, the reduction is known only within a range; the
  condition is decided when the whole range agrees.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from fractions import Fraction

from ._numbers import exact, plain
from ._outcomes import (
    PGA_MAXIMUM,
    Condition,
    Outcome,
    State,
    combine,
    not_assessed_name,
    pga_on,
    score_range,
    scores_in_order,
)
from ._registry import Instrument, Occasion
from ._results import OUTCOME_FIELDS
from .evidence import Patient
from .exceptions import InvalidItemsError
from .sledai_2k import SLEDAI_2K, Score
from .units import Number

__all__ = [
    "BILAG_GRADES",
    "CONDITIONS",
    "INSTRUMENT",
    "PGA_WORSENING_AT_LEAST",
    "REDUCTIONS",
    "SOURCE",
    "Condition",
    "Outcome",
    "State",
    "assess",
    "assess_visits",
]

SOURCE = (
    "Furie RA, Petri MA, Wallace DJ, et al. Novel evidence-based systemic lupus "
    "erythematosus responder index. Arthritis Rheum 2009;61:1143-1151"
)

#: SRI-4 to SRI-8: the SLEDAI-2K reduction each asks for ("≥4-point reduction").
REDUCTIONS = (4, 5, 6, 7, 8)
#: "no deterioration from baseline in the [PGA] by ≥0.3 points" (0-3 scale)
PGA_WORSENING_AT_LEAST = Fraction("0.3")
#: BILAG domain grades, A (most active) to E (never involved).
BILAG_GRADES = ("A", "B", "C", "D", "E")
_NEW_A_AT_MOST = 0  # "no new BILAG A"
_NEW_B_AT_MOST = 1  # "no more than 1 new BILAG B domain score"

#: The three conditions: stable code and short wording.
CONDITIONS: dict[str, str] = {
    "sledai_reduction": "SLEDAI-2K reduced by >= {k} points",
    "no_bilag_worsening": "no new BILAG A domain, at most one new BILAG B domain",
    "no_pga_worsening": "PGA (0-3) not worse by >= 0.3",
}


def _reduction(baseline: Score, follow_up: Score, k: int) -> Condition:
    code, definition = "sledai_reduction", CONDITIONS["sledai_reduction"].format(k=k)
    base_low, base_high = score_range(baseline)
    follow_low, follow_high = score_range(follow_up)
    least, most = base_low - follow_high, base_high - follow_low
    if least >= k:
        return Condition(code, definition, State.MET, f"reduced by {least} >= {k}")
    if most < k:
        shown = f"{most}" if least == most else f"at most {most}"
        return Condition(code, definition, State.NOT_MET, f"reduced by {shown} < {k}")
    missing = [
        not_assessed_name(score.not_assessed, f"SLEDAI-2K at {when}")
        for when, score in (("baseline", baseline), ("follow-up", follow_up))
        if score.not_assessed
    ]
    reason = f"reduction between {least} and {most}; " + ", ".join(missing) + " missing"
    return Condition(code, definition, State.UNDETERMINED, reason, tuple(missing))


def _check_bilag(grades: Mapping[str, str], name: str) -> dict[str, str]:
    if not isinstance(grades, Mapping):
        raise InvalidItemsError(f"{name} must map BILAG domains to grades (got {grades!r})")
    checked = {}
    for domain, grade in grades.items():
        if not isinstance(domain, str) or grade not in BILAG_GRADES:
            raise InvalidItemsError(
                f"{name}[{domain!r}] must be a BILAG grade A, B, C, D or E (got {grade!r})"
            )
        checked[domain] = grade
    return checked


def _bilag(baseline: Mapping[str, str], follow_up: Mapping[str, str], version: str) -> Condition:
    code, definition = "no_bilag_worsening", CONDITIONS["no_bilag_worsening"]
    before = _check_bilag(baseline, "bilag_baseline")
    after = _check_bilag(follow_up, "bilag_follow_up")
    if set(before) != set(after):
        raise InvalidItemsError(
            "bilag_baseline and bilag_follow_up must grade the same domains "
            f"(only at baseline: {sorted(set(before) - set(after))}; only at follow-up: "
            f"{sorted(set(after) - set(before))})"
        )
    new_a = [d for d in after if after[d] == "A" and before[d] != "A"]
    new_b = [d for d in after if after[d] == "B" and before[d] in ("C", "D", "E")]
    reason = f"{version}: new A: {', '.join(new_a) or 'none'}; new B: {', '.join(new_b) or 'none'}"
    met = len(new_a) <= _NEW_A_AT_MOST and len(new_b) <= _NEW_B_AT_MOST
    return Condition(code, definition, State.MET if met else State.NOT_MET, reason)


def _pga(baseline: Fraction | None, follow_up: Fraction | None) -> Condition:
    code, definition = "no_pga_worsening", CONDITIONS["no_pga_worsening"]
    missing = tuple(
        name
        for name, value in (("PGA at baseline", baseline), ("PGA at follow-up", follow_up))
        if value is None
    )
    if baseline is None or follow_up is None:
        return Condition(
            code, definition, State.UNDETERMINED, ", ".join(missing) + " missing", missing
        )
    change = follow_up - baseline
    shown = f"{plain(baseline)} -> {plain(follow_up)}"
    if change >= PGA_WORSENING_AT_LEAST:
        return Condition(code, definition, State.NOT_MET, f"PGA {shown}: worse by >= 0.3")
    return Condition(code, definition, State.MET, f"PGA {shown}: not worse by >= 0.3")


def assess(
    baseline: Score,
    follow_up: Score,
    *,
    pga_baseline: Number | None = None,
    pga_follow_up: Number | None = None,
    bilag_baseline: Mapping[str, str] | None = None,
    bilag_follow_up: Mapping[str, str] | None = None,
    reduction: int = 4,
    bilag_version: str = "BILAG-2004",
    date: datetime.date | None = None,
) -> Outcome:
    """SRI-``reduction`` response at follow-up versus baseline.

    ``baseline`` and ``follow_up`` are SLEDAI-2K scores; PGAs on the 0-3 scale
    (``None`` = missing). ``bilag_baseline`` and ``bilag_follow_up`` map each BILAG
    domain to its grade A-E, both or neither; without them the result is the
    modified SRI.

    >>> from sle_scoring import sledai_2k
    >>> before = sledai_2k.score(["arthritis", "rash", "low_complement"])  # 4 + 2 + 2
    >>> after = sledai_2k.score(["low_complement"])  # 2: reduced by 6
    >>> result = assess(before, after, pga_baseline="1.5", pga_follow_up="1.2")
    >>> result.name, result.verdict
    ('modified SRI-4', 'met')
    >>> assess(before, after, pga_baseline="1.5", pga_follow_up="1.2", reduction=7).verdict
    'not met: reduced by 6 < 7'
    """
    if isinstance(reduction, bool) or reduction not in REDUCTIONS:
        raise InvalidItemsError(f"reduction must be one of 4, 5, 6, 7, 8 (got {reduction!r})")
    for name, score in (("baseline", baseline), ("follow_up", follow_up)):
        if not isinstance(score, Score) or score.index.codes != SLEDAI_2K.codes:
            raise InvalidItemsError(f"{name} must be a SLEDAI-2K Score (all 24 descriptors)")
    if (bilag_baseline is None) != (bilag_follow_up is None):
        raise InvalidItemsError("give BILAG grades at both baseline and follow-up, or neither")
    conditions = [_reduction(baseline, follow_up, reduction)]
    name = f"SRI-{reduction}"
    notes: tuple[str, ...] = ()
    if bilag_baseline is not None and bilag_follow_up is not None:
        conditions.append(_bilag(bilag_baseline, bilag_follow_up, bilag_version))
    else:
        name = f"modified SRI-{reduction}"
        notes = ("modified SRI: no BILAG grades supplied, the BILAG condition is not applied",)
    conditions.append(
        _pga(
            exact(pga_baseline, "pga_baseline", maximum=PGA_MAXIMUM, where="SRI"),
            exact(pga_follow_up, "pga_follow_up", maximum=PGA_MAXIMUM, where="SRI"),
        )
    )
    return Outcome(
        name, SOURCE, combine(conditions), tuple(conditions), date, notes, instrument="sri"
    )


def assess_visits(
    patient: Patient,
    baseline_date: datetime.date,
    follow_up_date: datetime.date,
    *,
    bilag_baseline: Mapping[str, str] | None = None,
    bilag_follow_up: Mapping[str, str] | None = None,
    reduction: int = 4,
    bilag_version: str = "BILAG-2004",
    window_days: int = 10,
    non_standard_window: bool = False,
) -> Outcome:
    """SRI response between two visits from dated evidence: SLEDAI-2K in each visit's
    window, the PGA recorded on each visit day; BILAG grades from the caller."""
    baseline, follow_up = scores_in_order(
        patient,
        baseline_date,
        follow_up_date,
        ("baseline", "the follow-up"),
        window_days,
        non_standard_window,
    )
    return assess(
        baseline,
        follow_up,
        pga_baseline=pga_on(patient, baseline_date),
        pga_follow_up=pga_on(patient, follow_up_date),
        bilag_baseline=bilag_baseline,
        bilag_follow_up=bilag_follow_up,
        reduction=reduction,
        bilag_version=bilag_version,
        date=follow_up_date,
    )


def __dir__() -> list[str]:
    # The public API is what __all__ lists (as in pypa/packaging).
    return list(__all__)


def _at_occasion(patient: Patient, occasion: Occasion) -> Outcome | None:
    # SRI-4 is response at a follow-up visit against the trial's baseline: here the
    # record's first visit. Nothing to compare at the baseline itself.
    if occasion.baseline is None or occasion.date is None:
        return None
    return assess_visits(
        patient,
        occasion.baseline,
        occasion.date,
        window_days=occasion.window_days,
        non_standard_window=occasion.non_standard_window,
    )


#: The SRI in the instrument registry (``sle_scoring.INSTRUMENTS``): SRI-4, modified
#: (no BILAG grades) unless :func:`assess_visits` is given them.
INSTRUMENT = Instrument(
    name="sri",
    title="SLE Responder Index (SRI-4)",
    source=SOURCE,
    scope="outcome_between_visits",
    codes=(),
    fields=OUTCOME_FIELDS,
    from_items=None,
    from_evidence=assess_visits,
    at_occasion=_at_occasion,
    visits_from="sledai_2k",
)
