"""The column path: SLEDAI-2K and 2019 EULAR/ACR scored column-wise in Polars.

Needs the ``frame`` extra (Polars); a bare install never imports this module. It is
what :func:`sle_scoring.frame.score` and ``sle-scoring score --engine columnar``
compute with. Everything comes from the instruments' own tables: the item states
as :func:`sle_scoring.item_csv.cell_state` reads a cell, SLEDAI-2K's descriptor
weights (:data:`sle_scoring.sledai_2k.DESCRIPTORS`), the EULAR/ACR domains, kinds
and weights (:data:`sle_scoring.eular_acr_2019.CRITERIA`). What the classification
rule decides (``classified``, ``could_change_verdict``, ``max_possible``,
``verdict``) is asked of :func:`sle_scoring.eular_acr_2019.classify` once per
distinct combination of points, so no rule is written twice.

A row is *readable* when every cell reads here as the row path reads it; the
others (an unreadable cell, a blank patient, a bad date) are left to the row path,
which says what is wrong. Results classify and score for research; they are never
a diagnosis.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator, Mapping, Sequence, Set
from typing import IO, NamedTuple

import polars as pl

from . import batch, eular_acr_2019, item_csv, records, sledai_2k, sledai_bands
from ._items import ItemStatus
from ._registry import Instrument, instruments
from ._results import RecordValue

__all__ = [
    "BLOCK_BYTES",
    "COLUMNAR",
    "LAYOUTS",
    "READABLE",
    "Block",
    "Left",
    "Rest",
    "Scored",
    "csv_blocks",
    "reads",
    "record_types",
    "score_columns",
]

#: The instruments computed column-wise.
COLUMNAR = ("sledai_2k", "eular_acr_2019")
#: The column of :func:`score_columns` saying whether a row was read here.
READABLE = "__sle_scoring_readable"

_PRESENT, _ABSENT, _NOT_ASSESSED = 1, 0, 2
# Cell text -> state, for the spellings of item_csv in lower, upper and title case.
_SPELLINGS: dict[str, int] = {
    variant: state
    for state, spellings in (
        (_PRESENT, item_csv.PRESENT_SPELLINGS),
        (_ABSENT, item_csv.ABSENT_SPELLINGS),
        (_NOT_ASSESSED, item_csv.NOT_ASSESSED_SPELLINGS),
    )
    for spelling in spellings
    for variant in (spelling, spelling.upper(), spelling.title())
}
# Item codes are packed into bit masks, this many to a look-up table of code lists.
_CHUNK = 12
# Record fields that are None in every item-level record but hold a number at the
# evidence level; every other field that is None at item level holds a date string.
_INTEGER_WHEN_SET = frozenset({"window_days"})
_TYPES: dict[type, pl.DataType] = {bool: pl.Boolean(), int: pl.Int64(), str: pl.String()}


def record_types(spec: Instrument) -> dict[str, pl.DataType]:
    """The Polars type of each field of ``spec``'s record, read off a record it makes."""
    assert spec.from_items is not None
    record = spec.from_items((), not_assessed=()).as_record()
    types: dict[str, pl.DataType] = {}
    for key, value in record.items():
        field = key.removeprefix(f"{spec.name}.")
        if value is None:
            types[key] = pl.Int64() if field in _INTEGER_WHEN_SET else pl.String()
        else:
            types[key] = _TYPES[type(value)]
    return types


# --- Reading cells ------------------------------------------------------------------


