"""A completed SLEDAI-2K form (``sledai_2k_form_completed``) at the evidence level.

The SLEDAI-2K form (Gladman et al. 2002) lists the 24 descriptors with the
instruction "check box: if descriptor is present at the time of visit or in the
preceding 10 days": on a completed form a box left unticked is a descriptor
assessed and absent. The library's reading (docs/interpretations.md): ``clinical``
makes absent the 16 descriptors assessed by history and examination; the 8 whose
definition is a laboratory result need their results, or ``all`` (the form was
completed with the window's results in hand).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import ABSENT, DAY, EXPLAINED, PRESENT, later, obs
from sle_scoring import Observation, Patient, doris_remission, lldas, sdi, sri, vocabulary
from sle_scoring.lldas import State
from sle_scoring.sledai_2k import CLINICAL_SLEDAI_2K, DESCRIPTORS, Score, score_visit
from sle_scoring.testing.strategies import observations

VISIT = DAY
FORM = "sledai_2k_form_completed"

#: The descriptors whose definition is a laboratory result.
LABORATORY = {
    "urinary_casts",  # "heme-granular or red blood cell casts"
    "hematuria",  # "> 5 red blood cells/high power field"
    "proteinuria",  # "> 0.5 gram/24 hours"
    "pyuria",  # "> 5 white blood cells/high power field"
    "low_complement",  # "decrease in CH50, C3, or C4 below the lower limit of normal"
    "increased_dna_binding",  # "increased DNA binding above normal range"
    "thrombocytopenia",  # "< 100,000 platelets/mm³"
    "leukopenia",  # "< 3,000 white blood cells/mm³"
}
CLINICAL = {item.code for item in DESCRIPTORS} - LABORATORY


def labs(day: datetime.date = VISIT) -> list[Observation]:
    """A laboratory record covering every laboratory descriptor, all normal."""
    return [
        obs("platelet_count", 250, "10^9/L", date=day),
        obs("leukocyte_count", Decimal("6.1"), "10^9/L", date=day),
        obs("urine_red_cells", 2, "/hpf", date=day),
        obs("urine_white_cells", 1, "/hpf", date=day),
        obs("urinary_casts", "none", date=day),
        obs("urine_protein_24h", Decimal("0.2"), "g/24 h", date=day),
        obs("c3", Decimal("1.1"), "g/L", lower_limit=Decimal("0.9"), date=day),
        obs("c4", Decimal("0.2"), "g/L", lower_limit=Decimal("0.1"), date=day),
        obs("anti_dsdna", 5, "IU/mL", upper_limit=27, date=day),
    ]


def visit(*observations: Observation, **options: object) -> Score:
    return score_visit(Patient("p", observations), VISIT, **options)  # type: ignore[arg-type]


class TestTheVocabulary:
    """The form statement feeds every SLEDAI-2K descriptor, in the form's order."""

    def test_feeds_every_descriptor(self) -> None:
        entry = vocabulary.CONCEPTS[FORM]
        assert entry.feeds == tuple(f"sledai_2k.{item.code}" for item in DESCRIPTORS)
        assert entry.values == ("clinical", "all")

    def test_other_values_are_refused(self) -> None:
        with pytest.raises(ValueError, match="must be one of clinical, all"):
            obs(FORM, "present")


