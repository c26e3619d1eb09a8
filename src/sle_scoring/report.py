"""A self-contained HTML report of patients' courses (``sle-scoring report``).

One HTML file that opens in any browser without network access or JavaScript: for
a cohort, a summary table (patients classified under each criteria set, share of
follow-up in LLDAS and in DORIS 2021 remission) with a row per patient linking to
its section; per patient, the course figure (:func:`sle_scoring.plot.course`,
inlined as SVG), a visit-by-visit table of each instrument's verdict and, folded
under each visit, the explanations. Every text is escaped (``html.escape``): a
patient identifier or a note can never become markup. The page's
Content-Security-Policy forbids scripts and every network request.

Drawing the figures needs the plot extra: ``pip install 'sle-scoring[plot]'``
(matplotlib), as :mod:`sle_scoring.plot` does. The command line loads this module
only for ``sle-scoring report``, so its other commands never load matplotlib.

A report holds at most :data:`MAX_PATIENTS` patients (each figure is drawn, and
weighs, about as much as a page); past it, :class:`CohortTooLargeError`. Split a
larger cohort into several files (``split -l 100 cohort.jsonl part-``).

Research use: the report classifies and scores; it is never a diagnosis.
"""

from __future__ import annotations

import datetime
import html as _html
import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Protocol

import attrs

from . import (
    acr_1997,
    eular_acr_2019,
    plot,
    sledai_2k,
    slicc_2012,
    vocabulary,
)
from . import timeline as _timeline
from ._items import suggest
from ._registry import Instrument, Occasion, apply, instruments
from .evidence import Patient
from .exceptions import SleScoringError, UnknownCodeError
from .plot import Event, UndatedValue

__all__ = [
    "MAX_PATIENTS",
    "VISIT_COLUMNS",
    "CohortTooLargeError",
    "html",
]

#: The most patients one report holds (see the module docstring).
MAX_PATIENTS = 100

_TITLE = "sle_scoring report: patients' courses"
_NOTICE = (
    "Research use only: classification criteria and activity scores computed from the "
    "evidence given. This report is never a diagnosis."
)


class CohortTooLargeError(SleScoringError, ValueError):
    """More patients than :data:`MAX_PATIENTS` were given to one report."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(
            f"a report holds at most {limit} patients (got more); split the cohort into "
            f"files of {limit} patients or fewer, e.g. split -l {limit} cohort.jsonl part-"
        )

    def __reduce__(self) -> tuple[type[CohortTooLargeError], tuple[int]]:
        return (type(self), (self.limit,))


class _Verdict(Protocol):
    """What the visit table shows of a result: its one-line verdict and explanation."""

    @property
    def verdict(self) -> str: ...

    def explain(self) -> str: ...


@attrs.frozen
class _SledaiVerdict:
    # SLEDAI-2K's Score has no verdict line yet: the number, and what is missing.
    score: sledai_2k.Score

    @property
    def verdict(self) -> str:
        if len(self.score.not_assessed) == len(self.score.index.descriptors):
            return "not assessed (no descriptor recorded)"
        if self.score.complete:
            return str(self.score.total)
        return (
            f"at least {self.score.total} (incomplete: {len(self.score.not_assessed)} "
            "descriptors not assessed)"
        )

    def explain(self) -> str:
        return self.score.explain()


# The short headings the visit table has always had; any other registered
# instrument is headed by its registry title.
_HEADINGS = {
    "eular_acr_2019": "2019 EULAR/ACR",
    "slicc_2012": "SLICC 2012",
    "acr_1997": "ACR 1997",
    "sledai_2k": "SLEDAI-2K",
    "lldas": "LLDAS",
    "doris_remission": "DORIS 2021 remission",
}

#: The instruments of the visit table, in registry order (``sle_scoring.INSTRUMENTS``,
#: variants such as clinical SLEDAI-2K left out): (heading, registry entry). Each is
#: applied at a visit as batch scoring applies it (classification on the evidence up
#: to the visit; outcomes between visits against the previous or the first visit).
VISIT_COLUMNS: tuple[tuple[str, Instrument], ...] = tuple(
    (_HEADINGS.get(name, spec.title), spec)
    for name, spec in instruments().items()
    if spec.variant_of is None
)


def _at_visit(spec: Instrument, patient: Patient, occasion: Occasion) -> _Verdict:
    result = apply(spec, patient, occasion)
    if result is None:
        return _NothingToCompare(spec.title)
    if isinstance(result, sledai_2k.Score):
        return _SledaiVerdict(result)
    return result


@attrs.frozen
class _NothingToCompare:
    title: str

    @property
    def verdict(self) -> str:
        return "nothing to compare with at the first visit"

    def explain(self) -> str:
        return f"{self.title}: nothing to compare with at the first visit"


class _Classified(Protocol):
    @property
    def classified(self) -> bool: ...


# The criteria sets of the cohort summary, classified on all of a patient's evidence.
_CLASSIFIERS: tuple[tuple[str, Callable[[Patient], _Classified]], ...] = (
    ("2019 EULAR/ACR", eular_acr_2019.classify_patient),
    ("SLICC 2012", slicc_2012.classify_patient),
    ("ACR 1997", acr_1997.classify_patient),
)

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5em; color: #111; max-width: 80em; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.9em; }
th, td { border: 1px solid #888; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
th { background: #eee; }
.notice { border: 2px solid #111; padding: 0.5em 1em; font-weight: bold; }
.error { border: 2px dashed #111; padding: 0.5em 1em; }
pre { white-space: pre-wrap; font-size: 0.85em; }
figure { margin: 0; } figure svg { max-width: 100%; height: auto; }
"""
# No scripts, no requests: everything the page shows is in the file.
_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _e(text: object) -> str:
    return _html.escape(str(text), quote=True)


