"""The published reference case, as evidence, for tests and examples.

:func:`bottazzi_2025` encodes only what the case report says; the constants are its
dates. The case is written once, in :mod:`sle_scoring.testing.cases`, with the
other reference cases; this module keeps its public names.
"""

from __future__ import annotations

from .testing.cases import (
    BOTTAZZI_2025_FIRST_INFUSION,
    BOTTAZZI_2025_FLARE,
    BOTTAZZI_2025_GLUCOCORTICOID_STOPPED,
    BOTTAZZI_2025_PREDNISONE_RAISED,
    BOTTAZZI_2025_PREDNISONE_REDUCED,
    BOTTAZZI_2025_PRESENTATION,
    BOTTAZZI_2025_SECOND_INFUSION,
    BOTTAZZI_2025_SIXTH_INFUSION,
    bottazzi_2025,
)

__all__ = [
    "BOTTAZZI_2025_FIRST_INFUSION",
    "BOTTAZZI_2025_FLARE",
    "BOTTAZZI_2025_GLUCOCORTICOID_STOPPED",
    "BOTTAZZI_2025_PREDNISONE_RAISED",
    "BOTTAZZI_2025_PREDNISONE_REDUCED",
    "BOTTAZZI_2025_PRESENTATION",
    "BOTTAZZI_2025_SECOND_INFUSION",
    "BOTTAZZI_2025_SIXTH_INFUSION",
    "bottazzi_2025",
]


def __dir__() -> list[str]:
    # The public API is what __all__ lists (as in pypa/packaging).
    return list(__all__)
