"""The ``sle-scoring`` command line (also ``python -m sle_scoring``).

Reads patient records (JSON, JSON Lines) or item-level visits (CSV) from a file or
standard input, scores them, and writes readable text, JSON Lines or CSV to standard
output or a file. Every input row yields a result or an error record naming the row
and the field; a summary goes to standard error. See docs/cli.md.

Exit status: :data:`EXIT_OK` (0) every row scored and written;
:data:`EXIT_ROWS_FAILED` (1) at least one row failed and was reported, every other
row was scored and written; :data:`EXIT_USAGE` (2) bad arguments or unusable input
(file not found, an output that is the input, unusable CSV header, invalid JSON
document, text not in the input's encoding); :data:`EXIT_INCOMPLETE` (3) the run
could not complete (writing an output failed); :data:`EXIT_BROKEN_PIPE` (141) the
reader of standard output went away (``| head``). On 2 and 3 no output file is
replaced.

Results classify and score for research; they are never a diagnosis.
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import csv
import datetime
import functools
import gc
import io
import itertools
import json
import json.encoder
import multiprocessing
import os
import re
import stat
import sys
import textwrap
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from importlib import resources
from itertools import repeat
from typing import IO, Any, NamedTuple

import attrs

from . import (
    __version__,
    _catalogue,
    _output,
    _report_command,
    batch,
    bicla,
    compare,
    fhir,
    lab_table,
    records,
    reference_ranges,
    sledai_2k,
    sledai_bands,
    timeline,
)
from ._outcomes import Outcome
from ._registry import instruments
from ._results import RecordValue
from .evidence import Patient
from .exceptions import InvalidEvidenceError, Problem
from .item_csv import PATIENT_COLUMN, Columns, ItemRow, instruments_in_header, read_header

__all__ = [
    "EXIT_BROKEN_PIPE",
    "EXIT_INCOMPLETE",
    "EXIT_OK",
    "EXIT_ROWS_FAILED",
    "EXIT_USAGE",
    "main",
]

#: Every input row was scored.
EXIT_OK = 0
#: At least one row failed validation (reported); every other row was scored and written.
EXIT_ROWS_FAILED = 1
#: Bad arguments or unusable input (checked before reading), or input that stopped the
#: run (text not in its encoding): no output file was replaced.
EXIT_USAGE = 2
#: The run could not complete: writing an output failed (a full disk, an input/output
#: error). Output files were left as they were; standard output may be cut short.
EXIT_INCOMPLETE = 3
#: The reader of standard output went away (128 + SIGPIPE, as a shell reports it).
EXIT_BROKEN_PIPE = 141

PROG = "sle-scoring"
_EXAMPLE = "bottazzi_2025.json"
# --example with --input-format: the published case in that shape.
_EXAMPLE_AS = {"json": _EXAMPLE, "fhir": "bottazzi_2025_fhir.json"}
#: The bundled example files (``sle-scoring example NAME``).
_EXAMPLES = ("bottazzi_2025.json", "bottazzi_2025_fhir.json", "patients.jsonl", "visits.csv")
# The instruments each shortcut command applies; ``score`` takes --instrument.
_SHORTCUTS = {
    "classify": ("eular_acr_2019",),
    "sledai": ("sledai_2k",),
    "explain": ("eular_acr_2019", "sledai_2k"),
}
# The CSV columns the shortcuts (and score without --instrument) write: the record
# fields they have always had. score --instrument writes every field.
_SHORTCUT_FIELDS = {
    "sledai_2k": ("total", "complete", "not_assessed"),
    "clinical_sledai_2k": ("total", "complete", "not_assessed"),
    "eular_acr_2019": (
        "points",
        "entry_criterion_met",
        "classified",
        "as_of",
        "first_fulfilled",
        "not_assessed",
        "verdict",
    ),
}
_INPUT_FORMATS = ("json", "jsonl", "csv", "labs", "fhir")
_ENGINES = ("auto", "python", "columnar")
# --engine auto: the columnar engine reads a file of at least this many bytes. Below
# it loading Polars (some 0.3 s of CPU) costs more than it saves: the engines broke
# even at about 1.5 MiB (14,000 rows of 48 items) in benchmarks; one block of the
# columnar engine (_columnar.BLOCK_BYTES) is 2 MiB.
_AUTO_BYTES = 2 * 1024 * 1024
_OUTPUT_FORMATS = ("text", "jsonl", "csv")
_EXTENSIONS = {
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".txt": "text",
}
# Rows per chunk of work: item-level rows are cheap, evidence records are not.
_CHUNK_ROWS = {"csv": 2000, "jsonl": 50, "json": 50, "labs": 50, "bundle": 50, "ndjson": 50}
# A string as json.dumps(..., ensure_ascii=False) writes it (the C encoder it uses).
_json_text = json.encoder.encode_basestring
# A value as json.dumps(value, ensure_ascii=False) writes it: one encoder for all
# (json.dumps with an argument builds one per call, most of its cost on a field);
# and the fields of remembered patterns, which hold a few values (numbers, true,
# false, null, verdicts) over and over, each written once (typed: 1 is not true).
_json_dumps = json.JSONEncoder(ensure_ascii=False).encode
_json_value = functools.lru_cache(maxsize=1024, typed=True)(_json_dumps)
# The readers of laboratory and EHR data (--input-format labs and fhir), by the kind
# of input: each yields (number of the patient's first row, patient or error).
_LAB_KINDS = ("labs", "bundle", "ndjson")
# --columns NAME: a column mapping shipped with the library.
_COLUMN_MAPPINGS = {"omop": lab_table.OMOP_MEASUREMENT}
# A CSV cell starting with one of these is read as a formula by spreadsheet programs.
_FORMULA_STARTS = frozenset("=+-@\t\r")

_EPILOG = """\
examples:
  sle-scoring explain --example              the bundled published case, explained
  sle-scoring classify patients.jsonl        2019 EULAR/ACR, one result per record
  sle-scoring sledai --visit 2024-03-01 patients.json
  sle-scoring sledai visits.csv -o scores.csv --errors errors.jsonl
  sle-scoring score visits.csv --items -j 4 > results.csv
  sle-scoring score --example --instrument all --format jsonl
  sle-scoring example visits.csv -o visits.csv   write a bundled example file
  sle-scoring score --input-format fhir bundle.json --instrument all --format jsonl
  sle-scoring score --input-format labs --columns omop measurement.csv
  cat patients.jsonl | sle-scoring classify - --format jsonl

exit status: 0 every row scored and written; 1 some rows failed (reported on
standard error or in --errors), every other row was scored and written; 2 usage
error or unusable input (nothing read, or the run stopped; output files left as they
were); 3 the run could not complete (writing an output failed; output files left as
they were); 141 the reader of standard output went away.

