"""The classic SELENA-SLEDAI Flare Index (SFI): no flare, mild/moderate or severe
flare between a previous and a current visit.

Sources: the instrument of the SELENA trial (Petri M, et al. N Engl J Med
2005;353:2550-2558); its original wording was not seen. The criteria as given by the
EULAR review table "Features, caveats and pitfalls of main indices used in SLE" (Ann
Rheum Dis, secondary) and the SELENA flare index calculator page of
medicalalgorithms.com (secondary): change = current - previous.

- **Severe** if any: "Change in SELENA-SLEDAI instrument score to >12 points"; new
  or worse severe manifestations; "Increase in prednisone to >0.5 mg/kg/day"; "New
  cyclophosphamide, azathioprine, methotrexate"; hospitalisation for SLE activity;
  PGA "increase to > 2.5".
- **Mild/moderate**, if not severe, if any: "Change in SELENA-SLEDAI instrument score
  of 3 points or more (but not to >12)"; new or worse mild/moderate manifestations;
  "Increase in prednisone, but not to >0.5 mg/kg/day"; "Addition of NSAID,
  hydroxychloroquine for SLE activity"; "≥ 1.0 increase in PGA score, but not to
  >2.5".

How the library reads it:

- The SLEDAI change and level, the PGA change and level, and the prednisone dose per
  kg (when a body weight is given) are computed; manifestations, hospitalisation and
  added drugs are the caller's flags.
- "to > 12" and "to > 2.5" need a rise (current > previous) to a level above the
  cut-off; the prednisone criteria need a higher dose than before (an unchanged
  dose already above 0.5 mg/kg/day is neither).
- The PGA mild/moderate criterion is the EULAR table's "≥ 1.0 increase" (the
  calculator page's "increase to a level ≥ 1.0" disagrees; not offered).
- Computed on SLEDAI-2K scores the result says "SFI computed on SLEDAI-2K
  (non-standard)": the SFI is defined on SELENA-SLEDAI.
- The clinical criteria (SLEDAI, manifestations, hospitalisation, PGA) and the
  treatment criteria (prednisone, new immunosuppressant, NSAID or hydroxychloroquine)
  are reported apart; ``exclude_treatment_criteria=True`` classifies on the clinical
  criteria only (cf. Thanou et al. 2014, who found most severe flares were severe
  only by the medication rules). That is not the published eSFI.
"""

from __future__ import annotations

import datetime
import enum
from fractions import Fraction

import attrs

from ._items import suggest
from ._numbers import exact, plain
from ._outcomes import PGA_MAXIMUM, State, dose_on, flag, pga_on, scores_in_order
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
    "CLINICAL",
    "CRITERIA",
    "FIELDS",
    "INSTRUMENT",
    "MILD_MODERATE_MANIFESTATIONS",
    "MILD_PGA_INCREASE_AT_LEAST",
    "MILD_SLEDAI_INCREASE_AT_LEAST",
    "PREDNISONE_ABOVE_MG_PER_KG",
    "REFERENCES",
    "SEVERE_MANIFESTATIONS",
    "SEVERE_PGA_ABOVE",
    "SEVERE_SLEDAI_ABOVE",
    "SLEDAI_VERSIONS",
    "SOURCE",
    "TREATMENT",
    "Category",
    "Component",
    "Criterion",
    "Flare",
    "State",
    "assess",
    "assess_visits",
]

SOURCE = (
    "SELENA-SLEDAI Flare Index (Petri M, et al. N Engl J Med 2005;353:2550-2558), as given "
    "by the EULAR review table 'Features, caveats and pitfalls of main indices used in SLE' "
    "(Ann Rheum Dis) and the medicalalgorithms.com SELENA flare index page (secondary "
    "sources)"
)
_THANOU_2014 = (
    "Thanou A, Kamp S, Merrill JT, et al. How should lupus flares be measured? "
    "Deconstruction of the SELENA-SLEDAI flare index. Rheumatology 2014 "
    "(doi:10.1093/rheumatology/keu153)"
)

CLINICAL = "clinical"
TREATMENT = "treatment"
#: The SLEDAI the totals are on: the SFI's own, or SLEDAI-2K (non-standard).
SLEDAI_VERSIONS = ("SELENA-SLEDAI", "SLEDAI-2K")
#: The visit the current one is compared with (F2 uses the previous visit).
REFERENCES = ("previous visit", "baseline")

