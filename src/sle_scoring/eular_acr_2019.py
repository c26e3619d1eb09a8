"""The 2019 EULAR/ACR classification criteria for systemic lupus erythematosus.

Source: Aringer M, Costenbader K, Daikh D, et al. 2019 European League Against
Rheumatism/American College of Rheumatology classification criteria for systemic
lupus erythematosus. Ann Rheum Dis 2019;78:1151-1159 (doi:10.1136/annrheumdis-2018-214819);
Arthritis Rheumatol 2019;71:1400-1412 (doi:10.1002/art.40930).

These are classification criteria for research; a result is never a diagnosis.

Rules implemented (numbers as in the publication's "additive criteria" box):

- Entry criterion: ANA at a titre of >= 1:80 on HEp-2 cells or an equivalent positive
  test, ever. Without it the additive criteria are not counted (the result still
  shows what they add up to, marked as not counted).
- Do not count a criterion if there is a more likely explanation than SLE.
- Occurrence on at least one occasion is sufficient; criteria need not be
  simultaneous.
- Within each domain, only the highest-weighted criterion counts.
- Classify as SLE with the entry criterion, at least one clinical criterion and
  >= 10 points.
"""

from __future__ import annotations

import datetime
import enum
import functools
from collections.abc import Callable, Collection, Iterable
from fractions import Fraction

import attrs

from . import _args
from . import _derive as _derive_module
from ._definitions import (
    ANA_ENTRY_DESCRIPTION,
    ANTICARDIOLIPIN_UNITS_ABOVE,
    above_upper_limit,
    ana_at_least_1_in_80_on_hep2,
    anticardiolipin_medium_or_high,
    fever,
    joint_involvement,
    leukopenia,
    low_complement,
    proteinuria,
    qualified,
    thrombocytopenia,
)
from ._derive import Signal, derive_findings, findings_by_rule
from ._items import (
    _EMPTIES,
    _EMPTY,
    Item,
    ItemFinding,
    ItemStatus,
    codes_with,
    first_fulfilled,
    item_codes,
    left_out,
    ordered_findings,
)
from ._registry import Instrument
from ._results import (
    RecordValue,
    bare,
    defaults_on_class,
    explained,
    iso,
    item_of,
    ordered_by,
    positions,
    prefixed,
    state,
)
from ._visits import evidence_up_to
from .evidence import Observation, Patient

__all__ = [
    "CLASSIFICATION_THRESHOLD",
    "CRITERIA",
    "DOMAINS",
    "ENTRY_CRITERION",
    "INSTRUMENT",
    "MAX_POINTS",
    "SOURCE",
    "Classification",
    "Criterion",
    "DomainResult",
    "classify",
    "classify_findings",
    "classify_patient",
    "derive",
]

SOURCE = (
    "Aringer M, et al. 2019 EULAR/ACR classification criteria for systemic lupus "
    "erythematosus. Ann Rheum Dis 2019;78:1151-1159; Arthritis Rheumatol 2019;71:1400-1412"
)

#: "at least one clinical criterion and >= 10 points"
CLASSIFICATION_THRESHOLD = 10


class Criterion(str, enum.Enum):
    """The stable codes of the entry criterion and the 22 additive criteria."""

    ANA_POSITIVE = "ana_positive"
    FEVER = "fever"
    LEUKOPENIA = "leukopenia"
    THROMBOCYTOPENIA = "thrombocytopenia"
    AUTOIMMUNE_HEMOLYSIS = "autoimmune_hemolysis"
    DELIRIUM = "delirium"
    PSYCHOSIS = "psychosis"
    SEIZURE = "seizure"
    NON_SCARRING_ALOPECIA = "non_scarring_alopecia"
    ORAL_ULCERS = "oral_ulcers"
    SUBACUTE_CUTANEOUS_OR_DISCOID_LUPUS = "subacute_cutaneous_or_discoid_lupus"
    ACUTE_CUTANEOUS_LUPUS = "acute_cutaneous_lupus"
    PLEURAL_OR_PERICARDIAL_EFFUSION = "pleural_or_pericardial_effusion"
    ACUTE_PERICARDITIS = "acute_pericarditis"
    JOINT_INVOLVEMENT = "joint_involvement"
    PROTEINURIA = "proteinuria"
    LUPUS_NEPHRITIS_CLASS_2_OR_5 = "lupus_nephritis_class_2_or_5"
    LUPUS_NEPHRITIS_CLASS_3_OR_4 = "lupus_nephritis_class_3_or_4"
    ANTIPHOSPHOLIPID_ANTIBODIES = "antiphospholipid_antibodies"
    LOW_C3_OR_LOW_C4 = "low_c3_or_low_c4"
    LOW_C3_AND_LOW_C4 = "low_c3_and_low_c4"
    ANTI_DSDNA_OR_ANTI_SMITH = "anti_dsdna_or_anti_smith"


CLINICAL = "clinical"
IMMUNOLOGIC = "immunologic"

