"""sle_scoring: classification criteria and activity scores for systemic lupus
erythematosus, for research.

Each instrument is one module, its items a table with their published source:

- :mod:`sle_scoring.eular_acr_2019`: the 2019 EULAR/ACR classification criteria;
- :mod:`sle_scoring.sledai_2k`: SLEDAI-2K and its clinical variant;
- :mod:`sle_scoring.sdi`: the SLICC/ACR Damage Index;
- :mod:`sle_scoring.slicc_2012`: the 2012 SLICC classification criteria;
- :mod:`sle_scoring.acr_1997`: the 1997 ACR classification criteria;
- :mod:`sle_scoring.compare`: the three classification criteria sets side by side.

Outcomes over a timeline: :mod:`sle_scoring.lldas`,
:mod:`sle_scoring.doris_remission`, :mod:`sle_scoring.sri`,
:mod:`sle_scoring.sledai_change` and :mod:`sle_scoring.timeline`, with glucocorticoid
doses in prednisone equivalents from :mod:`sle_scoring.glucocorticoids`.

Evidence (dated observations with units) is described by
:mod:`sle_scoring.vocabulary` and :mod:`sle_scoring.evidence`; JSON records are read
and written by :mod:`sle_scoring.records`; :mod:`sle_scoring.reference_cases` holds
the published reference case.

Results classify and score for research; they are never a diagnosis.
"""

from importlib.metadata import PackageNotFoundError, version

from . import (
    acr_1997,
    compare,
    doris_remission,
    eular_acr_2019,
    evidence,
    glucocorticoids,
    lldas,
    records,
    reference_cases,
    sdi,
    sledai_2k,
    sledai_change,
    slicc_2012,
    sri,
    timeline,
    vocabulary,
)
from ._items import Item, ItemFinding, ItemStatus
from .evidence import Observation, Patient
from .exceptions import (
    ArgumentTypeError,
    InvalidArgumentError,
    InvalidEvidenceError,
    InvalidItemsError,
    Problem,
    SleScoringError,
    UnknownCodeError,
)

try:
    __version__ = version("sle-scoring")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "ArgumentTypeError",
    "InvalidArgumentError",
    "InvalidEvidenceError",
    "InvalidItemsError",
    "Item",
    "ItemFinding",
    "ItemStatus",
    "Observation",
    "Patient",
    "Problem",
    "SleScoringError",
    "UnknownCodeError",
    "__version__",
    "acr_1997",
    "compare",
    "doris_remission",
    "eular_acr_2019",
    "evidence",
    "glucocorticoids",
    "lldas",
    "records",
    "reference_cases",
    "sdi",
    "sledai_2k",
    "sledai_change",
    "slicc_2012",
    "sri",
    "timeline",
    "vocabulary",
]


def __dir__() -> list[str]:
    # The public API is what __all__ lists (as in pypa/packaging).
    return list(__all__)
