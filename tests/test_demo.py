"""`casearchive demo`: the whole job on the shipped sample data, offline."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive import ocr
from archive.config import Settings
from archive.harvest import harvest_youtube
from archive.status import collect_status
from archive.youtube_replay import ReplayHttp, ReplayMismatch
from index.cli import cli
from index.services.demo import OCR_QUERY, SAMPLE_HOST, demo_settings, sample_root
from index.services.library import search
from scripts.record_sample_youtube import record
from tests.sample_world import platform_channel, seed_channel

RECORDING = sample_root() / "youtube" / "recording.json"


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("demo") / "demo-data"
    result = CliRunner().invoke(cli, ["--data", str(target), "demo"])
    assert result.exit_code == 0, result.output
    assert "SAMPLE data" in result.stdout
    # Counted as `status` counts them (the sample world: every upload, the private one inactive).
    uploads = [v for channel in (seed_channel(), platform_channel()) for v in channel.videos]
    inactive = sum(v.state not in ("public", "unlisted") for v in uploads)
    assert (f"youtube: {len(uploads)} videos ({len(uploads) - inactive} active, {inactive} inactive) "
            "from 2 channels") in result.stdout
    assert "transcripts: files 4, new 4" in result.stdout
    (target / "demo-output.txt").write_text(result.stdout, encoding="utf-8")
    return target


def demo_output(demo_dir: Path) -> str:
    """What the module's demo run printed."""
    return (demo_dir / "demo-output.txt").read_text(encoding="utf-8")


def test_the_demo_lists_each_problem_of_its_runs_once_and_says_they_are_deliberate(demo_dir: Path) -> None:
    out = demo_output(demo_dir)
    [record] = [json.loads(p.read_text(encoding="utf-8")) for p in (demo_dir / "runs").glob("*-harvest-site.json")]
    assert record["failures"] and record["warnings"]
    for kind, label in (("failures", "failed"), ("warnings", "warning")):
        for problem in record[kind]:
            short = problem.replace(SAMPLE_HOST, "")
            assert out.count(short) == 1 and f"{label}: site: {short}" in out, short
    assert SAMPLE_HOST not in out.split("problems:")[1].split("\n$ ")[0]  # short: the sample host is left out
    assert (f"problems: {len(record['failures'])} failed, {len(record['warnings'])} warnings, "
            "put in the SAMPLE platform on purpose") in out


@pytest.mark.skipif(ocr.engine() is None, reason="Tesseract with its Dutch model is not installed")
def test_with_tesseract_the_demo_reads_the_scanned_note_and_finds_a_word_only_its_image_holds(demo_dir: Path) -> None:
    out = demo_output(demo_dir)
    assert "ocr: the scanned note was read by Tesseract" in out
    assert "scan" not in out.split("problems:")[1].split("\n$ ")[0]  # not listed as a problem
    [hit] = find(demo_dir, OCR_QUERY)["results"]
    assert hit["kind"] == "note" and hit["ocr"] is True and hit["url"].endswith("ergonomie-oostwold-scan.pdf#page=1")
    assert hit["case_ids"] == ["minder-gezondheidsklachten-door-ergonomie-bij-vloerenfabriek-oostwold"]
    shown = out.split(f"search --limit 2 '{OCR_QUERY}'")[1]
    assert "[note] Werkplekscan Oostwold (scan) (p. 1)  [OCR text]" in shown
    result = CliRunner().invoke(cli, ["--data", str(demo_dir), "search", OCR_QUERY])
    assert result.exit_code == 0 and "[OCR text]" in result.stdout


def test_without_tesseract_the_demo_skips_the_scan_with_one_line_and_exits_0(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_which = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None if name == "tesseract" else real_which(name))
    ocr.engine.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["--data", str(tmp_path / "demo-data"), "demo"])
    finally:
        ocr.engine.cache_clear()
    assert result.exit_code == 0, result.output
    assert result.output.count("install tesseract-ocr and tesseract-ocr-nld") == 1
    assert "ocr: the scanned note is skipped: no Tesseract" in result.stdout
    assert "scan" not in result.stdout.split("problems:")[1].split("\n$ ")[0]  # not listed as a problem
    assert f"search --limit 2 '{OCR_QUERY}'" not in result.stdout
    assert not search(Settings(data_dir=tmp_path / "demo-data"), OCR_QUERY)["results"]


def find(demo_dir: Path, query: str) -> dict:
    return search(Settings(data_dir=demo_dir), query)


def test_demo_archives_every_sample_source(demo_dir: Path) -> None:
    status = collect_status(demo_dir)
    uploads = [v for channel in (seed_channel(), platform_channel()) for v in channel.videos]
    assert status["counts"] == {"cases": 13, "notes": 9, "channels": 2, "videos": len(uploads), "transcripts": 4}
    # The sample's private upload counts as inactive (known only as a "Private video" entry).
    assert status["videos"] == {"active": len(uploads) - 1, "inactive": 1}
    assert [v.state for v in uploads].count("private") == 1
    assert (demo_dir / "SAMPLE-DATA.txt").is_file()


