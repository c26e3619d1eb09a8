"""Tools for testing *your own* clinical code against sle_scoring.

Two kinds of help, for an EHR extraction, a trial's SLEDAI form or a homegrown score:

- **Reference cases** (:data:`REFERENCE_CASES`, in :mod:`sle_scoring.testing.cases`):
  the published case (Bottazzi et al. 2025) and synthetic cases, each with an id, a
  one-line story, the evidence and each instrument's expected results written as
  sums of published weights; the published numeric thresholds
  (:data:`THRESHOLDS`, in :mod:`sle_scoring.testing.thresholds`). Plain data: they
  need only pytest (``@pytest.mark.parametrize("case", REFERENCE_CASES, ids=ids)``).
- **Hypothesis strategies** (:mod:`sle_scoring.testing.strategies`) that build valid
  evidence (observations, patients, timelines), item sets of each instrument
  (:class:`ItemSet`), and deliberately invalid JSON records with the field their
  error must name (:class:`InvalidRecord`). They need the optional extra:
  ``pip install 'sle-scoring[hypothesis]'``.

``import sle_scoring.testing`` does not import Hypothesis; only
``sle_scoring.testing.strategies`` does, at its top.
"""

from __future__ import annotations

from ..reference_cases import bottazzi_2025
from ._drawn import InvalidRecord, ItemSet
from .cases import REFERENCE_CASES, Expected, ReferenceCase, ids
from .thresholds import THRESHOLD_CODES, THRESHOLDS, Threshold

__all__ = [
    "REFERENCE_CASES",
    "THRESHOLDS",
    "THRESHOLD_CODES",
    "Expected",
    "InvalidRecord",
    "ItemSet",
    "ReferenceCase",
    "Threshold",
    "bottazzi_2025",
    "ids",
]


def __dir__() -> list[str]:
    # The public API is what __all__ lists (as in pypa/packaging).
    return list(__all__)
