"""Links between videos, cases, companies and themes, each with its evidence and a confidence.

Links come from explicit URLs (a case page links or embeds a video, or links its channel; a
video description links a case) and from mentions of taxonomy names and aliases in titles,
descriptions, transcripts and notes: each way is a rule of ``index.linking.rules``, and
``link_all`` runs its ordered list ``RULES``. Adding a link rule is writing one function in
``index.linking.rules``, adding it to ``RULES`` and adding a test (that module's docstring says how).
A link counts from ``ACCEPT`` on (``is_accepted``: the one acceptance rule, used by search, the
report and the links list). People confirm or reject suggestions; those decisions live in
``<data>/curation/links.json`` and are applied at every build, so they survive rebuilds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Literal

from archive.errors import InputError
from archive.lock import curation_lock
from archive.store import atomic_write, utc_now
from index.linking.mentions import MentionCache
# The finding of names and the rules are their own modules; their names are also this module's,
# as other rooms and the tests import them from here.
from index.linking.names import FEW, KnownText, NameFinder, find_each, mentions, name_finder  # noqa: F401
from index.linking.rules import (  # noqa: F401
    CASE_URL, CHANNEL_NAMES_COMPANY, CHANNEL_SUGGESTS, RULES, WEB_ADDRESS, CaseInfo,
    Evidence, VideoInfo, World, address_key)
from index.text.taxonomy import Taxonomy, fold_name

# A link counts for search filters and facets from this confidence on (or when confirmed).
ACCEPT = 0.5

Status = Literal["auto", "confirmed", "rejected"]


def is_accepted(status: str, confidence: float) -> bool:
    """Whether a link counts (in search, the report and the links list): confirmed by a person,
    or found and at least ``ACCEPT`` sure; below that a found link is a suggestion."""
    return status == "confirmed" or (status == "auto" and confidence >= ACCEPT)


def said_once(evidence: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """A link's evidence for people, each fact once: identical entries once, and an entry whose rule
    a combined rule of the same link already states ("case links the channel" beside "case links the
    channel; video names its company") folded into that one, its field and text kept under ``also``."""
    unique = list({(e["rule"], e["field"], e["text"], e.get("position")): e for e in evidence}.values())
    parts = {e["rule"]: set(e["rule"].split("; ")) for e in unique}
    out: list[dict[str, Any]] = []
    for e in unique:
        host = next((o for o in unique if o is not e and o["rule"] != e["rule"]
                     and e["rule"] in parts[o["rule"]]), None)
        if host is None:
            out.append({**e, "also": []})
    for e in unique:
        host = next((o for o in out if o["rule"] != e["rule"] and e["rule"] in parts[o["rule"]]), None)
        if host is not None:
            host["also"].append({"field": e["field"], "text": e["text"], "position": e.get("position")})
    return out


@dataclass
class Link:
    """A link from a video or case (``video:ID``/``case:slug``) to a case, company or theme."""

    source: str
    target: str
    confidence: float
    evidence: list[Evidence] = field(default_factory=list)
    status: Status = "auto"

    @property
    def accepted(self) -> bool:
        return is_accepted(self.status, self.confidence)

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "target": self.target, "confidence": round(self.confidence, 2),
                "status": self.status, "evidence": [e.to_dict() for e in self.evidence]}


class LinkSet:
    """Links keyed by (source, target); adding evidence to a known pair keeps the best confidence."""

    def __init__(self) -> None:
        self._links: dict[tuple[str, str], Link] = {}
        # The links of each source, so ``targets`` does not scan every link (it is asked per unit).
        self._by_source: dict[str, list[Link]] = {}

    def _new(self, source: str, target: str, confidence: float) -> Link:
        link = self._links[(source, target)] = Link(source, target, confidence)
        self._by_source.setdefault(source, []).append(link)
        return link

    def add(self, source: str, target: str, confidence: float, evidence: Evidence) -> None:
        """Add a link, or this evidence to the known link of the pair (its confidence the higher of the two)."""
        link = self._links.get((source, target)) or self._new(source, target, 0.0)
        link.confidence = max(link.confidence, confidence)
        if evidence not in link.evidence:
            link.evidence.append(evidence)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(sorted(self._links.values(), key=lambda entry: (entry.source, entry.target)))

    def get(self, source: str, target: str) -> Link | None:
        """The link of a pair, if any rule or person made it."""
        return self._links.get((source, target))

    def apply(self, decisions: dict[tuple[str, str], dict[str, Any]]) -> None:
        """Apply people's decisions: a confirmation may add a link nothing suggested."""
        for (source, target), decision in decisions.items():
            link = self._links.get((source, target))
            if link is None:
                if decision["decision"] != "confirmed":
                    continue
                link = self._new(source, target, 1.0)
                link.evidence.append(Evidence("curated", "curation", decision.get("note") or "added by a person"))
            link.status = "confirmed" if decision["decision"] == "confirmed" else "rejected"

    def of(self, source: str) -> list[Link]:
        """Every link of a source, found or decided, accepted or not, in the order they were made."""
        return self._by_source.get(source, [])

    def rejected(self, source: str, prefix: str) -> frozenset[str]:
        """The targets of a source with a given prefix that a person rejected, names only."""
        return frozenset(entry.target[len(prefix):] for entry in self._by_source.get(source, ())
                         if entry.target.startswith(prefix) and entry.status == "rejected")

    def targets(self, source: str, prefix: str) -> list[str]:
        """The accepted targets of a source with a given prefix (``case:``, ``company:``…), names only."""
        return sorted(entry.target[len(prefix):] for entry in self._by_source.get(source, ())
                      if entry.target.startswith(prefix) and entry.accepted)


