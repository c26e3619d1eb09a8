"""The vocabulary's qualified and unspecified findings, and the ANA screening dilution.

Each new code feeds exactly the items whose published definition it meets; the
wording is quoted in each class's docstring, and each boundary is tested on both
sides (docs/interpretations.md gives the reading).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import ABSENT, DAY, NOT_ASSESSED, PRESENT, later, obs
from sle_scoring import (
    InvalidEvidenceError,
    ItemFinding,
    ItemStatus,
    Observation,
    Patient,
    acr_1997,
    eular_acr_2019,
    slicc_2012,
    vocabulary,
)
from sle_scoring.sledai_2k import score_visit
from sle_scoring.testing.strategies import observations

Derive = Callable[[Iterable[Observation]], tuple[ItemFinding, ...]]


def finding(derive: Derive, item: str, *observations: Observation) -> ItemFinding:
    return {f.code: f for f in derive(observations)}[item]


def status(derive: Derive, item: str, *observations: Observation) -> ItemStatus:
    return finding(derive, item, *observations).status


def sledai(descriptor: str, *observations: Observation) -> ItemStatus:
    return score_visit(Patient("p", observations), DAY).finding(descriptor).status


EULAR = eular_acr_2019.derive
SLICC = slicc_2012.derive
ACR = acr_1997.derive


def hep2(value: str) -> Observation:
    """An ANA result on HEp-2 cells by immunofluorescence, on ``DAY``."""
    return obs("ana", value, assay="hep2_iif")


def dilution(titre: str, date: datetime.date = DAY) -> Observation:
    """The laboratory's ANA screening dilution (its cut-off titre) on ``date``."""
    return obs("ana_screening_dilution", titre, date=date)


class TestHep2PositiveWithoutTitre:
    """2019 EULAR/ACR entry criterion: "ANA at a titer of >= 1:80 on HEp-2 cells or an
    equivalent positive test (ever)". A positive on HEp-2 cells without a titre shows
    a titre of at least the laboratory's screening dilution, no more."""

    @pytest.mark.parametrize(
        ("screen", "expected"),
        [
            ("1:40", NOT_ASSESSED),  # positive at 1:40: 1:40 or more, perhaps < 1:80
            ("1:80", PRESENT),  # the threshold itself: ">= 1:80"
            ("1:160", PRESENT),
        ],
    )
    def test_screening_dilution(self, screen: str, expected: ItemStatus) -> None:
        assert status(EULAR, "ana_positive", hep2("positive"), dilution(screen)) is expected

    def test_without_a_screening_dilution(self) -> None:
        found = finding(EULAR, "ana_positive", hep2("positive"))
        assert found.status is NOT_ASSESSED
        assert found.reason == (
            "not assessed: ANA >= 1:80 or an equivalent positive test; not shown by ana "
            "positive on 2023-10-01 on HEp-2 cells without a titre (a screening dilution of "
            "at least 1:80 for a positive, at most 1:80 for a negative, is needed: "
            "ana_screening_dilution)"
        )

    def test_the_explanation_says_why(self) -> None:
        text = eular_acr_2019.classify_patient(Patient("p", (hep2("positive"),))).explain()
        lines = text.splitlines()
        entry = lines.index("Entry criterion (ANA >= 1:80 on HEp-2 or equivalent): not assessed")
        assert lines[entry + 1].startswith("    not assessed: ANA >= 1:80 or an equivalent ")
        assert "without a titre" in lines[entry + 1]

    def test_the_explanation_of_a_missing_ana_is_unchanged(self) -> None:
        text = eular_acr_2019.classify_patient(Patient("p", (obs("seizure", "present"),))).explain()
        lines = text.splitlines()
        entry = lines.index("Entry criterion (ANA >= 1:80 on HEp-2 or equivalent): not assessed")
        assert not lines[entry + 1].startswith("    ")

    def test_the_reason_names_a_low_screening_dilution(self) -> None:
        found = finding(EULAR, "ana_positive", hep2("positive"), dilution("1:40"))
        assert "on HEp-2 cells at a screening dilution of 1:40" in found.reason

    def test_a_dilution_of_another_date_does_not_apply(self) -> None:
        screen = dilution("1:80", date=later(1))
        assert status(EULAR, "ana_positive", hep2("positive"), screen) is NOT_ASSESSED

    def test_an_earlier_negative_does_not_rule_it_out(self) -> None:
        # "ever": a negative at one time says nothing about the positive at another
        negative = obs("ana", "1:40", date=later(-365))
        assert status(EULAR, "ana_positive", negative, hep2("positive")) is NOT_ASSESSED

    def test_a_titre_elsewhere_still_meets_it(self) -> None:
        titre = obs("ana", "1:320", date=later(30))
        assert status(EULAR, "ana_positive", hep2("positive"), titre) is PRESENT

    @pytest.mark.parametrize(
        ("screen", "expected"),
        [
            ("1:80", ABSENT),  # negative at 1:80: < 1:80
            ("1:160", NOT_ASSESSED),  # negative at 1:160 may still be 1:80
        ],
    )
    def test_negative_at_a_screening_dilution(self, screen: str, expected: ItemStatus) -> None:
        assert status(EULAR, "ana_positive", hep2("negative"), dilution(screen)) is expected

    @pytest.mark.parametrize("derive", [SLICC, ACR])
    def test_slicc_and_acr_take_the_laboratory_call(self, derive: Derive) -> None:
        # SLICC "ANA level above laboratory reference range"; ACR "an abnormal titer"
        assert status(derive, "ana", hep2("positive")) is PRESENT

    def test_the_dilution_alone_assesses_nothing(self) -> None:
        assert status(EULAR, "ana_positive", dilution("1:80")) is NOT_ASSESSED

    def test_refuses_positive_as_a_dilution(self) -> None:
        with pytest.raises(InvalidEvidenceError) as caught:
            dilution("positive")
        assert "must be a titre '1:N' with N a positive whole number (got 'positive')" in str(
            caught.value
        )


