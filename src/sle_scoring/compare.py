"""The same patient classified under the three criteria sets, side by side.

One patient's observations feed all three: the 2019 EULAR/ACR criteria
(:mod:`sle_scoring.eular_acr_2019`), the 2012 SLICC criteria
(:mod:`sle_scoring.slicc_2012`) and the 1997 ACR criteria
(:mod:`sle_scoring.acr_1997`). Cohort studies report which patients meet which set;
:func:`compare_patient` gives the three explained results and one table.

Classifications for research; never a diagnosis.
"""

from __future__ import annotations

import datetime

import attrs

from . import _args, acr_1997, eular_acr_2019, slicc_2012
from ._items import ItemFinding, suggest
from ._registry import instruments
from ._results import RecordValue, iso, unknown
from .evidence import Patient
from .exceptions import UnknownCodeError

__all__ = ["FIELDS", "Comparison", "ComparisonRow", "compare_patient"]


@attrs.frozen
class ComparisonRow:
    """One criteria set in the comparison table.

    ``count`` says what the set counted (points or criteria), ``threshold`` what it
    needs, ``verdict`` the outcome in a few words (each set's full verdict is on its
    own result), ``first_fulfilled`` the date its rule was first met, if known.
    """

    criteria_set: str
    count: str
    threshold: str
    classified: bool
    verdict: str
    first_fulfilled: datetime.date | None = None


def _short_verdict(
    classified: bool, could_change: bool, first: datetime.date | None, rule: str = ""
) -> str:
    verdict = ("classified" + rule) if classified else "not classified"
    if first is not None:
        verdict += f", first fulfilled {first.isoformat()}"
    if could_change:
        verdict += "; items not assessed could change this"
    return verdict


#: The fields of a comparison's own record keys, ``compare.<field>``
#: (:meth:`Comparison.as_record`), before each set's own record.
FIELDS = ("patient_id", "as_of", "all_agree", "verdict")

_VOCABULARY = "criteria comparison"

_SetResult = eular_acr_2019.Classification | slicc_2012.Classification | acr_1997.Classification


