"""Build the index from the archive: incremental by unit fingerprints, swapped in atomically.

``<data>/index/`` holds generations ``gen-<stamp>/`` (a Whoosh index plus ``manifest.json`` and
``links.json``) and a symlink ``current`` to the live one. A build writes a new generation
beside the live one (an incremental build starts from hard links to the live segment files,
which Whoosh never rewrites) and then replaces the symlink in one rename, so readers never see
half an index and a crash at any point leaves the previous generation serving.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import shutil
import time
import warnings
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Protocol, Sequence

from whoosh import index as whoosh_index

from archive.errors import CaseArchiveError
from archive.store import atomic_write, utc_now
from index.engine.schema import SCHEMA_VERSION, Unit, build_schema, fingerprint
from index.engine.storage import open_generation, open_writer
from index.engine.table import write_table

log = logging.getLogger(__name__)

# (step, done, total): total None when not known yet; done and total 0 for a step with nothing to count.
Progress = Callable[[str, int, "int | None"], None]
KEEP_GENERATIONS = 2
# The kept-passage records (``index.linking.reuse``): written anew into each generation, never hard-linked.
REUSE_FILE = "reuse.pickle"


class IndexMissing(CaseArchiveError):
    """There is no index to search yet."""


class KeptUnitsGone(CaseArchiveError):
    """Units a build meant to keep as they are are not in the live generation it starts from
    (another build replaced it, or this one has to rebuild): the build must make them again."""


class IndexCorrupt(CaseArchiveError):
    """The live index cannot be read; ``casearchive index --rebuild`` rebuilds it from the archive."""

    exit_code = 1


@dataclass
class BuildReport:
    """What a build did; ``touched`` = units added, updated or deleted."""

    generation: str
    built_at: str
    rebuilt: bool
    reason: str
    added: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    total: int = 0
    links: int = 0
    seconds: float = 0.0
    touched_ids: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # archived items left out, each with why

    @property
    def touched(self) -> int:
        return self.added + self.updated + self.deleted

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["touched_ids"] = data["touched_ids"][:50]
        return data


def index_root(data_dir: Path) -> Path:
    """The folder of the index generations."""
    return Path(data_dir) / "index"


def current_generation(data_dir: Path) -> Path | None:
    """The live generation's folder, or None when no index was ever published."""
    link = index_root(data_dir) / "current"
    if not link.is_symlink() and not link.exists():
        return None
    target = link.resolve()
    return target if target.is_dir() else None


