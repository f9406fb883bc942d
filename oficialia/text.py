"""Accent- and case-insensitive text for searching, the same on SQLite and PostgreSQL.

Neither database folds accents out of the box (PostgreSQL needs the `unaccent` extension,
SQLite has nothing), so the text to search is folded in Python when it is saved and the
query is folded the same way: "Construcción" and "construccion" both become "construccion".
"""

import re
import unicodedata

# Words too common to narrow a search: "licencia de construcción" looks for both nouns.
STOPWORDS = frozenset(
    {"a", "al", "con", "de", "del", "el", "en", "la", "las", "lo", "los", "o", "para", "por"}
    | {"se", "su", "sus", "un", "una", "y"}
)


def fold(text: str) -> str:
    """Lowercase, without accents or punctuation, single-spaced."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w]+", " ", bare.casefold()).split())


def search_words(query: str, *, limit: int = 8) -> list[str]:
    """The folded words of a query, without stopwords or repeats, at most `limit` of them."""
    words: list[str] = []
    for word in fold(query).split():
        if word not in STOPWORDS and word not in words:
            words.append(word)
    return words[:limit]


MASK = "[dato bloqueado]"


def mask_terms(text: str, terms: list[str]) -> str:
    """Replace every occurrence of `terms` (case-insensitive, longest first) with MASK, also
    where HTML escaping changed them."""
    from django.utils.html import escape

    variants = {v for term in terms if term for v in (term, escape(term))}
    if not variants:
        return text
    pattern = "|".join(re.escape(v) for v in sorted(variants, key=len, reverse=True))
    return re.sub(pattern, MASK, text, flags=re.IGNORECASE)


def shorten(text: str, limit: int) -> str:
    """`text` in at most `limit` characters, cut at a word boundary with an ellipsis when it
    is longer (an email subject, a notice line: never half a word)."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut and not text[limit - 1].isspace():
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.«(-") + "…"