# Severe: "Change in SELENA-SLEDAI instrument score to >12 points"
SEVERE_SLEDAI_ABOVE = 12
# Mild/moderate: "Change in SELENA-SLEDAI instrument score of 3 points or more (but
# not to >12)"
MILD_SLEDAI_INCREASE_AT_LEAST = 3
# "Increase in prednisone to >0.5 mg/kg/day" (severe); "Increase in prednisone, but
# not to >0.5 mg/kg/day" (mild/moderate)
PREDNISONE_ABOVE_MG_PER_KG = Fraction(1, 2)
# Severe: PGA "increase to > 2.5"
SEVERE_PGA_ABOVE = Fraction(5, 2)
# Mild/moderate: "≥ 1.0 increase in PGA score, but not to >2.5"
MILD_PGA_INCREASE_AT_LEAST = Fraction(1)

#: The mild/moderate manifestations (calculator page), for the caller's flag.
MILD_MODERATE_MANIFESTATIONS = (
    "rash (discoid, photosensitive, profundus, cutaneous vasculitis, bullous lupus)",
    "nasopharyngeal ulcers",
    "pleuritis",
    "pericarditis",
    "arthritis",
    "fever due to SLE",
)
#: The severe manifestations (calculator page), for the caller's flag; the page adds
#: "requiring hospitalization or increase in prednisone dose".
SEVERE_MANIFESTATIONS = (
    "systemic vasculitis",
    "nephritis",
    "myositis",
    "thrombocytopenia < 60,000/µL",
    "haemolytic anaemia with Hb < 7 g/dL or a fall in Hb",
)


class Category(enum.Enum):
    """The SFI answer; ``UNDETERMINED`` when missing inputs leave it open."""

    NO_FLARE = "no flare"
    MILD_MODERATE = "mild/moderate flare"
    SEVERE = "severe flare"
    UNDETERMINED = "cannot be determined"


_ORDER = (Category.NO_FLARE, Category.MILD_MODERATE, Category.SEVERE)


@attrs.frozen
class Criterion:
    """One SFI criterion: its code, the category it triggers, whether it is a
    clinical or a treatment criterion, and its wording (short)."""

    code: str
    level: Category
    kind: str
    definition: str


#: The eleven criteria, severe (S1-S6) then mild/moderate (M1-M5).
CRITERIA: dict[str, Criterion] = {
    c.code: c
    for c in (
        Criterion("s1_sledai", Category.SEVERE, CLINICAL, "SELENA-SLEDAI increase to > 12"),
        Criterion(
            "s2_severe_manifestations",
            Category.SEVERE,
            CLINICAL,
            "new or worse severe manifestation (caller)",
        ),
        Criterion(
            "s3_prednisone", Category.SEVERE, TREATMENT, "prednisone increase to > 0.5 mg/kg/day"
        ),
        Criterion(
            "s4_new_immunosuppressant",
            Category.SEVERE,
            TREATMENT,
            "new cyclophosphamide, azathioprine or methotrexate (caller)",
        ),
        Criterion(
            "s5_hospitalisation",
            Category.SEVERE,
            CLINICAL,
            "hospitalisation for SLE activity (caller)",
        ),
        Criterion("s6_pga", Category.SEVERE, CLINICAL, "PGA increase to > 2.5"),
        Criterion(
            "m1_sledai",
            Category.MILD_MODERATE,
            CLINICAL,
            "SELENA-SLEDAI increase >= 3, not to > 12",
        ),
        Criterion(
            "m2_mild_moderate_manifestations",
            Category.MILD_MODERATE,
            CLINICAL,
            "new or worse mild/moderate manifestation (caller)",
        ),
        Criterion(
            "m3_prednisone",
            Category.MILD_MODERATE,
            TREATMENT,
            "prednisone increase, not to > 0.5 mg/kg/day",
        ),
        Criterion(
            "m4_nsaid_or_hydroxychloroquine",
            Category.MILD_MODERATE,
            TREATMENT,
            "NSAID or hydroxychloroquine added for SLE activity (caller)",
        ),
        Criterion(
            "m5_pga", Category.MILD_MODERATE, CLINICAL, ">= 1.0 increase in PGA, not to > 2.5"
        ),
    )
}


