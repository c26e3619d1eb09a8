"""Tests of the SLICC/ACR Damage Index (Gladman et al. 1996), item level and evidence level.

The item table below is written out from the spec's item list, independently of the
module's table; expected totals are sums of published points, one comment per term.
"""

from __future__ import annotations

import datetime
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sle_scoring import InvalidEvidenceError, InvalidItemsError, ItemStatus, UnknownCodeError
from sle_scoring.evidence import Observation, Patient
from sle_scoring.sdi import (
    ITEMS,
    MAX_SCORE,
    SECTION_MAXIMA,
    SECTIONS,
    DamageCode,
    Timing,
    score,
    score_patient,
    six_months_after,
    timeline,
)

D = datetime.date

# code: (section, points when present, "ever" item, "2 if more than one")
TABLE: dict[str, tuple[str, int, bool, bool]] = {
    "any_cataract": ("ocular", 1, True, False),
    "retinal_change_or_optic_atrophy": ("ocular", 1, False, False),
    "cognitive_impairment_or_major_psychosis": ("neuropsychiatric", 1, False, False),
    "seizures_requiring_therapy": ("neuropsychiatric", 1, False, False),
    "cerebrovascular_accident": ("neuropsychiatric", 1, True, True),
    "cranial_or_peripheral_neuropathy": ("neuropsychiatric", 1, False, False),
    "transverse_myelitis": ("neuropsychiatric", 1, False, False),
    "gfr_below_50_percent": ("renal", 1, False, False),
    "proteinuria_at_least_3_5_g": ("renal", 1, False, False),
    "end_stage_renal_disease": ("renal", 3, False, False),
    "pulmonary_hypertension": ("pulmonary", 1, False, False),
    "pulmonary_fibrosis": ("pulmonary", 1, False, False),
    "shrinking_lung": ("pulmonary", 1, False, False),
    "pleural_fibrosis": ("pulmonary", 1, False, False),
    "pulmonary_infarction": ("pulmonary", 1, False, False),
    "angina_or_coronary_artery_bypass": ("cardiovascular", 1, False, False),
    "myocardial_infarction": ("cardiovascular", 1, True, True),
    "cardiomyopathy": ("cardiovascular", 1, False, False),
    "valvular_disease": ("cardiovascular", 1, False, False),
    "pericarditis_or_pericardiectomy": ("cardiovascular", 1, False, False),
    "claudication": ("peripheral vascular", 1, False, False),
    "minor_tissue_loss": ("peripheral vascular", 1, False, False),
    "significant_tissue_loss": ("peripheral vascular", 1, True, True),
    "venous_thrombosis": ("peripheral vascular", 1, False, False),
    "gi_infarction_or_resection": ("gastrointestinal", 1, True, True),
    "mesenteric_insufficiency": ("gastrointestinal", 1, False, False),
    "chronic_peritonitis": ("gastrointestinal", 1, False, False),
    "stricture_or_upper_gi_surgery": ("gastrointestinal", 1, True, False),
    "pancreatic_insufficiency": ("gastrointestinal", 1, False, False),
    "muscle_atrophy_or_weakness": ("musculoskeletal", 1, False, False),
    "deforming_or_erosive_arthritis": ("musculoskeletal", 1, False, False),
    "osteoporosis_with_fracture": ("musculoskeletal", 1, False, False),
    "avascular_necrosis": ("musculoskeletal", 1, False, True),
    "osteomyelitis": ("musculoskeletal", 1, False, False),
    "tendon_rupture": ("musculoskeletal", 1, False, False),
    "scarring_chronic_alopecia": ("skin", 1, False, False),
    "extensive_scarring_or_panniculum": ("skin", 1, False, False),
    "skin_ulceration": ("skin", 1, False, False),
    "premature_gonadal_failure": ("gonadal", 1, False, False),
    "diabetes": ("diabetes", 1, False, False),
    "malignancy": ("malignancy", 1, False, True),
}

MAXIMA = {
    "ocular": 2,
    "neuropsychiatric": 6,
    "renal": 3,
    "pulmonary": 5,
    "cardiovascular": 6,
    "peripheral vascular": 5,
    "gastrointestinal": 6,
    "musculoskeletal": 7,
    "skin": 3,
    "gonadal": 1,
    "diabetes": 1,
    "malignancy": 2,
}