class TestLaboratoryCutOffTitre:
    """SLICC 2012: "ANA level above laboratory reference range"; ACR 1997: "an abnormal
    titer of antinuclear antibody". With the laboratory's cut-off titre a titre at or
    above it is above the range; without one, 1:80 is the reading (docs)."""

    @pytest.mark.parametrize("derive", [SLICC, ACR])
    @pytest.mark.parametrize(
        ("titre", "cutoff", "expected"),
        [
            ("1:20", "1:40", ABSENT),  # below the laboratory's cut-off
            ("1:40", "1:40", PRESENT),  # at the cut-off: positive at the laboratory
            ("1:80", "1:160", ABSENT),  # below a cut-off of 1:160
            ("1:160", "1:160", PRESENT),
        ],
    )
    def test_cutoff(self, derive: Derive, titre: str, cutoff: str, expected: ItemStatus) -> None:
        assert status(derive, "ana", obs("ana", titre), dilution(cutoff)) is expected

    @pytest.mark.parametrize("derive", [SLICC, ACR])
    @pytest.mark.parametrize(("titre", "expected"), [("1:40", ABSENT), ("1:80", PRESENT)])
    def test_without_a_cutoff(self, derive: Derive, titre: str, expected: ItemStatus) -> None:
        assert status(derive, "ana", obs("ana", titre)) is expected

    def test_the_eular_threshold_is_fixed(self) -> None:
        # EULAR/ACR names its own titre, >= 1:80, whatever the laboratory's cut-off
        assert status(EULAR, "ana_positive", obs("ana", "1:40"), dilution("1:40")) is ABSENT

    def test_the_description_says_the_cutoff_is_used(self) -> None:
        found = finding(SLICC, "ana", obs("ana", "1:40"), dilution("1:40"))
        assert "the laboratory's cut-off titre" in found.reason


