"""The errors sle_scoring raises.

Every error names what was wrong, where, and what was expected, so that a batch run
can report a bad row precisely instead of guessing or skipping it. A message quotes
the bad value safely: cut short when long, with control characters escaped (see
docs/records.md, "Limits").
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from ._safe import MAX_TEXT_LENGTH, QUOTE_LENGTH, printable, quote, text_problem

__all__ = [
    "ArgumentTypeError",
    "InvalidArgumentError",
    "InvalidEvidenceError",
    "InvalidItemsError",
    "Problem",
    "SleScoringError",
    "UnknownCodeError",
]


class SleScoringError(Exception):
    """Base class of every error raised on purpose by sle_scoring."""


class UnknownCodeError(SleScoringError, ValueError):
    """A code is not in the vocabulary it was looked up in.

    The message quotes the bad code and, when one is close, suggests the valid code
    that was probably meant (``difflib`` similarity).
    """

    def __init__(
        self,
        code: str,
        vocabulary: str,
        suggestion: str | None,
        elsewhere: tuple[str, ...] = (),
    ) -> None:
        self.code = code
        self.vocabulary = vocabulary
        self.suggestion = suggestion
        self.elsewhere = elsewhere
        message = f"unknown {vocabulary} code {quote(code)}"
        if suggestion is not None:
            message += f"; did you mean {quote(suggestion)}?"
        if elsewhere:
            message += f" ({quote(code)} is an item of {', '.join(elsewhere)})"
        super().__init__(message)

    def __reduce__(
        self,
    ) -> tuple[type[UnknownCodeError], tuple[str, str, str | None, tuple[str, ...]]]:
        # Picklable, so the error travels back from a worker process (or a Dask or
        # Spark task) intact.
        return (type(self), (self.code, self.vocabulary, self.suggestion, self.elsewhere))


class InvalidItemsError(SleScoringError, TypeError):
    """Item-level input was of the wrong type (e.g. one string instead of a list)."""


class _ArgumentError(SleScoringError):
    """An argument of a public function was wrong; ``argument`` names the parameter."""

    def __init__(self, argument: str, message: str) -> None:
        self.argument = argument
        super().__init__(message)

    def __reduce__(self) -> tuple[type[_ArgumentError], tuple[str, str]]:
        # Picklable with its argument and message (worker processes, Dask, Spark).
        return (type(self), (self.argument, str(self)))


class ArgumentTypeError(_ArgumentError, TypeError):
    """An argument of a public function was of the wrong type (e.g. a date given as
    the text ``"2024-01-01"`` instead of a ``datetime.date``); ``argument`` names it.
    """


class InvalidArgumentError(_ArgumentError, ValueError):
    """An argument of a public function had an impossible value (e.g. a negative
    window, or findings missing an item); ``argument`` names it.
    """


def _shown(text: object) -> str:
    # Where a record's own text (its identifier, a field name) goes into a message.
    return printable(text if isinstance(text, str) else quote(text))


def _record(text: object) -> str | None:
    # A patient identifier is kept as given (it is the key that joins errors to the
    # input) unless it cannot be printed or written as UTF-8.
    if text is None or (isinstance(text, str) and text_problem(text, MAX_TEXT_LENGTH) is None):
        return text
    return _shown(text)


def _shown_optional(text: object) -> str | None:
    return None if text is None else _shown(text)


def _shown_field(text: object) -> str:
    return printable(text if isinstance(text, str) else quote(text), QUOTE_LENGTH)


@attrs.frozen
class Problem:
    """One thing wrong with one field of one observation of one record.

    ``record`` is the patient identifier (or the row number when no identifier could
    be read), ``location`` says where in the record (e.g. ``observations[3]
    (platelet_count)``), ``field`` names the field and ``message`` says what was
    expected and what was found.
    """

    # Made printable and bounded here, so that every error message and error row is
    # safe to print and to write as UTF-8 whatever the record held.
    record: str | None = attrs.field(converter=_record)
    location: str | None = attrs.field(converter=_shown_optional)
    field: str = attrs.field(converter=_shown_field)
    message: str = attrs.field(converter=_shown)

    def __str__(self) -> str:
        where = " ".join(
            part
            for part in (
                f"record {quote(self.record)}" if self.record is not None else None,
                self.location,
                f"field {quote(self.field)}",
            )
            if part
        )
        return f"{where}: {self.message}"


class InvalidEvidenceError(SleScoringError, ValueError):
    """One or more problems with evidence or a record; all of them are listed.

    ``problems`` holds every :class:`Problem` found, so a caller fixing a record sees
    them all at once instead of one per run.
    """

    def __init__(self, problems: Sequence[Problem]) -> None:
        if not problems:
            raise ValueError("InvalidEvidenceError needs at least one problem")
        self.problems = tuple(problems)
        if len(self.problems) == 1:
            message = str(self.problems[0])
        else:
            lines = [f"{len(self.problems)} problems:"]
            lines.extend(f"  - {problem}" for problem in self.problems)
            message = "\n".join(lines)
        super().__init__(message)

    def __reduce__(self) -> tuple[type[InvalidEvidenceError], tuple[tuple[Problem, ...]]]:
        # Picklable with its problems and message intact (worker processes, Dask, Spark).
        return (type(self), (self.problems,))


def __dir__() -> list[str]:
    # The public API is what __all__ lists (as in pypa/packaging).
    return list(__all__)
