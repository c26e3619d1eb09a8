"""Tests of the definitions several publications share (``sle_scoring._definitions``).

Each shared definition takes the publication's own cut-off; it is tested on both
sides of cut-offs other than the published ones too, so that a caller's number, not
a copy inside the definition, decides. The description an explanation prints is
built from the same number: the contract tests at the end check that each
instrument's cut-off appears in its item's table definition and in its explanation.
"""

from __future__ import annotations

import contextlib
import datetime
import inspect
import io
import re
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sle_scoring import (
    ItemStatus,
    Observation,
    acr_1997,
    batch,
    doris_remission,
    eular_acr_2019,
    lldas,
    sledai_2k,
    sledai_change,
    slicc_2012,
    sri,
    testing,
    timeline,
)
from sle_scoring import _definitions as defs
from sle_scoring._derive import Index, Signal, index, repeated
from sle_scoring._items import Item
from sle_scoring._outcomes import score_range
from sle_scoring.cli import main

DAY = datetime.date(2024, 3, 1)
PRESENT = ItemStatus.PRESENT
ABSENT = ItemStatus.ABSENT
NOT_ASSESSED = ItemStatus.NOT_ASSESSED


def obs(
    code: str,
    value: object,
    unit: str | None = None,
    *,
    date: datetime.date = DAY,
    **fields: object,
) -> Observation:
    return Observation(code, value, date=date, unit=unit, **fields)  # type: ignore[arg-type]


def evidence(*observations: Observation) -> Index:
    return index(observations)


class TestWritten:
    """Cut-offs as the publications write them: "< 100,000/mm³", "> 0.5 g/24 h",
    "> 38.3 °C", "representing 500 mg protein/24 hours"."""

    @pytest.mark.parametrize(
        ("number", "text"),
        [
            (100_000, "100,000"),
            (4000, "4,000"),
            (500, "500"),
            (2, "2"),
            (Fraction("0.5"), "0.5"),
            (Fraction("38.3"), "38.3"),
            (Fraction("0.5") * 1000, "500"),
            (Fraction("0.5") * 100, "50"),
        ],
    )
    def test_as_written(self, number: int | Fraction, text: str) -> None:
        assert defs.written(number) == text

    def test_no_finite_decimal_is_an_error(self) -> None:
        with pytest.raises(ValueError, match="1/3 has no finite decimal form"):
            defs.written(Fraction(1, 3))


