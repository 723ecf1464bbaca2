"""The benchmark's queries: the fixed set of 100 for latency, and recall and latency summaries."""

from __future__ import annotations

import random
import statistics
from dataclasses import dataclass
from typing import Any

from scripts import bench_corpus as corpus_mod
from scripts.bench_corpus import RECALL_QUERIES, THEMES, Corpus, Words

RECALL_K = 50


@dataclass(frozen=True)
class Query:
    """One benchmark query: our query language, and the same query for FTS5 (MATCH + SQL filters)."""

    kind: str
    text: str
    match: str | None
    filters: tuple[tuple[str, Any], ...] = ()


def fts_quote(word: str) -> str:
    """A word or phrase as one quoted SQLite FTS5 string (a double quote doubled)."""
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
        queries.append(Query("word", w, fts_quote(w)))
    for n in range(15):
        a, b = rng.choice(theme_words), mid[10 + n]
        queries.append(Query("words", f"{a} {b}", f"{fts_quote(a)} {fts_quote(b)}"))
    phrases = (corpus.phrases * 10)[:10]
    for p in phrases:
        queries.append(Query("phrase", f'"{p}"', fts_quote(p)))
    for n in range(8):
        a, b = rng.choice(theme_words), mid[25 + n % 15]
        queries.append(Query("or", f"{a} OR {b}", f"{fts_quote(a)} OR {fts_quote(b)}"))
    for _ in range(7):
        a, b = rng.choice(theme_words), rng.choice(common)
        queries.append(Query("not", f"{a} -{b}", f"{fts_quote(a)} NOT {fts_quote(b)}"))
    for _ in range(7):
        w = rng.choice(theme_words)
        queries.append(Query("prefix", f"{w[:5]}*", f"{fts_quote(w[:5])} *"))
    for _ in range(5):
        w = rng.choice([t for t in theme_words if len(t) > 7])
        i = rng.randrange(1, len(w) - 1)
        typo = w[:i] + ("e" if w[i] != "e" else "a") + w[i + 1:]
        # FTS5 has no fuzzy matching: it gets the misspelled word as typed.
        queries.append(Query("fuzzy", f"{typo}~", fts_quote(typo)))
    for _ in range(5):
        c, w = rng.choice(companies), rng.choice(theme_words)
        queries.append(Query("filter company", f'{w} company:"{c}"', fts_quote(w), (("company", c),)))
    for _ in range(5):
        t, w = rng.choice(themes), rng.choice(mid)
        queries.append(Query("filter theme", f'{w} theme:"{t}"', fts_quote(w), (("theme", t),)))
    for n in range(4):
        low = 2008 + n * 3
        w = rng.choice(theme_words)
        queries.append(Query("filter year", f"{w} year:{low}..{low + 3}", fts_quote(w), (("year", (low, low + 3)),)))
    for _ in range(3):
        w = rng.choice(mid)
        queries.append(Query("filter kind", f"{w} kind:passage", fts_quote(w), (("kind", "passage"),)))
    for _ in range(3):
        s, w = rng.choice(corpus_mod.SECTORS), rng.choice(theme_words)
        queries.append(Query("filter sector", f'{w} sector:"{s}"', fts_quote(w), (("sector", s),)))
    for t in themes[:3]:
        queries.append(Query("facets only", f'theme:"{t}"', None, (("theme", t),)))
    assert len(queries) == 100, len(queries)
    return queries


def percentiles(samples: list[float]) -> dict[str, float]:
    """p50, p95, p99 and mean of latencies in seconds, as milliseconds."""
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]  # noqa: E731
    return {"p50_ms": round(pick(0.5) * 1000, 1), "p95_ms": round(pick(0.95) * 1000, 1),
            "p99_ms": round(pick(0.99) * 1000, 1), "mean_ms": round(statistics.fmean(ordered) * 1000, 1)}


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
