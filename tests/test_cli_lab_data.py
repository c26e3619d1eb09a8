"""The command line on laboratory and EHR data: ``--input-format labs`` and
``fhir``, ``--reference-ranges`` and ``--skip-bad-observations`` (docs/cli.md,
docs/lab-data.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sle_scoring import INSTRUMENTS, Patient, eular_acr_2019, sledai_2k
from sle_scoring import lab_table as lab_tables
from sle_scoring.cli import EXIT_OK, EXIT_ROWS_FAILED, EXIT_USAGE
from test_cli import read_csv, run
from test_lab_readers import as_csv_rows, resources_of_bundle

LAB_HEADER = "patient,date,code,value,unit,reference_low,reference_high,interpretation\n"


def write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


def jsonl(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines()]


@pytest.fixture
def three_shapes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The shipped FHIR example as a Bundle, as bulk NDJSON and as a long lab CSV:
    the same data, the first Observation at number 2 in each (the Bundle's and the
    NDJSON's first resource is the Patient; the CSV's row 1 is its header)."""
    bundle = str(tmp_path / "bundle.json")
    code, _, _ = run(monkeypatch, ["example", "bottazzi_2025_fhir.json", "-o", bundle])
    assert code == EXIT_OK
    resources = resources_of_bundle()
    assert resources[0]["resourceType"] == "Patient"
    ndjson = write(tmp_path / "bulk.ndjson", "".join(json.dumps(r) + "\n" for r in resources))
    labs = write(tmp_path / "labs.csv", as_csv_rows(resources))
    return {"fhir-bundle": bundle, "fhir-ndjson": ndjson, "labs": labs}


class TestSameDataThreeShapes:
    """Done when: "a FHIR Bundle and the same data as bulk NDJSON and as a long lab CSV
    give identical results for every registered instrument"."""

    def test_identical_output_for_every_instrument(
        self, monkeypatch: pytest.MonkeyPatch, three_shapes: dict[str, str]
    ) -> None:
        outputs = {}
        for shape, path in three_shapes.items():
            form = shape.split("-")[0]
            argv = ["score", "--input-format", form, path, "--instrument", "all", "-f", "jsonl"]
            code, out, err = run(monkeypatch, argv)
            assert (code, err) == (EXIT_OK, err)
            assert "1 patient read, 1 scored, 0 failed" in err
            outputs[shape] = out
        assert outputs["fhir-bundle"] == outputs["fhir-ndjson"] == outputs["labs"]
        records = jsonl(outputs["labs"])
        keys = {key.split(".")[0] for key in records[0]}
        assert set(INSTRUMENTS) <= keys  # every registered instrument applied

    def test_the_example_as_fhir_and_jobs(
        self, monkeypatch: pytest.MonkeyPatch, three_shapes: dict[str, str]
    ) -> None:
        argv = ["score", "--instrument", "all", "-f", "jsonl", "--input-format"]
        _, bundle, _ = run(monkeypatch, [*argv, "fhir", three_shapes["fhir-bundle"]])
        _, example, _ = run(monkeypatch, [*argv, "fhir", "--example"])
        _, jobs, _ = run(monkeypatch, [*argv, "labs", three_shapes["labs"], "--jobs", "2"])
        assert bundle == example == jobs

    def test_reference_case_classifies_with_19_points(
        self, monkeypatch: pytest.MonkeyPatch, three_shapes: dict[str, str]
    ) -> None:
        argv = ["classify", "--input-format", "fhir", three_shapes["fhir-bundle"], "-f", "jsonl"]
        code, out, _ = run(monkeypatch, argv)
        [record] = jsonl(out)
        eular = record["eular_acr_2019"]
        assert isinstance(eular, dict)
        # thrombocytopenia 4 + pleural or pericardial effusion 5 + joint involvement 6
        # + low C3 and low C4 4 (Bottazzi et al. 2025)
        assert (code, eular["points"], eular["classified"]) == (EXIT_OK, 4 + 5 + 6 + 4, True)


CASE_ROWS = as_csv_rows(resources_of_bundle()).splitlines(keepends=True)


