"""BICLA, the BILAG-based Composite Lupus Assessment: response at follow-up versus
baseline.

Source: Wallace D, Strand V, Furie R, Petri M, Kalunian K, Pike M, Kelley L, Gordon
C. Evaluation of treatment success in systemic lupus erythematosus clinical trials:
development of the BILAG-based composite lupus assessment endpoint. Arthritis Rheum
2011;63(Suppl):S894 (abstract; the definition as restated by the ePROVIDE/ProQolid
instrument page, a secondary source). BICLA was the primary endpoint of EMBLEM
(Wallace DJ, et al. Ann Rheum Dis 2014;73:183-190) and TULIP-2 (Morand EF, et al.
N Engl J Med 2020;382:211-221).

Response requires all five: "(1) at least one gradation of improvement in baseline
BILAG scores in all body systems with moderate or severe disease activity at entry
(eg, all A (severe disease) scores falling to B (moderate), C (mild), or D (no
activity) and all B scores falling to C or D); (2) no new BILAG A or more than one
new BILAG B scores; (3) no worsening of total SLEDAI score from baseline; (4) no
significant deterioration (≤10%) in physicians global assessment and (5) no
treatment failure (initiation of non-protocol treatment)."

How the library reads it:

- BILAG-2004 grades per organ system are supplied by the caller (the library does
  not grade BILAG), all nine systems at both visits; a grade not known is ``None``.
- A **new A** is a system graded A at follow-up and B-E at baseline; a **new B** is
  a system graded B at follow-up and C-E at baseline (A to B is not a new B), the
  reading :mod:`sle_scoring.sri` uses.
- "no worsening of total SLEDAI": SLEDAI-2K at follow-up <= baseline; any increase,
  even of 1, is worsening.
- "≤10%" of the PGA is not defined in the sources: the caller **must** choose
  ``pga_rule="pct_of_scale"`` (worse by < 0.3, 10% of the 0-3 range) or
  ``pga_rule="pct_of_baseline"`` (follow-up <= 1.10 x baseline); ``pga_rule=None``
  leaves the PGA component undetermined. The result names the rule used.
- Treatment failure is the caller's flag, "as the protocol defines it".
- Without any system graded A or B at baseline BICLA is **not applicable**; any
  baseline grade missing leaves the whole result undetermined; grade E at follow-up
  for a system active before is an input error.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Mapping
from fractions import Fraction

import attrs

from ._items import suggest
from ._numbers import exact, plain
from ._outcomes import PGA_MAXIMUM, State, flag, pga_on, scores_in_order
from ._registry import Instrument, Occasion
from ._results import RecordValue
from ._trial import (
    Component,
    check_date,
    iso,
    record_components,
    record_inputs,
    shown,
    shown_range,
    sledai_missing,
    sledai_range,
    unique,
)
from .evidence import Patient
from .exceptions import InvalidEvidenceError, InvalidItemsError, Problem, UnknownCodeError
from .sledai_2k import DEFAULT_WINDOW_DAYS, Score
from .units import Number

__all__ = [
    "BILAG_GRADES",
    "COMPONENTS",
    "FIELDS",
    "INSTRUMENT",
    "PGA_BASELINE_FACTOR_AT_MOST",
    "PGA_RULES",
    "PGA_SCALE_WORSENING_BELOW",
    "SOURCE",
    "SYSTEMS",
    "Bicla",
    "Component",
    "PgaRule",
    "Response",
    "State",
    "assess",
    "assess_visits",
]

SOURCE = (
    "Wallace D, Strand V, Furie R, Petri M, Kalunian K, Pike M, Kelley L, Gordon C. "
    "Evaluation of treatment success in systemic lupus erythematosus clinical trials: "
    "development of the BILAG-based composite lupus assessment endpoint. Arthritis Rheum "
    "2011;63(Suppl):S894 (abstract), as restated by ePROVIDE/ProQolid"
)

#: The nine BILAG-2004 organ systems, in the order of the index.
SYSTEMS = (
    "constitutional",
    "mucocutaneous",
    "neuropsychiatric",
    "musculoskeletal",
    "cardiorespiratory",
    "gastrointestinal",
    "ophthalmic",
    "renal",
    "haematological",
)
#: BILAG grades, A (severe) to E (never involved).
BILAG_GRADES = ("A", "B", "C", "D", "E")
#: "moderate or severe disease activity at entry": the systems that must improve.
_ACTIVE = ("A", "B")
#: "all A ... scores falling to B, C, or D and all B scores falling to C or D"
_IMPROVED: dict[str, tuple[str, ...]] = {"A": ("B", "C", "D"), "B": ("C", "D")}
#: A new A comes from any other grade; a new B from a less active one (C, D, E).
_NEW_A_FROM = ("B", "C", "D", "E")
_NEW_B_FROM = ("C", "D", "E")
_NEW_A_AT_MOST = 0  # "no new BILAG A"
_NEW_B_AT_MOST = 1  # "or more than one new BILAG B"


class PgaRule(str, enum.Enum):
    """The two readings of "no significant deterioration (≤10%)" in the PGA (0-3).

    Neither is confirmed for TULIP-2; the caller chooses, there is no default.
    """

    #: 10% of the 3-point range: met when the PGA rises by < 0.3 (0.3 fails).
    PCT_OF_SCALE = "pct_of_scale"
    #: 10% of the baseline value: met when follow-up <= 1.10 x baseline.
    PCT_OF_BASELINE = "pct_of_baseline"


PGA_RULES = tuple(rule.value for rule in PgaRule)
#: pct_of_scale: "≤10%" of the 0-3 range is 0.3 points; a rise must stay below it.
PGA_SCALE_WORSENING_BELOW = PGA_MAXIMUM / 10
#: pct_of_baseline: "≤10%" of the baseline value: follow-up <= 1.10 x baseline.
PGA_BASELINE_FACTOR_AT_MOST = Fraction(11, 10)

_PGA_READING: dict[PgaRule, str] = {
    PgaRule.PCT_OF_SCALE: "PGA rise < 0.3 (10% of the 0-3 scale)",
    PgaRule.PCT_OF_BASELINE: "PGA at follow-up <= 1.10 x baseline (10% of baseline)",
}

#: The five components: stable code and short wording, in the source's order.
COMPONENTS: dict[str, str] = {
    "c1_improvement": "every system graded A or B at baseline improved by >= 1 grade",
    "c2_no_new_flare": "no new BILAG A, no more than one new BILAG B",
    "c3_no_sledai_worsening": "no worsening of total SLEDAI-2K from baseline",
    "c4_no_pga_deterioration": "no significant deterioration (<= 10%) in the PGA",
    "c5_no_treatment_failure": "no treatment failure (non-protocol treatment)",
}


class Response(enum.Enum):
    """The BICLA answer."""

    RESPONDER = "responder"
    NON_RESPONDER = "non-responder"
    UNDETERMINED = "cannot be determined"
    NOT_APPLICABLE = "not applicable"


def _grades(grades: Mapping[str, str | None] | None, name: str) -> dict[str, str | None]:
    """All nine systems, each graded A-E or ``None`` (not known)."""
    if grades is None:
        return dict.fromkeys(SYSTEMS)
    if not isinstance(grades, Mapping):
        raise InvalidItemsError(f"{name} must map BILAG-2004 systems to grades (got {grades!r})")
    checked: dict[str, str | None] = dict.fromkeys(SYSTEMS)
    for system, grade in grades.items():
        if system not in checked:
            raise UnknownCodeError(str(system), "BILAG-2004 system", suggest(str(system), SYSTEMS))
        if grade is not None and grade not in BILAG_GRADES:
            raise InvalidItemsError(
                f"{name}[{system!r}] must be a BILAG grade A, B, C, D, E or None (got {grade!r})"
            )
        checked[system] = grade
    return checked


def _check_never_involved(before: dict[str, str | None], after: dict[str, str | None]) -> None:
    # E means "never involved": after A-D it contradicts the baseline grade.
    problems = [
        Problem(
            None,
            "BICLA",
            f"bilag_follow_up[{system!r}]",
            f"grade E (never involved) contradicts grade {before[system]} at baseline",
        )
        for system in SYSTEMS
        if after[system] == "E" and before[system] not in (None, "E")
    ]
    if problems:
        raise InvalidEvidenceError(problems)


def _grade_inputs(
    before: dict[str, str | None], after: dict[str, str | None]
) -> tuple[tuple[str, str], ...]:
    pairs = []
    for system in SYSTEMS:
        pairs.append((f"bilag_baseline.{system}", before[system] or "missing"))
        pairs.append((f"bilag_follow_up.{system}", after[system] or "missing"))
    return tuple(pairs)


def _missing_systems(grades: dict[str, str | None], systems: list[str], when: str) -> list[str]:
    missing = [system for system in systems if grades[system] is None]
    if len(missing) == len(SYSTEMS):
        return [f"BILAG-2004 grades at {when} (all 9 systems)"]
    return [f"BILAG {system} at {when}" for system in missing]


def _systems_text(systems: list[str]) -> str:
    return "all 9 systems" if len(systems) == len(SYSTEMS) else ", ".join(systems)


def _c1(before: dict[str, str | None], after: dict[str, str | None]) -> Component:
    code, definition = "c1_improvement", COMPONENTS["c1_improvement"]
    inputs = _grade_inputs(before, after)
    baseline_missing = _missing_systems(before, list(SYSTEMS), "baseline")
    if baseline_missing:
        reason = "baseline grades needed to know which systems must improve; missing: " + (
            _systems_text([s for s in SYSTEMS if before[s] is None])
        )
        return Component(
            code, definition, State.UNDETERMINED, reason, inputs, tuple(baseline_missing)
        )
    active = [s for s in SYSTEMS if before[s] in _ACTIVE]
    if not active:
        reason = "no system graded A or B at baseline (vacuous: BICLA not applicable)"
        return Component(code, definition, State.MET, reason, inputs)
    failed = [
        f"{s} {before[s]} -> {after[s]}"
        for s in active
        if after[s] is not None and after[s] not in _IMPROVED[str(before[s])]
    ]
    improved = [
        f"{s} {before[s]} -> {after[s]}"
        for s in active
        if after[s] is not None and after[s] in _IMPROVED[str(before[s])]
    ]
    missing = _missing_systems(after, active, "follow-up")
    if failed:
        return Component(
            code,
            definition,
            State.NOT_MET,
            "not improved: " + ", ".join(failed),
            inputs,
            tuple(missing),
        )
    if missing:
        reason = "follow-up grade missing for active system(s): " + ", ".join(
            s for s in active if after[s] is None
        )
        return Component(code, definition, State.UNDETERMINED, reason, inputs, tuple(missing))
    return Component(code, definition, State.MET, "improved: " + ", ".join(improved), inputs)


def _c2(before: dict[str, str | None], after: dict[str, str | None]) -> Component:
    code, definition = "c2_no_new_flare", COMPONENTS["c2_no_new_flare"]
    inputs = _grade_inputs(before, after)
    # A system whose grade is not known at either visit could be a new A (unless it
    # was A at baseline, then nothing it becomes is new).
    unknown = [s for s in SYSTEMS if before[s] is None or (after[s] is None and before[s] != "A")]
    missing = _missing_systems(before, unknown, "baseline") + _missing_systems(
        after, unknown, "follow-up"
    )
    known = [s for s in SYSTEMS if before[s] is not None and after[s] is not None]
    new_a = [s for s in known if after[s] == "A" and before[s] in _NEW_A_FROM]
    new_b = [s for s in known if after[s] == "B" and before[s] in _NEW_B_FROM]
    counted = f"new A: {', '.join(new_a) or 'none'}; new B: {', '.join(new_b) or 'none'}"
    if len(new_a) > _NEW_A_AT_MOST or len(new_b) > _NEW_B_AT_MOST:
        return Component(code, definition, State.NOT_MET, counted, inputs, tuple(missing))
    if unknown:
        reason = f"{counted} so far; not known: {_systems_text(unknown)}"
        return Component(code, definition, State.UNDETERMINED, reason, inputs, tuple(missing))
    return Component(code, definition, State.MET, counted, inputs)


def _c3(baseline: Score | int | None, follow_up: Score | int | None) -> Component:
    code, definition = "c3_no_sledai_worsening", COMPONENTS["c3_no_sledai_worsening"]
    before = sledai_range(baseline, "baseline")
    after = sledai_range(follow_up, "follow_up")
    inputs = (
        ("sledai_2k_baseline", shown_range(before)),
        ("sledai_2k_follow_up", shown_range(after)),
    )
    missing = sledai_missing(baseline, "SLEDAI-2K at baseline") + sledai_missing(
        follow_up, "SLEDAI-2K at follow-up"
    )
    if before is None or after is None:
        reason = ", ".join(missing) + " missing"
        return Component(code, definition, State.UNDETERMINED, reason, inputs, missing)
    change = f"SLEDAI-2K {shown_range(before)} -> {shown_range(after)}"
    least, most = after[0] - before[1], after[1] - before[0]
    if least > 0:  # "no worsening": any increase, even of 1, is worsening
        return Component(code, definition, State.NOT_MET, f"{change}: worse", inputs, missing)
    if most <= 0:
        return Component(code, definition, State.MET, f"{change}: not worse", inputs, missing)
    reason = (
        f"{change}: change between {least:+d} and {most:+d}; " + ", ".join(missing) + " missing"
    )
    return Component(code, definition, State.UNDETERMINED, reason, inputs, missing)


def _c4(baseline: Fraction | None, follow_up: Fraction | None, rule: PgaRule | None) -> Component:
    code, definition = "c4_no_pga_deterioration", COMPONENTS["c4_no_pga_deterioration"]
    inputs = (
        ("pga_baseline", shown(baseline)),
        ("pga_follow_up", shown(follow_up)),
        ("pga_rule", "missing" if rule is None else rule.value),
    )
    missing = [
        name
        for name, value in (("PGA at baseline", baseline), ("PGA at follow-up", follow_up))
        if value is None
    ]
    reasons = [", ".join(missing) + " missing"] if missing else []
    if rule is None:
        missing.append("pga_rule")
        reasons.append("PGA operationalisation not chosen")
    if baseline is None or follow_up is None or rule is None:
        reason = "; ".join(reasons)
        return Component(code, definition, State.UNDETERMINED, reason, inputs, tuple(missing))
    change = f"PGA {plain(baseline)} -> {plain(follow_up)}"
    if rule is PgaRule.PCT_OF_SCALE:
        met = follow_up - baseline < PGA_SCALE_WORSENING_BELOW
        test = f"rise {plain(follow_up - baseline)} {'<' if met else '>='} 0.3"
    else:
        limit = PGA_BASELINE_FACTOR_AT_MOST * baseline
        met = follow_up <= limit
        test = f"{'<=' if met else '>'} 1.10 x {plain(baseline)} = {plain(limit)}"
    state = State.MET if met else State.NOT_MET
    return Component(code, definition, state, f"{change}: {test} ({rule.value})", inputs)


def _c5(treatment_failure: bool | None) -> Component:
    code, definition = "c5_no_treatment_failure", COMPONENTS["c5_no_treatment_failure"]
    inputs = (
        (
            "treatment_failure",
            "missing" if treatment_failure is None else str(treatment_failure).lower(),
        ),
    )
    if treatment_failure is None:
        missing = ("treatment failure flag",)
        return Component(
            code, definition, State.UNDETERMINED, "treatment failure flag missing", inputs, missing
        )
    if treatment_failure:
        return Component(code, definition, State.NOT_MET, "treatment failure (caller)", inputs)
    return Component(code, definition, State.MET, "no treatment failure (caller)", inputs)


@attrs.frozen
class Bicla:
    """BICLA at follow-up versus baseline, component by component.

    ``response`` is responder / non-responder / cannot be determined / not
    applicable. ``components`` are C1-C5 each with its state, reason and inputs;
    ``pga_rule`` is the PGA reading used (``None``: none chosen). ``missing`` lists
    every input missing, also when the response was decided without it.
    """

    response: Response
    components: tuple[Component, ...]
    pga_rule: PgaRule | None
    baseline_date: datetime.date | None = None
    follow_up_date: datetime.date | None = None
    notes: tuple[str, ...] = ()

    @property
    def missing(self) -> tuple[str, ...]:
        """Every input missing, in component order."""
        return unique(name for c in self.components for name in c.missing)

    @property
    def complete(self) -> bool:
        """True when no input was missing."""
        return not self.missing

    @property
    def verdict(self) -> str:
        """One line: ``responder``, ``non-responder: <reasons>``, ``not applicable: ...``
        or ``cannot be determined: <inputs> missing``."""
        if self.response is Response.RESPONDER:
            return "responder"
        if self.response is Response.NOT_APPLICABLE:
            return "not applicable: no BILAG-2004 system graded A or B at baseline"
        if self.response is Response.NON_RESPONDER:
            reasons = "; ".join(c.reason for c in self.components if c.state is State.NOT_MET)
            also = f" ({', '.join(self.missing)} missing)" if self.missing else ""
            return f"non-responder: {reasons}{also}"
        undetermined = unique(
            name for c in self.components if c.state is State.UNDETERMINED for name in c.missing
        )
        return f"cannot be determined: {', '.join(undetermined)} missing"

    def component(self, code: str) -> Component:
        """One component by its code (``c1_improvement`` ... ``c5_no_treatment_failure``)."""
        for component in self.components:
            if component.code == code:
                return component
        raise UnknownCodeError(code, "BICLA component", suggest(code, COMPONENTS))

    def finding(self, code: str) -> Component:
        """One component by its code, as every result offers it (:meth:`component`)."""
        return self.component(code)

    def explain(self) -> str:
        """The verdict, each component with its reason, the PGA reading and the source."""
        dates = ""
        if self.baseline_date is not None and self.follow_up_date is not None:
            dates = f" {self.baseline_date.isoformat()} -> {self.follow_up_date.isoformat()}"
        lines = [f"BICLA{dates}: {self.verdict} (research use, not a diagnosis)"]
        lines.extend(c.line() for c in self.components)
        reading = "none chosen" if self.pga_rule is None else _PGA_READING[self.pga_rule]
        lines.append(f"  PGA reading: {reading}")
        lines.extend(f"  Note: {note}" for note in self.notes)
        lines.append(f"  Source: {SOURCE}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.explain()

    def as_record(self) -> dict[str, RecordValue]:
        """Flat and JSON-ready, keys ``bicla.<field>``: ``response``, ``verdict``,
        ``pga_rule``, ``complete``, ``missing`` (``; ``-joined), the dates, each
        component's state and ``.reason``, and every input as ``bicla.input.<name>``."""
        record: dict[str, RecordValue] = {
            "bicla.response": self.response.value,
            "bicla.verdict": self.verdict,
            "bicla.pga_rule": None if self.pga_rule is None else self.pga_rule.value,
            "bicla.complete": self.complete,
            "bicla.missing": "; ".join(self.missing),
            "bicla.baseline_date": iso(self.baseline_date),
            "bicla.follow_up_date": iso(self.follow_up_date),
        }
        record.update(record_components("bicla", self.components))
        record.update(record_inputs("bicla", self.components))
        return record


