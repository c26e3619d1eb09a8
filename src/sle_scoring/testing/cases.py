"""The reference cases: patients whose results were worked out by hand from the
publications, the published case first.

:data:`REFERENCE_CASES` holds the published case (Bottazzi et al., Clin Exp
Rheumatol 2025; its evidence is :func:`sle_scoring.reference_cases.bottazzi_2025`)
and synthetic cases, each a :class:`ReferenceCase` with an id, a one-line story, the
evidence and the expected results of each instrument (:class:`Expected`), written as
sums of the published weights. Plain data: no Hypothesis needed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

import attrs

from .. import sledai_2k
from ..evidence import Observation, Patient
from ..reference_cases import (
    BOTTAZZI_2025_PRESENTATION,
    BOTTAZZI_2025_SIXTH_INFUSION,
    bottazzi_2025,
)

__all__ = ["REFERENCE_CASES", "Expected", "ReferenceCase", "ids"]

# --- The model ----------------------------------------------------------------------


@attrs.frozen
class Expected:
    """One instrument's results for a reference case, worked out by hand from its
    publication.

    ``total``: the points (2019 EULAR/ACR), the score (SLEDAI-2K, SDI) or the number
    of criteria met (SLICC 2012, ACR 1997). ``present``: the item codes present
    (for EULAR/ACR including ``ana_positive`` when met and criteria outranked within
    their domain). Classification criteria only: ``classified`` and
    ``first_fulfilled`` (the date the criteria were first fulfilled, ``None`` when
    not classified). Scores only: ``complete``, whether every item was assessed.
    ``None`` where a field does not apply.
    """

    total: int
    present: frozenset[str]
    classified: bool | None = None
    first_fulfilled: datetime.date | None = None
    complete: bool | None = None


@attrs.frozen
class _ByInstrument(Mapping[str, Expected]):
    """A read-only mapping kept as pairs, so that a case stays hashable and picklable
    (a ``MappingProxyType`` is neither)."""

    pairs: tuple[tuple[str, Expected], ...]

    def __getitem__(self, instrument: str) -> Expected:
        for name, expected in self.pairs:
            if name == instrument:
                return expected
        raise KeyError(instrument)

    def __iter__(self) -> Iterator[str]:
        return (name for name, _ in self.pairs)

    def __len__(self) -> int:
        return len(self.pairs)


def _read_only(expected: Mapping[str, Expected]) -> Mapping[str, Expected]:
    return _ByInstrument(tuple(expected.items()))


@attrs.frozen
class ReferenceCase:
    """A patient with results worked out by hand from the publications.

    ``story`` is one line; ``patient`` the evidence; ``expected`` maps an
    instrument's name to its :class:`Expected` results. Classification criteria
    (``eular_acr_2019``, ``slicc_2012``, ``acr_1997``) use all the evidence
    (``classify_patient(patient)``); SLEDAI-2K (``sledai_2k``) is scored at
    ``visit`` with the standard 10-day window (``score_visit(patient, visit)``);
    the damage index (``sdi``) as of ``visit`` with the lupus onset not given
    (``score_patient(patient, as_of=visit, lupus_onset=None)``: every damage event
    counts). A case lists only the instruments it was worked out for.
    """

    id: str
    story: str
    patient: Patient
    visit: datetime.date
    expected: Mapping[str, Expected] = attrs.field(converter=_read_only)
    source: str = "synthetic: results worked out by hand from Aringer 2019 and Gladman 2002"


def ids(case: ReferenceCase) -> str:
    """The pytest id of a reference case: ``parametrize(..., REFERENCE_CASES, ids=ids)``."""
    return case.id


# --- The cases ----------------------------------------------------------------------


def _on(day: datetime.date, *observations: Observation) -> tuple[Observation, ...]:
    return tuple(attrs.evolve(o, date=day) for o in observations)


def _o(code: str, value: int | Decimal | str, **fields: Any) -> Observation:
    return Observation(code, value, **fields)


_DAY = datetime.date(2024, 3, 4)
_WINDOW_VISIT = datetime.date(2024, 5, 20)
_DAMAGE_VISIT = datetime.date(2024, 9, 1)


def _complete_visit_absent() -> tuple[Observation, ...]:
    scored = {"hematuria", "pyuria", "urinary_casts", "low_complement"}
    return tuple(
        _o(f"sledai_2k.{item.code}", "absent")
        for item in sledai_2k.DESCRIPTORS
        if item.code not in scored
    )


#: The reference cases: the published case first, then the synthetic ones.
REFERENCE_CASES: tuple[ReferenceCase, ...] = (
    ReferenceCase(
        id="bottazzi-2025",
        story="Published case: 23-year-old woman with thrombocytopenia, pericardial "
        "effusion, arthralgias and low C3/C4; SLEDAI-2K 0 on anifrolumab.",
        patient=bottazzi_2025(),
        visit=BOTTAZZI_2025_SIXTH_INFUSION,
        expected={
            "eular_acr_2019": Expected(
                # thrombocytopenia + pericardial effusion + joint involvement + low C3 and C4
                total=4 + 5 + 6 + 4,
                classified=True,
                present=frozenset(
                    {
                        "ana_positive",  # ANA 1:640 >= 1:80
                        "thrombocytopenia",  # 45,000 /µL < 100,000
                        "pleural_or_pericardial_effusion",  # pericardial effusion on CT
                        "joint_involvement",  # the authors' judgement
                        "low_c3_or_low_c4",  # outranked by low C3 and low C4
                        "low_c3_and_low_c4",
                    }
                ),
                first_fulfilled=BOTTAZZI_2025_PRESENTATION,
            ),
            "slicc_2012": Expected(
                # synovitis + serositis + thrombocytopenia (clinical)
                # + ANA + low complement + direct Coombs (immunologic): rule A
                total=3 + 3,
                classified=True,
                present=frozenset(
                    {
                        "synovitis",  # the authors' joint involvement
                        "serositis",  # pericardial effusion on CT
                        "thrombocytopenia",  # 45,000 /µL < 100,000
                        "ana",  # 1:640, above the laboratory reference range
                        "low_complement",  # low C3 and low C4
                        "direct_coombs",  # positive, hemolytic anaemia recorded absent
                    }
                ),
                first_fulfilled=BOTTAZZI_2025_PRESENTATION,
            ),
            "acr_1997": Expected(
                # arthritis + serositis + hematologic disorder + ANA: 4 of the 11
                total=1 + 1 + 1 + 1,
                classified=True,
                present=frozenset(
                    {
                        "arthritis",  # the authors' joint involvement
                        "serositis",  # pericarditis: pericardial effusion on CT
                        "hematologic_disorder",  # thrombocytopenia < 100,000 /mm³
                        "ana",  # 1:640
                    }
                ),
                first_fulfilled=BOTTAZZI_2025_PRESENTATION,
            ),
            "sledai_2k": Expected(
                total=0,  # "SLEDAI-2K 0", every descriptor assessed absent
                present=frozenset(),
                complete=True,
            ),
        },
        source="Bottazzi F, et al. Clin Exp Rheumatol 2025 (letter)",
    ),
    ReferenceCase(
        id="nephritis-class-iv",
        story="Polyarthritis, class IV lupus nephritis with proteinuria, low C3 and C4, "
        "anti-dsDNA: classified with 26 points.",
        patient=Patient(
            "nephritis-class-iv",
            _on(
                _DAY,
                _o("ana", "1:160"),
                _o("swollen_joint_count", 4, unit="joints"),
                _o("tender_joint_count", 4, unit="joints"),
                _o("urine_protein_24h", Decimal("2.1"), unit="g/24 h"),
                _o("renal_biopsy_class", "IV"),
                _o("c3", "low"),
                _o("c4", "low"),
                _o("anti_dsdna", "positive"),
            ),
        ),
        visit=_DAY,
        expected={
            "eular_acr_2019": Expected(
                # joint involvement + class III/IV nephritis (outranks proteinuria 4)
                # + low C3 and low C4 + anti-dsDNA
                total=6 + 10 + 4 + 6,
                classified=True,
                present=frozenset(
                    {
                        "ana_positive",
                        "joint_involvement",
                        "proteinuria",
                        "lupus_nephritis_class_3_or_4",
                        "low_c3_or_low_c4",
                        "low_c3_and_low_c4",
                        "anti_dsdna_or_anti_smith",
                    }
                ),
                first_fulfilled=_DAY,
            ),
            "sledai_2k": Expected(
                # arthritis + proteinuria (2.1 > 0.5 g/24 h) + low complement + DNA binding;
                # the biopsy class is not a SLEDAI-2K descriptor
                total=4 + 4 + 2 + 2,
                present=frozenset(
                    {"arthritis", "proteinuria", "low_complement", "increased_dna_binding"}
                ),
                complete=False,
            ),
        },
    ),
    ReferenceCase(
        id="ana-below-entry",
        story="Malar rash, oral ulcers, pleural effusion and thrombocytopenia with ANA "
        "1:40: 15 points, not counted without the entry criterion.",
        patient=Patient(
            "ana-below-entry",
            _on(
                _DAY,
                _o("ana", "1:40"),
                _o("malar_rash", "present"),
                _o("oral_ulcers", "present"),
                _o("pleural_effusion", "present"),
                _o("platelet_count", 80_000, unit="/µL"),
            ),
        ),
        visit=_DAY,
        expected={
            "eular_acr_2019": Expected(
                # acute cutaneous lupus (outranks oral ulcers 2) + effusion + thrombocytopenia
                total=6 + 5 + 4,
                classified=False,  # ANA 1:40 < 1:80
                present=frozenset(
                    {
                        "acute_cutaneous_lupus",
                        "oral_ulcers",
                        "pleural_or_pericardial_effusion",
                        "thrombocytopenia",
                    }
                ),
                first_fulfilled=None,
            ),
            "sledai_2k": Expected(
                # rash + mucosal ulcers + thrombocytopenia; an effusion without pleuritic
                # pain is not SLEDAI-2K pleurisy
                total=2 + 2 + 1,
                present=frozenset({"rash", "mucosal_ulcers", "thrombocytopenia"}),
                complete=False,
            ),
        },
    ),
    ReferenceCase(
        id="serology-only",
        story="ANA 1:320, anti-dsDNA, anti-Sm, low C3 and C4, lupus anticoagulant and "
        "no clinical criterion: 12 points, not classified.",
        patient=Patient(
            "serology-only",
            _on(
                _DAY,
                _o("ana", "1:320"),
                _o("anti_dsdna", "positive"),
                _o("anti_sm", "positive"),
                _o("c3", "low"),
                _o("c4", "low"),
                _o("lupus_anticoagulant", "positive"),
            ),
        ),
        visit=_DAY,
        expected={
            "eular_acr_2019": Expected(
                # anti-dsDNA/anti-Sm + low C3 and low C4 + antiphospholipid antibodies
                total=6 + 4 + 2,
                classified=False,  # "at least one clinical criterion"
                present=frozenset(
                    {
                        "ana_positive",
                        "anti_dsdna_or_anti_smith",
                        "low_c3_or_low_c4",
                        "low_c3_and_low_c4",
                        "antiphospholipid_antibodies",
                    }
                ),
                first_fulfilled=None,
            ),
            "sledai_2k": Expected(
                total=2 + 2,  # low complement + increased DNA binding
                present=frozenset({"low_complement", "increased_dna_binding"}),
                complete=False,
            ),
        },
    ),
    ReferenceCase(
        id="at-every-threshold",
        story="Every number exactly at its threshold: ANA 1:80 counts (>=), nothing "
        "strict does, except SLEDAI-2K fever (38.3 > 38 °C).",
        patient=Patient(
            "at-every-threshold",
            _on(
                _DAY,
                _o("ana", "1:80"),
                _o("platelet_count", 100_000, unit="/µL"),
                _o("leukocyte_count", 4000, unit="/µL"),
                _o("temperature", Decimal("38.3"), unit="°C"),
                _o("urine_protein_24h", Decimal("0.5"), unit="g/24 h"),
                _o("swollen_joint_count", 1, unit="joints"),
            ),
        ),
        visit=_DAY,
        expected={
            "eular_acr_2019": Expected(
                # platelets not < 100,000; WBC not < 4,000; 38.3 not > 38.3; 0.5 not > 0.5;
                # 1 swollen joint < 2
                total=0,
                classified=False,
                present=frozenset({"ana_positive"}),
                first_fulfilled=None,
            ),
            "sledai_2k": Expected(
                total=1,  # fever: 38.3 > 38 °C
                present=frozenset({"fever"}),
                complete=False,
            ),
        },
    ),
    ReferenceCase(
        id="one-step-past",
        story="Each number one step past its threshold, in other units: platelets "
        "99.999 ×10⁹/L, WBC 3.999 ×10⁹/L, 101.12 °F, 510 mg/24 h, 2 inflamed joints.",
        patient=Patient(
            "one-step-past",
            _on(
                _DAY,
                _o("ana", "1:80"),
                _o("platelet_count", Decimal("99.999"), unit="10^9/L"),  # 99,999 /µL
                _o("leukocyte_count", Decimal("3.999"), unit="10^9/L"),  # 3,999 /µL
                _o("temperature", Decimal("101.12"), unit="°F"),  # 38.4 °C
                _o("urine_protein_24h", 510, unit="mg/24 h"),  # 0.51 g/24 h
                _o("swollen_joint_count", 2, unit="joints"),
                _o("tender_joint_count", 2, unit="joints"),
            ),
        ),
        visit=_DAY,
        expected={
            "eular_acr_2019": Expected(
                # fever + thrombocytopenia (outranks leukopenia 3) + proteinuria + joints
                total=2 + 4 + 4 + 6,
                classified=True,
                present=frozenset(
                    {
                        "ana_positive",
                        "fever",
                        "leukopenia",
                        "thrombocytopenia",
                        "proteinuria",
                        "joint_involvement",
                    }
                ),
                first_fulfilled=_DAY,
            ),
            "sledai_2k": Expected(
                # fever (38.4 > 38) + thrombocytopenia + proteinuria + arthritis; WBC 3,999 is
                # not < 3,000
                total=1 + 1 + 4 + 4,
                present=frozenset({"fever", "thrombocytopenia", "proteinuria", "arthritis"}),
                complete=False,
            ),
        },
    ),
    ReferenceCase(
        id="explained-by-other-causes",
        story="Fever 39.2 °C from an infection and leukopenia from a drug do not count; "
        "oral ulcers and alopecia share one EULAR/ACR domain.",
        patient=Patient(
            "explained-by-other-causes",
            _on(
                _DAY,
                _o("ana", "1:160"),
                _o("temperature", Decimal("39.2"), unit="°C", explained_by="infection"),
                _o("leukocyte_count", 2500, unit="/µL", explained_by="drug"),
                _o("oral_ulcers", "present"),
                _o("non_scarring_alopecia", "present"),
            ),
        ),
        visit=_DAY,
        expected={
            "eular_acr_2019": Expected(
                # mucocutaneous: oral ulcers 2 and alopecia 2, only the highest counts
                total=2,
                classified=False,
                present=frozenset({"ana_positive", "oral_ulcers", "non_scarring_alopecia"}),
                first_fulfilled=None,
            ),
            "sledai_2k": Expected(
                # mucosal ulcers + alopecia (each descriptor counts); fever and leukopenia
                # excluded ("exclude infection", "exclude drug causes")
                total=2 + 2,
                present=frozenset({"mucosal_ulcers", "alopecia"}),
                complete=False,
            ),
        },
    ),
    ReferenceCase(
        id="pericarditis-nine-points",
        story="Pericardial pain, rub and effusion (acute pericarditis outranks the "
        "effusion) and low C3 only: 9 points, one short of classification.",
        patient=Patient(
            "pericarditis-nine-points",
            _on(
                _DAY,
                _o("ana", "positive", note="equivalent positive test"),
                _o("pericardial_pain", "present"),
                _o("pericardial_rub", "present"),
                _o("pericardial_effusion", "present"),
                _o("c3", Decimal("0.7"), unit="g/L", lower_limit=Decimal("0.9")),
                _o("c4", Decimal("0.2"), unit="g/L", lower_limit=Decimal("0.1")),
            ),
        ),
        visit=_DAY,
        expected={
            "eular_acr_2019": Expected(
                # acute pericarditis (outranks effusion 5) + low C3 or low C4
                total=6 + 3,
                classified=False,  # 9 < 10
                present=frozenset(
                    {
                        "ana_positive",
                        "acute_pericarditis",
                        "pleural_or_pericardial_effusion",
                        "low_c3_or_low_c4",
                    }
                ),
                first_fulfilled=None,
            ),
            "sledai_2k": Expected(
                total=2 + 2,  # pericarditis (pain with rub/effusion) + low complement
                present=frozenset({"pericarditis", "low_complement"}),
                complete=False,
            ),
        },
    ),
    ReferenceCase(
        id="complete-renal-visit",
        story="A fully assessed visit: 6 red cells/hpf, 5 white cells/hpf, heme-granular "
        "casts and low CH50; every other descriptor recorded absent.",
        patient=Patient(
            "complete-renal-visit",
            _on(
                _DAY,
                _o("urine_red_cells", 6, unit="/hpf"),
                _o("urine_white_cells", 5, unit="/hpf"),
                _o("urinary_casts", "heme_granular"),
                _o("ch50", "low"),
                *_complete_visit_absent(),
            ),
        ),
        visit=_DAY,
        expected={
            "eular_acr_2019": Expected(
                # no EULAR/ACR evidence: CH50 is not one of its complement criteria (C3, C4)
                total=0,
                classified=False,
                present=frozenset(),
                first_fulfilled=None,
            ),
            "sledai_2k": Expected(
                # hematuria (6 > 5) + casts + low complement; pyuria 5 is not > 5
                total=4 + 4 + 2,
                present=frozenset({"hematuria", "urinary_casts", "low_complement"}),
                complete=True,
            ),
        },
    ),
    ReferenceCase(
        id="window-edges",
        story="A seizure 11 days before the visit is outside the 10-day SLEDAI-2K window "
        "but counts for EULAR/ACR; ulcers 10 days before are inside.",
        patient=Patient(
            "window-edges",
            (
                *_on(
                    _WINDOW_VISIT - datetime.timedelta(days=11),
                    _o("ana", "1:160"),
                    _o("seizure", "present"),
                ),
                *_on(_WINDOW_VISIT - datetime.timedelta(days=10), _o("oral_ulcers", "present")),
                *_on(_WINDOW_VISIT, _o("malar_rash", "present")),
            ),
        ),
        visit=_WINDOW_VISIT,
        expected={
            "eular_acr_2019": Expected(
                # seizure + acute cutaneous lupus (outranks oral ulcers 2)
                total=5 + 6,
                classified=True,
                present=frozenset(
                    {"ana_positive", "seizure", "oral_ulcers", "acute_cutaneous_lupus"}
                ),
                # day -11: 5; day -10: 5 + 2 = 7; visit day: 5 + 6 = 11 >= 10
                first_fulfilled=_WINDOW_VISIT,
            ),
            "sledai_2k": Expected(
                # "present at the time of visit or in the preceding 10 days": rash + ulcers
                total=2 + 2,
                present=frozenset({"rash", "mucosal_ulcers"}),
                complete=False,
            ),
        },
    ),
    ReferenceCase(
        id="damage-six-months",
        story="Damage index: a cataract counts at once, alopecia on the day it reaches 6 "
        "months, diabetes one day short of it; two strokes 6 months apart score 2.",
        patient=Patient(
            "damage-six-months",
            (
                *_on(datetime.date(2023, 1, 10), _o("sdi.cerebrovascular_accident", "present")),
                *_on(datetime.date(2023, 7, 10), _o("sdi.cerebrovascular_accident", "present")),
                *_on(datetime.date(2024, 3, 1), _o("sdi.scarring_chronic_alopecia", "present")),
                *_on(datetime.date(2024, 3, 2), _o("sdi.diabetes", "present")),
                *_on(datetime.date(2024, 8, 1), _o("sdi.any_cataract", "present")),
            ),
        ),
        visit=_DAMAGE_VISIT,
        expected={
            # damage items are no evidence for classification or activity
            "eular_acr_2019": Expected(
                total=0, present=frozenset(), classified=False, first_fulfilled=None
            ),
            "sledai_2k": Expected(total=0, present=frozenset(), complete=False),
            "sdi": Expected(
                # "any cataract ever": counts from its onset, 1 month before the visit
                # + scarring chronic alopecia: onset 2024-03-01, "for at least 6 months"
                #   on 2024-09-01, the visit day
                # + "cerebrovascular accident ever (2 if more than one)": two episodes
                #   6 months apart (2023-01-10, 2023-07-10)
                # diabetes: onset 2024-03-02, 6 months only on 2024-09-02, after the visit
                total=1 + 1 + 2,
                present=frozenset(
                    {"any_cataract", "scarring_chronic_alopecia", "cerebrovascular_accident"}
                ),
                complete=False,  # the other damage items are not assessed
            ),
        },
        source="synthetic: results worked out by hand from Gladman 1996 (SLICC/ACR Damage "
        "Index), lupus onset not given",
    ),
)


def __dir__() -> list[str]:
    # The public API is what __all__ lists (as in pypa/packaging).
    return list(__all__)