ENTRY_CRITERION = Item(
    Criterion.ANA_POSITIVE.value,
    "entry",
    "entry",
    0,
    "ANA at a titre of >= 1:80 on HEp-2 cells or an equivalent positive test, ever",
    SOURCE,
)


def _criterion(code: Criterion, domain: str, kind: str, weight: int, definition: str) -> Item:
    return Item(code.value, domain, kind, weight, definition, SOURCE)


#: The additive criteria, in the publication's order (domain by domain).
CRITERIA: tuple[Item, ...] = (
    _criterion(Criterion.FEVER, "constitutional", CLINICAL, 2, "temperature > 38.3 °C"),
    _criterion(Criterion.LEUKOPENIA, "hematologic", CLINICAL, 3, "white cells < 4,000/mm³"),
    _criterion(Criterion.THROMBOCYTOPENIA, "hematologic", CLINICAL, 4, "platelets < 100,000/mm³"),
    _criterion(
        Criterion.AUTOIMMUNE_HEMOLYSIS,
        "hematologic",
        CLINICAL,
        4,
        "evidence of hemolysis (reticulocytosis, low haptoglobin, raised indirect "
        "bilirubin or raised LDH) and a positive direct antiglobulin (Coombs) test",
    ),
    _criterion(
        Criterion.DELIRIUM,
        "neuropsychiatric",
        CLINICAL,
        2,
        "acute fluctuating change in consciousness or arousal with reduced ability to "
        "focus, plus a change in cognition or in behaviour, mood or affect",
    ),
    _criterion(
        Criterion.PSYCHOSIS,
        "neuropsychiatric",
        CLINICAL,
        3,
        "delusions and/or hallucinations without insight, in the absence of delirium",
    ),
    _criterion(
        Criterion.SEIZURE,
        "neuropsychiatric",
        CLINICAL,
        5,
        "primary generalised or partial/focal seizure",
    ),
    _criterion(
        Criterion.NON_SCARRING_ALOPECIA,
        "mucocutaneous",
        CLINICAL,
        2,
        "non-scarring alopecia observed by a clinician",
    ),
    _criterion(
        Criterion.ORAL_ULCERS, "mucocutaneous", CLINICAL, 2, "oral ulcers observed by a clinician"
    ),
    _criterion(
        Criterion.SUBACUTE_CUTANEOUS_OR_DISCOID_LUPUS,
        "mucocutaneous",
        CLINICAL,
        4,
        "subacute cutaneous lupus or discoid lupus observed by a clinician "
        "(biopsy, if done, typical)",
    ),
    _criterion(
        Criterion.ACUTE_CUTANEOUS_LUPUS,
        "mucocutaneous",
        CLINICAL,
        6,
        "malar rash or generalised maculopapular rash observed by a clinician "
        "(biopsy, if done, typical)",
    ),
    _criterion(
        Criterion.PLEURAL_OR_PERICARDIAL_EFFUSION,
        "serosal",
        CLINICAL,
        5,
        "imaging evidence of pleural or pericardial effusion, or both",
    ),
    _criterion(
        Criterion.ACUTE_PERICARDITIS,
        "serosal",
        CLINICAL,
        6,
        ">= 2 of: pericardial chest pain, pericardial rub, ECG with new widespread ST "
        "elevation or PR depression, new or worsened pericardial effusion on imaging",
    ),
    _criterion(
        Criterion.JOINT_INVOLVEMENT,
        "musculoskeletal",
        CLINICAL,
        6,
        "synovitis in >= 2 joints, or tenderness in >= 2 joints with >= 30 minutes of "
        "morning stiffness",
    ),
    _criterion(
        Criterion.PROTEINURIA,
        "renal",
        CLINICAL,
        4,
        "proteinuria > 0.5 g/24 h (24-hour urine or equivalent spot ratio)",
    ),
    _criterion(
        Criterion.LUPUS_NEPHRITIS_CLASS_2_OR_5,
        "renal",
        CLINICAL,
        8,
        "renal biopsy: class II or V lupus nephritis (ISN/RPS 2003)",
    ),
    _criterion(
        Criterion.LUPUS_NEPHRITIS_CLASS_3_OR_4,
        "renal",
        CLINICAL,
        10,
        "renal biopsy: class III or IV lupus nephritis (ISN/RPS 2003)",
    ),
    _criterion(
        Criterion.ANTIPHOSPHOLIPID_ANTIBODIES,
        "antiphospholipid antibodies",
        IMMUNOLOGIC,
        2,
        "anticardiolipin (IgA, IgG or IgM) at medium or high titre (> 40 units or > 99th "
        "percentile), or positive anti-β2GP1, or positive lupus anticoagulant",
    ),
    _criterion(
        Criterion.LOW_C3_OR_LOW_C4,
        "complement proteins",
        IMMUNOLOGIC,
        3,
        "C3 or C4 below the lower limit of normal",
    ),
    _criterion(
        Criterion.LOW_C3_AND_LOW_C4,
        "complement proteins",
        IMMUNOLOGIC,
        4,
        "C3 and C4 both below their lower limits of normal",
    ),
    _criterion(
        Criterion.ANTI_DSDNA_OR_ANTI_SMITH,
        "SLE-specific antibodies",
        IMMUNOLOGIC,
        6,
        "anti-dsDNA in an immunoassay with >= 90% specificity for SLE, or anti-Sm",
    ),
)

