"""Generated malformed CSV and JSON Lines files through the command line (issue 12).

Properties, for any file: the run ends with exit 0, 1 or 2 (never a traceback, never
an "internal error"); every row read is either in the results or in the error
records, never both, never neither; the bytes are the same with ``--jobs 1`` and
``--jobs 2``, and under another hash seed. The example counts follow the Hypothesis
profile (tests/conftest.py): ``ci`` runs 200 files per in-process property, a
tenth of that through worker processes and subprocesses, which are slow;
``HYPOTHESIS_PROFILE=thorough`` runs 5,000 and 500.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from naive import SLEDAI_2K_WEIGHTS
from sle_scoring.cli import EXIT_OK, EXIT_ROWS_FAILED, EXIT_USAGE, main

EXAMPLES = settings().max_examples  # of the profile loaded
# Worker processes and subprocesses take a second each: a tenth of the examples.
SLOW = max(5, EXAMPLES // 10)

CODES = list(SLEDAI_2K_WEIGHTS)[:4]
HEADER = ["patient_id", "visit_date", *CODES]

# Pieces of cells: good values, and the characters that break hand-written readers.
_PIECES = st.sampled_from(
    ["1", "0", "", "P1", "2024-01-10", '"', '""', ",", "\n", "\r\n", "\r", " ", "NA",
     "é", "\ufeff", "\x00", "\x1b[2J", "maybe", "2024-02-30", "x" * 200]
)  # fmt: skip
_CELL = st.lists(_PIECES, max_size=4).map("".join)
_ROW = st.lists(_CELL, min_size=0, max_size=len(HEADER) + 2)
_ENDINGS = st.sampled_from(["\n", "\r\n"])


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    """A header, then rows that are well formed, ragged, raw (unquoted stray quotes
    and line breaks), blank, huge, or bytes that are not UTF-8; maybe a BOM."""
    ending = draw(_ENDINGS)
    out = io.StringIO()
    csv.writer(out, lineterminator=ending).writerow(HEADER)
    text = out.getvalue()
    for _ in range(draw(st.integers(0, 8))):
        cells = draw(_ROW)
        kind = draw(st.sampled_from(["quoted", "raw", "blank", "good", "huge"]))
        if kind == "quoted":
            out = io.StringIO()
            csv.writer(out, lineterminator=ending).writerow(cells)
            text += out.getvalue()
        elif kind == "raw":
            text += ",".join(cells) + ending
        elif kind == "blank":
            text += ending
        elif kind == "good":
            text += ",".join(
                [
                    "P1",
                    "2024-01-10",
                    *draw(
                        st.lists(st.sampled_from("01"), min_size=len(CODES), max_size=len(CODES))
                    ),
                ]
            )
            text += ending
        else:
            text += "P1,2024-01-10," + "1" * (csv.field_size_limit() + 1) + ending
    data = text.encode("utf-8", "surrogatepass")
    if draw(st.booleans()):
        data = b"\xef\xbb\xbf" + data
    if draw(st.integers(0, 9)) == 0:  # a byte that is not UTF-8, somewhere
        at = draw(st.integers(0, len(data)))
        data = data[:at] + b"\xff" + data[at:]
    return data


_GOOD_LINE = json.dumps(
    {"patient": "P1", "observations": [{"code": "ana", "date": "2024-01-01", "value": "1:320"}]}
)
_JSONL_PIECES = st.sampled_from(
    [_GOOD_LINE, "{", "}", "[", "]", '"', "null", "{}", "[]", '{"patient": 5}',
     '{"patient": "P2", "observations": [{"code": "ana"}]}', "\\ud800", "é", " ", "1e999"]
)  # fmt: skip


@st.composite
def jsonl_files(draw: st.DrawFn) -> bytes:
    """Lines that are good records, broken JSON, wrong shapes or blank; CRLF or LF."""
    ending = draw(_ENDINGS)
    lines = draw(st.lists(st.lists(_JSONL_PIECES, max_size=3).map("".join), max_size=8))
    data = "".join(line + ending for line in lines).encode("utf-8")
    if draw(st.booleans()):
        data = b"\xef\xbb\xbf" + data
    return data


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        code = main(argv)
    finally:
        sys.stdout, sys.stderr = stdout, stderr
    return code, out.getvalue(), err.getvalue()


def check_accounted(tmp: Path, data: bytes, suffix: str, argv: list[str]) -> tuple[int, int]:
    """Run on ``data``; check exit status and that every row read is a result or an
    error, exactly one of them. Returns (exit status, rows read)."""
    path, errors = tmp / f"in{suffix}", tmp / "errors.jsonl"
    path.write_bytes(data)
    errors.unlink(missing_ok=True)
    code, out, err = run([*argv, str(path), "--errors", str(errors), "--no-progress"])
    assert code in (EXIT_OK, EXIT_ROWS_FAILED, EXIT_USAGE), err
    assert "Traceback" not in err
    if code == EXIT_USAGE:  # standard output may hold what came before the stop
        assert err.startswith("sle-scoring: error: ")
        assert not errors.exists()  # nothing replaced by a run that stopped
        return code, 0
    failures = [json.loads(line) for line in errors.read_text("utf-8").splitlines()]
    assert all(f["field"] != "(internal)" for f in failures), failures
    failed = {f["row"] for f in failures if f["field"] != "patient"}
    if suffix == ".csv":
        scored = {int(r["row"]) for r in csv.DictReader(io.StringIO(out))}
    else:
        scored = {json.loads(line)["row"] for line in out.splitlines()}
    summary = err.splitlines()[-1]
    read = int(summary.split()[1])
    assert summary.startswith(f"sle-scoring: {read} ")
    assert f" read, {len(scored)} scored, {len(failed)} failed" in summary
    assert not scored & failed
    assert len(scored) + len(failed) == read
    assert (code == EXIT_OK) == (not failures)
    return code, read


@given(data=csv_files())
def test_csv_every_row_accounted_for(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    check_accounted(tmp_path_factory.mktemp("csv"), data, ".csv", ["sledai", "-f", "csv"])


@given(data=csv_files())
def test_csv_rows_are_the_csv_modules_rows(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    """What the csv module reads is what is read: one result or error per record."""
    tmp = tmp_path_factory.mktemp("csv")
    code, read = check_accounted(tmp, data, ".csv", ["sledai", "-f", "csv"])
    if code == EXIT_USAGE:
        return
    text = data.decode("utf-8-sig")
    records = 0
    reader = csv.reader(io.StringIO(text, newline=""))
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error:
            cells = ["unreadable"]
        if len(cells) > 1 or (cells and cells[0].strip()):
            records += 1
    assert read == records - 1  # the header is a record, not a row


@given(data=jsonl_files())
def test_jsonl_every_line_accounted_for(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    check_accounted(tmp_path_factory.mktemp("jsonl"), data, ".jsonl", ["classify", "-f", "jsonl"])


@settings(max_examples=SLOW)
@given(data=st.one_of(csv_files(), jsonl_files()))
def test_jobs_give_the_same_bytes(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    tmp = tmp_path_factory.mktemp("jobs")
    suffix = ".csv" if data.lstrip(b"\xef\xbb\xbf").startswith(b"patient_id") else ".jsonl"
    path = tmp / f"in{suffix}"
    path.write_bytes(data)
    found = []
    for jobs in ("1", "2"):
        errors = tmp / f"errors{jobs}.jsonl"
        code, out, err = run(["score", str(path), "-j", jobs, "--errors", str(errors)])
        written = errors.read_bytes() if errors.exists() else None
        found.append((code, out, err.replace(str(errors), "E"), written))
    assert found[0] == found[1]


@settings(max_examples=SLOW)
@given(data=st.one_of(csv_files(), jsonl_files()), seed=st.integers(1, 2**32 - 1))
def test_hash_seed_gives_the_same_bytes(
    tmp_path_factory: pytest.TempPathFactory, data: bytes, seed: int
) -> None:
    tmp = tmp_path_factory.mktemp("seed")
    suffix = ".csv" if data.lstrip(b"\xef\xbb\xbf").startswith(b"patient_id") else ".jsonl"
    path = tmp / f"in{suffix}"
    path.write_bytes(data)
    found = []
    for hash_seed in ("0", str(seed)):
        done = subprocess.run(
            [sys.executable, "-m", "sle_scoring", "score", str(path), "--no-progress"],
            capture_output=True,
            check=False,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
        )
        found.append((done.returncode, done.stdout, done.stderr))
    assert found[0] == found[1]
    assert b"Traceback" not in found[0][2]