class TestProteinuria:
    """SLEDAI-2K "Proteinuria: > 0.5 gram/24 hours"; 2019 EULAR/ACR "Proteinuria > 0.5
    g/24 h by 24-hour urine or equivalent spot urine protein-to-creatinine ratio";
    SLICC 2012 "Urine protein-to-creatinine ratio (or 24-hour urine protein)
    representing 500 mg protein/24 hours". The spot ratio's 24-hour equivalent is
    the convention of units.py: 0.5 g/g = 50 mg/mmol."""

    @pytest.mark.parametrize("cutoff", [Fraction("0.5"), Fraction(1), Fraction("3.5")])
    def test_above_is_strict(self, cutoff: Fraction) -> None:
        grams = Decimal(cutoff.numerator) / Decimal(cutoff.denominator)
        at, over = grams, grams + Decimal("0.01")
        mg_per_mmol = grams * 100  # 0.5 g/g = 50 mg/mmol

        def status(o: Observation) -> ItemStatus:
            return defs.proteinuria(evidence(o), above=cutoff).status

        assert status(obs("urine_protein_24h", at, "g/24 h")) is ABSENT
        assert status(obs("urine_protein_24h", over, "g/24 h")) is PRESENT
        assert status(obs("urine_protein_creatinine_ratio", at, "g/g")) is ABSENT
        assert status(obs("urine_protein_creatinine_ratio", over, "g/g")) is PRESENT
        assert status(obs("urine_protein_creatinine_ratio", mg_per_mmol, "mg/mmol")) is ABSENT
        assert status(obs("urine_protein_creatinine_ratio", mg_per_mmol + 1, "mg/mmol")) is PRESENT

    @pytest.mark.parametrize("cutoff", [Fraction("0.5"), Fraction(1)])
    def test_at_least_is_inclusive(self, cutoff: Fraction) -> None:
        milligrams = cutoff * 1000

        def status(o: Observation) -> ItemStatus:
            urine, ratio = defs.proteinuria_measures(evidence(o), at_least=cutoff)
            return urine.status if o.code == "urine_protein_24h" else ratio.status

        assert status(obs("urine_protein_24h", int(milligrams), "mg/24 h")) is PRESENT
        assert status(obs("urine_protein_24h", int(milligrams) - 1, "mg/24 h")) is ABSENT
        assert status(obs("urine_protein_creatinine_ratio", int(milligrams), "mg/g")) is PRESENT
        assert status(obs("urine_protein_creatinine_ratio", int(milligrams) - 1, "mg/g")) is ABSENT

    def test_not_assessed_without_a_measure(self) -> None:
        assert defs.proteinuria(evidence(), above=Fraction("0.5")).status is NOT_ASSESSED

    def test_descriptions_follow_the_cut_off(self) -> None:
        signal = defs.proteinuria(evidence(), above=Fraction(1))
        assert signal.description == "proteinuria > 1 g/24 h"
        assert [p.description for p in signal.parts] == [
            "24-h urine > 1 g",
            "protein/creatinine ratio > 1 g/g (100 mg/mmol)",  # 1 g/g = 100 mg/mmol
        ]
        urine, ratio = defs.proteinuria_measures(evidence(), at_least=Fraction(1), in_mg=True)
        assert urine.description == "24-hour urine protein >= 1,000 mg"
        assert ratio.description == "protein/creatinine ratio >= 1 g/g (100 mg/mmol)"

    def test_the_published_descriptions_are_unchanged(self) -> None:
        half = Fraction("0.5")
        assert [p.description for p in defs.proteinuria_measures(evidence(), above=half)] == [
            "24-h urine > 0.5 g",
            "protein/creatinine ratio > 0.5 g/g (50 mg/mmol)",
        ]
        slicc = defs.proteinuria_measures(evidence(), at_least=half, in_mg=True)
        assert [p.description for p in slicc] == [
            "24-hour urine protein >= 500 mg",
            "protein/creatinine ratio >= 0.5 g/g (50 mg/mmol)",
        ]

    def test_exactly_one_cut_off(self) -> None:
        half = Fraction("0.5")
        with pytest.raises(TypeError, match="exactly one of above= and at_least="):
            defs.proteinuria_measures(evidence())
        with pytest.raises(TypeError, match="exactly one of above= and at_least="):
            defs.proteinuria_measures(evidence(), above=half, at_least=half)


class TestFever:
    """SLEDAI-2K "Fever: > 38 °C"; 2019 EULAR/ACR "Temperature > 38.3 °C"."""

    @pytest.mark.parametrize(
        ("above", "at", "over"),
        [
            (38, Decimal("38.0"), Decimal("38.1")),
            (Fraction("38.3"), Decimal("38.3"), Decimal("38.4")),
        ],
    )
    def test_strictly_above(self, above: int | Fraction, at: Decimal, over: Decimal) -> None:
        assert defs.fever(evidence(obs("temperature", at, "°C")), above=above).status is ABSENT
        assert defs.fever(evidence(obs("temperature", over, "°C")), above=above).status is PRESENT

    def test_description(self) -> None:
        assert defs.fever(evidence(), above=Fraction("38.3")).description == (
            "temperature > 38.3 °C"
        )


CountDefinition = Callable[..., Signal]


