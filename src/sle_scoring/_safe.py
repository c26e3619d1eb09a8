"""The limits on input that every reader and constructor enforces (docs/records.md,
"Limits"), and the quoting of hostile values in error messages.

An error message must not fail, hang or flood a terminal because of the value it
reports: :func:`quote` never calls a user-defined ``repr``, shows at most
:data:`QUOTE_LENGTH` characters of a long text or number, and escapes control
characters (terminal escape sequences included) and lone surrogates.

Private: the limits are documented in docs/records.md.
"""

from __future__ import annotations

import datetime
import itertools
import math
import re
from decimal import Decimal
from fractions import Fraction

#: How deeply JSON arrays and objects may nest (a record needs 4 levels).
MAX_JSON_DEPTH = 64
#: Significant digits of one number (a laboratory reports far fewer).
MAX_NUMBER_DIGITS = 100
#: The largest power of ten of a number: 1e-100 <= |number| < 1e101, or 0.
MAX_EXPONENT = 100
#: Characters of a code, unit, assay, isotype or cause.
MAX_CODE_LENGTH = 100
#: Characters of a patient identifier or a note.
MAX_TEXT_LENGTH = 10_000
#: Characters of one line of JSON Lines.
MAX_LINE_LENGTH = 10_000_000

#: Characters of a text (or digits of a number) shown when quoting it in a message.
QUOTE_LENGTH = 100
#: Characters of one error message (a longer one is cut short).
MAX_MESSAGE_LENGTH = 10_000
# Elements of a list, tuple, set or dict shown, and how deeply nested ones are shown.
_QUOTE_ITEMS = 5
_QUOTE_DEPTH = 2

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_LOG10_2 = math.log10(2)


def quote(value: object) -> str:
    """``repr(value)`` made safe for an error message (bounded, escaped, cannot fail).

    Short texts, numbers, dates, ``None`` and small containers of them read as their
    ``repr``; a long text keeps its first :data:`QUOTE_LENGTH` characters and says
    how long it was; a huge number says how many digits it has; any other object is
    named by its type only.
    """
    return _quote(value, _QUOTE_DEPTH)


def _quote(value: object, depth: int) -> str:
    # The base classes' own methods: a subclass's __repr__ or __len__ is never called.
    if value is None or isinstance(value, bool):
        return "None" if value is None else bool.__repr__(bool(value))
    if isinstance(value, str):
        return _quote_text(value)
    if isinstance(value, int):
        return _quote_int(int.__int__(value))
    if isinstance(value, float):
        return float.__repr__(value)
    if isinstance(value, Decimal):
        return _cut(Decimal.__repr__(value))
    if isinstance(value, Fraction):
        return f"Fraction({_quote_int(value.numerator)}, {_quote_int(value.denominator)})"
    if isinstance(value, (datetime.date, datetime.timedelta)):
        return _quote_date(value)
    if isinstance(value, (list, tuple, set, frozenset, dict)):
        return _quote_container(value, depth)
    return f"<{_type_name(value)} object>"


def _quote_text(text: str) -> str:
    length = str.__len__(text)
    shown = str.__repr__(str.__getitem__(text, slice(0, QUOTE_LENGTH)))
    return shown if length <= QUOTE_LENGTH else f"{shown}... ({length} characters)"


def _quote_int(number: int) -> str:
    if number.bit_length() <= QUOTE_LENGTH * 3:  # 2**300 has 91 digits
        return int.__repr__(number)
    # Never converted to decimal: that is quadratic, and refused beyond 4300 digits.
    return f"<an integer of about {int(number.bit_length() * _LOG10_2) + 1} digits>"


def _cut(text: str) -> str:
    if len(text) <= QUOTE_LENGTH:
        return text
    return f"{text[:QUOTE_LENGTH]}... ({len(text)} characters)"


def _quote_date(value: datetime.date | datetime.timedelta) -> str:
    try:
        if isinstance(value, datetime.datetime):
            return datetime.datetime.__repr__(value)
        if isinstance(value, datetime.date):
            return datetime.date.__repr__(value)
        return datetime.timedelta.__repr__(value)
    except Exception:  # a user-defined tzinfo can fail
        return f"<{_type_name(value)} object>"


_CONTAINERS: dict[type, tuple[str, str]] = {
    list: ("[", "]"),
    tuple: ("(", ")"),
    set: ("{", "}"),
    frozenset: ("frozenset({", "})"),
    dict: ("{", "}"),
}


def _quote_container(
    value: list[object]
    | tuple[object, ...]
    | set[object]
    | frozenset[object]
    | dict[object, object],
    depth: int,
) -> str:
    brackets = _CONTAINERS.get(type(value))
    if brackets is None or depth <= 0:
        return f"<{_type_name(value)} object>"  # a subclass's own repr may differ
    if isinstance(value, dict):
        pairs = itertools.islice(value.items(), _QUOTE_ITEMS + 1)
        parts = [f"{_quote(k, depth - 1)}: {_quote(v, depth - 1)}" for k, v in pairs]
    else:
        parts = [_quote(v, depth - 1) for v in itertools.islice(value, _QUOTE_ITEMS + 1)]
    if len(parts) > _QUOTE_ITEMS:
        parts[_QUOTE_ITEMS:] = ["..."]
    if isinstance(value, tuple) and len(value) == 1:
        return f"({parts[0]},)"
    if isinstance(value, (set, frozenset)) and not value:
        return f"{type(value).__name__}()"
    return f"{brackets[0]}{', '.join(parts)}{brackets[1]}"


def _type_name(value: object) -> str:
    kind = type(value)
    module = kind.__module__ if isinstance(kind.__module__, str) else "?"
    name = kind.__qualname__ if isinstance(kind.__qualname__, str) else "?"
    full = name if module == "builtins" else f"{module}.{name}"
    return printable(full, QUOTE_LENGTH)


def printable(text: str, limit: int = MAX_MESSAGE_LENGTH) -> str:
    """``text`` with control characters and lone surrogates escaped, and cut short
    after ``limit`` characters: safe to print and to encode as UTF-8."""
    if str.isprintable(text) and str.__len__(text) <= limit:
        return str.__str__(text)
    cut = str.__getitem__(text, slice(0, limit))
    escaped = "".join(c if c.isprintable() else repr(c)[1:-1] for c in cut)
    length = str.__len__(text)
    if length <= limit and len(escaped) <= limit:
        return escaped
    return f"{escaped[:limit]}... ({length} characters)"


def text_problem(text: str, limit: int) -> str | None:
    """What is wrong with a text field (too long, or a lone surrogate), else ``None``."""
    if len(text) > limit:
        return f"must be at most {limit} characters (got {len(text)} characters)"
    if not text.isascii() and _LONE_SURROGATE.search(text):
        return f"must be valid Unicode text; it holds a lone surrogate (got {quote(text)})"
    return None


def number_problem(number: Decimal) -> str | None:
    """What is beyond the limits in a finite number, else ``None``."""
    if not number:
        return None
    digits = len(number.as_tuple().digits)
    if digits > MAX_NUMBER_DIGITS:
        return f"must have at most {MAX_NUMBER_DIGITS} significant digits (got {digits})"
    if abs(number.adjusted()) > MAX_EXPONENT:
        return f"must be between 1e-{MAX_EXPONENT} and 1e{MAX_EXPONENT + 1} in size, or 0"
    return None


def days_before(day: datetime.date, days: int) -> datetime.date:
    """``day`` minus ``days`` days, or the first date of the calendar if earlier."""
    if days >= day.toordinal():
        return datetime.date.min
    return day - datetime.timedelta(days=days)
