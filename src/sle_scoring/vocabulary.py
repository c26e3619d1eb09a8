"""The evidence vocabulary: every observation code the library accepts.

Each :class:`Concept` says what kind of value an observation carries, its accepted
units (see :mod:`sle_scoring.units`) and plausible range, and which instrument items
it feeds. One observation feeds every instrument that uses it: there is no
instrument-specific duplication of input.

Besides these codes, an observation may assert an instrument's item directly, as a
clinician's judgement: the code is ``<instrument>.<item>``, e.g.
``eular_acr_2019.joint_involvement``, with the value ``present`` or ``absent``.
"""

from __future__ import annotations

import enum
from fractions import Fraction

import attrs

from ._catalogue import item_instruments

__all__ = [
    "ASSAYS",
    "CAUSES",
    "CONCEPTS",
    "GLUCOCORTICOIDS",
    "Concept",
    "Kind",
    "concept",
    "instrument_items",
    "item_assertion",
]


class Kind(enum.Enum):
    """What an observation's value is."""

    #: a number with a unit, converted exactly to the dimension's canonical unit
    QUANTITY = "quantity"
    #: a laboratory value judged against the laboratory's own limit (a number with a
    #: unit and ``lower_limit``/``upper_limit``), or the laboratory's own call
    LAB = "laboratory value"
    #: ``present`` or ``absent`` (a clinician's finding)
    FINDING = "finding"
    #: ``positive`` or ``negative``
    RESULT = "test result"
    #: a titre ``1:N``, or ``positive``/``negative`` from an equivalent test
    TITRE = "titre"
    #: one of a fixed set of categories
    CATEGORY = "category"


@attrs.frozen
class Concept:
    """One code of the evidence vocabulary.

    ``dimension`` names a :data:`sle_scoring.units.DIMENSIONS` entry (quantities and
    laboratory values); ``minimum``/``maximum`` bound plausible values in the
    canonical unit; ``values`` are the accepted categorical values; ``limit`` says
    which laboratory limit applies (``lower`` for complement, ``upper`` for
    antibodies); ``feeds`` lists the items it can contribute to.
    """

    code: str
    kind: Kind
    description: str
    feeds: tuple[str, ...] = ()
    dimension: str | None = None
    minimum: Fraction | None = None
    maximum: Fraction | None = None
    values: tuple[str, ...] = ()
    limit: str | None = None


_FINDING = ("present", "absent")
_RESULT = ("positive", "negative")

#: The glucocorticoids recorded per drug as ``<drug>_dose`` (mg/day); their prednisone
#: equivalents are in :data:`sle_scoring.glucocorticoids.EQUIVALENCES`.
GLUCOCORTICOIDS: tuple[str, ...] = (
    "prednisone",
    "prednisolone",
    "methylprednisolone",
    "triamcinolone",
    "hydrocortisone",
    "cortisone",
    "dexamethasone",
    "betamethasone",
    "deflazacort",
)


# The SLEDAI-2K descriptor codes (sle_scoring.sledai_2k.DESCRIPTORS, in form order),
# for the completed form: the vocabulary cannot import the instrument modules.
_SLEDAI_2K_DESCRIPTORS = (
    "seizure",
    "psychosis",
    "organic_brain_syndrome",
    "visual_disturbance",
    "cranial_nerve_disorder",
    "lupus_headache",
    "cva",
    "vasculitis",
    "arthritis",
    "myositis",
    "urinary_casts",
    "hematuria",
    "proteinuria",
    "pyuria",
    "rash",
    "alopecia",
    "mucosal_ulcers",
    "pleurisy",
    "pericarditis",
    "low_complement",
    "increased_dna_binding",
    "fever",
    "thrombocytopenia",
    "leukopenia",
)