class TestClinicalForm:
    """ "Check box: if descriptor is present at the time of visit or in the preceding
    10 days": unticked clinical boxes are absent; laboratory boxes need results."""

    def test_lab_only_record_with_the_form_is_complete(self) -> None:
        result = visit(*labs(), obs(FORM, "clinical"))
        assert result.complete
        assert result.total == 0  # every descriptor absent
        assert result.not_assessed == frozenset()

    def test_lab_only_record_without_the_form_is_incomplete(self) -> None:
        result = visit(*labs())
        assert result.not_assessed == CLINICAL

    def test_the_form_alone_leaves_the_laboratory_descriptors_not_assessed(self) -> None:
        result = visit(obs(FORM, "clinical"))
        assert result.not_assessed == LABORATORY
        for code in CLINICAL:
            assert result.finding(code).status is ABSENT

    def test_the_absence_names_the_form(self) -> None:
        found = visit(obs(FORM, "clinical")).finding("seizure")
        assert found.reason == (
            "assessed, not met: seizure (not recorded present on the completed form): "
            "sledai_2k_form_completed clinical on 2023-10-01"
        )
        assert found.evidence == (obs(FORM, "clinical"),)

    def test_the_explanation_lists_the_absences_from_the_form(self) -> None:
        text = visit(*labs(), obs(FORM, "clinical"), obs("malar_rash", "present")).explain()
        clinical = [item.code for item in DESCRIPTORS if item.code in CLINICAL - {"rash"}]
        line = (
            "Absent by the completed SLEDAI-2K form of 2023-10-01 (not recorded present): "
            + ", ".join(clinical)
        )
        assert line in text.splitlines()

    def test_an_absence_shown_by_its_own_evidence_keeps_its_reason(self) -> None:
        found = visit(obs("seizure", "absent"), obs(FORM, "clinical")).finding("seizure")
        assert found.reason == "assessed, not met: seizure: seizure absent on 2023-10-01"

    def test_recorded_findings_still_count(self) -> None:
        result = visit(
            *labs(),
            obs(FORM, "clinical"),
            obs("swollen_joint_count", 3, "joints"),
            obs("malar_rash", "present"),
        )
        assert result.complete
        assert result.total == 4 + 2  # arthritis 4 + rash 2

    def test_a_laboratory_result_meeting_the_definition_counts(self) -> None:
        low_c3 = obs("c3", Decimal("0.5"), "g/L", lower_limit=Decimal("0.9"))
        result = visit(*labs()[:6], low_c3, obs(FORM, "clinical"))
        assert result.finding("low_complement").status is PRESENT
        assert result.not_assessed == {"increased_dna_binding"}  # no anti-dsDNA in the window
        assert result.total == 2  # low complement 2

    def test_an_explained_finding_stays_explained(self) -> None:
        fever = obs("temperature", Decimal("38.5"), "°C", explained_by="infection")
        assert visit(fever, obs(FORM, "clinical")).finding("fever").status is EXPLAINED

    def test_a_clinician_assertion_present_outweighs_the_form(self) -> None:
        result = visit(obs(FORM, "clinical"), obs("sledai_2k.vasculitis", "present"))
        assert result.finding("vasculitis").status is PRESENT
        assert result.total == 8  # vasculitis 8

    def test_a_form_outside_the_window_says_nothing(self) -> None:
        result = visit(*labs(), obs(FORM, "clinical", days_before=11))
        assert result.not_assessed == CLINICAL

    def test_a_form_at_the_edge_of_the_window_counts(self) -> None:
        result = visit(*labs(), obs(FORM, "clinical", days_before=10))
        assert result.complete


class TestFormWithResults:
    """``all``: the form was completed with the window's results in hand, so its
    unticked laboratory boxes are absent too."""

    def test_all_makes_every_descriptor_assessed(self) -> None:
        result = visit(obs(FORM, "all"))
        assert result.complete
        assert result.total == 0

    def test_a_result_meeting_the_definition_still_counts(self) -> None:
        result = visit(obs(FORM, "all"), obs("platelet_count", 90, "10^9/L"))
        assert result.finding("thrombocytopenia").status is PRESENT
        assert result.total == 1  # thrombocytopenia 1


class TestClinicalVariant:
    """Clinical SLEDAI-2K scores the same table without the serological descriptors:
    the same form completes it."""

    def test_lab_only_record_with_the_form_is_complete(self) -> None:
        result = visit(*labs(), obs(FORM, "clinical"), index=CLINICAL_SLEDAI_2K)
        assert result.complete
        assert result.total == 0

    def test_serology_is_not_needed(self) -> None:
        without_serology = labs()[:6]  # no complement, no anti-dsDNA
        result = visit(*without_serology, obs(FORM, "clinical"), index=CLINICAL_SLEDAI_2K)
        assert result.complete


def outcome_inputs(day: datetime.date) -> list[Observation]:
    """PGA, glucocorticoid and treatment status at a visit, each meeting LLDAS/DORIS."""
    return [
        obs("physician_global_assessment", Decimal("0.4"), "0-3", date=day),  # DORIS < 0.5
        obs("prednisone_dose", 5, "mg/day", date=day),
        obs("maintenance_treatment_standard", "present", date=day),
        obs("investigational_drug", "absent", date=day),
        obs("immunosuppressive_treatment_stable", "present", date=day),
        obs("hemolytic_anemia", "absent", date=day),
        obs("gastrointestinal_activity", "absent", date=day),
    ]


PREVIOUS = later(-90)
MET = State.MET
UNDETERMINED = State.UNDETERMINED


def record(*, forms: bool) -> Patient:
    """Two visits of laboratory results and outcome inputs, with or without forms."""
    observations = [*labs(PREVIOUS), *labs(VISIT), *outcome_inputs(PREVIOUS)]
    observations += outcome_inputs(VISIT)
    if forms:
        observations += [obs(FORM, "clinical", date=PREVIOUS), obs(FORM, "clinical")]
    return Patient("p", tuple(observations))


