"""Batch scoring: rows in, flat result records out, for pipelines.

What the command line (:mod:`sle_scoring.cli`) runs on each input row, and what a
pandas, Dask or Spark job can call directly (see docs/cli.md). Everything here is
module-level functions and frozen values, so it pickles: a batch can be spread over
processes or a cluster without any change.

A *case* is one scored unit: an item-level row (a patient-visit), or one visit of a
patient's evidence record (SLEDAI-2K is scored per visit, the 2019 EULAR/ACR
classification uses the evidence up to that visit), or one patient's evidence
record classified as a whole. Each case carries where it came from (``row``), the
patient and the visit date, and one result per instrument:

- ``eular_acr_2019``: :class:`sle_scoring.eular_acr_2019.Classification`;
- ``sledai_2k`` (or ``clinical_sledai_2k``): :class:`sle_scoring.sledai_2k.Score`.

Results classify and score for research; they are never a diagnosis.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator, Mapping
from typing import Literal, NamedTuple

import attrs

from . import _args, eular_acr_2019, sledai_2k, vocabulary
from ._items import ItemStatus
from ._safe import quote
from .evidence import Patient
from .exceptions import InvalidArgumentError, InvalidEvidenceError, Problem
from .item_csv import Columns, ItemRow, cell_state, read_header

__all__ = [
    "INSTRUMENTS",
    "ITEM_CODES",
    "Case",
    "Result",
    "Settings",
    "carry_forward",
    "case_dict",
    "case_fields",
    "case_text",
    "case_values",
    "score_item_row",
    "score_patient",
    "score_records",
]

#: The instruments a batch can apply, by the name used in columns and records.
INSTRUMENTS = ("sledai_2k", "eular_acr_2019")

#: Each instrument's item codes in table order: the item-level CSV columns.
ITEM_CODES: dict[str, tuple[str, ...]] = {
    "sledai_2k": tuple(item.code for item in sledai_2k.DESCRIPTORS),
    "eular_acr_2019": tuple(
        item.code for item in (eular_acr_2019.ENTRY_CRITERION, *eular_acr_2019.CRITERIA)
    ),
}

#: One instrument's result in a batch case: a classification or a SLEDAI-2K score.
Result = eular_acr_2019.Classification | sledai_2k.Score


def _instruments(value: Iterable[str]) -> tuple[str, ...]:
    chosen = tuple(value)
    unknown = [name for name in chosen if name not in INSTRUMENTS]
    if unknown or not chosen or len(set(chosen)) != len(chosen):
        raise ValueError(
            f"instruments must be distinct names among {', '.join(INSTRUMENTS)} "
            f"(got {quote(chosen)})"
        )
    return chosen


@attrs.frozen
class Settings:
    """How to score a batch (picklable; the same for every row).

    ``instruments``: which to apply, in output order. ``clinical_sledai``: score
    clinical SLEDAI-2K (without serology) instead of SLEDAI-2K. ``window_days`` and
    ``non_standard_window``: the SLEDAI-2K window for evidence records (10 days, or
    30; others only when asked for). ``visits``: the visit dates at which to score
    evidence records (empty: every date with an observation SLEDAI-2K uses).
    ``as_of``: classify evidence records on the evidence up to this date (only
    when SLEDAI-2K is not applied; with it, each visit's date is used).
    """

    instruments: tuple[str, ...] = attrs.field(default=INSTRUMENTS, converter=_instruments)
    clinical_sledai: bool = False
    window_days: int = 10
    non_standard_window: bool = False
    visits: tuple[datetime.date, ...] = ()
    as_of: datetime.date | None = None

    def __attrs_post_init__(self) -> None:
        # Checked here, once, rather than failing on every row of a batch.
        if self.window_days not in sledai_2k.STANDARD_WINDOWS and not self.non_standard_window:
            raise ValueError(
                f"window_days={self.window_days} is not a published SLEDAI-2K window "
                "(10 or 30 days); set non_standard_window=True to use it anyway"
            )

    @property
    def index(self) -> sledai_2k.Index:
        """The SLEDAI-2K variant scored."""
        return sledai_2k.CLINICAL_SLEDAI_2K if self.clinical_sledai else sledai_2k.SLEDAI_2K

    @property
    def keys(self) -> tuple[str, ...]:
        """The name of each result in output: the instrument, or its variant."""
        return tuple(
            "clinical_sledai_2k" if name == "sledai_2k" and self.clinical_sledai else name
            for name in self.instruments
        )

    @property
    def item_codes(self) -> dict[str, tuple[str, ...]]:
        """The item codes of each instrument applied (the CSV columns to read)."""
        return {name: ITEM_CODES[name] for name in self.instruments}


class Case(NamedTuple):
    """One scored unit: its input row, patient, visit date and results.

    ``row``: the input's row (CSV, the header being row 1), line (JSON Lines) or
    record (JSON) number. ``results``: one per instrument, in the order of
    :attr:`Settings.instruments`.
    """

    row: int
    patient_id: str
    visit_date: datetime.date | None
    results: tuple[Result, ...]


def carry_forward(
    rows: Iterable[ItemRow | InvalidEvidenceError], settings: Settings
) -> Iterator[ItemRow | InvalidEvidenceError]:
    """Carry each patient's EULAR/ACR 2019 criteria forward from row to row.

    The 2019 criteria are cumulative ("occurrence on at least one occasion is
    sufficient"; criteria "need not occur simultaneously"), so with this each row
    is classified on the criteria present in that patient's rows up to and
    including it: a criterion present once stays present, and a criterion is not
    assessed only if no row so far assessed it. SLEDAI-2K is not carried: it is
    activity at one visit.

    Rows must be sorted by ``patient_id`` and then ``visit_date`` (checked with no
    memory beyond the current patient); a row out of order, or without a visit
    date, yields an error naming it instead, and its patient's later rows carry on
    from the rows before it.
    """
    if "eular_acr_2019" not in settings.instruments:
        yield from rows
        return
    position = settings.instruments.index("eular_acr_2019")
    patient: str | None = None
    last_date: datetime.date | None = None
    present: frozenset[str] = frozenset()
    not_assessed: frozenset[str] = frozenset()
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
        row_present, row_not_assessed = row.items[position]
        if same_patient:
            present = present | row_present
            not_assessed = (not_assessed & row_not_assessed) - present
        else:
            patient, present, not_assessed = row.patient_id, row_present, row_not_assessed
        last_date = row.visit_date
        items = list(row.items)
        items[position] = (present, not_assessed)
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

    ``row.items`` must be in the order of ``settings.instruments`` (as read with
    ``settings.item_codes``).
    """
    results: list[Result] = []
    for name, (present, not_assessed) in zip(settings.instruments, row.items, strict=True):
        if name == "sledai_2k":
            results.append(
                sledai_2k.score(present, not_assessed=not_assessed, index=settings.index)
            )
        else:
            results.append(eular_acr_2019.classify(present, not_assessed=not_assessed))
    return Case(row.row, row.patient_id, row.visit_date, tuple(results))


def score_patient(row: int, patient: Patient, settings: Settings) -> list[Case]:
    """Score one patient's evidence record.

    With SLEDAI-2K: one case per visit, at ``settings.visits`` or else at every
    date on which the patient has an observation that SLEDAI-2K uses (a finding, a
    laboratory value or a clinician's ``sledai_2k.<descriptor>`` judgement), each
    with the classification on the evidence up to that visit. Without it: one
    case, classified on the evidence up to ``settings.as_of`` (all of it by
    default). Raises
    :class:`InvalidEvidenceError` (e.g. an undated observation where dates are
    needed, or no date at which to score a visit).
    """
    if "sledai_2k" not in settings.instruments:
        result = eular_acr_2019.classify_patient(patient, as_of=settings.as_of)
        return [Case(row, patient.id, None, (result,))]
    visits = settings.visits or _sledai_dates(patient)
    if not visits:
        raise InvalidEvidenceError(
            [
                Problem(
                    patient.id,
                    None,
                    "observations",
                    "no dated observation that SLEDAI-2K uses, so no visit to score "
                    "it at; give visit dates (--visit)",
                )
            ]
        )
    cases = []
    for visit in visits:
        results: list[Result] = []
        for name in settings.instruments:
            if name == "sledai_2k":
                results.append(
                    sledai_2k.score_visit(
                        patient,
                        visit,
                        window_days=settings.window_days,
                        index=settings.index,
                        non_standard_window=settings.non_standard_window,
                    )
                )
            else:
                results.append(eular_acr_2019.classify_patient(patient, as_of=visit))
        cases.append(Case(row, patient.id, visit, tuple(results)))
    return cases


def _sledai_dates(patient: Patient) -> tuple[datetime.date, ...]:
    """The dates of the observations SLEDAI-2K can use: the visits of a record.

    A date with only, say, a glucocorticoid dose change is not a SLEDAI-2K visit.
    """
    dates = set()
    for observation in patient.observations:
        if observation.date is None:
            continue
        concept = vocabulary.concept(observation.code)
        feeds = concept.feeds if concept is not None else (observation.code,)
        if any(item.startswith("sledai_2k.") for item in feeds):
            dates.add(observation.date)
    return tuple(sorted(dates))


# --- Rendering ----------------------------------------------------------------------

_CLASSIFICATION_FIELDS = (
    "points",
    "entry_criterion_met",
    "classified",
    "as_of",
    "first_fulfilled",
    "not_assessed",
    "verdict",
)
_SCORE_FIELDS = ("total", "complete", "not_assessed")


def case_fields(settings: Settings, *, items: bool = False) -> list[str]:
    """The flat column names of a case (the CSV header), in output order.

    ``row``, ``patient_id``, ``visit_date``, then for each result
    ``<key>.<field>`` and, with ``items``, ``<key>.<item code>`` for each item.
    """
    fields = ["row", "patient_id", "visit_date"]
    for name, key in zip(settings.instruments, settings.keys, strict=True):
        if name == "sledai_2k":
            fields.extend(f"{key}.{field}" for field in _SCORE_FIELDS)
            codes = [item.code for item in settings.index.descriptors]
        else:
            fields.extend(f"{key}.{field}" for field in _CLASSIFICATION_FIELDS)
            codes = list(ITEM_CODES["eular_acr_2019"])
        if items:
            fields.extend(f"{key}.{code}" for code in codes)
    return fields


def _in_order(codes: frozenset[str], position: Mapping[str, int]) -> list[str]:
    """``codes`` in table order."""
    return sorted(codes, key=position.__getitem__) if codes else []


_EULAR_ORDER = ITEM_CODES["eular_acr_2019"]
_POSITION = {
    name: {code: number for number, code in enumerate(codes)} for name, codes in ITEM_CODES.items()
}
_SLEDAI_POSITION = _POSITION["sledai_2k"]
_EULAR_POSITION = _POSITION["eular_acr_2019"]


def _item_codes(result: Result) -> tuple[str, ...]:
    if isinstance(result, sledai_2k.Score):
        return tuple(item.code for item in result.index.descriptors)
    return _EULAR_ORDER


def _item_states(result: Result) -> list[str]:
    # The status of each item as result.finding() would give it, without building an
    # ItemFinding per item: this runs for every item of every row with --items.
    decided = {finding.code: finding.status for finding in result.findings}
    present, not_assessed = result.present, result.not_assessed
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
        for code in _item_codes(result)
    ]


def case_values(case: Case, *, items: bool = False) -> list[object]:
    """The flat values of a case, matching :func:`case_fields`.

    Values are ``int``, ``bool``, ``str`` or ``None`` (empty); dates are written
    ``YYYY-MM-DD`` and code lists as codes separated by spaces, in table order.
    """
    visit = case.visit_date.isoformat() if case.visit_date is not None else None
    values: list[object] = [case.row, case.patient_id, visit]
    for result in case.results:
        if isinstance(result, sledai_2k.Score):
            values.extend(
                (
                    result.total,
                    not result.not_assessed,  # complete
                    " ".join(_in_order(result.not_assessed, _SLEDAI_POSITION)),
                )
            )
        else:
            first, as_of = result.first_fulfilled, result.as_of
            values.extend(
                (
                    result.points,
                    result.entry_criterion_met,
                    result.classified,
                    as_of.isoformat() if as_of is not None else None,
                    first.isoformat() if first is not None else None,
                    " ".join(_in_order(result.not_assessed, _EULAR_POSITION)),
                    result.verdict,
                )
            )
        if items:
            values.extend(_item_states(result))
    return values


def _result_dict(result: Result, items: bool) -> dict[str, object]:
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
    else:
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
    explained = [f.code for f in result.explained]
    if explained:
        data["explained"] = explained
    if items:
        data["items"] = dict(zip(_item_codes(result), _item_states(result), strict=True))
    return data


def case_dict(case: Case, settings: Settings, *, items: bool = False) -> dict[str, object]:
    """A case as a JSON-ready dict: ``row``, ``patient_id``, ``visit_date`` and one
    entry per result, named by :attr:`Settings.keys`.
    """
    data: dict[str, object] = {
        "row": case.row,
        "patient_id": case.patient_id,
        "visit_date": case.visit_date.isoformat() if case.visit_date is not None else None,
    }
    for key, result in zip(settings.keys, case.results, strict=True):
        data[key] = _result_dict(result, items)
    return data


def case_text(case: Case) -> str:
    """A case as readable text: a heading, then each result's explanation."""
    heading = f"== patient {case.patient_id}"
    if case.visit_date is not None:
        heading += f", visit {case.visit_date.isoformat()}"
    heading += f" (input row {case.row}) =="
    return "\n\n".join([heading, *(result.explain() for result in case.results)])


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
            columns = read_header(header, chosen.item_codes, ignore_unknown=ignore_unknown)
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
                values = case_values(score_item_row(parsed, chosen), items=items)
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
