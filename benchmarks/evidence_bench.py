#!/usr/bin/env python3
"""Benchmark of the evidence path: scoring patients' dated records visit by visit
(a script, not a test).

Each patient is a seeded synthetic record of monthly visits with what a registry
visit ordinarily holds: platelet and white cell counts, C3 and C4 and anti-dsDNA
with the laboratory's limit, a spot protein/creatinine ratio, temperature, a PGA,
a prednisone dose and two clinical findings (present one time in five), with a
HEp-2 ANA at the first visit. About 12 observations per visit.

For patients of 1, 10, 40 and 160 visits it measures, in one interleaved run (each
round measures every size, so a slower moment of a shared machine falls on all
sizes alike), the CPU time of this process (time.process_time, from the OS):

  (a) constructing the patient's Observation objects and the Patient (the floor);
  (b) scoring the patient at every visit, ``sle_scoring.batch.score_patient`` (what
      ``sle-scoring score`` runs per patient), with the default instruments
      (SLEDAI-2K and 2019 EULAR/ACR) and with every registered instrument
      (``--instrument all``).

It prints the median per-visit cost at each size and the two ratios of issue 14:
per-visit cost at 160 visits / per-visit cost at 10 visits (target <= 1.3) and
the cost at 160 visits / the cost of constructing that patient's observations
(target <= 6). Usage::

    python benchmarks/evidence_bench.py                 # sizes 1 10 40 160, 7 rounds
    python benchmarks/evidence_bench.py --rounds 3      # quicker
"""

from __future__ import annotations

import argparse
import datetime
import random
import statistics
import time
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, NamedTuple

from sle_scoring import INSTRUMENTS, batch
from sle_scoring.evidence import Observation, Patient

SIZES = (1, 10, 40, 160)
FINDINGS = (
    "malar_rash",
    "oral_ulcers",
    "non_scarring_alopecia",
    "pleuritic_pain",
    "pleural_effusion",
    "seizure",
    "psychosis",
    "delirium",
    "pericardial_pain",
    "pericardial_rub",
    "proximal_muscle_weakness",
    "raised_muscle_enzymes",
    "vasculitis",
    "hemolytic_anemia",
)
SETTINGS = {
    "default": batch.Settings(),
    "all": batch.Settings(instruments=tuple(INSTRUMENTS)),
}


def raw_record(visits: int, seed: int) -> list[dict[str, Any]]:
    """``visits`` monthly visits of one seeded patient, as Observation keywords."""
    rng = random.Random(seed)
    start = datetime.date(2015, 1, 1)
    found: list[dict[str, Any]] = []
    for number in range(visits):
        day = start + datetime.timedelta(days=30 * number + rng.randrange(5))
        today: list[dict[str, Any]] = [
            {"code": "platelet_count", "value": rng.randrange(60_000, 300_000, 1000)},
            {"code": "leukocyte_count", "value": rng.randrange(2_000, 9_000, 100)},
            {"code": "c3", "value": rng.randrange(60, 140), "lower_limit": 90},
            {"code": "c4", "value": rng.randrange(8, 40), "lower_limit": 10},
            {"code": "anti_dsdna", "value": rng.randrange(1, 100), "upper_limit": 30},
            {"code": "urine_protein_creatinine_ratio", "value": rng.randrange(50, 900) / 1000},
            {"code": "temperature", "value": rng.randrange(365, 390) / 10},
            {"code": "physician_global_assessment", "value": rng.randrange(0, 30) / 10},
            {"code": "prednisone_dose", "value": rng.choice([0, 5, 7.5, 10])},
        ]
        for code in rng.sample(FINDINGS, 2):
            today.append({"code": code, "value": "present" if rng.random() < 0.2 else "absent"})
        if number == 0:
            today.append({"code": "ana", "value": "1:160", "assay": "hep2_iif"})
        found += [{**entry, "date": day, "unit": UNITS.get(entry["code"])} for entry in today]
    return found