def _state(cell: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """The item state of each cell (1 present, 0 absent, 2 not assessed, null
    unreadable), as :func:`sle_scoring.item_csv.cell_state` reads one cell."""
    if dtype == pl.Null:  # a column null in every row: nothing assessed
        return pl.lit(_NOT_ASSESSED, pl.Int8)
    if isinstance(dtype, (pl.Categorical, pl.Enum)):
        return _state(cell.cast(pl.String), pl.String())
    if dtype == pl.String:
        # The spellings as written most often, looked up as they are; a cell spelled
        # otherwise (surrounding spaces, mixed case) or unreadable is null here and
        # its row is the row path's, which reads it.
        return cell.fill_null("").replace_strict(
            list(_SPELLINGS), list(_SPELLINGS.values()), default=None, return_dtype=pl.Int8
        )
    if dtype == pl.Boolean:
        return (
            pl.when(cell.is_null())
            .then(_NOT_ASSESSED)
            .when(cell)
            .then(_PRESENT)
            .otherwise(_ABSENT)
            .cast(pl.Int8)
        )
    if dtype.is_numeric():
        missing = cell.is_null() | (cell.is_nan() if dtype.is_float() else pl.lit(False))
        return (
            pl.when(missing)
            .then(_NOT_ASSESSED)
            .when(cell == 1)
            .then(_PRESENT)
            .when(cell == 0)
            .then(_ABSENT)
            .cast(pl.Int8)
        )
    return pl.lit(None, pl.Int8)  # any other type: every row through the row path


def _quick_state(cell: pl.Expr) -> pl.Expr:
    """The state of a text cell written ``1``, ``0`` or blank (null otherwise): most
    cells, compared as they are, without a look-up (:func:`_state` reads the rest)."""
    return (
        pl.when(cell.is_null())
        .then(_NOT_ASSESSED)
        .when(cell == "0")
        .then(_ABSENT)
        .when(cell == "1")
        .then(_PRESENT)
        .cast(pl.Int8)
    )


def _dates(frame: pl.DataFrame, column: str) -> pl.Expr:
    """Each visit date as ``YYYY-MM-DD`` as the row path reads it (blank: no date,
    a null string); null with :data:`READABLE` false where it cannot be read."""
    dtype = frame.schema[column]
    cell = pl.col(column)
    if dtype == pl.Date:
        return cell.dt.to_string("%Y-%m-%d")
    if dtype == pl.Datetime:
        return cell.dt.date().dt.to_string("%Y-%m-%d")
    if dtype == pl.Null:
        return pl.lit(None, pl.String)
    if dtype != pl.String:
        return pl.lit("\0unreadable", pl.String)
    # The library's own date reader, once per distinct date written.
    texts: list[str] = []
    shown: list[str | None] = []
    for text in frame.get_column(column).drop_nulls().unique().to_list():
        stripped = text.strip()
        if stripped:
            try:
                day: str | None = records.parse_date(stripped).isoformat()
            except ValueError:
                day = "\0unreadable"
        else:
            day = None
        texts.append(text)
        shown.append(day)
    return cell.replace_strict(texts, shown, default=None, return_dtype=pl.String)


def _patient(frame: pl.DataFrame, column: str) -> pl.Expr:
    """True where the patient reads the same here and in the row path: text with a
    printable character that is not a space (so Python's strip leaves it non-blank)."""
    if frame.schema[column] != pl.String:
        return pl.lit(False)
    return pl.col(column).str.contains(r"[!-~]").fill_null(False)


# --- Code lists as look-ups ----------------------------------------------------------


def _zeros() -> pl.Expr:
    """A column of zeros: what a sum of literals (no item columns) starts from, so
    that it is a column, not one value."""
    return pl.repeat(0, pl.len(), dtype=pl.Int32)


def _masks(flags: Sequence[pl.Expr]) -> list[pl.Expr]:
    """``flags`` (in table order) packed into integers of :data:`_CHUNK` bits."""
    masks = []
    for start in range(0, len(flags), _CHUNK):
        mask = _zeros()
        for bit, flag in enumerate(flags[start : start + _CHUNK]):
            mask = mask + pl.when(flag).then(1 << bit).otherwise(0)
        masks.append(mask)
    return masks


def _table(chunk: tuple[str, ...], separator: str) -> pl.Series:
    """The text of every combination of ``chunk``'s codes, by bit mask (null: none)."""
    found = _TABLES.get((chunk, separator))
    if found is None:
        found = _TABLES[(chunk, separator)] = pl.Series(
            [
                separator.join(code for bit, code in enumerate(chunk) if combination >> bit & 1)
                or None
                for combination in range(1 << len(chunk))
            ],
            dtype=pl.String,
        )
    return found


_TABLES: dict[tuple[tuple[str, ...], str], pl.Series] = {}


def _listed(
    masks: Sequence[pl.Expr], codes: Sequence[str], separator: str, empty: str | None
) -> pl.Expr:
    """The codes whose bit is set, in table order, joined by ``separator`` (none:
    ``empty``): each chunk's text looked up in a table of every combination, then
    joined."""
    parts = [
        pl.lit(_table(tuple(codes[number * _CHUNK : (number + 1) * _CHUNK]), separator)).gather(
            mask
        )
        for number, mask in enumerate(masks)
    ]
    if len(parts) == 1:
        return parts[0] if empty is None else parts[0].fill_null(empty)
    joined = pl.concat_str(parts, separator=separator, ignore_nulls=True)
    if empty == "":  # what concat_str writes for no codes at all
        return joined
    return pl.when(pl.sum_horizontal(masks) == 0).then(pl.lit(empty, pl.String)).otherwise(joined)


class _Items(NamedTuple):
    """One instrument's items as expressions, every code of its table in order."""

    codes: tuple[str, ...]
    present: dict[str, pl.Expr]
    missing: dict[str, pl.Expr]


def _items(spec: Instrument, block: item_csv.ColumnBlock, states: Mapping[str, str]) -> _Items:
    present: dict[str, pl.Expr] = {code: pl.lit(False) for code in spec.codes}
    missing: dict[str, pl.Expr] = {code: pl.lit(code in block.not_assessed) for code in spec.codes}
    for code in block.codes:
        present[code] = pl.col(states[code]) == _PRESENT
        missing[code] = pl.col(states[code]) == _NOT_ASSESSED
    return _Items(spec.codes, present, missing)


# --- The instruments -----------------------------------------------------------------


Stage = Callable[[str, pl.Expr], pl.Expr]


def _sledai(
    items: _Items, masks: Mapping[str, list[pl.Expr]], empty: str | None, stage: Stage
) -> dict[str, pl.Expr]:
    """SLEDAI-2K's record fields: the weighted sum of the descriptors present."""
    index = sledai_2k.SLEDAI_2K
    total = stage(
        "total",
        pl.sum_horizontal(
            _zeros(),
            *(
                pl.when(items.present[item.code]).then(item.weight).otherwise(0)
                for item in index.descriptors
            ),
        ),
    )
    complete = pl.sum_horizontal(masks["missing"]) == 0
    # The verdict as Score.verdict words it: "SLEDAI-2K 8 of 105", and what was not
    # assessed, listed with commas.
    heads = pl.Series(
        [f"{index.name} {n} of {index.max_score}" for n in range(index.max_score + 1)]
    )
    head = pl.lit(heads).gather(total)
    not_assessed = _listed(masks["missing"], items.codes, " ", empty)
    listed = _listed(masks["missing"], items.codes, ", ", empty)
    incomplete = pl.concat_str([head, pl.lit("; incomplete, not assessed: "), listed])
    return {
        "total": total,
        "complete": complete,
        "present": _listed(masks["present"], items.codes, " ", empty),
        "not_assessed": not_assessed,
        "verdict": pl.when(complete).then(head).otherwise(incomplete),
    }


def _domain_points(present: Mapping[str, pl.Expr]) -> tuple[pl.Expr, pl.Expr]:
    """(clinical, immunologic) points: the highest weighted criterion present in each
    domain (Aringer 2019: "within each domain, only the highest criterion is counted")."""
    clinical: list[pl.Expr] = []
    immunologic: list[pl.Expr] = []
    for domain in eular_acr_2019.DOMAINS:
        chosen = [item for item in eular_acr_2019.CRITERIA if item.domain == domain]
        kinds = {item.kind for item in chosen}
        if len(kinds) != 1:  # the table has none; the sum by kind relies on it
            raise TypeError(f"domain {domain!r} mixes clinical and immunologic criteria")
        # The highest weight first: the first criterion present counts.
        best = pl.lit(0)
        for item in sorted(chosen, key=lambda item: item.weight):
            best = pl.when(present[item.code]).then(item.weight).otherwise(best)
        (clinical if kinds == {eular_acr_2019.CLINICAL} else immunologic).append(best)
    return pl.sum_horizontal(clinical), pl.sum_horizontal(immunologic)


# The fields of a classification that its rule decides, asked of classify.
_RULED = ("classified", "could_change_verdict", "max_possible", "verdict")
# Points are below this (39 clinical and 12 immunologic at most).
_POINTS = 64


def _eular(
    items: _Items, masks: Mapping[str, list[pl.Expr]], empty: str | None, stage: Stage
) -> dict[str, pl.Expr]:
    """The 2019 EULAR/ACR fields that need no rule, and ``key``: what the rule reads
    (Aringer 2019: the entry criterion, at least one clinical criterion, >= 10
    points), of the criteria present and were every criterion not assessed present
    (entry criterion met, not assessed; a clinical criterion counted, the points;
    the same with every criterion not assessed present)."""
    present, missing = items.present, items.missing
    possible = {code: present[code] | missing[code] for code in present}
    found = (*_domain_points(present), *_domain_points(possible))
    clinical, immunologic, possible_clinical, possible_immunologic = (
        stage(name, expression)
        for name, expression in zip(("c", "i", "pc", "pi"), found, strict=True)
    )
    entry = eular_acr_2019.ENTRY_CRITERION.code
    key = present[entry].cast(pl.Int64) * 2 + missing[entry].cast(pl.Int64)
    for flag, points in (
        (clinical > 0, clinical + immunologic),
        (possible_clinical > 0, possible_clinical + possible_immunologic),
    ):
        key = (key * 2 + flag.cast(pl.Int64)) * _POINTS + points
    return {
        "points": clinical + immunologic,
        "clinical_points": clinical,
        "immunologic_points": immunologic,
        "entry_criterion_met": present[entry],
        "complete": pl.sum_horizontal(masks["missing"]) == 0,
        "present": _listed(masks["present"], items.codes, " ", empty),
        "not_assessed": _listed(masks["missing"], items.codes, " ", empty),
        "key": key,
    }


def _eular_ruled(
    frame: pl.DataFrame, prefix: str, types: Mapping[str, pl.DataType], masks: int
) -> dict[str, pl.Expr]:
    """The ruled fields, asked of ``classify`` once per distinct key (on any row
    with that key: the key holds all the rule reads; the answers are kept for the
    next block) and looked up for every row."""
    key = f"{prefix}key"
    chunks = [f"{prefix}mask.{kind}.{n}" for kind in ("present", "missing") for n in range(masks)]
    seen = frame.lazy().filter(pl.col(READABLE)).select(key).unique().collect()
    keys = seen.get_column(key).to_list()
    new = set(keys).difference(_ANSWERS)
    if new:
        codes = eular_acr_2019.INSTRUMENT.codes
        rows = (
            frame.lazy()
            .filter(pl.col(key).is_in(new))
            .select(key, *chunks)
            .unique(key, keep="any")
            .collect()
        )
        for found, *bits in rows.iter_rows():
            present, missing = _codes(bits[:masks], codes), _codes(bits[masks:], codes)
            result = eular_acr_2019.classify(present, not_assessed=missing)
            _ANSWERS[found] = tuple(result.record_values(_RULED))
    # A key not seen (a row left to the row path) looks up null.
    position = pl.col(key).replace_strict(
        keys, range(len(keys)), default=None, return_dtype=pl.Int64
    )
    return {
        field: pl.lit(
            pl.Series([_ANSWERS[k][number] for k in keys], dtype=types[f"{prefix}{field}"])
        ).gather(position)
        for number, field in enumerate(_RULED)
    }


# Classification fields by key (_eular): the key holds all the rule reads.
_ANSWERS: dict[int, tuple[RecordValue, ...]] = {}


def _codes(masks: Sequence[int], codes: Sequence[str]) -> list[str]:
    """The codes whose bits are set in ``masks`` (:func:`_masks`)."""
    return [
        code
        for number, mask in enumerate(masks)
        for bit, code in enumerate(codes[number * _CHUNK : (number + 1) * _CHUNK])
        if mask >> bit & 1
    ]


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


class _Plan(NamedTuple):
    """The expressions of :func:`score_columns` for one header and frame schema."""

    prepared: list[pl.Expr]  # the state of each item cell
    others: dict[str, pl.Expr]  # the state of a text cell in another spelling
    staged: list[pl.Expr]  # what several fields read (masks, points), computed once
    readable: list[pl.Expr]  # the cells read here
    later: list[pl.Expr]  # the fields computed from the states
    wanted: dict[str, pl.DataType]  # the fields returned, in order
    keyed: list[tuple[str, dict[str, pl.DataType], int]]  # (prefix, types, masks)


def _plan(
    schema: Mapping[str, pl.DataType],
    read: Sequence[str],
    columns: item_csv.Columns,
    specs: Sequence[Instrument],
    fields: Mapping[str, Sequence[str]] | None,
    empty: str | None,
    items_too: bool,
) -> _Plan:
    plan = _Plan([], {}, [], [], [], {}, [])
    for spec, block in zip(specs, columns.blocks, strict=True):
        if spec.name not in COLUMNAR:
            raise ValueError(f"{spec.name} is not computed column-wise")
        prefix = f"{spec.name}."
        states = {code: f"__sle_scoring_state.{prefix}{code}" for code in block.codes}
        for code, position in zip(block.codes, block.positions, strict=True):
            source, name = read[position], states[code]
            if schema[source] == pl.String:
                plan.prepared.append(_quick_state(pl.col(source)).alias(name))
                state = _state(pl.col(source), schema[source])
                plan.others[name] = pl.coalesce(pl.col(name), state).alias(name)
            else:
                plan.prepared.append(_state(pl.col(source), schema[source]).alias(name))
            plan.readable.append(pl.col(states[code]).is_not_null())
        items = _items(spec, block, states)

        def stage(name: str, expression: pl.Expr, prefix: str = prefix) -> pl.Expr:
            plan.staged.append(expression.alias(f"__sle_scoring_stage.{prefix}{name}"))
            return pl.col(f"__sle_scoring_stage.{prefix}{name}")

        masks = {
            kind: [
                stage(f"mask.{kind}.{n}", mask)
                for n, mask in enumerate(_masks([flags[code] for code in items.codes]))
            ]
            for kind, flags in (("present", items.present), ("missing", items.missing))
        }
        instrument = _sledai if spec.name == "sledai_2k" else _eular
        computed = instrument(items, masks, empty, stage)
        types = record_types(spec)
        chosen = [f"{prefix}{f}" for f in (fields or {}).get(spec.name, spec.fields)]
        plan.wanted.update({name: types[name] for name in chosen})
        constants = _constants(spec)
        for name in chosen:
            field = name.removeprefix(prefix)
            if field in computed:
                plan.later.append(computed[field].cast(types[name]).alias(name))
            elif name in constants:  # (an empty text as empty)
                value = None if constants[name] == "" and empty is None else constants[name]
                plan.later.append(pl.lit(value, types[name]).alias(name))
            elif field not in _RULED:
                raise ValueError(f"{name} is not computed column-wise")
        if items_too:  # each item's state, as the results' findings name it
            for code in items.codes:
                name = f"{prefix}{code}"
                state = (
                    pl.when(items.present[code])
                    .then(pl.lit(ItemStatus.PRESENT.value))
                    .when(items.missing[code])
                    .then(pl.lit(ItemStatus.NOT_ASSESSED.value))
                    .otherwise(pl.lit(ItemStatus.ABSENT.value))
                )
                plan.later.append(state.alias(name))
                plan.wanted[name] = pl.String()
        if "key" in computed:
            plan.later.append(computed["key"].alias(f"{prefix}key"))
            for kind, chunks in masks.items():  # the ruled fields are asked on them
                plan.later.extend(
                    mask.alias(f"{prefix}mask.{kind}.{n}") for n, mask in enumerate(chunks)
                )
            plan.keyed.append((prefix, types, len(masks["present"])))
    return plan


# Plans by header, schema and fields: a file's blocks share one.
_PLANS: dict[object, _Plan] = {}


def score_columns(
    frame: pl.DataFrame,
    read: Sequence[str],
    columns: item_csv.Columns,
    specs: Sequence[Instrument],
    fields: Mapping[str, Sequence[str]] | None = None,
    empty: str | None = "",
    items: bool = False,
) -> pl.DataFrame:
    """The record columns of ``specs`` (all in :data:`COLUMNAR`) for every row of
    ``frame``, :data:`READABLE`, and ``visit_date`` as ``YYYY-MM-DD`` (null: none).

    ``read`` names the frame's columns in the order of the header ``columns`` was
    read from; ``fields`` the record fields wanted per instrument (default: all);
    ``empty`` is an empty code list (as ``as_record()``: ``""``; ``None`` leaves it
    null, as a CSV writes both); ``items``: each item's state after its instrument's
    fields (``sledai_2k.rash``: ``present``, ``absent``, ``not assessed``), as
    ``--items`` writes them. Values are meaningless where :data:`READABLE` is false:
    those rows are the row path's.
    """
    wanted_fields = None if fields is None else tuple((k, tuple(v)) for k, v in fields.items())
    key = (
        tuple(frame.schema.items()),
        tuple(read),
        columns,
        tuple(specs),
        wanted_fields,
        empty,
        items,
    )
    plan = _PLANS.get(key)
    if plan is None:
        if len(_PLANS) > 16:  # frames of many layouts: keep the newest few
            _PLANS.clear()
        plan = _PLANS[key] = _plan(frame.schema, read, columns, specs, fields, empty, items)
    visit = _dates(frame, read[columns.visit])
    readable = [
        _patient(frame, read[columns.patient]),
        visit.fill_null("") != "\0unreadable",
        *plan.readable,
    ]
    # The states first, once: every field reads them. Text in a spelling other than
    # 1, 0 or blank is looked up in the columns that have some.
    states = frame.with_columns(plan.prepared)
    if plan.others:
        unread = states.select(list(plan.others)).null_count().row(0, named=True)
        spelled = [plan.others[name] for name, count in unread.items() if count]
        if spelled:
            states = states.with_columns(spelled)
    states = states.with_columns(plan.staged)
    scored = states.select(
        pl.all_horizontal(readable).alias(READABLE),
        visit.alias("visit_date"),
        *plan.later,
    )
    ruled: list[pl.Expr] = []
    for prefix, types, masks in plan.keyed:
        answers = _eular_ruled(scored, prefix, types, masks)
        ruled.extend(
            expression.alias(f"{prefix}{field}")
            for field, expression in answers.items()
            if f"{prefix}{field}" in plan.wanted
        )
    if ruled:
        scored = scored.with_columns(ruled)
    return scored.select(READABLE, "visit_date", *plan.wanted)


# --- The command line's columnar engine ---------------------------------------------


class Scored(NamedTuple):
    """Rows scored here: their CSV lines, as the Python engine writes them."""

    text: str
    rows: int


class Left(NamedTuple):
    """Rows for the row path: ``(row number, cells)``, as the csv module reads them."""

    rows: list[tuple[int, object]]


class Rest(NamedTuple):
    """The rest of the file, from byte ``offset`` (line and row ``number``), is for
    the Python engine: it holds what this reader does not (a quote, a blank line)."""

    offset: int
    number: int


Block = Scored | Left | Rest
#: Bytes of CSV read at a time (then to the end of the line): about 20,000 rows.
BLOCK_BYTES = 1 << 21

# A patient identifier written as it is read: printable ASCII, no quote or comma
# (nothing the csv module would quote), no surrounding space (nothing strip() would
# change), not starting like a spreadsheet formula (= + - @). Others: the row path.
_PLAIN_PATIENT = r"^[!#-*.-<>?A-~](?:[ !#-+\--~]*[!#-+\--~])?$"


def _plain(block: bytes, lines: int, width: int) -> bool:
    """Whether every line of ``block`` is one CSV record of ``width`` cells that the
    csv module and Polars read alike: no quote, no NUL, no blank line, UTF-8, line
    ends all ``\\n`` or all ``\\r\\n``."""
    if b'"' in block or b"\0" in block:
        return False
    returns = block.count(b"\r")
    if returns and (returns != block.count(b"\r\n") or returns != block.count(b"\n")):
        return False
    if block.count(b",") != lines * (width - 1):
        return False
    if not block.isascii():
        try:
            block.decode("utf-8")
        except UnicodeDecodeError:
            return False
    return True


def _rendered(frame: pl.DataFrame) -> str:
    """CSV lines as ``csv.writer`` writes them: minimal quoting, ``\\r\\n``. (No
    text is empty, see score_columns: Polars would quote it, to tell it from null.)"""
    return frame.write_csv(
        include_header=False, line_terminator="\r\n", quote_style="necessary", null_value=""
    )


#: What :func:`csv_blocks` writes: CSV (``csv.writer``), JSON Lines of flat records
#: (:func:`sle_scoring.batch.case_record`, ``score``) or of nested results
#: (:func:`sle_scoring.batch.case_dict`, ``sledai`` and ``classify``).
LAYOUTS = ("csv", "record", "dict")
# The nested keys written only when they hold something: a row where one would is
# the row path's (at item level none does: no window, no explanation, no date).
_WHEN_SET = ("ignored", "window_days", "standard_window", "explained", "as_of", "first_fulfilled")


def _json_text(value: pl.Expr) -> pl.Expr:
    """Text as ``json.dumps(..., ensure_ascii=False)`` writes it. The texts written
    hold no control character (a patient identifier is plain, see
    :data:`_PLAIN_PATIENT`; the rest are dates, codes and verdicts), so a quote
    and a backslash are all there is to escape."""
    escaped = value.str.replace_all("\\", "\\\\", literal=True).str.replace_all(
        '"', '\\"', literal=True
    )
    return pl.concat_str(pl.lit('"'), escaped, pl.lit('"'))


def _json_value(name: str, dtype: pl.DataType) -> pl.Expr:
    """Column ``name`` as JSON values: numbers, ``true``/``false``, text, ``null``."""
    column = pl.col(name)
    if dtype == pl.Boolean or dtype.is_integer():
        return column.cast(pl.String).fill_null("null")  # (a Boolean casts to true/false)
    return _json_text(column.cast(pl.String)).fill_null("null")


def _json_codes(name: str) -> pl.Expr:
    """A code list (codes separated by spaces; empty or null: none) as a JSON array."""
    codes = pl.col(name).cast(pl.String).fill_null("")
    listed = pl.concat_str(
        pl.lit('["'), codes.str.replace_all(" ", '", "', literal=True), pl.lit('"]')
    )
    return pl.when(codes == "").then(pl.lit("[]")).otherwise(listed)


# An item's state (ItemStatus) as JSON text.
_STATES = {status.value: json.dumps(status.value) for status in ItemStatus}


def _json_state(name: str) -> pl.Expr:
    """An item's state (``present``, ``absent``, ``not assessed``) as JSON text."""
    return pl.col(name).cast(pl.String).replace_strict(_STATES, return_dtype=pl.String)


def _joined(parts: Sequence[str | pl.Expr]) -> pl.Expr:
    """``parts`` (literal text or text columns) written one after the other."""
    return pl.concat_str([pl.lit(part) if isinstance(part, str) else part for part in parts])


def _key(key: str) -> str:
    return json.dumps(key, ensure_ascii=False) + ": "


def _record_line(scored: pl.DataFrame, keys: Sequence[str], states: Set[str]) -> pl.Expr:
    """Each row as :func:`sle_scoring.batch.case_record`'s JSON (``keys``: its
    :func:`~sle_scoring.batch.case_fields`, ``states`` those that are items'
    states), as the Python engine writes it."""
    parts: list[str | pl.Expr] = ["{"]
    for number, key in enumerate(keys):
        parts.append(("" if number == 0 else ", ") + _key(key))
        parts.append(_json_state(key) if key in states else _json_value(key, scored.schema[key]))
    parts.append("}")
    return _joined(parts)


def _entry(
    spec: Instrument, items: bool, codes: Sequence[str] = (), missing: Sequence[str] = ()
) -> dict[str, object]:
    """:func:`sle_scoring.batch.case_dict`'s entry for ``spec``'s result with
    ``codes`` present and ``missing`` not assessed."""
    assert spec.from_items is not None
    result = spec.from_items(codes, not_assessed=missing)
    settings = batch.Settings(instruments=(spec.name,))
    entry = batch.case_dict(batch.Case(2, "P", None, (result,)), settings, items=items)[spec.name]
    assert isinstance(entry, dict)
    return entry


def _nested(spec: Instrument, items: bool) -> list[tuple[str, str | None]]:
    """The keys of :func:`sle_scoring.batch.case_dict`'s entry for ``spec``, in
    order, each with the record field it is (None: the same in every result, as
    ``index``), read off the results it makes."""
    samples = [
        _entry(spec, items, *sample) for sample in (((), ()), (spec.codes, ()), ((), spec.codes))
    ]
    keys: list[tuple[str, str | None]] = []
    for key, value in samples[0].items():
        if key in spec.fields:
            keys.append((key, key))
        elif key == "items" or all(sample[key] == value for sample in samples[1:]):
            keys.append((key, None))
        else:
            raise ValueError(f"{spec.name}: {key} is not computed column-wise")
    return keys


def _nested_fields(spec: Instrument) -> tuple[str, ...]:
    """The record fields :func:`_dict_line` reads of ``spec``."""
    named = {field for _, field in _nested(spec, False) if field is not None}
    return tuple(f for f in spec.fields if f in named or f in _WHEN_SET)


def _dict_line(scored: pl.DataFrame, specs: Sequence[Instrument], items: bool) -> pl.Expr:
    """Each row as :func:`sle_scoring.batch.case_dict`'s JSON, as the Python engine
    writes it (the keys :data:`_WHEN_SET` never set: see :func:`_unset`)."""
    parts: list[str | pl.Expr] = [
        '{"row": ',
        pl.col("row").cast(pl.String),
        ', "patient_id": ',
        _json_value("patient_id", pl.String()),
        ', "visit_date": ',
        _json_value("visit_date", pl.String()),
    ]
    for spec in specs:
        if spec.variant_of is not None:  # its entry, written whole (see _variant)
            parts.extend((f", {_key(spec.name)}", pl.col(_ENTRY + spec.name)))
            continue
        sample = _entry(spec, items)
        parts.append(f", {_key(spec.name)}{{")
        for number, (key, field) in enumerate(_nested(spec, items)):
            parts.append(("" if number == 0 else ", ") + _key(key))
            name = f"{spec.name}.{field}"
            if key == "items":
                parts.append("{")
                for position, code in enumerate(spec.codes):
                    parts.append(("" if position == 0 else ", ") + _key(code))
                    parts.append(_json_state(f"{spec.name}.{code}"))
                parts.append("}")
            elif field is None:
                parts.append(json.dumps(sample[key], ensure_ascii=False))
            elif isinstance(sample[key], list):
                parts.append(_json_codes(name))
            else:
                parts.append(_json_value(name, scored.schema[name]))
        parts.append("}")
    parts.append("}")
    return _joined(parts)


def _unset(scored: pl.DataFrame, specs: Sequence[Instrument]) -> pl.Expr:
    """Whether each row leaves every key of :data:`_WHEN_SET` out of its nested
    results (null, empty, or standard_window true)."""
    unset = [pl.lit(True)]
    for spec in specs:
        for field in _WHEN_SET:
            name = f"{spec.name}.{field}"
            if name not in scored.schema:
                continue
            column = pl.col(name)
            if field == "standard_window":
                unset.append(column.fill_null(True))
            else:
                unset.append(column.is_null() | (column.cast(pl.String) == ""))
    return pl.all_horizontal(unset)


#: Rows written at a time (memory holds their text a few times over).
_PIECE_ROWS = 4096
# The SLEDAI-2K record fields a band is asked on (a Score is rebuilt from them).
_BANDED = ("total", "present", "not_assessed")


def _banded(scored: pl.DataFrame, scheme: str) -> pl.DataFrame:
    """The columns of :func:`sle_scoring.batch.band_fields` for each row of
    ``scored`` (with SLEDAI-2K's :data:`_BANDED` fields), each asked of
    :func:`sle_scoring.sledai_bands.band` once per distinct total and descriptors
    not assessed, on the Score the row path scores (a band reads no more of it).
    Null where :data:`READABLE` is false."""
    total, present, missing = (pl.col(f"sledai_2k.{field}") for field in _BANDED)
    names = batch.band_fields(scheme)
    key = [total, missing.cast(pl.String).fill_null("")]
    distinct = (
        scored.filter(pl.col(READABLE))
        .select(*key, present.cast(pl.String).fill_null("").alias("present"))
        .unique(subset=["sledai_2k.total", "sledai_2k.not_assessed"], keep="any")
    )
    values: list[list[RecordValue]] = [[] for _ in names]
    for _, not_assessed, codes in distinct.iter_rows():
        score = sledai_2k.score(codes.split(), not_assessed=not_assessed.split())
        band = sledai_bands.band(score, scheme=scheme).as_record()
        for column, value in zip(values, band.values(), strict=True):
            column.append(value)
    types = (pl.String(), pl.String(), pl.Int64(), pl.Int64())
    table = distinct.drop("present").with_columns(
        pl.Series(name, column, dtype)
        for name, column, dtype in zip(names, values, types, strict=True)
    )
    return (
        scored.select(*key)
        .join(
            table,
            on=["sledai_2k.total", "sledai_2k.not_assessed"],
            how="left",
            maintain_order="left",
        )
        .select(names)
    )


def reads(spec: Instrument) -> bool:
    """Whether the columnar engine scores ``spec``: one of :data:`COLUMNAR`, or a
    variant of one (clinical SLEDAI-2K, see :func:`_variant`)."""
    return spec.name in COLUMNAR or spec.variant_of in COLUMNAR


# The fields of a variant's table instrument its results are asked on.
_PATTERN = ("present", "not_assessed")
# The column holding a variant's nested JSON entry (the dict layout).
_ENTRY = "__sle_scoring_entry."


def _variant(
    scored: pl.DataFrame,
    spec: Instrument,
    fields: Sequence[str],
    items: bool,
    layout: str,
) -> pl.DataFrame:
    """The columns of ``spec``, a variant of an instrument computed column-wise
    (clinical SLEDAI-2K, of SLEDAI-2K), for each row of ``scored``: asked of
    ``spec.from_items`` once per distinct set of items present and not assessed
    (the table instrument's :data:`_PATTERN` fields, all a variant reads), and
    written as :func:`sle_scoring.batch.case_values` (or, for the ``dict`` layout,
    :func:`~sle_scoring.batch.case_dict`) writes the result. Null where
    :data:`READABLE` is false."""
    assert spec.from_items is not None and spec.variant_of is not None
    key = [f"{spec.variant_of}.{field}" for field in _PATTERN]
    codes = scored.select(pl.col(name).cast(pl.String).fill_null("") for name in key)
    distinct = codes.filter(scored.get_column(READABLE)).unique(keep="any")
    settings = batch.Settings(instruments=(spec.name,), fields={spec.name: tuple(fields)})
    names = (
        [_ENTRY + spec.name] if layout == "dict" else batch.case_fields(settings, items=items)[3:]
    )
    types = record_types(spec)
    values: list[list[RecordValue]] = [[] for _ in names]
    for present, missing in distinct.iter_rows():
        result = spec.from_items(present.split(), not_assessed=missing.split())
        case = batch.Case(2, "P", None, (result,))
        if layout == "dict":
            entry = batch.case_dict(case, settings, items=items)[spec.name]
            row: list[RecordValue] = [json.dumps(entry, ensure_ascii=False)]
        else:
            row = batch.case_values(case, settings, items=items)[3:]
        for column, value in zip(values, row, strict=True):
            # (CSV writes an empty text as nothing, as Polars writes null)
            column.append(None if value == "" and layout == "csv" else value)
    table = distinct.with_columns(
        pl.Series(name, column, types.get(name, pl.String()))
        for name, column in zip(names, values, strict=True)
    )
    joined = codes.join(table, on=key, how="left", maintain_order="left")
    return joined.select(names)


def _scored_blocks(
    frame: pl.DataFrame,
    first: int,
    columns: item_csv.Columns,
    specs: Sequence[Instrument],
    fields: Mapping[str, Sequence[str]],
    items: bool,
    layout: str,
    bands: str | None,
) -> Iterator[Block]:
    names = frame.columns
    if layout == "dict":
        fields = {spec.name: _nested_fields(spec) for spec in specs if spec.variant_of is None}
    # Computed column-wise: the instruments of COLUMNAR, each variant's table one
    # (in the order of the header's blocks) with what the variant is asked on.
    known = instruments()
    tables = list(dict.fromkeys(known[spec.variant_of or spec.name] for spec in specs))
    computed = {table.name: tuple(fields.get(table.name, ())) for table in tables}
    for spec in specs:
        if spec.variant_of is not None:
            computed[spec.variant_of] = (*computed[spec.variant_of], *_PATTERN)
    if bands is not None:  # (what the band is asked on, too)
        computed["sledai_2k"] = (*computed["sledai_2k"], *_BANDED)
    computed = {name: tuple(dict.fromkeys(chosen)) for name, chosen in computed.items()}
    empty = None if layout == "csv" else ""  # (as_record's empty code list)
    scored = score_columns(frame, names, columns, tables, computed, empty=empty, items=items)
    if bands is not None:
        scored = scored.with_columns(_banded(scored, bands))
    for spec in specs:
        if spec.variant_of is not None:
            chosen = fields.get(spec.name, ())
            scored = scored.with_columns(_variant(scored, spec, chosen, items, layout))
    patient = pl.col(names[columns.patient])
    readable = scored.get_column(READABLE)
    if layout == "dict":
        exact = [spec for spec in specs if spec.variant_of is None]
        readable = readable & scored.select(_unset(scored, exact)).to_series()
    good = frame.select(
        patient.str.contains(_PLAIN_PATIENT).fill_null(False) & readable
    ).to_series()
    keys = [
        "row",
        "patient_id",
        "visit_date",
        *(
            name
            for spec in specs
            for name in (
                *(f"{spec.name}.{f}" for f in fields.get(spec.name, ()) if layout != "dict"),
                *(batch.band_fields(bands) if spec.name == "sledai_2k" else ()),
                *(f"{spec.name}.{code}" for code in (spec.codes if items else ())),
            )
        ),
    ]
    lines = (
        scored.with_columns(
            pl.int_range(first, first + frame.height, dtype=pl.Int64).alias("row"),
            frame.get_column(names[columns.patient]).alias("patient_id"),
        )
        if frame.height
        else scored.with_columns(
            pl.lit(None, pl.Int64).alias("row"), pl.lit(None, pl.String).alias("patient_id")
        )
    )
    line: pl.Expr | None = None
    if layout == "csv":
        lines = lines.select(keys)
    else:
        states = {f"{spec.name}.{code}" for spec in specs for code in spec.codes}
        line = (
            _record_line(lines, keys, states)
            if layout == "record"
            else _dict_line(lines, specs, items)
        )

    def pieces(start: int, end: int) -> Iterator[Scored]:
        """Rows ``start`` to ``end`` written, :data:`_PIECE_ROWS` rows at a time:
        the text (JSON, or CSV with --items, is many times longer than the cells
        it is made of) does not raise peak memory."""
        for low in range(start, end, _PIECE_ROWS):
            high = min(low + _PIECE_ROWS, end)
            piece = lines.slice(low, high - low)
            if line is None:
                yield Scored(_rendered(piece), high - low)
            else:
                text = piece.select(line).write_csv(include_header=False, quote_style="never")
                yield Scored(text, high - low)

    bad = good.not_().arg_true().to_list()
    start = 0
    while bad:
        end = bad[0]
        run = 1
        while run < len(bad) and bad[run] == end + run:  # neighbouring rows, one piece
            run += 1
        if end > start:
            yield from pieces(start, end)
        yield Left(
            [
                # (an item cell read as a digit is that digit written)
                (first + row, ["" if cell is None else str(cell) for cell in frame.row(row)])
                for row in bad[:run]
            ]
        )
        start = end + run
        bad = bad[run:]
    if start < frame.height:
        yield from pieces(start, frame.height)


def _read(block: bytes, schema: Mapping[str, pl.DataType]) -> pl.DataFrame | None:
    """The block's cells, or None where Polars cannot read it so (a line of another
    width, a cell that is not of the type asked for: the csv module's then)."""
    try:
        return pl.read_csv(io.BytesIO(block), has_header=False, schema=schema, quote_char=None)
    except pl.exceptions.PolarsError:
        return None


def _digits(block: bytes, names: Sequence[str], columns: item_csv.Columns) -> pl.DataFrame | None:
    """The block with its item cells read as small integers, when every item cell is
    one digit or blank (most files: 1, 0, blank); None otherwise. Reading digits is
    much cheaper than reading text. Polars would also read ``01`` or ``+1`` as 1, so
    the cells' length is checked: the text cells' bytes, one byte per item cell not
    blank, and the separators make up the block exactly."""
    items = {position for block in columns.blocks for position in block.positions}
    schema = {
        name: pl.Int8() if position in items else pl.String() for position, name in enumerate(names)
    }
    frame = _read(block, schema)
    if frame is None:
        return None
    text = [name for position, name in enumerate(names) if position not in items]
    cells = [name for position, name in enumerate(names) if position in items]
    found = frame.select(
        pl.sum_horizontal(pl.col(text).str.len_bytes().fill_null(0)).sum(),
        pl.sum_horizontal(pl.col(cells).is_not_null().cast(pl.Int64)).sum() if cells else 0,
    ).row(0)
    separators = block.count(b",") + block.count(b"\n") + block.count(b"\r")
    return frame if sum(found) == len(block) - separators else None


def csv_blocks(
    stream: IO[bytes],
    columns: item_csv.Columns,
    specs: Sequence[Instrument],
    fields: Mapping[str, Sequence[str]],
    items: bool = False,
    layout: str = "csv",
    bands: str | None = None,
) -> Iterator[Block]:
    """Item-level CSV from ``stream`` (positioned after a header line of one record,
    row 1), read :data:`BLOCK_BYTES` at a time, as :class:`Scored` and :class:`Left`
    pieces in row order, ending with a :class:`Rest` where the file holds what is
    not read here. Memory holds one block (:data:`BLOCK_BYTES`). ``layout``: what
    :class:`Scored` holds, one of :data:`LAYOUTS` (``fields``: the record fields
    of each instrument written, for ``csv`` and ``record``); ``bands``: the
    SLEDAI-2K band scheme written after SLEDAI-2K's fields (``csv`` and ``record``;
    :attr:`sle_scoring.batch.Settings.bands`)."""
    if layout not in LAYOUTS:
        raise ValueError(f"layout={layout!r}: one of {', '.join(LAYOUTS)}")
    offset = stream.tell()
    number = 2
    names = [f"column_{position}" for position in range(columns.width)]
    limit = csv.field_size_limit()
    while True:
        block = stream.read(BLOCK_BYTES)
        if not block:
            return
        if not block.endswith(b"\n"):
            block += stream.readline()
        lines = block.count(b"\n") + (not block.endswith(b"\n"))
        frame = None
        if _plain(block, lines, columns.width):
            frame = _digits(block, names, columns)
            if frame is None:
                frame = _read(block, dict.fromkeys(names, pl.String()))
        # A cell longer than the csv module's limit is an error there: such a block
        # is the Python engine's (a line that long is looked for only in a block so).
        too_long = len(block) > limit and max(map(len, block.split(b"\n"))) > limit
        if frame is None or frame.height != lines or too_long:
            yield Rest(offset, number)
            return
        yield from _scored_blocks(frame, number, columns, specs, fields, items, layout, bands)
        offset += len(block)
        number += lines
