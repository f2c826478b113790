"""The library's full-text index: the engine-specific SQL, in one place.

SQLite keeps an FTS5 table, ``library_fts`` (title, description, body, tags; rowid = the item's
id), tokenised with ``unicode61`` without diacritics; SQLite has no Norwegian or Swedish stemmer,
so every query term is a prefix (``"reiseliv"*`` finds *reiselivet*). Hits are ranked by
``bm25`` (a title weighs most) and shown with ``snippet()``, made for the hits kept only.

PostgreSQL keeps ``library_search`` (item id, text search configuration, ``tsvector``) with a
GIN index; the configuration follows the item's language (``norwegian``, ``swedish``,
``english``, else ``simple``), so Norwegian and Swedish words are stemmed. The title and
description keep their positions and weights; the file's text keeps its words only (a
``tsvector`` holds at most 1 MB), and a text with more distinct words than that is indexed as far
as it fits. Hits are ranked by ``ts_rank`` and shown with ``ts_headline``.

Both tables are made by migration 0009 for their engine only and kept in step by the store's
own writes (:func:`put`, :func:`drop`, :func:`rebuild`), never by triggers. They are not in
:data:`klynge.store.schema.metadata`: a dump leaves them out and a load rebuilds them.

A query is cleaned before it reaches the engine: only its words (letters and digits) are kept,
each quoted, and stop words are dropped unless nothing else is left. FTS syntax characters,
quotes or unbalanced brackets therefore never reach the parser; a query with no word left is
:class:`~klynge.errors.NothingToSearch`. Snippets mark a match with the control characters :data:`START` and
:data:`STOP`, which the indexed text never holds (:func:`clean_text` removes them), so the
caller can escape the snippet first and add only its own highlight marks afterwards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from ..errors import NothingToSearch
from ..library import START, STOP

__all__ = ["CONFIGS", "SEARCH_TABLES", "START", "STOP", "Found", "clean_text", "create",
           "drop", "put", "query_terms", "rebuild", "remove", "search", "tag_condition",
           "tags_text"]

#: The tables (and their SQLite shadow tables) that are the index, not the schema's models.
SEARCH_TABLES = ("library_fts", "library_fts_data", "library_fts_idx", "library_fts_content",
                 "library_fts_docsize", "library_fts_config", "library_search")

#: PostgreSQL's text search configuration per item language.
CONFIGS = {"nb": "norwegian", "sv": "swedish", "en": "english"}

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WORD = re.compile(r"\w+", re.UNICODE)
_SNIPPET_BODY = 20000  # characters of a body ts_headline reads: it parses all it is given


@dataclass(frozen=True)
class Found:
    """One hit: the item's id, its rank (higher is better) and a snippet with :data:`START`/:data:`STOP` marks."""

    item_id: int
    rank: float
    snippet: str


def clean_text(value: str) -> str:
    """Text as it may be indexed: without control characters (the snippet marks among them)."""
    return _CONTROL.sub(" ", value or "")


def query_terms(query: str) -> list[str]:
    """The words of ``query`` to search for, lower-cased, stop words left out unless only they are there.

    Raises
    ------
    NothingToSearch
        When ``query`` holds no word at all.
    """
    from ..stopwords import stop_words

    words = [w.lower() for w in _WORD.findall(query or "") if w.strip("_")]
    if not words:
        raise NothingToSearch()
    stop = stop_words(own=False)
    kept = [w for w in words if w not in stop]
    if not kept:
        raise NothingToSearch()
    return list(dict.fromkeys(kept))[:16]


def _config(language: str) -> str:
    return CONFIGS.get(language, "simple")


# -- the index's tables ---------------------------------------------------------------------
def create(c: Connection) -> None:
    """Make the index for the connection's engine (migration 0009)."""
    if c.dialect.name == "sqlite":
        c.exec_driver_sql("CREATE VIRTUAL TABLE library_fts USING fts5("
                          "title, description, body, tags, tokenize = 'unicode61 remove_diacritics 2')")
    else:
        c.exec_driver_sql("CREATE TABLE library_search (item_id integer PRIMARY KEY REFERENCES library_items(id), "
                          "config regconfig NOT NULL, document tsvector NOT NULL)")
        c.exec_driver_sql("CREATE INDEX ix_library_search_document ON library_search USING gin (document)")


def remove(c: Connection) -> None:
    """Drop the index (migration 0009's downgrade)."""
    c.exec_driver_sql("DROP TABLE IF EXISTS library_fts" if c.dialect.name == "sqlite"
                      else "DROP TABLE IF EXISTS library_search")


