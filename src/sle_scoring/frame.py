"""Score item-level data frames: pandas, Polars and PyArrow (and Dask or Spark partitions).

Needs the ``frame`` extra (``pip install 'sle-scoring[frame]'``: narwhals, pandas,
Polars, PyArrow); a bare install of sle_scoring never imports this module.

:func:`score` takes a frame in the item-level layout of :mod:`sle_scoring.item_csv`
(``patient_id``, ``visit_date``, one column per item; a cell is present, absent or,
when blank, not assessed) and returns a frame of the same library with every input
column kept, in order, followed by the ``as_record()`` columns of each instrument
(``sledai_2k.total``, ...) and :data:`ERROR_COLUMN`. :func:`schema` gives the types
of the added columns; they are the same whatever the data (a column null in every
row keeps its type).

SLEDAI-2K and the 2019 EULAR/ACR criteria are computed column-wise from the
instruments' own tables (:data:`sle_scoring.sledai_2k.DESCRIPTORS` weights,
:data:`sle_scoring.eular_acr_2019.CRITERIA` domains, kinds and weights); what
depends on the classification rule (``classified``, ``could_change_verdict``,
``max_possible``, ``verdict``) is asked of :func:`sle_scoring.eular_acr_2019.classify`
once per distinct combination of points, so no rule is written twice. Rows the
column path cannot read (an unreadable cell, a blank patient, a bad date) and the
other item-level instruments go through the row path: the cells as the CSV layout
spells them, :meth:`sle_scoring.item_csv.Columns.parse` and the registry's
``from_items``, exactly as the command line reads a CSV row. A row that cannot be
scored keeps its input columns, has null scores and says why in ``error``.

:func:`score_observations` scores a long frame of observations (one row per
observation), grouped by patient, through the library's own per-patient path.

Results classify and score for research; they are never a diagnosis.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import narwhals as nw
import pandas
import pyarrow
from narwhals.dtypes import DType
from narwhals.typing import IntoDataFrameT

from . import batch, eular_acr_2019, item_csv, records, sledai_2k
from ._registry import Instrument, instruments
from ._results import RecordValue
from .batch import _cell_text  # the row path spells cells as batch.score_records does
from .exceptions import InvalidEvidenceError, Problem

__all__ = [
    "COLUMNAR",
    "DEFAULT_INSTRUMENTS",
    "ERROR_COLUMN",
    "VALUE_COLUMNS",
    "observations_schema",
    "schema",
    "score",
    "score_observations",
]

#: The column saying why a row could not be scored (null when it was).
ERROR_COLUMN = "error"
#: The instruments :func:`score` applies unless told otherwise (as batch scoring).
DEFAULT_INSTRUMENTS = ("sledai_2k", "eular_acr_2019")
#: The instruments computed column-wise; any other item-level instrument of the
#: registry is scored row by row through its ``from_items``.
COLUMNAR = ("sledai_2k", "eular_acr_2019")

_INDEX = "__sle_scoring_index"
_NUMBER = "__sle_scoring_row"
_KEY = "__sle_scoring_key"
# Record fields that are None in every item-level record but hold a number at the
# evidence level; every other field that is None at item level holds a date string.
_INTEGER_WHEN_SET = frozenset({"window_days"})
_TYPES: dict[type, DType] = {bool: nw.Boolean(), int: nw.Int64(), str: nw.String()}
_PRESENT, _ABSENT, _NOT_ASSESSED = 1, 0, 2


def _item_instrument(name: str) -> Instrument:
    spec = instruments().get(name)
    if spec is None or spec.from_items is None:
        valid = [n for n, s in instruments().items() if s.from_items is not None]
        raise ValueError(f"{name!r} is not an item-level instrument (one of {', '.join(valid)})")
    return spec


def _chosen(names: Iterable[str]) -> tuple[Instrument, ...]:
    chosen = tuple(names)
    if not chosen or len(set(chosen)) != len(chosen):
        raise ValueError(f"instruments must be distinct names (got {chosen!r})")
    return tuple(_item_instrument(name) for name in chosen)


def _record_types(spec: Instrument) -> dict[str, DType]:
    """The type of each field of ``spec``'s record, read off a record it makes."""
    assert spec.from_items is not None
    record = spec.from_items((), not_assessed=()).as_record()
    types: dict[str, DType] = {}
    for key, value in record.items():
        field = key.removeprefix(f"{spec.name}.")
        if value is None:
            types[key] = nw.Int64() if field in _INTEGER_WHEN_SET else nw.String()
        else:
            types[key] = _TYPES[type(value)]
    return types


