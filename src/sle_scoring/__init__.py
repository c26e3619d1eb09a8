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

:data:`INSTRUMENTS` lists every instrument and outcome by its stable name (the
``<instrument>.<item>`` prefix of CSV columns, item assertions and record keys),
each an :class:`Instrument` saying its title, source, scope, item codes and entry
points. Every result meets one contract, :class:`Result`: ``verdict``,
``explain()``, ``as_record()`` and ``finding(code)``.

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
from ._registry import SCOPES, Instrument, Occasion, instruments
from ._results import Result
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

#: Every registered instrument and outcome by name, read-only, in output order:
#: ``eular_acr_2019``, ``sledai_2k``, ``clinical_sledai_2k``, ``sdi``,
#: ``slicc_2012``, ``acr_1997``, ``lldas``, ``doris_remission``, ``sri``,
#: ``sledai_change``.
INSTRUMENTS = instruments()

try:
    __version__ = version("sle-scoring")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "INSTRUMENTS",
    "SCOPES",
    "ArgumentTypeError",
    "Instrument",
    "InvalidArgumentError",
    "InvalidEvidenceError",
    "InvalidItemsError",
    "Item",
    "ItemFinding",
    "ItemStatus",
    "Observation",
    "Occasion",
    "Patient",
    "Problem",
    "Result",
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
