"""Tests of the ACR 1997 criteria (Tan et al. 1982, updated by Hochberg 1997), item
and evidence level.

Expected counts are written as sums with one term per criterion. Every threshold is
tested on both sides, with the publication's wording in the test's docstring.
"""

from __future__ import annotations

import datetime
import itertools
import random
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from naive import ACR_1997_CODES, acr_1997_classification
from sle_scoring import (
    InvalidItemsError,
    ItemStatus,
    Observation,
    Patient,
    UnknownCodeError,
    reference_cases,
    slicc_2012,
)
from sle_scoring._derive import EPISODE_DAYS
from sle_scoring.acr_1997 import CRITERIA, Classification, Criterion, classify, classify_patient

DAY = datetime.date(2024, 1, 10)
LATER = datetime.date(2024, 2, 10)
REFERENCE_CASE = ["arthritis", "serositis", "hematologic_disorder", "ana"]


def patient(*observations: Observation) -> Classification:
    """ACR 1997 for a patient with these observations."""
    return classify_patient(Patient("p", observations))


def status(code: str, *observations: Observation) -> ItemStatus:
    """The status of one ACR 1997 criterion derived from these observations."""
    return patient(*observations).finding(code).status


def count(n: int | str, unit: str, code: str, day: datetime.date = DAY) -> Observation:
    return Observation(code, Decimal(n), date=day, unit=unit)


def seen(
    code: str, value: str | Decimal | int = "present", day: datetime.date = DAY, **kwargs: object
) -> Observation:
    return Observation(code, value, date=day, **kwargs)  # type: ignore[arg-type]


class TestTable:
    """The criteria match the publication's list, written out independently in naive.py."""

    def test_codes_in_order(self) -> None:
        assert tuple(item.code for item in CRITERIA) == ACR_1997_CODES

    def test_enum_lists_every_code(self) -> None:
        assert tuple(c.value for c in Criterion) == ACR_1997_CODES

    def test_each_criterion_counts_one(self) -> None:
        assert all(item.weight == 1 for item in CRITERIA)
        assert classify(ACR_1997_CODES).count == 11

    def test_every_criterion_has_definition_and_source(self) -> None:
        for item in CRITERIA:
            assert item.definition
            assert "Tan" in item.source
            assert "Hochberg" in item.source


class TestReferenceCase:
    """Bottazzi et al. 2025: arthritis, serositis, hematologic disorder, ANA: 4 of 11."""

    def test_item_level(self) -> None:
        result = classify(REFERENCE_CASE)
        assert result.count == 1 + 1 + 1 + 1  # arthritis, serositis, hematologic, ANA
        assert result.classified

    def test_evidence_level(self) -> None:
        result = classify_patient(reference_cases.bottazzi_2025())
        assert result.present == frozenset(REFERENCE_CASE)
        assert result.count == 1 + 1 + 1 + 1
        assert result.classified
        assert result.first_fulfilled == reference_cases.BOTTAZZI_2025_PRESENTATION
        # anti-dsDNA, anti-Sm, lupus anticoagulant and anticardiolipin all negative
        assert result.finding("immunologic_disorder").status is ItemStatus.ABSENT
        assert result.verdict == (
            "classified as SLE (ACR 1997, 4 of 11 criteria); criteria first fulfilled on 2023-10-01"
        )


class TestRule:
    """Published: "4 or more of the 11 criteria are present, serially or simultaneously"."""

    def test_three_not_classified(self) -> None:
        result = classify(["arthritis", "serositis", "ana"])
        assert result.count == 1 + 1 + 1
        assert result.verdict == "not classified (3 of 11 criteria < 4)"

    def test_four_classified(self) -> None:
        assert classify(
            ["malar_rash", "discoid_rash", "photosensitivity", "oral_ulcers"]
        ).classified

    def test_serially(self) -> None:
        days = [datetime.date(2020 + n, 6, 1) for n in range(4)]
        result = patient(
            seen("malar_rash", day=days[0]),
            seen("oral_ulcers", day=days[1]),
            seen("seizure", day=days[2]),
            seen("ana", "1:320", day=days[3]),
        )
        assert result.classified
        assert result.first_fulfilled == days[3]

    def test_not_assessed_could_classify(self) -> None:
        result = classify(["arthritis", "serositis"], not_assessed=["ana", "renal_disorder"])
        assert result.max_possible_count == 2 + 2
        assert result.could_change_verdict
        assert result.verdict == (
            "not classified (2 of 11 criteria < 4); up to 2 criteria not assessed could change this"
        )

    def test_not_assessed_that_cannot_change(self) -> None:
        result = classify(["arthritis"], not_assessed=["ana"])
        assert not result.could_change_verdict


