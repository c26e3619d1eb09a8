"""SLEDAI-2K, the Systemic Lupus Erythematosus Disease Activity Index 2000.

Sources: Gladman DD, Ibañez D, Urowitz MB. Systemic lupus erythematosus disease
activity index 2000. J Rheumatol 2002;29:288-291. Original SLEDAI: Bombardier C,
Gladman DD, Urowitz MB, et al. Arthritis Rheum 1992;35:630-640. 30-day window:
Touma Z, Urowitz MB, Gladman DD, et al. Lupus 2010;19:49-51.

Rules: a descriptor is scored if present at the visit or in the preceding window
(10 days by default; 30 days validated); each descriptor counts once, whatever the
number of occurrences; the score is the sum of the weights of the descriptors
present (0-105). Rash, alopecia, mucosal ulcers and proteinuria count whenever
present (new or ongoing), the change from the 1992 SLEDAI.

Variants share the one table: :data:`SLEDAI_2K` (all 24 descriptors) and
:data:`CLINICAL_SLEDAI_2K` (without the two serological descriptors).
"""

from __future__ import annotations

import datetime
import enum
import functools
from collections.abc import Callable, Iterable
from fractions import Fraction

import attrs

from . import _args
from . import _derive as _derive_module
from ._definitions import (
    above_upper_limit,
    arthritis,
    fever,
    leukopenia,
    low_complement,
    proteinuria,
    qualified,
    recorded,
    thrombocytopenia,
    written,
)
from ._derive import Signal, derive_findings, findings_by_rule
from ._items import (
    _EMPTIES,
    _EMPTY,
    Item,
    ItemFinding,
    ItemStatus,
    codes_with,
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
from ._safe import quote
from ._visits import evidence_in_window, known, remembered
from .evidence import Observation, Patient
from .exceptions import InvalidArgumentError

__all__ = [
    "CLINICAL_INSTRUMENT",
    "CLINICAL_SLEDAI_2K",
    "DEFAULT_WINDOW_DAYS",
    "DESCRIPTORS",
    "INSTRUMENT",
    "MAX_SCORE",
    "SLEDAI_2K",
    "SOURCE",
    "STANDARD_WINDOWS",
    "Descriptor",
    "Index",
    "Score",
    "check_window",
    "derive",
    "score",
    "score_findings",
    "score_visit",
]

SOURCE = (
    "Gladman DD, Ibañez D, Urowitz MB. Systemic lupus erythematosus disease activity "
    "index 2000. J Rheumatol 2002;29:288-291"
)

#: The SLEDAI-2K window in days: "present at the time of the visit or in the
#: preceding 10 days" (Gladman et al. 2002).
DEFAULT_WINDOW_DAYS = 10

#: The published windows in days: 10 (SLEDAI-2K) and 30 (Touma et al. 2010).
STANDARD_WINDOWS = (DEFAULT_WINDOW_DAYS, 30)


def check_window(days: int, *, non_standard: bool = False) -> None:
    """Check a SLEDAI-2K window: a whole number of days >= 0, and one of the
    published :data:`STANDARD_WINDOWS` (10 days, or 30 as validated by Touma et al.
    2010) unless a ``non_standard`` window is asked for explicitly.

    Raises ``ValueError`` (an :class:`~sle_scoring.exceptions.InvalidArgumentError`
    for an unpublished window) naming the arguments ``window_days`` and
    ``non_standard_window`` of :func:`score_visit`.

    >>> check_window(30)
    >>> check_window(14)
    Traceback (most recent call last):
    ...
    sle_scoring.exceptions.InvalidArgumentError: window_days=14 is not a published SLEDAI-2K
    window (10 or 30 days); pass non_standard_window=True to use it anyway
    >>> check_window(14, non_standard=True)
    """
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise InvalidArgumentError(
            "window_days", f"window_days must be a whole number of days >= 0 (got {quote(days)})"
        )
    if days not in STANDARD_WINDOWS and not non_standard:
        raise InvalidArgumentError(
            "window_days",
            f"window_days={days} is not a published SLEDAI-2K window "
            f"({' or '.join(map(str, STANDARD_WINDOWS))} days); "
            "pass non_standard_window=True to use it anyway",
        )


class Descriptor(str, enum.Enum):
    """The stable codes of the 24 SLEDAI-2K descriptors."""

    SEIZURE = "seizure"
    PSYCHOSIS = "psychosis"
    ORGANIC_BRAIN_SYNDROME = "organic_brain_syndrome"
    VISUAL_DISTURBANCE = "visual_disturbance"
    CRANIAL_NERVE_DISORDER = "cranial_nerve_disorder"
    LUPUS_HEADACHE = "lupus_headache"
    CVA = "cva"
    VASCULITIS = "vasculitis"
    ARTHRITIS = "arthritis"
    MYOSITIS = "myositis"
    URINARY_CASTS = "urinary_casts"
    HEMATURIA = "hematuria"
    PROTEINURIA = "proteinuria"
    PYURIA = "pyuria"
    RASH = "rash"
    ALOPECIA = "alopecia"
    MUCOSAL_ULCERS = "mucosal_ulcers"
    PLEURISY = "pleurisy"
    PERICARDITIS = "pericarditis"
    LOW_COMPLEMENT = "low_complement"
    INCREASED_DNA_BINDING = "increased_dna_binding"
    FEVER = "fever"
    THROMBOCYTOPENIA = "thrombocytopenia"
    LEUKOPENIA = "leukopenia"


CLINICAL = "clinical"
SEROLOGICAL = "serological"


def _descriptor(code: Descriptor, domain: str, weight: int, definition: str) -> Item:
    kind = SEROLOGICAL if domain == "immunologic" else CLINICAL
    return Item(code.value, domain, kind, weight, definition, SOURCE)


#: The 24 descriptors in the order of the published form.
DESCRIPTORS: tuple[Item, ...] = (
    _descriptor(
        Descriptor.SEIZURE,
        "neuropsychiatric",
        8,
        "recent onset; exclude metabolic, infectious or drug causes",
    ),
    _descriptor(
        Descriptor.PSYCHOSIS,
        "neuropsychiatric",
        8,
        "altered ability to function due to severe disturbance in the perception of "
        "reality; exclude uraemia and drugs",
    ),
    _descriptor(
        Descriptor.ORGANIC_BRAIN_SYNDROME,
        "neuropsychiatric",
        8,
        "altered mental function with impaired orientation, memory or other intellectual "
        "function, rapid onset and fluctuating features, plus >= 2 of: perceptual "
        "disturbance, incoherent speech, insomnia or daytime drowsiness, increased or "
        "decreased psychomotor activity; exclude metabolic, infectious or drug causes",
    ),
    _descriptor(
        Descriptor.VISUAL_DISTURBANCE,
        "neuropsychiatric",
        8,
        "retinal changes of SLE or optic neuritis; exclude hypertension, infection or drugs",
    ),
    _descriptor(
        Descriptor.CRANIAL_NERVE_DISORDER,
        "neuropsychiatric",
        8,
        "new onset sensory or motor neuropathy involving cranial nerves",
    ),
    _descriptor(
        Descriptor.LUPUS_HEADACHE,
        "neuropsychiatric",
        8,
        "severe persistent headache, not responding to narcotic analgesia",
    ),
    _descriptor(
        Descriptor.CVA,
        "neuropsychiatric",
        8,
        "new onset cerebrovascular accident(s); exclude arteriosclerosis",
    ),
    _descriptor(
        Descriptor.VASCULITIS,
        "vascular",
        8,
        "ulceration, gangrene, tender finger nodules, periungual infarction, splinter "
        "haemorrhages, or biopsy or angiogram proof of vasculitis",
    ),
    _descriptor(
        Descriptor.ARTHRITIS,
        "musculoskeletal",
        4,
        ">= 2 joints with pain and signs of inflammation (tenderness, swelling or effusion)",
    ),
    _descriptor(
        Descriptor.MYOSITIS,
        "musculoskeletal",
        4,
        "proximal muscle aching or weakness with raised CK or aldolase, EMG changes or a "
        "biopsy showing myositis",
    ),
    _descriptor(Descriptor.URINARY_CASTS, "renal", 4, "heme-granular or red blood cell casts"),
    _descriptor(
        Descriptor.HEMATURIA,
        "renal",
        4,
        "> 5 red blood cells per high-power field; exclude stone, infection or other cause",
    ),
    _descriptor(Descriptor.PROTEINURIA, "renal", 4, "> 0.5 g/24 h"),
    _descriptor(
        Descriptor.PYURIA,
        "renal",
        4,
        "> 5 white blood cells per high-power field; exclude infection",
    ),
    _descriptor(Descriptor.RASH, "mucocutaneous", 2, "inflammatory-type rash (new or ongoing)"),
    _descriptor(
        Descriptor.ALOPECIA,
        "mucocutaneous",
        2,
        "abnormal, patchy or diffuse hair loss (new or ongoing)",
    ),
    _descriptor(
        Descriptor.MUCOSAL_ULCERS, "mucocutaneous", 2, "oral or nasal ulcers (new or ongoing)"
    ),
    _descriptor(
        Descriptor.PLEURISY,
        "serosal",
        2,
        "pleuritic chest pain with pleural rub or effusion, or pleural thickening",
    ),
    _descriptor(
        Descriptor.PERICARDITIS,
        "serosal",
        2,
        "pericardial pain with >= 1 of: rub, effusion, or ECG or echocardiogram confirmation",
    ),
    _descriptor(
        Descriptor.LOW_COMPLEMENT,
        "immunologic",
        2,
        "CH50, C3 or C4 below the testing laboratory's lower limit of normal",
    ),
    _descriptor(
        Descriptor.INCREASED_DNA_BINDING,
        "immunologic",
        2,
        "anti-dsDNA above the testing laboratory's normal range",
    ),
    _descriptor(Descriptor.FEVER, "constitutional", 1, "> 38 °C; exclude infection"),
    _descriptor(
        Descriptor.THROMBOCYTOPENIA,
        "hematologic",
        1,
        "< 100,000 platelets/mm³; exclude drug causes",
    ),
    _descriptor(
        Descriptor.LEUKOPENIA,
        "hematologic",
        1,
        "< 3,000 white blood cells/mm³; exclude drug causes",
    ),
)

_BY_CODE: dict[str, Item] = {item.code: item for item in DESCRIPTORS}
_CODES: dict[str, str] = {code: code for code in _BY_CODE}
_WEIGHTS: dict[str, int] = {code: item.weight for code, item in _BY_CODE.items()}
_VOCABULARY = "SLEDAI-2K"
_ORDER = tuple(_BY_CODE)
_POSITION = positions(_ORDER)
_IN_ORDER = ordered_by(_POSITION)


def _index_codes(index: Index) -> dict[str, str]:
    return {code: code for code in _ORDER if code in index.codes}


@attrs.frozen
class Index:
    """A named variant of the one SLEDAI-2K table: which descriptors it scores.

    The variants differ only in the descriptors they include, never in weights or
    definitions, so they are subsets of :data:`DESCRIPTORS`, not copies. ``key`` is
    the variant's name in the instrument registry and in records.
    """

    name: str
    # Left out of the repr, so that a default argument reads Index(name='SLEDAI-2K').
    descriptors: tuple[Item, ...] = attrs.field(repr=False)
    source: str = attrs.field(repr=False)
    key: str = attrs.field(default="sledai_2k", kw_only=True, repr=False)
    # Built once (scoring reads them on every call), not part of equality.
    _codes: frozenset[str] = attrs.field(init=False, repr=False, eq=False)
    _weights: dict[str, int] = attrs.field(init=False, repr=False, eq=False)
    _max_score: int = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_codes", frozenset(item.code for item in self.descriptors))
        object.__setattr__(self, "_weights", {code: _WEIGHTS[code] for code in self._codes})
        # Scoring reads it on every row: the one weight sum, computed once.
        object.__setattr__(self, "_max_score", self.total_of(self._codes))

    @property
    def codes(self) -> frozenset[str]:
        """The codes of the descriptors this variant scores."""
        return self._codes

    @property
    def max_score(self) -> int:
        """The highest possible score: every descriptor present."""
        return self._max_score

    def total_of(self, codes: Iterable[str]) -> int:
        """The score with ``codes`` present: "the sum of the weights of the descriptors
        present", counting only the descriptors this variant scores (serology counts
        nothing in the clinical variant)."""
        if type(codes) is frozenset:
            # A score's codes (each once): one C-level pass, as the outcomes ask at
            # every visit of a batch.
            return sum(map(self._weights.__getitem__, self._codes.intersection(codes)))
        return sum(_WEIGHTS[code] for code in codes if code in self._codes)


#: SLEDAI-2K: all 24 descriptors, 0-105.
SLEDAI_2K = Index("SLEDAI-2K", DESCRIPTORS, SOURCE)

#: Clinical SLEDAI-2K: without low complement and increased DNA binding, 0-101 (the
#: activity measure of the DORIS 2021 remission definition).
CLINICAL_SLEDAI_2K = Index(
    "clinical SLEDAI-2K",
    tuple(item for item in DESCRIPTORS if item.kind == CLINICAL),
    SOURCE + "; serological descriptors removed as in van Vollenhoven RF, et al. "
    "Lupus Sci Med 2021;8:e000538",
    key="clinical_sledai_2k",
)

#: 8 x 8 + 6 x 4 + 7 x 2 + 3 x 1 = 105.
MAX_SCORE = SLEDAI_2K.max_score


# Not slotted: a frozen attrs class with a __dict__ is built about twice as fast
# (its __init__ stores into the dict instead of calling object.__setattr__ per
# field), and one is built for every visit of a batch.
@attrs.frozen(slots=False)
class Score:
    """A SLEDAI-2K score (or a variant's), with what was scored and what was not.

    ``present`` are the descriptors scored, ``not_assessed`` those with no evidence
    either way; ``complete`` is False when any descriptor was not assessed, so "0
    because absent" is never confused with "0 because not measured". At the evidence
    level ``visit_date`` and ``window_days`` say which observations were used;
    ``standard_window`` is False for a window other than 10 or 30 days.
    """

    index: Index
    total: int
    present: frozenset[str]
    not_assessed: frozenset[str]
    ignored: frozenset[str] = frozenset()
    findings: tuple[ItemFinding, ...] = ()
    visit_date: datetime.date | None = None
    window_days: int | None = None

    @property
    def complete(self) -> bool:
        """True when every descriptor of the index was assessed."""
        return not self.not_assessed

    @property
    def standard_window(self) -> bool:
        """False when the window is not one of the published ones (10 or 30 days)."""
        return self.window_days is None or self.window_days in STANDARD_WINDOWS

    @property
    def scored(self) -> tuple[Item, ...]:
        """The descriptors scored, in table order, each with its weight."""
        return tuple(item for item in self.index.descriptors if item.code in self.present)

    @property
    def explained(self) -> tuple[ItemFinding, ...]:
        """Descriptors left out because the finding was explained by another cause."""
        return tuple(f for f in self.findings if f.status is ItemStatus.EXPLAINED)

    @property
    def verdict(self) -> str:
        """One line: ``SLEDAI-2K 8 of 105``, and what was not assessed."""
        verdict = f"{self.index.name} {self.total} of {self.index.max_score}"
        if self.not_assessed:
            codes = sorted(self.not_assessed, key=_POSITION.__getitem__)
            verdict += f"; incomplete, not assessed: {', '.join(codes)}"
        return verdict

    def finding(self, code: str | Descriptor) -> ItemFinding:
        """How one descriptor of the index was decided; raises
        :class:`~sle_scoring.exceptions.UnknownCodeError` for a code that is not one."""
        codes = _CODES if self.index.codes == SLEDAI_2K.codes else _index_codes(self.index)
        return item_of(code, codes, self.index.name, self.findings, self.present, self.not_assessed)

    def as_record(self) -> dict[str, RecordValue]:
        """The score as one flat record, keys ``<index key>.<field>`` (``sledai_2k``
        or ``clinical_sledai_2k``; :data:`INSTRUMENT` ``.fields``)."""
        return prefixed(self.index.key, {name: get(self) for name, get in _RECORD.items()})

    def record_values(self, fields: Iterable[str]) -> list[RecordValue]:
        """The values of ``fields`` of :meth:`as_record` (without the prefix), built
        alone: a batch writing a few columns does not format the others."""
        return [_RECORD[name](self) for name in fields]

    def explain(self) -> str:
        """A readable account: each descriptor scored, left out, or not assessed."""
        lines = [f"{self.index.name} (research use, not a diagnosis)"]
        if self.visit_date is not None:
            window = f"Visit {self.visit_date.isoformat()}, window {self.window_days} days"
            if not self.standard_window:
                window += " (non-standard window)"
            lines.append(window)
        by_code = {f.code: f for f in self.findings}
        for item in self.scored:
            line = f"  {item.code:<24} {item.weight:>2}"
            finding = by_code.get(item.code)
            if finding is not None and finding.reason:
                line += f"  {finding.reason}"
            lines.append(line)
        if not self.present:
            lines.append("  no descriptor present")
        lines.extend(_absent_by_form(self.findings))
        lines.extend(left_out(self.findings))
        if self.ignored:
            lines.append(
                f"Not part of {self.index.name}, ignored: " + ", ".join(sorted(self.ignored))
            )
        total = f"Total {self.total} (of {self.index.max_score})"
        if self.not_assessed:
            codes = [i.code for i in self.index.descriptors if i.code in self.not_assessed]
            total += f"; incomplete, not assessed: {', '.join(codes)}"
        lines.append(total)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.explain()

    def __getstate__(self) -> dict[str, object]:
        """Every field, in field order (a hot-path value reads its defaults from
        the class): the pickle of the value ``__init__`` builds."""
        return state(self)


# The hot path stores only the fields without a default (_results.bare).
defaults_on_class(Score)


def _absent_by_form(findings: Iterable[ItemFinding]) -> list[str]:
    """One explanation line naming the descriptors a completed form made absent."""
    by_form = [
        f
        for f in findings
        if f.status is ItemStatus.ABSENT and f.evidence and f.evidence[-1].code == _FORM
    ]
    if not by_form:
        return []
    dates = sorted(
        {iso(o.date) or "undated" for f in by_form for o in f.evidence if o.code == _FORM}
    )
    return [
        f"Absent by the completed SLEDAI-2K form of {', '.join(dates)} (not recorded present): "
        + ", ".join(f.code for f in by_form)
    ]


# Each field of Score.as_record(), in record order: the one definition of the record
# (as_record builds them all, record_values only those a batch writes).
_RECORD: dict[str, Callable[[Score], RecordValue]] = {
    "total": lambda score: score.total,
    "max": lambda score: score.index.max_score,
    "complete": lambda score: score.complete,
    "visit_date": lambda score: iso(score.visit_date),
    "window_days": lambda score: score.window_days,
    "standard_window": lambda score: score.standard_window,
    "present": lambda score: _IN_ORDER(score.present),
    "not_assessed": lambda score: _IN_ORDER(score.not_assessed),
    "explained": lambda score: explained(score.findings, _POSITION),
    "ignored": lambda score: _IN_ORDER(score.ignored),
    "verdict": lambda score: score.verdict,
}


def score(
    items: Iterable[str | Descriptor],
    *,
    not_assessed: Iterable[str | Descriptor] = (),
    index: Index = SLEDAI_2K,
) -> Score:
    """Score SLEDAI-2K (or a variant) from descriptor codes.

    ``items`` are the descriptors present at the visit or in its window (each counts
    once); codes in ``not_assessed`` had no evidence either way; every other
    descriptor is taken as assessed and absent. Serological codes given to
    :data:`CLINICAL_SLEDAI_2K` are reported as ignored, not scored.

    >>> score(["arthritis", "low_complement", "increased_dna_binding"]).total  # 4 + 2 + 2
    8
    >>> score(["arthritis", "low_complement"], index=CLINICAL_SLEDAI_2K).total  # 4
    4
    """
    # (The default index by identity first: one type() call fewer on most calls.)
    if (index is SLEDAI_2K or type(index) is Index) and type(items) is frozenset:
        # The per-call hot path: a frozenset of the index's codes (none to ignore),
        # kept as it is when each is a plain string (an enum member is spelt out by
        # the full path below); the total summed in the same pass; the result stored
        # without running __init__, as it would (_results.bare). explain(),
        # finding() and the record are worked out when asked for.
        total = 0
        weights = index._weights
        try:
            for code in items:
                if type(code) is not str:
                    break
                total += weights[code]  # KeyError: not a code of the index
            else:
                # Not assessed: a frozenset of plain codes of the index, none present
                # (_items.plain, written out: a Python loop over one or two codes is
                # cheaper than its call and C-level set operations), or empty.
                missing: frozenset[str] | None = None
                if type(not_assessed) is frozenset:
                    missing = not_assessed
                    if not_assessed:  # (the usual case: every descriptor assessed)
                        for code in not_assessed:
                            if type(code) is not str or code in items or code not in weights:
                                missing = None  # the full path below spells or names it
                                break
                elif type(not_assessed) in _EMPTIES and not not_assessed:
                    missing = _EMPTY
                if missing is not None:
                    value = bare(Score)
                    fields = value.__dict__  # the fields without a default, in field order
                    fields["index"] = index
                    fields["total"] = total
                    fields["present"] = items
                    fields["not_assessed"] = missing
                    return value
        except KeyError:
            pass  # the full path below ignores it (a variant's) or names it (unknown)
    if type(index) is not Index:  # the check builds an object: not on every call
        _args.check(index=_args.of(Index, index))
    present, missing = item_codes(items, not_assessed, _CODES, _VOCABULARY)
    return _score(index, present, missing)


def _score(
    index: Index,
    present: frozenset[str],
    not_assessed: frozenset[str],
    findings: tuple[ItemFinding, ...] = (),
    visit_date: datetime.date | None = None,
    window_days: int | None = None,
) -> Score:
    codes = index.codes
    ignored: frozenset[str] = _NONE
    if not (codes.issuperset(present) and codes.issuperset(not_assessed)):
        ignored = (present | not_assessed) - codes
        present = present & codes
        not_assessed = not_assessed & codes
    # Positional arguments, in field order: this runs once per visit in a batch.
    total = sum(map(index._weights.__getitem__, present))  # total_of, in one C-level pass
    return Score(index, total, present, not_assessed, ignored, findings, visit_date, window_days)


_NONE: frozenset[str] = frozenset()


def score_findings(
    findings: Iterable[ItemFinding],
    *,
    index: Index = SLEDAI_2K,
    visit_date: datetime.date | None = None,
    window_days: int | None = None,
) -> Score:
    """Score from per-descriptor findings (the evidence-level path).

    Every descriptor of the index must have a finding; findings for descriptors
    outside the index (serology, for the clinical variant) are disregarded.
    """
    _args.check(
        findings=findings,
        index=_args.of(Index, index),
        visit_date=_args.optional(visit_date),
        window_days=_args.optional(window_days),
    )
    every = ordered_findings(findings, list(_BY_CODE), _VOCABULARY)
    ordered = tuple(f for f in every if f.code in index.codes)
    present = codes_with(ordered, ItemStatus.PRESENT)
    not_assessed = codes_with(ordered, ItemStatus.NOT_ASSESSED)
    return _score(index, present, not_assessed, ordered, visit_date, window_days)


def _visit_score(
    findings: tuple[ItemFinding, ...],
    index: Index,
    visit_date: datetime.date,
    window_days: int,
) -> Score:
    """:func:`score_findings` of a visit's findings as :func:`score_visit` finds them,
    one per descriptor in table order, its arguments checked: nothing to check or
    order again (a batch scores each visit once per index)."""
    codes = index.codes
    ordered = findings if index is SLEDAI_2K else tuple(f for f in findings if f.code in codes)
    present = codes_with(ordered, ItemStatus.PRESENT)
    not_assessed = codes_with(ordered, ItemStatus.NOT_ASSESSED)
    return _score(index, present, not_assessed, ordered, visit_date, window_days)


# --- Evidence level ---------------------------------------------------------------
# Each descriptor as Gladman et al. 2002 define it, applied to the observations in the
# visit's window. A clinician's direct assertion (``sledai_2k.<code>``) is accepted too.
# SLEDAI-2K scores lupus activity: an observation marked as explained by another
# cause (the descriptor's listed exclusion, e.g. infection for fever) is left out.

_FEVER_ABOVE_C = 38  # "Fever: > 38 °C"
_THROMBOCYTOPENIA_BELOW = 100_000  # "< 100,000 platelets/mm³"
_LEUKOPENIA_BELOW = 3000  # "< 3,000 white blood cells/mm³"
_URINE_CELLS_ABOVE = 5  # "> 5 red (white) blood cells/high power field"
_PROTEINURIA_ABOVE_G = Fraction("0.5")  # "> 0.5 g/24 hours"
_ARTHRITIS_JOINTS_AT_LEAST = 2  # ">= 2 joints with pain and signs of inflammation"
_CASTS = frozenset({"heme_granular", "red_cell"})  # "heme-granular or red blood cell casts"


# A completed form (``sledai_2k_form_completed``): "check box: if descriptor is present
# at the time of visit or in the preceding 10 days"; a box not ticked on a completed
# form is a descriptor assessed and absent. The descriptors whose definition is a
# laboratory result (urinalysis, complement, anti-dsDNA, blood count) are absent by
# the form only when it was completed with the window's results ("all"): an unticked
# laboratory box cannot tell a normal result from a test not done.
_FORM = "sledai_2k_form_completed"
_FORM_WITH_RESULTS = "all"
_LABORATORY = frozenset(
    {
        Descriptor.URINARY_CASTS,
        Descriptor.HEMATURIA,
        Descriptor.PROTEINURIA,
        Descriptor.PYURIA,
        Descriptor.LOW_COMPLEMENT,
        Descriptor.INCREASED_DNA_BINDING,
        Descriptor.THROMBOCYTOPENIA,
        Descriptor.LEUKOPENIA,
    }
)


def _on_the_form(signal: Signal, forms: tuple[Observation, ...]) -> Signal:
    """A descriptor not assessed otherwise, on a completed form: assessed, absent, the
    form's statement the evidence (one present, explained or absent by its own
    evidence stays so)."""
    if not forms or signal.status is not ItemStatus.NOT_ASSESSED:
        return signal
    return Signal(
        ItemStatus.ABSENT,
        description=f"{signal.description} (not recorded present on the completed form)",
        negatives=forms,
    )


def _on_the_form_of(code: str, rule: _derive_module.Rule, evidence: _derive_module.Index) -> Signal:
    """A descriptor's signal from the evidence in the window, a completed form
    making it absent when not recorded present."""
    forms = tuple(evidence.get(_FORM, ()))
    if code in _LABORATORY:
        forms = tuple(o for o in forms if o.value == _FORM_WITH_RESULTS)
    return _on_the_form(rule(evidence), forms)


def _derive(evidence: _derive_module.Index) -> dict[str, Signal]:
    """Every descriptor's signal from the evidence in the window, a completed form
    making absent those not recorded present."""
    return {code: rule(evidence) for code, rule in _RULES.items()}


# Each descriptor's rule on its own (a window at a visit runs a rule only when a code
# it reads has other observations than in the window before): "_d" is the
# combinators' module.
_d = _derive_module


def _with_pain(pain: Signal, description: str, *others: Signal) -> Signal:
    return _d.all_of(description, [pain, _d.any_of(description, *others)], None)


#: Every descriptor's signal from the evidence in the window (without a form).
_DESCRIPTOR_RULES: dict[str, _derive_module.Rule] = {
    # "Seizure: recent onset"; "new onset" cranial nerve disorder and CVA: a
    # qualifier recorded absent on the same date says the finding is not new.
    "seizure": lambda evidence: qualified(
        evidence, "seizure", "seizure_recent_onset", "seizure", "recent onset"
    ),
    "psychosis": lambda evidence: _d.present(evidence, "psychosis", "psychosis"),
    "organic_brain_syndrome": lambda evidence: _d.present(
        evidence, "organic_brain_syndrome", "organic brain syndrome"
    ),
    "visual_disturbance": lambda evidence: _d.present(
        evidence, "visual_disturbance", "visual disturbance"
    ),
    "cranial_nerve_disorder": lambda evidence: qualified(
        evidence,
        "cranial_neuropathy",
        "cranial_neuropathy_new_onset",
        "cranial nerve disorder",
        "new onset",
    ),
    "lupus_headache": lambda evidence: _d.present(evidence, "lupus_headache", "lupus headache"),
    "cva": lambda evidence: qualified(
        evidence,
        "cerebrovascular_accident",
        "cerebrovascular_accident_new_onset",
        "new cerebrovascular accident",
        "new onset",
    ),
    "vasculitis": lambda evidence: _d.present(evidence, "vasculitis", "vasculitis"),
    "arthritis": lambda evidence: arthritis(
        evidence,
        f">= {written(_ARTHRITIS_JOINTS_AT_LEAST)} joints with pain and signs of inflammation",
        joints_at_least=_ARTHRITIS_JOINTS_AT_LEAST,
    ),
    "myositis": lambda evidence: _with_pain(
        _d.present(evidence, "proximal_muscle_weakness", "proximal muscle aching or weakness"),
        "proximal weakness with raised CK/aldolase, EMG changes or biopsy",
        _d.present(evidence, "raised_muscle_enzymes", "raised CK or aldolase"),
        _d.present(evidence, "myopathic_emg", "EMG changes"),
        _d.present(evidence, "myositis_on_biopsy", "biopsy showing myositis"),
    ),
    "urinary_casts": lambda evidence: _d.test(
        evidence,
        "urinary_casts",
        lambda o: o.value in _CASTS,
        "heme-granular or red blood cell casts",
    ),
    "hematuria": lambda evidence: _d.measured(
        evidence,
        "urine_red_cells",
        ">",
        Fraction(_URINE_CELLS_ABOVE),
        f"> {written(_URINE_CELLS_ABOVE)} red blood cells/hpf",
    ),
    "proteinuria": lambda evidence: proteinuria(evidence, above=_PROTEINURIA_ABOVE_G),
    "pyuria": lambda evidence: _d.measured(
        evidence,
        "urine_white_cells",
        ">",
        Fraction(_URINE_CELLS_ABOVE),
        f"> {written(_URINE_CELLS_ABOVE)} white blood cells/hpf",
    ),
    "rash": lambda evidence: _d.any_of(
        "inflammatory-type rash",
        _d.present(evidence, "malar_rash", "malar rash"),
        _d.present(evidence, "maculopapular_rash", "maculopapular rash"),
        _d.present(evidence, "subacute_cutaneous_lupus", "subacute cutaneous lupus"),
        _d.present(evidence, "discoid_lupus", "discoid lupus"),
        _d.present(evidence, "photosensitive_lupus_rash", "photosensitive lupus rash"),
        _d.present(evidence, "inflammatory_rash", "inflammatory rash"),
    ),
    "alopecia": lambda evidence: _d.present(
        evidence, "non_scarring_alopecia", "abnormal, patchy or diffuse hair loss"
    ),
    "mucosal_ulcers": lambda evidence: _d.any_of(
        "oral or nasal ulcers",
        _d.present(evidence, "oral_ulcers", "oral ulcers"),
        _d.present(evidence, "nasal_ulcers", "nasal ulcers"),
        *recorded(evidence, "oral_or_nasal_ulcers", "oral or nasal ulcers (site not stated)"),
    ),
    "pleurisy": lambda evidence: _with_pain(
        _d.present(evidence, "pleuritic_pain", "pleuritic chest pain"),
        "pleuritic chest pain with pleural rub, effusion or thickening",
        _d.present(evidence, "pleural_rub", "pleural rub"),
        _d.present(evidence, "pleural_effusion", "pleural effusion"),
        _d.present(evidence, "pleural_thickening", "pleural thickening"),
    ),
    "pericarditis": lambda evidence: _with_pain(
        _d.present(evidence, "pericardial_pain", "pericardial pain"),
        "pericardial pain with rub, effusion or ECG/echocardiogram confirmation",
        _d.present(evidence, "pericardial_rub", "pericardial rub"),
        _d.present(evidence, "pericardial_effusion", "pericardial effusion"),
        _d.present(evidence, "pericarditis_on_ecg", "ECG/echocardiogram confirmation"),
    ),
    "low_complement": lambda evidence: _d.any_of(
        "CH50, C3 or C4 below the lower limit of normal",
        low_complement(evidence, "ch50"),
        low_complement(evidence, "c3"),
        low_complement(evidence, "c4"),
    ),
    "increased_dna_binding": lambda evidence: _d.test(
        evidence, "anti_dsdna", above_upper_limit, "anti-dsDNA above the normal range"
    ),
    "fever": lambda evidence: fever(evidence, above=_FEVER_ABOVE_C),
    "thrombocytopenia": lambda evidence: thrombocytopenia(evidence, below=_THROMBOCYTOPENIA_BELOW),
    "leukopenia": lambda evidence: leukopenia(evidence, below=_LEUKOPENIA_BELOW),
}
_RULES: dict[str, _derive_module.Rule] = {
    code: functools.partial(_on_the_form_of, code, rule) for code, rule in _DESCRIPTOR_RULES.items()
}


def derive(observations: Iterable[Observation]) -> tuple[ItemFinding, ...]:
    """Every descriptor's :class:`ItemFinding` from observations (no date filtering);
    a clinician's assertion ``sledai_2k.<code>`` is evidence too."""
    _args.check(observations=observations)
    return derive_findings(observations, "sledai_2k", _BY_CODE, _derive)


def score_visit(
    patient: Patient,
    visit_date: datetime.date,
    *,
    window_days: int = DEFAULT_WINDOW_DAYS,
    index: Index = SLEDAI_2K,
    non_standard_window: bool = False,
) -> Score:
    """Score SLEDAI-2K for one visit from dated evidence.

    Uses the observations dated from ``window_days`` days before the visit up to the
    visit day ("present at the time of the visit or in the preceding 10 days").
    ``window_days`` is 10 by default and 30 is the validated alternative (Touma et
    al. 2010); any other window must be asked for with ``non_standard_window=True``,
    and the result then says it is non-standard.
    """
    # Batch scoring asks for the same visit's score for several instruments (about
    # ten times a visit with all of them). The index by identity (hashing it is slow):
    # the score remembered holds it, so no other index can take its id while the
    # answer is kept.
    key = ("sledai_2k", visit_date, window_days, id(index), non_standard_window)
    if (
        type(visit_date) is datetime.date
        and type(window_days) is int
        and type(non_standard_window) is bool
    ):
        # Remembered for these very arguments, which were checked then (the exact
        # types, as 10.0 == 10 and 1 == True would find it too).
        before = known(patient, key)
        if before is not None:
            assert isinstance(before, Score)
            return before
    _args.check(
        patient=patient,
        visit_date=visit_date,
        window_days=window_days,
        index=_args.of(Index, index),
        non_standard_window=non_standard_window,
    )
    check_window(window_days, non_standard=non_standard_window)

    def found() -> tuple[ItemFinding, ...]:
        evidence = evidence_in_window(patient, visit_date, window_days)
        return findings_by_rule(evidence, "sledai_2k", _BY_CODE, _RULES)

    def scored() -> Score:
        # The descriptors' findings are those of the visit, whichever index is scored.
        findings = remembered(patient, ("sledai_2k findings", visit_date, window_days), found)
        return _visit_score(findings, index, visit_date, window_days)

    return remembered(patient, key, scored)


def __dir__() -> list[str]:
    # The public API is what __all__ lists (as in pypa/packaging).
    return list(__all__)


def _clinical_score(
    items: Iterable[str | Descriptor], *, not_assessed: Iterable[str | Descriptor] = ()
) -> Score:
    return score(items, not_assessed=not_assessed, index=CLINICAL_SLEDAI_2K)


def _clinical_score_visit(
    patient: Patient,
    visit_date: datetime.date,
    *,
    window_days: int = 10,
    non_standard_window: bool = False,
) -> Score:
    return score_visit(
        patient,
        visit_date,
        window_days=window_days,
        index=CLINICAL_SLEDAI_2K,
        non_standard_window=non_standard_window,
    )


_FIELDS = (
    "total",
    "max",
    "complete",
    "visit_date",
    "window_days",
    "standard_window",
    "present",
    "not_assessed",
    "explained",
    "ignored",
    "verdict",
)

#: SLEDAI-2K in the instrument registry (``sle_scoring.INSTRUMENTS``).
INSTRUMENT = Instrument(
    name="sledai_2k",
    title="SLEDAI-2K",
    source=SOURCE,
    scope="activity_at_visit",
    codes=_ORDER,
    fields=_FIELDS,
    from_items=score,
    from_evidence=score_visit,
    rules=_derive,
    visits_from="sledai_2k",
)

#: Clinical SLEDAI-2K (:data:`CLINICAL_SLEDAI_2K`) in the instrument registry.
CLINICAL_INSTRUMENT = Instrument(
    name="clinical_sledai_2k",
    title="clinical SLEDAI-2K",
    source=CLINICAL_SLEDAI_2K.source,
    scope="activity_at_visit",
    codes=tuple(item.code for item in CLINICAL_SLEDAI_2K.descriptors),
    fields=_FIELDS,
    from_items=_clinical_score,
    from_evidence=_clinical_score_visit,
    variant_of="sledai_2k",
    visits_from="sledai_2k",
)
