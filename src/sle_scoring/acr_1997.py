"""The 1997 update of the 1982 ACR revised criteria for the classification of SLE.

Sources: Tan EM, Cohen AS, Fries JF, et al. The 1982 revised criteria for the
classification of systemic lupus erythematosus. Arthritis Rheum 1982;25:1271-1277.
Hochberg MC. Updating the American College of Rheumatology revised criteria for
the classification of systemic lupus erythematosus. Arthritis Rheum 1997;40:1725.

These are classification criteria for research; a result is never a diagnosis.

Rule: classified when "4 or more of the 11 criteria are present, serially or
simultaneously, during any interval of observation". Each criterion counts once
whichever of its alternatives is met. Findings with another known cause do not
count (the publication names offending drugs and metabolic causes for some
criteria; the library applies every recorded attribution).
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Iterable
from fractions import Fraction

import attrs

from . import _args
from . import _derive as _derive_module
from ._definitions import (
    ANA_TITRE_AT_LEAST,
    above_upper_limit,
    ana_above_reference_range,
    anticardiolipin_medium_or_high,
    arthritis,
    leukopenia,
    lymphopenia,
    months_after,
    proteinuria_measures,
    recorded,
    thrombocytopenia,
    written,
)
from ._derive import Signal, derive_findings, findings_by_rule
from ._items import (
    Item,
    ItemFinding,
    ItemStatus,
    codes_with,
    first_fulfilled,
    item_codes,
    left_out,
    ordered_findings,
    plain,
)
from ._registry import Instrument
from ._results import RecordValue, iso, item_fields, item_of, positions, prefixed
from ._visits import evidence_up_to
from .evidence import Observation, Patient

__all__ = [
    "CLASSIFICATION_THRESHOLD",
    "CRITERIA",
    "INSTRUMENT",
    "SOURCE",
    "Classification",
    "Criterion",
    "classify",
    "classify_findings",
    "classify_patient",
    "derive",
]

SOURCE = (
    "Tan EM, et al. Arthritis Rheum 1982;25:1271-1277; updated by Hochberg MC. "
    "Arthritis Rheum 1997;40:1725"
)

#: "4 or more of the 11 criteria"
CLASSIFICATION_THRESHOLD = 4


class Criterion(str, enum.Enum):
    """The stable codes of the 11 criteria."""

    MALAR_RASH = "malar_rash"
    DISCOID_RASH = "discoid_rash"
    PHOTOSENSITIVITY = "photosensitivity"
    ORAL_ULCERS = "oral_ulcers"
    ARTHRITIS = "arthritis"
    SEROSITIS = "serositis"
    RENAL_DISORDER = "renal_disorder"
    NEUROLOGIC_DISORDER = "neurologic_disorder"
    HEMATOLOGIC_DISORDER = "hematologic_disorder"
    IMMUNOLOGIC_DISORDER = "immunologic_disorder"
    ANA = "ana"


def _criterion(code: Criterion, domain: str, definition: str) -> Item:
    return Item(code.value, domain, "criterion", 1, definition, SOURCE)


#: The 11 criteria in the publication's order. Each counts 1.
CRITERIA: tuple[Item, ...] = (
    _criterion(
        Criterion.MALAR_RASH,
        "mucocutaneous",
        "fixed erythema, flat or raised, over the malar eminences, sparing the nasolabial folds",
    ),
    _criterion(
        Criterion.DISCOID_RASH,
        "mucocutaneous",
        "erythematous raised patches with adherent keratotic scaling and follicular "
        "plugging; atrophic scarring may occur in older lesions",
    ),
    _criterion(
        Criterion.PHOTOSENSITIVITY,
        "mucocutaneous",
        "skin rash as a result of unusual reaction to sunlight, by history or observation",
    ),
    _criterion(
        Criterion.ORAL_ULCERS,
        "mucocutaneous",
        "oral or nasopharyngeal ulceration, usually painless, observed by a physician",
    ),
    _criterion(
        Criterion.ARTHRITIS,
        "musculoskeletal",
        "non-erosive arthritis of >= 2 peripheral joints, with tenderness, swelling or effusion",
    ),
    _criterion(
        Criterion.SEROSITIS,
        "serosal",
        "pleuritis (convincing history of pleuritic pain, rub heard by a physician, or "
        "pleural effusion) or pericarditis (ECG, rub, or pericardial effusion)",
    ),
    _criterion(
        Criterion.RENAL_DISORDER,
        "renal",
        "persistent proteinuria > 0.5 g/day (or > 3+ if not quantified), or cellular "
        "casts (red cell, haemoglobin, granular, tubular or mixed)",
    ),
    _criterion(
        Criterion.NEUROLOGIC_DISORDER,
        "neurologic",
        "seizures or psychosis, without offending drugs or known metabolic derangement",
    ),
    _criterion(
        Criterion.HEMATOLOGIC_DISORDER,
        "hematologic",
        "hemolytic anaemia with reticulocytosis; or leukopenia < 4,000/mm³ on >= 2 "
        "occasions; or lymphopenia < 1,500/mm³ on >= 2 occasions; or thrombocytopenia "
        "< 100,000/mm³ without offending drugs",
    ),
    _criterion(
        Criterion.IMMUNOLOGIC_DISORDER,
        "immunologic",
        "anti-native DNA at an abnormal titre; or anti-Sm; or antiphospholipid "
        "antibodies (abnormal IgG or IgM anticardiolipin, lupus anticoagulant, or a "
        "false-positive syphilis test known for >= 6 months, confirmed by TPI or FTA-ABS)",
    ),
    _criterion(
        Criterion.ANA,
        "immunologic",
        "abnormal ANA titre by immunofluorescence or an equivalent assay at any time, "
        "without drugs associated with drug-induced lupus",
    ),
)

_BY_CODE: dict[str, Item] = {item.code: item for item in CRITERIA}
_CODES: dict[str, str] = {code: code for code in _BY_CODE}
_CODE_SET = frozenset(_CODES)
_VOCABULARY = "ACR 1997"
_ORDER = tuple(_BY_CODE)
_POSITION = positions(_ORDER)


def _meets_rule(present: Iterable[str]) -> bool:
    return len(set(present)) >= CLASSIFICATION_THRESHOLD


@attrs.frozen
class Classification:
    """The result of applying the ACR 1997 criteria.

    ``count`` is the number of criteria present (of 11); ``first_fulfilled`` the
    earliest date on which 4 were present, when dated evidence was given.

    A classification for research; never a diagnosis.
    """

    present: frozenset[str]
    not_assessed: frozenset[str]
    findings: tuple[ItemFinding, ...] = ()
    as_of: datetime.date | None = None
    first_fulfilled: datetime.date | None = None

    @property
    def count(self) -> int:
        """The number of criteria present."""
        return len(self.present)

    @property
    def classified(self) -> bool:
        """Whether at least 4 of the 11 criteria are present."""
        return _meets_rule(self.present)

    @property
    def complete(self) -> bool:
        """True when every criterion was assessed."""
        return not self.not_assessed

    @property
    def max_possible(self) -> int:
        """The count if every criterion not assessed turned out present."""
        return len(self.present | self.not_assessed)

    @property
    def max_possible_count(self) -> int:
        """The former name of :attr:`max_possible`."""
        return self.max_possible

    @property
    def could_change_verdict(self) -> bool:
        """Whether criteria not assessed could change the verdict (only towards
        classified: adding a criterion never removes one)."""
        return not self.classified and _meets_rule(self.present | self.not_assessed)

    @property
    def explained(self) -> tuple[ItemFinding, ...]:
        """Findings left out because another cause explains them (evidence level)."""
        return tuple(f for f in self.findings if f.status is ItemStatus.EXPLAINED)

    @property
    def verdict(self) -> str:
        """One line: classified, or not and why, including what is not assessed."""
        if self.classified:
            verdict = f"classified as SLE (ACR 1997, {self.count} of 11 criteria)"
            if self.first_fulfilled is not None:
                verdict += f"; criteria first fulfilled on {self.first_fulfilled.isoformat()}"
            return verdict
        verdict = f"not classified ({self.count} of 11 criteria < {CLASSIFICATION_THRESHOLD})"
        if self.could_change_verdict:
            verdict += f"; up to {len(self.not_assessed)} criteria not assessed could change this"
        return verdict

    def finding(self, code: str | Criterion) -> ItemFinding:
        """How one criterion was decided (item level: from the codes given); raises
        :class:`~sle_scoring.exceptions.UnknownCodeError` for an unknown code."""
        return item_of(code, _CODES, _VOCABULARY, self.findings, self.present, self.not_assessed)

    def as_record(self) -> dict[str, RecordValue]:
        """The classification as one flat record, keys ``acr_1997.<field>``
        (:data:`INSTRUMENT` ``.fields``; code lists in table order)."""
        return prefixed(
            "acr_1997",
            {
                "count": self.count,
                "classified": self.classified,
                "complete": self.complete,
                "could_change_verdict": self.could_change_verdict,
                "max_possible": self.max_possible,
                "as_of": iso(self.as_of),
                "first_fulfilled": iso(self.first_fulfilled),
                **item_fields(self.present, self.not_assessed, self.findings, _POSITION),
                "verdict": self.verdict,
            },
        )

    def explain(self) -> str:
        """A readable account of the classification, criterion by criterion."""
        lines = ["ACR 1997 classification criteria for SLE (research use, not a diagnosis)"]
        if self.as_of is not None:
            lines.append(f"Evidence up to {self.as_of.isoformat()}")
        for number, item in enumerate(CRITERIA, 1):
            lines.append(f"  {number:>2}. {item.code:<21} {self.finding(item.code).status.value}")
        lines.append(f"Criteria present: {self.count} of 11 (threshold {CLASSIFICATION_THRESHOLD})")
        lines.extend(left_out(self.findings))
        lines.append(f"Verdict: {self.verdict}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.explain()


def classify(
    items: Iterable[str | Criterion], *, not_assessed: Iterable[str | Criterion] = ()
) -> Classification:
    """Classify from item codes (the caller already decided each criterion).

    ``items`` are the criteria present; codes in ``not_assessed`` had no evidence
    either way; every other criterion is taken as assessed and absent. Implements
    Tan et al. 1982 as updated by Hochberg 1997 (see the module docstring).

    >>> classify(["arthritis", "serositis", "hematologic_disorder", "ana"]).verdict
    'classified as SLE (ACR 1997, 4 of 11 criteria)'
    """
    present = plain(items, _CODE_SET)
    missing = plain(not_assessed, _CODE_SET)
    if present is None or missing is None or not missing.isdisjoint(present):
        # Anything but frozensets of plain known codes (the per-call hot path, kept
        # as given): read, spelt canonically, or reported.
        present, missing = item_codes(items, not_assessed, _CODES, _VOCABULARY)
    return Classification(present, missing)


def classify_findings(
    findings: Iterable[ItemFinding], *, as_of: datetime.date | None = None
) -> Classification:
    """Classify from per-criterion findings (the evidence-level path).

    Every criterion must have exactly one finding. The first-fulfilled date is the
    earliest date by which 4 criteria were present (``None`` when not classified or
    when a present finding has no date).
    """
    _args.check(findings=findings, as_of=_args.optional(as_of))
    return _classified(ordered_findings(findings, list(_BY_CODE), _VOCABULARY), as_of)


def _classified(ordered: tuple[ItemFinding, ...], as_of: datetime.date | None) -> Classification:
    """:func:`classify_findings` of findings known to be one per criterion in table
    order (what the rules give at every visit: nothing to check or order)."""
    present = codes_with(ordered, ItemStatus.PRESENT)
    first = first_fulfilled(ordered, _meets_rule) if _meets_rule(present) else None
    return Classification(
        present, codes_with(ordered, ItemStatus.NOT_ASSESSED), ordered, as_of, first
    )


# --- Evidence level ---------------------------------------------------------------
# Each criterion as the publication words it, applied to the shared observations.
# A clinician's direct assertion (``acr_1997.<code>``) is accepted as evidence too.

_LEUKOPENIA_BELOW = 4000  # "Leukopenia - less than 4,000/mm³ total on 2 or more occasions"
_LYMPHOPENIA_BELOW = 1500  # "Lymphopenia - less than 1,500/mm³ on 2 or more occasions"
_THROMBOCYTOPENIA_BELOW = 100_000  # "Thrombocytopenia - less than 100,000/mm³"
_PROTEINURIA_ABOVE_G = Fraction("0.5")  # "Persistent proteinuria greater than 0.5 grams per day"
_DIPSTICK_ABOVE_3 = "4+"  # "or greater than 3+ if quantitation not performed"
_CELLULAR_CASTS = ("red_cell", "heme_granular", "granular", "tubular", "mixed")
_JOINTS_AT_LEAST = 2  # "involving 2 or more peripheral joints"
_SYPHILIS_MONTHS = 6  # "known to be positive for at least 6 months"


def _distinct_occasions(earlier: datetime.date | None, later: datetime.date | None) -> bool:
    # Two observations are two occasions when dated on different days; an undated
    # observation is a measurement of its own.
    return earlier is None or later is None or earlier < later


def _six_months_apart(earlier: datetime.date | None, later: datetime.date | None) -> bool:
    return (
        earlier is not None
        and later is not None
        and later >= months_after(earlier, _SYPHILIS_MONTHS)
    )


def _anticardiolipin_abnormal(o: Observation) -> bool | None:
    # "an abnormal serum level of IgG or IgM antibodies to cardiolipin"
    if isinstance(o.value, str):
        return o.value != "negative"
    if o.upper_limit is not None:
        return o.versus_limit(">")
    return anticardiolipin_medium_or_high(o)  # no laboratory limit: > 40 GPL/MPL units


def _igg_or_igm(o: Observation) -> bool:
    return o.isotype != "IgA"


# Each criterion's rule on its own (the record read at each visit runs a rule only
# when a code it reads has a new observation): "_d" is the combinators' module.
_d = _derive_module


def _hematologic_disorder(evidence: _derive_module.Index) -> Signal:
    low_white = leukopenia(evidence, below=_LEUKOPENIA_BELOW)
    low_lymphocytes = lymphopenia(evidence, below=_LYMPHOPENIA_BELOW)
    return _d.any_of(
        "hemolytic anaemia with reticulocytosis, leukopenia or lymphopenia on >= 2 "
        "occasions, or thrombocytopenia",
        _d.all_of(
            "hemolytic anaemia with reticulocytosis",
            _d.present_each(
                evidence,
                ("hemolytic_anemia", "hemolytic anaemia"),
                ("reticulocytosis", "reticulocytosis"),
            ),
            _d.EPISODE_DAYS,
        ),
        _d.repeated(low_white, f"{low_white.description} on >= 2 occasions", _distinct_occasions),
        _d.repeated(
            low_lymphocytes,
            f"{low_lymphocytes.description} on >= 2 occasions",
            _distinct_occasions,
        ),
        thrombocytopenia(evidence, below=_THROMBOCYTOPENIA_BELOW),
    )


_RULES: dict[str, _derive_module.Rule] = {
    "malar_rash": lambda evidence: _d.present(evidence, "malar_rash", "malar rash"),
    "discoid_rash": lambda evidence: _d.present(evidence, "discoid_lupus", "discoid rash"),
    "photosensitivity": lambda evidence: _d.any_of(
        "rash from an unusual reaction to sunlight, by history or observation",
        _d.present(evidence, "photosensitivity", "photosensitive rash"),
        _d.present(evidence, "photosensitive_lupus_rash", "photosensitive lupus rash"),
    ),
    "oral_ulcers": lambda evidence: _d.any_of(
        "oral or nasopharyngeal ulceration observed by a physician",
        *_d.present_each(
            evidence, ("oral_ulcers", "oral ulcers"), ("nasal_ulcers", "nasopharyngeal ulcers")
        ),
        *recorded(evidence, "oral_or_nasal_ulcers", "oral or nasal ulcers (site not stated)"),
    ),
    "arthritis": lambda evidence: arthritis(
        evidence,
        f"arthritis of >= {written(_JOINTS_AT_LEAST)} peripheral joints with tenderness, "
        "swelling or effusion",
        joints_at_least=_JOINTS_AT_LEAST,
    ),
    "serositis": lambda evidence: _d.any_of(
        "pleuritis (pleuritic pain, rub or effusion) or pericarditis (ECG, rub or effusion)",
        *_d.present_each(
            evidence,
            ("pleuritic_pain", "pleuritic pain"),
            ("pleural_rub", "pleural rub"),
            ("pleural_effusion", "pleural effusion"),
            ("pericarditis_on_ecg", "pericarditis on ECG"),
            ("pericardial_rub", "pericardial rub"),
            ("pericardial_effusion", "pericardial effusion"),
        ),
        *recorded(evidence, "serositis", "serositis (features not stated)"),
    ),
    "renal_disorder": lambda evidence: _d.any_of(
        f"proteinuria > {written(_PROTEINURIA_ABOVE_G)} g/day (> 3+ if not quantified) "
        "or cellular casts",
        *proteinuria_measures(evidence, above=_PROTEINURIA_ABOVE_G),
        _d.test(
            evidence,
            "urine_protein_dipstick",
            lambda o: o.value == _DIPSTICK_ABOVE_3,
            "dipstick proteinuria > 3+",
        ),
        _d.test(
            evidence,
            "urinary_casts",
            lambda o: o.value in _CELLULAR_CASTS,
            "cellular casts",
        ),
    ),
    "neurologic_disorder": lambda evidence: _d.any_of(
        "seizures or psychosis",
        *_d.present_each(evidence, ("seizure", "seizure"), ("psychosis", "psychosis")),
    ),
    "hematologic_disorder": _hematologic_disorder,
    "immunologic_disorder": lambda evidence: _d.any_of(
        "anti-DNA, anti-Sm or antiphospholipid antibodies",
        _d.test(evidence, "anti_dsdna", above_upper_limit, "anti-native DNA abnormal"),
        _d.positive(evidence, "anti_sm", "anti-Sm positive"),
        _d.test(
            _d.kept(evidence, "anticardiolipin", _igg_or_igm),
            "anticardiolipin",
            _anticardiolipin_abnormal,
            "IgG or IgM anticardiolipin abnormal",
        ),
        _d.positive(evidence, "lupus_anticoagulant", "lupus anticoagulant positive"),
        _d.repeated(
            _d.positive(evidence, "false_positive_syphilis_test", "false-positive syphilis test"),
            f"false-positive syphilis test known for >= {_SYPHILIS_MONTHS} months",
            _six_months_apart,
        ),
    ),
    # "An abnormal titer": the laboratory's cut-off titre where given
    # (ana_screening_dilution), else 1:80.
    "ana": lambda evidence: ana_above_reference_range(
        evidence, f"ANA abnormal titre (>= 1:{ANA_TITRE_AT_LEAST}) or positive"
    ),
}


def _derive(evidence: _derive_module.Index) -> dict[str, Signal]:
    """Every criterion's signal from the evidence, before the item assertions."""
    return {code: rule(evidence) for code, rule in _RULES.items()}


