"""The import rules (``[tool.importlinter]`` in pyproject.toml) hold, and a broken one is caught.

The rules are checked by import-linter's ``lint-imports``, as ``.ci/run`` does; the failing cases
run it on a copy of the sources with one import added, so the check is shown able to fail.
"""

from __future__ import annotations

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


CONTRACTS = {c["type"]: c["name"] for c in
             tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]}


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


@pytest.mark.parametrize(("module", "line", "contract"), [
    # The archive must never know the index.
    ("archive/store.py", "import index.schema", "forbidden"),
    # A function-level import counts: schema is imported by build, so this closes a cycle.
    ("index/schema.py", "def _late() -> None:\n    import index.build", "acyclic_siblings"),
    ("archive/captions.py", "from archive.transcripts import NS_RAW", "acyclic_siblings"),
])
def test_a_forbidden_import_breaks_a_rule(tmp_path: Path, module: str, line: str, contract: str) -> None:
    root = copy_sources(tmp_path)
    with open(root / module, "a", encoding="utf-8") as fh:
        fh.write(f"\n\n{line}\n")
    result = lint(root)
    assert result.returncode == 1, result.stdout + result.stderr
    report = " ".join(result.stdout.split())  # the report wraps long contract names
    assert f"{CONTRACTS[contract]} BROKEN" in report, result.stdout
