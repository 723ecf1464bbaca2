"""Settings precedence, the example config, and where the API key may come from."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.config import EXAMPLE_CONFIG, load_settings, parse_config, read_api_key
from archive.errors import ConfigError


def test_defaults_apply_without_a_config_file() -> None:
    settings = load_settings(env={})
    assert settings.data_dir == Path("data")
    assert settings.youtube.api_url == "https://youtube.googleapis.com/"
    assert settings.transcripts.languages == ("nl", "en")
    assert settings.config_file is None


def test_file_then_environment_then_flags_win(tmp_path: Path) -> None:
    config = tmp_path / "casearchive.toml"
    config.write_text('data = "from-file"\n[youtube]\nchannels = ["@duurzaammeedoen"]\n'
                      'api_url = "http://file.example/"\n', encoding="utf-8")
    from_file = load_settings(config, env={})
    assert from_file.data_dir == tmp_path / "from-file"  # relative to the config file
    assert from_file.youtube.channels == ("@duurzaammeedoen",)
    env = {"CASEARCHIVE_DATA": str(tmp_path / "from-env"), "CASEARCHIVE_YOUTUBE_API_URL": "http://127.0.0.1:1/"}
    from_env = load_settings(config, env=env)
    assert from_env.data_dir == tmp_path / "from-env"
    assert from_env.youtube.api_url == "http://127.0.0.1:1/"
    from_flag = load_settings(config, data_dir=tmp_path / "from-flag", env=env)
    assert from_flag.data_dir == tmp_path / "from-flag"


def test_config_file_is_found_through_the_environment(tmp_path: Path) -> None:
    config = tmp_path / "elsewhere.toml"
    config.write_text('[site]\ndelay = 2.5\n', encoding="utf-8")
    assert load_settings(env={"CASEARCHIVE_CONFIG": str(config)}).site.delay == 2.5


def test_the_example_config_parses_to_the_documented_values(tmp_path: Path) -> None:
    settings = parse_config(EXAMPLE_CONFIG, tmp_path / "casearchive.toml")
    assert settings.youtube.channels == ("UC6XpRSGS236lYZmcCjkBE4g",)
    assert settings.transcripts.online is False
    assert settings.data_dir == tmp_path / "data"


@pytest.mark.parametrize("text, message", [
    ("[youtube\nchannels = []", "not valid TOML"),
    ("[youtube]\nchanels = []", "unknown key 'chanels' in \\[youtube\\]"),
    ("colour = 'blue'", "unknown key 'colour'"),
    ("[site]\ndelay = 'slow'", "site.delay must be a number"),
    ("[youtube]\nchannels = [1, 2]", "youtube.channels must be a list of strings"),
    ("[transcripts]\nonline = 'yes'", "transcripts.online must be true or false"),
    ("[site]\nstart_urls = 'https://example.org/kennis/'", "site.start_urls must be a list of strings"),
    ("[transcripts]\nlanguages = []", "transcripts.languages needs at least one language"),
    ("[youtube]\nretries = -1", "youtube.retries must not be negative"),
])
def test_a_bad_config_names_the_problem(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_config(text, tmp_path / "casearchive.toml")


def test_a_missing_or_unreadable_config_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(tmp_path / "missing.toml", env={})
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(ConfigError, match="cannot read config file"):
        load_settings(binary, env={})


def test_api_key_comes_from_the_environment_before_the_key_file(tmp_path: Path) -> None:
    key_file = tmp_path / "youtube.key"
    key_file.write_text("file-key\n", encoding="utf-8")
    settings = load_settings(env={"CASEARCHIVE_YOUTUBE_KEY_FILE": str(key_file)})
    assert read_api_key(settings, env={}) == "file-key"
    assert read_api_key(settings, env={"YOUTUBE_API_KEY": "env-key"}) == "env-key"


def test_a_missing_key_says_where_to_put_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="YOUTUBE_API_KEY"):
        read_api_key(load_settings(env={}), env={})
    empty = tmp_path / "empty.key"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(ConfigError, match="is empty"):
        read_api_key(load_settings(env={"CASEARCHIVE_YOUTUBE_KEY_FILE": str(empty)}), env={})
    with pytest.raises(ConfigError, match="cannot read the YouTube key file"):
        read_api_key(load_settings(env={"CASEARCHIVE_YOUTUBE_KEY_FILE": str(tmp_path / "nope")}), env={})
