"""Edge cases of the fast search path: unscored document sets, groups from the search table, the
best hits scored per group, deleted documents after an update, and the searcher pool."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh import query as wq

from index.engine import live as live_module
from index.engine import search as search_module
from index.engine.build import open_live, write_index
from index.engine.docsets import DocList, docs_having, matching_docs
from index.linking.links import LinkSet
from index.engine.schema import Unit, cue_texts, pack_cues
from index.engine.live import close_searchers
from index.engine.query import QueryError
from index.engine.search import SearchOptions, run_search
from index.text.taxonomy import Taxonomy
from tests.test_search_table import corpus, group_key, updated, whoosh_docs  # noqa: F401 (fixture)


def search(data_dir: Path, text: str, **options: object) -> dict:
    return run_search(data_dir, text, Taxonomy(), SearchOptions(**options))  # type: ignore[arg-type]


def case(slug: str, text: str) -> Unit:
    return Unit(id=f"case:{slug}", kind="case", parent=f"case:{slug}", source=f"site.case:{slug}",
                title=f"Case {slug}", content=text, url=f"https://k.nl/kennis/{slug}/", case_ids=[slug],
                year=2015, date="2015-05-05")


def note(slug: str, page: int, text: str) -> Unit:
    url = f"https://k.nl/notes/{slug}.pdf"
    return Unit(id=f"note:{url}#page={page}", kind="note", parent=f"case:{slug}", source=f"site.note:{url}",
                title=f"Notitie {slug} (p. {page})", content=text, url=f"{url}#page={page}", case_ids=[slug],
                year=2015, date="2015-05-05", extra={"page": page, "note_url": url})


def video(vid: str, text: str, date: str = "2014-01-01", title: str = "Video") -> Unit:
    return Unit(id=f"video:{vid}", kind="video", parent=f"video:{vid}", source=f"youtube.video:{vid}",
                title=title, content=text, url=f"https://www.youtube.com/watch?v={vid}", year=int(date[:4]),
                date=date, lang="nl", extra={"video_id": vid, "thumbnail": None, "duration": 60})


def passage(vid: str, n: int, cue_words: list[str], title: str = "Video", date: str = "2014-01-01") -> Unit:
    cues = [[n * 30.0 + i * 5, n * 30.0 + i * 5 + 5, text] for i, text in enumerate(cue_words)]
    return Unit(id=f"passage:{vid}:nl:{n}", kind="passage", parent=f"video:{vid}", source=f"transcript:{vid}",
                title=title, content=" ".join(c[2] for c in cues),
                url=f"https://www.youtube.com/watch?v={vid}&t={n * 30}s", year=int(date[:4]), date=date, lang="nl",
                caption="manual", extra={"video_id": vid, "start": n * 30.0, "end": n * 30.0 + 30, "cues": cues})


@pytest.fixture(autouse=True)
def _closed_pool():  # type: ignore[no-untyped-def]
    yield
    close_searchers()


# --- Bugs -------------------------------------------------------------------------------------------


def test_a_note_page_is_never_shown_as_its_case(data_dir: Path) -> None:
    """A case group is its parent's documents *without* the note pages (which are groups of their own).
    When an update adds note pages of two cases, the newer segment starts with a note whose parent is
    another case, and Whoosh's AndNot matcher (used for the case group's hits) lets the first note of
    this case through: the case's result becomes that note, shown twice, and the case itself vanishes."""
    cases = [case("x", "werkdruk in de zorg"), case("y", "rooster en pauze")]
    write_index(data_dir, cases, LinkSet())
    write_index(data_dir, cases + [note("y", 1, "pauze"), note("x", 1, "werkdruk werkdruk werkdruk")], LinkSet())
    out = search(data_dir, "werkdruk")
    shown = [(r["kind"], r["id"]) for r in out["results"]]
    assert out["total"] == 2
    assert sorted(shown) == [("case", "case:x"), ("note", "note:https://k.nl/notes/x.pdf#page=1")]


def test_filters_alone_never_show_a_deleted_document(data_dir: Path) -> None:
    """A filter-only search lists a group's documents by number from the unscored set, which still
    holds the documents an update deleted; a deleted passage counts as kind "passage" (DELETED & 3)
    and, being first, becomes the group's result: the old text of a changed passage is shown."""
    units = [video("vidAAAAAAAA", "over het werk"),
             passage("vidAAAAAAAA", 0, ["oude tekst die", "niet meer geldt"]),
             passage("vidAAAAAAAA", 1, ["tweede stuk"])]
    write_index(data_dir, units, LinkSet())
    units[1] = passage("vidAAAAAAAA", 0, ["nieuwe tekst die", "nu geldt"])
    write_index(data_dir, units, LinkSet())
    ix, _manifest, _live = open_live(data_dir, units=False)
    with ix.searcher() as searcher:
        assert searcher.reader().has_deletions()
    out = search(data_dir, "kind:passage")
    assert out["total"] == 1
    (result,) = out["results"]
    assert "oude" not in result["snippet"]
    assert result["snippet"].startswith(("nieuwe tekst", "tweede stuk"))  # a live passage, in document order


