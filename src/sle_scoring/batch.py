"""Batch scoring: rows in, flat result records out, for pipelines.

What the command line (:mod:`sle_scoring.cli`) runs on each input row, and what a
pandas, Dask or Spark job can call directly (see docs/cli.md). Everything here is
module-level functions and frozen values, so it pickles: a batch can be spread over
processes or a cluster without any change.

A *case* is one scored unit: an item-level row (a patient-visit), or one visit of a
patient's evidence record, or one patient's evidence record classified as a whole.
Each case carries where it came from (``row``), the patient and the visit date, and
one result per instrument applied, named as in the instrument registry
(``sle_scoring.INSTRUMENTS``): a classification, a SLEDAI-2K or SDI score, an
outcome or a SLEDAI-2K change, each meeting the result contract
(:class:`sle_scoring.Result`). How each is applied follows its scope:

- a classification: on the evidence up to each visit (or up to ``as_of`` when
  nothing is scored per visit); item-level rows carry criteria forward only when
  asked (:func:`carry_forward`);
- SLEDAI-2K (or clinical SLEDAI-2K) and the outcomes at a visit (LLDAS, DORIS
  remission): at each visit, LLDAS comparing with the previous visit;
- the SDI: as of each visit (no lupus onset date: the result says so);
- SRI against the record's first visit (its baseline), the SLEDAI-2K change
  against the previous visit; neither applies at the first visit (``None``).

Results classify and score for research; they are never a diagnosis.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import compress, count, repeat
from operator import add, attrgetter, itemgetter, not_
from typing import Any, Literal, NamedTuple

import attrs

from . import _args, bicla, eular_acr_2019, records, sledai_2k, sledai_bands, vocabulary
from ._items import ItemStatus
from ._registry import Instrument, Occasion, apply, instruments
from ._results import RecordValue, Result
from ._safe import quote
from ._visits import Record
from .evidence import Patient
from .exceptions import InvalidArgumentError, InvalidEvidenceError, Problem
from .item_csv import (
    ABSENT_SPELLINGS,
    NOT_ASSESSED_SPELLINGS,
    PRESENT_SPELLINGS,
    ColumnBlock,
    Columns,
    ItemRow,
    cell_state,
    read_header,
)
from .records import parse_date

__all__ = [
    "DEFAULT_INSTRUMENTS",
    "MEMO_SIZE",
    "SKIPPED_FIELD",
    "Case",
    "ItemRows",
    "Settings",
    "band_fields",
    "carry_forward",
    "case_dict",
    "case_fields",
    "case_record",
    "case_text",
    "case_values",
    "score_item_row",
    "score_patient",
    "score_reading",
    "score_records",
]

#: The field naming the observations left out (:attr:`Settings.skip_bad_observations`).
SKIPPED_FIELD = "skipped_observations"
#: The instruments a batch applies unless told otherwise (today's ``score``).
DEFAULT_INSTRUMENTS = ("sledai_2k", "eular_acr_2019")


def _instruments(value: Iterable[str]) -> tuple[str, ...]:
    chosen = tuple(value)
    known = instruments()
    unknown = [name for name in chosen if name not in known]
    if unknown or not chosen or len(set(chosen)) != len(chosen):
        raise ValueError(
            f"instruments must be distinct names among {', '.join(known)} (got {quote(chosen)})"
        )
    return chosen


@attrs.frozen
class Settings:
    """How to score a batch (picklable; the same for every row).

    ``instruments``: the registry names to apply, in output order.
    ``clinical_sledai``: apply clinical SLEDAI-2K (without serology) where
    ``sledai_2k`` is named. ``window_days`` and ``non_standard_window``: the
    SLEDAI-2K window for evidence records (10 days, or 30; others only when asked
    for). ``visits``: the visit dates at which to score evidence records (empty:
    every date with an observation that a per-visit instrument uses).
    ``as_of``: classify evidence records on the evidence up to this date (only when
    nothing is scored per visit; otherwise each visit's date is used). ``fields``:
    per instrument, the fields of its record to write (default: all of them, as
    :attr:`sle_scoring.Instrument.fields`). ``pga_rule``: BICLA's PGA reading
    (:data:`sle_scoring.bicla.PGA_RULES`; ``None``: not chosen, BICLA's PGA component
    cannot be determined). ``bands``: a SLEDAI-2K band scheme
    (:data:`sle_scoring.sledai_bands.SCHEMES`) whose ``sledai_bands.<scheme>``
    fields follow each ``sledai_2k`` result (``None``: no band).
    ``skip_bad_observations``: the records were read with bad observations skipped
    (:func:`sle_scoring.records.read_patient`), so each case ends with a
    ``skipped_observations`` field saying which were left out (empty: none).
    """

    instruments: tuple[str, ...] = attrs.field(default=DEFAULT_INSTRUMENTS, converter=_instruments)
    clinical_sledai: bool = False
    window_days: int = sledai_2k.DEFAULT_WINDOW_DAYS
    non_standard_window: bool = False
    visits: tuple[datetime.date, ...] = ()
    as_of: datetime.date | None = None
    fields: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict, hash=False)
    pga_rule: str | None = None
    bands: str | None = None
    skip_bad_observations: bool = False
    # Looked up once: batch scoring reads them for every row.
    _specs: tuple[Instrument, ...] = attrs.field(init=False, eq=False, repr=False)
    _fields: tuple[tuple[str, ...], ...] = attrs.field(init=False, eq=False, repr=False)
    _keys: tuple[tuple[str, ...], ...] = attrs.field(init=False, eq=False, repr=False)
    _blocks: dict[str, int] = attrs.field(init=False, eq=False, repr=False)

    @_specs.default
    def _find_specs(self) -> tuple[Instrument, ...]:
        known = instruments()
        return tuple(
            known["clinical_sledai_2k" if name == "sledai_2k" and self.clinical_sledai else name]
            for name in self.instruments
        )

    @_fields.default
    def _find_fields(self) -> tuple[tuple[str, ...], ...]:
        return tuple(self.fields.get(spec.name, spec.fields) for spec in self._specs)

    @_keys.default
    def _find_keys(self) -> tuple[tuple[str, ...], ...]:
        return tuple(
            tuple(f"{spec.name}.{field}" for field in fields)
            for spec, fields in zip(self._specs, self._fields, strict=True)
        )

    @_blocks.default
    def _find_blocks(self) -> dict[str, int]:
        return {name: position for position, name in enumerate(self.item_codes)}

    def __attrs_post_init__(self) -> None:
        # Checked here, once, rather than failing on every row of a batch.
        sledai_2k.check_window(self.window_days, non_standard=self.non_standard_window)
        if self.pga_rule is not None and self.pga_rule not in bicla.PGA_RULES:
            raise InvalidArgumentError(
                "pga_rule",
                f"pga_rule={quote(self.pga_rule)}: one of {', '.join(bicla.PGA_RULES)} or None",
            )
        if self.bands is not None and self.bands not in sledai_bands.SCHEMES:
            raise InvalidArgumentError(
                "bands",
                f"bands={quote(self.bands)}: one of {', '.join(sledai_bands.SCHEMES)} or None",
            )

    @property
    def keys(self) -> tuple[str, ...]:
        """The registry name of each result, in output order (``clinical_sledai_2k``
        for ``sledai_2k`` with :attr:`clinical_sledai`)."""
        return tuple(spec.name for spec in self._specs)

    @property
    def specs(self) -> tuple[Instrument, ...]:
        """The registry entry of each result, in output order."""
        return self._specs

    @property
    def item_codes(self) -> dict[str, tuple[str, ...]]:
        """The CSV column blocks to read: instrument -> item codes. A variant reads its
        table's columns (clinical SLEDAI-2K those of ``sledai_2k``, its serology
        reported as ignored); instruments without items read none."""
        known = instruments()
        blocks: dict[str, tuple[str, ...]] = {}
        for spec in self._specs:
            table = known[spec.variant_of] if spec.variant_of is not None else spec
            if table.codes:
                blocks[table.name] = table.codes
        return blocks

    @property
    def other_item_codes(self) -> dict[str, tuple[str, ...]]:
        """The item codes of the registered instruments not read: a CSV column that is
        an item of one of them only is an error (:func:`sle_scoring.item_csv.read_header`)."""
        read = self.item_codes
        return {
            name: spec.codes
            for name, spec in instruments().items()
            if spec.codes and spec.variant_of is None and name not in read
        }

    def record_fields(self, key: str) -> tuple[str, ...]:
        """The fields of ``key``'s record written for each case."""
        return self.fields.get(key, instruments()[key].fields)


