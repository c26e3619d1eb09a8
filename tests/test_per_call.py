"""The per-call hot path of ``sledai_2k.score`` and ``eular_acr_2019.classify``.

A frozenset of plain, known codes is kept as it is and the result is stored at once
(``_results.bare`` and one store per field, without the attrs class's ``__init__``);
anything else takes the full path, which spells each code canonically and names a
bad one. Both paths must give the same result, field for field, and the result must
be the value the frozen attrs class's own ``__init__`` builds.
"""

from __future__ import annotations

import copy
import pickle
import weakref
from collections.abc import Callable

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from naive import SLEDAI_2K_WEIGHTS, eular_acr_2019_points
from sle_scoring import (
    InvalidItemsError,
    UnknownCodeError,
    acr_1997,
    eular_acr_2019,
    sledai_2k,
    slicc_2012,
)
from sle_scoring.eular_acr_2019 import Classification, Criterion
from sle_scoring.sledai_2k import Descriptor, Score

SLEDAI_CODES = list(SLEDAI_2K_WEIGHTS)
EULAR_CODES = list(eular_acr_2019.INSTRUMENT.codes)

# The public attributes of each result, besides explain(), as_record() and finding().
SCORE_ATTRIBUTES = (
    *Score.__match_args__,  # the fields
    "complete",
    "standard_window",
    "scored",
    "explained",
    "verdict",
)
CLASSIFICATION_ATTRIBUTES = (
    *Classification.__match_args__,  # the fields
    "entry_criterion_assessed",
    "has_clinical_criterion",
    "domains",
    "explained",
    "complete",
    "max_possible",
    "max_possible_points",
    "could_change_verdict",
    "could_be_classified",
    "verdict",
)

SLICC_ATTRIBUTES = (
    *slicc_2012.Classification.__match_args__,  # the fields
    "classified",
    "count",
    "counted",
    "coombs_counted",
    "explained",
    "complete",
    "could_change_verdict",
    "verdict",
)
ACR_ATTRIBUTES = (
    *acr_1997.Classification.__match_args__,  # the fields
    "count",
    "classified",
    "complete",
    "max_possible",
    "max_possible_count",
    "could_change_verdict",
    "explained",
    "verdict",
)
SLICC_CODES = list(slicc_2012.INSTRUMENT.codes)
ACR_CODES = list(acr_1997.INSTRUMENT.codes)


def split(codes: list[str], draws: list[int]) -> tuple[frozenset[str], frozenset[str]]:
    """(present, not assessed) from one draw per code: 0 absent, 1 present, 2 not assessed."""
    present = frozenset(c for c, d in zip(codes, draws, strict=True) if d == 1)
    missing = frozenset(c for c, d in zip(codes, draws, strict=True) if d == 2)
    return present, missing


def states(codes: list[str]) -> st.SearchStrategy[tuple[frozenset[str], frozenset[str]]]:
    return st.lists(st.integers(0, 2), min_size=len(codes), max_size=len(codes)).map(
        lambda draws: split(codes, draws)
    )


def assert_same(fast: object, full: object, attributes: tuple[str, ...], codes: list[str]) -> None:
    """Every public attribute, explain(), as_record() and finding(code) agree (not
    repr: two equal frozensets may list their codes in different orders)."""
    assert fast == full
    assert hash(fast) == hash(full)
    for name in attributes:
        assert getattr(fast, name) == getattr(full, name), name
    assert fast.explain() == full.explain()  # type: ignore[attr-defined]
    assert str(fast) == str(full)
    assert fast.as_record() == full.as_record()  # type: ignore[attr-defined]
    for code in codes:
        assert fast.finding(code) == full.finding(code)  # type: ignore[attr-defined]


class Disguised(str):
    """A str subclass that says it is a str (``__class__``): ``type()`` still tells."""

    @property  # type: ignore[misc]
    def __class__(self) -> type:
        return str


class DisguisedSet(frozenset[str]):
    """A frozenset subclass that says it is a frozenset."""

    @property  # type: ignore[misc]
    def __class__(self) -> type:
        return frozenset


