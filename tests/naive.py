"""Deliberately naive second implementations, written straight from the spec tables.

They share no code with sle_scoring: the property tests check that both agree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from fractions import Fraction

# 2019 EULAR/ACR: (domain, clinical?, points), copied from the publication's table.
EULAR_ACR_2019_TABLE: dict[str, tuple[str, bool, int]] = {
    "fever": ("constitutional", True, 2),
    "leukopenia": ("hematologic", True, 3),
    "thrombocytopenia": ("hematologic", True, 4),
    "autoimmune_hemolysis": ("hematologic", True, 4),
    "delirium": ("neuropsychiatric", True, 2),
    "psychosis": ("neuropsychiatric", True, 3),
    "seizure": ("neuropsychiatric", True, 5),
    "non_scarring_alopecia": ("mucocutaneous", True, 2),
    "oral_ulcers": ("mucocutaneous", True, 2),
    "subacute_cutaneous_or_discoid_lupus": ("mucocutaneous", True, 4),
    "acute_cutaneous_lupus": ("mucocutaneous", True, 6),
    "pleural_or_pericardial_effusion": ("serosal", True, 5),
    "acute_pericarditis": ("serosal", True, 6),
    "joint_involvement": ("musculoskeletal", True, 6),
    "proteinuria": ("renal", True, 4),
    "lupus_nephritis_class_2_or_5": ("renal", True, 8),
    "lupus_nephritis_class_3_or_4": ("renal", True, 10),
    "antiphospholipid_antibodies": ("antiphospholipid", False, 2),
    "low_c3_or_low_c4": ("complement", False, 3),
    "low_c3_and_low_c4": ("complement", False, 4),
    "anti_dsdna_or_anti_smith": ("sle_specific_antibodies", False, 6),
}

# SLEDAI-2K weights, copied from Gladman et al. 2002.
SLEDAI_2K_WEIGHTS: dict[str, int] = {
    "seizure": 8,
    "psychosis": 8,
    "organic_brain_syndrome": 8,
    "visual_disturbance": 8,
    "cranial_nerve_disorder": 8,
    "lupus_headache": 8,
    "cva": 8,
    "vasculitis": 8,
    "arthritis": 4,
    "myositis": 4,
    "urinary_casts": 4,
    "hematuria": 4,
    "proteinuria": 4,
    "pyuria": 4,
    "rash": 2,
    "alopecia": 2,
    "mucosal_ulcers": 2,
    "pleurisy": 2,
    "pericarditis": 2,
    "low_complement": 2,
    "increased_dna_binding": 2,
    "fever": 1,
    "thrombocytopenia": 1,
    "leukopenia": 1,
}


def eular_acr_2019_points(items: Iterable[str]) -> tuple[int, bool]:
    """(points, classified) by brute force: for each domain, the max weight present."""
    codes = set(items)
    points = 0
    clinical = False
    for domain in {d for d, _, _ in EULAR_ACR_2019_TABLE.values()}:
        weights = [
            (w, is_clinical)
            for code, (d, is_clinical, w) in EULAR_ACR_2019_TABLE.items()
            if d == domain and code in codes
        ]
        if weights:
            best = max(w for w, _ in weights)
            points += best
            if weights[0][1]:
                clinical = True
    classified = "ana_positive" in codes and clinical and points >= 10
    return points, classified


def sledai_2k_total(items: Iterable[str]) -> int:
    """The sum of the weights of the distinct descriptors present."""
    return sum(SLEDAI_2K_WEIGHTS[code] for code in set(items))


# SLICC 2012: the 17 criteria (clinical 1-11, immunologic 1-6), copied from Petri et
# al. 2012, Table 3; the renal biopsy of rule B is not one of them.
SLICC_2012_KINDS: dict[str, str] = {
    "acute_cutaneous_lupus": "clinical",
    "chronic_cutaneous_lupus": "clinical",
    "oral_or_nasal_ulcers": "clinical",
    "non_scarring_alopecia": "clinical",
    "synovitis": "clinical",
    "serositis": "clinical",
    "renal": "clinical",
    "neurologic": "clinical",
    "hemolytic_anemia": "clinical",
    "leukopenia_or_lymphopenia": "clinical",
    "thrombocytopenia": "clinical",
    "ana": "immunologic",
    "anti_dsdna": "immunologic",
    "anti_sm": "immunologic",
    "antiphospholipid_antibody": "immunologic",
    "low_complement": "immunologic",
    "direct_coombs": "immunologic",
}


def slicc_2012_classification(items: Iterable[str]) -> tuple[int, int, bool]:
    """(clinical, immunologic, classified) straight from the SLICC rule."""
    codes = set(items)
    clinical = 0
    immunologic = 0
    for code, kind in SLICC_2012_KINDS.items():
        if code not in codes:
            continue
        if code == "direct_coombs" and "hemolytic_anemia" in codes:
            continue  # "Direct Coombs test in the absence of hemolytic anemia"
        if kind == "clinical":
            clinical += 1
        else:
            immunologic += 1
    rule_a = clinical + immunologic >= 4 and clinical >= 1 and immunologic >= 1
    rule_b = "lupus_nephritis_biopsy" in codes and ("ana" in codes or "anti_dsdna" in codes)
    return clinical, immunologic, rule_a or rule_b


# ACR 1997: the 11 criteria, copied from Tan et al. 1982 as updated by Hochberg 1997.
ACR_1997_CODES: tuple[str, ...] = (
    "malar_rash",
    "discoid_rash",
    "photosensitivity",
    "oral_ulcers",
    "arthritis",
    "serositis",
    "renal_disorder",
    "neurologic_disorder",
    "hematologic_disorder",
    "immunologic_disorder",
    "ana",
)


def acr_1997_classification(items: Iterable[str]) -> tuple[int, bool]:
    """(criteria present, classified): 4 or more of the 11."""
    count = len(set(items) & set(ACR_1997_CODES))
    return count, count >= 4


def sledai_band(total: int, scheme: str) -> str:
    """A SLEDAI total's band, as if-chains copied from the trial-outcomes spec table."""
    if scheme in ("eular_table_4band", "malaysia_cpg_2024_sledai2k"):
        if total == 0:
            return "remission"
        if total <= 4:
            return "low"
        if total <= 10:
            return "moderate"
        return "high"
    if total < 6:
        return "mild"
    if total <= 12:
        return "moderate"
    return "severe"


