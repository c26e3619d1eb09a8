"""Hypothesis properties of the item-level instruments, and agreement with the
naive implementations in ``naive.py``."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from naive import EULAR_ACR_2019_TABLE, SLEDAI_2K_WEIGHTS, eular_acr_2019_points, sledai_2k_total
from sle_scoring import eular_acr_2019, sledai_2k

EULAR_CODES = ["ana_positive", *EULAR_ACR_2019_TABLE]
eular_items = st.lists(st.sampled_from(EULAR_CODES))
sledai_items = st.lists(st.sampled_from(list(SLEDAI_2K_WEIGHTS)))


@given(eular_items)
def test_eular_agrees_with_naive(items: list[str]) -> None:
    result = eular_acr_2019.classify(items)
    assert (result.points, result.classified) == eular_acr_2019_points(items)


@given(eular_items, st.sampled_from(EULAR_CODES))
def test_eular_adding_a_criterion_never_lowers_points(items: list[str], extra: str) -> None:
    before = eular_acr_2019.classify(items)
    after = eular_acr_2019.classify([*items, extra])
    assert after.points >= before.points
    assert after.classified or not before.classified
    assert 0 <= after.points <= 51


@given(eular_items, st.randoms())
def test_eular_order_independent(items: list[str], random: st.SearchStrategy[object]) -> None:
    shuffled = list(items)
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    assert eular_acr_2019.classify(items) == eular_acr_2019.classify(shuffled)


@given(sledai_items)
def test_sledai_total_is_sum_of_scored_weights(items: list[str]) -> None:
    result = sledai_2k.score(items)
    assert result.total == sum(item.weight for item in result.scored)
    assert result.total == sledai_2k_total(items)
    assert 0 <= result.total <= 105


@given(sledai_items, st.randoms())
def test_sledai_order_independent(items: list[str], random: st.SearchStrategy[object]) -> None:
    shuffled = list(items)
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    assert sledai_2k.score(items) == sledai_2k.score(shuffled)


@given(sledai_items)
def test_clinical_sledai_is_sledai_minus_serology(items: list[str]) -> None:
    full = sledai_2k.score(items).total
    clinical = sledai_2k.score(items, index=sledai_2k.CLINICAL_SLEDAI_2K).total
    serology = sum(2 for code in set(items) if code in {"low_complement", "increased_dna_binding"})
    assert clinical == full - serology


@given(sledai_items, sledai_items, eular_items, eular_items)
def test_record_values_are_the_record(
    sledai_present: list[str],
    sledai_not_assessed: list[str],
    eular_present: list[str],
    eular_not_assessed: list[str],
) -> None:
    # A batch writes record_values(fields); it must be as_record() field by field.
    for result, name, fields in (
        (
            sledai_2k.score(
                sledai_present, not_assessed=set(sledai_not_assessed) - set(sledai_present)
            ),
            "sledai_2k",
            sledai_2k.INSTRUMENT.fields,
        ),
        (
            eular_acr_2019.classify(
                eular_present, not_assessed=set(eular_not_assessed) - set(eular_present)
            ),
            "eular_acr_2019",
            eular_acr_2019.INSTRUMENT.fields,
        ),
    ):
        record = result.as_record()
        assert result.record_values(fields) == [record[f"{name}.{field}"] for field in fields]
        assert result.record_values(reversed(fields)) == [
            record[f"{name}.{field}"] for field in reversed(fields)
        ]
