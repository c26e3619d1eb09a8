"""The SLICC/ACR Damage Index (SDI) for systemic lupus erythematosus.

Source: Gladman D, Ginzler E, Goldsmith C, et al. The development and initial
validation of the Systemic Lupus International Collaborating Clinics/American College
of Rheumatology damage index for systemic lupus erythematosus. Arthritis Rheum
1996;39:363-369. The library implements the item list of 41 items in 12 sections,
maximum 47. Whether two of its items (pancreatic insufficiency, tendon rupture) were
in the 1996 table or were added with the 1997 reliability study (Gladman D, et al.
Arthritis Rheum 1997;40:809-813) could not be confirmed; see ``docs/sdi.md``.

A damage score for research; never a diagnosis.

Rules implemented:

- Damage is a non-reversible change that occurred since the onset of lupus and has
  been present for at least 6 months, unless the item says "ever" (then it counts
  once it happened). "6 months" is 6 calendar months: see :func:`six_months_after`.
- Damage is scored regardless of cause (lupus, treatment, comorbidity).
- Items scored "2 if more than one" need repeat episodes at least 6 months apart.
- The renal section scores at most 3: end-stage renal disease (3) replaces the
  other renal items. Every section is capped at its published maximum.
- Once scored, damage stays: over a timeline the SDI never decreases.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Iterable, Sequence

import attrs

from . import _args
from ._definitions import months_after
from ._items import ItemFinding, ItemStatus, canonical_codes, check_disjoint, item_finding
from ._registry import Instrument, Occasion
from ._results import RecordValue, in_order, iso, positions, prefixed, unknown
from ._visits import recorded_codes, remembered
from .evidence import Observation, Patient
from .exceptions import InvalidItemsError

__all__ = [
    "INSTRUMENT",
    "ITEMS",
    "MAX_SCORE",
    "SECTIONS",
    "SECTION_MAXIMA",
    "SOURCE",
    "SOURCE_1997",
    "CountedItem",
    "DamageCode",
    "DamageItem",
    "DamageScore",
    "SectionScore",
    "Timing",
    "score",
    "score_patient",
    "six_months_after",
    "timeline",
]

SOURCE = (
    "Gladman D, Ginzler E, Goldsmith C, et al. The development and initial validation "
    "of the SLICC/ACR damage index for systemic lupus erythematosus. Arthritis Rheum "
    "1996;39:363-369"
)

#: Where an item may come from instead of the 1996 table (unconfirmed; see docs/sdi.md).
SOURCE_1997 = (
    "Listed as 1996 by the project spec; possibly added in Gladman D, et al. The "
    "reliability of the SLICC/ACR damage index. Arthritis Rheum 1997;40:809-813 "
    "(unverified)"
)

_VOCABULARY = "SDI"
_INSTRUMENT = "sdi"


class Timing(enum.Enum):
    """How long an item must have been present before it counts as damage.

    The general rule: "present for at least 6 months unless otherwise stated".
    """

    #: "ever": counts from the day it happened
    EVER = "ever"
    #: present for at least 6 months (the general rule)
    AT_LEAST_6_MONTHS = "at least 6 months"
    #: "for more than 6 months" (skin ulceration): from the day after 6 months
    MORE_THAN_6_MONTHS = "more than 6 months"


class DamageCode(str, enum.Enum):
    """The stable codes of the 41 SDI items, in the order of the published form."""

    ANY_CATARACT = "any_cataract"
    RETINAL_CHANGE_OR_OPTIC_ATROPHY = "retinal_change_or_optic_atrophy"
    COGNITIVE_IMPAIRMENT_OR_MAJOR_PSYCHOSIS = "cognitive_impairment_or_major_psychosis"
    SEIZURES_REQUIRING_THERAPY = "seizures_requiring_therapy"
    CEREBROVASCULAR_ACCIDENT = "cerebrovascular_accident"
    CRANIAL_OR_PERIPHERAL_NEUROPATHY = "cranial_or_peripheral_neuropathy"
    TRANSVERSE_MYELITIS = "transverse_myelitis"
    GFR_BELOW_50_PERCENT = "gfr_below_50_percent"
    PROTEINURIA_AT_LEAST_3_5_G = "proteinuria_at_least_3_5_g"
    END_STAGE_RENAL_DISEASE = "end_stage_renal_disease"
    PULMONARY_HYPERTENSION = "pulmonary_hypertension"
    PULMONARY_FIBROSIS = "pulmonary_fibrosis"
    SHRINKING_LUNG = "shrinking_lung"
    PLEURAL_FIBROSIS = "pleural_fibrosis"
    PULMONARY_INFARCTION = "pulmonary_infarction"
    ANGINA_OR_CORONARY_ARTERY_BYPASS = "angina_or_coronary_artery_bypass"
    MYOCARDIAL_INFARCTION = "myocardial_infarction"
    CARDIOMYOPATHY = "cardiomyopathy"
    VALVULAR_DISEASE = "valvular_disease"
    PERICARDITIS_OR_PERICARDIECTOMY = "pericarditis_or_pericardiectomy"
    CLAUDICATION = "claudication"
    MINOR_TISSUE_LOSS = "minor_tissue_loss"
    SIGNIFICANT_TISSUE_LOSS = "significant_tissue_loss"
    VENOUS_THROMBOSIS = "venous_thrombosis"
    GI_INFARCTION_OR_RESECTION = "gi_infarction_or_resection"
    MESENTERIC_INSUFFICIENCY = "mesenteric_insufficiency"
    CHRONIC_PERITONITIS = "chronic_peritonitis"
    STRICTURE_OR_UPPER_GI_SURGERY = "stricture_or_upper_gi_surgery"
    PANCREATIC_INSUFFICIENCY = "pancreatic_insufficiency"
    MUSCLE_ATROPHY_OR_WEAKNESS = "muscle_atrophy_or_weakness"
    DEFORMING_OR_EROSIVE_ARTHRITIS = "deforming_or_erosive_arthritis"
    OSTEOPOROSIS_WITH_FRACTURE = "osteoporosis_with_fracture"
    AVASCULAR_NECROSIS = "avascular_necrosis"
    OSTEOMYELITIS = "osteomyelitis"
    TENDON_RUPTURE = "tendon_rupture"
    SCARRING_CHRONIC_ALOPECIA = "scarring_chronic_alopecia"
    EXTENSIVE_SCARRING_OR_PANNICULUM = "extensive_scarring_or_panniculum"
    SKIN_ULCERATION = "skin_ulceration"
    PREMATURE_GONADAL_FAILURE = "premature_gonadal_failure"
    DIABETES = "diabetes"
    MALIGNANCY = "malignancy"


@attrs.frozen
class DamageItem:
    """One row of the SDI item table, as published.

    ``code`` is the stable name, ``section`` the organ system, ``points`` what the
    item scores when present (1, or 3 for end-stage renal disease), ``repeatable``
    whether it scores 2 "if more than one" (episode or site), ``timing`` whether it is
    an "ever" item or must persist, ``definition`` the published definition in our
    words and ``source`` the publication.
    """

    code: str
    section: str
    points: int
    timing: Timing
    repeatable: bool
    definition: str
    source: str = SOURCE

    @property
    def max_points(self) -> int:
        """The most the item can score: 2 when repeatable, else its points."""
        return 2 if self.repeatable else self.points

    @property
    def ever(self) -> bool:
        """True for an "ever" item (counts from the day it happened)."""
        return self.timing is Timing.EVER


OCULAR = "ocular"
NEUROPSYCHIATRIC = "neuropsychiatric"
RENAL = "renal"
PULMONARY = "pulmonary"
CARDIOVASCULAR = "cardiovascular"
PERIPHERAL_VASCULAR = "peripheral vascular"
GASTROINTESTINAL = "gastrointestinal"
MUSCULOSKELETAL = "musculoskeletal"
SKIN = "skin"
GONADAL = "gonadal"
DIABETES = "diabetes"
MALIGNANCY = "malignancy"

_EVER = Timing.EVER
_6M = Timing.AT_LEAST_6_MONTHS


def _item(
    code: DamageCode,
    section: str,
    definition: str,
    *,
    timing: Timing = _6M,
    repeatable: bool = False,
    points: int = 1,
    source: str = SOURCE,
) -> DamageItem:
    return DamageItem(code.value, section, points, timing, repeatable, definition, source)


_D = DamageCode

#: The 41 items in the order of the published form.
ITEMS: tuple[DamageItem, ...] = (
    _item(_D.ANY_CATARACT, OCULAR, "any cataract ever (either eye)", timing=_EVER),
    _item(_D.RETINAL_CHANGE_OR_OPTIC_ATROPHY, OCULAR, "retinal change or optic atrophy"),
    _item(
        _D.COGNITIVE_IMPAIRMENT_OR_MAJOR_PSYCHOSIS,
        NEUROPSYCHIATRIC,
        "cognitive impairment (memory deficit, difficulty with calculation, poor "
        "concentration, difficulty in spoken or written language, impaired performance "
        "level) or major psychosis",
    ),
    _item(
        _D.SEIZURES_REQUIRING_THERAPY, NEUROPSYCHIATRIC, "seizures requiring therapy for 6 months"
    ),
    _item(
        _D.CEREBROVASCULAR_ACCIDENT,
        NEUROPSYCHIATRIC,
        "cerebrovascular accident ever (2 if more than one)",
        timing=_EVER,
        repeatable=True,
    ),
    _item(
        _D.CRANIAL_OR_PERIPHERAL_NEUROPATHY,
        NEUROPSYCHIATRIC,
        "cranial or peripheral neuropathy, excluding optic",
    ),
    _item(_D.TRANSVERSE_MYELITIS, NEUROPSYCHIATRIC, "transverse myelitis"),
    _item(_D.GFR_BELOW_50_PERCENT, RENAL, "estimated or measured glomerular filtration rate < 50%"),
    # "Proteinuria >= 3.5 gm/24 hours" (some forms print "> 3.5"; see docs/sdi.md)
    _item(_D.PROTEINURIA_AT_LEAST_3_5_G, RENAL, "proteinuria >= 3.5 g/24 h"),
    # "End-stage renal disease (regardless of dialysis or transplantation)": 3
    _item(
        _D.END_STAGE_RENAL_DISEASE,
        RENAL,
        "end-stage renal disease, regardless of dialysis or transplantation (replaces "
        "the other renal items)",
        points=3,
    ),
    _item(
        _D.PULMONARY_HYPERTENSION,
        PULMONARY,
        "pulmonary hypertension (right ventricular prominence or loud P2)",
    ),
    _item(
        _D.PULMONARY_FIBROSIS, PULMONARY, "pulmonary fibrosis (physical examination and radiograph)"
    ),
    _item(_D.SHRINKING_LUNG, PULMONARY, "shrinking lung (radiograph)"),
    _item(_D.PLEURAL_FIBROSIS, PULMONARY, "pleural fibrosis (radiograph)"),
    _item(_D.PULMONARY_INFARCTION, PULMONARY, "pulmonary infarction (radiograph)"),
    _item(_D.ANGINA_OR_CORONARY_ARTERY_BYPASS, CARDIOVASCULAR, "angina or coronary artery bypass"),
    _item(
        _D.MYOCARDIAL_INFARCTION,
        CARDIOVASCULAR,
        "myocardial infarction ever (2 if more than one)",
        timing=_EVER,
        repeatable=True,
    ),
    _item(_D.CARDIOMYOPATHY, CARDIOVASCULAR, "cardiomyopathy (ventricular dysfunction)"),
    # "systolic murmur > 3/6"
    _item(
        _D.VALVULAR_DISEASE,
        CARDIOVASCULAR,
        "valvular disease (diastolic murmur, or systolic murmur > 3/6)",
    ),
    _item(
        _D.PERICARDITIS_OR_PERICARDIECTOMY,
        CARDIOVASCULAR,
        "pericarditis for 6 months, or pericardiectomy",
    ),
    _item(_D.CLAUDICATION, PERIPHERAL_VASCULAR, "claudication for 6 months"),
    _item(_D.MINOR_TISSUE_LOSS, PERIPHERAL_VASCULAR, "minor tissue loss (pulp space)"),
    _item(
        _D.SIGNIFICANT_TISSUE_LOSS,
        PERIPHERAL_VASCULAR,
        "significant tissue loss ever (e.g. loss of digit or limb; 2 if more than one site)",
        timing=_EVER,
        repeatable=True,
    ),
    _item(
        _D.VENOUS_THROMBOSIS,
        PERIPHERAL_VASCULAR,
        "venous thrombosis with swelling, ulceration or venous stasis",
    ),
    _item(
        _D.GI_INFARCTION_OR_RESECTION,
        GASTROINTESTINAL,
        "infarction or resection of bowel below the duodenum, spleen, liver or gall "
        "bladder ever, for any cause (2 if more than one site)",
        timing=_EVER,
        repeatable=True,
    ),
    _item(_D.MESENTERIC_INSUFFICIENCY, GASTROINTESTINAL, "mesenteric insufficiency"),
    _item(_D.CHRONIC_PERITONITIS, GASTROINTESTINAL, "chronic peritonitis"),
    _item(
        _D.STRICTURE_OR_UPPER_GI_SURGERY,
        GASTROINTESTINAL,
        "stricture or upper gastrointestinal tract surgery ever",
        timing=_EVER,
    ),
    _item(
        _D.PANCREATIC_INSUFFICIENCY,
        GASTROINTESTINAL,
        "pancreatic insufficiency requiring enzyme replacement or with pseudocyst",
        source=SOURCE_1997,
    ),
    _item(_D.MUSCLE_ATROPHY_OR_WEAKNESS, MUSCULOSKELETAL, "muscle atrophy or weakness"),
    _item(
        _D.DEFORMING_OR_EROSIVE_ARTHRITIS,
        MUSCULOSKELETAL,
        "deforming or erosive arthritis, including reducible deformities, excluding "
        "avascular necrosis",
    ),
    _item(
        _D.OSTEOPOROSIS_WITH_FRACTURE,
        MUSCULOSKELETAL,
        "osteoporosis with fracture or vertebral collapse, excluding avascular necrosis",
    ),
    _item(
        _D.AVASCULAR_NECROSIS,
        MUSCULOSKELETAL,
        "avascular necrosis (2 if more than one)",
        repeatable=True,
    ),
    _item(_D.OSTEOMYELITIS, MUSCULOSKELETAL, "osteomyelitis"),
    _item(_D.TENDON_RUPTURE, MUSCULOSKELETAL, "tendon rupture", source=SOURCE_1997),
    _item(_D.SCARRING_CHRONIC_ALOPECIA, SKIN, "scarring chronic alopecia"),
    _item(
        _D.EXTENSIVE_SCARRING_OR_PANNICULUM,
        SKIN,
        "extensive scarring or panniculum other than scalp and pulp space",
    ),
    # "Skin ulceration (excluding thrombosis) for more than 6 months"
    _item(
        _D.SKIN_ULCERATION,
        SKIN,
        "skin ulceration, excluding thrombosis, for more than 6 months",
        timing=Timing.MORE_THAN_6_MONTHS,
    ),
    _item(_D.PREMATURE_GONADAL_FAILURE, GONADAL, "premature gonadal failure"),
    # "Diabetes (regardless of treatment)" (some forms: "requiring therapy")
    _item(_D.DIABETES, DIABETES, "diabetes, regardless of treatment"),
    _item(
        _D.MALIGNANCY,
        MALIGNANCY,
        "malignancy, excluding dysplasia (2 if more than one site)",
        repeatable=True,
    ),
)

#: The 12 sections in the order of the published form.
SECTIONS: tuple[str, ...] = tuple(dict.fromkeys(item.section for item in ITEMS))

#: The published section maxima. Renal: end-stage renal disease (3) replaces the
#: other renal items, so the section never exceeds 3.
SECTION_MAXIMA: dict[str, int] = {
    OCULAR: 2,
    NEUROPSYCHIATRIC: 6,
    RENAL: 3,
    PULMONARY: 5,
    CARDIOVASCULAR: 6,
    PERIPHERAL_VASCULAR: 5,
    GASTROINTESTINAL: 6,
    MUSCULOSKELETAL: 7,
    SKIN: 3,
    GONADAL: 1,
    DIABETES: 1,
    MALIGNANCY: 2,
}

#: 2 + 6 + 3 + 5 + 6 + 5 + 6 + 7 + 3 + 1 + 1 + 2 = 47.
MAX_SCORE = sum(SECTION_MAXIMA.values())

_BY_CODE: dict[str, DamageItem] = {item.code: item for item in ITEMS}
_CODES: dict[str, str] = {code: code for code in _BY_CODE}
_ESRD = DamageCode.END_STAGE_RENAL_DISEASE.value
_ORDER = tuple(_BY_CODE)
_POSITION = positions(_ORDER)

# A completed form (``sdi_form_completed``): the SDI is "ascertained by clinical
# assessment" on the published form of 41 items, so an item not recorded present on a
# completed form is absent. The two renal items that are laboratory measurements
# ("estimated or measured glomerular filtration rate < 50%", "proteinuria >= 3.5
# gm/24 hours") only when the form was completed with the results ("all").
_FORM = "sdi_form_completed"
_FORM_WITH_RESULTS = "all"
_LABORATORY = frozenset(
    {DamageCode.GFR_BELOW_50_PERCENT.value, DamageCode.PROTEINURIA_AT_LEAST_3_5_G.value}
)
_BY_FORM = "not recorded present on the completed SDI form"


def six_months_after(day: datetime.date) -> datetime.date:
    """The same day of the month 6 calendar months later ("6 months" in the SDI).

    When that month is shorter, the last day of the month is used. An item with
    onset ``day`` has been present for at least 6 months on this date.

    >>> six_months_after(datetime.date(2020, 1, 15))
    datetime.date(2020, 7, 15)
    >>> six_months_after(datetime.date(2019, 8, 31))  # February 2020 has 29 days
    datetime.date(2020, 2, 29)
    """
    _args.check(day=day)
    return months_after(day, 6)


def _counts_from(item: DamageItem, onset: datetime.date) -> datetime.date:
    """The first date on which damage with this onset counts."""
    if item.timing is Timing.EVER:
        return onset
    end = six_months_after(onset)
    if item.timing is Timing.MORE_THAN_6_MONTHS:
        return end + datetime.timedelta(days=1)
    return end


@attrs.frozen
class CountedItem:
    """One item that counts, with its points and, from evidence, when it counted.

    ``points`` is the item's own score (1, 2 for a repeat episode, 3 for end-stage
    renal disease) before the section rules; ``first_counted`` the date it first
    counted and ``second_point`` the date of its second point (evidence level only).
    """

    item: DamageItem
    points: int
    first_counted: datetime.date | None = None
    second_point: datetime.date | None = None

    @property
    def code(self) -> str:
        """The item's code."""
        return self.item.code


