"""Precision and recall of the company finder (``archive.organisations``) on hand-labelled text.

Two sets: the real page excerpts in the shared reference folder (labelled below, ``REFERENCE``)
and the sentences of ``tests/fixtures/companies/texts.toml``. A found name counts when its
``name_key`` is that of a labelled one (so "Neways Electronics International" matches
"Neways Electronics International N.V."). The finder runs without known names: this measures
what it finds from the structure of the text alone.

    python -m scripts.company_finder_eval [REFERENCE_DIR]
"""

from __future__ import annotations

import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from archive.organisations import find_organisations
from archive.company_names import name_key

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "companies" / "texts.toml"
REFERENCE_DIR = Path("/work/shared/reference/kennisbank")
# What each reference excerpt truly names (read by hand): companies, then other organisations.
# A journal, a programme, a project or a person is neither.
REFERENCE = {
    "01_": (["Neways", "Alfa Laval", "Photonis", "Burgerhout", "BSB Staalbouw"], ["Berenschot", "A+O Metalektro"]),
    "02_": ([], ["Nederlands Centrum voor Sociale Innovatie"]),
    "06_": ([], ["Work-In-Net", "NCSI", "EU", "ESF"]),
    "12_": ([], []),
    "16_": ([], []),
}


@dataclass
class Score:
    """Counts of found names against labelled ones."""

    found: int = 0
    right: int = 0
    labelled: int = 0

    def add(self, found: list[str], labelled: list[str]) -> list[str]:
        """Count one text; return the found names that are wrong."""
        truth = {name_key(name) for name in labelled}
        keys = {name_key(name): name for name in found}
        self.found += len(keys)
        self.labelled += len(truth)
        self.right += len(keys.keys() & truth)
        return [name for key, name in keys.items() if key not in truth]

    def line(self) -> str:
        precision = self.right / self.found if self.found else 1.0
        recall = self.right / self.labelled if self.labelled else 1.0
        return (f"precision {precision:.2f} ({self.right}/{self.found}), "
                f"recall {recall:.2f} ({self.right}/{self.labelled})")


def reference_texts(folder: Path) -> list[tuple[str, str, list[str], list[str]]]:
    """(name, text, companies, organisations) of each labelled excerpt found in ``folder``."""
    texts = []
    for path in sorted(folder.glob("*.excerpt.txt")):
        labels = next((v for k, v in REFERENCE.items() if path.name.startswith(k)), None)
        if labels is None:
            continue
        body = path.read_text(encoding="utf-8").split("-----\n", 1)[-1].rsplit("\n-----", 1)[0]
        texts.append((path.name[:3], body, *labels))
    return texts


def fixture_texts(path: Path = FIXTURES) -> list[tuple[str, str, list[str], list[str]]]:
    """(source, text, companies, organisations) of each labelled fixture sentence."""
    rows = tomllib.loads(path.read_text(encoding="utf-8"))["text"]
    return [(r["source"], r["text"], r.get("companies", []), r.get("organisations", [])) for r in rows]


def evaluate(texts: list[tuple[str, str, list[str], list[str]]], show: bool = False) -> tuple[Score, Score]:
    """The scores of companies and of organisations over the texts."""
    companies, organisations = Score(), Score()
    for name, text, true_companies, true_orgs in texts:
        found_companies, found_orgs = find_organisations([text])
        wrong = companies.add(found_companies, true_companies)
        wrong += organisations.add(found_orgs, true_orgs)
        if show and wrong:
            print(f"  {name[:40]}: wrong {wrong}")
    return companies, organisations


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else REFERENCE_DIR
    for label, texts in (("reference", reference_texts(folder)), ("fixtures", fixture_texts())):
        companies, organisations = evaluate(texts, show=True)
        print(f"{label} ({len(texts)} texts): companies {companies.line()}; organisations {organisations.line()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
