"""Revisioned documents: canvases, SDG assessments and packages.

A document is a set of items keyed by a stable id (a canvas's notes, an assessment's targets,
a package's fields) kept as append-only revisions. A save names the revision it started from;
when others saved since, the store merges item by item (:func:`klynge.store.merge.merge`) and
raises :class:`~klynge.errors.Conflict` only when the same item changed on both sides. The
database allows one child per revision, so of two racing saves on the same base exactly one
lands first and the other is merged on top of it (or refused as a conflict).

A save locks its document's row first, so on PostgreSQL concurrent saves of one document queue
as they do on SQLite (whose write transactions are serial) and each merges on the head the one
before it left. Should two saves still meet on the same parent (the first save of a new
document), the loser's unique violation is caught and the merge done again, a bounded number of
times; :class:`~klynge.errors.Contended` when even that runs out.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable

from sqlalchemy import Connection, and_, func, insert, select
from sqlalchemy.exc import IntegrityError

from ..errors import Conflict, Contended, NotFound
from ..model import CanvasDocument, Note, Package, SdgAssessment, SdgEntry
from . import schema as s
from .access import Identity, can_see_item, can_see_package, require, scope
from .engine import reading, writing
from .erasure import FORMER
from .merge import merge
from .records import Revision, RevisionInfo, now

__all__ = ["DocumentsMixin"]

log = logging.getLogger(__name__)

KINDS = ("canvas", "sdg", "package", "answer")
_ATTEMPTS = 8

# The unique constraints two saves of one document meet when they race: the same parent, the
# same next number, or the same new document. Any other violation is a real error.
_RACES = ("uq_revisions_parent_id", "uq_revisions_document_id_number", "uq_documents_kind_organisation_id_name")
_RACES_SQLITE = ("revisions.parent_id", "revisions.document_id, revisions.number",
                 "documents.kind, documents.organisation_id, documents.name")


def _racing(exc: IntegrityError) -> bool:
    """Whether ``exc`` is another save of the same document that landed first."""
    name = getattr(getattr(exc.orig, "diag", None), "constraint_name", None)
    if name:
        return name in _RACES
    text = str(exc.orig)
    return text.startswith("UNIQUE constraint failed") and any(text.endswith(r) for r in _RACES_SQLITE)


class DocumentsMixin:
    """Save, read, list and restore revisions of documents."""

    # -- canvases -----------------------------------------------------------------------
    def save_canvas(self, who: Identity, organisation_id: int, template: str,
                    notes: list[Note] | CanvasDocument, base: int | None, *,
                    keep: Iterable[str] = (), keep_theirs: bool = False) -> Revision:
        """Save a canvas's notes, made from revision ``base`` (None for a new canvas).

        Notes whose ids are in ``keep`` stay as the current revision holds them. With
        ``keep_theirs``, notes changed on both sides keep the version saved since and are
        returned in :attr:`Revision.clashes`, while every other change is saved; without it they
        raise :class:`~klynge.errors.Conflict` and nothing is saved.
        """
        doc = notes if isinstance(notes, CanvasDocument) else CanvasDocument(template=template, notes=notes)
        return self._save(who, "canvas", organisation_id, template, doc.items(), base,
                          keep=keep, keep_theirs=keep_theirs)

    def canvas(self, who: Identity, organisation_id: int, template: str,
               number: int | None = None) -> tuple[CanvasDocument, Revision]:
        """The canvas at its current (or a given) revision, without notes the caller may not see."""
        rev = self._read(who, "canvas", organisation_id, template, number)
        return CanvasDocument.from_items(template, rev.items), rev

    # -- SDG assessments ----------------------------------------------------------------
    def save_sdg(self, who: Identity, organisation_id: int,
                 entries: list[SdgEntry] | SdgAssessment, base: int | None) -> Revision:
        doc = entries if isinstance(entries, SdgAssessment) else SdgAssessment(entries=entries)
        return self._save(who, "sdg", organisation_id, "sdg", doc.items(), base)

    def sdg(self, who: Identity, organisation_id: int,
            number: int | None = None) -> tuple[SdgAssessment, Revision]:
        rev = self._read(who, "sdg", organisation_id, "sdg", number)
        return SdgAssessment.from_items(rev.items), rev

    # -- packages -----------------------------------------------------------------------
    def save_package(self, who: Identity, organisation_id: int, package: Package,
                     base: int | None, name: str | None = None) -> Revision:
        """Save a package owned by ``organisation_id``; a new one gets a fresh name (its id)."""
        return self._save(who, "package", organisation_id, name or uuid.uuid4().hex[:12],
                          package.items(), base)

    def package(self, who: Identity, organisation_id: int, name: str,
                number: int | None = None) -> tuple[Package, Revision]:
        rev = self._read(who, "package", organisation_id, name, number)
        if not rev.items:
            raise NotFound(f"package {name} is not shared with you")
        return Package.from_items(rev.items), rev

    def packages(self, who: Identity) -> list[tuple[Package, Revision]]:
        """Current packages the caller may see, with the organisations they belong to."""
        cluster_id = scope(who, "read_documents")
        with reading(self.engine, who) as c:
            heads = self._heads(c, "package", cluster_id)
        result = []
        for rev in heads:
            if can_see_package(who, rev.organisation_id, rev.items):
                result.append((Package.from_items(rev.items), rev))
        return result

    # -- shared -------------------------------------------------------------------------
    def history(self, who: Identity, kind: str, organisation_id: int, name: str) -> list[RevisionInfo]:
        """Every revision of a document, oldest first, with who saved it and when."""
        with reading(self.engine, who) as c:
            self._require_read(c, who, organisation_id)
            doc_id = self._document_id(c, kind, organisation_id, name)
            if doc_id is None:
                return []
            rows = c.execute(
                select(s.revisions.c.number, s.revisions.c.author_id, s.revisions.c.saved_at,
                       s.revisions.c.restored_from, s.people.c.name)
                .outerjoin(s.people, s.people.c.id == s.revisions.c.author_id)
                .where(s.revisions.c.document_id == doc_id).order_by(s.revisions.c.number))
            return [RevisionInfo(r.number, r.author_id, _author(r.author_id, r.name), r.saved_at,
                                 r.restored_from) for r in rows]

    def restore(self, who: Identity, kind: str, organisation_id: int, name: str, number: int) -> Revision:
        """Make an old revision current again, as a new revision on top of the history."""
        def write(c: Connection, doc_id: int | None, head) -> Revision:
            old = doc_id and self._revision_row(c, doc_id, number)
            if not old:
                raise NotFound(f"{kind} {name} has no revision {number}")
            return self._append(c, who, kind, organisation_id, name, doc_id, head, old["body"], restored_from=number)

        return self._locked(who, kind, organisation_id, name, write, create=False)

    def _save(self, who: Identity, kind: str, organisation_id: int, name: str, items: dict, base: int | None,
              *, keep: Iterable[str] = (), keep_theirs: bool = False) -> Revision:
        """Merge ``items`` (made from ``base``) with what was saved since, and save the result.

        Nothing is written when the result is what the current revision already holds.
        """
        keep = set(keep)

        def write(c: Connection, doc_id: int, head) -> Revision:
            mine = dict(items)
            held = head["body"] if head else {}
            for item_id in keep:
                if item_id in held:
                    mine[item_id] = held[item_id]
                else:
                    mine.pop(item_id, None)
            head_number = head["number"] if head else None
            clashes, saved_by, merged = [], [], False
            if head_number is not None and base != head_number:
                base_items = {}
                if base is not None:
                    base_row = self._revision_row(c, doc_id, base)
                    if base_row is None:
                        raise NotFound(f"{kind} {name} has no revision {base}")
                    base_items = base_row["body"]
                mine, clashes = merge(base_items, held, mine)
                merged = True
                if clashes:
                    saved_by = self._savers_since(c, doc_id, base or 0)
                    if not keep_theirs:
                        raise Conflict(clashes, saved_by, head_number)
            if head is not None and mine == held:
                rev = Revision(name, organisation_id, head_number, head["author_id"], "", head["saved_at"], held)
            else:
                rev = self._append(c, who, kind, organisation_id, name, doc_id, head, mine)
            return Revision(**{**rev.__dict__, "merged": merged, "clashes": tuple(clashes),
                               "saved_by": tuple(saved_by)})

        return self._locked(who, kind, organisation_id, name, write, create=True)

    def _locked(self, who: Identity, kind: str, organisation_id: int, name: str,
                write: Callable[[Connection, int | None, object], Revision], *, create: bool) -> Revision:
        """Run ``write(c, document_id, head_row)`` in a write transaction holding the document's lock.

        Retried, up to a bound, when another save of the same document landed first.
        """
        for _ in range(_ATTEMPTS):
            try:
                with writing(self.engine, who) as c:
                    self._require_write(c, who, organisation_id)
                    doc_id = self._document_id(c, kind, organisation_id, name, lock=True)
                    if doc_id is None and create:
                        doc_id = c.execute(insert(s.documents).values(
                            kind=kind, organisation_id=organisation_id, name=name,
                            created_at=now())).inserted_primary_key[0]
                    head = self._revision_row(c, doc_id, None) if doc_id else None
                    return write(c, doc_id, head)
            except IntegrityError as exc:
                if not _racing(exc):
                    raise
                log.info("%s %s of organisation %s: another save landed first, merging again",
                         kind, name, organisation_id)
        raise Contended(_ATTEMPTS)

    def _append(self, c: Connection, who: Identity, kind: str, organisation_id: int, name: str,
                doc_id: int, head, items: dict, restored_from: int | None = None) -> Revision:
        number = (head["number"] + 1) if head else 1
        moment = now()
        c.execute(insert(s.revisions).values(
            document_id=doc_id, number=number, parent_id=head["id"] if head else None,
            author_id=who.person_id, saved_at=moment, restored_from=restored_from, body=items))
        return Revision(name, organisation_id, number, who.person_id, who.name or "system", moment, items)

    def _read(self, who: Identity, kind: str, organisation_id: int, name: str,
              number: int | None) -> Revision:
        with reading(self.engine, who) as c:
            self._require_read(c, who, organisation_id)
            doc_id = self._document_id(c, kind, organisation_id, name)
            row = self._revision_row(c, doc_id, number) if doc_id else None
            if row is None:
                if number is not None:
                    raise NotFound(f"{kind} {name} has no revision {number}")
                return Revision(name, organisation_id, 0, None, "", None, {})
            author = _author(row["author_id"], c.execute(
                select(s.people.c.name).where(s.people.c.id == row["author_id"])).scalar())
        items = self._visible(who, kind, organisation_id, row["body"])
        return Revision(name, organisation_id, row["number"], row["author_id"], author, row["saved_at"], items)

    def _visible(self, who: Identity, kind: str, organisation_id: int, items: dict) -> dict:
        if kind == "package":
            return items if can_see_package(who, organisation_id, items) else {}
        if kind == "answer":  # a supplier's own; others read it through package_answers, which asks about the package
            return items if can_see_item(who, organisation_id, {"visibility": "private"}) else {}
        return {k: v for k, v in items.items() if can_see_item(who, organisation_id, v)}

    def _heads(self, c: Connection, kind: str, cluster_id: int | None, name: str | None = None) -> list[Revision]:
        """The current revision of every document of a kind (and ``name``), of one cluster (None: every cluster)."""
        latest = (select(s.revisions.c.document_id, func.max(s.revisions.c.number).label("n"))
                  .group_by(s.revisions.c.document_id).subquery())
        q = (select(s.documents.c.name, s.documents.c.organisation_id, s.revisions)
             .join(s.revisions, s.revisions.c.document_id == s.documents.c.id)
             .join(latest, and_(latest.c.document_id == s.revisions.c.document_id,
                                latest.c.n == s.revisions.c.number))
             .join(s.organisations, s.organisations.c.id == s.documents.c.organisation_id)
             .where(s.documents.c.kind == kind).order_by(s.documents.c.id))
        if cluster_id is not None:
            q = q.where(s.organisations.c.cluster_id == cluster_id)
        if name is not None:
            q = q.where(s.documents.c.name == name)
        return [Revision(r["name"], r["organisation_id"], r["number"], r["author_id"], "", r["saved_at"], r["body"])
                for r in c.execute(q).mappings()]

    def current_documents(self, who: Identity, kind: str) -> list[Revision]:
        """The current revision of every document of a kind in the caller's cluster (what they may see)."""
        cluster_id = scope(who, "read_documents")
        with reading(self.engine, who) as c:
            heads = self._heads(c, kind, cluster_id)
        return [Revision(r.document, r.organisation_id, r.number, r.author_id, r.author, r.saved_at,
                         self._visible(who, kind, r.organisation_id, r.items)) for r in heads]

    def _document_id(self, c: Connection, kind: str, organisation_id: int, name: str,
                     lock: bool = False) -> int | None:
        """The document's id; with ``lock`` its row stays locked until the transaction ends
        (PostgreSQL; SQLite's write transactions hold the whole database already)."""
        q = select(s.documents.c.id).where(
            s.documents.c.kind == kind, s.documents.c.organisation_id == organisation_id,
            s.documents.c.name == name)
        return c.execute(q.with_for_update() if lock else q).scalar()

    def _revision_row(self, c: Connection, doc_id: int, number: int | None):
        q = select(s.revisions).where(s.revisions.c.document_id == doc_id)
        q = q.where(s.revisions.c.number == number) if number is not None else q.order_by(
            s.revisions.c.number.desc()).limit(1)
        return c.execute(q).mappings().first()

    def _savers_since(self, c: Connection, doc_id: int, base: int) -> list[str]:
        rows = c.execute(select(s.revisions.c.author_id, s.people.c.name)
                         .outerjoin(s.people, s.people.c.id == s.revisions.c.author_id)
                         .where(s.revisions.c.document_id == doc_id, s.revisions.c.number > base)
                         .order_by(s.revisions.c.number))
        names = []
        for r in rows:
            name = _author(r.author_id, r.name)
            if name not in names:
                names.append(name)
        return names

    def _require_read(self, c: Connection, who: Identity, organisation_id: int) -> None:
        cid = c.execute(select(s.organisations.c.cluster_id).where(s.organisations.c.id == organisation_id)).scalar()
        if cid is None:
            raise NotFound(f"no organisation with id {organisation_id}")
        require(who, "read_documents", cluster_id=cid)

    def _require_write(self, c: Connection, who: Identity, organisation_id: int) -> None:
        cid = c.execute(select(s.organisations.c.cluster_id).where(
            s.organisations.c.id == organisation_id)).scalar()
        if cid is None:
            raise NotFound(f"no organisation with id {organisation_id}")
        require(who, "write_documents", organisation_id=organisation_id, cluster_id=cid)


def _author(person_id: int | None, name: str | None) -> str:
    if person_id is None:
        return "system"
    return name or FORMER  # erased: what they wrote reads under a neutral label
