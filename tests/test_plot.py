"""sle_scoring.plot: the course figure, checked by the data it plots (not pixels)."""

from __future__ import annotations

import datetime
import subprocess
import sys

import matplotlib.dates as mdates
import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Annotation

from sle_scoring import Observation, Patient, plot, reference_cases
from sle_scoring.exceptions import InvalidItemsError, UnknownCodeError

d = datetime.date
PRESENTATION = reference_cases.BOTTAZZI_2025_PRESENTATION  # 2023-10-01
FLARE = reference_cases.BOTTAZZI_2025_FLARE  # 2024-03-01
SIXTH = reference_cases.BOTTAZZI_2025_SIXTH_INFUSION  # 2024-08-19


def _day(x: float) -> datetime.date:
    moment: datetime.datetime = mdates.num2date(x)  # type: ignore[no-untyped-call]
    return moment.date()


def _floats(data: object) -> list[float]:
    return [float(v) for v in np.asarray(data, dtype=float).ravel()]


def _artists(figure: Figure) -> dict[str, object]:
    found: dict[str, object] = {}
    for ax in figure.axes:
        for artist in [*ax.lines, *ax.texts, *ax.collections, *ax.patches]:
            gid = artist.get_gid()
            if gid is not None:
                found.setdefault(gid, artist)
    return found


def _line(figure: Figure, gid: str) -> tuple[list[datetime.date], list[float]]:
    line = _artists(figure)[gid]
    assert isinstance(line, Line2D)
    return [_day(x) for x in _floats(line.get_xdata())], _floats(line.get_ydata())


@pytest.fixture(scope="module")
def case_figure() -> Figure:
    events, undated = plot.bottazzi_2025_events()
    return plot.course(reference_cases.bottazzi_2025(), events=events, undated=undated)


