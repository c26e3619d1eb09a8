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

from .exceptions import InvalidEvidenceError, InvalidItemsError, Problem


def plain(number: Fraction) -> str:
    """A number as people write it: ``7.5``, ``0``, ``20/3`` when it does not terminate."""
    if number.denominator == 1:
        return str(number.numerator)
    denominator = number.denominator
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    if denominator != 1:
        return f"{number.numerator}/{number.denominator}"
    text = format(Decimal(number.numerator) / Decimal(number.denominator), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def percent(share: Fraction) -> str:
    """A share (0 to 1) as a percentage to one decimal, without a trailing ``.0``:
    ``Fraction(1, 2)`` -> ``50%``, ``Fraction(1, 3)`` -> ``33.3%``."""
    return f"{float(share * 100):.1f}".removesuffix(".0") + "%"


def exact(
    value: object, name: str, *, maximum: Fraction | None = None, where: str = "outcome input"
) -> Fraction | None:
    """An item-level number (int, Decimal, Fraction, str, float as typed) kept exactly.

    ``None`` stays ``None`` (missing). A wrong type raises :class:`InvalidItemsError`;
    a negative value, or one above ``maximum``, raises :class:`InvalidEvidenceError`.
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, Decimal, Fraction, str, float)):
        raise InvalidItemsError(f"{name} must be a number or None (got {value!r})")
    try:
        number = Fraction(repr(value) if isinstance(value, float) else value)
    except (ValueError, ZeroDivisionError, OverflowError):
        raise InvalidItemsError(f"{name} must be a finite number or None (got {value!r})") from None
    if number < 0 or (maximum is not None and number > maximum):
        expected = f"between 0 and {plain(maximum)}" if maximum is not None else "at least 0"
        raise InvalidEvidenceError(
            [Problem(None, where, name, f"must be {expected} (got {value!r})")]
        )
    return number
