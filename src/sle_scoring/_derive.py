"""How instrument items are derived from evidence: small combinators that read like
the published definitions ("any of", "at least 2 of", "and").

A :class:`Signal` is what the evidence says about one feature: the occurrences that
meet its definition, those that meet it but are explained by another cause, and
whether it was assessed at all. Combining signals keeps the three states of missing
data apart and the observations behind every answer.

A definition may also be undecided for one observation: a censored value ("> 4"
against "> 5") or a laboratory value without the limit it is judged against. Such an
observation neither meets nor fails the definition; unless another observation meets
it, the feature is not assessed, and the reason names the observation.
"""

from __future__ import annotations

import bisect
import datetime
import functools
import operator
import types
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from itertools import chain
from typing import TypeVar, overload

import attrs

from ._items import ItemFinding, ItemStatus, worded_later, words_of
from ._safe import days_before
from .evidence import Observation

#: Findings that must occur together (the >= 2 features of acute pericarditis, a
#: positive Coombs test with evidence of hemolysis, low C3 with low C4, tender joints
#: with morning stiffness) count together when dated within this many days of each
#: other. The publications do not give a number; 30 days is the longest validated
#: SLEDAI-2K window (Touma et al. 2010), used here as "one episode".
EPISODE_DAYS = 30


@attrs.frozen
class Occurrence:
    """A date on which a feature's definition was met, and the observations showing it."""

    date: datetime.date | None
    evidence: tuple[Observation, ...]


@attrs.frozen
class Signal:
    """What the evidence says about one feature (see the module docstring)."""

    status: ItemStatus
    hits: tuple[Occurrence, ...] = ()
    explained: tuple[Occurrence, ...] = ()
    description: str = ""
    parts: tuple[Signal, ...] = ()
    #: the observations that assessed the feature and did not meet it
    negatives: tuple[Observation, ...] = ()
    #: the observations that may or may not meet it (censored, or without a limit)
    undecided: tuple[Observation, ...] = ()
    #: where the answers of the record read are kept (see :class:`Memo`): a
    #: combination of signals of one record is remembered there. Not compared.
    memo: Memo | None = attrs.field(default=None, eq=False, repr=False)

    def account(self) -> str:
        """The status of each part of a combined definition, for explanations
        (with the dates on which a part was assessed absent)."""
        return "; ".join(f"{part.description}: {part.state()}" for part in self.parts)

    def state(self) -> str:
        """The status in words; for an absent feature, when it was assessed."""
        dates = sorted({o.date for o in self.negatives if o.date is not None})
        if self.status is ItemStatus.ABSENT and dates:
            return f"absent on {', '.join(d.isoformat() for d in dates)}"
        if self.status is ItemStatus.NOT_ASSESSED and self.undecided:
            return f"{self.status.value} ({self.why_undecided()})"
        return self.status.value

    def why_undecided(self) -> str:
        """Why the undecided observations decide nothing (the latest few)."""
        return "; ".join(undecided_reason(o) for o in self.undecided[-_SHOWN_NEGATIVES:])


def undecided_reason(observation: Observation) -> str:
    """Why an observation neither meets nor fails a definition, naming it."""
    reasons = []
    if observation.comparator is not None:
        reasons.append("is censored, so it may or may not meet the definition")
    limit = observation.missing_limit()
    if limit is not None:
        reasons.append(f"has no laboratory {limit} limit")
    return f"{observation.describe()} {' and '.join(reasons) or 'decides nothing'}"


Index = Mapping[str, Sequence[Observation]]
_D = TypeVar("_D")


def index(observations: Iterable[Observation]) -> dict[str, list[Observation]]:
    """Observations grouped by code, keeping their (date) order."""
    grouped: dict[str, list[Observation]] = {}
    for observation in observations:
        grouped.setdefault(observation.code, []).append(observation)
    return grouped


# --- One record read as of each visit -------------------------------------------------
# Classification as of a visit reads every observation up to it, so scoring each visit
# of a long record from scratch costs the square of its length. A Prefix is a record's
# observations up to a date that keeps, across the dates it is asked about, what each
# definition answered for each observation: a later visit only tests what is new.


class Outcomes:
    """What one definition answered for a code's observations, in order: the
    observations tested, the hits, explained hits, negatives and undecided among them, and how
    many of each were found after the first n observations (``counts[n]``)."""

    def __init__(self) -> None:
        self.tested: list[Observation] = []
        self.hits: list[Occurrence] = []
        self.explained: list[Occurrence] = []
        self.negatives: list[Observation] = []
        self.undecided: list[Observation] = []
        self.counts: list[tuple[int, int, int, int]] = [(0, 0, 0, 0)]


