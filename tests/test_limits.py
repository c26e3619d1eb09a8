"""Hostile input through the Python API and the JSON readers ends in a result or one
of the library's typed errors, whose message cannot itself fail (issue 12).

docs/records.md, "Limits": "Input beyond a limit is refused with a typed error
naming the record, the observation and the field, before any costly work." Each
reproduction of the issue and of the new-user trial has its own test. Where the old
behaviour was slow, the input is made large enough that the old code could not have
finished (minutes of exact arithmetic, or a RecursionError), and the test asserts
the error, never a time.
"""

from __future__ import annotations

import datetime
import difflib
import io
import pickle
from decimal import Decimal

import pytest

from sle_scoring import (
    ArgumentTypeError,
    InvalidArgumentError,
    InvalidEvidenceError,
    InvalidItemsError,
    Observation,
    Patient,
    UnknownCodeError,
    batch,
    eular_acr_2019,
    lldas,
    records,
    sdi,
    sledai_2k,
)
from sle_scoring._safe import (
    MAX_CODE_LENGTH,
    MAX_EXPONENT,
    MAX_JSON_DEPTH,
    MAX_LINE_LENGTH,
    MAX_NUMBER_DIGITS,
    QUOTE_LENGTH,
    quote,
)
from sle_scoring._suggest import SUGGEST_CUTOFF, suggest
from sle_scoring.evidence import titre_denominator
from sle_scoring.exceptions import Problem

DAY = datetime.date(2024, 1, 1)
ARTHRITIS = Observation("sledai_2k.arthritis", "present", DAY)


def only_problem(error: InvalidEvidenceError) -> Problem:
    assert len(error.problems) == 1, error.problems
    return error.problems[0]


def json_error(text: str) -> Problem:
    with pytest.raises(InvalidEvidenceError) as caught:
        records.loads(text)
    return only_problem(caught.value)


class TestJsonNesting:
    """ "JSON nested more than 64 levels deep is refused" (a record needs 4)."""

    def test_the_reproduction_is_an_error_line(self) -> None:
        # Was: RecursionError out of iter_json_lines.
        [(number, result)] = list(records.iter_json_lines(io.StringIO("[" * 2514)))
        assert number == 1
        assert isinstance(result, InvalidEvidenceError)
        assert only_problem(result).message == "is nested more than 64 levels deep"

    def test_at_the_limit_it_parses(self) -> None:
        text = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
        value = records.loads(text)
        for _ in range(MAX_JSON_DEPTH - 1):
            assert isinstance(value, list)
            value = value[0]
        assert value == []

    def test_one_beyond_the_limit_is_refused(self) -> None:
        depth = MAX_JSON_DEPTH + 1
        problem = json_error("[" * depth + "]" * depth)
        assert (problem.field, problem.message) == ("(json)", "is nested more than 64 levels deep")

    def test_objects_count_as_levels_too(self) -> None:
        depth = MAX_JSON_DEPTH + 1
        assert "nested" in json_error('{"a":' * depth + "1" + "}" * depth).message

    def test_brackets_inside_strings_do_not_count(self) -> None:
        text = '{"patient": "' + "[" * 5000 + '"}'
        assert records.loads(text) == {"patient": "[" * 5000}

    def test_a_million_levels_is_refused_without_recursion(self) -> None:
        assert "nested" in json_error("[" * 1_000_000).message