def _decided(
    code: str,
    certain: bool,
    possible: bool,
    reason: str,
    inputs: tuple[tuple[str, str], ...],
    missing: tuple[str, ...],
) -> Component:
    """A criterion met for sure, not met for sure, or open (``missing`` names why)."""
    definition = CRITERIA[code].definition
    if certain:
        return Component(code, definition, State.MET, reason, inputs, missing)
    if not possible:
        return Component(code, definition, State.NOT_MET, reason, inputs, missing)
    open_reason = "; ".join([*([reason] if reason else []), ", ".join(missing) + " missing"])
    return Component(code, definition, State.UNDETERMINED, open_reason, inputs, missing)


def _open_pair(
    codes: tuple[str, str],
    reason: str,
    inputs: tuple[tuple[str, str], ...],
    missing: tuple[str, ...],
) -> tuple[Component, Component]:
    """A severe and a mild/moderate criterion both left open by the same input."""
    return (
        _decided(codes[0], False, True, reason, inputs, missing),
        _decided(codes[1], False, True, reason, inputs, missing),
    )


def _sledai(
    previous: Score | int | None, current: Score | int | None, version: str
) -> tuple[Component, Component]:
    before = sledai_range(previous, "previous")
    after = sledai_range(current, "current")
    inputs = (("sledai_previous", shown_range(before)), ("sledai_current", shown_range(after)))
    missing = sledai_missing(previous, f"{version} at the previous visit") + sledai_missing(
        current, f"{version} at the current visit"
    )
    if before is None or after is None:
        return _open_pair(("s1_sledai", "m1_sledai"), "", inputs, missing)
    (low_before, high_before), (low, high) = before, after
    change = f"{version} {shown_range(before)} -> {shown_range(after)}"
    if before[0] == before[1] and after[0] == after[1]:
        change += f" ({after[0] - before[0]:+d})"
    # S1: current > 12 and current > previous, for sure / for some completion.
    s1 = _decided(
        "s1_sledai",
        low > SEVERE_SLEDAI_ABOVE and low > high_before,
        high > SEVERE_SLEDAI_ABOVE and high > low_before,
        change,
        inputs,
        missing,
    )
    # M1: an increase >= 3 with current <= 12.
    m1 = _decided(
        "m1_sledai",
        low - high_before >= MILD_SLEDAI_INCREASE_AT_LEAST and high <= SEVERE_SLEDAI_ABOVE,
        low <= SEVERE_SLEDAI_ABOVE
        and min(high, SEVERE_SLEDAI_ABOVE) - low_before >= MILD_SLEDAI_INCREASE_AT_LEAST,
        change,
        inputs,
        missing,
    )
    return s1, m1


def _pga(previous: Fraction | None, current: Fraction | None) -> tuple[Component, Component]:
    inputs = (("pga_previous", shown(previous)), ("pga_current", shown(current)))
    missing = tuple(
        name
        for name, value in (
            ("PGA at the previous visit", previous),
            ("PGA at the current visit", current),
        )
        if value is None
    )
    if previous is None or current is None:
        return _open_pair(("s6_pga", "m5_pga"), "", inputs, missing)
    rise = current - previous
    change = (
        f"PGA {plain(previous)} -> {plain(current)} ({'+' if rise >= 0 else '-'}{plain(abs(rise))})"
    )
    severe = current > SEVERE_PGA_ABOVE and current > previous
    mild = current - previous >= MILD_PGA_INCREASE_AT_LEAST and current <= SEVERE_PGA_ABOVE
    return (
        _decided("s6_pga", severe, severe, change, inputs, ()),
        _decided("m5_pga", mild, mild, change, inputs, ()),
    )