Results are for research; they are never a diagnosis. See docs/cli.md.
"""


class _UsageError(Exception):
    """Bad arguments or unusable input: reported, exit status 2."""


def _date(text: str) -> datetime.date:
    try:
        return records.parse_date(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 0 (got {text!r})")
    return value if value > 0 else (os.cpu_count() or 1)


def _days(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a whole number of days >= 0 (got {text!r})")
    return value


def _parser() -> argparse.ArgumentParser:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Classify and score systemic lupus erythematosus for research "
        "(2019 EULAR/ACR classification criteria, SLEDAI-2K). Never a diagnosis. "
        "Without arguments: explain the bundled published case.",
        epilog=_EPILOG,
        formatter_class=formatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")

    common = argparse.ArgumentParser(add_help=False)
    io_group = common.add_argument_group("input and output")
    io_group.add_argument(
        "input",
        nargs="?",
        default=None,
        metavar="FILE",
        help="patient records (.json, .jsonl), item-level visits (.csv), a long lab "
        "table (--input-format labs) or FHIR Observations (--input-format fhir); - or "
        "none for standard input",
    )
    io_group.add_argument(
        "--example",
        action="store_true",
        help="read the bundled published case (Bottazzi et al. 2025) instead of FILE "
        "(with --input-format fhir: as a FHIR Bundle)",
    )
    io_group.add_argument(
        "--input-format",
        choices=_INPUT_FORMATS,
        help="format of FILE (default: from its extension; on standard input, from its "
        "first line): json or jsonl records, csv item-level visits, labs (a long lab "
        "table, one row per result) or fhir (a Bundle, or bulk-export NDJSON: told "
        "apart by the content)",
    )
    io_group.add_argument(
        "--columns",
        action="append",
        metavar="MAPPING",
        help="--input-format labs: the column mapping, omop (an OMOP CDM MEASUREMENT "
        "table) or a CSV file with columns field,column (repeatable; later ones win)",
    )
    io_group.add_argument(
        "--reference-ranges",
        metavar="FILE",
        help="evidence records: a CSV file of the laboratories' reference ranges "
        "(columns code,unit,low,high[,isotype]) for results that have none of their own",
    )
    io_group.add_argument(
        "--skip-bad-observations",
        action="store_true",
        help="evidence records: report a bad observation as an error, and score the "
        "patient without it (each result says so); default: the patient fails",
    )
    io_group.add_argument(
        "--encoding",
        type=_encoding,
        metavar="NAME",
        help="the text encoding of FILE, e.g. cp1252 or utf-16 (default: UTF-8; a "
        "byte-order mark is ignored)",
    )
    io_group.add_argument(
        "-o", "--output", metavar="FILE", help="write results to FILE (default: standard output)"
    )
    io_group.add_argument(
        "--errors",
        metavar="FILE",
        help="write one JSON Lines error record per problem to FILE (default: "
        "readable lines on standard error)",
    )
    io_group.add_argument(
        "--ignore-unknown-columns",
        action="store_true",
        help="skip CSV columns that are not items of the instruments applied",
    )
    # --cumulative carries EULAR/ACR 2019 criteria forward, so only the commands that
    # classify by them list it; sledai accepts it unlisted, to say why it is refused.
    carried, unlisted = (argparse.ArgumentParser(add_help=False) for _ in range(2))
    for parent, text in (
        (
            carried,
            "item-level CSV: classify each row on the EULAR/ACR 2019 criteria of that "
            "patient's rows up to it (rows sorted by patient_id, then visit_date)",
        ),
        (unlisted, argparse.SUPPRESS),
    ):
        parent.add_argument_group("input and output").add_argument(
            "--cumulative", action="store_true", help=text
        )
    run = common.add_argument_group("running")
    run.add_argument(
        "-j",
        "--jobs",
        type=_jobs,
        default=1,
        metavar="N",
        help="spread the work over N processes (0: one per CPU); the output is the "
        "same, byte for byte, as with 1",
    )
    run.add_argument(
        "--engine",
        choices=_ENGINES,
        default="auto",
        help="auto (the default): columnar where it applies and the frame extra is "
        "installed, for a file of 2 MiB or more, else python; python: the library row "
        "by row; columnar: item-level CSV read, scored and written column-wise with "
        "Polars (needs sle-scoring[frame]); the output is the same, byte for byte, "
        "whichever runs; what columnar cannot read goes row by row",
    )
    run.add_argument(
        "--no-progress",
        action="store_true",
        help="no progress indicator (shown only when standard error is a terminal)",
    )
    run.add_argument("-q", "--quiet", action="store_true", help="no summary line on standard error")

    formats = argparse.ArgumentParser(add_help=False)
    out = formats.add_argument_group("output format")
    out.add_argument(
        "-f",
        "--format",
        choices=_OUTPUT_FORMATS,
        help="text (readable), jsonl or csv (default: from the --output extension; "
        "text on a terminal; otherwise csv for CSV input and jsonl for records)",
    )
    out.add_argument(
        "--items",
        action="store_true",
        help="add each item's state (present, absent, not assessed, explained by "
        "another cause) to the output",
    )

    classification = argparse.ArgumentParser(add_help=False)
    classification.add_argument(
        "--as-of",
        type=_date,
        metavar="DATE",
        help="evidence records: classify on the evidence up to DATE (default: all)",
    )

    activity = argparse.ArgumentParser(add_help=False)
    sledai = activity.add_argument_group("SLEDAI-2K")
    sledai.add_argument(
        "--clinical",
        action="store_true",
        help="clinical SLEDAI-2K: without low complement and increased DNA binding",
    )
    sledai.add_argument(
        "--visit",
        type=_date,
        action="append",
        metavar="DATE",
        help="evidence records: score the visit on DATE (repeatable; default: every "
        "date with an observation SLEDAI-2K uses)",
    )
    sledai.add_argument(
        "--window",
        type=_days,
        default=sledai_2k.DEFAULT_WINDOW_DAYS,
        metavar="DAYS",
        help="evidence records: the days before the visit that count (10, or 30 as "
        "validated by Touma et al. 2010; default 10)",
    )
    sledai.add_argument(
        "--non-standard-window",
        action="store_true",
        help="allow a --window other than 10 or 30 days (the result says so)",
    )

    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    subcommands = {
        "classify": (
            [common, carried, formats, classification],
            "2019 EULAR/ACR classification criteria",
            "Classify by the 2019 EULAR/ACR criteria: one result per item-level row, or "
            "per patient record on the evidence up to --as-of.",
        ),
        "sledai": (
            [common, unlisted, formats, activity],
            "SLEDAI-2K disease activity",
            "Score SLEDAI-2K: one result per item-level row (its visit), or per visit of "
            "each patient record.",
        ),
        "score": (
            [common, carried, formats, classification, activity],
            "any instruments in one pass (--instrument; default SLEDAI-2K and 2019 EULAR/ACR)",
            "Apply the instruments named by --instrument (default: SLEDAI-2K and the 2019 "
            "EULAR/ACR criteria) in one pass: one result per item-level row, or per visit "
            "of each patient record (classifications on the evidence up to that visit, "
            "SLEDAI-2K and outcomes at it, damage as of it). With --instrument: one flat "
            "record per row or visit, every field of each result, keys "
            "<instrument>.<field>.",
        ),
        "explain": (
            [common, carried, classification, activity],
            "readable explanation of every result",
            "Explain, in words, the 2019 EULAR/ACR classification and SLEDAI-2K of each "
            "row or record: every item, its points and the evidence behind it.",
        ),
    }
    for name, (parents, summary, description) in subcommands.items():
        command = commands.add_parser(
            name,
            parents=parents,
            help=summary,
            description=textwrap.fill(description, 79),
            epilog=_EPILOG,
            formatter_class=formatter,
        )
        if name == "score":
            command.add_argument(
                "--instrument",
                action="append",
                choices=[*instruments(), "all"],
                metavar="NAME",
                help="apply NAME (repeatable; all: every registered instrument; on "
                "item-level CSV, every one the header has items of): " + ", ".join(instruments()),
            )
            command.add_argument(
                "--pga-rule",
                choices=bicla.PGA_RULES,
                default=None,
                help="BICLA's reading of 'no significant deterioration (<=10%%)' in the PGA: "
                "pct_of_scale (a rise < 0.3, 10%% of the 0-3 scale) or pct_of_baseline "
                "(follow-up <= 1.10 x baseline). No default: without it BICLA's PGA "
                "component is 'cannot be determined: PGA operationalisation not chosen'",
            )
            command.add_argument(
                "--summary",
                action="store_true",
                help="evidence records: instead of one result per visit, one summary per "
                "patient of the time in each state scored per visit (LLDAS, DORIS 2021 "
                "remission; the other instruments named are not summarised; default: "
                "both): visits in, "
                "not in and not determinable, days and share of follow-up in the state, "
                'longest spell, ever attained. JSON Lines records have "kind": '
                '"summary"; see docs/cli.md',
            )
            command.add_argument(
                "--bands",
                choices=tuple(sledai_bands.SCHEMES),
                default=None,
                metavar="SCHEME",
                help="add the SLEDAI-2K activity band under SCHEME (no default; none is "
                "'the' standard) after each SLEDAI-2K result, as sledai_bands.<SCHEME> "
                "columns; applies SLEDAI-2K if --instrument does not name it: "
                + ", ".join(sledai_bands.SCHEMES),
            )
        if name == "classify":
            command.add_argument(
                "--criteria",
                choices=("eular_acr_2019", "all"),
                default="eular_acr_2019",
                help="all: 2019 EULAR/ACR, 2012 SLICC and 1997 ACR side by side "
                "(evidence records only)",
            )
    example = commands.add_parser(
        "example",
        help="write a bundled example file",
        description="Write a bundled example file (to try the commands as the docs "
        "show them): " + ", ".join(_EXAMPLES) + ".",
        formatter_class=formatter,
    )
    example.add_argument("name", choices=_EXAMPLES, metavar="NAME", help=", ".join(_EXAMPLES))
    example.add_argument(
        "-o", "--output", metavar="FILE", help="write to FILE (default: standard output)"
    )
    _report_command.add_report_command(commands)
    return parser


# --- The work done on each row (in this process or in a worker) ----------------------


@attrs.frozen
class _Job:
    """Everything a worker needs to turn raw rows into output text (picklable)."""

    settings: batch.Settings
    kind: str  # input format: csv, jsonl or json
    columns: Columns | None
    output: str  # output format: text, jsonl or csv
    items: bool
    explain: bool  # evidence records: classification once, then SLEDAI-2K per visit
    compare: bool  # --criteria all
    flat: bool  # score: flat records (case_record); the shortcuts: case_dict
    summary: bool = False  # score --summary: one time-in-state summary per patient
    ranges: reference_ranges.ReferenceRanges | None = None  # --reference-ranges
    skip: bool = False  # --skip-bad-observations
    # --engine columnar: the CSV file it reads; None: the Python engine
    columnar: str | None = None


class _Done(NamedTuple):
    """The outcome of one chunk of rows: its output text and its error records."""

    text: str
    errors: list[dict[str, Any]]
    read: int
    scored: int
    cases: int
    patients: list[tuple[int, str]]  # evidence records: (row, patient id) of each scored
    skipped: int = 0  # observations left out (--skip-bad-observations)


def _patient(job: _Job, number: int, raw: object) -> records.Reading:
    """The patient of one evidence record (JSON, JSON Lines, or already read from a
    lab table or FHIR); raises InvalidEvidenceError."""
    if isinstance(raw, records.Reading):
        return raw
    if isinstance(raw, Patient):
        return records.Reading(raw)
    where = f"{'line' if job.kind == 'jsonl' else 'record'} {number}"
    if job.kind == "jsonl":
        assert isinstance(raw, str)
        raw = records.loads(raw, record=where)
    return records.read_patient(
        raw, where=where, reference_ranges=job.ranges, skip_bad_observations=job.skip
    )


def _cases(
    job: _Job, number: int, raw: object, reading: records.Reading | None
) -> list[batch.Case]:
    """The scored cases of one input row; raises InvalidEvidenceError."""
    settings = job.settings
    if reading is None:
        assert job.columns is not None
        # --cumulative parses (and carries criteria forward) in the reading process
        parsed = (
            raw
            if isinstance(raw, (ItemRow, InvalidEvidenceError))
            else job.columns.parse(number, raw)  # type: ignore[arg-type]
        )
        if isinstance(parsed, InvalidEvidenceError):
            raise parsed
        return [batch.score_item_row(parsed, settings)]
    if job.explain:
        once = attrs.evolve(settings, instruments=("eular_acr_2019",))
        visits = attrs.evolve(settings, instruments=("sledai_2k",))
        return batch.score_reading(number, reading, once) + batch.score_reading(
            number, reading, visits
        )
    return batch.score_reading(number, reading, settings)


def _csv_cells(values: Iterable[object]) -> list[object]:
    """Booleans as true/false; text that a spreadsheet would run as a formula
    (starting with =, +, -, @, tab or carriage return) behind a single quote."""
    return [
        ("true" if value else "false")
        if value.__class__ is bool
        else "'" + value
        if isinstance(value, str) and value[:1] in _FORMULA_STARTS
        else value
        for value in values
    ]


def _csv_line(values: Iterable[object]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(_csv_cells(values))
    return buffer.getvalue()


def _error_records(
    number: int, error: InvalidEvidenceError, *, skipped: bool = False
) -> list[dict[str, Any]]:
    """One error record per problem; ``skipped``: of an observation left out
    (--skip-bad-observations), which the message says."""
    positions = {f"{unit} {number}" for unit in ("row", "line", "record", "entry")}
    why = "; the observation was skipped and the patient scored without it" if skipped else ""
    found = []
    for problem in error.problems:
        # A problem names the record by its position when it has no readable identifier.
        record = None if problem.record in positions else problem.record
        found.append(
            {
                "row": number,
                "patient_id": record,
                "location": problem.location,
                "field": problem.field,
                "message": problem.message + why,
            }
        )
    return found


def _internal_error(number: int, error: Exception) -> dict[str, Any]:
    """The error record of a row whose scoring raised something other than the
    library's typed errors: a bug to report, kept to that row."""
    text = str(error)
    if len(text) > 200:
        text = text[:200] + "..."
    return {
        "row": number,
        "patient_id": None,
        "location": None,
        "field": "(internal)",
        "message": f"internal error, please report it: {type(error).__name__}: {text}",
    }