def schema(instruments: Iterable[str] = DEFAULT_INSTRUMENTS) -> dict[str, DType]:
    """The columns :func:`score` adds, in order, with their narwhals types.

    Each instrument's ``as_record()`` keys (:attr:`sle_scoring.Instrument.fields`,
    prefixed with its name): counts and points ``Int64``, yes/no ``Boolean``, code
    lists, dates (``YYYY-MM-DD``) and verdicts ``String``; then :data:`ERROR_COLUMN`
    (``String``). A field is null in a row that could not be scored, and where the
    instrument leaves it empty (``sledai_2k.window_days`` at item level).
    """
    columns: dict[str, DType] = {}
    for spec in _chosen(instruments):
        columns.update(_record_types(spec))
    columns[ERROR_COLUMN] = nw.String()
    return columns


# --- Reading cells column-wise ------------------------------------------------------


def _state(column: str, dtype: DType) -> nw.Expr:
    """The item state of each cell (1 present, 0 absent, 2 not assessed, null
    unreadable), as :func:`sle_scoring.item_csv.cell_state` reads one cell."""
    cell = nw.col(column)
    if dtype == nw.String:
        text = cell.str.strip_chars().str.to_lowercase()
        return (
            nw.when(text.is_in(item_csv.PRESENT_SPELLINGS))
            .then(_PRESENT)
            .when(text.is_in(item_csv.ABSENT_SPELLINGS))
            .then(_ABSENT)
            .when(cell.is_null() | text.is_in(item_csv.NOT_ASSESSED_SPELLINGS))
            .then(_NOT_ASSESSED)
        )
    if dtype == nw.Boolean:
        return (
            nw.when(cell.is_null())
            .then(_NOT_ASSESSED)
            .when(cell)
            .then(_PRESENT)
            .when(~cell)
            .then(_ABSENT)
        )
    if dtype.is_numeric():
        missing = cell.is_null() | (cell.is_nan() if dtype.is_float() else nw.lit(False))
        return (
            nw.when(missing)
            .then(_NOT_ASSESSED)
            .when(cell == 1)
            .then(_PRESENT)
            .when(cell == 0)
            .then(_ABSENT)
        )
    return nw.lit(None, nw.Int64())  # any other type: every row through the row path


def _readable_date(frame: nw.DataFrame[Any], column: str) -> nw.Expr:
    """True where the visit date reads as the row path reads it (blank: no date)."""
    dtype = frame.schema[column]
    cell = nw.col(column)
    if dtype in (nw.Date, nw.Datetime):
        return nw.lit(True)
    if dtype != nw.String:
        return nw.lit(False)
    # The library's own date reader, once per distinct date written.
    good = []
    for text in frame.get_column(column).drop_nulls().unique().to_list():
        stripped = text.strip()
        if not stripped:
            good.append(text)
            continue
        try:
            records.parse_date(stripped)
        except ValueError:
            continue
        good.append(text)
    return cell.is_null() | cell.is_in(good) if good else cell.is_null()


def _readable_patient(frame: nw.DataFrame[Any], column: str) -> nw.Expr:
    if frame.schema[column] != nw.String:
        return nw.lit(False)
    cell = nw.col(column)
    return ~cell.is_null() & (cell.str.strip_chars() != "")


# --- The column path ----------------------------------------------------------------


def _codes(present: Mapping[str, nw.Expr], order: Sequence[str]) -> nw.Expr:
    """The codes whose condition holds, in table order, separated by spaces."""
    parts = [nw.when(present[code]).then(nw.lit(code)) for code in order if code in present]
    if not parts:
        return nw.lit("")
    return nw.concat_str(parts, separator=" ", ignore_nulls=True).fill_null("")