class Case(NamedTuple):
    """One scored unit: its input row, patient, visit date and results.

    ``row``: the input's row (CSV, the header being row 1), line (JSON Lines) or
    record (JSON) number. ``results``: one per instrument, in the order of
    :attr:`Settings.keys` (``None`` where it does not apply, e.g. SRI at the first
    visit). ``skipped_observations``: where the observations left out of the
    patient's record are (read with bad observations skipped, :func:`score_reading`);
    every result of the case was computed without them.
    """

    row: int
    patient_id: str
    visit_date: datetime.date | None
    results: tuple[Result | None, ...]
    skipped_observations: tuple[str, ...] = ()


def _block(spec: Instrument) -> str:
    return spec.variant_of if spec.variant_of is not None else spec.name


def carry_forward(
    rows: Iterable[ItemRow | InvalidEvidenceError], settings: Settings
) -> Iterator[ItemRow | InvalidEvidenceError]:
    """Carry each patient's classification criteria forward from row to row.

    Classification criteria are cumulative (2019 EULAR/ACR: "occurrence on at least
    one occasion is sufficient"; criteria "need not occur simultaneously"), so with
    this each row is classified on the criteria present in that patient's rows up
    to and including it: a criterion present once stays present, and a criterion is
    not assessed only if no row so far assessed it. Activity (SLEDAI-2K) and damage
    are not carried: they are read from each row as given.

    Rows must be sorted by ``patient_id`` and then ``visit_date`` (checked with no
    memory beyond the current patient); a row out of order, or without a visit
    date, yields an error naming it instead, and its patient's later rows carry on
    from the rows before it.
    """
    blocks = list(settings.item_codes)
    positions = [
        blocks.index(spec.name)
        for spec in settings.specs
        if spec.scope == "classification_as_of" and spec.name in blocks
    ]
    if not positions:
        yield from rows
        return
    patient: str | None = None
    last_date: datetime.date | None = None
    carried: dict[int, tuple[frozenset[str], frozenset[str]]] = {}
    for row in rows:
        if isinstance(row, InvalidEvidenceError):
            yield row
            continue
        same_patient = row.patient_id == patient
        out_of_order = _out_of_order(row, patient, last_date if same_patient else None)
        if out_of_order is not None:
            field, message = out_of_order
            yield InvalidEvidenceError([Problem(row.patient_id, f"row {row.row}", field, message)])
            continue
        items = list(row.items)
        for position in positions:
            row_present, row_not_assessed = row.items[position]
            if same_patient:
                present, not_assessed = carried[position]
                present = present | row_present
                not_assessed = (not_assessed & row_not_assessed) - present
            else:
                present, not_assessed = row_present, row_not_assessed
            carried[position] = items[position] = (present, not_assessed)
        patient, last_date = row.patient_id, row.visit_date
        yield row._replace(items=tuple(items))


def _out_of_order(
    row: ItemRow, patient: str | None, last_date: datetime.date | None
) -> tuple[str, str] | None:
    """(field, message) when ``row`` cannot be carried forward, else ``None``."""
    if row.visit_date is None:
        return "visit_date", "is required to carry criteria forward (rows in visit order)"
    if patient is not None and row.patient_id < patient:
        return "patient_id", (
            f"rows must be sorted by patient_id to carry criteria forward "
            f"({row.patient_id!r} comes after {patient!r})"
        )
    if last_date is not None and row.visit_date < last_date:
        return "visit_date", (
            f"rows of a patient must be in visit order to carry criteria forward "
            f"({row.visit_date} comes after {last_date})"
        )
    return None


def score_item_row(row: ItemRow, settings: Settings) -> Case:
    """Score one item-level row with every instrument of ``settings``.

    ``row.items`` must be in the order of ``settings.item_codes`` (as read with
    it). Raises ``ValueError`` for an instrument without item-level input (an
    outcome needs evidence records).
    """
    blocks = settings._blocks
    results: list[Result | None] = []
    for spec in settings._specs:
        if spec.from_items is None:
            raise ValueError(f"{spec.name} has no item-level input; it needs evidence records")
        present, not_assessed = row.items[blocks[_block(spec)]]
        results.append(spec.from_items(present, not_assessed=not_assessed))
    return Case(row.row, row.patient_id, row.visit_date, tuple(results))


# --- Item-level CSV rows, remembered by sub-blocks of cells --------------------------

# The cell spellings a remembered sub-block may hold: exactly as the CSV layout lists
# them (lower case, no spaces). Any other cell ("Yes", " 1") takes the full path.
_PLAIN_PRESENT = frozenset(PRESENT_SPELLINGS)
_PLAIN_NOT_ASSESSED = frozenset(NOT_ASSESSED_SPELLINGS)
_PLAIN = _PLAIN_PRESENT | frozenset(ABSENT_SPELLINGS) | _PLAIN_NOT_ASSESSED
#: At most this many item cells make a sub-block: with three states a cell, at most
#: 2,187 patterns, the thousand or so that make up nearly all rows remembered.
SUB_BLOCK_CELLS = 7
# The cells of which a sub-block remembers every pattern it meets (:class:`_Patterns`):
# the layout's own "1", "0" and blank, so at most 3 ** SUB_BLOCK_CELLS patterns
# (2,187) a sub-block, about 1,500 of them met in 1,000,000 rows of the benchmark.
_SHORT = frozenset(("1", "0", ""))
#: How many patterns of cells with another plain spelling ("yes", "na", ...) each
#: sub-block remembers besides (:class:`_Patterns`): when more come, those are
#: forgotten.
SUB_BLOCK_MEMO_SIZE = 1024
#: How many outputs each instrument remembers by what they depend on, in each of
#: two generations (:class:`_Memo`): the outputs used recently are kept. About a
#: MiB per instrument when full.
MEMO_SIZE = 8192
# How many shapes of output fields (and visit dates as written) are remembered: a
# few hundred make up the outputs.
_SHAPES = 4096
# How many fields as written are remembered by what each reads alone (two
# generations; a few thousand make up the flat records' 2019 EULAR/ACR fields).
_FIELD_VALUES = 4096
# The fields holding codes in table order separated by spaces: over sub-blocks cut
# in table order, each is the sub-blocks' own lists one after the other.
_LISTS = ("not_assessed", "present", "ignored")
# Each number a sub-block adds to its instrument's key, 8 bits apart in one int (so
# that the sub-blocks' contributions add with one "+", and the key stays a small int:
# the memo of outputs holds tens of thousands). A sub-block adding a number that,
# times the number of sub-blocks, reaches 2**8 (no instrument's points come near) is
# left to the full path, so that no sum carries into the next number.
_PLACE = 8


def _packed(numbers: Iterable[int], sub_blocks: int) -> int | None:
    packed = 0
    for place, number in enumerate(numbers):
        if not 0 <= number * sub_blocks < 1 << _PLACE:
            return None
        packed += number << (_PLACE * place)
    return packed


def _sledai_sums(
    spec: Instrument, result: Result, present: frozenset[str], missing: frozenset[str]
) -> Sequence[int]:
    # "The SLEDAI-2K score is the sum of the weights of the descriptors present": the
    # totals of sub-blocks, each scored alone, add up to the row's.
    assert isinstance(result, sledai_2k.Score)
    return [result.total]