def _csv_field(key: str, value: RecordValue) -> str:
    """One value as the CSV output writes it among the other cells of a row."""
    return _csv_line(["", value])[1:-2]  # without the empty cell before it and \r\n


def _json_field(key: str, value: RecordValue) -> str:
    """One ``"key": value`` of a JSON Lines record, as json.dumps writes it."""
    return f"{_json_text(key)}: {_json_value(value)}"


# score's nested JSON Lines records (batch.case_dict) of item-level rows, written by
# batch.ItemRows from these flat fields of each result, in the order of the nested
# keys of batch._result_dict. Its keys written only when they hold something are
# "ignored" (a list here, written only when not empty) and keys that are always
# empty for item-level rows (window_days, as_of, first_fulfilled, explained).
_NESTED_FIELDS = {
    "sledai_2k": ("total", "max", "complete", "present", "not_assessed", "ignored"),
    "clinical_sledai_2k": ("total", "max", "complete", "present", "not_assessed", "ignored"),
    "eular_acr_2019": (
        "points",
        "clinical_points",
        "immunologic_points",
        "entry_criterion_met",
        "classified",
        "verdict",
        "present",
        "not_assessed",
    ),
}
_NESTED_LISTS = ("present", "not_assessed")  # JSON arrays, always written


def _nested(job: _Job) -> tuple[batch.Settings, Callable[[str, RecordValue], str]] | None:
    """The settings and the ``field`` with which :class:`batch.ItemRows` (separator
    ``""``, each code of a list as a JSON string, ``", "`` between them, ``ignored``
    by :func:`_nested_lists`) writes ``job``'s nested records, or ``None`` for
    instruments it cannot write so (the full path writes them).

    Each field is written with the text that comes before it (``, "key": {`` and the
    keys before the first field named, at the first; ``, "items": {`` at the first
    item) and after it (the ``}`` closing the result, or its items, at the last).
    """
    settings = job.settings
    if any(
        key not in _NESTED_FIELDS or spec.from_items is None
        for key, spec in zip(settings.keys, settings.specs, strict=True)
    ):
        return None
    # The full path's record of a row with nothing present or missing: per result,
    # the keys before the first field named (SLEDAI-2K's index), then those named.
    empty = tuple(spec.from_items(frozenset()) for spec in settings.specs if spec.from_items)
    probes = batch.case_dict(batch.Case(0, "", None, empty), settings)
    pieces: dict[str, tuple[str, str]] = {}  # flat key -> (before, after) its value
    raw: set[str] = set()  # the keys whose value goes in as it is: the lists' places
    fields: dict[str, tuple[str, ...]] = {}
    for key, spec in zip(settings.keys, settings.specs, strict=True):
        names = _NESTED_FIELDS[key]
        table = instruments()[spec.variant_of or spec.name].codes
        if set(spec.codes) == set(table):
            # Ignored are the codes of its table that it does not score: none (one
            # code list less on every row).
            names = tuple(name for name in names if name != "ignored")
        fields[key] = names
        probe = probes[key]
        assert isinstance(probe, dict)
        head = list(probe)[: list(probe).index(names[0])]
        if list(probe)[len(head) :] != [name for name in names if name != "ignored"]:
            return None
        if not all(_json_text(code) == f'"{code}"' for code in table):
            return None  # a code that JSON escapes: _nested_lists could not read it back
        opening = f", {_json_text(key)}: {{" + "".join(
            f"{_json_text(name)}: {_json_value(probe[name])}, " for name in head
        )
        for number, name in enumerate(names):
            flat = f"{key}.{name}"
            before = opening if number == 0 else ", "
            after = "}" if number == len(names) - 1 and not job.items else ""
            if name == "ignored":  # the whole key or nothing (_nested_lists)
                before = "" if number else opening
                raw.add(flat)
            elif name in _NESTED_LISTS:
                before, after = f"{before}{_json_text(name)}: [", "]" + after
                raw.add(flat)
            else:
                before += f"{_json_text(name)}: "
            pieces[flat] = (before, after)
        for number, code in enumerate(spec.codes if job.items else ()):
            before = ', "items": {' if number == 0 else ", "
            after = "}}" if number == len(spec.codes) - 1 else ""
            if f"{key}.{code}" in pieces:
                return None  # an item code named as a field
            pieces[f"{key}.{code}"] = (f"{before}{_json_text(code)}: ", after)

    def field(key: str, value: RecordValue) -> str:
        before, after = pieces[key]
        if key in raw:
            assert isinstance(value, str)
            return before + value + after
        return before + _json_value(value) + after

    return attrs.evolve(settings, fields=fields), field


def _nested_lists(name: str, lists: list[str]) -> list[str]:
    """The rows' code lists (the items of a JSON array, in table order) as the nested
    records write them: as they are, but ``ignored`` as its whole key, sorted as
    batch._result_dict sorts it, or nothing when empty."""
    if name != "ignored" or not any(lists):
        return lists
    return list(map(_ignored_key, lists))


@functools.lru_cache(maxsize=256)
def _ignored_key(codes: str) -> str:
    """``, "ignored": [...]`` holding ``codes`` (JSON strings none of which escapes a
    character, separated by ", ") sorted, or nothing for none: a few lists in all."""
    if not codes:
        return ""
    inside = codes[1:-1].split('", "')  # each code without its quotes
    return f', "ignored": {_json_dumps(sorted(inside))}'


def _remembered_text(output: str, numbers: list[int], found: list[Any]) -> str:
    """The output lines of rows all read by :class:`batch.ItemRows` (``found``: its
    ``(patient_id, visit date, text)`` of each), joined in one C-level pass."""
    patients, visits, texts = zip(*found, strict=True)
    if output == "csv":
        if not all(map(str.isalnum, patients)):  # may need quoting, or a formula's quote
            patients = tuple(p if p.isalnum() else _csv_field(PATIENT_COLUMN, p) for p in patients)
        pieces: Iterable[Iterable[str]] = zip(
            map(str, numbers), repeat(","), patients, repeat(","), visits, texts, repeat("\r\n")
        )
    else:
        return _jsonl_text(numbers, batch._Pieces(list(patients), list(visits), [texts], set()))
    return "".join(itertools.chain.from_iterable(pieces))


def _jsonl_text(numbers: list[int], found: batch._Pieces) -> str:
    """The JSON Lines records of rows all read by :class:`batch.ItemRows` (``found``:
    its pieces of each, none left to the full path), joined in one C-level pass: each
    row's text is never made alone (a kilobyte a row in the flat records)."""
    # A chunk holds a few hundred dates at most: each written once.
    dates = {visit: _json_text(visit) if visit else "null" for visit in set(found.visits)}
    pieces = zip(
        repeat('{"row": '),
        map(str, numbers),
        repeat(', "patient_id": '),
        map(_json_text, found.patients),
        repeat(', "visit_date": '),
        map(dates.__getitem__, found.visits),
        *found.texts,
        repeat("}\n"),
    )
    return "".join(itertools.chain.from_iterable(pieces))


# The item-level rows of the job this process last scored: its memo of blocks lives
# across chunks (a worker gets the job again with every chunk).
_ITEM_ROWS: dict[str, tuple[_Job, batch.ItemRows]] = {}


def _item_rows(job: _Job) -> batch.ItemRows | None:
    """The remembering reader of item-level rows for ``job``, or ``None`` where it
    does not apply (text output, --criteria all)."""
    if job.kind != "csv" or job.compare or job.columns is None:
        return None
    cached = _ITEM_ROWS.get("job")
    if cached is not None and cached[0] == job:
        return cached[1]
    settings, lists, between = job.settings, None, " "
    field: Callable[[str, RecordValue], str]
    code: Callable[[str], str] = str  # each code of a list as it is
    if job.output == "csv":
        field, separator = _csv_field, ","
    elif job.output == "jsonl" and job.flat:
        field, separator = _json_field, ", "
    elif job.output == "jsonl":
        nested = _nested(job)
        if nested is None:
            return None
        # Each field written with its own separator (none between the results), each
        # list a JSON array's items.
        (settings, field), separator, lists = nested, "", _nested_lists
        code, between = _json_text, ", "
    else:
        return None
    rows = batch.ItemRows(
        job.columns,
        settings,
        field,
        separator,
        items=job.items,
        code=code,
        between=between,
        lists=lists,
    )
    _ITEM_ROWS["job"] = (job, rows)
    return rows


# The remembered path makes and frees tens of thousands of tuples a chunk, none in
# a reference cycle, so the collector's passes over them (and over the modules and
# memos, frozen once they are built) were about 15% of its CPU time. Cycles are still
# collected, only less often: memory stays bounded (checked by benchmarks/bench.py).
_FEWER_COLLECTIONS = (50_000, 20, 20)


@contextlib.contextmanager
def _fewer_collections(job: _Job) -> Iterator[None]:
    """Around the rows of ``job`` scored in this process: fewer garbage collector
    passes on the remembered path (item-level CSV rows), as they were afterwards."""
    if _item_rows(job) is None:
        yield
        return
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*_FEWER_COLLECTIONS)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


# The job of this worker process of --jobs (set once by _worker): each chunk is sent
# alone, not with the job (about 0.25 ms a chunk to pickle and as much to unpickle).
_WORKER_JOB: dict[str, _Job] = {}


def _worker(job: _Job) -> None:
    """Each worker process of ``--jobs``: keeps ``job`` for :func:`_worked`, and as
    :func:`_fewer_collections` (the process ends with the run)."""
    _WORKER_JOB["job"] = job
    if _item_rows(job) is not None:
        gc.freeze()
        gc.set_threshold(*_FEWER_COLLECTIONS)


def _worked(chunk: list[tuple[int, object]]) -> _Done:
    """One chunk in a worker of ``--jobs``: :func:`_process` with the worker's job."""
    return _process(_WORKER_JOB["job"], _fetched(chunk))


def _fetched(chunk: list[tuple[int, object]]) -> list[tuple[int, object]]:
    """The chunk, a :class:`_Range` of the input (alone in its chunk) read into its
    lines."""
    if chunk and isinstance(chunk[0][1], _Range):
        return [(chunk[0][0], _Lines(chunk[0][1].text()))]
    return chunk