class TestUlcersOfUnstatedSite:
    """SLICC 2012: "Oral ulcers: palate, buccal, tongue OR nasal ulcers"; SLEDAI-2K
    "Mucosal ulcers: oral or nasal ulcerations"; ACR 1997 "Oral ulcers: oral or
    nasopharyngeal ulceration"; 2019 EULAR/ACR "Oral ulcers" (nasal ones are not):
    ulcers of unstated site meet the first three, not EULAR/ACR."""

    ULCERS = obs("oral_or_nasal_ulcers", "present")

    def test_slicc(self) -> None:
        assert status(SLICC, "oral_or_nasal_ulcers", self.ULCERS) is PRESENT

    def test_acr_1997(self) -> None:
        assert status(ACR, "oral_ulcers", self.ULCERS) is PRESENT

    def test_sledai_2k(self) -> None:
        assert sledai("mucosal_ulcers", self.ULCERS) is PRESENT

    def test_not_eular_acr(self) -> None:
        assert status(EULAR, "oral_ulcers", self.ULCERS) is NOT_ASSESSED
        assert "eular_acr_2019.oral_ulcers" not in vocabulary.CONCEPTS["oral_or_nasal_ulcers"].feeds

    @pytest.mark.parametrize(
        ("derive", "item"), [(SLICC, "oral_or_nasal_ulcers"), (ACR, "oral_ulcers")]
    )
    def test_absent(self, derive: Derive, item: str) -> None:
        assert status(derive, item, obs("oral_or_nasal_ulcers", "absent")) is ABSENT

    def test_the_explanation_names_the_unstated_site(self) -> None:
        found = finding(SLICC, "oral_or_nasal_ulcers", self.ULCERS)
        assert found.reason == "oral or nasal ulcers: oral_or_nasal_ulcers present on 2023-10-01"


class TestSerositisWithoutItsFeatures:
    """SLICC 2012 "Serositis: typical pleurisy ... OR pleural effusions OR pleural rub;
    typical pericardial pain ... OR pericardial effusion OR pericardial rub OR
    pericarditis by ECG"; ACR 1997 "Serositis: pleuritis ... or pericarditis": a
    clinician's serositis meets both. 2019 EULAR/ACR (effusion on imaging; >= 2
    features of acute pericarditis) and SLEDAI-2K (pain with rub, effusion or
    thickening) need the features."""

    SEROSITIS = obs("serositis", "present")

    @pytest.mark.parametrize("derive", [SLICC, ACR])
    @pytest.mark.parametrize(("value", "expected"), [("present", PRESENT), ("absent", ABSENT)])
    def test_slicc_and_acr(self, derive: Derive, value: str, expected: ItemStatus) -> None:
        assert status(derive, "serositis", obs("serositis", value)) is expected

    @pytest.mark.parametrize("item", ["pleural_or_pericardial_effusion", "acute_pericarditis"])
    def test_not_eular_acr(self, item: str) -> None:
        assert status(EULAR, item, self.SEROSITIS) is NOT_ASSESSED

    @pytest.mark.parametrize("descriptor", ["pleurisy", "pericarditis"])
    def test_not_sledai_2k(self, descriptor: str) -> None:
        assert sledai(descriptor, self.SEROSITIS) is NOT_ASSESSED


class TestNewOrWorsenedEffusion:
    """2019 EULAR/ACR acute pericarditis: ">= 2 of ... (4) new or worsened pericardial
    effusion on imaging". An effusion recorded known and unchanged on the same date is
    not the fourth feature; it is still an effusion (5 points)."""

    PAIN = obs("pericardial_pain", "present")
    EFFUSION = obs("pericardial_effusion", "present")

    @pytest.mark.parametrize(
        ("qualifier", "expected"),
        [
            (None, PRESENT),  # an effusion is taken as new or worsened
            ("present", PRESENT),  # new or worsened: pain + effusion = 2 features
            ("absent", ABSENT),  # known and unchanged: pain alone, 1 feature
        ],
    )
    def test_acute_pericarditis(self, qualifier: str | None, expected: ItemStatus) -> None:
        qualifiers = (
            [] if qualifier is None else [obs("pericardial_effusion_new_or_worsened", qualifier)]
        )
        others = [obs(code, "absent") for code in ("pericardial_rub", "pericarditis_on_ecg")]
        found = status(EULAR, "acute_pericarditis", self.PAIN, self.EFFUSION, *qualifiers, *others)
        assert found is expected

    def test_an_unchanged_effusion_is_still_an_effusion(self) -> None:
        unchanged = obs("pericardial_effusion_new_or_worsened", "absent")
        found = status(EULAR, "pleural_or_pericardial_effusion", self.EFFUSION, unchanged)
        assert found is PRESENT

    def test_a_qualifier_of_another_date_does_not_apply(self) -> None:
        unchanged = obs("pericardial_effusion_new_or_worsened", "absent", date=later(-60))
        assert status(EULAR, "acute_pericarditis", self.PAIN, self.EFFUSION, unchanged) is PRESENT

    def test_points(self) -> None:
        unchanged = obs("pericardial_effusion_new_or_worsened", "absent")
        others = [obs(code, "absent") for code in ("pericardial_rub", "pericarditis_on_ecg")]
        entry = obs("ana", "1:160")
        result = eular_acr_2019.classify_patient(
            Patient("p", (entry, self.PAIN, self.EFFUSION, unchanged, *others))
        )
        assert result.points == 5  # serosal: pleural or pericardial effusion 5


