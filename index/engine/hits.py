"""What a hit shows: its fields as a result, a snippet with the query's words marked, and the
moment of a passage where they are said."""

from __future__ import annotations

import html
from functools import lru_cache
from typing import Any, cast

from whoosh import highlight

from archive.youtube_urls import embed_url, watch_url
from index.engine.analyzers import exact_analyzer, stemmed_analyzer
from index.engine.schema import cue_texts
from index.engine.shapes import Hit

BLOCK = " · "  # where a snippet's text starts a new block: a heading, a list item, a paragraph, a video's tags
PLAIN_CHARS = 200  # a snippet without the query's words: the text's start, cut after a whole word
SNAP = 40  # at most this many characters a fragment is widened to start and end at a space (not inside a word)


class _Marks(highlight.Formatter):
    """Wrap matched words in a pair of markers (plain text) or <mark> (HTML, escaped)."""

    def __init__(self, html_out: bool) -> None:
        self.html_out = html_out
        self.between = " … "

    def _text(self, text: str) -> str:
        return html.escape(text) if self.html_out else text

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        word = self._text(highlight.get_text(text, token, replace))
        return f"<mark>{word}</mark>" if self.html_out else f"«{word}»"

    def format(self, fragments: list[Any], replace: bool = False) -> str:
        """The fragments in order, those that meet once widened to whole words joined into one: two
        that met would show the word between them twice ("Kuipers Verpakkingen Kuipers … Verpakkingen")."""
        merged: list[Any] = []
        for fragment in sorted(fragments, key=lambda f: f.startchar):
            last = merged[-1] if merged else None
            if last is not None and _word_start(fragment.text, fragment.startchar) <= \
                    _word_end(last.text, last.endchar) + 1:
                merged[-1] = highlight.Fragment(last.text, last.matches + fragment.matches, last.startchar,
                                                max(last.endchar, fragment.endchar))
            else:
                merged.append(fragment)
        return self.between.join(self.format_fragment(f, replace=replace) for f in merged)

    def format_fragment(self, fragment: Any, replace: bool = False) -> str:
        text = fragment.text
        out, index = [], _word_start(text, fragment.startchar)
        for token in fragment.matches:
            if token.startchar < index:
                continue
            out.append(self._text(text[index:token.startchar]))
            out.append(self.format_token(text, token, replace))
            index = token.endchar
        end = _word_end(text, fragment.endchar)
        label = text.find(BLOCK, index, end)  # a block after the last match (a heading, tags): not glued on
        out.append(self._text(text[index:label if label >= 0 else end]))
        return "".join(out).strip(BLOCK)


def _word_start(text: str, start: int) -> int:
    """A fragment's start moved back to the space before its word: a token may begin inside one (a
    letter with a combining accent, an apostrophe, a part of a compound)."""
    space = text.rfind(" ", max(0, start - SNAP), start)
    return space + 1 if space >= 0 or start <= SNAP else start


def _word_end(text: str, end: int) -> int:
    """A fragment's end moved on to the space after its word (the text's end if that comes first)."""
    space = text.find(" ", end, end + SNAP)
    return space if space >= 0 else len(text) if len(text) - end <= SNAP else end


def one_line(text: str, blocks: bool) -> str:
    """The text on one line as a snippet shows it, each break between blocks a visible ``BLOCK`` so a
    heading, a list item or a video's tags are not glued to the sentence before them.

    With ``blocks`` every line is a block (a case's headings, paragraphs and list items, a video's
    description lines and tags line); else only blank lines part blocks and a single line break is
    where a PDF wrapped its line.
    """
    pieces: list[str] = []
    current: list[str] = []
    for line in text.splitlines():
        words = line.split()
        if blocks and words:
            pieces.append(" ".join(words))
        elif words:
            current.extend(words)
        elif current:
            pieces.append(" ".join(current))
            current = []
    if current:
        pieces.append(" ".join(current))
    # A list item's own comma or semicolon reads oddly before the separator ("(bij Neways), · invoeren").
    trimmed = [piece.rstrip(",;").rstrip() for piece in pieces[:-1]]
    return BLOCK.join([piece for piece in trimmed if piece] + pieces[-1:])