class _EularSums(NamedTuple):
    """What a sub-block of 2019 EULAR/ACR criteria adds to a row (see :func:`_eular_sums`)."""

    clinical: int
    immunologic: int
    entry_met: int
    entry_not_assessed: int
    possible_clinical: int  # with every criterion not assessed present
    possible_immunologic: int


def _eular_sums(
    spec: Instrument, result: Result, present: frozenset[str], missing: frozenset[str]
) -> _EularSums:
    # "Within each domain, only the highest criterion is counted" and the domains'
    # points add: for sub-blocks of whole domains, each classified alone, the clinical
    # and immunologic points add up to the row's, now and with every criterion not
    # assessed present (what could change the verdict), and the entry criterion is in
    # one sub-block only. The rule is applied to the row by classify itself.
    assert spec.from_items is not None
    possible = spec.from_items(present | missing)
    assert isinstance(result, eular_acr_2019.Classification)
    assert isinstance(possible, eular_acr_2019.Classification)
    return _EularSums(
        result.clinical_points,
        result.immunologic_points,
        result.entry_criterion_met,
        not result.entry_criterion_assessed,
        possible.clinical_points,
        possible.immunologic_points,
    )


class _EularDeciding(NamedTuple):
    """What a row's 2019 EULAR/ACR fields are computed from, out of its sums."""

    clinical: int
    immunologic: int
    points: int  # "the total score": clinical plus immunologic
    entry_met: int
    entry_not_assessed: int
    has_clinical: bool  # ">= 1 clinical criterion" counted
    max_possible: int  # the points with every criterion not assessed present
    could_have_clinical: bool  # and a clinical criterion among them


def _eular_deciding(packed: int) -> _EularDeciding:
    """What decides the fields of the rows whose sums :func:`_packed` made ``packed``."""
    (
        clinical,
        immunologic,
        entry_met,
        entry_not_assessed,
        possible_clinical,
        possible_immunologic,
    ) = _unpacked(packed, len(_EularSums._fields))
    return _EularDeciding(
        clinical,
        immunologic,
        clinical + immunologic,
        entry_met,
        entry_not_assessed,
        clinical > 0,
        possible_clinical + possible_immunologic,
        possible_clinical > 0,
    )


# Each field of a 2019 EULAR/ACR record -> what of _EularDeciding it is computed
# from (besides whether anything is not assessed, which every key holds): what
# each field's definition reads, no threshold. The verdict and whether it could
# change read the entry criterion (met, or not assessed), whether a clinical
# criterion counts, the points, and the rule applied to what the criteria not
# assessed could add (eular_acr_2019's _verdict and _could_change). An item-level
# classification has no dates and no criterion explained by another cause; the code
# lists go in their places.
_VERDICT_READS = (
    "entry_met",
    "entry_not_assessed",
    "has_clinical",
    "points",
    "max_possible",
    "could_have_clinical",
)
_EULAR_DECIDED_BY: dict[str, tuple[str, ...]] = {
    "points": ("points",),
    "clinical_points": ("clinical",),
    "immunologic_points": ("immunologic",),
    "entry_criterion_met": ("entry_met",),
    "classified": ("entry_met", "has_clinical", "points"),
    "complete": (),
    "could_change_verdict": _VERDICT_READS,
    "max_possible": ("max_possible",),
    "as_of": (),
    "first_fulfilled": (),
    "present": (),
    "not_assessed": (),
    "explained": (),
    "verdict": _VERDICT_READS,
}


def _joined(fragments: Iterable[tuple[str, ...]]) -> tuple[str, ...]:
    """The fields as written (:meth:`ItemRows._fragment` of each, in order) in
    pieces between which the lists go."""
    pieces = [""]
    for fragment in fragments:
        pieces[-1] += fragment[0]
        pieces.extend(fragment[1:])
    return tuple(pieces)


def _unpacked(packed: int, count: int) -> Sequence[int]:
    """The ``count`` numbers :func:`_packed` put in ``packed``."""
    if _PLACE == 8:  # a byte each: read back in C, five times as fast
        return packed.to_bytes(count, "little")
    mask = (1 << _PLACE) - 1
    return [(packed >> (_PLACE * place)) & mask for place in range(count)]


class _Composition(NamedTuple):
    """How an instrument's output over a row combines from sub-blocks of its items,
    each scored alone (its other items assessed and absent) by ``from_items``.

    ``domain``: the grouping a sub-block never splits (``None``: any cut). ``sums``:
    the numbers a sub-block adds to the row's; with whether anything is not
    assessed, they decide every field of the output but the code lists (which are the
    sub-blocks' lists one after another) and the ``listed`` fields, which end with the
    codes not assessed separated by ", " and are otherwise decided by the same.
    ``deciding``: from what :func:`_packed` made of the sums, what the fields are
    computed from (``None``: the key is used as it is), and ``decided_by``: for each
    field, which of those (by name) it reads; a field not listed: the whole key.
    """

    domain: Mapping[str, str] | None
    sums: Callable[[Instrument, Result, frozenset[str], frozenset[str]], Sequence[int]]
    listed: tuple[str, ...]
    deciding: Callable[[int], NamedTuple] | None
    decided_by: Mapping[str, tuple[str, ...]]


# By the table an instrument scores (clinical SLEDAI-2K: that of SLEDAI-2K). An
# instrument not listed (or SLEDAI-2K with bands, whose verdicts depend on which
# descriptors are missing) is remembered by its whole block of cells.
_COMPOSITIONS = {
    "sledai_2k": _Composition(None, _sledai_sums, ("verdict",), None, {}),
    "eular_acr_2019": _Composition(
        {
            item.code: item.domain
            for item in (eular_acr_2019.ENTRY_CRITERION, *eular_acr_2019.CRITERIA)
        },
        _eular_sums,
        (),
        _eular_deciding,
        _EULAR_DECIDED_BY,
    ),
}


# A sub-block entry standing in for cells the full path reads (the row is not written).
_BLANK = (0, "", "", "", "")


def _lists(result: Result, key: str) -> list[RecordValue]:
    """The not-assessed, present and ignored codes of ``result``'s record."""
    record_values = getattr(result, "record_values", None)
    if record_values is not None:
        names = [name for name in _LISTS if name in instruments()[key].fields]
        found = dict(zip(names, record_values(names), strict=True))
        return [found.get(name) for name in _LISTS]
    record = result.as_record()
    return [record.get(f"{key}.{name}") for name in _LISTS]


def _cut(codes: tuple[str, ...], domain: Mapping[str, str] | None) -> list[tuple[str, ...]]:
    """``codes`` (in table order) in sub-blocks of at most :data:`SUB_BLOCK_CELLS`,
    each holding whole domains (a larger domain is a sub-block of its own)."""
    runs: list[list[str]] = []  # each domain's codes (each code, without domains)
    for code in codes:
        if runs and domain is not None and domain[code] == domain[runs[-1][-1]]:
            runs[-1].append(code)
        else:
            runs.append([code])
    cut: list[list[str]] = []
    for run in runs:
        if cut and len(cut[-1]) + len(run) <= SUB_BLOCK_CELLS:
            cut[-1].extend(run)
        else:
            cut.append(list(run))
    if domain is not None and len({domain[run[0]] for run in runs}) != len(runs):
        raise ValueError("a domain's codes must follow one another in table order")
    return [tuple(codes) for codes in cut]


def _reading(names: Iterable[str]) -> Callable[[Any], object]:
    """A C-level function taking the attributes ``names`` of a value (a tuple of
    them, in a fixed order; a single one alone)."""
    unique = sorted(set(names))
    return attrgetter(*unique) if unique else lambda value: ()


def _cells_of(positions: tuple[int, ...]) -> Callable[[Sequence[str]], tuple[str, ...]]:
    """A C-level function taking the cells at ``positions`` out of a row, as a tuple."""
    if len(positions) > 1:
        return itemgetter(*positions)
    if positions:
        position = positions[0]
        return lambda cells: (cells[position],)
    return lambda cells: ()