@attrs.frozen
class SectionScore:
    """One section of the SDI: its points (capped at its maximum) and why.

    ``counted`` are the items that count; ``replaced`` the renal items that end-stage
    renal disease replaces (present, but adding nothing); ``not_assessed`` the items
    with no evidence either way.
    """

    section: str
    points: int
    maximum: int
    counted: tuple[CountedItem, ...]
    replaced: tuple[CountedItem, ...]
    not_assessed: tuple[DamageItem, ...]


def _section_points(section: str, counted: Sequence[CountedItem]) -> tuple[int, bool]:
    """The section's points and whether end-stage renal disease replaced the rest."""
    if section == RENAL and any(c.code == _ESRD for c in counted):
        return SECTION_MAXIMA[RENAL], True  # "OR end-stage renal disease (3)"
    return min(sum(c.points for c in counted), SECTION_MAXIMA[section]), False


def _total(counted: Iterable[CountedItem]) -> int:
    by_section: dict[str, list[CountedItem]] = {}
    for entry in counted:
        by_section.setdefault(entry.item.section, []).append(entry)
    return sum(_section_points(section, entries)[0] for section, entries in by_section.items())


def _key(code: str | DamageCode) -> str:
    """The plain code of an item; :class:`UnknownCodeError` (with a suggestion) when it
    is not an SDI item."""
    key = _CODES.get(code) if isinstance(code, str) else None
    if key is None:
        raise unknown(code, _VOCABULARY, _CODES)
    return key


