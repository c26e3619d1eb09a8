"""The command line and batch scoring (issue 4): formats in and out, the item-level
CSV layout, errors that name row and field, exit status, ``--jobs`` giving the same
bytes, spreadsheet-safe CSV, a quiet progress indicator, and pickling.

Expected scores are written as sums of the published weights (Gladman et al. 2002;
Aringer et al. 2019), one comment per term.
"""

from __future__ import annotations

import csv
import io
import json
import math
import multiprocessing
import pickle
import pydoc
import subprocess
import sys
import threading
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

import pytest

import sle_scoring
from naive import EULAR_ACR_2019_TABLE, SLEDAI_2K_WEIGHTS
from sle_scoring import (
    InvalidEvidenceError,
    Problem,
    UnknownCodeError,
    __version__,
    batch,
    eular_acr_2019,
    item_csv,
    records,
    reference_cases,
    sledai_2k,
)
from sle_scoring.cli import (
    EXIT_BROKEN_PIPE,
    EXIT_OK,
    EXIT_ROWS_FAILED,
    EXIT_USAGE,
    _Progress,
    main,
)

EXAMPLES = resources.files("sle_scoring") / "examples"
SLEDAI_CODES = list(SLEDAI_2K_WEIGHTS)
EULAR_CODES = ["ana_positive", *EULAR_ACR_2019_TABLE]


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def run(
    monkeypatch: pytest.MonkeyPatch,
    argv: Sequence[str],
    *,
    stdin: str = "",
    tty: bool = False,
) -> tuple[int, str, str]:
    """``main(argv)`` with captured streams: (exit status, stdout, stderr)."""
    out, err = (Terminal(), Terminal()) if tty else (io.StringIO(), io.StringIO())
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def sledai_csv(path: Path, rows: Sequence[tuple[str, str, dict[str, str]]]) -> Path:
    """An item-level SLEDAI-2K CSV: every descriptor column, "0" unless given."""
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["patient_id", "visit_date", *SLEDAI_CODES])
        for patient, visit, cells in rows:
            writer.writerow([patient, visit, *(cells.get(code, "0") for code in SLEDAI_CODES)])
    return path


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


# --- The item-level CSV layout ------------------------------------------------------

ONLY_SLEDAI = {"sledai_2k": SLEDAI_CODES}
BOTH = {"sledai_2k": SLEDAI_CODES, "eular_acr_2019": EULAR_CODES}


class TestItemCsvCells:
    @pytest.mark.parametrize("spelling", item_csv.PRESENT_SPELLINGS)
    @pytest.mark.parametrize("case", [str.lower, str.upper, str.title, lambda s: f" {s} "])
    def test_present_spellings(self, spelling: str, case: object) -> None:
        assert callable(case)
        columns = item_csv.read_header(["patient_id", "visit_date", "rash"], ONLY_SLEDAI)
        row = columns.parse(2, ["P1", "2024-01-10", case(spelling)])
        assert isinstance(row, item_csv.ItemRow)
        present, not_assessed = row.items[0]
        assert present == {"rash"}
        assert "rash" not in not_assessed

    @pytest.mark.parametrize("spelling", item_csv.ABSENT_SPELLINGS)
    def test_absent_spellings(self, spelling: str) -> None:
        columns = item_csv.read_header(["patient_id", "visit_date", "rash"], ONLY_SLEDAI)
        row = columns.parse(2, ["P1", "2024-01-10", spelling.upper()])
        assert isinstance(row, item_csv.ItemRow)
        present, not_assessed = row.items[0]
        assert "rash" not in present | not_assessed  # assessed and absent

    @pytest.mark.parametrize("spelling", item_csv.NOT_ASSESSED_SPELLINGS)
    def test_blank_is_not_assessed_never_absent(self, spelling: str) -> None:
        columns = item_csv.read_header(["patient_id", "visit_date", "rash"], ONLY_SLEDAI)
        row = columns.parse(2, ["P1", "2024-01-10", spelling])
        assert isinstance(row, item_csv.ItemRow)
        assert "rash" in row.items[0][1]

    def test_an_item_without_a_column_is_not_assessed_in_every_row(self) -> None:
        columns = item_csv.read_header(["patient_id", "visit_date", "rash"], ONLY_SLEDAI)
        row = columns.parse(2, ["P1", "2024-01-10", "1"])
        assert isinstance(row, item_csv.ItemRow)
        assert row.items[0][1] == set(SLEDAI_CODES) - {"rash"}

    def test_unreadable_cell_names_row_patient_and_column(self) -> None:
        columns = item_csv.read_header(["patient_id", "visit_date", "rash"], ONLY_SLEDAI)
        error = columns.parse(7, ["P1", "2024-01-10", "maybe"])
        assert isinstance(error, InvalidEvidenceError)
        (problem,) = error.problems
        assert (problem.record, problem.location, problem.field) == ("P1", "row 7", "rash")
        assert problem.message.endswith("(got 'maybe')")

    def test_every_problem_of_a_row_at_once(self) -> None:
        columns = item_csv.read_header(["patient_id", "visit_date", "rash", "fever"], ONLY_SLEDAI)
        error = columns.parse(3, [" ", "2024-02-30", "2", "x"])
        assert isinstance(error, InvalidEvidenceError)
        assert [p.field for p in error.problems] == ["patient_id", "visit_date", "rash", "fever"]

    def test_blank_visit_date_is_no_date(self) -> None:
        columns = item_csv.read_header(["patient_id", "visit_date"], ONLY_SLEDAI)
        row = columns.parse(2, ["P1", ""])
        assert isinstance(row, item_csv.ItemRow)
        assert row.visit_date is None

    def test_wrong_number_of_cells(self) -> None:
        columns = item_csv.read_header(["patient_id", "visit_date", "rash"], ONLY_SLEDAI)
        error = columns.parse(4, ["P1", "2024-01-10"])
        assert isinstance(error, InvalidEvidenceError)
        assert str(error) == "record 'P1' row 4 field '(row)': has 2 cells; the header has 3"

    @pytest.mark.parametrize(
        ("value", "state"),
        [
            (True, "present"),
            (False, "absent"),
            (1, "present"),
            (0, "absent"),
            (1.0, "present"),
            (0.0, "absent"),
            (None, "not assessed"),
            (math.nan, "not assessed"),
            ("Yes", "present"),
            (2, None),
            ("maybe", None),
            (object(), None),
        ],
    )
    def test_data_frame_values(self, value: object, state: str | None) -> None:
        assert item_csv.cell_state(value) == state


