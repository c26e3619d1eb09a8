"""The command line never loses or destroys data (issue 12, the command-line side).

Each class is one promise: CSV is read by the csv module itself, record boundaries
included; an output is never the input and is replaced only by a run that got
through; every row is a result or an error record; text that is not UTF-8 is a
clear usage error; the output format is never guessed; nothing from the input
reaches the terminal raw. Each reproduction of the issue is a test here.
"""

from __future__ import annotations

import csv
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from naive import SLEDAI_2K_WEIGHTS
from sle_scoring.cli import (
    EXIT_INCOMPLETE,
    EXIT_OK,
    EXIT_ROWS_FAILED,
    EXIT_USAGE,
)
from test_cli import EXAMPLES, read_csv, run

VISITS = (EXAMPLES / "visits.csv").read_text(encoding="utf-8")
PATIENTS = (EXAMPLES / "patients.jsonl").read_text(encoding="utf-8").splitlines()
RASH = SLEDAI_2K_WEIGHTS["rash"]  # 2 points (Gladman et al. 2002)
ARTHRITIS = SLEDAI_2K_WEIGHTS["arthritis"]  # 4 points


def command(*argv: str, **options: object) -> subprocess.CompletedProcess[bytes]:
    """``python -m sle_scoring ARGV`` in a real process (real files and streams)."""
    done: subprocess.CompletedProcess[bytes] = subprocess.run(
        [sys.executable, "-m", "sle_scoring", *argv],
        capture_output="stdout" not in options,
        check=False,
        **options,  # type: ignore[call-overload]
    )
    return done


def one_error_line(stderr: bytes) -> str:
    """The single line a failed run prints, with no traceback."""
    text = stderr.decode("utf-8")
    assert "Traceback" not in text
    assert len(text.splitlines()) == 1, text
    return text