@attrs.frozen
class DamageScore:
    """An SDI score: the items that count, the total, and what was not assessed.

    ``counted`` holds every item that counts (table order), ``total`` the SDI (0-47)
    after the section rules. At the evidence level ``as_of`` is the date of the
    score, ``lupus_onset`` the onset date given, ``findings`` say how each item was
    decided and ``pending`` lists items present but not yet persistent, with the date
    from which they will count if still present. ``onset_unknown`` is True when no
    lupus onset date was given, so damage from before the onset of lupus could not be
    excluded.

    A damage score for research; never a diagnosis.
    """

    counted: tuple[CountedItem, ...]
    not_assessed: frozenset[str]
    total: int
    findings: tuple[ItemFinding, ...] = ()
    pending: tuple[tuple[str, datetime.date], ...] = ()
    as_of: datetime.date | None = None
    lupus_onset: datetime.date | None = None
    onset_unknown: bool = False

    @property
    def present(self) -> frozenset[str]:
        """The codes of the items that count."""
        return frozenset(c.code for c in self.counted)

    @property
    def complete(self) -> bool:
        """True when every item was assessed."""
        return not self.not_assessed

    @property
    def sections(self) -> tuple[SectionScore, ...]:
        """Per-section breakdown in the published order."""
        result = []
        for section in SECTIONS:
            counted = tuple(c for c in self.counted if c.item.section == section)
            points, esrd = _section_points(section, counted)
            result.append(
                SectionScore(
                    section=section,
                    points=points,
                    maximum=SECTION_MAXIMA[section],
                    counted=tuple(c for c in counted if not esrd or c.code == _ESRD),
                    replaced=tuple(c for c in counted if esrd and c.code != _ESRD),
                    not_assessed=tuple(
                        i for i in ITEMS if i.section == section and i.code in self.not_assessed
                    ),
                )
            )
        return tuple(result)

    @property
    def max_possible(self) -> int:
        """The total if every item not assessed turned out present, at its maximum."""
        extra = [
            CountedItem(_BY_CODE[code], _BY_CODE[code].max_points) for code in self.not_assessed
        ]
        return _total([*self.counted, *extra])

    @property
    def caveats(self) -> tuple[str, ...]:
        """What the score could not take into account."""
        if self.onset_unknown:
            return (
                "lupus onset not given: damage before the onset of lupus could not be excluded",
            )
        return ()

    def first_counted(self, code: str | DamageCode) -> datetime.date | None:
        """The date an item first counted (``None`` when it does not count or is undated)."""
        key = _key(code)
        for entry in self.counted:
            if entry.code == key:
                return entry.first_counted
        return None

    @property
    def verdict(self) -> str:
        """One line: ``SDI 2 of 47``, and what was not assessed."""
        verdict = f"SDI {self.total} of {MAX_SCORE}"
        if self.not_assessed:
            verdict += f"; incomplete, {len(self.not_assessed)} of {len(ITEMS)} items not assessed"
        if self.onset_unknown:
            verdict += "; lupus onset not given"
        return verdict

    def finding(self, code: str | DamageCode) -> ItemFinding:
        """How one item was decided; raises
        :class:`~sle_scoring.exceptions.UnknownCodeError` for an unknown code."""
        key = _key(code)
        return item_finding(key, self.findings, self.present, self.not_assessed)

    def as_record(self) -> dict[str, RecordValue]:
        """The score as one flat record, keys ``sdi.<field>`` (:data:`INSTRUMENT`
        ``.fields``; code lists in table order)."""
        return prefixed(
            "sdi",
            {
                "total": self.total,
                "max_possible": self.max_possible,
                "complete": self.complete,
                "as_of": iso(self.as_of),
                "lupus_onset": iso(self.lupus_onset),
                "present": in_order(self.present, _POSITION),
                "not_assessed": in_order(self.not_assessed, _POSITION),
                "pending": in_order((code for code, _ in self.pending), _POSITION),
                "verdict": self.verdict,
            },
        )

    def explain(self) -> str:
        """A readable account, section by section."""
        lines = ["SLICC/ACR Damage Index (SDI), 41 items (research use, not a diagnosis)"]
        if self.as_of is not None:
            onset = self.lupus_onset.isoformat() if self.lupus_onset else "not given"
            lines.append(f"Evidence up to {self.as_of.isoformat()}; lupus onset {onset}")
        for section in self.sections:
            line = f"  {section.section:<20} {section.points}/{section.maximum}"
            parts = []
            for entry in section.counted:
                text = f"{entry.code} {entry.points}"
                if entry.first_counted is not None:
                    text += f" (from {entry.first_counted.isoformat()}"
                    if entry.second_point is not None:
                        text += f"; 2 from {entry.second_point.isoformat()}"
                    text += ")"
                parts.append(text)
            if section.replaced:
                parts.append(
                    "replaced by end_stage_renal_disease: "
                    + ", ".join(c.code for c in section.replaced)
                )
            if parts:
                line += "  " + "; ".join(parts)
            lines.append(line)
        for code, day in self.pending:
            lines.append(f"Not yet damage: {code} (counts from {day.isoformat()} if still present)")
        pending = {code for code, _ in self.pending}
        by_form = [f for f in self.findings if f.reason.startswith(_BY_FORM)]
        if by_form:
            dates = sorted({iso(o.date) or "undated" for f in by_form for o in f.evidence})
            lines.append(
                f"Absent by the completed SDI form of {', '.join(dates)} (not recorded "
                "present): " + ", ".join(f.code for f in by_form)
            )
        for finding in self.findings:
            if finding.status is ItemStatus.PRESENT:
                causes = sorted({o.explained_by for o in finding.evidence if o.explained_by})
                if causes:
                    lines.append(
                        f"Scored regardless of cause: {finding.code} ({', '.join(causes)})"
                    )
            elif (
                finding.status is ItemStatus.ABSENT
                and finding.code not in pending
                and finding.reason != "absent"
                and finding not in by_form
            ):
                lines.append(f"Not counted: {finding.code} ({finding.reason})")
        total = f"Total {self.total} (of {MAX_SCORE})"
        if self.not_assessed:
            missing = [i.code for i in ITEMS if i.code in self.not_assessed]
            if len(missing) <= 5:
                total += f"; incomplete, not assessed: {', '.join(missing)}"
            else:
                total += f"; incomplete, {len(missing)} of {len(ITEMS)} items not assessed"
        lines.append(total)
        lines.extend(f"Caveat: {caveat}" for caveat in self.caveats)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.explain()