@pytest.mark.parametrize("query", ["taakroulatie", "ergonomie", "functioneringsgesprek", "Burgerhout",
                                   'theme:"Duurzame inzetbaarheid"', "year:2013"])
def test_the_seed_case_is_found_by_the_words_researchers_use(demo_dir: Path, query: str) -> None:
    result = find(demo_dir, f"{query} kind:case")
    assert "case:duurzaam-meedoen-in-de-metalektro" in [r["id"] for r in result["results"]]


def test_the_seed_case_is_linked_to_its_channel_videos_that_name_its_companies(demo_dir: Path) -> None:
    result = find(demo_dir, "case:duurzaam-meedoen-in-de-metalektro kind:video")
    titles = {r["video_id"]: r["title"] for r in result["results"]}
    for video_id, company in [("ZhyiA4uoRgn", "Alfa Laval"), ("VOqg6YYZYn9", "Neways"), ("atmUdjAWtGS", "Photonis"),
                              ("U8po-799Nks", "Burgerhout"), ("nRH9ucAUsdM", "BSB Staalbouw")]:
        assert company in titles[video_id]
    assert all(r["case_ids"] == ["duurzaam-meedoen-in-de-metalektro"] for r in result["results"])


def test_something_said_only_in_a_caption_returns_that_moment(demo_dir: Path) -> None:
    result = find(demo_dir, '"minder last van mijn rug"')
    (hit,) = result["results"]
    assert hit["kind"] == "passage" and hit["video_id"] == "ZhyiA4uoRgn"
    assert hit["url"] == f"https://www.youtube.com/watch?v=ZhyiA4uoRgn&t={hit['start']}s"
    recording = (sample_root() / "captions" / "ZhyiA4uoRgn.nl.vtt").read_text(encoding="utf-8")
    cue = next(block for block in recording.split("\n\n") if "minder last van mijn rug" in block)
    minutes, seconds = cue.split(" --> ")[0].strip().split("\n")[-1].split(":")[-2:]
    assert hit["start"] == int(minutes) * 60 + int(float(seconds))


def test_demo_runs_again_from_scratch(demo_dir: Path) -> None:
    before = collect_status(demo_dir)
    assert CliRunner().invoke(cli, ["--data", str(demo_dir), "demo"]).exit_code == 0
    assert collect_status(demo_dir)["counts"] == before["counts"]


def test_demo_refuses_a_directory_with_real_data(tmp_path: Path) -> None:
    real = tmp_path / "data"
    (real / "archive").mkdir(parents=True)
    result = CliRunner().invoke(cli, ["--data", str(real), "demo"])
    assert result.exit_code == 2 and "not a demo directory" in result.stderr
    assert (real / "archive").is_dir()


def test_the_shipped_recording_matches_the_sample_world_and_the_harvester() -> None:
    shipped = json.loads(RECORDING.read_text(encoding="utf-8"))
    fresh = record()
    assert [(r["method"], r["params"]) for r in shipped["responses"]] == [(r["method"], r["params"]) for r in fresh], \
        "the recording is out of date: run scripts/record_sample_youtube.py"
    assert [r["body"] for r in shipped["responses"]] == [r["body"] for r in fresh]


def test_the_replay_refuses_a_request_it_did_not_record() -> None:
    replay = ReplayHttp([{"method": "channels.list", "params": {"id": "UCa", "part": "snippet"}, "status": 200,
                          "body": {}}])
    with pytest.raises(ReplayMismatch, match="expected channels.list"):
        replay.request("http://x/youtube/v3/videos?id=abc&part=snippet&key=k&alt=json")
    with pytest.raises(ReplayMismatch, match="no answer"):
        replay.request("http://x/youtube/v3/videos?id=abc")


def test_each_channels_progress_ends_at_its_total_private_uploads_included(tmp_path: Path) -> None:
    recording = json.loads(RECORDING.read_text(encoding="utf-8"))
    shown: dict[str, tuple[int, int | None]] = {}
    harvest_youtube(demo_settings(tmp_path / "data"), recording["channels"], api_key="k",
                    http=ReplayHttp(recording["responses"]),
                    progress=lambda label, done, total: shown.__setitem__(label, (done, total)))
    uploads = {channel.title: len(channel.videos) for channel in (seed_channel(), platform_channel())}
    assert {label: shown[label] for label in uploads} == {title: (n, n) for title, n in uploads.items()}
    # The entry that was not counted: the private upload, known only as a "Private video" entry.
    assert [v.state for c in (seed_channel(), platform_channel()) for v in c.videos].count("private") == 1