EVER = [code for code, row in TABLE.items() if row[2]]
PERSISTENT = [code for code, row in TABLE.items() if not row[2] and code != "skin_ulceration"]
REPEATABLE = [code for code, row in TABLE.items() if row[3]]

ONSET = D(2020, 1, 15)
ONE_DAY_SHORT = D(2020, 7, 14)  # 6 calendar months after 2020-01-15 is 2020-07-15
SIX_MONTHS = D(2020, 7, 15)
LUPUS_ONSET = D(2019, 6, 1)


def event(code: str, day: datetime.date, value: str = "present", **kwargs: str) -> Observation:
    return Observation(f"sdi.{code}", value, day, **kwargs)


def patient(*observations: Observation) -> Patient:
    return Patient("p1", observations)


class TestTable:
    def test_codes_sections_and_points(self) -> None:
        assert {
            item.code: (item.section, item.points, item.ever, item.repeatable) for item in ITEMS
        } == TABLE
        assert [item.code for item in ITEMS] == list(TABLE)
        assert [code.value for code in DamageCode] == list(TABLE)

    def test_41_items_in_12_sections(self) -> None:
        assert len(ITEMS) == 41
        assert tuple(MAXIMA) == SECTIONS

    def test_section_maxima_total_47(self) -> None:
        assert SECTION_MAXIMA == MAXIMA
        assert MAX_SCORE == 2 + 6 + 3 + 5 + 6 + 5 + 6 + 7 + 3 + 1 + 1 + 2 == 47

    def test_section_maxima_follow_from_items(self) -> None:
        # every section but renal: the sum of its items' maxima; renal: ESRD's 3
        for section, maximum in MAXIMA.items():
            rows = [row for row in TABLE.values() if row[0] == section]
            expected = sum(2 if row[3] else row[1] for row in rows)
            if section == "renal":
                expected = 3
            assert maximum == expected, section

    def test_skin_ulceration_needs_more_than_6_months(self) -> None:
        timings = {item.code: item.timing for item in ITEMS}
        assert timings["skin_ulceration"] is Timing.MORE_THAN_6_MONTHS

    def test_sources(self) -> None:
        for item in ITEMS:
            assert "Gladman" in item.source
        unsure = {item.code for item in ITEMS if "1997" in item.source}
        assert unsure == {"pancreatic_insufficiency", "tendon_rupture"}


class TestItemLevel:
    @pytest.mark.parametrize("code", list(TABLE))
    def test_each_item_alone_scores_its_points(self, code: str) -> None:
        assert score([code]).total == TABLE[code][1]

    @pytest.mark.parametrize("code", REPEATABLE)
    def test_more_than_one_scores_2(self, code: str) -> None:
        assert score([code], more_than_one=[code]).total == 2
        assert score([], more_than_one=[code]).total == 2

    def test_esrd_caps_renal_at_3(self) -> None:
        renal = ["gfr_below_50_percent", "proteinuria_at_least_3_5_g", "end_stage_renal_disease"]
        result = score(renal)
        assert result.total == 3  # ESRD 3 replaces GFR 1 and proteinuria 1
        section = result.sections[SECTIONS.index("renal")]
        assert [c.code for c in section.counted] == ["end_stage_renal_disease"]
        assert [c.code for c in section.replaced] == renal[:2]
        assert "replaced by end_stage_renal_disease" in result.explain()

    def test_renal_without_esrd(self) -> None:
        # GFR < 50% 1 + proteinuria 1
        assert score(["gfr_below_50_percent", "proteinuria_at_least_3_5_g"]).total == 1 + 1

    def test_sum_across_sections(self) -> None:
        result = score(
            ["any_cataract", "avascular_necrosis", "diabetes"], more_than_one=["malignancy"]
        )
        assert result.total == 1 + 1 + 1 + 2  # cataract + AVN + diabetes + malignancy x2

    def test_everything_scores_47(self) -> None:
        result = score(list(TABLE), more_than_one=REPEATABLE)
        assert result.total == 47
        assert all(s.points == s.maximum for s in result.sections)

    def test_not_assessed(self) -> None:
        result = score(["diabetes"], not_assessed=["malignancy", "any_cataract"])
        assert result.total == 1
        assert not result.complete
        assert result.max_possible == 1 + 2 + 1  # diabetes + malignancy x2 + cataract
        assert result.finding("malignancy").status is ItemStatus.NOT_ASSESSED
        assert result.finding("osteomyelitis").status is ItemStatus.ABSENT
        assert result.finding(DamageCode.DIABETES).status is ItemStatus.PRESENT
        assert "incomplete, not assessed: any_cataract, malignancy" in result.explain()

    def test_empty(self) -> None:
        result = score([])
        assert result.total == 0
        assert result.complete
        assert result.caveats == ()