# The SDI item codes (sle_scoring.sdi.ITEMS, in form order), for the completed form.
_SDI_ITEMS = (
    "any_cataract",
    "retinal_change_or_optic_atrophy",
    "cognitive_impairment_or_major_psychosis",
    "seizures_requiring_therapy",
    "cerebrovascular_accident",
    "cranial_or_peripheral_neuropathy",
    "transverse_myelitis",
    "gfr_below_50_percent",
    "proteinuria_at_least_3_5_g",
    "end_stage_renal_disease",
    "pulmonary_hypertension",
    "pulmonary_fibrosis",
    "shrinking_lung",
    "pleural_fibrosis",
    "pulmonary_infarction",
    "angina_or_coronary_artery_bypass",
    "myocardial_infarction",
    "cardiomyopathy",
    "valvular_disease",
    "pericarditis_or_pericardiectomy",
    "claudication",
    "minor_tissue_loss",
    "significant_tissue_loss",
    "venous_thrombosis",
    "gi_infarction_or_resection",
    "mesenteric_insufficiency",
    "chronic_peritonitis",
    "stricture_or_upper_gi_surgery",
    "pancreatic_insufficiency",
    "muscle_atrophy_or_weakness",
    "deforming_or_erosive_arthritis",
    "osteoporosis_with_fracture",
    "avascular_necrosis",
    "osteomyelitis",
    "tendon_rupture",
    "scarring_chronic_alopecia",
    "extensive_scarring_or_panniculum",
    "skin_ulceration",
    "premature_gonadal_failure",
    "diabetes",
    "malignancy",
)


def _quantity(
    code: str, dimension: str, minimum: int, maximum: int, description: str, *feeds: str
) -> Concept:
    return Concept(
        code,
        Kind.QUANTITY,
        description,
        feeds,
        dimension=dimension,
        minimum=Fraction(minimum),
        maximum=Fraction(maximum),
    )


def _finding(code: str, description: str, *feeds: str) -> Concept:
    return Concept(code, Kind.FINDING, description, feeds, values=_FINDING)


def _result(code: str, description: str, *feeds: str) -> Concept:
    return Concept(code, Kind.RESULT, description, feeds, values=_RESULT)


def _lab(
    code: str, dimension: str, limit: str, calls: tuple[str, ...], description: str, *feeds: str
) -> Concept:
    return Concept(
        code,
        Kind.LAB,
        description,
        feeds,
        dimension=dimension,
        values=calls,
        limit=limit,
        minimum=Fraction(0),
    )