class Memo:
    """What the definitions answered on one record, kept across the dates it is read
    at (by one kind of reading: up to a date, or in a window of so many days).

    - ``outcomes``: per definition of observations up to a date, its answer for
      each observation (:class:`Outcomes`);
    - ``signals``: per definition or combination, the last inputs it was asked
      about and its signal. A definition's inputs are the observations it read, a
      combination's the signals it combined (the very objects): the same inputs give
      the same answer, so the signal is reused as it is. This is how a criterion
      whose observations are unchanged since the previous visit costs a look-up.
    - ``findings``: per instrument and item, the last signal, its finding and (for a
      present item) the evidence gathered for it.
    - ``criteria``: per instrument and item whose rule is a function of its own
      (:func:`findings_by_rule`), what the rule read the last time it ran (each
      code and its :meth:`Prefix.token`) and the finding: while none of those codes
      has a new observation, the rule is not run again. For a present finding of a
      record read up to a date, also the definitions that alone read some of those
      codes (:data:`Tested`): new observations of such a code that every one of them
      answers "not met" leave the finding as it is (see :func:`_only_negatives`).
    """

    def __init__(self) -> None:
        self.outcomes: dict[Hashable, Outcomes] = {}
        self.signals: dict[Hashable, tuple[tuple[object, ...], Signal]] = {}
        self.findings: dict[
            tuple[str, str], tuple[Signal, ItemFinding, dict[Observation, None]]
        ] = {}
        self.criteria: dict[
            tuple[str, str],
            tuple[tuple[tuple[str, object], ...], ItemFinding, Mapping[str, Tested] | None],
        ] = {}
        #: for a record read up to a date: per instrument and item of ``criteria``,
        #: the codes its rule read split into those it saw observations of (and how
        #: many) and those it saw none of (:func:`_split_counts`), compared at once
        #: with :attr:`counts`
        self.read_counts: dict[tuple[str, str], tuple[dict[str, int], frozenset[str]]] = {}
        #: the date :attr:`counts` are of, and how many observations each code has
        #: up to it (the codes with any): worked out once per date for every rule
        self.counted_at: datetime.date | None = None
        self.counts: dict[str, int] = {}
        #: per code and :func:`kept` definition, the record's first observations of
        #: the code that it keeps, and whether it did not keep the next one
        self.kept: dict[Hashable, tuple[list[Observation], bool]] = {}
        #: per "on 2 or more occasions" combination (:func:`repeated`), the hits it
        #: last paired and what each was paired into (``None``: no earlier occasion)
        self.pairings: dict[
            Hashable, tuple[tuple[Occurrence, ...], tuple[Occurrence | None, ...]]
        ] = {}


#: The definitions :func:`test` applied to one code while a rule ran: each one's key
#: in :attr:`Memo.outcomes`, the definition itself and whether it excludes explained
#: observations (what :func:`_tested` needs to test a new observation).
Tested = tuple[tuple[Hashable, Callable[[Observation], bool | None], bool], ...]


class Prefix(Mapping[str, Sequence[Observation]]):
    """A record's observations dated on or before ``as_of``, grouped by code (as
    :func:`index` groups them), remembering each definition's answers in ``memo``
    (shared by the prefixes of one record). ``by_code``: the record's dated
    observations of each code and their dates, in date order."""

    def __init__(
        self,
        by_code: Mapping[str, tuple[list[Observation], list[datetime.date]]],
        as_of: datetime.date,
        memo: Memo,
    ) -> None:
        self._by_code = by_code
        self.as_of = as_of
        self.memo = memo
        #: while a rule runs (:func:`findings_by_rule`), each code it read and its token
        self.reads: dict[str, object] | None = None
        #: set when a rule read the record other than code by code (nothing to compare)
        self.read_all = False
        #: while a rule runs, the codes it read other than through :func:`test` with a
        #: remembered definition, and the definitions that read each code
        self.raw: set[str] = set()
        self.tested: dict[str, list[tuple[Hashable, Callable[[Observation], bool | None], bool]]]
        self.tested = {}

    def token(self, code: str) -> object:
        """What identifies the observations of ``code`` read here among those read
        at other dates of the record: how many there are (the record's are in date
        order, so the same number is the same observations)."""
        return bisect.bisect_right(self._by_code.get(code, _NOTHING)[1], self.as_of)

    def counts(self) -> dict[str, int]:
        """Every code's :meth:`token` here, for the codes with an observation up to
        ``as_of`` (kept in the memo for the next reading of the same date)."""
        memo, as_of = self.memo, self.as_of
        if memo.counted_at != as_of or memo.counted_at is None:
            bisect_right = bisect.bisect_right
            found = {code: bisect_right(dates, as_of) for code, (_, dates) in self._by_code.items()}
            memo.counts = {code: count for code, count in found.items() if count}
            memo.counted_at = as_of
        return memo.counts

    def __getitem__(self, code: str) -> Sequence[Observation]:
        found = self.get(code)
        if found is None:
            raise KeyError(code)
        return found

    # get and in without raising KeyError: the rules ask for many codes a record lacks.
    @overload
    def get(self, code: str, /) -> Sequence[Observation] | None: ...
    @overload
    def get(
        self, code: str, /, default: Sequence[Observation] | _D
    ) -> Sequence[Observation] | _D: ...
    def get(self, code: str, /, default: object = None) -> object:
        found, dates = self._by_code.get(code, _NOTHING)
        count = bisect.bisect_right(dates, self.as_of)
        if self.reads is not None:
            self.reads[code] = count
            self.raw.add(code)
        return found[:count] if count else default

    def tested_by(self, code: str) -> Sequence[Observation]:
        """``get(code, ())`` for :func:`test`, which records itself what it read."""
        found, dates = self._by_code.get(code, _NOTHING)
        count = bisect.bisect_right(dates, self.as_of)
        if self.reads is not None:
            self.reads[code] = count
        return found[:count] if count else ()

    def __contains__(self, code: object) -> bool:
        _, dates = self._by_code.get(code, _NOTHING)  # type: ignore[call-overload]
        if self.reads is not None:
            assert isinstance(code, str)
            self.reads[code] = bisect.bisect_right(dates, self.as_of)
            self.raw.add(code)
        return bool(dates) and dates[0] <= self.as_of

    def __iter__(self) -> Iterator[str]:
        self.read_all = True
        return (code for code in self._by_code if code in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)


_NOTHING: tuple[list[Observation], list[datetime.date]] = ([], [])


