#!/usr/bin/env python3
"""Benchmark casearchive on a synthetic Dutch archive, side by side with SQLite FTS5 (unicode61).

    python scripts/bench.py --scale S [--json FILE] [--data DIR]

One run generates the archive (``scripts/bench_corpus.py``), harvests its videos from the local
fake Data API (quota against the minimum 1 + 2·⌈N/50⌉ per channel), builds the index with the
real ``casearchive index`` in a child process (time, units/s, peak RSS of the process tree, size
on disk), updates it after 1% of the items changed, times 100 queries of every kind through
``index.service.search`` and the whole ``casearchive search`` process, then loads the same units
into SQLite FTS5 and times the same queries there (with the same facet counts and per-video
collapse, in SQL), and measures recall of both engines on the planted Dutch queries.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.config import Settings  # noqa: E402
from index.search import SearchOptions  # noqa: E402
from scripts import bench_corpus as corpus_mod  # noqa: E402
from scripts.bench_corpus import RECALL_QUERIES, SCALES, THEMES, Corpus, Words  # noqa: E402

RECALL_K = 50
CLI_RUNS = 5


@dataclass(frozen=True)
class Query:
    """One benchmark query: our query language, and the same query for FTS5 (MATCH + SQL filters)."""

    kind: str
    text: str
    match: str | None
    filters: tuple[tuple[str, Any], ...] = ()


def _q(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def make_queries(corpus: Corpus, words: Words) -> list[Query]:
    """The fixed set of 100 Dutch queries: words, phrases, OR, NOT, prefix, fuzzy, filters, facets only."""
    rng = random.Random(100)
    mid = words.band(300, 3000, 40)
    common = words.band(20, 120, 10)
    theme_words = [w for pool in THEMES.values() for w in pool if "-" not in w]
    companies = [c.company for c in corpus.cases]
    themes = list(THEMES)
    queries: list[Query] = []
    for w in mid[:10] + rng.sample(theme_words, 10) + common[:5]:
        queries.append(Query("word", w, _q(w)))
    for n in range(15):
        a, b = rng.choice(theme_words), mid[10 + n]
        queries.append(Query("words", f"{a} {b}", f"{_q(a)} {_q(b)}"))
    phrases = (corpus.phrases * 10)[:10]
    for p in phrases:
        queries.append(Query("phrase", f'"{p}"', _q(p)))
    for n in range(8):
        a, b = rng.choice(theme_words), mid[25 + n % 15]
        queries.append(Query("or", f"{a} OR {b}", f"{_q(a)} OR {_q(b)}"))
    for n in range(7):
        a, b = rng.choice(theme_words), rng.choice(common)
        queries.append(Query("not", f"{a} -{b}", f"{_q(a)} NOT {_q(b)}"))
    for n in range(7):
        w = rng.choice(theme_words)
        queries.append(Query("prefix", f"{w[:5]}*", f"{_q(w[:5])} *"))
    for n in range(5):
        w = rng.choice([t for t in theme_words if len(t) > 7])
        i = rng.randrange(1, len(w) - 1)
        typo = w[:i] + ("e" if w[i] != "e" else "a") + w[i + 1:]
        # FTS5 has no fuzzy matching: it gets the misspelled word as typed.
        queries.append(Query("fuzzy", f"{typo}~", _q(typo)))
    for n in range(5):
        c, w = rng.choice(companies), rng.choice(theme_words)
        queries.append(Query("filter company", f'{w} company:"{c}"', _q(w), (("company", c),)))
    for n in range(5):
        t, w = rng.choice(themes), rng.choice(mid)
        queries.append(Query("filter theme", f'{w} theme:"{t}"', _q(w), (("theme", t),)))
    for n in range(4):
        low = 2008 + n * 3
        w = rng.choice(theme_words)
        queries.append(Query("filter year", f"{w} year:{low}..{low + 3}", _q(w), (("year", (low, low + 3)),)))
    for n in range(3):
        w = rng.choice(mid)
        queries.append(Query("filter kind", f"{w} kind:passage", _q(w), (("kind", "passage"),)))
    for n in range(3):
        s, w = rng.choice(corpus_mod.SECTORS), rng.choice(theme_words)
        queries.append(Query("filter sector", f'{w} sector:"{s}"', _q(w), (("sector", s),)))
    for t in themes[:3]:
        queries.append(Query("facets only", f'theme:"{t}"', None, (("theme", t),)))
    assert len(queries) == 100, len(queries)
    return queries


# -- measuring a child process -------------------------------------------------------------------


def _tree_rss(pid: int) -> int:
    """Resident memory (bytes) of a process and all its descendants."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/statm") as handle:
                total += int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as handle:
                    todo.extend(int(c) for c in handle.read().split())
        except (OSError, ValueError):
            continue
    return total


