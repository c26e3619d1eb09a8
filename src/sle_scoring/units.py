"""Units and their exact conversions: the one place where unit strings live.

A rule never sees a raw unit string: observations are converted here to one
canonical unit per dimension, exactly (``fractions.Fraction``), so that a threshold
such as "< 100,000/mm³" gives the same answer whatever unit the laboratory used.
An unknown unit is an error, never a guess.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import attrs

__all__ = ["DIMENSIONS", "Dimension", "Number", "to_canonical"]

#: A number given directly to an outcome (a PGA, a dose): kept exactly, a float by its
#: shortest repr as typed, a string as decimal text.
Number = int | Decimal | Fraction | str | float


@attrs.frozen
class Dimension:
    """A physical dimension: its canonical unit and every accepted unit.

    ``units`` maps an accepted spelling to ``(factor, offset)`` with
    ``canonical = value * factor + offset`` (an offset only for °F).
    """

    name: str
    canonical_unit: str
    units: dict[str, tuple[Fraction, Fraction]]


def _scale(factor: int | str | Fraction) -> tuple[Fraction, Fraction]:
    return (Fraction(factor), Fraction(0))


# Cell counts per µL (= per mm³). 1 × 10⁹/L = 1,000/µL; 1 × 10³/µL = 1,000/µL.
_PER_MICROLITRE = {
    "/µL": _scale(1),
    "/uL": _scale(1),
    "/mm³": _scale(1),
    "/mm3": _scale(1),
    "10^9/L": _scale(1000),
    "×10⁹/L": _scale(1000),
    "x10^9/L": _scale(1000),
    "10^3/µL": _scale(1000),
    "10^3/uL": _scale(1000),
    "x10^3/uL": _scale(1000),
    "G/L": _scale(1000),  # giga per litre = 10^9/L, the usual European spelling
    "K/µL": _scale(1000),  # thousands per µL
    "K/uL": _scale(1000),
}

DIMENSIONS: dict[str, Dimension] = {
    "cell_count": Dimension("cell count", "/µL", _PER_MICROLITRE),
    "temperature": Dimension(
        "temperature",
        "°C",
        {
            "°C": _scale(1),
            "C": _scale(1),
            "degC": _scale(1),
            # °C = (°F - 32) × 5/9
            "°F": (Fraction(5, 9), Fraction(-160, 9)),
            "F": (Fraction(5, 9), Fraction(-160, 9)),
            "degF": (Fraction(5, 9), Fraction(-160, 9)),
        },
    ),
    "protein_24h": Dimension(
        "urine protein excretion",
        "g/24 h",
        {
            "g/24 h": _scale(1),
            "g/24h": _scale(1),
            "g/day": _scale(1),
            "g/d": _scale(1),
            "mg/24 h": _scale(Fraction(1, 1000)),
            "mg/24h": _scale(Fraction(1, 1000)),
            "mg/day": _scale(Fraction(1, 1000)),
            "mg/d": _scale(Fraction(1, 1000)),
        },
    ),
    # Spot urine protein-to-creatinine ratio expressed as its conventional 24-hour
    # equivalent (g/24 h): 0.5 g/g and 50 mg/mmol both stand for 0.5 g/24 h. The
    # mg/mmol factor is this clinical convention, not a molar-mass conversion.
    "protein_ratio": Dimension(
        "urine protein-to-creatinine ratio (24-hour equivalent)",
        "g/g",
        {
            "g/g": _scale(1),
            "mg/mg": _scale(1),
            "mg/g": _scale(Fraction(1, 1000)),
            "mg/mmol": _scale(Fraction(1, 100)),
        },
    ),
    "per_hpf": Dimension("cells per high-power field", "/hpf", {"/hpf": _scale(1)}),
    "joints": Dimension("number of joints", "joints", {"joints": _scale(1)}),
    "minutes": Dimension(
        "duration",
        "min",
        {"min": _scale(1), "minutes": _scale(1), "h": _scale(60), "hours": _scale(60)},
    ),
    # Laboratory-dependent values are compared with the laboratory's own limit in
    # the same unit, so the unit only has to be one of these, and the same for both.
    "complement": Dimension(
        "complement concentration",
        "as given",
        {u: _scale(1) for u in ("g/L", "mg/dL", "mg/L", "U/mL", "kU/L", "%", "CH50 units")},
    ),
    "antibody": Dimension(
        "antibody level",
        "as given",
        {
            u: _scale(1)
            for u in (
                "IU/mL",
                "U/mL",
                "kIU/L",
                "GPL",
                "MPL",
                "APL",
                "GPL U/mL",
                "MPL U/mL",
                "APL U/mL",
                "%",
            )
        },
    ),
    "dose": Dimension(
        "daily dose",
        "mg/day",
        {"mg/day": _scale(1), "mg/d": _scale(1), "mg": _scale(1)},
    ),
    # The physician global assessment is read on its own 0-3 scale (SELENA-SLEDAI
    # PGA); the "unit" names the scale, so a 0-100 VAS cannot be mistaken for it.
    "global_assessment": Dimension("physician global assessment", "0-3", {"0-3": _scale(1)}),
}


def to_canonical(value: Decimal | Fraction | int, dimension: str, unit: str) -> Fraction:
    """``value`` in ``unit`` converted exactly to the dimension's canonical unit.

    Raises ``KeyError`` for an unknown dimension or a unit not accepted for it.
    """
    factor, offset = DIMENSIONS[dimension].units[unit]
    return Fraction(value) * factor + offset


def __dir__() -> list[str]:
    # The public API is what __all__ lists (as in pypa/packaging).
    return list(__all__)
