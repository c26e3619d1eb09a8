"""Shared pieces of the outcome modules (:mod:`~sle_scoring.lldas`,
:mod:`~sle_scoring.doris_remission`, :mod:`~sle_scoring.sri`,
:mod:`~sle_scoring.sledai_change`, :mod:`~sle_scoring.timeline`).

Every outcome answers in three values: met, not met, or cannot be determined, the
last naming the inputs that are missing (never ``False`` for missing data). An
:class:`Outcome` is built from :class:`Condition` s, one per condition of the
published definition, each with its reason.

Evidence readers: a glucocorticoid dose or a treatment status holds from its date
until the next observation of the same code ("in force"); the physician global
assessment (PGA) belongs to the visit day.

Private: the outcome modules re-export what users need.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import TypedDict

import attrs

from . import _derive
from ._items import ItemStatus
from ._numbers import plain
from ._results import RecordValue, iso, prefixed, unknown
from ._safe import quote
from ._visits import remembered
from .evidence import Observation, Patient
from .exceptions import InvalidItemsError
from .glucocorticoids import GlucocorticoidDose, prednisone_equivalent
from .sledai_2k import Score, score_visit

#: The PGA scale (SELENA-SLEDAI physician global assessment): 0 to 3.
PGA_MAXIMUM = Fraction(3)


class State(enum.Enum):
    """The three answers of an outcome: met, not met, or cannot be determined."""

    MET = "met"
    NOT_MET = "not met"
    UNDETERMINED = "cannot be determined"


@attrs.frozen
class Condition:
    """One condition of a published definition, decided for one assessment.

    ``code`` is the stable name, ``definition`` the published wording (short),
    ``reason`` says why in words, ``missing`` names the inputs whose absence made
    the condition undetermined.
    """

    code: str
    definition: str
    state: State
    reason: str
    missing: tuple[str, ...] = ()


def combine(conditions: Iterable[Condition]) -> State:
    """All must hold: not met if any is not met; else undetermined if any is; else met."""
    states = [c.state for c in conditions]  # (a list: hashing an enum member is slow)
    if State.NOT_MET in states:
        return State.NOT_MET
    if State.UNDETERMINED in states:
        return State.UNDETERMINED
    return State.MET


@attrs.frozen
class Outcome:
    """An outcome (LLDAS, DORIS remission, SRI) for one assessment, with its reasons.

    ``state`` is met / not met / cannot be determined; ``conditions`` are the
    published conditions each decided with its reason; ``notes`` say how the library
    resolved what the publication leaves open. ``verdict`` is one line, e.g.
    ``cannot be determined: PGA missing``. ``visit_date`` is the visit assessed (the
    follow-up visit of SRI); ``instrument`` the registry name (``lldas``), the prefix
    of the record keys.
    """

    name: str
    source: str
    state: State
    conditions: tuple[Condition, ...]
    visit_date: datetime.date | None = None
    notes: tuple[str, ...] = ()
    instrument: str = attrs.field(kw_only=True)

    @property
    def date(self) -> datetime.date | None:
        """The former name of :attr:`visit_date`."""
        return self.visit_date

    @property
    def missing(self) -> tuple[str, ...]:
        """The inputs missing from the conditions that could not be determined."""
        found: dict[str, None] = {}
        for condition in self.conditions:
            if condition.state is State.UNDETERMINED:
                found.update(dict.fromkeys(condition.missing))
        return tuple(found)

    @property
    def unmet(self) -> tuple[Condition, ...]:
        """The conditions that are not met."""
        return tuple(c for c in self.conditions if c.state is State.NOT_MET)

    @property
    def verdict(self) -> str:
        """``met``, ``not met: <reasons>`` or ``cannot be determined: <inputs> missing``."""
        if self.state is State.MET:
            return "met"
        if self.state is State.NOT_MET:
            return "not met: " + "; ".join(c.reason for c in self.unmet)
        return f"cannot be determined: {', '.join(self.missing)} missing"

    def condition(self, code: str) -> Condition:
        """One condition by its code; raises
        :class:`~sle_scoring.exceptions.UnknownCodeError` for a code that is not one."""
        for condition in self.conditions:
            if condition.code == code:
                return condition
        raise unknown(code, f"{self.name} condition", [c.code for c in self.conditions])

    def finding(self, code: str) -> Condition:
        """How one condition was decided (the result contract's name for
        :meth:`condition`)."""
        return self.condition(code)

    def as_record(self) -> dict[str, RecordValue]:
        """The outcome as one flat record, keys ``<instrument>.<field>``: ``name``,
        ``state`` (met / not met / cannot be determined), ``met`` (``None`` when it
        cannot be determined), ``visit_date``, the codes of the conditions ``unmet``
        and ``undetermined``, the inputs ``missing`` and the ``verdict``."""
        met = None if self.state is State.UNDETERMINED else self.state is State.MET
        undetermined = [c.code for c in self.conditions if c.state is State.UNDETERMINED]
        return prefixed(
            self.instrument,
            {
                "name": self.name,
                "state": self.state.value,
                "met": met,
                "visit_date": iso(self.visit_date),
                "unmet": " ".join(c.code for c in self.unmet),
                "undetermined": " ".join(undetermined),
                "missing": ", ".join(self.missing),
                "verdict": self.verdict,
            },
        )

    def explain(self) -> str:
        """A readable account: the verdict, then each condition with its reason."""
        when = f" on {self.visit_date.isoformat()}" if self.visit_date is not None else ""
        lines = [f"{self.name}{when}: {self.verdict} (research use, not a diagnosis)"]
        for c in self.conditions:
            lines.append(f"  [{c.state.value}] {c.definition}: {c.reason}")
        lines.extend(f"  Note: {note}" for note in self.notes)
        lines.append(f"  Source: {self.source}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.explain()


def flag(value: object, name: str) -> bool | None:
    """A caller-supplied yes/no input: ``True``, ``False`` or ``None`` (missing)."""
    if value is not None and not isinstance(value, bool):
        raise InvalidItemsError(f"{name} must be True, False or None (got {quote(value)})")
    return value


def score_range(score: Score) -> tuple[int, int]:
    """The lowest and highest total the score could have: descriptors not assessed
    could each be absent or present."""
    return score.total, score.total + score.index.total_of(score.not_assessed)


def not_assessed_name(codes: Iterable[str], prefix: str = "SLEDAI-2K") -> str:
    """A short name for descriptors not assessed, for a ``missing`` list."""
    ordered = sorted(codes)
    if len(ordered) <= 3:
        return f"{prefix} {', '.join(ordered)}"
    return f"{prefix} ({len(ordered)} descriptors not assessed)"


# --- Evidence readers -------------------------------------------------------------


def in_force(patient: Patient, code: str, on: datetime.date) -> Observation | None:
    """The observation of ``code`` in force on ``on``: the last one dated on or before
    it (of several on one day, the last given). ``None`` when there is none."""
    found = patient.of_code(code, on)
    return found[-1] if found else None


def status_in_force(patient: Patient, code: str, on: datetime.date) -> bool | None:
    """A treatment-status finding in force on ``on``: present, absent or ``None``."""
    observation = in_force(patient, code, on)
    return None if observation is None else observation.value == "present"


def pga_on(patient: Patient, visit: datetime.date) -> Fraction | None:
    """The physician global assessment recorded on the visit day (the last of that
    day), or ``None``. A PGA belongs to its visit; it is never carried forward."""
    last = in_force(patient, "physician_global_assessment", visit)
    return last.quantity() if last is not None and last.date == visit else None


def dose_on(patient: Patient, visit: datetime.date) -> GlucocorticoidDose:
    """The glucocorticoid dose in force on a visit day
    (:func:`~sle_scoring.glucocorticoids.prednisone_equivalent`), worked out once per
    visit in batch scoring: LLDAS and DORIS remission read it at the visit, the
    SELENA flare index at the visit and the one before."""
    return remembered(
        patient, ("glucocorticoid", visit), lambda: prednisone_equivalent(patient, visit)
    )


def finding_in_window(window: Sequence[Observation], code: str) -> bool | None:
    """A clinician's finding in the visit's window (its observations): present, absent
    or ``None`` (not assessed). A finding explained by another cause is not lupus
    activity: absent."""
    evidence = {code: [o for o in window if o.code == code]}
    status = _derive.present(evidence, code, code).status
    if status is ItemStatus.NOT_ASSESSED:
        return None
    return status is ItemStatus.PRESENT


@attrs.frozen
class VisitInputs:
    """Everything besides SLEDAI-2K that the outcomes read for one visit from evidence.

    ``None`` means missing. ``pga`` is the PGA recorded on the visit day;
    ``glucocorticoid`` the dose in force, in prednisone equivalents; the treatment
    flags are the status in force; the haemolytic anaemia and gastrointestinal
    findings are read in the SLEDAI-2K window.
    """

    pga: Fraction | None
    glucocorticoid: GlucocorticoidDose
    maintenance_treatment_standard: bool | None
    investigational_drug: bool | None
    immunosuppressive_treatment_stable: bool | None
    hemolytic_anemia: bool | None
    gastrointestinal_activity: bool | None

    @property
    def prednisone_mg(self) -> Fraction | None:
        """The prednisone-equivalent mg/day in force (``None`` when not recorded)."""
        return self.glucocorticoid.prednisone_mg

    def for_lldas(self) -> LldasInputs:
        """The keyword arguments of :func:`sle_scoring.lldas.assess` read from evidence."""
        return LldasInputs(
            pga=self.pga,
            prednisone_mg=self.prednisone_mg,
            maintenance_treatment_standard=self.maintenance_treatment_standard,
            investigational_drug=self.investigational_drug,
            hemolytic_anemia=self.hemolytic_anemia,
            gastrointestinal_activity=self.gastrointestinal_activity,
        )

    def for_doris(self) -> DorisInputs:
        """The keyword arguments of :func:`sle_scoring.doris_remission.assess`."""
        return DorisInputs(
            pga=self.pga,
            prednisone_mg=self.prednisone_mg,
            immunosuppressive_treatment_stable=self.immunosuppressive_treatment_stable,
        )


class LldasInputs(TypedDict):
    """The evidence-read inputs of LLDAS (one place threads them to ``assess``)."""

    pga: Fraction | None
    prednisone_mg: Fraction | None
    maintenance_treatment_standard: bool | None
    investigational_drug: bool | None
    hemolytic_anemia: bool | None
    gastrointestinal_activity: bool | None


class DorisInputs(TypedDict):
    """The evidence-read inputs of DORIS 2021 remission."""

    pga: Fraction | None
    prednisone_mg: Fraction | None
    immunosuppressive_treatment_stable: bool | None


def read_visit(patient: Patient, visit: datetime.date, window_days: int) -> VisitInputs:
    """The :class:`VisitInputs` of one visit (read once per visit in batch scoring:
    LLDAS and DORIS remission read the same)."""
    return remembered(
        patient, ("visit", visit, window_days), lambda: _read(patient, visit, window_days)
    )


def _read(patient: Patient, visit: datetime.date, window_days: int) -> VisitInputs:
    # In this order, the window last: an undated observation is refused by the first.
    pga = pga_on(patient, visit)
    glucocorticoid = dose_on(patient, visit)
    maintenance = status_in_force(patient, "maintenance_treatment_standard", visit)
    investigational = status_in_force(patient, "investigational_drug", visit)
    stable = status_in_force(patient, "immunosuppressive_treatment_stable", visit)
    window = patient.window(visit, window_days)
    return VisitInputs(
        pga=pga,
        glucocorticoid=glucocorticoid,
        maintenance_treatment_standard=maintenance,
        investigational_drug=investigational,
        immunosuppressive_treatment_stable=stable,
        hemolytic_anemia=finding_in_window(window, "hemolytic_anemia"),
        gastrointestinal_activity=finding_in_window(window, "gastrointestinal_activity"),
    )


def scores_in_order(
    patient: Patient,
    earlier: datetime.date,
    later: datetime.date,
    names: tuple[str, str],
    window_days: int,
    non_standard_window: bool,
) -> tuple[Score, Score]:
    """SLEDAI-2K at two visits, the first of which must come before the second."""
    if earlier >= later:
        raise InvalidItemsError(
            f"{names[0]} {earlier.isoformat()} must be before {names[1]} {later.isoformat()}"
        )
    first, second = (
        score_visit(patient, day, window_days=window_days, non_standard_window=non_standard_window)
        for day in (earlier, later)
    )
    return first, second


def compare(
    code: str,
    definition: str,
    value: Fraction | None,
    operator: str,
    threshold: Fraction,
    label: str,
    unit: str = "",
) -> Condition:
    """A threshold condition (``<=`` or ``<``); undetermined, naming ``label``, when
    the value is missing."""
    if value is None:
        return Condition(code, definition, State.UNDETERMINED, f"{label} missing", (label,))
    if operator == "<=":
        met, negation = value <= threshold, ">"
    elif operator == "<":
        met, negation = value < threshold, ">="
    else:  # pragma: no cover - programming error
        raise ValueError(operator)
    shown = operator if met else negation
    reason = f"{label} {plain(value)}{unit} {shown} {plain(threshold)}{unit}"
    return Condition(code, definition, State.MET if met else State.NOT_MET, reason)