class TestReferenceCaseFigure:
    """Bottazzi et al. 2025, Fig. 1: "the trend of platelet values ... and the
    therapeutic changes"; platelets 45,000/µL at presentation, "rise of platelet
    count up to 250000/ul", "platelets dropped to 36000/ul" at 10 mg/day, prednisone
    12.5, then 7.5 mg/day, then stopped; anifrolumab from April 2024."""

    def test_platelet_series(self, case_figure: Figure) -> None:
        days, values = _line(case_figure, "p-platelet_count")
        assert days == [PRESENTATION, FLARE]
        assert values == [45_000, 36_000]

    def test_platelet_values_are_labelled(self, case_figure: Figure) -> None:
        found = _artists(case_figure)
        label = found["p-platelet_count-2023-10-01"]
        assert isinstance(label, Annotation)
        assert label.get_text() == "45,000"
        flare = found["p-platelet_count-2024-03-01"]
        assert isinstance(flare, Annotation)
        assert flare.get_text() == "36,000"

    def test_threshold_line_at_100000(self, case_figure: Figure) -> None:
        _days, values = _line(case_figure, "p-platelet_count-threshold-1")
        assert set(values) == {100_000}  # "< 100,000/mm³"

    def test_undated_rise_spans_presentation_to_flare(self, case_figure: Figure) -> None:
        days, values = _line(case_figure, "p-platelet_count-undated-1")
        assert days == [PRESENTATION, FLARE]  # the report gives no date in between
        assert values == [250_000, 250_000]

    def test_prednisone_steps(self, case_figure: Figure) -> None:
        days, mg = _line(case_figure, "p-prednisone")
        assert days == [
            FLARE,  # 10 mg/day when platelets dropped
            d(2024, 3, 2),  # raised to 12.5 the day after
            d(2024, 4, 1) + datetime.timedelta(weeks=6),  # 7.5 six weeks after infusion 1
            d(2024, 4, 1) + datetime.timedelta(weeks=8),  # stopped at the third infusion
            SIXTH,  # the last dose holds to the end of follow-up
        ]
        assert mg == [10, 12.5, 7.5, 0, 0]
        line = _artists(case_figure)["p-prednisone"]
        assert isinstance(line, Line2D)
        assert line.get_drawstyle() == "steps-post"

    def test_dose_before_the_first_record_is_not_recorded(self, case_figure: Figure) -> None:
        # "GC, 1 mg/kg/die" without a body weight: unknown, drawn as such, never 0.
        found = _artists(case_figure)
        assert "p-prednisone-not-recorded" in found
        _days, mg = _line(case_figure, "p-prednisone")
        assert len(mg) == 4 + 1  # four recorded doses and the end of follow-up

    def test_anifrolumab_start_marked_in_april_2024(self, case_figure: Figure) -> None:
        found = _artists(case_figure)
        markers = {
            found[f"{gid}-label"].get_text(): _line(case_figure, gid)[0][0]  # type: ignore[attr-defined]
            for gid in ("p-event-1-2024-05-27", "p-event-2-2024-04-01")
        }
        assert markers == {
            "prednisone stopped": d(2024, 5, 27),  # from the dose evidence: 7.5 -> 0
            "anifrolumab 300 mg IV every 4 weeks started": d(2024, 4, 1),
        }

    def test_classification_first_fulfilled_at_presentation(self, case_figure: Figure) -> None:
        line = _artists(case_figure)["p-eular_acr_2019-first-fulfilled"]
        assert isinstance(line, Line2D)
        assert [_day(x) for x in _floats(line.get_xdata())] == [PRESENTATION] * 2

    def test_sledai_missing_is_not_zero(self, case_figure: Figure) -> None:
        complete_days, complete = _line(case_figure, "p-sledai")
        assert (complete_days, complete) == ([SIXTH], [0])  # every descriptor assessed absent
        incomplete_days, incomplete = _line(case_figure, "p-sledai-incomplete")
        assert incomplete_days == [PRESENTATION, FLARE, d(2024, 3, 2)]
        # presentation: 1 thrombocytopenia + 2 low complement + 4 arthritis (joint
        # involvement) at least; the flare: 1 thrombocytopenia at least
        assert incomplete == [1 + 2 + 4, 1, 1]
        none_days, _ = _line(case_figure, "p-sledai-not-assessed")
        assert none_days == [d(2024, 5, 13), d(2024, 5, 27)]  # dose changes only
        label = _artists(case_figure)["p-sledai-2023-10-01"]
        assert isinstance(label, Annotation)
        assert label.get_text() == "≥ 7"

    def test_undetermined_time_is_hatched_not_out(self, case_figure: Figure) -> None:
        found = _artists(case_figure)
        undetermined = found["p-lldas-undetermined"]
        assert isinstance(undetermined, PolyCollection)
        assert undetermined.get_hatch() == "///"
        spans = [(_day(x), w) for x, w in _spans(undetermined)]
        # 2024-05-13 -> 05-27 (14 days) and 05-27 -> 08-19 (84 days): no SLEDAI-2K at
        # 05-13 and 05-27, no PGA at 08-19
        assert spans == [(d(2024, 5, 13), 14), (d(2024, 5, 27), 84)]
        out = found["p-lldas-out"]
        assert isinstance(out, PolyCollection)
        assert [w for _x, w in _spans(out)] == [
            (FLARE - PRESENTATION).days,  # SLEDAI-2K at least 7 > 4, then 10 mg/day
            1,  # 10 then 12.5 mg/day > 7.5
            (d(2024, 5, 13) - d(2024, 3, 2)).days,  # 12.5 mg/day at the start
        ]

    def test_axes_say_their_units(self, case_figure: Figure) -> None:
        labels = [ax.get_ylabel() for ax in case_figure.axes]
        assert labels[:3] == [
            "platelet count\n(/µL)",
            "prednisone eq.\n(mg/day)",
            "SLEDAI-2K\n(points)",
        ]

    def test_title_says_research_use(self, case_figure: Figure) -> None:
        title = case_figure.get_suptitle()
        assert title.startswith("bottazzi-2025: 2019 EULAR/ACR: classified as SLE")
        assert "research use, never a diagnosis" in title


def _spans(bars: PolyCollection) -> list[tuple[float, int]]:
    found = []
    for path in bars.get_paths():
        xs = _floats(np.asarray(path.vertices)[:, 0])
        found.append((min(xs), round(max(xs) - min(xs))))
    return sorted(found)


class TestEvidenceMarkers:
    """Medication starts and stops come from the glucocorticoid dose evidence: "a
    dose of 0 mg/day means the drug was stopped"."""

    def test_restart_after_a_stop(self) -> None:
        patient = Patient(
            "P1",
            (
                Observation("prednisone_dose", 5, date=d(2024, 1, 1), unit="mg/day"),
                Observation("prednisone_dose", 0, date=d(2024, 2, 1), unit="mg/day"),
                Observation("methylprednisolone_dose", 8, date=d(2024, 3, 1), unit="mg/day"),
                Observation("prednisone_dose", 10, date=d(2024, 4, 1), unit="mg/day"),
            ),
        )
        figure = plot.course(patient)
        found = _artists(figure)
        labels = {
            found[gid].get_text()  # type: ignore[attr-defined]
            for gid in ("p-event-1-2024-02-01-label", "p-event-2-2024-04-01-label")
        }
        assert labels == {"prednisone stopped", "prednisone started"}
        # methylprednisolone's first record is not a start: two events only
        assert not [gid for gid in found if gid.startswith("p-event-3")]
        _days, mg = _line(figure, "p-prednisone")
        # 5; 0; 8 mg methylprednisolone = 10 prednisone; then 10 + 10
        assert mg == [5, 0, 8 * 5 / 4, 8 * 5 / 4 + 10, 8 * 5 / 4 + 10]

    def test_no_dose_recorded(self) -> None:
        patient = Patient(
            "P2", (Observation("platelet_count", 90, date=d(2024, 1, 1), unit="10^9/L"),)
        )
        figure = plot.course(patient)
        found = _artists(figure)
        assert "p-prednisone" not in found
        assert found["p-prednisone-none"].get_text() == "no glucocorticoid dose recorded"  # type: ignore[attr-defined]
        _days, values = _line(figure, "p-platelet_count")
        assert values == [90 * 1000]  # 90 x 10^9/L = 90,000/µL

    def test_a_censored_value_is_labelled_with_its_comparator(self) -> None:
        # "< 20 x 10^9/L" is drawn at its bound, 20,000/µL, and says it is censored
        patient = Patient(
            "P4", (Observation("platelet_count", "<20", date=d(2024, 1, 1), unit="10*9/L"),)
        )
        found = _artists(plot.course(patient))
        assert found["p-platelet_count-2024-01-01"].get_text() == "< 20,000"  # type: ignore[attr-defined]