class TestCytopenias:
    """SLEDAI-2K "< 3,000 white blood cells/mm³", "< 100,000 platelets/mm³"; 2019
    EULAR/ACR and SLICC 2012 "< 4,000/mm³"; SLICC 2012 lymphopenia "< 1000/mm³";
    ACR 1997 "Lymphopenia - less than 1,500/mm³"."""

    @pytest.mark.parametrize(
        ("definition", "code", "cells"),
        [
            (defs.leukopenia, "leukocyte_count", "white cells"),
            (defs.lymphopenia, "lymphocyte_count", "lymphocytes"),
            (defs.thrombocytopenia, "platelet_count", "platelets"),
        ],
    )
    @pytest.mark.parametrize("below", [1000, 1500, 3000, 4000, 100_000])
    def test_strictly_below(
        self, definition: CountDefinition, code: str, cells: str, below: int
    ) -> None:
        def status(count: int) -> ItemStatus:
            signal: Signal = definition(evidence(obs(code, count, "/mm³")), below=below)
            return signal.status

        assert status(below) is ABSENT
        assert status(below - 1) is PRESENT
        assert definition(evidence(), below=below).status is NOT_ASSESSED
        assert definition(evidence(), below=below).description == (
            f"{cells} < {below:,}/mm³"  # the publications separate thousands with commas
        )

    def test_read_in_any_unit(self) -> None:
        """< 4,000/mm³ is < 4.0 × 10⁹/L."""
        low = evidence(obs("leukocyte_count", Decimal("3.9"), "10^9/L"))
        assert defs.leukopenia(low, below=4000).status is PRESENT
        at = evidence(obs("leukocyte_count", Decimal("4.0"), "10^9/L"))
        assert defs.leukopenia(at, below=4000).status is ABSENT


class TestLowComplement:
    """ "CH50, C3 or C4 below the testing laboratory's lower limit of normal" (SLEDAI-2K);
    "low C3, low C4 or low CH50" (SLICC 2012); "Low C3 / low C4" (2019 EULAR/ACR)."""

    @pytest.mark.parametrize(("code", "name"), [("c3", "C3"), ("c4", "C4"), ("ch50", "CH50")])
    def test_below_the_lower_limit(self, code: str, name: str) -> None:
        def status(value: int) -> ItemStatus:
            o = obs(code, value, "mg/dL", lower_limit=90)
            return defs.low_complement(evidence(o), code).status

        assert status(90) is ABSENT
        assert status(89) is PRESENT
        assert defs.low_complement(evidence(), code).description == f"low {name}"

    def test_laboratory_call(self) -> None:
        assert defs.low_complement(evidence(obs("c3", "low")), "c3").status is PRESENT
        assert defs.low_complement(evidence(obs("c3", "normal")), "c3").status is ABSENT

    def test_an_instrument_may_word_it(self) -> None:
        worded = defs.low_complement(evidence(), "c4", "C4 below the lower limit of normal")
        assert worded.description == "C4 below the lower limit of normal"


class TestArthritis:
    """SLEDAI-2K "Arthritis: >= 2 joints with pain and signs of inflammation"; ACR 1997
    "Nonerosive arthritis involving 2 or more peripheral joints"."""

    @pytest.mark.parametrize("code", ["swollen_joint_count", "tender_joint_count"])
    @pytest.mark.parametrize("at_least", [2, 3])
    def test_joint_count(self, code: str, at_least: int) -> None:
        def status(joints: int) -> ItemStatus:
            o = obs(code, joints, "joints")
            return defs.arthritis(evidence(o), "arthritis", joints_at_least=at_least).status

        assert status(at_least - 1) is ABSENT
        assert status(at_least) is PRESENT

    def test_clinician_judgement(self) -> None:
        found = evidence(obs("joint_involvement", "present"))
        assert defs.arthritis(found, "arthritis", joints_at_least=2).status is PRESENT

    def test_descriptions_follow_the_count(self) -> None:
        signal = defs.arthritis(evidence(), "arthritis", joints_at_least=3)
        assert [p.description for p in signal.parts] == [
            "joint involvement (clinician)",
            ">= 3 swollen joints",
            ">= 3 tender joints",
        ]


