"""Packages as their suppliers see them: answers, whether a package is agreed, and the parts' offers.

A package (:class:`~klynge.model.Package`) is a revisioned document of the organisation that
composes it (:meth:`~klynge.store.documents.DocumentsMixin.save_package`). Every other
organisation with a part in it answers with a document of its own, of kind ``"answer"``, named
after the package (:func:`answer_name`): it accepts taking part, or withdraws with a reason, and
may accept again later. A supplier so writes only its own organisation's documents; whether it
may answer at all (it has a part, it is not the owner, it sees the package) is decided in
:mod:`klynge.store.access`. A package is agreed when every supplier other than the owner has
accepted (:func:`agreement`).

The parts' offers are read by id, deleted ones included (:meth:`PackagesMixin.package_offers`),
so a package whose offer was deleted shows that part as gone instead of dropping it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import Connection, select

from ..errors import NotFound, ValidationError
from ..model import Offer, Package, PackageAnswer
from ..validation import validate
from . import schema as s
from .access import Identity, can_see_package, require_answer
from .directory import _offer
from .engine import reading
from .records import Revision

__all__ = ["Agreement", "PackageParts", "PackagesMixin", "agreement", "answer_name"]

_NAME_MAX = 64  # the documents table's name column


def answer_name(owner_id: int, package: str) -> str:
    """The name of a supplier's answer document to package ``package`` of organisation ``owner_id``."""
    return f"{owner_id}-{package}"


@dataclass(frozen=True)
class Agreement:
    """Where a package stands with its suppliers (every organisation with a part, but its owner).

    ``accepted`` and ``withdrawn`` hold each supplier's latest answer; ``pending`` the suppliers,
    in the parts' order, who have not answered.
    """

    owner_id: int
    suppliers: tuple[int, ...]
    accepted: dict[int, PackageAnswer] = field(default_factory=dict)
    withdrawn: dict[int, PackageAnswer] = field(default_factory=dict)
    pending: tuple[int, ...] = ()

    @property
    def agreed(self) -> bool:
        """True when there is another supplier and every one of them has accepted."""
        return bool(self.suppliers) and len(self.accepted) == len(self.suppliers)


def agreement(package: Package, owner_id: int, answers: Mapping[int, PackageAnswer]) -> Agreement:
    """The package's agreement from its suppliers' answers (answers of organisations not in it are left out)."""
    suppliers = tuple(o for o in package.suppliers() if o != owner_id)
    accepted = {o: answers[o] for o in suppliers if o in answers and answers[o].state == "accepted"}
    withdrawn = {o: answers[o] for o in suppliers if o in answers and answers[o].state == "withdrawn"}
    pending = tuple(o for o in suppliers if o not in answers)
    return Agreement(owner_id, suppliers, accepted, withdrawn, pending)


@dataclass(frozen=True)
class PackageParts:
    """The offers of a package's parts by id: ``offers`` has None for an offer that was deleted
    (or is not in the cluster); ``removed`` holds what a deleted offer was, to name the part that is gone."""

    offers: dict[int, Offer | None]
    removed: dict[int, Offer] = field(default_factory=dict)


class PackagesMixin:
    """Suppliers' answers to packages, the packages an organisation is in, and the parts' offers."""

    def answer_package(self, who: Identity, organisation_id: int, answer: PackageAnswer) -> Revision:
        """Save ``organisation_id``'s answer to a package it has a part in; returns the answer's revision.

        Raises
        ------
        ValidationError
            A withdrawal without a reason, or an answer to a revision the package does not have.
        AccessDenied
            The caller does not write ``organisation_id``'s documents, or the organisation is the
            package's owner or has no part in it.
        NotFound
            No such package.
        """
        answer = validate(PackageAnswer, answer.model_dump(), "en")
        name = answer_name(answer.owner_id, answer.package)
        if len(name) > _NAME_MAX:
            raise ValidationError([("package", f"a package name of at most {_NAME_MAX - 12} characters")])
        body = answer.model_dump(mode="json")

        def write(c: Connection, doc_id: int, head) -> Revision:
            package = self._package_head(c, who, answer.owner_id, answer.package)
            require_answer(who, organisation_id, answer.owner_id, package["body"])
            if answer.revision > package["number"]:
                raise ValidationError([("revision", f"the package has no revision {answer.revision} yet")])
            if head is not None and head["body"] == body:
                return Revision(name, organisation_id, head["number"], head["author_id"], "", head["saved_at"], body)
            return self._append(c, who, "answer", organisation_id, name, doc_id, head, body)

        return self._locked(who, "answer", organisation_id, name, write, create=True)

    def package_answers(self, who: Identity, owner_id: int, name: str) -> dict[int, PackageAnswer]:
        """The latest answer of each supplier of the package now in it, by organisation id."""
        with reading(self.engine, who) as c:
            package = self._package_head(c, who, owner_id, name)
            suppliers = set(Package.from_items(package["body"]).suppliers()) - {owner_id}
            cluster_id = self._cluster_of(c, owner_id)
            heads = self._heads(c, "answer", cluster_id, name=answer_name(owner_id, name))
        return {r.organisation_id: PackageAnswer.model_validate(r.items) for r in heads
                if r.organisation_id in suppliers}

    def agreed_packages(self, who: Identity) -> list[tuple[Package, Revision]]:
        """The packages the caller may see that count as agreed: marked finished by their owner and
        accepted by every other supplier (:func:`agreement`)."""
        return [(p, r) for p, r in self.packages(who) if p.status == "ready"
                and agreement(p, r.organisation_id, self.package_answers(who, r.organisation_id, r.document)).agreed]

    def packages_for(self, who: Identity, organisation_id: int) -> list[tuple[Package, Revision]]:
        """The packages ``organisation_id`` owns or has a part in, of those the caller may see."""
        with reading(self.engine, who) as c:
            self._require_read(c, who, organisation_id)
        return [(p, r) for p, r in self.packages(who)
                if r.organisation_id == organisation_id or organisation_id in p.suppliers()]

    def package_offers(self, who: Identity, owner_id: int, name: str) -> PackageParts:
        """The offers of the package's parts, deleted ones included, as the package's readers may see them."""
        with reading(self.engine, who) as c:
            package = Package.from_items(self._package_head(c, who, owner_id, name)["body"])
            ids = sorted({comp.offer_id for comp in package.components})
            rows = c.execute(select(s.offers).join(s.organisations).where(
                s.offers.c.id.in_(ids), s.organisations.c.cluster_id == self._cluster_of(c, owner_id))).mappings()
            found = {r["id"]: (_offer(r), r["removed_at"] is not None) for r in rows}
        return PackageParts(offers={i: None if i not in found or found[i][1] else found[i][0] for i in ids},
                            removed={i: offer for i, (offer, gone) in found.items() if gone})

    # -- helpers ---------------------------------------------------------------------------
    def _package_head(self, c: Connection, who: Identity, owner_id: int, name: str):
        """The package's current revision row, once the caller may read it; NotFound otherwise."""
        self._require_read(c, who, owner_id)
        doc_id = self._document_id(c, "package", owner_id, name)
        row = self._revision_row(c, doc_id, None) if doc_id else None
        if row is None or not can_see_package(who, owner_id, row["body"]):
            raise NotFound(f"package {name} is not shared with you")
        return row

    @staticmethod
    def _cluster_of(c: Connection, organisation_id: int) -> int:
        cid = c.execute(select(s.organisations.c.cluster_id).where(s.organisations.c.id == organisation_id)).scalar()
        if cid is None:
            raise NotFound(f"no organisation with id {organisation_id}")
        return cid