class _Memo:
    """A memo of at most ``2 * size`` entries that keeps those in use: when the
    recent generation is full it becomes the older one (the one before is
    forgotten), and an entry found in the older generation is kept in the recent
    one. On 1,000,000 rows of the benchmark, with 8,192 a generation, it misses
    4.8% of the 2019 EULAR/ACR outputs, against 17% for the 4,096 oldest-first
    (an ``OrderedDict``, larger per entry) it replaced; a miss finds its fields by
    what decides them (:meth:`ItemRows._decided`, about 5 us) but for one in six
    of them at 300,000 rows (a new output: about 100 us)."""

    __slots__ = ("older", "recent", "size")

    def __init__(self, size: int) -> None:
        self.size = size
        self.recent: dict[Any, Any] = {}  # what the hot path looks in
        self.older: dict[Any, Any] = {}

    def __len__(self) -> int:
        return len(self.recent) + len(self.older)

    def get(self, key: Any) -> Any:
        found = self.recent.get(key)
        if found is None:
            found = self.older.get(key)
            if found is not None:
                self.put(key, found)
        return found

    def put(self, key: Any, value: Any) -> None:
        if len(self.recent) >= self.size:
            self.older, self.recent = self.recent, {}
        self.recent[key] = value


class _Patterns:
    """A sub-block's memo of patterns of cells: every pattern of cells in
    :data:`_SHORT` (at most ``3 ** cells``: after its first sight a pattern is never
    worked out again, and the look-up is one dict), and at most ``size`` patterns
    with another plain spelling, forgotten all at once when more come."""

    __slots__ = ("found", "others", "size")

    def __init__(self, size: int) -> None:
        self.size = size
        self.found: dict[tuple[str, ...], Any] = {}  # what the hot path looks in
        self.others = 0  # how many of them have another spelling

    def __len__(self) -> int:
        return len(self.found)

    def put(self, key: tuple[str, ...], value: Any) -> None:
        if not _SHORT.issuperset(key):
            if self.others >= self.size:
                self.found = {
                    cells: entry for cells, entry in self.found.items() if _SHORT.issuperset(cells)
                }
                self.others = 0
            self.others += 1
        self.found[key] = value


class _SubBlock(NamedTuple):
    cells: Callable[[Sequence[str]], tuple[str, ...]]
    codes: tuple[str, ...]  # the codes with a column, in table order
    columnless: frozenset[str]  # its codes with no column: not assessed in every row
    shown: tuple[str, ...]  # its codes written with items=True
    # cells -> (contribution, not_assessed, present, ignored, items): each code list
    # as written (ItemRows' code, each followed by its between), each item after the
    # separator
    memo: _Patterns


class _Pieces(NamedTuple):
    """What :meth:`ItemRows.pieces` gives of some rows: each row's patient, visit
    date as written and text, its text in pieces, and the rows that need the full
    path."""

    patients: list[str]
    visits: list[str]
    # Columns of pieces, one of each row in each: a row's text is its pieces in order.
    texts: list[Sequence[str]]
    bad: set[int]  # the rows left to the full path, by index

    def found(self) -> list[tuple[str, str, str] | None]:
        """What :meth:`ItemRows.rows` gives of the rows: each one's pieces joined."""
        bodies = map("".join, zip(*self.texts, strict=True))
        if not self.bad:
            return list(zip(self.patients, self.visits, bodies, strict=True))
        return [
            None if index in self.bad else (patient_id, visit, body)
            for index, (patient_id, visit, body) in enumerate(
                zip(self.patients, self.visits, bodies, strict=True)
            )
        ]


class _Part(NamedTuple):
    position: int
    spec: Instrument
    block: ColumnBlock
    keys: tuple[str, ...]  # the output keys of its record and band fields
    names: tuple[str, ...]  # their field names (bands: the key)
    composition: _Composition | None
    sub_blocks: tuple[_SubBlock, ...]
    listed: tuple[str, ...]  # its fields ending with the codes not assessed
    places: tuple[str, ...]  # the lists that go in its fields, in order
    used: tuple[int, ...]  # the places of the sub-block entries it reads
    blank: tuple[str, ...]  # written pieces standing in for a row not written
    serials: Iterator[int]  # an instrument without a composition: one per pattern
    # 2 x contribution + anything not assessed (one int: the memo is large, an int
    # is smaller than a pair) -> the fields as written, each after the
    # separator, in pieces between which the row's lists go (one per place)
    memo: _Memo
    # From what the fields are computed from (its composition's ``deciding``), what
    # its own fields read (None: the whole key): keys agreeing on it share the
    # fields as written
    reads: Callable[[Any], object] | None