@attrs.frozen
class Comparison:
    """A patient classified under the three criteria sets, on the same evidence.

    ``eular_acr_2019``, ``slicc_2012`` and ``acr_1997`` are each set's full result
    (with its own ``explain()``); :attr:`rows` and :meth:`table` put them side by side.
    """

    patient_id: str
    eular_acr_2019: eular_acr_2019.Classification
    slicc_2012: slicc_2012.Classification
    acr_1997: acr_1997.Classification
    as_of: datetime.date | None = None

    @property
    def rows(self) -> tuple[ComparisonRow, ...]:
        """One row per criteria set, newest first."""
        eular, slicc, acr = self.eular_acr_2019, self.slicc_2012, self.acr_1997
        rules = " and ".join(rule.value for rule in slicc.rules_met)
        return (
            ComparisonRow(
                "2019 EULAR/ACR",
                f"{eular.points} points (clinical {eular.clinical_points}, "
                f"immunologic {eular.immunologic_points})",
                f"ANA >= 1:80; >= {eular_acr_2019.CLASSIFICATION_THRESHOLD} points, >= 1 clinical",
                eular.classified,
                _short_verdict(eular.classified, eular.could_change_verdict, eular.first_fulfilled),
                eular.first_fulfilled,
            ),
            ComparisonRow(
                "2012 SLICC",
                f"{slicc.count} criteria (clinical {slicc.clinical_count}, "
                f"immunologic {slicc.immunologic_count})",
                f"A: >= {slicc_2012.CLASSIFICATION_THRESHOLD}, >= 1 clinical, >= 1 "
                "immunologic; B: nephritis biopsy + ANA/anti-dsDNA",
                slicc.classified,
                _short_verdict(
                    slicc.classified,
                    slicc.could_change_verdict,
                    slicc.first_fulfilled,
                    f" (rule {rules})",
                ),
                slicc.first_fulfilled,
            ),
            ComparisonRow(
                "1997 ACR",
                f"{acr.count} of 11 criteria",
                f">= {acr_1997.CLASSIFICATION_THRESHOLD} of 11",
                acr.classified,
                _short_verdict(acr.classified, acr.could_change_verdict, acr.first_fulfilled),
                acr.first_fulfilled,
            ),
        )

    @property
    def results(self) -> dict[str, _SetResult]:
        """Each set's result by its registry name, newest first."""
        return {
            "eular_acr_2019": self.eular_acr_2019,
            "slicc_2012": self.slicc_2012,
            "acr_1997": self.acr_1997,
        }

    @property
    def verdict(self) -> str:
        """One line: each set's short verdict, and whether they agree."""
        sets = "; ".join(f"{row.criteria_set}: {row.verdict}" for row in self.rows)
        return sets + (" (the three sets agree)" if self.all_agree else " (the sets disagree)")

    def finding(self, code: str) -> ItemFinding:
        """One criterion of one set, by its qualified code (``slicc_2012.ana``).

        Raises :class:`~sle_scoring.exceptions.UnknownCodeError` for any other code,
        suggesting the qualified code meant: ``slicc_2012.anaa`` suggests
        ``slicc_2012.ana``; a bare ``ana`` suggests the first set that has it
        (``slicc_2012.ana``) and names every one (SLICC 2012 and ACR 1997).
        """
        name, dot, criterion = code.partition(".") if isinstance(code, str) else ("", "", "")
        result = self.results.get(name) if dot else None
        if result is not None:
            try:
                return result.finding(criterion)
            except UnknownCodeError as error:
                meant = None if error.suggestion is None else f"{name}.{error.suggestion}"
                raise UnknownCodeError(code, _VOCABULARY, meant) from None
        codes = {set_: instruments()[set_].codes for set_ in self.results}
        if dot:  # an unknown set: the closest qualified code
            valid = [f"{set_}.{c}" for set_, criteria in codes.items() for c in criteria]
            raise unknown(code, _VOCABULARY, valid)
        # A bare code: qualified by the first set that has it (or its closest code).
        bare = str(getattr(code, "value", code))
        near = suggest(bare, [c for criteria in codes.values() for c in criteria])
        having = tuple(set_ for set_, criteria in codes.items() if bare in criteria)
        first = next((set_ for set_, criteria in codes.items() if near in criteria), None)
        meant = None if first is None else f"{first}.{near}"
        raise UnknownCodeError(bare, _VOCABULARY, meant, having)

    def as_record(self) -> dict[str, RecordValue]:
        """The comparison as one flat record: ``compare.<field>`` for each of
        :data:`FIELDS` (``patient_id``, ``as_of``, ``all_agree``, ``verdict``), then
        each set's own record (``eular_acr_2019.points``, ``slicc_2012.classified``,
        ...; the keys of :attr:`sle_scoring.Instrument.fields`)."""
        record: dict[str, RecordValue] = {
            "compare.patient_id": self.patient_id,
            "compare.as_of": iso(self.as_of),
            "compare.all_agree": self.all_agree,
            "compare.verdict": self.verdict,
        }
        for result in self.results.values():
            record.update(result.as_record())
        return record

    @property
    def all_agree(self) -> bool:
        """Whether the three sets reach the same verdict (classified or not)."""
        return len({row.classified for row in self.rows}) == 1

    def table(self) -> str:
        """The comparison as one plain-text table: set, count, threshold, verdict."""
        header = ("set", "count", "threshold", "verdict")
        cells = [header, *((r.criteria_set, r.count, r.threshold, r.verdict) for r in self.rows)]
        widths = [max(len(row[column]) for row in cells) for column in range(3)]
        lines = []
        for row in cells:
            padded = [cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True)]
            lines.append("  ".join([*padded, row[3]]))
        return "\n".join(lines)

    def explain(self) -> str:
        """A title, the table, and whether the three sets agree."""
        title = f"Patient {self.patient_id}: three SLE classification criteria sets"
        if self.as_of is not None:
            title += f", evidence up to {self.as_of.isoformat()}"
        agreement = (
            "The three sets agree."
            if self.all_agree
            else "The sets disagree: see each set's own explanation."
        )
        return "\n".join([title, "(research use, not a diagnosis)", self.table(), agreement])

    def __str__(self) -> str:
        return self.explain()


def compare_patient(patient: Patient, *, as_of: datetime.date | None = None) -> Comparison:
    """Classify ``patient`` under 2019 EULAR/ACR, 2012 SLICC and 1997 ACR.

    The same observations (up to ``as_of``, all of them by default) feed every set;
    each set applies its own published definitions and rules to them.
    """
    _args.check(patient=patient, as_of=_args.optional(as_of))
    return Comparison(
        patient_id=patient.id,
        eular_acr_2019=eular_acr_2019.classify_patient(patient, as_of=as_of),
        slicc_2012=slicc_2012.classify_patient(patient, as_of=as_of),
        acr_1997=acr_1997.classify_patient(patient, as_of=as_of),
        as_of=as_of,
    )


def __dir__() -> list[str]:
    # The public API is what __all__ lists (as in pypa/packaging).
    return list(__all__)
