"""docs/vocabulary.md lists every evidence code exactly as the library accepts it.

The table is generated from :mod:`sle_scoring.vocabulary`; when the vocabulary
changes, regenerate it with ``UPDATE_DOCS=1 python -m pytest tests/test_docs_vocabulary.py``
and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

from sle_scoring import vocabulary
from sle_scoring.units import CASE_SENSITIVE, DIMENSIONS, UCUM_CODES, Dimension

PAGE = Path(__file__).resolve().parent.parent / "docs" / "vocabulary.md"
MARKER = "<!-- generated table: do not edit below; see tests/test_docs_vocabulary.py -->"

INTRO = """# The evidence vocabulary

Every observation code the library accepts, the values and units it takes, and the
instrument items it can feed. One observation feeds every instrument that uses it.

Kinds of value:

- **quantity**: a number with one of the listed units, converted exactly; values
  outside the plausible range are refused as impossible;
- **laboratory value**: a number with a unit and the testing laboratory's limit of
  normal in the same unit (`lower_limit` for complement, `upper_limit` for
  antibodies), or the laboratory's own call (the listed values);
- **finding**: `present` or `absent`; **test result**: `positive` or `negative`;
- **titre**: `1:N`, or `positive`/`negative` from an equivalent test;
- **category**: one of the listed values.

Besides these codes, an observation may assert an instrument's item directly, as a
clinician's judgement: `<instrument>.<item>` with the value `present` or `absent`,
for the instruments `eular_acr_2019`, `sledai_2k`, `slicc_2012`, `acr_1997` and `sdi`
(their item codes are on their pages).

Any observation may carry `explained_by`, one of: {causes}.

The `assay` of an observation is free text kept for the reader, except where the
reading depends on it: {assays}.

"""


def _values(concept: vocabulary.Concept) -> str:
    parts = []
    if concept.dimension is not None:
        dimension = DIMENSIONS[concept.dimension]
        bounds = ""
        if concept.minimum is not None and concept.maximum is not None:
            bounds = f" ({concept.minimum}-{concept.maximum} {dimension.canonical_unit})"
        parts.append(f"number in a {dimension.name} unit (see [Units](#units)){bounds}")
    if concept.kind is vocabulary.Kind.TITRE:
        parts.append("a titre `1:N`")
    if concept.values:
        parts.append(" / ".join(f"`{v}`" for v in concept.values))
    return "; or ".join(parts)


def render() -> str:
    """The page as it should be."""
    lines = [
        INTRO.format(
            causes=", ".join(f"`{c}`" for c in vocabulary.CAUSES),
            assays="; ".join(
                f"`{code}` takes " + ", ".join(f"`{a}`" for a in assays)
                for code, assays in vocabulary.ASSAYS.items()
            ),
        ),
        MARKER,
        "",
        "| code | kind | values | description | feeds |",
        "|---|---|---|---|---|",
    ]
    for concept in vocabulary.CONCEPTS.values():
        feeds = ", ".join(f"`{f}`" for f in concept.feeds) or "-"
        lines.append(
            f"| `{concept.code}` | {concept.kind.value} | {_values(concept)} | "
            f"{concept.description} | {feeds} |"
        )
    lines.extend(_units())
    return "\n".join(lines) + "\n"


def _conversion(dimension: Dimension, unit: str) -> str:
    factor, offset = dimension.units[unit]
    canonical = dimension.canonical_unit
    if canonical == "as given":
        return "kept as given, compared with the laboratory's limit in the same unit"
    if offset:
        # canonical = x * factor + offset = (x + offset / factor) * factor
        return f"x {unit} = (x - {-offset / factor}) × {factor} {canonical}"
    return f"1 {unit} = {factor} {canonical}"


def _units() -> list[str]:
    lines = [
        "",
        "## Units",
        "",
        "Every accepted spelling of every unit, and its exact conversion to the canonical",
        "unit of its dimension. Letter case is ignored (`mg/dl` is `mg/dL`), except for "
        + ", ".join(f"`{u}`" for u in sorted(CASE_SENSITIVE))
        + ": `G/L` is giga (10⁹) per litre for a cell count only, so `g/L` is refused for a",
        "cell count and `G/L` for a concentration. A unit not listed here is refused, never",
        "guessed. UCUM marks the spellings that are UCUM codes (as FHIR `valueQuantity.code`",
        "carries them).",
        "",
        "| dimension | unit | UCUM | conversion |",
        "|---|---|---|---|",
    ]
    for dimension in DIMENSIONS.values():
        for unit in dimension.units:
            ucum = "yes" if unit in UCUM_CODES else ""
            lines.append(
                f"| {dimension.name} | `{unit}` | {ucum} | {_conversion(dimension, unit)} |"
            )
    return lines


def test_vocabulary_page_is_up_to_date() -> None:
    expected = render()
    if os.environ.get("UPDATE_DOCS"):
        PAGE.write_text(expected, encoding="utf-8")
    assert PAGE.read_text(encoding="utf-8") == expected, (
        "docs/vocabulary.md is out of date: UPDATE_DOCS=1 python -m pytest "
        "tests/test_docs_vocabulary.py"
    )


def test_every_fed_item_exists() -> None:
    for concept in vocabulary.CONCEPTS.values():
        for fed in concept.feeds:
            instrument, _, item = fed.partition(".")
            if instrument in ("lldas", "doris_remission", "sri"):
                continue  # outcome inputs, not instrument items
            assert vocabulary.item_assertion(fed) == (instrument, item), fed