def _process(job: _Job, chunk: Sequence[tuple[int, object]]) -> _Done:
    """Score one chunk of ``(row number, raw row)``: the unit of work of ``--jobs``.

    Returns the chunk's output text: the same whichever process runs it, so the
    output of ``--jobs N`` is byte for byte that of ``--jobs 1``.
    """
    buffer = io.StringIO()
    write = buffer.write
    writerow = csv.writer(buffer).writerow
    errors: list[dict[str, Any]] = []
    patients: list[tuple[int, str]] = []
    scored = cases = skipped = 0
    output, items, settings = job.output, job.items, job.settings
    fast = _item_rows(job)
    rows = list(_read_cells(chunk)) if job.kind == "csv" else chunk
    if fast is not None:
        # Item-level cells (not yet parsed): the remembered sub-blocks, when plain,
        # worked out for the whole chunk at once.
        cells = [raw for _, raw in rows if raw.__class__ is list]
        pieces = fast.pieces(cells) if output == "jsonl" and len(cells) == len(rows) else None
        if pieces is not None and not pieces.bad:
            text = _jsonl_text([number for number, _ in rows], pieces)
            return _Done(text, [], len(rows), len(rows), len(rows), [])
        found_all = pieces.found() if pieces is not None else fast.rows(cells)
        if found_all and len(found_all) == len(rows) and None not in found_all:
            text = _remembered_text(output, [number for number, _ in rows], found_all)
            return _Done(text, [], len(rows), len(rows), len(rows), [])
        remembered = iter(found_all)
    for number, raw in rows:
        if fast is not None and raw.__class__ is list:
            found_fast = next(remembered)
            if found_fast is not None:
                patient_id, visit, text = found_fast
                if output == "csv":
                    if not patient_id.isalnum():  # may need quoting, or a formula's quote
                        patient_id = _csv_field(PATIENT_COLUMN, patient_id)
                    write(f"{number},{patient_id},{visit or ''}{text}\r\n")
                else:
                    write(
                        f'{{"row": {number}, "patient_id": {_json_text(patient_id)}, '
                        f'"visit_date": {_json_text(visit) if visit else "null"}{text}}}\n'
                    )
                scored += 1
                cases += 1
                continue
        if isinstance(raw, InvalidEvidenceError):  # the reader could not read the row
            errors.extend(_error_records(number, raw))
            continue
        try:
            reading = None if job.kind == "csv" else _patient(job, number, raw)
            if reading is not None and reading.skipped:
                # Reported before scoring, so kept even when the patient then fails.
                errors.extend(
                    _error_records(number, InvalidEvidenceError(reading.skipped), skipped=True)
                )
                skipped += len(reading.skipped_locations())
            if job.compare:
                assert reading is not None
                found: list[Any] = [compare.compare_patient(reading.patient, as_of=settings.as_of)]
            else:
                found = _cases(job, number, raw, reading)
        except InvalidEvidenceError as error:
            errors.extend(_error_records(number, error))
            continue
        except Exception as error:  # a bug, not the row's fault: reported, the run goes on
            errors.append(_internal_error(number, error))
            continue
        scored += 1
        if job.kind != "csv" and found:
            patients.append((number, found[0].patient_id))
        if job.summary:
            if output == "text" and cases:
                write("\n")
            write(_render_summary(job, number, found))
            cases += 1
            continue
        for case in found:
            if job.compare:
                if output == "text" and cases:
                    write("\n")
                write(_render_comparison(job, number, case))
            elif output == "csv":
                writerow(_csv_cells(batch.case_values(case, settings, items=items)))
            elif output == "jsonl":
                data = (
                    batch.case_record(case, settings, items=items)
                    if job.flat
                    else batch.case_dict(case, settings, items=items)
                )
                write(_json_dumps(data))
                write("\n")
            else:
                if cases:
                    write("\n")  # a blank line between explanations
                write(batch.case_text(case, None if job.explain else settings))
                write("\n")
            cases += 1
    return _Done(buffer.getvalue(), errors, len(rows), scored, cases, patients, skipped)


def _render_comparison(job: _Job, number: int, comparison: Any) -> str:
    """One patient's comparison of the criteria sets (``--criteria all``)."""
    if job.output == "text":
        return f"== patient {comparison.patient_id} (input row {number}) ==\n\n{comparison}\n"
    sets = [
        {
            "criteria_set": row.criteria_set,
            "count": row.count,
            "classified": row.classified,
            "verdict": row.verdict,
        }
        for row in comparison.rows
    ]
    if job.output == "jsonl":
        as_of = comparison.as_of
        data = {
            "row": number,
            "patient_id": comparison.patient_id,
            "as_of": as_of.isoformat() if as_of is not None else None,
            "criteria_sets": sets,
            "all_agree": comparison.all_agree,
        }
        return json.dumps(data, ensure_ascii=False) + "\n"
    values: list[object] = [number, comparison.patient_id, None]
    for entry in sets:
        values.extend((entry["classified"], entry["verdict"]))
    return _csv_line(values)


def _summaries(job: _Job, cases: Sequence[batch.Case]) -> list[timeline.StateSummary]:
    """One patient's summary of each instrument scored per visit as a state."""
    summaries = []
    for position, spec in enumerate(job.settings.specs):
        if spec.scope != "outcome_at_visit":
            continue
        outcomes = [case.results[position] for case in cases]
        states = [outcome for outcome in outcomes if isinstance(outcome, Outcome)]
        if len(states) != len(outcomes):  # a state at a visit is always an Outcome
            raise TypeError(f"{spec.name}: a visit without an outcome")
        summaries.append(timeline.summarise(cases[0].patient_id, states))
    return summaries


def _render_summary(job: _Job, number: int, cases: Sequence[batch.Case]) -> str:
    """One patient's time-in-state summary (``score --summary``)."""
    summaries = _summaries(job, cases)
    if job.output == "text":
        heading = f"== patient {cases[0].patient_id} (input row {number}) =="
        return "\n\n".join([heading, *(summary.explain() for summary in summaries)]) + "\n"
    record = timeline.summary_record(number, summaries)
    if job.output == "jsonl":
        return json.dumps(record, ensure_ascii=False) + "\n"
    return _csv_line(record.values())


def _comparison_fields() -> list[str]:
    fields = ["row", "patient_id", "visit_date"]
    for spec in instruments().values():
        if spec.scope == "classification_as_of":
            fields.extend((f"{spec.name}.classified", f"{spec.name}.verdict"))
    return fields


# --- Reading ----------------------------------------------------------------------


def _open_input(args: argparse.Namespace, stdin: IO[str]) -> tuple[IO[str], str | None]:
    """The input stream and its name (``None`` for standard input).

    UTF-8 (the default) is decoded with the ``surrogateescape`` error handler, so
    that :func:`_decoded` can name the first byte that is not UTF-8 by its offset;
    another ``--encoding`` is decoded strictly.
    """
    if args.example:
        if args.input not in (None, "-"):
            raise _UsageError("give either FILE or --example, not both")
        # The same published case, in the shape --input-format asks for.
        example = _EXAMPLE_AS.get(args.input_format or "json")
        if example is None:
            raise _UsageError(
                f"--example is the published case as JSON or FHIR, not {args.input_format}"
            )
        resource = resources.files("sle_scoring") / "examples" / example
        return io.StringIO(resource.read_text(encoding="utf-8")), example
    encoding = args.encoding or "utf-8"
    errors = "surrogateescape" if encoding == "utf-8" else "strict"
    if args.input in (None, "-"):
        if args.input is None and stdin.isatty():
            raise _UsageError("no input: give FILE, - for standard input, or --example")
        buffer = getattr(stdin, "buffer", None)
        if buffer is not None:
            return io.TextIOWrapper(buffer, encoding, errors, newline=""), None
        return stdin, None
    try:
        return open(args.input, encoding=encoding, errors=errors, newline=""), args.input
    except OSError as error:
        raise _UsageError(f"cannot read {args.input}: {error.strerror}") from None


def _encoding(text: str) -> str:
    """``--encoding``: a codec Python knows; any spelling of UTF-8 is ``utf-8``."""
    try:
        name = codecs.lookup(text).name
    except LookupError:
        raise argparse.ArgumentTypeError(f"unknown encoding {text!r}") from None
    return "utf-8" if name in ("utf-8", "utf-8-sig") else name


# A byte that is not UTF-8, as the surrogateescape error handler stands for it.
_UNDECODED = re.compile("[\udc80-\udcff]")
# Byte-order marks that say a file is UTF-16, not UTF-8.
_UTF_16_MARKS = ("\udcff\udcfe", "\udcfe\udcff")


# Lines checked at a time (the CSV rows of a chunk): the reading process of --jobs
# does this for every line, so it is done in C where it can be.
_DECODED_LINES = 2000


def _decoded(
    lines: Iterable[str], name: str | None, encoding: str, start: tuple[int, int] = (0, 0)
) -> Iterator[str]:
    """The text lines of the input, a UTF-8 byte-order mark left out.

    Input that is not text in ``encoding`` stops the run with a usage error naming
    the line and (for UTF-8) the byte offset: a file in another encoding is read
    wrongly throughout, so no row of it is scored on a guess.
    """
    where = name if name is not None else "standard input"
    number, offset = start  # the lines and bytes before these (the columnar engine's)
    if encoding != "utf-8":
        try:
            for line in lines:
                number += 1
                yield line.removeprefix("\ufeff") if number == 1 else line
        except UnicodeError as error:  # UTF-16 without a byte-order mark raises the base class
            reason = (
                f"byte 0x{error.object[error.start]:02x} ({error.reason})"
                if isinstance(error, UnicodeDecodeError)
                else str(error)
            )
            # Text is decoded a block at a time, so the line is a lower bound.
            raise _UsageError(
                f"cannot read {where} as {encoding}: {reason} at or after line {number + 1}; "
                "give the file's --encoding"
            ) from None
        return
    source = iter(lines)
    while block := list(itertools.islice(source, _DECODED_LINES)):
        text = "".join(block)
        if text.isascii():  # the common case: checked a block at a time, in C
            number += len(block)
            offset += len(text)
            yield from block
            continue
        for line in block:
            number += 1
            if line.isascii():
                offset += len(line)
            else:
                found = _UNDECODED.search(line)
                if found is not None:
                    raise _UsageError(_not_utf_8(where, line, found.start(), offset, number))
                offset += len(line.encode("utf-8"))
                if number == 1:
                    line = line.removeprefix("\ufeff")
            yield line


