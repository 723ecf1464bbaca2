"""Whole backups: a restored export rebuilds the same index (links, evidence, search results) and
holds no secret; every index build is on record as a run."""

from __future__ import annotations

import gzip
import json
import tarfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from archive.runs import last_run, list_runs
from index.cli import cli
from index.services.browse import status_view
from index.services.demo import EXAMPLE_QUERIES, demo_settings
from index.services.report import coverage_report
from tests.update_world import World, world  # noqa: F401 (the fixture)

QUERIES = (*EXAMPLE_QUERIES, "werkdruk", "rug OR tillen", "company:Photonis", "theme:\"Gezond werken\"")
PLANTED_KEY = "AIzaSyPlantedKey-0123456789abcdefghijk"


def _run(*args: str, env: dict[str, str] | None = None) -> Result:
    result = CliRunner().invoke(cli, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result


def _links(*data: str) -> list[dict]:
    return json.loads(_run(*data, "links", "list", "--format", "json").stdout)


def _answers(*data: str) -> dict[str, list[tuple[str, float, str]]]:
    """Each query's results: id, score and snippet, in order (the index's build time left out)."""
    found = {}
    for query in QUERIES:
        result = json.loads(_run(*data, "search", "--format", "json", "--limit", "50", "--", query).stdout)
        found[query] = [(hit["id"], hit["score"], hit["snippet"]) for hit in result["results"]]
    return found


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo with two link decisions applied: one auto link rejected, one new link confirmed."""
    data = tmp_path_factory.mktemp("whole") / "demo"
    _run("--data", str(data), "demo")
    _run("--data", str(data), "links", "reject", "video:5KXSc7Tvo_h", "theme:Gezond werken")
    _run("--data", str(data), "links", "confirm", "video:5KXSc7Tvo_h", "company:Photonis", "--note", "gezien")
    # The taxonomy and corrections of the demo's build are kept. A rebuild, as after a restore: an
    # updated index's scores also count the documents it replaced until its segments merge.
    _run("--data", str(data), "index", "--rebuild")
    return data


@pytest.fixture(scope="module")
def exported(demo: Path) -> tuple[Path, str]:
    target = demo.parent / "backup.tar.gz"
    return target, _run("--data", str(demo), "export-archive", str(target)).stdout


def test_a_restored_backup_rebuilds_the_same_links_and_results(demo: Path, exported: tuple[Path, str]) -> None:
    backup, said = exported
    assert "the taxonomy (setup/taxonomy.toml)" in said and "caption correction list" in said
    restored = demo.parent / "restored"
    told = _run("--data", str(restored), "import-archive", str(backup)).stdout
    config = restored / "setup" / "casearchive.toml"
    for line in ("Restored the taxonomy (setup/taxonomy.toml).", "Restored the link decisions (curation/).",
                 "Restored the caption correction list (setup/corrections.toml).",
                 f"casearchive --data {restored} index", str(config)):
        assert line in told
    # The plain command, as a user types it after a restore: the restored setup is used unasked.
    built = _run("--data", str(restored), "-v", "index")
    assert f"using the configuration restored with the archive, {config}" in built.stderr
    before, after = _links("--data", str(demo)), _links("--data", str(restored))
    assert {(r["source"], r["target"]): r for r in after} == {(r["source"], r["target"]): r for r in before}
    statuses = {(r["source"], r["target"]): r["status"] for r in after}
    assert statuses[("video:5KXSc7Tvo_h", "theme:Gezond werken")] == "rejected"
    assert statuses[("video:5KXSc7Tvo_h", "company:Photonis")] == "confirmed"
    answers = _answers("--data", str(demo))
    assert all(answers[q] for q in EXAMPLE_QUERIES)
    assert _answers("--data", str(restored)) == answers
    assert _answers("--config", str(config)) == answers  # the same setup named outright


def test_without_the_restored_setup_the_index_differs(demo: Path, exported: tuple[Path, str]) -> None:
    """The control: the archive and decisions alone (what backups held before) build other links."""
    bare = demo.parent / "bare"
    _run("--data", str(bare), "import-archive", str(exported[0]))
    for member in (bare / "setup").iterdir():
        member.unlink()
    _run("--data", str(bare), "index")
    assert _links("--data", str(bare)) != _links("--data", str(demo))


def test_an_explicit_configuration_wins_over_the_restored_one(demo: Path, exported: tuple[Path, str],
                                                              tmp_path: Path) -> None:
    restored = demo.parent / "restored-explicit"
    _run("--data", str(restored), "import-archive", str(exported[0]))
    mine = tmp_path / "mine.toml"
    mine.write_text(f'data = "{restored}"\n', encoding="utf-8")
    _run("--config", str(mine), "index")  # no taxonomy: other links than the backup's setup gives
    assert _links("--config", str(mine)) != _links("--data", str(demo))


def _every_byte(backup: Path) -> bytes:
    """The tarball, its unpacked tar and every member (gzipped blobs unpacked too)."""
    raw = backup.read_bytes()
    parts = [raw, gzip.decompress(raw)]
    with tarfile.open(backup, "r:gz") as tar:
        for member in tar:
            data = tar.extractfile(member).read()  # type: ignore[union-attr]
            parts.append(gzip.decompress(data) if member.name.endswith(".gz") else data)
    return b"\n".join(parts)


def test_the_youtube_key_and_its_file_never_reach_the_backup(demo: Path, tmp_path: Path) -> None:
    key_file = tmp_path / "secret" / "youtube.key"
    key_file.parent.mkdir()
    key_file.write_text(PLANTED_KEY + "\n", encoding="utf-8")
    config = tmp_path / "casearchive.toml"
    config.write_text(f'data = "{demo}"\n[youtube]\nkey_file = "{key_file}"\n'
                      f'api_url = "https://user:{PLANTED_KEY}@youtube.example:8443/v3/?key={PLANTED_KEY}"\n',
                      encoding="utf-8")
    backup = tmp_path / "keyless.tar.gz"
    said = _run("--config", str(config), "export-archive", str(backup), env={"YOUTUBE_API_KEY": PLANTED_KEY}).output
    everything = _every_byte(backup)
    assert b"setup/casearchive.toml" in everything  # the configuration is there, and it was searched
    assert PLANTED_KEY.encode() not in everything and PLANTED_KEY[8:20].encode() not in everything
    assert str(key_file).encode() not in everything and PLANTED_KEY not in said
    with tarfile.open(backup, "r:gz") as tar:
        written = tar.extractfile("setup/casearchive.toml").read().decode()  # type: ignore[union-attr]
    assert 'api_url = "https://youtube.example:8443/v3/"' in written and "\nkey_file" not in written


def test_every_build_is_recorded_and_shown_as_the_last_run(demo: Path, tmp_path: Path) -> None:
    runs = list_runs(demo)
    assert [r["command"] for r in runs].count("index") == 2  # the demo's build and the `index` after it
    run = last_run(demo)
    assert run is not None and run["command"] == "index" and run["exit_code"] == 0
    assert run["totals"]["new"] > 50 and run["links"] == len(_links("--data", str(demo)))
    assert f"Last run: index at {run['finished_at']}" in _run("--data", str(demo), "status").stdout
    settings = demo_settings(demo)
    assert status_view(settings)["runs"][-1] == {
        "command": "index", "started_at": run["started_at"], "finished_at": run["finished_at"], "exit_code": 0,
        "items": sum(run["totals"][k] for k in ("new", "changed", "unchanged", "failed"))}
    assert "index" in {r["command"] for r in coverage_report(settings)["last_runs"]}


def test_a_failed_build_is_recorded_too(demo: Path, tmp_path: Path) -> None:
    broken = tmp_path / "taxonomy.toml"
    broken.write_text("[[company]\nname = ", encoding="utf-8")
    copy = tmp_path / "copy"
    _run("--data", str(copy), "import-archive", str(demo.parent / "backup.tar.gz"))
    result = CliRunner().invoke(cli, ["--data", str(copy), "index", "--taxonomy", str(broken)])
    assert result.exit_code == 2, result.output
    run = last_run(copy)
    assert run is not None and run["command"] == "index" and run["exit_code"] == 2
    assert "taxonomy" in run["error"]


def test_an_update_records_its_build_before_itself(world: World) -> None:
    """The build inside `update` is an index run of its own, then the update's summary follows."""
    world.update()
    runs = list_runs(world.data_dir)
    assert [r["command"] for r in runs][-2:] == ["index", "update"]
    assert runs[-2]["exit_code"] == 0 and runs[-2]["totals"]["new"] > 10
