"""The ``sle-scoring`` command line."""

from __future__ import annotations

from collections.abc import Sequence

from . import eular_acr_2019, sledai_2k

__all__ = ["main"]

# The published reference case at item level (Bottazzi F, et al. Clin Exp Rheumatol
# 2025): the criteria the authors list at presentation, and SLEDAI-2K 0 on anifrolumab.
_PRESENTATION = (
    "ana_positive",
    "thrombocytopenia",
    "pleural_or_pericardial_effusion",
    "joint_involvement",
    "low_c3_and_low_c4",
)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the explained results for the bundled reference case."""
    print(eular_acr_2019.classify(_PRESENTATION))
    print()
    print(sledai_2k.score([]))
    return 0