class TestHematologicDisorder:
    """Published: "Leukopenia - less than 4,000/mm³ total on 2 or more occasions; lymphopenia - less
    than 1,500/mm³ on 2 or more occasions; thrombocytopenia - less than 100,000/mm³"."""

    def test_one_low_white_count_is_not_enough(self) -> None:
        result = status("hematologic_disorder", count(3000, "/µL", "leukocyte_count"))
        assert result is ItemStatus.ABSENT

    @pytest.mark.parametrize(
        ("n", "expected"), [(3999, ItemStatus.PRESENT), (4000, ItemStatus.ABSENT)]
    )
    def test_leukopenia_on_two_occasions(self, n: int, expected: ItemStatus) -> None:
        first = count(n, "/µL", "leukocyte_count", DAY)
        second = count(n, "/µL", "leukocyte_count", LATER)
        assert status("hematologic_disorder", first, second) is expected

    def test_two_counts_on_the_same_day_are_one_occasion(self) -> None:
        first = count(3000, "/µL", "leukocyte_count", DAY)
        second = count(3500, "/µL", "leukocyte_count", DAY)
        assert status("hematologic_disorder", first, second) is ItemStatus.ABSENT

    def test_dated_by_the_second_occasion(self) -> None:
        result = patient(
            count(3000, "/µL", "leukocyte_count", DAY),
            count(3000, "/µL", "leukocyte_count", LATER),
        )
        assert result.finding("hematologic_disorder").date == LATER

    @pytest.mark.parametrize(
        ("n", "expected"), [(1499, ItemStatus.PRESENT), (1500, ItemStatus.ABSENT)]
    )
    def test_lymphopenia_on_two_occasions(self, n: int, expected: ItemStatus) -> None:
        first = count(n, "/µL", "lymphocyte_count", DAY)
        second = count(n, "/µL", "lymphocyte_count", LATER)
        assert status("hematologic_disorder", first, second) is expected

    def test_lymphopenia_once_counts_for_slicc_not_acr(self) -> None:
        low = count(900, "/µL", "lymphocyte_count")
        assert status("hematologic_disorder", low) is ItemStatus.ABSENT
        slicc = slicc_2012.classify_patient(Patient("p", (low,)))
        assert slicc.finding("leukopenia_or_lymphopenia").status is ItemStatus.PRESENT

    @pytest.mark.parametrize(
        ("n", "expected"), [(99_999, ItemStatus.PRESENT), (100_000, ItemStatus.ABSENT)]
    )
    def test_thrombocytopenia_once(self, n: int, expected: ItemStatus) -> None:
        assert status("hematologic_disorder", count(n, "/µL", "platelet_count")) is expected

    def test_thrombocytopenia_with_offending_drug_left_out(self) -> None:
        result = patient(
            Observation("platelet_count", 20_000, date=DAY, unit="/µL", explained_by="drug")
        )
        assert result.finding("hematologic_disorder").status is ItemStatus.EXPLAINED
        assert "Left out: hematologic_disorder, explained by drug" in result.explain()

    def test_hemolytic_anemia_needs_reticulocytosis(self) -> None:
        anaemia = seen("hemolytic_anemia")
        assert status("hematologic_disorder", anaemia, seen("reticulocytosis")) is (
            ItemStatus.PRESENT
        )
        assert status("hematologic_disorder", anaemia, seen("reticulocytosis", "absent")) is (
            ItemStatus.ABSENT
        )

    @pytest.mark.parametrize(
        ("days_apart", "expected"),
        [
            (EPISODE_DAYS, ItemStatus.PRESENT),  # within one episode
            # in different episodes: in each one the other feature was never recorded
            (EPISODE_DAYS + 1, ItemStatus.NOT_ASSESSED),
        ],
    )
    @pytest.mark.parametrize("first", ["hemolytic_anemia", "reticulocytosis"])
    def test_hemolytic_anemia_and_reticulocytosis_in_one_episode(
        self, first: str, days_apart: int, expected: ItemStatus
    ) -> None:
        """ "Hemolytic anemia - with reticulocytosis": the two together, within one
        episode (EPISODE_DAYS, the library's reading; docs/interpretations.md)."""
        second = "reticulocytosis" if first == "hemolytic_anemia" else "hemolytic_anemia"
        apart = DAY + datetime.timedelta(days=days_apart)
        assert status("hematologic_disorder", seen(first), seen(second, day=apart)) is expected

    def test_counts_once(self) -> None:
        result = patient(
            count(3000, "/µL", "leukocyte_count", DAY),
            count(3000, "/µL", "leukocyte_count", LATER),
            count(50_000, "/µL", "platelet_count"),
        )
        assert result.count == 1


