"""Stop words of bokmål, Swedish and English: words too common to say what members have in common.

The lists live in ``data/stopwords/`` with their sources (``SOURCES.md``): one file per
language, plus Klynge's own short list of words that name nothing in this programme's notes.
"""

from __future__ import annotations

from functools import cache

from . import resources
from .settings import LANGUAGES

__all__ = ["stop_words"]


@cache
def _read(name: str) -> frozenset[str]:
    text = resources.path("data", "stopwords", f"{name}.txt").read_text(encoding="utf-8")
    return frozenset(w.strip().lower() for w in text.splitlines() if w.strip() and not w.startswith("#"))


@cache
def stop_words(lang: str | None = None, *, own: bool = True) -> frozenset[str]:
    """The stop words of ``lang`` (nb, sv or en) with Klynge's own; of all three languages for None.

    Members write in any of the three languages whatever the report's language, so the
    cluster's tables leave out the words of all three. ``own=False`` leaves out Klynge's own
    words (``guests``, ``lokal``): a search for them is a search for something.
    """
    langs = LANGUAGES if lang is None else (lang,)
    return frozenset().union(*(_read(x) for x in langs), _read("klynge") if own else frozenset())