def clipped(text: str, limit: int = PLAIN_CHARS) -> str:
    """The text's start, cut at the last block's end in its second half (a sentence's end first), else
    at the last space before ``limit`` characters (never inside a word), with `` …`` when there is more."""
    if len(text) <= limit:
        return text
    ends = []  # the ends of blocks in the second half: rather cut there than leave a heading dangling
    cut = text.rfind(BLOCK, limit // 2, limit)
    while cut >= 0:
        ends.append(cut)
        cut = text.rfind(BLOCK, limit // 2, cut)
    sentences = [end for end in ends if text[end - 1] in ".!?…"]
    if ends:
        return text[:(sentences or ends)[0]].rstrip(",;:") + " …"
    cut = text.rfind(" ", 0, limit + 1)
    if cut < limit // 2:  # one very long word (an address): cut after it if it ends soon, else inside it
        after = text.find(" ", limit)
        cut = after if 0 <= after <= limit + SNAP else limit
    return text[:cut].rstrip(BLOCK + ",;:") + " …"


def _terms(query: Any, fieldname: str) -> set[str]:
    """The query's words in one field, as text."""
    found = set()
    for name, text in query.iter_all_terms():
        if name == fieldname:
            found.add(text.decode() if isinstance(text, bytes) else text)
    return found


def spoken(query: Any) -> tuple[set[str], set[str]]:
    """The query's words as a text that says them holds them: stems (of the stemmed fields, title
    and content analyse alike) and exact words, to match with ``_analyzers()`` in that order."""
    return _terms(query, "content") | _terms(query, "title"), _terms(query, "exact")


@lru_cache(maxsize=1)
def _analyzers() -> tuple[Any, Any]:
    """The stemmed and the exact analyzer, built once (each call makes its own tokens)."""
    return stemmed_analyzer(), exact_analyzer()


def make_snippet(text: str, query: Any, html_out: bool = False, blocks: bool = False) -> str:
    """The best fragments of ``text`` with the query's words marked (stemmed or exact), on one line
    (``one_line``), never cut inside a word."""
    text = one_line(text, blocks)
    fragmenter = highlight.ContextFragmenter(maxchars=220, surround=60)
    for terms, analyzer in zip(spoken(query), _analyzers()):
        if terms:
            # mode="index" makes the analyzer emit compound parts, so "roulatie" marks "taakroulatie".
            marked = highlight.highlight(text, frozenset(terms), analyzer, fragmenter, _Marks(html_out), top=2,
                                         mode="index")
            if marked:
                return marked
    plain = clipped(text)
    return html.escape(plain) if html_out else plain


def cue_start(cues: list[list[Any]], query: Any) -> float | None:
    """The start of the cue in which the query's words are said (the most of them; first on ties)."""
    stems, words = spoken(query)
    best, best_hits = None, 0
    stem_an, exact_an = _analyzers()
    for i, (start, _end, text) in enumerate(cues):
        tokens = {t.text for t in stem_an(text, mode="index")}
        exact = [t.text for t in exact_an(text)]
        hits = len(stems & tokens) + len(words & set(exact))
        if words and exact and i + 1 < len(cues) and exact[-1] in words:
            hits += 1  # a phrase that begins at the end of this cue and runs into the next
        if hits > best_hits:
            best, best_hits = float(start), hits
    return best


def hit_of(hit_fields: dict[str, Any], score: float, query: Any, html_out: bool) -> Hit:
    """A stored document as the result that shows it (the keys of ``Hit``)."""
    meta = hit_fields["meta"]
    result: dict[str, Any] = {
        "id": hit_fields["id"], "kind": hit_fields["kind"], "title": hit_fields.get("title", ""),
        # A case's and a video's lines are blocks (headings, list items, tags); a note's are a PDF's wrapped lines.
        "snippet": make_snippet(hit_fields.get("content", ""), query, html_out,
                                blocks=hit_fields["kind"] in ("case", "video")), "url": meta["url"],
        "score": round(score, 4), "case_ids": meta["case_ids"], "companies": meta["companies"],
        "themes": meta["themes"], "sectors": meta["sectors"], "year": meta["year"], "date": meta.get("date"),
        "active": meta["active"],
    }
    if "video_id" in meta:
        result["video_id"] = meta["video_id"]
        result["thumbnail"] = meta.get("thumbnail")
        result["embed"] = embed_url(meta["video_id"], 0)
    if hit_fields["kind"] == "passage":
        start = cue_start(cue_texts(hit_fields.get("content", ""), meta.get("cues") or ""), query)
        start = int(meta["start"] if start is None else start)
        result.update(start=start, end=meta.get("end"), caption=meta.get("caption"),
                      url=watch_url(meta["video_id"], start),
                      embed=embed_url(meta["video_id"], start))
    if hit_fields["kind"] == "note":
        result["page"] = meta.get("page")
        result["ocr"] = bool(meta.get("ocr"))  # the page's text was read from a scan (units.py stores it)
    if hit_fields["kind"] == "case":
        result["id"] = hit_fields["parent"]
        if meta.get("section"):
            result["section"] = meta["section"]
    if hit_fields["kind"] == "video":
        result.update(duration=meta.get("duration"), channel_title=meta.get("channel_title"))
        if not meta["active"]:
            result["inactive_reason"] = meta.get("inactive_reason")
    return cast(Hit, result)


def said_terms(query: Any) -> list[tuple[str, str]]:
    """The terms that show a document has the query's words in its own text: a passage indexes its
    video's title (so a search for the title finds it) but only what is said in ``content`` and
    ``exact``."""
    stems, words = spoken(query)
    return [("content", t) for t in sorted(stems)] + [("exact", w) for w in sorted(words)]