class TestItemLevelErrors:
    def test_unknown_code_suggests(self) -> None:
        with pytest.raises(UnknownCodeError) as caught:
            score(["diabetis"])
        assert str(caught.value) == "unknown SDI code 'diabetis'; did you mean 'diabetes'?"

    def test_more_than_one_only_for_repeatable_items(self) -> None:
        with pytest.raises(InvalidItemsError, match="got 'diabetes'"):
            score(["diabetes"], more_than_one=["diabetes"])

    def test_present_and_not_assessed(self) -> None:
        with pytest.raises(InvalidItemsError, match="'diabetes'"):
            score(["diabetes"], not_assessed=["diabetes"])

    def test_single_string(self) -> None:
        with pytest.raises(InvalidItemsError):
            score("diabetes")

    def test_unknown_finding(self) -> None:
        with pytest.raises(UnknownCodeError, match="unknown SDI code 'nope'"):
            score([]).finding("nope")


class TestSixMonths:
    """'present for at least 6 months': 6 calendar months, same day of the month."""

    def test_same_day_six_months_later(self) -> None:
        assert six_months_after(D(2020, 1, 15)) == D(2020, 7, 15)
        assert six_months_after(D(2020, 9, 30)) == D(2021, 3, 30)

    def test_month_end_is_clamped(self) -> None:
        assert six_months_after(D(2019, 8, 31)) == D(2020, 2, 29)  # leap year
        assert six_months_after(D(2021, 8, 31)) == D(2022, 2, 28)
        assert six_months_after(D(2020, 12, 31)) == D(2021, 6, 30)


