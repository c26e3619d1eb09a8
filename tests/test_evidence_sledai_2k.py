"""Evidence-level tests of SLEDAI-2K (Gladman et al. 2002).

Every descriptor is derived from observations in the visit's window, with a test on
each side of each threshold of the published definition (quoted in each test
class's docstring). Expected totals are sums of published weights, one comment per
term.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import ABSENT, DAY, EXPLAINED, NOT_ASSESSED, PRESENT, obs
from sle_scoring import ItemFinding, ItemStatus, Observation, Patient, UnknownCodeError
from sle_scoring.sledai_2k import CLINICAL_SLEDAI_2K, DESCRIPTORS, Score, score_visit

VISIT = DAY


def visit(*observations: Observation, **options: object) -> Score:
    """SLEDAI-2K at ``VISIT`` from the observations."""
    return score_visit(Patient("p", observations), VISIT, **options)  # type: ignore[arg-type]


def finding(descriptor: str, *observations: Observation) -> ItemFinding:
    return visit(*observations).finding(descriptor)


def status(descriptor: str, *observations: Observation) -> ItemStatus:
    return finding(descriptor, *observations).status


class TestFever:
    """Fever: "> 38 °C. Exclude infectious cause." (1 point)"""

    @pytest.mark.parametrize(
        ("value", "unit", "expected"),
        [
            (Decimal("38.0"), "°C", ABSENT),
            (Decimal("38.1"), "°C", PRESENT),
            (Decimal("100.4"), "°F", ABSENT),  # = 38.0 °C exactly
            (Decimal("100.58"), "°F", PRESENT),  # = 38.1 °C exactly
        ],
    )
    def test_threshold(self, value: Decimal, unit: str, expected: ItemStatus) -> None:
        assert status("fever", obs("temperature", value, unit)) is expected

    def test_lower_than_the_eular_acr_threshold(self) -> None:
        # 38.2 °C is SLEDAI-2K fever (> 38) but not EULAR/ACR 2019 fever (> 38.3)
        result = visit(obs("temperature", Decimal("38.2"), "°C"))
        assert result.finding("fever").status is PRESENT
        assert result.total == 1  # fever 1


class TestLeukopenia:
    """Leukopenia: "< 3,000 white blood cells/mm³. Exclude drug causes." (1 point)"""

    @pytest.mark.parametrize(
        ("value", "unit", "expected"),
        [
            (2999, "/mm³", PRESENT),
            (3000, "/mm³", ABSENT),
            (Decimal("2.999"), "10^9/L", PRESENT),
            (3, "10^9/L", ABSENT),
            (3999, "/µL", ABSENT),  # EULAR/ACR leukopenia, not SLEDAI-2K
        ],
    )
    def test_threshold(self, value: object, unit: str, expected: ItemStatus) -> None:
        assert status("leukopenia", obs("leukocyte_count", value, unit)) is expected


class TestThrombocytopenia:
    """Thrombocytopenia: "< 100,000 platelets/mm³. Exclude drug causes." (1 point)"""

    @pytest.mark.parametrize(
        ("value", "unit", "expected"),
        [
            (99_999, "/µL", PRESENT),
            (100_000, "/µL", ABSENT),
            (Decimal("99.999"), "10^3/µL", PRESENT),
            (100, "10^3/µL", ABSENT),
        ],
    )
    def test_threshold(self, value: object, unit: str, expected: ItemStatus) -> None:
        assert status("thrombocytopenia", obs("platelet_count", value, unit)) is expected


class TestUrine:
    """Hematuria: "> 5 red blood cells/high power field. Exclude stone, infection or
    other cause." Pyuria: "> 5 white blood cells/high power field. Exclude
    infection." Proteinuria: "> 0.5 gram/24 hours." (4 points each)"""

    @pytest.mark.parametrize(
        ("descriptor", "code"), [("hematuria", "urine_red_cells"), ("pyuria", "urine_white_cells")]
    )
    @pytest.mark.parametrize(("cells", "expected"), [(5, ABSENT), (6, PRESENT)])
    def test_cells_per_hpf(
        self, descriptor: str, code: str, cells: int, expected: ItemStatus
    ) -> None:
        assert status(descriptor, obs(code, cells, "/hpf")) is expected

    @pytest.mark.parametrize(
        ("code", "value", "unit", "expected"),
        [
            ("urine_protein_24h", Decimal("0.5"), "g/24 h", ABSENT),
            ("urine_protein_24h", Decimal("0.51"), "g/24 h", PRESENT),
            ("urine_protein_24h", 500, "mg/24 h", ABSENT),
            ("urine_protein_24h", 501, "mg/24 h", PRESENT),
            ("urine_protein_creatinine_ratio", Decimal("0.5"), "g/g", ABSENT),
            ("urine_protein_creatinine_ratio", Decimal("0.51"), "g/g", PRESENT),
            # the spot ratio's conventional equivalents of 0.5 g/24 h (a library
            # extension: the descriptor names only the 24-hour collection)
            ("urine_protein_creatinine_ratio", 500, "mg/g", ABSENT),  # = 0.5 g/g
            ("urine_protein_creatinine_ratio", 501, "mg/g", PRESENT),
            ("urine_protein_creatinine_ratio", 50, "mg/mmol", ABSENT),
            ("urine_protein_creatinine_ratio", 51, "mg/mmol", PRESENT),
        ],
    )
    def test_proteinuria(self, code: str, value: object, unit: str, expected: ItemStatus) -> None:
        assert status("proteinuria", obs(code, value, unit)) is expected

    def test_hematuria_explained_by_stone(self) -> None:
        found = finding("hematuria", obs("urine_red_cells", 20, "/hpf", explained_by="stone"))
        assert found.status is EXPLAINED
        assert found.explained_by == ("stone",)

    def test_pyuria_explained_by_infection(self) -> None:
        pyuria = obs("urine_white_cells", 20, "/hpf", explained_by="infection")
        assert status("pyuria", pyuria) is EXPLAINED


