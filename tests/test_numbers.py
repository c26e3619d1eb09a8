"""Numbers kept exactly and written for people (``sle_scoring._numbers``)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from sle_scoring._numbers import exact, percent, plain
from sle_scoring.exceptions import InvalidEvidenceError, InvalidItemsError


class TestPlain:
    @pytest.mark.parametrize(
        ("number", "text"),
        [
            (Fraction(0), "0"),
            (Fraction(15, 2), "7.5"),  # a prednisone dose
            (Fraction(100_000), "100000"),
            (Fraction(1, 8), "0.125"),  # 2 and 5 only in the denominator: terminates
            (Fraction(20, 3), "20/3"),  # does not terminate: kept as a fraction
            (Fraction(-3, 4), "-0.75"),
        ],
    )
    def test_written_as_people_write_it(self, number: Fraction, text: str) -> None:
        assert plain(number) == text

    def test_more_than_28_significant_digits_is_not_rounded(self) -> None:
        # 139 / 2**37 terminates after 37 decimal places; a Decimal context of 28
        # digits would round it (found by the property below).
        number = Fraction(139, 2**37)
        assert Fraction(plain(number)) == number
        assert plain(number) == "0." + format(139 * 5**37, "037d")

    @given(st.fractions())
    @example(Fraction(1, 2**100))  # 100 decimal places: more than a Decimal context keeps
    def test_reads_back_exactly(self, number: Fraction) -> None:
        assert Fraction(plain(number)) == number


class TestPercent:
    @pytest.mark.parametrize(
        ("share", "text"),
        [
            (Fraction(1, 2), "50%"),  # no trailing ".0"
            (Fraction(1, 3), "33.3%"),
            (Fraction(2, 3), "66.7%"),  # rounded to one decimal
            (Fraction(0), "0%"),
            (Fraction(1), "100%"),
        ],
    )
    def test_one_decimal(self, share: Fraction, text: str) -> None:
        assert percent(share) == text


class TestExact:
    @pytest.mark.parametrize(
        ("value", "number"),
        [
            (7, Fraction(7)),
            (Decimal("7.5"), Fraction(15, 2)),
            ("7.5", Fraction(15, 2)),
            (0.1, Fraction(1, 10)),  # a float as typed, not its binary value
            (Fraction(1, 3), Fraction(1, 3)),
        ],
    )
    def test_kept_exactly(self, value: object, number: Fraction) -> None:
        assert exact(value, "pga") == number

    def test_missing_stays_missing(self) -> None:
        assert exact(None, "pga") is None

    @pytest.mark.parametrize("value", [True, [1], "a lot", float("nan")])
    def test_not_a_number(self, value: object) -> None:
        with pytest.raises(InvalidItemsError, match="pga must be"):
            exact(value, "pga")

    def test_bounds_on_both_sides(self) -> None:
        assert exact(0, "pga", maximum=Fraction(3)) == 0
        assert exact(3, "pga", maximum=Fraction(3)) == 3
        with pytest.raises(InvalidEvidenceError, match=r"must be between 0 and 3 \(got 4\)"):
            exact(4, "pga", maximum=Fraction(3))
        with pytest.raises(InvalidEvidenceError, match=r"must be at least 0 \(got -1\)"):
            exact(-1, "prednisone_mg")


@given(st.fractions())
def test_an_exact_fraction_is_read_as_its_text_is(number: Fraction) -> None:
    # A Fraction is taken as it is (no copy); the same number written out takes the
    # full path: the same value, or the same error.
    def read(value: object) -> Fraction | str | None:
        try:
            return exact(value, "pga", maximum=Fraction(3), where="SRI")
        except (InvalidEvidenceError, InvalidItemsError) as error:
            return f"{type(error).__name__}: {error}".replace(repr(value), "")

    text = f"{number.numerator}/{number.denominator}"
    assert read(number) == read(text)