def _rule(pga_rule: PgaRule | str | None) -> PgaRule | None:
    if pga_rule is None or isinstance(pga_rule, PgaRule):
        return pga_rule
    if isinstance(pga_rule, str) and pga_rule in PGA_RULES:
        return PgaRule(pga_rule)
    raise InvalidItemsError(
        f"pga_rule must be 'pct_of_scale', 'pct_of_baseline' or None (got {pga_rule!r})"
    )


def _response(components: tuple[Component, ...], applicable: bool | None) -> Response:
    if applicable is False:
        return Response.NOT_APPLICABLE
    if applicable is None:
        # Without every baseline grade the systems that must improve are not known.
        return Response.UNDETERMINED
    states = [c.state for c in components]  # (a list: hashing an enum member is slow)
    if State.NOT_MET in states:
        return Response.NON_RESPONDER
    if State.UNDETERMINED in states:
        return Response.UNDETERMINED
    return Response.RESPONDER


def assess(
    baseline: Score | int | None,
    follow_up: Score | int | None,
    *,
    bilag_baseline: Mapping[str, str | None] | None,
    bilag_follow_up: Mapping[str, str | None] | None,
    pga_baseline: Number | None,
    pga_follow_up: Number | None,
    pga_rule: PgaRule | str | None,
    treatment_failure: bool | None = None,
    baseline_date: datetime.date | None = None,
    follow_up_date: datetime.date | None = None,
) -> Bicla:
    """BICLA response at follow-up versus baseline.

    ``baseline`` and ``follow_up`` are SLEDAI-2K scores (or totals 0-105, or
    ``None`` when missing). ``bilag_baseline`` and ``bilag_follow_up`` map the
    BILAG-2004 systems (:data:`SYSTEMS`) to grades A-E; a system not given, or
    ``None``, is missing. PGAs are on the 0-3 scale. ``pga_rule`` must be given:
    ``"pct_of_scale"``, ``"pct_of_baseline"`` or ``None`` (then the PGA component
    cannot be determined). ``treatment_failure`` is the caller's judgement under the
    protocol.

    >>> from sle_scoring import sledai_2k
    >>> before = sledai_2k.score(["arthritis", "rash"])  # 4 + 2
    >>> after = sledai_2k.score(["rash"])  # 2: not worse
    >>> grades = dict.fromkeys(SYSTEMS, "D")
    >>> result = assess(before, after,
    ...                 bilag_baseline={**grades, "musculoskeletal": "B"},
    ...                 bilag_follow_up={**grades, "musculoskeletal": "C"},
    ...                 pga_baseline="1.5", pga_follow_up="1.2", pga_rule="pct_of_scale",
    ...                 treatment_failure=False)
    >>> result.verdict
    'responder'
    """
    before = _grades(bilag_baseline, "bilag_baseline")
    after = _grades(bilag_follow_up, "bilag_follow_up")
    _check_never_involved(before, after)
    rule = _rule(pga_rule)
    components = (
        _c1(before, after),
        _c2(before, after),
        _c3(baseline, follow_up),
        _c4(
            exact(pga_baseline, "pga_baseline", maximum=PGA_MAXIMUM, where="BICLA"),
            exact(pga_follow_up, "pga_follow_up", maximum=PGA_MAXIMUM, where="BICLA"),
            rule,
        ),
        _c5(flag(treatment_failure, "treatment_failure")),
    )
    applicable: bool | None = None
    if all(grade is not None for grade in before.values()):
        applicable = any(grade in _ACTIVE for grade in before.values())
    notes = ("SLEDAI version: SLEDAI-2K (the source says 'total SLEDAI')",)
    return Bicla(
        _response(components, applicable),
        components,
        rule,
        check_date(baseline_date, "baseline_date"),
        check_date(follow_up_date, "follow_up_date"),
        notes,
    )