def link_all(cases: list[CaseInfo], videos: list[VideoInfo], taxonomy: Taxonomy,
             decisions: dict[tuple[str, str], dict[str, Any]] | None = None,
             mentions: MentionCache | None = None,  # noqa: F811 (the keyword callers use; shadows the function)
             company_names: NameFinder | None = None, own_channels: Iterable[str] = ()) -> LinkSet:
    """Compute every link between the archive's cases and videos: each rule of ``RULES`` in order,
    then people's decisions once more (``mentions``: see index.linking.mentions; ``company_names``:
    the caller's finder of company names, to ask it about texts afterwards; ``own_channels``: the
    platform's own channel ids, which no case's link to them makes its channel)."""
    links = LinkSet()
    company_names = company_names or name_finder(taxonomy, "company", mentions)
    world = World(cases, videos, taxonomy, decisions or {}, company_names, name_finder(taxonomy, "theme", mentions),
                  own_channels)
    for rule in RULES:
        rule(links, world)
    # The rules after ``people_decided`` may have found links a person decided on.
    links.apply(world.decisions)
    return links


# -- curated decisions -----------------------------------------------------------------------


def decisions_path(data_dir: Path) -> Path:
    """Where people's link decisions are kept (outside the index, so rebuilds keep them)."""
    return Path(data_dir) / "curation" / "links.json"


def load_decisions(data_dir: Path) -> dict[tuple[str, str], dict[str, Any]]:
    """Every confirmed or rejected link, keyed by (source, target)."""
    path = decisions_path(data_dir)
    if not path.exists():
        return {}
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the link decisions {path}: {exc}") from None
    return {(r["source"], r["target"]): r for r in rows}


def _ref(text: str, kinds: tuple[str, ...]) -> str:
    """A link end as written on the command line (``kind:value``), checked: one of ``kinds`` with a value."""
    kind, sep, value = text.partition(":")
    if not sep or kind not in kinds or not value.strip():
        raise InputError(f"{text!r} is not a link end; write {' or '.join(k + ':…' for k in kinds)}")
    return f"{kind}:{value.strip()}"


def _check_known(data_dir: Path, source: str, target: str, decision: str) -> None:
    """Refuse decisions about things the live index does not know (typos would otherwise stick)."""
    from index.engine import current_generation, read_links, read_manifest

    live = current_generation(data_dir)
    if live is None:
        raise InputError(f"no index in {data_dir}: build it first (casearchive index)")
    units = read_manifest(live)["units"]
    if source not in units:
        raise InputError(f"{source} is not in the index (ids look like video:ZhyiA4uoRgn or case:<slug>)")
    kind, _, name = target.partition(":")
    if kind == "case" and target not in units:
        raise InputError(f"{target} is not in the index")
    if kind in ("company", "theme"):
        known = {fold_name(e["name"]) for e in (read_manifest(live, units=False).get("taxonomy") or {}).get(kind, [])}
        known |= {fold_name(entry["target"].partition(":")[2]) for entry in read_links(data_dir)
                  if entry["target"].startswith(kind)}
        if fold_name(name) not in known:
            raise InputError(f"{target} is not a known {kind} (add it to the taxonomy first)")
    if decision == "rejected" and not any(entry["source"] == source and entry["target"] == target
                                          for entry in read_links(data_dir)):
        raise InputError(f"there is no link {source} → {target} to reject (see casearchive links list)")


def decide(data_dir: Path, source: str, target: str, decision: Literal["confirmed", "rejected"],
           note: str | None = None, *, check: bool = True) -> dict[str, Any]:
    """Record a person's decision on a link; it applies from the next index build on."""
    source = _ref(source, ("video", "case"))
    target = _ref(target, ("case", "company", "theme"))
    if check:
        _check_known(data_dir, source, target, decision)
    row = {"source": source, "target": target, "decision": decision, "at": utc_now(), "note": note}
    # Read, change and write under the decisions' lock: curators deciding at once all keep theirs.
    with curation_lock(data_dir):
        decisions = load_decisions(data_dir)
        decisions[(source, target)] = row
        rows = sorted(decisions.values(), key=lambda r: (r["source"], r["target"]))
        atomic_write(decisions_path(data_dir), json.dumps(rows, indent=2, ensure_ascii=False).encode())
    return row