class TestUrinaryCasts:
    """Urinary casts: "Heme-granular or red blood cell casts." (4 points)"""

    @pytest.mark.parametrize("cast", ["heme_granular", "red_cell"])
    def test_counting_casts(self, cast: str) -> None:
        assert status("urinary_casts", obs("urinary_casts", cast)) is PRESENT

    @pytest.mark.parametrize(
        "cast", ["granular", "hyaline", "white_cell", "waxy", "tubular", "mixed", "none"]
    )
    def test_other_casts_do_not_count(self, cast: str) -> None:
        assert status("urinary_casts", obs("urinary_casts", cast)) is ABSENT

    def test_not_assessed_without_urine_sediment(self) -> None:
        assert status("urinary_casts", obs("urine_red_cells", 2, "/hpf")) is NOT_ASSESSED


class TestArthritis:
    """Arthritis: ">= 2 joints with pain and signs of inflammation (i.e. tenderness,
    swelling or effusion)." (4 points; "more than 2" was the 1992 SLEDAI wording)"""

    @pytest.mark.parametrize("code", ["swollen_joint_count", "tender_joint_count"])
    @pytest.mark.parametrize(("joints", "expected"), [(1, ABSENT), (2, PRESENT)])
    def test_joint_count(self, code: str, joints: int, expected: ItemStatus) -> None:
        assert status("arthritis", obs(code, joints, "joints")) is expected

    def test_clinician_judgement(self) -> None:
        assert status("arthritis", obs("joint_involvement", "present")) is PRESENT


