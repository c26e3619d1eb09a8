"""SLEDAI-2K activity bands, as named and cited schemes.

SLEDAI-2K itself defines no bands (Gladman DD, Ibañez D, Urowitz MB. J Rheumatol
2002;29:288-291). Guidelines and reviews band the total in different ways, so each
scheme here is named, carries its source, and none is the default: the caller picks
one (``band(score, scheme=...)``).

- ``eular_table_4band``: "SLEDAI=0 Remission; SLEDAI=1-4 Low activity; SLEDAI=5-10
  Moderate activity; SLEDAI >10 High activity" (EULAR review table, secondary).
- ``malaysia_cpg_2024_sledai2k``: the same four bands for SLEDAI-2K in the Malaysian
  clinical practice guideline (2024, Table 3); kept apart so the citation is exact.
- ``malaysia_cpg_2024_sledai_classic``: "<6 mild, 6-12 moderate, >12 severe", given
  by the same table for the classic SLEDAI, not SLEDAI-2K: applied to a SLEDAI-2K
  score, the result says so.

Single cut-offs are named booleans (:data:`THRESHOLDS`, ``meets(score,
threshold=...)``): active disease at SLEDAI-2K >= 3 or >= 4 (Yee et al. 2011), and
SLEDAI-2K >= 6 as clinically important (Mikdashi and Nived 2015, secondary).

An incomplete score (descriptors not assessed) gets a band only when every possible
completion falls in the same band: from its total to its total plus the weights of
the descriptors not assessed. Otherwise the band cannot be determined, and the
result names the descriptors missing.
"""

from __future__ import annotations

import datetime

import attrs

from ._items import suggest
from ._results import RecordValue
from ._trial import check_date, shown_range, sledai_missing, sledai_range
from .exceptions import InvalidItemsError, UnknownCodeError
from .sledai_2k import MAX_SCORE, Score

__all__ = [
    "SCHEMES",
    "THRESHOLDS",
    "Band",
    "Scheme",
    "SchemeBand",
    "Threshold",
    "ThresholdCheck",
    "band",
    "meets",
]

_EULAR_TABLE = (
    "EULAR review table 'Features, caveats and pitfalls of main indices used in SLE' "
    "(SLEDAI-2K grading of severity), Ann Rheum Dis, "
    "ard.bmj.com/highwire/markup/278401/expansion (secondary source)"
)
_MALAYSIA_CPG = (
    "Malaysian Clinical Practice Guidelines, Management of Systemic Lupus Erythematosus "
    "2024, Table 3 'Disease Activity Assessment Tools for SLE' (footnotes cite Gordon C, "
    "et al. BSR guideline 2018, among others)"
)
_YEE_2011 = (
    "Yee CS, et al. Rheumatology 2011;50:982-988 (PMC3077910, abstract): the most "
    "appropriate cut-off scores for active disease were 3 or 4"
)
_MIKDASHI_2015 = (
    "Mikdashi J, Nived O. Arthritis Res Ther 2015;17:183, as cited by normgroup.org/?p=9895 "
    "(secondary source); SLEDAI-2K >= 6 is also the entry threshold of the TULIP trials"
)


@attrs.frozen
class SchemeBand:
    """One band of a scheme: ``label`` for totals from ``low`` to ``high`` inclusive."""

    label: str
    low: int
    high: int


@attrs.frozen
class Scheme:
    """A named banding of the SLEDAI total, as one source prints it.

    ``defined_for`` is the index the source bands (``SLEDAI-2K``, or ``SLEDAI`` for
    the classic 1992 index); ``bands`` cover 0-105 without gaps, in order.
    """

    id: str
    bands: tuple[SchemeBand, ...]
    source: str
    defined_for: str
    wording: str

    def label_of(self, total: int) -> str:
        """The band of a complete total."""
        for row in self.bands:
            if row.low <= total <= row.high:
                return row.label
        raise ValueError(f"{total} is outside 0-{MAX_SCORE}")  # pragma: no cover - table error


def _scheme(
    id: str, source: str, wording: str, *bands: tuple[str, int, int], defined_for: str
) -> Scheme:
    return Scheme(id, tuple(SchemeBand(*b) for b in bands), source, defined_for, wording)