def derive(observations: Iterable[Observation]) -> tuple[ItemFinding, ...]:
    """Every criterion's :class:`ItemFinding` from observations (no date filtering).

    Findings explained by another cause (``explained_by``) do not count.
    """
    _args.check(observations=observations)
    return derive_findings(observations, "acr_1997", _BY_CODE, _derive)


def classify_patient(patient: Patient, *, as_of: datetime.date | None = None) -> Classification:
    """Classify a patient from dated evidence (ACR 1997).

    Uses every observation up to ``as_of`` (all of them by default: criteria count
    "serially or simultaneously, during any interval of observation") and reports
    the date on which 4 criteria were first present.
    """
    _args.check(patient=patient, as_of=_args.optional(as_of))
    evidence = evidence_up_to(patient, as_of)
    return _classified(findings_by_rule(evidence, "acr_1997", _BY_CODE, _RULES), as_of)


def __dir__() -> list[str]:
    # The public API is what __all__ lists (as in pypa/packaging).
    return list(__all__)


#: The 1997 ACR criteria in the instrument registry (``sle_scoring.INSTRUMENTS``).
INSTRUMENT = Instrument(
    name="acr_1997",
    title="1997 ACR classification criteria",
    source=SOURCE,
    scope="classification_as_of",
    codes=_ORDER,
    fields=(
        "count",
        "classified",
        "complete",
        "could_change_verdict",
        "max_possible",
        "as_of",
        "first_fulfilled",
        "present",
        "not_assessed",
        "explained",
        "verdict",
    ),
    from_items=classify,
    from_evidence=classify_patient,
    rules=_derive,
)
