"""The golden command-line outputs: what a refactor must leave byte-identical.

``python tests/golden/record.py`` (re)writes ``tests/golden/out/``;
``tests/test_golden.py`` runs the same commands and compares. Re-record only for a
change the CHANGELOG names (a documented rename, or a "Changed scores" entry), and
commit the new outputs with that change so the diff shows exactly what moved.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
EXAMPLES = HERE.parents[1] / "src" / "sle_scoring" / "examples"

_FILES = {
    "corpus.jsonl": HERE / "corpus.jsonl",
    "corpus_sledai.csv": HERE / "corpus_sledai.csv",
    "corpus_eular.csv": HERE / "corpus_eular.csv",
    "patients.jsonl": EXAMPLES / "patients.jsonl",
    "visits.csv": EXAMPLES / "visits.csv",
    "bottazzi_2025.json": EXAMPLES / "bottazzi_2025.json",
}

# name -> arguments; "{file}" names one of _FILES.
COMMANDS: dict[str, list[str]] = {}
for fmt in ("text", "jsonl", "csv"):
    COMMANDS[f"example-explain-{fmt}"] = ["explain", "--example"]
    for command in ("classify", "sledai", "score"):
        COMMANDS[f"example-{command}-{fmt}"] = [command, "--example", "-f", fmt]
        COMMANDS[f"example-{command}-{fmt}-items"] = [command, "--example", "-f", fmt, "--items"]
    COMMANDS[f"example-classify-all-{fmt}"] = [
        "classify",
        "--example",
        "--criteria",
        "all",
        "-f",
        fmt,
    ]
    for name in ("patients.jsonl", "corpus.jsonl"):
        stem = name.split(".")[0]
        COMMANDS[f"{stem}-classify-{fmt}"] = ["classify", "{" + name + "}", "-f", fmt]
        COMMANDS[f"{stem}-classify-all-{fmt}"] = [
            "classify",
            "{" + name + "}",
            "--criteria",
            "all",
            "-f",
            fmt,
        ]
        COMMANDS[f"{stem}-sledai-{fmt}-items"] = ["sledai", "{" + name + "}", "-f", fmt, "--items"]
        COMMANDS[f"{stem}-score-{fmt}"] = ["score", "{" + name + "}", "-f", fmt]
        COMMANDS[f"{stem}-sledai-clinical-30-{fmt}"] = [
            "sledai",
            "{" + name + "}",
            "-f",
            fmt,
            "--clinical",
            "--window",
            "30",
        ]
    COMMANDS[f"visits-sledai-{fmt}-items"] = ["sledai", "{visits.csv}", "-f", fmt, "--items"]
    COMMANDS[f"visits-score-{fmt}"] = [
        "score",
        "{visits.csv}",
        "-f",
        fmt,
        "--ignore-unknown-columns",
    ]
    COMMANDS[f"corpus_sledai-sledai-{fmt}-items"] = [
        "sledai",
        "{corpus_sledai.csv}",
        "-f",
        fmt,
        "--items",
    ]
    COMMANDS[f"corpus_sledai-clinical-{fmt}"] = [
        "sledai",
        "{corpus_sledai.csv}",
        "-f",
        fmt,
        "--clinical",
    ]
    COMMANDS[f"corpus_eular-classify-{fmt}-items"] = [
        "classify",
        "{corpus_eular.csv}",
        "-f",
        fmt,
        "--items",
    ]
    COMMANDS[f"corpus_eular-classify-cumulative-{fmt}"] = [
        "classify",
        "{corpus_eular.csv}",
        "-f",
        fmt,
        "--cumulative",
    ]
COMMANDS["bottazzi-explain"] = ["explain", "{bottazzi_2025.json}"]


def arguments(args: list[str]) -> list[str]:
    out = []
    for a in args:
        if a.startswith("{") and a.endswith("}"):
            out.append(str(_FILES[a[1:-1]]))
        else:
            out.append(a)
    return out


def run(name: str) -> str:
    """The recorded form of one command: its exit status, standard output and error."""
    args = arguments(COMMANDS[name])
    done = subprocess.run(
        [sys.executable, "-m", "sle_scoring", *args, "--no-progress"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        stdin=subprocess.DEVNULL,
        check=False,
    )
    # File paths differ between clones: record them relative to this folder.
    text = f"--- rc {done.returncode}\n--- stdout\n{done.stdout}--- stderr\n{done.stderr}"
    for key, path in _FILES.items():
        text = text.replace(str(path), key)
    return text


def main() -> None:
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    for name in COMMANDS:
        (out / f"{name}.txt").write_text(run(name), encoding="utf-8")


if __name__ == "__main__":
    main()
