"""Numbers: caller-supplied numbers kept exactly, and numbers written for people.

- :func:`exact`: an item-level number (PGA, a dose) as a ``Fraction``, checked;
- :func:`plain`: a number as people write it (``7.5``, ``20/3``), in explanations
  and error messages;
- :func:`percent`: a share of follow-up as a percentage to one decimal.

Private: imported by the evidence, glucocorticoid and outcome modules, and by
nothing else of the package, so that none of them imports another for a formatter.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from ._safe import MAX_NUMBER_DIGITS, number_problem, quote
from .exceptions import InvalidEvidenceError, InvalidItemsError, Problem


def plain(number: Fraction) -> str:
    """A number as people write it: ``7.5``, ``0``, ``20/3`` when it does not terminate."""
    # The two integers read once (explanations word numbers at every visit of a batch).
    numerator, denominator = number.numerator, number.denominator
    if denominator == 1:
        return str(numerator)
    rest = denominator
    places = 0  # decimal places needed: the larger power of 2 or 5 in the denominator
    for prime in (2, 5):
        power = 0
        while rest % prime == 0:
            rest //= prime
            power += 1
        places = max(places, power)
    if rest != 1:
        return f"{numerator}/{denominator}"
    # Integer arithmetic, not Decimal division: a Decimal context would round past
    # 28 significant digits (Fraction(139, 2**37) has 37 decimal places).
    scaled = abs(numerator) * 10**places // denominator
    whole, fraction = divmod(scaled, 10**places)
    sign = "-" if numerator < 0 else ""  # (the denominator is positive)
    return f"{sign}{whole}.{fraction:0{places}d}".rstrip("0").rstrip(".")


def percent(share: Fraction) -> str:
    """A share (0 to 1) as a percentage to one decimal, without a trailing ``.0``:
    ``Fraction(1, 2)`` -> ``50%``, ``Fraction(1, 3)`` -> ``33.3%``."""
    return f"{float(share * 100):.1f}".removesuffix(".0") + "%"


def _within_limits(value: int | Decimal | Fraction | str | float) -> Decimal | Fraction | str:
    """``value`` for ``Fraction``, refused (ValueError) beyond the limits of
    docs/records.md: an exponent of 1e99999999 would build a 100-million-digit int."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int) and value.bit_length() > 4 * MAX_NUMBER_DIGITS:
        raise ValueError("too many digits")
    if isinstance(value, str) and len(value) > 2 * MAX_NUMBER_DIGITS:
        raise ValueError("too many digits")
    if isinstance(value, str) and "/" in value:
        return value  # a ratio of two bounded whole numbers
    number = Decimal(float.__repr__(value) if isinstance(value, float) else value)
    if number.is_finite() and number_problem(number) is not None:
        raise ValueError("beyond the limits")
    return number


def exact(
    value: object, name: str, *, maximum: Fraction | None = None, where: str = "outcome input"
) -> Fraction | None:
    """An item-level number (int, Decimal, Fraction, str, float as typed) kept exactly.

    ``None`` stays ``None`` (missing). A wrong type raises :class:`InvalidItemsError`;
    a negative value, or one above ``maximum``, raises :class:`InvalidEvidenceError`.
    """
    if value is None:
        return None
    if type(value) is Fraction:
        # Exact already (e.g. read from evidence, at every visit of a batch): the
        # value itself, as Fraction(value) would give it.
        number = value
    elif isinstance(value, bool) or not isinstance(value, (int, Decimal, Fraction, str, float)):
        raise InvalidItemsError(f"{name} must be a number or None (got {quote(value)})")
    else:
        try:
            number = Fraction(_within_limits(value))
        except (ValueError, ZeroDivisionError, OverflowError, ArithmeticError):
            raise InvalidItemsError(
                f"{name} must be a finite number or None, of at most {MAX_NUMBER_DIGITS} "
                f"digits (got {quote(value)})"
            ) from None
    if number < 0 or (maximum is not None and number > maximum):
        expected = f"between 0 and {plain(maximum)}" if maximum is not None else "at least 0"
        raise InvalidEvidenceError(
            [Problem(None, where, name, f"must be {expected} (got {quote(value)})")]
        )
    return number