def run_measured(args: list[str], env: dict[str, str]) -> dict[str, Any]:
    """Run a command; its wall time, output, own peak RSS and the peak RSS of its process tree."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0]
    done = threading.Event()

    def poll() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss(proc.pid))
            done.wait(0.1)

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - started
    done.set()
    watcher.join()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:4])}… failed ({proc.returncode}): {err[-2000:]}")
    return {"seconds": seconds, "stdout": out, "stderr": err, "tree_peak_rss": peak[0]}


def _cli(data: Path, *args: str) -> list[str]:
    script = Path(sys.executable).parent / "casearchive"
    base = [str(script)] if script.exists() else [sys.executable, "-m", "index.cli"]
    return [*base, "--data", str(data), *args]


def _env(taxonomy: Path) -> dict[str, str]:
    env = dict(os.environ, CASEARCHIVE_TAXONOMY=str(taxonomy), PYTHONPATH=str(ROOT))
    env.pop("CASEARCHIVE_CONFIG", None)
    return env


def _index_size(data: Path) -> int:
    from index.build import current_generation

    live = current_generation(data)
    return sum(p.stat().st_size for p in live.iterdir() if p.is_file()) if live else 0


def _units_of(stdout: str) -> int:
    import re

    match = re.search(r"(\d+) units", stdout)
    return int(match.group(1)) if match else 0


def percentiles(samples: list[float]) -> dict[str, float]:
    """p50, p95, p99 and mean of latencies in seconds, as milliseconds."""
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]  # noqa: E731
    return {"p50_ms": round(pick(0.5) * 1000, 1), "p95_ms": round(pick(0.95) * 1000, 1),
            "p99_ms": round(pick(0.99) * 1000, 1), "mean_ms": round(statistics.fmean(ordered) * 1000, 1)}


# -- our engine ----------------------------------------------------------------------------------


def group_key(result: dict[str, Any]) -> str:
    """The group a search result stands for: video:ID or case:slug (or a note page id)."""
    if result.get("video_id"):
        return f"video:{result['video_id']}"
    return str(result["id"])


def time_ours(settings: Settings, queries: list[Query]) -> dict[str, Any]:
    """Latency of index.service.search over the query set (after one warm-up pass)."""
    from index.service import search

    for query in queries:
        search(settings, query.text, SearchOptions())
    samples, by_kind, totals = [], {}, []
    for query in queries:
        started = time.perf_counter()
        out = search(settings, query.text, SearchOptions())
        elapsed = time.perf_counter() - started
        samples.append(elapsed)
        by_kind.setdefault(query.kind, []).append(elapsed)
        totals.append(out["total"])
    return {**percentiles(samples), "by_kind_p95_ms": {k: percentiles(v)["p95_ms"] for k, v in by_kind.items()},
            "median_groups": statistics.median(totals)}


def recall_ours(settings: Settings, corpus: Corpus) -> dict[str, Any]:
    """Recall@50 (groups) of our engine on the planted queries, overall and per category."""
    from index.service import search

    found: dict[str, tuple[int, int]] = {}
    for rq in RECALL_QUERIES:
        out = search(settings, rq.query, SearchOptions(limit=RECALL_K))
        keys = {group_key(r) for r in out["results"]}
        relevant = corpus.relevant[rq.query]
        found[rq.query] = (len(keys & relevant), len(relevant))
    return summarise_recall(found)


def summarise_recall(found: dict[str, tuple[int, int]]) -> dict[str, Any]:
    """Overall and per-category recall from (found, relevant) per query."""
    category = {rq.query: rq.category for rq in RECALL_QUERIES}
    per: dict[str, list[int]] = {}
    for query, (hit, total) in found.items():
        acc = per.setdefault(category[query], [0, 0])
        acc[0] += hit
        acc[1] += total
    hits = sum(h for h, _ in found.values())
    total = sum(t for _, t in found.values())
    return {"recall": round(hits / total, 3), "by_category": {k: round(h / t, 3) for k, (h, t) in per.items()},
            "by_query": {q: f"{h}/{t}" for q, (h, t) in found.items()}}


# -- SQLite FTS5 (unicode61), the same units ----------------------------------------------------

LABEL_FACETS = (("theme", "themes"), ("company", "companies"), ("case", "case_ids"), ("sector", "sectors"))


def build_fts(path: Path, units: list[Any]) -> dict[str, Any]:
    """Load the units into SQLite FTS5 with the unicode61 tokenizer; time and size."""
    started = time.perf_counter()
    db = sqlite3.connect(path)
    db.executescript("""
        CREATE TABLE units (rowid INTEGER PRIMARY KEY, id TEXT, parent TEXT, kind TEXT, year INT, date TEXT,
                            active INT, title TEXT, content TEXT, meta TEXT);
        CREATE TABLE labels (unit INT, facet TEXT, value TEXT);
        CREATE VIRTUAL TABLE fts USING fts5(title, content, content='units', content_rowid='rowid',
                                            tokenize='unicode61');
    """)
    with db:
        for n, u in enumerate(units, 1):
            db.execute("INSERT INTO units VALUES (?,?,?,?,?,?,?,?,?,?)",
                       (n, u.id, u.parent, u.kind, u.year, u.date, int(u.active), u.title, u.content,
                        json.dumps(u.meta(), ensure_ascii=False, default=str)))
            db.executemany("INSERT INTO labels VALUES (?,?,?)",
                           [(n, facet, v) for facet, attr in LABEL_FACETS for v in set(getattr(u, attr))])
        db.execute("INSERT INTO fts (rowid, title, content) SELECT rowid, title, content FROM units")
        db.execute("CREATE INDEX labels_by_value ON labels (facet, value, unit)")
        db.execute("CREATE INDEX labels_by_unit ON labels (unit)")
    db.close()
    return {"seconds": round(time.perf_counter() - started, 2), "size_bytes": path.stat().st_size}


def fts_search(db: sqlite3.Connection, query: Query, taxonomy: Any, limit: int = 10) -> dict[str, Any]:
    """One FTS5 search with per-video/case collapse, snippets of the top groups and facet counts."""
    where, params = ["u.active = 1"], []
    for name, value in query.filters:
        if name == "year":
            where.append("u.year BETWEEN ? AND ?")
            params += list(value)
        elif name == "kind":
            where.append("u.kind = ?")
            params.append(value)
        else:
            canonical = taxonomy.canonical(name, value) if name in ("company", "theme", "sector") else value
            where.append("u.rowid IN (SELECT unit FROM labels WHERE facet = ? AND value = ?)")
            params += [name, canonical]
    if query.match is not None:
        source = "(SELECT rowid, rank FROM fts WHERE fts MATCH ?) h JOIN units u ON u.rowid = h.rowid"
        params = [query.match, *params]
        rank = "h.rank"
    else:
        source, rank = "units u", "0"
    db.execute("DELETE FROM best")
    # The best hit of each group: SQLite returns the row that holds MIN() for bare columns.
    db.execute(f"INSERT INTO best SELECT CASE WHEN u.kind = 'note' THEN u.id ELSE u.parent END, u.rowid, "
               f"MIN({rank}), COUNT(*) FROM {source} WHERE {' AND '.join(where)} "
               f"GROUP BY CASE WHEN u.kind = 'note' THEN u.id ELSE u.parent END", params)
    total = db.execute("SELECT COUNT(*) FROM best").fetchone()[0]
    top = db.execute("SELECT grp, unit, hits FROM best ORDER BY score LIMIT ?", (limit,)).fetchall()
    results = []
    for grp, unit, hits in top:
        if query.match is not None:
            row = db.execute("SELECT snippet(fts, 1, '«', '»', '…', 24) FROM fts WHERE fts MATCH ? AND rowid = ?",
                             (query.match, unit)).fetchone()
        else:
            row = db.execute("SELECT substr(content, 1, 200) FROM units WHERE rowid = ?", (unit,)).fetchone()
        meta = db.execute("SELECT meta FROM units WHERE rowid = ?", (unit,)).fetchone()[0]
        results.append({"group": grp, "snippet": row[0] if row else "", "meta": json.loads(meta),
                        "more": max(0, hits - 1)})
    facets: dict[str, dict[str, int]] = {}
    for facet, value, count in db.execute(
            "SELECT l.facet, l.value, COUNT(*) FROM best b JOIN labels l ON l.unit = b.unit "
            "GROUP BY l.facet, l.value ORDER BY COUNT(*) DESC"):
        facets.setdefault(facet, {})[value] = count
    facets["year"] = dict(db.execute("SELECT u.year, COUNT(*) FROM best b JOIN units u ON u.rowid = b.unit "
                                     "WHERE u.year IS NOT NULL GROUP BY u.year ORDER BY 2 DESC").fetchall())
    facets["kind"] = dict(db.execute("SELECT u.kind, COUNT(*) FROM best b JOIN units u ON u.rowid = b.unit "
                                     "GROUP BY u.kind ORDER BY 2 DESC").fetchall())
    return {"total": total, "results": results, "facets": facets}


def open_fts(path: Path) -> sqlite3.Connection:
    """A connection to the FTS5 database with the scratch table the searches use."""
    db = sqlite3.connect(path)
    db.execute("CREATE TEMP TABLE best (grp TEXT, unit INT, score REAL, hits INT)")
    return db


def time_fts(path: Path, queries: list[Query], taxonomy: Any) -> dict[str, Any]:
    """FTS5 latency over the query set (a new connection per query, as a CLI would; one warm-up pass)."""
    for query in queries:
        with open_fts(path) as db:
            fts_search(db, query, taxonomy)
    samples, by_kind = [], {}
    for query in queries:
        started = time.perf_counter()
        db = open_fts(path)
        fts_search(db, query, taxonomy)
        db.close()
        elapsed = time.perf_counter() - started
        samples.append(elapsed)
        by_kind.setdefault(query.kind, []).append(elapsed)
    return {**percentiles(samples), "by_kind_p95_ms": {k: percentiles(v)["p95_ms"] for k, v in by_kind.items()}}


def recall_fts(path: Path, corpus: Corpus, taxonomy: Any) -> dict[str, Any]:
    """Recall@50 (groups) of FTS5 unicode61 on the planted queries, typed as a user would."""
    found: dict[str, tuple[int, int]] = {}
    db = open_fts(path)
    for rq in RECALL_QUERIES:
        match = rq.query if rq.query.startswith('"') else _q(rq.query)
        out = fts_search(db, Query("recall", rq.query, match), taxonomy, limit=RECALL_K)
        keys = {r["group"] for r in out["results"]}
        found[rq.query] = (len(keys & corpus.relevant[rq.query]), len(corpus.relevant[rq.query]))
    db.close()
    return summarise_recall(found)


# -- the run -------------------------------------------------------------------------------------


@dataclass
class Report:
    """Every figure of one benchmark run."""

    scale: str
    machine: dict[str, Any] = field(default_factory=dict)
    corpus: dict[str, Any] = field(default_factory=dict)
    harvest: dict[str, Any] = field(default_factory=dict)
    build: dict[str, Any] = field(default_factory=dict)
    incremental: dict[str, Any] = field(default_factory=dict)
    queries: dict[str, Any] = field(default_factory=dict)
    cli: dict[str, Any] = field(default_factory=dict)
    fts5: dict[str, Any] = field(default_factory=dict)
    recall: dict[str, Any] = field(default_factory=dict)


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next((int(line.split()[1]) // 1024 // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), 0)
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": mem, "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version, "date": time.strftime("%Y-%m-%d")}


def run(scale_name: str, data: Path, log: Any = print, cli_runs: int = CLI_RUNS) -> Report:
    """Generate the corpus in ``data`` (empty) and measure everything; the report."""
    from index.service import taxonomy_for
    from index.sources import load_sources
    from index.units import make_units

    scale = SCALES[scale_name]
    report = Report(scale=scale_name, machine=machine())
    data.mkdir(parents=True, exist_ok=True)
    taxonomy_path = data / "taxonomy.toml"
    settings = Settings(data_dir=data, taxonomy=taxonomy_path)
    env = _env(taxonomy_path)

    log(f"[bench] generating scale {scale_name} in {data}")
    started = time.perf_counter()
    channels: list[Any] = []
    corpus = corpus_mod.generate(data, scale, lambda chans: corpus_mod.harvest_videos(settings, chans),
                                 channels_out=channels)
    taxonomy_path.write_text(corpus_mod.taxonomy_toml(corpus), encoding="utf-8")
    report.harvest = corpus.harvest
    report.corpus = {"cases": len(corpus.cases), "videos": len(corpus.videos),
                     "passages_planned": corpus.passages_written,
                     "generate_seconds": round(time.perf_counter() - started, 1)}

    log("[bench] full build")
    built = run_measured(_cli(data, "index", "--rebuild"), env)
    units = _units_of(built["stdout"])
    report.build = {"seconds": round(built["seconds"], 1), "units": units,
                    "units_per_s": round(units / built["seconds"]), "tree_peak_rss_mb": built["tree_peak_rss"] >> 20,
                    "index_mb": round(_index_size(data) / 2**20, 1), "output": built["stdout"].strip()}

    log("[bench] changing 1% and updating")
    changed = corpus_mod.change_one_percent(data, corpus, channels)
    corpus_mod.harvest_videos(settings, channels, full=True)
    updated = run_measured(_cli(data, "index"), env)
    report.incremental = {"changed_items": changed, "seconds": round(updated["seconds"], 1),
                          "ratio_to_full": round(updated["seconds"] / built["seconds"], 3),
                          "tree_peak_rss_mb": updated["tree_peak_rss"] >> 20, "output": updated["stdout"].strip()}

    log("[bench] queries")
    queries = make_queries(corpus, Words(random.Random(9)))
    report.queries = time_ours(settings, queries)
    cli_times = []
    for n in range(cli_runs):
        cli_times.append(run_measured(_cli(data, "search", queries[n * 7].text), env)["seconds"])
    report.cli = {"runs": cli_runs, "median_s": round(statistics.median(cli_times), 3),
                  "max_s": round(max(cli_times), 3), "queries": [queries[n * 7].text for n in range(cli_runs)]}

    log("[bench] SQLite FTS5 (unicode61)")
    taxonomy = taxonomy_for(settings, taxonomy_path)
    started = time.perf_counter()
    units_list, _links = make_units(load_sources(settings, taxonomy), taxonomy)
    parse_seconds = time.perf_counter() - started
    fts_path = data / "fts5.sqlite"
    fts_build = build_fts(fts_path, units_list)
    report.fts5 = {"build_insert_seconds": fts_build["seconds"], "parse_seconds": round(parse_seconds, 1),
                   "build_seconds_with_parse": round(fts_build["seconds"] + parse_seconds, 1),
                   "size_mb": round(fts_build["size_bytes"] / 2**20, 1),
                   "queries": time_fts(fts_path, queries, taxonomy)}
    report.recall = {"k": RECALL_K, "ours": recall_ours(settings, corpus),
                     "fts5": recall_fts(fts_path, corpus, taxonomy)}
    ours, theirs = report.recall["ours"]["recall"], report.recall["fts5"]["recall"]
    report.recall["ratio"] = round(ours / theirs, 2) if theirs else None
    return report


def table(report: Report) -> str:
    """The figures as one Markdown table, with each target."""
    b, i, q, c, f, r, h = (report.build, report.incremental, report.queries, report.cli, report.fts5,
                           report.recall, report.harvest)
    fq = f["queries"]
    rows = [
        ("corpus", f"{report.corpus['cases']} cases, {report.corpus['videos']} videos, {b['units']} units", ""),
        ("full build", f"{b['seconds']} s, {b['units_per_s']} units/s", "< 600 s at L"),
        ("full build peak RSS (process tree)", f"{b['tree_peak_rss_mb']} MB", "< 1,536 MB"),
        ("index size on disk", f"{b['index_mb']} MB", ""),
        ("incremental after 1% change", f"{i['seconds']} s = {i['ratio_to_full'] * 100:.1f}% of full", "< 5%"),
        ("query p50 / p95 / p99 (ours)", f"{q['p50_ms']} / {q['p95_ms']} / {q['p99_ms']} ms", "p95 < 150 ms"),
        ("query p50 / p95 / p99 (FTS5)", f"{fq['p50_ms']} / {fq['p95_ms']} / {fq['p99_ms']} ms", "ours ≤ FTS5"),
        ("`casearchive search` whole process", f"median {c['median_s']} s, max {c['max_s']} s", "< 1 s"),
        ("FTS5 build (insert / with parsing)",
         f"{f['build_insert_seconds']} s / {f['build_seconds_with_parse']} s, {f['size_mb']} MB", ""),
        ("recall@50 ours / FTS5", f"{r['ours']['recall']} / {r['fts5']['recall']} (×{r['ratio']})",
         "≥ 0.9 and ≥ 1.5×"),
        ("harvest quota (units / minimum)", f"{h['units']} / {h['minimum']}", "= minimum"),
        ("harvest wall time", f"{h['seconds_per_1000']} s per 1,000 videos", ""),
    ]
    out = [f"scale {report.scale}", "", "| measure | value | target |", "|---|---|---|"]
    out += [f"| {a} | {v} | {t} |" for a, v, t in rows]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    """Command line: --scale, --json, --data (kept), --keep."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="S")
    parser.add_argument("--json", type=Path, help="write the figures as JSON to this file")
    parser.add_argument("--data", type=Path, help="data directory to generate into (must not exist; kept)")
    args = parser.parse_args(argv)
    scratch = None
    if args.data is None:
        scratch = Path(tempfile.mkdtemp(prefix=f"bench-{args.scale}-"))
        data = scratch / "data"
    else:
        if args.data.exists():
            parser.error(f"{args.data} exists; give a new folder")
        data = args.data
    try:
        report = run(args.scale, data, log=lambda m: print(m, file=sys.stderr, flush=True))
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    print(table(report))
    if args.json:
        args.json.write_text(json.dumps(report.__dict__, indent=1, ensure_ascii=False, default=str) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