#: The ten domains in the publication's order.
DOMAINS: tuple[str, ...] = tuple(dict.fromkeys(item.domain for item in CRITERIA))

_BY_CODE: dict[str, Item] = {item.code: item for item in (ENTRY_CRITERION, *CRITERIA)}
# Every accepted spelling (plain string or enum member) -> canonical plain string.
_CODES: dict[str, str] = {code: code for code in _BY_CODE}

#: Clinical 2+4+5+6+6+6+10 = 39 and immunologic 2+4+6 = 12.
MAX_POINTS = sum(max(i.weight for i in CRITERIA if i.domain == d) for d in DOMAINS)

_VOCABULARY = "EULAR/ACR 2019"
_ORDER = tuple(_BY_CODE)
_POSITION = positions(_ORDER)
_IN_ORDER = ordered_by(_POSITION)
_ENTRY = ENTRY_CRITERION.code


def _domain_points(present: Collection[str]) -> dict[str, Item]:
    """The one criterion that counts in each domain: the highest weighted present.

    Criteria are visited in the publication's order, so between two of equal weight
    (oral ulcers and non-scarring alopecia, 2 each) the one listed first is reported
    as counted, whatever the order of the input: the points are the same.
    """
    best: dict[str, Item] = {}
    for item in CRITERIA:
        if item.code not in present:
            continue
        current = best.get(item.domain)
        if current is None or item.weight > current.weight:
            best[item.domain] = item
    return best


# code -> (domain, weight, clinical?) for the additive criteria: the hot path reads
# plain tuples instead of Item attributes.
_SCORING: dict[str, tuple[str, int, bool]] = {
    item.code: (item.domain, item.weight, item.kind == CLINICAL) for item in CRITERIA
}


# Not remembered: on visits of two dozen independent items a cache of 4,096 sets
# missed a quarter of the time and cost more than the loop it saved.
def _tally(present: frozenset[str]) -> tuple[int, int]:
    """(clinical points, immunologic points): the highest criterion per domain."""
    best: dict[str, tuple[int, bool]] = {}
    for code in present:
        entry = _SCORING.get(code)
        if entry is None:  # the entry criterion adds no points
            continue
        domain, weight, clinical = entry
        current = best.get(domain)
        if current is None or weight > current[0]:
            best[domain] = (weight, clinical)
    clinical_points = immunologic_points = 0
    for weight, clinical in best.values():
        if clinical:
            clinical_points += weight
        else:
            immunologic_points += weight
    return clinical_points, immunologic_points


# The (clinical, immunologic) points of every combination of present criteria of
# the first four domains (11 criteria, 2,048 combinations) and of the other six (10),
# worked out once, so that the per-call hot path adds two look-ups by the bits of
# the criteria present (bit n: the n-th criterion of the table).
_BITS: dict[str, int] = {item.code: 1 << number for number, item in enumerate(CRITERIA)}
_BITS[_ENTRY] = 0  # the entry criterion adds no points (its key: every code is one)
_LOW_DOMAINS = 4
_LOW_CRITERIA = sum(1 for item in CRITERIA if item.domain in DOMAINS[:_LOW_DOMAINS])
_LOW_MASK = (1 << _LOW_CRITERIA) - 1


def _points_by_bits(domains: tuple[str, ...]) -> list[tuple[int, int]]:
    """The (clinical, immunologic) points of each combination of the criteria of
    ``domains`` (consecutive in the table), indexed by its bits.

    "Within each domain, only the highest criterion is counted", and the domains
    add: each domain's own combinations (by :func:`_tally`) are added to every
    combination of the domains before it, its criteria taking the next bits.
    """
    table = [(0, 0)]
    for domain in domains:
        codes = [item.code for item in CRITERIA if item.domain == domain]
        own = [
            _tally(frozenset(code for n, code in enumerate(codes) if bits >> n & 1))
            for bits in range(1 << len(codes))
        ]
        table = [(clinical + c, immunologic + i) for c, i in own for clinical, immunologic in table]
    return table


_LOW_POINTS = _points_by_bits(DOMAINS[:_LOW_DOMAINS])
_HIGH_POINTS = _points_by_bits(DOMAINS[_LOW_DOMAINS:])


def _points(present: Iterable[str]) -> tuple[int, int]:
    """:func:`_tally` by the bit tables (a code that is no criterion adds nothing, as
    there): what a result's verdict and record ask for, with every criterion not
    assessed present."""
    bits = 0
    for code in present:
        bits |= _BITS.get(code, 0)
    low_clinical, low_immunologic = _LOW_POINTS[bits & _LOW_MASK]
    high_clinical, high_immunologic = _HIGH_POINTS[bits >> _LOW_CRITERIA]
    return low_clinical + high_clinical, low_immunologic + high_immunologic