def test_a_removed_passage_is_not_shown_by_a_filter(data_dir: Path) -> None:
    """The same with the passage removed, not changed: the result is a passage that is no longer in
    the index (its start link points at a moment that was taken out)."""
    units = [video("vidAAAAAAAA", "over het werk"),
             passage("vidAAAAAAAA", 0, ["weggehaald stuk"]),
             passage("vidAAAAAAAA", 1, ["blijvend stuk"])]
    write_index(data_dir, units, LinkSet())
    write_index(data_dir, [units[0], units[2]], LinkSet())
    (result,) = search(data_dir, "kind:passage")["results"]
    assert result["id"] == "passage:vidAAAAAAAA:nl:1"


@pytest.fixture
def three(data_dir: Path) -> Path:
    """Three videos: one says werkdruk, one pauze, one lasser."""
    write_index(data_dir, [video("vidAAAAAAAA", "werkdruk", "2014-01-01"),
                           video("vidBBBBBBBB", "pauze", "2015-01-01"),
                           video("vidCCCCCCCC", "lasser", "2016-01-01")], LinkSet())
    return data_dir


def test_two_negated_words_alone_are_refused_and_with_a_filter_show_what_they_count(three: Path) -> None:
    """"NOT a NOT b" excludes words from nothing: refused as "-a -b" is; with a filter it counts and
    shows what the filter finds without those words (ranked by date: there are no words to rank by)."""
    for text in ("NOT werkdruk NOT lasser", "-werkdruk -lasser"):
        with pytest.raises(QueryError) as refused:
            search(three, text)
        assert refused.value.code == "only_excluded"
    for text in ("kind:video NOT werkdruk NOT lasser", "kind:video -werkdruk -lasser"):
        out = search(three, text)
        assert out["total"] == 1
        assert [group_key(r) for r in out["results"]] == ["video:vidBBBBBBBB"]


def test_a_negation_inside_an_or_still_shows_its_matches(three: Path) -> None:
    """"lasser OR (NOT werkdruk)": the ranking drops the Not from the Or, so the groups that match only
    through the negated branch are counted in total but never ranked, hence never shown."""
    out = search(three, "lasser OR (NOT werkdruk)")
    assert out["total"] == 2
    assert sorted(group_key(r) for r in out["results"]) == ["video:vidBBBBBBBB", "video:vidCCCCCCCC"]


def test_limit_zero_shows_nothing_in_either_order(three: Path) -> None:
    """SearchOptions(limit=0): sorted by date it shows no result, by relevance every group
    (_top_groups never reaches ``wanted == 0`` and returns all it saw)."""
    by_date = search(three, "werkdruk OR pauze OR lasser", limit=0, sort="date")
    by_relevance = search(three, "werkdruk OR pauze OR lasser", limit=0)
    assert by_date["results"] == []
    assert by_relevance["results"] == []


# --- Regression tests (these pass) ------------------------------------------------------------------


@pytest.mark.parametrize("text", ["pauze OR (NOT werkdruk)", "kind:video NOT werkdruk NOT lasser",
                                  "kind:video -werkdruk", "kind:video NOT lasser", "-kind:case -werkdruk",
                                  "kind:video OR kind:case",
                                  '"werkdruk werkdruk"', '"werkdruk rooster"~2', '"werkdruk lasser rooster"~2',
                                  '"werkdruk"', "zzzq*", "xqzv~", "werkdruk -zzzq*", "year:2011..2012",
                                  "year:2030..2040", "kind:video -theme:Zorg", "werkdruk NOT (rooster AND pauze)",
                                  "(werkdruk OR lasser) -(rooster OR pauze)"])
def test_more_document_sets_are_what_whoosh_matches(updated: Path, text: str) -> None:  # noqa: F811
    ix, _manifest, _live = open_live(updated, units=False)
    with ix.searcher() as searcher:
        expected, query = whoosh_docs(searcher, text)
        reader = searcher.reader()
        found = {d for d in matching_docs(searcher, query) if not reader.is_deleted(d)}
    assert found == expected


@pytest.fixture
def many(data_dir: Path) -> Path:
    """More documents per word than a posting block holds (128), over two segments with deletions."""
    units = [video(f"vid{n:08d}", "werkdruk rooster" + (" pauze" if n % 3 else " werkdruk lasser rooster"),
                   f"{2010 + n % 7}-01-01") for n in range(400)]
    write_index(data_dir, units, LinkSet())
    units = [video(u.extra["video_id"], u.content + " overleg", u.date or "") if n % 5 == 0 else u
             for n, u in enumerate(units)]
    write_index(data_dir, units[:390], LinkSet())
    return data_dir


@pytest.mark.parametrize("text", ["werkdruk", '"werkdruk rooster"', '"rooster werkdruk"~2', '"werkdruk lasser"',
                                  "rooster -lasser", "werk*"])
