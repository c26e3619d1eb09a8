"""``sle-scoring score --engine columnar``: the same output as the Python engine, byte
for byte, whatever the file holds (odd rows go row by row, odd files the rest of the
way); and a bare install never loads Polars."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from golden import record
from sle_scoring import INSTRUMENTS, _columnar, cli, sledai_bands

OUT = Path(__file__).parent / "golden" / "out"
SLEDAI = INSTRUMENTS["sledai_2k"].codes
EULAR = INSTRUMENTS["eular_acr_2019"].codes
# Four clinical descriptors and the two serological ones (which --clinical ignores).
SEROLOGY = ["low_complement", "increased_dna_binding"]
HEADER = ["patient_id", "visit_date"] + [f"sledai_2k.{c}" for c in [*SLEDAI[:4], *SEROLOGY]]
HEADER += [f"eular_acr_2019.{c}" for c in EULAR[:6]]
# The item-level golden commands (CSV input).
ITEM_LEVEL = sorted(
    name
    for name in record.COMMANDS
    if name.startswith(("visits-", "corpus_sledai", "corpus_eular"))
)


@pytest.mark.parametrize("name", ITEM_LEVEL)
def test_golden_item_level_commands_with_the_columnar_engine(name: str) -> None:
    expected = (OUT / f"{name}.txt").read_text(encoding="utf-8")
    args = [*record.COMMANDS[name], "--engine", "columnar"]
    assert _recorded(args) == expected


def _recorded(args: list[str]) -> str:
    # As golden/record.py records a command (paths relative to tests/golden).
    done = subprocess.run(
        [sys.executable, "-m", "sle_scoring", *record.arguments(args), "--no-progress"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        stdin=subprocess.DEVNULL,
        check=False,
    )
    text = f"--- rc {done.returncode}\n--- stdout\n{done.stdout}--- stderr\n{done.stderr}"
    for key, path in record._FILES.items():
        text = text.replace(str(path), key)
    return text


# What the columnar engine writes (_columnar.LAYOUTS): CSV, the flat JSON records of
# score --instrument, the nested ones of score without it (and of the shortcuts).
LAYOUTS = {
    "csv": ("--format", "csv"),
    "record": ("--format", "jsonl", "--instrument", "sledai_2k", "--instrument", "eular_acr_2019"),
    "dict": ("--format", "jsonl"),
    "csv, bands": ("--format", "csv", "--bands", "eular_table_4band"),
    "record, bands": ("--format", "jsonl", "--bands", "eular_table_4band"),
    "csv, clinical": ("--format", "csv", "--clinical"),
    "dict, clinical": ("--format", "jsonl", "--clinical"),
    "record, clinical": (
        *("--format", "jsonl", "--instrument", "clinical_sledai_2k"),
        *("--instrument", "eular_acr_2019", "--instrument", "sledai_2k"),
    ),
}


def _both(
    tmp_path: Path, data: bytes, *options: str, engines: tuple[str, ...] = ("python", "columnar")
) -> tuple[tuple[int, bytes, bytes], ...]:
    """(exit status, output bytes, error records) of each engine on ``data``."""
    source = tmp_path / "visits.csv"
    source.write_bytes(data)
    found = []
    for engine in engines:
        suffix = "jsonl" if "jsonl" in options else "csv"
        out, errors = tmp_path / f"{engine}.{suffix}", tmp_path / f"{engine}.errors.jsonl"
        arguments = ["score", str(source), "-o", str(out), "--errors", str(errors), "-q"]
        status = cli.main([*arguments, *options, "--engine", engine])
        read = out.read_bytes() if out.exists() else b""
        found.append((status, read, errors.read_bytes() if errors.exists() else b""))
    return tuple(found)


def _rows(count: int, cell: str = "0") -> list[str]:
    return [
        ",".join([f"P{n:03d}", f"2024-01-{1 + n % 28:02d}"] + [cell] * (len(HEADER) - 2))
        for n in range(count)
    ]


class TestSameOutputAsThePythonEngine:
    """Every row scored or reported as the Python engine does, in the same order."""

    @pytest.mark.parametrize("layout", LAYOUTS)
    def test_plain_rows(self, tmp_path: Path, layout: str) -> None:
        lines = [",".join(HEADER), *_rows(5, "1"), *_rows(5, ""), *_rows(5, "0")]
        python, columnar = _both(tmp_path, ("\n".join(lines) + "\n").encode(), *LAYOUTS[layout])
        assert python == columnar
        header = layout.startswith("csv")
        assert python[1].count(b"\n") == header + 15  # (the header and) every row, scored

    @pytest.mark.parametrize("layout", LAYOUTS)
    def test_plain_rows_are_read_column_wise(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layout: str
    ) -> None:
        def row_by_row(job: object, rows: object) -> None:
            raise AssertionError("a row went row by row")

        monkeypatch.setattr(cli, "_process", row_by_row)
        lines = [",".join(HEADER), *_rows(5, "1"), *_rows(5, ""), *_rows(5, "0")]
        source, out = tmp_path / "visits.csv", tmp_path / "out.txt"
        source.write_text("\n".join(lines) + "\n", encoding="utf-8")
        arguments = ["score", str(source), "-o", str(out), "-q", "--engine", "columnar"]
        assert cli.main([*arguments, *LAYOUTS[layout]]) == cli.EXIT_OK
        assert out.read_bytes().count(b"\n") == (layout.startswith("csv")) + 15

    @pytest.mark.parametrize("scheme", list(sledai_bands.SCHEMES))
    def test_every_band_scheme(self, tmp_path: Path, scheme: str) -> None:
        # Totals at and around every band edge, some with descriptors not assessed
        # whose weights could cross one (the band then cannot be determined).
        lines = [",".join(HEADER)]
        for number, cells in enumerate(itertools.product(["1", "0", ""], repeat=4)):
            row = [*cells, "1" if number % 2 else "0", "" if number % 3 else "1"]
            lines.append(",".join([f"P{number}", "2024-01-01", *row, *["0"] * 6]))
        data = ("\n".join(lines) + "\n").encode()
        for output in ("csv", "jsonl"):
            python, columnar = _both(tmp_path, data, "--format", output, "--bands", scheme)
            assert python == columnar
            assert b"cannot be determined" in python[1]

    @pytest.mark.parametrize("layout", LAYOUTS)
    def test_odd_rows_go_row_by_row(self, tmp_path: Path, layout: str) -> None:
        lines = [",".join(HEADER), *_rows(3)]
        lines.append(",".join(["=cmd", "2024-01-01"] + ["1"] * (len(HEADER) - 2)))  # a formula
        lines.append(",".join([" P9 ", "2024-01-01"] + [" Yes "] * (len(HEADER) - 2)))
        lines.append(",".join(["P10", "2024-02-30"] + ["0"] * (len(HEADER) - 2)))  # bad date
        lines.append(",".join(["", ""] + ["maybe"] * (len(HEADER) - 2)))  # no patient, bad cells
        lines.extend(_rows(3, "1"))
        data = ("\r\n".join(lines) + "\r\n").encode()
        python, columnar = _both(tmp_path, data, *LAYOUTS[layout])
        assert python == columnar
        assert python[0] == cli.EXIT_ROWS_FAILED

    @pytest.mark.parametrize("cell", ["01", "+1", "-0", "2", "1.0", "Yes"])
    @pytest.mark.parametrize("layout", LAYOUTS)
    def test_cells_that_look_like_numbers(self, tmp_path: Path, cell: str, layout: str) -> None:
        # Read as digits where every item cell is one digit or blank; "01" or "+1" is
        # not a spelling of present, however a number parser reads it.
        lines = [",".join(HEADER), *_rows(3, "1"), *_rows(2, cell), *_rows(3, "")]
        python, columnar = _both(tmp_path, ("\n".join(lines) + "\n").encode(), *LAYOUTS[layout])
        assert python == columnar
        readable = cell in ("1.0", "Yes")  # the others are errors naming the cell
        assert python[0] == (cli.EXIT_OK if readable else cli.EXIT_ROWS_FAILED)

    @pytest.mark.parametrize(
        "odd",
        [
            '"P1",2024-01-01' + ",0" * 12,  # a quoted cell
            "",  # a blank line
            "P1,2024-01-01,0",  # too few cells
            "P1,2024-01-01" + ",0" * 13,  # too many
        ],
    )
    def test_odd_files_go_the_rest_of_the_way_row_by_row(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, odd: str
    ) -> None:
        monkeypatch.setattr(_columnar, "BLOCK_BYTES", 200)  # several blocks before the odd line
        lines = [",".join(HEADER), *_rows(12), odd, *_rows(4, "1")]
        python, columnar = _both(tmp_path, ("\n".join(lines)).encode())  # no final line break
        assert python == columnar

    def test_bytes_not_utf_8_stop_the_run_as_in_the_python_engine(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        monkeypatch.setattr(_columnar, "BLOCK_BYTES", 200)
        lines = [",".join(HEADER).encode(), *(row.encode() for row in _rows(12))]
        lines.append(b"P\xe9," + b",".join([b"2024-01-01"] + [b"0"] * 12))
        python, columnar = _both(tmp_path, b"\n".join(lines) + b"\n")
        assert python == columnar
        assert python[0] == cli.EXIT_USAGE
        messages = capsys.readouterr().err.splitlines()
        assert len(messages) == 2
        assert messages[0] == messages[1]  # the same line and offset

    def test_a_bom_and_default_fields(self, tmp_path: Path) -> None:
        lines = [",".join(HEADER), *_rows(4, "1")]
        data = b"\xef\xbb\xbf" + ("\n".join(lines) + "\n").encode()
        assert len(set(_both(tmp_path, data))) == 1
        assert len(set(_both(tmp_path, data, "--instrument", "eular_acr_2019"))) == 1

    @settings(max_examples=25, deadline=None)
    @given(
        st.lists(
            st.lists(st.sampled_from(["0", "1", "", "yes", "N", " 1", "x", "NA"]), min_size=12),
            min_size=1,
            max_size=8,
        ),
        st.lists(st.sampled_from(["P1", "P2", "", " P3", "+1", "P\\4"]), min_size=8, max_size=8),
        st.sampled_from(list(LAYOUTS)),
    )
    def test_generated_files(
        self, cells: list[list[str]], patients: list[str], layout: str
    ) -> None:
        lines = [",".join(HEADER)]
        for patient, row in zip(patients, cells, strict=False):
            lines.append(",".join([patient, "2024-03-01", *row[:12]]))
        data = ("\n".join(lines) + "\n").encode()
        with tempfile.TemporaryDirectory() as directory:
            python, columnar = _both(Path(directory), data, *LAYOUTS[layout])
        assert python == columnar

    @settings(max_examples=30, deadline=None)
    @given(
        st.lists(
            st.tuples(
                st.sampled_from(["P1", "P2", "", " P3", "+1", "P\\4", 'P"5', "P\u00e96", "=1"]),
                st.sampled_from(["2024-03-01", "", "2024-02-30", " 2024-03-02", "03/01/2024"]),
                st.lists(
                    st.sampled_from(["0", "1", "", "yes", "No", " 1", "x", '"1"', "0\n1"]),
                    min_size=12,
                    max_size=12,
                ),
            ),
            max_size=10,
        ),
        st.lists(st.sampled_from(["", "\n", "P9,2024-01-01,1", ",,,"]), max_size=3),
        st.sampled_from(["\n", "\r\n"]),
        st.sampled_from(list(LAYOUTS)),
        st.booleans(),
    )
    def test_generated_files_with_odd_lines(
        self,
        rows: list[tuple[str, str, list[str]]],
        odd: list[str],
        end: str,
        layout: str,
        items: bool,
    ) -> None:
        # Quotes, blank lines, rows of another width, odd cells, errors: wherever
        # they are, both engines write the same bytes, the same errors, the same status.
        lines = [",".join(HEADER)]
        for patient, visit, cells in rows:
            quoted = [
                '"' + c.replace('"', '""') + '"' if '"' in c or "\n" in c else c for c in cells
            ]
            lines.append(",".join([patient, visit, *quoted]))
        for position, line in enumerate(odd):  # spread through the file
            lines.insert(1 + position * 3 % len(lines), line)
        data = (end.join(lines) + end).encode()
        options = [*LAYOUTS[layout], *(["--items"] if items else [])]
        with tempfile.TemporaryDirectory() as directory:
            python, columnar = _both(Path(directory), data, *options)
        assert python == columnar


def test_without_the_frame_extra_a_usage_error_names_it(tmp_path: Path) -> None:
    source = tmp_path / "visits.csv"
    source.write_text(",".join(HEADER) + "\n" + "\n".join(_rows(2)) + "\n", encoding="utf-8")
    program = (
        "import sys; sys.modules['polars'] = None\n"  # as if Polars were not installed
        "from sle_scoring.cli import main\n"
        f"sys.exit(main(['score', {str(source)!r}, '--engine', 'columnar']))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=False
    )
    assert done.returncode == cli.EXIT_USAGE
    assert "pip install 'sle-scoring[frame]'" in done.stderr
    assert done.stdout == ""


@pytest.mark.parametrize("engine", ["python", "auto"])
def test_a_small_file_never_loads_a_frame_library(tmp_path: Path, engine: str) -> None:
    # --engine auto (the default) leaves a file under cli._AUTO_BYTES to the Python
    # engine without loading Polars: loading it would cost more than it saves.
    source = tmp_path / "visits.csv"
    source.write_text(",".join(HEADER) + "\n" + "\n".join(_rows(2)) + "\n", encoding="utf-8")
    out = str(tmp_path / "out.csv")
    program = (
        "import sys\n"
        "from sle_scoring.cli import main\n"
        f"main(['score', {str(source)!r}, '-o', {out!r}, '-q', '--engine', {engine!r}])\n"
        "print(sorted(m for m in ('polars', 'narwhals', 'pandas', 'pyarrow') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True
    )
    assert done.stdout == "[]\n"
    assert Path(out).read_text(encoding="utf-8").count("\n") == 1 + 2  # header, 2 rows


class TestAutoEngine:
    """--engine auto, the default: the columnar engine for a file of at least
    cli._AUTO_BYTES it can read, when the frame extra is installed; else Python."""

    def test_the_default_is_auto(self) -> None:
        args = cli._parser().parse_args(["score", "visits.csv"])
        assert args.engine == "auto"

    def test_a_large_file_is_read_column_wise(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        lines = [",".join(HEADER), *_rows(5, "1")]
        data = ("\n".join(lines) + "\n").encode()
        read: list[int] = []
        blocks = _columnar.csv_blocks

        def counted(*arguments: Any, **options: Any) -> Iterator[_columnar.Block]:
            read.append(1)
            return blocks(*arguments, **options)

        monkeypatch.setattr(_columnar, "csv_blocks", counted)
        monkeypatch.setattr(cli, "_AUTO_BYTES", len(data) + 1)  # one byte short
        python, auto = _both(tmp_path, data, engines=("python", "auto"))
        assert python == auto
        assert read == []  # the Python engine read it
        monkeypatch.setattr(cli, "_AUTO_BYTES", len(data))  # just large enough
        python, auto = _both(tmp_path, data, engines=("python", "auto"))
        assert python == auto
        assert read == [1]

    def test_without_the_frame_extra_the_python_engine_runs(self, tmp_path: Path) -> None:
        source = tmp_path / "visits.csv"
        source.write_text(",".join(HEADER) + "\n" + "\n".join(_rows(2)) + "\n", encoding="utf-8")
        program = (
            "import sys; sys.modules['polars'] = None\n"  # as if Polars were not installed
            "from sle_scoring import cli\n"
            "cli._AUTO_BYTES = 0\n"  # every file large enough
            f"sys.exit(cli.main(['score', {str(source)!r}]))\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", program], capture_output=True, text=True, check=False
        )
        assert done.returncode == cli.EXIT_OK, done.stderr
        assert done.stdout.count("\n") == 1 + 2  # the header and both rows
        assert done.stderr == "sle-scoring: 2 rows read, 2 scored, 0 failed; 2 results written\n"

    def test_errors_summary_and_exit_status_are_the_python_engines(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        monkeypatch.setattr(cli, "_AUTO_BYTES", 0)
        lines = [",".join(HEADER), *_rows(3)]
        lines.append(",".join(["P10", "2024-02-30"] + ["0"] * (len(HEADER) - 2)))  # bad date
        lines.append(",".join(["", ""] + ["maybe"] * (len(HEADER) - 2)))  # no patient, bad cells
        source = tmp_path / "visits.csv"
        source.write_text("\n".join(lines) + "\n", encoding="utf-8")
        found = []
        for engine in ("python", "auto"):
            status = cli.main(["score", str(source), "--engine", engine])
            found.append((status, capsys.readouterr()))
        assert found[0] == found[1]
        assert found[0][0] == cli.EXIT_ROWS_FAILED
        assert "5 rows read, 3 scored, 2 failed" in found[0][1].err

    @pytest.mark.parametrize("engine", ["auto", "columnar"])
    def test_a_pipe_is_left_to_the_python_engine(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine: str
    ) -> None:
        # The columnar engine opens the file again: a named pipe would be read twice.
        monkeypatch.setattr(cli, "_AUTO_BYTES", 0)
        fifo = tmp_path / "visits.csv"
        os.mkfifo(fifo)
        text = ",".join(HEADER) + "\n" + "\n".join(_rows(2)) + "\n"
        writer = threading.Thread(
            target=fifo.write_text, args=(text,), kwargs={"encoding": "utf-8"}
        )
        writer.start()
        out = tmp_path / "out.csv"
        status = cli.main(["score", str(fifo), "-o", str(out), "-q", "--engine", engine])
        writer.join()
        assert status == cli.EXIT_OK
        assert out.read_text(encoding="utf-8").count("\n") == 1 + 2  # the header, 2 rows


@pytest.mark.parametrize("name", ITEM_LEVEL)
def test_golden_item_level_commands_with_the_auto_engine(
    name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Every file large enough, so auto reads column-wise wherever the engine can.
    monkeypatch.setattr(cli, "_AUTO_BYTES", 0)
    expected = (OUT / f"{name}.txt").read_text(encoding="utf-8")
    status = cli.main([*record.arguments(record.COMMANDS[name]), "--no-progress"])
    out, err = capsys.readouterr()
    out = out.replace("\r\n", "\n")  # as the recording reads it (text mode)
    text = f"--- rc {status}\n--- stdout\n{out}--- stderr\n{err}"
    for key, path in record._FILES.items():
        text = text.replace(str(path), key)
    assert text == expected