class Grouped(dict[str, list[Observation]]):
    """Observations grouped by code (as :func:`index` groups them), from one record
    whose answers are remembered in ``memo`` (a SLEDAI-2K window at each visit: a
    definition reading the same observations as at an earlier visit, most often
    none, gives the same signal)."""

    def __init__(self, observations: Iterable[Observation], memo: Memo) -> None:
        super().__init__(index(observations))
        self.memo = memo
        #: as for :class:`Prefix`: what a rule read while it runs
        self.reads: dict[str, object] | None = None
        self.read_all = False

    def token(self, code: str) -> object:
        """The observations of ``code`` in this window (compared with ``==``: the same
        observation objects, most often none)."""
        return super().get(code)

    # Only while a rule runs are reads recorded (the rules read a code with get,
    # ``in`` or ``[]``; anything else, e.g. iterating, leaves nothing to compare).
    @overload
    def get(self, code: str, default: None = None, /) -> list[Observation] | None: ...
    @overload
    def get(self, code: str, default: list[Observation], /) -> list[Observation]: ...
    @overload
    def get(self, code: str, default: _D, /) -> list[Observation] | _D: ...
    def get(self, code: str, default: object = None, /) -> object:
        found = super().get(code)
        if self.reads is not None:
            self.reads[code] = found
        return default if found is None else found

    def __contains__(self, code: object) -> bool:
        if self.reads is not None and isinstance(code, str):
            self.reads[code] = super().get(code)
        return super().__contains__(code)

    def __getitem__(self, code: str) -> list[Observation]:
        if self.reads is not None:
            self.reads[code] = super().get(code)
        return super().__getitem__(code)

    def __iter__(self) -> Iterator[str]:
        self.read_all = True
        return super().__iter__()


def kept(evidence: Index, code: str, keep: Callable[[Observation], bool]) -> Index:
    """The observations of ``code`` that ``keep`` keeps, for a definition to read:
    ``evidence`` itself when it keeps them all (so that a record's remembered
    answers apply), else an index of those kept."""
    observations = evidence.get(code, ())
    if type(evidence) is Prefix and _all_kept(evidence.memo, code, keep, observations):
        return evidence
    chosen = [o for o in observations if keep(o)]
    return evidence if len(chosen) == len(observations) else {code: chosen}


def _all_kept(
    memo: Memo, code: str, keep: Callable[[Observation], bool], observations: Sequence[Observation]
) -> bool:
    """Whether ``keep`` keeps every one of a record's first observations of ``code``
    (read up to a date), remembering how many first ones it keeps: a later date
    tests only the new ones (``False`` too when ``keep`` is not remembered)."""
    key = _definition_key(keep)
    if key is None:
        return False
    slot = (code, key)
    leading, stopped = memo.kept.get(slot, ([], False))
    done = len(leading)
    if len(observations) <= done:
        return observations == leading[: len(observations)]
    if stopped or observations[:done] != leading:
        return False
    for observation in observations[done:]:
        if not keep(observation):
            memo.kept[slot] = (leading, True)  # (later dates have this one too)
            return False
        leading.append(observation)
    memo.kept[slot] = (leading, False)
    return True


def _memo_of(evidence: Index) -> Memo | None:
    # The exact types: isinstance with an abstract Mapping is slow, and this is asked
    # for every definition at every visit.
    if type(evidence) is Prefix:
        return evidence.memo
    if type(evidence) is Grouped:
        return evidence.memo
    return None


def _shared(signals: Sequence[Signal]) -> Memo | None:
    """The memo of signals that all come from one record's, else ``None``."""
    memo = signals[0].memo if signals else None
    if memo is None or any(s.memo is not memo for s in signals):
        return None
    return memo


def _same_signals(last: tuple[object, ...], signals: Sequence[Signal]) -> bool:
    return len(last) == len(signals) and all(map(operator.is_, last, signals))


def _combined(
    key: Hashable, signals: Sequence[Signal], combine: Callable[[Memo | None], Signal]
) -> Signal:
    """``combine(memo)`` of ``signals``, remembered in their record's memo: the same
    signal objects as last time under ``key`` give the same combination (every
    combination here is a function of its signals and constants alone)."""
    memo = _shared(signals)
    if memo is None:
        return combine(None)
    last = memo.signals.get(key)
    if last is not None and _same_signals(last[0], signals):
        return last[1]
    found = combine(memo)
    memo.signals[key] = (tuple(signals), found)
    return found


# Values a definition may capture and still be a function of the observation alone.
_CONSTANT_TYPES = frozenset({type(None), bool, int, float, str, Fraction, Decimal, datetime.date})


def _definition_key(meets: Callable[..., bool | None]) -> Hashable | None:
    """What identifies a definition across calls (each call of an instrument's rules
    makes its definitions again): its code and the constants it captures (a cut-off,
    a comparison, a tuple of dates, another such definition). ``None`` when it
    captures anything else, e.g. the evidence itself (SLICC 2012 and ACR 1997 read the
    laboratory's ANA cut-off of the same date): its answer for an observation may
    change as evidence is added, so it is asked every time."""
    if type(meets) is not types.FunctionType:
        return meets if isinstance(meets, types.BuiltinFunctionType) else None
    if meets.__defaults__ or meets.__kwdefaults__:
        return None
    closure = meets.__closure__
    if closure is None:
        return (meets.__code__,)
    key: list[Hashable] = [meets.__code__]
    for cell in closure:
        try:
            value = cell.cell_contents
        except ValueError:  # a variable not yet bound: nothing to identify it by
            return None
        kind = type(value)
        if kind is Fraction:  # (hashing a Fraction is slow: its two integers)
            key.append((Fraction, value.numerator, value.denominator))
        elif kind in _CONSTANT_TYPES:  # the exact types: a subclass may behave otherwise
            key.append((kind, value))
        elif kind is tuple and all(type(v) in _CONSTANT_TYPES for v in value):
            key.append((tuple, tuple((type(v), v) for v in value)))  # e.g. dates
        else:
            inner = _definition_key(value) if callable(value) else None
            if inner is None:
                return None
            key.append(inner)
    return tuple(key)


def _tested(
    outcomes: Outcomes,
    observations: Sequence[Observation],
    meets: Callable[[Observation], bool | None],
    excludable: bool,
) -> tuple[int, int, int, int] | None:
    """``outcomes`` brought up to ``observations`` (testing only the new ones), and
    the counts for them; ``None`` when they do not extend what was tested."""
    done, tested = len(outcomes.tested), outcomes.tested
    if len(observations) <= done:
        count = len(observations)
        return outcomes.counts[count] if observations == tested[:count] else None
    if observations[:done] != tested:
        return None
    for observation in observations[done:]:
        _sort(
            observation,
            meets,
            excludable,
            outcomes.hits,
            outcomes.explained,
            outcomes.negatives,
            outcomes.undecided,
        )
        tested.append(observation)
        outcomes.counts.append(
            (
                len(outcomes.hits),
                len(outcomes.explained),
                len(outcomes.negatives),
                len(outcomes.undecided),
            )
        )
    return outcomes.counts[-1]


