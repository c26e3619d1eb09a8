"""docs/lab-data.md lists the shipped LOINC table exactly as the readers use it.

The table is generated from :mod:`sle_scoring._loinc`; when the table changes,
regenerate it with ``UPDATE_DOCS=1 python -m pytest tests/test_docs_lab_data.py``
and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

from sle_scoring._loinc import LOINC

PAGE = Path(__file__).resolve().parent.parent / "docs" / "lab-data.md"
MARKER = "<!-- generated table: do not edit below; see tests/test_docs_lab_data.py -->"


def render(text: str) -> str:
    """The page with its generated part as it should be."""
    head, marker, _ = text.partition(MARKER)
    assert marker, f"{PAGE} has lost its marker line"
    lines = [
        "",
        "| LOINC | name (as the source gives it) | concept | values | source |",
        "|---|---|---|---|---|",
    ]
    for entry in sorted(LOINC.values(), key=lambda e: (e.concept, e.code)):
        implied = ", ".join(
            f"{key} `{value}`"
            for key, value in (("isotype", entry.isotype), ("assay", entry.assay))
            if value
        )
        family = entry.family + (f" ({implied})" if implied else "")
        lines.append(
            f"| `{entry.code}` | {entry.name} | `{entry.concept}` | {family} | {entry.source} |"
        )
    return head + MARKER + "\n" + "\n".join(lines) + "\n"


def test_loinc_table_is_up_to_date() -> None:
    current = PAGE.read_text(encoding="utf-8")
    expected = render(current)
    if os.environ.get("UPDATE_DOCS"):
        PAGE.write_text(expected, encoding="utf-8")
        current = expected
    assert current == expected, (
        "docs/lab-data.md is out of date: "
        "UPDATE_DOCS=1 python -m pytest tests/test_docs_lab_data.py"
    )
