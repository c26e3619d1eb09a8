"""The 2012 SLICC classification criteria for systemic lupus erythematosus.

Source: Petri M, Orbai AM, Alarcón GS, et al. Derivation and validation of the
Systemic Lupus International Collaborating Clinics classification criteria for
systemic lupus erythematosus. Arthritis Rheum 2012;64:2677-2686
(doi:10.1002/art.34473). Validation set: sensitivity 97%, specificity 84%.

These are classification criteria for research; a result is never a diagnosis.

Rules implemented:

- Rule A: at least 4 of the 17 criteria, including at least 1 clinical and at least
  1 immunologic criterion.
- Rule B: biopsy-proven lupus nephritis (compatible with SLE) in the presence of
  ANA or anti-dsDNA. The biopsy is not one of the 17 criteria.
- Criteria are cumulative and need not be present concurrently.
- Each numbered criterion counts once (acute and subacute cutaneous lupus together
  are one criterion; leukopenia or lymphopenia is one).
- A positive direct Coombs test counts as an immunologic criterion only "in the
  absence of hemolytic anemia": with hemolytic anaemia present it does not count
  (hemolytic anaemia counts as clinical criterion 9 instead). When hemolytic
  anaemia was not assessed, the Coombs test counts and the result says whether
  hemolytic anaemia could change the verdict.
- Findings with another known cause do not count.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Collection, Iterable
from fractions import Fraction

import attrs

from . import _args
from . import _derive as _derive_module
from ._definitions import (
    ANA_TITRE_AT_LEAST,
    ana_above_reference_range,
    anticardiolipin_medium_or_high,
    joint_involvement,
    leukopenia,
    low_complement,
    lymphopenia,
    proteinuria_measures,
    recorded,
    thrombocytopenia,
    written,
)
from ._derive import Signal, findings_by_rule
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
    "BIOPSY",
    "CLASSIFICATION_THRESHOLD",
    "CRITERIA",
    "INSTRUMENT",
    "SOURCE",
    "Classification",
    "Criterion",
    "Rule",
    "classify",
    "classify_findings",
    "classify_patient",
    "derive",
]

SOURCE = (
    "Petri M, et al. Derivation and validation of the Systemic Lupus International "
    "Collaborating Clinics classification criteria for systemic lupus erythematosus. "
    "Arthritis Rheum 2012;64:2677-2686"
)

#: Rule A: "at least 4 criteria, including at least one clinical criterion and one
#: immunologic criterion".
CLASSIFICATION_THRESHOLD = 4


class Criterion(str, enum.Enum):
    """The stable codes of the 11 clinical and 6 immunologic criteria, and the biopsy."""

    ACUTE_CUTANEOUS_LUPUS = "acute_cutaneous_lupus"
    CHRONIC_CUTANEOUS_LUPUS = "chronic_cutaneous_lupus"
    ORAL_OR_NASAL_ULCERS = "oral_or_nasal_ulcers"
    NON_SCARRING_ALOPECIA = "non_scarring_alopecia"
    SYNOVITIS = "synovitis"
    SEROSITIS = "serositis"
    RENAL = "renal"
    NEUROLOGIC = "neurologic"
    HEMOLYTIC_ANEMIA = "hemolytic_anemia"
    LEUKOPENIA_OR_LYMPHOPENIA = "leukopenia_or_lymphopenia"
    THROMBOCYTOPENIA = "thrombocytopenia"
    ANA = "ana"
    ANTI_DSDNA = "anti_dsdna"
    ANTI_SM = "anti_sm"
    ANTIPHOSPHOLIPID_ANTIBODY = "antiphospholipid_antibody"
    LOW_COMPLEMENT = "low_complement"
    DIRECT_COOMBS = "direct_coombs"
    LUPUS_NEPHRITIS_BIOPSY = "lupus_nephritis_biopsy"


class Rule(str, enum.Enum):
    """The two ways to be classified (Petri et al. 2012, the SLICC rule)."""

    FOUR_CRITERIA = "A"
    LUPUS_NEPHRITIS = "B"

    @property
    def description(self) -> str:
        """The rule in words."""
        if self is Rule.FOUR_CRITERIA:
            return ">= 4 criteria with >= 1 clinical and >= 1 immunologic"
        return "biopsy-proven lupus nephritis with ANA or anti-dsDNA"


CLINICAL = "clinical"
IMMUNOLOGIC = "immunologic"


def _criterion(code: Criterion, domain: str, kind: str, definition: str) -> Item:
    return Item(code.value, domain, kind, 1, definition, SOURCE)


#: The 17 criteria in the publication's order (clinical 1-11, immunologic 1-6).
#: Each counts 1.
CRITERIA: tuple[Item, ...] = (
    _criterion(
        Criterion.ACUTE_CUTANEOUS_LUPUS,
        "mucocutaneous",
        CLINICAL,
        "lupus malar rash (not malar discoid), bullous lupus, toxic epidermal necrolysis "
        "variant of SLE, maculopapular lupus rash, photosensitive lupus rash (without "
        "dermatomyositis), or subacute cutaneous lupus",
    ),
    _criterion(
        Criterion.CHRONIC_CUTANEOUS_LUPUS,
        "mucocutaneous",
        CLINICAL,
        "classic discoid rash (localised or generalised), hypertrophic (verrucous) lupus, "
        "lupus panniculitis (profundus), mucosal lupus, lupus tumidus, chilblain lupus, "
        "or discoid lupus/lichen planus overlap",
    ),
    _criterion(
        Criterion.ORAL_OR_NASAL_ULCERS,
        "mucocutaneous",
        CLINICAL,
        "oral (palate, buccal, tongue) or nasal ulcers, without another cause",
    ),
    _criterion(
        Criterion.NON_SCARRING_ALOPECIA,
        "mucocutaneous",
        CLINICAL,
        "diffuse thinning or hair fragility with visible broken hairs, without another cause",
    ),
    _criterion(
        Criterion.SYNOVITIS,
        "musculoskeletal",
        CLINICAL,
        "swelling or effusion in >= 2 joints, or tenderness in >= 2 joints with >= 30 "
        "minutes of morning stiffness",
    ),
    _criterion(
        Criterion.SEROSITIS,
        "serosal",
        CLINICAL,
        "typical pleurisy > 1 day, pleural effusion or pleural rub; or typical pericardial "
        "pain > 1 day, pericardial effusion, pericardial rub or pericarditis on ECG",
    ),
    _criterion(
        Criterion.RENAL,
        "renal",
        CLINICAL,
        "urine protein/creatinine ratio or 24-hour urine protein representing >= 500 mg "
        "protein/24 h, or red blood cell casts",
    ),
    _criterion(
        Criterion.NEUROLOGIC,
        "neurologic",
        CLINICAL,
        "seizures, psychosis, mononeuritis multiplex, myelitis, peripheral or cranial "
        "neuropathy, or acute confusional state, without another cause",
    ),
    _criterion(Criterion.HEMOLYTIC_ANEMIA, "hematologic", CLINICAL, "hemolytic anaemia"),
    _criterion(
        Criterion.LEUKOPENIA_OR_LYMPHOPENIA,
        "hematologic",
        CLINICAL,
        "white cells < 4,000/mm³ at least once, or lymphocytes < 1,000/mm³ at least once, "
        "without another cause",
    ),
    _criterion(
        Criterion.THROMBOCYTOPENIA,
        "hematologic",
        CLINICAL,
        "platelets < 100,000/mm³ at least once, without another cause",
    ),
    _criterion(
        Criterion.ANA, "autoantibodies", IMMUNOLOGIC, "ANA above the laboratory reference range"
    ),
    _criterion(
        Criterion.ANTI_DSDNA,
        "autoantibodies",
        IMMUNOLOGIC,
        "anti-dsDNA above the laboratory reference range (> 2 times the reference range by ELISA)",
    ),
    _criterion(Criterion.ANTI_SM, "autoantibodies", IMMUNOLOGIC, "anti-Sm present"),
    _criterion(
        Criterion.ANTIPHOSPHOLIPID_ANTIBODY,
        "autoantibodies",
        IMMUNOLOGIC,
        "lupus anticoagulant, false-positive RPR, medium or high titre anticardiolipin "
        "(IgA, IgG or IgM), or anti-β2-glycoprotein I (IgA, IgG or IgM)",
    ),
    _criterion(Criterion.LOW_COMPLEMENT, "complement", IMMUNOLOGIC, "low C3, low C4 or low CH50"),
    _criterion(
        Criterion.DIRECT_COOMBS,
        "autoantibodies",
        IMMUNOLOGIC,
        "positive direct Coombs test; counts only in the absence of hemolytic anaemia",
    ),
)

#: Rule B's biopsy: lupus nephritis compatible with SLE on renal biopsy (not a criterion).
BIOPSY = Item(
    Criterion.LUPUS_NEPHRITIS_BIOPSY.value,
    "renal",
    "biopsy",
    0,
    "biopsy-proven lupus nephritis compatible with SLE",
    SOURCE,
)

_BY_CODE: dict[str, Item] = {item.code: item for item in (*CRITERIA, BIOPSY)}
_CODES: dict[str, str] = {code: code for code in _BY_CODE}
_CODE_SET = frozenset(_CODES)
_VOCABULARY = "SLICC 2012"
_ORDER = tuple(_BY_CODE)
_POSITION = positions(_ORDER)
_COOMBS = Criterion.DIRECT_COOMBS.value
_HEMOLYTIC_ANEMIA = Criterion.HEMOLYTIC_ANEMIA.value
_ANTIBODIES_WITH_BIOPSY = frozenset({Criterion.ANA.value, Criterion.ANTI_DSDNA.value})


def _counted(present: Collection[str]) -> tuple[Item, ...]:
    """The criteria that count: each present criterion once, except a positive
    Coombs test when hemolytic anaemia is present."""
    # (list comprehensions: asked at every visit, and for each date of its criteria)
    return tuple(
        [
            item
            for item in CRITERIA
            if item.code in present and not (item.code == _COOMBS and _HEMOLYTIC_ANEMIA in present)
        ]
    )


def _clinical(counted: tuple[Item, ...]) -> int:
    """How many of the criteria that count are clinical."""
    return len([item for item in counted if item.kind == CLINICAL])


def _rules_met(present: Collection[str]) -> tuple[Rule, ...]:
    counted = _counted(present)
    clinical = _clinical(counted)
    immunologic = len(counted) - clinical
    rules = []
    if len(counted) >= CLASSIFICATION_THRESHOLD and clinical >= 1 and immunologic >= 1:
        rules.append(Rule.FOUR_CRITERIA)
    if BIOPSY.code in present and _ANTIBODIES_WITH_BIOPSY & set(present):
        rules.append(Rule.LUPUS_NEPHRITIS)
    return tuple(rules)


@attrs.frozen
class Classification:
    """The result of applying the 2012 SLICC criteria.

    ``clinical_count`` and ``immunologic_count`` are the criteria that count (each
    numbered criterion once; a positive Coombs test not with hemolytic anaemia);
    ``rules_met`` says which rule classified (A, B, both or none);
    ``first_fulfilled`` is the earliest date on which a rule was met, when dated
    evidence was given.

    A classification for research; never a diagnosis.
    """

    present: frozenset[str]
    not_assessed: frozenset[str]
    clinical_count: int
    immunologic_count: int
    rules_met: tuple[Rule, ...]
    findings: tuple[ItemFinding, ...] = ()
    as_of: datetime.date | None = None
    first_fulfilled: datetime.date | None = None

    @property
    def classified(self) -> bool:
        """Whether rule A or rule B was met."""
        return bool(self.rules_met)

    @property
    def count(self) -> int:
        """The number of criteria that count (clinical + immunologic)."""
        return self.clinical_count + self.immunologic_count

    @property
    def counted(self) -> tuple[Item, ...]:
        """The criteria that count, in the publication's order."""
        return _counted(self.present)

    @property
    def coombs_counted(self) -> bool:
        """Whether a positive direct Coombs test counted (no hemolytic anaemia present)."""
        return _COOMBS in self.present and _HEMOLYTIC_ANEMIA not in self.present

    @property
    def explained(self) -> tuple[ItemFinding, ...]:
        """Findings left out because another cause explains them (evidence level)."""
        return tuple(f for f in self.findings if f.status is ItemStatus.EXPLAINED)

    def _possible_verdicts(self) -> set[bool]:
        # Every criterion but hemolytic anaemia can only add to a rule; hemolytic
        # anaemia can also take the Coombs test away. These four cases bound all
        # the ways the items not assessed could turn out.
        hemolytic = self.not_assessed & {_HEMOLYTIC_ANEMIA}
        others = self.not_assessed - hemolytic
        cases = (
            self.present,
            self.present | hemolytic,
            self.present | others,
            self.present | self.not_assessed,
        )
        return {bool(_rules_met(case)) for case in cases}

    @property
    def complete(self) -> bool:
        """True when every criterion was assessed."""
        return not self.not_assessed

    @property
    def could_change_verdict(self) -> bool:
        """Whether items not assessed could change the verdict, either way."""
        return len(self._possible_verdicts()) > 1

    @property
    def verdict(self) -> str:
        """One line: classified and by which rule, or not and why."""
        if self.classified:
            rules = " and ".join(f"rule {rule.value}" for rule in self.rules_met)
            details = "; ".join(rule.description for rule in self.rules_met)
            verdict = f"classified as SLE (SLICC 2012, {rules}: {details})"
            if self.first_fulfilled is not None:
                verdict += f"; criteria first fulfilled on {self.first_fulfilled.isoformat()}"
            if self.could_change_verdict:
                verdict += (
                    "; hemolytic_anemia not assessed could change this (with hemolytic "
                    "anaemia the Coombs test does not count)"
                )
            return verdict
        if self.count < CLASSIFICATION_THRESHOLD:
            reason = f"{self.count} criteria < {CLASSIFICATION_THRESHOLD}"
        elif self.clinical_count == 0:
            reason = "no clinical criterion"
        else:
            reason = "no immunologic criterion"
        if BIOPSY.code in self.present:
            reason += "; lupus nephritis on biopsy without ANA or anti-dsDNA"
        verdict = f"not classified ({reason})"
        if self.could_change_verdict:
            verdict += f"; {len(self.not_assessed)} items not assessed could change this"
        return verdict

    def finding(self, code: str | Criterion) -> ItemFinding:
        """How one criterion was decided (item level: from the codes given); raises
        :class:`~sle_scoring.exceptions.UnknownCodeError` for an unknown code."""
        return item_of(code, _CODES, _VOCABULARY, self.findings, self.present, self.not_assessed)

    def as_record(self) -> dict[str, RecordValue]:
        """The classification as one flat record, keys ``slicc_2012.<field>``
        (:data:`INSTRUMENT` ``.fields``; code lists in table order)."""
        return prefixed(
            "slicc_2012",
            {
                "count": self.count,
                "clinical_count": self.clinical_count,
                "immunologic_count": self.immunologic_count,
                "rules_met": " ".join(rule.value for rule in self.rules_met),
                "classified": self.classified,
                "complete": self.complete,
                "could_change_verdict": self.could_change_verdict,
                "as_of": iso(self.as_of),
                "first_fulfilled": iso(self.first_fulfilled),
                **item_fields(self.present, self.not_assessed, self.findings, _POSITION),
                "verdict": self.verdict,
            },
        )

    def _status_line(self, number: int, item: Item) -> str:
        status = self.finding(item.code).status.value
        if item.code == _COOMBS and item.code in self.present:
            if not self.coombs_counted:
                status += " (not counted: hemolytic anaemia present)"
            elif _HEMOLYTIC_ANEMIA in self.not_assessed:
                status += " (counted: hemolytic anaemia not assessed)"
            else:
                status += " (counted: no hemolytic anaemia)"
        return f"  {number:>2}. {item.code:<27} {status}"

    def explain(self) -> str:
        """A readable account of the classification, criterion by criterion."""
        lines = ["2012 SLICC classification criteria for SLE (research use, not a diagnosis)"]
        if self.as_of is not None:
            lines.append(f"Evidence up to {self.as_of.isoformat()}")
        for kind in (CLINICAL, IMMUNOLOGIC):
            lines.append(f"{kind.capitalize()} criteria:")
            items = [item for item in CRITERIA if item.kind == kind]
            lines.extend(self._status_line(n, item) for n, item in enumerate(items, 1))
        lines.append(f"Renal biopsy: {BIOPSY.code} {self.finding(BIOPSY.code).status.value}")
        lines.append(
            f"Counted: clinical {self.clinical_count} + immunologic {self.immunologic_count} "
            f"= {self.count} criteria (rule A: {Rule.FOUR_CRITERIA.description})"
        )
        lines.extend(left_out(self.findings))
        lines.append(f"Verdict: {self.verdict}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.explain()


def _classification(
    present: frozenset[str],
    not_assessed: frozenset[str],
    findings: tuple[ItemFinding, ...] = (),
    as_of: datetime.date | None = None,
    first_fulfilled: datetime.date | None = None,
) -> Classification:
    counted = _counted(present)
    clinical = _clinical(counted)
    return Classification(
        present=present,
        not_assessed=not_assessed,
        clinical_count=clinical,
        immunologic_count=len(counted) - clinical,
        rules_met=_rules_met(present),
        findings=findings,
        as_of=as_of,
        first_fulfilled=first_fulfilled,
    )


def classify(
    items: Iterable[str | Criterion], *, not_assessed: Iterable[str | Criterion] = ()
) -> Classification:
    """Classify from item codes (the caller already decided each criterion).

    ``items`` are the criteria present (``lupus_nephritis_biopsy`` for rule B's
    biopsy; ``direct_coombs`` for a positive direct Coombs test, which the rule
    leaves out when ``hemolytic_anemia`` is also present); codes in
    ``not_assessed`` had no evidence either way; every other criterion is taken as
    assessed and absent. Implements Petri et al. 2012 (see the module docstring).

    >>> result = classify(["synovitis", "serositis", "thrombocytopenia", "ana"])
    >>> (result.clinical_count, result.immunologic_count, result.classified)
    (3, 1, True)
    >>> classify(["synovitis", "serositis", "hemolytic_anemia", "direct_coombs"]).classified
    False
    """
    present = plain(items, _CODE_SET)
    missing = plain(not_assessed, _CODE_SET)
    if present is None or missing is None or not missing.isdisjoint(present):
        # Anything but frozensets of plain known codes (the per-call hot path, kept
        # as given): read, spelt canonically, or reported.
        present, missing = item_codes(items, not_assessed, _CODES, _VOCABULARY)
    return _classification(present, missing)


def classify_findings(
    findings: Iterable[ItemFinding], *, as_of: datetime.date | None = None
) -> Classification:
    """Classify from per-criterion findings (the evidence-level path).

    Every criterion (and the biopsy) must have exactly one finding. The
    first-fulfilled date is the earliest date on which rule A or rule B was met by
    the findings dated on or before it (``None`` when not classified or when a
    present finding has no date).
    """
    _args.check(findings=findings, as_of=_args.optional(as_of))
    return _classified(ordered_findings(findings, list(_BY_CODE), _VOCABULARY), as_of)


def _classified(ordered: tuple[ItemFinding, ...], as_of: datetime.date | None) -> Classification:
    """:func:`classify_findings` of findings known to be one per criterion in table
    order (what the rules give at every visit: nothing to check or order)."""
    present = codes_with(ordered, ItemStatus.PRESENT)
    first = None
    if _rules_met(present):
        first = first_fulfilled(ordered, lambda codes: bool(_rules_met(codes)))
    return _classification(
        present, codes_with(ordered, ItemStatus.NOT_ASSESSED), ordered, as_of, first
    )


# --- Evidence level ---------------------------------------------------------------
# Each criterion as the publication words it, applied to the shared observations.
# A clinician's direct assertion (``slicc_2012.<code>``) is accepted as evidence too.
# ANA, complement and anticardiolipin are judged exactly as for EULAR/ACR 2019.

_LEUKOPENIA_BELOW = 4000  # "Leukopenia (< 4000/mm³ at least once)"
_LYMPHOPENIA_BELOW = 1000  # "Lymphopenia (< 1000/mm³ at least once)"
_THROMBOCYTOPENIA_BELOW = 100_000  # "Thrombocytopenia (< 100,000/mm³) at least once"
_PROTEINURIA_AT_LEAST_G = Fraction("0.5")  # "representing 500 mg protein/24 hours"
_ELISA_TIMES_UPPER_LIMIT = 2  # "If tested by ELISA: twice above laboratory reference range"


def _by_elisa(o: Observation) -> bool:
    return o.assay == "elisa"  # a closed list (vocabulary.ASSAYS): no spelling to guess


def _anti_dsdna_judged(o: Observation) -> bool:
    # An ELISA 'positive' call without a level cannot show "twice above" the range.
    return not (_by_elisa(o) and o.value == "positive")


def _anti_dsdna_above_range(o: Observation) -> bool | None:
    if isinstance(o.value, str):
        return o.value == "positive"
    times = _ELISA_TIMES_UPPER_LIMIT if _by_elisa(o) else 1
    return o.versus_limit(">", times=times)


# Each criterion's rule on its own (the record read at each visit runs a rule only
# when a code it reads has a new observation): "_d" is the combinators' module.
_d = _derive_module


def _low_white(evidence: _derive_module.Index) -> Signal:
    return leukopenia(evidence, below=_LEUKOPENIA_BELOW)


def _low_lymphocytes(evidence: _derive_module.Index) -> Signal:
    return lymphopenia(evidence, below=_LYMPHOPENIA_BELOW)


def _leukopenia_or_lymphopenia(evidence: _derive_module.Index) -> Signal:
    low_white, low_lymphocytes = _low_white(evidence), _low_lymphocytes(evidence)
    return _d.any_of(
        f"{low_white.description} or {low_lymphocytes.description} at least once",
        low_white,
        low_lymphocytes,
    )


_RULES: dict[str, _derive_module.Rule] = {
    "acute_cutaneous_lupus": lambda evidence: _d.any_of(
        "acute or subacute cutaneous lupus",
        *_d.present_each(
            evidence,
            ("malar_rash", "malar rash"),
            ("bullous_lupus", "bullous lupus"),
            ("toxic_epidermal_necrolysis_lupus", "toxic epidermal necrolysis variant"),
            ("maculopapular_rash", "maculopapular lupus rash"),
            ("photosensitive_lupus_rash", "photosensitive lupus rash"),
            ("subacute_cutaneous_lupus", "subacute cutaneous lupus"),
        ),
    ),
    "chronic_cutaneous_lupus": lambda evidence: _d.any_of(
        "chronic cutaneous lupus",
        *_d.present_each(
            evidence,
            ("discoid_lupus", "discoid lupus"),
            ("hypertrophic_lupus", "hypertrophic (verrucous) lupus"),
            ("lupus_panniculitis", "lupus panniculitis"),
            ("mucosal_lupus", "mucosal lupus"),
            ("lupus_tumidus", "lupus tumidus"),
            ("chilblain_lupus", "chilblain lupus"),
            ("discoid_lupus_lichen_planus_overlap", "discoid lupus/lichen planus overlap"),
        ),
    ),
    "oral_or_nasal_ulcers": lambda evidence: _d.any_of(
        "oral or nasal ulcers",
        *_d.present_each(
            evidence, ("oral_ulcers", "oral ulcers"), ("nasal_ulcers", "nasal ulcers")
        ),
        *recorded(evidence, "oral_or_nasal_ulcers", "oral or nasal ulcers (site not stated)"),
    ),
    "non_scarring_alopecia": lambda evidence: _d.present(
        evidence, "non_scarring_alopecia", "non-scarring alopecia"
    ),
    "synovitis": lambda evidence: joint_involvement(evidence, "swelling"),
    "serositis": lambda evidence: _d.any_of(
        "pleurisy, pleural effusion or rub; pericardial pain, effusion, rub or ECG change",
        *_d.present_each(
            evidence,
            ("pleuritic_pain", "typical pleurisy"),
            ("pleural_effusion", "pleural effusion"),
            ("pleural_rub", "pleural rub"),
            ("pericardial_pain", "typical pericardial pain"),
            ("pericardial_effusion", "pericardial effusion"),
            ("pericardial_rub", "pericardial rub"),
            ("pericarditis_on_ecg", "pericarditis on ECG"),
        ),
        *recorded(evidence, "serositis", "serositis (features not stated)"),
    ),
    "renal": lambda evidence: _d.any_of(
        f"proteinuria representing >= {written(_PROTEINURIA_AT_LEAST_G * 1000)} mg/24 h, "
        "or red blood cell casts",
        *proteinuria_measures(evidence, at_least=_PROTEINURIA_AT_LEAST_G, in_mg=True),
        _d.test(evidence, "urinary_casts", lambda o: o.value == "red_cell", "red cell casts"),
    ),
    "neurologic": lambda evidence: _d.any_of(
        "seizures, psychosis, mononeuritis multiplex, myelitis, neuropathy or acute "
        "confusional state",
        *_d.present_each(
            evidence,
            ("seizure", "seizure"),
            ("psychosis", "psychosis"),
            ("mononeuritis_multiplex", "mononeuritis multiplex"),
            ("myelitis", "myelitis"),
            ("peripheral_neuropathy", "peripheral neuropathy"),
            ("cranial_neuropathy", "cranial neuropathy"),
            ("acute_confusional_state", "acute confusional state"),
            ("delirium", "delirium (an acute confusional state)"),
        ),
    ),
    "hemolytic_anemia": lambda evidence: _d.present(
        evidence, "hemolytic_anemia", "hemolytic anaemia"
    ),
    "leukopenia_or_lymphopenia": _leukopenia_or_lymphopenia,
    "thrombocytopenia": lambda evidence: thrombocytopenia(evidence, below=_THROMBOCYTOPENIA_BELOW),
    # "ANA level above laboratory reference range": the laboratory's cut-off titre
    # where given (ana_screening_dilution), else 1:80.
    "ana": lambda evidence: ana_above_reference_range(
        evidence, f"ANA >= 1:{ANA_TITRE_AT_LEAST} or positive"
    ),
    "anti_dsdna": lambda evidence: _d.test(
        _d.kept(evidence, "anti_dsdna", _anti_dsdna_judged),
        "anti_dsdna",
        _anti_dsdna_above_range,
        f"anti-dsDNA above the reference range (> {_ELISA_TIMES_UPPER_LIMIT}x by ELISA)",
    ),
    "anti_sm": lambda evidence: _d.positive(evidence, "anti_sm", "anti-Sm positive"),
    "antiphospholipid_antibody": lambda evidence: _d.any_of(
        "lupus anticoagulant, false-positive RPR, anticardiolipin medium/high or anti-β2GP1",
        _d.positive(evidence, "lupus_anticoagulant", "lupus anticoagulant positive"),
        _d.positive(evidence, "false_positive_syphilis_test", "false-positive RPR"),
        _d.test(
            evidence,
            "anticardiolipin",
            anticardiolipin_medium_or_high,
            "anticardiolipin at medium or high titre",
        ),
        _d.positive(evidence, "anti_beta2gp1", "anti-β2GP1 positive"),
    ),
    "low_complement": lambda evidence: _d.any_of(
        "low C3, low C4 or low CH50",
        low_complement(evidence, "c3"),
        low_complement(evidence, "c4"),
        low_complement(evidence, "ch50"),
    ),
    "direct_coombs": lambda evidence: _d.positive(
        evidence, "direct_coombs", "positive direct Coombs test"
    ),
    "lupus_nephritis_biopsy": lambda evidence: _d.test(
        evidence,
        "renal_biopsy_class",
        lambda o: o.value != "none",
        "renal biopsy showing lupus nephritis (any ISN/RPS class)",
    ),
}


def _derive(evidence: _derive_module.Index) -> dict[str, Signal]:
    """Every criterion's signal from the evidence, before the item assertions."""
    return {code: rule(evidence) for code, rule in _RULES.items()}


def derive(observations: Iterable[Observation]) -> tuple[ItemFinding, ...]:
    """Every criterion's :class:`ItemFinding` from observations (no date filtering).

    Findings explained by another cause (``explained_by``) do not count. A positive
    Coombs test counts only "in the absence of hemolytic anemia", whatever its
    cause: a hemolytic anaemia explained by another cause does not count as
    criterion 9, and it still keeps the Coombs test out.
    """
    _args.check(observations=observations)
    return _findings(_derive_module.index(observations))


def _findings(evidence: _derive_module.Index) -> tuple[ItemFinding, ...]:
    findings = findings_by_rule(evidence, "slicc_2012", _BY_CODE, _RULES)
    by_code = {f.code: f for f in findings}
    coombs, anaemia = by_code[_COOMBS], by_code[_HEMOLYTIC_ANEMIA]
    if coombs.status is ItemStatus.PRESENT and anaemia.status is ItemStatus.EXPLAINED:
        causes = ", ".join(anaemia.explained_by)
        coombs = attrs.evolve(
            coombs,
            status=ItemStatus.ABSENT,
            reason=f"{coombs.reason}; not counted: hemolytic anaemia is present (explained by "
            f"{causes}), and a positive Coombs test counts only in its absence",
            date=None,
        )
        findings = tuple(coombs if f.code == _COOMBS else f for f in findings)
    return findings


def classify_patient(patient: Patient, *, as_of: datetime.date | None = None) -> Classification:
    """Classify a patient from dated evidence (2012 SLICC).

    Uses every observation up to ``as_of`` (all of them by default: criteria are
    cumulative) and reports the date on which the criteria were first fulfilled.
    """
    _args.check(patient=patient, as_of=_args.optional(as_of))
    return _classified(_findings(evidence_up_to(patient, as_of)), as_of)


def __dir__() -> list[str]:
    # The public API is what __all__ lists (as in pypa/packaging).
    return list(__all__)


#: The 2012 SLICC criteria in the instrument registry (``sle_scoring.INSTRUMENTS``).
INSTRUMENT = Instrument(
    name="slicc_2012",
    title="2012 SLICC classification criteria",
    source=SOURCE,
    scope="classification_as_of",
    codes=_ORDER,
    fields=(
        "count",
        "clinical_count",
        "immunologic_count",
        "rules_met",
        "classified",
        "complete",
        "could_change_verdict",
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