def _prednisone(
    previous: Fraction | None, current: Fraction | None, weight: Fraction | None
) -> tuple[Component, Component]:
    inputs = (
        ("prednisone_previous_mg", shown(previous)),
        ("prednisone_current_mg", shown(current)),
        ("weight_kg", shown(weight)),
    )
    missing = tuple(
        name
        for name, value in (
            ("prednisone dose at the previous visit", previous),
            ("prednisone dose at the current visit", current),
        )
        if value is None
    )
    codes = ("s3_prednisone", "m3_prednisone")
    if previous is None or current is None:
        return _open_pair(codes, "", inputs, missing)
    doses = f"prednisone {plain(previous)} -> {plain(current)} mg/day"
    if current <= previous:
        # "Increase in prednisone": an unchanged or lower dose meets neither.
        reason = f"{doses}: not increased"
        return (
            _decided(codes[0], False, False, reason, inputs, ()),
            _decided(codes[1], False, False, reason, inputs, ()),
        )
    if weight is None:
        reason = f"{doses}: increased; mg/kg/day unknown"
        return _open_pair(codes, reason, inputs, ("body weight",))
    per_kg = current / weight
    above = per_kg > PREDNISONE_ABOVE_MG_PER_KG
    reason = (
        f"{doses}: increased to {_per_kg(per_kg)} mg/kg/day "
        f"({'>' if above else '<='} 0.5) at {plain(weight)} kg"
    )
    return (
        _decided("s3_prednisone", above, above, reason, inputs, ()),
        _decided("m3_prednisone", not above, not above, reason, inputs, ()),
    )


def _per_kg(value: Fraction) -> str:
    """mg/kg/day as people write it: exact when it terminates, else to 3 decimals."""
    text = plain(value)
    if "/" not in text:
        return text
    return f"{float(value):.3f}"


def _flag(code: str, value: bool | None, name: str) -> Component:
    inputs = ((name, "missing" if value is None else str(value).lower()),)
    if value is None:
        return _decided(code, False, True, "", inputs, (f"{name} flag",))
    return _decided(code, value, value, f"{name}: {'yes' if value else 'no'} (caller)", inputs, ())