def _sort(
    observation: Observation,
    meets: Callable[[Observation], bool | None],
    excludable: bool,
    hits: list[Occurrence],
    explained: list[Occurrence],
    negatives: list[Observation],
    undecided: list[Observation],
) -> None:
    """Put one observation among the hits, explained hits, negatives or undecided
    (``meets`` answered ``None``)."""
    met = meets(observation)
    if met:
        occurrence = Occurrence(observation.date, (observation,))
        excluded = excludable and observation.explained_by is not None
        (explained if excluded else hits).append(occurrence)
    elif met is None:
        undecided.append(observation)
    else:
        negatives.append(observation)


def _status(hits: object, explained: object, assessed: bool, undecided: object = ()) -> ItemStatus:
    if hits:
        return ItemStatus.PRESENT
    if undecided:
        # an undecided observation may meet the definition, unexplained
        return ItemStatus.NOT_ASSESSED
    if explained:
        return ItemStatus.EXPLAINED
    return ItemStatus.ABSENT if assessed else ItemStatus.NOT_ASSESSED


def test(
    evidence: Index,
    code: str,
    meets: Callable[[Observation], bool | None],
    description: str,
    *,
    excludable: bool = True,
) -> Signal:
    """Apply a definition to every observation of ``code``.

    An observation meeting it is a hit (or, when explained by another cause and the
    definition allows exclusion, an explained hit); one not meeting it shows the
    feature was assessed; one for which ``meets`` is ``None`` is undecided.
    """
    prefix = evidence if type(evidence) is Prefix else None
    observations = evidence.get(code, ()) if prefix is None else prefix.tested_by(code)
    memo = _memo_of(evidence)
    key = _definition_key(meets) if memo is not None else None
    if memo is None or key is None:
        if prefix is not None and prefix.reads is not None:
            prefix.raw.add(code)  # (a definition not remembered: nothing to test anew)
        return _tested_anew(observations, meets, description, excludable, None)
    if prefix is not None and prefix.reads is not None:
        prefix.tested.setdefault(code, []).append(((code, key, excludable), meets, excludable))
    # The same observations as when this definition was last asked (most often the
    # same few, or none) give the same signal.
    slot = (code, key, excludable, description)
    last = memo.signals.get(slot)
    if last is not None and last[0][0] == observations:
        return last[1]
    signal = None
    if prefix is not None:
        # What this definition answered at an earlier date of the record is kept:
        # only observations new since then are tested.
        outcomes = memo.outcomes.get((code, key, excludable))
        if outcomes is None:
            outcomes = memo.outcomes[code, key, excludable] = Outcomes()
        counts = _tested(outcomes, observations, meets, excludable)
        if counts is not None:
            found, excused, against, open_ = counts
            signal = Signal(
                _status(found, excused, bool(observations), open_),
                tuple(outcomes.hits[:found]),
                tuple(outcomes.explained[:excused]),
                description,
                (),
                tuple(outcomes.negatives[:against]),
                tuple(outcomes.undecided[:open_]),
                memo,
            )
    if signal is None:
        signal = _tested_anew(observations, meets, description, excludable, memo)
    memo.signals[slot] = ((observations,), signal)
    return signal


def _tested_anew(
    observations: Sequence[Observation],
    meets: Callable[[Observation], bool | None],
    description: str,
    excludable: bool,
    memo: Memo | None,
) -> Signal:
    """:func:`test` of every observation, nothing remembered."""
    hits: list[Occurrence] = []
    explained: list[Occurrence] = []
    negatives: list[Observation] = []
    undecided: list[Observation] = []
    for observation in observations:
        _sort(observation, meets, excludable, hits, explained, negatives, undecided)
    status = _status(hits, explained, bool(observations), undecided)
    return Signal(
        status,
        tuple(hits),
        tuple(explained),
        description,
        (),
        tuple(negatives),
        tuple(undecided),
        memo,
    )


def measured(evidence: Index, code: str, sign: str, cutoff: Fraction, description: str) -> Signal:
    """Apply a numeric definition ("< 100,000/mm³": ``"<"``, 100000) to every
    observation of ``code``, read in the canonical unit of its dimension (exactly); a
    censored value is judged three-valued (:meth:`Observation.compare`)."""
    return test(evidence, code, lambda o: o.compare(sign, cutoff), description)


def present(evidence: Index, code: str, description: str) -> Signal:
    """A clinician's finding recorded as ``present`` (``absent`` = assessed, negative)."""
    return test(evidence, code, lambda o: o.value == "present", description)


def present_each(evidence: Index, *codes_and_descriptions: tuple[str, str]) -> list[Signal]:
    """:func:`present` of each code, with its description (the features of an
    "any of" definition)."""
    return [present(evidence, code, text) for code, text in codes_and_descriptions]


def positive(evidence: Index, code: str, description: str) -> Signal:
    """A test result recorded as ``positive`` (``negative`` = assessed)."""
    return test(evidence, code, lambda o: o.value == "positive", description)


def any_of(description: str, *signals: Signal) -> Signal:
    """Present when any feature is present.

    Absent when none is present and at least one was assessed: a recorded negative
    for one alternative is taken as the item having been assessed (record the item
    itself as ``absent`` to say so explicitly).
    """
    return _combined(
        ("any_of", description), signals, functools.partial(_any_of, description, signals)
    )