class TestItemCsvHeader:
    def test_unknown_column_with_suggestion(self) -> None:
        with pytest.raises(InvalidEvidenceError) as caught:
            item_csv.read_header(["patient_id", "visit_date", "arthritus"], ONLY_SLEDAI)
        (problem,) = caught.value.problems
        assert problem.field == "arthritus"
        assert "did you mean 'arthritis'?" in problem.message

    def test_unknown_columns_ignored_when_asked(self) -> None:
        columns = item_csv.read_header(
            ["patient_id", "site", "visit_date", "rash"], ONLY_SLEDAI, ignore_unknown=True
        )
        row = columns.parse(2, ["P1", "Pavia", "2024-01-10", "1"])
        assert isinstance(row, item_csv.ItemRow)
        assert row.items[0][0] == {"rash"}

    def test_header_case_spaces_and_byte_order_mark(self) -> None:
        columns = item_csv.read_header(["\ufeffPatient_ID", " Visit_Date ", "RASH"], ONLY_SLEDAI)
        row = columns.parse(2, ["P1", "2024-01-10", "1"])
        assert isinstance(row, item_csv.ItemRow)
        assert row.items[0][0] == {"rash"}

    def test_code_of_two_instruments_must_be_qualified(self) -> None:
        # fever is a SLEDAI-2K descriptor (> 38 °C) and an EULAR/ACR criterion (> 38.3 °C)
        with pytest.raises(InvalidEvidenceError) as caught:
            item_csv.read_header(["patient_id", "visit_date", "fever"], BOTH)
        assert "'sledai_2k.fever' or 'eular_acr_2019.fever'" in str(caught.value)
        columns = item_csv.read_header(
            ["patient_id", "visit_date", "sledai_2k.fever", "eular_acr_2019.fever", "rash"], BOTH
        )
        row = columns.parse(2, ["P1", "2024-01-10", "1", "0", "1"])
        assert isinstance(row, item_csv.ItemRow)
        assert row.items[0][0] == {"fever", "rash"}
        assert row.items[1][0] == set()

    def test_repeated_missing_and_same_item_columns(self) -> None:
        with pytest.raises(InvalidEvidenceError) as caught:
            item_csv.read_header(["patient_id", "rash", "RASH", "sledai_2k.rash"], ONLY_SLEDAI)
        messages = [(p.field, p.message) for p in caught.value.problems]
        assert messages == [
            ("RASH", "column repeated"),
            ("sledai_2k.rash", "same item as column 'rash'"),
            ("visit_date", "required column missing"),
        ]


# --- Batch scoring -------------------------------------------------------------------


class TestBatch:
    def test_item_row_scores_both_instruments(self) -> None:
        columns = item_csv.read_header(
            [
                *("patient_id", "visit_date", "arthritis", "low_complement", "ana_positive"),
                *("joint_involvement", "low_c3_and_low_c4", "eular_acr_2019.thrombocytopenia"),
            ],
            BOTH,
        )
        row = columns.parse(2, ["P1", "2024-01-10", "1", "1", "1", "1", "1", "1"])
        assert isinstance(row, item_csv.ItemRow)
        case = batch.score_item_row(row, batch.Settings())
        sledai, eular = case.results
        assert isinstance(sledai, sledai_2k.Score)
        assert isinstance(eular, eular_acr_2019.Classification)
        assert sledai.total == 4 + 2  # arthritis 4 + low complement 2
        assert eular.points == 6 + 4 + 4  # joints 6 + low C3 and C4 4 + thrombocytopenia 4
        assert eular.classified

    def test_records_from_a_data_frame(self) -> None:
        rows: list[dict[str, object]] = [
            {"patient_id": "P1", "visit_date": "2024-01-10", "arthritis": 1, "rash": True},
            {"patient_id": "P2", "visit_date": None, "arthritis": 0.0, "rash": math.nan},
        ]
        settings = batch.Settings(instruments=("sledai_2k",))
        first, second = batch.score_records(rows, settings)
        assert first["sledai_2k.total"] == 4 + 2  # arthritis 4 + rash 2
        assert first["row"] == 2
        assert second["sledai_2k.total"] == 0
        assert "rash" in str(second["sledai_2k.not_assessed"]).split()

    def test_bad_record_from_a_data_frame_raises(self) -> None:
        settings = batch.Settings(instruments=("sledai_2k",))
        rows = [{"patient_id": "P1", "visit_date": "2024-01-10", "rash": 3}]
        with pytest.raises(InvalidEvidenceError, match="row 2 field 'rash'"):
            list(batch.score_records(rows, settings))

    def test_bad_records_reported_and_the_others_scored(self) -> None:
        settings = batch.Settings(instruments=("sledai_2k",))
        rows: list[dict[str, object]] = [
            {"patient_id": "P1", "visit_date": "2024-01-10", "rash": 3},
            {"patient_id": "P2", "visit_date": "2024-01-11", "rash": 1},
        ]
        bad, good = batch.score_records(rows, settings, errors="report")
        assert bad["row"] == 2
        assert bad["patient_id"] == "P1"
        assert bad["field"] == "rash"
        assert good["sledai_2k.total"] == 2  # rash 2

    def test_a_record_with_other_columns_than_the_first_raises(self) -> None:
        settings = batch.Settings(instruments=("sledai_2k",))
        rows: list[dict[str, object]] = [
            {"patient_id": "P1", "visit_date": "2024-01-10", "arthritis": 1},
            {"patient_id": "P2", "visit_date": "2024-01-11", "arthritus": 1},
        ]
        with pytest.raises(InvalidEvidenceError) as caught:
            list(batch.score_records(rows, settings))
        assert str(caught.value) == (
            "record 'P2' row 3 field '(columns)': must be the first record's columns; "
            "not in the first record: arthritus; missing: arthritis"
        )

    def test_evidence_record_every_date_with_sledai_evidence_is_a_visit(self) -> None:
        patient = reference_cases.bottazzi_2025()
        cases = batch.score_patient(1, patient, batch.Settings())
        assert [c.visit_date for c in cases] == [
            reference_cases.BOTTAZZI_2025_PRESENTATION,
            reference_cases.BOTTAZZI_2025_FLARE,
            reference_cases.BOTTAZZI_2025_SIXTH_INFUSION,
        ]
        flare = cases[1].results[0]
        assert isinstance(flare, sledai_2k.Score)
        assert flare.total == 1  # thrombocytopenia 1 (platelets 36,000/µL)
        last = cases[2].results[0]
        assert isinstance(last, sledai_2k.Score)
        assert (last.total, last.complete) == (0, True)  # "SLEDAI-2K 0" reported

    def test_evidence_record_without_dates_is_an_error_not_a_silent_skip(self) -> None:
        patient = records.patient_from_dict({"patient": "P9", "observations": []})
        with pytest.raises(InvalidEvidenceError, match="no visit to score"):
            batch.score_patient(1, patient, batch.Settings())

    def test_settings_reject_unknown_instruments(self) -> None:
        with pytest.raises(ValueError, match="instruments must be"):
            batch.Settings(instruments=("sledai",))


# --- Pickling and a real multiprocessing run -------------------------------------------


def _classify_points(codes: list[str]) -> int:
    return eular_acr_2019.classify(codes).points