class TestRenalDisorder:
    """Published: "Persistent proteinuria greater than 0.5 grams per day or greater than 3+ if
    quantitation not performed; or cellular casts"."""

    @pytest.mark.parametrize(
        ("grams", "expected"), [("0.51", ItemStatus.PRESENT), ("0.5", ItemStatus.ABSENT)]
    )
    def test_proteinuria_above_half_a_gram(self, grams: str, expected: ItemStatus) -> None:
        assert status("renal_disorder", count(grams, "g/day", "urine_protein_24h")) is expected

    @pytest.mark.parametrize(
        ("ratio", "unit", "expected"),
        [
            ("0.5", "g/g", ItemStatus.ABSENT),  # equal to 0.5 g/day: not "greater than"
            ("0.51", "g/g", ItemStatus.PRESENT),
            (500, "mg/g", ItemStatus.ABSENT),  # 500 mg/g = 0.5 g/g
            (501, "mg/g", ItemStatus.PRESENT),
            (50, "mg/mmol", ItemStatus.ABSENT),  # the conventional equivalent of 0.5 g/day
            (51, "mg/mmol", ItemStatus.PRESENT),
        ],
    )
    def test_spot_ratio_above_its_24_hour_equivalent(
        self, ratio: int | str, unit: str, expected: ItemStatus
    ) -> None:
        """A spot protein/creatinine ratio is read as its conventional 24-hour
        equivalent (docs/acr-1997.md): "greater than 0.5 grams per day" is > 0.5 g/g,
        > 500 mg/g or > 50 mg/mmol."""
        observation = count(ratio, unit, "urine_protein_creatinine_ratio")
        assert status("renal_disorder", observation) is expected

    @pytest.mark.parametrize(
        ("reading", "expected"), [("4+", ItemStatus.PRESENT), ("3+", ItemStatus.ABSENT)]
    )
    def test_dipstick_above_3_plus(self, reading: str, expected: ItemStatus) -> None:
        assert status("renal_disorder", seen("urine_protein_dipstick", reading)) is expected

    @pytest.mark.parametrize(
        ("cast", "expected"),
        [
            ("red_cell", ItemStatus.PRESENT),
            ("heme_granular", ItemStatus.PRESENT),
            ("granular", ItemStatus.PRESENT),
            ("tubular", ItemStatus.PRESENT),
            ("mixed", ItemStatus.PRESENT),
            ("hyaline", ItemStatus.ABSENT),
        ],
    )
    def test_cellular_casts(self, cast: str, expected: ItemStatus) -> None:
        assert status("renal_disorder", seen("urinary_casts", cast)) is expected


class TestArthritis:
    """Published: "Nonerosive arthritis involving 2 or more peripheral joints, characterized
    by tenderness, swelling, or effusion". Tenderness alone suffices (no morning stiffness,
    unlike SLICC 2012 and EULAR/ACR 2019)."""

    @pytest.mark.parametrize("code", ["swollen_joint_count", "tender_joint_count"])
    @pytest.mark.parametrize(
        ("joints", "expected"), [(1, ItemStatus.ABSENT), (2, ItemStatus.PRESENT)]
    )
    def test_two_or_more_joints(self, code: str, joints: int, expected: ItemStatus) -> None:
        assert status("arthritis", count(joints, "joints", code)) is expected


