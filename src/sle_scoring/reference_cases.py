"""Published reference cases, as evidence, for tests and examples.

:func:`bottazzi_2025` encodes only what the case report says. The public testing
toolkit (:mod:`sle_scoring.testing`) builds on these.
"""

from __future__ import annotations

import datetime

from .evidence import Observation, Patient
from .sledai_2k import DESCRIPTORS

__all__ = [
    "BOTTAZZI_2025_FIRST_INFUSION",
    "BOTTAZZI_2025_FLARE",
    "BOTTAZZI_2025_PRESENTATION",
    "BOTTAZZI_2025_SIXTH_INFUSION",
    "bottazzi_2025",
]

#: "presented to the ER in October 2023": the day is not given; the 1st is used.
BOTTAZZI_2025_PRESENTATION = datetime.date(2023, 10, 1)
#: "Five months later ... platelets dropped to 36000/ul": about March 2024; the 1st.
BOTTAZZI_2025_FLARE = datetime.date(2024, 3, 1)
#: "In April 2024 ... anifrolumab 300 mg/4 weeks was started": the 1st of April.
BOTTAZZI_2025_FIRST_INFUSION = datetime.date(2024, 4, 1)
#: The sixth infusion, five 4-week intervals after the first (2024-08-19).
BOTTAZZI_2025_SIXTH_INFUSION = BOTTAZZI_2025_FIRST_INFUSION + datetime.timedelta(weeks=4 * 5)

_SOURCE = (
    "Bottazzi F, Manna E, Codullo V, Zanframundo G, Montecucco C, Cavagna L. Efficacy of "
    "anifrolumab as a first-line therapy for the treatment of thrombocytopenia in systemic "
    "lupus erythematosus: a case report. Clin Exp Rheumatol 2025"
)


def bottazzi_2025() -> Patient:
    """The published case: a 23-year-old woman with SLE and thrombocytopenia.

    Source: Bottazzi F, et al. Clin Exp Rheumatol 2025 (letter). Where the report
    gives a month but no day, the 1st of the month is used; the sixth anifrolumab
    infusion is dated five 4-week intervals after the first (1 April 2024).

    Encoded at presentation (October 2023): ANA 1:640 (homogeneous); platelets
    45,000/µL; pericardial effusion on CT; low C3 and low C4 (values not given: the
    laboratory's call); direct Coombs positive (no hemolysis markers reported, so
    none are encoded); anti-dsDNA, anti-ENA (encoded as anti-Sm), lupus
    anticoagulant, anticardiolipin IgG/IgM and anti-β2GP1 IgG/IgM negative; and
    joint involvement as the clinician's judgement (the authors count it among the
    fulfilled EULAR/ACR criteria; no joint counts are given). At the March 2024
    flare: platelets 36,000/µL. At the sixth infusion: the authors report SLEDAI-2K
    0, encoded as each descriptor assessed absent.

    Not encoded: dyspnoea, pulmonary embolism, CRP, anti-platelet antibodies and the
    thrombophilia screen (no instrument uses them), and the platelet counts of
    250,000/µL and "above 100,000/µL" (no date given).
    """
    at = BOTTAZZI_2025_PRESENTATION
    observations = [
        Observation("ana", "1:640", date=at, assay="hep2_iif", note="homogeneous pattern"),
        Observation("platelet_count", 45000, date=at, unit="/µL"),
        Observation("pericardial_effusion", "present", date=at, note="on CT"),
        Observation(
            "joint_involvement",
            "present",
            date=at,
            note="inflammatory arthralgias; counted by the authors as EULAR/ACR joint "
            "involvement (no joint counts reported)",
        ),
        Observation("c3", "low", date=at, note="hypocomplementaemia"),
        Observation("c4", "low", date=at, note="hypocomplementaemia"),
        Observation("direct_coombs", "positive", date=at, note="IgG+, C3+"),
        Observation("anti_dsdna", "negative", date=at),
        Observation("anti_sm", "negative", date=at, note="reported as anti-ENA negative"),
        Observation("lupus_anticoagulant", "negative", date=at),
        Observation("anticardiolipin", "negative", date=at, isotype="IgG"),
        Observation("anticardiolipin", "negative", date=at, isotype="IgM"),
        Observation("anti_beta2gp1", "negative", date=at, isotype="IgG"),
        Observation("anti_beta2gp1", "negative", date=at, isotype="IgM"),
        Observation("platelet_count", 36000, date=BOTTAZZI_2025_FLARE, unit="/µL"),
    ]
    observations.extend(
        Observation(
            f"sledai_2k.{item.code}",
            "absent",
            date=BOTTAZZI_2025_SIXTH_INFUSION,
            note="SLEDAI-2K 0 reported by the authors",
        )
        for item in DESCRIPTORS
    )
    return Patient("bottazzi-2025", tuple(observations))