def score(
    items: Iterable[str | DamageCode],
    *,
    more_than_one: Iterable[str | DamageCode] = (),
    not_assessed: Iterable[str | DamageCode] = (),
) -> DamageScore:
    """Score the SDI from item codes (the caller already decided each item).

    ``items`` are the items that count (each once: 1 point, end-stage renal disease
    3); ``more_than_one`` the "2 if more than one" items with a repeat episode (at
    least 6 months apart) or a second site, scoring 2 (they need not be repeated in
    ``items``); codes in ``not_assessed`` had no evidence either way; every other item
    is taken as assessed and absent. Section maxima and the renal rule apply.

    >>> score(["any_cataract", "diabetes"]).total  # 1 + 1
    2
    >>> score(["gfr_below_50_percent", "end_stage_renal_disease"]).total  # renal at most 3
    3
    >>> score([], more_than_one=["cerebrovascular_accident"]).total  # 2 (two strokes)
    2
    """
    present = canonical_codes(items, _CODES, _VOCABULARY, "items")
    twice = canonical_codes(more_than_one, _CODES, _VOCABULARY, "more_than_one")
    missing = canonical_codes(not_assessed, _CODES, _VOCABULARY, "not_assessed")
    single = sorted(code for code in twice if not _BY_CODE[code].repeatable)
    if single:
        raise InvalidItemsError(
            "more_than_one must contain only items scored '2 if more than one' "
            f"({', '.join(i.code for i in ITEMS if i.repeatable)}); got "
            + ", ".join(repr(code) for code in single)
        )
    check_disjoint(present | twice, missing, _VOCABULARY)
    counted = tuple(
        CountedItem(item, 2 if item.code in twice else item.points)
        for item in ITEMS
        if item.code in present | twice
    )
    return DamageScore(counted=counted, not_assessed=missing, total=_total(counted))


