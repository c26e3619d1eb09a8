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
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import compress
from operator import itemgetter
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


# The cell spellings a remembered block may hold: exactly as the CSV layout lists
# them (lower case, no spaces). Any other cell ("Yes", " 1") takes the full path.
_PLAIN_PRESENT = frozenset(PRESENT_SPELLINGS)
_PLAIN_NOT_ASSESSED = frozenset(NOT_ASSESSED_SPELLINGS)
_PLAIN = _PLAIN_PRESENT | frozenset(ABSENT_SPELLINGS) | _PLAIN_NOT_ASSESSED
#: How many blocks of cells each instrument remembers (the oldest is forgotten
#: first): a block's output is a few short strings, so this bounds the memory to a
#: few MiB, reached within the first 10,000 rows.
MEMO_SIZE = 4096


def _one_cell(position: int) -> Callable[[Sequence[str]], tuple[str, ...]]:
    def cell(cells: Sequence[str]) -> tuple[str, ...]:
        return (cells[position],)

    return cell


def _block_key(positions: tuple[int, ...]) -> Callable[[Sequence[str]], tuple[str, ...]]:
    """A function taking the cells at ``positions`` out of a row, as a tuple."""
    if len(positions) > 1:
        return itemgetter(*positions)
    if positions:
        return _one_cell(positions[0])
    return lambda cells: ()


class ItemRows:
    """Item-level CSV rows to output values, each instrument's block of item cells
    remembered: what the command line runs on each row.

    Calling it with a row's cells gives ``(patient_id, visit date, parts)``: the
    ``parts`` are, for each result of ``settings`` in order, ``render(keys, values)``
    of its :func:`case_values` (``keys`` the matching :func:`case_fields`). Each part
    is remembered by the raw cells of the instrument's block (at most
    :data:`MEMO_SIZE` blocks per instrument), so a block seen before costs one
    look-up; a part is a pure function of those cells, so the output is the same as
    scoring the row (:func:`score_item_row`). ``None`` for a row that needs the full
    path (:meth:`~sle_scoring.item_csv.Columns.parse`, :func:`score_item_row`): a
    cell not spelt exactly as the layout lists it, a blank patient, a date to check
    or report, a row of the wrong width.
    """

    def __init__(
        self,
        columns: Columns,
        settings: Settings,
        render: Callable[[tuple[str, ...], list[RecordValue]], Any],
        *,
        items: bool = False,
    ) -> None:
        if columns.instruments != tuple(settings.item_codes):
            raise ValueError("columns must be read with settings.item_codes")
        self._columns, self._settings, self._items = columns, settings, items
        self._render = render
        fields = case_fields(settings, items=items)[3:]
        self._parts = []
        start = 0
        for position, spec in enumerate(settings.specs):
            if spec.from_items is None:
                raise ValueError(f"{spec.name} has no item-level input; it needs evidence records")
            block = columns.blocks[settings._blocks[_block(spec)]]
            width = len(_result_values(settings, position, None, items))
            keys = tuple(fields[start : start + width])
            start += width
            memo: OrderedDict[tuple[str, ...], Any] = OrderedDict()
            self._parts.append((position, spec, block, _block_key(block.positions), keys, memo))
        self._dates: dict[str, str | None] = {"": None}

    def __call__(self, cells: Sequence[str]) -> tuple[str, str | None, list[Any]] | None:
        """``(patient_id, visit date, parts)`` of one data row, or ``None`` (see above)."""
        columns = self._columns
        if len(cells) != columns.width:
            return None
        patient_id = cells[columns.patient].strip()
        if not patient_id:
            return None
        text = cells[columns.visit]
        if text not in self._dates and not self._date(text):
            return None
        visit = self._dates[text]
        parts = []
        for position, spec, block, key_of, keys, memo in self._parts:
            key = key_of(cells)
            part = memo.get(key)
            if part is None:
                if not _PLAIN.issuperset(key):
                    return None
                present = frozenset(compress(block.codes, map(_PLAIN_PRESENT.__contains__, key)))
                missing = block.not_assessed.union(
                    compress(block.codes, map(_PLAIN_NOT_ASSESSED.__contains__, key))
                )
                assert spec.from_items is not None
                result = spec.from_items(present, not_assessed=missing)
                values = _result_values(self._settings, position, result, self._items)
                part = self._render(keys, values)
                if len(memo) >= MEMO_SIZE:
                    memo.popitem(last=False)
                memo[key] = part
            parts.append(part)
        return patient_id, visit, parts

    def _date(self, text: str) -> bool:
        """Remember how a plain visit date is written out; False for any other (the
        full path strips it, or reports it)."""
        try:
            visit = parse_date(text).isoformat()
        except ValueError:
            return False
        if len(self._dates) >= MEMO_SIZE:
            self._dates = {"": None}
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