class TestJsonNumbers:
    """ "A number may have at most 100 significant digits, and a power of ten between
    -100 and 100"."""

    def test_the_reproduction_5000_digits(self) -> None:
        # Was: ValueError (int digit limit) out of records.loads.
        problem = json_error('{"a":' + "9" * 5000 + "}")
        assert problem.field == "(json)"
        assert "at most 100 significant digits" in problem.message

    def test_digits_on_both_sides_of_the_limit(self) -> None:
        assert records.loads("9" * MAX_NUMBER_DIGITS) == int("9" * MAX_NUMBER_DIGITS)
        assert records.loads("0." + "9" * MAX_NUMBER_DIGITS) == Decimal("0." + "9" * 100)
        problem = json_error("9" * (MAX_NUMBER_DIGITS + 1))
        assert "at most 100 significant digits (got 101)" in problem.message

    def test_the_reproduction_huge_exponent(self) -> None:
        # Was: minutes of exact arithmetic (a 100-million-digit integer), then a crash.
        raw = (
            '{"patient": "P1", "observations": [{"code": "platelet_count", '
            '"value": 1e99999999, "unit": "/µL"}]}'
        )
        [(_, result)] = list(records.iter_json_lines(io.StringIO(raw)))
        assert isinstance(result, InvalidEvidenceError)
        assert "between 1e-100 and 1e101" in only_problem(result).message

    def test_exponent_on_both_sides_of_the_limit(self) -> None:
        assert records.loads(f"1e{MAX_EXPONENT}") == Decimal("1e100")
        assert records.loads(f"1e-{MAX_EXPONENT}") == Decimal("1e-100")
        assert "between" in json_error(f"1e{MAX_EXPONENT + 1}").message
        assert "between" in json_error(f"1e-{MAX_EXPONENT + 1}").message

    def test_zero_with_any_exponent_is_zero(self) -> None:
        assert records.loads("0e5") == 0

    def test_a_huge_decimal_observation_is_refused(self) -> None:
        with pytest.raises(InvalidEvidenceError) as caught:
            Observation("temperature", Decimal("1e99999999"), unit="°C")
        assert only_problem(caught.value).field == "value"
        assert "between 1e-100 and 1e101" in str(caught.value)

    def test_a_huge_int_observation_is_refused(self) -> None:
        with pytest.raises(InvalidEvidenceError) as caught:
            Observation("temperature", 10**5000, unit="°C")
        assert str(caught.value) == (
            "observation 'temperature' field 'value': must have at most 100 significant "
            "digits (got <an integer of about 5001 digits>)"
        )

    def test_a_huge_limit_is_refused(self) -> None:
        with pytest.raises(InvalidEvidenceError) as caught:
            Observation("c3", Decimal("0.5"), unit="g/L", lower_limit=Decimal("1e-99999999"))
        assert only_problem(caught.value).field == "lower_limit"

    def test_an_outcome_input_with_a_huge_exponent_is_refused(self) -> None:
        score = sledai_2k.score([])
        with pytest.raises(InvalidItemsError, match="at most 100 digits"):
            lldas.assess(score, first_assessment=True, pga="1e99999999")


class TestTextLimits:
    """ "A code, unit, assay, isotype or cause has at most 100 characters; a patient
    identifier or a note at most 10,000; a JSON Lines line at most 10 million"."""

    def test_the_reproduction_10_mb_code(self) -> None:
        # Was: 2 s and 478 MB in difflib for a suggestion.
        with pytest.raises(InvalidEvidenceError) as caught:
            Observation("x" * 10_000_000, "present")
        problem = only_problem(caught.value)
        assert problem.field == "code"
        assert problem.message == "must be at most 100 characters (got 10000000 characters)"
        assert len(str(caught.value)) < 300

    def test_code_length_on_both_sides_of_the_limit(self) -> None:
        def code_message(code: str) -> str:
            with pytest.raises(InvalidEvidenceError) as caught:
                Observation(code, "present")
            return only_problem(caught.value).message

        assert code_message("x" * MAX_CODE_LENGTH).startswith("unknown observation code")
        assert code_message("x" * (MAX_CODE_LENGTH + 1)).startswith("must be at most 100")

    def test_a_long_unknown_item_code_gets_no_suggestion(self) -> None:
        with pytest.raises(UnknownCodeError) as caught:
            sledai_2k.score(["arthritis" * 1_000_000])
        assert caught.value.suggestion is None
        assert len(str(caught.value)) < 300

    def test_a_long_note_is_refused(self) -> None:
        with pytest.raises(InvalidEvidenceError, match="note"):
            Observation("sledai_2k.arthritis", "present", note="n" * 10_001)
        assert Observation("sledai_2k.arthritis", "present", note="n" * 10_000).note

    def test_a_long_line_is_one_error_and_the_next_line_is_read(self) -> None:
        good = '{"patient": "P2", "observations": []}'
        stream = io.StringIO(" " * (MAX_LINE_LENGTH + 1) + "\n" + good + "\n")
        (first, error), (second, patient) = records.iter_json_lines(stream)
        assert first == 1
        assert isinstance(error, InvalidEvidenceError)
        assert only_problem(error).message == (
            "is 10000001 characters long; a line may have at most 10000000"
        )
        assert (second, patient) == (2, Patient("P2", ()))

    def test_a_line_at_the_limit_is_read(self) -> None:
        line = '{"patient": "P1", "observations": []}'
        padded = line + " " * (MAX_LINE_LENGTH - len(line))
        [(number, patient)] = records.iter_json_lines(io.StringIO(padded + "\n"))
        assert (number, patient) == (1, Patient("P1", ()))