def _any_of(description: str, signals: tuple[Signal, ...], memo: Memo | None) -> Signal:
    hits = tuple(chain.from_iterable(s.hits for s in signals))
    explained = tuple(chain.from_iterable(s.explained for s in signals))
    assessed = any(s.status is not ItemStatus.NOT_ASSESSED for s in signals)
    negatives = tuple(chain.from_iterable(s.negatives for s in signals))
    undecided = tuple(chain.from_iterable(s.undecided for s in signals))
    status = _status(hits, explained, assessed, undecided)
    return Signal(status, hits, explained, description, signals, negatives, undecided, memo)


def _together(
    need: int,
    occurrences: Sequence[Sequence[Occurrence]],
    episode_days: int | None,
    after: datetime.date | None = None,
) -> list[Occurrence]:
    """Dates on which ``need`` different features occurred within one episode (only
    the dates after ``after``, when given).

    A candidate is each date a feature occurred on; a feature counts for it when it
    occurred in the ``episode_days`` days up to and including that date. Undated
    evidence belongs to any episode, and ``episode_days=None`` means any time.
    """
    # Each feature's dated occurrences in date order, so that the ones in an episode
    # are a slice found by bisection (a long timeline has many candidate dates).
    # (map and attrgetter: C-level steps, for features with many occurrences)
    features: list[tuple[list[Occurrence], list[datetime.date], list[Occurrence]]] = []
    for feature in occurrences:
        if None in map(_BY_DATE, feature):
            dated = sorted((o for o in feature if o.date is not None), key=_BY_DATE)
            undated = [o for o in feature if o.date is None]
        else:
            dated, undated = sorted(feature, key=_BY_DATE), []
        features.append((dated, list(map(_BY_DATE, dated)), undated))
    days: set[datetime.date] = set().union(*(dates for _, dates, _ in features))
    candidates: list[datetime.date | None] = []
    if after is None and any(undated for _, _, undated in features):
        candidates.append(None)
    dated_days = sorted(days)
    if after is not None:
        dated_days = dated_days[bisect.bisect_right(dated_days, after) :]
    candidates += dated_days
    found: list[Occurrence] = []
    for day in candidates:
        first = None if day is None or episode_days is None else days_before(day, episode_days)
        matched: list[tuple[list[Occurrence], list[Occurrence]]] = []
        for dated, dates, undated in features:
            if day is None or first is None:
                low, high = 0, len(dated)
            else:
                low, high = bisect.bisect_left(dates, first), bisect.bisect_right(dates, day)
            if low < high or undated:
                matched.append((dated[low:high], undated))
        # The evidence is gathered only for a date that counts (most do not).
        if len(matched) >= need:
            evidence = [
                obs
                for in_episode, undated in matched
                for o in (*in_episode, *undated)
                for obs in o.evidence
            ]
            found.append(Occurrence(day, tuple(dict.fromkeys(evidence))))
    return found


_BY_DATE = operator.attrgetter("date")
_EVIDENCE = operator.attrgetter("evidence")


def at_least(
    need: int, description: str, signals: Sequence[Signal], episode_days: int | None
) -> Signal:
    """Present when ``need`` of the features occurred within one episode.

    Absent when too many features are ruled out for ``need`` to be reached. A
    feature assessed absent rules itself out only for the episodes in which it was
    assessed: a normal haptoglobin a year after a positive Coombs test says nothing
    about hemolysis at the time of the test, so the combination stays not assessed.
    """
    key = ("at_least", need, description, episode_days)
    memo = _shared(signals)
    last = None if memo is None else memo.signals.get(key)
    if last is None or memo is None:
        return _combined(
            key, signals, functools.partial(_at_least, need, description, signals, episode_days)
        )
    if _same_signals(last[0], signals):
        return last[1]
    # Within an episode, a later occurrence changes nothing at an earlier date; at
    # any time (no episode), it may.
    known = None if episode_days is None else _extended(last, signals)
    found = _at_least(need, description, signals, episode_days, memo, known)
    memo.signals[key] = (tuple(signals), found)
    return found


def _extended(
    last: tuple[tuple[object, ...], Signal], signals: Sequence[Signal]
) -> tuple[datetime.date, tuple[Occurrence, ...]] | None:
    """When every feature's occurrences are those of the ``last`` combination's
    features followed by later-dated ones (a record read at a later visit): the last
    date they had, and the combination's occurrences up to it, which the new ones do
    not change (an episode reaches back, not forward). Else ``None``."""
    before, combined = last
    if len(before) != len(signals):
        return None
    latest: datetime.date | None = None
    for old in before:
        assert isinstance(old, Signal)
        dates = list(map(_BY_DATE, old.hits))  # (C-level: there may be many)
        if None in dates:
            return None
        if dates and (latest is None or max(dates) > latest):
            latest = max(dates)
    if latest is None:
        return None
    for old, new in zip(before, signals, strict=True):
        assert isinstance(old, Signal)
        known = len(old.hits)
        if new.hits[:known] != old.hits:
            return None
        if any(hit.date is None or hit.date <= latest for hit in new.hits[known:]):
            return None
    return latest, combined.hits


def _at_least(
    need: int,
    description: str,
    signals: Sequence[Signal],
    episode_days: int | None,
    memo: Memo | None,
    known: tuple[datetime.date, tuple[Occurrence, ...]] | None = None,
) -> Signal:
    if known is None:
        hits = _together(need, [s.hits for s in signals], episode_days)
    else:
        # Only the dates after those already combined are new candidates.
        latest, earlier = known
        hits = [*earlier, *_together(need, [s.hits for s in signals], episode_days, latest)]
    explained: list[Occurrence] = []
    if not hits:
        explained = _together(need, [s.hits + s.explained for s in signals], episode_days)
    ruled_out = [
        s
        for s in signals
        if s.status is ItemStatus.ABSENT
        and _ruled_out(
            s, [h.date for other in signals if other is not s for h in other.hits], episode_days
        )
    ]
    if hits:
        status = ItemStatus.PRESENT
    elif explained:
        status = ItemStatus.EXPLAINED
    elif len(signals) - len(ruled_out) < need:
        status = ItemStatus.ABSENT
    else:
        status = ItemStatus.NOT_ASSESSED
    negatives = tuple(o for s in ruled_out for o in s.negatives)
    # Undecided parts matter only while the combination is not decided.
    undecided = (
        tuple(o for s in signals for o in s.undecided) if status is ItemStatus.NOT_ASSESSED else ()
    )
    return Signal(
        status,
        tuple(hits),
        tuple(explained),
        description,
        tuple(signals),
        negatives,
        undecided,
        memo,
    )


