"""A patient's course as one figure on a shared time axis.

Needs the plot extra: ``pip install 'sle-scoring[plot]'`` (matplotlib). Nothing else
in sle_scoring imports this module, so a bare install never loads matplotlib.

:func:`course` draws, from top to bottom: the chosen laboratory values with their
thresholds (platelets with the 100,000/µL line by default); the glucocorticoid dose
in prednisone equivalents as a step line (:mod:`sle_scoring.glucocorticoids`); the
SLEDAI-2K total at each visit (:func:`sle_scoring.sledai_2k.score_visit`); and bands
for the time in LLDAS and in DORIS 2021 remission (:func:`sle_scoring.timeline.follow`).
Vertical lines mark glucocorticoid starts and stops found in the evidence, caller's
:class:`Event` s (drugs the evidence vocabulary does not record, such as
anifrolumab), and the date the 2019 EULAR/ACR criteria were first fulfilled
(:func:`sle_scoring.eular_acr_2019.classify_patient`).

Missing data is drawn as missing, never as 0 or as "not met": a SLEDAI-2K with
descriptors not assessed is a hollow marker labelled "≥ N"; a visit with none
assessed is an ``x`` on the "not assessed" line at the top of its panel; time
whose LLDAS or remission state cannot be determined is a hatched band; a dose
before the first dose record is shaded "not recorded". Styles differ by marker,
line style and hatch, not only by colour, so the figure reads in greyscale.

The figure is a :class:`matplotlib.figure.Figure` made directly (no ``pyplot``):
each call builds a new one and changes no global state. Save it with
``figure.savefig("course.png")`` or ``format="svg"``. Artists carry ids
(``set_gid``) that SVG output keeps, e.g. ``p-platelet_count`` for a lab series,
``p-platelet_count-2023-10-01`` for one value, ``p-prednisone-2024-03-02`` for a
dose step and ``p-event-2-2024-04-01`` for a marked event, so that a test or a
script can find them. Research use, never a diagnosis.
"""

from __future__ import annotations

import datetime
import io
import itertools
import textwrap
from collections.abc import Sequence
from fractions import Fraction

import attrs
import matplotlib
import matplotlib.dates as mdates
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import StrMethodFormatter

from . import eular_acr_2019, reference_cases, timeline
from ._items import suggest
from ._numbers import plain
from ._outcomes import State
from .evidence import Observation, Patient
from .exceptions import InvalidItemsError, UnknownCodeError
from .glucocorticoids import EQUIVALENCES, PREDNISONE_EQUIVALENT_CODE, prednisone_equivalent
from .units import DIMENSIONS
from .vocabulary import CONCEPTS, Kind, concept

__all__ = [
    "DEFAULT_LABS",
    "THRESHOLDS",
    "Event",
    "Threshold",
    "UndatedValue",
    "bottazzi_2025_events",
    "course",
    "svg",
]


@attrs.frozen
class Threshold:
    """A reference line drawn with a laboratory value: ``value`` in the canonical unit
    of the lab's dimension, a short ``label``, and the ``source`` it quotes."""

    value: Fraction
    label: str
    source: str


#: The reference lines drawn with each laboratory code (canonical units).
THRESHOLDS: dict[str, tuple[Threshold, ...]] = {
    "platelet_count": (
        Threshold(
            Fraction(100_000),
            "thrombocytopenia < 100,000/µL",
            # SLEDAI-2K: "< 100,000 platelets/mm³"; 2019 EULAR/ACR: "Platelet count
            # < 100,000/mm³"; SLICC 2012: "< 100,000/mm³ at least once".
            "SLEDAI-2K, 2019 EULAR/ACR, SLICC 2012",
        ),
    ),
    "leukocyte_count": (
        Threshold(
            Fraction(4_000),
            "leukopenia < 4,000/µL",
            # 2019 EULAR/ACR: "White blood cell count < 4,000/mm³"; SLICC 2012 and ACR
            # 1997 use the same figure.
            "2019 EULAR/ACR, SLICC 2012, ACR 1997",
        ),
        Threshold(
            Fraction(3_000),
            "leukopenia < 3,000/µL",
            # SLEDAI-2K: "< 3,000 white blood cells/mm³".
            "SLEDAI-2K",
        ),
    ),
}