def _meets_rule(entry_met: bool, clinical_points: int, immunologic_points: int) -> bool:
    """Rule 5: the entry criterion, at least one clinical criterion counted (every
    clinical weight is > 0) and >= 10 points."""
    return (
        entry_met
        and clinical_points > 0
        and clinical_points + immunologic_points >= CLASSIFICATION_THRESHOLD
    )


@attrs.frozen
class DomainResult:
    """One domain of a classification: the criterion that counted and those it outranked.

    ``counted`` is ``None`` when no criterion of the domain was present;
    ``outranked`` lists criteria present but of lower (or equal) weight, which do not
    add points ("within each domain, only the highest criterion is counted");
    ``not_assessed`` lists the domain's criteria for which there was no evidence.
    """

    domain: str
    counted: Item | None
    outranked: tuple[Item, ...]
    not_assessed: tuple[Item, ...]

    @property
    def points(self) -> int:
        """The weight of the counted criterion, or 0."""
        return self.counted.weight if self.counted is not None else 0


# Not slotted, as sledai_2k.Score: built twice as fast, once for every visit of a batch.
@attrs.frozen(slots=False)
class Classification:
    """The result of applying the 2019 EULAR/ACR criteria.

    ``points`` is the additive total (highest criterion per domain); it is computed
    even when the entry criterion is not met, but then it is not counted and
    ``classified`` is False. ``max_possible`` adds what the criteria not assessed
    could still contribute. ``first_fulfilled`` is the earliest date on
    which the criteria were met, when dated evidence was given.

    A classification for research; never a diagnosis.
    """

    present: frozenset[str]
    not_assessed: frozenset[str]
    points: int
    clinical_points: int
    immunologic_points: int
    entry_criterion_met: bool
    classified: bool
    findings: tuple[ItemFinding, ...] = ()
    as_of: datetime.date | None = None
    first_fulfilled: datetime.date | None = None

    @property
    def entry_criterion_assessed(self) -> bool:
        """False when there was no evidence about ANA at all."""
        return ENTRY_CRITERION.code not in self.not_assessed

    @property
    def has_clinical_criterion(self) -> bool:
        """Whether at least one clinical criterion counted."""
        return self.clinical_points > 0

    @property
    def domains(self) -> tuple[DomainResult, ...]:
        """Per-domain breakdown in the publication's order."""
        counted = _domain_points(self.present)
        result = []
        for domain in DOMAINS:
            best = counted.get(domain)
            result.append(
                DomainResult(
                    domain=domain,
                    counted=best,
                    outranked=tuple(
                        item
                        for item in CRITERIA
                        if item.domain == domain and item.code in self.present and item is not best
                    ),
                    not_assessed=tuple(
                        item
                        for item in CRITERIA
                        if item.domain == domain and item.code in self.not_assessed
                    ),
                )
            )
        return tuple(result)

    @property
    def explained(self) -> tuple[ItemFinding, ...]:
        """Findings left out because another cause explains them (evidence level)."""
        return tuple(f for f in self.findings if f.status is ItemStatus.EXPLAINED)

    @property
    def complete(self) -> bool:
        """True when every criterion was assessed."""
        return not self.not_assessed

    @property
    def max_possible(self) -> int:
        """The points if every criterion not assessed turned out present."""
        return sum(self._possible())

    @property
    def max_possible_points(self) -> int:
        """The former name of :attr:`max_possible`."""
        return self.max_possible

    @property
    def could_change_verdict(self) -> bool:
        """True when not classified now but criteria not assessed could change that
        (criteria only add, so a classification cannot be undone)."""
        return self._could_change(self._possible())

    @property
    def could_be_classified(self) -> bool:
        """The former name of :attr:`could_change_verdict`."""
        return self.could_change_verdict

    def _could_change(self, possible: tuple[int, int]) -> bool:
        if self.classified:
            return False
        entry_possible = self.entry_criterion_met or not self.entry_criterion_assessed
        return _meets_rule(entry_possible, *possible)

    def _possible(self) -> tuple[int, int]:
        # (clinical, immunologic) points if every criterion not assessed were present
        if not self.not_assessed:
            return self.clinical_points, self.immunologic_points
        return _points(self.present | self.not_assessed)

    @property
    def verdict(self) -> str:
        """One line: classified, or not and why, including what is not assessed."""
        return self._verdict(self._possible())

    def _verdict(self, possible: tuple[int, int]) -> str:
        return _verdict(
            self.classified,
            self.first_fulfilled,
            self.entry_criterion_met,
            self.entry_criterion_assessed,
            self.has_clinical_criterion,
            self.points,
            possible,
        )

    def finding(self, code: str | Criterion) -> ItemFinding:
        """How one criterion was decided (item level: from the codes given); raises
        :class:`~sle_scoring.exceptions.UnknownCodeError` for an unknown code."""
        return item_of(code, _CODES, _VOCABULARY, self.findings, self.present, self.not_assessed)

    def as_record(self) -> dict[str, RecordValue]:
        """The classification as one flat record, keys ``eular_acr_2019.<field>``
        (:data:`INSTRUMENT` ``.fields``; code lists in table order)."""
        return prefixed("eular_acr_2019", {name: get(self) for name, get in _RECORD.items()})

    def record_values(self, fields: Iterable[str]) -> list[RecordValue]:
        """The values of ``fields`` of :meth:`as_record` (without the prefix), built
        alone: a batch writing a few columns does not format the others."""
        return [_RECORD[name](self) for name in fields]

    def explain(self) -> str:
        """A readable account of the classification, domain by domain."""
        lines = ["2019 EULAR/ACR classification criteria for SLE (research use, not a diagnosis)"]
        if self.as_of is not None:
            lines.append(f"Evidence up to {self.as_of.isoformat()}")
        entry = (
            "met"
            if self.entry_criterion_met
            else ("not assessed" if not self.entry_criterion_assessed else "not met")
        )
        lines.append(f"Entry criterion (ANA >= 1:80 on HEp-2 or equivalent): {entry}")
        reasons = {f.code: f.reason for f in self.findings if f.status is ItemStatus.PRESENT}
        # An ANA result that cannot show >= 1:80 (a HEp-2 positive without its
        # screening dilution) says why the criterion is not assessed.
        unshown = {
            f.code: f.reason
            for f in self.findings
            if f.status is ItemStatus.NOT_ASSESSED
            and f.reason != f"not assessed: {ANA_ENTRY_DESCRIPTION}"
        }
        reasons.update(unshown)
        if _ENTRY in reasons:
            lines.append(f"    {reasons[_ENTRY]}")
        for domain in self.domains:
            counted = f"{domain.counted.code} ({domain.counted.weight})" if domain.counted else "-"
            line = f"  {domain.domain:<29} {counted:<42} {domain.points:>2}"
            notes = []
            if domain.outranked:
                notes.append(
                    "outranked: " + ", ".join(f"{i.code} ({i.weight})" for i in domain.outranked)
                )
            if domain.not_assessed:
                notes.append("not assessed: " + ", ".join(i.code for i in domain.not_assessed))
            if notes:
                line += "  [" + "; ".join(notes) + "]"
            lines.append(line.rstrip())
            if domain.counted is not None and domain.counted.code in reasons:
                # evidence level: the observations behind the criterion that counted
                lines.append(f"    {reasons[domain.counted.code]}")
        total = (
            f"Clinical {self.clinical_points} + immunologic {self.immunologic_points} = "
            f"{self.points} points (threshold {CLASSIFICATION_THRESHOLD})"
        )
        if not self.entry_criterion_met:
            total += "; not counted: entry criterion not met"
        lines.append(total)
        lines.append(
            "At least one clinical criterion: " + ("yes" if self.has_clinical_criterion else "no")
        )
        lines.extend(left_out(self.findings))
        lines.append(f"Verdict: {self.verdict}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.explain()

    def __getstate__(self) -> dict[str, object]:
        """Every field, in field order (a hot-path value reads its defaults from
        the class): the pickle of the value ``__init__`` builds."""
        return state(self)


# The hot path stores only the fields without a default (_results.bare).
defaults_on_class(Classification)


# The verdict depends on these few values only: each sentence is built once (a
# batch writes the same few sentences on most rows).
@functools.lru_cache(maxsize=4096)
def _verdict(
    classified: bool,
    first_fulfilled: datetime.date | None,
    entry_met: bool,
    entry_assessed: bool,
    has_clinical: bool,
    points: int,
    possible: tuple[int, int],
) -> str:
    if classified:
        verdict = "classified as SLE (2019 EULAR/ACR)"
        if first_fulfilled is not None:
            verdict += f"; criteria first fulfilled on {first_fulfilled.isoformat()}"
        return verdict
    if not entry_met:
        reason = (
            "entry criterion (ANA >= 1:80) not assessed"
            if not entry_assessed
            else "entry criterion (ANA >= 1:80) not met"
        )
    elif not has_clinical:
        reason = "no clinical criterion"
    else:
        reason = f"{points} points < {CLASSIFICATION_THRESHOLD}"
    verdict = f"not classified ({reason})"
    entry_possible = entry_met or not entry_assessed
    if _meets_rule(entry_possible, *possible):
        missing = sum(possible) - points
        if missing:
            verdict += f"; up to {missing} points not assessed could change this"
        else:
            verdict += "; the entry criterion, not assessed, could change this"
    return verdict


# Each field of Classification.as_record(), in record order: the one definition of
# the record (as_record builds them all, record_values only those a batch writes).
_RECORD: dict[str, Callable[[Classification], RecordValue]] = {
    "points": lambda c: c.points,
    "clinical_points": lambda c: c.clinical_points,
    "immunologic_points": lambda c: c.immunologic_points,
    "entry_criterion_met": lambda c: c.entry_criterion_met,
    "classified": lambda c: c.classified,
    "complete": lambda c: c.complete,
    "could_change_verdict": lambda c: c.could_change_verdict,
    "max_possible": lambda c: c.max_possible,
    "as_of": lambda c: iso(c.as_of),
    "first_fulfilled": lambda c: iso(c.first_fulfilled),
    "present": lambda c: _IN_ORDER(c.present),
    "not_assessed": lambda c: _IN_ORDER(c.not_assessed),
    "explained": lambda c: explained(c.findings, _POSITION),
    "verdict": lambda c: c.verdict,
}


def classify(
    items: Iterable[str | Criterion], *, not_assessed: Iterable[str | Criterion] = ()
) -> Classification:
    """Classify from item codes (the caller already decided each criterion).

    ``items`` are the criteria present (including ``ana_positive`` for the entry
    criterion); codes in ``not_assessed`` had no evidence either way; every other
    criterion is taken as assessed and absent. Implements the rules of Aringer et al.
    2019 (see the module docstring).

    >>> result = classify(["ana_positive", "thrombocytopenia", "leukopenia", "fever"])
    >>> result.points  # hematologic counts 4 (thrombocytopenia outranks leukopenia) + fever 2
    6
    >>> result.classified
    False
    """
    if type(items) is frozenset:
        # The per-call hot path, as in sledai_2k.score: a frozenset of known codes,
        # kept as it is when each is a plain string; the points looked up by the
        # bits of the criteria present (_LOW_POINTS, _HIGH_POINTS); the result
        # stored without running __init__, as it would (_results.bare). The domain
        # breakdown, explain(), finding() and the record are worked out when asked for.
        bits = 0
        try:
            for code in items:
                if type(code) is not str:
                    break
                bits |= _BITS[code]  # KeyError: not a criterion
            else:
                # Not assessed: a frozenset of plain criteria, none present, or empty
                # (_items.plain written out, as in sledai_2k.score).
                missing: frozenset[str] | None = None
                if type(not_assessed) is frozenset:
                    missing = not_assessed
                    if not_assessed:  # (the usual case: every criterion assessed)
                        for code in not_assessed:
                            if type(code) is not str or code in items or code not in _BITS:
                                missing = None  # the full path below spells or names it
                                break
                elif type(not_assessed) in _EMPTIES and not not_assessed:
                    missing = _EMPTY
                if missing is not None:
                    low_clinical, low_immunologic = _LOW_POINTS[bits & _LOW_MASK]
                    high_clinical, high_immunologic = _HIGH_POINTS[bits >> _LOW_CRITERIA]
                    clinical = low_clinical + high_clinical
                    immunologic = low_immunologic + high_immunologic
                    points = clinical + immunologic
                    entry_met = _ENTRY in items
                    value = bare(Classification)
                    fields = value.__dict__  # the fields without a default, in field order
                    fields["present"] = items
                    fields["not_assessed"] = missing
                    fields["points"] = points
                    fields["clinical_points"] = clinical
                    fields["immunologic_points"] = immunologic
                    fields["entry_criterion_met"] = entry_met
                    # Rule 5 in one place only, as on the full path.
                    fields["classified"] = _meets_rule(entry_met, clinical, immunologic)
                    return value
        except KeyError:
            pass  # the full path below names it
    present, missing = item_codes(items, not_assessed, _CODES, _VOCABULARY)
    return _classification(present, missing)


def _classification(
    present: frozenset[str],
    not_assessed: frozenset[str],
    findings: tuple[ItemFinding, ...] = (),
    as_of: datetime.date | None = None,
    first_fulfilled: datetime.date | None = None,
) -> Classification:
    clinical, immunologic = _points(present)
    points = clinical + immunologic
    entry_met = _ENTRY in present
    # Positional arguments, in field order: this runs once per visit in a batch.
    return Classification(
        present,
        not_assessed,
        points,
        clinical,
        immunologic,
        entry_met,
        _meets_rule(entry_met, clinical, immunologic),
        findings,
        as_of,
        first_fulfilled,
    )


def classify_findings(
    findings: Iterable[ItemFinding], *, as_of: datetime.date | None = None
) -> Classification:
    """Classify from per-criterion findings (the evidence-level path).

    Every criterion must have exactly one finding. The first-fulfilled date is the
    earliest date on which the entry criterion, >= 1 clinical criterion and >= 10
    points were all met by findings dated on or before it; it is ``None`` when the
    patient is not classified or when a present finding has no date.
    """
    _args.check(findings=findings, as_of=_args.optional(as_of))
    return _classified(ordered_findings(findings, list(_BY_CODE), _VOCABULARY), as_of)


def _classified(ordered: tuple[ItemFinding, ...], as_of: datetime.date | None) -> Classification:
    """:func:`classify_findings` of findings known to be one per criterion in table
    order (what the rules give at every visit: nothing to check or order)."""
    present = codes_with(ordered, ItemStatus.PRESENT)
    missing = codes_with(ordered, ItemStatus.NOT_ASSESSED)
    first = None
    if _meets_rule(_ENTRY in present, *_points(present)):
        first = first_fulfilled(ordered, lambda codes: _meets_rule(_ENTRY in codes, *_tally(codes)))
    return _classification(present, missing, ordered, as_of, first)


# --- Evidence level ---------------------------------------------------------------
# Each criterion as the publication defines it, applied to the patient's observations.
# A clinician's direct assertion of a criterion (``eular_acr_2019.<code>``) is always
# accepted as evidence too.

_FEVER_ABOVE_C = Fraction("38.3")  # "Temperature > 38.3 °C"
_LEUKOPENIA_BELOW = 4000  # "White blood cell count < 4,000/mm³"
_THROMBOCYTOPENIA_BELOW = 100_000  # "Platelet count < 100,000/mm³"
_PROTEINURIA_ABOVE_G = Fraction("0.5")  # "Proteinuria > 0.5 g/24 h"
# Shared with other instruments, in _definitions: ANA >= 1:80, anticardiolipin
# > 40 units or > 99th percentile, joint involvement (2 joints, 30 minutes).


def _biopsy_classes(o: Observation) -> set[str]:
    return set(str(o.value).split("+"))


def _delirium_dates(evidence: _derive_module.Index) -> tuple[datetime.date | None, ...]:
    """The dates on which delirium (of any cause) was present."""
    return tuple(o.date for o in evidence.get("delirium", ()) if o.value == "present")


def _with_delirium(dates: tuple[datetime.date | None, ...], day: datetime.date | None) -> bool:
    """Whether delirium was present (on one of ``dates``) in the same episode as ``day``."""
    return any(_derive_module.near(date, day, _derive_module.EPISODE_DAYS) for date in dates)


# Each criterion's rule on its own (the record read at each visit runs a rule only
# when a code it reads has a new observation): "_d" is the combinators' module.
_d = _derive_module


def _psychosis(evidence: _derive_module.Index) -> Signal:
    # "Delusions and/or hallucinations without insight ... in the absence of delirium".
    # The definition holds the dates of delirium (constants), so its answers are
    # remembered for as long as no delirium is added.
    delirium_dates = _delirium_dates(evidence)
    return _d.test(
        evidence,
        "psychosis",
        lambda o: o.value == "present" and not _with_delirium(delirium_dates, o.date),
        "psychosis in the absence of delirium",
    )


def _c3_low(evidence: _derive_module.Index) -> Signal:
    return low_complement(evidence, "c3", "C3 below the lower limit of normal")


def _c4_low(evidence: _derive_module.Index) -> Signal:
    return low_complement(evidence, "c4", "C4 below the lower limit of normal")


def _pericardial_effusion(evidence: _derive_module.Index) -> Signal:
    return _d.present(evidence, "pericardial_effusion", "pericardial effusion on imaging")


_RULES: dict[str, _derive_module.Rule] = {
    # Rule 1 ("more likely explanation") concerns the additive criteria; the entry
    # criterion is "ANA ever", so an ANA marked explained_by still enters.
    # A positive on HEp-2 cells without a titre needs the screening dilution.
    "ana_positive": ana_at_least_1_in_80_on_hep2,
    "fever": lambda evidence: fever(evidence, above=_FEVER_ABOVE_C),
    "leukopenia": lambda evidence: leukopenia(evidence, below=_LEUKOPENIA_BELOW),
    "thrombocytopenia": lambda evidence: thrombocytopenia(evidence, below=_THROMBOCYTOPENIA_BELOW),
    "autoimmune_hemolysis": lambda evidence: _d.all_of(
        "hemolysis with a positive direct Coombs test",
        [
            _d.positive(evidence, "direct_coombs", "positive direct Coombs test"),
            _d.any_of(
                "evidence of hemolysis",
                _d.present(evidence, "reticulocytosis", "reticulocytosis"),
                _d.present(evidence, "low_haptoglobin", "low haptoglobin"),
                _d.present(evidence, "raised_indirect_bilirubin", "raised indirect bilirubin"),
                _d.present(evidence, "raised_ldh", "raised LDH"),
                # a clinician's finding of hemolytic anaemia is evidence of hemolysis
                _d.present(evidence, "hemolytic_anemia", "hemolytic anaemia"),
            ),
        ],
        _d.EPISODE_DAYS,
    ),
    "delirium": lambda evidence: _d.present(evidence, "delirium", "delirium"),
    "psychosis": _psychosis,
    "seizure": lambda evidence: _d.present(evidence, "seizure", "seizure"),
    "non_scarring_alopecia": lambda evidence: _d.present(
        evidence, "non_scarring_alopecia", "non-scarring alopecia"
    ),
    "oral_ulcers": lambda evidence: _d.present(evidence, "oral_ulcers", "oral ulcers"),
    "subacute_cutaneous_or_discoid_lupus": lambda evidence: _d.any_of(
        "subacute cutaneous or discoid lupus",
        _d.present(evidence, "subacute_cutaneous_lupus", "subacute cutaneous lupus"),
        _d.present(evidence, "discoid_lupus", "discoid lupus"),
    ),
    "acute_cutaneous_lupus": lambda evidence: _d.any_of(
        "malar or generalised maculopapular rash",
        _d.present(evidence, "malar_rash", "malar rash"),
        _d.present(evidence, "maculopapular_rash", "maculopapular rash"),
    ),
    "pleural_or_pericardial_effusion": lambda evidence: _d.any_of(
        "pleural or pericardial effusion on imaging",
        _d.present(evidence, "pleural_effusion", "pleural effusion on imaging"),
        _pericardial_effusion(evidence),
    ),
    "acute_pericarditis": lambda evidence: _d.at_least(
        2,
        ">= 2 of pericardial pain, pericardial rub, ECG changes, pericardial effusion",
        [
            _d.present(evidence, "pericardial_pain", "pericardial chest pain"),
            _d.present(evidence, "pericardial_rub", "pericardial rub"),
            _d.present(evidence, "pericarditis_on_ecg", "ECG changes of pericarditis"),
            # "New or worsened pericardial effusion": an effusion recorded as known
            # and unchanged on the same date is not this feature.
            qualified(
                evidence,
                "pericardial_effusion",
                "pericardial_effusion_new_or_worsened",
                "pericardial effusion on imaging",
                "new or worsened",
            ),
        ],
        _d.EPISODE_DAYS,
    ),
    "joint_involvement": lambda evidence: joint_involvement(evidence, "synovitis"),
    "proteinuria": lambda evidence: proteinuria(evidence, above=_PROTEINURIA_ABOVE_G),
    "lupus_nephritis_class_2_or_5": lambda evidence: _d.test(
        evidence,
        "renal_biopsy_class",
        lambda o: bool(_biopsy_classes(o) & {"II", "V"}),
        "renal biopsy class II or V lupus nephritis",
    ),
    "lupus_nephritis_class_3_or_4": lambda evidence: _d.test(
        evidence,
        "renal_biopsy_class",
        lambda o: bool(_biopsy_classes(o) & {"III", "IV"}),
        "renal biopsy class III or IV lupus nephritis",
    ),
    "antiphospholipid_antibodies": lambda evidence: _d.any_of(
        f"anticardiolipin > {ANTICARDIOLIPIN_UNITS_ABOVE} units or > 99th percentile, "
        "anti-β2GP1 or lupus anticoagulant",
        _d.test(
            evidence,
            "anticardiolipin",
            anticardiolipin_medium_or_high,
            "anticardiolipin at medium or high titre",
        ),
        _d.positive(evidence, "anti_beta2gp1", "anti-β2GP1 positive"),
        _d.positive(evidence, "lupus_anticoagulant", "lupus anticoagulant positive"),
    ),
    "low_c3_or_low_c4": lambda evidence: _d.any_of(
        "low C3 or low C4", _c3_low(evidence), _c4_low(evidence)
    ),
    "low_c3_and_low_c4": lambda evidence: _d.all_of(
        "low C3 and low C4", [_c3_low(evidence), _c4_low(evidence)], _d.EPISODE_DAYS
    ),
    "anti_dsdna_or_anti_smith": lambda evidence: _d.any_of(
        "anti-dsDNA or anti-Sm",
        _d.test(evidence, "anti_dsdna", above_upper_limit, "anti-dsDNA positive"),
        _d.positive(evidence, "anti_sm", "anti-Sm positive"),
    ),
}


def _derive(evidence: _derive_module.Index) -> dict[str, Signal]:
    """Every criterion's signal from the evidence, before the item assertions."""
    return {code: rule(evidence) for code, rule in _RULES.items()}


def derive(observations: Iterable[Observation]) -> tuple[ItemFinding, ...]:
    """Every criterion's :class:`ItemFinding` from observations (no date filtering).

    Rule 1 ("do not count a criterion if there is a more likely explanation than
    SLE") is applied through each observation's ``explained_by``; a clinician's
    assertion ``eular_acr_2019.<code>`` is evidence too.
    """
    _args.check(observations=observations)
    return derive_findings(observations, "eular_acr_2019", _BY_CODE, _derive)


def classify_patient(patient: Patient, *, as_of: datetime.date | None = None) -> Classification:
    """Classify a patient from dated evidence (2019 EULAR/ACR).

    Uses every observation up to ``as_of`` (all of them by default: criteria need
    not be simultaneous, and one occurrence suffices) and reports the date on which
    the criteria were first fulfilled.
    """
    _args.check(patient=patient, as_of=_args.optional(as_of))
    evidence = evidence_up_to(patient, as_of)
    return _classified(findings_by_rule(evidence, "eular_acr_2019", _BY_CODE, _RULES), as_of)


def __dir__() -> list[str]:
    # The public API is what __all__ lists (as in pypa/packaging).
    return list(__all__)


#: The 2019 EULAR/ACR criteria in the instrument registry (``sle_scoring.INSTRUMENTS``).
INSTRUMENT = Instrument(
    name="eular_acr_2019",
    title="2019 EULAR/ACR classification criteria",
    source=SOURCE,
    scope="classification_as_of",
    codes=_ORDER,
    fields=(
        "points",
        "clinical_points",
        "immunologic_points",
        "entry_criterion_met",
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
