"""What the strategies draw, as plain data: :class:`ItemSet` and :class:`InvalidRecord`.

Defined apart from :mod:`sle_scoring.testing.strategies` so that tests can name
these types (``sle_scoring.testing.ItemSet``) without importing Hypothesis.
Private: :mod:`sle_scoring.testing` exports them.
"""

from __future__ import annotations

import json
from typing import Any

import attrs


@attrs.frozen
class ItemSet:
    """One instrument's items in their three states: ``present``, ``absent``
    (assessed, negative) and ``not_assessed`` (no evidence).

    Pass ``present`` as the items and ``not_assessed`` as ``not_assessed=`` to the
    instrument's item-level function (``eular_acr_2019.classify``,
    ``sledai_2k.score``, ...); every other item is taken as absent. SDI only:
    ``more_than_one`` holds the present "2 if more than one" items with a repeat
    episode or a second site (``sdi.score(..., more_than_one=)``).
    """

    instrument: str
    present: frozenset[str]
    absent: frozenset[str]
    not_assessed: frozenset[str]
    more_than_one: frozenset[str] = frozenset()


@attrs.frozen
class InvalidRecord:
    """A JSON patient record (as parsed, numbers as ``int``/``Decimal``) with exactly
    one deliberate error, and where the error must be reported.

    ``kind`` says what was broken (``code``, ``unit``, ``value``, ``date``, ``limit``,
    ``explained_by``, ``isotype``, ``field``, ``patient``); reading ``record`` must
    raise :class:`~sle_scoring.exceptions.InvalidEvidenceError` whose only problem
    names ``field``, at ``location`` (``observations[i]``; ``None`` for the record's
    own fields).
    """

    kind: str
    record: dict[str, Any]
    field: str
    location: str | None

    def json(self) -> str:
        """The record as JSON text (for testing file and stream readers)."""
        return json.dumps(self.record, ensure_ascii=False, default=float)