class TestPickling:
    def test_item_level_results_round_trip(self) -> None:
        score = sledai_2k.score(["arthritis"], not_assessed=["fever"])
        classification = eular_acr_2019.classify(["ana_positive", "seizure"])
        for result in (score, classification):
            copy = pickle.loads(pickle.dumps(result))
            assert copy == result
            assert copy.explain() == result.explain()

    def test_evidence_level_results_and_cases_round_trip(self) -> None:
        patient = reference_cases.bottazzi_2025()
        for case in batch.score_patient(1, patient, batch.Settings()):
            copy = pickle.loads(pickle.dumps(case))
            assert copy == case
            assert batch.case_text(copy) == batch.case_text(case)

    def test_scoring_functions_and_settings_round_trip(self) -> None:
        for function in (sledai_2k.score, eular_acr_2019.classify, batch.score_item_row):
            assert pickle.loads(pickle.dumps(function)) is function
        settings = batch.Settings(clinical_sledai=True)
        assert pickle.loads(pickle.dumps(settings)) == settings

    def test_errors_round_trip(self) -> None:
        error = InvalidEvidenceError([Problem("P1", "row 2", "rash", "bad")])
        assert str(pickle.loads(pickle.dumps(error))) == str(error)
        unknown = UnknownCodeError("rsh", "SLEDAI-2K", "rash")
        assert str(pickle.loads(pickle.dumps(unknown))) == str(unknown)

    def test_real_multiprocessing_run(self) -> None:
        visits = [["ana_positive", "seizure", "low_c3_or_low_c4"], ["fever"], []]
        with multiprocessing.get_context("spawn").Pool(2) as pool:
            points = pool.map(_classify_points, visits)
            scores = pool.map(sledai_2k.score, [["rash"], ["arthritis", "fever"]])
        assert points == [5 + 3, 2, 0]  # seizure 5 + low C3 or C4 3; fever 2
        assert [s.total for s in scores] == [2, 4 + 1]  # rash 2; arthritis 4 + fever 1


# --- The command line ----------------------------------------------------------------