def _conditions(
    block: item_csv.ColumnBlock, states: Mapping[str, str]
) -> tuple[dict[str, nw.Expr], dict[str, nw.Expr]]:
    """(present, not assessed) of every item of ``block``, as boolean expressions."""
    present = {code: nw.col(states[code]) == _PRESENT for code in block.codes}
    missing = {code: nw.col(states[code]) == _NOT_ASSESSED for code in block.codes}
    missing.update({code: nw.lit(True) for code in block.not_assessed})
    return present, missing


def _sledai(block: item_csv.ColumnBlock, states: Mapping[str, str]) -> dict[str, nw.Expr]:
    """SLEDAI-2K's record fields: the weighted sum of the descriptors present."""
    index = sledai_2k.SLEDAI_2K
    present, missing = _conditions(block, states)
    order = [item.code for item in index.descriptors]
    weights = [
        nw.when(present[item.code]).then(item.weight).otherwise(0)
        for item in index.descriptors
        if item.code in present
    ]
    total = nw.sum_horizontal(weights) if weights else nw.lit(0)
    not_assessed = _codes(missing, order)
    complete = ~nw.any_horizontal(list(missing.values()), ignore_nulls=False)
    # The verdict as Score.verdict words it: "SLEDAI-2K 8 of 105", and what was not
    # assessed, listed with commas.
    listed = [nw.when(missing[code]).then(nw.lit(code)) for code in order if code in missing]
    verdict = nw.concat_str(
        [nw.lit(f"{index.name} "), total.cast(nw.String()), nw.lit(f" of {index.max_score}")]
    )
    incomplete = nw.concat_str(
        [
            verdict,
            nw.lit("; incomplete, not assessed: "),
            nw.concat_str(listed, separator=", ", ignore_nulls=True),
        ]
    )
    return {
        "total": total,
        "complete": complete,
        "present": _codes(present, order),
        "not_assessed": not_assessed,
        "verdict": nw.when(complete).then(verdict).otherwise(incomplete),
    }


def _domain_points(present: Mapping[str, nw.Expr]) -> tuple[nw.Expr, nw.Expr]:
    """(clinical, immunologic) points: the highest weighted criterion present in each
    domain (Aringer 2019: "within each domain, only the highest criterion is counted")."""
    clinical: list[nw.Expr] = []
    immunologic: list[nw.Expr] = []
    for domain in eular_acr_2019.DOMAINS:
        items = [item for item in eular_acr_2019.CRITERIA if item.domain == domain]
        kinds = {item.kind for item in items}
        if len(kinds) != 1:  # the table has none; the sum by kind relies on it
            raise TypeError(f"domain {domain!r} mixes clinical and immunologic criteria")
        best = nw.max_horizontal(
            [nw.when(present[item.code]).then(item.weight).otherwise(0) for item in items]
        )
        (clinical if kinds == {eular_acr_2019.CLINICAL} else immunologic).append(best)
    return nw.sum_horizontal(clinical), nw.sum_horizontal(immunologic)


_RULED = ("classified", "could_change_verdict", "max_possible", "verdict")