def _ruled_out(
    signal: Signal, other_hits: Sequence[datetime.date | None], episode_days: int | None
) -> bool:
    """Whether a feature assessed absent was absent in every episode where the other
    features occurred (or always, when they never occurred)."""
    if signal.status is not ItemStatus.ABSENT:
        return False
    if not signal.negatives or not other_hits:
        return True
    dates = sorted(o.date for o in signal.negatives if o.date is not None)
    if episode_days is None or len(dates) < len(signal.negatives):
        return True  # an undated negative, or no episode, is near every date
    for day in other_hits:
        if day is None:
            continue
        # The earliest negative on or after the episode's start must be within it.
        position = bisect.bisect_left(dates, days_before(day, episode_days))
        if position == len(dates) or (dates[position] - day).days > episode_days:
            return False
    return True


def near(one: datetime.date | None, other: datetime.date | None, episode_days: int | None) -> bool:
    """Whether two dates fall within one episode of each other, in either order
    (undated evidence belongs to any episode)."""
    if one is None or other is None or episode_days is None:
        return True
    return abs((one - other).days) <= episode_days


def all_of(description: str, signals: Sequence[Signal], episode_days: int | None) -> Signal:
    """Present when every feature occurred within one episode."""
    return at_least(len(signals), description, signals, episode_days)


def _second_occasions(
    occurrences: Sequence[Occurrence],
    apart: Callable[[datetime.date | None, datetime.date | None], bool],
) -> tuple[Occurrence, ...]:
    """Each occurrence that has an earlier one far enough before it, paired with it."""
    paired = (_paired(later, occurrences, apart) for later in occurrences)
    return tuple(pair for pair in paired if pair is not None)


def _paired(
    later: Occurrence,
    occurrences: Iterable[Occurrence],
    apart: Callable[[datetime.date | None, datetime.date | None], bool],
) -> Occurrence | None:
    """``later`` paired with the first of ``occurrences`` far enough before it."""
    for earlier in occurrences:
        if earlier is not later and apart(earlier.date, later.date):
            return Occurrence(later.date, (*earlier.evidence, *later.evidence))
    return None


def _second_occasions_kept(
    memo: Memo,
    key: Hashable,
    occurrences: tuple[Occurrence, ...],
    apart: Callable[[datetime.date | None, datetime.date | None], bool],
) -> tuple[Occurrence, ...]:
    """:func:`_second_occasions`, remembered in ``memo`` under ``key``: when the
    occurrences are those paired last time (the same objects) followed by new ones,
    a pairing found then stands (it is the first earlier occurrence that is apart,
    and the earlier ones come first as before) and is the same object; one not
    found then can only be found among the new ones (``apart`` reads the dates
    alone). A record read at each visit pairs only what is new."""
    last = memo.pairings.get(key)
    known = 0
    if last is not None and len(last[0]) <= len(occurrences):
        before = last[0]
        if all(map(operator.is_, before, occurrences)):
            known = len(before)
    added = occurrences[known:]
    pairs: list[Occurrence | None] = []
    if known:
        assert last is not None
        for later, pair in zip(occurrences, last[1], strict=False):
            pairs.append(pair if pair is not None else _paired(later, added, apart))
    pairs += [_paired(later, occurrences, apart) for later in added]
    memo.pairings[key] = (occurrences, tuple(pairs))
    return tuple(pair for pair in pairs if pair is not None)


def repeated(
    signal: Signal,
    description: str,
    apart: Callable[[datetime.date | None, datetime.date | None], bool],
) -> Signal:
    """Present once the feature was found on two occasions ``apart``; dated by the second
    ("on 2 or more occasions", "known to be positive for at least 6 months").

    A single occurrence was assessed and does not meet the definition (absent).
    """
    key = _definition_key(apart)
    if key is None:
        return _repeated(signal, description, apart, None)
    return _combined(
        ("repeated", description, key),
        (signal,),
        functools.partial(_repeated, signal, description, apart, key=key),
    )


def _repeated(
    signal: Signal,
    description: str,
    apart: Callable[[datetime.date | None, datetime.date | None], bool],
    memo: Memo | None,
    *,
    key: Hashable = None,
) -> Signal:
    if memo is None or key is None:
        hits = _second_occasions(signal.hits, apart)
    else:
        hits = _second_occasions_kept(memo, (description, key), signal.hits, apart)
    explained = () if hits else _second_occasions((*signal.hits, *signal.explained), apart)
    if hits:
        status = ItemStatus.PRESENT
    elif explained:
        status = ItemStatus.EXPLAINED
    elif signal.status is ItemStatus.NOT_ASSESSED or signal.undecided:
        status = ItemStatus.NOT_ASSESSED  # an undecided occasion may be the second one
    else:
        status = ItemStatus.ABSENT
    undecided = signal.undecided if status is ItemStatus.NOT_ASSESSED else ()
    return Signal(status, hits, explained, description, (signal,), undecided=undecided, memo=memo)


# How many of the observations that did not meet a definition an explanation quotes.
_SHOWN_NEGATIVES = 3


def with_assertion(evidence: Index, instrument: str, code: str, signal: Signal) -> Signal:
    """Add a clinician's direct assertion of the item (``<instrument>.<code>``), if any.

    A clinician's judgement that an item is present is valid evidence on its own; a
    recorded ``absent`` counts as assessed, but never outweighs evidence that meets
    the definition.
    """
    assertion = f"{instrument}.{code}"
    if assertion not in evidence:
        return signal
    asserted = present(evidence, assertion, f"{code} (clinician's judgement)")
    return _combined(
        ("assertion", assertion),
        (signal, asserted),
        functools.partial(_asserted, signal, asserted),
    )


