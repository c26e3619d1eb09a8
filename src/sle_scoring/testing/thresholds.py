"""The published numeric thresholds of the implemented instruments, written from the
papers (Aringer et al. 2019, Table 1; Gladman et al. 2002), not from the library's code.

:data:`THRESHOLDS` lists each with its item, comparison, value and the publication's
wording; :data:`THRESHOLD_CODES` the codes that
:func:`sle_scoring.testing.strategies.observations` can draw ``around_threshold``.
Plain data: no Hypothesis needed.
"""

from __future__ import annotations

from fractions import Fraction

import attrs

from ..vocabulary import CONCEPTS, Kind

__all__ = ["THRESHOLDS", "THRESHOLD_CODES", "Threshold"]


@attrs.frozen
class Threshold:
    """A published numeric threshold: the item it decides, the comparison, the wording.

    ``item`` is ``<instrument>.<item>``; ``code`` the vocabulary code measured;
    ``value`` is in ``unit``, the canonical unit of the code's dimension (for a
    titre, the denominator N of ``1:N``; for anticardiolipin, GPL/MPL/APL units).
    ``needs`` names other evidence the item also requires (empty when this threshold
    decides the item on its own). Written from the publications, not from the code.
    """

    item: str
    code: str
    comparison: str
    value: Fraction
    unit: str
    wording: str
    needs: str = ""

    def met(self, number: Fraction) -> bool:
        """Whether ``number`` (in ``unit``) meets the threshold."""
        if self.comparison == "<":
            return number < self.value
        if self.comparison == ">":
            return number > self.value
        if self.comparison == ">=":
            return number >= self.value
        raise ValueError(f"unknown comparison {self.comparison!r}; expected <, > or >=")


_EULAR = "eular_acr_2019."
_SLEDAI = "sledai_2k."

#: Every numeric threshold of the implemented instruments, with the publication's
#: wording (Aringer et al. 2019, Table 1; Gladman et al. 2002). Laboratory-relative
#: limits (complement below, anti-dsDNA above the laboratory's limit) have no fixed
#: number and are not listed: :func:`~sle_scoring.testing.strategies.observations` draws
#: around the limit instead.
THRESHOLDS: tuple[Threshold, ...] = (
    Threshold(
        _EULAR + "ana_positive",
        "ana",
        ">=",
        Fraction(80),
        "1:N",
        "ANA at a titre of ≥1:80 on HEp-2 cells or an equivalent positive test at least once",
    ),
    Threshold(_EULAR + "fever", "temperature", ">", Fraction("38.3"), "°C", "Temperature >38.3°C"),
    Threshold(
        _EULAR + "leukopenia",
        "leukocyte_count",
        "<",
        Fraction(4000),
        "/µL",
        "White blood cell count <4.0×10^9/l",
    ),
    Threshold(
        _EULAR + "thrombocytopenia",
        "platelet_count",
        "<",
        Fraction(100_000),
        "/µL",
        "Platelet count <100×10^9/l",
    ),
    Threshold(
        _EULAR + "proteinuria",
        "urine_protein_24h",
        ">",
        Fraction("0.5"),
        "g/24 h",
        "Proteinuria >0.5 g/24 h by 24-hour urine",
    ),
    Threshold(
        _EULAR + "proteinuria",
        "urine_protein_creatinine_ratio",
        ">",
        Fraction("0.5"),
        "g/g",
        "or equivalent spot urine protein-to-creatinine ratio (0.5 g/g: a library convention)",
    ),
    Threshold(
        _EULAR + "joint_involvement",
        "swollen_joint_count",
        ">=",
        Fraction(2),
        "joints",
        "synovitis involving 2 or more joints characterized by swelling or effusion",
    ),
    Threshold(
        _EULAR + "joint_involvement",
        "tender_joint_count",
        ">=",
        Fraction(2),
        "joints",
        "tenderness in 2 or more joints and at least 30 minutes of morning stiffness",
        needs="morning stiffness of at least 30 minutes",
    ),
    Threshold(
        _EULAR + "joint_involvement",
        "morning_stiffness",
        ">=",
        Fraction(30),
        "min",
        "tenderness in 2 or more joints and at least 30 minutes of morning stiffness",
        needs="tenderness in 2 or more joints",
    ),
    Threshold(
        _EULAR + "antiphospholipid_antibodies",
        "anticardiolipin",
        ">",
        Fraction(40),
        "GPL/MPL/APL units",
        "anticardiolipin antibodies at medium or high titer (>40 APL, GPL, or MPL units "
        "or >the 99th percentile)",
    ),
    Threshold(_SLEDAI + "fever", "temperature", ">", Fraction(38), "°C", "Fever: >38°C"),
    Threshold(
        _SLEDAI + "thrombocytopenia",
        "platelet_count",
        "<",
        Fraction(100_000),
        "/µL",
        "Thrombocytopenia: <100,000 platelets/mm³",
    ),
    Threshold(
        _SLEDAI + "leukopenia",
        "leukocyte_count",
        "<",
        Fraction(3000),
        "/µL",
        "Leukopenia: <3,000 WBC/mm³",
    ),
    Threshold(
        _SLEDAI + "proteinuria",
        "urine_protein_24h",
        ">",
        Fraction("0.5"),
        "g/24 h",
        "Proteinuria: >0.5 g/24 hours",
    ),
    Threshold(
        _SLEDAI + "proteinuria",
        "urine_protein_creatinine_ratio",
        ">",
        Fraction("0.5"),
        "g/g",
        "Proteinuria: >0.5 g/24 hours (spot ratio equivalent: a library extension)",
    ),
    Threshold(
        _SLEDAI + "hematuria",
        "urine_red_cells",
        ">",
        Fraction(5),
        "/hpf",
        "Hematuria: >5 RBC/high power field",
    ),
    Threshold(
        _SLEDAI + "pyuria", "urine_white_cells", ">", Fraction(5), "/hpf", "Pyuria: >5 WBC/hpf"
    ),
    Threshold(
        _SLEDAI + "arthritis",
        "tender_joint_count",
        ">=",
        Fraction(2),
        "joints",
        "Arthritis: ≥2 joints with pain and signs of inflammation (i.e. tenderness, "
        "swelling or effusion)",
    ),
    Threshold(
        _SLEDAI + "arthritis",
        "swollen_joint_count",
        ">=",
        Fraction(2),
        "joints",
        "Arthritis: ≥2 joints with pain and signs of inflammation (i.e. tenderness, "
        "swelling or effusion)",
    ),
)

_LAB_CODES = tuple(c.code for c in CONCEPTS.values() if c.kind is Kind.LAB)

#: The codes :func:`~sle_scoring.testing.strategies.observations` can draw
#: ``around_threshold``: those of :data:`THRESHOLDS` and the laboratory values judged
#: against the laboratory's limit.
THRESHOLD_CODES: tuple[str, ...] = tuple(
    dict.fromkeys([*(t.code for t in THRESHOLDS), *_LAB_CODES])
)


def __dir__() -> list[str]:
    # The public API is what __all__ lists (as in pypa/packaging).
    return list(__all__)