def put(c: Connection, item_id: int, *, title: str, description: str, body: str, tags: str, language: str) -> None:
    """Index (or index again) one item."""
    values = {"id": item_id, "title": clean_text(title), "description": clean_text(description),
              "body": clean_text(body), "tags": clean_text(tags)}
    drop(c, item_id)
    if c.dialect.name == "sqlite":
        c.execute(text("INSERT INTO library_fts (rowid, title, description, body, tags) "
                       "VALUES (:id, :title, :description, :body, :tags)"), values)
        return
    # The body's words without their positions (strip): a tsvector holds at most 1 MB, and a long
    # file's positions would fill it. A body that still does not fit is indexed as far as it fits.
    sql = text(
        "INSERT INTO library_search (item_id, config, document) VALUES (:id, CAST(:config AS regconfig), "
        "setweight(to_tsvector(CAST(:config AS regconfig), :title), 'A') || "
        "setweight(to_tsvector(CAST(:config AS regconfig), :description), 'B') || "
        "strip(to_tsvector(CAST(:config AS regconfig), :body)) || "
        "setweight(to_tsvector('simple', :tags), 'B'))")
    values["config"] = _config(language)
    while True:
        try:
            with c.begin_nested():
                c.execute(sql, values)
            return
        except DBAPIError as exc:
            if "too long for tsvector" not in str(exc.orig) or not values["body"]:
                raise
            values["body"] = values["body"][:len(values["body"]) // 2]


def drop(c: Connection, item_id: int) -> None:
    """Take one item out of the index (it was removed, or is about to be indexed again)."""
    if c.dialect.name == "sqlite":
        c.execute(text("DELETE FROM library_fts WHERE rowid = :id"), {"id": item_id})
    else:
        c.execute(text("DELETE FROM library_search WHERE item_id = :id"), {"id": item_id})


def rebuild(c: Connection, items) -> int:
    """Empty the index and index ``items`` (mappings with id, title, description, text, tags, language)."""
    c.exec_driver_sql("DELETE FROM library_fts" if c.dialect.name == "sqlite" else "DELETE FROM library_search")
    n = 0
    for row in items:
        put(c, row["id"], title=row["title"], description=row["description"], body=row["text"],
            tags=tags_text(row["tags"]), language=row["language"])
        n += 1
    return n


def tags_text(tags: dict) -> str:
    """An item's tags as words the index holds (``sdg8 month3 food Trøndelag``)."""
    words = [f"sdg{g}" for g in tags.get("sdg", ())] + [f"month{m}" for m in tags.get("months", ())]
    return " ".join([*words, *tags.get("themes", ()), *tags.get("region", ())])


def tag_condition(dialect: str) -> str:
    """The SQL condition that item ``i`` has the tag ``:tag_value`` under ``:tag_key`` (sdg, themes, months, region)."""
    if dialect == "sqlite":
        return ("EXISTS (SELECT 1 FROM json_each(i.tags, '$.' || :tag_key) "
                "WHERE CAST(json_each.value AS TEXT) = :tag_value)")
    return ("EXISTS (SELECT 1 FROM jsonb_array_elements_text(CAST(i.tags AS jsonb) -> CAST(:tag_key AS text)) v "
            "WHERE v = :tag_value)")


# -- searching ------------------------------------------------------------------------------
def search(c: Connection, terms: list[str], *, where: str, params: dict, limit: int) -> list[Found]:
    """The items matching every term (as a word or the start of one), best first.

    ``where`` is a condition on ``library_items`` (aliased ``i``) with its ``params``: who may
    read it and the filters, built by the store from fixed column names only.
    """
    if c.dialect.name == "sqlite":
        # snippet() in the ranking query would run for every match before the sort keeps ``limit``
        # of them (most of a search's time when a word is common): the hits are ranked first, and
        # the snippets made for those only, by matching again among the ranked rows.
        sql = (f"WITH top AS MATERIALIZED (SELECT i.id, -bm25(library_fts, 10.0, 4.0, 1.0, 3.0) AS rank "
               f"FROM library_fts JOIN library_items i ON i.id = library_fts.rowid "
               f"WHERE library_fts MATCH :query AND {where} ORDER BY rank DESC, i.id LIMIT :limit) "
               f"SELECT top.id, top.rank, snippet(library_fts, -1, '{START}', '{STOP}', '…', 24) AS snippet "
               f"FROM top JOIN library_fts ON library_fts.rowid = top.id "
               f"WHERE library_fts MATCH :query ORDER BY top.rank DESC, top.id")
        query = " ".join(f'"{t}"*' for t in terms)  # the terms are words: no quote can be in them
    else:
        matches = " OR ".join(f"(s.config = '{cfg}'::regconfig AND s.document @@ to_tsquery('{cfg}', :query))"
                              for cfg in (*CONFIGS.values(), "simple"))
        sql = (f"SELECT hit.id, hit.rank, ts_headline(hit.config, "
               f"hit.title || ' — ' || hit.description || ' — ' || left(hit.text, {_SNIPPET_BODY}), "
               f"to_tsquery(hit.config, :query), 'StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=12, "
               f"MaxFragments=2, FragmentDelimiter=\" … \"') AS snippet FROM ("
               f"SELECT i.id, i.title, i.description, i.text, s.config, "
               f"ts_rank('{{0.2, 0.4, 0.7, 1.0}}', s.document, to_tsquery(s.config, :query)) AS rank "
               f"FROM library_search s JOIN library_items i ON i.id = s.item_id "
               f"WHERE ({matches}) AND {where} ORDER BY rank DESC, i.id LIMIT :limit) hit "
               f"ORDER BY hit.rank DESC, hit.id")
        query = " & ".join(f"'{t}':*" for t in terms)
    rows = c.execute(text(sql), {**params, "query": query, "limit": limit})
    return [Found(r.id, float(r.rank), r.snippet or "") for r in rows]
