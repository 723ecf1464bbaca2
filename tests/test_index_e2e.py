"""The index over a real harvested archive: incremental touches, curated links, show and report."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.cases import harvest_site
from archive.config import Settings
from archive.sample_server import SamplePlatformServer, sample_platform_dir
from index.cli import cli
from index.services.library import build, search
from tests.sample_world import platform_channel, seed_channel

SEED = "duurzaam-meedoen-in-de-metalektro"


def run(data_dir: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--data", str(data_dir), *args])
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("e2e") / "demo-data"
    assert CliRunner().invoke(cli, ["--data", str(target), "demo"]).exit_code == 0
    return target


def test_one_changed_case_page_touches_only_that_cases_unit(tmp_path: Path, data_dir: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(sample_platform_dir(), site)
    settings = Settings(data_dir=data_dir)
    settings = replace(settings, site=replace(settings.site, delay=0.0))
    with SamplePlatformServer(root=site) as server:
        harvest_site(settings, [f"{server.url}/kennis/"], sleep=lambda s: None)
        first = build(settings)
        page = site / "kennis" / "zelfroosteren-in-het-ziekenhuis" / "index.html"
        page.write_text(page.read_text(encoding="utf-8").replace(
            "<h2>Ervaringen</h2>", "<p>Update 2017: ook de afdeling cardiologie roostert nu zelf.</p>\n"
            "<h2>Ervaringen</h2>", 1), encoding="utf-8")
        harvest_site(settings, [f"{server.url}/kennis/"], sleep=lambda s: None)
    second = build(settings)
    assert first.total == second.total and second.rebuilt is False
    # The case's whole-text unit and the one section that changed; no other unit of it or of anything else.
    case = "case:zelfroosteren-in-het-ziekenhuis"
    assert sorted(second.touched_ids) == [case, f"{case}#1"]
    assert (second.updated, second.added, second.deleted) == (2, 0, 0)
    assert f"{case}#2" in first.touched_ids  # the "Ervaringen" section exists, and was left alone
    hits = search(settings, "cardiologie")["results"]
    assert [h["id"] for h in hits] == ["case:zelfroosteren-in-het-ziekenhuis"]


def test_a_rejected_link_stays_rejected_after_a_rebuild(demo: Path) -> None:
    code, _ = run(demo, "links", "reject", "video:ZhyiA4uoRgn", f"case:{SEED}", "--note", "test")
    assert code == 0
    assert run(demo, "index", "--rebuild")[0] == 0
    code, out = run(demo, "links", "list", "--status", "rejected", "--format", "json")
    rows = json.loads(out)
    assert [(r["source"], r["target"]) for r in rows] == [("video:ZhyiA4uoRgn", f"case:{SEED}")]
    result = search(Settings(data_dir=demo), f"case:{SEED} kind:video")
    assert "ZhyiA4uoRgn" not in {r.get("video_id") for r in result["results"]}
    run(demo, "links", "confirm", "video:ZhyiA4uoRgn", f"case:{SEED}")
    run(demo, "index")
    result = search(Settings(data_dir=demo), f"case:{SEED} kind:video")
    assert "ZhyiA4uoRgn" in {r.get("video_id") for r in result["results"]}


def test_show_gives_a_video_with_links_and_evidence(demo: Path) -> None:
    code, out = run(demo, "show", "VOqg6YYZYn9", "--format", "json")
    assert code == 0
    video = json.loads(out)
    assert video["kind"] == "video" and video["title"].startswith("Neways")
    targets = {row["target"]: row for row in video["links"]}
    assert targets[f"case:{SEED}"]["evidence"][0]["text"] == "Neways"
    assert targets["company:Neways"]["evidence"][0]["field"] == "title"
    assert video["transcripts"] and video["transcripts"][0]["language"] == "nl"


def test_show_gives_a_case_with_the_videos_linked_to_it(demo: Path) -> None:
    code, out = run(demo, "show", SEED, "--format", "json")
    case = json.loads(out)
    assert case["kind"] == "case" and len(case["companies"]) == 5
    assert {row["source"] for row in case["linked_from"]} >= {"video:VOqg6YYZYn9", "video:U8po-799Nks"}


def test_show_an_unknown_id_is_a_clear_error(demo: Path) -> None:
    code, out = run(demo, "show", "bestaatniet")
    assert code == 2 and "no archived case or video with id 'bestaatniet'" in out


def test_report_lists_the_gaps(demo: Path) -> None:
    code, out = run(demo, "report", "--format", "json")
    report = json.loads(out)
    # The seed's channel is linked by the seed alone, and each of its videos names a seed company;
    # the platform's channel is linked by the Hendriks case ("more films on our channel"), but
    # other cases embed its videos, so it is shared: a video of it that no page links and that
    # names no case's company has no case (nor a suggestion), as the private upload never fetched.
    never_fetched = {v.id for c in (seed_channel(), platform_channel()) for v in c.videos if v.state == "private"}
    assert {v["id"] for v in report["videos_without_case"]} == never_fetched | {"pX4nV8cQ2tA", "wL9dK3sF7hB"}
    # The private upload's title was never public: the report says why there is none rather than leaving it blank.
    [private] = never_fetched
    [title] = [v["title"] for v in report["videos_without_case"] if v["id"] == private]
    assert title == "(no title: video unavailable, private)"
    code, out = run(demo, "report")
    [row] = [line for line in out.splitlines() if line.startswith(private)]
    assert "(no title: video unavailable, private)" in row
    code, out = run(demo, "show", "pX4nV8cQ2tA", "--format", "json")
    assert not [row for row in json.loads(out)["links"] if row["target"].startswith("case:")]
    assert "generatiepact-bij-transportbedrijf-van-wijk" in {c["id"] for c in report["cases_without_video"]}
    gaps = {v["id"]: v["reason"] for v in report["videos_without_transcript"]}
    assert "ZhyiA4uoRgn" not in gaps and gaps["atmUdjAWtGS"] == "provider off"
    assert {r["command"] for r in report["last_runs"]} >= {"harvest site", "harvest youtube"}


def test_search_json_follows_the_contract(demo: Path) -> None:
    code, out = run(demo, "search", "taakroulatie", "--format", "json", "--limit", "50")
    result = json.loads(out)
    assert set(result) >= {"query", "total", "index_built_at", "results", "facets"}
    assert set(result["facets"]) == {"theme", "company", "case", "sector", "year", "kind"}
    for hit in result["results"]:
        assert set(hit) >= {"id", "kind", "title", "snippet", "url", "score", "case_ids", "companies", "themes", "year"}
        assert hit["kind"] in {"case", "note", "video", "passage"}
        if hit["kind"] in ("video", "passage"):
            assert hit["video_id"]
        if hit["kind"] == "passage":
            assert hit["url"].endswith(f"&t={hit['start']}s")
        if hit["kind"] == "note":
            assert "#page=" in hit["url"]


def test_csv_and_markdown_exports_say_what_was_searched(demo: Path) -> None:
    code, out = run(demo, "search", "ergonomie", "company:Burgerhout", "--format", "csv")
    assert code == 0
    header = out.splitlines()[:4]
    assert header[0] == "# query: ergonomie company:Burgerhout"
    assert header[1] == "# filters: company:Burgerhout"
    assert header[2].startswith("# results: ") and header[3].startswith("# index built at: 20")
    code, out = run(demo, "search", "ergonomie", "--format", "md")
    assert out.startswith("- query: ergonomie\n") and "| # | kind | title |" in out


def test_a_malformed_query_exits_2_with_one_line(demo: Path) -> None:
    code, out = run(demo, "search", '"taakroulatie')
    assert code == 2 and "Error: unbalanced quote" in out and "Traceback" not in out


def test_a_case_hit_names_the_section_where_the_words_are(demo: Path) -> None:
    result = search(Settings(data_dir=demo), '"lager verzuim" kind:case')
    (hit,) = [r for r in result["results"] if r["id"] == f"case:{SEED}"]
    assert hit["section"] == "Resultaten" and "«lager» «verzuim»" in hit["snippet"]
    assert [r["id"] for r in result["results"]].count(f"case:{SEED}") == 1  # one result per case


def test_notes_carry_their_cases_year_and_language(demo: Path) -> None:
    for query in ("year:2013 kind:note", "lang:nl kind:note", "year:2012..2014 kind:note"):
        hits = search(Settings(data_dir=demo), query)["results"]
        assert any(h["case_ids"] == [SEED] for h in hits), query


def test_the_index_remembers_its_taxonomy_and_correction_list(demo: Path) -> None:
    # The demo built the index with the sample taxonomy; a later search without it still knows aliases.
    for query in ("company:AlfaLaval", "sector:HTSM", "theme:employability"):
        assert search(Settings(data_dir=demo), query)["total"] > 0, query
    code, out = run(demo, "index")  # a plain index keeps the taxonomy and corrections: nothing changes
    assert code == 0 and " 0 updated" in out and " 0 deleted" in out


def test_moments_are_only_passages_where_the_words_are_said(demo: Path) -> None:
    result = search(Settings(data_dir=demo), 'taakroulatie company:"Alfa Laval"')
    (video,) = [r for r in result["results"] if r.get("video_id") == "ZhyiA4uoRgn"]
    assert video["moments"], "the word is said in the captions"
    assert all("«taakroulatie»" in m["snippet"] for m in video["moments"])
    assert all(m["embed"] == f"https://www.youtube-nocookie.com/embed/ZhyiA4uoRgn?start={m['start']}"
               for m in video["moments"])


def test_indexing_a_directory_without_an_archive_is_a_usage_error(tmp_path: Path) -> None:
    code, out = run(tmp_path / "typo", "index")
    assert code == 2 and "no archive in" in out
    assert not (tmp_path / "typo").exists()


def test_links_list_separates_suggestions_from_accepted_links(demo: Path) -> None:
    # (The demo's channels are each linked by one case, so its suggestions may be none at all;
    # tests/test_counts.py lists suggestions of a channel two cases link.)
    listed = {}
    for status in ("all", "suggested", "accepted", "rejected"):
        _, out = run(demo, "links", "list", "--status", status, "--format", "json")
        listed[status] = json.loads(out)
    assert all(r["status"] == "suggested" and r["confidence"] < 0.5 for r in listed["suggested"])
    assert listed["accepted"] and all(r["confidence"] >= 0.5 or r["status"] == "confirmed" for r in listed["accepted"])
    pairs = {status: sorted((r["source"], r["target"]) for r in rows) for status, rows in listed.items()}
    assert sorted(pairs["suggested"] + pairs["accepted"] + pairs["rejected"]) == pairs["all"]


def test_the_report_and_the_links_list_count_links_by_one_acceptance_rule(demo: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # Raised above some demo links' confidence, the one threshold moves them to suggestions in both.
    from index.linking import links as linking
    from index.services.report import coverage_report
    from index.services.library import list_links

    settings = Settings(data_dir=demo)
    confidences = sorted({r["confidence"] for r in list_links(settings) if r["status"] == "auto"})
    assert len(confidences) > 1, "the demo has links of several confidences"
    monkeypatch.setattr(linking, "ACCEPT", confidences[-1])
    accepted, suggested = list_links(settings, "accepted"), list_links(settings, "suggested")
    assert suggested and all(r["confidence"] < confidences[-1] for r in suggested)
    counts = coverage_report(settings)["counts"]
    assert (counts["links"], counts["suggestions"]) == (len(accepted), len(suggested))
    assert all(linking.Link(r["source"], r["target"], r["confidence"], status=r["status"]).accepted
               for r in accepted)


@pytest.mark.parametrize("args, message", [
    (["confirm", "video:nope0000000", f"case:{SEED}"], "video:nope0000000 is not in the index"),
    (["confirm", "video:ZhyiA4uoRgn", "case:bestaat-niet"], "case:bestaat-niet is not in the index"),
    (["confirm", "video:ZhyiA4uoRgn", "company:Onbekend BV"], "not a known company"),
    (["reject", "video:tDDb-xHKas1", "company:Photonis0"], "not a known company"),
    (["reject", "video:pX4nV8cQ2tA", "company:Neways"], "no link video:pX4nV8cQ2tA → company:Neways to reject"),
])
def test_link_decisions_about_unknown_things_are_refused(demo: Path, args: list[str], message: str) -> None:
    code, out = run(demo, "links", *args)
    assert code == 2 and message in out


def test_show_a_video_known_only_as_a_private_playlist_entry(demo: Path) -> None:
    code, out = run(demo, "show", "Dz_TddJ8HyS", "--format", "json")
    video = json.loads(out)
    assert code == 0 and video["metadata"] is False and video["active"] is False
    assert video["inactive_reason"] == "private"


def test_a_rejected_company_leaves_every_unit_of_the_video_in_the_cli_and_the_web(demo: Path, tmp_path: Path) -> None:
    """The README's example: Photonis is only named in the regional meeting's film; rejected, that
    film and its transcript passages (which name Photonis) leave company:Photonis everywhere."""
    from fastapi.testclient import TestClient

    from index.web import create_app

    data = tmp_path / "demo-data"
    shutil.copytree(demo, data, symlinks=True)  # index/current is a symlink to the live generation

    def photonis_units() -> tuple[set[str], set[str], set[str]]:
        """The units company:Photonis finds through the CLI and the web's search, and the videos of /api/companies."""
        code, out = run(data, "search", "company:Photonis", "--limit", "50", "--format", "json")
        assert code == 0
        cli_units = {unit for r in json.loads(out)["results"]
                     for unit in [r["id"], *(m["id"] for m in r.get("moments", []))]}
        with TestClient(create_app(Settings(data_dir=data))) as client:
            page = client.get("/", params={"q": "company:Photonis"}).text
            api = client.get("/api/companies/Photonis").json()
        web_units = {vid for vid in ("tDDb-xHKas1", "atmUdjAWtGS") if vid in page}
        company_videos = {json.dumps(row) for row in api.get("videos", [])}
        return cli_units, web_units, company_videos

    video = "tDDb-xHKas1"
    before_cli, before_web, before_api = photonis_units()
    assert any(video in unit for unit in before_cli) and video in before_web
    code, out = run(data, "links", "reject", f"video:{video}", "company:Photonis", "--note", "alleen genoemd")
    code, built = run(data, "index")
    assert code == 0
    after_cli, after_web, after_api = photonis_units()
    # `index` and `report` count the same links: all found, the rejected one among them.
    found = int(built.split(" links found")[0].rsplit(" ", 1)[1])
    reported = run(data, "report")[1].splitlines()[0]
    assert f" {found} links found (" in reported and ", 1 rejected)" in reported
    counts = json.loads(run(data, "report", "--format", "json")[1])["counts"]
    assert counts["links_found"] == found == counts["links"] + counts["suggestions"] + counts["rejected"]
    assert not [unit for unit in after_cli if video in unit], after_cli
    assert video not in after_web and "atmUdjAWtGS" in after_web
    assert not [row for row in after_api if video in row]
    # Its passages still hold the word: a plain search finds them, without the company on them.
    code, out = run(data, "search", "Photonis kind:passage", "--limit", "50", "--format", "json")
    passages = [r for r in json.loads(out)["results"] if video in r["id"]]
    assert passages and all("Photonis" not in r.get("companies", []) for r in passages)
    assert len(after_cli) < len(before_cli)