#: The laboratory values drawn when ``labs`` is not given.
DEFAULT_LABS: tuple[str, ...] = ("platelet_count",)

_DOSE_CODES = frozenset({row.code for row in EQUIVALENCES} | {PREDNISONE_EQUIVALENT_CODE})
_LAB_KINDS = (Kind.QUANTITY, Kind.LAB)
_PANEL_HEIGHTS = {"lab": 2.2, "dose": 1.6, "sledai": 1.5, "states": 1.0}
# Greyscale: filled / hollow / hatched, never colour alone.
_IN = {"facecolor": "0.35", "edgecolor": "0.1"}
_OUT = {"facecolor": "white", "edgecolor": "0.1"}
_UNDETERMINED = {"facecolor": "0.85", "edgecolor": "0.4", "hatch": "///"}


@attrs.frozen
class Event:
    """A dated treatment event the evidence does not record (the vocabulary records
    glucocorticoid doses only), e.g. ``Event(date(2024, 4, 1), "anifrolumab started")``.

    ``kind`` is ``start``, ``stop`` or ``other`` and sets the marker (▲, ▼, ◆).
    """

    date: datetime.date
    label: str
    kind: str = attrs.field(default="start")

    @kind.validator
    def _check_kind(self, _attribute: object, value: str) -> None:
        if value not in _EVENT_MARKERS:
            raise InvalidItemsError(
                f"Event 'kind' must be one of {', '.join(_EVENT_MARKERS)} (got {value!r})"
            )


_EVENT_MARKERS = {"start": "^", "stop": "v", "other": "D"}


@attrs.frozen
class UndatedValue:
    """A laboratory value a source gives without a date, known to fall between
    ``earliest`` and ``latest``: drawn as a bar across that interval, never at a
    guessed date. ``observation`` is an undated :class:`Observation` (validated as
    any other); ``label`` says where the value comes from."""

    observation: Observation
    earliest: datetime.date
    latest: datetime.date
    label: str

    def __attrs_post_init__(self) -> None:
        if self.observation.date is not None:
            raise InvalidItemsError(
                "UndatedValue 'observation' must have no date (got "
                f"{self.observation.date.isoformat()}); draw a dated value as evidence"
            )
        if self.latest < self.earliest:
            raise InvalidItemsError(
                f"UndatedValue 'latest' ({self.latest.isoformat()}) is before 'earliest' "
                f"({self.earliest.isoformat()})"
            )


def bottazzi_2025_events() -> tuple[tuple[Event, ...], tuple[UndatedValue, ...]]:
    """What the published case report (Bottazzi et al., Clin Exp Rheumatol 2025) says
    about its course beyond the evidence of :func:`sle_scoring.reference_cases.bottazzi_2025`.

    Events: "In April 2024 ... therapy with intravenous ANI 300 mg/4 weeks was
    started" (dated the 1st, as the fixture does). Undated: "A prompt response with
    rise of platelet count up to 250000/ul occurred" after treatment began at
    presentation (October 2023) and before the flare "five months later" (March
    2024): the report gives no date, so the value spans that interval.
    """
    events = (
        Event(
            reference_cases.BOTTAZZI_2025_FIRST_INFUSION,
            "anifrolumab 300 mg IV every 4 weeks started",
        ),
    )
    undated = (
        UndatedValue(
            Observation("platelet_count", 250_000, unit="/µL"),
            reference_cases.BOTTAZZI_2025_PRESENTATION,
            reference_cases.BOTTAZZI_2025_FLARE,
            "rise up to 250,000/µL after treatment began (date not given)",
        ),
    )
    return events, undated


def _x(day: datetime.date) -> float:
    """A day as matplotlib's date number (the x axis is in these units)."""
    return float(mdates.date2num(day))  # type: ignore[no-untyped-call]


