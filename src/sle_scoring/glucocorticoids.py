"""Glucocorticoid doses in prednisone equivalents.

LLDAS ("current prednisolone (or equivalent) dose <= 7.5 mg daily") and DORIS 2021
remission ("prednisolone 5 mg/day or less") need the daily glucocorticoid dose as a
prednisone (= prednisolone) equivalent. :data:`EQUIVALENCES` is the conventional
table of anti-inflammatory equivalence for oral or intravenous use: the dose of each
drug giving the same glucocorticoid effect as 5 mg of prednisone. Conversion is
exact (``fractions.Fraction``): 4 mg methylprednisolone is exactly 5 mg prednisone.

Sources differ for two rows, and the table says so: betamethasone (0.6 mg in US
tables, 0.75 mg in the BNF) and deflazacort (6 mg, a ratio that has been
questioned). Callers who use another table may record the dose already converted,
as ``prednisone_equivalent_dose``.

Evidence: a dose observation (``<drug>_dose`` in mg/day, or
``prednisone_equivalent_dose``) is the dose in force from its date until the next
observation of the same code; 0 mg/day means the drug was stopped. The dose on a
date is the sum of the doses in force. Systemic doses only: topical, inhaled and
intra-articular glucocorticoids are not recorded here.
"""

from __future__ import annotations

import datetime
import enum
from decimal import Decimal
from fractions import Fraction

import attrs

from . import _args
from ._items import suggest
from ._numbers import exact, plain
from .evidence import Observation, Patient
from .exceptions import UnknownCodeError

__all__ = [
    "EQUIVALENCES",
    "PREDNISONE_EQUIVALENT_CODE",
    "SOURCE",
    "DoseInForce",
    "Equivalence",
    "Glucocorticoid",
    "GlucocorticoidDose",
    "prednisone_equivalent",
    "to_prednisone",
]

_US_TABLE = (
    "Drug Facts and Comparisons, approximate equivalent doses of systemic corticosteroids "
    "(oral or intravenous use), as reproduced in US formulary charts"
)
_BNF = "British National Formulary, equivalent anti-inflammatory doses of corticosteroids"

SOURCE = (
    "Conventional anti-inflammatory equivalences of systemic glucocorticoids (oral or "
    f"intravenous): {_US_TABLE}; deflazacort: {_BNF}"
)

#: The observation code for a dose already converted to prednisone equivalents.
PREDNISONE_EQUIVALENT_CODE = "prednisone_equivalent_dose"

#: Prednisone is the reference: "equivalent" doses are expressed as prednisone mg.
_REFERENCE_MG = Fraction(5)


class Glucocorticoid(str, enum.Enum):
    """The glucocorticoids recorded per drug; the observation code is ``<value>_dose``."""

    PREDNISONE = "prednisone"
    PREDNISOLONE = "prednisolone"
    METHYLPREDNISOLONE = "methylprednisolone"
    TRIAMCINOLONE = "triamcinolone"
    HYDROCORTISONE = "hydrocortisone"
    CORTISONE = "cortisone"
    DEXAMETHASONE = "dexamethasone"
    BETAMETHASONE = "betamethasone"
    DEFLAZACORT = "deflazacort"


@attrs.frozen
class Equivalence:
    """One row of the table: ``mg`` of ``drug`` equal to 5 mg prednisone, and the source."""

    drug: Glucocorticoid
    mg: Fraction
    source: str
    note: str = ""

    @property
    def code(self) -> str:
        """The observation code of this drug's daily dose."""
        return f"{self.drug.value}_dose"

    @property
    def prednisone_per_mg(self) -> Fraction:
        """Prednisone mg equal to 1 mg of this drug (5 / ``mg``), exact."""
        return _REFERENCE_MG / self.mg


def _row(drug: Glucocorticoid, mg: str, source: str = _US_TABLE, note: str = "") -> Equivalence:
    return Equivalence(drug, Fraction(mg), source, note)


#: mg of each glucocorticoid giving the same glucocorticoid effect as 5 mg prednisone.
EQUIVALENCES: tuple[Equivalence, ...] = (
    _row(Glucocorticoid.PREDNISONE, "5", note="the reference"),
    _row(Glucocorticoid.PREDNISOLONE, "5", note="equipotent with prednisone"),
    _row(Glucocorticoid.METHYLPREDNISOLONE, "4"),
    _row(Glucocorticoid.TRIAMCINOLONE, "4"),
    _row(Glucocorticoid.HYDROCORTISONE, "20"),
    _row(Glucocorticoid.CORTISONE, "25"),
    _row(Glucocorticoid.DEXAMETHASONE, "0.75"),
    _row(
        Glucocorticoid.BETAMETHASONE,
        "0.6",
        note="sources differ: 0.6 mg in US tables, 0.75 mg in the BNF and in the US "
        "prednisolone label (2.25 mg per 15 mg); record prednisone_equivalent_dose to use "
        "another figure",
    ),
    _row(
        Glucocorticoid.DEFLAZACORT,
        "6",
        _BNF,
        note="uncertain: the 1.2 ratio to prednisolone has been questioned (Eur J Clin "
        "Pharmacol 1996;51:53, PubMed 8880052)",
    ),
)

