"""The package's imports flow one way: no import cycle, hidden or not.

Every ``import`` of a package module is read from the source (including those under
``if TYPE_CHECKING:`` and inside functions, which hide a cycle from Python but not
from a reader). Imports below the top level are allowed only where listed in
``NOT_AT_THE_TOP``, each with the reason it exists.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import sle_scoring

PACKAGE = Path(sle_scoring.__file__).parent

#: (importing module, imported module): the imports not at a module's top level.
#: None: the package's one import made at call time is no import statement but
#: sle_scoring._catalogue.load (importlib), for the instrument modules and the
#: report (see test_the_one_call_time_import_is_the_catalogues).
NOT_AT_THE_TOP: set[tuple[str, str]] = set()


def _name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _imported(module: str, node: ast.Import | ast.ImportFrom) -> set[str]:
    """The package modules one import statement imports."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names if alias.name in MODULES}
    if node.level == 0:
        base = node.module or ""
    else:
        package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
        for _ in range(node.level - 1):
            package = package.rpartition(".")[0]
        base = f"{package}.{node.module}" if node.module else package
    if base not in MODULES:
        return set()
    submodules = {f"{base}.{alias.name}" for alias in node.names} & MODULES.keys()
    return submodules or {base}


def _imports() -> dict[str, set[tuple[str, bool]]]:
    """Each module's imports of package modules, and whether each is at the top level."""
    found: dict[str, set[tuple[str, bool]]] = {}
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = set(tree.body)
        found[module] = {
            (imported, node in top)
            for node in ast.walk(tree)
            if isinstance(node, (ast.Import, ast.ImportFrom))
            for imported in _imported(module, node)
        }
    return found


def test_imports_are_at_the_top_except_where_listed() -> None:
    below_the_top = {
        (module, imported)
        for module, imports in _imports().items()
        for imported, at_top in imports
        if not at_top
    }
    assert below_the_top <= NOT_AT_THE_TOP


def test_no_import_cycle() -> None:
    graph = {
        module: {imported for imported, _ in imports if (module, imported) not in NOT_AT_THE_TOP}
        for module, imports in _imports().items()
    }
    # Repeatedly remove the modules that import no remaining module: a cycle is left over.
    while True:
        leaves = {module for module, imported in graph.items() if not imported & graph.keys()}
        if not leaves:
            break
        graph = {module: imported for module, imported in graph.items() if module not in leaves}
    assert sorted(graph) == []  # the modules on or behind a cycle


def test_the_graph_is_read() -> None:
    # Without these the two tests above would pass on an empty graph.
    imports = _imports()
    assert ("sle_scoring.glucocorticoids", True) in imports["sle_scoring._outcomes"]
    assert ("sle_scoring.sledai_2k", True) in imports["sle_scoring.testing.cases"]
    assert ("sle_scoring.reference_cases", True) in imports["sle_scoring.testing.cases"]
    assert ("sle_scoring._catalogue", True) in imports["sle_scoring.vocabulary"]
    assert ("sle_scoring.evidence", True) in imports["sle_scoring._items"]
    assert ("sle_scoring.evidence", True) in imports["sle_scoring._registry"]


def _call_time_imports() -> set[str]:
    """The modules that call importlib (import_module or __import__) at all."""
    found = set()
    for module, path in MODULES.items():
        text = path.read_text(encoding="utf-8")
        if "import_module" in text or "__import__" in text:
            found.add(module)
    return found


def test_the_one_call_time_import_is_the_catalogues() -> None:
    # The one documented lazy import: _catalogue.load, of the instrument modules
    # (the registry's list), of the report (the plot extra) and of the columnar
    # engine (the frame extra).
    assert _call_time_imports() == {"sle_scoring._catalogue"}


def test_no_import_inside_a_function_or_under_type_checking() -> None:
    # The done-when grep of issue 11, as a test: no indented import statement.
    indented = [
        f"{path.name}:{number}: {line.strip()}"
        for path in MODULES.values()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.match(r"\s+(from \.|import )", line)
    ]
    assert indented == []


def test_the_command_line_never_loads_the_plot_extra() -> None:
    # Every command but `report` runs without matplotlib: importing the package and
    # the command line, building its parser and scoring a record load neither; nor
    # Polars (tests/test_columnar.py checks a small CSV file).
    code = (
        "import sys\n"
        "from sle_scoring import cli\n"
        "cli._parser()\n"
        "status = cli.main(['score', '--example', '--instrument', 'all', '--format', 'jsonl'])\n"
        "assert status == 0, status\n"
        "assert 'matplotlib' not in sys.modules\n"
        # --engine auto, the default, loads Polars only for a large item-level file
        "assert 'polars' not in sys.modules\n"
        "assert 'sle_scoring.report' not in sys.modules\n"
        "assert 'sle_scoring.plot' not in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert '"eular_acr_2019.points": 19' in done.stdout  # it did score