class TestPersistence:
    @pytest.mark.parametrize("code", PERSISTENT)
    def test_one_day_short_of_6_months_does_not_count(self, code: str) -> None:
        result = score_patient(
            patient(event(code, ONSET)), as_of=ONE_DAY_SHORT, lupus_onset=LUPUS_ONSET
        )
        assert result.total == 0
        assert result.finding(code).status is ItemStatus.ABSENT
        assert result.pending == ((code, SIX_MONTHS),)

    @pytest.mark.parametrize("code", PERSISTENT)
    def test_exactly_6_months_counts(self, code: str) -> None:
        result = score_patient(patient(event(code, ONSET)), as_of=SIX_MONTHS, lupus_onset=None)
        assert result.total == TABLE[code][1]
        assert result.first_counted(code) == SIX_MONTHS
        assert result.finding(code).date == SIX_MONTHS

    def test_skin_ulceration_needs_more_than_6_months(self) -> None:
        obs = patient(event("skin_ulceration", ONSET))
        assert score_patient(obs, as_of=SIX_MONTHS, lupus_onset=None).total == 0
        after = score_patient(obs, as_of=D(2020, 7, 16), lupus_onset=None)
        assert after.total == 1
        assert after.first_counted("skin_ulceration") == D(2020, 7, 16)

    def test_month_end_onset(self) -> None:
        obs = patient(event("diabetes", D(2019, 8, 31)))
        assert score_patient(obs, as_of=D(2020, 2, 28), lupus_onset=None).total == 0
        assert score_patient(obs, as_of=D(2020, 2, 29), lupus_onset=None).total == 1

    @pytest.mark.parametrize("code", EVER)
    def test_ever_items_count_on_the_day(self, code: str) -> None:
        result = score_patient(patient(event(code, ONSET)), as_of=ONSET, lupus_onset=LUPUS_ONSET)
        assert result.total == 1
        assert result.first_counted(code) == ONSET

    def test_resolved_before_6_months_does_not_count(self) -> None:
        obs = patient(event("diabetes", ONSET), event("diabetes", ONE_DAY_SHORT, "absent"))
        result = score_patient(obs, as_of=D(2021, 1, 1), lupus_onset=None)
        assert result.total == 0
        assert "absent on 2020-07-14" in result.finding("diabetes").reason

    def test_absent_on_the_counting_day_stops_it(self) -> None:
        # not observed present through the whole 6 months
        obs = patient(event("diabetes", ONSET), event("diabetes", SIX_MONTHS, "absent"))
        assert score_patient(obs, as_of=D(2021, 1, 1), lupus_onset=None).total == 0

    def test_once_counted_damage_stays(self) -> None:
        obs = patient(event("diabetes", ONSET), event("diabetes", D(2020, 7, 16), "absent"))
        assert score_patient(obs, as_of=D(2021, 1, 1), lupus_onset=None).total == 1

    def test_ever_item_stays_after_absent(self) -> None:
        obs = patient(event("any_cataract", ONSET), event("any_cataract", D(2020, 2, 1), "absent"))
        assert score_patient(obs, as_of=D(2020, 2, 1), lupus_onset=None).total == 1

    def test_new_onset_after_resolution(self) -> None:
        obs = patient(
            event("diabetes", ONSET),
            event("diabetes", D(2020, 3, 1), "absent"),
            event("diabetes", D(2020, 9, 1)),
        )
        assert score_patient(obs, as_of=D(2021, 2, 28), lupus_onset=None).total == 0
        result = score_patient(obs, as_of=D(2021, 3, 1), lupus_onset=None)
        assert result.first_counted("diabetes") == D(2021, 3, 1)

    def test_observations_after_as_of_are_not_used(self) -> None:
        obs = patient(event("any_cataract", D(2022, 1, 1)))
        result = score_patient(obs, as_of=D(2021, 12, 31), lupus_onset=None)
        assert result.total == 0
        assert result.finding("any_cataract").status is ItemStatus.NOT_ASSESSED


class TestRepeatEpisodes:
    """'2 if more than one': repeat episodes at least 6 months apart."""

    def test_ever_item_repeat_6_months_apart_scores_2(self) -> None:
        obs = patient(
            event("cerebrovascular_accident", ONSET), event("cerebrovascular_accident", SIX_MONTHS)
        )
        result = score_patient(obs, as_of=SIX_MONTHS, lupus_onset=LUPUS_ONSET)
        assert result.total == 2  # first stroke 1 + repeat 6 months later 1
        assert result.counted[0].second_point == SIX_MONTHS

    def test_ever_item_repeat_less_than_6_months_scores_1(self) -> None:
        obs = patient(
            event("myocardial_infarction", ONSET), event("myocardial_infarction", ONE_DAY_SHORT)
        )
        assert score_patient(obs, as_of=D(2025, 1, 1), lupus_onset=None).total == 1

    def test_third_episode_can_be_the_repeat(self) -> None:
        obs = patient(
            event("myocardial_infarction", ONSET),
            event("myocardial_infarction", D(2020, 3, 1)),
            event("myocardial_infarction", D(2020, 8, 1)),
        )
        result = score_patient(obs, as_of=D(2020, 8, 1), lupus_onset=None)
        assert result.total == 2
        assert result.counted[0].second_point == D(2020, 8, 1)

    def test_persistent_repeatable_needs_both_to_persist(self) -> None:
        obs = patient(event("avascular_necrosis", ONSET), event("avascular_necrosis", SIX_MONTHS))
        assert score_patient(obs, as_of=SIX_MONTHS, lupus_onset=None).total == 1
        assert score_patient(obs, as_of=D(2021, 1, 14), lupus_onset=None).total == 1
        result = score_patient(obs, as_of=D(2021, 1, 15), lupus_onset=None)
        assert result.total == 2  # first AVN 1 + second AVN, persistent since 2021-01-15, 1
        assert result.counted[0].first_counted == SIX_MONTHS

    @pytest.mark.parametrize(
        ("second", "total"),
        [
            (SIX_MONTHS, 1 + 1),  # 6 months after the first: a repeat, 1 + 1
            (ONE_DAY_SHORT, 1),  # one day short: the same episode, 1
        ],
    )
    def test_persistent_repeatable_repeat_at_least_6_months_apart(
        self, second: datetime.date, total: int
    ) -> None:
        # as of 2025 both events have long persisted: only their spacing decides
        obs = patient(event("avascular_necrosis", ONSET), event("avascular_necrosis", second))
        assert score_patient(obs, as_of=D(2025, 1, 1), lupus_onset=None).total == total

    def test_repeat_on_the_same_day_is_one_episode(self) -> None:
        """A documented limitation (docs/sdi.md, "2 if more than one site"): two sites
        recorded on one date cannot be told from one lesion recorded twice, so the
        6-month spacing applies; two simultaneous sites are scored 2 with
        ``more_than_one=`` at item level."""
        obs = patient(event("malignancy", ONSET), event("malignancy", ONSET))
        assert score_patient(obs, as_of=D(2025, 1, 1), lupus_onset=None).total == 1
        assert score([], more_than_one=["malignancy"]).total == 2