def test_document_sets_over_many_posting_blocks(many: Path, text: str) -> None:
    ix, _manifest, _live = open_live(many, units=False)
    with ix.searcher() as searcher:
        reader = searcher.reader()
        assert reader.has_deletions() and len(list(reader.leaf_readers())) > 1
        expected, query = whoosh_docs(searcher, text)
        found = {d for d in matching_docs(searcher, query) if not reader.is_deleted(d)}
    assert found == expected and len(found) > 128


def test_docs_having_checks_every_segment_and_skips_unknown_fields(many: Path) -> None:
    ix, _manifest, _live = open_live(many, units=False)
    with ix.searcher() as searcher:
        reader = searcher.reader()
        live = [d for d in range(reader.doc_count_all()) if not reader.is_deleted(d)]
        with_lasser = set(searcher.docs_for_query(wq.Term("content", "lasser")))
        asked = set(live[::7])
        found = docs_having(searcher, [("nofield", "lasser"), ("content", "lasser")], asked)
    assert found == asked & with_lasser and found


def test_a_doc_list_scores_exactly_its_live_documents_in_every_segment(many: Path) -> None:
    ix, _manifest, _live = open_live(many, units=False)
    with ix.searcher() as searcher:
        reader = searcher.reader()
        wanted = {d for d in range(0, reader.doc_count_all(), 3) if not reader.is_deleted(d)}
        hits = searcher.search(wq.Require(wq.Term("content", "rooster"), DocList(wanted)), limit=None,
                               optimize=False)
        assert {d for d, _ in hits.items()} == wanted


def test_an_offset_beyond_the_total_and_no_match_answer_empty(updated: Path) -> None:  # noqa: F811
    beyond = search(updated, "werkdruk", offset=500)
    assert beyond["total"] > 0 and beyond["results"] == []
    none = search(updated, "kantoorfeestje")
    assert none["total"] == 0 and none["results"] == [] and none["facets"]["kind"] == {}
    assert search(updated, "kind:case", offset=100, sort="date")["results"] == []


def test_inactive_videos_count_only_when_asked(updated: Path) -> None:  # noqa: F811
    hidden = search(updated, "werkdruk", limit=100)
    shown = search(updated, "werkdruk", limit=100, include_inactive=True)
    assert "video:vid00000005" not in [group_key(r) for r in hidden["results"]]
    assert "video:vid00000005" in [group_key(r) for r in shown["results"]]
    assert shown["total"] == hidden["total"] + 1


def test_cue_texts_are_cut_back_exactly_whatever_their_spaces() -> None:
    cues = [[0.0, 1.0, "  werkdruk "], [1.0, 2.0, ""], [2.0, 3.0, " "], [3.0, 4.0, "de pauze  "], [4.0, 5.0, "x"]]
    assert cue_texts(" ".join(c[2] for c in cues), pack_cues(cues)) == cues


def test_a_passage_without_its_video_links_to_the_cue_that_says_the_word(data_dir: Path) -> None:
    """No video unit (the video is not archived): the passage is its group alone; its start link
    points at the cue that says the word, cut from the content even with odd spaces around cues."""
    unit = passage("vidZZZZZZZZ", 2, ["  over het rooster ", "", "en dan de pauze  ", "einde"], title="vidZZZZZZZZ")
    unit.date = unit.year = None
    write_index(data_dir, [unit, video("vidAAAAAAAA", "pauze")], LinkSet())
    out = search(data_dir, "pauze", sort="date")
    (result,) = [r for r in out["results"] if r["video_id"] == "vidZZZZZZZZ"]
    assert result["kind"] == "passage" and result["start"] == 70
    assert "«pauze»" in result["snippet"]
    by_relevance = search(data_dir, "pauze")
    assert {group_key(r) for r in by_relevance["results"]} == {"video:vidZZZZZZZZ", "video:vidAAAAAAAA"}


def test_a_search_running_while_a_new_generation_is_published(data_dir: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A search that holds a searcher of the old generation finishes on it; the pool then keeps only
    the new generation's searchers and the old one is closed, not leaked."""
    import threading

    units = corpus(videos=2, passages=2)
    write_index(data_dir, units, LinkSet())
    assert search(data_dir, "kantoorfeest")["total"] == 0
    started, release = threading.Event(), threading.Event()
    real = search_module._search
    borrowed: list = []

    def slow(generation, searcher, *args):  # type: ignore[no-untyped-def]
        if threading.current_thread().name == "slow":
            borrowed.append(searcher)
            started.set()
            release.wait(10)
        return real(generation, searcher, *args)

    monkeypatch.setattr(search_module, "_search", slow)
    answers: list = []
    thread = threading.Thread(target=lambda: answers.append(search(data_dir, "kantoorfeest")), name="slow")
    thread.start()
    assert started.wait(10)
    units[0].content += " kantoorfeest"
    write_index(data_dir, units, LinkSet())
    assert search(data_dir, "kantoorfeest")["total"] == 1
    release.set()
    thread.join(10)
    assert answers and answers[0]["total"] == 0  # the old generation, consistently
    assert borrowed[0].is_closed
    (generation,) = live_module._open.values()
    assert borrowed[0] not in generation.idle and all(not s.is_closed for s in generation.idle)
