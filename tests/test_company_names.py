"""Company names as people write them: one company for every form, found by search in any form,
and never a company made of a sentence's words or a web address's parts.

The forms and sentences come from public pages (tests/fixtures/companies/SOURCES.md).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from archive.function_words import FUNCTION_WORDS
from archive.organisations import find_organisations
from index.engine.build import write_index
from archive.company_names import name_key
from index.text.companies import company_forms, fold_name
from index.linking.links import LinkSet, VideoInfo, link_all, name_finder
from index.engine.schema import Unit
from index.engine.search import SearchOptions, run_search
from index.text.taxonomy import Taxonomy
from scripts.company_finder_eval import REFERENCE_DIR, evaluate, fixture_texts, reference_texts
from tests.test_demo import demo_dir, find  # noqa: F401  (the demo build, shared as a fixture)

FIXTURES = Path(__file__).parent / "fixtures" / "companies"
COMPANIES = tomllib.loads((FIXTURES / "forms.toml").read_text(encoding="utf-8"))["company"]
FORMS = [(c["name"], c["key"], form) for c in COMPANIES for form in [*c["forms"], *c.get("invented", [])]]


def taxonomy(*names: str) -> Taxonomy:
    result = Taxonomy()
    for name in names:
        result.add("company", name, curated=True)
    return result


# -- one key, one company ----------------------------------------------------------------------


@pytest.mark.parametrize(("name", "key", "form"), FORMS)
def test_every_written_form_gets_the_companys_key_and_canonical_name(name: str, key: str, form: str) -> None:
    assert name_key(form) == key
    assert taxonomy(name).canonical("company", form) == name


@pytest.mark.parametrize(("name", "key", "form"), FORMS)
def test_linking_finds_the_company_in_a_text_that_writes_it_another_way(name: str, key: str, form: str) -> None:
    found = name_finder(taxonomy(name), "company").find(f"Een bezoek aan {form} in 2013: de medewerkers vertellen.")
    assert [entry for entry, _hits in found] == [name]


def test_a_video_naming_the_company_in_another_form_is_linked_to_the_canonical_company() -> None:
    video = VideoInfo("ZhyiA4uoRgn", "UCx", "Werkoverleg bij ALFA-LAVAL B.V.", "Een film over AlfaLaval Benelux.")
    links = link_all([], [video], taxonomy("Alfa Laval", "Koninklijke Philips N.V."))
    assert links.targets("video:ZhyiA4uoRgn", "company:") == ["Alfa Laval"]
    evidence = links.get("video:ZhyiA4uoRgn", "company:Alfa Laval").evidence  # type: ignore[union-attr]
    assert {e.text for e in evidence} == {"ALFA-LAVAL", "AlfaLaval"}


@pytest.mark.parametrize("written", ["ALFA LAVAL", "Alfa-Laval", "AlfaLaval", "Alfa Laval"])
def test_a_case_page_writing_a_known_company_another_way_names_it_canonically(written: str) -> None:
    text = f"De medewerkers van {written} rouleren; bij vestiging 2 ook."
    assert find_organisations([text], known={"Alfa Laval": []})[0] == ["Alfa Laval"]


def test_a_known_name_in_lower_case_is_a_word_not_the_company() -> None:
    assert find_organisations(["de jumbo-verpakking en een jumbo van een pak"], known={"Jumbo": []})[0] == []


def test_an_abbreviation_is_found_with_and_without_its_dots() -> None:
    taxonomy_with_alias = Taxonomy()
    taxonomy_with_alias.add("company", "BSB Staalbouw", ["BSB"], curated=True)
    finder = name_finder(taxonomy_with_alias, "company")
    for text in ("Bij B.S.B. werkt men in ploegen.", "Bij BSB werkt men in ploegen."):
        assert [entry for entry, _hits in finder.find(text)] == ["BSB Staalbouw"], text


def test_a_legal_form_dropped_from_a_dictionary_word_is_not_a_company() -> None:
    # "Brand Groep" without its group word is "brand" (fire): not looked for, not matched by it.
    assert company_forms(["Brand Groep"]) == ["Brand Groep"]
    assert name_finder(taxonomy("Brand Groep"), "company").find("De brand in de fabriek.") == []


def test_folding_is_the_searchs_folding() -> None:
    # Linking, the taxonomy and search fold "ø" alike (the taxonomy once kept it).
    assert fold_name("Møller  Maersk") == "moller maersk"
    assert taxonomy("A.P. Møller-Maersk").canonical("company", "a.p. moller maersk") == "A.P. Møller-Maersk"


@given(st.sampled_from(FORMS), st.sampled_from(["upper", "lower", "title"]), st.sampled_from([" ", "-", ""]))
def test_any_case_and_any_joint_between_two_words_give_one_key(
        row: tuple[str, str, str], case: str, joint: str) -> None:
    _name, key, form = row
    words = form.split()
    if len(words) == 2 and name_key(words[1]) == name_key(form)[len(name_key(words[0])):]:
        written = getattr(joint.join(words), case)()
        assert name_key(written) == key


# -- search in one form finds the others ------------------------------------------------------


def _unit(slug: str, title: str, content: str, companies: list[str] | None = None) -> Unit:
    return Unit(id=f"case:{slug}", kind="case", parent=f"case:{slug}", source=f"site.case:{slug}", title=title,
                content=content, url=f"https://k.nl/kennis/{slug}/", case_ids=[slug], companies=companies or [])


@pytest.fixture
def written_apart(data_dir: Path) -> Path:
    write_index(data_dir, [
        _unit("spaced", "Taakroulatie", "Bij Alfa Laval rouleren medewerkers."),
        _unit("hyphenated", "Werkoverleg", "Een verslag van ALFA-LAVAL B.V. over werkoverleg."),
        _unit("joined", "Opleiden", "AlfaLaval leidt lassers op."),
        _unit("facet", "Competentiematrix", "Een matrix van wie wat kan.", companies=["Alfa Laval"]),
        _unit("other", "Brand in de gieterij", "Een brand bij Burgerhout."),
    ], LinkSet())
    return data_dir


@pytest.mark.parametrize("typed", ["Alfa Laval", "alfa-laval", "AlfaLaval", "ALFA LAVAL B.V.", "alfa laval bv"])
def test_a_company_typed_in_one_form_finds_every_form_and_the_linked_documents(written_apart: Path, typed: str) -> None:
    result = run_search(written_apart, typed, taxonomy("Alfa Laval"), SearchOptions())
    assert {r["id"] for r in result["results"]} == {"case:spaced", "case:hyphenated", "case:joined", "case:facet"}


def test_a_company_among_other_words_narrows_like_a_word(written_apart: Path) -> None:
    result = run_search(written_apart, "alfa-laval lassers", taxonomy("Alfa Laval"), SearchOptions())
    assert [r["id"] for r in result["results"]] == ["case:joined"]


def test_a_word_that_is_a_company_only_with_its_legal_form_stays_a_word(written_apart: Path) -> None:
    result = run_search(written_apart, "brand", taxonomy("Brand Groep", "Alfa Laval"), SearchOptions())
    assert [r["id"] for r in result["results"]] == ["case:other"]


def test_the_demo_finds_the_companys_video_and_case_by_a_spelling_neither_uses(demo_dir: Path) -> None:  # noqa: F811
    for typed in ("AlfaLaval", "ALFA-LAVAL B.V."):
        ids = {r["id"] for r in find(demo_dir, typed)["results"]}
        assert {"video:ZhyiA4uoRgn", "case:duurzaam-meedoen-in-de-metalektro"} <= ids


# -- the finder makes no company of sentence words or address parts -------------------------------


NEGATIVE = [(source, text) for source, text, companies, _orgs in fixture_texts() if not companies]


@pytest.mark.parametrize(("source", "text"), NEGATIVE)
def test_sentence_starts_share_links_and_headings_make_no_company(source: str, text: str) -> None:
    assert find_organisations([text]) == ([], [])


@pytest.mark.parametrize("link", [
    "https://youtu.be/ZhyiA4uoRgn?si=AbCdEf", "https://www.youtube.com/watch?v=ZhyiA4uoRgn&feature=Share",
    "www.youtube.com/watch?v=ZhyiA4uoRgn&ab_channel=AlfaLaval%20Benelux", "youtu.be/ZhyiA4uoRgn?Feature=Share",
    "info@Alfa-Laval.Example.nl"])
def test_no_part_of_an_address_becomes_a_company_wherever_it_stands(link: str) -> None:
    for text in (f"Zie {link} Bekijk Ook Dit.", f"({link})", f"Bij {link} Meer Info", f"{link} B.V. en meer."):
        assert find_organisations([text])[0] == [], text


def test_the_finder_keeps_its_precision_and_recall_on_the_labelled_sentences() -> None:
    companies, organisations = evaluate(fixture_texts())
    assert companies.right / companies.found >= 0.95
    assert companies.right / companies.labelled >= 0.8
    assert organisations.right == organisations.found


def test_the_finder_keeps_its_precision_on_the_real_reference_pages() -> None:
    texts = reference_texts(REFERENCE_DIR)
    if not texts:
        pytest.skip("the shared reference excerpts are not beside the repository")
    companies, _organisations = evaluate(texts)
    assert companies.right == companies.labelled  # every company the pages name
    assert companies.right / companies.found >= 0.8


def test_a_long_run_of_capitalised_words_before_a_legal_form_is_one_name() -> None:
    text = "Wij werken samen met " + " ".join(["Groot"] * 3000) + " Bouw B.V. in Utrecht."
    companies, _ = find_organisations([text])
    assert companies == [" ".join(["Groot"] * 5 + ["Bouw"])]  # read back from the form, at most six words


# -- issue 15, second round: sentence ends, sentence openers, known names in other forms, dashes --


TESTER = [(text, companies) for source, text, companies, _orgs in fixture_texts() if "tester of issue 15" in source]


@pytest.mark.parametrize(("text", "companies"), TESTER)
def test_the_testers_sentences_give_exactly_their_companies(text: str, companies: list[str]) -> None:
    assert find_organisations([text])[0] == companies


CAPITALISED = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=9).map(str.capitalize)


@given(st.lists(st.lists(CAPITALISED, min_size=1, max_size=4), min_size=2, max_size=4))
def test_no_name_spans_a_sentence_end(sentences: list[list[str]]) -> None:
    text = "Wij werken in " + ". ".join(" ".join(words) for words in sentences) + "."
    companies, organisations = find_organisations([text])
    assert not [name for name in companies + organisations if ". " in name]


# A capitalised surname particle opens a name ("Van Duijn Groep", "De Vries B.V."): not a function word there.
PARTICLES = {"van", "de", "den", "ter", "ten"}


@given(st.sampled_from(sorted(FUNCTION_WORDS - PARTICLES)))
def test_a_function_word_opening_a_sentence_is_no_part_of_a_name(word: str) -> None:
    text = f"Het begon in 2019. {word.capitalize()} Jumbo Supermarkten B.V. deed mee."
    assert find_organisations([text])[0] == ["Jumbo Supermarkten"]


def test_an_abbreviation_or_initials_keep_a_name_whole() -> None:
    assert find_organisations(["De kraan kwam van Gebr. Jansen B.V. uit Ede."])[0] == ["Gebr. Jansen"]
    assert find_organisations(["Het schip is van A.P. Møller Maersk N.V. uit Kopenhagen."])[0] == ["A.P. Møller Maersk"]


DVM = {"De Vries Metaaltechniek": ["DVM"]}


@pytest.mark.parametrize("text", [
    "Bij DE VRIES METAALTECHNIEK B.V. werken zestig mensen.",
    "De Vries Metaaltechniek Holding B.V. is de moeder van drie bedrijven.",
    "Het bedrijf de Vries Metaaltechniek Holding groeit.",
    "Bij DVM Holding B.V. rouleren de lassers.",
    "Daarnaast werkt De Vries Metaaltechniek Groep met Alfa Laval samen."])
def test_a_known_company_in_capitals_or_with_group_words_is_only_the_canonical_company(text: str) -> None:
    known = {**DVM, "Alfa Laval": []}
    companies = find_organisations([text], known)[0]
    assert [c for c in companies if c != "Alfa Laval"] == ["De Vries Metaaltechniek"]
    # The same answer whatever the order of the known names (the spurious names once changed per run).
    assert find_organisations([text], dict(reversed(list(known.items()))))[0] == companies


def test_words_after_a_known_name_before_a_legal_form_are_its_description() -> None:
    assert find_organisations(["Ook Jumbo Supermarkten B.V. deed mee."], {"Jumbo": []})[0] == ["Jumbo"]


DASHED = ["\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2015", "\u2212"]


@pytest.mark.parametrize("dash", DASHED)
def test_any_dash_is_a_hyphen_for_keys_linking_and_the_finder(dash: str) -> None:
    written = f"Alfa{dash}Laval"
    assert name_key(written) == name_key("Alfa-Laval") == "alfalaval"
    assert taxonomy("Alfa Laval").canonical("company", f"{written} B.V.") == "Alfa Laval"
    found = name_finder(taxonomy("Alfa Laval"), "company").find(f"Een bezoek aan {written} in Lund.")
    assert [entry for entry, _hits in found] == ["Alfa Laval"]
    assert "Alfa-Laval" in company_forms([written])


@pytest.mark.parametrize("typed", ["Alfa–Laval", "ALFA—LAVAL B.V."])
def test_a_company_typed_with_a_dash_finds_every_form(written_apart: Path, typed: str) -> None:
    result = run_search(written_apart, typed, taxonomy("Alfa Laval"), SearchOptions())
    assert {r["id"] for r in result["results"]} == {"case:spaced", "case:hyphenated", "case:joined", "case:facet"}


def test_60_kb_of_capitalised_words_and_sentence_ends_parse_in_one_pass() -> None:
    # Not timed (speed lives in scripts/bench.py): a quadratic pattern would take minutes here.
    words = (["Groot", "Bouw.", "Utrecht", "Zn.", "Van", "Wijk"] * 1700)[:10_000]
    companies, _ = find_organisations([" ".join(words) + " B.V. werkt."], DVM)
    assert all(len(name.split()) <= 6 for name in companies)


# -- one folding for the finder, linking, the taxonomy and search (ø, é, ij, hyphen, + and &) ----


@pytest.mark.parametrize(("written", "known"), [
    ("Møller & Zonen", "Møller & Zn."), ("A.P. Moller-Maersk Group", "A.P. Møller-Maersk"),
    ("Nestle Nederland B.V.", "Nestlé Nederland"), ("Heijmans N.V.", "Koninklijke Heijmans N.V."),
    ("Heĳmans N.V.", "Koninklijke Heijmans N.V."),
])
def test_the_finder_keys_a_name_as_the_taxonomy_and_linking_do(written: str, known: str) -> None:
    # The finder once kept "ø" and dropped "+" and "&" from its key, so it named other companies
    # than the taxonomy and linking did for the same words.
    text = f"De medewerkers van {written} rouleren; bij vestiging 2 ook."
    assert find_organisations([text], known={known: []})[0] == [known]
    assert name_key(written) == name_key(known) and taxonomy(known).canonical("company", written) == known
    assert [entry for entry, _hits in name_finder(taxonomy(known), "company").find(text)] == [known]


def test_a_plus_sign_is_part_of_the_key_for_the_finder_as_for_linking() -> None:
    assert name_key("A+O Metalektro") != name_key("AO Metalektro")
    text = "Het fonds AO Metalektro betaalt mee."
    assert find_organisations([text], known={"A+O Metalektro": []})[0] != ["A+O Metalektro"]
    assert name_finder(taxonomy("A+O Metalektro"), "company").find(text) == []


@pytest.fixture
def written_abroad(data_dir: Path) -> Path:
    write_index(data_dir, [
        _unit("maersk", "Havenwerk", "Een verslag over A.P. Moller–Maersk Group in Rotterdam."),
        _unit("nestle", "Fabriekswerk", "Bij NESTLE NEDERLAND B.V. in Nunspeet."),
        _unit("heijmans", "Bouwplaats", "Een dag bij Heĳmans in Rosmalen."),
        _unit("fonds", "Opleiden", "Het A+O-Metalektro fonds betaalt."),
        _unit("moller", "Familiebedrijf", "De zonen van Moller en Zn vertellen."),
        _unit("other", "Elders", "Een tekst zonder bedrijf."),
    ], LinkSet())
    return data_dir


@pytest.mark.parametrize(("typed", "known", "expected"), [
    ("A.P. Møller-Maersk", "A.P. Møller-Maersk", "case:maersk"),
    ("Nestlé", "Nestlé Nederland", "case:nestle"),
    ("Heijmans", "Koninklijke Heijmans N.V.", "case:heijmans"),
    ("A+O Metalektro", "A+O Metalektro", "case:fonds"),
    ("Møller & Zn.", "Møller & Zn.", "case:moller"),
])
def test_a_company_typed_with_other_letters_finds_the_text_that_writes_it(
        written_abroad: Path, typed: str, known: str, expected: str) -> None:
    result = run_search(written_abroad, typed, taxonomy(known), SearchOptions())
    assert [r["id"] for r in result["results"]] == [expected]