class TestJointInvolvement:
    """2019 EULAR/ACR and SLICC 2012, in the same words: "synovitis involving 2 or more
    joints ... OR tenderness in 2 or more joints and at least 30 minutes of morning
    stiffness"."""

    def test_swollen_joints(self) -> None:
        def status(joints: int) -> ItemStatus:
            o = obs("swollen_joint_count", joints, "joints")
            return defs.joint_involvement(evidence(o), "synovitis").status

        assert status(defs.JOINTS_AT_LEAST - 1) is ABSENT
        assert status(defs.JOINTS_AT_LEAST) is PRESENT

    def test_tender_joints_with_morning_stiffness(self) -> None:
        def status(joints: int, minutes: int) -> ItemStatus:
            tender = obs("tender_joint_count", joints, "joints")
            stiffness = obs("morning_stiffness", minutes, "min")
            return defs.joint_involvement(evidence(tender, stiffness), "synovitis").status

        assert status(2, 30) is PRESENT
        assert status(2, 29) is ABSENT
        assert status(1, 30) is ABSENT

    @pytest.mark.parametrize("swelling", ["synovitis", "swelling"])
    def test_description_leads_with_the_publications_word(self, swelling: str) -> None:
        assert defs.joint_involvement(evidence(), swelling).description == (
            f"{swelling} in >= 2 joints, or >= 2 tender joints with >= 30 min morning stiffness"
        )


def _days_apart(earlier: datetime.date | None, later: datetime.date | None) -> bool:
    return earlier is not None and later is not None and earlier < later


class TestRepeated:
    """ACR 1997: "Leukopenia - less than 4,000/mm³ total on 2 or more occasions"; "a
    false positive serologic test for syphilis known to be positive for at least 6
    months". Present from the second occasion; one occasion is assessed, not met."""

    def low(self, *days: int, explained_by: str | None = None) -> Signal:
        counts = [
            obs(
                "leukocyte_count",
                3000,
                "/mm³",
                date=DAY + datetime.timedelta(days=d),
                explained_by=explained_by,
            )
            for d in days
        ]
        return repeated(defs.leukopenia(evidence(*counts), below=4000), "twice", _days_apart)

    def test_two_occasions(self) -> None:
        signal = self.low(0, 1)
        assert signal.status is PRESENT
        assert [h.date for h in signal.hits] == [DAY + datetime.timedelta(days=1)]

    def test_one_occasion(self) -> None:
        assert self.low(0).status is ABSENT
        assert self.low(0, 0).status is ABSENT  # the same day is one occasion

    def test_not_assessed(self) -> None:
        assert self.low().status is NOT_ASSESSED

    def test_explained(self) -> None:
        assert self.low(0, 1, explained_by="drug").status is ItemStatus.EXPLAINED


# --- Contract: the number in the rule is the number in the text -------------------

TABLES: dict[ModuleType, tuple[Item, ...]] = {
    eular_acr_2019: (eular_acr_2019.ENTRY_CRITERION, *eular_acr_2019.CRITERIA),
    slicc_2012: slicc_2012.CRITERIA,
    acr_1997: acr_1997.CRITERIA,
    sledai_2k: sledai_2k.DESCRIPTORS,
}


def definition(module: ModuleType, code: str) -> str:
    (item,) = [i for i in TABLES[module] if i.code == code]
    return item.definition