class TestSledaiHotPath:
    """Gladman et al. 2002: "the sum of the weights of the descriptors present"; the
    hot path and the full path give the same score."""

    @given(states(SLEDAI_CODES))
    def test_frozensets_agree_with_lists(
        self, state: tuple[frozenset[str], frozenset[str]]
    ) -> None:
        present, missing = state
        fast = sledai_2k.score(present, not_assessed=missing)
        full = sledai_2k.score(sorted(present), not_assessed=sorted(missing))
        assert_same(fast, full, SCORE_ATTRIBUTES, SLEDAI_CODES)
        # built the straightforward way: the weights summed one by one
        by_hand = Score(
            sledai_2k.SLEDAI_2K, sum(SLEDAI_2K_WEIGHTS[c] for c in present), present, missing
        )
        assert_same(fast, by_hand, SCORE_ATTRIBUTES, SLEDAI_CODES)

    @given(states(SLEDAI_CODES))
    def test_the_clinical_variant_agrees_with_lists(
        self, state: tuple[frozenset[str], frozenset[str]]
    ) -> None:
        clinical = sledai_2k.CLINICAL_SLEDAI_2K
        present, missing = state
        fast = sledai_2k.score(present, not_assessed=missing, index=clinical)
        full = sledai_2k.score(sorted(present), not_assessed=sorted(missing), index=clinical)
        assert_same(fast, full, SCORE_ATTRIBUTES, sorted(clinical.codes))
        # serology counts nothing in the clinical variant
        assert fast.total == sum(SLEDAI_2K_WEIGHTS[c] for c in present & clinical.codes)

    @given(states(SLEDAI_CODES))
    def test_round_trips(self, state: tuple[frozenset[str], frozenset[str]]) -> None:
        result = sledai_2k.score(state[0], not_assessed=state[1])
        for copied in (
            pickle.loads(pickle.dumps(result)),
            copy.copy(result),
            copy.deepcopy(result),
        ):
            assert_same(copied, result, SCORE_ATTRIBUTES, SLEDAI_CODES)

    def test_enum_members_are_spelt_as_plain_codes(self) -> None:
        result = sledai_2k.score(
            frozenset({Descriptor.ARTHRITIS}), not_assessed=frozenset({Descriptor.FEVER})
        )
        assert result.total == 4  # arthritis
        assert [type(c) for c in result.present | result.not_assessed] == [str, str]

    def test_subclasses_that_say_otherwise_are_spelt_as_plain_codes(self) -> None:
        result = sledai_2k.score(
            frozenset({Disguised("arthritis")}), not_assessed=frozenset({Disguised("fever")})
        )
        assert result.total == 4  # arthritis
        assert [type(c) for c in result.present | result.not_assessed] == [str, str]
        result = sledai_2k.score(DisguisedSet({"rash"}), not_assessed=DisguisedSet({"fever"}))
        assert result.total == 2  # rash
        assert (type(result.present), type(result.not_assessed)) == (frozenset, frozenset)

    def test_plain_codes_with_disguised_ones_not_assessed_are_spelt(self) -> None:
        # the not-assessed set is checked as the present one: empty or not
        for missing in (frozenset({Disguised("fever")}), DisguisedSet({"fever"}), DisguisedSet()):
            result = sledai_2k.score(frozenset({"rash"}), not_assessed=missing)
            assert result.total == 2  # rash
            assert type(result.not_assessed) is frozenset
            assert {type(c) for c in result.not_assessed} <= {str}
            assert result.not_assessed == missing

    def test_an_unknown_code_in_a_frozenset_is_named(self) -> None:
        with pytest.raises(UnknownCodeError) as caught:
            sledai_2k.score(frozenset({"arthritus"}))
        assert caught.value.suggestion == "arthritis"
        with pytest.raises(UnknownCodeError, match="'fevr'"):
            sledai_2k.score(frozenset(), not_assessed=frozenset({"fevr"}))

    def test_present_and_not_assessed_at_once_is_refused(self) -> None:
        with pytest.raises(InvalidItemsError, match="both as present and as not assessed"):
            sledai_2k.score(frozenset({"rash"}), not_assessed=frozenset({"rash"}))

    def test_the_clinical_variant_still_reports_serology_ignored(self) -> None:
        result = sledai_2k.score(
            frozenset({"arthritis", "low_complement"}), index=sledai_2k.CLINICAL_SLEDAI_2K
        )
        assert result.total == 4  # arthritis; low complement is not scored
        assert result.ignored == {"low_complement"}