class TestSerositis:
    """Pleurisy: "Pleuritic chest pain with pleural rub or effusion, or pleural
    thickening." Pericarditis: "Pericardial pain with at least 1 of the following:
    rub, effusion, or electrocardiogram or echocardiogram confirmation." (2 points
    each; pain alone, or the other sign alone, is not enough)"""

    PLEURAL = ("pleural_rub", "pleural_effusion", "pleural_thickening")
    PERICARDIAL = ("pericardial_rub", "pericardial_effusion", "pericarditis_on_ecg")

    @pytest.mark.parametrize(
        ("descriptor", "pain", "sign"),
        [
            *(("pleurisy", "pleuritic_pain", sign) for sign in PLEURAL),
            *(("pericarditis", "pericardial_pain", sign) for sign in PERICARDIAL),
        ],
    )
    def test_pain_with_one_more(self, descriptor: str, pain: str, sign: str) -> None:
        assert status(descriptor, obs(pain, "present"), obs(sign, "present")) is PRESENT
        # one half recorded, the other never: not assessed (not "absent")
        assert status(descriptor, obs(pain, "present")) is NOT_ASSESSED
        assert status(descriptor, obs(sign, "present")) is NOT_ASSESSED
        assert status(descriptor, obs(pain, "absent"), obs(sign, "present")) is ABSENT

    @pytest.mark.parametrize(
        ("descriptor", "pain", "signs"),
        [
            ("pleurisy", "pleuritic_pain", PLEURAL),
            ("pericarditis", "pericardial_pain", PERICARDIAL),
        ],
    )
    def test_pain_with_every_sign_absent(
        self, descriptor: str, pain: str, signs: tuple[str, ...]
    ) -> None:
        observations = [obs(sign, "absent") for sign in signs]
        assert status(descriptor, obs(pain, "present"), *observations) is ABSENT

    def test_pericardial_effusion_without_pain_is_not_pericarditis(self) -> None:
        result = visit(obs("pericardial_effusion", "present"), obs("pericardial_pain", "absent"))
        assert result.finding("pericarditis").status is ABSENT
        assert result.total == 0


class TestMyositis:
    """Myositis: "Proximal muscle aching/weakness, associated with elevated creatine
    phosphokinase/aldolase or electromyogram changes or a biopsy showing myositis."
    (4 points)"""

    CONFIRMATION = ("raised_muscle_enzymes", "myopathic_emg", "myositis_on_biopsy")

    @pytest.mark.parametrize("confirmation", CONFIRMATION)
    def test_weakness_with_confirmation(self, confirmation: str) -> None:
        weakness = obs("proximal_muscle_weakness", "present")
        assert status("myositis", weakness, obs(confirmation, "present")) is PRESENT
        # confirmation without the weakness being examined: not assessed
        assert status("myositis", obs(confirmation, "present")) is NOT_ASSESSED

    def test_weakness_alone(self) -> None:
        weakness = obs("proximal_muscle_weakness", "present")
        # no confirmation recorded either way: not assessed
        assert status("myositis", weakness) is NOT_ASSESSED
        normal = [obs(c, "absent") for c in self.CONFIRMATION]
        assert status("myositis", weakness, *normal) is ABSENT


class TestLowComplement:
    """Low complement: "Decrease in CH50, C3, or C4 below the lower limit of normal
    for testing laboratory." (2 points)"""

    @pytest.mark.parametrize("code", ["ch50", "c3", "c4"])
    @pytest.mark.parametrize(("value", "expected"), [(90, ABSENT), (89, PRESENT)])
    def test_lower_limit(self, code: str, value: int, expected: ItemStatus) -> None:
        level = obs(code, value, "mg/dL", lower_limit=90)
        assert status("low_complement", level) is expected

    @pytest.mark.parametrize("code", ["ch50", "c3", "c4"])
    @pytest.mark.parametrize(("call", "expected"), [("low", PRESENT), ("normal", ABSENT)])
    def test_laboratory_call(self, code: str, call: str, expected: ItemStatus) -> None:
        assert status("low_complement", obs(code, call)) is expected

    def test_counts_once(self) -> None:
        result = visit(obs("c3", "low"), obs("c4", "low"), obs("ch50", "low"))
        assert result.total == 2  # low complement 2, once


