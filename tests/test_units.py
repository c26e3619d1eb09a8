"""Every accepted unit converts exactly to its dimension's canonical unit.

The expected values are written from the definitions of the units (1 × 10⁹/L =
1,000/µL; °C = (°F - 32) × 5/9; 1 g = 1,000 mg; 1 h = 60 min), not from the code.
Each spelling is tested one step either side of a threshold an instrument applies.
An unknown or ambiguous unit is an error naming the observation; it is never guessed,
and the error never suggests a unit of another scale.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sle_scoring import InvalidEvidenceError, ItemStatus, Observation, Patient, eular_acr_2019
from sle_scoring.units import CASE_SENSITIVE, DIMENSIONS, UCUM_CODES, to_canonical, unit_problem

# Spellings of one unit, grouped by meaning (from the units' definitions).
PER_MICROLITRE = ("/µL", "/uL", "/mm³", "/mm3", "cells/µL", "cells/uL", "{cells}/uL", "cells/mm3")
# 10⁹/L = 10³/µL = "K" (thousands)/µL; G/L is giga (10⁹) per litre
THOUSANDS_PER_MICROLITRE = (
    "10^9/L",
    "×10⁹/L",
    "x10^9/L",
    "10*9/L",
    "x10E9/L",
    "10E9/L",
    "G/L",
    "10^3/µL",
    "10^3/uL",
    "x10^3/uL",
    "10*3/uL",
    "x10E3/uL",
    "10E3/uL",
    "10^3/mm3",
    "10*3/mm3",
    "K/µL",
    "K/uL",
    "K/mm3",
)
CELSIUS = ("°C", "C", "degC", "Cel", "℃", "deg C")
FAHRENHEIT = ("°F", "F", "degF", "[degF]", "℉", "deg F")
GRAMS_PER_DAY = ("g/24 h", "g/24h", "g/24 hr", "g/24hr", "g/(24.h)", "g/day", "g/d")
MILLIGRAMS_PER_DAY = ("mg/24 h", "mg/24h", "mg/24 hr", "mg/24hr", "mg/(24.h)", "mg/day", "mg/d")
GRAMS_PER_GRAM = ("g/g", "g/g{creat}", "mg/mg", "mg/mg{creat}")
MILLIGRAMS_PER_GRAM = ("mg/g", "mg/g{creat}")
MILLIGRAMS_PER_MILLIMOLE = ("mg/mmol", "mg/mmol{creat}")
PER_HPF = ("/hpf", "/[HPF]", "{cells}/[HPF]", "cells/hpf")
MINUTES = ("min", "minutes")
HOURS = ("h", "hr", "hours")
COMPLEMENT = ("g/L", "mg/dL", "mg/L", "U/mL", "kU/L", "%", "CH50 units")
ANTIBODY = (
    "IU/mL",
    "[IU]/mL",
    "U/mL",
    "kIU/L",
    "k[IU]/L",
    "GPL",
    "MPL",
    "APL",
    "GPL U/mL",
    "MPL U/mL",
    "APL U/mL",
    "[GPL'U]/mL",
    "[MPL'U]/mL",
    "[APL'U]/mL",
    "%",
)
DOSE = ("mg/day", "mg/d", "mg")

# (code, extra fields, spellings, value just below / at-or-above the threshold in
# those units, the same two values in the canonical unit)
ACROSS: list[tuple[str, dict[str, Decimal], tuple[str, ...], str, str, Fraction, Fraction]] = [
    # EULAR/ACR thrombocytopenia "platelets < 100,000/mm³": 99,999 vs 100,000 /µL
    ("platelet_count", {}, PER_MICROLITRE, "99999", "100000", Fraction(99_999), Fraction(100_000)),
    (
        "platelet_count",
        {},
        THOUSANDS_PER_MICROLITRE,
        "99.999",
        "100",
        Fraction("99.999") * 1000,  # 10⁹/L = 1,000/µL
        Fraction(100) * 1000,
    ),
    # EULAR/ACR fever "> 38.3 °C": 38.3 is not above it, 38.4 is
    ("temperature", {}, CELSIUS, "38.3", "38.4", Fraction("38.3"), Fraction("38.4")),
    (
        "temperature",
        {},
        FAHRENHEIT,
        "100.94",
        "101.12",
        (Fraction("100.94") - 32) * Fraction(5, 9),  # = 38.3
        (Fraction("101.12") - 32) * Fraction(5, 9),  # = 38.4
    ),
    # EULAR/ACR proteinuria "> 0.5 g/24 h"
    ("urine_protein_24h", {}, GRAMS_PER_DAY, "0.5", "0.501", Fraction("0.5"), Fraction("0.501")),
    (
        "urine_protein_24h",
        {},
        MILLIGRAMS_PER_DAY,
        "500",
        "501",
        Fraction(500, 1000),  # 1 g = 1,000 mg
        Fraction(501, 1000),
    ),
    # the same threshold on the spot ratio's 24-hour equivalent
    (
        "urine_protein_creatinine_ratio",
        {},
        GRAMS_PER_GRAM,
        "0.5",
        "0.501",
        Fraction("0.5"),
        Fraction("0.501"),
    ),
    (
        "urine_protein_creatinine_ratio",
        {},
        MILLIGRAMS_PER_GRAM,
        "500",
        "501",
        Fraction(500, 1000),
        Fraction(501, 1000),
    ),
    (
        "urine_protein_creatinine_ratio",
        {},
        MILLIGRAMS_PER_MILLIMOLE,
        "50",
        "50.1",
        Fraction(50, 100),  # 50 mg/mmol stands for 0.5 g/g (the library's convention)
        Fraction("50.1") / 100,
    ),
    # SLEDAI-2K hematuria "> 5 red blood cells/high power field"
    ("urine_red_cells", {}, PER_HPF, "5", "6", Fraction(5), Fraction(6)),
    # EULAR/ACR joint involvement "≥ 2 joints"
    ("swollen_joint_count", {}, ("joints",), "1", "2", Fraction(1), Fraction(2)),
    # EULAR/ACR "≥ 30 minutes of morning stiffness"
    ("morning_stiffness", {}, MINUTES, "29", "30", Fraction(29), Fraction(30)),
    ("morning_stiffness", {}, HOURS, "0.45", "0.5", Fraction("0.45") * 60, Fraction("0.5") * 60),
    # complement "below the lower limit of normal": kept as given, compared with the limit
    (
        "c3",
        {"lower_limit": Decimal("0.9")},
        COMPLEMENT,
        "0.89",
        "0.9",
        Fraction("0.89"),
        Fraction("0.9"),
    ),
    # anti-dsDNA "above the laboratory reference range": kept as given
    (
        "anti_dsdna",
        {"upper_limit": Decimal(100)},
        ANTIBODY,
        "100",
        "100.1",
        Fraction(100),
        Fraction("100.1"),
    ),
    # LLDAS "prednisolone ≤ 7.5 mg/day"
    ("prednisone_dose", {}, DOSE, "7.5", "7.6", Fraction("7.5"), Fraction("7.6")),
    # LLDAS "PGA ≤ 1"
    ("physician_global_assessment", {}, ("0-3",), "1", "1.1", Fraction(1), Fraction("1.1")),
]

CASES = [
    pytest.param(code, extra, unit, below, above, low, high, id=f"{code}-{unit}")
    for code, extra, units, below, above, low, high in ACROSS
    for unit in units
]


@pytest.mark.parametrize(("code", "extra", "unit", "below", "above", "low", "high"), CASES)
def test_every_spelling_converts_exactly_either_side_of_a_threshold(
    code: str,
    extra: dict[str, Decimal],
    unit: str,
    below: str,
    above: str,
    low: Fraction,
    high: Fraction,
) -> None:
    for value, expected in ((below, low), (above, high)):
        observation = Observation(code, Decimal(value), unit=unit, **extra)  # type: ignore[arg-type]
        assert observation.quantity() == expected


def test_every_accepted_unit_is_tested() -> None:
    tested = {(code, unit) for code, _, units, *_ in ACROSS for unit in units}
    dimension_of = {
        "platelet_count": "cell_count",
        "temperature": "temperature",
        "urine_protein_24h": "protein_24h",
        "urine_protein_creatinine_ratio": "protein_ratio",
        "urine_red_cells": "per_hpf",
        "swollen_joint_count": "joints",
        "morning_stiffness": "minutes",
        "c3": "complement",
        "anti_dsdna": "antibody",
        "prednisone_dose": "dose",
        "physician_global_assessment": "global_assessment",
    }
    assert {(dimension_of[code], unit) for code, unit in tested} == {
        (name, unit) for name, dim in DIMENSIONS.items() for unit in dim.units
    }


@pytest.mark.parametrize(
    ("dimension", "canonical_unit"),
    [
        ("cell_count", "/µL"),
        ("temperature", "°C"),
        ("protein_24h", "g/24 h"),
        ("protein_ratio", "g/g"),
        ("per_hpf", "/hpf"),
        ("joints", "joints"),
        ("minutes", "min"),
        ("dose", "mg/day"),
    ],
)
def test_canonical_unit_converts_to_itself(dimension: str, canonical_unit: str) -> None:
    assert DIMENSIONS[dimension].canonical_unit == canonical_unit
    assert to_canonical(Decimal("12.345"), dimension, canonical_unit) == Fraction("12.345")


class TestLetterCase:
    """Letter case is ignored ("mg/dl" is "mg/dL"), except where another case is
    another unit: G/L (giga per litre) against g/L (grams per litre)."""

    @pytest.mark.parametrize(
        ("dimension", "unit"),
        [(name, unit) for name, dim in DIMENSIONS.items() for unit in dim.units],
    )
    def test_other_letter_cases_convert_the_same(self, dimension: str, unit: str) -> None:
        expected = to_canonical(Decimal("1.5"), dimension, unit)
        for variant in (unit.lower(), unit.upper(), unit.swapcase()):
            if unit in CASE_SENSITIVE:
                assert variant == unit or unit_problem(dimension, variant) is not None
            elif variant not in CASE_SENSITIVE:
                assert to_canonical(Decimal("1.5"), dimension, variant) == expected

    @pytest.mark.parametrize(
        ("code", "unit", "extra"),
        [
            ("c3", "mg/dl", {"lower_limit": Decimal(90)}),
            ("c3", "g/l", {"lower_limit": Decimal("0.9")}),
            ("anti_dsdna", "IU/ml", {"upper_limit": Decimal(27)}),
            ("anti_dsdna", "[iu]/ml", {"upper_limit": Decimal(27)}),
            ("platelet_count", "10*9/l", {}),
            ("platelet_count", "K/UL", {}),
            ("platelet_count", "/\u03bcL", {}),  # Greek mu for the micro sign
            ("temperature", "cel", {}),
            ("temperature", "deg c", {}),
        ],
    )
    def test_spellings_from_the_trial(
        self, code: str, unit: str, extra: dict[str, Decimal]
    ) -> None:
        value = Decimal(38) if code == "temperature" else Decimal(50)
        assert Observation(code, value, unit=unit, **extra).unit == unit  # type: ignore[arg-type]

    def test_no_two_spellings_differ_only_in_case(self) -> None:
        # across all dimensions: else one lookup could mean two units
        by_fold: dict[str, set[str]] = {}
        for dim in DIMENSIONS.values():
            for unit in dim.units:
                by_fold.setdefault(unit.casefold(), set()).add(unit)
        clashes = {fold: units for fold, units in by_fold.items() if len(units) > 1}
        assert clashes == {"g/l": {"G/L", "g/L"}}
        assert {"G/L"} == CASE_SENSITIVE

    def test_a_spelling_shared_by_two_dimensions_is_one_unit(self) -> None:
        seen: dict[str, list[str]] = {}
        for name, dim in DIMENSIONS.items():
            for unit in dim.units:
                seen.setdefault(unit, []).append(name)
        shared = {unit: names for unit, names in seen.items() if len(names) > 1}
        assert shared == {
            "mg/d": ["protein_24h", "dose"],  # milligrams per day in both
            "mg/day": ["protein_24h", "dose"],
            "U/mL": ["complement", "antibody"],  # kept as given in both
            "%": ["complement", "antibody"],
        }


class TestRefused:
    """An unknown or ambiguous unit is refused; the message names the observation and
    the field and never suggests a unit of another scale (G/L is not /µL, g/L is not
    G/L, 10*6/L is not 10*9/L)."""

    @pytest.mark.parametrize(
        ("code", "unit", "extra"),
        [
            ("platelet_count", "g/L", {}),  # grams per litre
            ("platelet_count", "g/l", {}),
            ("platelet_count", "10*6/L", {}),  # another scale
            ("platelet_count", "K", {}),  # thousands of what volume?
            ("platelet_count", "10^9", {}),
            ("platelet_count", "Giga/L", {}),
            ("c3", "G/L", {"lower_limit": Decimal("0.9")}),  # giga per litre, or capitals
            ("urine_protein_24h", "mg/12h", {}),  # another collection period
            ("urine_protein_24h", "g/L", {}),  # a concentration, not an excretion
            ("urine_protein_creatinine_ratio", "mg/mmo", {}),
            ("temperature", "K", {}),
            ("morning_stiffness", "mins", {}),
        ],
    )
    def test_refused_without_a_suggestion(
        self, code: str, unit: str, extra: dict[str, Decimal]
    ) -> None:
        with pytest.raises(InvalidEvidenceError) as caught:
            Observation(code, Decimal(1), unit=unit, **extra)  # type: ignore[arg-type]
        assert f"observation {code!r} field 'unit': " in str(caught.value)
        dimension = {
            "platelet_count": "cell_count",
            "c3": "complement",
            "urine_protein_24h": "protein_24h",
            "urine_protein_creatinine_ratio": "protein_ratio",
            "temperature": "temperature",
            "morning_stiffness": "minutes",
        }[code]
        message = unit_problem(dimension, unit)
        assert message is not None
        assert message.startswith(f"must be a {DIMENSIONS[dimension].name} unit (got {unit!r})")
        others = [u for u in DIMENSIONS[dimension].units if u != unit]
        assert not any(f"'{u}'" in message or f" {u} " in message for u in others)

    def test_ambiguous_giga_spelling_is_explained(self) -> None:
        assert unit_problem("complement", "G/L") == (
            "must be a complement concentration unit (got 'G/L'); its letter case is not "
            "enough to tell giga (10^9) per litre from grams per litre, so it is ambiguous; "
            "the accepted spellings are listed in docs/vocabulary.md"
        )

    def test_unknown_unit_message(self) -> None:
        assert unit_problem("cell_count", "10*6/L") == (
            "must be a cell count unit (got '10*6/L'); the accepted spellings are listed "
            "in docs/vocabulary.md"
        )

    def test_accepted_unit_has_no_problem(self) -> None:
        assert unit_problem("cell_count", "10*9/L") is None

    def test_surrounding_spaces_are_not_part_of_a_unit(self) -> None:
        ratio = Observation("urine_protein_creatinine_ratio", 51, unit="mg/mmol ")
        assert ratio.unit == "mg/mmol"

    def test_to_canonical_refuses_an_unknown_unit(self) -> None:
        with pytest.raises(KeyError):
            to_canonical(Decimal(1), "cell_count", "/ml")


def test_ucum_codes_are_accepted_spellings() -> None:
    accepted = {unit for dim in DIMENSIONS.values() for unit in dim.units}
    assert accepted >= UCUM_CODES


class TestTemperatureScales:
    """°C = (°F - 32) × 5/9, exactly: 100.94 °F is 38.3 °C, not 38.300000000000004."""

    @pytest.mark.parametrize(
        ("fahrenheit", "celsius"),
        [
            (Decimal(32), Fraction(0)),
            (Decimal(212), Fraction(100)),
            (Decimal("98.6"), Fraction(37)),
            (Decimal("100.94"), Fraction("38.3")),
        ],
    )
    def test_fixed_points(self, fahrenheit: Decimal, celsius: Fraction) -> None:
        for unit in FAHRENHEIT:
            assert to_canonical(fahrenheit, "temperature", unit) == celsius

    @given(st.decimals(min_value=25, max_value=45, places=2))
    def test_fahrenheit_of_celsius_converts_back(self, celsius: Decimal) -> None:
        fahrenheit = celsius * Decimal("1.8") + 32  # exact in decimal
        assert to_canonical(fahrenheit, "temperature", "[degF]") == Fraction(celsius)
        assert to_canonical(celsius, "temperature", "Cel") == Fraction(celsius)


@given(st.decimals(min_value=0, max_value=2000, places=3))
def test_cell_count_spellings_agree(per_nanolitre: Decimal) -> None:
    """x × 10⁹/L, x × 10³/µL and 1,000·x /µL are the same count, in every spelling."""
    per_microlitre = per_nanolitre * 1000
    expected = Fraction(per_microlitre)
    for unit in PER_MICROLITRE:
        assert to_canonical(per_microlitre, "cell_count", unit) == expected
    for unit in THOUSANDS_PER_MICROLITRE:
        assert to_canonical(per_nanolitre, "cell_count", unit) == expected


@given(st.decimals(min_value=0, max_value=50, places=3))
def test_grams_and_milligrams_agree(grams: Decimal) -> None:
    for unit in MILLIGRAMS_PER_DAY:
        assert to_canonical(grams * 1000, "protein_24h", unit) == Fraction(grams)
    for unit in MILLIGRAMS_PER_GRAM:
        assert to_canonical(grams * 1000, "protein_ratio", unit) == Fraction(grams)


class TestThroughTheInstrument:
    """EULAR/ACR 2019 "Thrombocytopenia: platelets < 100,000/mm³" and "Fever:
    Temperature > 38.3 °C", decided the same in every accepted spelling: one step
    either side of the threshold."""

    @staticmethod
    def status(criterion: str, observation: Observation) -> ItemStatus:
        result = eular_acr_2019.classify_patient(Patient("p", (observation,)))
        return result.finding(criterion).status

    @pytest.mark.parametrize(
        ("unit", "below", "at"),
        [(u, "99999", "100000") for u in PER_MICROLITRE]
        + [(u, "99.999", "100") for u in THOUSANDS_PER_MICROLITRE],
    )
    def test_thrombocytopenia(self, unit: str, below: str, at: str) -> None:
        low = Observation("platelet_count", Decimal(below), unit=unit)
        assert self.status("thrombocytopenia", low) is ItemStatus.PRESENT
        threshold = Observation("platelet_count", Decimal(at), unit=unit)
        assert self.status("thrombocytopenia", threshold) is ItemStatus.ABSENT

    @pytest.mark.parametrize(
        ("unit", "at", "above"),
        [(u, "38.3", "38.4") for u in CELSIUS]
        + [(u, "100.94", "101.12") for u in FAHRENHEIT],  # = 38.3 and 38.4 °C exactly
    )
    def test_fever(self, unit: str, at: str, above: str) -> None:
        threshold = Observation("temperature", Decimal(at), unit=unit)
        assert self.status("fever", threshold) is ItemStatus.ABSENT
        fever = Observation("temperature", Decimal(above), unit=unit)
        assert self.status("fever", fever) is ItemStatus.PRESENT