class TestEularHotPath:
    """Aringer et al. 2019: "classify as SLE with the entry criterion, at least one
    clinical criterion and >= 10 points"; the hot path and the full path agree."""

    @given(states(EULAR_CODES))
    def test_frozensets_agree_with_lists(
        self, state: tuple[frozenset[str], frozenset[str]]
    ) -> None:
        present, missing = state
        fast = eular_acr_2019.classify(present, not_assessed=missing)
        full = eular_acr_2019.classify(sorted(present), not_assessed=sorted(missing))
        assert_same(fast, full, CLASSIFICATION_ATTRIBUTES, EULAR_CODES)
        assert (fast.points, fast.classified) == eular_acr_2019_points(list(present))

    @given(states(EULAR_CODES))
    def test_round_trips(self, state: tuple[frozenset[str], frozenset[str]]) -> None:
        result = eular_acr_2019.classify(state[0], not_assessed=state[1])
        for copied in (
            pickle.loads(pickle.dumps(result)),
            copy.copy(result),
            copy.deepcopy(result),
        ):
            assert_same(copied, result, CLASSIFICATION_ATTRIBUTES, EULAR_CODES)

    @given(states(EULAR_CODES))
    def test_the_points_looked_up_by_bits_are_the_tally(
        self, state: tuple[frozenset[str], frozenset[str]]
    ) -> None:
        present = state[0]
        bits = sum(eular_acr_2019._BITS[code] for code in present)
        low = eular_acr_2019._LOW_POINTS[bits & eular_acr_2019._LOW_MASK]
        high = eular_acr_2019._HIGH_POINTS[bits >> eular_acr_2019._LOW_CRITERIA]
        assert (low[0] + high[0], low[1] + high[1]) == eular_acr_2019._tally(present)

    @given(states(EULAR_CODES), st.frozensets(st.sampled_from(["fevr", "sdi", ""])))
    def test_the_points_of_a_record_are_the_tally(
        self, state: tuple[frozenset[str], frozenset[str]], others: frozenset[str]
    ) -> None:
        # what verdict and max_possible read: every criterion not assessed present;
        # a code that is no criterion (a hand-built value) adds nothing, as in the tally
        codes = state[0] | state[1] | others
        assert eular_acr_2019._points(codes) == eular_acr_2019._tally(codes)

    def test_the_two_parts_of_the_table_hold_whole_domains(self) -> None:
        # the bits of the criteria follow the table, whose domains are consecutive
        criteria = eular_acr_2019.CRITERIA
        domains = [item.domain for item in criteria]
        assert domains == sorted(domains, key=eular_acr_2019.DOMAINS.index)
        low = criteria[: eular_acr_2019._LOW_CRITERIA]
        high = criteria[eular_acr_2019._LOW_CRITERIA :]
        assert {item.domain for item in low}.isdisjoint(item.domain for item in high)
        # 1 (constitutional) + 3 (hematologic) + 3 (neuropsychiatric) + 4 (mucocutaneous)
        assert len(low) == 1 + 3 + 3 + 4
        assert len(eular_acr_2019._LOW_POINTS) == 2 ** len(low)
        assert len(eular_acr_2019._HIGH_POINTS) == 2 ** len(high)

    def test_enum_members_are_spelt_as_plain_codes(self) -> None:
        result = eular_acr_2019.classify(frozenset({Criterion.ANA_POSITIVE, Criterion.FEVER}))
        assert result.points == 2  # fever
        assert {type(c) for c in result.present} == {str}

    def test_subclasses_that_say_otherwise_are_spelt_as_plain_codes(self) -> None:
        result = eular_acr_2019.classify(
            frozenset({Disguised("ana_positive"), Disguised("fever")}),
            not_assessed=DisguisedSet({"leukopenia"}),
        )
        assert result.points == 2  # fever
        assert {type(c) for c in result.present | result.not_assessed} == {str}
        assert type(result.not_assessed) is frozenset
        slicc = slicc_2012.classify(frozenset({Disguised("synovitis")}))
        acr = acr_1997.classify(frozenset({Disguised("arthritis")}))
        assert [type(c) for c in slicc.present | acr.present] == [str, str]

    def test_an_unknown_code_in_a_frozenset_is_named(self) -> None:
        with pytest.raises(UnknownCodeError) as caught:
            eular_acr_2019.classify(frozenset({"feverr"}))
        assert caught.value.suggestion == "fever"
        with pytest.raises(UnknownCodeError, match="'fevr'"):
            eular_acr_2019.classify(frozenset(), not_assessed=frozenset({"fevr"}))

    def test_present_and_not_assessed_at_once_is_refused(self) -> None:
        with pytest.raises(InvalidItemsError, match="both as present and as not assessed"):
            eular_acr_2019.classify(frozenset({"fever"}), not_assessed=frozenset({"fever"}))

    def test_plain_codes_with_disguised_ones_not_assessed_are_spelt(self) -> None:
        for missing in (frozenset({Disguised("fever")}), DisguisedSet({"fever"}), DisguisedSet()):
            result = eular_acr_2019.classify(
                frozenset({"ana_positive", "leukopenia"}), not_assessed=missing
            )
            assert result.points == 3  # leukopenia
            assert type(result.not_assessed) is frozenset
            assert {type(c) for c in result.not_assessed} <= {str}
            assert result.not_assessed == missing