#: Each cut-off constant of each instrument: the item it decides, how the table and
#: the explanation write it (built from the constant itself), and an observation
#: that meets it.
CUTOFFS = [
    (
        sledai_2k,
        "fever",
        f"> {defs.written(sledai_2k._FEVER_ABOVE_C)} °C",
        ("temperature", 39, "°C"),
    ),
    (
        sledai_2k,
        "thrombocytopenia",
        f"< {defs.written(sledai_2k._THROMBOCYTOPENIA_BELOW)}",
        ("platelet_count", 50_000, "/mm³"),
    ),
    (
        sledai_2k,
        "leukopenia",
        f"< {defs.written(sledai_2k._LEUKOPENIA_BELOW)}",
        ("leukocyte_count", 2000, "/mm³"),
    ),
    (
        sledai_2k,
        "hematuria",
        f"> {defs.written(sledai_2k._URINE_CELLS_ABOVE)} red blood cells",
        ("urine_red_cells", 10, "/hpf"),
    ),
    (
        sledai_2k,
        "pyuria",
        f"> {defs.written(sledai_2k._URINE_CELLS_ABOVE)} white blood cells",
        ("urine_white_cells", 10, "/hpf"),
    ),
    (
        sledai_2k,
        "proteinuria",
        f"> {defs.written(sledai_2k._PROTEINURIA_ABOVE_G)} g/24 h",
        ("urine_protein_24h", 1, "g/24 h"),
    ),
    (
        sledai_2k,
        "arthritis",
        f">= {defs.written(sledai_2k._ARTHRITIS_JOINTS_AT_LEAST)} joints",
        ("swollen_joint_count", 4, "joints"),
    ),
    (
        eular_acr_2019,
        "fever",
        f"> {defs.written(eular_acr_2019._FEVER_ABOVE_C)} °C",
        ("temperature", 39, "°C"),
    ),
    (
        eular_acr_2019,
        "leukopenia",
        f"< {defs.written(eular_acr_2019._LEUKOPENIA_BELOW)}/mm³",
        ("leukocyte_count", 2000, "/mm³"),
    ),
    (
        eular_acr_2019,
        "thrombocytopenia",
        f"< {defs.written(eular_acr_2019._THROMBOCYTOPENIA_BELOW)}/mm³",
        ("platelet_count", 50_000, "/mm³"),
    ),
    (
        eular_acr_2019,
        "proteinuria",
        f"> {defs.written(eular_acr_2019._PROTEINURIA_ABOVE_G)} g/24 h",
        ("urine_protein_24h", 1, "g/24 h"),
    ),
    (
        eular_acr_2019,
        "joint_involvement",
        f">= {defs.written(defs.JOINTS_AT_LEAST)} joints",
        ("swollen_joint_count", 4, "joints"),
    ),
    (
        eular_acr_2019,
        "joint_involvement",
        f">= {defs.written(defs.MORNING_STIFFNESS_AT_LEAST_MIN)} min",
        ("swollen_joint_count", 4, "joints"),
    ),
    (
        slicc_2012,
        "synovitis",
        f">= {defs.written(defs.JOINTS_AT_LEAST)} joints",
        ("swollen_joint_count", 4, "joints"),
    ),
    (
        slicc_2012,
        "renal",
        f">= {defs.written(slicc_2012._PROTEINURIA_AT_LEAST_G * 1000)} mg",
        ("urine_protein_24h", 1, "g/24 h"),
    ),
    (
        slicc_2012,
        "leukopenia_or_lymphopenia",
        f"< {defs.written(slicc_2012._LEUKOPENIA_BELOW)}/mm³",
        ("leukocyte_count", 2000, "/mm³"),
    ),
    (
        slicc_2012,
        "leukopenia_or_lymphopenia",
        f"< {defs.written(slicc_2012._LYMPHOPENIA_BELOW)}/mm³",
        ("lymphocyte_count", 500, "/mm³"),
    ),
    (
        slicc_2012,
        "thrombocytopenia",
        f"< {defs.written(slicc_2012._THROMBOCYTOPENIA_BELOW)}/mm³",
        ("platelet_count", 50_000, "/mm³"),
    ),
    (
        acr_1997,
        "arthritis",
        f">= {defs.written(acr_1997._JOINTS_AT_LEAST)} peripheral joints",
        ("swollen_joint_count", 4, "joints"),
    ),
    (
        acr_1997,
        "renal_disorder",
        f"> {defs.written(acr_1997._PROTEINURIA_ABOVE_G)} g/day",
        ("urine_protein_24h", 1, "g/24 h"),
    ),
    (
        acr_1997,
        "hematologic_disorder",
        f"< {defs.written(acr_1997._LEUKOPENIA_BELOW)}/mm³",
        ("leukocyte_count", 2000, "/mm³"),
    ),
    (
        acr_1997,
        "hematologic_disorder",
        f"< {defs.written(acr_1997._LYMPHOPENIA_BELOW)}/mm³",
        ("lymphocyte_count", 1000, "/mm³"),
    ),
    (
        acr_1997,
        "hematologic_disorder",
        f"< {defs.written(acr_1997._THROMBOCYTOPENIA_BELOW)}/mm³",
        ("platelet_count", 50_000, "/mm³"),
    ),
]