class TestIncreasedDnaBinding:
    """Increased DNA binding: "Increased DNA binding above normal range for testing
    laboratory." (2 points; the 1992 "> 25% binding by Farr assay" is not used)"""

    @pytest.mark.parametrize(("value", "expected"), [(30, ABSENT), (31, PRESENT)])
    def test_upper_limit(self, value: int, expected: ItemStatus) -> None:
        dsdna = obs("anti_dsdna", value, "IU/mL", upper_limit=30)
        assert status("increased_dna_binding", dsdna) is expected

    @pytest.mark.parametrize(("call", "expected"), [("positive", PRESENT), ("negative", ABSENT)])
    def test_laboratory_call(self, call: str, expected: ItemStatus) -> None:
        assert status("increased_dna_binding", obs("anti_dsdna", call)) is expected

    def test_ana_scores_nothing(self) -> None:
        assert visit(obs("ana", "1:1280")).total == 0


# (descriptor, observation code): descriptors defined by a clinician's finding
FINDING_DESCRIPTORS = [
    ("seizure", "seizure"),
    ("psychosis", "psychosis"),
    ("organic_brain_syndrome", "organic_brain_syndrome"),
    ("visual_disturbance", "visual_disturbance"),
    ("cranial_nerve_disorder", "cranial_neuropathy"),
    ("lupus_headache", "lupus_headache"),
    ("cva", "cerebrovascular_accident"),
    ("vasculitis", "vasculitis"),
    ("rash", "malar_rash"),
    ("rash", "maculopapular_rash"),
    ("rash", "subacute_cutaneous_lupus"),
    ("rash", "discoid_lupus"),
    ("rash", "inflammatory_rash"),
    ("alopecia", "non_scarring_alopecia"),
    ("mucosal_ulcers", "oral_ulcers"),
    ("mucosal_ulcers", "nasal_ulcers"),
]


class TestFindingDescriptors:
    """Descriptors recorded as a clinician's finding: seizure ("recent onset"),
    psychosis, organic brain syndrome, visual disturbance, cranial nerve disorder,
    lupus headache, CVA ("new onset"), vasculitis, rash ("inflammatory type rash"),
    alopecia ("abnormal, patchy or diffuse loss of hair") and mucosal ulcers ("oral or
    nasal ulcerations"). Each is present, absent or not assessed."""

    @pytest.mark.parametrize(("descriptor", "code"), FINDING_DESCRIPTORS)
    def test_present(self, descriptor: str, code: str) -> None:
        found = finding(descriptor, obs(code, "present"))
        assert found.status is PRESENT
        assert found.evidence == (obs(code, "present"),)

    @pytest.mark.parametrize(("descriptor", "code"), FINDING_DESCRIPTORS)
    def test_absent(self, descriptor: str, code: str) -> None:
        assert status(descriptor, obs(code, "absent")) is ABSENT

    @pytest.mark.parametrize(("descriptor", "code"), FINDING_DESCRIPTORS)
    def test_not_assessed(self, descriptor: str, code: str) -> None:
        assert status(descriptor, obs("temperature", 37, "°C")) is NOT_ASSESSED, code

    def test_scarring_alopecia_is_damage_not_activity(self) -> None:
        assert status("alopecia", obs("scarring_alopecia", "present")) is NOT_ASSESSED


class TestClinicianAssertion:
    """Item assertion ``sledai_2k.<code>``: a clinician's judgement that a descriptor
    is present (or absent) is valid evidence."""

    @pytest.mark.parametrize("code", [item.code for item in DESCRIPTORS])
    def test_present_scores_the_weight(self, code: str) -> None:
        weight = next(item.weight for item in DESCRIPTORS if item.code == code)
        result = visit(obs(f"sledai_2k.{code}", "present"))
        assert result.finding(code).status is PRESENT
        assert result.total == weight

    @pytest.mark.parametrize("code", [item.code for item in DESCRIPTORS])
    def test_absent(self, code: str) -> None:
        assert status(code, obs(f"sledai_2k.{code}", "absent")) is ABSENT