class TestOutcomesBecomeDeterminable:
    """LLDAS, DORIS 2021 remission and the SRI need a complete enough SLEDAI-2K: from
    laboratory data with the forms they are determined; without them they are not."""

    def test_lldas(self) -> None:
        assert lldas.assess_visit(record(forms=True), VISIT, previous_visit=PREVIOUS).state is MET
        without = lldas.assess_visit(record(forms=False), VISIT, previous_visit=PREVIOUS)
        assert without.state is UNDETERMINED

    def test_doris_remission(self) -> None:
        assert doris_remission.assess_visit(record(forms=True), VISIT).state is MET
        assert doris_remission.assess_visit(record(forms=False), VISIT).state is UNDETERMINED

    def test_sri(self) -> None:
        active = [obs("urine_protein_24h", 2, "g/24 h", date=PREVIOUS)]  # proteinuria 4
        active += [obs("malar_rash", "present", date=PREVIOUS)]  # rash 2
        patient = Patient("p", (*record(forms=True).observations, *active))
        # SLEDAI-2K 4 + 2 = 6 at baseline, 0 at follow-up: a reduction of 6 >= 4
        response = sri.assess_visits(patient, PREVIOUS, VISIT)
        assert response.state is MET
        undetermined = Patient("p", (*record(forms=False).observations, *active))
        assert sri.assess_visits(undetermined, PREVIOUS, VISIT).state is UNDETERMINED


SDI_FORM = "sdi_form_completed"
#: The two SDI items that are laboratory measurements.
SDI_LABORATORY = {
    "gfr_below_50_percent",  # "estimated or measured glomerular filtration rate < 50%"
    "proteinuria_at_least_3_5_g",  # "proteinuria >= 3.5 gm/24 hours"
}


def damage(*observations: Observation, as_of: datetime.date = VISIT) -> sdi.DamageScore:
    return sdi.score_patient(Patient("p", observations), as_of=as_of, lupus_onset=later(-3650))


class TestSdiForm:
    """The SDI is "ascertained by clinical assessment" on the published form of 41
    items: an item not recorded present on a completed form is absent; the two renal
    measurements need their results, or ``all``."""

    def test_feeds_every_item(self) -> None:
        entry = vocabulary.CONCEPTS[SDI_FORM]
        assert entry.feeds == tuple(f"sdi.{item.code}" for item in sdi.ITEMS)

    def test_clinical_form_leaves_the_renal_measurements(self) -> None:
        result = damage(obs(SDI_FORM, "clinical"))
        assert result.not_assessed == SDI_LABORATORY
        assert result.total == 0

    def test_with_the_renal_measurements_recorded_it_is_complete(self) -> None:
        renal = [obs(f"sdi.{code}", "absent") for code in sorted(SDI_LABORATORY)]
        result = damage(obs(SDI_FORM, "clinical"), *renal)
        assert result.complete
        assert result.total == 0

    def test_all_makes_every_item_assessed(self) -> None:
        assert damage(obs(SDI_FORM, "all")).complete

    def test_recorded_damage_still_counts(self) -> None:
        cataract = obs("sdi.any_cataract", "present", date=later(-30))
        result = damage(cataract, obs(SDI_FORM, "all"))
        assert result.total == 1  # any cataract ever 1
        assert result.complete

    def test_the_reason_and_the_explanation_name_the_form(self) -> None:
        result = damage(obs(SDI_FORM, "all"))
        found = result.finding("diabetes")
        assert found.status is ABSENT
        assert found.reason == "not recorded present on the completed SDI form of 2023-10-01"
        line = (
            "Absent by the completed SDI form of 2023-10-01 (not recorded present): "
            + ", ".join(item.code for item in sdi.ITEMS)
        )
        assert line in result.explain().splitlines()

    def test_a_form_after_the_date_scored_says_nothing(self) -> None:
        result = damage(obs(SDI_FORM, "all", date=later(1)))
        assert result.not_assessed == {item.code for item in sdi.ITEMS}

    def test_without_a_form_nothing_is_assessed(self) -> None:
        assert damage().not_assessed == {item.code for item in sdi.ITEMS}


class TestFormProperties:
    """A completed form only turns "not assessed" into "absent": it never adds or
    removes a descriptor present, so it never changes the total."""

    @given(
        st.lists(
            observations(dates=st.dates(later(-10), VISIT), explained=True, item_assertions=True),
            max_size=12,
        ),
        st.sampled_from(("clinical", "all")),
    )
    @settings(max_examples=60, deadline=None)
    def test_the_form_only_fills_in_absences(self, drawn: list[Observation], value: str) -> None:
        without = [o for o in drawn if o.code != FORM]
        before = visit(*without)
        after = visit(*without, obs(FORM, value))
        assert after.total == before.total
        assert after.present == before.present
        assert after.not_assessed <= before.not_assessed
        if value == "all":
            assert after.complete
        else:
            assert after.not_assessed <= LABORATORY
