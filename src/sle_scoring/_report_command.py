"""``sle-scoring report FILE -o report.html``: the command's options and its run.

Kept apart from :mod:`sle_scoring.report` so that the command line can offer the
command without loading matplotlib: :func:`run` loads the report (and with it
the plot extra) when the command is run, through the package's one mechanism for
an import at call time (:func:`sle_scoring._catalogue.load`).
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
from collections.abc import Sequence
from importlib import resources
from types import ModuleType
from typing import IO

from . import _catalogue, _output, records
from .evidence import Patient
from .exceptions import InvalidEvidenceError, SleScoringError

__all__ = ["add_report_command", "run"]

_EXAMPLE = "bottazzi_2025.json"


def _report() -> ModuleType:
    """:mod:`sle_scoring.report`, imported now: it needs the plot extra (matplotlib),
    which costs about a second to load, so only this command pays for it."""
    try:
        report = _catalogue.load("report")
    except ImportError as error:
        raise _UsageError(
            f"the HTML report draws its figures with matplotlib ({error}): "
            "pip install 'sle-scoring[plot]'"
        ) from None
    return report


# --- The command line: sle-scoring report FILE -o report.html ----------------------

_EXIT_OK, _EXIT_ROWS_FAILED, _EXIT_USAGE = 0, 1, 2


def add_report_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``sle-scoring report`` on the command line's subcommands."""
    command = commands.add_parser(
        "report",
        help="self-contained HTML report with each patient's course (needs the plot extra)",
        description="Write one self-contained HTML file: a summary of the cohort, and per "
        "patient the course figure, each instrument's verdict at each visit and the "
        "explanations. At most 100 patients (sle_scoring.report.MAX_PATIENTS). Needs the "
        "plot extra: "
        "pip install 'sle-scoring[plot]'. Research use, never a diagnosis.",
    )
    command.add_argument(
        "input", nargs="?", default=None, metavar="FILE", help="patient records (.json, .jsonl)"
    )
    command.add_argument(
        "--example",
        action="store_true",
        help="report the bundled published case (Bottazzi et al. 2025) instead of FILE",
    )
    command.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="the HTML file to write"
    )
    command.add_argument(
        "--input-format",
        choices=("json", "jsonl"),
        help="format of FILE (default: from its extension)",
    )
    command.add_argument(
        "--lab",
        action="append",
        metavar="CODE",
        help="a laboratory value to draw (repeatable; default: platelet_count)",
    )


def _read(
    args: argparse.Namespace, report: ModuleType
) -> tuple[list[Patient], list[str], dict[str, Sequence[object]], dict[str, Sequence[object]]]:
    # The events and undated values are sle_scoring.plot's Event and UndatedValue:
    # named here as objects, so this module never imports the plot extra.
    if args.example:
        text = resources.files("sle_scoring.examples").joinpath(_EXAMPLE).read_text("utf-8")
        case = records.patient_from_dict(records.loads(text))
        events, undated = report.plot.bottazzi_2025_events()
        return [case], [], {case.id: events}, {case.id: undated}
    name: str = args.input
    kind = args.input_format or {".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl"}.get(
        os.path.splitext(name)[1].lower()
    )
    if kind is None:
        raise _UsageError(f"cannot tell the format of {name}; give --input-format json or jsonl")
    patients: list[Patient] = []
    problems: list[str] = []
    with open(name, encoding="utf-8") as stream:
        if kind == "json":
            patients = list(itertools.islice(records.iter_json(stream), report.MAX_PATIENTS + 1))
        else:
            for number, read in records.iter_json_lines(stream):
                if isinstance(read, InvalidEvidenceError):
                    problems.append(f"line {number}: {read}")
                else:
                    patients.append(read)
                if len(patients) > report.MAX_PATIENTS:
                    break
    return patients, problems, {}, {}


class _UsageError(Exception):
    """A usage error of the report command: reported, exit status 2."""


def _same_file(output: str, source: str) -> bool:
    if os.path.exists(output) and os.path.exists(source):
        return os.path.samefile(output, source)
    return os.path.realpath(output) == os.path.realpath(source)


def _write_atomically(path: str, text: str) -> None:
    """Write ``text`` to ``path`` through the command line's one safe output (a
    temporary file renamed into place), so a failure never leaves a half-written
    report in place of an old one."""
    target = _output.Output.open(path)
    try:
        target.write(text)
        target.finish()
        target.commit()
    except _output.WriteError:
        target.discard()
        raise


def run(args: argparse.Namespace, stderr: IO[str] | None = None) -> int:
    """Run ``sle-scoring report`` with parsed ``args``; return the exit status: 0
    written; 1 written, but some records could not be read (listed in the report and
    on standard error); 2 usage error, nothing written."""
    err = sys.stderr if stderr is None else stderr
    try:
        if args.example == (args.input is not None):
            raise _UsageError("give FILE or --example (one of them)")
        if args.input is not None and _same_file(args.output, args.input):
            raise _UsageError(f"the output {args.output} is the input file; give another -o FILE")
        report = _report()
        patients, problems, events, undated = _read(args, report)
        page = report.html(
            patients, labs=args.lab, events=events, undated=undated, problems=problems
        )
        _write_atomically(args.output, page)
    except (_UsageError, SleScoringError, ImportError) as error:
        err.write(f"sle-scoring report: error: {error}\n")
        return _EXIT_USAGE
    except _output.WriteError as error:
        err.write(f"sle-scoring report: error: {error}\n")
        return _EXIT_USAGE
    except OSError as error:
        err.write(f"sle-scoring report: error: {error.filename}: {error.strerror}\n")
        return _EXIT_USAGE
    for problem in problems:
        err.write(f"sle-scoring report: {problem}\n")
    err.write(
        f"sle-scoring report: {len(patients)} patient(s) written to {args.output}"
        + (f"; {len(problems)} record(s) not read" if problems else "")
        + "\n"
    )
    return _EXIT_ROWS_FAILED if problems else _EXIT_OK