@settings(max_examples=10, deadline=None)
@given(order=st.permutations(CASE_ROWS[1:]))
def test_row_order_does_not_change_a_patient(order: list[str]) -> None:
    """Rows are grouped by patient wherever they are: any order of the reference
    case's rows reads to the same evidence, and scores the same."""
    [(_, patient)] = lab_tables.iter_lab_table([CASE_ROWS[0], *order])
    [(_, reference)] = lab_tables.iter_lab_table(CASE_ROWS)
    assert isinstance(patient, Patient)
    assert isinstance(reference, Patient)
    assert sorted(map(repr, patient.observations)) == sorted(map(repr, reference.observations))
    classified = eular_acr_2019.classify_patient(patient)
    assert (classified.points, classified.present) == (
        eular_acr_2019.classify_patient(reference).points,
        eular_acr_2019.classify_patient(reference).present,
    )
    for visit in reference.dates():
        assert sledai_2k.score_visit(patient, visit) == sledai_2k.score_visit(reference, visit)


def lab_table(tmp_path: Path, rows: str, name: str = "labs.csv") -> str:
    return write(tmp_path / name, LAB_HEADER + rows)


class TestLabsInput:
    def test_patients_are_grouped_by_subject_in_any_order(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        path = lab_table(
            tmp_path,
            "P1,2024-01-05,ana,1:320,,,,\n"
            "P2,2024-01-05,ana,1:40,,,,\n"
            "P1,2024-01-05,777-3,85,10*9/L,,,\n",
        )
        argv = ["classify", "--input-format", "labs", path, "-f", "csv"]
        code, out, err = run(monkeypatch, argv)
        rows = read_csv(out)
        # P1's rows 2 and 4 are one patient: ANA 1:320 meets the entry criterion, and
        # thrombocytopenia (85 x 10^9/L < 100,000/mm3) gives 4 points.
        assert [(r["row"], r["patient_id"], r["eular_acr_2019.points"]) for r in rows] == [
            ("2", "P1", "4"),
            ("3", "P2", "0"),
        ]
        assert (code, err) == (
            EXIT_OK,
            "sle-scoring: 2 patients read, 2 scored, 0 failed; 2 results written\n",
        )

    def test_a_bad_row_is_an_error_naming_row_and_column(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        path = lab_table(
            tmp_path,
            "P1,2024-01-05,ana,1:320,,,,\n"
            "P1,2024-01-05,777-3,85,g/L,,,\n"
            "P2,2024-01-05,ana,1:320,,,,\n",
        )
        errors = tmp_path / "errors.jsonl"
        argv = ["classify", "--input-format", "labs", path, "-f", "csv", "--errors", str(errors)]
        code, out, err = run(monkeypatch, argv)
        [error] = jsonl(errors.read_text(encoding="utf-8"))
        assert (error["row"], error["patient_id"], error["location"], error["field"]) == (
            2,
            "P1",
            "row 3 (platelet_count)",
            "unit",
        )
        assert [r["patient_id"] for r in read_csv(out)] == ["P2"]
        assert code == EXIT_ROWS_FAILED
        assert "2 patients read, 1 scored, 1 failed" in err

    def test_a_header_without_required_columns_is_a_usage_error(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        path = write(tmp_path / "labs.csv", "patient,date,value\nP1,2024-01-05,1\n")
        code, out, err = run(monkeypatch, ["classify", "--input-format", "labs", path])
        assert (code, out) == (EXIT_USAGE, "")
        assert "the lab table's header cannot be used: field '(header)': has no column code" in err

    def test_columns_omop(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        path = write(
            tmp_path / "measurement.csv",
            "measurement_id,person_id,measurement_date,operator_concept_id,value_as_number,"
            "range_low,range_high,measurement_source_value,unit_source_value,value_source_value\n"
            "1,1001,2024-01-05,,99.999,150,450,777-3,10*9/L,99.999\n"
            "2,1001,2024-01-05,,,,,59069-5,,positive\n",
        )
        argv = ["classify", "--input-format", "labs", "--columns", "omop", path, "-f", "csv"]
        code, out, _ = run(monkeypatch, argv)
        [row] = read_csv(out)
        # 99.999 x 10^9/L is 99,999/mm3, below 100,000: thrombocytopenia (4)
        assert (code, row["patient_id"], row["eular_acr_2019.points"]) == (EXIT_OK, "1001", "4")

    def test_columns_from_a_mapping_file_over_omop(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        path = write(
            tmp_path / "lis.csv",
            "MRN,measurement_date,operator_concept_id,value_as_number,range_low,range_high,"
            "measurement_source_value,unit_source_value,value_source_value\n"
            "A7,2024-01-05,,100,,,777-3,10*9/L,\n",
        )
        mapping = write(tmp_path / "map.csv", "field,column\npatient,MRN\n")
        argv = ["classify", "--input-format", "labs", "--columns", "omop", "--columns"]
        code, out, _ = run(monkeypatch, [*argv, mapping, path, "-f", "csv"])
        [row] = read_csv(out)
        # 100 x 10^9/L is 100,000/mm3: not below 100,000, no thrombocytopenia
        assert (code, row["patient_id"], row["eular_acr_2019.points"]) == (EXIT_OK, "A7", "0")

    def test_bad_mappings_are_usage_errors(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        path = lab_table(tmp_path, "P1,2024-01-05,ana,1:320,,,,\n")
        wrong = write(tmp_path / "map.csv", "field,column\npatinet,MRN\n")
        cases = {
            "omp": "--columns omp: not a known mapping (omop) and cannot be read",
            wrong: "--columns: unknown lab table field(s) patinet",
        }
        for spec, message in cases.items():
            argv = ["classify", "--input-format", "labs", "--columns", spec, path]
            code, _, err = run(monkeypatch, argv)
            assert code == EXIT_USAGE
            assert message in err

    def test_columns_apply_only_to_lab_tables(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        path = write(tmp_path / "p.jsonl", '{"patient": "P", "observations": []}\n')
        code, _, err = run(monkeypatch, ["classify", path, "--columns", "omop"])
        assert code == EXIT_USAGE
        assert "--columns maps the columns of a lab table" in err


def fhir_line(identifier: str, subject: str, **fields: object) -> str:
    resource = {
        "resourceType": "Observation",
        "id": identifier,
        "status": "final",
        "subject": {"reference": f"Patient/{subject}"},
        "effectiveDateTime": "2024-01-05",
        **fields,
    }
    return json.dumps(resource) + "\n"


LOINC_PLATELETS = {"coding": [{"system": "http://loinc.org", "code": "777-3"}]}
LOINC_ANA = {"coding": [{"system": "http://loinc.org", "code": "33253-6"}]}
LOINC_C3 = {"coding": [{"system": "http://loinc.org", "code": "4485-9"}]}


def platelets(value: object, unit: str = "10*9/L") -> dict[str, object]:
    system = "http://unitsofmeasure.org"
    return {"value": value, "unit": unit, "system": system, "code": unit}


class TestFhirInput:
    def test_ndjson_told_from_a_bundle_by_content(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        lines = fhir_line("a", "P1", code=LOINC_ANA, valueString="1:320") + fhir_line(
            "b", "P1", code=LOINC_PLATELETS, valueQuantity=platelets(85)
        )
        # A .json name does not make it a Bundle: its first line is a whole resource.
        path = write(tmp_path / "export.json", lines)
        code, out, _ = run(monkeypatch, ["classify", "--input-format", "fhir", path, "-f", "csv"])
        [row] = read_csv(out)
        # ANA 1:320 meets the entry criterion; thrombocytopenia 4
        assert (code, row["row"], row["eular_acr_2019.points"]) == (EXIT_OK, "1", "4")

    def test_a_bad_resource_is_named(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        path = write(
            tmp_path / "bulk.ndjson",
            fhir_line("a", "P1", code=LOINC_ANA, valueString="1:320")
            + fhir_line("b", "P1", code=LOINC_PLATELETS, valueQuantity=platelets(85, "g/L")),
        )
        code, out, err = run(monkeypatch, ["classify", "--input-format", "fhir", path, "-f", "csv"])
        assert (code, read_csv(out)) == (EXIT_ROWS_FAILED, [])
        assert (
            "line 1 patient 'P1' Observation/b (platelet_count) field 'valueQuantity.code'" in err
        )

    def test_a_document_that_is_not_a_bundle_is_a_usage_error(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        path = write(tmp_path / "b.json", '{\n"resourceType": "Patient"\n}\n')
        code, _, err = run(monkeypatch, ["classify", "--input-format", "fhir", path])
        assert code == EXIT_USAGE
        assert "the FHIR Bundle cannot be used: field 'resourceType': must be Bundle" in err


RANGES = "code,unit,low,high\nc3,g/L,0.9,1.8\n"


class TestReferenceRanges:
    """SLEDAI-2K low complement: "decrease in CH50, C3, or C4 below the lower limit of
    normal for testing laboratory"; the table gives the laboratory's limit."""

    @pytest.mark.parametrize(("value", "low"), [("0.89", True), ("0.9", False)])
    def test_fills_the_limit_of_a_lab_table_row(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str, low: bool
    ) -> None:
        path = lab_table(tmp_path, f"P1,2024-01-05,4485-9,{value},g/L,,,\n")
        ranges = write(tmp_path / "ranges.csv", RANGES)
        argv = ["sledai", "--input-format", "labs", path, "--reference-ranges", ranges]
        code, out, _ = run(monkeypatch, [*argv, "-f", "jsonl"])
        [record] = jsonl(out)
        sledai = record["sledai_2k"]
        assert isinstance(sledai, dict)
        assert code == EXIT_OK
        assert ("low_complement" in sledai["present"]) is low

    @pytest.mark.parametrize(("value", "low"), [(0.89, True), (0.9, False)])
    def test_fills_the_limit_of_json_records_and_fhir(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: float, low: bool
    ) -> None:
        ranges = write(tmp_path / "ranges.csv", RANGES)
        record = {
            "patient": "P1",
            "observations": [{"code": "c3", "date": "2024-01-05", "value": value, "unit": "g/L"}],
        }
        quantity = {"value": value, "system": "http://unitsofmeasure.org", "code": "g/L"}
        inputs = {
            "jsonl": write(tmp_path / "p.jsonl", json.dumps(record) + "\n"),
            "fhir": write(
                tmp_path / "p.ndjson", fhir_line("c", "P1", code=LOINC_C3, valueQuantity=quantity)
            ),
        }
        for form, path in inputs.items():
            argv = ["sledai", "--input-format", form, path, "--reference-ranges", ranges]
            code, out, _ = run(monkeypatch, [*argv, "-f", "jsonl"])
            [result] = jsonl(out)
            sledai = result["sledai_2k"]
            assert isinstance(sledai, dict)
            assert code == EXIT_OK
            assert ("low_complement" in sledai["present"]) is low

    def test_never_overrides_the_laboratorys_own_limit(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # The row's own lower limit 0.5 stands: 0.58 is not below it, though it is
        # below the table's 0.9.
        path = lab_table(tmp_path, "P1,2024-01-05,4485-9,0.58,g/L,0.5,,\n")
        ranges = write(tmp_path / "ranges.csv", RANGES)
        argv = ["sledai", "--input-format", "labs", path, "--reference-ranges", ranges]
        _, out, _ = run(monkeypatch, [*argv, "-f", "jsonl"])
        [record] = jsonl(out)
        sledai = record["sledai_2k"]
        assert isinstance(sledai, dict)
        assert "low_complement" not in sledai["present"]

    def test_a_unit_it_cannot_convert_is_an_error_naming_the_row(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        path = lab_table(tmp_path, "P1,2024-01-05,4485-9,58,mg/dL,,,\n")
        ranges = write(tmp_path / "ranges.csv", RANGES)
        argv = ["sledai", "--input-format", "labs", path, "--reference-ranges", ranges]
        code, _, err = run(monkeypatch, argv)
        assert code == EXIT_ROWS_FAILED
        assert (
            "row 2 patient 'P1' field 'unit': the reference-range table gives c3 in g/L "
            "(row 2), which cannot be converted exactly to mg/dL; give its range in mg/dL"
        ) in err

    def test_a_bad_table_stops_the_run_before_reading(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        path = lab_table(tmp_path, "P1,2024-01-05,4485-9,0.58,g/L,,,\n")
        ranges = write(tmp_path / "ranges.csv", "code,unit,low,high\nc3,g/L,,1.8\n")
        argv = ["sledai", "--input-format", "labs", path, "--reference-ranges", ranges]
        code, out, err = run(monkeypatch, argv)
        assert (code, out) == (EXIT_USAGE, "")
        assert "row 2 column 'low': is required: c3 is judged by its lower limit" in err

    def test_refused_for_item_level_csv(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        path = write(tmp_path / "v.csv", "patient_id,visit_date,rash\nP,2024-01-01,1\n")
        ranges = write(tmp_path / "ranges.csv", RANGES)
        code, _, err = run(monkeypatch, ["sledai", path, "--reference-ranges", ranges])
        assert code == EXIT_USAGE
        assert "--reference-ranges applies to evidence records" in err


class TestSkipBadObservations:
    """Opt-in: a bad observation is an error record, and the patient is scored
    without it; every result computed without it says so."""

    def rows(self, tmp_path: Path) -> str:
        return lab_table(
            tmp_path,
            "P1,2024-01-05,ana,1:320,,,,\n"
            "P1,2024-01-05,777-3,85,g/L,,,\n"  # a mass unit for a cell count: bad
            "P1,2024-01-05,777-3,85,10*9/L,,,\n",
        )

    def test_default_stays_strict(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        code, out, _ = run(
            monkeypatch, ["classify", "--input-format", "labs", self.rows(tmp_path), "-f", "csv"]
        )
        assert (code, read_csv(out)) == (EXIT_ROWS_FAILED, [])

    def test_csv_says_which_were_skipped(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        errors = tmp_path / "errors.jsonl"
        argv = ["classify", "--input-format", "labs", self.rows(tmp_path), "-f", "csv"]
        code, out, err = run(
            monkeypatch, [*argv, "--skip-bad-observations", "--errors", str(errors)]
        )
        [row] = read_csv(out)
        # scored without row 3: ANA 1:320 and thrombocytopenia (4) from row 4
        assert (row["eular_acr_2019.points"], row["skipped_observations"]) == (
            "4",
            "row 3 (platelet_count)",
        )
        [error] = jsonl(errors.read_text(encoding="utf-8"))
        assert (error["location"], error["field"]) == ("row 3 (platelet_count)", "unit")
        assert str(error["message"]).endswith(
            "; the observation was skipped and the patient scored without it"
        )
        assert code == EXIT_ROWS_FAILED
        assert "1 patient read, 1 scored, 0 failed, 1 observation skipped" in err

    def test_jsonl_and_text_say_so(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        record = {
            "patient": "P1",
            "observations": [
                {"code": "ana", "date": "2024-01-05", "value": "1:320"},
                {"code": "platelet_count", "date": "2024-01-05", "value": 85, "unit": "g/L"},
            ],
        }
        path = write(tmp_path / "p.jsonl", json.dumps(record) + "\n")
        argv = ["score", path, "--instrument", "eular_acr_2019", "--skip-bad-observations"]
        _, out, _ = run(monkeypatch, [*argv, "-f", "jsonl"])
        [result] = jsonl(out)
        assert result["skipped_observations"] == "observations[1] (platelet_count)"
        _, text, _ = run(monkeypatch, [*argv, "-f", "text"])
        assert (
            "Scored without 1 skipped observation(s) that could not be read: "
            "observations[1] (platelet_count)"
        ) in text

    def test_nothing_skipped_is_an_empty_field(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        path = lab_table(tmp_path, "P1,2024-01-05,ana,1:320,,,,\n")
        argv = ["classify", "--input-format", "labs", path, "-f", "csv", "--skip-bad-observations"]
        code, out, err = run(monkeypatch, argv)
        [row] = read_csv(out)
        assert (code, row["skipped_observations"]) == (EXIT_OK, "")
        assert "0 observations skipped" in err

    def test_default_output_has_no_such_field(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        path = lab_table(tmp_path, "P1,2024-01-05,ana,1:320,,,,\n")
        for fmt in ("csv", "jsonl"):
            _, out, _ = run(monkeypatch, ["classify", "--input-format", "labs", path, "-f", fmt])
            assert "skipped_observations" not in out

    def test_a_record_level_problem_still_fails_the_patient(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        path = write(tmp_path / "p.jsonl", '{"patient": "", "observations": []}\n')
        code, out, _ = run(monkeypatch, ["classify", path, "--skip-bad-observations", "-f", "csv"])
        assert (code, read_csv(out)) == (EXIT_ROWS_FAILED, [])