def _not_utf_8(where: str, line: str, index: int, offset: int, number: int) -> str:
    position = offset + len(line[:index].encode("utf-8", "surrogateescape"))
    byte = ord(line[index]) - 0xDC00
    hint = "give its --encoding (for example --encoding cp1252 for a Windows export)"
    if position == 0 and line.startswith(_UTF_16_MARKS):
        hint = "it starts with a UTF-16 byte-order mark: give --encoding utf-16"
    return (
        f"cannot read {where} as UTF-8: byte 0x{byte:02x} at offset {position} "
        f"(line {number}) is not UTF-8; {hint}"
    )


def _extension_format(name: str | None, known: Sequence[str]) -> str | None:
    if name is None:
        return None
    found = _EXTENSIONS.get(os.path.splitext(name)[1].lower())
    return found if found in known else None


def _sniff(lines: Iterator[str]) -> tuple[str, Iterator[str]]:
    """The format of a stream with no name, from its first non-blank line."""
    seen: list[str] = []
    for line in lines:
        seen.append(line)
        text = line.strip()
        if not text:
            continue
        if text.startswith("["):
            kind = "json"
        elif text.startswith("{"):
            try:
                json.loads(text)
                kind = "jsonl"
            except (ValueError, RecursionError):  # not one complete JSON value
                kind = "json"
        else:
            kind = "csv"
        return kind, itertools.chain(seen, lines)
    return "jsonl", iter(seen)


def _csv_records(lines: Iterable[str], start: int = 0) -> Iterator[tuple[int, object]]:
    """Each CSV record with its row number: the line itself when it holds no quote
    character (the csv module reads such a line as exactly one record; the worker
    reads its cells, see :func:`_read_cells`), else its cells, read here by the csv
    module itself. ``start``: the records before these (read by the columnar engine).

    Row numbers count records as a spreadsheet shows them (a quoted cell holding a
    line break stays in its record), blank lines included but not yielded. A record
    the csv module cannot read (a cell over its field size limit) is yielded as the
    error naming it, and reading goes on with the next record. Sending lines rather
    than lists of cells makes ``--jobs`` cheap: this process only splits the input.
    """
    source = iter(lines)
    number = start
    for line in source:
        number += 1
        if '"' not in line and ("," in line or line.strip()):  # not blank either
            yield number, line
            continue
        try:
            # One record: the reader takes continuation lines of a quoted cell from
            # the same source, and no more.
            cells = next(csv.reader(itertools.chain((line,), source)), [])
        except csv.Error as error:
            yield number, _unreadable(number, error)
            continue
        if len(cells) > 1 or (cells and cells[0].strip()):
            yield number, cells


def _unreadable(number: int, error: csv.Error) -> InvalidEvidenceError:
    return InvalidEvidenceError(
        [Problem(None, f"row {number}", "(row)", f"unreadable CSV: {error}")]
    )


def _read_cells(chunk: Sequence[tuple[int, object]]) -> Iterator[tuple[int, object]]:
    """The chunk with each line of :func:`_csv_records` read into its cells (by one
    csv reader: a line without quotes is one record), or into the error naming it,
    and each :class:`_Lines` into its rows."""
    lines = [raw for _, raw in chunk if raw.__class__ is str]
    if not lines:
        for number, raw in chunk:
            if raw.__class__ is _Lines:
                yield from _lines_cells(number, raw.text)
            else:
                yield number, raw
        return
    reader = csv.reader(lines)
    for number, raw in chunk:
        if raw.__class__ is str:
            try:
                yield number, next(reader)
            except csv.Error as error:  # the reader goes on with the next line
                yield number, _unreadable(number, error)
        else:
            yield number, raw


def _lines_cells(start: int, text: str) -> list[tuple[int, object]]:
    """The rows of :class:`_Lines` starting at row ``start``: each line's cells (or
    the error naming it), blank lines left out as :func:`_csv_records` leaves them."""
    cells = _split_cells(text)
    if cells is None:
        lines = io.StringIO(text, newline="").readlines()
        try:
            cells = list(csv.reader(lines))
        except csv.Error:  # read again line by line, to name each unreadable one
            cells = None
            rows = list(_read_cells(list(enumerate(lines, start))))
    if cells is not None:
        rows = list(zip(itertools.count(start), cells))
        if min(map(len, cells), default=2) > 1:  # no blank line: all of them
            return rows
    return [
        (number, raw)
        for number, raw in rows
        if not isinstance(raw, list) or len(raw) > 1 or (raw and raw[0].strip())
    ]


def _split_cells(text: str) -> list[list[str]] | None:
    """The cells of each line of ``text`` (lines ending with ``\\n``, none holding a
    quote character) as the csv module reads them, split at the commas (a third of
    its time); ``None`` where the csv module reads it otherwise or fails: a carriage
    return (a line may end with one), a NUL, a line over its field size limit, an
    empty line (no cells)."""
    if "\r" in text or "\0" in text:
        return None
    lines = text.split("\n")
    if lines[-1] == "":  # after the last line's line break
        lines.pop()
    if "" in lines or max(map(len, lines), default=0) > csv.field_size_limit():
        return None
    return list(map(str.split, lines, repeat(",")))


def _csv_rows(lines: Iterator[str]) -> tuple[list[str], _CsvRows]:
    """The header and the data rows after it (:class:`_CsvRows`)."""
    records = _csv_records(lines)
    first = next(records, None)
    if first is not None:
        first = next(_read_cells([first]))
    if first is None:
        raise _UsageError("the CSV input is empty; expected a header row")
    if isinstance(first[1], InvalidEvidenceError):
        raise _UsageError(f"the CSV header (row {first[0]}): {first[1].problems[0].message}")
    assert isinstance(first[1], list)
    # The records generator has read no line past the header's.
    return first[1], _CsvRows(lines, first[0])


class _Lines(NamedTuple):
    """Consecutive lines of CSV input without a quote character, each one record
    (the csv module reads such a line as exactly one), as one string: what this
    process sends a worker (:func:`_read_cells` reads the cells)."""

    text: str


class _Range(NamedTuple):
    """Lines of a UTF-8 input file by their place in it, none holding a quote
    character or a carriage return not followed by a line feed, so each line is
    one record: what the reading process of ``--jobs`` sends a worker instead of
    the lines (the worker reads and decodes them, :meth:`text`)."""

    path: str
    offset: int
    length: int

    def text(self) -> str:
        """The lines, as the text of a :class:`_Lines`."""
        with open(self.path, "rb") as stream:
            stream.seek(self.offset)
            data = stream.read(self.length)
        if len(data) == self.length:
            with contextlib.suppress(UnicodeDecodeError):  # checked by the reading process
                return data.decode("utf-8")
        # Nothing is scored from bytes the reading process did not check.
        raise _UsageError(f"{self.path} changed while it was read; nothing was written")


# Bytes of input a worker of --jobs reads at a time (about 2,500 rows of the 48
# columns of SLEDAI-2K and 2019 EULAR/ACR items).
_RANGE_BYTES = 256 * 1024


def _plain(data: bytes) -> bool:
    """Whether each line of ``data`` is one record of the csv module and one line of
    the text input (no quote character, no carriage return but before a line feed),
    found in C."""
    return b'"' not in data and (b"\r" not in data or data.count(b"\r") == data.count(b"\r\n"))


def _shared_file(args: argparse.Namespace) -> str | None:
    """The input file that each worker of ``--jobs`` can read its part of itself: a
    regular file in UTF-8 (not standard input, a pipe or another encoding)."""
    if args.jobs < 2 or args.example or args.input in (None, "-"):
        return None
    if (args.encoding or "utf-8") != "utf-8":
        return None
    try:
        regular = stat.S_ISREG(os.stat(args.input).st_mode)
    except OSError:  # read already; a worker would then fail on it
        return None
    return args.input if regular else None


class _CsvRows:
    """The data rows of CSV input after its header, row numbers counting from
    ``start`` (the header's): one by one as :func:`_csv_records` gives them, or in
    chunks (:meth:`chunks`)."""

    def __init__(self, lines: Iterator[str], start: int) -> None:
        self._lines, self._start = lines, start

    def __iter__(self) -> Iterator[tuple[int, object]]:
        return _csv_records(self._lines, self._start)

    def chunks(self, size: int, shared: str | None = None) -> Iterator[list[tuple[int, object]]]:
        """Chunks of about ``size`` rows: ``[(first row number, _Lines)]`` while the
        lines hold no quote character, so that the reading process only joins lines
        (a worker reads their cells); from a block with a quote on, the records of
        :func:`_csv_records` (a quoted cell may hold line breaks).

        ``shared``: the input file, when the workers of ``--jobs`` can read it
        (:func:`_shared_file`); then the chunks are ``[(first row number, _Range)]``
        (:meth:`_ranges`), so that this process does not even decode the lines.
        """
        if shared is not None:
            yield from self._ranges(shared, size)
            return
        number, lines = self._start, self._lines
        while True:
            block = list(itertools.islice(lines, size))
            if not block:
                return
            text = "".join(block)
            if '"' in text:
                yield from _chunks(_csv_records(itertools.chain(block, lines), number), size)
                return
            yield [(number + 1, _Lines(text))]
            number += len(block)

    def _ranges(self, path: str, size: int) -> Iterator[list[tuple[int, object]]]:
        """The chunks of :meth:`chunks` as byte ranges of the file at ``path``, cut at
        line breaks, their row numbers from the line feeds before them (all found in
        C), while the lines are :func:`_plain` and UTF-8; from the first block that is
        not, :meth:`chunks` of the text read again from there, which numbers its rows
        and names a byte that is not UTF-8 as reading the whole input would."""
        number = self._start
        with open(path, "rb") as stream:
            before = b"".join(stream.readline() for _ in range(number))
            if not _plain(before):  # the header's lines are not its records: as before
                yield from _CsvRows(self._lines, number).chunks(size)
                return
            offset = len(before)
            while block := stream.read(_RANGE_BYTES):
                block += stream.readline()  # up to the next line break
                if not _plain(block) or not (block.isascii() or _utf_8(block)):
                    break
                yield [(number + 1, _Range(path, offset, len(block)))]
                number += block.count(b"\n")
                offset += len(block)
            else:
                return
            stream.seek(offset)
            with io.TextIOWrapper(stream, "utf-8", "surrogateescape", newline="") as text:
                lines = _decoded(text, path, "utf-8", (number, offset))
                yield from _CsvRows(lines, number).chunks(size)


def _utf_8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _carried(
    rows: Iterator[tuple[int, object]], columns: Columns, settings: batch.Settings
) -> Iterator[tuple[int, object]]:
    """``--cumulative``: rows parsed here, in order, with criteria carried forward."""
    numbers: list[int] = []

    def parsed() -> Iterator[ItemRow | InvalidEvidenceError]:
        for number, cells in _read_cells_one_by_one(rows):
            numbers.append(number)
            if isinstance(cells, InvalidEvidenceError):
                yield cells
            else:
                yield columns.parse(number, cells)  # type: ignore[arg-type]

    for row in batch.carry_forward(parsed(), settings):
        yield numbers.pop(0), row