class TestLupusOnset:
    def test_damage_before_lupus_onset_not_counted(self) -> None:
        obs = patient(event("any_cataract", D(2019, 5, 31)))
        result = score_patient(obs, as_of=D(2020, 1, 1), lupus_onset=LUPUS_ONSET)
        assert result.total == 0
        assert "before lupus onset 2019-06-01" in result.finding("any_cataract").reason
        assert result.caveats == ()

    def test_damage_on_the_day_of_lupus_onset_counts(self) -> None:
        obs = patient(event("any_cataract", LUPUS_ONSET))
        assert score_patient(obs, as_of=D(2020, 1, 1), lupus_onset=LUPUS_ONSET).total == 1

    def test_early_episode_cannot_be_the_first_of_a_repeat(self) -> None:
        obs = patient(
            event("cerebrovascular_accident", D(2018, 1, 1)),
            event("cerebrovascular_accident", D(2020, 1, 1)),
        )
        assert score_patient(obs, as_of=D(2021, 1, 1), lupus_onset=LUPUS_ONSET).total == 1

    def test_without_lupus_onset_the_result_says_so(self) -> None:
        obs = patient(event("any_cataract", D(2010, 1, 1)))
        result = score_patient(obs, as_of=D(2020, 1, 1), lupus_onset=None)
        assert result.total == 1
        assert result.onset_unknown
        assert result.caveats == (
            "lupus onset not given: damage before the onset of lupus could not be excluded",
        )
        assert "Caveat: lupus onset not given" in result.explain()


class TestEvidence:
    def test_scored_regardless_of_cause(self) -> None:
        obs = patient(event("any_cataract", ONSET, explained_by="drug"))
        result = score_patient(obs, as_of=ONSET, lupus_onset=None)
        assert result.total == 1
        finding = result.finding("any_cataract")
        assert finding.status is ItemStatus.PRESENT
        assert "regardless of cause (drug)" in finding.reason

    def test_three_states(self) -> None:
        obs = patient(event("diabetes", ONSET), event("malignancy", ONSET, "absent"))
        result = score_patient(obs, as_of=D(2021, 1, 1), lupus_onset=None)
        assert result.finding("diabetes").status is ItemStatus.PRESENT
        assert result.finding("malignancy").status is ItemStatus.ABSENT
        assert result.finding("osteomyelitis").status is ItemStatus.NOT_ASSESSED
        assert len(result.not_assessed) == 41 - 2

    def test_other_observations_are_ignored(self) -> None:
        obs = patient(Observation("seizure", "present", ONSET), event("diabetes", ONSET))
        assert score_patient(obs, as_of=D(2021, 1, 1), lupus_onset=None).present == {"diabetes"}

    def test_unknown_item_assertion_is_rejected(self) -> None:
        with pytest.raises(InvalidEvidenceError, match=r"unknown observation code 'sdi\.cataract'"):
            Observation("sdi.cataract", "present", ONSET)

    def test_item_assertion_value_must_be_present_or_absent(self) -> None:
        with pytest.raises(InvalidEvidenceError, match="must be one of present, absent"):
            Observation("sdi.diabetes", "positive", ONSET)

    def test_undated_event_is_refused(self) -> None:
        obs = patient(Observation("sdi.diabetes", "present"))
        with pytest.raises(InvalidEvidenceError, match="date"):
            score_patient(obs, as_of=ONSET, lupus_onset=None)

    def test_explain(self) -> None:
        obs = patient(
            event("any_cataract", ONSET),
            event("end_stage_renal_disease", ONSET),
            event("gfr_below_50_percent", ONSET),
            event("diabetes", D(2020, 12, 1)),
        )
        text = score_patient(obs, as_of=D(2021, 1, 1), lupus_onset=LUPUS_ONSET).explain()
        assert "Evidence up to 2021-01-01; lupus onset 2019-06-01" in text
        assert "ocular               1/2  any_cataract 1 (from 2020-01-15)" in text
        assert "renal                3/3  end_stage_renal_disease 3 (from 2020-07-15)" in text
        assert "Not yet damage: diabetes (counts from 2021-06-01 if still present)" in text
        assert "Total 4 (of 47); incomplete, 37 of 41 items not assessed" in text  # 1 + 3