class TestSliccHotPath:
    """Petri et al. 2012: rule A, "at least 4 of the 17 criteria, including at least 1
    clinical and at least 1 immunologic", or rule B (biopsy-proven lupus nephritis
    with ANA or anti-dsDNA); the hot path and the full path agree."""

    @given(states(SLICC_CODES))
    def test_frozensets_agree_with_lists(
        self, state: tuple[frozenset[str], frozenset[str]]
    ) -> None:
        present, missing = state
        fast = slicc_2012.classify(present, not_assessed=missing)
        full = slicc_2012.classify(sorted(present), not_assessed=sorted(missing))
        assert_same(fast, full, SLICC_ATTRIBUTES, SLICC_CODES)
        for copied in (pickle.loads(pickle.dumps(fast)), copy.deepcopy(fast)):
            assert_same(copied, fast, SLICC_ATTRIBUTES, SLICC_CODES)

    def test_an_unknown_code_in_a_frozenset_is_named(self) -> None:
        with pytest.raises(UnknownCodeError) as caught:
            slicc_2012.classify(frozenset({"synovitiss"}))
        assert caught.value.suggestion == "synovitis"


class TestAcrHotPath:
    """Tan et al. 1982 as updated by Hochberg 1997: "4 or more of the 11 criteria";
    the hot path and the full path agree."""

    @given(states(ACR_CODES))
    def test_frozensets_agree_with_lists(
        self, state: tuple[frozenset[str], frozenset[str]]
    ) -> None:
        present, missing = state
        fast = acr_1997.classify(present, not_assessed=missing)
        full = acr_1997.classify(sorted(present), not_assessed=sorted(missing))
        assert_same(fast, full, ACR_ATTRIBUTES, ACR_CODES)
        assert fast.classified is (len(present) >= 4)  # "4 or more of the 11"
        for copied in (pickle.loads(pickle.dumps(fast)), copy.deepcopy(fast)):
            assert_same(copied, fast, ACR_ATTRIBUTES, ACR_CODES)

    def test_present_and_not_assessed_at_once_is_refused(self) -> None:
        with pytest.raises(InvalidItemsError, match="both as present and as not assessed"):
            acr_1997.classify(frozenset({"ana"}), not_assessed=frozenset({"ana"}))