_CONCEPTS: tuple[Concept, ...] = (
    # Haematology and temperature
    _quantity(
        "platelet_count",
        "cell_count",
        0,
        2_000_000,
        "platelet count",
        "eular_acr_2019.thrombocytopenia",
        "sledai_2k.thrombocytopenia",
        "slicc_2012.thrombocytopenia",
        "acr_1997.hematologic_disorder",
    ),
    _quantity(
        "leukocyte_count",
        "cell_count",
        0,
        500_000,
        "white blood cell count",
        "eular_acr_2019.leukopenia",
        "sledai_2k.leukopenia",
        "slicc_2012.leukopenia_or_lymphopenia",
        "acr_1997.hematologic_disorder",
    ),
    _quantity(
        "lymphocyte_count",
        "cell_count",
        0,
        500_000,
        "lymphocyte count",
        "slicc_2012.leukopenia_or_lymphopenia",
        "acr_1997.hematologic_disorder",
    ),
    _quantity(
        "temperature",
        "temperature",
        25,
        45,
        "body temperature",
        "eular_acr_2019.fever",
        "sledai_2k.fever",
    ),
    _result(
        "direct_coombs",
        "direct antiglobulin (Coombs) test",
        "eular_acr_2019.autoimmune_hemolysis",
        "slicc_2012.direct_coombs",
    ),
    _finding(
        "reticulocytosis",
        "raised reticulocyte count",
        "eular_acr_2019.autoimmune_hemolysis",
        "acr_1997.hematologic_disorder",
    ),
    _finding("low_haptoglobin", "haptoglobin below normal", "eular_acr_2019.autoimmune_hemolysis"),
    _finding(
        "raised_indirect_bilirubin",
        "indirect bilirubin above normal",
        "eular_acr_2019.autoimmune_hemolysis",
    ),
    _finding(
        "raised_ldh", "lactate dehydrogenase above normal", "eular_acr_2019.autoimmune_hemolysis"
    ),
    # Urine and kidney
    _quantity(
        "urine_protein_24h",
        "protein_24h",
        0,
        50,
        "24-hour urine protein",
        "eular_acr_2019.proteinuria",
        "sledai_2k.proteinuria",
        "slicc_2012.renal",
        "acr_1997.renal_disorder",
    ),
    _quantity(
        "urine_protein_creatinine_ratio",
        "protein_ratio",
        0,
        50,
        "spot urine protein-to-creatinine ratio",
        "eular_acr_2019.proteinuria",
        "sledai_2k.proteinuria",
        "slicc_2012.renal",
        "acr_1997.renal_disorder",
    ),
    _quantity(
        "urine_red_cells",
        "per_hpf",
        0,
        1000,
        "urine red blood cells per high-power field",
        "sledai_2k.hematuria",
    ),
    _quantity(
        "urine_white_cells",
        "per_hpf",
        0,
        1000,
        "urine white blood cells per high-power field",
        "sledai_2k.pyuria",
    ),
    Concept(
        "urinary_casts",
        Kind.CATEGORY,
        "urinary casts seen, by type (one observation per type; 'none' when none seen)",
        (
            "sledai_2k.urinary_casts",
            "slicc_2012.renal",
            "acr_1997.renal_disorder",
        ),
        values=(
            "none",
            "red_cell",
            "heme_granular",
            "granular",
            "white_cell",
            "hyaline",
            "waxy",
            "tubular",
            "mixed",
        ),
    ),
    Concept(
        "urine_protein_dipstick",
        Kind.CATEGORY,
        "urine dipstick protein, when proteinuria was not quantified",
        ("acr_1997.renal_disorder",),
        values=("negative", "trace", "1+", "2+", "3+", "4+"),
    ),
    Concept(
        "renal_biopsy_class",
        Kind.CATEGORY,
        "lupus nephritis class on renal biopsy (ISN/RPS 2003); 'none' when the biopsy "
        "shows no lupus nephritis",
        (
            "eular_acr_2019.lupus_nephritis_class_2_or_5",
            "eular_acr_2019.lupus_nephritis_class_3_or_4",
            "slicc_2012.lupus_nephritis_biopsy",
        ),
        values=("none", "I", "II", "III", "IV", "V", "VI", "III+V", "IV+V"),
    ),
    # Serology
    Concept(
        "ana",
        Kind.TITRE,
        "antinuclear antibodies: titre on HEp-2 cells (1:N), or positive/negative "
        "from an equivalent test",
        (
            "eular_acr_2019.ana_positive",
            "slicc_2012.ana",
            "acr_1997.ana",
        ),
        values=_RESULT,
    ),
    Concept(
        "ana_screening_dilution",
        Kind.TITRE,
        "the testing laboratory's ANA screening dilution, its cut-off titre (1:N), for the "
        "ana results of the same date: a positive result shows a titre of at least 1:N, and "
        "a titre of at least 1:N is above the laboratory's reference range",
        (
            "eular_acr_2019.ana_positive",
            "slicc_2012.ana",
            "acr_1997.ana",
        ),
    ),
    _lab(
        "anti_dsdna",
        "antibody",
        "upper",
        _RESULT,
        "anti-double-stranded DNA antibodies: level with the laboratory's upper limit of "
        "normal, or the laboratory's positive/negative call",
        "eular_acr_2019.anti_dsdna_or_anti_smith",
        "sledai_2k.increased_dna_binding",
        "slicc_2012.anti_dsdna",
        "acr_1997.immunologic_disorder",
    ),
    _result(
        "anti_sm",
        "anti-Smith antibodies",
        "eular_acr_2019.anti_dsdna_or_anti_smith",
        "slicc_2012.anti_sm",
        "acr_1997.immunologic_disorder",
    ),
    _lab(
        "anticardiolipin",
        "antibody",
        "upper",
        ("negative", "low", "medium", "high"),
        "anticardiolipin antibodies (IgA, IgG or IgM): level in GPL/MPL/APL units, "
        "optionally with the laboratory's 99th percentile as upper limit, or the "
        "laboratory's titre category",
        "eular_acr_2019.antiphospholipid_antibodies",
        "slicc_2012.antiphospholipid_antibody",
        "acr_1997.immunologic_disorder",
    ),
    _result(
        "anti_beta2gp1",
        "anti-β2-glycoprotein-I antibodies (IgA, IgG or IgM)",
        "eular_acr_2019.antiphospholipid_antibodies",
        "slicc_2012.antiphospholipid_antibody",
    ),
    _result(
        "lupus_anticoagulant",
        "lupus anticoagulant",
        "eular_acr_2019.antiphospholipid_antibodies",
        "slicc_2012.antiphospholipid_antibody",
        "acr_1997.immunologic_disorder",
    ),
    _result(
        "false_positive_syphilis_test",
        "false-positive non-treponemal syphilis test (RPR or VDRL positive; TPI or "
        "FTA-ABS negative)",
        "slicc_2012.antiphospholipid_antibody",
        "acr_1997.immunologic_disorder",
    ),
    _lab(
        "c3",
        "complement",
        "lower",
        ("low", "normal"),
        "complement C3: level with the laboratory's lower limit of normal, or the "
        "laboratory's low/normal call",
        "eular_acr_2019.low_c3_or_low_c4",
        "eular_acr_2019.low_c3_and_low_c4",
        "sledai_2k.low_complement",
        "slicc_2012.low_complement",
    ),
    _lab(
        "c4",
        "complement",
        "lower",
        ("low", "normal"),
        "complement C4: level with the laboratory's lower limit of normal, or the "
        "laboratory's low/normal call",
        "eular_acr_2019.low_c3_or_low_c4",
        "eular_acr_2019.low_c3_and_low_c4",
        "sledai_2k.low_complement",
        "slicc_2012.low_complement",
    ),
    _lab(
        "ch50",
        "complement",
        "lower",
        ("low", "normal"),
        "total haemolytic complement CH50: level with the laboratory's lower limit of "
        "normal, or the laboratory's low/normal call",
        "sledai_2k.low_complement",
        "slicc_2012.low_complement",
    ),
    # Joints and muscles
    _quantity(
        "swollen_joint_count",
        "joints",
        0,
        68,
        "joints with swelling or effusion",
        "eular_acr_2019.joint_involvement",
        "sledai_2k.arthritis",
        "slicc_2012.synovitis",
        "acr_1997.arthritis",
    ),
    _quantity(
        "tender_joint_count",
        "joints",
        0,
        68,
        "tender joints",
        "eular_acr_2019.joint_involvement",
        "sledai_2k.arthritis",
        "slicc_2012.synovitis",
        "acr_1997.arthritis",
    ),
    _quantity(
        "morning_stiffness",
        "minutes",
        0,
        1440,
        "duration of morning stiffness",
        "eular_acr_2019.joint_involvement",
        "slicc_2012.synovitis",
    ),
    _finding(
        "joint_involvement",
        "clinician's judgement of inflammatory joint involvement: synovitis in >= 2 "
        "joints, or tenderness in >= 2 joints with >= 30 minutes of morning stiffness",
        "eular_acr_2019.joint_involvement",
        "sledai_2k.arthritis",
        "slicc_2012.synovitis",
        "acr_1997.arthritis",
    ),
    _finding(
        "proximal_muscle_weakness", "proximal muscle aching or weakness", "sledai_2k.myositis"
    ),
    _finding("raised_muscle_enzymes", "raised creatine kinase or aldolase", "sledai_2k.myositis"),
    _finding("myopathic_emg", "electromyogram changes of myositis", "sledai_2k.myositis"),
    _finding("myositis_on_biopsy", "muscle biopsy showing myositis", "sledai_2k.myositis"),
    # Serosa
    _finding(
        "pleural_effusion",
        "pleural effusion on imaging (ultrasound, X-ray, CT, MRI)",
        "eular_acr_2019.pleural_or_pericardial_effusion",
        "sledai_2k.pleurisy",
        "slicc_2012.serositis",
        "acr_1997.serositis",
    ),
    _finding(
        "pericardial_effusion",
        "pericardial effusion on imaging (ultrasound, X-ray, CT, MRI)",
        "eular_acr_2019.pleural_or_pericardial_effusion",
        "eular_acr_2019.acute_pericarditis",
        "sledai_2k.pericarditis",
        "slicc_2012.serositis",
        "acr_1997.serositis",
    ),
    _finding(
        "pericardial_effusion_new_or_worsened",
        "whether the pericardial effusion on imaging of the same date is new or worsened "
        "(present) or known and unchanged (absent); without it, an effusion is taken as new "
        "or worsened",
        "eular_acr_2019.acute_pericarditis",
    ),
    _finding(
        "serositis",
        "serositis (pleuritis or pericarditis) observed by a clinician, its features not stated",
        "slicc_2012.serositis",
        "acr_1997.serositis",
    ),
    _finding(
        "pericardial_pain",
        "pericardial chest pain",
        "eular_acr_2019.acute_pericarditis",
        "sledai_2k.pericarditis",
        "slicc_2012.serositis",
    ),
    _finding(
        "pericardial_rub",
        "pericardial rub",
        "eular_acr_2019.acute_pericarditis",
        "sledai_2k.pericarditis",
        "slicc_2012.serositis",
        "acr_1997.serositis",
    ),
    _finding(
        "pericarditis_on_ecg",
        "ECG (or echocardiogram) confirmation of pericarditis: new widespread ST "
        "elevation or PR depression",
        "eular_acr_2019.acute_pericarditis",
        "sledai_2k.pericarditis",
        "slicc_2012.serositis",
        "acr_1997.serositis",
    ),
    _finding(
        "pleuritic_pain",
        "pleuritic chest pain",
        "sledai_2k.pleurisy",
        "slicc_2012.serositis",
        "acr_1997.serositis",
    ),
    _finding(
        "pleural_rub",
        "pleural rub",
        "sledai_2k.pleurisy",
        "slicc_2012.serositis",
        "acr_1997.serositis",
    ),
    _finding("pleural_thickening", "pleural thickening", "sledai_2k.pleurisy"),
    # Skin and mucosa
    _finding(
        "malar_rash",
        "malar rash observed by a clinician",
        "eular_acr_2019.acute_cutaneous_lupus",
        "sledai_2k.rash",
        "slicc_2012.acute_cutaneous_lupus",
        "acr_1997.malar_rash",
    ),
    _finding(
        "maculopapular_rash",
        "generalised maculopapular lupus rash observed by a clinician",
        "eular_acr_2019.acute_cutaneous_lupus",
        "sledai_2k.rash",
        "slicc_2012.acute_cutaneous_lupus",
    ),
    _finding(
        "subacute_cutaneous_lupus",
        "subacute cutaneous lupus (annular or papulosquamous) observed by a clinician",
        "eular_acr_2019.subacute_cutaneous_or_discoid_lupus",
        "sledai_2k.rash",
        "slicc_2012.acute_cutaneous_lupus",
    ),
    _finding(
        "discoid_lupus",
        "discoid lupus (active lesions) observed by a clinician",
        "eular_acr_2019.subacute_cutaneous_or_discoid_lupus",
        "sledai_2k.rash",
        "slicc_2012.chronic_cutaneous_lupus",
        "acr_1997.discoid_rash",
    ),
    _finding("inflammatory_rash", "another inflammatory-type lupus rash", "sledai_2k.rash"),
    _finding(
        "photosensitivity",
        "rash from an unusual reaction to sunlight, by history or observation",
        "acr_1997.photosensitivity",
    ),
    _finding(
        "photosensitive_lupus_rash",
        "photosensitive lupus rash observed by a clinician (in the absence of dermatomyositis)",
        "slicc_2012.acute_cutaneous_lupus",
        "acr_1997.photosensitivity",
        "sledai_2k.rash",
    ),
    _finding("bullous_lupus", "bullous lupus", "slicc_2012.acute_cutaneous_lupus"),
    _finding(
        "toxic_epidermal_necrolysis_lupus",
        "toxic epidermal necrolysis variant of SLE",
        "slicc_2012.acute_cutaneous_lupus",
    ),
    _finding(
        "hypertrophic_lupus", "hypertrophic (verrucous) lupus", "slicc_2012.chronic_cutaneous_lupus"
    ),
    _finding(
        "lupus_panniculitis", "lupus panniculitis (profundus)", "slicc_2012.chronic_cutaneous_lupus"
    ),
    _finding("mucosal_lupus", "mucosal lupus", "slicc_2012.chronic_cutaneous_lupus"),
    _finding("lupus_tumidus", "lupus erythematosus tumidus", "slicc_2012.chronic_cutaneous_lupus"),
    _finding("chilblain_lupus", "chilblain lupus", "slicc_2012.chronic_cutaneous_lupus"),
    _finding(
        "discoid_lupus_lichen_planus_overlap",
        "discoid lupus/lichen planus overlap",
        "slicc_2012.chronic_cutaneous_lupus",
    ),
    _finding(
        "oral_ulcers",
        "oral ulcers observed by a clinician",
        "eular_acr_2019.oral_ulcers",
        "sledai_2k.mucosal_ulcers",
        "slicc_2012.oral_or_nasal_ulcers",
        "acr_1997.oral_ulcers",
    ),
    _finding(
        "nasal_ulcers",
        "nasal ulcers observed by a clinician",
        "sledai_2k.mucosal_ulcers",
        "slicc_2012.oral_or_nasal_ulcers",
        "acr_1997.oral_ulcers",
    ),
    _finding(
        "oral_or_nasal_ulcers",
        "oral or nasal ulcers observed by a clinician, the site not stated",
        "sledai_2k.mucosal_ulcers",
        "slicc_2012.oral_or_nasal_ulcers",
        "acr_1997.oral_ulcers",
    ),
    _finding(
        "non_scarring_alopecia",
        "non-scarring (patchy or diffuse) hair loss",
        "eular_acr_2019.non_scarring_alopecia",
        "sledai_2k.alopecia",
        "slicc_2012.non_scarring_alopecia",
    ),
    _finding("scarring_alopecia", "scarring alopecia (damage, not activity)"),
    # Neuropsychiatric and vascular
    _finding(
        "seizure",
        "seizure (primary generalised or partial/focal)",
        "eular_acr_2019.seizure",
        "sledai_2k.seizure",
        "slicc_2012.neurologic",
        "acr_1997.neurologic_disorder",
    ),
    _finding(
        "seizure_recent_onset",
        "whether the seizures of the same date are of recent onset (present) or a "
        "long-standing seizure disorder (absent); without it, a seizure is taken as of "
        "recent onset",
        "sledai_2k.seizure",
    ),
    _finding(
        "psychosis",
        "psychosis (delusions or hallucinations, severe disturbance in the perception of reality)",
        "eular_acr_2019.psychosis",
        "sledai_2k.psychosis",
        "slicc_2012.neurologic",
        "acr_1997.neurologic_disorder",
    ),
    _finding(
        "delirium",
        "delirium as defined by the 2019 EULAR/ACR criteria",
        "eular_acr_2019.delirium",
        "slicc_2012.neurologic",
    ),
    _finding(
        "organic_brain_syndrome",
        "organic brain syndrome as defined by SLEDAI-2K",
        "sledai_2k.organic_brain_syndrome",
    ),
    _finding(
        "visual_disturbance",
        "retinal changes of SLE or optic neuritis",
        "sledai_2k.visual_disturbance",
    ),
    _finding(
        "cranial_neuropathy",
        "sensory or motor cranial neuropathy",
        "sledai_2k.cranial_nerve_disorder",
        "slicc_2012.neurologic",
    ),
    _finding(
        "cranial_neuropathy_new_onset",
        "whether the cranial neuropathy of the same date is of new onset (present) or "
        "long-standing (absent); without it, a cranial neuropathy is taken as of new onset",
        "sledai_2k.cranial_nerve_disorder",
    ),
    _finding("mononeuritis_multiplex", "mononeuritis multiplex", "slicc_2012.neurologic"),
    _finding("myelitis", "myelitis", "slicc_2012.neurologic"),
    _finding("peripheral_neuropathy", "peripheral neuropathy", "slicc_2012.neurologic"),
    _finding(
        "acute_confusional_state",
        "acute confusional state (ACR 1999 neuropsychiatric SLE nomenclature)",
        "slicc_2012.neurologic",
    ),
    _finding(
        "lupus_headache",
        "severe persistent headache not responding to narcotic analgesia",
        "sledai_2k.lupus_headache",
    ),
    _finding("cerebrovascular_accident", "cerebrovascular accident", "sledai_2k.cva"),
    _finding(
        "cerebrovascular_accident_new_onset",
        "whether the cerebrovascular accident of the same date is of new onset (present) or "
        "an old one (absent); without it, a cerebrovascular accident is taken as of new onset",
        "sledai_2k.cva",
    ),
    _finding(
        "vasculitis",
        "ulceration, gangrene, tender finger nodules, periungual "
        "infarction, splinter haemorrhages, or biopsy/angiogram proof of vasculitis",
        "sledai_2k.vasculitis",
    ),
    # Outcome inputs (LLDAS, DORIS 2021 remission, SRI; see sle_scoring.glucocorticoids).
    # A dose or treatment-status observation holds from its date until the next
    # observation of the same code; a dose of 0 mg/day means the drug was stopped.
    *(
        _quantity(
            f"{drug}_dose",
            "dose",
            0,
            2000,
            f"{drug} daily dose, oral or intravenous (0 = stopped)",
            "lldas.glucocorticoid_dose",
            "doris_remission.glucocorticoid_dose",
        )
        for drug in GLUCOCORTICOIDS
    ),
    _quantity(
        "prednisone_equivalent_dose",
        "dose",
        0,
        2000,
        "total daily glucocorticoid dose already converted to prednisone equivalents, for "
        "glucocorticoids not recorded per drug (0 = stopped)",
        "lldas.glucocorticoid_dose",
        "doris_remission.glucocorticoid_dose",
    ),
    _quantity(
        "physician_global_assessment",
        "global_assessment",
        0,
        3,
        "physician global assessment of lupus activity at the visit (SELENA-SLEDAI PGA, 0-3)",
        "lldas.physician_global_assessment",
        "doris_remission.physician_global_assessment",
        "sri.no_pga_worsening",
    ),
    _finding(
        "maintenance_treatment_standard",
        "present: immunosuppressants and approved biologics, if any, are at well-tolerated "
        "standard maintenance doses (also present when none are taken); absent: induction or "
        "escalated doses, or not tolerated",
        "lldas.maintenance_treatment",
    ),
    _finding(
        "investigational_drug",
        "present: an investigational drug is being taken; absent: none",
        "lldas.maintenance_treatment",
    ),
    _finding(
        "immunosuppressive_treatment_stable",
        "present: immunosuppressants and biologics, if any, are at stable doses (also present "
        "when none are taken); absent: started, escalated or changed for disease activity",
        "doris_remission.stable_treatment",
    ),
    _finding(
        "hemolytic_anemia",
        "haemolytic anaemia due to lupus activity (not a SLEDAI-2K descriptor)",
        "eular_acr_2019.autoimmune_hemolysis",
        "lldas.low_activity",
        "slicc_2012.hemolytic_anemia",
        "slicc_2012.direct_coombs",
        "acr_1997.hematologic_disorder",
    ),
    _finding(
        "gastrointestinal_activity",
        "gastrointestinal lupus activity, e.g. enteritis, mesenteric vasculitis, peritonitis, "
        "pancreatitis, hepatitis (not a SLEDAI-2K descriptor)",
        "lldas.low_activity",
    ),
    # Completed forms: a clinician's statement that every item of an instrument's form
    # was assessed, so that what is not recorded present is absent (docs/interpretations.md).
    Concept(
        "sledai_2k_form_completed",
        Kind.CATEGORY,
        "a clinician completed the SLEDAI-2K form for the visit of this date: 'clinical': "
        "every descriptor assessed by history and examination that is not recorded present "
        "in the window is absent (the laboratory descriptors still need their results); "
        "'all': the laboratory descriptors too, the form having been completed with the "
        "window's results in hand",
        tuple(f"sledai_2k.{code}" for code in _SLEDAI_2K_DESCRIPTORS),
        values=("clinical", "all"),
    ),
    Concept(
        "sdi_form_completed",
        Kind.CATEGORY,
        "a clinician completed the SDI form on this date: 'clinical': every damage item "
        "not recorded present by this date is absent, except the two renal items that "
        "are measurements (GFR < 50%, proteinuria >= 3.5 g/24 h); 'all': those too, the "
        "form having been completed with the results in hand",
        tuple(f"sdi.{code}" for code in _SDI_ITEMS),
        values=("clinical", "all"),
    ),
)

