"""What a backup keeps besides the archive: the build's setup (taxonomy, correction list, configuration).

An index rebuilt from a restored archive is the same only if it is built with the same taxonomy,
correction list and settings. ``setup_files`` gathers them as ``setup/`` members of an export;
the configuration is written afresh from the settings, never copied, so the YouTube key file's
path and any key in the API address stay out (the key itself never is in the settings). The
restored ``setup/casearchive.toml`` names the restored files and the data directory around it,
and a command given no other configuration uses it (``archive.config.load_settings``), so a plain
``casearchive --data <data> index`` rebuilds the same index.
"""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from archive.config import RESTORED_CONFIG, Settings, parse_config
from archive.errors import ConfigError, InputError

SETUP, CONFIG_NAME = RESTORED_CONFIG.parts  # where a command looks for it without --config
TAXONOMY_NAME = "taxonomy.toml"
CORRECTIONS_NAME = "corrections.toml"
# Settings left out of the written configuration, and why: the key file is a secret's location,
# the caption folder is a harvest input outside the data directory (its files are archived).
LEFT_OUT = {("youtube", "key_file"), ("transcripts", "folder"), ("transcripts", "corrections")}
WHAT = {CONFIG_NAME: "the configuration (without the YouTube key or its file)",
        TAXONOMY_NAME: "the taxonomy", CORRECTIONS_NAME: "the caption correction list"}


def _toml(value: Any) -> str:
    """A TOML value for a string, number, bool, list of strings or table of strings."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_toml(str(k))} = {_toml(v)}" for k, v in value.items()) + "}"
    # A JSON string is a TOML basic string, but for DEL, which TOML wants escaped.
    return json.dumps(str(value), ensure_ascii=False).replace("\x7f", "\\u007f")


def _no_key(url: str) -> str:
    """The API address without a query or user info (where a key could hide)."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc.rpartition("@")[2], parts.path, "", ""))


def config_text(settings: Settings, *, taxonomy: bool, corrections: bool) -> str:
    """The settings as a casearchive.toml for ``<data>/setup/``, without secrets."""
    lines = ["# Written by `casearchive export-archive`: the settings the backed-up index was built with.",
             "# The YouTube key is never part of a backup: set YOUTUBE_API_KEY or youtube.key_file to harvest.",
             'data = ".."']
    if taxonomy:
        lines.append(f"taxonomy = {_toml(TAXONOMY_NAME)}")
    lines.append(f"lock_wait = {_toml(settings.lock_wait)}")
    for section in ("youtube", "site", "transcripts", "limits"):
        table = getattr(settings, section)
        lines += ["", f"[{section}]"]
        for field in fields(table):
            value = getattr(table, field.name)
            if (section, field.name) in LEFT_OUT or value is None:
                continue
            lines.append(f"{field.name} = {_toml(_no_key(value) if field.name == 'api_url' else value)}")
        if section == "transcripts" and corrections:
            lines.append(f"corrections = {_toml(CORRECTIONS_NAME)}")
    return "\n".join(lines) + "\n"


def setup_files(settings: Settings, taxonomy: Path | None, corrections: Path | None) -> dict[str, bytes]:
    """The ``setup/`` members of an export: the configuration, and the taxonomy and corrections in use."""
    files: dict[str, bytes] = {}
    for name, path in ((TAXONOMY_NAME, taxonomy), (CORRECTIONS_NAME, corrections)):
        if path is not None:
            try:
                files[name] = Path(path).read_bytes()
            except OSError as exc:
                raise ConfigError(f"cannot read {WHAT[name]} {path} to back it up: {exc.strerror}") from None
    files[CONFIG_NAME] = config_text(settings, taxonomy=TAXONOMY_NAME in files,
                                     corrections=CORRECTIONS_NAME in files).encode()
    return {f"{SETUP}/{name}": data for name, data in files.items()}


def check_setup(staging: Path) -> None:
    """Refuse a restored configuration that points outside the data directory or at a key file."""
    config = staging / SETUP / CONFIG_NAME
    if not config.exists():
        return
    try:
        settings = parse_config(config.read_text(encoding="utf-8"), config)
    except (ConfigError, UnicodeDecodeError) as exc:
        raise InputError(f"the exported configuration is not valid: {exc}") from None
    if settings.youtube.key_file is not None:
        raise InputError("the exported configuration names a YouTube key file: a backup never holds one")
    named = [settings.taxonomy, config.parent / settings.transcripts.corrections
             if settings.transcripts.corrections else None]
    inside = {Path(p).resolve() for p in named if p is not None}
    root = staging.resolve()
    if Path(settings.data_dir).resolve() != root or any(root / SETUP not in p.parents for p in inside):
        raise InputError("the exported configuration points outside the restored data directory")


def restored_lines(names: list[str]) -> list[str]:
    """What an import restored besides the archive, one line each, for people."""
    lines = [f"{WHAT[name.split('/', 1)[1]]} ({name})" for name in sorted(names)
             if name.startswith(f"{SETUP}/") and name.split("/", 1)[1] in WHAT]
    if any(name.startswith("curation/") for name in names):
        lines.append("the link decisions (curation/)")
    runs = sum(name.startswith("runs/") for name in names)
    if runs:
        lines.append(f"{runs} run summaries (runs/)")
    return lines
