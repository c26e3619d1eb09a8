"""sle_scoring.report: the HTML report and ``sle-scoring report``."""

from __future__ import annotations

import datetime
import itertools
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from sle_scoring import INSTRUMENTS, Observation, Patient, cli, records, reference_cases, report

d = datetime.date
SVG = "{http://www.w3.org/2000/svg}"


def _svg_texts(page: str) -> dict[str, str]:
    """Each SVG group id of the page's figures -> the text drawn inside it."""
    found: dict[str, str] = {}
    for svg in re.findall(r"<svg.*?</svg>", page, flags=re.DOTALL):
        for element in ET.fromstring(svg).iter(f"{SVG}g"):
            gid = element.get("id")
            if gid is not None:
                found[gid] = "".join(element.itertext()).strip()
    return found


@pytest.fixture(scope="module")
def example_page(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("report") / "r.html"
    assert cli.main(["report", "--example", "-o", str(out)]) == 0
    return out.read_text(encoding="utf-8")


class TestExampleReport:
    """The bundled published case (Bottazzi et al. 2025): its Fig. 1 is platelets
    over time, the glucocorticoid dose beneath, and the start of anifrolumab."""

    def test_platelet_values_with_their_dates(self, example_page: str) -> None:
        texts = _svg_texts(example_page)
        assert texts["p1-platelet_count-2023-10-01"] == "45,000"  # at presentation
        assert texts["p1-platelet_count-2024-03-01"] == "36,000"  # the flare
        assert "p1-platelet_count" in texts  # the series itself
        # "rise of platelet count up to 250000/ul": no date given, drawn as a span
        assert "250,000/µL" in texts["p1-platelet_count-undated-1-label"]

    def test_prednisone_steps_with_their_dates(self, example_page: str) -> None:
        texts = _svg_texts(example_page)
        steps = {
            gid.removeprefix("p1-prednisone-"): text
            for gid, text in texts.items()
            if re.fullmatch(r"p1-prednisone-\d{4}-\d\d-\d\d", gid)
        }
        assert steps == {
            "2024-03-01": "10",  # "tapered to 10 mg/day" at the flare
            "2024-03-02": "12.5",  # "increased up to 12.5 mg/day"
            "2024-05-13": "7.5",  # "reduced to 7.5 mg/day six weeks after the first infusion"
            "2024-05-27": "0",  # "GC discontinuation after two ANI administration[s]"
        }
        assert "p1-prednisone" in texts

    def test_anifrolumab_start_in_april_2024(self, example_page: str) -> None:
        texts = _svg_texts(example_page)
        starts = [gid for gid, text in texts.items() if text.startswith("anifrolumab")]
        assert starts == ["p1-event-2-2024-04-01-label"]

    def test_summary_and_sections(self, example_page: str) -> None:
        assert "<title>sle_scoring report: patients&#x27; courses</title>" in example_page
        assert "never a diagnosis" in example_page
        assert '<a href="#patient-1">bottazzi-2025</a>' in example_page
        assert '<section id="patient-1">' in example_page
        # 1 of 1 classified under each of the three criteria sets
        assert example_page.count("<td>1 of 1</td>") == 3

    def test_visit_table_has_every_instrument_and_visit(self, example_page: str) -> None:
        for name, _assess in report.VISIT_COLUMNS:
            assert f"<th>{name}</th>" in example_page
        visits = reference_cases.bottazzi_2025().dates()
        assert len(visits) == 6  # presentation, flare, 3 dose changes, sixth infusion
        assert example_page.count("<summary>Explanations, visit") == len(visits)
        # SLEDAI-2K 0 at the sixth infusion; PGA not reported, so remission undetermined
        row = re.search(r"<tr><td>2024-08-19</td>(.*?)</tr>", example_page)
        assert row is not None
        assert "<td>0</td>" in row.group(1)
        assert "cannot be determined: PGA missing" in row.group(1)
        # BICLA against the first visit: the case has no BILAG-2004 grades
        assert "cannot be determined: BILAG-2004 grades at baseline" in row.group(1)
        # Nothing to compare with at the first visit (presentation)
        first = re.search(r"<tr><td>2023-10-01</td>(.*?)</tr>", example_page)
        assert first is not None
        assert "nothing to compare with at the first visit" in first.group(1)

    def test_visit_columns_are_the_registry(self) -> None:
        """Every registered instrument (not a variant) has a column, trial outcomes too."""
        names = [spec.name for _heading, spec in report.VISIT_COLUMNS]
        assert names == [name for name, spec in INSTRUMENTS.items() if spec.variant_of is None]
        assert "bicla" in names
        assert "selena_flare" in names

    def test_self_contained(self, example_page: str) -> None:
        assert "<script" not in example_page
        assert not re.search(r"(src|href)=\"(https?:)?//", example_page)  # no network
        assert "default-src 'none'" in example_page


def _patient(identifier: str, dose: int = 20, note: str | None = None) -> Patient:
    return Patient(
        identifier,
        (
            Observation("prednisone_dose", dose, date=d(2024, 1, 1), unit="mg/day", note=note),
            Observation("platelet_count", 80_000, date=d(2024, 1, 1), unit="/µL"),
            Observation("prednisone_dose", dose, date=d(2024, 1, 31), unit="mg/day"),
        ),
    )


class TestEscaping:
    def test_patient_id_and_note_are_text(self) -> None:
        page = report.html(
            [_patient("<script>alert(1)</script>", note="<b onmouseover=x>bold</b>")]
        )
        assert "<script" not in page.lower()
        assert "<b " not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "&lt;b onmouseover=x&gt;bold&lt;/b&gt;" in page
        # in the figure's title too, escaped by the SVG writer
        assert "&lt;script&gt;alert(1)&lt;/script&gt;: 2019 EULAR/ACR" in page


class TestCohort:
    def test_summary_counts_and_pooled_time(self) -> None:
        classified = reference_cases.bottazzi_2025()
        page = report.html([classified, _patient("P2")])
        assert '<a href="#patient-2">P2</a>' in page
        # the reference case is classified under each set, P2 (no ANA) under none
        assert page.count("<td>1 of 2</td>") == 3
        # P2: prednisone 20 mg/day > 7.5 at both visits, so 0 of 30 days in LLDAS
        assert "<td>0% (0 of 30 days)</td>" in page

    def test_patient_without_dates_is_reported_not_dropped(self) -> None:
        undated = Patient("P3", (Observation("ana", "1:320"),))
        page = report.html([undated])
        assert "no dated observation" in page
        # visits, three criteria sets, two times in state
        assert f'<a href="#patient-1">P3</a></td><td colspan="{1 + 3 + 2}">not scored' in page

    def test_cap(self) -> None:
        drawn = itertools.count()

        def many() -> Iterator[Patient]:
            for number in drawn:
                yield _patient(f"P{number}")

        with pytest.raises(report.CohortTooLargeError, match="at most 100 patients"):
            report.html(many())
        assert next(drawn) == report.MAX_PATIENTS + 1  # stopped reading at the cap + 1

    def test_problems_are_listed(self) -> None:
        page = report.html([_patient("P1")], problems=["line 2: bad <record>"])
        assert "Records not read (1)" in page
        assert "line 2: bad &lt;record&gt;" in page


class TestCommand:
    def test_jsonl_with_a_bad_line(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        source = tmp_path / "cohort.jsonl"
        source.write_text(
            records.dumps(_patient("P1")) + "\n" + json.dumps({"patient": "P2"}) + "\n",
            encoding="utf-8",
        )
        out = tmp_path / "r.html"
        assert cli.main(["report", str(source), "-o", str(out)]) == 1
        page = out.read_text(encoding="utf-8")
        assert "Records not read (1)" in page
        assert '<a href="#patient-1">P1</a>' in page
        assert "line 2" in capsys.readouterr().err

    def test_refuses_to_overwrite_the_input(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        source = tmp_path / "cohort.json"
        text = records.dumps(_patient("P1"))
        source.write_text(text, encoding="utf-8")
        same = tmp_path / "." / "cohort.json"
        assert cli.main(["report", str(source), "-o", str(same)]) == 2
        assert source.read_text(encoding="utf-8") == text  # untouched
        assert "is the input file" in capsys.readouterr().err

    def test_file_or_example(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        out = tmp_path / "r.html"
        assert cli.main(["report", "-o", str(out)]) == 2
        assert "give FILE or --example" in capsys.readouterr().err
        assert not out.exists()

    def test_unknown_lab(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        out = tmp_path / "r.html"
        assert cli.main(["report", "--example", "--lab", "platelets", "-o", str(out)]) == 2
        assert "did you mean 'platelet_count'" in capsys.readouterr().err
        assert not out.exists()

    def test_output_is_an_ordinary_file(self, tmp_path: Path) -> None:
        out = tmp_path / "r.html"
        assert cli.main(["report", "--example", "-o", str(out)]) == 0
        assert out.stat().st_mode & 0o644 == 0o644
        assert [p.name for p in tmp_path.iterdir()] == ["r.html"]  # no temporary left


class TestWithoutThePlotExtra:
    """A bare install has no matplotlib: the report says how to install it."""

    def test_command_names_the_extra(self, tmp_path: Path) -> None:
        # matplotlib blocked in a fresh interpreter, as on a bare install.
        out = tmp_path / "r.html"
        code = (
            "import sys\n"
            "sys.modules['matplotlib'] = None\n"
            "from sle_scoring import cli\n"
            f"raise SystemExit(cli.main(['report', '--example', '-o', {str(out)!r}]))\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=False
        )
        assert done.returncode == 2, done.stderr
        assert "pip install 'sle-scoring[plot]'" in done.stderr
        assert "Traceback" not in done.stderr
        assert not out.exists()