#: Cut-offs of definitions with no simple measure to meet them (a titre, a level
#: against the laboratory's limit, a test repeated months apart): their table
#: definition and the explanation of an item not assessed.
WORDED = [
    (eular_acr_2019, "ana_positive", f">= 1:{defs.ANA_TITRE_AT_LEAST}"),
    (eular_acr_2019, "antiphospholipid_antibodies", f"> {defs.ANTICARDIOLIPIN_UNITS_ABOVE} units"),
    (slicc_2012, "anti_dsdna", f"> {slicc_2012._ELISA_TIMES_UPPER_LIMIT}"),
    (acr_1997, "immunologic_disorder", f">= {acr_1997._SYPHILIS_MONTHS} months"),
    *[(module, code, written) for module, code, written, _ in CUTOFFS],
]


@pytest.mark.parametrize(
    ("module", "code", "written"),
    WORDED,
    ids=[f"{m.__name__.rsplit('.', 1)[1]}.{c}:{w}" for m, c, w in WORDED],
)
def test_worded_cut_offs_are_in_the_table_and_the_explanation(
    module: ModuleType, code: str, written: str
) -> None:
    assert written in definition(module, code)
    (finding,) = [f for f in module.derive([]) if f.code == code]
    assert finding.status is NOT_ASSESSED
    assert written in finding.reason


Row = tuple[ModuleType, str, str, tuple[str, int, str]]


def cutoff_id(row: Row) -> str:
    return f"{row[0].__name__.rsplit('.', 1)[1]}.{row[1]}:{row[2]}"


# ACR 1997's hematologic disorder has four alternatives, and the one line printed for
# a met criterion names none of their numbers (the observation shown says which
# one was met); the explanation of a criterion not met lists each with its number.
_SHOWN_WHEN_MET = [row for row in CUTOFFS if row[:2] != (acr_1997, "hematologic_disorder")]


class TestCutOffsAreWrittenFromTheirConstant:
    """Each instrument's cut-off, written from its constant, is what its table
    definition says and what its explanations print, so neither can go stale."""

    @pytest.mark.parametrize("row", CUTOFFS, ids=cutoff_id)
    def test_in_the_explanation_when_not_met(self, row: Row) -> None:
        module, code, written, (measure, _, unit) = row
        # a count, level or temperature that meets none of the cut-offs
        normal = {"°C": 37, "/mm³": 250_000, "g/24 h": 0, "joints": 0, "/hpf": 0}[unit]
        (finding,) = [f for f in module.derive([obs(measure, normal, unit)]) if f.code == code]
        assert finding.status is ABSENT
        assert written in finding.reason

    @pytest.mark.parametrize("row", _SHOWN_WHEN_MET, ids=cutoff_id)
    def test_in_the_explanation_when_met(self, row: Row) -> None:
        module, code, written, (measure, value, unit) = row
        (finding,) = [f for f in module.derive([obs(measure, value, unit)]) if f.code == code]
        assert finding.status is PRESENT
        assert written in finding.reason

    @pytest.mark.parametrize("measure", ["leukocyte_count", "lymphocyte_count", "platelet_count"])
    def test_acr_1997_hematologic_disorder_when_met(self, measure: str) -> None:
        """ "Leukopenia ... on 2 or more occasions": two low counts on two days."""
        low = [
            obs(measure, 500, "/mm³"),
            obs(measure, 500, "/mm³", date=DAY + datetime.timedelta(1)),
        ]
        (finding,) = [f for f in acr_1997.derive(low) if f.code == "hematologic_disorder"]
        assert finding.status is PRESENT
        assert f"{measure} 500 /mm³" in finding.reason


def test_every_published_threshold_is_in_its_items_definition() -> None:
    """The oracle written from the papers (``testing.THRESHOLDS``) agrees with the tables."""
    modules = {"eular_acr_2019": eular_acr_2019, "sledai_2k": sledai_2k}
    for threshold in testing.THRESHOLDS:
        instrument, code = threshold.item.split(".")
        assert defs.written(threshold.value) in definition(modules[instrument], code), threshold


# --- The SLEDAI-2K window: one default, one check -----------------------------------


