"""Units and their exact conversions: the one place where unit strings live.

A rule never sees a raw unit string: observations are converted here to one
canonical unit per dimension, exactly (``fractions.Fraction``), so that a threshold
such as "< 100,000/mm³" gives the same answer whatever unit the laboratory used.
The accepted spellings are a curated table: the UCUM codes (the unit standard of
HL7 FHIR and most laboratory exports; https://ucum.org/ucum) and the everyday
spellings laboratories print. Letter case is ignored, except for the spellings in
:data:`CASE_SENSITIVE`, whose other letter cases mean a different unit. An unknown
or ambiguous unit is an error, never a guess.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from fractions import Fraction

import attrs

__all__ = [
    "CASE_SENSITIVE",
    "DIMENSIONS",
    "PHOSPHOLIPID_UNITS",
    "UCUM_CODES",
    "Dimension",
    "Number",
    "Spellings",
    "to_canonical",
    "unit_problem",
]

#: A number given directly to an outcome (a PGA, a dose): kept exactly, a float by its
#: shortest repr as typed, a string as decimal text.
Number = int | Decimal | Fraction | str | float

# (factor, offset) with canonical = value * factor + offset (an offset only for °F).
_Conversion = tuple[Fraction, Fraction]

#: Spellings accepted only in the letter case written here: ``G/L`` is giga (10⁹) per
#: litre for a cell count, while ``g/L`` (and ``G/L`` from a laboratory system that
#: prints in capitals) is grams per litre. So ``g/L`` is refused for a cell count and
#: ``G/L`` is refused for a concentration, rather than guessed.
CASE_SENSITIVE: frozenset[str] = frozenset({"G/L"})


class Spellings(Mapping[str, _Conversion]):
    """The accepted spellings of one dimension's units and their conversions.

    Looking a unit up ignores letter case (``mg/dl`` is ``mg/dL``), except that a
    spelling in :data:`CASE_SENSITIVE` matches only as written, and is refused in
    every other dimension. Iterating gives the curated spellings, as documented.
    """

    def __init__(self, table: dict[str, _Conversion]) -> None:
        self._table = table
        self._folded: dict[str, str] = {}
        for spelling in table:
            if spelling not in CASE_SENSITIVE:
                # Two spellings differing only in case would make the lookup order-dependent.
                assert spelling.casefold() not in self._folded, spelling
                self._folded[spelling.casefold()] = spelling

    def spelling(self, unit: str) -> str | None:
        """The curated spelling that ``unit`` matches, or ``None`` when refused."""
        if unit in self._table:
            return unit
        if unit in CASE_SENSITIVE:
            return None  # another dimension's unit in exactly this spelling
        # "g/l" is not looked up as G/L: G/L is not in the case-folded table.
        return self._folded.get(unit.casefold())

    def __getitem__(self, unit: str) -> _Conversion:
        spelling = self.spelling(unit) if isinstance(unit, str) else None
        if spelling is None:
            raise KeyError(unit)
        return self._table[spelling]

    def __iter__(self) -> Iterator[str]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)

    def __repr__(self) -> str:
        return f"Spellings({self._table!r})"


@attrs.frozen
class Dimension:
    """A physical dimension: its canonical unit and every accepted unit.

    ``units`` maps an accepted spelling to ``(factor, offset)`` with
    ``canonical = value * factor + offset`` (an offset only for °F).
    """

    name: str
    canonical_unit: str
    units: Spellings


def _scale(factor: int | str | Fraction) -> _Conversion:
    return (Fraction(factor), Fraction(0))


def _same(conversion: _Conversion, *spellings: str) -> dict[str, _Conversion]:
    return dict.fromkeys(spellings, conversion)


# Cell counts per µL (= per mm³). 1 × 10⁹/L = 10⁹ per 10⁶ µL = 1,000/µL;
# 1 × 10³/µL = 1,000/µL. "K" is the US laboratories' "thousands".
_PER_MICROLITRE = {
    **_same(
        _scale(1),
        "/µL",
        "/uL",
        "/mm³",
        "/mm3",
        "cells/µL",
        "cells/uL",
        "{cells}/uL",
        "cells/mm3",
    ),
    **_same(
        _scale(1000),
        "10^9/L",
        "×10⁹/L",
        "x10^9/L",
        "10*9/L",
        "x10E9/L",
        "10E9/L",
        "G/L",  # giga per litre = 10^9/L, the usual European spelling
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
    ),
}

#: The spellings of the anticardiolipin units GPL, MPL and APL (IgG, IgM and IgA
#: phospholipid units), in which the fixed "> 40 units" cut-off of the criteria applies.
PHOSPHOLIPID_UNITS: tuple[str, ...] = (
    "GPL",
    "MPL",
    "APL",
    "GPL U/mL",
    "MPL U/mL",
    "APL U/mL",
    "[GPL'U]/mL",
    "[MPL'U]/mL",
    "[APL'U]/mL",
)

# °C = (°F - 32) × 5/9
_FAHRENHEIT = (Fraction(5, 9), Fraction(-160, 9))

DIMENSIONS: dict[str, Dimension] = {
    "cell_count": Dimension("cell count", "/µL", Spellings(_PER_MICROLITRE)),
    "temperature": Dimension(
        "temperature",
        "°C",
        Spellings(
            {
                **_same(_scale(1), "°C", "C", "degC", "Cel", "℃", "deg C"),
                **_same(_FAHRENHEIT, "°F", "F", "degF", "[degF]", "℉", "deg F"),
            }
        ),
    ),
    "protein_24h": Dimension(
        "urine protein excretion",
        "g/24 h",
        Spellings(
            {
                **_same(
                    _scale(1),
                    "g/24 h",
                    "g/24h",
                    "g/24 hr",
                    "g/24hr",
                    "g/(24.h)",
                    "g/day",
                    "g/d",
                ),
                **_same(
                    _scale(Fraction(1, 1000)),
                    "mg/24 h",
                    "mg/24h",
                    "mg/24 hr",
                    "mg/24hr",
                    "mg/(24.h)",
                    "mg/day",
                    "mg/d",
                ),
            }
        ),
    ),
    # Spot urine protein-to-creatinine ratio expressed as its conventional 24-hour
    # equivalent (g/24 h): 0.5 g/g and 50 mg/mmol both stand for 0.5 g/24 h. The
    # mg/mmol factor is this clinical convention, not a molar-mass conversion.
    "protein_ratio": Dimension(
        "urine protein-to-creatinine ratio (24-hour equivalent)",
        "g/g",
        Spellings(
            {
                **_same(_scale(1), "g/g", "g/g{creat}", "mg/mg", "mg/mg{creat}"),
                **_same(_scale(Fraction(1, 1000)), "mg/g", "mg/g{creat}"),
                **_same(_scale(Fraction(1, 100)), "mg/mmol", "mg/mmol{creat}"),
            }
        ),
    ),
    "per_hpf": Dimension(
        "cells per high-power field",
        "/hpf",
        Spellings(_same(_scale(1), "/hpf", "/[HPF]", "{cells}/[HPF]", "cells/hpf")),
    ),
    "joints": Dimension("number of joints", "joints", Spellings({"joints": _scale(1)})),
    "minutes": Dimension(
        "duration",
        "min",
        Spellings(
            {
                **_same(_scale(1), "min", "minutes"),
                **_same(_scale(60), "h", "hr", "hours"),
            }
        ),
    ),
    # Laboratory-dependent values are compared with the laboratory's own limit in
    # the same unit, so the unit only has to be one of these, and the same for both.
    "complement": Dimension(
        "complement concentration",
        "as given",
        Spellings(_same(_scale(1), "g/L", "mg/dL", "mg/L", "U/mL", "kU/L", "%", "CH50 units")),
    ),
    "antibody": Dimension(
        "antibody level",
        "as given",
        Spellings(
            _same(
                _scale(1),
                "IU/mL",
                "[IU]/mL",
                "U/mL",
                "kIU/L",
                "k[IU]/L",
                *PHOSPHOLIPID_UNITS,
                "%",
            )
        ),
    ),
    "dose": Dimension(
        "daily dose",
        "mg/day",
        Spellings(_same(_scale(1), "mg/day", "mg/d", "mg")),
    ),
    # The physician global assessment is read on its own 0-3 scale (SELENA-SLEDAI
    # PGA); the "unit" names the scale, so a 0-100 VAS cannot be mistaken for it.
    "global_assessment": Dimension(
        "physician global assessment", "0-3", Spellings({"0-3": _scale(1)})
    ),
}

#: The accepted spellings that are UCUM codes (case-sensitive UCUM, c/s), as FHIR
#: ``valueQuantity.code`` carries them.
UCUM_CODES: frozenset[str] = frozenset(
    {
        "/uL",
        "/mm3",
        "{cells}/uL",
        "10*9/L",
        "10*3/uL",
        "10*3/mm3",
        "Cel",
        "[degF]",
        "g/(24.h)",
        "mg/(24.h)",
        "g/d",
        "mg/d",
        "g/g",
        "g/g{creat}",
        "mg/mg",
        "mg/mg{creat}",
        "mg/g",
        "mg/g{creat}",
        "mg/mmol",
        "mg/mmol{creat}",
        "/[HPF]",
        "{cells}/[HPF]",
        "min",
        "h",
        "g/L",
        "mg/dL",
        "mg/L",
        "U/mL",
        "kU/L",
        "%",
        "[IU]/mL",
        "k[IU]/L",
        "[GPL'U]/mL",
        "[MPL'U]/mL",
        "[APL'U]/mL",
        "mg",
    }
)


def to_canonical(value: Decimal | Fraction | int, dimension: str, unit: str) -> Fraction:
    """``value`` in ``unit`` converted exactly to the dimension's canonical unit.

    Raises ``KeyError`` for an unknown dimension or a unit not accepted for it.
    """
    factor, offset = DIMENSIONS[dimension].units[unit]
    return Fraction(value) * factor + offset


def unit_problem(dimension: str, unit: str) -> str | None:
    """Why ``unit`` is refused for ``dimension`` (``None`` when accepted).

    The message never suggests another unit: a "close" spelling may be another scale
    (``g/L`` is not ``G/L``; ``10*6/L`` is not ``10*9/L``).
    """
    dim = DIMENSIONS[dimension]
    if dim.units.spelling(unit) is not None:
        return None
    message = f"must be a {dim.name} unit (got {unit!r})"
    if unit.casefold() in {s.casefold() for s in CASE_SENSITIVE}:
        message += (
            "; its letter case is not enough to tell giga (10^9) per litre from grams "
            "per litre, so it is ambiguous"
        )
    return message + "; the accepted spellings are listed in docs/vocabulary.md"


def __dir__() -> list[str]:
    # The public API is what __all__ lists (as in pypa/packaging).
    return list(__all__)
