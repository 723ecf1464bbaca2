"""Importing caption files into the archive, reading them back for the index, and the CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.captions import load_corrections
from archive.config import Settings, TranscriptSettings
from archive.errors import ConfigError
from archive.runs import last_run
from archive.store import open_store
from archive.transcripts import (
    NS_RAW, OUTCOME_STATE, PROVIDER_OFF, harvest_transcripts, load_transcripts, transcript_gaps,
)
from archive.youtube import NS_VIDEO
from index.cli import cli
from index.services.demo import sample_root

SAMPLE = sample_root() / "captions"
FIXTURES = Path(__file__).parent / "fixtures" / "transcripts"
SAMPLE_IDS = ["U8po-799Nks", "VOqg6YYZYn9", "ZhyiA4uoRgn", "tDDb-xHKas1"]


@pytest.fixture
def captions(tmp_path: Path) -> Path:
    """A caption folder: the four sample files, a malformed one, an empty one, and a stray file."""
    folder = tmp_path / "captions"
    shutil.copytree(SAMPLE, folder)
    (folder / "nRH9ucAUsdM.nl.vtt").write_text("WEBVTT\n\n00:00:01.000 --> soon\nwerkoverleg\n", encoding="utf-8")
    (folder / "lHUvTCQCyEZ.nl.srt").write_bytes(b"")
    (folder / "notes.txt").write_text("not a caption file", encoding="utf-8")
    return folder


def archive_videos(data_dir: Path, *ids: str) -> None:
    """Put minimal youtube#video resources in the archive, as the YouTube harvester would."""
    with open_store(data_dir) as store:
        for video_id in ids:
            resource = {"kind": "youtube#video", "id": video_id, "snippet": {"title": video_id}}
            store.put(NS_VIDEO, video_id, json.dumps(resource).encode(), content_type="application/json")


def test_caption_files_are_archived_raw_with_provenance(captions: Path, data_dir: Path) -> None:
    archive_videos(data_dir, *SAMPLE_IDS)
    summary = harvest_transcripts(Settings(data_dir=data_dir), captions)
    assert (summary.files, summary.new, summary.failed) == (6, 4, 2)
    with open_store(data_dir) as store:
        assert store.keys(NS_RAW) == ["U8po-799Nks.nl.auto", "VOqg6YYZYn9.nl.imported", "ZhyiA4uoRgn.nl.imported",
                                      "tDDb-xHKas1.nl.imported"]
        version = store.latest(NS_RAW, "U8po-799Nks.nl.auto")
        assert version is not None
        assert store.read(version) == (SAMPLE / "U8po-799Nks.nl.vtt").read_bytes()
        assert version.meta == {"video_id": "U8po-799Nks", "language": "nl", "kind": "auto", "provider": "local",
                                "format": "vtt", "source": "U8po-799Nks.nl.vtt"}
        assert version.content_type == "text/vtt" and version.fetched_at


def test_a_malformed_and_an_empty_file_are_reported_and_skipped(captions: Path, data_dir: Path) -> None:
    summary = harvest_transcripts(Settings(data_dir=data_dir), captions)
    assert summary.new == 4 and summary.exit_code == 1
    assert summary.outcomes == {"found": 4, "malformed file": 1, "empty file": 1}
    assert any(f.startswith("nRH9ucAUsdM: nRH9ucAUsdM.nl.vtt: malformed file") for f in summary.failures)
    assert any(f.startswith("lHUvTCQCyEZ: lHUvTCQCyEZ.nl.srt: empty file") for f in summary.failures)
    with open_store(data_dir) as store:
        assert store.last_fetch(NS_RAW, "nRH9ucAUsdM")["outcome"] == "malformed file"
        assert store.get_state(OUTCOME_STATE + "lHUvTCQCyEZ")["local"]["outcome"] == "empty file"
        assert store.latest(NS_RAW, "nRH9ucAUsdM.nl.imported") is None


