"""The engine's Dutch analyzers: Whoosh's tokenizer and filters around ``index.text.analysis``.

``stemmed_analyzer()`` for ranked full-text fields (folded, stop words removed, stems, compound
parts at the compound's position when indexing); ``exact_analyzer()`` for phrase fields (folded
words only). What a word becomes is ``index.text.analysis``'s; this module only puts it into tokens.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from whoosh.analysis import Analyzer, Filter, RegexTokenizer, StopFilter, Token

from index.text.analysis import STOP_WORDS, TOKEN_PATTERN, analyse_word, fold


class FoldFilter(Filter):
    """Fold each token (NFKC, lower case, no accents, plain apostrophes)."""

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        for token in tokens:
            token.text = fold(token.text)
            yield token


class DutchStemFilter(Filter):
    """Stem each token and, when indexing, add its compound parts at the same position."""

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        for token in tokens:
            main, parts = analyse_word(token.text)
            token.text = main
            yield token
            if parts and token.mode != "query":
                for part in parts:
                    extra = token.copy()
                    extra.text = part
                    yield extra


def _tokenizer() -> RegexTokenizer:
    return RegexTokenizer(TOKEN_PATTERN)


def stemmed_analyzer() -> Analyzer:
    """Return the analyzer for ranked Dutch full-text fields (stems, no stop words, parts)."""
    # minsize=1 keeps one-character tokens such as the "5" of "5 bedrijven".
    return _tokenizer() | FoldFilter() | StopFilter(stoplist=STOP_WORDS, minsize=1) | DutchStemFilter()


def exact_analyzer() -> Analyzer:
    """Return the analyzer for exact-phrase fields (folded words, nothing removed or added)."""
    return _tokenizer() | FoldFilter()
