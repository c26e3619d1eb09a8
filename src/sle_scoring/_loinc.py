"""LOINC codes of the vocabulary's laboratory concepts (and body temperature).

Each code was checked against published material: the LOINC site, HL7 FHIR
specifications and examples, or a laboratory's published test catalogue, cited in
``source``; ``name`` is the name as that source shows it (the LOINC long common
name where the source gives it). A code not confirmed in published material is
left out. ``family`` is the unit dimension (:data:`sle_scoring.units.DIMENSIONS`)
for numeric results, ``titre`` for a titre (or its positive/negative screen), or
``result`` for a positive/negative call. ``isotype`` and ``assay`` are implied by
the code (anticardiolipin IgG and IgM have their own codes; 59069-5 is the HEp-2
immunofluorescence screen).
"""

from __future__ import annotations

import re

import attrs

#: The FHIR ``code.coding.system`` of LOINC codes.
LOINC_SYSTEM = "http://loinc.org"


@attrs.frozen
class LoincCode:
    """One LOINC code, the vocabulary concept it maps to, and where it was confirmed."""

    code: str
    name: str
    concept: str
    family: str
    source: str
    isotype: str | None = None
    assay: str | None = None


_US_CORE = "HL7 FHIR US Core example Observation"
_CODES: tuple[LoincCode, ...] = (
    LoincCode(
        "777-3",
        "Platelets [#/volume] in Blood by Automated count",
        "platelet_count",
        "cell_count",
        f"{_US_CORE} cbc-platelets, https://hl7.org/fhir/us/core/STU7/Observation-cbc-platelets.html",
    ),
    LoincCode(
        "6690-2",
        "Leukocytes [#/volume] in Blood by Automated count",
        "leukocyte_count",
        "cell_count",
        f"{_US_CORE} cbc-leukocytes, https://hl7.org/fhir/us/core/Observation-cbc-leukocytes.html",
    ),
    LoincCode(
        "731-0",
        "Lymphocytes [#/volume] in Blood by Automated count",
        "lymphocyte_count",
        "cell_count",
        "LOINC term page https://loinc.org/731-0 (automated absolute lymphocyte count)",
    ),
    LoincCode(
        "8310-5",
        "Body temperature",
        "temperature",
        "temperature",
        "HL7 FHIR R4 Body Temperature profile https://hl7.org/fhir/R4/bodytemp.html and "
        "value set https://build.fhir.org/valueset-observation-vitalsign-bodytemp.html",
    ),
    LoincCode(
        "2889-4",
        "Total Protein, 24 HR, U",
        "urine_protein_24h",
        "protein_24h",
        "Mayo Clinic Laboratories test PTU, result LOINC 2889-4, "
        "https://therapeutics.testcatalog.org/show/PTU",
    ),
    LoincCode(
        "2890-2",
        "Protein/Creatinine [Mass Ratio] in Urine",
        "urine_protein_creatinine_ratio",
        "protein_ratio",
        "UnityPoint test UTPCRR, https://unitypointfinley.testcatalog.org/show/UTPCRR-1",
    ),
    LoincCode(
        "13945-1",
        "Erythrocytes [#/area] in Urine sediment by Microscopy high power field",
        "urine_red_cells",
        "per_hpf",
        "LOINC group LG40868-8, https://loinc.org/LG40868-8",
    ),
    LoincCode(
        "46419-8",
        "Erythrocytes [#/area] in Urine sediment by Automated count",
        "urine_red_cells",
        "per_hpf",
        "LOINC group LG40868-8, https://loinc.org/LG40868-8",
    ),
    LoincCode(
        "46702-7",
        "Leukocytes [#/area] in Urine sediment by Automated count",
        "urine_white_cells",
        "per_hpf",
        "LOINC term page https://loinc.org/46702-7/",
    ),
    LoincCode(
        "4485-9",
        "Complement C3, S",
        "c3",
        "complement",
        "Mayo Clinic Laboratories test C3, result LOINC 4485-9, "
        "https://healthcentral.testcatalog.org/show/C3; ARUP test 0050149",
    ),
    LoincCode(
        "4498-2",
        "Complement C4 [Mass/volume] in Serum or Plasma",
        "c4",
        "complement",
        "Mayo Clinic Laboratories test C4, result LOINC 4498-2, "
        "https://mml.testcatalog.org/show/C4; ARUP test 0050155",
    ),
    LoincCode(
        "33799-8",
        "DNA Double-Stranded Ab, IgG, S (IU/mL)",
        "anti_dsdna",
        "antibody",
        "Mayo Clinic Laboratories test ADNA, result LOINC 33799-8, "
        "http://ucl.testcatalog.org/show/ADNA",
    ),
    LoincCode(
        "47299-3",
        "Anti-dsDNA Ab by Farr (IU/mL)",
        "anti_dsdna",
        "antibody",
        "Labcorp test 520342 LOINC map, https://zh.labcorp.com/tests/520342",
    ),
    LoincCode(
        "32677-7",
        "DNA Antibody (IU/mL)",
        "anti_dsdna",
        "antibody",
        "Cleveland Clinic Laboratories test DNA, "
        "https://clevelandcliniclabs.com/test/dna-antibody-with-confirmation/",
    ),
    LoincCode(
        "11090-8",
        "Anti-Sm Ab",
        "anti_sm",
        "result",
        "Labcorp test 520342 LOINC map, https://zh.labcorp.com/tests/520342",
    ),
    LoincCode(
        "59069-5",
        "Antinuclear Ab, HEp-2 Substrate, S",
        "ana",
        "titre",
        "Mayo Clinic Laboratories test NAIFA, result LOINC 59069-5, "
        "https://mml.testcatalog.org/show/NAIFA",
        assay="hep2_iif",
    ),
    LoincCode(
        "33253-6",
        "ANA Titer",
        "ana",
        "titre",
        "Mayo Clinic Laboratories test NAIFA, result LOINC 33253-6 (ANA Titer), "
        "https://mml.testcatalog.org/show/NAIFA",
    ),
    LoincCode(
        "4532-8",
        "Complement, Total, S (CH50, U/mL)",
        "ch50",
        "complement",
        "Mayo Clinic Laboratories test COM, result LOINC 4532-8, "
        "https://stlukescedarrapids.testcatalog.org/show/CH50M",
    ),
    LoincCode(
        "1007-4",
        "Direct antiglobulin test.poly specific reagent [Presence] on Red Blood Cells",
        "direct_coombs",
        "result",
        "HL7 FHIR value set hspc-LOINCOrderables, "
        "https://www.hl7.org/fhir/2016May/hspc/valueset-hspc-LOINCOrderables.html",
    ),
    LoincCode(
        "44448-9",
        "Beta 2 GP1 Ab IgG, S",
        "anti_beta2gp1",
        "result",
        "Mayo Clinic Laboratories test GB2GP, result LOINC 44448-9, "
        "https://uvmlabs.testcatalog.org/show/GB2GP",
        isotype="IgG",
    ),
    LoincCode(
        "21108-6",
        "B2Glycoprotein 1, IgA Antibody",
        "anti_beta2gp1",
        "result",
        "ARUP test 0050324 component LOINC 21108-6, https://ltd.aruplab.com/Tests/Pub/0050324",
        isotype="IgA",
    ),
    LoincCode(
        "3181-5",
        "Cardiolipin Antibody IgG (GPL)",
        "anticardiolipin",
        "antibody",
        "ARUP test 0050901 component LOINC 3181-5, "
        "https://www.clinicaldiagnosticlab.com/cardiolipin-antibody-igg",
        isotype="IgG",
    ),
    LoincCode(
        "3182-3",
        "anti-cardiolipin IgM (property Unit/volume, MPL units)",
        "anticardiolipin",
        "antibody",
        "LOINC forum, https://forum.loinc.org/t/cardiolipin-igm-igg-suggested-unit/783",
        isotype="IgM",
    ),
)

#: LOINC code -> its entry.
LOINC: dict[str, LoincCode] = {entry.code: entry for entry in _CODES}

# A LOINC code: up to seven digits, a hyphen and the check digit.
_LOINC_FORMAT = re.compile(r"[0-9]{1,7}-[0-9]")


def other_loinc(code: str) -> bool:
    """Whether ``code`` is written as a LOINC code but is not in the shipped table."""
    return bool(_LOINC_FORMAT.fullmatch(code)) and code not in LOINC
