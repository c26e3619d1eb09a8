"""An evidence-level finding whose reason is worded on first read
(``_items.worded_later``) is, to every reader, the finding made with that reason
(``ItemFinding(...)``): equality, hashing, repr, ``attrs.asdict``/``evolve``, copies
and pickles."""

from __future__ import annotations

import copy
import datetime
import pickle

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sle_scoring import ItemFinding, ItemStatus
from sle_scoring._items import worded_later, words_of

statuses = st.sampled_from(list(ItemStatus))
texts = st.text(max_size=30)
dates = st.none() | st.dates(min_value=datetime.date(1990, 1, 1))
causes = st.tuples() | st.tuples(st.sampled_from(["infection", "drug"]))


class TestWordedLater:
    """The reason is computed when read and is then the same text for good."""

    @given(statuses, texts, dates, causes)
    def test_reads_as_the_finding_made_with_its_reason(
        self,
        status: ItemStatus,
        reason: str,
        date: datetime.date | None,
        explained_by: tuple[str, ...],
    ) -> None:
        made = ItemFinding("fever", status, reason, (), date, explained_by)

        def words() -> str:
            return reason

        def later() -> ItemFinding:
            return worded_later("fever", status, words, (), date, explained_by)

        assert pickle.dumps(later(), protocol=5) == pickle.dumps(made, protocol=5)
        assert pickle.dumps(later(), protocol=2) == pickle.dumps(made, protocol=2)
        assert repr(later()) == repr(made)
        assert attrs.asdict(later()) == attrs.asdict(made)
        assert later() == made
        assert made == later()
        assert hash(later()) == hash(made)
        assert attrs.evolve(later(), code="rash") == attrs.evolve(made, code="rash")
        assert copy.copy(later()) == made
        assert copy.deepcopy(later()) == made
        assert pickle.loads(pickle.dumps(later())) == made

    def test_words_once_and_keeps_them(self) -> None:
        calls: list[int] = []

        def words() -> str:
            calls.append(1)
            return "platelet count 45000 /µL < 100000 /µL"

        found = worded_later("thrombocytopenia", ItemStatus.PRESENT, words)
        assert calls == []  # not worded when made
        assert words_of(found) is words
        assert found.reason == "platelet count 45000 /µL < 100000 /µL"
        assert found.reason == "platelet count 45000 /µL < 100000 /µL"
        assert calls == [1]  # worded once, then kept
        assert words_of(found) == found.reason

    def test_a_reason_given_as_text_is_kept_as_it_is(self) -> None:
        found = worded_later("fever", ItemStatus.ABSENT, "temperature 37.0 °C")
        assert found == ItemFinding("fever", ItemStatus.ABSENT, "temperature 37.0 °C")
        assert words_of(found) == "temperature 37.0 °C"

    def test_still_frozen(self) -> None:
        found = worded_later("fever", ItemStatus.ABSENT, lambda: "x")
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            found.code = "rash"  # type: ignore[misc]