# --- Evidence level ---------------------------------------------------------------
# Each damage event is an item assertion ``sdi.<item>`` dated at its onset, value
# ``present``; ``absent`` dated later says it has resolved (which stops an item that
# has not yet persisted for 6 months from counting; once counted, damage stays).


def _decide(
    item: DamageItem,
    observations: Sequence[Observation],
    as_of: datetime.date,
    lupus_onset: datetime.date | None,
    forms: Sequence[Observation] = (),
) -> tuple[ItemFinding, CountedItem | None, datetime.date | None]:
    """One item's finding, its counted entry (or None) and the date it may count from;
    ``forms`` are the completed forms that apply to the item."""
    if not observations and forms:
        dates = ", ".join(sorted({iso(o.date) or "undated" for o in forms}))
        reason = f"{_BY_FORM} of {dates}"
        return ItemFinding(item.code, ItemStatus.ABSENT, reason, tuple(forms)), None, None
    if not observations:
        return ItemFinding(item.code, ItemStatus.NOT_ASSESSED, "no evidence"), None, None
    onsets = sorted({o.date for o in observations if o.value == "present" and o.date})
    absences = sorted({o.date for o in observations if o.value == "absent" and o.date})
    notes: list[str] = []
    counted: list[datetime.date] = []
    pending: datetime.date | None = None
    for onset in onsets:
        if lupus_onset is not None and onset < lupus_onset:
            # "occurred since the onset of lupus"
            notes.append(f"onset {onset} before lupus onset {lupus_onset}: not counted")
            continue
        start = _counts_from(item, onset)
        resolved = next((day for day in absences if onset < day <= start), None)
        if resolved is not None:
            notes.append(f"onset {onset}, absent on {resolved} before it persisted")
        elif start <= as_of:
            counted.append(onset)
        elif pending is None:
            pending = start
            notes.append(f"onset {onset}, not yet {item.timing.value}")
    causes = sorted({o.explained_by for o in observations if o.explained_by})
    cause_note = f"; scored regardless of cause ({', '.join(causes)})" if causes else ""
    if not counted:
        reason = "; ".join(notes) if notes else "absent"
        return ItemFinding(item.code, ItemStatus.ABSENT, reason), None, pending
    first = counted[0]
    first_counted = _counts_from(item, first)
    second_point = None
    if item.repeatable:
        # "2 if more than one": repeat episodes at least 6 months apart
        repeat = next((day for day in counted if day >= six_months_after(first)), None)
        if repeat is not None:
            second_point = _counts_from(item, repeat)
    reason = f"onset {first}, counts from {first_counted}"
    if second_point is not None:
        reason += f"; repeat episode, 2 points from {second_point}"
    entry = CountedItem(
        item, 2 if second_point is not None else item.points, first_counted, second_point
    )
    evidence = tuple(o for o in observations if o.value == "present")
    finding = ItemFinding(
        item.code, ItemStatus.PRESENT, reason + cause_note, evidence, first_counted, ()
    )
    return finding, entry, None


