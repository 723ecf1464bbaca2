"""The search machinery behind fast queries: unscored document sets, the generation's search table,
the top groups found from the best hits only, and the searcher kept open per generation."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from whoosh import query as wq

from index.engine.build import IndexCorrupt, current_generation, open_live, write_index
from index.engine.docsets import matching_docs
from index.linking.links import LinkSet
from index.engine.query import parse_query
from index.engine.schema import Unit
from index.engine import search as search_module
from index.engine.search import SearchOptions, run_search
from index.engine.table import DOCS_FILE, TABLE_FILE, load_table
from index.text.taxonomy import Taxonomy

WORDS = ("werkdruk roulatie rooster lasser overleg team zorg ploeg dienst pauze verzuim coach gesprek "
         "scholing planning kantoor").split()
COMPANIES = ("Alfa Laval", "Photonis", "Vitens", "Rabobank")


def corpus(seed: int = 3, videos: int = 12, passages: int = 8) -> list[Unit]:
    """Videos with passages (some naming a company beyond their video's) and cases with sections."""
    rng = random.Random(seed)

    def text(n: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(n))

    units = []
    for v in range(videos):
        vid = f"vid{v:08d}"
        company = COMPANIES[v % len(COMPANIES)]
        video = Unit(id=f"video:{vid}", kind="video", parent=f"video:{vid}", source=f"youtube.video:{vid}",
                     title=f"{company}: {text(3)}", content=text(20), url=f"https://www.youtube.com/watch?v={vid}",
                     companies=[company], themes=["Werkdruk" if v % 2 else "Zorg"], year=2010 + v % 5,
                     date=f"{2010 + v % 5}-0{1 + v % 9}-01", lang="nl", active=v != 5,
                     extra={"video_id": vid, "thumbnail": None, "duration": 60})
        units.append(video)
        for p in range(passages):
            said = text(25)
            named = [COMPANIES[(v + 1) % len(COMPANIES)]] if p == 3 else []
            cues = [[p * 30.0, p * 30.0 + 15, said[:len(said) // 2]],
                    [p * 30.0 + 15, p * 30.0 + 30, said[len(said) // 2 + 1:]]]
            units.append(Unit(
                id=f"passage:{vid}:nl:{p}", kind="passage", parent=video.id, source=f"transcript:{vid}",
                title=video.title, content=" ".join(c[2] for c in cues), url=f"{video.url}&t={p * 30}s",
                companies=sorted({company, *named}), themes=video.themes, year=video.year, date=video.date,
                lang="nl", caption="manual", active=video.active,
                extra={"video_id": vid, "start": p * 30.0, "end": p * 30.0 + 30, "cues": cues}))
    for c in range(4):
        slug = f"case-{c}"
        case = Unit(id=f"case:{slug}", kind="case", parent=f"case:{slug}", source=f"site.case:{slug}",
                    title=f"Case {c}: {text(2)}", content=text(40), url=f"https://k.nl/kennis/{slug}/",
                    case_ids=[slug], companies=[COMPANIES[c]], themes=["Werkdruk"], sectors=["Zorg"],
                    year=2015, date="2015-05-05")
        units.append(case)
        units.append(Unit(**{**case.__dict__, "id": f"{case.id}#1", "content": f"Aanpak\n{text(15)}",
                             "extra": {"section": "Aanpak", "section_index": 1}}))
    return units


QUERIES = ["werkdruk", "werkdruk rooster", "werkdruk OR pauze", "werkdruk -rooster", "werkdruk NOT coach",
           "roost*", "verzium~", '"werkdruk rooster"', "company:Photonis", "theme:Zorg kind:passage",
           "year:2011..2012 gesprek", "kind:case", "-werkdruk lasser"]


def whoosh_docs(searcher, text: str) -> set[int]:  # type: ignore[no-untyped-def]
    from index.engine.expansion import Expansion, expand

    query = expand(parse_query(text, searcher.schema, Taxonomy()).query, searcher.reader(), Expansion())
    return set(searcher.docs_for_query(query)), query


@pytest.fixture
def updated(data_dir: Path) -> Path:
    """An index built, then updated: several segments, deleted documents among them."""
    units = corpus()
    write_index(data_dir, units, LinkSet())
    changed = [Unit(**{**u.__dict__, "content": u.content + " overleg"}) if i % 7 == 0 else u
               for i, u in enumerate(units)]
    write_index(data_dir, [u for u in changed if not u.id.startswith("passage:vid00000003")], LinkSet())
    return data_dir


@pytest.mark.parametrize("text", QUERIES)
def test_unscored_document_sets_are_what_whoosh_matches(updated: Path, text: str) -> None:
    ix, _manifest, _live = open_live(updated, units=False)
    with ix.searcher() as searcher:
        assert searcher.reader().has_deletions()
        expected, query = whoosh_docs(searcher, text)
        reader = searcher.reader()
        found = {d for d in matching_docs(searcher, query) if not reader.is_deleted(d)}
    if text not in ("werkdruk -rooster", "-werkdruk lasser"):  # see the AND NOT test below
        assert found == expected
    assert found, text


def test_and_not_excludes_every_document_with_the_word(updated: Path) -> None:
    """Whoosh's own AND NOT matcher can let a document with the excluded word through; ours cannot."""
    ix, _manifest, _live = open_live(updated, units=False)
    with ix.searcher() as searcher:
        _, query = whoosh_docs(searcher, "werkdruk -rooster")
        found = matching_docs(searcher, query)
        excluded = matching_docs(searcher, wq.Or([wq.Term("title", "rooster"), wq.Term("content", "rooster")]))
        with_word = matching_docs(searcher, wq.Or([wq.Term("title", "werkdruk"), wq.Term("content", "werkdruk")]))
    assert found == with_word - excluded


def full_scan(data_dir: Path, text: str) -> dict:
    """What a search must answer, computed the slow way: score every hit, group, count."""
    ix, _manifest, _live = open_live(data_dir, units=False)
    with ix.searcher() as searcher:
        _, query = whoosh_docs(searcher, text)
        hits = searcher.search(query, limit=None, mask=wq.Term("active", "false"))
        allowed = matching_docs(searcher, query)
        order: dict[str, None] = {}
        kinds: dict[str, set[str]] = {}
        companies: dict[str, set[str]] = {}
        for docnum, _score in hits.items():
            if docnum not in allowed:
                continue
            fields = searcher.stored_fields(docnum)
            group = fields["id"] if fields["kind"] == "note" else fields["parent"]
            order.setdefault(group)
            kinds.setdefault(fields["kind"], set()).add(group)
            for company in fields["meta"]["companies"]:
                companies.setdefault(company, set()).add(group)
    return {"order": list(order), "kinds": {k: len(v) for k, v in kinds.items()},
            "companies": {k: len(v) for k, v in companies.items()}}


def group_key(result: dict) -> str:
    return f"video:{result['video_id']}" if result.get("video_id") else result["id"]


@pytest.mark.parametrize("text", ["werkdruk", "werkdruk OR pauze", "roost*", "werkdruk -rooster", "gesprek lasser",
                                  '"werkdruk rooster"'])
@pytest.mark.parametrize("few, preload", [(5000, 8), (0, 0)], ids=["one-by-one", "skipping+arrays"])
def test_groups_order_and_facets_match_a_full_scan(updated: Path, text: str, few: int, preload: int,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Both ways of finding the best hits (scoring a small matching set one by one; Whoosh's block
    skipping, and long ORs read into arrays, for a large one) give the order of a full scan."""
    monkeypatch.setattr(search_module, "FEW", few)
    monkeypatch.setattr(search_module, "PRELOAD_OVER", preload)
    expected = full_scan(updated, text)
    out = run_search(updated, text, Taxonomy(), SearchOptions(limit=100))
    assert out["total"] == len(expected["order"])
    assert [group_key(r) for r in out["results"]] == expected["order"]
    assert out["facets"]["kind"] == expected["kinds"]
    assert out["facets"]["company"] == expected["companies"]


def test_pages_of_results_follow_one_order(updated: Path) -> None:
    whole = [group_key(r) for r in run_search(updated, "werkdruk", Taxonomy(), SearchOptions(limit=30))["results"]]
    paged = []
    for offset in range(0, 30, 4):
        out = run_search(updated, "werkdruk", Taxonomy(), SearchOptions(limit=4, offset=offset))
        paged += [group_key(r) for r in out["results"]]
    assert paged == whole
    assert len(whole) > 8


def test_a_company_a_passage_names_counts_only_where_that_passage_matches(data_dir: Path) -> None:
    units = [u for u in corpus(videos=1, passages=4) if u.kind != "case"]
    for unit in units:
        if unit.kind == "passage":
            unit.content = "pauze" if unit.id.endswith(":3") else "werkdruk"
            unit.extra["cues"] = [[0.0, 1.0, unit.content]]
    write_index(data_dir, units, LinkSet())
    named = next(u for u in units if u.id.endswith(":3")).companies
    assert len(named) == 2
    werkdruk = run_search(data_dir, "werkdruk", Taxonomy(), SearchOptions())["facets"]["company"]
    pauze = run_search(data_dir, "pauze", Taxonomy(), SearchOptions())["facets"]["company"]
    assert set(werkdruk) == {"Alfa Laval"}
    assert set(pauze) == set(named)


def test_a_new_generation_is_searched_in_the_same_process(data_dir: Path) -> None:
    units = corpus(videos=2, passages=2)
    write_index(data_dir, units, LinkSet())
    assert run_search(data_dir, "kantoorfeest", Taxonomy(), SearchOptions())["total"] == 0
    units[0].content += " kantoorfeest"
    write_index(data_dir, units, LinkSet())
    assert run_search(data_dir, "kantoorfeest", Taxonomy(), SearchOptions())["total"] == 1


@pytest.mark.parametrize("damage", ["missing", "mismatch"])
def test_a_missing_or_mismatched_table_says_to_reindex(data_dir: Path, damage: str) -> None:
    write_index(data_dir, corpus(videos=2, passages=2), LinkSet())
    live = current_generation(data_dir)
    assert live is not None
    if damage == "missing":
        (live / DOCS_FILE).unlink()
    else:
        table = json.loads((live / TABLE_FILE).read_text())
        table["doc_count"] += 1
        (live / TABLE_FILE).write_text(json.dumps(table))
    with pytest.raises(IndexCorrupt, match="casearchive index"):
        run_search(data_dir, "werkdruk", Taxonomy(), SearchOptions())


def test_an_index_of_another_schema_says_to_reindex(data_dir: Path) -> None:
    write_index(data_dir, corpus(videos=1, passages=1), LinkSet())
    live = current_generation(data_dir)
    assert live is not None
    head = json.loads((live / "manifest-head.json").read_text())
    head["schema_version"] = 4
    (live / "manifest-head.json").write_text(json.dumps(head))
    with pytest.raises(IndexCorrupt, match="schema 4.*casearchive index"):
        run_search(data_dir, "werkdruk", Taxonomy(), SearchOptions())


def test_the_table_knows_every_live_document(updated: Path) -> None:
    ix, _manifest, live = open_live(updated, units=False)
    with ix.searcher() as searcher:
        reader = searcher.reader()
        table = load_table(live, reader.doc_count_all())
        for docnum in range(reader.doc_count_all()):
            if reader.is_deleted(docnum):
                assert table.group_of(docnum) is None
                continue
            fields = searcher.stored_fields(docnum)
            assert table.groups[table.group_of(docnum)].key == fields["parent"]
            assert table.kind_of(docnum) == fields["kind"]


def test_filters_alone_list_newest_first(updated: Path) -> None:
    out = run_search(updated, "theme:Zorg", Taxonomy(), SearchOptions(limit=50))
    dates = [r["date"] for r in out["results"]]
    assert out["sort"] == "date"
    assert len(dates) == out["total"] > 3
    assert dates == sorted(dates, reverse=True)


def test_concurrent_searches_answer_as_one(updated: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def one(text: str) -> dict:
        return run_search(updated, text, Taxonomy(), SearchOptions(limit=20))

    texts = ["werkdruk", "roost*", '"werkdruk rooster"', "theme:Zorg"] * 8
    expected = {text: one(text) for text in set(texts)}
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(one, texts))
    assert answers == [expected[text] for text in texts]


@pytest.mark.parametrize("segments", [1, 2])
def test_a_fuzzy_word_forgives_two_swapped_letters_in_any_index(data_dir: Path, segments: int) -> None:
    units = corpus(videos=3, passages=2)
    write_index(data_dir, units, LinkSet())
    if segments == 2:
        units[0].content += " kantoorfeest"
        write_index(data_dir, units, LinkSet())
    out = run_search(data_dir, "verzium~", Taxonomy(), SearchOptions())  # verzuim, u and i swapped
    assert out["total"] == run_search(data_dir, "verzuim", Taxonomy(), SearchOptions())["total"] > 0


def _table_meaning(generation: Path, count: int) -> dict[int, tuple]:  # type: ignore[type-arg]
    """What a table says of each live document: group, kind, labels, and the group's date and year."""
    table = load_table(generation, count)
    meaning = {}
    for docnum in range(count):
        group = table.group_of(docnum)
        if group is not None:
            row = table.groups[group]
            labels = set(row.labels) | set(table.extra.get(docnum, ()))
            meaning[docnum] = (row.key, table.kind_of(docnum), frozenset(labels), row.date, row.year)
    return meaning


def test_an_updated_table_says_what_a_whole_table_says(data_dir: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Updates that change labels, dates and heads, delete documents and whole groups and add new
    ones: the table worked out from the previous one is the table made from the whole index."""
    from index.engine import table as table_module

    whole_tables = []
    whole = table_module._whole
    monkeypatch.setattr(table_module, "_whole", lambda *a: whole_tables.append(1) or whole(*a))
    rng = random.Random(5)
    units = corpus(seed=5, videos=30)
    write_index(data_dir, units, LinkSet())
    updates = []
    for round_ in range(8):
        changed = []
        for unit in units:
            roll = rng.random()
            if roll < 0.05:
                continue  # deleted (heads too: a video's or case's whole unit)
            if roll < 0.12:
                unit = Unit(**{**unit.__dict__, "companies": sorted({*unit.companies, rng.choice(COMPANIES)}),
                               "year": rng.choice([2011, 2012, unit.year]), "date": f"{2011 + round_}-02-02"})
            changed.append(unit)
        vid = f"new{round_:05d}"
        changed += [Unit(id=f"passage:{vid}:nl:{p}", kind="passage", parent=f"video:{vid}",
                         source=f"transcript:{vid}", title="Nieuw", content="werkdruk overleg", url="u",
                         companies=[COMPANIES[p % 4]], year=2020, lang="nl") for p in range(3)]
        units = changed
        before = len(whole_tables)
        write_index(data_dir, units, LinkSet())
        made_whole = len(whole_tables) > before
        live = current_generation(data_dir)
        ix, _manifest, _live = open_live(data_dir, units=False)
        with ix.reader() as reader:
            count = reader.doc_count_all()
            table_module.write_table(tmp_path, reader)  # made whole
        assert _table_meaning(live, count) == _table_meaning(tmp_path, count)
        updates.append(not made_whole)
    assert any(updates)  # (when Whoosh merged segments, the table was made whole)