class TestReproductions:
    """The crashes of issue 12 and the new-user trial, one test each."""

    def test_a_titre_with_a_superscript_digit(self) -> None:
        # Was: ValueError from int("²") (str.isdigit accepts it).
        raw = {"patient": "P1", "observations": [{"code": "ana", "value": "1:²"}]}
        with pytest.raises(InvalidEvidenceError) as caught:
            records.patient_from_dict(raw)
        assert only_problem(caught.value).field == "value"
        assert "must be a titre '1:N'" in str(caught.value)
        assert titre_denominator("1:²") is None
        assert titre_denominator("1:" + "9" * 5000) is None
        assert titre_denominator("1:160") == 160

    def test_a_window_reaching_before_year_1(self) -> None:
        # Was: OverflowError in Patient.window (0001-01-02 minus 10 days).
        early = datetime.date(1, 1, 2)
        patient = Patient("P1", (Observation("sledai_2k.arthritis", "present", early),))
        assert sledai_2k.score_visit(patient, early).total == 4  # arthritis 4
        assert patient.window(early, 10**6) == list(patient.observations)

    def test_six_months_after_the_last_year_is_a_typed_error(self) -> None:
        with pytest.raises(InvalidArgumentError, match="outside the calendar"):
            sdi.six_months_after(datetime.date(9999, 8, 1))
        assert sdi.six_months_after(datetime.date(9999, 6, 30)) == datetime.date(9999, 12, 30)

    def test_a_lone_surrogate_is_refused_at_read_time(self) -> None:
        # Was: accepted, then UnicodeEncodeError when the output was written.
        text = '{"patient": "P\\ud800", "observations": []}'
        [(_, result)] = list(records.iter_json_lines(io.StringIO(text)))
        assert isinstance(result, InvalidEvidenceError)
        problem = only_problem(result)
        assert (problem.record, problem.field) == ("line 1", "patient")
        assert "lone surrogate" in problem.message
        str(result).encode("utf-8")  # the message itself is writable

    def test_a_lone_surrogate_in_a_note_is_refused(self) -> None:
        with pytest.raises(InvalidEvidenceError, match="lone surrogate") as caught:
            Observation("sledai_2k.arthritis", "present", note="\udfff")
        str(caught.value).encode("utf-8")

    def test_a_unit_that_is_a_set(self) -> None:
        # Was: TypeError (unhashable type: 'set').
        with pytest.raises(InvalidEvidenceError) as caught:
            Observation("temperature", 38.5, unit={"x"})
        assert str(caught.value) == (
            "observation 'temperature' field 'unit': must be text (got {'x'})"
        )

    def test_as_of_given_as_an_integer(self) -> None:
        # Was: AttributeError ('int' object has no attribute 'isoformat').
        with pytest.raises(ArgumentTypeError) as caught:
            eular_acr_2019.classify_patient(Patient("P1", ()), as_of=20240101)  # type: ignore[arg-type]
        assert isinstance(caught.value, TypeError)
        assert caught.value.argument == "as_of"
        assert str(caught.value) == (
            "as_of must be a datetime.date (not a datetime or a text) (got 20240101 of type int)"
        )

    def test_a_visit_date_given_as_text(self) -> None:
        # Was: TypeError (str minus timedelta).
        with pytest.raises(ArgumentTypeError) as caught:
            sledai_2k.score_visit(Patient("P1", ()), "2024-01-01")  # type: ignore[arg-type]
        assert caught.value.argument == "visit_date"

    def test_a_datetime_is_not_a_date(self) -> None:
        with pytest.raises(ArgumentTypeError, match="not a datetime"):
            sledai_2k.score_visit(Patient("P1", ()), datetime.datetime(2024, 1, 1))

    def test_a_patient_that_is_not_a_patient(self) -> None:
        with pytest.raises(ArgumentTypeError, match="patient must be a Patient"):
            eular_acr_2019.classify_patient({"patient": "P1"})  # type: ignore[arg-type]

    def test_an_unpublished_window_is_an_invalid_argument(self) -> None:
        with pytest.raises(InvalidArgumentError, match="not a published SLEDAI-2K window"):
            sledai_2k.score_visit(Patient("P1", (ARTHRITIS,)), DAY, window_days=5)

    def test_batch_error_message_of_a_huge_integer(self) -> None:
        # Was: ValueError from repr(10**5000) while building the error row.
        rows = list(
            batch.score_records(
                [{"patient_id": "=", "visit_date": "0", "rash": 10**5000}], errors="report"
            )
        )
        assert [(row["row"], row["field"]) for row in rows] == [
            (2, "visit_date"),
            (2, "rash"),
        ]
        assert "<an integer of about 5001 digits>" in str(rows[1]["message"])

    def test_batch_errors_argument_is_an_invalid_argument(self) -> None:
        with pytest.raises(InvalidArgumentError, match="errors must be 'raise' or 'report'"):
            list(batch.score_records([], errors="ignore"))  # type: ignore[arg-type]

    def test_a_patient_with_an_integer_id(self) -> None:
        # Was: accepted.
        with pytest.raises(InvalidEvidenceError) as caught:
            Patient(5, ())  # type: ignore[arg-type]
        assert str(caught.value) == "patient field 'id': must be a non-empty string (got 5)"

    def test_a_patient_with_an_empty_id(self) -> None:
        with pytest.raises(InvalidEvidenceError, match="non-empty string"):
            Patient("", ())

    def test_the_new_errors_pickle(self) -> None:
        for error in (ArgumentTypeError("as_of", "m"), InvalidArgumentError("window_days", "m")):
            copy = pickle.loads(pickle.dumps(error))
            assert (type(copy), copy.argument, str(copy)) == (type(error), error.argument, "m")


