"""The SLEDAI-2K change between two visits: flare, improvement or persistent.

Source: Gladman DD, Urowitz MB, Kagal A, Hallett D. Accurately describing changes in
disease activity in systemic lupus erythematosus. J Rheumatol 2000;27:377-379:
"flare, an increase in SLEDAI > 3; improvement is a reduction in SLEDAI of > 3;
persistently active disease is change in SLEDAI +/- 3".

This is a reporting convention, not part of SLEDAI-2K itself. A change of exactly 3
either way is persistent. The same paper calls a SLEDAI of 0 "remission"; the library
does not (see :mod:`sle_scoring.doris_remission`): the scores are in the result.
With descriptors not assessed, the change is known only within a range; the
category is given when the whole range agrees, else it cannot be determined.
"""

from __future__ import annotations

import datetime
import enum

import attrs

from . import _args
from ._items import ItemFinding
from ._outcomes import not_assessed_name, score_range, scores_in_order
from ._registry import Instrument, Occasion
from ._results import RecordValue, iso, prefixed, unknown
from ._safe import quote
from .evidence import Patient
from .exceptions import InvalidItemsError
from .sledai_2k import DEFAULT_WINDOW_DAYS, MAX_SCORE, SLEDAI_2K, Score

__all__ = [
    "FLARE_INCREASE_ABOVE",
    "IMPROVEMENT_REDUCTION_ABOVE",
    "INSTRUMENT",
    "SOURCE",
    "Category",
    "Change",
    "categorise",
    "categorise_visits",
]

SOURCE = (
    "Gladman DD, Urowitz MB, Kagal A, Hallett D. Accurately describing changes in disease "
    "activity in systemic lupus erythematosus. J Rheumatol 2000;27:377-379"
)

FLARE_INCREASE_ABOVE = 3  # "flare, an increase in SLEDAI > 3"
IMPROVEMENT_REDUCTION_ABOVE = 3  # "improvement is a reduction in SLEDAI of > 3"


class Category(enum.Enum):
    """The change category; ``UNDETERMINED`` when descriptors not assessed leave it open."""

    FLARE = "flare"
    IMPROVEMENT = "improvement"
    PERSISTENT = "persistent"
    UNDETERMINED = "cannot be determined"


def _category(change: int) -> Category:
    if change > FLARE_INCREASE_ABOVE:
        return Category.FLARE
    if -change > IMPROVEMENT_REDUCTION_ABOVE:
        return Category.IMPROVEMENT
    return Category.PERSISTENT


@attrs.frozen
class Change:
    """The SLEDAI-2K change from ``before`` to ``after``, and its category.

    ``least`` and ``most`` bound the change (after minus before): equal when both
    scores are complete. ``missing`` names the descriptors not assessed when the
    category cannot be determined.
    """

    before: Score | int
    after: Score | int
    least: int
    most: int
    category: Category
    missing: tuple[str, ...] = ()
    before_date: datetime.date | None = None
    after_date: datetime.date | None = None

    @property
    def verdict(self) -> str:
        """The category, or ``cannot be determined: <descriptors> missing``."""
        if self.category is Category.UNDETERMINED:
            return f"cannot be determined: {', '.join(self.missing)} missing"
        return str(self.category.value)

    def finding(self, code: str) -> ItemFinding:
        """How one descriptor was decided at either visit: ``before.<descriptor>`` or
        ``after.<descriptor>`` (when that visit is a :class:`Score`, not a total);
        raises :class:`~sle_scoring.exceptions.UnknownCodeError` otherwise."""
        scores = {"before": self.before, "after": self.after}
        valid = [
            f"{when}.{item.code}"
            for when, score in scores.items()
            if isinstance(score, Score)
            for item in score.index.descriptors
        ]
        when, _, descriptor = code.partition(".")
        score = scores.get(when)
        if code not in valid or not isinstance(score, Score):
            raise unknown(code, "SLEDAI-2K change", valid)
        return score.finding(descriptor)

    def as_record(self) -> dict[str, RecordValue]:
        """The change as one flat record, keys ``sledai_change.<field>``: the
        ``category``, the bounds ``least`` and ``most`` of the change, both visits'
        dates and totals, the descriptors ``missing`` and the ``verdict``."""
        before, after = self.before, self.after
        return prefixed(
            "sledai_change",
            {
                "category": self.category.value,
                "least": self.least,
                "most": self.most,
                "before_date": iso(self.before_date),
                "after_date": iso(self.after_date),
                "before_total": before.total if isinstance(before, Score) else before,
                "after_total": after.total if isinstance(after, Score) else after,
                "missing": "; ".join(self.missing),
                "verdict": self.verdict,
            },
        )

    def explain(self) -> str:
        """One line: the change and its category."""
        shown = (
            f"{self.least:+d}" if self.least == self.most else f"{self.least:+d} to {self.most:+d}"
        )
        return f"SLEDAI-2K change {shown}: {self.verdict} (Gladman et al. 2000)"

    def __str__(self) -> str:
        return self.explain()