class TestFrozenValues:
    """The results are frozen attrs values, however they were built."""

    RESULTS = (
        sledai_2k.score(frozenset({"rash"})),
        eular_acr_2019.classify(frozenset({"ana_positive", "fever"})),
        slicc_2012.classify(frozenset({"synovitis"})),
        acr_1997.classify(frozenset({"arthritis"})),
    )

    @pytest.mark.parametrize("result", RESULTS)
    def test_cannot_be_changed(self, result: object) -> None:
        for name in ("present", "anything"):
            with pytest.raises(attrs.exceptions.FrozenInstanceError):
                setattr(result, name, frozenset())
            with pytest.raises(attrs.exceptions.FrozenInstanceError):
                delattr(result, name)

    @pytest.mark.parametrize("result", RESULTS)
    def test_hashable_and_weakly_referenced(self, result: object) -> None:
        assert {result: 1}[result] == 1
        assert weakref.ref(result)() is result

    def test_repr_names_every_field(self) -> None:
        assert repr(sledai_2k.score(frozenset({"rash"}))) == (
            "Score(index=Index(name='SLEDAI-2K'), total=2, present=frozenset({'rash'}), "
            "not_assessed=frozenset(), ignored=frozenset(), findings=(), visit_date=None, "
            "window_days=None)"
        )

    def test_not_equal_to_another_kind_of_result(self) -> None:
        score, classification, _, _ = self.RESULTS
        other: object = classification  # a different class: never equal
        assert score != other
        pair: object = (score.index, score.total)
        assert score != pair

    def test_keyword_construction(self) -> None:
        built = Classification(
            present=frozenset({"ana_positive"}),
            not_assessed=frozenset(),
            points=0,
            clinical_points=0,
            immunologic_points=0,
            entry_criterion_met=True,
            classified=False,
        )
        assert built == eular_acr_2019.classify(["ana_positive"])

    def test_match_by_position(self) -> None:
        match sledai_2k.score(frozenset({"rash"})):
            case Score(_, total):
                assert total == 2  # rash
            case _:
                pytest.fail("Score did not match")


# Each result class, built by the hot path.
Built = Score | Classification | slicc_2012.Classification | acr_1997.Classification


def by_init(result: Built) -> Built:
    """The same value built by its class's own ``__init__``, from the same field objects."""
    cls = type(result)
    return cls(**{field.name: getattr(result, field.name) for field in attrs.fields(cls)})