def _events(
    patient: Patient, code: str, as_of: datetime.date | None, *, prefixed: bool = True
) -> list[Observation]:
    """The ``sdi.<code>`` observations (``code`` itself when not ``prefixed``) dated
    on or before ``as_of`` (all, for None)."""
    name = f"{_INSTRUMENT}.{code}" if prefixed else code
    if as_of is None:
        return [o for o in patient.observations if o.code == name]
    return patient.of_code(name, as_of)


# Each item's ``sdi.<item>`` code, looked up at every visit of a batch.
_EVENT_CODES = {item.code: f"{_INSTRUMENT}.{item.code}" for item in ITEMS}


def _without_events(
    patient: Patient,
    as_of: datetime.date | None,
    forms: Sequence[Observation],
    with_results: Sequence[Observation],
) -> dict[str, ItemFinding] | None:
    """In batch scoring (a record scored at every visit), the findings of the items
    with no event anywhere in the record, most of them: the forms' alone, so the same
    at every visit with as many forms (the first of the record's). ``None`` for any
    other patient, and for all the evidence (``as_of=None``, undated included)."""
    codes = recorded_codes(patient)
    if codes is None or as_of is None:
        return None
    day = as_of  # (not read without events)

    def decided() -> dict[str, ItemFinding]:
        return {
            item.code: _decide(
                item, (), day, None, with_results if item.code in _LABORATORY else forms
            )[0]
            for item in ITEMS
            if _EVENT_CODES[item.code] not in codes
        }

    return remembered(patient, ("sdi without events", len(forms)), decided)


