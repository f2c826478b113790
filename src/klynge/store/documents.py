"""Revisioned documents: canvases, SDG assessments and packages.

A document is a set of items keyed by a stable id (a canvas's notes, an assessment's targets,
a package's fields) kept as append-only revisions. A save names the revision it started from;
when others saved since, the store merges item by item (:func:`klynge.store.merge.merge`) and
raises :class:`~klynge.errors.Conflict` only when the same item changed on both sides. The
database allows one child per revision, so of two racing saves on the same base exactly one
lands first and the other is merged on top of it (or refused as a conflict).
"""

from __future__ import annotations

import uuid

from sqlalchemy import Connection, and_, func, insert, select
from sqlalchemy.exc import IntegrityError

from ..errors import Conflict, NotFound
from ..model import CanvasDocument, Note, Package, SdgAssessment, SdgEntry
from . import schema as s
from .access import Identity, can_see_item, require
from .engine import reading, writing
from .merge import merge
from .records import Revision, RevisionInfo, now

__all__ = ["DocumentsMixin"]

KINDS = ("canvas", "sdg", "package")
_RETRIES = 5


class DocumentsMixin:
    """Save, read, list and restore revisions of documents."""

    # -- canvases -----------------------------------------------------------------------
    def save_canvas(self, who: Identity, organisation_id: int, template: str,
                    notes: list[Note] | CanvasDocument, base: int | None) -> Revision:
        """Save a canvas's notes, made from revision ``base`` (None for a new canvas)."""
        doc = notes if isinstance(notes, CanvasDocument) else CanvasDocument(template=template, notes=notes)
        return self._save(who, "canvas", organisation_id, template, doc.items(), base)

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
        require(who, "read_documents")
        with reading(self.engine) as c:
            heads = self._heads(c, "package", who)
        result = []
        for rev in heads:
            if can_see_item(who, rev.organisation_id, rev.items) or self._takes_part(who, rev.items):
                result.append((Package.from_items(rev.items), rev))
        return result

    # -- shared -------------------------------------------------------------------------
    def history(self, who: Identity, kind: str, organisation_id: int, name: str) -> list[RevisionInfo]:
        """Every revision of a document, oldest first, with who saved it and when."""
        with reading(self.engine) as c:
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
        self._require_write(who, organisation_id)
        for _ in range(_RETRIES):
            try:
                with writing(self.engine) as c:
                    doc_id = self._document_id(c, kind, organisation_id, name)
                    old = doc_id and self._revision_row(c, doc_id, number)
                    if not old:
                        raise NotFound(f"{kind} {name} has no revision {number}")
                    head = self._revision_row(c, doc_id, None)
                    return self._append(c, who, kind, organisation_id, name, doc_id, head,
                                        old["body"], restored_from=number)
            except IntegrityError:
                continue
        raise Conflict([], ["others"], -1)

    def _save(self, who: Identity, kind: str, organisation_id: int, name: str,
              items: dict, base: int | None) -> Revision:
        for _ in range(_RETRIES):
            try:
                with writing(self.engine) as c:
                    self._require_write(who, organisation_id, c)
                    doc_id = self._document_id(c, kind, organisation_id, name)
                    if doc_id is None:
                        doc_id = c.execute(insert(s.documents).values(
                            kind=kind, organisation_id=organisation_id, name=name,
                            created_at=now())).inserted_primary_key[0]
                    head = self._revision_row(c, doc_id, None)
                    head_number = head["number"] if head else None
                    merged = False
                    if head_number is not None and base != head_number:
                        base_items = {}
                        if base is not None:
                            base_row = self._revision_row(c, doc_id, base)
                            if base_row is None:
                                raise NotFound(f"{kind} {name} has no revision {base}")
                            base_items = base_row["body"]
                        items, clashes = merge(base_items, head["body"], items)
                        if clashes:
                            raise Conflict(clashes, self._savers_since(c, doc_id, base or 0), head_number)
                        merged = True
                    rev = self._append(c, who, kind, organisation_id, name, doc_id, head, items)
                    return Revision(**{**rev.__dict__, "merged": merged})
            except IntegrityError:
                # Another save took the same parent first (PostgreSQL); merge on top of it.
                continue
        raise Conflict([], ["others"], -1)

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
        with reading(self.engine) as c:
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
            ok = can_see_item(who, organisation_id, items) or self._takes_part(who, items)
            return items if ok else {}
        return {k: v for k, v in items.items() if can_see_item(who, organisation_id, v)}

    @staticmethod
    def _takes_part(who: Identity, items: dict) -> bool:
        return any(comp.get("organisation_id") == who.organisation_id for comp in items.get("components", []))

    def _heads(self, c: Connection, kind: str, who: Identity) -> list[Revision]:
        latest = (select(s.revisions.c.document_id, func.max(s.revisions.c.number).label("n"))
                  .group_by(s.revisions.c.document_id).subquery())
        q = (select(s.documents.c.name, s.documents.c.organisation_id, s.revisions)
             .join(s.revisions, s.revisions.c.document_id == s.documents.c.id)
             .join(latest, and_(latest.c.document_id == s.revisions.c.document_id,
                                latest.c.n == s.revisions.c.number))
             .join(s.organisations, s.organisations.c.id == s.documents.c.organisation_id)
             .where(s.documents.c.kind == kind).order_by(s.documents.c.id))
        if who.cluster_id:
            q = q.where(s.organisations.c.cluster_id == who.cluster_id)
        return [Revision(r["name"], r["organisation_id"], r["number"], r["author_id"], "", r["saved_at"], r["body"])
                for r in c.execute(q).mappings()]

    def current_documents(self, who: Identity, kind: str) -> list[Revision]:
        """The current revision of every document of a kind in the caller's cluster (what they may see)."""
        require(who, "read_documents")
        with reading(self.engine) as c:
            heads = self._heads(c, kind, who)
        return [Revision(r.document, r.organisation_id, r.number, r.author_id, r.author, r.saved_at,
                         self._visible(who, kind, r.organisation_id, r.items)) for r in heads]

    def _document_id(self, c: Connection, kind: str, organisation_id: int, name: str) -> int | None:
        return c.execute(select(s.documents.c.id).where(
            s.documents.c.kind == kind, s.documents.c.organisation_id == organisation_id,
            s.documents.c.name == name)).scalar()

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

    def _require_write(self, who: Identity, organisation_id: int, c: Connection | None = None) -> None:
        if c is None:
            with reading(self.engine) as c:
                return self._require_write(who, organisation_id, c)
        cid = c.execute(select(s.organisations.c.cluster_id).where(
            s.organisations.c.id == organisation_id)).scalar()
        if cid is None:
            raise NotFound(f"no organisation with id {organisation_id}")
        require(who, "write_own", organisation_id=organisation_id, cluster_id=cid)


def _author(person_id: int | None, name: str | None) -> str:
    if person_id is None:
        return "system"
    return name or f"person {person_id} (erased)"
