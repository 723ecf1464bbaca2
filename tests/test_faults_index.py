"""Faults in the index: a build killed with SIGKILL at several points, a corrupted index, a full disk.

A build runs in a subprocess that kills itself (SIGKILL: no cleanup, no ``finally``) at a chosen
point. Before the swap the previous index must keep answering exactly as before; after the swap
the new one must be complete. Either way the next ``update`` completes and cleans up.
"""

from __future__ import annotations

import errno
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from index.engine.build import current_generation, index_root
from tests.update_world import World, add_sentence, answers, harvest_site_only, result_ids, world  # noqa: F401

SLUG = "taakroulatie-bij-kuipers-verpakkingen"
WORD = "zeppelinkwartier"

# Runs an incremental build and SIGKILLs itself at the point named by argv[1].
DRIVER = r"""
import os, signal, sys
from pathlib import Path

import index.engine.build as build
from archive.config import Settings
from index.services.library import build as run_build

point, data_dir, taxonomy = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])


def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)


if point.startswith("docs:"):
    from whoosh.writing import SegmentWriter

    limit, added = int(point[5:]), [0]
    add = SegmentWriter.add_document

    def counting(self, **fields):
        added[0] += 1
        if added[0] > limit:
            die()
        return add(self, **fields)

    SegmentWriter.add_document = counting
elif point == "manifest":  # the segment is committed, links.json written, the manifest not
    write = build.atomic_write
    build.atomic_write = lambda path, data: die() if path.name == "manifest.json" else write(path, data)
elif point == "swap":  # the temporary symlink exists, the rename onto "current" never happens
    replace = os.replace
    os.replace = lambda src, dst: die() if str(dst).endswith("current") else replace(src, dst)
elif point == "cleanup":  # swapped, but the old generations are not cleaned up
    build._cleanup = die
run_build(Settings(data_dir=data_dir, taxonomy=taxonomy))
print("the build was not killed")
"""


@pytest.mark.parametrize("point", ["docs:1", "manifest", "swap", "cleanup"])
def test_a_killed_build_leaves_the_previous_index_serving(world: World, point: str) -> None:
    assert world.update().exit_code == 0
    before = answers(world)
    live = current_generation(world.data_dir)
    add_sentence(world, SLUG, f"Sinds kort werkt ook het {WORD} mee aan de roulatie.")
    harvest_site_only(world)

    killed = subprocess.run([sys.executable, "-c", DRIVER, point, str(world.data_dir), str(world.settings.taxonomy)],
                            capture_output=True, text=True, env=world.env, timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stdout + killed.stderr

    if point == "cleanup":  # the swap happened: the new generation is complete and live
        assert current_generation(world.data_dir) != live
        assert SLUG in " ".join(result_ids(world, WORD))
    else:
        assert current_generation(world.data_dir) == live
        assert result_ids(world, WORD) == []
        assert answers(world) == before

    report = world.update()
    assert report.exit_code == 0 and report.step("index").status == "done"  # type: ignore[union-attr]
    assert SLUG in " ".join(result_ids(world, WORD))
    assert answers(world).keys() == before.keys()
    generations = [g for g in index_root(world.data_dir).glob("gen-*")]
    assert all((g / "manifest.json").exists() for g in generations), "a half-built generation was left"


def test_a_corrupted_index_is_detected_reported_and_rebuilt(world: World) -> None:
    world.update()
    before = answers(world)
    live = current_generation(world.data_dir)
    assert live is not None
    for segment in live.glob("*.seg"):
        segment.write_bytes(segment.read_bytes()[:100])  # a damaged disk, a bad copy
    for toc in live.glob("*.toc"):
        toc.write_bytes(b"\x00garbage")

    searched = world.cli("search", "taakroulatie")
    assert searched.returncode != 0 and "Traceback" not in searched.stderr
    assert "index" in searched.stderr and "rebuild" in searched.stderr

    report = world.update()
    assert report.exit_code == 0
    assert any("unreadable" in w and "rebuilt" in w for w in report.warnings)
    assert report.step("index").detail["rebuilt"] is True  # type: ignore[union-attr]
    assert answers(world) == before


def test_a_full_disk_during_the_build_keeps_the_old_index(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    world.update()
    before = answers(world)
    live = current_generation(world.data_dir)
    add_sentence(world, SLUG, f"Het {WORD} doet ook mee.")

    def no_space(path: Path, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    with monkeypatch.context() as patch:
        patch.setattr("index.engine.build.atomic_write", no_space)
        report = world.update()
    assert report.exit_code == 1
    assert report.step("index").status == "error"  # type: ignore[union-attr]
    assert any("No space left on device" in f for f in report.to_dict()["failures"])
    assert current_generation(world.data_dir) == live and answers(world) == before

    assert world.update().exit_code == 0
    assert SLUG in " ".join(result_ids(world, WORD))