@attrs.frozen
class Flare:
    """The SFI category between two visits, criterion by criterion.

    ``criteria`` holds all eleven criteria with their states, reasons and inputs;
    ``least`` and ``most`` bound the category when inputs are missing (equal when it
    is decided). With ``exclude_treatment_criteria`` the treatment criteria are
    still reported but do not count.
    """

    category: Category
    least: Category
    most: Category
    criteria: tuple[Component, ...]
    exclude_treatment_criteria: bool
    sledai_version: str
    reference: str
    previous_date: datetime.date | None = None
    current_date: datetime.date | None = None

    @property
    def name(self) -> str:
        """``classic SELENA flare index`` or ``SFI without treatment criteria (cf.
        Thanou 2014)``."""
        if self.exclude_treatment_criteria:
            return "SFI without treatment criteria (cf. Thanou 2014)"
        return "classic SELENA flare index"

    @property
    def used(self) -> tuple[Component, ...]:
        """The criteria the category is decided on."""
        if not self.exclude_treatment_criteria:
            return self.criteria
        return tuple(c for c in self.criteria if CRITERIA[c.code].kind == CLINICAL)

    @property
    def clinical(self) -> tuple[Component, ...]:
        """The clinical criteria (S1, S2, S5, S6, M1, M2, M5)."""
        return tuple(c for c in self.criteria if CRITERIA[c.code].kind == CLINICAL)

    @property
    def treatment(self) -> tuple[Component, ...]:
        """The treatment criteria (S3, S4, M3, M4)."""
        return tuple(c for c in self.criteria if CRITERIA[c.code].kind == TREATMENT)

    @property
    def triggered_clinical(self) -> tuple[str, ...]:
        """The codes of the clinical criteria met."""
        return tuple(c.code for c in self.clinical if c.state is State.MET)

    @property
    def triggered_treatment(self) -> tuple[str, ...]:
        """The codes of the treatment criteria met (reported even when excluded)."""
        return tuple(c.code for c in self.treatment if c.state is State.MET)

    @property
    def missing(self) -> tuple[str, ...]:
        """Every input missing from the criteria used, also when the category was
        decided without it."""
        return unique(name for c in self.used for name in c.missing)

    @property
    def complete(self) -> bool:
        """True when no input of the criteria used was missing."""
        return not self.missing

    @property
    def notes(self) -> tuple[str, ...]:
        """What the reader must know about how this result was computed."""
        notes = [f"reference visit: {self.reference}"]
        if self.sledai_version != "SELENA-SLEDAI":
            notes.append(f"SFI computed on {self.sledai_version} (non-standard)")
        if self.exclude_treatment_criteria:
            notes.append(
                "treatment criteria reported but not counted; not the published eSFI, whose "
                "mild-vs-moderate split uses clinical judgement"
            )
        return tuple(notes)

    @property
    def verdict(self) -> str:
        """One line: the category and the criteria that decided it, or ``cannot be
        determined: <inputs> missing (<least> to <most>)``."""
        if self.category is Category.NO_FLARE:
            return "no flare"
        if self.category is Category.UNDETERMINED:
            open_ = unique(
                name for c in self.used if c.state is State.UNDETERMINED for name in c.missing
            )
            return (
                f"cannot be determined: {', '.join(open_)} missing "
                f"({self.least.value} to {self.most.value})"
            )
        deciding = [
            f"{c.code} ({c.reason})"
            for c in self.used
            if c.state is State.MET and CRITERIA[c.code].level is self.category
        ]
        also = f" ({', '.join(self.missing)} missing)" if self.missing else ""
        return f"{self.category.value}: {'; '.join(deciding)}{also}"

    def criterion(self, code: str) -> Component:
        """One criterion by its code (``s1_sledai`` ... ``m5_pga``)."""
        for component in self.criteria:
            if component.code == code:
                return component
        raise UnknownCodeError(code, "SELENA flare index criterion", suggest(code, CRITERIA))

    def finding(self, code: str) -> Component:
        """One criterion by its code, as every result offers it (:meth:`criterion`)."""
        return self.criterion(code)

    def explain(self) -> str:
        """The verdict, then the clinical and the treatment criteria apart."""
        dates = ""
        if self.previous_date is not None and self.current_date is not None:
            dates = f" {self.previous_date.isoformat()} -> {self.current_date.isoformat()}"
        lines = [f"{self.name}{dates}: {self.verdict} (research use, not a diagnosis)"]
        lines.append("  Clinical criteria:")
        lines.extend(f"  {c.line()}" for c in self.clinical)
        counted = " (not counted)" if self.exclude_treatment_criteria else ""
        lines.append(f"  Treatment criteria{counted}:")
        lines.extend(f"  {c.line()}" for c in self.treatment)
        lines.extend(f"  Note: {note}" for note in self.notes)
        lines.append(f"  Source: {SOURCE}")
        if self.exclude_treatment_criteria:
            lines.append(f"  Treatment criteria left out as discussed by: {_THANOU_2014}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.explain()

    def as_record(self) -> dict[str, RecordValue]:
        """Flat and JSON-ready, keys ``selena_flare.<field>``: ``category``,
        ``verdict``, ``name``, ``complete``, ``missing``, ``triggered_clinical`` and
        ``triggered_treatment`` (comma-joined codes), ``sledai_version``,
        ``reference``, ``treatment_criteria_counted``, the dates, each criterion's
        state and ``.reason``, and every input as ``selena_flare.input.<name>``."""
        record: dict[str, RecordValue] = {
            "selena_flare.category": self.category.value,
            "selena_flare.verdict": self.verdict,
            "selena_flare.name": self.name,
            "selena_flare.complete": self.complete,
            "selena_flare.missing": "; ".join(self.missing),
            "selena_flare.triggered_clinical": ",".join(self.triggered_clinical),
            "selena_flare.triggered_treatment": ",".join(self.triggered_treatment),
            "selena_flare.sledai_version": self.sledai_version,
            "selena_flare.reference": self.reference,
            "selena_flare.treatment_criteria_counted": not self.exclude_treatment_criteria,
            "selena_flare.previous_date": iso(self.previous_date),
            "selena_flare.current_date": iso(self.current_date),
        }
        record.update(record_components("selena_flare", self.criteria))
        record.update(record_inputs("selena_flare", self.criteria))
        return record


def _bounds(used: tuple[Component, ...], a_dose_rose: bool) -> tuple[Category, Category]:
    """The least and the most severe category the criteria allow."""

    def level(states: tuple[State, ...]) -> Category:
        levels = [CRITERIA[c.code].level for c in used if c.state in states]
        return max(levels, key=_ORDER.index, default=Category.NO_FLARE)

    least = level((State.MET,))
    if a_dose_rose and least is Category.NO_FLARE:
        # A higher dose with no body weight is S3 or M3, one of them for sure.
        least = Category.MILD_MODERATE
    return least, level((State.MET, State.UNDETERMINED))


def _choice(value: object, name: str, choices: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise InvalidItemsError(f"{name} must be one of {', '.join(choices)} (got {value!r})")
    return value


def _weight(value: Number | None) -> Fraction | None:
    weight = exact(value, "weight_kg", where="SELENA flare index")
    if weight == 0:
        raise InvalidEvidenceError(
            [Problem(None, "SELENA flare index", "weight_kg", "must be above 0 (got 0)")]
        )
    return weight


def assess(
    previous: Score | int | None,
    current: Score | int | None,
    *,
    pga_previous: Number | None = None,
    pga_current: Number | None = None,
    prednisone_previous_mg: Number | None = None,
    prednisone_current_mg: Number | None = None,
    weight_kg: Number | None = None,
    severe_manifestations: bool | None = None,
    mild_moderate_manifestations: bool | None = None,
    hospitalisation: bool | None = None,
    new_immunosuppressant: bool | None = None,
    nsaid_or_hydroxychloroquine_added: bool | None = None,
    exclude_treatment_criteria: bool = False,
    sledai_version: str = "SLEDAI-2K",
    reference: str = "previous visit",
    previous_date: datetime.date | None = None,
    current_date: datetime.date | None = None,
) -> Flare:
    """The SFI category from ``previous`` to ``current``.

    ``previous`` and ``current`` are SLEDAI-2K scores or totals (``sledai_version``
    says which SLEDAI totals are on; a Score is always SLEDAI-2K), PGAs on the 0-3
    scale, prednisone-equivalent doses in mg/day, ``weight_kg`` the body weight at
    the current visit. The flags are the caller's: new or worse manifestations
    (:data:`SEVERE_MANIFESTATIONS`, :data:`MILD_MODERATE_MANIFESTATIONS`),
    hospitalisation for SLE activity, a new cyclophosphamide, azathioprine or
    methotrexate, an NSAID or hydroxychloroquine added for SLE activity. ``None`` is
    missing.

    >>> flare = assess(10, 13, pga_previous="1.0", pga_current="1.5",
    ...                prednisone_previous_mg=10, prednisone_current_mg=10,
    ...                severe_manifestations=False, mild_moderate_manifestations=False,
    ...                new_immunosuppressant=False, nsaid_or_hydroxychloroquine_added=False)
    >>> flare.verdict
    'severe flare: s1_sledai (SLEDAI-2K 10 -> 13 (+3)) (hospitalisation flag missing)'
    """
    version = _choice(sledai_version, "sledai_version", SLEDAI_VERSIONS)
    if version != "SLEDAI-2K" and (isinstance(previous, Score) or isinstance(current, Score)):
        raise InvalidItemsError(
            "a SLEDAI-2K Score is not a SELENA-SLEDAI total: pass totals, or "
            "sledai_version='SLEDAI-2K'"
        )
    if not isinstance(exclude_treatment_criteria, bool):
        raise InvalidItemsError(
            f"exclude_treatment_criteria must be True or False (got {exclude_treatment_criteria!r})"
        )
    before_mg = exact(prednisone_previous_mg, "prednisone_previous_mg", where="SELENA flare index")
    after_mg = exact(prednisone_current_mg, "prednisone_current_mg", where="SELENA flare index")
    weight = _weight(weight_kg)
    s1, m1 = _sledai(previous, current, version)
    s6, m5 = _pga(
        exact(pga_previous, "pga_previous", maximum=PGA_MAXIMUM, where="SELENA flare index"),
        exact(pga_current, "pga_current", maximum=PGA_MAXIMUM, where="SELENA flare index"),
    )
    s3, m3 = _prednisone(before_mg, after_mg, weight)
    criteria = (
        s1,
        _flag(
            "s2_severe_manifestations",
            flag(severe_manifestations, "severe_manifestations"),
            "severe_manifestations",
        ),
        s3,
        _flag(
            "s4_new_immunosuppressant",
            flag(new_immunosuppressant, "new_immunosuppressant"),
            "new_immunosuppressant",
        ),
        _flag("s5_hospitalisation", flag(hospitalisation, "hospitalisation"), "hospitalisation"),
        s6,
        m1,
        _flag(
            "m2_mild_moderate_manifestations",
            flag(mild_moderate_manifestations, "mild_moderate_manifestations"),
            "mild_moderate_manifestations",
        ),
        m3,
        _flag(
            "m4_nsaid_or_hydroxychloroquine",
            flag(nsaid_or_hydroxychloroquine_added, "nsaid_or_hydroxychloroquine_added"),
            "nsaid_or_hydroxychloroquine_added",
        ),
        m5,
    )
    used = (
        tuple(c for c in criteria if CRITERIA[c.code].kind == CLINICAL)
        if exclude_treatment_criteria
        else criteria
    )
    dose_rose = (
        not exclude_treatment_criteria
        and before_mg is not None
        and after_mg is not None
        and after_mg > before_mg
        and weight is None
    )
    least, most = _bounds(used, dose_rose)
    category = least if least is most else Category.UNDETERMINED
    return Flare(
        category,
        least,
        most,
        criteria,
        exclude_treatment_criteria,
        version,
        _choice(reference, "reference", REFERENCES),
        check_date(previous_date, "previous_date"),
        check_date(current_date, "current_date"),
    )


def assess_visits(
    patient: Patient,
    previous_date: datetime.date,
    current_date: datetime.date,
    *,
    weight_kg: Number | None = None,
    severe_manifestations: bool | None = None,
    mild_moderate_manifestations: bool | None = None,
    hospitalisation: bool | None = None,
    new_immunosuppressant: bool | None = None,
    nsaid_or_hydroxychloroquine_added: bool | None = None,
    exclude_treatment_criteria: bool = False,
    reference: str = "previous visit",
    window_days: int = DEFAULT_WINDOW_DAYS,
    non_standard_window: bool = False,
) -> Flare:
    """The SFI between two visits from dated evidence: SLEDAI-2K in each visit's
    window, the PGA recorded on each visit day, the prednisone-equivalent dose in
    force on each visit day (:mod:`sle_scoring.glucocorticoids`); the body weight
    and the flags from the caller."""
    previous, current = scores_in_order(
        patient,
        previous_date,
        current_date,
        ("previous_date", "current_date"),
        window_days,
        non_standard_window,
    )
    return assess(
        previous,
        current,
        pga_previous=pga_on(patient, previous_date),
        pga_current=pga_on(patient, current_date),
        prednisone_previous_mg=dose_on(patient, previous_date).prednisone_mg,
        prednisone_current_mg=dose_on(patient, current_date).prednisone_mg,
        weight_kg=weight_kg,
        severe_manifestations=severe_manifestations,
        mild_moderate_manifestations=mild_moderate_manifestations,
        hospitalisation=hospitalisation,
        new_immunosuppressant=new_immunosuppressant,
        nsaid_or_hydroxychloroquine_added=nsaid_or_hydroxychloroquine_added,
        exclude_treatment_criteria=exclude_treatment_criteria,
        reference=reference,
        previous_date=previous_date,
        current_date=current_date,
    )


def __dir__() -> list[str]:
    # The public API is what __all__ lists (as in pypa/packaging).
    return list(__all__)


def _at_occasion(patient: Patient, occasion: Occasion) -> Flare | None:
    # The SFI compares the current visit with the previous one (change = current -
    # previous, the calculator page). Body weight and the flags are the caller's, so
    # batch scoring has none: the result names them as missing.
    if occasion.previous is None or occasion.date is None:
        return None
    return assess_visits(
        patient,
        occasion.previous,
        occasion.date,
        window_days=occasion.window_days,
        non_standard_window=occasion.non_standard_window,
    )


#: The keys of :meth:`Flare.as_record` without the ``selena_flare.`` prefix: the same
#: for every result (every criterion reads the same inputs), so those of one result.
FIELDS = tuple(key.removeprefix("selena_flare.") for key in assess(None, None).as_record())

#: The classic SELENA flare index in the instrument registry
#: (``sle_scoring.INSTRUMENTS``): each visit against the previous one.
INSTRUMENT = Instrument(
    name="selena_flare",
    title="SELENA-SLEDAI Flare Index (classic SFI)",
    source=SOURCE,
    scope="outcome_between_visits",
    codes=(),
    fields=FIELDS,
    from_items=None,
    from_evidence=assess_visits,
    at_occasion=_at_occasion,
    visits_from="sledai_2k",
)
