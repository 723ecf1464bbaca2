"""Edges of the term pool and the remembered mentions found in review: a spelling field, two finders
of one kind with different names, a mentions file of another layout."""

from __future__ import annotations

import pickle
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.analysis import StemmingAnalyzer
from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import ID, TEXT, Schema

from index.linking.links import CaseInfo, VideoInfo, link_all, name_finder
from index.linking.mentions import MENTIONS_VERSION, MentionCache, mentions_path
from index.engine.storage import open_writer
from index.text.taxonomy import Taxonomy


# --- index/engine/postings.py ---------------------------------------------------------------------

def _spelling_files(folder: Path, writer_of) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    folder.mkdir()
    schema = Schema(id=ID(stored=True), body=TEXT(analyzer=StemmingAnalyzer(), spelling=True))
    ix = whoosh_index.create_in(str(folder), schema)
    writer = writer_of(ix)
    for n, text in enumerate(["roosters en ploegen", "de ploeg werkt", "werkende roosters"]):
        writer.add_document(id=str(n), body=text)
    writer.commit()
    return {p.suffix: p.read_bytes() for p in folder.iterdir() if p.suffix in (".pst", ".trm")}


def test_term_pool_bytes_match_whoosh_with_a_separate_spelling_field(tmp_path: Path) -> None:
    """Whoosh adds spelling words with an int weight (1), which the pool's arrays would write as
    1.0: a schema with a separate spelling field keeps Whoosh's pool, and the same files."""
    whoosh = _spelling_files(tmp_path / "whoosh", lambda ix: ix.writer(codec=W3Codec(compression=0), compound=False))
    ours = _spelling_files(tmp_path / "ours", lambda ix: open_writer(ix))
    assert ours == whoosh


# --- index/linking/mentions.py + linking memo -----------------------------------------------------------

def _tax(*companies: str) -> Taxonomy:
    tax = Taxonomy()
    for name in companies:
        tax.add("company", name)
    return tax


TEXT_BOTH = "Bij Kuipers Verpakkingen en bij Smit Garage is de werkdruk hoog"


def test_two_finders_of_one_kind_with_different_names_in_one_build(tmp_path: Path) -> None:
    """The memo of a kind is bound to the names of the first finder of that kind: a second finder
    with other names searches without it (not with the first finder's answers)."""
    cache = MentionCache(mentions_path(tmp_path))
    name_finder(_tax("Kuipers Verpakkingen"), "company", cache).find(TEXT_BOTH)
    got = name_finder(_tax("Kuipers Verpakkingen", "Smit Garage"), "company", cache).find(TEXT_BOTH)
    assert [entry for entry, _ in got] == ["Kuipers Verpakkingen", "Smit Garage"]


def test_a_shared_memo_misleads_the_next_build_too(tmp_path: Path) -> None:
    """The same situation, saved: the file keeps the first finder's names, so the next build (with
    both names) searches the text again for the name it lacks."""
    path = mentions_path(tmp_path)
    first = MentionCache(path)
    name_finder(_tax("Kuipers Verpakkingen"), "company", first).find(TEXT_BOTH)
    name_finder(_tax("Kuipers Verpakkingen", "Smit Garage"), "company", first)
    first.save()
    second = MentionCache(path)
    got = name_finder(_tax("Kuipers Verpakkingen", "Smit Garage"), "company", second).find(TEXT_BOTH)
    assert [entry for entry, _ in got] == ["Kuipers Verpakkingen", "Smit Garage"]


def test_a_memo_file_that_unpickles_but_has_another_shape_is_ignored(tmp_path: Path) -> None:
    """A file that unpickles with the right version but another layout is ignored like a damaged one."""
    path = mentions_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_bytes(pickle.dumps({"version": MENTIONS_VERSION, "kinds": {"company": None}}))
    cases = [CaseInfo("case-a", "Case A", (), (), (), ())]
    videos = [VideoInfo("vid00000001", "UCx", "Kuipers Verpakkingen", "", "")]
    expected = [link.to_dict() for link in link_all(cases, videos, _tax("Kuipers Verpakkingen"))]
    got = [link.to_dict() for link in link_all(cases, videos, _tax("Kuipers Verpakkingen"),
                                               mentions=MentionCache(path))]
    assert got == expected
