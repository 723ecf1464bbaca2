"""Score the compound splitter on the hand-checked gold list, and time it on the whole lexicon.

    python scripts/measure_compounds.py [--time] [--errors]

Per boundary: a boundary is where a part after the first begins in the folded word (the hyphen and
a linking -s-, -e-, -en-, -er- belong to the part before). Precision is the share of the
boundaries the splitter makes that the gold list has, recall the share of the gold list's
boundaries it makes. Per word: a word is right when its boundaries are exactly the gold ones;
precision is the share of the words it splits that it splits right, recall the share of the
compounds it splits right. "Kept whole" is the share of the non-compounds it leaves alone.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

GOLD = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "compounds" / "gold.tsv"


@dataclass(frozen=True)
class GoldWord:
    """One line of the gold list: the word as written, its folded split, where it came from."""

    word: str
    split: str
    source: str
    block: str

    def boundaries(self) -> frozenset[int]:
        """The positions in the folded word where a part after the first begins."""
        cuts, position = set(), 0
        for piece in self.split.split("|")[:-1]:
            position += len(piece)
            cuts.add(position)
        return frozenset(cuts)


def read_gold(path: Path = GOLD) -> list[GoldWord]:
    """Read the gold list (word, split, source per line; "## block" lines; "#" comments)."""
    entries, block = [], ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            block = line[3:].strip()
        elif line.strip() and not line.startswith("#"):
            word, split, source = line.split("\t")
            entries.append(GoldWord(word, split, source, block))
    return entries


def predicted_boundaries(folded: str, parts: list[str]) -> frozenset[int]:
    """Where the splitter's parts begin in the folded word (its nested hyphen pieces included)."""
    cuts, cursor = set(), 0
    for part in parts:
        # A hyphenated word lists a piece and then that piece's own parts, which begin at or
        # after it: search from the start of the last part found, not from its end.
        found = folded.find(part, cursor)
        if found < 0:
            found = folded.find(part)
        if found > 0:
            cuts.add(found)
            cursor = found
    return frozenset(cuts)


@dataclass(frozen=True)
class Score:
    """Precision and recall per boundary and per word, and the share of non-compounds kept whole."""

    boundary_precision: float
    boundary_recall: float
    word_precision: float
    word_recall: float
    kept_whole: float
    compounds: int
    wholes: int


def score(splitter: Callable[[str], list[str]], gold: list[GoldWord]) -> tuple[Score, list[str]]:
    """Score a splitter (word -> folded parts) on the gold list; also return its errors."""
    made = right = expected = split_words = right_words = compounds = kept = 0
    errors = []
    for entry in gold:
        folded = entry.split.replace("|", "")
        guess = predicted_boundaries(folded, splitter(entry.word))
        truth = entry.boundaries()
        made, right, expected = made + len(guess), right + len(guess & truth), expected + len(truth)
        compounds += bool(truth)
        split_words += bool(guess)
        right_words += bool(guess) and guess == truth
        kept += not truth and not guess
        if guess != truth:
            shown = "|".join(folded[a:b] for a, b in zip((0, *sorted(guess)), (*sorted(guess), len(folded))))
            errors.append(f"{entry.block:12} {entry.split:35} got {shown}")
    wholes = len(gold) - compounds
    return Score(right / max(made, 1), right / max(expected, 1), right_words / max(split_words, 1),
                 right_words / max(compounds, 1), kept / max(wholes, 1), compounds, wholes), errors


def time_lexicon() -> tuple[int, float, int]:
    """Split every lexicon word once, caches cleared: (words, CPU seconds, words split)."""
    from index.text import analysis

    words = sorted(analysis.lexicon())
    analysis.frequencies(), analysis.short_parts()  # loading the data is not splitting
    analysis.clear_word_caches()
    start = time.process_time()  # CPU time: other processes share the machine
    split = sum(bool(analysis.split_compound(word)) for word in words)
    return len(words), time.process_time() - start, split


def main() -> None:
    """Print the splitter's scores on the gold list (and its errors, and its speed, if asked)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list the words split wrongly")
    parser.add_argument("--time", action="store_true", help="also time splitting the whole lexicon")
    args = parser.parse_args()
    from index.text.analysis import split_compound

    result, errors = score(split_compound, read_gold())
    print(f"{result.compounds} compounds, {result.wholes} words that must stay whole")
    print(f"boundaries: precision {result.boundary_precision:.3f}, recall {result.boundary_recall:.3f}")
    print(f"words:      precision {result.word_precision:.3f}, recall {result.word_recall:.3f}, "
          f"kept whole {result.kept_whole:.3f}")
    if args.errors:
        print("\n".join(errors))
    if args.time:
        count, seconds, split = time_lexicon()
        print(f"lexicon: {count} words in {seconds:.2f} CPU s ({count / seconds:,.0f} words/s), {split} split")


if __name__ == "__main__":
    main()
