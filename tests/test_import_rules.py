"""The import rules (``[tool.importlinter]`` in pyproject.toml) hold, and a broken one is caught;
no module uses another module's private (``_``) names.

The rules are checked by import-linter's ``lint-imports``, as ``.ci/run`` does; the failing cases
run it on a copy of the sources with one import added, so the check is shown able to fail.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib

ROOT = Path(__file__).resolve().parent.parent
# lint-imports as a module call: the venv's python is the one running the tests.
LINT = [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
        "sys.exit(lint_imports_command())", "--no-cache"]


CONTRACTS = [c["name"] for c in
             tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]]
ARCHIVE_FIRST, NO_CYCLES, ENGINE_ONLY = "archive never imports index", "No import cycles", "Only the engine"
LAYERS, FACADE = "The rooms of index are layers", "The engine is reached through its package"
CLI_SERVICES = "The CLI calls the services"
WEB_FACE = "The web face imports services"


def contract(start: str) -> str:
    """The name of the one contract whose name starts so."""
    (name,) = [name for name in CONTRACTS if name.startswith(start)]
    return name


def lint(root: Path) -> subprocess.CompletedProcess[str]:
    """Run lint-imports in ``root`` (it analyses the packages found there first)."""
    return subprocess.run(LINT, cwd=root, capture_output=True, text=True, timeout=120)


def copy_sources(tmp_path: Path) -> Path:
    """The packages' Python files and pyproject.toml, copied into ``tmp_path``."""
    for package in ("archive", "index"):
        for path in (ROOT / package).rglob("*.py"):
            target = tmp_path / path.relative_to(ROOT)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    shutil.copyfile(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_import_rules_hold() -> None:
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(("module", "line", "broken"), [
    # The archive must never know the index (nor reach into the engine's modules).
    ("archive/store.py", "import index.engine.schema", {ARCHIVE_FIRST, FACADE}),
    # A function-level import counts: schema is imported by build, so this closes a cycle in the engine.
    ("index/engine/schema.py", "def _late() -> None:\n    import index.engine.build", {NO_CYCLES}),
    ("archive/captions.py", "from archive.transcripts import NS_RAW", {NO_CYCLES}),
    # The engine reads the taxonomy; the taxonomy reaching back into the engine climbs a layer,
    # closes a cycle between the rooms and passes by the engine's package.
    ("index/text/taxonomy.py", "def _late() -> None:\n    import index.engine.search", {NO_CYCLES, LAYERS, FACADE}),
    # A face goes through the services: not around the engine's package, not even through it.
    ("index/web/pages.py", "from index.engine.search import run_search", {FACADE, WEB_FACE}),
    ("index/web/app.py", "from index.engine import SearchOptions", {WEB_FACE}),
    # Nor into the archive beyond its configuration and errors, nor into linking (in a function too).
    ("index/web/api.py", "from archive.store import open_store", {WEB_FACE}),
    ("index/web/pages.py", "def _late() -> None:\n    from index.linking.links import decide", {WEB_FACE}),
    # A lower room never calls up: the units asking the services for something.
    ("index/linking/units.py", "def _late() -> None:\n    from index.services import library", {NO_CYCLES, LAYERS}),
    # Whoosh is the engine's alone: not the services', not the archive's, not even in a function.
    ("index/services/library.py", "from whoosh import query as wq", {ENGINE_ONLY}),
    ("index/linking/links.py", "def _late() -> None:\n    from whoosh.analysis import StemmingAnalyzer", {ENGINE_ONLY}),
    ("archive/store.py", "import whoosh", {ENGINE_ONLY}),
    # The CLI calls the services: not the engine (its package neither), not the archive's harvesters.
    ("index/cli/search.py", "from index.engine import SearchOptions", {CLI_SERVICES}),
    ("index/cli/harvest.py", "def _late() -> None:\n    from archive.store import open_store", {CLI_SERVICES}),
    ("index/cli/links.py", "from index.linking.links import decide", {CLI_SERVICES}),
])
def test_a_forbidden_import_breaks_a_rule(tmp_path: Path, module: str, line: str, broken: set[str]) -> None:
    root = copy_sources(tmp_path)
    with open(root / module, "a", encoding="utf-8") as fh:
        fh.write(f"\n\n{line}\n")
    result = lint(root)
    assert result.returncode == 1, result.stdout + result.stderr
    report = " ".join(result.stdout.split())  # the report wraps long contract names
    for start in broken:
        assert f"{contract(start)} BROKEN" in report, result.stdout
    assert report.count("BROKEN") == len(broken), result.stdout  # those rules alone


# -- private names stay in their module -----------------------------------------------------------

PACKAGES = ("archive", "index", "scripts")


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _dotted(node: ast.expr) -> str | None:
    """``a.b.c`` for a chain of attribute reads on a name, else None."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and (head := _dotted(node.value)) is not None:
        return f"{head}.{node.attr}"
    return None


def private_uses(root: Path) -> list[str]:
    """Every use of another module's private name (``from m import _x``, ``m._x``) in our packages."""
    modules = {".".join(p.relative_to(root).with_suffix("").parts).removesuffix(".__init__")
               for package in PACKAGES for p in (root / package).rglob("*.py")}
    found = []
    for module in sorted(modules):
        path = root / (module.replace(".", "/") + (".py" if (root / (module.replace(".", "/") + ".py")).exists()
                                                    else "/__init__.py"))
        tree = ast.parse(path.read_text(encoding="utf-8"))
        bound: dict[str, str] = {}  # a local name → the module of ours it names
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module in modules:
                for alias in node.names:
                    if _private(alias.name):
                        found.append(f"{module}: from {node.module} import {alias.name}")
                    elif f"{node.module}.{alias.name}" in modules:
                        bound[alias.asname or alias.name] = f"{node.module}.{alias.name}"
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name in modules:
                        bound[alias.asname or alias.name] = alias.name
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and _private(node.attr) and (target := _dotted(node.value)):
                named = bound.get(target, target if target in modules else None)
                if named is not None and named != module:
                    found.append(f"{module}: {named}.{node.attr}")
    return found


def test_no_module_uses_another_modules_private_names() -> None:
    assert private_uses(ROOT) == []


def test_a_private_name_used_elsewhere_is_found(tmp_path: Path) -> None:
    root = copy_sources(tmp_path)
    (root / "scripts").mkdir()
    (root / "scripts" / "peek.py").write_text(
        "import index.services.export\nfrom index.text import analysis\n"
        "from index.engine.query import _QUOTED, KINDS\n\n"
        "analysis._best.cache_clear()\nindex.services.export._md('x')\nanalysis.stem('x')\n", encoding="utf-8")
    assert sorted(private_uses(root)) == ["scripts.peek: from index.engine.query import _QUOTED",
                                          "scripts.peek: index.services.export._md",
                                          "scripts.peek: index.text.analysis._best"]
