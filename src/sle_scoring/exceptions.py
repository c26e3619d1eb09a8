"""The errors sle_scoring raises.

Every error names what was wrong, where, and what was expected, so that a batch run
can report a bad row precisely instead of guessing or skipping it.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

__all__ = [
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
        message = f"unknown {vocabulary} code {code!r}"
        if suggestion is not None:
            message += f"; did you mean {suggestion!r}?"
        if elsewhere:
            message += f" ({code!r} is an item of {', '.join(elsewhere)})"
        super().__init__(message)

    def __reduce__(
        self,
    ) -> tuple[type[UnknownCodeError], tuple[str, str, str | None, tuple[str, ...]]]:
        # Picklable, so the error travels back from a worker process (or a Dask or
        # Spark task) intact.
        return (type(self), (self.code, self.vocabulary, self.suggestion, self.elsewhere))


class InvalidItemsError(SleScoringError, TypeError):
    """Item-level input was of the wrong type (e.g. one string instead of a list)."""


@attrs.frozen
class Problem:
    """One thing wrong with one field of one observation of one record.

    ``record`` is the patient identifier (or the row number when no identifier could
    be read), ``location`` says where in the record (e.g. ``observations[3]
    (platelet_count)``), ``field`` names the field and ``message`` says what was
    expected and what was found.
    """

    record: str | None
    location: str | None
    field: str
    message: str

    def __str__(self) -> str:
        where = " ".join(
            part
            for part in (
                f"record {self.record!r}" if self.record is not None else None,
                self.location,
                f"field {self.field!r}",
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