def _percent(share: Fraction) -> str:
    return f"{float(share * 100):.1f}".removesuffix(".0") + "%"


def _time(time: _timeline.TimeInState) -> str:
    return _share(time.days_in, time.days_undetermined, time.follow_up_days)


def _share(days_in: int, undetermined: int, follow_up: int) -> str:
    """A share of follow-up: exact, or the range when some time is undetermined."""
    if not follow_up:
        return "no follow-up time (one visit)"
    low = Fraction(days_in, follow_up)
    if not undetermined:
        return f"{_percent(low)} ({days_in} of {follow_up} days)"
    high = Fraction(days_in + undetermined, follow_up)
    return (
        f"between {_percent(low)} and {_percent(high)} ({undetermined} of {follow_up} days "
        "cannot be determined)"
    )


@attrs.frozen
class _Section:
    """One patient's part of the report, and what the summary needs of it."""

    number: int
    patient: Patient
    body: str
    classified: tuple[bool, ...] = ()
    course: _timeline.Timeline | None = None
    error: str | None = None


def _visit_table(patient: Patient, dates: Sequence[datetime.date]) -> str:
    names = [name for name, _spec in VISIT_COLUMNS]
    rows = [
        "<table>",
        "<thead><tr><th>visit</th>" + "".join(f"<th>{_e(n)}</th>" for n in names) + "</tr></thead>",
        "<tbody>",
    ]
    previous: datetime.date | None = None
    for day in dates:
        occasion = Occasion(day, previous, dates[0] if previous is not None else None)
        results = [_at_visit(spec, patient, occasion) for _name, spec in VISIT_COLUMNS]
        cells = "".join(f"<td>{_e(r.verdict)}</td>" for r in results)
        rows.append(f"<tr><td>{_e(day.isoformat())}</td>{cells}</tr>")
        explanations = "\n\n".join(r.explain() for r in results)
        rows.append(
            f'<tr><td colspan="{len(names) + 1}"><details><summary>Explanations, visit '
            f"{_e(day.isoformat())}</summary><pre>{_e(explanations)}</pre></details></td></tr>"
        )
        previous = day
    rows.append("</tbody></table>")
    return "\n".join(rows)


def _evidence(patient: Patient) -> str:
    """Every observation of the patient, folded: what the verdicts were computed from."""
    rows = "".join(
        f"<tr><td>{_e(o.date.isoformat() if o.date else 'no date')}</td><td>{_e(o.code)}</td>"
        f"<td>{_e(o.describe())}</td><td>{_e(o.note or '')}</td></tr>"
        for o in patient.observations
    )
    return (
        f"<details><summary>Evidence ({len(patient.observations)} observations)</summary>"
        "<table><thead><tr><th>date</th><th>code</th><th>observation</th><th>note</th></tr>"
        f"</thead><tbody>{rows}</tbody></table></details>"
    )


def _section(
    number: int,
    patient: Patient,
    labs: Sequence[str] | None,
    events: Sequence[Event],
    undated: Sequence[UndatedValue],
) -> _Section:
    heading = f'<section id="patient-{number}"><h2>Patient {_e(patient.id)}</h2>'
    dates = patient.dates()
    if not dates:
        error = "no dated observation: nothing to draw or score per visit"
        body = f'{heading}<p class="error">{_e(error)}</p>{_evidence(patient)}</section>'
        return _Section(number, patient, body, error=error)
    try:
        figure = _figure(patient, number, labs, events, undated)
        table = _visit_table(patient, dates)
        course = _timeline.follow(patient, dates)
        classified = tuple(classify(patient).classified for _name, classify in _CLASSIFIERS)
    except SleScoringError as error:
        body = (
            f'{heading}<p class="error">Not scored: {_e(error)}</p>{_evidence(patient)}</section>'
        )
        return _Section(number, patient, body, error=str(error))
    times = f"<p>{_e(course.lldas.explain())}<br>{_e(course.remission.explain())}</p>"
    alt = f"Course of patient {_e(patient.id)}"
    body = (
        f'{heading}<figure role="img" aria-label="{alt}">{figure}</figure>'
        f"{times}<h3>Visits</h3>{table}{_evidence(patient)}"
        f'<p><a href="#summary">back to the summary</a></p></section>'
    )
    return _Section(number, patient, body, classified, course)


