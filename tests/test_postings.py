"""The term pool that replaces Whoosh's posting pool: the same files, spilled or not, and the same
answers after incremental builds that merge segments through it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.filedb.filestore import RamStorage

from index.engine.build import current_generation, write_index
from index.linking.links import LinkSet
from index.engine.postings import TermPool
from index.engine.schema import build_schema
from index.engine.search import SearchOptions, run_search
from index.engine.storage import open_writer
from index.text.taxonomy import Taxonomy
from tests.test_search_table import corpus


def _segment_files(folder: Path, writer_of) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    """The postings and terms files of a one-segment index of the corpus, by extension."""
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), build_schema())
    writer = writer_of(ix)
    for unit in corpus(videos=30, passages=12):
        writer.add_document(**unit.to_fields())
    writer.commit()
    return {path.suffix: path.read_bytes() for path in folder.iterdir() if path.suffix in (".pst", ".trm")}


@pytest.mark.parametrize("limitmb", [128, 0.02])
def test_the_term_pool_writes_what_whooshs_own_pool_writes(tmp_path: Path, limitmb: float) -> None:
    """Byte for byte, held in memory or spilled to many run files (0.02 MB: dozens of runs)."""
    whoosh = _segment_files(tmp_path / "whoosh", lambda ix: ix.writer(codec=W3Codec(compression=0), compound=False))
    ours = _segment_files(tmp_path / "ours", lambda ix: open_writer(ix, limitmb=limitmb))
    assert set(whoosh) == {".pst", ".trm"}
    assert len(whoosh[".pst"]) > 100_000  # common words span several posting blocks
    assert ours == whoosh


def test_postings_added_out_of_docnum_order_come_out_in_order() -> None:
    storage = RamStorage()
    pool = TermPool(storage, limitmb=0.0001)  # a spill after every few postings
    added = [("exact", b"rooster", 7, 1.0, b"\x01"), ("exact", b"rooster", 2, 2.0, b"\x02\x02"),
             ("content", b"roost", 5, 1.0, b""), ("exact", b"rooster", 4, 1.0, b"\x03"),
             ("exact", b"ploeg", 1, 1.0, b"\x04")]
    for item in added:
        pool.add(item)
    got = list(pool.iter_postings())
    assert got == sorted(added, key=lambda p: (p[0], p[1], p[2]))
    assert storage.list() == []  # the run files are gone once read


def _grow(data_dir: Path, units: list) -> list:  # type: ignore[type-arg]
    write_index(data_dir, units[:4], LinkSet())
    # More builds, each adding units and changing one: once there are five small segments (under
    # 34 documents together) Whoosh merges them, their postings going through the pool after the
    # new documents'.
    for step, end in enumerate((8, 12, 16, 20, 24, len(units)), 1):
        changed = [replace(u, content=f"{u.content} wisseldienst{step}") if n == step else u
                   for n, u in enumerate(units[:end])]
        report = write_index(data_dir, changed, LinkSet())
        assert report.updated >= 1 and report.added > 0
    # Seven commits, fewer segments: Whoosh merged some.
    assert len(whoosh_index.open_dir(str(current_generation(data_dir)))._segments()) < 7
    return changed


def test_incremental_builds_that_merge_segments_answer_as_with_whooshs_pool(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    units = corpus(videos=16, passages=6)
    ours, whoosh, rebuilt = tmp_path / "ours", tmp_path / "whoosh", tmp_path / "rebuilt"
    final = _grow(ours, units)
    with monkeypatch.context() as patch:
        patch.setattr("index.engine.build.open_writer",
                      lambda ix: ix.writer(codec=W3Codec(compression=0), compound=False))
        _grow(whoosh, units)
    write_index(rebuilt, final, LinkSet(), rebuild=True)
    assert run_search(ours, "wisseldienst3", Taxonomy())["total"] == 0  # changed back since
    for text in ("rooster", "werkdruk ploeg", '"zorg ploeg"', "wisseldienst6", "company:Vitens",
                 "pauze theme:Zorg -rooster"):
        got = run_search(ours, text, Taxonomy(), SearchOptions(limit=50))
        expected = run_search(whoosh, text, Taxonomy(), SearchOptions(limit=50))
        assert got["results"] and got.pop("index_built_at") and expected.pop("index_built_at")
        assert got == expected, text
        # Scores differ from a fresh build's (deleted documents count in Whoosh's statistics until
        # their segment is merged), what is found does not.
        fresh = run_search(rebuilt, text, Taxonomy(), SearchOptions(limit=50))
        assert got["total"] == fresh["total"] > 0, text
        assert got["facets"] == fresh["facets"], text