class TestArguments:
    def test_chosen_labs_get_a_panel_each_with_thresholds(self) -> None:
        patient = Patient(
            "P3", (Observation("leukocyte_count", 3500, date=d(2024, 1, 1), unit="/µL"),)
        )
        figure = plot.course(patient, labs=("platelet_count", "leukocyte_count"))
        assert len(figure.axes) == 2 + 3  # two labs, dose, SLEDAI-2K, states
        found = _artists(figure)
        assert found["p-platelet_count-none"].get_text() == "no platelet count recorded"  # type: ignore[attr-defined]
        assert _line(figure, "p-leukocyte_count-threshold-1")[1][0] == 4_000  # EULAR/ACR
        assert _line(figure, "p-leukocyte_count-threshold-2")[1][0] == 3_000  # SLEDAI-2K

    def test_unknown_lab_code(self) -> None:
        with pytest.raises(UnknownCodeError, match="'platelets'; did you mean 'platelet_count'"):
            plot.course(reference_cases.bottazzi_2025(), labs=("platelets",))

    def test_event_kind_is_checked(self) -> None:
        with pytest.raises(InvalidItemsError, match="'kind' must be one of start, stop, other"):
            plot.Event(d(2024, 1, 1), "x", kind="begin")

    def test_undated_value_must_be_undated(self) -> None:
        dated = Observation("platelet_count", 1, date=d(2024, 1, 1), unit="/µL")
        with pytest.raises(InvalidItemsError, match="must have no date"):
            plot.UndatedValue(dated, d(2024, 1, 1), d(2024, 2, 1), "x")
        undated = Observation("platelet_count", 1, unit="/µL")
        with pytest.raises(InvalidItemsError, match=r"'latest' .* is before 'earliest'"):
            plot.UndatedValue(undated, d(2024, 2, 1), d(2024, 1, 1), "x")

    def test_no_dated_observation(self) -> None:
        with pytest.raises(InvalidItemsError, match="'P4': the course needs at least one dated"):
            plot.course(Patient("P4", ()))

    def test_text_is_not_mathtext(self) -> None:
        # A $ in an identifier is printed, not parsed as a formula.
        patient = Patient(
            "$x^2$", (Observation("platelet_count", 1, date=d(2024, 1, 1), unit="/µL"),)
        )
        figure = plot.course(patient)
        assert "$x^2$: 2019 EULAR/ACR" in plot.svg(figure)  # kept as text, not a formula

    def test_gid_prefix(self) -> None:
        figure = plot.course(reference_cases.bottazzi_2025(), gid_prefix="p7-")
        assert "p7-platelet_count" in _artists(figure)
        assert "p-platelet_count" not in _artists(figure)


class TestNoSharedState:
    def test_each_call_builds_a_new_figure(self) -> None:
        first = plot.course(reference_cases.bottazzi_2025())
        second = plot.course(reference_cases.bottazzi_2025())
        assert first is not second
        for a, b in zip(first.axes, second.axes, strict=True):
            assert isinstance(a, Axes)
            assert len(a.lines) == len(b.lines)  # nothing carried over from the first

    def test_no_pyplot_and_no_matplotlib_on_bare_import(self) -> None:
        code = (
            "import sys\n"
            "import sle_scoring, sle_scoring.cli\n"
            "assert 'matplotlib' not in sys.modules, 'imported matplotlib'\n"
            "from sle_scoring import plot, reference_cases\n"
            "plot.course(reference_cases.bottazzi_2025())\n"
            "assert 'matplotlib.pyplot' not in sys.modules, 'imported pyplot'\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr
