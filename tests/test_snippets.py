"""Snippets cut after whole words only (never "Vacuü…") and keep blocks apart: a case's heading, a
list item or a video's tags follow the sentence before them after a visible " · ", and a block
after the last marked word (a heading, the tags) is not glued to the end of a fragment.

Real text: the demo's SAMPLE platform pages and recorded YouTube responses (as the demo indexes
them), and the excerpt of the real Metalektro case page in /work/shared/reference/kennisbank/ (its
words, with the blank lines of the page), cut into a fixture below (``METALEKTRO``)."""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

from hypothesis import given, settings, strategies as st

from archive.config import Settings
from index.engine.hits import BLOCK, clipped, make_snippet, one_line
from index.engine.query import parse_query
from index.engine.schema import build_schema
from index.services.demo import sample_root
from index.services.export import to_text
from index.services.library import describe, search
from index.text.taxonomy import load_taxonomy
from tests.test_web import web_demo  # noqa: F401  (the demo's archive and index, built once)

# From https://www.kennisbanksocialeinnovatie.nl/kennis/duurzaam-meedoen-in-de-metalektro/ as the web
# archive stored it (/work/shared/reference/kennisbank/01_…excerpt.txt): headings on their own lines.
METALEKTRO = """Duurzaam meedoen in de Metalektro

2013 – Op een regionale bijeenkomst in november 2013 presenteerden 5 bedrijven uit de sector Metalektro \
hun projectresultaten. Deze bedrijven deden als pilot mee in het project ‘Duurzaam meedoen’ dat door de \
sociale partners in de Metalektro is opgezet. Zij startten als pilot in 2012.

De sociale innovaties

De pilotbedrijven hebben de multi-inzetbaarheid van hun medewerkers verhoogd door:

 • het invoeren van functioneringsgesprekken in alle pilotbedrijven; bij Neways is dat ondersteund door een \
training van leidinggevenden in gespreksvoering en bij Alfa Laval hanteert men daarbij een competentiematrix,
 • invoeren van taakroulatie (Alfa Laval, Photonis),
 • ergonomische maatregelen (Burgerhout),

Aanpak

De pilotbedrijven werden begeleid door adviseurs van Berenschot en het Opleidingsfonds in de sector (A+O Metalektro).
"""
SCHEMA = build_schema()
TAXONOMY = load_taxonomy(None)


def snippet(text: str, query: str, blocks: bool = True) -> str:
    """The snippet a hit on ``text`` shows for ``query`` (plain, marks as «»)."""
    return make_snippet(text, parse_query(query, SCHEMA, TAXONOMY).words, blocks=blocks)


def words_of(text: str) -> set[str]:
    """The whole words of a text as a snippet may show them (a clipped start drops a last comma or stop)."""
    return {w.rstrip(".,;:") for w in one_line(text, True).replace(BLOCK, " ").split()}


def shown_words(shown: str) -> list[str]:
    """The words a snippet shows, without its marks, separators and ellipses."""
    return [w.rstrip(".,;:") for w in re.sub("[«»]", "", shown).replace("…", " ").split() if w != "·"]


def test_a_snippet_without_the_querys_words_ends_after_a_whole_word(web_demo: Settings) -> None:  # noqa: F811
    """The demo's Vloerenfabriek case once showed "… Maatregelen Vacuü…" for a filter alone."""
    found = search(web_demo, "kind:case")["results"]
    assert len(found) > 5
    for hit in found:
        case = describe(web_demo, hit["id"], parse=False)
        text = "\n\n".join([case["intro"] or ""] + ["\n".join([s["heading"] or ""] + [b["text"] for b in s["blocks"]])
                                                     for s in case["sections"]])
        whole = words_of(f"{case['title']}\n{text}")
        assert all(word in whole for word in shown_words(hit["snippet"])), hit["snippet"]
        assert not hit["snippet"].endswith(("ü…", "é…")) and "Vacuü" not in hit["snippet"]
    # Cut short at a block's end rather than after a heading left dangling ("verzuim. · Maatregelen …").
    (floors,) = [hit for hit in found if "vloerenfabriek" in hit["id"]]
    assert floors["snippet"].endswith("oorzaak van verzuim. …")


def test_a_heading_is_not_glued_to_the_sentences_around_it(web_demo: Settings) -> None:  # noqa: F811
    (hit,) = [h for h in search(web_demo, "verzuim kind:case")["results"] if "vloerenfabriek" in h["id"]]
    assert "verzuim». Maatregelen" not in hit["snippet"] and "Maatregelen Vacuüm" not in hit["snippet"]
    assert hit["snippet"].endswith("oorzaak van «verzuim».")  # the next block (a heading) is not glued on
    (hit,) = [h for h in search(web_demo, "taakroulatie kind:case")["results"] if "vloerenfabriek" in h["id"]]
    assert not hit["snippet"].endswith("Resultaat") and "inpakken. Resultaat" not in hit["snippet"]


def recorded_tags() -> dict[str, tuple[str, list[str]]]:
    """Each recorded video with tags: the end of its description and its tags (the Data API's words)."""
    recording = json.loads((sample_root() / "youtube" / "recording.json").read_text(encoding="utf-8"))
    found: dict[str, tuple[str, list[str]]] = {}
    for response in recording["responses"]:
        for item in (response.get("body") or {}).get("items", []):
            snip: dict[str, Any] = item.get("snippet") or {}
            if item.get("kind") == "youtube#video" and snip.get("tags"):
                found[item["id"]] = (snip["description"].split()[-1], snip["tags"])
    return found


