"""The benchmark runs end to end at a tiny scale: its table's shape, quota, and recall against FTS5."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scripts.bench import main, run, table
from scripts.bench_compare import compare
from scripts.bench_corpus import RECALL_QUERIES


def test_bench_runs_at_a_tiny_scale_and_beats_fts5_on_recall(tmp_path: Path) -> None:
    report = run("T", tmp_path / "data", log=lambda message: None, cli_runs=1)
    assert report.corpus["cases"] == 4 and report.corpus["videos"] == 12
    assert report.build["units"] > 120 and report.build["index_mb"] > 0
    assert report.incremental["ratio_to_full"] > 0
    assert {"p50_ms", "p95_ms", "p99_ms"} <= report.queries.keys()
    assert {"p50_ms", "p95_ms", "p99_ms"} <= report.fts5["queries"].keys()
    assert report.harvest["units"] == report.harvest["minimum"]
    assert report.recall["ours"]["recall"] > report.recall["fts5"]["recall"]
    lines = table(report).splitlines()
    assert lines[2] == "| measure | value | target |" and len(lines) == 17
    json.dumps(report.__dict__, default=str)
    # What each search found is kept for comparing two commits: the timed queries, then recall's.
    assert [r["query"] for r in report.results[-len(RECALL_QUERIES):]] == [q.query for q in RECALL_QUERIES]
    assert any(r["results"] for r in report.results)
    same = compare(report.results, json.loads(json.dumps(report.results)))
    assert (same["groups"], same["order"], same["totals"], same["scores"]) == (0, 0, 0, 0)


def test_bench_compare_tells_order_groups_totals_and_scores_apart() -> None:
    hits = [["video:a", "video:a", 2.0, None], ["case:b", "case:b", 1.5, None]]
    before = [{"query": "x", "total": 2, "facets": {}, "results": hits}] * 4
    after = [{"query": "x", "total": 2, "facets": {}, "results": hits[::-1]},
             {"query": "x", "total": 2, "facets": {}, "results": [hits[0], ["case:c", "case:c", 1.5, None]]},
             {"query": "x", "total": 3, "facets": {"kind": {"case": 1}}, "results": hits},
             {"query": "x", "total": 2, "facets": {}, "results": [hits[0], ["case:b", "case:b", 1.49994, None]]}]
    found = compare(before, after)
    assert (found["order"], found["groups"], found["totals"], found["facets"]) == (1, 1, 1, 1)
    assert found["largest_score_difference"] == 0.00006


def test_bench_refuses_an_existing_data_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--scale", "T", "--data", str(tmp_path)])
    assert exc.value.code == 2 and "exists" in capsys.readouterr().err
