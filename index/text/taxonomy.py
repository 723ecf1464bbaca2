"""The taxonomy: companies (with aliases and sector), themes (with synonyms) and sectors.

It comes from a curated TOML file (``--taxonomy``, the config's ``taxonomy``,
``CASEARCHIVE_TAXONOMY``) merged with what the case pages themselves say: their theme and
sector labels and the companies they name.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from archive.company_names import name_key
from archive.errors import ConfigError
from archive.folding import fold_name

__all__ = ["Entry", "Taxonomy", "fold_name", "load_taxonomy", "parse_taxonomy"]


@dataclass
class Entry:
    """One company, theme or sector: its canonical name and the other names it goes by."""

    name: str
    aliases: list[str] = field(default_factory=list)
    sector: str | None = None
    curated: bool = False

    def names(self) -> list[str]:
        """The canonical name first, then the aliases."""
        return [self.name, *self.aliases]


@dataclass
class Taxonomy:
    """Companies, themes and sectors, each looked up by any of its names."""

    companies: dict[str, Entry] = field(default_factory=dict)
    themes: dict[str, Entry] = field(default_factory=dict)
    sectors: dict[str, Entry] = field(default_factory=dict)

    def _table(self, kind: str) -> dict[str, Entry]:
        """The entries of one kind, by key."""
        return {"company": self.companies, "theme": self.themes, "sector": self.sectors}[kind]

    @staticmethod
    def _key(kind: str, name: str) -> str:
        """The lookup key of a name: a company by ``name_key`` (any way its name is written),
        a theme or sector by its folded name."""
        return name_key(name) if kind == "company" else fold_name(name)

    def add(self, kind: str, name: str, aliases: Iterable[str] = (), sector: str | None = None,
            curated: bool = False) -> Entry:
        """Add an entry, or merge names into the entry that already has one of them."""
        table = self._table(kind)
        entry = self.lookup(kind, name)
        if entry is None:
            for alias in aliases:
                entry = self.lookup(kind, alias)
                if entry is not None:
                    break
        if entry is None:
            entry = Entry(name=name.strip(), curated=curated)
            table[self._key(kind, name)] = entry
        elif curated and not entry.curated:
            # A curated name wins over the spelling a page happened to use.
            if fold_name(entry.name) != fold_name(name):
                entry.aliases.append(entry.name)
            entry.name, entry.curated = name.strip(), True
        for alias in [name, *aliases]:
            if fold_name(alias) != fold_name(entry.name) and fold_name(alias) not in map(fold_name, entry.aliases):
                entry.aliases.append(alias.strip())
            table[self._key(kind, alias)] = entry
        if sector and not entry.sector:
            entry.sector = sector
        return entry

    def lookup(self, kind: str, name: str) -> Entry | None:
        """The entry known by this name or alias (accent and case insensitive; a company also
        with or without legal form, hyphens or spaces), or None."""
        return self._table(kind).get(self._key(kind, name))

    def canonical(self, kind: str, name: str) -> str:
        """The canonical name for any of an entry's names; unknown names come back unchanged."""
        entry = self.lookup(kind, name)
        return entry.name if entry else name.strip()

    def entries(self, kind: str) -> list[Entry]:
        """Every distinct entry of a kind, sorted by name."""
        unique = {id(e): e for e in self._table(kind).values()}
        return sorted(unique.values(), key=lambda e: fold_name(e.name))


def _strings(value: Any, where: str) -> list[str]:
    """A taxonomy field that must be a list of strings (missing: empty); ``where`` names it in the error."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} must be a list of strings")
    return value


def parse_taxonomy(text: str, source: str = "taxonomy") -> Taxonomy:
    """Parse the curated taxonomy TOML (``[[company]]``, ``[[theme]]``, ``[[sector]]`` tables)."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML: {exc}") from None
    taxonomy = Taxonomy()
    alias_key = {"company": "aliases", "theme": "synonyms", "sector": "aliases"}
    for kind, entries in raw.items():
        if kind not in alias_key:
            raise ConfigError(f"{source}: unknown table [[{kind}]] (known: company, theme, sector)")
        if not isinstance(entries, list):
            raise ConfigError(f"{source}: {kind} must be written as [[{kind}]] tables")
        for n, item in enumerate(entries, 1):
            where = f"{source}: {kind} #{n}"
            if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
                raise ConfigError(f"{where} needs a name")
            allowed = {"name", alias_key[kind], "aliases", "sector"}
            unknown = sorted(set(item) - allowed)
            if unknown:
                raise ConfigError(f"{where}: unknown key {unknown[0]!r}")
            aliases = _strings(item.get(alias_key[kind]), f"{where} {alias_key[kind]}")
            aliases += _strings(item.get("aliases"), f"{where} aliases") if alias_key[kind] != "aliases" else []
            sector = item.get("sector")
            if sector is not None and not isinstance(sector, str):
                raise ConfigError(f"{where}: sector must be a string")
            taxonomy.add(kind, item["name"], aliases, sector=sector, curated=True)
            if sector:
                taxonomy.add("sector", sector)
    return taxonomy


def load_taxonomy(path: Path | None) -> Taxonomy:
    """The curated taxonomy from a file, or an empty one when no file is configured."""
    if path is None:
        return Taxonomy()
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the taxonomy {path}: {exc}") from None
    return parse_taxonomy(text, str(path))


def add_case_labels(taxonomy: Taxonomy, themes: Iterable[str], sectors: Iterable[str],
                    companies: Iterable[str]) -> None:
    """Merge what one case page says into the taxonomy (curated names keep precedence)."""
    for theme in themes:
        taxonomy.add("theme", theme)
    sector_list = list(sectors)
    for sector in sector_list:
        taxonomy.add("sector", sector)
    for company in companies:
        taxonomy.add("company", company, sector=sector_list[0] if len(sector_list) == 1 else None)


def taxonomy_to_dict(taxonomy: Taxonomy) -> dict[str, list[dict[str, Any]]]:
    """A JSON-ready snapshot (kept with each index build, so searches use the taxonomy it was built with)."""
    return {kind: [{"name": e.name, "aliases": list(e.aliases), "sector": e.sector, "curated": e.curated}
                   for e in taxonomy.entries(kind)] for kind in ("company", "theme", "sector")}


def merge_taxonomy(base: Taxonomy, snapshot: dict[str, list[dict[str, Any]]] | None) -> Taxonomy:
    """Add a snapshot's entries to a taxonomy (the curated names of either keep precedence)."""
    for kind, entries in (snapshot or {}).items():
        for entry in entries:
            base.add(kind, entry["name"], entry.get("aliases", ()), sector=entry.get("sector"),
                     curated=entry.get("curated", False))
    return base