UNITS = {
    "platelet_count": "/µL",
    "leukocyte_count": "/µL",
    "c3": "mg/dL",
    "c4": "mg/dL",
    "anti_dsdna": "IU/mL",
    "urine_protein_creatinine_ratio": "g/g",
    "temperature": "°C",
    "physician_global_assessment": "0-3",
    "prednisone_dose": "mg/day",
}


def build(identifier: str, raw: Sequence[dict[str, Any]]) -> Patient:
    """The patient of ``raw`` (its Observation objects constructed and validated)."""
    return Patient(identifier, tuple(Observation(**fields) for fields in raw))


def cpu(step: Callable[[], object]) -> float:
    """The CPU seconds of this process that ``step()`` takes."""
    start = time.process_time()
    step()
    return time.process_time() - start


def constructed(raws: Sequence[Sequence[dict[str, Any]]], into: list[Patient]) -> None:
    """Construct the patients of ``raws`` (appended to ``into``)."""
    into.extend(build(f"P{number}", raw) for number, raw in enumerate(raws))


def score(patients: Sequence[Patient], settings: batch.Settings) -> None:
    """Score every visit of each patient, as ``sle-scoring score`` does."""
    for number, patient in enumerate(patients):
        batch.score_patient(number, patient, settings)


class Row(NamedTuple):
    visits: int
    construct: float  # median CPU seconds per visit
    scored: dict[str, float]  # per settings name: median CPU seconds per visit


def measure(sizes: Sequence[int], rounds: int, visits_per_round: int, seed: int) -> list[Row]:
    """Median per-visit costs at each size, the sizes interleaved in every round.

    Each round constructs and scores ``visits_per_round // size`` patients (at least
    one) of every size, so that each size is measured over about as many visits.
    """
    records = {
        size: [raw_record(size, seed + n) for n in range(max(1, visits_per_round // size))]
        for size in sizes
    }
    construct: dict[int, list[float]] = {size: [] for size in sizes}
    scored: dict[tuple[int, str], list[float]] = {
        (size, name): [] for size in sizes for name in SETTINGS
    }
    for _ in range(rounds):
        for size in sizes:
            raws = records[size]
            total = size * len(raws)
            patients: list[Patient] = []
            construct[size].append(cpu(partial(constructed, raws, patients)) / total)
            for name, settings in SETTINGS.items():
                scored[size, name].append(cpu(partial(score, patients, settings)) / total)
    return [
        Row(
            size,
            statistics.median(construct[size]),
            {name: statistics.median(scored[size, name]) for name in SETTINGS},
        )
        for size in sizes
    ]


def report(rows: Sequence[Row]) -> str:
    """The table and the two target ratios (for the sizes measured: 160 and 10
    visits when measured, else the largest and second smallest)."""
    lines = [
        "visits  construct µs/visit  default µs/visit (x construct)  all µs/visit (x construct)"
    ]
    for row in rows:
        default, every = row.scored["default"], row.scored["all"]
        lines.append(
            f"{row.visits:>6}  {row.construct * 1e6:>18.0f}  "
            f"{default * 1e6:>16.0f} ({default / row.construct:>5.1f}x)  "
            f"{every * 1e6:>12.0f} ({every / row.construct:>5.1f}x)"
        )
    by_size = {row.visits: row for row in rows}
    large = by_size.get(160, rows[-1])
    small = by_size.get(10, rows[1] if len(rows) > 1 else rows[0])
    for name in SETTINGS:
        growth = large.scored[name] / small.scored[name]
        floor = large.scored[name] / large.construct
        lines.append(
            f"{name}: per visit at {large.visits} / at {small.visits} visits = {growth:.2f} "
            f"(target <= 1.3); at {large.visits} / constructing the observations = "
            f"{floor:.1f} (target <= 6)"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--visits-per-round", type=int, default=320)
    parser.add_argument("--seed", type=int, default=14)
    options = parser.parse_args(argv)
    rows = measure(options.sizes, options.rounds, options.visits_per_round, options.seed)
    print(
        f"CPU time (time.process_time), median of {options.rounds} interleaved rounds, "
        f"about {options.visits_per_round} visits per size per round"
    )
    print(report(rows))


if __name__ == "__main__":
    main()