def _asserted(signal: Signal, asserted: Signal, memo: Memo | None) -> Signal:
    combined = _any_of(signal.description, (signal, asserted), memo)
    if combined.status is ItemStatus.NOT_ASSESSED and asserted.status is ItemStatus.ABSENT:
        # The clinician judged the item absent; evidence that only may meet the
        # definition does not outweigh that judgement (evidence that meets it does).
        return attrs.evolve(combined, status=ItemStatus.ABSENT, undecided=())
    return combined


def finding(code: str, signal: Signal) -> ItemFinding:
    """The :class:`ItemFinding` for an item, with its reason and evidence (the
    reason worded when first read: :func:`reason`)."""
    if signal.status is ItemStatus.PRESENT:
        return _present(code, signal, dict.fromkeys(_evidence(signal.hits)))
    words = functools.partial(reason, signal)
    if signal.status is ItemStatus.EXPLAINED:
        evidence = tuple(dict.fromkeys(obs for h in signal.explained for obs in h.evidence))
        causes = tuple(dict.fromkeys(o.explained_by for o in evidence if o.explained_by))
        return worded_later(code, signal.status, words, evidence, None, causes)
    if signal.status is ItemStatus.ABSENT:
        return worded_later(code, signal.status, words, signal.negatives)
    return worded_later(code, signal.status, words, signal.undecided)


def reason(signal: Signal) -> str:
    """Why an item has ``signal``'s status, in words (its :attr:`ItemFinding.reason`)."""
    if signal.status is ItemStatus.PRESENT:
        return _present_reason(signal.description, signal.hits[0].evidence)
    if signal.status is ItemStatus.EXPLAINED:
        evidence = dict.fromkeys(obs for h in signal.explained for obs in h.evidence)
        causes = dict.fromkeys(o.explained_by for o in evidence if o.explained_by)
        return f"{signal.description}, but explained by {', '.join(causes)}"
    detail = f" ({signal.account()})" if len(signal.parts) > 1 else ""
    if signal.status is ItemStatus.ABSENT:
        if not detail and signal.negatives:
            # the measurements that did not meet the definition, latest last
            shown = signal.negatives[-_SHOWN_NEGATIVES:]
            detail = ": " + "; ".join(o.describe() for o in shown)
            if len(signal.negatives) > len(shown):
                detail += f" (and {len(signal.negatives) - len(shown)} earlier)"
        return f"assessed, not met: {signal.description}{detail}"
    if not detail and signal.undecided:
        detail = f": {signal.why_undecided()}"
    return f"not assessed: {signal.description}{detail}"


def _present_reason(description: str, shown: tuple[Observation, ...]) -> str:
    """The reason of a present item: its first occurrence's observations."""
    return f"{description}: " + "; ".join(o.describe() for o in shown)


def derive_findings(
    observations: Iterable[Observation],
    instrument: str,
    codes: Iterable[str],
    signals: Callable[[Index], Mapping[str, Signal]],
) -> tuple[ItemFinding, ...]:
    """Each code's finding from the observations: its signal, or the clinician's
    assertion ``<instrument>.<code>``."""
    return findings_from(index(observations), instrument, codes, signals)


def findings_from(
    evidence: Index,
    instrument: str,
    codes: Iterable[str],
    signals: Callable[[Index], Mapping[str, Signal]],
) -> tuple[ItemFinding, ...]:
    """Each code's finding from observations already grouped by code (:func:`index`,
    or a :class:`Prefix` of a record)."""
    derived = signals(evidence)
    return tuple(
        _finding(instrument, code, with_assertion(evidence, instrument, code, derived[code]))
        for code in codes
    )


#: One item's rule: its signal from the evidence, before the clinician's assertion.
Rule = Callable[[Index], Signal]


def findings_by_rule(
    evidence: Index, instrument: str, codes: Iterable[str], rules: Mapping[str, Rule]
) -> tuple[ItemFinding, ...]:
    """Each code's finding from its own rule (what :func:`findings_from` gives for
    ``{code: rule(evidence) for code, rule in rules.items()}``). On a record read at
    each visit (a :class:`Prefix` or :class:`Grouped`), a rule whose codes have the
    same observations as when it last ran is not run again: its finding is that
    run's (a function of those observations alone)."""
    if type(evidence) is not Prefix and type(evidence) is not Grouped:
        return tuple(
            _finding(
                instrument, code, with_assertion(evidence, instrument, code, rules[code](evidence))
            )
            for code in codes
        )
    assert isinstance(evidence, Prefix | Grouped)
    if type(evidence) is not Prefix:
        return tuple(_by_rule(evidence, instrument, code, rules[code]) for code in codes)
    # A record read up to a date: whether every code a rule read has as many
    # observations as it had (the codes it saw some of, with the same counts, and
    # none of those it saw none of) is two comparisons of sets, not a step per code:
    # a visit asks about every rule of every instrument.
    memo, now = evidence.memo, evidence.counts()
    items, read_counts, criteria = now.items(), memo.read_counts, memo.criteria
    found = []
    for code in codes:
        counted = read_counts.get((instrument, code))
        if counted is not None and counted[0].items() <= items and counted[1].isdisjoint(now):
            found.append(criteria[instrument, code][1])
        else:
            found.append(_by_rule(evidence, instrument, code, rules[code]))
    return tuple(found)


def _unchanged(evidence: Prefix | Grouped, reads: Iterable[tuple[str, object]]) -> bool:
    """Whether every code read has the token it had (:meth:`Prefix.token`,
    :meth:`Grouped.token`; worked out here without a call per code, for the many
    rules a visit asks about)."""
    if type(evidence) is Prefix:
        by_code, as_of = evidence._by_code, evidence.as_of
        return all(
            bisect.bisect_right(by_code.get(read, _NOTHING)[1], as_of) == was for read, was in reads
        )
    return all(dict.get(evidence, read) == was for read, was in reads)  # type: ignore[arg-type]


