"""Every accepted unit converts exactly to its dimension's canonical unit.

The expected values are written from the definitions of the units (1 × 10⁹/L =
1,000/µL; °C = (°F - 32) × 5/9; 1 g = 1,000 mg; 1 h = 60 min), not from the code.
An unknown unit is an error that names the observation and suggests the closest
accepted spelling; it is never guessed.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sle_scoring import InvalidEvidenceError, Observation
from sle_scoring.units import DIMENSIONS, to_canonical

# (dimension, unit, value in that unit, the same quantity in the canonical unit)
CONVERSIONS: list[tuple[str, str, Decimal, Fraction]] = [
    # cell counts, canonical /µL (= /mm³); 10⁹/L = 10⁹ per 10⁶ µL = 1,000/µL
    ("cell_count", "/µL", Decimal(4000), Fraction(4000)),
    ("cell_count", "/uL", Decimal(4000), Fraction(4000)),
    ("cell_count", "/mm³", Decimal(4000), Fraction(4000)),
    ("cell_count", "/mm3", Decimal(4000), Fraction(4000)),
    ("cell_count", "10^9/L", Decimal("4.0"), Fraction(4000)),
    ("cell_count", "×10⁹/L", Decimal("4.0"), Fraction(4000)),
    ("cell_count", "x10^9/L", Decimal("99.999"), Fraction(99_999)),
    ("cell_count", "10^3/µL", Decimal("100"), Fraction(100_000)),
    ("cell_count", "10^3/uL", Decimal("2.999"), Fraction(2999)),
    ("cell_count", "x10^3/uL", Decimal("45"), Fraction(45_000)),
    ("cell_count", "G/L", Decimal("99.999"), Fraction(99_999)),  # giga per litre = 10⁹/L
    ("cell_count", "K/µL", Decimal("100"), Fraction(100_000)),  # thousands per µL
    ("cell_count", "K/uL", Decimal("3.0"), Fraction(3000)),
    # temperature, canonical °C; °C = (°F - 32) × 5/9
    ("temperature", "°C", Decimal("38.3"), Fraction("38.3")),
    ("temperature", "C", Decimal("38.4"), Fraction("38.4")),
    ("temperature", "degC", Decimal("38.0"), Fraction(38)),
    ("temperature", "°F", Decimal("100.94"), Fraction("38.3")),  # 68.94 × 5/9
    ("temperature", "F", Decimal("101.12"), Fraction("38.4")),  # 69.12 × 5/9
    ("temperature", "degF", Decimal("100.4"), Fraction(38)),  # 68.4 × 5/9
    # 24-hour urine protein, canonical g/24 h; 1 g = 1,000 mg
    ("protein_24h", "g/24 h", Decimal("0.5"), Fraction(1, 2)),
    ("protein_24h", "g/24h", Decimal("0.51"), Fraction(51, 100)),
    ("protein_24h", "g/day", Decimal("3.5"), Fraction(7, 2)),
    ("protein_24h", "g/d", Decimal("0.5"), Fraction(1, 2)),
    ("protein_24h", "mg/24 h", Decimal(500), Fraction(1, 2)),
    ("protein_24h", "mg/24h", Decimal(501), Fraction(501, 1000)),
    ("protein_24h", "mg/day", Decimal(500), Fraction(1, 2)),
    ("protein_24h", "mg/d", Decimal(3500), Fraction(7, 2)),
    # spot protein/creatinine ratio as its 24-hour equivalent, canonical g/g;
    # 50 mg/mmol standing for 0.5 g/g is the library's clinical convention
    ("protein_ratio", "g/g", Decimal("0.5"), Fraction(1, 2)),
    ("protein_ratio", "mg/mg", Decimal("0.51"), Fraction(51, 100)),
    ("protein_ratio", "mg/g", Decimal(500), Fraction(1, 2)),
    ("protein_ratio", "mg/mmol", Decimal(50), Fraction(1, 2)),
    ("protein_ratio", "mg/mmol", Decimal(51), Fraction(51, 100)),
    # counts per high-power field and joints
    ("per_hpf", "/hpf", Decimal(6), Fraction(6)),
    ("joints", "joints", Decimal(2), Fraction(2)),
    # duration, canonical minutes; 1 h = 60 min
    ("minutes", "min", Decimal(30), Fraction(30)),
    ("minutes", "minutes", Decimal(29), Fraction(29)),
    ("minutes", "h", Decimal("0.5"), Fraction(30)),
    ("minutes", "hours", Decimal("1.5"), Fraction(90)),
    # laboratory-dependent values are kept as given (compared with the lab's limit)
    ("complement", "g/L", Decimal("0.89"), Fraction(89, 100)),
    ("complement", "mg/dL", Decimal(90), Fraction(90)),
    ("complement", "mg/L", Decimal(900), Fraction(900)),
    ("complement", "U/mL", Decimal(40), Fraction(40)),
    ("complement", "kU/L", Decimal(40), Fraction(40)),
    ("complement", "%", Decimal(75), Fraction(75)),
    ("complement", "CH50 units", Decimal(41), Fraction(41)),
    ("antibody", "IU/mL", Decimal(31), Fraction(31)),
    ("antibody", "U/mL", Decimal("20.5"), Fraction(41, 2)),
    ("antibody", "kIU/L", Decimal(31), Fraction(31)),
    ("antibody", "GPL", Decimal(41), Fraction(41)),
    ("antibody", "MPL", Decimal(40), Fraction(40)),
    ("antibody", "APL", Decimal(41), Fraction(41)),
    ("antibody", "GPL U/mL", Decimal(41), Fraction(41)),
    ("antibody", "MPL U/mL", Decimal(41), Fraction(41)),
    ("antibody", "APL U/mL", Decimal(41), Fraction(41)),
    ("antibody", "%", Decimal(26), Fraction(26)),
    # daily glucocorticoid dose, canonical mg/day
    ("dose", "mg/day", Decimal("7.5"), Fraction(15, 2)),
    ("dose", "mg/d", Decimal(5), Fraction(5)),
    ("dose", "mg", Decimal("12.5"), Fraction(25, 2)),
    # physician global assessment on its 0-3 scale
    ("global_assessment", "0-3", Decimal("0.5"), Fraction(1, 2)),
]


@pytest.mark.parametrize(("dimension", "unit", "value", "canonical"), CONVERSIONS)
def test_converts_exactly(dimension: str, unit: str, value: Decimal, canonical: Fraction) -> None:
    converted = to_canonical(value, dimension, unit)
    assert isinstance(converted, Fraction)
    assert converted == canonical


def test_every_accepted_unit_is_tested() -> None:
    tested = {(dimension, unit) for dimension, unit, _, _ in CONVERSIONS}
    accepted = {(name, unit) for name, dim in DIMENSIONS.items() for unit in dim.units}
    assert tested == accepted


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
        assert to_canonical(fahrenheit, "temperature", "°F") == celsius

    @given(st.decimals(min_value=25, max_value=45, places=2))
    def test_fahrenheit_of_celsius_converts_back(self, celsius: Decimal) -> None:
        fahrenheit = celsius * Decimal("1.8") + 32  # exact in decimal
        assert to_canonical(fahrenheit, "temperature", "°F") == Fraction(celsius)


@given(st.decimals(min_value=0, max_value=2000, places=3))
def test_cell_count_spellings_agree(per_nanolitre: Decimal) -> None:
    """x × 10⁹/L, x × 10³/µL and 1,000·x /µL are the same count, in every spelling."""
    per_microlitre = per_nanolitre * 1000
    expected = Fraction(per_microlitre)
    for unit in ("/µL", "/uL", "/mm³", "/mm3"):
        assert to_canonical(per_microlitre, "cell_count", unit) == expected
    for unit in ("10^9/L", "×10⁹/L", "x10^9/L", "10^3/µL", "10^3/uL", "x10^3/uL"):
        assert to_canonical(per_nanolitre, "cell_count", unit) == expected


@given(st.decimals(min_value=0, max_value=50, places=3))
def test_grams_and_milligrams_agree(grams: Decimal) -> None:
    for unit in ("mg/24 h", "mg/24h", "mg/day", "mg/d"):
        assert to_canonical(grams * 1000, "protein_24h", unit) == Fraction(grams)
    assert to_canonical(grams * 1000, "protein_ratio", "mg/g") == Fraction(grams)


class TestUnknownUnits:
    """An unknown unit is an error naming the observation and the field, with the
    accepted units and, when one differs only in letter case, a suggestion; never a
    guess, and never a "close" unit of another scale (G/L is not /µL)."""

    def test_no_suggestion_of_another_scale(self) -> None:
        # 'g/l' (a mass concentration) must not be answered with '/µL' or 'G/L'
        with pytest.raises(InvalidEvidenceError) as caught:
            Observation("platelet_count", 150, unit="Giga/L")
        assert "did you mean" not in str(caught.value)

    def test_surrounding_spaces_are_not_part_of_a_unit(self) -> None:
        ratio = Observation("urine_protein_creatinine_ratio", 51, unit="mg/mmol ")
        assert ratio.unit == "mg/mmol"

    @pytest.mark.parametrize(
        ("code", "value", "unit", "message"),
        [
            (
                "platelet_count",
                1,
                "/ul",
                "must be a cell count unit, one of /µL, /uL, /mm³, /mm3, 10^9/L, ×10⁹/L, "
                "x10^9/L, 10^3/µL, 10^3/uL, x10^3/uL, G/L, K/µL, K/uL (got '/ul'); "
                "did you mean '/uL'?",
            ),
            (
                "leukocyte_count",
                4,
                "10^9/l",
                "must be a cell count unit, one of /µL, /uL, /mm³, /mm3, 10^9/L, ×10⁹/L, "
                "x10^9/L, 10^3/µL, 10^3/uL, x10^3/uL, G/L, K/µL, K/uL (got '10^9/l'); "
                "did you mean '10^9/L'?",
            ),
            (
                "urine_protein_24h",
                1,
                "mg/24hr",
                "must be a urine protein excretion unit, one of g/24 h, g/24h, g/day, g/d, "
                "mg/24 h, mg/24h, mg/day, mg/d (got 'mg/24hr')",
            ),
            (
                "urine_protein_creatinine_ratio",
                1,
                "mg/mmo",
                "must be a urine protein-to-creatinine ratio (24-hour equivalent) unit, one "
                "of g/g, mg/mg, mg/g, mg/mmol (got 'mg/mmo')",
            ),
            (
                "morning_stiffness",
                30,
                "mins",
                "must be a duration unit, one of min, minutes, h, hours (got 'mins')",
            ),
            (
                "temperature",
                37,
                "degc",
                "must be a temperature unit, one of °C, C, degC, °F, F, degF (got 'degc'); "
                "did you mean 'degC'?",
            ),
            (
                "temperature",
                310,
                "K",
                "must be a temperature unit, one of °C, C, degC, °F, F, degF (got 'K')",
            ),
        ],
    )
    def test_message(self, code: str, value: int, unit: str, message: str) -> None:
        with pytest.raises(InvalidEvidenceError) as caught:
            Observation(code, value, unit=unit)
        assert str(caught.value) == f"observation {code!r} field 'unit': {message}"

    def test_to_canonical_refuses_an_unknown_unit(self) -> None:
        with pytest.raises(KeyError):
            to_canonical(Decimal(1), "cell_count", "/ml")