def _every_item(
    findings: dict[str, ItemFinding],
) -> tuple[tuple[ItemFinding, ...], frozenset[str]]:
    """Every item's finding in table order (``findings`` has one per item), and the
    codes of those not assessed."""
    every = tuple(findings[item.code] for item in ITEMS)
    return every, frozenset(f.code for f in every if f.status is ItemStatus.NOT_ASSESSED)


def score_patient(
    patient: Patient, *, as_of: datetime.date, lupus_onset: datetime.date | None
) -> DamageScore:
    """Score the SDI on ``as_of`` from dated damage events (``sdi.<item>`` observations).

    Each ``present`` observation is one damage event dated at its onset; an item
    counts once present for 6 months (on :func:`six_months_after` the onset) or at
    once for an "ever" item, unless an ``absent`` observation dated after the onset
    and by that date shows it resolved. Later ``absent`` observations do not remove
    damage that already counted. "2 if more than one" needs two events at least 6
    months apart. Only events on or after ``lupus_onset`` count; with
    ``lupus_onset=None`` every event counts and the result says so. Damage is scored
    regardless of cause (``explained_by`` does not exclude it). Observations dated
    after ``as_of`` are not used.
    """
    _args.check(
        patient=patient, as_of=_args.optional(as_of), lupus_onset=_args.optional(lupus_onset)
    )
    forms = _events(patient, _FORM, as_of, prefixed=False)
    with_results = [o for o in forms if o.value == _FORM_WITH_RESULTS]
    without_events = _without_events(patient, as_of, forms, with_results)
    if without_events is not None and len(without_events) == len(ITEMS):
        # Not one event in the record (most records of a batch): the forms' findings
        # alone, nothing counted or pending.
        every, unknown = remembered(
            patient,
            ("sdi without any event", len(forms)),
            lambda: _every_item(without_events),
        )
        return DamageScore(
            counted=(),
            not_assessed=unknown,
            total=_total(()),
            findings=every,
            pending=(),
            as_of=as_of,
            lupus_onset=lupus_onset,
            onset_unknown=lupus_onset is None,
        )
    findings = []
    counted = []
    pending = []
    for item in ITEMS:
        known = without_events.get(item.code) if without_events is not None else None
        if known is not None:
            findings.append(known)
            continue
        applying = with_results if item.code in _LABORATORY else forms
        events = _events(patient, item.code, as_of)
        finding, entry, from_date = _decide(item, events, as_of, lupus_onset, applying)
        findings.append(finding)
        if entry is not None:
            counted.append(entry)
        if from_date is not None:
            pending.append((item.code, from_date))
    not_assessed = frozenset(f.code for f in findings if f.status is ItemStatus.NOT_ASSESSED)
    return DamageScore(
        counted=tuple(counted),
        not_assessed=not_assessed,
        total=_total(counted),
        findings=tuple(findings),
        pending=tuple(pending),
        as_of=as_of,
        lupus_onset=lupus_onset,
        onset_unknown=lupus_onset is None,
    )


