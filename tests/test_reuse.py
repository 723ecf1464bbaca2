"""Kept passages (index.linking.reuse): an update keeps the units of transcripts that are as they were,
and writes exactly what an update that makes every unit again writes."""

from __future__ import annotations

import json
import logging
import pickle
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.config import Settings
from index.engine.build import current_generation, read_manifest
from index.cli import cli
from index.services.demo import sample_root
from index.linking.links import decide
from index.linking.reuse import REUSE_FILE
from index.services.library import build

WERKVLOER_VIDEO = "tDDb-xHKas1"  # the sample video whose captions say "werkvloer"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("reuse") / "demo"
    result = CliRunner().invoke(cli, ["--data", str(data), "demo"])
    assert result.exit_code == 0, result.output
    return data


@pytest.fixture
def data(demo: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(demo, copy, symlinks=True)
    return copy


def written(data_dir: Path) -> tuple[dict, list, dict]:  # type: ignore[type-arg]
    """The live generation's unit fingerprints, links and transcript records."""
    live = current_generation(data_dir)
    assert live is not None
    records = pickle.loads((live / REUSE_FILE).read_bytes())["transcripts"]
    return read_manifest(live)["units"], json.loads((live / "links.json").read_text(encoding="utf-8")), records


def kept(log: str) -> tuple[int, int]:
    match = re.search(r"(\d+) of (\d+) transcripts kept", log)
    assert match, log
    return int(match.group(1)), int(match.group(2))


def with_werkvloer(tmp_path: Path) -> Path:
    """The sample taxonomy and a company whose name one transcript says ("werkvloer")."""
    path = tmp_path / "taxonomy.toml"
    path.write_text((sample_root() / "taxonomy.toml").read_text(encoding="utf-8")
                    + '\n[[company]]\nname = "Werkvloer BV"\naliases = ["werkvloer"]\n', encoding="utf-8")
    return path


def test_an_update_with_nothing_changed_keeps_every_transcript(data: Path, caplog: pytest.LogCaptureFixture) -> None:
    before = written(data)
    with caplog.at_level(logging.INFO):
        report = build(Settings(data_dir=data))
    count, total = kept(caplog.text)
    assert total == len(before[2]) > 0 and count == total
    assert report.touched == 0 and report.total == len(before[0])
    assert written(data) == before


def test_a_transcript_that_says_a_new_name_is_made_again_the_rest_kept(data: Path, tmp_path: Path,
                                                                      caplog: pytest.LogCaptureFixture) -> None:
    taxonomy = with_werkvloer(tmp_path)
    other = tmp_path / "other"
    shutil.copytree(data, other, symlinks=True)
    with caplog.at_level(logging.INFO):
        build(Settings(data_dir=data, taxonomy=taxonomy))
    count, total = kept(caplog.text)
    assert count == total - 1  # only the transcript that says "werkvloer" was read and made again
    build(Settings(data_dir=other, taxonomy=taxonomy), keep=False)
    assert written(data) == written(other)
    units = written(data)[0]
    assert any(uid.startswith(f"passage:{WERKVLOER_VIDEO}:") for uid in units)
    # The passage that says it names the company, as a rebuild's does.
    links = {link["target"] for link in written(data)[1] if link["source"] == f"video:{WERKVLOER_VIDEO}"}
    assert "company:Werkvloer BV" in links


def test_records_of_other_code_or_damaged_records_are_not_used(data: Path, monkeypatch: pytest.MonkeyPatch,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    before = written(data)
    monkeypatch.setattr("index.linking.reuse.code_digest", lambda: "other code")
    with caplog.at_level(logging.INFO):
        build(Settings(data_dir=data))
    assert "of other code" in caplog.text and "transcripts kept" not in caplog.text
    monkeypatch.undo()
    assert written(data)[:2] == before[:2]

    live = current_generation(data)
    assert live is not None
    (live / REUSE_FILE).write_bytes(b"\x80\x05not a pickle")
    caplog.clear()
    with caplog.at_level(logging.INFO):
        report = build(Settings(data_dir=data))
    assert "do not load" in caplog.text and "transcripts kept" not in caplog.text
    assert report.touched == 0 and written(data) == before  # and the records are written again


def test_kept_units_missing_from_the_live_generation_are_made_again(data: Path,
                                                                    caplog: pytest.LogCaptureFixture) -> None:
    before = written(data)
    live = current_generation(data)
    assert live is not None
    manifest = json.loads((live / "manifest.json").read_text(encoding="utf-8"))
    gone = next(uid for uid in manifest["units"] if uid.startswith("passage:"))
    del manifest["units"][gone]
    (live / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with caplog.at_level(logging.INFO):
        report = build(Settings(data_dir=data))
    assert "making every unit again" in caplog.text
    assert report.added == 1 and written(data) == before


def test_a_kept_transcript_that_cannot_be_read_makes_the_build_read_every_transcript(
        data: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Names changed, so the kept transcripts' texts are read; one's captions are damaged in the
    archive and gone from the parse cache. The build starts again reading every transcript, and
    leaves that one out with a warning, as a build that keeps nothing does."""
    import sqlite3

    from archive.parse_cache import cache_path
    from archive.store import open_store
    from archive.transcripts import preferred_versions

    with open_store(data) as store:
        version = next(v for v in preferred_versions(store) if v.meta["video_id"] != WERKVLOER_VIDEO)
        store._blob_path(version.sha256).write_bytes(b"WEBVTT\n\ndamaged")
    with sqlite3.connect(cache_path(data)) as db:
        db.execute("DELETE FROM parsed")
    db.close()
    taxonomy = with_werkvloer(tmp_path)
    other = tmp_path / "other"
    shutil.copytree(data, other, symlinks=True)
    with caplog.at_level(logging.INFO):
        build(Settings(data_dir=data, taxonomy=taxonomy))
    assert "reading every transcript again" in caplog.text
    assert "cannot be read" in caplog.text
    build(Settings(data_dir=other, taxonomy=taxonomy), keep=False)
    assert written(data) == written(other)
    assert not any(uid.startswith(f"passage:{version.meta['video_id']}:") for uid in written(data)[0])


# -- the memo and the live generation a build apart ----------------------------------------------
# (found by a review: a transcript was first kept when the mentions memo agreed, but the memo is
# saved before the generation is published, so a build that saved one and not the other left
# them describing different builds.) The video's link to "Werkvloer BV" is rejected so that the
# video's context stays the same: only the passage's own look finds the company (and, the link
# being rejected, leaves it off the passage, as a build that keeps nothing does).


@pytest.fixture
def rejected(data: Path) -> Path:
    decide(data, f"video:{WERKVLOER_VIDEO}", "company:Werkvloer BV", "rejected", check=False)
    return data


def taxonomies(tmp_path: Path) -> tuple[Path, Path]:
    """The sample taxonomy as it is, and with "Werkvloer BV"."""
    plain = tmp_path / "plain.toml"
    plain.write_text((sample_root() / "taxonomy.toml").read_text(encoding="utf-8"), encoding="utf-8")
    return plain, with_werkvloer(tmp_path)


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
    assert written(data_dir) == written(other)


def test_an_update_after_a_build_that_failed_to_publish(rejected: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The memo is saved, then write_index fails (disk full, a held Whoosh lock, Ctrl-C): the memo
    now knows "Werkvloer BV" but the live generation's passages were made without it."""
    _plain, werkvloer = taxonomies(tmp_path)

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("index.services.library.write_index", fail)
    with pytest.raises(OSError):
        build(Settings(data_dir=rejected, taxonomy=werkvloer))
    monkeypatch.undo()
    build(Settings(data_dir=rejected, taxonomy=werkvloer))  # the retry: should name the company
    same_as_keep_false(rejected, werkvloer, tmp_path)


def test_an_update_after_a_build_that_could_not_save_its_memo(rejected: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The generation is published but the memo cannot be written (only a warning): the memo is
    one build behind, and a company removed afterwards stays on the kept passage."""
    plain, werkvloer = taxonomies(tmp_path)

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("index.linking.mentions.atomic_write", fail)
    build(Settings(data_dir=rejected, taxonomy=werkvloer))  # published; the memo is the demo's
    monkeypatch.undo()
    # The passage names the company, but its link to the video is rejected: not on any passage.
    assert passage_companies(rejected) and not any("Werkvloer BV" in c for c in passage_companies(rejected).values())
    build(Settings(data_dir=rejected, taxonomy=plain))  # the company is gone from the taxonomy
    same_as_keep_false(rejected, plain, tmp_path)