def _read_cells_one_by_one(rows: Iterable[tuple[int, object]]) -> Iterator[tuple[int, object]]:
    for row in rows:
        yield from _read_cells([row])


def _json_rows(text: str) -> Iterator[tuple[int, object]]:
    try:
        document = records.loads(text)
    except InvalidEvidenceError as error:  # unreadable, or a key given twice
        raise _UsageError(f"JSON document: {error}") from None
    except (ValueError, RecursionError) as error:  # the library's limits, not typed yet
        raise _UsageError(f"JSON document: cannot be read: {error}") from None
    entries = document if isinstance(document, list) else [document]
    return iter(enumerate(entries, start=1))


def _jsonl_rows(lines: Iterable[str]) -> Iterator[tuple[int, object]]:
    for number, line in enumerate(lines, start=1):
        if line.strip():
            yield number, line


def _chunks(rows: Iterator[tuple[int, object]], size: int) -> Iterator[list[tuple[int, object]]]:
    while True:
        chunk = list(itertools.islice(rows, size))
        if not chunk:
            return
        yield chunk


def _start_method() -> str:
    """How ``--jobs`` starts its workers: forked on Linux while this process runs a
    single thread, so that a worker starts with the package already imported (on
    1,000,000 item-level rows and 2 cores about 0.6 s of wall time and 1.1 s of CPU
    time less: docs/performance.md); otherwise spawned, a fresh interpreter each,
    because a fork copies no thread but the caller's and can deadlock on a lock
    another thread held (a DataFrame library's thread pool, say), and macOS and
    Windows do not fork safely or at all."""
    if sys.platform.startswith("linux") and _threads() == 1:
        return "fork"
    return "spawn"


