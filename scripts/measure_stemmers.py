"""Compare Whoosh's Dutch Snowball stemmer with PyStemmer's `dutch` and `dutch_porter`.

    python scripts/measure_stemmers.py [--shared ../shared]

Prints output differences on a realistic vocabulary (the seed case, the kennisbank excerpts and
generated inflections of their words) and stemming speed in words/s, uncached and behind an
lru_cache; docs/analysis.md quotes its output.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import re
import timeit
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import Stemmer
from whoosh.lang import stemmer_for_language

from index.text import analysis
from index.text.analysis import TOKEN_PATTERN, fold
from index.engine.analyzers import stemmed_analyzer

EXAMPLES = [
    "functioneringsgesprekken", "gesprek", "gezondheidsklachten", "medewerkers", "ideeën",
    "inzetbaarheid", "bedrijven", "resultaten", "taken", "roulatie", "organisatie", "coöperatie",
]


def read_vocabulary(shared: Path) -> list[str]:
    """Return the distinct folded words of the seed and reference texts plus inflections."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(shared.glob("seed/*.txt"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted(shared.glob("reference/kennisbank/*.txt"))]
    words = {fold(w) for text in texts for w in re.findall(TOKEN_PATTERN, text) if w.isalpha()}
    # Plurals, adjective -e and diminutives, as running text has them.
    bases = [w for w in words if len(w) > 3 and w[-1] not in "ens"]
    inflected = {w + ending for w in bases for ending in ("en", "s", "e", "je")}
    return sorted(words | inflected)


def stemmers() -> dict[str, Callable[[str], str]]:
    """Return the candidate stemmers by name, each a word -> stem function."""
    return {
        "whoosh (snowball nl)": stemmer_for_language("nl"),
        "PyStemmer dutch": Stemmer.Stemmer("dutch").stemWord,
        "PyStemmer dutch_porter": Stemmer.Stemmer("dutch_porter").stemWord,
        "PyStemmer dutch_porter, no C cache": Stemmer.Stemmer("dutch_porter", 0).stemWord,
    }


def words_per_second(stem: Callable[[str], str], vocabulary: list[str], repeat: int) -> float:
    """Return the best-of-5 rate of stemming the vocabulary `repeat` times."""
    seconds = min(timeit.repeat(lambda: [stem(w) for w in vocabulary], number=repeat, repeat=5))
    return len(vocabulary) * repeat / seconds


def main() -> None:
    """Print the comparison as Markdown."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    vocabulary = read_vocabulary(args.shared)
    candidates = stemmers()
    dutch = ", ".join(a for a in Stemmer.algorithms() if "dutch" in a)
    print(f"PyStemmer {importlib.metadata.version('PyStemmer')}, algorithms: {dutch}")
    print(f"Vocabulary: {len(vocabulary)} distinct words\n")

    names = list(candidates)[:3]
    print("| word | " + " | ".join(names) + " |\n|---|" + "---|" * len(names))
    for word in EXAMPLES:
        print(f"| {word} | " + " | ".join(candidates[n](fold(word)) for n in names) + " |")
    base = candidates[names[0]]
    for name in names[1:]:
        differ = [w for w in vocabulary if candidates[name](w) != base(w)]
        print(f"\n{name} differs from whoosh on {len(differ)}/{len(vocabulary)} words, e.g. "
              + ", ".join(f"{w}: {base(w)}/{candidates[name](w)}" for w in differ[:8]))
    groups = {n: len({candidates[n](w) for w in vocabulary}) for n in names}
    print("\nDistinct stems (fewer = more conflation): " + ", ".join(f"{n} {g}" for n, g in groups.items()))

    print("\n| stemmer | uncached words/s | lru_cache words/s |\n|---|---|---|")
    for name, stem in candidates.items():
        cached = lru_cache(maxsize=None)(stem)
        print(f"| {name} | {words_per_second(stem, vocabulary, args.repeat):,.0f} "
              f"| {words_per_second(cached, vocabulary, args.repeat):,.0f} |")

    text = " ".join(vocabulary)
    analyzer = stemmed_analyzer()
    analysis.lexicon(), analysis.frequencies()  # loading the data once is not per-word cost
    for label in ("cold caches", "warm caches"):
        if label == "cold caches":
            analysis.clear_word_caches()
        start = timeit.default_timer()
        count = sum(1 for _ in analyzer(text))
        rate = len(vocabulary) / (timeit.default_timer() - start)
        print(f"\nstemmed_analyzer, {label}: {rate:,.0f} words/s ({count} tokens incl. compound parts)")


if __name__ == "__main__":
    main()
