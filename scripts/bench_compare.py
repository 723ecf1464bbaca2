"""Compare what two benchmark runs' searches found (``scripts/bench.py --results``), e.g. two commits.

    python scripts/bench_compare.py BEFORE.json AFTER.json

Same corpus (same scale: the generator is seeded), so the same searches in the same order. Says how
many searches differ in their totals, facet counts, the groups found, their order, or only in
scores, and the largest score difference. Exit 0 when groups, order, totals and facets are all the
same (scores may differ by rounding: sums added in another order), 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def compare(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts of searches that differ, by what differs; the largest score difference of one hit."""
    if [b["query"] for b in before] != [a["query"] for a in after]:
        raise SystemExit("the two runs made different searches (another scale or generator?)")
    counts = {"searches": len(before), "totals": 0, "facets": 0, "groups": 0, "order": 0, "scores": 0}
    largest = 0.0
    for b, a in zip(before, after):
        counts["totals"] += b["total"] != a["total"]
        counts["facets"] += b["facets"] != a["facets"]
        ids_b, ids_a = [r[1] for r in b["results"]], [r[1] for r in a["results"]]
        if ids_b != ids_a:
            counts["order" if sorted(ids_b) == sorted(ids_a) else "groups"] += 1
        else:
            largest = max([largest, *(abs(x[2] - y[2]) for x, y in zip(b["results"], a["results"]))])
        counts["scores"] += [r[2] for r in b["results"]] != [r[2] for r in a["results"]]
    return {**counts, "largest_score_difference": round(largest, 5)}


def main(argv: list[str] | None = None) -> int:
    """Command line: two --results files."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    found = compare(json.loads(args.before.read_text(encoding="utf-8")),
                    json.loads(args.after.read_text(encoding="utf-8")))
    print(", ".join(f"{name} {value}" for name, value in found.items()))
    same = not (found["totals"] or found["facets"] or found["groups"] or found["order"])
    print("same results" if same else "DIFFERENT results")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