def read_manifest(generation: Path, units: bool = True) -> dict[str, Any]:
    """A generation's manifest (schema version, build time, unit fingerprints).

    ``units=False`` reads only the small head (no fingerprints) where the generation has one: a
    search needs the build time, not megabytes of fingerprints.
    """
    try:
        head = generation / "manifest-head.json"
        if not units and head.exists():
            return json.loads(head.read_text(encoding="utf-8"))
        return json.loads((generation / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexCorrupt(f"the index manifest in {generation} is unreadable: {exc}") from None


def _probe(generation: Path) -> str | None:
    """Why Whoosh cannot read a generation, or None when it can."""
    error = None
    # Whoosh leaves the file of a damaged TOC open; it is closed (quietly) when the error goes.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            with whoosh_index.open_dir(str(generation)).reader() as reader:
                reader.doc_count()
        except Exception as exc:  # whatever a damaged index raises
            error = f"{type(exc).__name__}: {exc}"
        if error is not None:
            gc.collect()
    return error


def _hardlink_copy(source: Path, target: Path) -> None:
    target.mkdir(parents=True)
    for path in source.iterdir():
        if path.name.endswith("_LOCK") or path.name in ("manifest.json", "manifest-head.json", "links.json",
                                                        REUSE_FILE):
            continue
        os.link(path, target / path.name)


def _swap(root: Path, generation: Path) -> None:
    tmp = root / f".current-{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(generation.name, tmp)
    os.replace(tmp, root / "current")


def _cleanup(root: Path, live: Path) -> None:
    """Remove generations beyond the newest few, and any half-built one a crash left."""
    generations = sorted(p for p in root.glob("gen-*") if p.is_dir())
    complete = [p.name for p in generations if (p / "manifest.json").exists()]
    keep = {live.name, *complete[-KEEP_GENERATIONS:]}
    for path in generations:
        if path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)
    # A build killed between making its temporary link and renaming it leaves the link behind.
    for stale in root.glob(".current-*"):
        pid = stale.name.removeprefix(".current-")
        if stale.is_symlink() and pid.isdigit() and not _alive(int(pid)):
            stale.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    """Whether a process with this pid exists (a build still using its temporary link)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class LinkRow(Protocol):
    """A link as the index stores it (``index.linking.links.Link``); the build needs its row only, so it
    does not import the linking (which reads the live generation through this module)."""

    def to_dict(self) -> dict[str, Any]:
        """The link's JSON row for ``links.json``."""
        ...


def _new_generation_name(root: Path) -> Path:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    return root / f"gen-{stamp}"


@dataclass
class _Plan:
    """What a write will do: the generation it starts from, whether it rebuilds and why, and the unit
    fingerprints before (``old``) and after (``new``)."""

    root: Path
    live: Path | None
    generation: Path
    rebuild: bool
    reason: str
    old: dict[str, str]
    new: dict[str, str]


def write_index(data_dir: Path, units: list[Unit], links: Iterable[LinkRow], *, rebuild: bool = False,
                progress: Progress | None = None, extra_manifest: dict[str, Any] | None = None,
                kept: Sequence[str] = (), kept_from: Path | None = None,
                files: dict[str, bytes] | None = None) -> BuildReport:
    """Publish a generation holding exactly ``units`` and the ``kept`` units of the live
    generation ``kept_from`` (as they are), touching only what changed; ``files`` are written
    into the generation beside its manifest.

    Raises ``KeptUnitsGone`` (before writing anything) when units are to be kept but the live
    generation is not ``kept_from``, does not hold them, or has to be rebuilt.
    """
    started = time.monotonic()
    plan = _plan(data_dir, units, rebuild, kept, kept_from)
    report = BuildReport(generation=plan.generation.name, built_at=utc_now(), rebuilt=plan.rebuild,
                         reason=plan.reason or "incremental")
    changed, removed = _apply(plan, units, progress)
    report.added = sum(1 for u in changed if u.id not in plan.old)
    report.updated = len(changed) - report.added
    report.deleted = len(removed)
    report.unchanged = len(units) + len(kept) - len(changed)
    report.total = len(units) + len(kept)
    report.touched_ids = [u.id for u in changed] + removed
    _publish(plan, report, links, extra_manifest, files)
    report.seconds = round(time.monotonic() - started, 3)
    return report


def _plan(data_dir: Path, units: list[Unit], rebuild: bool, kept: Sequence[str], kept_from: Path | None) -> _Plan:
    """Plan: read the live generation's fingerprints, decide whether to rebuild, check the kept units."""
    root = index_root(data_dir)
    root.mkdir(parents=True, exist_ok=True)
    live = current_generation(data_dir)
    old: dict[str, str] = {}
    reason = "requested" if rebuild else ""
    if live is None:
        rebuild, reason = True, "no index yet"
    elif not rebuild:
        try:
            manifest = read_manifest(live)
            if manifest.get("schema_version") != SCHEMA_VERSION:
                rebuild, reason = True, f"schema {manifest.get('schema_version')} → {SCHEMA_VERSION}"
            elif (problem := _probe(live)) is not None:
                raise IndexCorrupt(problem)
            else:
                old = manifest["units"]
        except IndexCorrupt as exc:  # an unreadable index is rebuilt from the archive
            # Said once, by the caller: the build's reason (``index``, ``update`` and ``demo`` print it).
            log.info("[index] the live index is unreadable (%s); rebuilding it from the archive", exc)
            rebuild, reason = True, f"unreadable index: {exc}"
    if kept and (rebuild or live != kept_from):
        raise KeptUnitsGone(f"the units to keep are not in the live generation ({reason or 'it was replaced'})")
    generation = _new_generation_name(root)
    new = {u.id: fingerprint(u) for u in units}
    try:
        new.update((uid, old[uid]) for uid in kept)
    except KeyError as exc:
        raise KeptUnitsGone(f"the live generation has no unit {exc}") from None
    return _Plan(root=root, live=live, generation=generation, rebuild=rebuild, reason=reason, old=old, new=new)


def _apply(plan: _Plan, units: list[Unit], progress: Progress | None) -> tuple[list[Unit], list[str]]:
    """Apply: write the new generation's segments (from hard links to the live one's unless rebuilding)
    and its search table; the units changed and the ids removed."""
    if plan.rebuild:
        plan.generation.mkdir(parents=True)
        ix = whoosh_index.create_in(str(plan.generation), build_schema())
        changed = units
    else:
        assert plan.live is not None
        _hardlink_copy(plan.live, plan.generation)
        ix = whoosh_index.open_dir(str(plan.generation))
        changed = [u for u in units if plan.old.get(u.id) != plan.new[u.id]]
    removed = [uid for uid in plan.old if uid not in plan.new]
    writer = open_writer(ix)
    try:
        # The old versions of changed units go first, through one searcher (``update_document``
        # opens one per unit), then every changed unit is added: what Whoosh's docs advise.
        stale = removed + [u.id for u in changed if u.id in plan.old]
        if stale:
            with writer.searcher() as searcher:
                for uid in stale:
                    writer.delete_by_term("id", uid, searcher=searcher)
        for n, unit in enumerate(changed, 1):
            writer.add_document(**unit.to_fields())
            if progress and (n % 200 == 0 or n == len(changed)):
                progress("adding units", n, len(changed))
        if progress:  # Whoosh's commit writes the segments: seconds with nothing to count
            progress("saving the index", 0, 0)
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    with open_generation(plan.generation).reader() as reader:
        write_table(plan.generation, reader, previous=None if plan.rebuild else plan.live)
    return changed, removed


def _publish(plan: _Plan, report: BuildReport, links: Iterable[LinkRow], extra_manifest: dict[str, Any] | None,
             files: dict[str, bytes] | None) -> None:
    """Publish: write the links, files and manifest (the manifest last: it marks the generation
    complete), swap the ``current`` link to it in one rename, and clean up old generations."""
    link_rows = [row.to_dict() for row in links]
    report.links = len(link_rows)
    manifest = {"schema_version": SCHEMA_VERSION, "built_at": report.built_at, "units": plan.new,
                **(extra_manifest or {})}
    generation = plan.generation
    atomic_write(generation / "links.json", json.dumps(link_rows, ensure_ascii=False).encode())
    for name, data in (files or {}).items():
        atomic_write(generation / name, data)
    head = {k: v for k, v in manifest.items() if k != "units"}
    atomic_write(generation / "manifest-head.json", json.dumps(head, ensure_ascii=False).encode())
    atomic_write(generation / "manifest.json", json.dumps(manifest, ensure_ascii=False).encode())
    _swap(plan.root, generation)
    _cleanup(plan.root, generation)


def open_live(data_dir: Path, units: bool = True) -> tuple[Any, dict[str, Any], Path]:
    """The live Whoosh index, its manifest (without fingerprints when not ``units``) and folder;
    clear errors when missing or broken."""
    live = current_generation(data_dir)
    if live is None:
        raise IndexMissing(f"no index in {data_dir}: run `casearchive index` (or `casearchive demo`)")
    manifest = read_manifest(live, units)
    try:
        ix = open_generation(live)
    except Exception as exc:
        raise IndexCorrupt(f"the index in {live} cannot be opened ({exc}); "
                           "run `casearchive index --rebuild` to rebuild it from the archive") from None
    return ix, manifest, live


def read_links(data_dir: Path) -> list[dict[str, Any]]:
    """Every link of the live index with its evidence."""
    live = current_generation(data_dir)
    if live is None:
        raise IndexMissing(f"no index in {data_dir}: run `casearchive index`")
    try:
        return json.loads((live / "links.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexCorrupt(f"the links of the index are unreadable: {exc}") from None
