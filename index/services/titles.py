"""Case titles by slug, as the live index holds them: read once per generation for the pages, the
exports and the hints of an empty search (a new index build is read anew)."""

from __future__ import annotations

from pathlib import Path

from index.engine import current_generation, document_titles

_TITLES: dict[tuple[str, str], dict[str, str]] = {}  # (data dir, live generation) → titles by slug


def case_titles(data_dir: Path) -> dict[str, str]:
    """Every case's title by slug ("" for a case without one); {} before the first build."""
    live = current_generation(data_dir)
    if live is None:
        return {}
    key = (str(data_dir), str(live))
    titles = _TITLES.get(key)
    if titles is None:
        docs = document_titles(data_dir, "case")
        titles = {unit.removeprefix("case:"): doc["title"] for unit, doc in docs.items()}
        for old in [k for k in _TITLES if k[0] == key[0]]:  # an older generation of this data directory
            _TITLES.pop(old, None)
        _TITLES[key] = titles
    return titles