def assess_visits(
    patient: Patient,
    baseline_date: datetime.date,
    follow_up_date: datetime.date,
    *,
    bilag_baseline: Mapping[str, str | None] | None,
    bilag_follow_up: Mapping[str, str | None] | None,
    pga_rule: PgaRule | str | None,
    treatment_failure: bool | None = None,
    window_days: int = DEFAULT_WINDOW_DAYS,
    non_standard_window: bool = False,
) -> Bicla:
    """BICLA between two visits from dated evidence: SLEDAI-2K in each visit's window
    and the PGA recorded on each visit day; BILAG-2004 grades, the PGA rule and the
    treatment-failure flag from the caller."""
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
        bilag_baseline=bilag_baseline,
        bilag_follow_up=bilag_follow_up,
        pga_baseline=pga_on(patient, baseline_date),
        pga_follow_up=pga_on(patient, follow_up_date),
        pga_rule=pga_rule,
        treatment_failure=treatment_failure,
        baseline_date=baseline_date,
        follow_up_date=follow_up_date,
    )


def __dir__() -> list[str]:
    # The public API is what __all__ lists (as in pypa/packaging).
    return list(__all__)


def _at_occasion(patient: Patient, occasion: Occasion) -> Bicla | None:
    # BICLA is response at follow-up against the trial's baseline ("from baseline",
    # Wallace 2011): here the record's first visit, as for the SRI. BILAG-2004 grades
    # and the treatment-failure flag are the caller's, so batch scoring has none:
    # the result names them as missing.
    if occasion.baseline is None or occasion.date is None:
        return None
    return assess_visits(
        patient,
        occasion.baseline,
        occasion.date,
        bilag_baseline=None,
        bilag_follow_up=None,
        pga_rule=occasion.pga_rule,
        window_days=occasion.window_days,
        non_standard_window=occasion.non_standard_window,
    )


#: The keys of :meth:`Bicla.as_record` without the ``bicla.`` prefix: the same for
#: every result (every component reads the same inputs), so those of one result.
FIELDS = tuple(
    key.removeprefix("bicla.")
    for key in assess(
        None,
        None,
        bilag_baseline=None,
        bilag_follow_up=None,
        pga_baseline=None,
        pga_follow_up=None,
        pga_rule=None,
    ).as_record()
)

#: BICLA in the instrument registry (``sle_scoring.INSTRUMENTS``): baseline = the
#: record's first visit; BILAG-2004 grades only through :func:`assess_visits`.
INSTRUMENT = Instrument(
    name="bicla",
    title="BILAG-based Composite Lupus Assessment (BICLA)",
    source=SOURCE,
    scope="outcome_between_visits",
    codes=(),
    fields=FIELDS,
    from_items=None,
    from_evidence=assess_visits,
    at_occasion=_at_occasion,
    visits_from="sledai_2k",
)