#: The band schemes, by id. None of them is part of SLEDAI-2K; none is the default.
SCHEMES: dict[str, Scheme] = {
    scheme.id: scheme
    for scheme in (
        _scheme(
            "eular_table_4band",
            _EULAR_TABLE,
            "SLEDAI=0 Remission; SLEDAI=1-4 Low activity; SLEDAI=5-10 Moderate activity; "
            "SLEDAI >10 High activity",
            ("remission", 0, 0),  # "SLEDAI=0 Remission"
            ("low", 1, 4),  # "SLEDAI=1-4 Low activity"
            ("moderate", 5, 10),  # "SLEDAI=5-10 Moderate activity"
            ("high", 11, MAX_SCORE),  # "SLEDAI >10 High activity"
            defined_for="SLEDAI-2K",
        ),
        _scheme(
            "malaysia_cpg_2024_sledai2k",
            _MALAYSIA_CPG,
            "SLEDAI-2K: Low 1-4, Moderate 5-10, High >10; a score of 0 is categorised as remission",
            ("remission", 0, 0),  # "SLEDAI/SLEDAI-2K score of 0 is categorised as remission"
            ("low", 1, 4),  # "Low 1 - 4"
            ("moderate", 5, 10),  # "Moderate 5 - 10"
            ("high", 11, MAX_SCORE),  # "High >10"
            defined_for="SLEDAI-2K",
        ),
        _scheme(
            "malaysia_cpg_2024_sledai_classic",
            _MALAYSIA_CPG,
            "SLEDAI: Mild <6, Moderate 6-12, Severe >12",
            # No zero band of its own: 0 falls in "<6" (the table's footnote on 0 is
            # not part of this row).
            ("mild", 0, 5),  # "Mild <6"
            ("moderate", 6, 12),  # "Moderate 6 - 12"
            ("severe", 13, MAX_SCORE),  # "Severe >12"
            defined_for="SLEDAI",
        ),
    )
}


@attrs.frozen
class Threshold:
    """A single published cut-off: SLEDAI-2K ``>= at_least`` means ``meaning``."""

    id: str
    at_least: int
    meaning: str
    source: str


#: The single cut-offs, by id, as named booleans.
THRESHOLDS: dict[str, Threshold] = {
    t.id: t
    for t in (
        # "the most appropriate cut-off scores for active disease were 3 or 4"
        Threshold("active_ge_3", 3, "active disease", _YEE_2011),
        Threshold("active_ge_4", 4, "active disease", _YEE_2011),
        # "SLEDAI-2K >= 6 ... clinically important"
        Threshold("clinically_important_ge_6", 6, "clinically important activity", _MIKDASHI_2015),
    )
}


def _check_score(score: Score | int) -> tuple[int, int]:
    bounds = sledai_range(score, "score")
    if bounds is None:
        raise InvalidItemsError("score must be a SLEDAI-2K Score or a total 0-105 (got None)")
    return bounds


def _visit_date(score: Score | int, visit_date: datetime.date | None) -> datetime.date | None:
    date = check_date(visit_date, "visit_date")
    if date is None and isinstance(score, Score):
        return score.visit_date
    return date


