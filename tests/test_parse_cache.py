"""The parse cache: an index update parses only what changed, and the index is the same without it."""

from __future__ import annotations

import logging
import shutil
import sqlite3
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable

import pytest

import archive.cases
import archive.site
import archive.transcripts
import index.linking.sources
from archive.config import Settings
from archive.parse_cache import cache_path
from archive.site import NS_PAGE
from archive.store import open_store
from index.engine.build import current_generation, read_links, read_manifest
from index.services.demo import demo_settings, run_demo, sample_root
from index.services.library import build

CASE = "zelfroosteren-in-het-ziekenhuis"
PARSERS = {"case": (archive.site, "parse_case"), "note": (archive.cases, "parse_note"),
           "video": (index.linking.sources, "parse_video"), "transcript": (archive.transcripts, "read_cues")}


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's archive, indexed once with a filled parse cache (copied by each test)."""
    target = tmp_path_factory.mktemp("parse-cache") / "demo-data"
    run_demo(target)
    return target


@pytest.fixture
def settings(demo_data: Path, tmp_path: Path) -> Settings:
    """Demo settings on a private copy of the demo data."""
    data = tmp_path / "data"
    shutil.copytree(demo_data, data, symlinks=True)
    return demo_settings(data)


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How many times each parser runs (case, note, video, transcript)."""
    calls: Counter[str] = Counter()

    def counting(kind: str, parse: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            calls[kind] += 1
            return parse(*args, **kwargs)
        return wrapper

    for kind, (module, name) in PARSERS.items():
        monkeypatch.setattr(module, name, counting(kind, getattr(module, name)))
    return calls


def index_content(settings: Settings) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """What the live index holds: every unit's fingerprint, and every link with its evidence."""
    live = current_generation(settings.data_dir)
    assert live is not None
    return read_manifest(live)["units"], read_links(settings.data_dir)


def archived_counts(settings: Settings) -> Counter[str]:
    """How many items each parser has to read in the archive."""
    with open_store(settings.data_dir) as store:
        return Counter(case=sum(1 for v in store.iter_latest(NS_PAGE) if v.meta.get("kind") == "case"),
                       note=store.count("site.attachment"), video=store.count("youtube.video"),
                       transcript=len(archive.transcripts.preferred_versions(store)))


def test_a_second_index_run_parses_nothing_and_changes_nothing(settings: Settings, parsed: Counter[str]) -> None:
    before = index_content(settings)
    report = build(settings)
    assert parsed == Counter()
    assert report.touched == 0 and index_content(settings) == before


def test_a_changed_case_page_alone_is_parsed_again(settings: Settings, parsed: Counter[str]) -> None:
    with open_store(settings.data_dir) as store:
        version = next(v for v in store.iter_latest(NS_PAGE) if v.key.endswith(f"/{CASE}/"))
        html = store.read(version).replace(b"<h2>Ervaringen</h2>",
                                           b"<p>Nieuw: ook de nachtdienst roostert zelf.</p><h2>Ervaringen</h2>", 1)
        store.put(NS_PAGE, version.key, html, url=version.url, content_type=version.content_type, meta=version.meta)
    report = build(settings)
    assert parsed == Counter(case=1)
    assert sorted(report.touched_ids) == [f"case:{CASE}", f"case:{CASE}#1"]


@pytest.mark.parametrize("change", ["selectors", "taxonomy", "rebuild"])
def test_what_changes_every_case_parse_parses_every_case_again(settings: Settings, parsed: Counter[str],
                                                               tmp_path: Path, change: str) -> None:
    if change == "selectors":
        settings = replace(settings, site=replace(settings.site, selectors={"title": "h1"}))
    elif change == "taxonomy":
        taxonomy = tmp_path / "taxonomy.toml"
        taxonomy.write_text((sample_root() / "taxonomy.toml").read_text(encoding="utf-8")
                            + '\n[[company]]\nname = "Gieterij Nieuw"\n', encoding="utf-8")
        settings = replace(settings, taxonomy=taxonomy)
    build(settings, rebuild=change == "rebuild")
    counts = archived_counts(settings)
    assert parsed["case"] == counts["case"]
    assert parsed == (counts if change == "rebuild" else Counter(case=counts["case"]))