def _legend(ax: Axes) -> None:
    """The legend to the right of the panel, where it never hides data."""
    handles, labels = ax.get_legend_handles_labels()
    ax.legend(
        handles,
        [textwrap.fill(label, 40) for label in labels],
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize=7,
        frameon=False,
    )


def _number(value: Fraction) -> str:
    """45000 -> '45,000'; 7.5 -> '7.5'."""
    if value.denominator == 1:
        return f"{value.numerator:,}"
    return plain(value)


def _lab_panel(
    ax: Axes,
    patient: Patient,
    code: str,
    undated: Sequence[UndatedValue],
    prefix: str,
) -> None:
    entry = concept(code)
    if entry is None or entry.kind not in _LAB_KINDS or entry.dimension is None:
        known = [c.code for c in CONCEPTS.values() if c.kind in _LAB_KINDS]
        raise UnknownCodeError(code, "numeric laboratory", suggest(code, known))
    unit = DIMENSIONS[entry.dimension].canonical_unit
    dated = [o for o in patient.observations if o.code == code and o.date is not None]
    numeric = [o for o in dated if not isinstance(o.value, str)]
    days = [o.date for o in numeric if o.date is not None]
    values = [o.quantity() for o in numeric]
    ax.plot(
        [_x(day) for day in days],
        [float(v) for v in values],
        color="0.1",
        linestyle="--",
        linewidth=0.8,
        marker="o",
        markersize=6,
        label=f"{entry.description} ({unit})",
        gid=f"{prefix}{code}",
    )
    for observation, day, value in zip(numeric, days, values, strict=True):
        # a censored value is drawn at its bound and labelled with its comparator
        censored = f"{observation.comparator} " if observation.comparator else ""
        ax.annotate(
            f"{censored}{_number(value)}",
            (_x(day), float(value)),
            xytext=(0, 7),
            textcoords="offset points",
            ha="center",
            fontsize=8,
            gid=f"{prefix}{code}-{day.isoformat()}",
            parse_math=False,
        )
    # A laboratory's call without a number ("low") is written at its date.
    for observation in (o for o in dated if isinstance(o.value, str)):
        assert observation.date is not None
        ax.annotate(
            f"{observation.value} (no value)",
            (_x(observation.date), 0.05),
            xycoords=("data", "axes fraction"),
            ha="center",
            fontsize=8,
            gid=f"{prefix}{code}-{observation.date.isoformat()}",
            parse_math=False,
        )
    for number, item in enumerate((u for u in undated if u.observation.code == code), start=1):
        level = float(item.observation.quantity())
        ax.plot(
            [_x(item.earliest), _x(item.latest)],
            [level, level],
            marker="|",
            markersize=12,
            linewidth=2.5,
            color="0.45",
            label="reported without a date: the bar spans when it fell",
            gid=f"{prefix}{code}-undated-{number}",
        )
        ax.annotate(
            item.label,
            (_x(item.earliest), level),
            xytext=(0, 7),
            textcoords="offset points",
            fontsize=8,
            gid=f"{prefix}{code}-undated-{number}-label",
            parse_math=False,
        )
    for number, threshold in enumerate(THRESHOLDS.get(code, ()), start=1):
        ax.axhline(
            float(threshold.value),
            color="0.4",
            linestyle=(0, (4, 2, 1, 2)),
            linewidth=1,
            label=f"{threshold.label} ({threshold.source})",
            gid=f"{prefix}{code}-threshold-{number}",
        )
    if not numeric and not any(u.observation.code == code for u in undated):
        ax.text(
            0.5,
            0.5,
            f"no {entry.description} recorded",
            transform=ax.transAxes,
            ha="center",
            gid=f"{prefix}{code}-none",
            parse_math=False,
        )
    highest = max(
        [*values, *(u.observation.quantity() for u in undated if u.observation.code == code)],
        default=Fraction(0),
    )
    ax.set_ylim(0, float(highest) * 1.45 or None)
    ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    ax.set_ylabel(f"{entry.description}\n({unit})", parse_math=False)
    _legend(ax)