@attrs.frozen
class Band:
    """The band of one SLEDAI-2K score under one scheme.

    ``label`` is ``None`` when the band cannot be determined: the total lies between
    ``least`` and ``most`` (descriptors not assessed) and that range crosses a band
    edge; ``missing`` then names the descriptors. ``complete`` is True when every
    descriptor was assessed.
    """

    scheme: Scheme
    label: str | None
    least: int
    most: int
    missing: tuple[str, ...] = ()
    visit_date: datetime.date | None = None

    @property
    def complete(self) -> bool:
        """True when the total is known exactly."""
        return self.least == self.most

    @property
    def possible(self) -> tuple[str, ...]:
        """The bands the total could fall in, lowest first."""
        return tuple(
            row.label
            for row in self.scheme.bands
            if row.low <= self.most and row.high >= self.least
        )

    @property
    def verdict(self) -> str:
        """The band, or ``cannot be determined: <descriptors> missing (low or moderate)``."""
        if self.label is not None:
            return self.label
        return (
            f"cannot be determined: {', '.join(self.missing)} missing "
            f"({' or '.join(self.possible)})"
        )

    @property
    def notes(self) -> tuple[str, ...]:
        """What the reader must know: the index a scheme was defined for."""
        if self.scheme.defined_for == "SLEDAI-2K":
            return ()
        return (
            f"scheme defined for {self.scheme.defined_for}, applied here to SLEDAI-2K "
            "(non-standard)",
        )

    def explain(self) -> str:
        """The band, the total and the scheme's wording and source."""
        when = f" on {self.visit_date.isoformat()}" if self.visit_date is not None else ""
        lines = [
            f"SLEDAI-2K band ({self.scheme.id}){when}: {self.verdict} "
            "(research use, not a diagnosis)",
            f"  SLEDAI-2K {shown_range((self.least, self.most))}; scheme: {self.scheme.wording}",
        ]
        lines.extend(f"  Note: {note}" for note in self.notes)
        lines.append("  No band scheme is part of SLEDAI-2K (Gladman et al. 2002).")
        lines.append(f"  Source: {self.scheme.source}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.explain()

    def as_record(self) -> dict[str, RecordValue]:
        """Flat and JSON-ready: ``sledai_bands.<scheme>`` is the band (``None`` when it
        cannot be determined), with ``.verdict``, ``.least``, ``.most``."""
        key = f"sledai_bands.{self.scheme.id}"
        return {
            key: self.label,
            f"{key}.verdict": self.verdict,
            f"{key}.least": self.least,
            f"{key}.most": self.most,
        }


def _lookup(name: str, table: dict[str, Scheme] | dict[str, Threshold], kind: str) -> str:
    if not isinstance(name, str) or name not in table:
        shown = str(name)
        raise UnknownCodeError(shown, kind, suggest(shown, table))
    return name


def band(score: Score | int, *, scheme: str, visit_date: datetime.date | None = None) -> Band:
    """The band of a SLEDAI-2K score (or total 0-105) under the named ``scheme``
    (one of :data:`SCHEMES`; required, there is no default).

    >>> from sle_scoring import sledai_2k
    >>> band(sledai_2k.score(["arthritis", "rash"]), scheme="eular_table_4band").verdict  # 4 + 2
    'moderate'
    >>> band(6, scheme="malaysia_cpg_2024_sledai_classic").verdict
    'moderate'
    >>> band(sledai_2k.score(["arthritis"], not_assessed=["fever"]),  # 4 to 4 + 1
    ...      scheme="eular_table_4band").verdict
    'cannot be determined: SLEDAI-2K fever missing (low or moderate)'
    """
    chosen = SCHEMES[_lookup(scheme, SCHEMES, "SLEDAI-2K band scheme")]
    least, most = _check_score(score)
    low, high = chosen.label_of(least), chosen.label_of(most)
    date = _visit_date(score, visit_date)
    if low == high:
        return Band(chosen, low, least, most, (), date)
    return Band(chosen, None, least, most, sledai_missing(score, "SLEDAI-2K"), date)


@attrs.frozen
class ThresholdCheck:
    """Whether one SLEDAI-2K score reaches a single cut-off; ``met`` is ``None`` when
    descriptors not assessed leave it open (``missing`` names them)."""

    threshold: Threshold
    met: bool | None
    least: int
    most: int
    missing: tuple[str, ...] = ()
    visit_date: datetime.date | None = None

    @property
    def complete(self) -> bool:
        """True when the total is known exactly."""
        return self.least == self.most

    @property
    def verdict(self) -> str:
        """``true``, ``false`` or ``cannot be determined: <descriptors> missing``."""
        if self.met is None:
            return f"cannot be determined: {', '.join(self.missing)} missing"
        return "true" if self.met else "false"

    def explain(self) -> str:
        """The answer, the total and the cut-off with its source."""
        t = self.threshold
        when = f" on {self.visit_date.isoformat()}" if self.visit_date is not None else ""
        return "\n".join(
            [
                f"SLEDAI-2K >= {t.at_least} ({t.id}, {t.meaning}){when}: {self.verdict} "
                "(research use, not a diagnosis)",
                f"  SLEDAI-2K {shown_range((self.least, self.most))}",
                f"  Source: {t.source}",
            ]
        )

    def __str__(self) -> str:
        return self.explain()

    def as_record(self) -> dict[str, RecordValue]:
        """Flat and JSON-ready: ``sledai_bands.<threshold>`` is True, False or ``None``."""
        key = f"sledai_bands.{self.threshold.id}"
        return {key: self.met, f"{key}.verdict": self.verdict}


def meets(
    score: Score | int, *, threshold: str, visit_date: datetime.date | None = None
) -> ThresholdCheck:
    """Whether a SLEDAI-2K score (or total) reaches the named single cut-off (one of
    :data:`THRESHOLDS`).

    >>> meets(4, threshold="active_ge_4").verdict
    'true'
    >>> meets(3, threshold="active_ge_4").verdict
    'false'
    """
    chosen = THRESHOLDS[_lookup(threshold, THRESHOLDS, "SLEDAI-2K threshold")]
    least, most = _check_score(score)
    date = _visit_date(score, visit_date)
    if least >= chosen.at_least:
        return ThresholdCheck(chosen, True, least, most, (), date)
    if most < chosen.at_least:
        return ThresholdCheck(chosen, False, least, most, (), date)
    return ThresholdCheck(chosen, None, least, most, sledai_missing(score, "SLEDAI-2K"), date)


def __dir__() -> list[str]:
    # The public API is what __all__ lists (as in pypa/packaging).
    return list(__all__)