_BY_DRUG: dict[str, Equivalence] = {row.drug.value: row for row in EQUIVALENCES}
_BY_CODE: dict[str, Equivalence] = {row.code: row for row in EQUIVALENCES}
_DOSE_CODES: tuple[str, ...] = (*_BY_CODE, PREDNISONE_EQUIVALENT_CODE)


def to_prednisone(
    drug: str | Glucocorticoid, mg_per_day: int | Decimal | Fraction | str
) -> Fraction:
    """A daily dose of ``drug`` in prednisone-equivalent mg/day, exactly.

    >>> to_prednisone("methylprednisolone", 4)  # 4 mg methylprednisolone = 5 mg prednisone
    Fraction(5, 1)
    >>> to_prednisone("dexamethasone", "1.5")  # 2 x 0.75 mg = 2 x 5 mg prednisone
    Fraction(10, 1)
    """
    _args.check(
        drug=_args.of(str, drug),
        mg_per_day=_args.of((int, Decimal, Fraction, str, float), mg_per_day),
    )
    key = drug.value if isinstance(drug, Glucocorticoid) else drug
    row = _BY_DRUG.get(key) if isinstance(key, str) else None
    if row is None:
        raise UnknownCodeError(str(key), "glucocorticoid", suggest(str(key), _BY_DRUG))
    dose = exact(mg_per_day, "mg_per_day")
    assert dose is not None
    return dose * row.prednisone_per_mg


@attrs.frozen
class DoseInForce:
    """One dose in force on a date: the observation, its mg/day and prednisone mg/day."""

    observation: Observation
    mg_per_day: Fraction
    prednisone_mg: Fraction

    def describe(self) -> str:
        """E.g. ``methylprednisolone 8 mg/day = 10 mg/day prednisone, since 2024-03-02``."""
        since = self.observation.date.isoformat() if self.observation.date else "?"
        if self.observation.code == PREDNISONE_EQUIVALENT_CODE:
            return f"prednisone equivalent {plain(self.mg_per_day)} mg/day, since {since}"
        drug = self.observation.code.removesuffix("_dose")
        text = f"{drug} {plain(self.mg_per_day)} mg/day"
        if self.mg_per_day != self.prednisone_mg:
            text += f" = {plain(self.prednisone_mg)} mg/day prednisone"
        return f"{text}, since {since}"


@attrs.frozen
class GlucocorticoidDose:
    """The glucocorticoid dose on a date, in prednisone-equivalent mg/day.

    ``prednisone_mg`` is ``None`` when no glucocorticoid dose was recorded on or
    before ``date`` (the dose is unknown, not zero); ``doses`` are the doses in
    force (including stopped drugs at 0 mg/day).
    """

    date: datetime.date
    prednisone_mg: Fraction | None
    doses: tuple[DoseInForce, ...] = ()

    @property
    def known(self) -> bool:
        """True when at least one dose observation is in force."""
        return self.prednisone_mg is not None

    def explain(self) -> str:
        """One line: the total and the doses it is made of."""
        if self.prednisone_mg is None:
            return f"glucocorticoid dose on {self.date.isoformat()}: not recorded"
        parts = "; ".join(d.describe() for d in self.doses)
        total = plain(self.prednisone_mg)
        return f"prednisone equivalent {total} mg/day on {self.date.isoformat()} ({parts})"

    def __str__(self) -> str:
        return self.explain()


def prednisone_equivalent(patient: Patient, on: datetime.date) -> GlucocorticoidDose:
    """The prednisone-equivalent daily dose in force on ``on``.

    For each glucocorticoid code (``<drug>_dose`` and ``prednisone_equivalent_dose``)
    the last observation dated on or before ``on`` is in force; the doses in force
    are converted with :data:`EQUIVALENCES` and summed. Record one glucocorticoid
    either per drug or as ``prednisone_equivalent_dose``, not both, or it counts twice.
    """
    _args.check(patient=patient, on=on)
    last: dict[str, Observation] = {}
    for code in _DOSE_CODES:
        found = patient.of_code(code, on)
        if found:
            last[code] = found[-1]
    doses = []
    for code in _DOSE_CODES:
        if code not in last:
            continue
        mg = last[code].quantity()
        row = _BY_CODE.get(code)
        prednisone_mg = mg if row is None else mg * row.prednisone_per_mg
        doses.append(DoseInForce(last[code], mg, prednisone_mg))
    if not doses:
        return GlucocorticoidDose(on, None)
    return GlucocorticoidDose(on, sum((d.prednisone_mg for d in doses), Fraction(0)), tuple(doses))


def __dir__() -> list[str]:
    # The public API is what __all__ lists (as in pypa/packaging).
    return list(__all__)