BILAG_SYSTEMS = (
    "constitutional",
    "mucocutaneous",
    "neuropsychiatric",
    "musculoskeletal",
    "cardiorespiratory",
    "gastrointestinal",
    "ophthalmic",
    "renal",
    "haematological",
)


def bicla_responder(
    before: dict[str, str],
    after: dict[str, str],
    sledai_before: int,
    sledai_after: int,
    pga_before: Fraction,
    pga_after: Fraction,
    pga_rule: str,
    treatment_failure: bool,
) -> bool | None:
    """BICLA from complete inputs, straight from the spec's five components; ``None``
    when no system is A or B at baseline (not applicable)."""
    active = [s for s in BILAG_SYSTEMS if before[s] in "AB"]
    if not active:
        return None
    grade_rank = "ABCDE"
    c1 = all(grade_rank.index(after[s]) > grade_rank.index(before[s]) for s in active)
    new_a = sum(1 for s in BILAG_SYSTEMS if after[s] == "A" and before[s] != "A")
    new_b = sum(1 for s in BILAG_SYSTEMS if after[s] == "B" and before[s] in "CDE")
    c2 = new_a == 0 and new_b <= 1
    c3 = sledai_after <= sledai_before
    if pga_rule == "pct_of_scale":
        c4 = (pga_after - pga_before) * 100 < 30  # in hundredths
    else:
        c4 = pga_after * 10 <= pga_before * 11
    c5 = not treatment_failure
    return c1 and c2 and c3 and c4 and c5


def selena_flare_category(
    sledai: tuple[int, int],
    pga: tuple[Fraction, Fraction],
    prednisone: tuple[Fraction, Fraction],
    weight_kg: Fraction,
    flags: dict[str, bool],
    clinical_only: bool,
) -> str:
    """The classic SFI category from complete inputs, written from the spec's lists."""
    (s_before, s_after), (p_before, p_after), (d_before, d_after) = sledai, pga, prednisone
    dose_up = d_after > d_before
    per_kg_above = d_after > weight_kg / 2
    severe_clinical = [
        s_after > 12 and s_after > s_before,
        flags["severe_manifestations"],
        flags["hospitalisation"],
        p_after * 10 > 25 and p_after > p_before,
    ]
    severe_treatment = [dose_up and per_kg_above, flags["new_immunosuppressant"]]
    mild_clinical = [
        s_after - s_before >= 3 and s_after <= 12,
        flags["mild_moderate_manifestations"],
        p_after - p_before >= 1 and p_after * 10 <= 25,
    ]
    mild_treatment = [dose_up and not per_kg_above, flags["nsaid_or_hydroxychloroquine_added"]]
    if clinical_only:
        severe_treatment = mild_treatment = []
    if any(severe_clinical + severe_treatment):
        return "severe flare"
    if any(mild_clinical + mild_treatment):
        return "mild/moderate flare"
    return "no flare"


# Censored values: "> 200" is every number above 200. The naive judge tries the
# definition "x sign cutoff" on numbers of the censored set, the bound and the cutoff
# and numbers just beside them (the answer can only change at the cutoff): all
# true is true, all false is false, a mix is undecided.
_SIGN_TESTS: dict[str, Callable[[Fraction, Fraction], bool]] = {
    "<": lambda x, t: x < t,
    "<=": lambda x, t: x <= t,
    ">=": lambda x, t: x >= t,
    ">": lambda x, t: x > t,
}


def censored_compare(
    bound: Fraction, comparator: str | None, sign: str, cutoff: Fraction
) -> bool | None:
    """Whether every, no, or some number of the censored set meets the definition."""
    if comparator is None:
        return _SIGN_TESTS[sign](bound, cutoff)
    step = abs(bound - cutoff) / 2 or Fraction(1)
    candidates = [
        point
        for centre in (bound, cutoff)
        for point in (centre - step, centre, centre + step)
        if _SIGN_TESTS[comparator](point, bound)
    ]
    answers = {_SIGN_TESTS[sign](point, cutoff) for point in candidates}
    return answers.pop() if len(answers) == 1 else None