class TestWindow:
    """ "Present at the time of visit or in the preceding 10 days" (the visit day plus
    10 days before it); the 30-day window of Touma et al. 2010; any other window only
    on explicit request, flagged as non-standard."""

    @pytest.mark.parametrize(
        ("days_before", "expected"),
        [
            (-1, NOT_ASSESSED),  # the day after the visit: OUT
            (0, PRESENT),  # the visit day
            (10, PRESENT),  # exactly 10 days before: IN ("the preceding 10 days")
            (11, NOT_ASSESSED),  # 11 days before: OUT
        ],
    )
    def test_default_ten_days(self, days_before: int, expected: ItemStatus) -> None:
        result = visit(obs("temperature", 39, "°C", days_before=days_before))
        assert result.finding("fever").status is expected
        assert result.window_days == 10
        assert result.visit_date == VISIT
        assert result.standard_window

    @pytest.mark.parametrize(
        ("days_before", "expected"), [(30, PRESENT), (31, NOT_ASSESSED), (-1, NOT_ASSESSED)]
    )
    def test_thirty_days(self, days_before: int, expected: ItemStatus) -> None:
        result = visit(obs("temperature", 39, "°C", days_before=days_before), window_days=30)
        assert result.finding("fever").status is expected
        assert result.standard_window
        assert "non-standard" not in result.explain()

    @pytest.mark.parametrize("days", [0, 7, 14, 28, 31])
    def test_non_standard_window_must_be_asked_for(self, days: int) -> None:
        with pytest.raises(ValueError, match=rf"^window_days={days} is not a published") as caught:
            visit(window_days=days)
        assert str(caught.value) == (
            f"window_days={days} is not a published SLEDAI-2K window (10 or 30 days); "
            "pass non_standard_window=True to use it anyway"
        )

    def test_non_standard_window_on_request(self) -> None:
        fever = obs("temperature", 39, "°C", days_before=14)
        result = visit(fever, window_days=14, non_standard_window=True)
        assert result.total == 1  # fever 1
        assert result.window_days == 14
        assert not result.standard_window
        assert "non-standard" in result.explain()
        assert visit(fever, window_days=13, non_standard_window=True).total == 0

    @pytest.mark.parametrize("days", [-1, True, 10.0])
    def test_window_must_be_whole_days(self, days: object) -> None:
        with pytest.raises(ValueError, match="window_days must be a whole number of days"):
            visit(window_days=days, non_standard_window=True)

    def test_each_descriptor_counts_once(self) -> None:
        fevers = [obs("temperature", 39, "°C", days_before=d) for d in range(5)]
        assert visit(*fevers).total == 1  # fever 1, whatever the number of occurrences

    def test_undated_observation_is_an_error(self) -> None:
        with pytest.raises(ValueError, match="is required to place the observation"):
            score_visit(Patient("p", (Observation("seizure", "present"),)), VISIT)


class TestCompleteness:
    """ "Descriptors that could not be assessed because no evidence of either kind was
    given in the window ... so that a caller can tell '0 because absent' from '0
    because not measured'" (spec)."""

    def test_incomplete_when_not_assessed(self) -> None:
        result = visit(obs("platelet_count", 250_000, "/µL"))
        assert result.total == 0
        assert not result.complete
        assert result.finding("thrombocytopenia").status is ABSENT
        assert "thrombocytopenia" not in result.not_assessed
        assert result.not_assessed == {i.code for i in DESCRIPTORS} - {"thrombocytopenia"}
        assert "incomplete, not assessed: seizure" in result.explain()

    def test_complete_when_every_descriptor_assessed(self) -> None:
        absent = [obs(f"sledai_2k.{item.code}", "absent") for item in DESCRIPTORS]
        result = visit(*absent)
        assert result.total == 0
        assert result.complete
        assert result.not_assessed == frozenset()

    def test_evidence_outside_the_window_does_not_make_it_complete(self) -> None:
        absent = [obs(f"sledai_2k.{item.code}", "absent", days_before=11) for item in DESCRIPTORS]
        assert not visit(*absent).complete