def _range(score: Score | int, name: str) -> tuple[int, int]:
    if isinstance(score, Score):
        if score.index.codes != SLEDAI_2K.codes:
            raise InvalidItemsError(f"{name} must be a SLEDAI-2K Score (all 24 descriptors)")
        return score_range(score)
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= MAX_SCORE:
        raise InvalidItemsError(
            f"{name} must be a SLEDAI-2K Score or total 0-105 (got {quote(score)})"
        )
    return score, score


def categorise(
    before: Score | int,
    after: Score | int,
    *,
    before_date: datetime.date | None = None,
    after_date: datetime.date | None = None,
) -> Change:
    """The change category from ``before`` to ``after`` (SLEDAI-2K scores or totals).

    >>> categorise(10, 6).verdict  # reduction of 4 > 3
    'improvement'
    >>> categorise(10, 7).verdict  # reduction of 3: not > 3
    'persistent'
    >>> categorise(2, 6).verdict  # increase of 4 > 3
    'flare'
    """
    _args.check(before_date=_args.optional(before_date), after_date=_args.optional(after_date))
    before_low, before_high = _range(before, "before")
    after_low, after_high = _range(after, "after")
    least, most = after_low - before_high, after_high - before_low
    low, high = _category(least), _category(most)
    if low is high:
        return Change(before, after, least, most, low, (), before_date, after_date)
    missing = tuple(
        not_assessed_name(score.not_assessed, f"SLEDAI-2K {when}")
        for when, score in (("before", before), ("after", after))
        if isinstance(score, Score) and score.not_assessed
    )
    return Change(
        before, after, least, most, Category.UNDETERMINED, missing, before_date, after_date
    )


def categorise_visits(
    patient: Patient,
    before_date: datetime.date,
    after_date: datetime.date,
    *,
    window_days: int = DEFAULT_WINDOW_DAYS,
    non_standard_window: bool = False,
) -> Change:
    """The change category between two visits, SLEDAI-2K scored in each visit's window."""
    _args.check(
        patient=patient,
        before_date=before_date,
        after_date=after_date,
        window_days=window_days,
        non_standard_window=non_standard_window,
    )
    before, after = scores_in_order(
        patient,
        before_date,
        after_date,
        ("before_date", "after_date"),
        window_days,
        non_standard_window,
    )
    return categorise(before, after, before_date=before_date, after_date=after_date)


def __dir__() -> list[str]:
    # The public API is what __all__ lists (as in pypa/packaging).
    return list(__all__)


def _at_occasion(patient: Patient, occasion: Occasion) -> Change | None:
    # Change between consecutive visits (Gladman et al. 2000 compare a visit with
    # the one before); nothing to compare at a record's first visit.
    if occasion.previous is None or occasion.date is None:
        return None
    return categorise_visits(
        patient,
        occasion.previous,
        occasion.date,
        window_days=occasion.window_days,
        non_standard_window=occasion.non_standard_window,
    )


#: The SLEDAI-2K change in the instrument registry (``sle_scoring.INSTRUMENTS``).
INSTRUMENT = Instrument(
    name="sledai_change",
    title="SLEDAI-2K change between visits (flare, improvement, persistent)",
    source=SOURCE,
    scope="outcome_between_visits",
    codes=(),
    fields=(
        "category",
        "least",
        "most",
        "before_date",
        "after_date",
        "before_total",
        "after_total",
        "missing",
        "verdict",
    ),
    from_items=None,
    from_evidence=categorise_visits,
    at_occasion=_at_occasion,
    visits_from="sledai_2k",
)