class ItemRows:
    """Item-level CSV rows to output text, remembered by sub-blocks of cells: what the
    command line runs on each row.

    Calling it with a row's cells gives ``(patient_id, visit date, text)``: ``text``
    is, for each result of ``settings`` in order, each of its fields (as
    :func:`case_values`, keys as :func:`case_fields`) written by ``field(key,
    value)`` after ``separator``.

    Each instrument's item cells are cut into sub-blocks of at most
    :data:`SUB_BLOCK_CELLS` cells in table order, each scored alone by the
    instrument's own ``from_items`` and remembered by its cells (at most
    :data:`SUB_BLOCK_MEMO_SIZE` patterns each): its code lists, its items and the
    numbers it adds to the row (SLEDAI-2K totals add, 2019 EULAR/ACR points add over
    whole domains). The rest of the output is remembered by what the sub-blocks add
    up to (at most :data:`MEMO_SIZE` sums per instrument) and written, the first
    time, from the row's own result (``from_items`` on all its items), after checking
    that its code lists are the sub-blocks' lists one after another: so the text is
    the same as scoring the row (:func:`score_item_row`). An instrument without a
    composition (:data:`_COMPOSITIONS`) is remembered by its whole block of cells.

    ``None`` for a row that needs the full path
    (:meth:`~sle_scoring.item_csv.Columns.parse`, :func:`score_item_row`): a cell not
    spelt exactly as the layout lists it, a blank patient, a date to check or report,
    a row of the wrong width.

    Each code list (``not_assessed``, ``present``, ``ignored``: in table order) goes
    in its field (between ``field``'s pieces around it) with each code written by
    ``code`` and ``between`` two codes: by default as the flat records hold them,
    separated by spaces; JSON arrays' items with ``code`` the JSON string and
    ``between`` ``", "``. Each sub-block remembers its lists so written, so a row
    only joins them. The fields ending with the codes not assessed separated by
    ``", "`` (SLEDAI-2K's verdict) need ``code`` to write each code as it is.
    ``lists`` (for a list written otherwise, e.g. sorted): given a list's name and
    the rows' lists of it, the text that goes in each row's field in their place;
    default: as they are.
    """

    def __init__(
        self,
        columns: Columns,
        settings: Settings,
        field: Callable[[str, RecordValue], str],
        separator: str,
        *,
        items: bool = False,
        code: Callable[[str], str] = str,
        between: str = " ",
        lists: Callable[[str, list[str]], list[str]] | None = None,
    ) -> None:
        if columns.instruments != tuple(settings.item_codes):
            raise ValueError("columns must be read with settings.item_codes")
        if not between:
            raise ValueError("between must not be empty: the lists' codes are told apart by it")
        self._columns, self._settings, self._items = columns, settings, items
        self._field, self._separator = field, separator
        self._code, self._between, self._list_text = code, between, lists
        # Each list as a sub-block remembers it ends with ``between``: left off per row.
        self._without_last = itemgetter(slice(None, -len(between)))
        self._parts = [self._part(position, spec) for position, spec in enumerate(settings.specs)]
        for part in self._parts:
            codes = instruments()[_block(part.spec)].codes
            if "listed" in part.places and any(code(name) != name for name in codes):
                raise ValueError(f"{part.spec.name}'s verdict lists its codes as they are")
        self._dates: dict[str, str] = {"": ""}  # as written: "" for no date
        self._shared: dict[Any, Any] = {}  # each number and list of the sub-blocks
        # (instrument, what the fields are, or what decides them) -> the fields as
        # written, with the places of the code lists: many sums give the same fields
        self._written = _Memo(_SHAPES)
        # Each field alone, by what it reads (see _composed): a new combination of
        # the fields' values, from fields met before, without classifying the row.
        self._field_reads = {
            part.position: tuple(_reading(part.composition.decided_by[name]) for name in part.names)
            for part in self._parts
            if part.reads is not None and part.composition is not None
        }
        self._fragments = _Memo(_FIELD_VALUES)

    def _part(self, position: int, spec: Instrument) -> _Part:
        settings = self._settings
        if spec.from_items is None:
            raise ValueError(f"{spec.name} has no item-level input; it needs evidence records")
        table = _block(spec)
        block = self._columns.blocks[settings._blocks[table]]
        fields = settings._fields[position]
        bands = band_fields(settings.bands if spec.name == "sledai_2k" else None)
        composition = _COMPOSITIONS.get(table) if not bands else None
        codes = instruments()[table].codes
        column = dict(zip(block.codes, block.positions, strict=True))
        runs = _cut(codes, composition.domain) if composition is not None else [codes]
        sub_blocks = tuple(
            _SubBlock(
                _cells_of(tuple(column[code] for code in run if code in column)),
                tuple(code for code in run if code in column),
                frozenset(code for code in run if code not in column),
                tuple(code for code in run if code in spec.codes) if self._items else (),
                _Patterns(SUB_BLOCK_MEMO_SIZE),
            )
            for run in runs
        )
        listed = composition.listed if composition is not None else ()
        # Ignored are the codes of its table that it does not score: none where it
        # scores them all (SLEDAI-2K), so that field is written as any other, not as
        # a list every row places (the flat records: two pieces a row fewer).
        unlisted = ("ignored",) if set(codes) <= set(spec.codes) else ()
        places = tuple(
            name if name in _LISTS else "listed"
            for name in fields
            if name in (*_LISTS, *listed) and name not in unlisted
        )
        return _Part(
            position,
            spec,
            block,
            (*settings._keys[position], *bands),
            (*fields, *bands),
            composition,
            sub_blocks,
            listed,
            places,
            (
                0,
                1,
                *(place for place, name in enumerate(_LISTS[1:], start=2) if name in places),
                *((4,) if self._items else ()),
            ),
            ("",) * (len(places) + 1),
            count(),
            _Memo(MEMO_SIZE),
            (
                _reading(name for field in fields for name in composition.decided_by[field])
                if composition is not None
                and composition.deciding is not None
                and not bands
                and composition.decided_by.keys() >= set(fields)
                else None
            ),
        )

    def __call__(self, cells: Sequence[str]) -> tuple[str, str, str] | None:
        """``(patient_id, visit date, text)`` of one data row (the date as written,
        ``""`` for none), or ``None`` (see above)."""
        return self.rows([cells])[0]

    def rows(self, rows: Sequence[Sequence[str]]) -> list[tuple[str, str, str] | None]:
        """What :meth:`__call__` gives for each of ``rows``, worked out a column of
        the rows at a time: each step is one C-level ``map`` (or ``zip``) over the
        rows, as a Python loop over them would cost several times the look-ups."""
        found = self.pieces(rows)
        if found is not None:
            return found.found()
        # Rows of the wrong width are left to the full path, the others done here.
        width = self._columns.width
        done = iter(self.rows([cells for cells in rows if len(cells) == width]))
        return [next(done) if len(cells) == width else None for cells in rows]

    def pieces(self, rows: Sequence[Sequence[str]]) -> _Pieces | None:
        """What :meth:`rows` gives, each text in the pieces it is joined from (so that
        a caller writing more around each row joins them all at once), or ``None``
        where a row is of the wrong width (then use :meth:`rows`)."""
        columns = self._columns
        width = columns.width
        if not all(map(width.__eq__, map(len, rows))):
            return None
        if not rows:
            return _Pieces([], [], [], set())
        patients = list(map(str.strip, map(itemgetter(columns.patient), rows)))
        dates = list(map(itemgetter(columns.visit), rows))
        visits: list[Any] = list(map(self._dates.get, dates))
        bad = set()  # the rows left to the full path, by index
        if None in visits or "" in patients:
            for index, (patient_id, visit) in enumerate(zip(patients, visits, strict=True)):
                if not patient_id or (visit is None and not self._date(dates[index])):
                    bad.add(index)
                elif visit is None:
                    visits[index] = self._dates[dates[index]]
        texts: list[Sequence[str]] = []
        nothing = [""] * len(rows)
        for part in self._parts:
            added = dict(zip(part.used, self._added(part, rows, bad), strict=True))
            missing = added[1]
            keys = list(map(add, map(add, added[0], added[0]), map(bool, missing)))
            written = list(map(part.memo.recent.get, keys))
            lists = {
                name: list(map(self._without_last, added[place])) if place in added else nothing
                for place, name in enumerate(_LISTS, start=1)
            }
            missing = lists["not_assessed"]
            if not all(written):  # a None (the entries are tuples): faster than "in"
                for index, found in enumerate(written):
                    if found is None and index not in bad:  # remembered since, or new
                        row_lists = tuple(lists[name][index] for name in _LISTS)
                        found = (
                            part.memo.get(keys[index])
                            or self._decided(part, keys[index])
                            or self._remember(part, rows[index], row_lists, keys[index])
                        )
                        if found is None:
                            bad.add(index)
                    written[index] = found or part.blank
            if "listed" in part.places:  # the codes as they are (checked in __init__)
                lists["listed"] = (
                    missing
                    if self._between == ", "
                    else list(map(str.replace, missing, repeat(self._between), repeat(", ")))
                )
            if self._list_text is not None:  # the lists written otherwise (see the class)
                lists = {
                    name: self._list_text(name, column) if name in _LISTS else column
                    for name, column in lists.items()
                }
            # Each template's pieces, then the row's lists between them, as columns
            # joined once per row (below): adding each to the text so far copied it
            # again at every list.
            pieces = iter(zip(*written, strict=True))
            texts.append(next(pieces))
            for place in part.places:
                texts.append(lists[place])
                texts.append(next(pieces))
            if self._items:
                texts.append(added[4])
        return _Pieces(patients, visits, texts, bad)

    def _added(self, part: _Part, rows: Sequence[Sequence[str]], bad: set[int]) -> list[list[Any]]:
        """For each row, what its sub-blocks add up to at each of ``part.used``
        places of their entries: the sum of their contributions, their code lists and
        items one after another. A row with a cell not spelt as the layout lists it
        is added to ``bad`` (a blank stands in for its entry)."""
        founds = []  # each sub-block's entry of each row
        for sub_block in part.sub_blocks:
            found: list[Any] = list(map(sub_block.memo.found.get, map(sub_block.cells, rows)))
            if not all(found):  # a None (the entries are tuples): faster than "in"
                # The rows missing it, found at C level: a few in each chunk.
                for index in list(compress(count(), map(not_, found))):
                    key = sub_block.cells(rows[index])
                    entry = sub_block.memo.found.get(key) or self._sub_block(
                        part, sub_block, key
                    )  # met earlier in the chunk, or new
                    if entry is None:
                        bad.add(index)
                    found[index] = entry or _BLANK
            founds.append(found)
        # Each place once per row over all the sub-blocks (the numbers summed, the
        # texts joined), the entries' places taken out inside the zip.
        return [
            list(
                map(
                    sum if place == 0 else "".join,
                    zip(*(map(itemgetter(place), found) for found in founds), strict=True),
                )
            )
            for place in part.used
        ]

    def _sub_block(
        self, part: _Part, sub_block: _SubBlock, key: tuple[str, ...]
    ) -> tuple[int, str, str, str, str] | None:
        """What one pattern of a sub-block's cells adds to a row (remembered), or
        ``None`` for a cell not spelt as the layout lists it (or a number too large
        to add, see :data:`_PLACE`)."""
        if not _PLAIN.issuperset(key):
            return None
        spec = part.spec
        assert spec.from_items is not None
        present = frozenset(compress(sub_block.codes, map(_PLAIN_PRESENT.__contains__, key)))
        missing = sub_block.columnless.union(
            compress(sub_block.codes, map(_PLAIN_NOT_ASSESSED.__contains__, key))
        )
        result = spec.from_items(present, not_assessed=missing)
        composition = part.composition
        contribution = (
            _packed(composition.sums(spec, result, present, missing), len(part.sub_blocks))
            if composition is not None
            else next(part.serials)
        )
        if contribution is None:
            return None
        lists = _lists(result, spec.name)
        if lists[2] and "ignored" in part.names and "ignored" not in part.places:
            return None  # written as always empty (see _part): never, for such a part
        # Only the lists the output holds (the memo is large), each code as written
        # and followed by between (a row leaves off its last one).
        missing_text, present_text, ignored_text = (
            self._listed_codes(str(text)) + self._between if text and place in part.used else ""
            for place, text in enumerate(lists, start=1)
        )
        states = _item_states(result, sub_block.shown)
        separator, field = self._separator, self._field
        items = "".join(
            f"{separator}{field(f'{spec.name}.{code}', state)}"
            for code, state in zip(sub_block.shown, states, strict=True)
        )
        # One object for equal numbers and lists (of at most 2 ** SUB_BLOCK_CELLS
        # values each): most patterns share them, and the memos are large.
        shared = self._shared
        found = (
            shared.setdefault(contribution, contribution),
            shared.setdefault(missing_text, missing_text),
            shared.setdefault(present_text, present_text),
            shared.setdefault(ignored_text, ignored_text),
            items,
        )
        sub_block.memo.put(key, found)
        return found

    def _shape(self, part: _Part, key: int) -> tuple[object, ...] | None:
        """What decides the fields of the rows with ``key`` (see
        :attr:`_Composition.decided_by`), or ``None`` where only the key does."""
        if part.reads is None:
            return None
        assert part.composition is not None and part.composition.deciding is not None
        return (part.position, key & 1, part.reads(part.composition.deciding(key >> 1)))

    def _decided(self, part: _Part, key: int) -> tuple[str, ...] | None:
        """The fields as written of another key that decides them alike (remembered
        by ``key`` too), or ``None``: a row with it is worked out (:meth:`_remember`)."""
        shape = self._shape(part, key)
        written: tuple[str, ...] | None = self._written.get(shape) if shape is not None else None
        if written is None and shape is not None:
            written = self._composed(part, key, shape)
        if written is not None:
            part.memo.put(key, written)
        return written

    def _composed(self, part: _Part, key: int, shape: tuple[object, ...]) -> tuple[str, ...] | None:
        """The fields as written of a shape not remembered, each field found by what
        it alone reads (:attr:`_Composition.decided_by`, and whether anything is not
        assessed) among the fields of rows worked out before (:meth:`_remember`);
        ``None`` where one is not found (then the row is worked out). The flat JSON
        Lines records' 25 fields read most of the key, so their combinations keep
        coming long after each field's few values have been met."""
        readers = self._field_reads.get(part.position)
        if readers is None:
            return None
        assert part.composition is not None and part.composition.deciding is not None
        deciding = part.composition.deciding(key >> 1)
        get, missing = self._fragments.get, key & 1
        fragments = []
        for index, reader in enumerate(readers):
            fragment = get((part.position, missing, index, reader(deciding)))
            if fragment is None:
                return None
            fragments.append(fragment)
        written = _joined(fragments)
        self._written.put(shape, written)
        return written

    def _remember(
        self,
        part: _Part,
        cells: Sequence[str],
        lists: tuple[str, ...],
        key: int,
    ) -> tuple[str, ...] | None:
        """The fields of the row's own result as written, in pieces between which
        its code lists go (remembered by ``key``: twice the sums, plus whether anything
        is not assessed); ``None`` when the row's lists are not the sub-blocks' lists one
        after another (never, for a composition that holds) or cannot be placed."""
        spec, block = part.spec, part.block
        assert spec.from_items is not None
        values = block.cells(cells)
        present = frozenset(compress(block.codes, map(_PLAIN_PRESENT.__contains__, values)))
        missing = block.not_assessed.union(
            compress(block.codes, map(_PLAIN_NOT_ASSESSED.__contains__, values))
        )
        result = spec.from_items(present, not_assessed=missing)
        listed = lists[0].replace(self._between, ", ")  # (only with the codes as they are)
        # Each field: its key, its value (a listed field: what comes before the list)
        # and which list goes in it (None: none).
        what: list[tuple[str, RecordValue, str | None]] = []
        for name, output, value in zip(
            part.names,
            part.keys,
            _result_values(self._settings, part.position, result, False),
            strict=True,
        ):
            place = name if name in part.places else "listed" if name in part.listed else None
            if place is None and name in _LISTS and value:  # a list not placed: always empty
                return None
            if place in _LISTS:
                as_written = self._listed_codes(value) if isinstance(value, str) else None
                if as_written != lists[_LISTS.index(name)]:
                    return None
                value = ""
            elif place == "listed" and missing:
                if not isinstance(value, str) or not value.endswith(listed):
                    return None
                value = value[: len(value) - len(listed)]
            what.append((output, value, place))
        shape = self._shape(part, key) or (part.position, bool(missing), *what)
        written: tuple[str, ...] | None = self._written.get(shape)
        if written is None:
            fragments = []
            for each in what:
                fragment = self._fragment(*each, bool(missing))
                if fragment is None:
                    return None
                fragments.append(fragment)
            readers = self._field_reads.get(part.position)
            if readers is not None:  # each field kept by what it reads (_composed)
                assert part.composition is not None and part.composition.deciding is not None
                deciding = part.composition.deciding(key >> 1)
                for index, (reader, fragment) in enumerate(zip(readers, fragments, strict=True)):
                    self._fragments.put((part.position, key & 1, index, reader(deciding)), fragment)
            written = _joined(fragments)
            self._written.put(shape, written)
        part.memo.put(key, written)
        return written

    def _fragment(
        self, key: str, value: RecordValue, place: str | None, missing: bool
    ) -> tuple[str, ...] | None:
        """One field as written after the separator: ``(text,)``, or ``(before,
        after)`` the list that goes in it; ``None`` where how it is written depends
        on its list."""
        separator = self._separator
        if place is None:
            return (separator + self._field(key, value),)
        if place == "listed" and not missing:  # the field as it is; its list: ""
            return (separator + self._field(key, value), "")
        assert isinstance(value, str)
        around = self._around(key, value, "a, b" if place == "listed" else "a b")
        if around is None:
            return None
        return (separator + around[0], around[1])

    def _around(self, key: str, head: str, probe: str) -> tuple[str, str] | None:
        """``(before, after)`` such that the field ``key`` holding ``head`` and then a
        code list is written ``before + list + after`` (checked on ``probe``, a list
        of two codes); ``None`` where that depends on the list (its quoting)."""
        written = self._field(key, head + "a")
        start = written.rfind("a")
        before, after = written[:start], written[start + 1 :]
        if self._field(key, head + probe) != before + probe + after:
            return None
        return before, after

    def _listed_codes(self, text: str) -> str:
        """A code list of a record (codes separated by spaces) as the output writes it."""
        return self._between.join(map(self._code, text.split(" "))) if text else ""

    def _date(self, text: str) -> bool:
        """Remember how a plain visit date is written out; False for any other (the
        full path strips it, or reports it)."""
        try:
            visit = parse_date(text).isoformat()
        except ValueError:
            return False
        if len(self._dates) >= _SHAPES:
            self._dates = {"": ""}
        self._dates[text] = visit
        return True