class TestBuiltAsByInit:
    """The hot path builds the value the attrs class's ``__init__`` builds (so
    ``attrs.evolve``, ``attrs.asdict``, hashing and pickles made by either agree)."""

    RESULTS: tuple[Built, ...] = (
        sledai_2k.score(frozenset({"rash", "arthritis"}), not_assessed=frozenset({"fever"})),
        eular_acr_2019.classify(frozenset({"ana_positive", "fever"})),
        eular_acr_2019.classify(frozenset(), not_assessed=frozenset({"ana_positive"})),
        slicc_2012.classify(frozenset({"synovitis"})),
        acr_1997.classify(frozenset({"arthritis"})),
    )

    def test_the_hot_path_gives_attrs_values(self) -> None:
        for result in self.RESULTS:
            assert attrs.has(type(result))
        # built without __init__: the two classes whose values get an instance dict
        assert type(self.RESULTS[0]) is Score
        assert type(self.RESULTS[1]) is Classification

    @pytest.mark.parametrize("result", RESULTS)
    def test_every_field_and_no_other(self, result: Built) -> None:
        fields = attrs.fields(type(result))
        if hasattr(result, "__dict__"):  # built by _results.bare: a field added later
            # to the class must be stored there too, or have its default on the class
            stored = [field.name for field in fields if field.default is attrs.NOTHING]
            assert list(vars(result)) == stored
            for field in fields:
                if field.default is not attrs.NOTHING:
                    assert vars(type(result))[field.name] is field.default
        for field in fields:
            assert getattr(result, field.name) is getattr(by_init(result), field.name)

    @pytest.mark.parametrize("result", RESULTS[:3])
    def test_pickled_as_before(self, result: Built) -> None:
        # What pickle wrote before the defaults moved to the class: the instance dict
        # of a value built by __init__, every field in field order.
        made = by_init(result)
        assert isinstance(made, (Score, Classification))
        assert isinstance(result, (Score, Classification))
        assert list(made.__getstate__().items()) == list(vars(made).items())
        assert list(result.__getstate__().items()) == list(vars(made).items())
        assert vars(pickle.loads(pickle.dumps(result))) == vars(made)
        assert vars(copy.copy(result)) == vars(made)

    @pytest.mark.parametrize("result", RESULTS)
    def test_equal_and_hashed_as_by_init(self, result: Built) -> None:
        made = by_init(result)
        assert result == made
        assert hash(result) == hash(made)
        assert repr(result) == repr(made)

    @pytest.mark.parametrize("result", RESULTS)
    def test_asdict_and_evolve_as_by_init(self, result: Built) -> None:
        made = by_init(result)
        assert attrs.asdict(result) == attrs.asdict(made)
        assert attrs.astuple(result) == attrs.astuple(made)
        evolved = attrs.evolve(result, not_assessed=frozenset())
        assert evolved == attrs.evolve(made, not_assessed=frozenset())
        assert evolved.not_assessed == frozenset()
        assert evolved.present is result.present

    @pytest.mark.parametrize("result", RESULTS)
    def test_pickled_as_by_init(self, result: Built) -> None:
        made = by_init(result)
        # the same bytes: a pickle of either loads as the other would
        assert pickle.dumps(result) == pickle.dumps(made)
        assert pickle.loads(pickle.dumps(result)) == made
        assert pickle.loads(pickle.dumps(made)) == result


def hot(instrument: str, state: tuple[frozenset[str], frozenset[str]], clinical: bool) -> Built:
    """A result of the per-call hot path (a frozenset of plain codes each)."""
    present, missing = state
    if instrument == "sledai_2k":
        index = sledai_2k.CLINICAL_SLEDAI_2K if clinical else sledai_2k.SLEDAI_2K
        if clinical:  # a variant's hot path holds only the codes it scores
            present, missing = present & index.codes, missing & index.codes
        return sledai_2k.score(present, not_assessed=missing, index=index)
    return eular_acr_2019.classify(present, not_assessed=missing)


class TestBuiltAsByInitOnGeneratedVisits:
    """The same as TestBuiltAsByInit, on Hypothesis-generated visits of both
    instruments (every code present, absent or not assessed; often nothing not
    assessed, the case checked first)."""

    @given(
        st.sampled_from(["sledai_2k", "eular_acr_2019"]).flatmap(
            lambda name: st.tuples(
                st.just(name),
                states(SLEDAI_CODES if name == "sledai_2k" else EULAR_CODES),
                st.booleans(),
                st.booleans(),
            )
        )
    )
    def test_equal_hashed_pickled_and_evolved_as_by_init(
        self, drawn: tuple[str, tuple[frozenset[str], frozenset[str]], bool, bool]
    ) -> None:
        instrument, (present, missing), clinical, assessed = drawn
        if assessed:
            missing = frozenset()
        result = hot(instrument, (present, missing), clinical)
        made = by_init(result)
        assert result == made
        assert hash(result) == hash(made)
        assert repr(result) == repr(made)
        assert pickle.dumps(result) == pickle.dumps(made)
        assert vars(pickle.loads(pickle.dumps(result))) == vars(made)
        assert attrs.asdict(result) == attrs.asdict(made)
        assert attrs.astuple(result) == attrs.astuple(made)
        assert attrs.evolve(result) == made
        assert attrs.evolve(result, present=frozenset()) == attrs.evolve(made, present=frozenset())
        assert result.explain() == made.explain()
        assert result.as_record() == made.as_record()


# Not-assessed input of every kind the hot path must tell apart: plain codes (some of
# them also present), enum members, str subclasses, unknown codes, codes of the other
# instrument, other types; in a frozenset or in another collection, or empty.
ODD_CODES = ["fevr", "", "sdi", 1, None, b"rash", Disguised("fever"), Disguised("rash")]


