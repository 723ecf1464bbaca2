"""Derive the compound splitter's data in index/lexicon/ from hunspell-nl and wordfreq.

Run once at development time, offline after the downloads (wordfreq is not a runtime
dependency; put it in a throw-away venv and on PYTHONPATH):

    apt-get download hunspell-nl && dpkg-deb -x hunspell-nl_*.deb /tmp/hunspell-nl
    python3 -m venv /tmp/wf && /tmp/wf/bin/pip install wordfreq==3.1.1
    PYTHONPATH=/tmp/wf/lib/python3.11/site-packages python scripts/build_lexicon.py /tmp/hunspell-nl

nl_words.txt is OpenTaal's word list (BSD-3-Clause or CC BY 3.0, at the user's choice);
nl_freq.txt holds wordfreq's Dutch frequencies (CC BY-SA 4.0); nl_short.txt the 3-letter words
chosen below (SHORT_PARTS) that may be compound parts, with their frequencies. Each licence file is written
next to its data so the attribution travels with it.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import math
import re
import shutil
from pathlib import Path

from index.text.analysis import MIN_PART, fold

DATA = Path(__file__).resolve().parent.parent / "index" / "lexicon"
# Lower-case initial only: capitalised entries are names, which are not compound parts.
_PLAIN_WORD = re.compile(r"[a-z]+")

# The 3-letter words that may be a compound part, chosen by hand from OpenTaal's 3-letter entries
# with a wordfreq Zipf of about 3.5 or more: nouns and adjectives that really make compounds
# (rug|klachten, productie|hal, bij|baan). Left out: function words, particles and prefixes
# (aan, uit, toe, mee, ver, ont, her, mis, vol, los), verbs, names, English words, abbreviations,
# and words that begin or end many words by accident (sla, gel, dia, kar, mat, kat, ham, net).
# "m": only as a modifier (bij|baan, not honing|bij), "h": only as a head (snel|weg, not
# weg|rennen), "mh": either.
SHORT_PARTS = {
    "mh": """
        aap arm bad bak bal bar bed bod bol bom bos box bus cel dag dak dal dam dek dik dok dun
        eik eis erf gas gat gif hal hek hof hok hol jas job juf kap kas kei kip kok kop koe lab
        lak lam lap las les lid lip lof mes mol man nek nul oma oog oom oor opa oud pad pak pan
        pen pet pil pin pop pot put ras rat rek rem rib rit rok rol rug ruw sap ski sok som tak
        tas til tip tol top uil uur vak vat vee vet vis vos wal web wet wit wol zak zee zon
    """,
    "m": "bij eer nep",
    "h": "weg",
}


def read_stems(dic: Path) -> set[str]:
    """Return the folded base forms of a hunspell .dic file that can be compound parts."""
    words: set[str] = set()
    lines = dic.read_text(encoding="utf-8").splitlines()[1:]  # line 1 is the entry count
    for line in lines:
        stem = line.split("/", 1)[0].strip()
        if not stem or not stem[0].islower():
            continue
        folded = fold(stem)
        if len(folded) >= MIN_PART and _PLAIN_WORD.fullmatch(folded):
            words.add(folded)
    return words


def read_short(dic: Path) -> dict[str, str]:
    """Return SHORT_PARTS as word -> roles, each checked against the hunspell .dic file."""
    entries = {fold(line.split("/", 1)[0].strip()) for line in dic.read_text(encoding="utf-8").splitlines()[1:]}
    roles = {word: role for role, words in SHORT_PARTS.items() for word in words.split()}
    unknown = sorted(set(roles) - entries)
    if unknown:
        raise SystemExit(f"SHORT_PARTS not in {dic}: {' '.join(unknown)}")
    return roles


def read_frequencies(lexicon: set[str]) -> dict[str, float]:
    """Return Zipf frequencies of the lexicon's words and of common longer words."""
    from wordfreq import get_frequency_dict  # dev-time only

    zipfs: dict[str, float] = {}
    for word, frequency in get_frequency_dict("nl", "best").items():
        folded = fold(word)
        if len(folded) < MIN_PART or not _PLAIN_WORD.fullmatch(folded):
            continue
        zipf = round(math.log10(frequency) + 9, 1)
        # Parts need their own frequency; a whole word only matters when it is long enough to
        # be split and common enough to outweigh its parts.
        if folded in lexicon or zipf >= 3.0 or (len(folded) >= 2 * MIN_PART and zipf >= 2.0):
            zipfs[folded] = max(zipfs.get(folded, 0.0), zipf)
    return zipfs