class TestSledaiWindow:
    """ "present at the time of the visit or in the preceding 10 days" (Gladman et al.
    2002); a 30-day window is validated too (Touma et al. 2010). Any other window only
    when asked for explicitly."""

    def test_the_published_windows(self) -> None:
        assert sledai_2k.DEFAULT_WINDOW_DAYS == 10
        assert sledai_2k.STANDARD_WINDOWS == (10, 30)

    @pytest.mark.parametrize("days", [10, 30])
    def test_standard_windows_pass(self, days: int) -> None:
        sledai_2k.check_window(days)

    @pytest.mark.parametrize("days", [0, 9, 11, 29, 31])
    def test_other_windows_must_be_asked_for(self, days: int) -> None:
        message = (
            f"window_days={days} is not a published SLEDAI-2K window (10 or 30 days); "
            "pass non_standard_window=True to use it anyway"
        )
        with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
            sledai_2k.check_window(days)
        sledai_2k.check_window(days, non_standard=True)

    @pytest.mark.parametrize("days", [-1, True, 10.0, "10"])
    def test_a_window_is_whole_days(self, days: object) -> None:
        with pytest.raises(ValueError, match="whole number of days >= 0"):
            sledai_2k.check_window(days, non_standard=True)  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        "function",
        [
            sledai_2k.score_visit,
            lldas.assess_visit,
            doris_remission.assess_visit,
            sri.assess_visits,
            sledai_change.categorise_visits,
            timeline.follow,
        ],
    )
    def test_every_entry_point_defaults_to_it(self, function: Callable[..., object]) -> None:
        default = inspect.signature(function).parameters["window_days"].default
        assert default == sledai_2k.DEFAULT_WINDOW_DAYS

    def test_batch_settings_default_to_it_and_check_it(self) -> None:
        assert batch.Settings().window_days == sledai_2k.DEFAULT_WINDOW_DAYS
        with pytest.raises(ValueError, match="window_days=14 is not a published"):
            batch.Settings(window_days=14)
        assert batch.Settings(window_days=14, non_standard_window=True).window_days == 14
        with pytest.raises(ValueError, match="whole number of days >= 0"):
            batch.Settings(window_days=-1, non_standard_window=True)

    @pytest.mark.parametrize("days", [9, 11, 14, 31])
    def test_the_command_line_checks_it_in_its_own_words(self, days: int) -> None:
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main(["sledai", "--example", "--window", str(days)])
        assert code == 2  # a usage error
        assert f"--window {days} is not a published SLEDAI-2K window" in err.getvalue()
        windows = " or ".join(str(d) for d in sledai_2k.STANDARD_WINDOWS)
        assert f"({windows} days); add --non-standard-window" in err.getvalue()

    def test_the_command_line_default_is_it(self) -> None:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = main(["sledai", "--help"])
        assert code == 0
        assert f"default {sledai_2k.DEFAULT_WINDOW_DAYS})" in " ".join(out.getvalue().split())


# --- SLEDAI-2K: one sum of weights ---------------------------------------------------


class TestSledaiTotal:
    """ "the sum of the weights of the descriptors present" (0-105); the clinical
    variant leaves out low complement and increased DNA binding (0-101)."""

    def test_total_of(self) -> None:
        present = ["arthritis", "low_complement", "fever"]
        assert sledai_2k.SLEDAI_2K.total_of(present) == 4 + 2 + 1  # arthritis, complement, fever
        assert sledai_2k.CLINICAL_SLEDAI_2K.total_of(present) == 4 + 1  # serology counts nothing

    def test_maximum(self) -> None:
        assert sledai_2k.SLEDAI_2K.max_score == 8 * 8 + 6 * 4 + 7 * 2 + 3 * 1
        assert sledai_2k.CLINICAL_SLEDAI_2K.max_score == 8 * 8 + 6 * 4 + 5 * 2 + 3 * 1

    @given(st.sets(st.sampled_from([i.code for i in sledai_2k.DESCRIPTORS])))
    def test_the_score_and_its_range_use_the_table_weights(self, codes: set[str]) -> None:
        weight = {i.code: i.weight for i in sledai_2k.DESCRIPTORS}
        score = sledai_2k.score(codes)
        assert score.total == sum(weight[c] for c in codes)
        missing = sledai_2k.score([], not_assessed=codes)
        assert score_range(missing) == (0, sum(weight[c] for c in codes))
