"""The library in the store: shared files and links, their bytes stored once, and full-text search.

A file's bytes live in ``library_blobs``, keyed by their sha256: the same file shared twice (by
two clusters, or again after it was removed) is stored once. They live in the database rather
than as files under ``KLYNGE_HOME/library/<hash>`` for three reasons: a dump
(:mod:`klynge.store.bulk`, which dumps every table, the files base64-encoded) and so every
backup and archive holds them with no second path to copy; an item and its bytes are written,
and erased, in one transaction, so a crash leaves neither an item without its file nor a file
no item names; and PostgreSQL deployments need no shared disk beside the database. The price is
a larger database: files are limited in size (``KLYNGE_LIBRARY_MAX_MB``).

Each item is indexed for full-text search as it is written (:mod:`klynge.store.search`): its
title, description, tags and the text inside its file. A removed item keeps its row (who
shared what, when) and leaves the index; :meth:`LibraryMixin.purge_library_items` deletes
items and the bytes no other item uses, for an erasure.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, delete, func, insert, or_, select, update

from ..errors import AccessDenied, NotFound, NothingToSearch, ValidationError
from ..i18n import t
from ..library import LibraryEntry, check_file, check_url, parse_tag
from . import schema as s
from . import search
from .access import Identity, decide, require, scope
from .engine import reading, writing
from .erasure import on_erase
from .records import now

__all__ = ["LibraryHit", "LibraryItem", "LibraryMixin", "can_remove", "reindex"]

_I = s.library_items


@dataclass(frozen=True)
class LibraryItem:
    """An item of the library as a reader sees it (never its bytes or its whole text)."""

    id: int
    cluster_id: int
    organisation_id: int | None
    organisation: str
    shared_by: str
    title: str
    description: str
    kind: str
    language: str
    licence: str
    tags: dict
    visibility: str
    url: str | None
    sha256: str | None
    filename: str | None
    media_type: str | None
    size: int | None
    searchable: bool
    unsearchable_reason: str | None
    created_at: datetime
    removed: bool

    @property
    def is_file(self) -> bool:
        return self.sha256 is not None


@dataclass(frozen=True)
class LibraryHit:
    """A search hit: the item, its rank (higher is better) and a snippet whose matches sit between
    :data:`klynge.store.search.START` and :data:`~klynge.store.search.STOP`."""

    item: LibraryItem
    rank: float
    snippet: str


def reindex(c: Connection) -> int:
    """Index every item that is not removed again, from scratch (after a load); returns how many."""
    rows = c.execute(select(_I).where(_I.c.removed_at.is_(None)).order_by(_I.c.id)).mappings()
    return search.rebuild(c, rows)


class LibraryMixin:
    """Share, find, download and remove the library's items."""

    def add_library_file(self, who: Identity, filename: str, data: bytes, entry: LibraryEntry, *,
                         max_bytes: int, organisation_id: int | None = None, cluster_id: int | None = None,
                         lang: str = "en") -> LibraryItem:
        """Check a file, store its bytes (once per content) and its text, and index it.

        Raises
        ------
        ValidationError
            The file is empty, too large, of a type the library does not take, renamed,
            protected with a password or damaged; or the cluster has it already (the message
            names the item).
        """
        cid, oid = self._library_owner(who, organisation_id, cluster_id)
        checked = check_file(filename, data, max_bytes=max_bytes, lang=lang)
        digest = hashlib.sha256(data).hexdigest()
        with writing(self.engine, who) as c:
            same = c.execute(select(_I.c.title).where(_I.c.cluster_id == cid, _I.c.sha256 == digest,
                                                      _I.c.removed_at.is_(None))).scalar()
            if same is not None:
                raise ValidationError([(t("library.file", lang), t("library.duplicate", lang, title=same))])
            if c.execute(select(s.library_blobs.c.sha256).where(s.library_blobs.c.sha256 == digest)).first() is None:
                c.execute(insert(s.library_blobs).values(sha256=digest, content=data, size=len(data),
                                                         media_type=checked.media_type, created_at=now()))
            return self._add_item(c, who, cid, oid, entry, sha256=digest, filename=checked.filename,
                                  media_type=checked.media_type, size=len(data), text=checked.text,
                                  searchable=checked.searchable, reason=checked.reason)

    def add_library_link(self, who: Identity, url: str, entry: LibraryEntry, *, organisation_id: int | None = None,
                         cluster_id: int | None = None, lang: str = "en") -> LibraryItem:
        """Share a link (http or https); it is found by its title, description and tags."""
        cid, oid = self._library_owner(who, organisation_id, cluster_id)
        url = check_url(url, lang)
        with writing(self.engine, who) as c:
            return self._add_item(c, who, cid, oid, entry, url=url, text="", searchable=True, reason=None)

    def library_item(self, who: Identity, item_id: int) -> LibraryItem:
        with reading(self.engine, who) as c:
            return self._item(c, self._readable_row(c, who, item_id))

    def library_file(self, who: Identity, item_id: int) -> tuple[str, str, bytes]:
        """The file of an item: its name, media type and bytes, for a download."""
        with reading(self.engine, who) as c:
            row = self._readable_row(c, who, item_id)
            if row["sha256"] is None:
                raise NotFound(f"library item {item_id} is a link, not a file")
            data = c.execute(select(s.library_blobs.c.content)
                             .where(s.library_blobs.c.sha256 == row["sha256"])).scalar_one()
            return row["filename"], row["media_type"], bytes(data)

    def library_items(self, who: Identity, *, limit: int = 50) -> list[LibraryItem]:
        """The newest items the caller may read, newest first."""
        with reading(self.engine, who) as c:
            q = (select(_I).where(self._readable(who), _I.c.removed_at.is_(None))
                 .order_by(_I.c.created_at.desc(), _I.c.id.desc()).limit(limit))
            return [self._item(c, row) for row in c.execute(q).mappings()]

    def search_library(self, who: Identity, query: str, *, kind: str | None = None, language: str | None = None,
                       tag: str | None = None, visibility: str | None = None, limit: int = 20,
                       lang: str = "en") -> list[LibraryHit]:
        """Items the caller may read that hold every word of ``query``, best first, with a snippet.

        Filters (each optional): ``kind``, ``language``, ``tag`` (``sdg:8``, ``theme:food``,
        ``month:3``, ``region:Oppdal``) and ``visibility``.

        Raises
        ------
        NothingToSearch
            The query holds no word to search for (empty, punctuation, only stop words).
        """
        try:
            terms = search.query_terms(query)
        except NothingToSearch:
            raise NothingToSearch(t("library.nothing_to_search", lang)) from None
        where, params = self._search_where(who, kind, language, tag, visibility)
        with reading(self.engine, who) as c:
            found = search.search(c, terms, where=where, params=params, limit=max(1, min(limit, 200)))
            if not found:
                return []
            rows = {r["id"]: r for r in c.execute(select(_I).where(_I.c.id.in_([f.item_id for f in found])))
                    .mappings()}
            return [LibraryHit(self._item(c, rows[f.item_id]), f.rank, f.snippet) for f in found]

    def remove_library_item(self, who: Identity, item_id: int) -> None:
        """Take an item out of the library (a facilitator any item, a participant their organisation's)."""
        with writing(self.engine, who) as c:
            row = c.execute(select(_I).where(_I.c.id == item_id).with_for_update()).mappings().first()
            if row is None or row["removed_at"] is not None:
                raise NotFound(f"no library item with id {item_id}")
            require(who, "remove_library", cluster_id=row["cluster_id"], organisation_id=row["organisation_id"])
            c.execute(update(_I).where(_I.c.id == item_id).values(removed_at=now(), removed_by=who.person_id,
                                                                  version=row["version"] + 1))
            search.drop(c, item_id)

    def purge_library_items(self, c: Connection, item_ids: list[int]) -> int:
        """Delete items for good, with the bytes no remaining item uses, in the caller's transaction.

        For an erasure: the caller has checked its right to erase. Returns the files deleted.
        """
        return _purge(c, item_ids)

    def library_blob_count(self, who: Identity) -> int:
        """How many distinct files the library stores (for every cluster)."""
        require(who, "admin")
        with reading(self.engine, who) as c:
            return c.execute(select(func.count()).select_from(s.library_blobs)).scalar_one()

    # -- inside ------------------------------------------------------------------------------
    def _library_owner(self, who: Identity, organisation_id: int | None, cluster_id: int | None):
        if who.is_system:
            cid = cluster_id if cluster_id is not None else who.cluster_id
            if cid is None:
                raise AccessDenied("that is not scoped to a cluster: name the cluster")
            require(who, "share_library", cluster_id=cid)
            return cid, organisation_id
        oid = organisation_id if organisation_id is not None else who.organisation_id
        require(who, "share_library", cluster_id=who.cluster_id, organisation_id=oid)
        return who.cluster_id, oid

    def _add_item(self, c: Connection, who: Identity, cid: int, oid: int | None, entry: LibraryEntry,
                  **file) -> LibraryItem:
        if oid is not None:
            owner = c.execute(select(s.organisations.c.cluster_id).where(s.organisations.c.id == oid)).scalar()
            if owner != cid:
                raise NotFound(f"no organisation with id {oid} in this cluster")
        values = entry.model_dump()
        item_id = c.execute(insert(_I).values(
            cluster_id=cid, organisation_id=oid, shared_by=who.person_id, url=file.get("url"),
            sha256=file.get("sha256"), filename=file.get("filename"), media_type=file.get("media_type"),
            size=file.get("size"), text=search.clean_text(file["text"]), searchable=file["searchable"],
            unsearchable_reason=file["reason"], version=1, created_at=now(), **values)).inserted_primary_key[0]
        search.put(c, item_id, title=entry.title, description=entry.description, body=file["text"],
                   tags=search.tags_text(entry.tags), language=entry.language)
        return self._item(c, c.execute(select(_I).where(_I.c.id == item_id)).mappings().one())

    def _readable(self, who: Identity):
        cid = scope(who, "read_library")
        if cid is None:  # the system identity, every cluster
            return _I.c.id.is_not(None)
        return or_(_I.c.cluster_id == cid, _I.c.visibility == "public")

    def _readable_row(self, c: Connection, who: Identity, item_id: int):
        row = c.execute(select(_I).where(_I.c.id == item_id)).mappings().first()
        if row is None or row["removed_at"] is not None:
            raise NotFound(f"no library item with id {item_id}")
        if row["visibility"] == "public":
            scope(who, "read_library")
        else:
            require(who, "read_library", cluster_id=row["cluster_id"])
        return row

    def _search_where(self, who: Identity, kind, language, tag, visibility) -> tuple[str, dict]:
        """The SQL condition on ``library_items i`` for a search: who may read, and the filters."""
        cid = scope(who, "read_library")
        parts, params = ["i.removed_at IS NULL"], {}
        if cid is not None:
            parts.append("(i.cluster_id = :cid OR i.visibility = 'public')")
            params["cid"] = cid
        for name, value in (("kind", kind), ("language", language), ("visibility", visibility)):
            if value:
                parts.append(f"i.{name} = :{name}")
                params[name] = value
        if tag:
            key, value = parse_tag(tag)
            parts.append(search.tag_condition(self.engine.dialect.name))
            params.update(tag_key=key, tag_value=value)
        return " AND ".join(parts), params

    def _item(self, c: Connection, row) -> LibraryItem:
        org = ""
        if row["organisation_id"] is not None:
            org = c.execute(select(s.organisations.c.name)
                            .where(s.organisations.c.id == row["organisation_id"])).scalar() or ""
        return LibraryItem(
            id=row["id"], cluster_id=row["cluster_id"], organisation_id=row["organisation_id"], organisation=org,
            shared_by=self._name(c, row["shared_by"]), title=row["title"], description=row["description"],
            kind=row["kind"], language=row["language"], licence=row["licence"], tags=row["tags"] or {},
            visibility=row["visibility"], url=row["url"], sha256=row["sha256"], filename=row["filename"],
            media_type=row["media_type"], size=row["size"], searchable=row["searchable"],
            unsearchable_reason=row["unsearchable_reason"], created_at=row["created_at"],
            removed=row["removed_at"] is not None)


def can_remove(who: Identity, item: LibraryItem) -> bool:
    """Whether ``who`` may remove ``item`` (a button shows only then)."""
    return decide(who, "remove_library", cluster_id=item.cluster_id, organisation_id=item.organisation_id)



def _purge(c: Connection, item_ids: list[int]) -> int:
    """Delete items for good, with the bytes no remaining item uses; returns the files deleted."""
    for item_id in item_ids:
        search.drop(c, item_id)
    if item_ids:
        c.execute(delete(_I).where(_I.c.id.in_(item_ids)))
    used = select(_I.c.sha256).where(_I.c.sha256.is_not(None))
    return c.execute(delete(s.library_blobs).where(s.library_blobs.c.sha256.not_in(used))).rowcount or 0


@on_erase
def _erase_uploads(c: Connection, person_id: int, remove_text: bool) -> dict:
    """An erased person's library items (files and links they shared) go, with files no one else shares."""
    ids = list(c.execute(select(_I.c.id).where(_I.c.shared_by == person_id)).scalars())
    return {"library_items_removed": len(ids), "library_files_removed": _purge(c, ids)}