def _figure(
    patient: Patient,
    number: int,
    labs: Sequence[str] | None,
    events: Sequence[Event],
    undated: Sequence[UndatedValue],
) -> str:
    figure = plot.course(
        patient,
        labs=plot.DEFAULT_LABS if labs is None else labs,
        events=events,
        undated=undated,
        gid_prefix=f"p{number}-",
    )
    return plot.svg(figure)


def _summary(sections: Sequence[_Section]) -> str:
    names = [name for name, _classify in _CLASSIFIERS]
    head = (
        "<tr><th>patient</th><th>visits</th>"
        + "".join(f"<th>classified, {_e(n)}</th>" for n in names)
        + "<th>time in LLDAS</th><th>time in DORIS 2021 remission</th></tr>"
    )
    rows = []
    for s in sections:
        link = f'<a href="#patient-{s.number}">{_e(s.patient.id)}</a>'
        if s.course is None:
            rows.append(
                f'<tr><td>{link}</td><td colspan="{len(names) + 3}">not scored: '
                f"{_e(s.error)}</td></tr>"
            )
            continue
        flags = "".join(f"<td>{'yes' if c else 'no'}</td>" for c in s.classified)
        times = "".join(f"<td>{_e(_time(t))}</td>" for t in (s.course.lldas, s.course.remission))
        rows.append(f"<tr><td>{link}</td><td>{len(s.course.visits)}</td>{flags}{times}</tr>")
    scored = [s for s in sections if s.course is not None]
    counts = "".join(
        f"<td>{sum(s.classified[i] for s in scored)} of {len(scored)}</td>"
        for i in range(len(names))
    )
    # Pooled over patients: all their days in the state over all their follow-up.
    courses = [s.course for s in sections if s.course is not None]
    pooled = [
        _share(
            sum(t.days_in for t in times),
            sum(t.days_undetermined for t in times),
            sum(t.follow_up_days for t in times),
        )
        for times in ([c.lldas for c in courses], [c.remission for c in courses])
    ]
    total = (
        f"<tr><th>all {len(scored)} scored</th><td>{sum(len(c.visits) for c in courses)}</td>"
        + counts
        + "".join(f"<td>{_e(p)}</td>" for p in pooled)
        + "</tr>"
    )
    return (
        f'<section id="summary"><h2>Summary</h2><p>{len(sections)} patient(s). '
        "Classification on all the evidence of each patient; time in a state counts "
        "the time between visits (sle_scoring.timeline).</p>"
        f"<table><thead>{head}</thead><tbody>{''.join(rows)}</tbody>"
        f"<tfoot>{total}</tfoot></table></section>"
    )


def html(
    patients: Iterable[Patient],
    *,
    title: str = _TITLE,
    labs: Sequence[str] | None = None,
    events: Mapping[str, Sequence[Event]] | None = None,
    undated: Mapping[str, Sequence[UndatedValue]] | None = None,
    problems: Sequence[str] = (),
) -> str:
    """The report for ``patients`` as one self-contained HTML document.

    ``labs``: the laboratory panels of each figure (default
    :data:`sle_scoring.plot.DEFAULT_LABS`). ``events`` and ``undated``, by patient
    identifier: what a source says beyond the evidence (see
    :func:`sle_scoring.plot.course`). ``problems``: records that could not be read,
    listed at the top so nothing is left out silently. Raises
    :class:`CohortTooLargeError` past :data:`MAX_PATIENTS` patients.
    """
    for code in labs or ():
        entry = vocabulary.concept(code)
        if entry is None or entry.dimension is None:  # a number with a unit is drawn
            numeric = [c.code for c in vocabulary.CONCEPTS.values() if c.dimension is not None]
            raise UnknownCodeError(code, "numeric laboratory", suggest(code, numeric))
    cohort = list(itertools.islice(patients, MAX_PATIENTS + 1))
    if len(cohort) > MAX_PATIENTS:
        raise CohortTooLargeError(MAX_PATIENTS)
    events = events or {}
    undated = undated or {}
    sections = [
        _section(number, patient, labs, events.get(patient.id, ()), undated.get(patient.id, ()))
        for number, patient in enumerate(cohort, start=1)
    ]
    unread = ""
    if problems:
        items = "".join(f"<li><pre>{_e(p)}</pre></li>" for p in problems)
        unread = (
            f'<section id="not-read" class="error"><h2>Records not read '
            f"({len(problems)})</h2><ul>{items}</ul></section>"
        )
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{_POLICY}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{_e(title)}</title><style>{_STYLE}</style></head><body>",
            f"<h1>{_e(title)}</h1>",
            f'<p class="notice">{_e(_NOTICE)}</p>',
            unread,
            _summary(sections),
            *(s.body for s in sections),
            f'<p class="notice">{_e(_NOTICE)}</p>',
            "</body></html>",
            "",
        ]
    )


def __dir__() -> list[str]:
    # The public API is what __all__ lists (as in pypa/packaging).
    return list(__all__)
