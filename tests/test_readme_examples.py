"""Every `casearchive …` command the README shows in a code block runs on the demo data, offline.

The commands are read from README.md itself, so an example added or changed there is tested
as it stands. A synopsis (`casearchive show CASE_ID [--format table|json]`) runs twice: bare,
and with each bracketed option at its first choice; placeholders (CASE_ID, FILE…) become
demo values. Each command runs against one demo archive built once for this module, with
the demo's taxonomy and correction list in a config file (CASEARCHIVE_CONFIG), in a fresh
folder holding the demo's caption files as `captions/`. A command fails the test when it
exits with a code it should not (2 usage, 70 internal error) or shows a traceback; the few
that need the network, a key or a terminal are listed in SKIPPED with the reason.
"""

from __future__ import annotations

import re
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from index.cli import cli
from index.services.demo import sample_root

README = Path(__file__).resolve().parents[1] / "README.md"

# The commands not run here, each by the words it starts with, and why.
SKIPPED = {
    "casearchive harvest site": "crawls the platform over the network (tests/test_site_cli.py harvests the "
                                "sample platform from a local server)",
    "casearchive harvest notes": "re-fetches the archived cases' notes from the platform over the network",
    "casearchive harvest youtube": "needs a YouTube API key and the network (tests/test_cli_youtube.py runs it "
                                   "against the fake Data API)",
    "casearchive update": "runs every harvester over the network (tests/test_update.py runs it against local "
                          "servers)",
    "casearchive serve": "serves until Ctrl+C (tests/test_web.py and the browser tests open the site)",
    "/opt/casearchive/venv/bin/casearchive": "the systemd install: sudo and /etc (the same `init` runs above)",
}
# What a placeholder of a synopsis stands for on the demo ({tmp}: a folder of this test).
PLACEHOLDERS = {
    "CASE_ID": "duurzaam-meedoen-in-de-metalektro",
    "video:ID": "video:ZhyiA4uoRgn",
    "FILE.tar.gz": "{tmp}/backup.tar.gz",
    "taxonomy.toml": str(sample_root() / "taxonomy.toml"),
    "FILE": str(sample_root() / "taxonomy.toml"),
}
# Exit codes other than 0 that an example may end with on the demo, and why.
ALLOWED: dict[str, set[int]] = {}


@dataclass(frozen=True)
class Example:
    """One command to run: the README line it comes from and its arguments after `casearchive`."""

    line: int
    shown: str
    args: tuple[str, ...]

    @property
    def id(self) -> str:
        """The name pytest shows: the README line and the command."""
        return f"README:{self.line}: casearchive {' '.join(self.args)}"


def code_lines(text: str) -> list[tuple[int, str]]:
    """The README's code lines (fenced, or indented four spaces after a blank line), numbered from 1."""
    found, fenced, indented, before = [], False, False, ""
    for number, line in enumerate(text.split("\n"), 1):
        if line.startswith("```"):
            fenced = not fenced
        else:
            indented = line.startswith("    ") and (indented or not before.strip())
            if fenced or indented:
                found.append((number, line))
        before = line
    return found


def commands(line: str) -> list[list[str]]:
    """The commands of one shell line (split at &&, comments dropped), as argument lists."""
    words = shlex.split(line.replace("…", " "), comments=True)
    parts: list[list[str]] = [[]]
    for word in words:
        if word == "&&":
            parts.append([])
        else:
            parts[-1].append(word)
    return [part[1:] if part[:1] == ["sudo"] else part for part in parts if part]


def variants(shown: str) -> list[str]:
    """A synopsis as the bare command and with every [option] at its first choice; a command, itself."""
    groups = re.findall(r"\[([^\]]*)\]", shown)
    bare = re.sub(r"\s*\[[^\]]*\]", "", shown)
    if not groups:
        return [shown]
    full = re.sub(r"\[([^\]]*)\]", lambda m: re.sub(r"(\S+)\|\S+", lambda a: a.group(1).split("|")[0], m.group(1)),
                  shown)
    return [bare, full]


def readme_examples() -> list[Any]:
    """Every casearchive command in the README's code blocks, as pytest params (skipped ones marked)."""
    params = []
    for number, line in code_lines(README.read_text(encoding="utf-8")):
        for shown in variants(line):
            for argv in commands(shown):
                if not argv or Path(argv[0]).name != "casearchive":
                    continue
                example = Example(number, line.strip(), tuple(argv[1:]))
                reason = next((why for start, why in SKIPPED.items() if " ".join(argv).startswith(start)), None)
                marks = [pytest.mark.skip(reason=reason)] if reason else []
                params.append(pytest.param(example, id=example.id, marks=marks))
    return params


EXAMPLES = readme_examples()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo archive and index, built once, and a config with the demo's taxonomy and corrections."""
    root = tmp_path_factory.mktemp("readme")
    result = CliRunner().invoke(cli, ["--data", str(root / "demo-data"), "demo"])
    assert result.exit_code == 0, result.output
    sample = sample_root()
    (root / "demo.toml").write_text(f'data = "{root / "demo-data"}"\ntaxonomy = "{sample / "taxonomy.toml"}"\n'
                                    f'[transcripts]\ncorrections = "{sample / "corrections.toml"}"\n',
                                    encoding="utf-8")
    return root


def test_the_readme_shows_the_commands_and_every_skip_names_one() -> None:
    shown = [p.values[0] for p in EXAMPLES]
    assert len(shown) >= 20, "the README's commands were not found"
    for start in SKIPPED:  # a skip whose command left the README goes too
        assert any(" ".join(("casearchive", *e.args)).startswith(start) or start in e.shown for e in shown), start
    assert all("CASE_ID" not in a and "FILE" not in a for e in shown for a in resolve(e, Path("/t"))), \
        "a placeholder has no demo value"


def resolve(example: Example, tmp: Path) -> list[str]:
    """The example's arguments with its placeholders replaced by demo values."""
    args = []
    for arg in example.args:
        for name, value in PLACEHOLDERS.items():
            if arg == name or arg.endswith(":ID") and name == "video:ID":
                arg = value.format(tmp=tmp)
                break
        args.append(arg)
    return args


@pytest.mark.parametrize("example", EXAMPLES)
def test_readme_example_runs_on_the_demo(example: Example, demo: Path, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEARCHIVE_CONFIG", str(demo / "demo.toml"))
    shutil.copytree(sample_root() / "captions", Path.cwd() / "captions")
    args = resolve(example, tmp_path)
    if args[:1] == ["import-archive"]:  # "into an empty --data directory": a backup of the demo, restored
        assert CliRunner().invoke(cli, ["export-archive", args[1]]).exit_code == 0
        args = ["--data", str(tmp_path / "restored"), *args]
    result = CliRunner().invoke(cli, args)
    allowed = next((codes for start, codes in ALLOWED.items() if " ".join(("casearchive", *args)).startswith(start)),
                   {0})
    crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
    assert result.exit_code in allowed and not crashed and "Traceback" not in result.output, (
        f"README line {example.line}: `casearchive {' '.join(args)}` exited {result.exit_code}:\n{result.output}"
        f"{result.exception!r}")