def score_patient(row: int, patient: Patient, settings: Settings) -> list[Case]:
    """Score one patient's evidence record.

    With visit dates given, or an instrument scored per visit (activity, damage,
    outcomes): one case per visit, at ``settings.visits`` or else at every date on
    which the patient has an observation that one of them uses (for SLEDAI-2K and
    the outcomes, a finding, a laboratory value or a clinician's
    ``sledai_2k.<descriptor>`` judgement; for the SDI, an ``sdi.<item>`` event),
    each classification on the evidence up to that visit. Otherwise one case,
    classified on the evidence up to ``settings.as_of`` (all of it by default).
    Raises :class:`InvalidEvidenceError` (e.g. an undated observation where dates
    are needed, or no date at which to score a visit).
    """
    specs = settings.specs
    window, non_standard = settings.window_days, settings.non_standard_window
    sources = [spec.visits_from for spec in specs if spec.visits_from is not None]
    if not sources and not settings.visits:
        occasion = Occasion(
            settings.as_of, None, None, window, non_standard, pga_rule=settings.pga_rule
        )
        results = tuple(apply(spec, patient, occasion) for spec in specs)
        return [Case(row, patient.id, None, results)]
    visits = settings.visits or _visit_dates(patient, tuple(dict.fromkeys(sources)))
    if not visits:
        titles = " or ".join(instruments()[name].title for name in dict.fromkeys(sources))
        raise InvalidEvidenceError(
            [
                Problem(
                    patient.id,
                    None,
                    "observations",
                    f"no dated observation that {titles} uses, so no visit to score "
                    "it at; give visit dates (--visit)",
                )
            ]
        )
    # Each visit's shared answers (SLEDAI-2K at a visit, the treatment in force) are
    # worked out once for this patient, whichever instruments read them.
    shared = Record(patient.id, patient.observations)
    cases = []
    for number, visit in enumerate(visits):
        previous = visits[number - 1] if number else None
        baseline = visits[0] if number else None
        occasion = Occasion(
            visit, previous, baseline, window, non_standard, pga_rule=settings.pga_rule
        )
        results = tuple(apply(spec, shared, occasion) for spec in specs)
        cases.append(Case(row, patient.id, visit, results))
    return cases