def _dose_panel(
    ax: Axes, patient: Patient, left: datetime.date, end: datetime.date, prefix: str
) -> list[tuple[datetime.date, str, str]]:
    """The prednisone-equivalent step line; returns the starts and stops it found."""
    doses = [o for o in patient.observations if o.code in _DOSE_CODES and o.date is not None]
    changes = sorted({o.date for o in doses if o.date is not None})
    marks: list[tuple[datetime.date, str, str]] = []
    previous: dict[str, Fraction] = {}
    for observation in doses:
        assert observation.date is not None
        mg = observation.quantity()
        before = previous.get(observation.code)
        drug = observation.code.removesuffix("_dose").replace("_", " ")
        if before is not None and before > 0 and mg == 0:
            marks.append((observation.date, f"{drug} stopped", "stop"))
        elif before is not None and before == 0 and mg > 0:
            marks.append((observation.date, f"{drug} started", "start"))
        previous[observation.code] = mg
    if not changes:
        ax.text(
            0.5,
            0.5,
            "no glucocorticoid dose recorded",
            transform=ax.transAxes,
            ha="center",
            gid=f"{prefix}prednisone-none",
        )
    else:
        totals = []
        for day in changes:
            total = prednisone_equivalent(patient, day).prednisone_mg
            assert total is not None  # a dose observation is dated on that day
            totals.append(total)
        # The last dose holds to the end of the follow-up drawn.
        ax.plot(
            [*(_x(day) for day in changes), _x(max(end, changes[-1]))],
            [*(float(t) for t in totals), float(totals[-1])],
            drawstyle="steps-post",
            color="0.1",
            linewidth=2,
            marker="|",
            markersize=10,
            markevery=list(range(len(changes))),
            label="prednisone equivalent (mg/day)",
            gid=f"{prefix}prednisone",
        )
        for day, total in zip(changes, totals, strict=True):
            ax.annotate(
                f"{plain(total)}",
                (_x(day), float(total)),
                xytext=(3, 4),
                textcoords="offset points",
                fontsize=8,
                gid=f"{prefix}prednisone-{day.isoformat()}",
            )
        ax.axvspan(
            _x(left),
            _x(changes[0]),
            facecolor="white",
            edgecolor="0.6",
            hatch="..",
            linewidth=0,
            label="dose not recorded",
            gid=f"{prefix}prednisone-not-recorded",
        )
    ax.set_ylim(bottom=0)
    ax.set_ylabel("prednisone eq.\n(mg/day)")
    _legend(ax)
    return marks


def _sledai_panel(ax: Axes, course: timeline.Timeline, prefix: str) -> None:
    complete = [v for v in course.visits if v.sledai.complete]
    assessed = [
        v
        for v in course.visits
        if not v.sledai.complete and len(v.sledai.not_assessed) < len(v.sledai.index.descriptors)
    ]
    none = [
        v for v in course.visits if len(v.sledai.not_assessed) == len(v.sledai.index.descriptors)
    ]
    ax.plot(
        [_x(v.date) for v in complete],
        [v.sledai.total for v in complete],
        linestyle="none",
        marker="o",
        color="0.1",
        label="SLEDAI-2K, every descriptor assessed",
        gid=f"{prefix}sledai",
    )
    ax.plot(
        [_x(v.date) for v in assessed],
        [v.sledai.total for v in assessed],
        linestyle="none",
        marker="o",
        markerfacecolor="white",
        color="0.1",
        label="SLEDAI-2K incomplete: at least this (descriptors not assessed)",
        gid=f"{prefix}sledai-incomplete",
    )
    for visit in (*complete, *assessed):
        text = str(visit.sledai.total) if visit.sledai.complete else f"≥ {visit.sledai.total}"
        ax.annotate(
            text,
            (_x(visit.date), visit.sledai.total),
            xytext=(5, 3),
            textcoords="offset points",
            fontsize=8,
            gid=f"{prefix}sledai-{visit.date.isoformat()}",
        )
    ax.plot(
        [_x(v.date) for v in none],
        [0.92] * len(none),
        transform=ax.get_xaxis_transform(),
        linestyle="none",
        marker="x",
        color="0.3",
        label="SLEDAI-2K not assessed (no descriptor recorded)",
        gid=f"{prefix}sledai-not-assessed",
    )
    top = max((v.sledai.total for v in course.visits), default=0)
    ax.set_ylim(-0.5, max(top, 4) * 1.35 + 1)
    ax.set_ylabel("SLEDAI-2K\n(points)")
    _legend(ax)


