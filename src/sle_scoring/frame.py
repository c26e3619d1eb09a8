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

SLEDAI-2K and the 2019 EULAR/ACR criteria are computed column-wise, in Polars (a
pandas frame or Arrow table goes in through Arrow), and no rule is written twice
(see :mod:`sle_scoring._columnar`): the items' cells make integer keys of a few
items each, and what a key stands for (a SLEDAI-2K total, the EULAR/ACR points of
whole domains, :data:`sle_scoring.eular_acr_2019.CRITERIA`) is asked of the
instrument's own ``from_items`` once per key; what depends on the classification
rule (``classified``, ``could_change_verdict``, ``max_possible``, ``verdict``) is
asked of :func:`sle_scoring.eular_acr_2019.classify` once per distinct input of
the rule. Rows the column path cannot read (an unreadable cell
or one in an unusual spelling, a blank patient, a bad date) and the other
item-level instruments go through the row path: the cells as the CSV layout
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
import polars as pl
import pyarrow
from narwhals.dtypes import DType
from narwhals.typing import IntoDataFrameT

from . import _columnar, batch, item_csv, records
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
COLUMNAR = _columnar.COLUMNAR

# The Polars types of _columnar.record_types, as narwhals names them.
_TYPES: dict[pl.DataType, DType] = {
    pl.Boolean(): nw.Boolean(),
    pl.Int64(): nw.Int64(),
    pl.String(): nw.String(),
}


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
    return {key: _TYPES[dtype] for key, dtype in _columnar.record_types(spec).items()}


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


def _polars_types(specs: Sequence[Instrument]) -> dict[str, pl.DataType]:
    types: dict[str, pl.DataType] = {}
    for spec in specs:
        types.update(_columnar.record_types(spec))
    types[ERROR_COLUMN] = pl.String()
    return types


# --- score --------------------------------------------------------------------------


def _row_numbers(frame: pl.DataFrame, rows: str | None, first_row: int) -> pl.Series:
    if rows is None:
        return pl.int_range(first_row, first_row + frame.height, eager=True)
    if not frame.schema[rows].is_integer():
        raise InvalidEvidenceError(
            [Problem(None, "header", rows, "the row numbers column must hold integers")]
        )
    numbers: pl.Series = frame.get_column(rows).cast(pl.Int64)
    return numbers


def _score_frame(
    frame: pl.DataFrame,
    specs: Sequence[Instrument],
    *,
    ignore_unknown: bool,
    rows: str | None,
    first_row: int,
) -> pl.DataFrame:
    """The columns of :func:`schema` for every row of ``frame``, as a Polars frame."""
    header = list(frame.columns)
    read = [name for name in header if name != rows]
    columns = item_csv.read_header(
        read, {spec.name: spec.codes for spec in specs}, ignore_unknown=ignore_unknown
    )
    types = _polars_types(specs)
    clashes = [name for name in types if name in header]
    if clashes:
        raise InvalidEvidenceError(
            [Problem(None, "header", name, "is a column frame.score adds") for name in clashes]
        )
    numbers = _row_numbers(frame, rows, first_row)
    if all(spec.name in _columnar.COLUMNAR for spec in specs):
        scored = _columnar.score_columns(frame, read, columns, specs)
        left = scored.get_column(_columnar.READABLE).not_()
        added = scored.select(
            *(name for name in types if name != ERROR_COLUMN),
            pl.lit(None, pl.String).alias(ERROR_COLUMN),
        )
    else:  # every row through the row path
        left = pl.repeat(True, frame.height, eager=True)
        added = pl.DataFrame(schema=types).clear(frame.height)
    indices = left.arg_true()
    if len(indices):
        # The rows the column path cannot read, scored as the command line scores a
        # CSV row: the cells as the CSV layout spells them, then each from_items.
        found = [
            _row_record(columns, specs, number, [_cell_text(cell) for cell in cells])
            for number, cells in zip(
                numbers.gather(indices).to_list(),
                frame.select(read)[indices].iter_rows(),
                strict=True,
            )
        ]
        added = added.with_columns(
            added.get_column(name).scatter(
                indices, pl.Series([record.get(name) for record in found], dtype=dtype)
            )
            for name, dtype in types.items()
        )
    return added


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
        polars_frame = pl.from_arrow(_arrow(native))
    else:
        polars_frame = nw.from_native(df, eager_only=True).to_polars()
    assert isinstance(polars_frame, pl.DataFrame)
    added = _score_frame(
        polars_frame, specs, ignore_unknown=ignore_unknown, rows=rows, first_row=first_row
    )
    if isinstance(native, pl.DataFrame):
        return native.hstack(added)  # type: ignore[return-value]
    table = _arrow_columns(added)
    if isinstance(native, pandas.DataFrame):
        outputs = table.to_pandas(types_mapper=pandas.ArrowDtype)
        outputs.index = native.index
        result: Any = pandas.concat([native, outputs], axis=1)
        return result  # type: ignore[no-any-return]
    if isinstance(native, pyarrow.Table):
        extended: Any = native
        for name in table.column_names:
            extended = extended.append_column(name, table.column(name))
        return extended  # type: ignore[no-any-return]
    # Another eager library narwhals speaks: its own frame, from Arrow.
    backend = nw.get_native_namespace(nw.from_native(df, eager_only=True))
    combined = nw.concat(
        [
            nw.from_native(df, eager_only=True),
            nw.from_arrow(table, backend=backend),
        ],
        how="horizontal",
    )
    return combined.to_native()  # type: ignore[no-any-return]


def _arrow_columns(added: pl.DataFrame) -> pyarrow.Table:
    """The added columns as Arrow, text as ``string`` (not Polars' views)."""
    table = added.to_arrow(compat_level=pl.CompatLevel.oldest())
    fields = [
        pyarrow.field(f.name, pyarrow.string()) if pyarrow.types.is_large_string(f.type) else f
        for f in table.schema
    ]
    return table.cast(pyarrow.schema(fields))


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
