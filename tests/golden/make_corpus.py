"""Write the generated corpus the golden command-line outputs are recorded on.

Run once (``python tests/golden/make_corpus.py``); the files it writes are committed,
so the corpus never changes when Hypothesis or this script does. The golden outputs
(``python tests/golden/record.py``) are what a refactor must leave byte-identical.
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings

from sle_scoring import eular_acr_2019, records, sledai_2k
from sle_scoring.testing import strategies

HERE = Path(__file__).parent
N_RECORDS = 200
N_ROWS = 600


def _records() -> list[str]:
    drawn: list[str] = []

    @settings(
        derandomize=True,
        max_examples=N_RECORDS,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(
        strategies.timelines(
            around_threshold=True, explained=True, min_observations=4, max_observations=30
        )
    )
    def collect(patient: object) -> None:
        raw = records.patient_to_dict(patient)  # type: ignore[arg-type]
        raw["patient"] = f"G{len(drawn):04d}"
        drawn.append(json.dumps(raw, ensure_ascii=False, sort_keys=True))

    collect()
    return drawn


def _rows(codes: list[str], seed: int) -> list[list[str]]:
    rng = random.Random(seed)
    cells = ["0", "1", "", "yes", "no", "1", "0", "0"]
    out = []
    for n in range(N_ROWS):
        day = 1 + n % 28
        out.append(
            [f"C{n // 3:04d}", f"2024-{1 + n % 12:02d}-{day:02d}"]
            + [rng.choice(cells) for _ in codes]
        )
    return out


def main() -> None:
    (HERE / "corpus.jsonl").write_text("\n".join(_records()) + "\n", encoding="utf-8")
    sledai = [d.code for d in sledai_2k.DESCRIPTORS]
    eular = [c.code for c in eular_acr_2019.CRITERIA]
    for name, codes, seed in (
        ("corpus_sledai.csv", sledai, 1),
        ("corpus_eular.csv", eular, 2),
    ):
        with (HERE / name).open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["patient_id", "visit_date", *codes])
            w.writerows(_rows(codes, seed))


if __name__ == "__main__":
    main()
