#!/usr/bin/env python3
"""Benchmark casearchive on a synthetic Dutch archive, side by side with SQLite FTS5 (unicode61).

    python scripts/bench.py --scale S [--json FILE] [--data DIR]

One run generates the archive (``scripts/bench_corpus.py``), harvests its videos from the local
fake Data API (quota against the minimum 1 + 2·⌈N/50⌉ per channel), builds the index with the
real ``casearchive index`` in a child process (time, units/s, peak RSS of the process tree, size
on disk), updates it after 1% of the items changed, times 100 queries of every kind through
``index.services.library.search`` and the whole ``casearchive search`` process, then loads the same units
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
from index.engine import SearchOptions  # noqa: E402
from scripts import bench_corpus as corpus_mod  # noqa: E402
from scripts.bench_corpus import RECALL_QUERIES, SCALES, Corpus, Words  # noqa: E402
from scripts.bench_fts import build_fts, recall_fts, time_fts  # noqa: E402
from scripts.bench_queries import RECALL_K, Query, make_queries, percentiles, summarise_recall  # noqa: E402

CLI_RUNS = 5


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
    from index.engine import current_generation

    live = current_generation(data)
    return sum(p.stat().st_size for p in live.iterdir() if p.is_file()) if live else 0


def _units_of(stdout: str) -> int:
    import re

    match = re.search(r"(\d+) units", stdout)
    return int(match.group(1)) if match else 0


# -- our engine ----------------------------------------------------------------------------------


def group_key(result: dict[str, Any]) -> str:
    """The group a search result stands for: video:ID or case:slug (or a note page id)."""
    if result.get("video_id"):
        return f"video:{result['video_id']}"
    return str(result["id"])


def result_record(text: str, out: dict[str, Any]) -> dict[str, Any]:
    """What one search found, for comparing two commits (--results): groups in order, scores, totals, facets."""
    return {"query": text, "total": out["total"], "facets": out.get("facets"),
            "results": [[group_key(r), r["id"], round(float(r.get("score") or 0), 5), r.get("start")]
                        for r in out["results"]]}


def time_ours(settings: Settings, queries: list[Query], records: list[dict[str, Any]]) -> dict[str, Any]:
    """Latency of index.services.library.search over the query set (after one warm-up pass)."""
    from index.services.library import search

    for query in queries:
        search(settings, query.text, SearchOptions())
    samples, by_kind, totals = [], {}, []
    for query in queries:
        started = time.perf_counter()
        out = search(settings, query.text, SearchOptions())
        elapsed = time.perf_counter() - started
        records.append(result_record(query.text, dict(out)))
        samples.append(elapsed)
        by_kind.setdefault(query.kind, []).append(elapsed)
        totals.append(out["total"])
    return {**percentiles(samples), "by_kind_p95_ms": {k: percentiles(v)["p95_ms"] for k, v in by_kind.items()},
            "median_groups": statistics.median(totals)}


def recall_ours(settings: Settings, corpus: Corpus, records: list[dict[str, Any]]) -> dict[str, Any]:
    """Recall@50 (groups) of our engine on the planted queries, overall and per category."""
    from index.services.library import search

    found: dict[str, tuple[int, int]] = {}
    for rq in RECALL_QUERIES:
        out = search(settings, rq.query, SearchOptions(limit=RECALL_K))
        records.append(result_record(rq.query, dict(out)))
        keys = {group_key(r) for r in out["results"]}
        relevant = corpus.relevant[rq.query]
        found[rq.query] = (len(keys & relevant), len(relevant))
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
    results: list[dict[str, Any]] = field(default_factory=list)  # what each search found (--results)


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
    from index.services.library import taxonomy_for
    from index.linking.sources import load_sources
    from index.linking.units import make_units

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
    report.queries = time_ours(settings, queries, report.results)
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
                   "queries": time_fts(fts_path, queries, taxonomy),
                   "queries_best_hit_facets": time_fts(fts_path, queries, taxonomy, facet_rows="best")}
    report.recall = {"k": RECALL_K, "ours": recall_ours(settings, corpus, report.results),
                     "fts5": recall_fts(fts_path, corpus, taxonomy)}
    ours, theirs = report.recall["ours"]["recall"], report.recall["fts5"]["recall"]
    report.recall["ratio"] = round(ours / theirs, 2) if theirs else None
    return report


def table(report: Report) -> str:
    """The figures as one Markdown table, with each target."""
    b, i, q, c, f, r, h = (report.build, report.incremental, report.queries, report.cli, report.fts5,
                           report.recall, report.harvest)
    fq, fb = f["queries"], f["queries_best_hit_facets"]
    rows = [
        ("corpus", f"{report.corpus['cases']} cases, {report.corpus['videos']} videos, {b['units']} units", ""),
        ("full build", f"{b['seconds']} s, {b['units_per_s']} units/s", "< 600 s at L"),
        ("full build peak RSS (process tree)", f"{b['tree_peak_rss_mb']} MB", "< 1,536 MB"),
        ("index size on disk", f"{b['index_mb']} MB", ""),
        ("incremental after 1% change", f"{i['seconds']} s = {i['ratio_to_full'] * 100:.1f}% of full", "< 5%"),
        ("query p50 / p95 / p99 (ours)", f"{q['p50_ms']} / {q['p95_ms']} / {q['p99_ms']} ms", "p95 < 150 ms"),
        ("query p50 / p95 / p99 (FTS5, the same facet counts)", f"{fq['p50_ms']} / {fq['p95_ms']} / {fq['p99_ms']} ms",
         "ours ≤ FTS5"),
        ("query p50 / p95 / p99 (FTS5, facets of each group's best hit)",
         f"{fb['p50_ms']} / {fb['p95_ms']} / {fb['p99_ms']} ms", ""),
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
    parser.add_argument("--results", type=Path,
                        help="write what each search found as JSON (compare two commits: scripts/bench_compare.py)")
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
    figures = {name: value for name, value in report.__dict__.items() if name != "results"}
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1, ensure_ascii=False, default=str) + "\n")
    if args.results:
        args.results.write_text(json.dumps(report.results, indent=0, ensure_ascii=False, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