def test_unknown_video_ids_are_archived_with_a_warning(captions: Path, data_dir: Path,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    archive_videos(data_dir, "ZhyiA4uoRgn")
    summary = harvest_transcripts(Settings(data_dir=data_dir), captions)
    assert "U8po-799Nks" in summary.unknown_videos and "ZhyiA4uoRgn" not in summary.unknown_videos
    assert summary.new == 4
    assert "[transcripts] U8po-799Nks: not a harvested video (yet)" in caplog.text


def test_a_second_run_finds_the_files_unchanged(captions: Path, data_dir: Path) -> None:
    harvest_transcripts(Settings(data_dir=data_dir), captions)
    (captions / "ZhyiA4uoRgn.nl.vtt").write_text(
        (captions / "ZhyiA4uoRgn.nl.vtt").read_text(encoding="utf-8") + "\n00:03:00.000 --> 00:03:02.000\nTot ziens.\n",
        encoding="utf-8")
    again = harvest_transcripts(Settings(data_dir=data_dir), captions)
    assert (again.new, again.changed, again.unchanged) == (0, 1, 3)
    with open_store(data_dir) as store:
        assert len(store.history(NS_RAW, "ZhyiA4uoRgn.nl.imported")) == 2


def test_a_misnamed_caption_file_is_reported(tmp_path: Path, data_dir: Path) -> None:
    folder = tmp_path / "c"
    folder.mkdir()
    shutil.copy(SAMPLE / "ZhyiA4uoRgn.nl.vtt", folder / "Alfa Laval interview.vtt")
    summary = harvest_transcripts(Settings(data_dir=data_dir), folder)
    assert summary.failed == 1 and "name is not <videoId>.<lang>.vtt|srt" in summary.failures[0]


def test_a_missing_folder_or_nothing_to_do_is_a_usage_error(tmp_path: Path, data_dir: Path) -> None:
    with pytest.raises(ConfigError, match="caption folder not found"):
        harvest_transcripts(Settings(data_dir=data_dir), tmp_path / "nowhere")
    with pytest.raises(ConfigError, match="no caption folder"):
        harvest_transcripts(Settings(data_dir=data_dir))


def test_the_config_folder_is_relative_to_the_config_file(tmp_path: Path, data_dir: Path) -> None:
    shutil.copytree(SAMPLE, tmp_path / "conf" / "subs")
    settings = Settings(data_dir=data_dir, config_file=tmp_path / "conf" / "casearchive.toml",
                        transcripts=TranscriptSettings(folder="subs"))
    assert harvest_transcripts(settings).new == 4


def test_load_transcripts_gives_passages_with_provenance(captions: Path, data_dir: Path) -> None:
    harvest_transcripts(Settings(data_dir=data_dir), captions)
    with open_store(data_dir) as store:
        transcripts = {t.video_id: t for t in load_transcripts(store)}
    assert sorted(transcripts) == SAMPLE_IDS
    alfa = transcripts["ZhyiA4uoRgn"]
    assert (alfa.language, alfa.kind, alfa.provider, alfa.id) == ("nl", "imported", "local", "ZhyiA4uoRgn.nl")
    assert alfa.fetched_at.endswith("Z") and alfa.passage_id(0) == "ZhyiA4uoRgn.nl#0"
    assert any("door de taakroulatie heb ik minder last van mijn rug" in p.text for p in alfa.passages)
    assert transcripts["U8po-799Nks"].kind == "auto"
    neways = " ".join(p.text for p in transcripts["VOqg6YYZYn9"].passages)
    assert "zelfroosteren" in neways


def test_corrections_apply_when_reading_and_the_raw_text_stays(captions: Path, data_dir: Path) -> None:
    harvest_transcripts(Settings(data_dir=data_dir), captions)
    corrections = load_corrections(sample_root() / "corrections.toml")
    with open_store(data_dir) as store:
        raw = {t.video_id: t for t in load_transcripts(store)}["U8po-799Nks"]
        fixed = {t.video_id: t for t in load_transcripts(store, corrections)}["U8po-799Nks"]
        body = store.read(store.latest(NS_RAW, "U8po-799Nks.nl.auto"))
    assert "burger hout" in " ".join(p.text for p in raw.passages)
    assert "Burgerhout" in " ".join(p.text for p in fixed.passages)
    assert "burger hout" not in " ".join(p.text for p in fixed.passages)
    assert b"burger</c>" in body  # the archive keeps what the file said


def test_load_transcripts_prefers_manual_over_auto_and_honours_since_seq(tmp_path: Path, data_dir: Path) -> None:
    folder = tmp_path / "c"
    folder.mkdir()
    shutil.copy(SAMPLE / "U8po-799Nks.nl.vtt", folder / "U8po-799Nks.nl.vtt")
    harvest_transcripts(Settings(data_dir=data_dir), folder)
    with open_store(data_dir) as store:
        seq = store.max_seq()
        assert [t.kind for t in load_transcripts(store)] == ["auto"]
    (folder / "U8po-799Nks.nl.vtt").write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nIk werk bij Burgerhout.\n", encoding="utf-8")
    harvest_transcripts(Settings(data_dir=data_dir), folder)
    with open_store(data_dir) as store:
        assert [t.kind for t in load_transcripts(store)] == ["imported"]
        assert [t.key for t in load_transcripts(store, since_seq=seq)] == ["U8po-799Nks.nl.imported"]
        assert list(load_transcripts(store, since_seq=store.max_seq())) == []


def test_gaps_say_why_a_video_has_no_transcript(captions: Path, data_dir: Path) -> None:
    archive_videos(data_dir, "ZhyiA4uoRgn", "nRH9ucAUsdM", "atmUdjAWtGS")
    harvest_transcripts(Settings(data_dir=data_dir), captions)
    with open_store(data_dir) as store:
        gaps = transcript_gaps(store, Settings(data_dir=data_dir))
        assert gaps == {"nRH9ucAUsdM": "malformed file", "atmUdjAWtGS": PROVIDER_OFF}
        online = Settings(data_dir=data_dir, transcripts=TranscriptSettings(online=True))
        assert transcript_gaps(store, online)["atmUdjAWtGS"] == "not fetched yet"


def test_the_online_provider_is_never_called_when_it_is_off(captions: Path, data_dir: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the online provider must not run")

    monkeypatch.setattr("archive.transcript_online.OnlineProvider.fetch", refuse)
    monkeypatch.setattr("archive.transcript_online.harvest_online", refuse)
    archive_videos(data_dir, "atmUdjAWtGS")
    summary = harvest_transcripts(Settings(data_dir=data_dir), captions)
    assert summary.online == "off"


# -- the command ------------------------------------------------------------------------------


def test_cli_imports_a_folder_and_exits_1_listing_the_failed_files(captions: Path, data_dir: Path) -> None:
    result = CliRunner().invoke(cli, ["--data", str(data_dir), "harvest", "transcripts", "--from", str(captions)])
    assert result.exit_code == 1, result.output
    assert "malformed file" in result.stdout and "Online provider: off" in result.stdout
    assert "failed: nRH9ucAUsdM: nRH9ucAUsdM.nl.vtt: malformed file" in result.stderr
    run = last_run(data_dir)
    assert run is not None and run["command"] == "harvest transcripts" and run["exit_code"] == 1
    assert run["totals"] == {"files": 6, "new": 4, "changed": 0, "unchanged": 0, "failed": 2}


def test_cli_exits_0_when_every_file_is_good(data_dir: Path) -> None:
    result = CliRunner().invoke(cli, ["--data", str(data_dir), "harvest", "transcripts", "--from", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    assert last_run(data_dir)["outcomes"] == {"found": 4}


def test_cli_exits_2_for_a_missing_folder(tmp_path: Path, data_dir: Path) -> None:
    result = CliRunner().invoke(cli, ["--data", str(data_dir), "harvest", "transcripts", "--from",
                                      str(tmp_path / "nowhere")])
    assert result.exit_code == 2 and "caption folder not found" in result.stderr


def test_cli_uses_the_config_folder_and_checks_the_correction_list(tmp_path: Path, data_dir: Path) -> None:
    shutil.copytree(SAMPLE, tmp_path / "subs")
    config = tmp_path / "casearchive.toml"
    config.write_text(f'data = "{data_dir}"\n[transcripts]\nfolder = "subs"\ncorrections = "fix.toml"\n',
                      encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(config), "harvest", "transcripts"])
    assert result.exit_code == 2 and "correction list" in result.stderr
    (tmp_path / "fix.toml").write_text('"burger hout" = "Burgerhout"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(config), "harvest", "transcripts"])
    assert result.exit_code == 0, result.output


def test_transcript_settings_are_parsed_strictly(tmp_path: Path) -> None:
    from archive.config import parse_config

    settings = parse_config('[transcripts]\nonline = true\nonline_budget = 10\nonline_delay = 0.5\n',
                            tmp_path / "c.toml")
    assert settings.transcripts == TranscriptSettings(online=True, online_budget=10, online_delay=0.5)
    with pytest.raises(ConfigError, match="online_budget must be a number"):
        parse_config('[transcripts]\nonline_budget = "lots"\n', tmp_path / "c.toml")


def test_caption_files_named_the_yt_dlp_way_are_imported_under_their_id(tmp_path: Path, data_dir: Path) -> None:
    """yt-dlp's default output template is ``%(title)s [%(id)s].%(ext)s``; subtitles add ``.LANG``."""
    folder = tmp_path / "c"
    folder.mkdir()
    samples = sorted(SAMPLE.glob("*.vtt"))
    renamed = {}
    for n, path in enumerate(samples):
        video_id, lang = path.name.split(".")[:2]
        # Titles with spaces, dots, brackets of their own, and (once) the plain form beside them.
        title = ["Werkdruk in de zorg", "Deel 2. Roosteren [NL]", "Interview [2019] met HR", "x"][n % 4]
        name = path.name if n == 3 else f"{title} [{video_id}].{lang}.vtt"
        shutil.copy(path, folder / name)
        renamed[name] = video_id
    summary = harvest_transcripts(Settings(data_dir=data_dir), folder)
    assert summary.failures == [] and summary.new == len(samples)
    with open_store(data_dir) as store:
        assert {key.split(".")[0] for key in store.keys(NS_RAW)} == set(renamed.values())


def test_an_empty_caption_file_says_so_once(captions: Path, data_dir: Path) -> None:
    summary = harvest_transcripts(Settings(data_dir=data_dir), captions)
    empty = [f for f in summary.failures if "empty file" in f]
    assert len(empty) == 1 and empty[0].count("empty file") == 1, empty