def _rule(
    frame: nw.DataFrame[Any], entry: nw.Expr, clinical: nw.Expr, immunologic: nw.Expr
) -> nw.Expr:
    """The classification rule (``eular_acr_2019._meets_rule``: entry criterion, >= 1
    clinical criterion, >= 10 points) of each row, asked once per distinct triple."""
    triple = entry.cast(nw.Int64()) * 64**2 + clinical * 64 + immunologic
    seen = frame.select(triple.alias(_KEY)).unique().get_column(_KEY).to_list()
    met = [eular_acr_2019._meets_rule(k >= 64**2, (k // 64) % 64, k % 64) for k in seen]
    return triple.replace_strict(seen, met, return_dtype=nw.Boolean())


def _eular_columns(
    frame: nw.DataFrame[Any], block: item_csv.ColumnBlock, states: Mapping[str, str]
) -> dict[str, nw.Expr]:
    """The 2019 EULAR/ACR fields computed column-wise, and the key of what
    ``classify`` decides from them (``_KEY``)."""
    present, missing = _conditions(block, states)
    every = {code: present.get(code, nw.lit(False)) for code in block.codes + tuple(missing)}
    possible = {code: every[code] | missing[code] for code in every}
    for item in eular_acr_2019.CRITERIA:  # an item without a column is never present
        every.setdefault(item.code, nw.lit(False))
    clinical, immunologic = _domain_points(every)
    possible_clinical, possible_immunologic = _domain_points(possible)
    entry = eular_acr_2019.ENTRY_CRITERION.code
    entry_met = every[entry]
    entry_missing = missing.get(entry, nw.lit(False))
    order = eular_acr_2019.INSTRUMENT.codes
    # The rule now, and were every criterion not assessed present.
    met = _rule(frame, entry_met, clinical, immunologic)
    could = _rule(frame, entry_met | entry_missing, possible_clinical, possible_immunologic)
    # Classification.verdict, could_change_verdict and max_possible depend on these
    # only (points and possible points are < 64).
    flags = [entry_met, entry_missing, clinical > 0, met, could]
    key = nw.lit(0, nw.Int64())
    for flag in flags:
        key = key * 2 + flag.cast(nw.Int64())
    key = (key * 64 + clinical + immunologic) * 64 + possible_clinical + possible_immunologic
    return {
        "points": clinical + immunologic,
        "clinical_points": clinical,
        "immunologic_points": immunologic,
        "entry_criterion_met": entry_met,
        "complete": ~_any(list(missing.values())),
        "present": _codes(every, order),
        "not_assessed": _codes(missing, order),
        _KEY: key,
    }


def _any(flags: list[nw.Expr]) -> nw.Expr:
    """True where any of ``flags`` is (False for none): Classification.complete is
    "no criterion not assessed"."""
    found = nw.lit(False)
    for flag in flags:
        found = found | flag
    return found


def _eular_ruled(frame: nw.DataFrame[Any], prefix: str) -> dict[str, nw.Expr]:
    """What the classification decides, asked of ``classify`` once per key."""
    present, missing = f"{prefix}present", f"{prefix}not_assessed"
    keys: list[int] = []
    answers: dict[str, list[RecordValue]] = {field: [] for field in _RULED}
    for row in frame.select(_KEY, present, missing).unique([_KEY]).iter_rows(named=True):
        record = eular_acr_2019.classify(
            row[present].split(), not_assessed=row[missing].split()
        ).as_record()
        keys.append(row[_KEY])
        for field in _RULED:
            answers[field].append(record[f"{prefix}{field}"])
    types = _record_types(eular_acr_2019.INSTRUMENT)
    return {
        field: nw.col(_KEY).replace_strict(keys, values, return_dtype=types[f"{prefix}{field}"])
        for field, values in answers.items()
    }


def _constants(spec: Instrument) -> dict[str, RecordValue]:
    """The fields that are the same in every item-level record (``sledai_2k.max``)."""
    assert spec.from_items is not None
    samples = [
        spec.from_items(codes, not_assessed=missing).as_record()
        for codes, missing in (((), ()), (spec.codes, ()), ((), spec.codes))
    ]
    return {
        key: value
        for key, value in samples[0].items()
        if all(sample[key] == value for sample in samples[1:])
    }


def _columnar(
    frame: nw.DataFrame[Any],
    columns: item_csv.Columns,
    specs: Sequence[Instrument],
    states: Mapping[str, Mapping[str, str]],
    types: Mapping[str, DType],
) -> nw.DataFrame[Any]:
    """The added columns of every readable row, computed column-wise."""
    computed: dict[str, nw.Expr] = {}
    for spec, block in zip(specs, columns.blocks, strict=True):
        prefix = f"{spec.name}."
        if spec.name == "sledai_2k":
            fields = _sledai(block, states[spec.name])
        else:
            fields = _eular_columns(frame, block, states[spec.name])
        constants = _constants(spec)
        computed.update({f"{prefix}{f}": e for f, e in fields.items() if f != _KEY})
        if _KEY in fields:
            keyed = frame.with_columns(
                fields[_KEY].alias(_KEY),
                *(
                    computed[f"{prefix}{f}"].alias(f"{prefix}{f}")
                    for f in ("present", "not_assessed")
                ),
            )
            computed.update({f"{prefix}{f}": e for f, e in _eular_ruled(keyed, prefix).items()})
            frame = frame.with_columns(fields[_KEY].alias(_KEY))
        for key, value in constants.items():
            computed.setdefault(key, nw.lit(value, types[key]))
    computed[ERROR_COLUMN] = nw.lit(None, nw.String())
    return frame.with_columns(
        *(computed[name].cast(dtype).alias(name) for name, dtype in types.items())
    )


# --- The row path -------------------------------------------------------------------


def _row_record(
    columns: item_csv.Columns,
    specs: Sequence[Instrument],
    number: int,
    cells: Sequence[str],
) -> dict[str, RecordValue]:
    """One row scored as the command line scores a CSV row, or its error."""
    parsed = columns.parse(number, cells)
    if isinstance(parsed, InvalidEvidenceError):
        return {ERROR_COLUMN: "; ".join(str(problem) for problem in parsed.problems)}
    record: dict[str, RecordValue] = {ERROR_COLUMN: None}
    for spec, (present, not_assessed) in zip(specs, parsed.items, strict=True):
        assert spec.from_items is not None
        record.update(spec.from_items(present, not_assessed=not_assessed).as_record())
    return record


def _row_path(
    frame: nw.DataFrame[Any],
    columns: item_csv.Columns,
    specs: Sequence[Instrument],
    header: Sequence[str],
    types: Mapping[str, DType],
) -> nw.DataFrame[Any]:
    found: dict[str, list[RecordValue]] = {name: [] for name in types}
    for row in frame.select(_NUMBER, *header).iter_rows(named=False):
        record = _row_record(columns, specs, row[0], [_cell_text(cell) for cell in row[1:]])
        for name, values in found.items():
            values.append(record.get(name))
    backend = nw.get_native_namespace(frame)
    return frame.with_columns(
        *(nw.new_series(name, found[name], types[name], backend=backend) for name in types)
    )


# --- score --------------------------------------------------------------------------


def _row_numbers(frame: nw.DataFrame[Any], rows: str | None, first_row: int) -> nw.Expr:
    if rows is None:
        return (nw.col(_INDEX) + first_row).cast(nw.Int64())
    if not frame.schema[rows].is_integer():
        raise InvalidEvidenceError(
            [Problem(None, "header", rows, "the row numbers column must hold integers")]
        )
    return nw.col(rows).cast(nw.Int64())


def _score_frame(
    frame: nw.DataFrame[Any],
    specs: Sequence[Instrument],
    *,
    ignore_unknown: bool,
    rows: str | None,
    first_row: int,
) -> nw.DataFrame[Any]:
    header = list(frame.columns)
    skipped = (rows,) if rows is not None else ()
    columns = item_csv.read_header(
        [name for name in header if name not in skipped],
        {spec.name: spec.codes for spec in specs},
        ignore_unknown=ignore_unknown,
    )
    read = [name for name in header if name not in skipped]
    types = schema(spec.name for spec in specs)
    clashes = [name for name in (*types, _INDEX, _NUMBER, _KEY) if name in header]
    if clashes:
        raise InvalidEvidenceError(
            [Problem(None, "header", name, "is a column frame.score adds") for name in clashes]
        )
    # A state column per item column, for the instruments computed column-wise.
    states: dict[str, dict[str, str]] = {}
    readable: list[nw.Expr] = [
        _readable_patient(frame, read[columns.patient]),
        _readable_date(frame, read[columns.visit]),
    ]
    state_exprs: list[nw.Expr] = []
    for spec, block in zip(specs, columns.blocks, strict=True):
        if spec.name not in COLUMNAR:
            readable.append(nw.lit(False))
            continue
        states[spec.name] = {}
        for code, position in zip(block.codes, block.positions, strict=True):
            name = f"__sle_scoring_state.{spec.name}.{code}"
            source = read[position]
            states[spec.name][code] = name
            state_exprs.append(_state(source, frame.schema[source]).alias(name))
            readable.append(~nw.col(name).is_null())
    work = frame.with_row_index(_INDEX).with_columns(*state_exprs)
    work = work.with_columns(
        _row_numbers(work, rows, first_row).alias(_NUMBER),
        nw.all_horizontal(readable, ignore_nulls=False).alias("__sle_scoring_readable"),
    )
    good = work.filter(nw.col("__sle_scoring_readable"))
    rest = work.filter(~nw.col("__sle_scoring_readable"))
    kept = [_INDEX, *header, *types]
    parts = []
    if len(good):
        parts.append(_columnar(good, columns, specs, states, types).select(kept))
    if len(rest) or not parts:
        parts.append(_row_path(rest, columns, specs, read, types).select(kept))
    scored = nw.concat(parts) if len(parts) > 1 else parts[0]
    return scored.sort(_INDEX).drop(_INDEX)


def _arrow(frame: pandas.DataFrame) -> pyarrow.Table:
    """A pandas frame as an Arrow table; a column Arrow cannot type (mixed Python
    objects) is written as the CSV layout spells its cells, for the row path."""
    arrays = []
    for name in frame.columns:
        column = frame[name]
        try:
            arrays.append(pyarrow.Array.from_pandas(column))
        except (pyarrow.ArrowInvalid, pyarrow.ArrowTypeError):
            arrays.append(pyarrow.array([_cell_text(value) for value in column], pyarrow.string()))
    return pyarrow.Table.from_arrays(arrays, names=[str(name) for name in frame.columns])


def score(
    df: IntoDataFrameT,
    instruments: Iterable[str] = DEFAULT_INSTRUMENTS,
    *,
    ignore_unknown: bool = False,
    rows: str | None = None,
    first_row: int = 2,
) -> IntoDataFrameT:
    """Score an item-level frame; a frame of the same library comes back.

    ``df``: a pandas or Polars ``DataFrame`` or a PyArrow ``Table`` in the item-level
    layout (:mod:`sle_scoring.item_csv`: ``patient_id``, ``visit_date``, one column
    per item, bare or qualified as ``sledai_2k.arthritis``). Cells are the CSV
    spellings, ``True``/``False``, 1/0, or null/NaN for not assessed.
    ``instruments``: item-level instruments of ``sle_scoring.INSTRUMENTS``, in output
    order. ``ignore_unknown``: keep other columns (a site, an arm) instead of
    raising for them. Rows are numbered as a CSV file's (``first_row`` for the
    first, 2 after the header), or read from the integer column ``rows`` (a
    partition of a larger table numbered globally); errors name that number.

    The result holds the input columns, unchanged and in order, then the columns of
    :func:`schema` (pandas: Arrow-backed, so nulls keep the type). A bad header
    raises :class:`~sle_scoring.exceptions.InvalidEvidenceError`; a bad row is kept
    with null scores and its problems in ``error``.
    """
    specs = _chosen(instruments)
    native: object = df
    if isinstance(native, pandas.DataFrame):
        table = _arrow(native)
        scored = _score_frame(
            nw.from_native(table, eager_only=True),
            specs,
            ignore_unknown=ignore_unknown,
            rows=rows,
            first_row=first_row,
        )
        added = scored.select(list(schema(spec.name for spec in specs)))
        outputs = added.to_native().to_pandas(types_mapper=pandas.ArrowDtype)
        outputs.index = native.index
        result: Any = pandas.concat([native, outputs], axis=1)
        return result  # type: ignore[no-any-return]
    frame = nw.from_native(df, eager_only=True)
    return _score_frame(  # type: ignore[no-any-return]
        frame, specs, ignore_unknown=ignore_unknown, rows=rows, first_row=first_row
    ).to_native()


# --- Evidence level -----------------------------------------------------------------

#: Columns of a long observations frame that both give an observation's ``value``: a
#: frame column holds one type, and a value is a number (a platelet count) or text
#: (an ANA titre, ``low``). In a row at most one of them may be non-null.
VALUE_COLUMNS = ("value_number", "value_text")


def observations_schema(settings: batch.Settings | None = None) -> dict[str, DType]:
    """The columns :func:`score_observations` returns, with their narwhals types:
    ``patient_id``, ``visit_date``, each result's ``as_record()`` keys (as
    :func:`schema`) and :data:`ERROR_COLUMN`."""
    chosen = settings if settings is not None else batch.Settings()
    columns: dict[str, DType] = {"patient_id": nw.String(), "visit_date": nw.String()}
    for key in chosen.keys:
        columns.update(_record_types(instruments()[key]))
    columns[ERROR_COLUMN] = nw.String()
    return columns


def _observation(row: Mapping[str, object]) -> dict[str, object]:
    """One frame row as an evidence record's observation (null cells left out)."""
    observation: dict[str, object] = {}
    for key, value in row.items():
        if key == "patient_id" or _blank(value):
            continue
        field = "value" if key in VALUE_COLUMNS else key
        if field in observation:
            field = key  # both value columns given: reported as an unknown field
        if isinstance(value, (datetime.date, datetime.datetime)):
            value = _cell_text(value)
        observation[field] = value
    return observation


def score_observations(
    df: IntoDataFrameT,
    settings: batch.Settings | None = None,
) -> IntoDataFrameT:
    """Score a long observations frame (one row per observation), patient by patient.

    Columns: ``patient_id`` and an evidence record's observation fields (``code``,
    ``date``, ``unit``, ``assay``, ``explained_by``, ...; the value in ``value`` or
    in one of :data:`VALUE_COLUMNS`; a null cell is a field not given). Each
    patient's rows, in frame order, become an evidence record
    (:func:`sle_scoring.records.patient_from_dict`) scored by
    :func:`sle_scoring.batch.score_patient`. Returns a frame of the same library,
    one row per scored case, with the columns of :func:`observations_schema`; a
    patient that cannot be read or scored is one row with null scores and its
    problems in ``error``.
    """
    chosen = settings if settings is not None else batch.Settings()
    native: object = df
    frame = nw.from_native(_arrow(native) if isinstance(native, pandas.DataFrame) else df)
    if "patient_id" not in frame.columns:
        raise InvalidEvidenceError(
            [Problem(None, "header", "patient_id", "required column missing")]
        )
    grouped: dict[object, list[dict[str, object]]] = {}
    for row in frame.iter_rows(named=True):
        grouped.setdefault(row["patient_id"], []).append(_observation(row))
    types = observations_schema(chosen)
    found: dict[str, list[RecordValue]] = {name: [] for name in types}
    for number, (patient, observations) in enumerate(grouped.items(), start=1):
        flats: list[dict[str, RecordValue]] = []
        try:
            record = records.patient_from_dict({"patient": patient, "observations": observations})
            for case in batch.score_patient(number, record, chosen):
                flat: dict[str, RecordValue] = {
                    "patient_id": case.patient_id,
                    "visit_date": case.visit_date.isoformat() if case.visit_date else None,
                }
                for result in case.results:
                    if result is not None:  # an outcome with no earlier visit yet
                        flat.update(result.as_record())
                flats.append(flat)
        except InvalidEvidenceError as error:
            problems = "; ".join(str(p) for p in error.problems)
            shown = None if _blank(patient) else str(patient)
            flats = [{"patient_id": shown, ERROR_COLUMN: problems}]
        for flat in flats:
            for name, values in found.items():
                values.append(flat.get(name))
    backend = nw.get_native_namespace(frame)
    scored = nw.from_dict(found, schema=types, backend=backend)
    if isinstance(native, pandas.DataFrame):
        as_pandas: Any = scored.to_native().to_pandas(types_mapper=pandas.ArrowDtype)
        return as_pandas  # type: ignore[no-any-return]
    return scored.to_native()  # type: ignore[no-any-return]


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def __dir__() -> list[str]:
    # The public API is what __all__ lists (as in pypa/packaging).
    return list(__all__)