def _split_counts(
    reads: Iterable[tuple[str, object]],
) -> tuple[dict[str, int], frozenset[str]]:
    """The codes a rule read (with their counts) split as :func:`findings_by_rule`
    compares them with :meth:`Prefix.counts`."""
    seen: dict[str, int] = {}
    unseen = []
    for read, was in reads:
        assert isinstance(was, int)  # a Prefix's tokens are counts
        if was:
            seen[read] = was
        else:
            unseen.append(read)
    return seen, frozenset(unseen)


def _by_rule(evidence: Prefix | Grouped, instrument: str, code: str, rule: Rule) -> ItemFinding:
    memo = evidence.memo
    last = memo.criteria.get((instrument, code))
    if last is not None:
        if type(evidence) is Prefix:
            # (findings_by_rule found that a code read has a new count)
            if last[2] is not None:
                now = _only_negatives(evidence, last[0], last[2])
                if now is not None:
                    memo.criteria[instrument, code] = (now, last[1], last[2])
                    memo.read_counts[instrument, code] = _split_counts(now)
                    return last[1]
        elif _unchanged(evidence, last[0]):
            return last[1]
    reads: dict[str, object] = {}
    evidence.reads, evidence.read_all = reads, False
    prefix = evidence if type(evidence) is Prefix else None
    if prefix is not None:
        prefix.raw, prefix.tested = set(), {}
    try:
        found = _finding(
            instrument, code, with_assertion(evidence, instrument, code, rule(evidence))
        )
    finally:
        evidence.reads = None
    if not evidence.read_all:
        tested = None
        if prefix is not None and found.status is ItemStatus.PRESENT:
            raw = prefix.raw
            tested = {read: tuple(by) for read, by in prefix.tested.items() if read not in raw}
        memo.criteria[instrument, code] = (tuple(reads.items()), found, tested)
        if prefix is not None:
            memo.read_counts[instrument, code] = _split_counts(reads.items())
    return found


def _only_negatives(
    evidence: Prefix, reads: tuple[tuple[str, object], ...], tested: Mapping[str, Tested]
) -> tuple[tuple[str, object], ...] | None:
    """Whether a present finding stands at this date: every code its rule read has
    the observations it had, or more of them, each of which every definition that
    read the code (alone: the rule read it no other way) answers "not met" (no new
    hit, explained hit or undecided observation). The combinations build a present
    item from its features' hits alone (any of them, >= n of them in an episode, on
    two occasions, or the clinician's assertion), so such observations add nothing
    to it. The codes and their new tokens when it stands, else ``None``."""
    by_code, as_of, outcomes_of = evidence._by_code, evidence.as_of, evidence.memo.outcomes
    now = []
    for read, was in reads:
        observations, dates = by_code.get(read, _NOTHING)
        count = bisect.bisect_right(dates, as_of)
        if count != was:
            definitions = tested.get(read)
            if definitions is None or not isinstance(was, int) or count < was:
                return None
            seen = observations[:count]
            for key, meets, excludable in definitions:
                outcomes = outcomes_of.get(key)
                if outcomes is None:
                    return None
                counts = _tested(outcomes, seen, meets, excludable)
                if counts is None:
                    return None
                before = outcomes.counts[was]
                if counts[0] != before[0] or counts[1] != before[1] or counts[3] != before[3]:
                    return None
        now.append((read, count))
    return tuple(now)


def _evidence(occurrences: Iterable[Occurrence]) -> Iterator[Observation]:
    return chain.from_iterable(map(_EVIDENCE, occurrences))  # (C-level: there may be many)


def _present(code: str, signal: Signal, evidence: dict[Observation, None]) -> ItemFinding:
    """The finding of a present item, its ``evidence`` gathered without repeats."""
    dates = list(map(_BY_DATE, signal.hits))
    first = None if None in dates else min(dates)
    words = functools.partial(_present_reason, signal.description, signal.hits[0].evidence)
    return worded_later(code, signal.status, words, tuple(evidence), first)


def _present_extended(
    code: str,
    signal: Signal,
    evidence: dict[Observation, None],
    before: ItemFinding,
    known: int,
) -> ItemFinding:
    """:func:`_present` of a signal whose first ``known`` occurrences are those of
    the finding ``before`` (equal ones): the same first occurrence gives the same
    reason, and the first date is the earlier of its date and the new ones'."""
    dates = list(map(_BY_DATE, signal.hits[known:]))
    # (an undated occurrence, then or now, leaves the item undated)
    first = None if before.date is None or None in dates else min([before.date, *dates])
    return worded_later(code, signal.status, words_of(before), tuple(evidence), first)


def _finding(instrument: str, code: str, signal: Signal) -> ItemFinding:
    """:func:`finding`, remembered in the signal's memo: a criterion whose signal is
    the one of the previous visit has that visit's finding, reason and all; one
    present then and now, with the same occurrences and more, adds only the evidence
    of the new ones to what it had gathered (a long record's evidence is not
    gathered again at every visit)."""
    memo = signal.memo
    if memo is None:
        return finding(code, signal)
    last = memo.findings.get((instrument, code))
    if last is not None and last[0] is signal:
        return last[1]
    gathered: dict[Observation, None] = {}
    if signal.status is ItemStatus.PRESENT:
        known = 0
        if last is not None and last[0].status is ItemStatus.PRESENT:
            before = last[0].hits
            if signal.hits[: len(before)] == before:
                known = len(before)
                gathered = dict(last[2])  # a copy keeps the hashes: no known one is hashed
        gathered.update(dict.fromkeys(_evidence(signal.hits[known:])))
        if known and last is not None and last[0].description == signal.description:
            found = _present_extended(code, signal, gathered, last[1], known)
        else:
            found = _present(code, signal, gathered)
    else:
        found = finding(code, signal)
    memo.findings[instrument, code] = (signal, found, gathered)
    return found