def _between(first: State, second: State) -> State:
    # The rule of sle_scoring.timeline: in only if met at both visits, out if not
    # met at either, otherwise undetermined.
    if State.NOT_MET in (first, second):
        return State.NOT_MET
    if first is State.MET and second is State.MET:
        return State.MET
    return State.UNDETERMINED


_BAND_STYLE = {State.MET: _IN, State.NOT_MET: _OUT, State.UNDETERMINED: _UNDETERMINED}
_BAND_NAME = {State.MET: "in", State.NOT_MET: "out", State.UNDETERMINED: "undetermined"}
_BAND_LABEL = {
    State.MET: "in the state",
    State.NOT_MET: "not in the state",
    State.UNDETERMINED: "cannot be determined",
}
_VISIT_MARKER = {State.MET: "o", State.NOT_MET: "o", State.UNDETERMINED: "$?$"}


def _states_panel(ax: Axes, course: timeline.Timeline, prefix: str) -> None:
    rows = (
        ("LLDAS", "lldas", [(v.date, v.lldas.state) for v in course.visits]),
        ("DORIS remission", "remission", [(v.date, v.remission.state) for v in course.visits]),
    )
    for row, (_name, key, states) in enumerate(rows):
        y = len(rows) - 1 - row
        for state in State:
            spans = [
                (start, end - start)
                for (start, a), (end, b) in itertools.pairwise(states)
                if _between(a, b) is state
            ]
            ax.broken_barh(
                [(_x(s), d.days) for s, d in spans],
                (y - 0.3, 0.6),
                linewidth=0.8,
                label=_BAND_LABEL[state] if row == 0 else "_nolegend_",
                gid=f"{prefix}{key}-{_BAND_NAME[state]}",
                **_BAND_STYLE[state],  # type: ignore[arg-type]
            )
            days = [d for d, s in states if s is state]
            ax.plot(
                [_x(day) for day in days],
                [y] * len(days),
                linestyle="none",
                marker=_VISIT_MARKER[state],
                markersize=7,
                markerfacecolor="0.1" if state is State.MET else "white",
                color="0.1",
                gid=f"{prefix}{key}-visits-{_BAND_NAME[state]}",
            )
    ax.set_yticks([1, 0], [name for name, _key, _states in rows])
    ax.set_ylim(-0.7, 1.7)
    _legend(ax)