class TestOtherCriteria:
    def test_pericardial_pain_alone_is_not_serositis(self) -> None:
        assert status("serositis", seen("pericardial_pain")) is ItemStatus.NOT_ASSESSED
        assert status("serositis", seen("pleural_rub")) is ItemStatus.PRESENT

    def test_neurologic_is_seizure_or_psychosis_only(self) -> None:
        assert status("neurologic_disorder", seen("psychosis")) is ItemStatus.PRESENT
        assert status("neurologic_disorder", seen("myelitis")) is ItemStatus.NOT_ASSESSED

    def test_photosensitivity_and_nasopharyngeal_ulcers(self) -> None:
        assert status("photosensitivity", seen("photosensitivity")) is ItemStatus.PRESENT
        assert status("oral_ulcers", seen("nasal_ulcers")) is ItemStatus.PRESENT

    @pytest.mark.parametrize(
        ("titre", "expected"), [("1:80", ItemStatus.PRESENT), ("1:40", ItemStatus.ABSENT)]
    )
    def test_ana_abnormal_titre(self, titre: str, expected: ItemStatus) -> None:
        assert status("ana", seen("ana", titre)) is expected

    def test_ana_with_drug_left_out(self) -> None:
        observation = seen("ana", "1:640", explained_by="drug")
        assert status("ana", observation) is ItemStatus.EXPLAINED


class TestImmunologicDisorder:
    """Published: "anti-DNA antibody to native DNA in abnormal titer; anti-Sm; or antiphospholipid
    antibodies: IgG or IgM anticardiolipin, lupus anticoagulant, or a false-positive
    syphilis test known to be positive for at least 6 months"."""

    @pytest.mark.parametrize(
        ("level", "expected"), [("1.01", ItemStatus.PRESENT), ("1.0", ItemStatus.ABSENT)]
    )
    def test_anti_dsdna_above_upper_limit_any_assay(self, level: str, expected: ItemStatus) -> None:
        observation = seen(
            "anti_dsdna", Decimal(level), unit="IU/mL", upper_limit=Decimal(1), assay="elisa"
        )
        assert status("immunologic_disorder", observation) is expected

    @pytest.mark.parametrize(
        ("isotype", "expected"),
        [
            ("IgG", ItemStatus.PRESENT),
            ("IgM", ItemStatus.PRESENT),
            ("IgA", ItemStatus.NOT_ASSESSED),
        ],
    )
    def test_anticardiolipin_igg_or_igm_only(self, isotype: str, expected: ItemStatus) -> None:
        observation = seen(
            "anticardiolipin", Decimal(25), unit="GPL", upper_limit=Decimal(20), isotype=isotype
        )
        assert status("immunologic_disorder", observation) is expected

    @pytest.mark.parametrize(
        ("level", "expected"), [(20, ItemStatus.ABSENT), (21, ItemStatus.PRESENT)]
    )
    def test_anticardiolipin_above_the_laboratory_limit(
        self, level: int, expected: ItemStatus
    ) -> None:
        """ "an abnormal serum level": above the laboratory's upper limit (20 GPL here);
        at the limit is normal."""
        observation = seen(
            "anticardiolipin", Decimal(level), unit="GPL", upper_limit=Decimal(20), isotype="IgG"
        )
        assert status("immunologic_disorder", observation) is expected

    @pytest.mark.parametrize(("unit", "isotype"), [("GPL", "IgG"), ("MPL", "IgM")])
    @pytest.mark.parametrize(
        ("level", "expected"), [(40, ItemStatus.ABSENT), (41, ItemStatus.PRESENT)]
    )
    def test_anticardiolipin_without_a_laboratory_limit_above_40_units(
        self, unit: str, isotype: str, level: int, expected: ItemStatus
    ) -> None:
        """Without the laboratory's limit, "abnormal" is read as the 2019 criteria's
        medium titre, > 40 GPL/MPL units (docs/acr-1997.md): 40 is not, 41 is."""
        observation = seen("anticardiolipin", Decimal(level), unit=unit, isotype=isotype)
        assert status("immunologic_disorder", observation) is expected

    def test_the_laboratory_limit_decides_over_the_40_unit_fallback(self) -> None:
        # 45 GPL is > 40 units, but not above this laboratory's upper limit of 50 GPL
        observation = seen(
            "anticardiolipin", Decimal(45), unit="GPL", upper_limit=Decimal(50), isotype="IgG"
        )
        assert status("immunologic_disorder", observation) is ItemStatus.ABSENT

    @pytest.mark.parametrize(
        ("call", "expected"), [("negative", ItemStatus.ABSENT), ("low", ItemStatus.PRESENT)]
    )
    def test_anticardiolipin_laboratory_call(self, call: str, expected: ItemStatus) -> None:
        """Any abnormal call counts, a low titre included (the 1997 wording asks for an
        "abnormal serum level", not the medium or high titre of SLICC and EULAR/ACR)."""
        observation = seen("anticardiolipin", call, isotype="IgM")
        assert status("immunologic_disorder", observation) is expected

    @pytest.mark.parametrize(
        ("second", "expected"),
        [
            (datetime.date(2024, 7, 10), ItemStatus.PRESENT),  # 6 months later
            (datetime.date(2024, 7, 9), ItemStatus.ABSENT),  # one day short
        ],
    )
    def test_false_positive_syphilis_test_for_six_months(
        self, second: datetime.date, expected: ItemStatus
    ) -> None:
        first = seen("false_positive_syphilis_test", "positive", day=DAY)
        again = seen("false_positive_syphilis_test", "positive", day=second)
        assert status("immunologic_disorder", first, again) is expected

    def test_anti_beta2gp1_is_not_an_acr_1997_criterion(self) -> None:
        observation = seen("anti_beta2gp1", "positive", isotype="IgG")
        assert status("immunologic_disorder", observation) is ItemStatus.NOT_ASSESSED

    def test_clinician_assertion(self) -> None:
        assert status("immunologic_disorder", seen("acr_1997.immunologic_disorder")) is (
            ItemStatus.PRESENT
        )