def timeline(
    patient: Patient, dates: Iterable[datetime.date], *, lupus_onset: datetime.date | None
) -> tuple[DamageScore, ...]:
    """The SDI on each of ``dates`` (sorted, each once), by :func:`score_patient`.

    Damage never decreases along the timeline: once an item counts it stays.
    """
    _args.check(patient=patient, dates=dates, lupus_onset=_args.optional(lupus_onset))
    return tuple(
        score_patient(patient, as_of=day, lupus_onset=lupus_onset) for day in sorted(set(dates))
    )


def __dir__() -> list[str]:
    # The public API is what __all__ lists (as in pypa/packaging).
    return list(__all__)


def _at_occasion(patient: Patient, occasion: Occasion) -> DamageScore:
    # Batch scoring has no lupus onset date: the result says so (onset_unknown).
    assert occasion.date is not None  # batch scores damage as of each visit
    return score_patient(patient, as_of=occasion.date, lupus_onset=None)


#: The SDI in the instrument registry (``sle_scoring.INSTRUMENTS``). Its items are
#: asserted (``sdi.<item>``, dated at onset); item-level input scores each
#: "2 if more than one" item once (:func:`score` takes ``more_than_one``).
INSTRUMENT = Instrument(
    name="sdi",
    title="SLICC/ACR Damage Index (SDI)",
    source=SOURCE,
    scope="damage_as_of",
    codes=_ORDER,
    fields=(
        "total",
        "max_possible",
        "complete",
        "as_of",
        "lupus_onset",
        "present",
        "not_assessed",
        "pending",
        "verdict",
    ),
    from_items=score,
    from_evidence=score_patient,
    at_occasion=_at_occasion,
    visits_from="sdi",
)