class TestSuggestions:
    """ "Did you mean" offers only a close code: a difflib ratio of at least 0.75, or
    the given code being whole words of exactly one valid code."""

    def test_alopecia_is_not_offered_leukopenia(self) -> None:
        codes = [c.code for c in eular_acr_2019.CRITERIA]
        assert difflib.SequenceMatcher(None, "alopecia", "leukopenia").ratio() < SUGGEST_CUTOFF
        assert suggest("alopecia", codes) == "non_scarring_alopecia"

    def test_a_close_typo_is_offered(self) -> None:
        codes = [c.code for c in eular_acr_2019.CRITERIA]
        assert suggest("lukopenia", codes) == "leukopenia"

    def test_just_below_the_cutoff_is_not_offered(self) -> None:
        assert SUGGEST_CUTOFF > 2 * 4 / (4 + 8)  # 0.67
        assert suggest("abcd", ["abcdefgh"]) is None
        assert SUGGEST_CUTOFF <= 2 * 5 / (5 + 8)  # 0.77
        assert suggest("abcde", ["abcdefgh"]) == "abcdefgh"

    def test_a_plural_is_offered_its_singular(self) -> None:
        assert difflib.SequenceMatcher(None, "platelets", "platelet_count").ratio() < SUGGEST_CUTOFF
        assert suggest("platelets", ["platelet_count", "c3"]) == "platelet_count"
        assert suggest("platelets", ["platelet_count", "mean_platelet_volume"]) is None

    def test_a_word_of_two_codes_is_not_offered(self) -> None:
        assert suggest("alopecia", ["scarring_alopecia", "non_scarring_alopecia"]) is None

    def test_far_apart_codes_are_not_offered(self) -> None:
        assert suggest("xyzzy", [c.code for c in eular_acr_2019.CRITERIA]) is None

    def test_a_repeated_misspelling_is_searched_once(self, monkeypatch: pytest.MonkeyPatch) -> None:
        calls: list[str] = []
        original = difflib.get_close_matches

        def counting(word: str, possibilities: list[str], n: int, cutoff: float) -> list[str]:
            calls.append(word)
            return original(word, possibilities, n=n, cutoff=cutoff)

        monkeypatch.setattr(difflib, "get_close_matches", counting)
        for _ in range(100_000):
            assert suggest("platelet_cont_repeated", ["platelet_count_repeated"]) is not None
        assert calls == ["platelet_cont_repeated"]

    def test_a_code_longer_than_any_code_is_not_searched(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        def refuse(*args: object, **kwargs: object) -> list[str]:
            raise AssertionError("difflib called")

        monkeypatch.setattr(difflib, "get_close_matches", refuse)
        assert suggest("a" * (MAX_CODE_LENGTH + 1), ["a" * MAX_CODE_LENGTH]) is None


class _RaisingRepr:
    def __repr__(self) -> str:
        raise RuntimeError("repr must not be called")


class TestQuote:
    """Error messages quote values with _safe.quote: bounded, escaped, never failing."""

    def test_short_values_read_as_their_repr(self) -> None:
        for value in ("abc", 5, -1.5, None, True, Decimal("38.5"), DAY, [1, "a"], (1,), {"a": 1}):
            assert quote(value) == repr(value)

    def test_a_long_text_is_cut_short(self) -> None:
        assert quote("x" * 10_000_000) == repr("x" * QUOTE_LENGTH) + "... (10000000 characters)"

    def test_control_characters_and_terminal_escapes_are_escaped(self) -> None:
        assert quote("\x1b[2J\r\n\u202e") == "'\\x1b[2J\\r\\n\\u202e'"

    def test_a_huge_integer_is_never_converted(self) -> None:
        assert quote(10**5000) == "<an integer of about 5001 digits>"

    def test_an_object_is_named_by_its_type_only(self) -> None:
        assert quote(_RaisingRepr()) == "<test_limits._RaisingRepr object>"

    def test_a_str_subclass_repr_is_not_called(self) -> None:
        class Text(str):
            def __repr__(self) -> str:
                raise RuntimeError("repr must not be called")

        assert quote(Text("hi")) == "'hi'"

    def test_containers_are_bounded_in_length_and_depth(self) -> None:
        assert quote(list(range(10))) == "[0, 1, 2, 3, 4, ...]"
        assert quote([[[1]]]) == "[[<list object>]]"
        deep: list[object] = []
        for _ in range(100_000):
            deep = [deep]
        assert quote(deep) == "[[<list object>]]"

    def test_a_problem_with_hostile_parts_prints_and_encodes(self) -> None:
        problem = Problem("P\ud800", "obs \x1b[31m", "f\n" * 10_000, "bad \udfff" * 10_000)
        text = str(InvalidEvidenceError([problem]))
        text.encode("utf-8")
        assert "\x1b" not in text
        assert "\n" not in text
        assert len(text) < 11_000


def test_loads_wants_text() -> None:
    with pytest.raises(ArgumentTypeError, match="text must be a str"):
        records.loads(b"[1]")  # type: ignore[arg-type]