class TestCsvModuleReadsTheRecords:
    """A quote inside an unquoted cell is a literal character, as the csv module and
    RFC 4180 read it; record boundaries are the csv module's."""

    def test_stray_quote_gives_three_rows_with_the_malformed_one_reported(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        path = tmp_path / "stray.csv"
        path.write_text(
            'patient_id,visit_date,rash\nP1,2024-01-01,1"\nP2,2024-01-02,1\nP3,2024-01-03,0\n',
            encoding="utf-8",
        )
        code, out, err = run(monkeypatch, ["sledai", str(path), "-f", "csv"])
        assert code == EXIT_ROWS_FAILED
        assert [(r["patient_id"], r["sledai_2k.total"]) for r in read_csv(out)] == [
            ("P2", str(RASH)),  # rash present: 2
            ("P3", "0"),
        ]
        assert "row 2 patient 'P1' field 'rash'" in err
        assert "(got '1\"')" in err
        assert err.endswith("3 rows read, 2 scored, 1 failed; 2 results written\n")

    def test_a_patient_id_with_a_quote_is_read_as_written(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        path = tmp_path / "quote.csv"
        path.write_text(
            'patient_id,visit_date,rash\nO"Brien,2024-01-01,1\nP2,2024-01-02,0\nP3,2024-01-03,0\n',
            encoding="utf-8",
        )
        code, out, err = run(monkeypatch, ["sledai", str(path), "-f", "jsonl"])
        assert code == EXIT_OK
        assert [json.loads(line)["patient_id"] for line in out.splitlines()] == [
            'O"Brien',
            "P2",
            "P3",
        ]
        assert err.endswith("3 rows read, 3 scored, 0 failed; 3 results written\n")

    def test_inch_mark_in_an_ignored_note_column(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # The architecture review's file: P002 and P003 used to be neither scored
        # nor reported.
        path = tmp_path / "visits.csv"
        path.write_text(
            "patient_id,visit_date,arthritis,rash,note\n"
            'P001,2024-01-10,1,0,lesion 2" wide\n'
            "P002,2024-01-11,1,0,\n"
            "P003,2024-01-12,0,1,\n",
            encoding="utf-8",
        )
        argv = ["sledai", str(path), "--ignore-unknown-columns", "-f", "csv"]
        code, out, err = run(monkeypatch, argv)
        assert code == EXIT_OK
        assert [(r["row"], r["sledai_2k.total"]) for r in read_csv(out)] == [
            ("2", str(ARTHRITIS)),  # arthritis 4
            ("3", str(ARTHRITIS)),  # arthritis 4
            ("4", str(RASH)),  # rash 2
        ]
        assert err.endswith("3 rows read, 3 scored, 0 failed; 3 results written\n")

    def test_a_quoted_line_break_stays_in_its_record(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        path = tmp_path / "note.csv"
        path.write_text(
            'patient_id,visit_date,rash,note\nP1,2024-01-01,1,"two\nlines"\n\nP2,2024-01-02,0,\n',
            encoding="utf-8",
        )
        argv = ["sledai", str(path), "--ignore-unknown-columns", "-f", "csv", "-q"]
        code, out, _ = run(monkeypatch, argv)
        assert code == EXIT_OK
        # Rows are records as a spreadsheet shows them, the blank line counted.
        assert [(r["row"], r["patient_id"]) for r in read_csv(out)] == [("2", "P1"), ("4", "P2")]

    def test_a_cell_over_the_csv_field_limit_is_one_error_row(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        huge = "x" * (csv.field_size_limit() + 1)
        path = tmp_path / "huge.csv"
        path.write_text(
            f"patient_id,visit_date,rash\nP1,2024-01-01,{huge}\nP2,2024-01-02,1\n", "utf-8"
        )
        code, out, err = run(monkeypatch, ["sledai", str(path), "-f", "csv"])
        assert code == EXIT_ROWS_FAILED
        assert [r["patient_id"] for r in read_csv(out)] == ["P2"]
        assert "row 2 field '(row)': unreadable CSV: field larger than field limit" in err
        assert err.endswith("2 rows read, 1 scored, 1 failed; 1 result written\n")

    def test_an_unreadable_header_is_a_usage_error(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        path = tmp_path / "header.csv"
        path.write_text("patient_id," + "x" * (csv.field_size_limit() + 1) + "\n", "utf-8")
        code, out, err = run(monkeypatch, ["sledai", str(path)])
        assert (code, out) == (EXIT_USAGE, "")
        assert "the CSV header (row 1): unreadable CSV: field larger than field limit" in err


class TestNothingDestroyed:
    """An output that is the input, or the other output, is refused before anything
    is read; an output file is replaced only when the run got through."""

    @pytest.fixture
    def visits(self, tmp_path: Path) -> Path:
        path = tmp_path / "x.csv"
        path.write_text(VISITS, encoding="utf-8")
        return path

    def refused(self, monkeypatch: pytest.MonkeyPatch, argv: list[str], *kept: Path) -> str:
        before = [path.read_bytes() for path in kept]
        code, out, err = run(monkeypatch, argv)
        assert (code, out) == (EXIT_USAGE, "")
        assert [path.read_bytes() for path in kept] == before
        assert "nothing was read or written" in err
        return err

    def test_output_is_the_input(self, visits: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        err = self.refused(monkeypatch, ["sledai", str(visits), "-o", str(visits)], visits)
        assert f"--output {visits} is the same file as the input {visits}" in err

    def test_errors_is_the_input(self, visits: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        err = self.refused(monkeypatch, ["sledai", str(visits), "--errors", str(visits)], visits)
        assert f"--errors {visits} is the same file as the input" in err

    def test_the_input_through_another_path_a_hard_link_or_a_symbolic_link(
        self, visits: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        hard = visits.with_name("hard.csv")
        os.link(visits, hard)
        soft = visits.with_name("soft.csv")
        soft.symlink_to(visits)
        dotted = str(visits.parent / "." / visits.name)
        for output in (str(hard), str(soft), dotted):
            self.refused(monkeypatch, ["sledai", str(visits), "-o", output], visits)

    def test_output_and_errors_are_one_file(
        self, visits: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        both = visits.with_name("both.csv")
        err = self.refused(
            monkeypatch, ["sledai", str(visits), "-o", str(both), "--errors", str(both)]
        )
        assert f"--errors {both} is the same file as --output {both}" in err
        assert not both.exists()

    def test_standard_output_appending_to_the_input(self, visits: Path) -> None:
        before = visits.read_bytes()
        with visits.open("ab") as stdout:
            done = command("sledai", str(visits), stdout=stdout, stderr=subprocess.PIPE)
        assert done.returncode == EXIT_USAGE
        assert "standard output is the same file as the input" in one_error_line(done.stderr)
        assert visits.read_bytes() == before

    def test_a_run_that_stops_leaves_the_old_output_and_no_temporary_file(
        self, visits: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        good = visits.with_name("scores.csv")
        good.write_text("the results of an earlier run\n", encoding="utf-8")
        broken = visits.with_name("broken.csv")
        broken.write_bytes(VISITS.encode("utf-8") + b"P9,2024-01-01,\xff\n")  # stops the run
        code, _, err = run(monkeypatch, ["sledai", str(broken), "-o", str(good)])
        assert code == EXIT_USAGE
        assert "not UTF-8" in err
        assert good.read_text(encoding="utf-8") == "the results of an earlier run\n"
        assert sorted(p.name for p in visits.parent.iterdir()) == [
            "broken.csv",
            "scores.csv",
            "x.csv",
        ]

    def test_a_run_with_failed_rows_still_replaces_the_output(
        self, visits: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        visits.write_text(VISITS + "P9,2024-02-30" + ",0" * 24 + "\n", encoding="utf-8")
        good = visits.with_name("scores.csv")
        good.write_text("old\n", encoding="utf-8")
        good.chmod(0o640)
        code, _, err = run(monkeypatch, ["sledai", str(visits), "-o", str(good)])
        assert code == EXIT_ROWS_FAILED
        assert "row 6 patient 'P9' field 'visit_date'" in err  # the failed row, reported
        assert [r["patient_id"] for r in read_csv(good.read_text("utf-8"))] == [
            "P001",
            "P001",
            "P002",
            "P003",
        ]
        assert stat.S_IMODE(good.stat().st_mode) == 0o640  # permissions kept

    def test_a_symbolic_link_output_replaces_its_target(
        self, visits: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        target = visits.with_name("target.csv")
        target.write_text("old\n", encoding="utf-8")
        link = visits.with_name("link.csv")
        link.symlink_to(target)
        code, _, _ = run(monkeypatch, ["sledai", str(visits), "-o", str(link), "-q"])
        assert code == EXIT_OK
        assert link.is_symlink()
        assert len(read_csv(target.read_text("utf-8"))) == 4

    def test_a_full_disk_is_one_line_and_exit_3(self, visits: Path) -> None:
        done = command("sledai", str(visits), "-o", "/dev/full")
        assert done.returncode == EXIT_INCOMPLETE
        line = one_error_line(done.stderr)
        assert line == (
            "sle-scoring: error: cannot write /dev/full: No space left on device; the run "
            "stopped, output files left as they were\n"
        )

    def test_a_full_disk_on_standard_output(self, visits: Path) -> None:
        with open("/dev/full", "wb") as full:
            done = command("sledai", str(visits), stdout=full, stderr=subprocess.PIPE)
        assert done.returncode == EXIT_INCOMPLETE
        assert "cannot write standard output: No space left" in one_error_line(done.stderr)

    def test_a_full_disk_for_the_errors(self, visits: Path) -> None:
        visits.write_text(VISITS + "P9,2024-02-30" + ",0" * 24 + "\n", encoding="utf-8")
        done = command("sledai", str(visits), "--errors", "/dev/full", "-o", os.devnull)
        assert done.returncode == EXIT_INCOMPLETE
        assert "cannot write /dev/full" in one_error_line(done.stderr)

    def test_an_output_folder_that_does_not_exist(
        self, visits: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        missing = visits.parent / "no" / "such.csv"
        code, _, err = run(monkeypatch, ["sledai", str(visits), "-o", str(missing)])
        assert code == EXIT_USAGE
        assert f"cannot write {missing}: No such file or directory" in err


class TestEveryRowAccountedFor:
    """A bad line or record is an error record and the run goes on; the summary and
    the output files agree."""

    # Each breaks the library beyond its typed errors today (issue 12): nesting
    # deeper than the recursion limit, and an integer over Python's digit limit.
    HOSTILE = ("[" * 3000, '{"patient": "P9", "observations": [{"a": ' + "9" * 5000 + "}]}")

    @pytest.mark.parametrize("line", HOSTILE)
    def test_a_line_the_library_cannot_read_is_one_error_record(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, line: str
    ) -> None:
        path = tmp_path / "patients.jsonl"
        path.write_text("\n".join([PATIENTS[0], line, PATIENTS[1]]) + "\n", encoding="utf-8")
        errors = tmp_path / "errors.jsonl"
        argv = ["classify", str(path), "-f", "jsonl", "--errors", str(errors)]
        code, out, err = run(monkeypatch, argv)
        assert code == EXIT_ROWS_FAILED
        assert [json.loads(r)["row"] for r in out.splitlines()] == [1, 3]
        assert {json.loads(r)["row"] for r in errors.read_text("utf-8").splitlines()} == {2}
        assert err.endswith(f"3 lines read, 2 scored, 1 failed (see {errors}); 2 results written\n")

    def test_a_json_document_the_library_cannot_read_is_a_usage_error(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        path = tmp_path / "deep.json"
        path.write_text("[" * 3000, encoding="utf-8")
        code, out, err = run(monkeypatch, ["classify", str(path)])
        assert (code, out) == (EXIT_USAGE, "")
        assert err.startswith("sle-scoring: error: JSON document: ")

    def test_summary_and_files_agree(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        path = tmp_path / "visits.csv"
        lines = VISITS.splitlines()
        path.write_text(
            "\n".join([*lines, "P9,2024-02-30,maybe", ",,", lines[1].replace("P001", "P7")]),
            encoding="utf-8",
        )
        output, errors = tmp_path / "out.csv", tmp_path / "errors.jsonl"
        argv = ["sledai", str(path), "-o", str(output), "--errors", str(errors)]
        code, _, err = run(monkeypatch, argv)
        scored = {r["row"] for r in read_csv(output.read_text("utf-8"))}
        failed = {str(json.loads(r)["row"]) for r in errors.read_text("utf-8").splitlines()}
        assert code == EXIT_ROWS_FAILED
        assert scored == {"2", "3", "4", "5", "8"}
        assert failed == {"6", "7"}
        assert err.endswith(f"7 rows read, 5 scored, 2 failed (see {errors}); 5 results written\n")


class TestEncodings:
    """UTF-8 by default, a byte-order mark ignored; --encoding for others; text that
    is not in the encoding stops the run, exit 2, naming the byte."""

    def test_one_byte_that_is_not_utf_8(self, tmp_path: Path) -> None:
        path = tmp_path / "ff.csv"
        path.write_bytes(b"\xff")
        done = command("sledai", str(path))
        assert done.returncode == EXIT_USAGE
        assert "byte 0xff at offset 0 (line 1) is not UTF-8" in one_error_line(done.stderr)

    def test_utf_16_without_and_with_encoding(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        path = tmp_path / "u16.csv"
        path.write_text(VISITS, encoding="utf-16")
        code, out, err = run(monkeypatch, ["sledai", str(path)])
        assert (code, out) == (EXIT_USAGE, "")
        assert "UTF-16 byte-order mark: give --encoding utf-16" in err
        expected = run(monkeypatch, ["sledai", str(EXAMPLES / "visits.csv"), "-q"])
        assert run(monkeypatch, ["sledai", str(path), "--encoding", "utf-16", "-q"]) == expected

    def test_latin_1_names_offset_and_line_then_reads_with_its_encoding(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        path = tmp_path / "l.csv"
        path.write_bytes(b"patient_id,visit_date,rash\nJos\xe9,2024-01-01,1\n")
        code, _, err = run(monkeypatch, ["sledai", str(path)])
        assert code == EXIT_USAGE
        offset = len(b"patient_id,visit_date,rash\nJos")  # the header line, then "Jos"
        assert f"byte 0xe9 at offset {offset} (line 2) is not UTF-8" in err
        assert "--encoding cp1252" in err
        code, out, _ = run(
            monkeypatch, ["sledai", str(path), "--encoding", "cp1252", "-f", "jsonl"]
        )
        assert code == EXIT_OK
        assert json.loads(out)["patient_id"] == "José"

    def test_a_strict_encoding_names_the_line(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        path = tmp_path / "x.csv"
        path.write_bytes(b"patient_id,visit_date,rash\nP1,2024-01-01,\xff\n")
        code, _, err = run(monkeypatch, ["sledai", str(path), "--encoding", "ascii"])
        assert code == EXIT_USAGE
        assert "cannot read" in err
        assert "as ascii: byte 0xff (ordinal not in range(128)) at or after line 1" in err

    def test_byte_order_mark_accepted(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        csv_path, jsonl_path = tmp_path / "bom.csv", tmp_path / "bom.jsonl"
        csv_path.write_text(VISITS, encoding="utf-8-sig")
        jsonl_path.write_text("\n".join(PATIENTS), encoding="utf-8-sig")
        for path, plain in ((csv_path, "visits.csv"), (jsonl_path, "patients.jsonl")):
            expected = run(monkeypatch, ["score", str(EXAMPLES / plain), "-q", "-f", "jsonl"])
            assert run(monkeypatch, ["score", str(path), "-q", "-f", "jsonl"]) == expected

    def test_byte_order_mark_on_standard_input(self, tmp_path: Path) -> None:
        path = tmp_path / "bom.jsonl"
        path.write_text("\n".join(PATIENTS), encoding="utf-8-sig")
        with path.open("rb") as stdin:
            done = command("classify", "-", "-f", "csv", "-q", stdin=stdin)
        assert done.returncode == EXIT_OK
        assert [r["patient_id"] for r in read_csv(done.stdout.decode("utf-8"))] == ["P101", "P102"]

    def test_unknown_encoding(self, monkeypatch: pytest.MonkeyPatch) -> None:
        code, _, _ = run(monkeypatch, ["sledai", "--example", "--encoding", "klingon"])
        assert code == EXIT_USAGE


class TestOutputFormatNeverGuessed:
    @pytest.mark.parametrize("name", ["out.json", "out.xlsx", "out.tsv"])
    def test_an_extension_that_is_no_output_format(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
    ) -> None:
        output = tmp_path / name
        code, _, err = run(monkeypatch, ["sledai", str(EXAMPLES / "visits.csv"), "-o", str(output)])
        assert code == EXIT_USAGE
        assert "is not an output format" in err
        assert not output.exists()

    def test_format_given_wins_over_the_extension(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        output = tmp_path / "out.json"
        argv = ["sledai", str(EXAMPLES / "visits.csv"), "-o", str(output), "-f", "jsonl", "-q"]
        assert run(monkeypatch, argv)[0] == EXIT_OK
        assert len([json.loads(line) for line in output.read_text("utf-8").splitlines()]) == 4

    @pytest.mark.parametrize(("name", "kind"), [("o.CSV", "csv"), ("o.ndjson", "jsonl")])
    def test_supported_extensions(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, kind: str
    ) -> None:
        output = tmp_path / name
        argv = ["sledai", str(EXAMPLES / "visits.csv"), "-o", str(output), "-q"]
        assert run(monkeypatch, argv)[0] == EXIT_OK
        first = output.read_text("utf-8").splitlines()[0]
        assert first.startswith("row,") if kind == "csv" else json.loads(first)["row"] == 2

    def test_explain_writes_text_only(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        code, _, err = run(monkeypatch, ["explain", "--example", "-o", str(tmp_path / "e.csv")])
        assert code == EXIT_USAGE
        assert "explain writes readable text" in err

    def test_cumulative_without_classification_is_refused(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        code, _, err = run(monkeypatch, ["sledai", str(EXAMPLES / "visits.csv"), "--cumulative"])
        assert code == EXIT_USAGE
        assert "--cumulative carries 2019 EULAR/ACR criteria forward" in err
        code, _, err = run(monkeypatch, ["classify", "--example", "--cumulative"])
        assert code == EXIT_USAGE
        assert "--cumulative applies to item-level CSV rows" in err

    def test_cumulative_is_listed_only_where_it_applies(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # sledai never classifies by EULAR/ACR 2019, so its help does not offer the
        # option it refuses (it still says why when given it, above).
        for command, listed in (("sledai", False), ("classify", True), ("score", True)):
            out = run(monkeypatch, [command, "--help"])[1]
            assert ("--cumulative" in out) is listed, command

    def test_help_documents_every_exit_status(self, monkeypatch: pytest.MonkeyPatch) -> None:
        out = run(monkeypatch, ["--help"])[1]
        assert "3 the run could not complete" in " ".join(out.split())


class TestTerminalSafety:
    """Control and format characters read from the input (terminal escapes, a
    carriage return, a bidirectional override) are printed as escapes."""

    HOSTILE = "\x1b]0;owned\x07\x1b[2J\r\u202e\x9b"

    def test_in_error_lines(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        path = tmp_path / "x.csv"
        with path.open("w", newline="", encoding="utf-8") as stream:
            csv.writer(stream).writerow(["patient_id", "visit_date", "rash"])
            csv.writer(stream).writerow([f"P{self.HOSTILE}", "2024-01-01", self.HOSTILE])
        code, _, err = run(monkeypatch, ["sledai", str(path), "-f", "csv"])
        assert code == EXIT_ROWS_FAILED
        assert all(line.isprintable() for line in err.splitlines())
        assert "\\x1b]0;owned\\x07" in err

    def test_in_usage_errors(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        path = tmp_path / "x.csv"
        with path.open("w", newline="", encoding="utf-8") as stream:
            csv.writer(stream).writerow(["patient_id", "visit_date", self.HOSTILE])
        code, _, err = run(monkeypatch, ["sledai", str(path)])
        assert code == EXIT_USAGE
        assert all(line.isprintable() for line in err.splitlines())
        assert "\\x1b[2J" in err

    def test_in_the_skipped_columns_note(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        path = tmp_path / "x.csv"
        with path.open("w", newline="", encoding="utf-8") as stream:
            csv.writer(stream).writerows(
                [["patient_id", "visit_date", self.HOSTILE], ["P1", "2024-01-01", "x"]]
            )
        code, _, err = run(monkeypatch, ["sledai", str(path), "--ignore-unknown-columns"])
        assert code == EXIT_OK
        assert all(line.isprintable() for line in err.splitlines())


def test_lone_surrogate_in_a_record_does_not_stop_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A JSON ``\\ud800`` escape (a lone surrogate, which UTF-8 cannot hold) in a
    patient identifier: the run still writes every output."""
    path = tmp_path / "p.jsonl"
    path.write_text(PATIENTS[0].replace('"P101"', '"P\\ud800"') + "\n", encoding="utf-8")
    output, errors = tmp_path / "out.jsonl", tmp_path / "errors.jsonl"
    code, _, err = run(
        monkeypatch, ["classify", str(path), "-o", str(output), "--errors", str(errors)]
    )
    assert code in (EXIT_OK, EXIT_ROWS_FAILED)
    assert "1 line read" in err
    written = output.read_text("utf-8").splitlines() + errors.read_text("utf-8").splitlines()
    assert len(written) >= 1
    assert all(isinstance(json.loads(line), dict) for line in written)