class TestFormats:
    def test_csv_in_csv_out_by_default_when_not_a_terminal(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        code, out, err = run(monkeypatch, ["sledai", str(EXAMPLES / "visits.csv")])
        assert code == EXIT_OK
        rows = read_csv(out)
        assert [r["sledai_2k.total"] for r in rows] == [
            str(4 + 2 + 2 + 2),  # arthritis 4 + rash 2 + low complement 2 + DNA binding 2
            str(2),  # rash 2; serology not assessed
            str(4 + 4 + 4),  # urinary casts 4 + hematuria 4 + proteinuria 4
            str(0),
        ]
        assert [r["sledai_2k.complete"] for r in rows] == ["true", "false", "true", "true"]
        assert rows[1]["sledai_2k.not_assessed"] == "low_complement increased_dna_binding"
        assert [r["row"] for r in rows] == ["2", "3", "4", "5"]
        assert err == "sle-scoring: 4 rows read, 4 scored, 0 failed; 4 results written\n"

    def test_text_by_default_on_a_terminal(self, monkeypatch: pytest.MonkeyPatch) -> None:
        code, out, _ = run(monkeypatch, ["sledai", str(EXAMPLES / "visits.csv")], tty=True)
        assert code == EXIT_OK
        assert "== patient P001, visit 2024-01-10 (input row 2) ==" in out
        assert "Total 10 (of 105)" in out

    def test_explain_takes_the_instruments_a_csv_has(self, monkeypatch: pytest.MonkeyPatch) -> None:
        # visits.csv has the SLEDAI-2K descriptors only, fever and proteinuria bare.
        code, out, _ = run(monkeypatch, ["explain", str(EXAMPLES / "visits.csv")])
        assert code == EXIT_OK
        assert "Total 12 (of 105)" in out  # urinary casts 4 + hematuria 4 + proteinuria 4
        assert "EULAR/ACR" not in out

    def test_jsonl_output_with_items(self, monkeypatch: pytest.MonkeyPatch) -> None:
        argv = ["sledai", str(EXAMPLES / "visits.csv"), "-f", "jsonl", "--items"]
        code, out, _ = run(monkeypatch, argv)
        assert code == EXIT_OK
        first = json.loads(out.splitlines()[0])
        assert first["sledai_2k"]["total"] == 4 + 2 + 2 + 2
        assert first["sledai_2k"]["present"] == [
            "arthritis",
            "rash",
            "low_complement",
            "increased_dna_binding",
        ]
        assert first["sledai_2k"]["items"]["seizure"] == "absent"
        second = json.loads(out.splitlines()[1])
        assert second["sledai_2k"]["items"]["low_complement"] == "not assessed"

    def test_csv_output_with_item_columns(self, monkeypatch: pytest.MonkeyPatch) -> None:
        argv = ["sledai", str(EXAMPLES / "visits.csv"), "-f", "csv", "--items", "--clinical"]
        code, out, _ = run(monkeypatch, argv)
        assert code == EXIT_OK
        first = read_csv(out)[0]
        assert first["clinical_sledai_2k.total"] == str(4 + 2)  # arthritis 4 + rash 2
        assert first["clinical_sledai_2k.arthritis"] == "present"
        assert "clinical_sledai_2k.low_complement" not in first  # serology left out

    def test_json_document_in(self, monkeypatch: pytest.MonkeyPatch) -> None:
        code, out, err = run(monkeypatch, ["classify", str(EXAMPLES / "bottazzi_2025.json")])
        assert code == EXIT_OK
        (line,) = out.splitlines()
        result = json.loads(line)["eular_acr_2019"]
        # thrombocytopenia 4 + pleural or pericardial effusion 5 + joints 6 + low C3 and C4 4
        assert result["points"] == 4 + 5 + 6 + 4
        assert result["classified"] is True
        assert err.startswith("sle-scoring: 1 record read, 1 scored")

    def test_json_list_in(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        patient = records.patient_to_dict(reference_cases.bottazzi_2025())
        path = tmp_path / "two.json"
        path.write_text(json.dumps([patient, {**patient, "patient": "copy"}]), encoding="utf-8")
        code, out, _ = run(monkeypatch, ["classify", str(path), "--as-of", "2023-09-30"])
        assert code == EXIT_OK
        results = [json.loads(line) for line in out.splitlines()]
        assert [r["patient_id"] for r in results] == ["bottazzi-2025", "copy"]
        assert results[0]["eular_acr_2019"]["points"] == 0  # nothing before presentation

    def test_jsonl_in_score_per_visit(self, monkeypatch: pytest.MonkeyPatch) -> None:
        argv = ["score", str(EXAMPLES / "patients.jsonl"), "-f", "csv"]
        code, out, _ = run(monkeypatch, argv)
        assert code == EXIT_OK
        p101, p102 = read_csv(out)
        # arthritis 4 + low complement 2 + increased DNA binding 2 + thrombocytopenia 1
        assert p101["sledai_2k.total"] == str(4 + 2 + 2 + 1)
        # thrombocytopenia 4 + joints 6 + low C3 or C4 3 + anti-dsDNA 6
        assert p101["eular_acr_2019.points"] == str(4 + 6 + 3 + 6)
        assert p101["eular_acr_2019.as_of"] == p101["visit_date"] == "2023-05-02"
        assert p102["sledai_2k.total"] == str(4)  # arthritis 4; fever explained by infection
        assert p102["eular_acr_2019.verdict"] == (
            "not classified (entry criterion (ANA >= 1:80) not met)"
        )

    def test_sledai_visit_and_window(self, monkeypatch: pytest.MonkeyPatch) -> None:
        argv = ["sledai", "--example", "-f", "jsonl", "--visit", "2023-10-05", "--window", "30"]
        code, out, _ = run(monkeypatch, argv)
        assert code == EXIT_OK
        result = json.loads(out)["sledai_2k"]
        # arthritis 4 + low complement 2 + thrombocytopenia 1, all on 2023-10-01
        assert result["total"] == 4 + 2 + 1
        assert result["window_days"] == 30

    def test_format_from_output_extension(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        target = tmp_path / "out.jsonl"
        code, out, _ = run(monkeypatch, ["sledai", str(EXAMPLES / "visits.csv"), "-o", str(target)])
        assert code == EXIT_OK
        assert out == ""
        assert len(target.read_text(encoding="utf-8").splitlines()) == 4

    @pytest.mark.parametrize(
        ("name", "expected"),
        [("visits.csv", "csv"), ("patients.jsonl", "jsonl"), ("bottazzi_2025.json", "json")],
    )
    def test_standard_input_format_from_first_line(
        self, monkeypatch: pytest.MonkeyPatch, name: str, expected: str
    ) -> None:
        text = (EXAMPLES / name).read_text(encoding="utf-8")
        command = "sledai" if expected == "csv" else "classify"
        code, out, _ = run(monkeypatch, [command, "-", "-f", "jsonl"], stdin=text)
        assert code == EXIT_OK
        by_file = run(monkeypatch, [command, str(EXAMPLES / name), "-f", "jsonl"])[1]
        assert out == by_file

    def test_input_format_flag(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        path = tmp_path / "visits.txt"
        path.write_text((EXAMPLES / "visits.csv").read_text(encoding="utf-8"), encoding="utf-8")
        assert run(monkeypatch, ["sledai", str(path)])[0] == EXIT_USAGE
        assert run(monkeypatch, ["sledai", str(path), "--input-format", "csv"])[0] == EXIT_OK

    def test_criteria_all(self, monkeypatch: pytest.MonkeyPatch) -> None:
        code, out, err = run(monkeypatch, ["classify", "--example", "--criteria", "all"])
        try:
            from sle_scoring import compare  # noqa: F401
        except ImportError:  # an installation without the comparison module
            assert code == EXIT_USAGE
            assert "not available" in err
            return
        assert code == EXIT_OK
        sets = json.loads(out)["criteria_sets"]
        assert [s["criteria_set"] for s in sets] == ["2019 EULAR/ACR", "2012 SLICC", "1997 ACR"]


class TestWholeRun:
    def test_no_arguments_explains_the_bundled_case(self, monkeypatch: pytest.MonkeyPatch) -> None:
        code, out, _ = run(monkeypatch, [])
        assert code == EXIT_OK
        assert "Verdict: classified as SLE (2019 EULAR/ACR)" in out
        assert out == run(monkeypatch, ["explain", "--example"])[1]

    def test_module_entry_point(self) -> None:
        result = subprocess.run(
            [sys.executable, "-m", "sle_scoring", "--version"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0
        assert result.stdout == f"sle-scoring {__version__}\n"

    def test_reader_going_away_stops_quietly(self, tmp_path: Path) -> None:
        # More output than a pipe holds, so writing fails once the reader has gone.
        rows: list[tuple[str, str, dict[str, str]]] = [
            (f"P{n}", "2024-01-10", {}) for n in range(5000)
        ]
        path = sledai_csv(tmp_path / "visits.csv", rows)
        command = [sys.executable, "-m", "sle_scoring", "sledai", str(path), "-f", "jsonl"]
        with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
            assert process.stdout is not None
            assert process.stderr is not None
            process.stdout.close()
            error = process.stderr.read()
            assert process.wait() == EXIT_BROKEN_PIPE
        assert b"Traceback" not in error

    def test_help_has_examples(self, monkeypatch: pytest.MonkeyPatch) -> None:
        code, out, _ = run(monkeypatch, ["--help"])
        assert code == EXIT_OK
        assert "sle-scoring explain --example" in out
        assert "exit status" in out
        assert run(monkeypatch, ["sledai", "--help"])[1].count("--window") >= 1


class TestErrors:
    BAD = (
        "patient_id,visit_date,rash,arthritis\n"
        "P1,2024-01-10,1,0\n"
        ",2024-02-30,maybe,1\n"
        "P3,2024-03-01,0,1\n"
    )

    def test_bad_rows_are_reported_and_the_others_scored(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        path = tmp_path / "visits.csv"
        path.write_text(self.BAD, encoding="utf-8")
        code, out, err = run(monkeypatch, ["sledai", str(path), "-f", "csv"])
        assert code == EXIT_ROWS_FAILED
        assert [r["patient_id"] for r in read_csv(out)] == ["P1", "P3"]
        assert err.splitlines() == [
            "sle-scoring: row 3 field 'patient_id': must not be blank",
            "sle-scoring: row 3 field 'visit_date': must be a date written YYYY-MM-DD "
            "(got '2024-02-30')",
            "sle-scoring: row 3 field 'rash': must be 1/1.0/yes/y/true/t/present for present, "
            "0/0.0/no/n/false/f/absent for absent, or blank (or NA) for not assessed "
            "(got 'maybe')",
            "sle-scoring: 3 rows read, 2 scored, 1 failed; 2 results written",
        ]

    def test_errors_file_is_json_lines(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        path = tmp_path / "visits.csv"
        path.write_text(self.BAD.replace(",2024-02-30", "P2,2024-02-30"), encoding="utf-8")
        errors = tmp_path / "errors.jsonl"
        code, _, err = run(monkeypatch, ["sledai", str(path), "--errors", str(errors)])
        assert code == EXIT_ROWS_FAILED
        records_ = [json.loads(line) for line in errors.read_text(encoding="utf-8").splitlines()]
        assert records_[0] == {
            "row": 3,
            "patient_id": "P2",
            "location": "row 3",
            "field": "visit_date",
            "message": "must be a date written YYYY-MM-DD (got '2024-02-30')",
        }
        assert [r["field"] for r in records_] == ["visit_date", "rash"]
        assert err == (
            f"sle-scoring: 3 rows read, 2 scored, 1 failed (see {errors}); 2 results written\n"
        )

    def test_bad_json_lines_are_reported_by_line(self, monkeypatch: pytest.MonkeyPatch) -> None:
        lines = (EXAMPLES / "patients.jsonl").read_text(encoding="utf-8").splitlines()
        text = "\n".join([lines[0], "{not json", "", '{"patient": "P7", "observations": 3}'])
        code, out, err = run(monkeypatch, ["classify", "-", "-f", "jsonl"], stdin=text)
        assert code == EXIT_ROWS_FAILED
        assert len(out.splitlines()) == 1
        assert "sle-scoring: line 2 field '(json)': invalid JSON" in err
        assert "sle-scoring: line 4 patient 'P7' field 'observations': must be a list" in err
        assert err.endswith("3 lines read, 1 scored, 2 failed; 1 result written\n")

    def test_quiet(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        code, _, err = run(monkeypatch, ["sledai", str(EXAMPLES / "visits.csv"), "-q"])
        assert (code, err) == (EXIT_OK, "")

    @pytest.mark.parametrize(
        ("argv", "message"),
        [
            (["sledai", "missing.csv"], "cannot read missing.csv"),
            (["classify", str(EXAMPLES / "visits.csv")], "is an item of sledai_2k, which is not"),
            (["sledai", str(EXAMPLES / "visits.csv"), "--visit", "2024-01-01"], "--visit"),
            (["sledai", "--example", "--window", "14"], "--non-standard-window"),
            (["sledai", "--example", "--window", "x"], "whole number of days"),
            (["classify", "--example", "--as-of", "1/2/2024"], "YYYY-MM-DD"),
            (["classify", "--example", str(EXAMPLES / "visits.csv")], "not both"),
            (["sledai", "--example", "-f", "xml"], "invalid choice"),
            (["--quiet"], "required: COMMAND"),
            (["classify", str(EXAMPLES / "visits.csv"), "--criteria", "all"], "evidence"),
        ],
    )
    def test_usage_errors_exit_2(
        self, monkeypatch: pytest.MonkeyPatch, argv: list[str], message: str
    ) -> None:
        code, out, err = run(monkeypatch, argv)
        assert code == EXIT_USAGE
        assert out == ""
        assert message in err

    def test_unknown_column_names_it_with_a_suggestion(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        path = tmp_path / "visits.csv"
        path.write_text("patient_id,visit_date,arthritus,site\nP1,2024-01-10,1,Pavia\n", "utf-8")
        code, _, err = run(monkeypatch, ["sledai", str(path)])
        assert code == EXIT_USAGE
        assert "column 'arthritus': unknown column" in err
        assert "did you mean 'arthritis'?" in err
        assert "column 'site'" in err
        code, out, err = run(monkeypatch, ["sledai", str(path), "--ignore-unknown-columns"])
        assert code == EXIT_OK
        assert "columns not read (--ignore-unknown-columns): arthritus, site" in err
        row = read_csv(out)[0]
        assert row["sledai_2k.total"] == "0"  # the misspelt column was skipped, as asked
        assert "arthritis" in row["sledai_2k.not_assessed"].split()

    def test_invalid_json_document(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        path = tmp_path / "bad.json"
        path.write_text("[{", encoding="utf-8")
        code, _, err = run(monkeypatch, ["classify", str(path)])
        assert code == EXIT_USAGE
        assert "JSON document: line 1 field '(json)': invalid JSON" in err

    def test_no_input_from_a_terminal(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(sys, "stdin", Terminal())
        monkeypatch.setattr(sys, "stderr", err := io.StringIO())
        assert main(["sledai"]) == EXIT_USAGE
        assert "no input" in err.getvalue()


class TestSpreadsheetSafety:
    @pytest.mark.parametrize("start", ["=", "+", "-", "@"])
    def test_formula_starts_are_neutralised(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, start: str
    ) -> None:
        patient = f'{start}HYPERLINK("http://example.org")'
        path = sledai_csv(tmp_path / "visits.csv", [(patient, "2024-01-10", {"rash": "1"})])
        code, out, _ = run(monkeypatch, ["sledai", str(path), "-f", "csv"])
        assert code == EXIT_OK
        assert read_csv(out)[0]["patient_id"] == "'" + patient
        jsonl = run(monkeypatch, ["sledai", str(path), "-f", "jsonl"])[1]
        assert json.loads(jsonl)["patient_id"] == patient  # JSON keeps the data as it is

    @pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
    def test_from_records_too(self, monkeypatch: pytest.MonkeyPatch, start: str) -> None:
        # CSV cells are stripped of spaces; identifiers in JSON records are kept as given.
        patient = f"{start}cmd|' /C calc'!A0"
        record = {"patient": patient, "observations": [{"code": "ana", "value": "1:160"}]}
        argv = ["classify", "-", "-f", "csv"]
        code, out, _ = run(monkeypatch, argv, stdin=json.dumps(record) + "\n")
        assert code == EXIT_OK
        assert read_csv(out)[0]["patient_id"] == "'" + patient

    def test_ordinary_text_is_left_alone(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        path = sledai_csv(tmp_path / "visits.csv", [("P-1 =x", "2024-01-10", {})])
        out = run(monkeypatch, ["sledai", str(path), "-f", "csv"])[1]
        assert read_csv(out)[0]["patient_id"] == "P-1 =x"


class TestProgress:
    def test_silent_when_standard_error_is_not_a_terminal(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        rows: list[tuple[str, str, dict[str, str]]] = [
            (f"P{n}", "2024-01-10", {}) for n in range(5000)
        ]
        path = sledai_csv(tmp_path / "visits.csv", rows)
        code, _, err = run(monkeypatch, ["sledai", str(path), "-o", str(tmp_path / "out.csv")])
        assert code == EXIT_OK
        assert err == "sle-scoring: 5000 rows read, 5000 scored, 0 failed; 5000 results written\n"

    def test_shown_and_cleared_on_a_terminal(self) -> None:
        stream = Terminal()
        progress = _Progress(stream, enabled=stream.isatty(), interval=0)
        progress.update(2000)
        progress.finish()
        assert stream.getvalue().startswith("\rsle-scoring: 2,000 rows read (")
        assert stream.getvalue().endswith("\r\033[K")

    def test_disabled_draws_nothing(self) -> None:
        stream = Terminal()
        progress = _Progress(stream, enabled=False, interval=0)
        progress.update(2000)
        progress.finish()
        assert stream.getvalue() == ""


class TestJobs:
    """``--jobs N`` gives the same bytes as ``--jobs 1``, errors included."""

    def test_workers_forked_only_on_linux_with_one_thread(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A fork copies only the calling thread: with any other thread (a DataFrame
        library's pool, say) or an unknown count, or off Linux, workers are spawned."""
        for platform, threads, method in [
            ("linux", 1, "fork"),
            ("linux", 2, "spawn"),
            ("linux", 0, "spawn"),  # the count could not be read
            ("darwin", 1, "spawn"),
            ("win32", 1, "spawn"),
        ]:
            monkeypatch.setattr(sys, "platform", platform)
            monkeypatch.setattr(sle_scoring.cli, "_threads", lambda threads=threads: threads)
            assert sle_scoring.cli._start_method() == method

    def test_threads_counts_a_started_thread(self) -> None:
        if not sys.platform.startswith("linux"):
            assert sle_scoring.cli._threads() == 0  # no /proc/self/task: unknown
            return
        before = sle_scoring.cli._threads()
        release = threading.Event()
        thread = threading.Thread(target=release.wait)
        thread.start()
        try:
            assert sle_scoring.cli._threads() == before + 1
        finally:
            release.set()
            thread.join()

    def outputs(
        self, monkeypatch: pytest.MonkeyPatch, argv: list[str], tmp_path: Path
    ) -> list[tuple[int, str, str, str]]:
        found = []
        # Workers spawned, and forked where the OS can (cli._start_method picks one).
        methods = ["spawn", "fork"] if sys.platform.startswith("linux") else ["spawn"]
        runs = [("1", "spawn"), *(("2", method) for method in methods), ("3", "spawn")]
        for jobs, method in runs:
            monkeypatch.setattr(sle_scoring.cli, "_start_method", lambda method=method: method)
            errors = tmp_path / f"errors{jobs}{method}.jsonl"
            code, out, err = run(monkeypatch, [*argv, "--jobs", jobs, "--errors", str(errors)])
            written = errors.read_text("utf-8") if errors.exists() else ""  # made at a first error
            found.append((code, out, err.replace(str(errors), "E"), written))
        return found

    def test_csv_over_several_chunks(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        rows = [
            (f"P{n}", f"2024-01-{1 + n % 28:02d}", {SLEDAI_CODES[n % 24]: "1", "rash": ""})
            for n in range(4500)
        ]
        path = sledai_csv(tmp_path / "visits.csv", rows)
        text = path.read_text(encoding="utf-8").splitlines(keepends=True)
        text[3000] = "P-bad,2024-02-30" + text[3000][text[3000].index(",", 5) :]
        path.write_text("".join(text), encoding="utf-8")
        for output in ("csv", "jsonl", "text"):
            first, *others = self.outputs(
                monkeypatch, ["sledai", str(path), "-f", output, "--items"], tmp_path
            )
            assert first[0] == EXIT_ROWS_FAILED
            assert len(first[3].splitlines()) == 1  # the one bad row
            assert all(other == first for other in others)

    @pytest.mark.parametrize(
        "variant", ["plain", "quote", "not utf-8", "crlf", "blank lines, no last line break"]
    )
    def test_byte_ranges_and_their_fallbacks(
        self, variant: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Workers reading their own byte ranges of the file (small ranges here, so
        the file is many) give the rows, row numbers and errors of one process, also
        from a range on that must be read as before (a quote, a byte that is not
        UTF-8) and with line breaks of other kinds."""
        monkeypatch.setattr(sle_scoring.cli, "_RANGE_BYTES", 2048)
        rows = [
            (f"P{n}", f"2024-01-{1 + n % 28:02d}", {SLEDAI_CODES[n % 24]: "1", "rash": ""})
            for n in range(1200)
        ]
        path = sledai_csv(tmp_path / "visits.csv", rows)
        data = path.read_bytes()
        lines = data.splitlines(keepends=True)
        bad = lines[700]  # a row well past the first ranges
        if variant == "quote":
            lines[700] = b'"P 700"' + bad[bad.index(b",") :]
        elif variant == "not utf-8":
            lines[700] = b"P\xff700" + bad[bad.index(b",") :]
        elif variant == "crlf":
            lines = [line.replace(b"\n", b"\r\n") for line in lines]
        elif variant == "blank lines, no last line break":
            lines[400:400] = [b"\n", b"\n"]
            lines[-1] = lines[-1].rstrip(b"\n")
        path.write_bytes(b"".join(lines))
        first, *others = self.outputs(monkeypatch, ["sledai", str(path), "-f", "csv"], tmp_path)
        if variant != "not utf-8":
            assert all(other == first for other in others)
            written = len(first[1].splitlines()) - 1  # the header
            failed = len(first[3].splitlines())
            assert written + failed == 1200  # every row accounted for
            return
        # The input cannot be read: the same error and exit status however many
        # processes, naming the byte and its line (the header is line 1); on standard
        # output, the rows written before it was met (a prefix of the rows).
        for code, out, err, errors in others:
            assert (code, err, errors) == first[0:1] + first[2:4]
            assert out.startswith(first[1]) or first[1].startswith(out)
        assert first[0] == EXIT_USAGE
        assert "(line 701)" in first[2]
        for jobs in ("1", "2"):  # into a file: nothing is written
            target = tmp_path / f"out{jobs}.csv"
            code, _, _ = run(monkeypatch, ["sledai", str(path), "-o", str(target), "--jobs", jobs])
            assert code == EXIT_USAGE
            assert not target.exists()

    def test_json_lines(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        lines = (EXAMPLES / "patients.jsonl").read_text(encoding="utf-8").splitlines()
        path = tmp_path / "patients.jsonl"
        path.write_text("\n".join(lines * 60 + ["{broken"]) + "\n", encoding="utf-8")
        first, *others = self.outputs(monkeypatch, ["score", str(path), "-f", "jsonl"], tmp_path)
        assert first[0] == EXIT_ROWS_FAILED
        assert len(first[1].splitlines()) == 120
        assert all(other == first for other in others)


# --- Carrying EULAR/ACR 2019 criteria forward (--cumulative) ------------------------


class TestCumulative:
    """The 2019 criteria are cumulative: "Occurrence of a criterion on at least one
    occasion is sufficient" and criteria "need not occur simultaneously"."""

    ROWS = (
        "patient_id,visit_date,ana_positive,joint_involvement,low_c3_and_low_c4,"
        "thrombocytopenia\n"
        "P1,2024-01-10,1,1,,\n"
        "P1,2024-03-01,,,1,1\n"
        "P2,2024-01-01,1,0,0,0\n"
    )

    def test_row_by_row_without_the_option(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        data = tmp_path / "visits.csv"
        data.write_text(self.ROWS, encoding="utf-8")
        code, out, _ = run(monkeypatch, ["classify", str(data), "--format", "csv"])
        assert code == EXIT_OK
        rows = read_csv(out)
        assert [r["eular_acr_2019.points"] for r in rows] == [
            str(6),  # joint involvement
            str(4 + 4),  # low C3 and C4 + thrombocytopenia; ANA not assessed in this row
            str(0),
        ]
        assert rows[1]["eular_acr_2019.classified"] == "false"

    @pytest.mark.parametrize("jobs", ["1", "2"])
    def test_criteria_carried_forward(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, jobs: str
    ) -> None:
        data = tmp_path / "visits.csv"
        data.write_text(self.ROWS, encoding="utf-8")
        argv = ["classify", str(data), "--format", "csv", "--cumulative", "--jobs", jobs]
        code, out, _ = run(monkeypatch, argv)
        assert code == EXIT_OK
        rows = read_csv(out)
        # P1 by the second visit: joint involvement 6 + low C3 and C4 4 + platelets 4
        assert [r["eular_acr_2019.points"] for r in rows] == [str(6), str(6 + 4 + 4), str(0)]
        assert [r["eular_acr_2019.classified"] for r in rows] == ["false", "true", "false"]
        # a criterion assessed in any earlier row is no longer "not assessed"
        assert "ana_positive" not in rows[1]["eular_acr_2019.not_assessed"].split()

    def test_unsorted_rows_are_reported_not_guessed(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        data = tmp_path / "visits.csv"
        data.write_text(self.ROWS + "P1,2024-04-01,1,1,1,1\nP2,2023-12-01,1,1,1,1\n", "utf-8")
        code, out, err = run(
            monkeypatch, ["classify", str(data), "--format", "csv", "--cumulative"]
        )
        assert code == EXIT_ROWS_FAILED
        assert len(read_csv(out)) == 3
        assert (
            "row 5 patient 'P1' field 'patient_id': rows must be sorted by patient_id to "
            "carry criteria forward ('P1' comes after 'P2')"
        ) in err
        assert (
            "row 6 patient 'P2' field 'visit_date': rows of a patient must be in visit "
            "order to carry criteria forward (2023-12-01 comes after 2024-01-01)"
        ) in err
        assert "5 rows read, 3 scored, 2 failed" in err


def test_batch_settings_refuse_an_unpublished_window() -> None:
    with pytest.raises(ValueError, match=r"window_days=7 is not a published SLEDAI-2K window"):
        batch.Settings(window_days=7)
    assert batch.Settings(window_days=7, non_standard_window=True).window_days == 7
    assert batch.Settings(window_days=30).window_days == 30


def test_a_patient_split_over_two_records_is_reported(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """One record per patient: each record is classified on its own evidence, so a
    patient split over two records would lose the ANA of the first in the second."""
    path = tmp_path / "split.jsonl"
    path.write_text(
        '{"patient": "P1", "observations": [{"code": "ana", "value": "1:160"}]}\n'
        '{"patient": "P2", "observations": []}\n'
        '{"patient": "P1", "observations": []}\n',
        encoding="utf-8",
    )
    code, out, err = run(monkeypatch, ["classify", str(path), "--format", "csv"])
    assert code == EXIT_ROWS_FAILED
    assert len(read_csv(out)) == 3
    assert (
        "line 3 patient 'P1' field 'patient': also in line 1: give one record per patient "
        "(each record was scored on its own evidence only)"
    ) in err
    assert "3 lines read, 3 scored, 0 failed, 1 repeated patient; 3 results written" in err


class TestScoreInstruments:
    """Issue 11: ``score --instrument NAME`` (repeatable, or ``all``) over the registry."""

    def sixth_infusion(self, monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
        code, out, _ = run(
            monkeypatch, ["score", "--example", "--instrument", "all", "--format", "jsonl"]
        )
        assert code == EXIT_OK
        by_visit = {record["visit_date"]: record for record in map(json.loads, out.splitlines())}
        record: dict[str, object] = by_visit[
            reference_cases.BOTTAZZI_2025_SIXTH_INFUSION.isoformat()
        ]
        return record

    def test_all_instruments_on_the_published_case(self, monkeypatch: pytest.MonkeyPatch) -> None:
        record = self.sixth_infusion(monkeypatch)
        # ANA entry criterion; thrombocytopenia 4 + pleural effusion 5 + joint
        # involvement 6 + low C3 and low C4 4 (outranks low C3 or C4 3)
        assert record["eular_acr_2019.points"] == 4 + 5 + 6 + 4
        # rule A: synovitis, serositis, thrombocytopenia (clinical); ANA, low
        # complement, direct Coombs without hemolytic anaemia (immunologic)
        assert record["slicc_2012.classified"] is True
        assert record["slicc_2012.count"] == 3 + 3
        # arthritis, serositis, hematologic disorder, ANA
        assert record["acr_1997.count"] == 4
        # "SLEDAI-2K 0" at the sixth infusion, every descriptor assessed
        assert record["sledai_2k.total"] == 0
        assert record["sledai_2k.complete"] is True

    def test_every_registered_instrument_has_its_keys(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        record = self.sixth_infusion(monkeypatch)
        for name, spec in sle_scoring.INSTRUMENTS.items():
            assert [f"{name}.{field}" for field in spec.fields] == [
                key for key in record if key.startswith(f"{name}.")
            ]

    def test_jsonl_csv_and_the_record_say_the_same(self, monkeypatch: pytest.MonkeyPatch) -> None:
        argv = ["score", "--example", "--instrument", "acr_1997", "--instrument", "sdi"]
        _, jsonl, _ = run(monkeypatch, [*argv, "-f", "jsonl"])
        _, text, _ = run(monkeypatch, [*argv, "-f", "csv"])
        rows = read_csv(text)
        for record, row in zip(map(json.loads, jsonl.splitlines()), rows, strict=True):
            assert list(record) == list(row)
            for key, value in record.items():
                cell = (
                    ""
                    if value is None
                    else str(value).lower()
                    if value in (True, False)
                    else str(value)
                )
                assert row[key] == cell

    def test_an_outcome_needs_evidence_records(self, monkeypatch: pytest.MonkeyPatch) -> None:
        code, _, err = run(
            monkeypatch, ["score", str(EXAMPLES / "visits.csv"), "--instrument", "lldas"]
        )
        assert code == EXIT_USAGE
        assert "lldas cannot be scored from item-level CSV rows" in err

    def test_all_on_csv_applies_the_instruments_the_header_has(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        code, out, _ = run(
            monkeypatch, ["score", str(EXAMPLES / "visits.csv"), "--instrument", "all", "-f", "csv"]
        )
        assert code == EXIT_OK
        header = next(csv.reader(io.StringIO(out)))
        assert {key.split(".")[0] for key in header[3:]} == {"sledai_2k", "clinical_sledai_2k"}

    def test_item_level_slicc(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        path = tmp_path / "slicc.csv"
        path.write_text(
            "patient_id,visit_date,synovitis,serositis,ana,slicc_2012.low_complement\n"
            "P1,2024-01-10,1,1,1,1\n",
            encoding="utf-8",
        )
        code, out, _ = run(
            monkeypatch, ["score", str(path), "--instrument", "slicc_2012", "-f", "jsonl"]
        )
        assert code == EXIT_OK
        record = json.loads(out)
        assert record["slicc_2012.count"] == 2 + 2  # synovitis, serositis; ANA, low complement
        assert record["slicc_2012.classified"] is True  # rule A: >= 4, >= 1 of each

    def test_a_column_of_an_instrument_not_applied_is_an_error(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        path = tmp_path / "mixed.csv"
        path.write_text(
            "patient_id,visit_date,ana_positive,sdi.diabetes,note\nP1,2024-01-10,1,1,x\n",
            encoding="utf-8",
        )
        code, _, err = run(monkeypatch, ["classify", str(path), "--ignore-unknown-columns"])
        assert code == EXIT_USAGE
        assert "column 'sdi.diabetes': is an item of sdi, which is not applied" in err
        assert "'note'" not in err  # an unknown column is still skipped

    def test_a_bare_code_of_an_instrument_not_applied_is_an_error(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        # arthritis is a SLEDAI-2K descriptor (and an ACR 1997 criterion); the 2019
        # EULAR/ACR criteria count joint_involvement instead
        path = tmp_path / "sledai_form.csv"
        path.write_text("patient_id,visit_date,arthritis\nP1,2024-01-10,1\n", encoding="utf-8")
        code, _, err = run(monkeypatch, ["classify", str(path), "--ignore-unknown-columns"])
        assert code == EXIT_USAGE
        assert "is an item of sledai_2k, acr_1997, which is not applied" in err

    def test_the_example_files_can_be_written(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        for name in ("bottazzi_2025.json", "patients.jsonl", "visits.csv"):
            target = tmp_path / name
            code, _, _ = run(monkeypatch, ["example", name, "-o", str(target)])
            assert code == EXIT_OK
            assert target.read_bytes() == (EXAMPLES / name).read_bytes()

    def test_help_of_score_visit_is_short(self) -> None:
        text = pydoc.plain(pydoc.render_doc(sledai_2k.score_visit))
        assert "Index(name='SLEDAI-2K')" in text
        assert "organic_brain_syndrome" not in text  # not the whole table

    def test_explain_of_a_csv_without_item_columns_explains_both(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        path = tmp_path / "no_items.csv"
        path.write_text("patient_id,visit_date\nP1,2024-01-10\n", encoding="utf-8")
        code, out, _ = run(monkeypatch, ["explain", str(path)])
        assert code == EXIT_OK
        assert "2019 EULAR/ACR classification criteria" in out
        assert "SLEDAI-2K (research use, not a diagnosis)" in out


class TestTrialOutcomes:
    """docs/cli.md: "BICLA: baseline = the record's first visit; SELENA flare index:
    the previous visit"; "--pga-rule ... no default"; "--bands SCHEME"."""

    ARGV = ("score", "--example", "-f", "jsonl", "-q")
    BOTH = ("--instrument", "bicla", "--instrument", "selena_flare")

    def records(self, monkeypatch: pytest.MonkeyPatch, *extra: str) -> list[dict[str, object]]:
        code, out, _ = run(monkeypatch, [*self.ARGV, *extra])
        assert code == EXIT_OK
        return [json.loads(line) for line in out.splitlines()]

    def test_says_what_is_missing(self, monkeypatch: pytest.MonkeyPatch) -> None:
        last = self.records(monkeypatch, *self.BOTH, "--bands", "eular_table_4band")[-1]
        # The published case has no BILAG-2004 grades, PGA or treatment-failure flag.
        assert last["bicla.response"] == "cannot be determined"
        missing = str(last["bicla.missing"]).split("; ")
        assert "BILAG-2004 grades at baseline (all 9 systems)" in missing
        assert "BILAG-2004 grades at follow-up (all 9 systems)" in missing
        assert "pga_rule" in missing  # no default reading of the PGA criterion
        assert "treatment failure flag" in missing
        assert last["bicla.c4_no_pga_deterioration"] == "cannot be determined"
        assert "PGA operationalisation not chosen" in str(
            last["bicla.c4_no_pga_deterioration.reason"]
        )
        # Flags the caller must state: the SFI cannot say "no flare" without them.
        assert last["selena_flare.category"] == "cannot be determined"
        assert "hospitalisation flag" in str(last["selena_flare.missing"])

    def test_visit_pairs(self, monkeypatch: pytest.MonkeyPatch) -> None:
        rows = self.records(monkeypatch, *self.BOTH)
        first, second, last = rows[0], rows[1], rows[-1]
        # Nothing to compare with at the first visit.
        assert first["bicla.response"] is None
        assert first["selena_flare.category"] is None
        assert last["bicla.baseline_date"] == first["visit_date"]  # the first visit
        assert last["selena_flare.previous_date"] == rows[-2]["visit_date"]  # the previous
        assert second["selena_flare.previous_date"] == first["visit_date"]

    def test_pga_rule(self, monkeypatch: pytest.MonkeyPatch) -> None:
        last = self.records(monkeypatch, *self.BOTH, "--pga-rule", "pct_of_scale")[-1]
        assert last["bicla.pga_rule"] == "pct_of_scale"
        assert "pga_rule" not in str(last["bicla.missing"]).split("; ")
        code, _, _ = run(monkeypatch, [*self.ARGV, *self.BOTH, "--pga-rule", "ten_percent"])
        assert code == EXIT_USAGE

    @pytest.mark.parametrize(
        ("scheme", "at_zero"),
        [
            ("eular_table_4band", "remission"),  # "0 = remission (no activity)"
            ("malaysia_cpg_2024_sledai_classic", "mild"),  # "< 6 mild" (no zero band)
        ],
    )
    def test_bands_follow_each_sledai_2k_result(
        self, monkeypatch: pytest.MonkeyPatch, scheme: str, at_zero: str
    ) -> None:
        rows = self.records(monkeypatch, "--instrument", "sledai_2k", "--bands", scheme)
        for row in rows:
            keys = list(row)
            after = keys.index("sledai_2k.verdict") + 1
            assert keys[after : after + 4] == [
                f"sledai_bands.{scheme}",
                f"sledai_bands.{scheme}.verdict",
                f"sledai_bands.{scheme}.least",
                f"sledai_bands.{scheme}.most",
            ]
            if row["sledai_2k.total"] == 0 and row["sledai_2k.complete"]:
                assert row[f"sledai_bands.{scheme}"] == at_zero

    def test_bands_not_with_clinical(self, monkeypatch: pytest.MonkeyPatch) -> None:
        argv = [*self.ARGV, "--clinical", "--bands", "eular_table_4band"]
        code, _, err = run(monkeypatch, argv)
        assert code == EXIT_USAGE
        assert "--bands" in err

    def test_all_includes_them(self, monkeypatch: pytest.MonkeyPatch) -> None:
        last = self.records(monkeypatch, "--instrument", "all")[-1]
        assert "bicla.verdict" in last
        assert "selena_flare.verdict" in last