def course(
    patient: Patient,
    *,
    labs: Sequence[str] = DEFAULT_LABS,
    visits: Sequence[datetime.date] | None = None,
    events: Sequence[Event] = (),
    undated: Sequence[UndatedValue] = (),
    gid_prefix: str = "p-",
) -> Figure:
    """One patient's course as a new :class:`~matplotlib.figure.Figure` (see the
    module docstring for what is drawn and how missing data is shown).

    ``labs``: numeric laboratory codes of :mod:`sle_scoring.vocabulary`, one panel
    each, with the lines of :data:`THRESHOLDS`. ``visits``: the dates scored for
    SLEDAI-2K, LLDAS and remission (default: every date with an observation).
    ``events`` and ``undated``: what a source says beyond the evidence
    (:func:`bottazzi_2025_events` for the reference case). ``gid_prefix`` starts
    every artist id, so that several figures can share one HTML page.
    """
    dates = sorted(set(visits)) if visits is not None else patient.dates()
    if not dates:
        raise InvalidItemsError(
            f"patient {patient.id!r}: the course needs at least one dated observation or visit"
        )
    course_states = timeline.follow(patient, dates)
    classification = eular_acr_2019.classify_patient(patient)
    every_day = [
        *dates,
        *(e.date for e in events),
        *(u.earliest for u in undated),
        *(u.latest for u in undated),
    ]
    start, end = min(every_day), max(every_day)
    pad = datetime.timedelta(days=max(7, (end - start).days // 25))
    left = start - pad

    kinds = [*("lab" for _ in labs), "dose", "sledai", "states"]
    heights = [_PANEL_HEIGHTS[k] for k in kinds]
    figure = Figure(figsize=(11, sum(heights) + 0.8), layout="constrained")
    axes = figure.subplots(len(kinds), 1, sharex=True, height_ratios=heights, squeeze=False)
    panels: list[Axes] = [row[0] for row in axes]
    for ax, code in zip(panels, labs, strict=False):
        _lab_panel(ax, patient, code, undated, gid_prefix)
    marks = _dose_panel(panels[len(labs)], patient, left, end, gid_prefix)
    _sledai_panel(panels[len(labs) + 1], course_states, gid_prefix)
    _states_panel(panels[len(labs) + 2], course_states, gid_prefix)

    markers = [
        *((day, label, kind) for day, label, kind in marks),
        *((e.date, e.label, e.kind) for e in events),
    ]
    for number, (day, label, kind) in enumerate(markers, start=1):
        for ax in panels:
            ax.axvline(_x(day), color="0.2", linestyle=":", linewidth=1.2)
        top = panels[0]
        top.plot(
            [_x(day)],
            [1.0],
            transform=top.get_xaxis_transform(),
            marker=_EVENT_MARKERS[kind],
            markersize=9,
            color="0.1",
            clip_on=False,
            gid=f"{gid_prefix}event-{number}-{day.isoformat()}",
        )
        top.annotate(
            label,
            (_x(day), 1.0),
            xycoords=("data", "axes fraction"),
            # Staggered, so that labels of close events do not overprint.
            xytext=(6, -12 - 11 * ((number - 1) % 3)),
            textcoords="offset points",
            fontsize=8,
            gid=f"{gid_prefix}event-{number}-{day.isoformat()}-label",
            parse_math=False,
        )
    first = classification.first_fulfilled
    if classification.classified and first is not None:
        for ax in panels:
            ax.axvline(
                _x(first),
                color="0.1",
                linestyle="--",
                linewidth=1.5,
                gid=f"{gid_prefix}eular_acr_2019-first-fulfilled",
            )
        panels[-1].annotate(
            f"2019 EULAR/ACR criteria first fulfilled {first.isoformat()}",
            (_x(first), 0.0),
            xycoords=("data", "axes fraction"),
            xytext=(4, 3),
            textcoords="offset points",
            fontsize=8,
            gid=f"{gid_prefix}eular_acr_2019-first-fulfilled-label",
        )
    for ax in panels:
        ax.set_xlim(_x(left), _x(end + pad))
        ax.grid(axis="y", color="0.9")
    bottom = panels[-1]
    locator = mdates.AutoDateLocator()  # type: ignore[no-untyped-call]
    bottom.xaxis.set_major_locator(locator)
    bottom.xaxis.set_major_formatter(
        mdates.ConciseDateFormatter(locator)  # type: ignore[no-untyped-call]
    )
    bottom.set_xlabel("date")
    figure.suptitle(
        f"{patient.id}: 2019 EULAR/ACR: {classification.verdict} (research use, never a diagnosis)",
        fontsize=10,
        parse_math=False,
    )
    return figure


def svg(figure: Figure) -> str:
    """The figure as an ``<svg>`` element to inline in HTML: text kept as text (it
    can be searched and selected), artists' ids kept, no XML prolog and no date
    stamp (the same figure gives the same bytes, but for matplotlib's random clip
    ids). Text is XML-escaped by matplotlib."""
    buffer = io.StringIO()
    # Only for this call: rc_context restores the settings on the way out.
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def __dir__() -> list[str]:
    # The public API is what __all__ lists (as in pypa/packaging).
    return list(__all__)