def score_reading(row: int, reading: records.Reading, settings: Settings) -> list[Case]:
    """:func:`score_patient` for a patient read with its bad observations skipped
    (:func:`sle_scoring.records.read_patient`): each case names the observations
    left out (:attr:`Case.skipped_observations`)."""
    skipped = reading.skipped_locations()
    cases = score_patient(row, reading.patient, settings)
    return [case._replace(skipped_observations=skipped) for case in cases] if skipped else cases


def _visit_dates(patient: Patient, sources: tuple[str, ...]) -> tuple[datetime.date, ...]:
    """The dates of the observations that feed an item of ``sources``: the visits
    of a record. A date with only, say, a glucocorticoid dose change is not a
    SLEDAI-2K visit."""
    prefixes = tuple(f"{name}." for name in sources)
    dates = set()
    for observation in patient.observations:
        if observation.date is None:
            continue
        concept = vocabulary.concept(observation.code)
        feeds = concept.feeds if concept is not None else (observation.code,)
        if any(item.startswith(prefixes) for item in feeds):
            dates.add(observation.date)
    return tuple(sorted(dates))


# --- Rendering ----------------------------------------------------------------------


def case_fields(settings: Settings, *, items: bool = False) -> list[str]:
    """The flat column names of a case (the CSV header), in output order.

    ``row``, ``patient_id``, ``visit_date``, then for each result
    ``<key>.<field>`` (:meth:`Settings.record_fields`), after ``sledai_2k`` the
    band fields of :attr:`Settings.bands` (:func:`band_fields`) and, with ``items``,
    ``<key>.<item code>`` for each item of an instrument that has items.
    """
    fields = ["row", "patient_id", "visit_date"]
    for key, spec in zip(settings.keys, settings.specs, strict=True):
        fields.extend(f"{key}.{field}" for field in settings.record_fields(key))
        if key == "sledai_2k":
            fields.extend(band_fields(settings.bands))
        if items:
            fields.extend(f"{key}.{code}" for code in spec.codes)
    if settings.skip_bad_observations:
        fields.append(SKIPPED_FIELD)
    return fields


def _item_states(result: Result, codes: tuple[str, ...]) -> list[str]:
    # The status of each item as result.finding() would give it, without building an
    # ItemFinding per item: this runs for every item of every row with --items.
    findings = getattr(result, "findings", ())
    decided = {finding.code: finding.status for finding in findings}
    present: frozenset[str] = getattr(result, "present", frozenset())
    not_assessed: frozenset[str] = getattr(result, "not_assessed", frozenset())
    return [
        (
            decided.get(code)
            or (
                ItemStatus.PRESENT
                if code in present
                else ItemStatus.NOT_ASSESSED
                if code in not_assessed
                else ItemStatus.ABSENT
            )
        ).value
        for code in codes
    ]


def _visit(case: Case) -> str | None:
    return case.visit_date.isoformat() if case.visit_date is not None else None


def case_values(
    case: Case, settings: Settings | None = None, *, items: bool = False
) -> list[RecordValue]:
    """The flat values of a case, matching :func:`case_fields` for ``settings``
    (default: :class:`Settings` ``()``).

    Values are ``int``, ``bool``, ``str`` or ``None`` (empty), as the results'
    ``as_record()`` gives them: dates ``YYYY-MM-DD``, code lists as codes separated
    by spaces, in table order.
    """
    chosen = settings if settings is not None else _DEFAULT
    values: list[RecordValue] = [case.row, case.patient_id, _visit(case)]
    for position, result in enumerate(case.results):
        values.extend(_result_values(chosen, position, result, items))
    if chosen.skip_bad_observations:
        values.append(_skipped(case))
    return values


def _result_values(
    settings: Settings, position: int, result: Result | None, items: bool
) -> list[RecordValue]:
    """The flat values of the result of ``settings.specs[position]`` in a case."""
    spec, keys = settings._specs[position], settings._keys[position]
    banded = spec.name == "sledai_2k" and settings.bands is not None
    values: list[RecordValue]
    if result is None:
        values = [None for _ in keys]
        if banded:
            values.extend(None for _ in band_fields(settings.bands))
        if items:
            values.extend(None for _ in spec.codes)
        return values
    record_values = getattr(result, "record_values", None)
    if record_values is not None:
        # Only the fields written are formatted (the defaults write 3-7 of them).
        values = record_values(settings._fields[position])
    else:
        values = list(map(result.as_record().__getitem__, keys))
    if banded:
        values.extend(_band(result, settings).as_record().values())
    if items:
        values.extend(_item_states(result, spec.codes))
    return values


def _skipped(case: Case) -> str | None:
    return "; ".join(case.skipped_observations) or None


def band_fields(scheme: str | None) -> tuple[str, ...]:
    """The record keys of a SLEDAI-2K band under ``scheme``
    (:meth:`sle_scoring.sledai_bands.Band.as_record`); ``()`` for no scheme."""
    if scheme is None:
        return ()
    key = f"sledai_bands.{scheme}"
    return (key, f"{key}.verdict", f"{key}.least", f"{key}.most")


def _band(result: Result, settings: Settings) -> sledai_bands.Band:
    # Only a sledai_2k result is banded (the schemes are defined on the full score).
    if not isinstance(result, sledai_2k.Score) or settings.bands is None:
        raise TypeError("only a SLEDAI-2K score is banded, under a chosen scheme")
    return sledai_bands.band(result, scheme=settings.bands)