class TestNewOnset:
    """SLEDAI-2K: "Seizure: recent onset"; "Cranial nerve disorder: new onset of
    sensory or motor neuropathy involving cranial nerves"; "CVA: new onset of
    cerebrovascular accident(s)". A finding recorded as not new on the same date is
    not the descriptor; the classification criteria need no onset."""

    CASES = (
        ("seizure", "seizure", "seizure_recent_onset"),
        ("cranial_nerve_disorder", "cranial_neuropathy", "cranial_neuropathy_new_onset"),
        ("cva", "cerebrovascular_accident", "cerebrovascular_accident_new_onset"),
    )

    @pytest.mark.parametrize(("descriptor", "code", "qualifier"), CASES)
    @pytest.mark.parametrize(
        ("onset", "expected"),
        [(None, PRESENT), ("present", PRESENT), ("absent", ABSENT)],
    )
    def test_descriptor(
        self,
        descriptor: str,
        code: str,
        qualifier: str,
        onset: str | None,
        expected: ItemStatus,
    ) -> None:
        qualifiers = [] if onset is None else [obs(qualifier, onset)]
        assert sledai(descriptor, obs(code, "present"), *qualifiers) is expected

    @pytest.mark.parametrize(("descriptor", "code", "qualifier"), CASES)
    def test_the_qualifier_alone_is_the_new_finding(
        self, descriptor: str, code: str, qualifier: str
    ) -> None:
        assert sledai(descriptor, obs(qualifier, "present")) is PRESENT

    def test_a_long_standing_seizure_disorder_still_counts_for_classification(self) -> None:
        seizure = obs("seizure", "present")
        not_new = obs("seizure_recent_onset", "absent")
        assert status(EULAR, "seizure", seizure, not_new) is PRESENT  # "seizure", no onset
        assert status(SLICC, "neurologic", seizure, not_new) is PRESENT
        assert status(ACR, "neurologic_disorder", seizure, not_new) is PRESENT

    def test_the_explanation_names_the_onset(self) -> None:
        result = score_visit(
            Patient("p", (obs("seizure", "present"), obs("seizure_recent_onset", "absent"))), DAY
        )
        assert "seizure (recent onset)" in result.finding("seizure").reason

    def test_a_qualifier_of_another_date_does_not_apply(self) -> None:
        not_new = obs("seizure_recent_onset", "absent", days_before=3)
        assert sledai("seizure", obs("seizure", "present"), not_new) is PRESENT


QUALIFIERS = (
    "seizure_recent_onset",
    "cranial_neuropathy_new_onset",
    "cerebrovascular_accident_new_onset",
)


class TestQualifierProperties:
    """A qualifier recorded absent ("not new") can only take a finding out; one
    recorded present can only add the finding with its quality."""

    @given(
        st.lists(observations(dates=st.just(DAY), explained=True), max_size=10),
        st.sampled_from(QUALIFIERS),
    )
    @settings(max_examples=60, deadline=None)
    def test_sledai_2k_is_monotone_in_the_qualifier(
        self, drawn: list[Observation], qualifier: str
    ) -> None:
        base = [o for o in drawn if o.code not in QUALIFIERS]

        def total(*extra: Observation) -> int:
            return score_visit(Patient("p", (*base, *extra)), DAY).total

        assert total(obs(qualifier, "absent")) <= total() <= total(obs(qualifier, "present"))

    @given(st.lists(observations(dates=st.just(DAY), explained=True), max_size=10))
    @settings(max_examples=60, deadline=None)
    def test_an_unchanged_effusion_never_adds_eular_points(self, drawn: list[Observation]) -> None:
        base = [o for o in drawn if o.code != "pericardial_effusion_new_or_worsened"]
        unchanged = obs("pericardial_effusion_new_or_worsened", "absent")
        before = eular_acr_2019.classify_patient(Patient("p", tuple(base))).points
        after = eular_acr_2019.classify_patient(Patient("p", (*base, unchanged))).points
        assert after <= before