def test_a_changed_correction_list_parses_every_transcript_again(settings: Settings, parsed: Counter[str],
                                                                 tmp_path: Path) -> None:
    corrections = tmp_path / "corrections.toml"
    corrections.write_text((sample_root() / "corrections.toml").read_text(encoding="utf-8")
                           + '"taak roulatie" = "taakroulatie"\n', encoding="utf-8")
    build(replace(settings, transcripts=replace(settings.transcripts, corrections=str(corrections))))
    assert parsed == Counter(transcript=archived_counts(settings)["transcript"])


def test_a_cache_of_other_parser_code_is_not_used(settings: Settings, parsed: Counter[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("archive.parse_cache.PARSE_VERSION", -1)
    build(settings)
    assert parsed == archived_counts(settings)


def test_a_corrupt_cache_file_is_ignored_and_replaced(settings: Settings, parsed: Counter[str],
                                                      caplog: pytest.LogCaptureFixture) -> None:
    before = index_content(settings)
    cache_path(settings.data_dir).write_bytes(b"this is not a database" * 100)
    with caplog.at_level(logging.WARNING):
        report = build(settings)
    assert "parse cache" in caplog.text
    # Everything read is parsed again; the transcripts are kept as they were (index.linking.reuse), not read.
    assert parsed == archived_counts(settings) - Counter(transcript=archived_counts(settings)["transcript"])
    assert report.touched == 0 and index_content(settings) == before
    parsed.clear()
    build(settings)
    assert parsed == Counter()


def test_a_damaged_cache_entry_is_parsed_again(settings: Settings, parsed: Counter[str]) -> None:
    before = index_content(settings)
    with sqlite3.connect(cache_path(settings.data_dir)) as db:
        db.execute("UPDATE parsed SET value = randomblob(length(value)) WHERE rowid = (SELECT MIN(rowid) FROM parsed)")
        db.execute("UPDATE parsed SET value = 'text, not a pickle' WHERE rowid = (SELECT MAX(rowid) FROM parsed)")
    db.close()
    report = build(settings, keep=False)  # read every item (a kept transcript would not be read at all)
    assert sum(parsed.values()) == 2
    assert report.touched == 0 and index_content(settings) == before


def test_deleting_the_cache_changes_nothing_in_the_index(settings: Settings, parsed: Counter[str]) -> None:
    before = index_content(settings)
    shutil.rmtree(cache_path(settings.data_dir).parent)
    report = build(settings)
    assert parsed == archived_counts(settings)
    assert report.touched == 0 and index_content(settings) == before


def test_an_unwritable_cache_place_only_means_parsing_everything(settings: Settings, parsed: Counter[str]) -> None:
    before = index_content(settings)
    shutil.rmtree(cache_path(settings.data_dir).parent)
    cache_path(settings.data_dir).parent.write_text("a file where the cache folder should be")
    report = build(settings)
    assert parsed == archived_counts(settings)
    assert report.touched == 0 and index_content(settings) == before


def test_entries_of_replaced_versions_are_deleted(settings: Settings) -> None:
    with sqlite3.connect(cache_path(settings.data_dir)) as db:
        before = db.execute("SELECT key FROM parsed").fetchall()
    db.close()
    with open_store(settings.data_dir) as store:
        version = next(v for v in store.iter_latest(NS_PAGE) if v.meta.get("kind") == "case")
        store.put(NS_PAGE, version.key, store.read(version) + b"<!-- changed -->", url=version.url,
                  content_type=version.content_type, meta=version.meta)
    build(settings)
    with sqlite3.connect(cache_path(settings.data_dir)) as db:
        after = db.execute("SELECT key FROM parsed").fetchall()
    db.close()
    assert len(after) == len(before) and len(set(after) - set(before)) == 1