class TestErrors:
    def test_unknown_code_suggests(self) -> None:
        with pytest.raises(UnknownCodeError, match="did you mean 'arthritis'"):
            classify(["arthritis_"])

    def test_slicc_code_is_not_acr(self) -> None:
        with pytest.raises(UnknownCodeError, match="unknown ACR 1997 code 'synovitis'"):
            classify(["synovitis"])

    def test_bare_string(self) -> None:
        with pytest.raises(InvalidItemsError, match="wrap it in a list"):
            classify("ana")


# --- Properties ---------------------------------------------------------------------

items = st.lists(st.sampled_from(ACR_1997_CODES))


@given(items)
def test_agrees_with_naive(codes: list[str]) -> None:
    result = classify(codes)
    assert (result.count, result.classified) == acr_1997_classification(codes)
    assert 0 <= result.count <= 11


@given(items, st.sampled_from(ACR_1997_CODES))
def test_adding_a_criterion_never_unclassifies(codes: list[str], extra: str) -> None:
    before = classify(codes)
    after = classify([*codes, extra])
    assert after.count >= before.count
    assert after.classified or not before.classified


@given(items, st.randoms())
def test_order_independent(codes: list[str], rng: random.Random) -> None:
    shuffled = list(codes)
    rng.shuffle(shuffled)
    assert classify(codes) == classify(shuffled)


@given(
    st.sets(st.sampled_from(ACR_1997_CODES)), st.sets(st.sampled_from(ACR_1997_CODES), max_size=5)
)
def test_could_change_verdict_is_exact(codes: set[str], missing: set[str]) -> None:
    present = codes - missing
    result = classify(present, not_assessed=missing)
    verdicts = {
        classify(present | set(subset)).classified
        for size in range(len(missing) + 1)
        for subset in itertools.combinations(sorted(missing), size)
    }
    assert result.could_change_verdict == (len(verdicts) > 1)