def write_notice(path: Path) -> None:
    """Write wordfreq's licence and attribution section next to the frequency data."""
    metadata = importlib.metadata.metadata("wordfreq").get_payload()  # type: ignore[attr-defined]
    section = metadata[metadata.index("## License"):metadata.index("## Citing wordfreq")]
    path.write_text(
        "nl_freq.txt is derived from wordfreq "
        f"{importlib.metadata.version('wordfreq')} (Robyn Speer, https://github.com/rspeer/wordfreq):\n"
        "Dutch word frequencies as Zipf values, folded, filtered by scripts/build_lexicon.py.\n"
        "Licence of this data: Creative Commons Attribution-ShareAlike 4.0,\n"
        "https://creativecommons.org/licenses/by-sa/4.0/\n\n" + section,
        encoding="utf-8",
    )


def main() -> None:
    """Write the lexicon and its licence file from an extracted hunspell-nl package."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, help="directory the hunspell-nl .deb was extracted to")
    args = parser.parse_args()
    dic = args.root / "usr/share/hunspell/nl.dic"
    aff = args.root / "usr/share/hunspell/nl.aff"
    copyright_file = args.root / "usr/share/doc/hunspell-nl/copyright"
    version = next(
        (line[2:].strip() for line in aff.read_text(encoding="utf-8").splitlines()
         if line.startswith("# Date and version:")),
        "unknown version",
    )
    lexicon = read_stems(dic)
    words = sorted(lexicon)
    header = (
        f"# Dutch base forms for compound splitting, derived from OpenTaal's hunspell-nl ({version})\n"
        "# by scripts/build_lexicon.py: lower-case entries only, folded, letters a-z, "
        f"at least {MIN_PART} letters.\n"
        "# Licence: BSD-3-Clause or CC BY 3.0 (OpenTaal), see OPENTAAL-LICENSE.txt.\n"
    )
    (DATA / "nl_words.txt").write_text(header + "\n".join(words) + "\n", encoding="utf-8")
    shutil.copyfile(copyright_file, DATA / "OPENTAAL-LICENSE.txt")
    zipfs = read_frequencies(lexicon)
    (DATA / "nl_freq.txt").write_text(
        "# Zipf frequencies (log10 per billion words) of Dutch words, from wordfreq "
        "(CC BY-SA 4.0, see WORDFREQ-LICENSE.txt)\n"
        + "".join(f"{word} {zipf}\n" for word, zipf in sorted(zipfs.items())),
        encoding="utf-8",
    )
    from wordfreq import zipf_frequency  # dev-time only

    (DATA / "nl_short.txt").write_text(
        "# 3-letter Dutch words that may be compound parts (scripts/build_lexicon.py SHORT_PARTS),\n"
        "# each an entry of OpenTaal's word list, with its wordfreq Zipf frequency and its role:\n"
        "# m = modifier only, h = head only, mh = either. Licences: OPENTAAL-LICENSE.txt, WORDFREQ-LICENSE.txt.\n"
        + "".join(f"{word} {round(zipf_frequency(word, 'nl'), 1)} {role}\n"
                  for word, role in sorted(read_short(dic).items())),
        encoding="utf-8",
    )
    write_notice(DATA / "WORDFREQ-LICENSE.txt")
    print(f"{len(words)} words, {len(zipfs)} frequencies -> {DATA}")


if __name__ == "__main__":
    main()