class TestTimeline:
    def test_sdi_at_each_date_with_first_counted(self) -> None:
        obs = patient(
            event("any_cataract", D(2020, 3, 1)),
            event("osteoporosis_with_fracture", D(2020, 5, 1)),
            event("any_cataract", D(2021, 1, 1), "absent"),  # cannot undo damage
        )
        days = [D(2021, 1, 1), D(2020, 1, 1), D(2020, 3, 1), D(2020, 11, 1)]
        results = timeline(obs, days, lupus_onset=LUPUS_ONSET)
        assert [r.as_of for r in results] == sorted(days)
        assert [r.total for r in results] == [0, 1, 1 + 1, 1 + 1]
        assert results[-1].first_counted("osteoporosis_with_fracture") == D(2020, 11, 1)


# --- Properties --------------------------------------------------------------------

CODES = list(TABLE)
item_lists = st.lists(st.sampled_from(CODES))
dates = st.dates(min_value=D(2015, 1, 1), max_value=D(2025, 12, 31))
events = st.lists(
    st.builds(event, st.sampled_from(CODES), dates, st.sampled_from(["present", "absent"])),
    max_size=25,
)


@given(item_lists, st.lists(st.sampled_from(REPEATABLE)))
def test_total_is_within_bounds(items: list[str], twice: list[str]) -> None:
    assert 0 <= score(items, more_than_one=twice).total <= 47


@given(item_lists, st.sampled_from(CODES))
def test_adding_an_item_never_lowers_the_total(items: list[str], extra: str) -> None:
    assert score([*items, extra]).total >= score(items).total


@given(item_lists, st.randoms())
def test_order_independent(items: list[str], random: st.SearchStrategy[object]) -> None:
    shuffled = list(items)
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    assert score(items) == score(shuffled)


@given(events, st.lists(dates, min_size=1, max_size=8), st.none() | dates)
def test_sdi_never_decreases_over_time(
    observations: list[Observation], days: list[datetime.date], onset: datetime.date | None
) -> None:
    results = timeline(patient(*observations), days, lupus_onset=onset)
    for earlier, later in itertools.pairwise(results):
        assert later.total >= earlier.total
        assert earlier.present <= later.present
        for entry in earlier.counted:
            assert later.first_counted(entry.code) == entry.first_counted
    for result in results:
        assert 0 <= result.total <= 47
        assert result.as_of is not None
        assert all(
            c.first_counted is not None and c.first_counted <= result.as_of for c in result.counted
        )


@given(events, dates, dates)
def test_later_onset_of_lupus_never_adds_damage(
    observations: list[Observation], as_of: datetime.date, onset: datetime.date
) -> None:
    obs = patient(*observations)
    assert (
        score_patient(obs, as_of=as_of, lupus_onset=onset).total
        <= score_patient(obs, as_of=as_of, lupus_onset=None).total
    )
