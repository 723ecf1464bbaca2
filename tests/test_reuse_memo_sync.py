"""index.reuse against a memo out of step: a transcript was kept when the company finder finds in its whole text what
the *mentions memo* (<data>/cache/mentions.pickle) remembers, but the kept units come from the *live
generation*. The two are written at different moments of a build (the memo before write_index, the
generation at its end), so a build that saves one and not the other leaves them describing different
builds, and the next update keeps passages whose companies are wrong (a keep=False build or a rebuild
writes other units).

The video's link to the company is rejected so that the video context (index.reuse.passage_context)
stays the same: only the passage's own look finds the company, as in tests/test_mentions.py.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.config import Settings
from index.build import current_generation, read_manifest
from index.cli import cli
from index.demo import sample_root
from index.linking import decide
from index.service import build

WERKVLOER_VIDEO = "tDDb-xHKas1"  # the sample video whose captions say "werkvloer"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("reuse_memo_sync") / "demo"
    result = CliRunner().invoke(cli, ["--data", str(data), "demo"])
    assert result.exit_code == 0, result.output
    return data


@pytest.fixture
def data(demo: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(demo, copy, symlinks=True)
    decide(copy, f"video:{WERKVLOER_VIDEO}", "company:Werkvloer BV", "rejected", check=False)
    return copy


def taxonomies(tmp_path: Path) -> tuple[Path, Path]:
    sample = (sample_root() / "taxonomy.toml").read_text(encoding="utf-8")
    plain, with_werkvloer = tmp_path / "plain.toml", tmp_path / "werkvloer.toml"
    plain.write_text(sample, encoding="utf-8")
    with_werkvloer.write_text(sample + '\n[[company]]\nname = "Werkvloer BV"\naliases = ["werkvloer"]\n',
                              encoding="utf-8")
    return plain, with_werkvloer


def units_of(data_dir: Path) -> dict[str, str]:
    live = current_generation(data_dir)
    assert live is not None
    return read_manifest(live)["units"]


def passage_companies(data_dir: Path) -> dict[str, list[str]]:
    from whoosh import index as whoosh_index

    live = current_generation(data_dir)
    with whoosh_index.open_dir(str(live)).searcher() as searcher:
        return {f["id"]: f["meta"]["companies"] for f in searcher.all_stored_fields()
                if f["id"].startswith(f"passage:{WERKVLOER_VIDEO}:")}


def same_as_keep_false(data_dir: Path, taxonomy: Path, tmp_path: Path) -> None:
    other = tmp_path / "keep_false"
    shutil.copytree(data_dir, other, symlinks=True)
    build(Settings(data_dir=other, taxonomy=taxonomy), keep=False)
    assert passage_companies(data_dir) == passage_companies(other)
    assert units_of(data_dir) == units_of(other)


def test_an_update_after_a_build_that_failed_to_publish(data: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The memo is saved, then write_index fails (disk full, a held Whoosh lock, Ctrl-C): the memo
    now knows "Werkvloer BV" but the live generation's passages were made without it."""
    _plain, with_werkvloer = taxonomies(tmp_path)

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("index.service.write_index", fail)
    with pytest.raises(OSError):
        build(Settings(data_dir=data, taxonomy=with_werkvloer))
    monkeypatch.undo()
    build(Settings(data_dir=data, taxonomy=with_werkvloer))  # the retry: should name the company
    same_as_keep_false(data, with_werkvloer, tmp_path)


def test_an_update_after_a_build_that_could_not_save_its_memo(data: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The generation is published but the memo cannot be written (only a warning): the memo is
    one build behind, and a company removed afterwards stays on the kept passage."""
    plain, with_werkvloer = taxonomies(tmp_path)

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("index.mentions.atomic_write", fail)
    build(Settings(data_dir=data, taxonomy=with_werkvloer))  # published; the memo is the demo's
    monkeypatch.undo()
    assert any("Werkvloer BV" in c for c in passage_companies(data).values())
    build(Settings(data_dir=data, taxonomy=plain))  # the company is gone from the taxonomy
    same_as_keep_false(data, plain, tmp_path)