def case_record(case: Case, settings: Settings, *, items: bool = False) -> dict[str, RecordValue]:
    """A case as one flat JSON-ready dict: :func:`case_fields` -> :func:`case_values`
    (what ``sle-scoring score`` writes as JSON Lines)."""
    fields = case_fields(settings, items=items)
    return dict(zip(fields, case_values(case, settings, items=items), strict=True))


def _in_order(codes: frozenset[str], position: Mapping[str, int]) -> list[str]:
    """``codes`` in table order."""
    return sorted(codes, key=position.__getitem__) if codes else []


_SLEDAI_POSITION = {code: number for number, code in enumerate(sledai_2k.INSTRUMENT.codes)}
_EULAR_POSITION = {code: number for number, code in enumerate(eular_acr_2019.INSTRUMENT.codes)}


def _result_dict(result: Result | None, spec: Instrument, items: bool) -> dict[str, object]:
    # The nested shape of the classify, sledai and explain commands (SLEDAI-2K and
    # 2019 EULAR/ACR), kept as it was; score writes case_record's flat keys.
    if isinstance(result, sledai_2k.Score):
        data: dict[str, object] = {
            "index": result.index.name,
            "total": result.total,
            "max": result.index.max_score,
            "complete": result.complete,
            "present": _in_order(result.present, _SLEDAI_POSITION),
            "not_assessed": _in_order(result.not_assessed, _SLEDAI_POSITION),
        }
        if result.ignored:
            data["ignored"] = sorted(result.ignored)
        if result.window_days is not None:
            data["window_days"] = result.window_days
            data["standard_window"] = result.standard_window
    elif isinstance(result, eular_acr_2019.Classification):
        data = {
            "points": result.points,
            "clinical_points": result.clinical_points,
            "immunologic_points": result.immunologic_points,
            "entry_criterion_met": result.entry_criterion_met,
            "classified": result.classified,
            "verdict": result.verdict,
            "present": _in_order(result.present, _EULAR_POSITION),
            "not_assessed": _in_order(result.not_assessed, _EULAR_POSITION),
        }
        if result.as_of is not None:
            data["as_of"] = result.as_of.isoformat()
        if result.first_fulfilled is not None:
            data["first_fulfilled"] = result.first_fulfilled.isoformat()
    else:
        raise TypeError(f"case_dict writes SLEDAI-2K and EULAR/ACR 2019 only, not {spec.name}")
    explained = [f.code for f in result.findings if f.status is ItemStatus.EXPLAINED]
    if explained:
        data["explained"] = explained
    if items:
        data["items"] = dict(zip(spec.codes, _item_states(result, spec.codes), strict=True))
    return data


def case_dict(case: Case, settings: Settings, *, items: bool = False) -> dict[str, object]:
    """A SLEDAI-2K and 2019 EULAR/ACR case as the ``classify``, ``sledai`` and
    ``explain`` commands write it: ``row``, ``patient_id``, ``visit_date`` and one
    nested entry per result, named by :attr:`Settings.keys` (for every instrument,
    flat, see :func:`case_record`).
    """
    data: dict[str, object] = {
        "row": case.row,
        "patient_id": case.patient_id,
        "visit_date": _visit(case),
    }
    for key, spec, result in zip(settings.keys, settings.specs, case.results, strict=True):
        data[key] = _result_dict(result, spec, items)
    if settings.skip_bad_observations:
        data[SKIPPED_FIELD] = _skipped(case)
    return data


def case_text(case: Case, settings: Settings | None = None) -> str:
    """A case as readable text: a heading, then each result's explanation (and, for
    a result that does not apply at this visit, why)."""
    heading = f"== patient {case.patient_id}"
    if case.visit_date is not None:
        heading += f", visit {case.visit_date.isoformat()}"
    heading += f" (input row {case.row}) =="
    if case.skipped_observations:
        heading += (
            f"\nScored without {len(case.skipped_observations)} skipped observation(s) "
            f"that could not be read: {'; '.join(case.skipped_observations)}"
        )
    titles = (
        [spec.title for spec in settings.specs]
        if settings is not None
        else ["An outcome between visits"] * len(case.results)
    )
    parts = [heading]
    specs = settings.specs if settings is not None else (None,) * len(case.results)
    for title, spec, result in zip(titles, specs, case.results, strict=True):
        if result is None:
            parts.append(f"{title}: nothing to compare with at the first visit")
            continue
        parts.append(result.explain())
        if spec is not None and spec.name == "sledai_2k" and settings and settings.bands:
            parts.append(_band(result, settings).explain())
    return "\n\n".join(parts)


_DEFAULT = Settings()


# --- Records from a data frame -------------------------------------------------------


def _cell_text(value: object) -> str:
    """A data-frame value written as the CSV layout would spell it."""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        return value
    state = cell_state(value)
    if state is None:
        return quote(value)  # reported as an unreadable cell, quoted (never fails)
    return {"present": "1", "absent": "0", "not assessed": ""}[state]


def _key(key: object) -> str:
    return key if isinstance(key, str) else quote(key)


def score_records(
    records: Iterable[Mapping[str, object]],
    settings: Settings | None = None,
    *,
    items: bool = False,
    ignore_unknown: bool = False,
    errors: Literal["raise", "report"] = "raise",
) -> Iterator[dict[str, object]]:
    """Score item-level records (e.g. ``DataFrame.to_dict("records")``), one flat
    dict per record, as the CSV output would hold it.

    Each record has ``patient_id``, ``visit_date`` and item columns named as in the
    CSV layout (:mod:`sle_scoring.item_csv`); cell values may also be ``True``/
    ``False``, 1/0 and ``None``/NaN (not assessed). The keys of the first record
    are the columns. A bad record raises :class:`InvalidEvidenceError` naming its
    row (the first record is row 2, as in a CSV file with its header); with
    ``errors="report"`` it yields one error dict per problem instead (``row``,
    ``patient_id``, ``location``, ``field``, ``message``, as the command line's
    error records) and the other records are still scored.
    """
    _args.check(records=records, settings=_args.of(Settings, settings, optional=True))
    if errors not in ("raise", "report"):
        raise InvalidArgumentError(
            "errors", f"errors must be 'raise' or 'report' (got {quote(errors)})"
        )
    chosen = settings if settings is not None else Settings()
    columns: Columns | None = None
    header: list[str] = []
    fields = case_fields(chosen, items=items)
    for number, record in enumerate(records, start=2):
        if columns is None:
            header = [_key(key) for key in record]
            columns = read_header(
                header,
                chosen.item_codes,
                ignore_unknown=ignore_unknown,
                others=chosen.other_item_codes,
            )
        failure: InvalidEvidenceError
        if len(record) != len(header) or any(key not in record for key in header):
            # Every record must have the first record's columns: a key read by no
            # column, or a column missing, would otherwise be dropped or guessed.
            keys = [_key(key) for key in record]
            extra = [key for key in keys if key not in header]
            missing = [key for key in header if key not in record]
            failure = InvalidEvidenceError(
                [
                    Problem(
                        _cell_text(record.get("patient_id")) or None,
                        f"row {number}",
                        "(columns)",
                        "must be the first record's columns"
                        + (f"; not in the first record: {', '.join(extra)}" if extra else "")
                        + (f"; missing: {', '.join(missing)}" if missing else ""),
                    )
                ]
            )
        else:
            parsed = columns.parse(number, [_cell_text(record.get(key)) for key in header])
            if not isinstance(parsed, InvalidEvidenceError):
                values = case_values(score_item_row(parsed, chosen), chosen, items=items)
                yield dict(zip(fields, values, strict=True))
                continue
            failure = parsed
        if errors == "raise":
            raise failure
        for problem in failure.problems:
            yield {
                "row": number,
                "patient_id": problem.record,
                "location": problem.location,
                "field": problem.field,
                "message": problem.message,
            }


def __dir__() -> list[str]:
    # The public API is what __all__ lists (as in pypa/packaging).
    return list(__all__)
