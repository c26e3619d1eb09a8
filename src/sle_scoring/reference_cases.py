"""Published reference cases, as evidence, for tests and examples.

:func:`bottazzi_2025` encodes only what the case report says. The public testing
toolkit (:mod:`sle_scoring.testing`) builds on these.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from .evidence import Observation, Patient
from .sledai_2k import DESCRIPTORS

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

#: "presented to the ER in October 2023": the day is not given; the 1st is used.
BOTTAZZI_2025_PRESENTATION = datetime.date(2023, 10, 1)
#: "Five months later ... platelets dropped to 36000/ul": about March 2024; the 1st.
BOTTAZZI_2025_FLARE = datetime.date(2024, 3, 1)
#: "In April 2024 ... anifrolumab 300 mg/4 weeks was started": the 1st of April.
BOTTAZZI_2025_FIRST_INFUSION = datetime.date(2024, 4, 1)
#: The sixth infusion, five 4-week intervals after the first (2024-08-19).
BOTTAZZI_2025_SIXTH_INFUSION = BOTTAZZI_2025_FIRST_INFUSION + datetime.timedelta(weeks=4 * 5)
#: The second infusion, 4 weeks after the first (2024-04-29).
BOTTAZZI_2025_SECOND_INFUSION = BOTTAZZI_2025_FIRST_INFUSION + datetime.timedelta(weeks=4)
#: "prednisone was increased up to 12.5 mg/day" after the flare: no day given; the
#: day after the flare is used (2024-03-02), so the flare itself is at 10 mg/day.
BOTTAZZI_2025_PREDNISONE_RAISED = BOTTAZZI_2025_FLARE + datetime.timedelta(days=1)
#: "Prednisone was reduced to 7.5 mg/day six weeks after the first infusion" (2024-05-13).
BOTTAZZI_2025_PREDNISONE_REDUCED = BOTTAZZI_2025_FIRST_INFUSION + datetime.timedelta(weeks=6)
#: "GC discontinuation after two ANI administration[s]", after the reduction at week 6:
#: dated at the third infusion, 8 weeks after the first (2024-05-27), the latest date
#: consistent with the report.
BOTTAZZI_2025_GLUCOCORTICOID_STOPPED = BOTTAZZI_2025_FIRST_INFUSION + datetime.timedelta(weeks=8)


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

    Glucocorticoid course (prednisone mg/day, each dose in force until the next):
    10 on 2024-03-01 (the flare: "when prednisone dose was tapered to 10 mg/day,
    platelets dropped"); 12.5 from 2024-03-02 (raised after the flare; day not
    given, the day after is used); 7.5 from 2024-05-13 (six weeks after the first
    infusion); 0 from 2024-05-27 (stopped "after two ANI administration[s]": dated at
    the third infusion, the latest date consistent with the report). The dose at
    presentation ("GC, 1 mg/kg/die") is not encoded: no body weight is given, so the
    dose before March 2024 is unknown.

    Outcome inputs at the sixth infusion, read from "excellent control of all
    clinical domains and laboratory tests ... (SLEDAI-2K 0)" and "ANI 300 mg/4
    weeks" through at least six infusions: no haemolytic anaemia and no
    gastrointestinal activity; treatment at standard maintenance doses (anifrolumab
    300 mg every 4 weeks, its approved dose; no adverse event reported), stable, no
    investigational drug. The physician global assessment is not reported and is
    not encoded, so LLDAS and DORIS remission cannot be determined from the report.

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
        Observation(
            "prednisone_dose",
            10,
            date=BOTTAZZI_2025_FLARE,
            unit="mg/day",
            note="tapered to 10 mg/day when platelets dropped",
        ),
        Observation(
            "prednisone_dose",
            Decimal("12.5"),
            date=BOTTAZZI_2025_PREDNISONE_RAISED,
            unit="mg/day",
            note="increased up to 12.5 mg/day after the flare (day not given)",
        ),
        Observation(
            "prednisone_dose",
            Decimal("7.5"),
            date=BOTTAZZI_2025_PREDNISONE_REDUCED,
            unit="mg/day",
            note="six weeks after the first anifrolumab infusion",
        ),
        Observation(
            "prednisone_dose",
            0,
            date=BOTTAZZI_2025_GLUCOCORTICOID_STOPPED,
            unit="mg/day",
            note="glucocorticoid discontinued after two anifrolumab infusions (dated at the third)",
        ),
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
    control = "excellent control of all clinical domains and laboratory tests reported"
    treatment = "anifrolumab 300 mg IV every 4 weeks through at least six infusions"
    observations.extend(
        Observation(code, value, date=BOTTAZZI_2025_SIXTH_INFUSION, note=note)
        for code, value, note in (
            ("hemolytic_anemia", "absent", control),
            ("gastrointestinal_activity", "absent", control),
            ("maintenance_treatment_standard", "present", treatment + ", its approved dose"),
            ("immunosuppressive_treatment_stable", "present", treatment),
            ("investigational_drug", "absent", "anifrolumab is approved for SLE"),
        )
    )
    return Patient("bottazzi-2025", tuple(observations))


def __dir__() -> list[str]:
    # The public API is what __all__ lists (as in pypa/packaging).
    return list(__all__)