class TestExplainedBy:
    """ "A descriptor with a listed exclusion (e.g. 'exclude infection') is not scored
    when the finding is marked as explained by that other cause" (spec)."""

    def test_fever_explained_by_infection(self) -> None:
        fever = obs("temperature", 39, "°C", explained_by="infection")
        arthritis = obs("swollen_joint_count", 3, "joints")
        result = visit(fever, arthritis)
        assert result.total == 4  # arthritis 4; fever 1 left out
        found = result.finding("fever")
        assert found.status is EXPLAINED
        assert found.explained_by == ("infection",)
        assert [f.code for f in result.explained] == ["fever"]
        assert "Left out: fever, explained by infection" in result.explain()
        assert "fever" not in result.not_assessed

    @pytest.mark.parametrize(
        ("code", "value", "unit", "descriptor"),
        [
            ("platelet_count", 50_000, "/µL", "thrombocytopenia"),
            ("leukocyte_count", 2_000, "/µL", "leukopenia"),
        ],
    )
    def test_cytopenia_explained_by_drug(
        self, code: str, value: int, unit: str, descriptor: str
    ) -> None:
        result = visit(obs(code, value, unit, explained_by="drug"))
        assert result.finding(descriptor).status is EXPLAINED
        assert result.total == 0

    def test_an_unexplained_occurrence_still_counts(self) -> None:
        explained = obs("temperature", 39, "°C", explained_by="infection", days_before=8)
        unexplained = obs("temperature", Decimal("38.5"), "°C")
        assert status("fever", explained, unexplained) is PRESENT


class TestClinicalVariant:
    """Clinical SLEDAI-2K: SLEDAI-2K without low complement and increased DNA binding
    (the DORIS 2021 activity measure)."""

    OBSERVATIONS = (
        obs("c3", "low"),
        obs("anti_dsdna", "positive"),
        obs("temperature", 39, "°C"),
        obs("urine_protein_24h", 1, "g/24 h"),
    )

    def test_ignores_serology(self) -> None:
        full = visit(*self.OBSERVATIONS)
        # low complement 2 + increased DNA binding 2 + fever 1 + proteinuria 4
        assert full.total == 2 + 2 + 1 + 4
        clinical = visit(*self.OBSERVATIONS, index=CLINICAL_SLEDAI_2K)
        assert clinical.total == 1 + 4  # fever 1 + proteinuria 4
        assert "low_complement" not in clinical.present
        assert "increased_dna_binding" not in clinical.present
        with pytest.raises(UnknownCodeError, match="unknown clinical SLEDAI-2K code"):
            clinical.finding("low_complement")

    def test_serology_not_assessed_does_not_make_it_incomplete(self) -> None:
        absent = [
            obs(f"sledai_2k.{item.code}", "absent")
            for item in DESCRIPTORS
            if item.code not in ("low_complement", "increased_dna_binding")
        ]
        assert not visit(*absent).complete
        assert visit(*absent, index=CLINICAL_SLEDAI_2K).complete


def test_total_is_the_sum_of_derived_descriptors() -> None:
    result = visit(
        obs("swollen_joint_count", 2, "joints"),
        obs("urinary_casts", "red_cell"),
        obs("urine_red_cells", 10, "/hpf"),
        obs("malar_rash", "present", days_before=3),
        obs("c4", 8, "mg/dL", lower_limit=10),
        obs("platelet_count", 80_000, "/µL", days_before=9),
    )
    # arthritis 4 + urinary casts 4 + hematuria 4 + rash 2 + low complement 2
    # + thrombocytopenia 1
    assert result.total == 4 + 4 + 4 + 2 + 2 + 1
    assert result.total == sum(item.weight for item in result.scored)


@given(st.integers(min_value=0, max_value=40), st.sampled_from([10, 30]))
def test_window_membership(days_before: int, window: int) -> None:
    """An observation counts exactly when 0 <= days before the visit <= the window."""
    result = visit(obs("seizure", "present", days_before=days_before), window_days=window)
    assert (result.total == 8) is (days_before <= window)  # seizure 8
