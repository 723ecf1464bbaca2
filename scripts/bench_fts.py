"""SQLite FTS5 with the unicode61 tokenizer, loaded with the same units: build, search, recall."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Any

from scripts.bench_corpus import RECALL_QUERIES, Corpus
from scripts.bench_queries import RECALL_K, Query, fts_quote, percentiles, summarise_recall


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


def fts_search(db: sqlite3.Connection, query: Query, taxonomy: Any, limit: int = 10,
               facet_rows: str = "matching") -> dict[str, Any]:
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
    group = "CASE WHEN u.kind = 'note' THEN u.id ELSE u.parent END"
    db.execute("DELETE FROM hits")
    db.execute(f"INSERT INTO hits SELECT {group}, u.rowid, {rank} FROM {source} WHERE {' AND '.join(where)}", params)
    db.execute("DELETE FROM best")
    # The best hit of each group: SQLite returns the row that holds MIN() for bare columns.
    db.execute("INSERT INTO best SELECT grp, unit, MIN(score), COUNT(*) FROM hits GROUP BY grp")
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
    # As casearchive counts them: per value, the groups with a matching row that carries it
    # ("matching"); or per value, the groups whose best hit carries it ("best", lighter).
    rows, count = ("hits", "COUNT(DISTINCT r.grp)") if facet_rows == "matching" else ("best", "COUNT(*)")
    facets: dict[str, dict[str, int]] = {}
    for facet, value, n in db.execute(f"SELECT l.facet, l.value, {count} FROM {rows} r "
                                      "JOIN labels l ON l.unit = r.unit "
                                      "GROUP BY l.facet, l.value ORDER BY 3 DESC"):
        facets.setdefault(facet, {})[value] = n
    for facet in ("year", "kind"):
        facets[facet] = dict(db.execute(f"SELECT u.{facet}, {count} FROM {rows} r JOIN units u ON u.rowid = r.unit "
                                        f"WHERE u.{facet} IS NOT NULL GROUP BY u.{facet} ORDER BY 2 DESC").fetchall())
    return {"total": total, "results": results, "facets": facets}


def open_fts(path: Path) -> sqlite3.Connection:
    """A connection to the FTS5 database with the scratch table the searches use."""
    db = sqlite3.connect(path)
    db.execute("CREATE TEMP TABLE hits (grp TEXT, unit INT, score REAL)")
    db.execute("CREATE TEMP TABLE best (grp TEXT, unit INT, score REAL, hits INT)")
    return db


def time_fts(path: Path, queries: list[Query], taxonomy: Any, facet_rows: str = "matching") -> dict[str, Any]:
    """FTS5 latency over the query set (a new connection per query, as a CLI would; one warm-up pass)."""
    for query in queries:
        with open_fts(path) as db:
            fts_search(db, query, taxonomy, facet_rows=facet_rows)
    samples, by_kind = [], {}
    for query in queries:
        started = time.perf_counter()
        db = open_fts(path)
        fts_search(db, query, taxonomy, facet_rows=facet_rows)
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
        match = rq.query if rq.query.startswith('"') else fts_quote(rq.query)
        out = fts_search(db, Query("recall", rq.query, match), taxonomy, limit=RECALL_K)
        keys = {r["group"] for r in out["results"]}
        found[rq.query] = (len(keys & corpus.relevant[rq.query]), len(corpus.relevant[rq.query]))
    db.close()
    return summarise_recall(found)