#: Every code of the evidence vocabulary, by code.
CONCEPTS: dict[str, Concept] = {c.code: c for c in _CONCEPTS}

#: The assays accepted for the codes whose reading depends on the assay (SLICC 2012:
#: anti-dsDNA "> 2 times the reference range if tested by ELISA"). A closed list, so
#: that "EIA" or "Elisa (IgG)" is an error rather than silently read as another assay.
ASSAYS: dict[str, tuple[str, ...]] = {
    "ana": ("hep2_iif", "elisa", "clia", "multiplex", "other"),
    "anti_dsdna": ("elisa", "farr", "crithidia", "clia", "fema", "multiplex", "other"),
}

#: The causes a finding may be explained by (rule 1 of EULAR/ACR 2019; the
#: exclusions of the SLEDAI-2K descriptors).
CAUSES: tuple[str, ...] = (
    "infection",
    "drug",
    "malignancy",
    "metabolic",
    "endocrine",
    "other_autoimmune_disease",
    "uraemia",
    "hypertension",
    "stone",
    "arteriosclerosis",
    "trauma",
    "other",
)


def instrument_items() -> dict[str, frozenset[str]]:
    """Each instrument that accepts direct item assertions (``<instrument>.<item>``)
    and its item codes, from the instrument registry (``sle_scoring.INSTRUMENTS``)."""
    return dict(item_instruments())


def item_assertion(code: str) -> tuple[str, str] | None:
    """``(instrument, item)`` when ``code`` is a valid item assertion, else ``None``."""
    instrument, dot, item = code.partition(".")
    if dot and item in item_instruments().get(instrument, frozenset()):
        return instrument, item
    return None


def concept(code: str) -> Concept | None:
    """The vocabulary entry for ``code`` (``None`` when unknown)."""
    return CONCEPTS.get(code)


def all_codes() -> list[str]:
    """Every accepted observation code, for suggestions and documentation."""
    return [
        *CONCEPTS,
        *(
            f"{instrument}.{item}"
            for instrument, items in instrument_items().items()
            for item in sorted(items)
        ),
    ]


def __dir__() -> list[str]:
    # The public API is what __all__ lists (as in pypa/packaging).
    return list(__all__)