def _threads() -> int:
    """The threads of this process as the OS counts them (native threads too, which
    ``threading`` does not see); 0 when it cannot tell, which is not taken as one."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return 0


def _run_parallel(
    job: _Job, chunks: Iterable[list[tuple[int, object]]], jobs: int
) -> Iterator[_Done]:
    """Chunks scored by ``jobs`` worker processes, yielded in input order.

    At most ``2 * jobs`` chunks are in flight, so memory stays constant however
    long the input (``Pool.imap`` would buffer finished chunks without limit when
    writing is slower than scoring). Not ``multiprocessing.Pool``: its thread that
    keeps the workers going wakes up whenever a result waits to be read, which cost
    this process about 1.5 µs of CPU time a row of item-level CSV.
    """
    context = multiprocessing.get_context(_start_method())
    with ProcessPoolExecutor(jobs, context, _worker, (job,)) as pool:
        pending: deque[Future[_Done]] = deque()
        try:
            for chunk in chunks:
                pending.append(pool.submit(_worked, chunk))
                if len(pending) >= 2 * jobs:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:  # stopped early: the chunks not started are not scored
            pool.shutdown(cancel_futures=True)


class _Progress:
    """``N rows read`` on standard error, redrawn at most every ``interval`` seconds."""

    def __init__(self, stream: IO[str], enabled: bool, interval: float = 0.5) -> None:
        self.stream = stream
        self.enabled = enabled
        self.interval = interval
        self.started = self.last = time.monotonic()
        self.shown = False

    def update(self, rows: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.last < self.interval:
            return
        self.last = now
        rate = rows / max(now - self.started, 1e-9)
        self.stream.write(f"\r{PROG}: {rows:,} rows read ({rate:,.0f}/s)")
        self.stream.flush()
        self.shown = True

    def finish(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()


# --- Running ----------------------------------------------------------------------


def _chosen(args: argparse.Namespace) -> tuple[str, ...]:
    """The instruments a command applies: a shortcut's, or score's --instrument."""
    if args.command != "score":
        return _SHORTCUTS[args.command]
    named = args.instrument or list(batch.DEFAULT_INSTRUMENTS)
    if "all" in named:
        return tuple(instruments())
    if args.bands is not None and "sledai_2k" not in named:
        named = ["sledai_2k", *named]  # the bands are of the SLEDAI-2K score
    return tuple(dict.fromkeys(named))  # a name given twice is applied once


def _summarised(settings: batch.Settings) -> list[str]:
    """The instruments a summary covers: those scored per visit as a state."""
    return [spec.name for spec in settings.specs if spec.scope == "outcome_at_visit"]


def _for_summary(args: argparse.Namespace, chosen: tuple[str, ...]) -> tuple[str, ...]:
    """``score --summary``: the instruments named that are states at a visit (the
    only ones summarised, so the only ones scored; without --instrument, every one);
    a usage error when none is named, or with an option whose output the summary
    does not have."""
    for option in ("items", "bands"):
        if getattr(args, option, None):
            raise _UsageError(
                f"--{option} adds to the per-visit results; --summary writes one "
                "summary per patient instead"
            )
    known = instruments()
    every = tuple(name for name, spec in known.items() if spec.scope == "outcome_at_visit")
    if not args.instrument:  # --summary alone: every state (not score's default pair)
        return every
    states = tuple(name for name in chosen if known[name].scope == "outcome_at_visit")
    if not states:
        raise _UsageError(
            "--summary summarises the time in a state scored per visit; name one with "
            f"--instrument ({', '.join(every)}, or all)"
        )
    return states


def _flat(args: argparse.Namespace) -> bool:
    """Whether records are flat, every field of every instrument (score with
    --instrument); without it, score writes what it always has, like the shortcuts."""
    return args.command == "score" and (bool(args.instrument) or args.bands is not None)


def _settings(args: argparse.Namespace) -> batch.Settings:
    window = getattr(args, "window", sledai_2k.DEFAULT_WINDOW_DAYS)
    try:
        sledai_2k.check_window(window, non_standard=getattr(args, "non_standard_window", False))
    except ValueError:  # the library's check, in the command line's words
        raise _UsageError(
            f"--window {window} is not a published SLEDAI-2K window (10 or 30 days); "
            "add --non-standard-window to use it anyway"
        ) from None
    bands = getattr(args, "bands", None)
    if bands is not None and getattr(args, "clinical", False):
        raise _UsageError(
            "--bands bands the full SLEDAI-2K (the schemes are defined on it), not the "
            "clinical SLEDAI-2K of --clinical"
        )
    chosen = _chosen(args)
    if getattr(args, "summary", False):
        chosen = _for_summary(args, chosen)
    return batch.Settings(
        instruments=chosen,
        clinical_sledai=getattr(args, "clinical", False),
        window_days=window,
        non_standard_window=getattr(args, "non_standard_window", False),
        visits=tuple(getattr(args, "visit", None) or ()),
        as_of=getattr(args, "as_of", None),
        fields={} if _flat(args) else _SHORTCUT_FIELDS,
        pga_rule=getattr(args, "pga_rule", None),
        bands=bands,
    )


def _output_format(args: argparse.Namespace, kind: str, stdout: IO[str]) -> str:
    """--format, else the --output extension, else text on a terminal, else CSV for
    CSV input and JSON Lines for records. An --output extension that is not one of
    an output format (``.json``, ``.xlsx``) is a usage error, not a guess."""
    named = args.output if args.output not in (None, "-") else None
    extension = os.path.splitext(named)[1].lower() if named is not None else ""
    by_name = _extension_format(named, _OUTPUT_FORMATS)
    given = getattr(args, "format", None)  # explain has no --format: it writes text
    if extension and by_name is None and given is None:
        raise _UsageError(
            f"--output {named}: {extension} is not an output format; name the file .csv, "
            ".jsonl or .txt, or give --format"
        )
    if args.command == "explain":
        if by_name not in (None, "text"):
            raise _UsageError(f"--output {named}: explain writes readable text; name it .txt")
        return "text"
    if given is not None:
        return str(given)
    if by_name is not None:
        return by_name
    if named is None and stdout.isatty():
        return "text"
    return "csv" if kind == "csv" else "jsonl"


def _header_problem(error: InvalidEvidenceError) -> _UsageError:
    lines = [f"the CSV header cannot be used ({len(error.problems)} problem(s)):"]
    lines.extend(f"  column {p.field!r}: {p.message}" for p in error.problems)
    return _UsageError("\n".join(lines))


def _write_example(args: argparse.Namespace, stdout: IO[str]) -> int:
    text = (resources.files("sle_scoring") / "examples" / args.name).read_text(encoding="utf-8")
    # Through the same safe output as every run: a temporary file renamed into place,
    # so a failed write never leaves half an example over a good file.
    target = _open_output(args.output, stdout)
    try:
        target.write(text)
        target.finish()
        target.commit()
    except _output.WriteError:
        target.discard()
        raise
    return EXIT_OK


def _item_level(
    args: argparse.Namespace, settings: batch.Settings, header: Sequence[str]
) -> batch.Settings:
    """The settings for item-level CSV: explain and ``--instrument all`` apply the
    instruments the header has items of (all those with items when it has none of
    its own); an outcome named needs evidence records."""
    if args.command == "explain" or "all" in (getattr(args, "instrument", None) or ()):
        found = instruments_in_header(header, settings.item_codes)
        with_items = [
            (name, spec)
            for name, spec in zip(settings.instruments, settings.specs, strict=True)
            if spec.from_items is not None
        ]
        keys = [name for name, spec in with_items if (spec.variant_of or spec.name) in found]
        return attrs.evolve(settings, instruments=keys or [name for name, _ in with_items])
    lacking = [spec.name for spec in settings.specs if spec.from_items is None]
    if lacking:
        raise _UsageError(
            f"{', '.join(lacking)} cannot be scored from item-level CSV rows; give "
            "evidence records (JSON or JSON Lines)"
        )
    return settings


def _execute(args: argparse.Namespace, stdin: IO[str], stdout: IO[str], stderr: IO[str]) -> int:
    if args.command == "example":
        return _write_example(args, stdout)
    engine = getattr(args, "engine", "python")
    columnar = _columnar_engine() if engine == "columnar" else None
    settings = _settings(args)
    _refuse_same_files(args, stdin, stdout)  # before anything is read or written
    stream, name = _open_input(args, stdin)
    with stream if name is not None else contextlib.nullcontext(stream):
        kind = args.input_format or _extension_format(name, _INPUT_FORMATS)
        lines = _decoded(stream, name, args.encoding or "utf-8")
        if kind is None:
            if name is not None:
                raise _UsageError(
                    f"cannot tell the format of {name} from its extension; "
                    "give --input-format json, jsonl, csv, labs or fhir"
                )
            kind, lines = _sniff(lines)
        if kind == "fhir":
            kind, lines = _fhir_kind(lines)
        _check_reading_options(args, kind)
        ranges = _reference_ranges(args.reference_ranges)
        compare = getattr(args, "criteria", "eular_acr_2019") == "all"
        if compare and args.skip_bad_observations:
            raise _UsageError(
                "--skip-bad-observations is not available with --criteria all (the "
                "comparison has no place to say which observations were left out)"
            )
        if compare and kind == "csv":
            raise _UsageError("--criteria all needs evidence records (JSON or JSON Lines)")
        summary = getattr(args, "summary", False)
        if summary and kind == "csv":
            raise _UsageError(
                "--summary needs evidence records (JSON or JSON Lines): the states it "
                "summarises are scored from a patient's dated evidence"
            )
        if kind == "csv":
            for option in ("as_of", "visit"):
                if getattr(args, option, None):
                    raise _UsageError(
                        f"--{option.replace('_', '-')} applies to evidence records, "
                        "not to item-level CSV rows (each row is its own visit)"
                    )
        output = _output_format(args, kind, stdout)
        items = getattr(args, "items", False)
        columns: Columns | None = None
        header: list[str] = []
        rows: Iterable[tuple[int, object]]
        if kind == "csv":
            header, rows = _csv_rows(lines)
            settings = _item_level(args, settings, header)
            try:
                columns = read_header(
                    header,
                    settings.item_codes,
                    ignore_unknown=args.ignore_unknown_columns,
                    others=settings.other_item_codes,
                )
            except InvalidEvidenceError as error:
                raise _header_problem(error) from None
            if columns.ignored:  # nothing skipped without saying so
                print(
                    "sle-scoring: columns not read (--ignore-unknown-columns): "
                    + _printable(", ".join(columns.ignored)),
                    file=stderr,
                )
            if getattr(args, "cumulative", False):
                if "eular_acr_2019" not in settings.instruments:
                    raise _UsageError(
                        "--cumulative carries 2019 EULAR/ACR criteria forward, and "
                        f"{args.command} does not classify by them here"
                    )
                rows = _carried(iter(rows), columns, settings)
        elif getattr(args, "cumulative", False):
            raise _UsageError(
                "--cumulative applies to item-level CSV rows; an evidence record is "
                "classified on all its evidence up to --as-of"
            )
        elif kind in _LAB_KINDS:
            rows = _lab_rows(args, kind, lines, ranges)
        elif kind == "json":
            rows = _json_rows("".join(lines))
        else:
            rows = _jsonl_rows(lines)
        if args.skip_bad_observations:
            settings = attrs.evolve(settings, skip_bad_observations=True)
        explain = args.command == "explain"
        job = _Job(
            settings,
            kind,
            columns,
            output,
            items,
            explain,
            compare,
            _flat(args),
            summary,
            None if kind in _LAB_KINDS else ranges,  # the lab readers apply them
            args.skip_bad_observations,
        )
        if engine == "auto" and _columnar_pays(args, job, name):
            columnar = _columnar_if_installed()
        if columnar is not None and _columnar_allows(args, job, name, header):
            job = attrs.evolve(job, columnar=name)
        return _write(args, job, rows, stdout, stderr)


def _check_reading_options(args: argparse.Namespace, kind: str) -> None:
    """The options that read evidence are refused where they mean nothing."""
    if args.columns and kind != "labs":
        raise _UsageError("--columns maps the columns of a lab table (--input-format labs)")
    if kind != "csv":
        return
    for option in ("reference_ranges", "skip_bad_observations"):
        if getattr(args, option):
            raise _UsageError(
                f"--{option.replace('_', '-')} applies to evidence records (json, "
                "jsonl, labs, fhir), not to item-level CSV rows"
            )


def _reference_ranges(name: str | None) -> reference_ranges.ReferenceRanges | None:
    """--reference-ranges FILE, read before any input (a bad table stops the run)."""
    if name is None:
        return None
    try:
        with open(name, encoding="utf-8-sig", newline="") as stream:
            return reference_ranges.read_csv(stream)
    except OSError as error:
        raise _UsageError(f"cannot read --reference-ranges {name}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise _UsageError(f"cannot read --reference-ranges {name} as UTF-8") from None
    except InvalidEvidenceError as error:
        lines = [f"--reference-ranges {name} cannot be used ({len(error.problems)} problem(s)):"]
        lines.extend(f"  {p.location} column {p.field!r}: {p.message}" for p in error.problems)
        raise _UsageError("\n".join(lines)) from None


def _columns(specs: Sequence[str] | None) -> dict[str, str]:
    """--columns: ``omop`` or a CSV file of ``field,column`` rows, later ones winning."""
    mapping: dict[str, str] = {}
    for spec in specs or ():
        if spec in _COLUMN_MAPPINGS:
            mapping.update(_COLUMN_MAPPINGS[spec])
            continue
        try:
            with open(spec, encoding="utf-8-sig", newline="") as stream:
                reader = csv.DictReader(stream)
                if reader.fieldnames != ["field", "column"]:
                    raise _UsageError(
                        f"--columns {spec}: the header must be field,column (got "
                        f"{','.join(reader.fieldnames or [])})"
                    )
                for number, row in enumerate(reader, start=2):
                    field, column = (row["field"] or "").strip(), (row["column"] or "").strip()
                    if None in row or not field or not column:
                        raise _UsageError(
                            f"--columns {spec} row {number}: give a field and a column"
                        )
                    mapping[field] = column
        except OSError as error:
            raise _UsageError(
                f"--columns {spec}: not a known mapping ({', '.join(_COLUMN_MAPPINGS)}) "
                f"and cannot be read: {error.strerror}"
            ) from None
    unknown = [field for field in mapping if field not in lab_table.COLUMNS]
    if unknown:
        raise _UsageError(
            f"--columns: unknown lab table field(s) {', '.join(unknown)}; the fields are "
            + ", ".join(lab_table.COLUMNS)
        )
    return mapping


def _fhir_kind(lines: Iterator[str]) -> tuple[str, Iterator[str]]:
    """A Bundle or bulk-export NDJSON, from the content: a first non-blank line that
    is a whole JSON resource other than a Bundle is NDJSON; anything else a Bundle."""
    seen: list[str] = []
    for line in lines:
        seen.append(line)
        if not line.strip():
            continue
        try:
            first = json.loads(line)
        except (ValueError, RecursionError):  # the start of a document over many lines
            first = None
        ndjson = isinstance(first, dict) and first.get("resourceType") != "Bundle"
        return ("ndjson" if ndjson else "bundle"), itertools.chain(seen, lines)
    return "bundle", iter(seen)


def _lab_rows(
    args: argparse.Namespace,
    kind: str,
    lines: Iterator[str],
    ranges: reference_ranges.ReferenceRanges | None,
) -> Iterator[tuple[int, object]]:
    """The patients of a lab table or FHIR input, read (and grouped by patient) here,
    in the reading process; a header or document that cannot be read stops the run."""
    skip = args.skip_bad_observations
    read: Iterator[tuple[int, object]]
    if kind == "labs":
        read = lab_table.iter_lab_table(
            lines,
            columns=_columns(args.columns),
            reference_ranges=ranges,
            skip_bad_observations=skip,
        )
    elif kind == "bundle":
        read = fhir.iter_bundle(lines, reference_ranges=ranges, skip_bad_observations=skip)
    else:
        read = fhir.iter_ndjson(lines, reference_ranges=ranges, skip_bad_observations=skip)
    first = next(read, None)
    if first is None:
        return iter(())
    item = first[1]
    if isinstance(item, InvalidEvidenceError) and item.problems[0].location in ("row 1", "Bundle"):
        what = "the lab table's header" if kind == "labs" else "the FHIR Bundle"
        problem = item.problems[0]
        raise _UsageError(f"{what} cannot be used: field {problem.field!r}: {problem.message}")
    return itertools.chain([first], read)


def _columnar_engine() -> Any:
    """``--engine columnar``'s module, or a usage error saying how to install it.

    Imported by name here, only when asked for: a bare install has no Polars, and
    the other commands never pay for loading it."""
    try:
        return _catalogue.load("_columnar")
    except ImportError as error:
        raise _UsageError(
            f"--engine columnar needs the frame extra ({error.name or 'polars'} is not "
            "installed): pip install 'sle-scoring[frame]', or use --engine python"
        ) from None


def _columnar_if_installed() -> Any:
    """``--engine auto``'s columnar engine: its module, or None without the frame
    extra (the Python engine then runs, as on a bare install)."""
    try:
        return _catalogue.load("_columnar")
    except ImportError:
        return None


def _columnar_may(args: argparse.Namespace, job: _Job, name: str | None) -> bool:
    """Whether the run's options and input are ones the columnar engine can read,
    as far as is known without loading it: item-level CSV from a named regular file
    in UTF-8 (not a pipe: the engine opens it again), written as CSV or JSON Lines,
    without --cumulative."""
    return (
        job.kind == "csv"
        and job.output in _COLUMNAR_LAYOUTS
        and name is not None
        and not args.example
        and (args.encoding or "utf-8") == "utf-8"
        and not getattr(args, "cumulative", False)
        and os.path.isfile(name)
    )


def _columnar_pays(args: argparse.Namespace, job: _Job, name: str | None) -> bool:
    """``--engine auto``: whether to try the columnar engine, that is, whether it may
    read the run and the file is large enough (:data:`_AUTO_BYTES`) for loading
    Polars to pay. Decided before Polars is loaded, so a small file or evidence
    records never load it."""
    return _columnar_may(args, job, name) and os.path.getsize(str(name)) >= _AUTO_BYTES


def _columnar_allows(
    args: argparse.Namespace, job: _Job, name: str | None, header: Sequence[str]
) -> bool:
    """Whether the columnar engine reads this run; otherwise the Python engine
    does, with the same output: :func:`_columnar_may`, SLEDAI-2K (or clinical
    SLEDAI-2K) and 2019 EULAR/ACR only, the header one plain first line."""
    columnar = sys.modules["sle_scoring._columnar"]
    if not _columnar_may(args, job, name) or not all(map(columnar.reads, job.settings.specs)):
        return False
    assert name is not None
    with open(name, "rb") as stream:
        first = stream.readline()
    text = first.removeprefix(b"\xef\xbb\xbf").removesuffix(b"\n").removesuffix(b"\r")
    return b'"' not in first and text.split(b",") == [cell.encode() for cell in header]


# The output formats the columnar engine writes: its layout, by format and whether
# the records are flat (score) or nested (the shortcuts).
_COLUMNAR_LAYOUTS = {"csv": {True: "csv", False: "csv"}, "jsonl": {True: "record", False: "dict"}}


def _columnar_results(job: _Job, args: argparse.Namespace) -> Iterator[_Done]:
    """``--engine columnar``: the file's rows, scored column-wise where the engine
    reads them and row by row (:func:`_process`) where it does not."""
    assert job.columnar is not None and job.columns is not None
    columnar = sys.modules["sle_scoring._columnar"]
    fields = {key: job.settings.record_fields(key) for key in job.settings.keys}
    layout = _COLUMNAR_LAYOUTS[job.output][job.flat]
    with open(job.columnar, "rb") as stream:
        stream.readline()  # the header, read already
        blocks = columnar.csv_blocks(
            stream,
            job.columns,
            job.settings.specs,
            fields,
            items=job.items,
            layout=layout,
            bands=job.settings.bands,
        )
        for block in blocks:
            if isinstance(block, columnar.Scored):
                yield _Done(block.text, [], block.rows, block.rows, block.rows, [])
            elif isinstance(block, columnar.Left):
                yield _process(job, block.rows)
            else:  # the rest of the file, row by row
                yield from _rest(job, args, block.offset, block.number)


def _rest(job: _Job, args: argparse.Namespace, offset: int, number: int) -> Iterator[_Done]:
    assert job.columnar is not None
    with open(job.columnar, "rb") as raw:
        raw.seek(offset)
        stream = io.TextIOWrapper(raw, "utf-8", "surrogateescape", newline="")
        lines = _decoded(stream, job.columnar, "utf-8", (number - 1, offset))
        chunks = _chunks(_csv_records(lines, number - 1), _CHUNK_ROWS["csv"])
        python = attrs.evolve(job, columnar=None)
        if args.jobs > 1:
            yield from _run_parallel(python, chunks, args.jobs)
        else:
            yield from (_process(python, chunk) for chunk in chunks)


def _refuse_same_files(args: argparse.Namespace, stdin: IO[str], stdout: IO[str]) -> None:
    """A usage error when an output is the input or the other output (the same path,
    or the same file through a link): writing it would destroy what is read."""
    targets: dict[str, _output.Target | None] = {}
    if not args.example:
        named = args.input not in (None, "-")
        targets[f"the input {args.input}" if named else "standard input"] = (
            args.input if named else _descriptor(stdin)
        )
    named = args.output not in (None, "-")
    targets[f"--output {args.output}" if named else "standard output"] = (
        args.output if named else _descriptor(stdout)
    )
    if args.errors is not None:
        targets[f"--errors {args.errors}"] = args.errors
    found = _output.same_file({k: v for k, v in targets.items() if v is not None})
    if found is not None:
        first, second = found
        raise _UsageError(
            f"{second} is the same file as {first}: writing it would destroy it; "
            "give another file (nothing was read or written)"
        )


def _descriptor(stream: IO[str]) -> int | None:
    try:
        return stream.fileno()
    except (AttributeError, OSError, ValueError):  # not a file (a test's StringIO)
        return None


def _open_output(name: str | None, stdout: IO[str]) -> _output.Output:
    if name in (None, "-"):
        return _output.Output.standard_output(stdout)
    assert name is not None
    try:
        return _output.Output.open(name)
    except OSError as error:
        raise _UsageError(f"cannot write {name}: {error.strerror or error}") from None


def _write(
    args: argparse.Namespace,
    job: _Job,
    rows: Iterable[tuple[int, object]],
    stdout: IO[str],
    stderr: IO[str],
) -> int:
    """Score ``rows`` into the outputs, and keep them only if every row was handled.

    Outputs are replaced when the run gets through every row, some failed rows
    included (they are in the error records); a run stopped by a usage or write
    error leaves every output file as it was.
    """
    results = _open_output(args.output, stdout)
    outputs = [results]
    try:
        errors = None if args.errors is None else _open_output(args.errors, stdout)
        if errors is not None:
            outputs.append(errors)
        tally = _write_rows(args, job, rows, results, errors, stderr)
        for output in outputs:
            output.finish()
        for output in outputs:
            output.commit()
    except BaseException:
        for output in outputs:
            output.discard()
        raise
    read, scored, cases, repeated, skipped = tally
    failed = read - scored
    if not args.quiet:
        unit = _SUMMARY_UNITS.get(job.kind, _UNITS[job.kind])
        reported = failed or repeated or skipped
        where = f" (see {args.errors})" if reported and args.errors else ""
        split = f", {_count(repeated, 'repeated patient')}" if repeated else ""
        left_out = f", {_count(skipped, 'observation')} skipped" if job.skip else ""
        stderr.write(
            f"{PROG}: {_count(read, unit)} read, {scored} scored, {failed} failed{split}"
            f"{left_out}{where}; {_count(cases, 'result')} written\n"
        )
    return EXIT_ROWS_FAILED if failed or repeated or skipped else EXIT_OK


# What an error record's ``row`` counts, by the kind of input.
_UNITS = {
    "csv": "row",
    "jsonl": "line",
    "json": "record",
    "labs": "row",
    "bundle": "entry",
    "ndjson": "line",
}
# What the summary counts, where that is not the row: the lab and FHIR readers yield
# one record per patient (each error names the rows or resources themselves).
_SUMMARY_UNITS = {"labs": "patient", "bundle": "patient", "ndjson": "patient"}


def _write_rows(
    args: argparse.Namespace,
    job: _Job,
    rows: Iterable[tuple[int, object]],
    target: _output.Output,
    error_file: _output.Output | None,
    stderr: IO[str],
) -> tuple[int, int, int, int, int]:
    """Score and write every row: (rows read, rows scored, results, repeated patients,
    observations skipped)."""
    unit = _UNITS[job.kind]

    def report(record: dict[str, Any]) -> None:
        if error_file is not None:
            error_file.write(_error_json(record) + "\n")
        else:
            stderr.write(f"{PROG}: {_error_line(record, unit)}\n")

    if job.output == "csv":
        fields = (
            _comparison_fields()
            if job.compare
            else timeline.summary_fields(_summarised(job.settings))
            if job.summary
            else batch.case_fields(job.settings, items=job.items)
        )
        target.write(_csv_line(fields))
    progress = _Progress(stderr, stderr.isatty() and not args.no_progress and not args.quiet)
    size = _CHUNK_ROWS[job.kind]
    chunks = (
        rows.chunks(size, _shared_file(args))
        if isinstance(rows, _CsvRows)
        else _chunks(iter(rows), size)
    )
    results = (
        _columnar_results(job, args)
        if job.columnar is not None
        else _run_parallel(job, chunks, args.jobs)
        if args.jobs > 1
        else (_process(job, chunk) for chunk in chunks)
    )
    read = scored = cases = skipped = 0
    wrote_text = False
    # One record per patient: a patient split over records would be classified on
    # part of the evidence each time, so a repeated identifier is reported.
    first_row: dict[str, int] = {}
    repeated = 0
    with _fewer_collections(job):
        try:
            for done in results:
                if done.text:
                    if job.output == "text" and wrote_text:
                        target.write("\n")
                    target.write(done.text)
                    wrote_text = True
                for record in done.errors:
                    report(record)
                for number, patient_id in done.patients:
                    if patient_id not in first_row:
                        first_row[patient_id] = number
                        continue
                    repeated += 1
                    report(
                        {
                            "row": number,
                            "patient_id": patient_id,
                            "location": None,
                            "field": "patient",
                            "message": f"also in {unit} {first_row[patient_id]}: give one record "
                            "per patient (each record was scored on its own evidence only)",
                        }
                    )
                read += done.read
                scored += done.scored
                cases += done.cases
                skipped += done.skipped
                progress.update(read)
        finally:
            progress.finish()
    return read, scored, cases, repeated, skipped


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _error_line(record: dict[str, Any], unit: str) -> str:
    """One readable line for an error record, safe to print on a terminal."""
    parts = [f"{unit} {record['row']}"]
    if record["patient_id"] is not None:
        parts.append(f"patient {record['patient_id']!r}")
    location = record["location"]
    if location is not None and location != f"row {record['row']}":
        parts.append(location)
    parts.append(f"field {record['field']!r}")
    return _printable(f"{' '.join(parts)}: {record['message']}")


def _error_json(record: dict[str, Any]) -> str:
    """An error record as one JSON line; in ASCII escapes when it holds text UTF-8
    cannot (a lone surrogate), so the errors file can always be written."""
    line = json.dumps(record, ensure_ascii=False)
    if line.isascii() or not _UNWRITABLE.search(line):
        return line
    return json.dumps(record)


# Lone surrogates: text that UTF-8 cannot hold.
_UNWRITABLE = re.compile("[\ud800-\udfff]")


def _printable(text: str) -> str:
    """``text`` with every control or format character (terminal escapes, carriage
    returns, bidirectional overrides, lone surrogates) written as its Python escape,
    so that nothing read from the input acts on the terminal."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the
    exit status. With no arguments, explain the bundled published case.
    """
    arguments = list(sys.argv[1:] if argv is None else argv)
    if not arguments:
        arguments = ["explain", "--example"]
    parser = _parser()
    try:
        args = parser.parse_args(arguments)
    except SystemExit as exit:  # --help, --version, or a usage error already reported
        return int(exit.code or 0)
    if args.command == "report":  # the whole command lives in sle_scoring.report
        return _report_command.run(args)
    try:
        return _execute(args, sys.stdin, sys.stdout, sys.stderr)
    except _UsageError as error:
        lines = str(error).split("\n")  # a header problem lists one column per line
        sys.stderr.write(f"{PROG}: error: " + "\n".join(map(_printable, lines)) + "\n")
        return EXIT_USAGE
    except _output.WriteError as error:
        sys.stderr.write(
            f"{PROG}: error: {error}; the run stopped, output files left as they were\n"
        )
        _release_stdout()
        return EXIT_INCOMPLETE
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): stop quietly with the status a shell
        # reports for a tool ended by SIGPIPE.
        _release_stdout()
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        sys.stderr.write(f"{PROG}: interrupted\n")
        return 130


def _release_stdout() -> None:
    """Keep Python's final flush of a standard output that cannot be written quiet."""
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def __dir__() -> list[str]:
    # The public API is what __all__ lists (as in pypa/packaging).
    return list(__all__)