def not_assessed_inputs(codes: list[str], members: list[str]) -> st.SearchStrategy[object]:
    odd = st.sampled_from([*members, *ODD_CODES])
    plain_codes = st.frozensets(st.sampled_from(codes), max_size=3)
    with_one_odd = st.tuples(plain_codes, odd).map(lambda drawn: [*drawn[0], drawn[1]])
    return st.one_of(
        plain_codes.map(frozenset),  # the hot path's case, often overlapping the present codes
        st.sampled_from([frozenset(), (), [], DisguisedSet()]),
        with_one_odd.map(frozenset),  # one code the hot path must leave to the full path
        st.tuples(plain_codes, st.sampled_from(["fevr", "", "sdi"])).map(  # an unknown code
            lambda drawn: frozenset([*drawn[0], drawn[1]])
        ),
        st.one_of(plain_codes, with_one_odd).flatmap(
            lambda drawn: st.sampled_from([tuple(drawn), list(drawn), set(drawn)])
        ),
        plain_codes.map(DisguisedSet),
    )


def outcome(call: Callable[[], object]) -> tuple[str, object]:
    """What a call gave: its result, or its error's type and message."""
    try:
        return "result", call()
    except Exception as error:  # every error is compared
        return type(error).__name__, str(error)


class TestNotAssessedOnTheHotPath:
    """The hot path's check of ``not_assessed`` (plain known codes, none present, or
    empty) against the full path: on any input, the same result (field for field) or
    the same typed error with the same message. The full path is reached by giving
    the present codes as a list."""

    @given(
        st.frozensets(st.sampled_from(SLEDAI_CODES), max_size=5),
        not_assessed_inputs(SLEDAI_CODES, list(Descriptor)),
        st.booleans(),
    )
    def test_sledai_2k(self, present: frozenset[str], missing: object, clinical: bool) -> None:
        index = sledai_2k.CLINICAL_SLEDAI_2K if clinical else sledai_2k.SLEDAI_2K
        if clinical:  # a variant's hot path holds only the codes it scores
            present = present & index.codes
        fast = outcome(lambda: sledai_2k.score(present, not_assessed=missing, index=index))  # type: ignore[arg-type]
        missing_again = list(missing) if isinstance(missing, (frozenset, set)) else missing
        full = outcome(
            lambda: sledai_2k.score(sorted(present), not_assessed=missing_again, index=index)  # type: ignore[arg-type]
        )
        assert fast[0] == full[0]
        if fast[0] == "result":
            codes = sorted(index.codes)
            assert_same(fast[1], full[1], SCORE_ATTRIBUTES, codes)
            assert {type(c) for c in fast[1].present | fast[1].not_assessed} <= {str}  # type: ignore[attr-defined]
            assert type(fast[1].not_assessed) is frozenset  # type: ignore[attr-defined]
        else:
            assert fast == full

    @given(
        st.frozensets(st.sampled_from(EULAR_CODES), max_size=5),
        not_assessed_inputs(EULAR_CODES, list(Criterion)),
    )
    def test_eular_acr_2019(self, present: frozenset[str], missing: object) -> None:
        fast = outcome(lambda: eular_acr_2019.classify(present, not_assessed=missing))  # type: ignore[arg-type]
        missing_again = list(missing) if isinstance(missing, (frozenset, set)) else missing
        full = outcome(
            lambda: eular_acr_2019.classify(sorted(present), not_assessed=missing_again)  # type: ignore[arg-type]
        )
        assert fast[0] == full[0]
        if fast[0] == "result":
            assert_same(fast[1], full[1], CLASSIFICATION_ATTRIBUTES, EULAR_CODES)
            assert {type(c) for c in fast[1].present | fast[1].not_assessed} <= {str}  # type: ignore[attr-defined]
            assert type(fast[1].not_assessed) is frozenset  # type: ignore[attr-defined]
        else:
            assert fast == full
