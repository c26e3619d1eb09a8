"""Suggestions for a mistyped code: the valid code closest to it.

Kept apart from :mod:`sle_scoring._items` (which re-exports :func:`suggest`) so
that the evidence layer can suggest codes without importing the item layer, whose
findings hold its observations: the imports then flow one way.

Private: used by the readers and the instrument modules.
"""

from __future__ import annotations

import bisect
import difflib
import functools
import math
from collections.abc import Iterable

from ._safe import MAX_CODE_LENGTH

__all__ = ["SUGGEST_CUTOFF", "suggest"]

# How similar (difflib's ratio) a valid code must be to be suggested: one or two
# letters wrong in a word of eight is 0.75 or more; "alopecia" and "leukopenia" are
# 0.67 apart, too far to be a typo of each other.
SUGGEST_CUTOFF = 0.75


def suggest(code: str, valid: Iterable[str]) -> str | None:
    """The valid code closest to ``code``, or ``None`` when nothing is close.

    Close means a difflib ratio of at least :data:`SUGGEST_CUTOFF`, or else
    ``code`` being whole words of exactly one valid code (``alopecia`` suggests
    ``non_scarring_alopecia``; a plural counts as its singular, ``platelets``
    suggests ``platelet_count``). Case is ignored on both sides, so ``degc`` suggests
    ``degC`` (not ``degF``). A code longer than any code may be gets no suggestion
    (difflib is quadratic), and answers are remembered: a misspelling repeated in
    every record costs one search.
    """
    if len(code) > MAX_CODE_LENGTH:
        return None
    return _closest(code.lower(), tuple(valid))


@functools.lru_cache(maxsize=4096)
def _closest(code: str, valid: tuple[str, ...]) -> str | None:
    by_lower, lengths, ordered = _by_length(valid)
    # Only options that can reach the cutoff are given to difflib (which is slow):
    # of a length that can (the ratio is at most 2 * min / sum of the lengths), and
    # with enough letters in common (each letter of one that the other lacks cannot
    # match). Most of a vocabulary is never compared.
    shortest = math.ceil(len(code) * SUGGEST_CUTOFF / (2 - SUGGEST_CUTOFF))
    longest = math.floor(len(code) * (2 - SUGGEST_CUTOFF) / SUGGEST_CUTOFF)
    letters = frozenset(code)
    same_length = ordered[
        bisect.bisect_left(lengths, shortest) : bisect.bisect_right(lengths, longest)
    ]
    candidates = [
        option
        for option, option_letters in same_length
        if _may_reach(code, letters, option, option_letters)
    ]
    if candidates:
        matches = difflib.get_close_matches(code, candidates, n=1, cutoff=SUGGEST_CUTOFF)
        if matches:
            return by_lower[matches[0]]
    # Whole words of one code; a plural counts as its singular ("platelets").
    for words in dict.fromkeys((code, code.removesuffix("s"))):
        containing = [o for lower, o in by_lower.items() if f"_{words}_" in f"_{lower}_"]
        if len(containing) == 1:
            return containing[0]
    return None


def _may_reach(code: str, letters: frozenset[str], option: str, in_option: frozenset[str]) -> bool:
    """Whether ``code`` and ``option`` have enough letters in common to reach the cutoff."""
    common = min(sum(map(in_option.__contains__, code)), sum(map(letters.__contains__, option)))
    return 2 * common >= SUGGEST_CUTOFF * (len(code) + len(option))


@functools.lru_cache(maxsize=64)
def _by_length(
    valid: tuple[str, ...],
) -> tuple[dict[str, str], list[int], list[tuple[str, frozenset[str]]]]:
    """The options by lower case, and the lower-case options (with their letters)
    sorted by length."""
    by_lower: dict[str, str] = {}
    for option in valid:
        by_lower.setdefault(option.lower(), option)
    ordered = sorted(by_lower, key=len)
    return by_lower, [len(option) for option in ordered], [(o, frozenset(o)) for o in ordered]