def test_a_videos_tags_are_set_apart_from_its_description(web_demo: Settings) -> None:  # noqa: F811
    tagged = recorded_tags()
    checked = 0
    for query in ("kind:video", "taakroulatie kind:video", "zelfroosteren kind:video", "verpakkingen kind:video"):
        for hit in search(web_demo, query, )["results"]:
            if hit["kind"] != "video" or hit["video_id"] not in tagged:
                continue
            last, tags = tagged[hit["video_id"]]
            plain = re.sub("[«»]", "", hit["snippet"])
            assert f"{last} {tags[0]}" not in plain, hit["snippet"]
            if f"{last}{BLOCK}{tags[0]}" in plain:
                checked += 1
    assert checked >= 2, "some snippets show the tags, after the separator"


def test_the_real_metalektro_page_keeps_its_headings_apart() -> None:
    shown = snippet(METALEKTRO, "multi-inzetbaarheid", blocks=False)
    assert "2012. De sociale innovaties De pilotbedrijven" not in shown
    assert f"innovaties{BLOCK}De pilotbedrijven hebben de «multi-inzetbaarheid»" in shown
    assert "Berenschot" in snippet(METALEKTRO, "Berenschot", blocks=False)
    plain = clipped(one_line(METALEKTRO, False))
    assert plain.endswith(" …") and all(w in words_of(METALEKTRO) for w in shown_words(plain))


def test_a_pdfs_wrapped_lines_read_as_one_paragraph() -> None:
    """A note's single line breaks are where the PDF wrapped its lines (the demo's Metalektro note)."""
    page = ("Deze notitie beschrijft het project Duurzaam meedoen, dat de sociale partners in de\n"
            "Metalektro in 2012 startten. Vijf pilotbedrijven werkten aan de multi-inzetbaarheid van\n"
            "hun medewerkers: Neways, Alfa Laval, Photonis, Burgerhout en BSB Staalbouw.")
    assert BLOCK not in snippet(page, "pilotbedrijven", blocks=False)
    assert "in de Metalektro in 2012" in snippet(page, "pilotbedrijven", blocks=False)


LETTERS = st.sampled_from(list("aeiounrstlkvmüéëïöèçñ") + ["u\u0308", "e\u0301", "’"])
WORD = st.lists(LETTERS, min_size=1, max_size=12).map("".join)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(WORD, st.sampled_from([" ", " ", " ", "\n", "\n\n", ". "])), min_size=1, max_size=120),
       st.integers(min_value=0, max_value=119), st.booleans())
def test_no_snippet_cuts_inside_a_word(pieces: list[tuple[str, str]], pick: int, blocks: bool) -> None:
    """Whatever the letters (accented, or decomposed into a letter and a combining accent), each word a
    snippet shows is a whole word of the text, whether it marks the query's word or shows the start."""
    text = unicodedata.normalize("NFD", "".join(w + sep for w, sep in pieces)) if pick % 2 else \
        "".join(w + sep for w, sep in pieces)
    word = pieces[pick % len(pieces)][0]
    whole = words_of(text)
    for query in (f'"{word}"', "zzzqqq"):
        try:
            shown = make_snippet(text, parse_query(query, SCHEMA, TAXONOMY).words, blocks=blocks)
        except Exception as exc:  # a word of stop words alone is no query: nothing to show
            assert type(exc).__name__ == "QueryError", exc
            continue
        assert all(w in whole for w in shown_words(shown)), (text, query, shown)


def test_the_terminals_moment_lines_end_on_a_whole_word(web_demo: Settings) -> None:  # noqa: F811
    """`casearchive search` once printed "▶ 1:11 … heb ik minder last van m": a moment's line was cut at
    100 characters, inside a word. Each word it shows is a word of the moment's whole snippet."""
    found = search(web_demo, 'taakroulatie company:"Alfa Laval"')
    moments = {m["url"]: m["snippet"] for r in found["results"] for m in r.get("moments", [])}
    assert any(len(snippet) > 100 for snippet in moments.values())  # some line must be cut
    lines = [line for line in to_text(found).splitlines() if line.lstrip().startswith("▶ ")]
    assert lines
    for line in lines:
        url, shown = line.split(None, 2)[2].split("  ", 1)
        whole = set(shown_words(moments[url]))
        assert all(word in whole for word in shown_words(shown)), line
        assert len(shown) <= 102 and (shown == moments[url] or shown.endswith(" …")), line


def test_fragments_that_meet_are_shown_as_one(web_demo: Settings) -> None:  # noqa: F811
    """The demo's Kuipers note once read "Kuipers Verpakkingen Kuipers … Verpakkingen voerde": two of
    Whoosh's fragments met, and each was widened to whole words into the other."""
    found = search(web_demo, "taakroulatie")["results"]
    (hit,) = [h for h in found if "Kuipers" in h["snippet"]]
    assert "Kuipers … Verpakkingen" not in hit["snippet"]
    assert "Kuipers Verpakkingen voerde in 2012 «taakroulatie» in" in hit["snippet"]  # one piece, both marked
