"""The concept pipeline in the store: concepts by stage, their revisions, and ideas promoted from workshop rounds.

A concept belongs to a cluster and an owner organisation (and the person who started it). It
starts at the stage ``idea``, from an idea of a closed workshop round (:meth:`ConceptsMixin.promote_idea`,
one concept per idea) or from a title alone (:meth:`ConceptsMixin.start_concept`), and moves
forward one stage at a time (:meth:`ConceptsMixin.promote_concept`): a move that lacks a field
of the next stage is refused with every missing field named (:func:`klynge.model.concept.check_stage`).
Any stage but launched may be dropped, with a reason. Who may do what is
:func:`klynge.store.access.require_concept`.

Every write is one transaction that adds a revision (who, when, the stage, the owner and the
whole body) and moves the concept's ``version`` on with ``UPDATE ... WHERE version = base``: a
save made from a version that is no longer the newest changes no row and is a
:class:`~klynge.errors.Conflict` naming who saved in between, never an overwrite.

Erasing a person with their texts (:meth:`~klynge.store.erasure.ErasureMixin.erase_person`) empties
the text fields they wrote (:data:`TEXTS`) in every revision and in the concept as it is now; a
text someone else wrote stays, and so do the titles (the concept's name on the board).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..errors import Conflict, NotFound, Refused
from ..model.concept import ConceptBody, check_stage, next_stage
from ..validation import validate
from . import schema as s
from .access import Identity, require, require_concept, scope
from .engine import reading, writing
from .erasure import on_erase
from .live import aware
from .records import now

__all__ = ["TEXTS", "ConceptRevision", "ConceptsMixin", "PromotableIdea", "StoredConcept"]

c_, cr = s.concepts, s.concept_revisions

#: The free-text fields of a concept a person writes (``plan.what`` is ``what`` of the ``plan``).
TEXTS = ("customer", "job", "experience", "sustainability", "reason", "plan.what", "plan.how", "plan.with_whom",
         "result.testers", "result.worked", "result.failed")


def _text_of(body: dict, name: str) -> str:
    head, _, tail = name.partition(".")
    return (body.get(head) or {}).get(tail, "") if tail else body.get(head, "")


def _blank(body: dict, name: str) -> dict:
    body = {**body}
    head, _, tail = name.partition(".")
    if tail:
        body[head] = {**(body.get(head) or {}), tail: ""}
    else:
        body[head] = ""
    return body


@on_erase
def _erase_concept_texts(c: Connection, person_id: int, remove_text: bool) -> dict:
    """With ``remove_text``, the texts an erased person wrote into concepts are emptied everywhere they stand."""
    if not remove_text:
        return {}
    concepts = c.execute(select(cr.c.concept_id).where(cr.c.author_id == person_id).distinct()).scalars().all()
    removed = 0
    for concept_id in concepts:
        revisions = c.execute(select(cr.c.id, cr.c.author_id, cr.c.body).where(cr.c.concept_id == concept_id)
                              .order_by(cr.c.number)).all()
        theirs, before = set(), {}
        for _rid, author, body in revisions:  # the texts this person brought in, field by field
            for name in TEXTS:
                text = _text_of(body, name)
                if author == person_id and text and text != _text_of(before, name):
                    theirs.add((name, text))
            before = body
        rows = [(cr, rid, body) for rid, _author, body in revisions]
        rows.append((c_, concept_id, c.execute(select(c_.c.body).where(c_.c.id == concept_id)).scalar()))
        for table, row_id, body in rows:
            new = body
            for name, text in theirs:
                if _text_of(new, name) == text:
                    new = _blank(new, name)
            if new != body:
                c.execute(update(table).where(table.c.id == row_id).values(body=new))
        removed += len(theirs)
    return {"concept_texts_removed": removed}


@dataclass(frozen=True)
class StoredConcept:
    """A concept as stored now: ``version`` is the number of its newest revision."""

    id: int
    cluster_id: int
    owner_id: int
    owner: str
    owner_person: str
    stage: str
    idea_id: int | None
    body: ConceptBody
    version: int
    created_at: datetime
    updated_at: datetime
    stage_at: datetime

    @property
    def title(self) -> str:
        return self.body.title


@dataclass(frozen=True)
class ConceptRevision:
    """One revision of a concept: what was done (start, edit, promote, drop, reown), by whom and when."""

    number: int
    action: str
    stage: str
    owner_id: int
    author: str
    saved_at: datetime
    body: ConceptBody


@dataclass(frozen=True)
class PromotableIdea:
    """An idea of a closed workshop round that no concept was made of yet."""

    id: int
    text: str
    round_id: int
    question: str
    organisation: str
    votes: int


def _refuse(field: str, message: str, key: str, **values) -> Refused:
    return Refused(field, message, f"concept.error.{key}", **values)


class ConceptsMixin:
    """Start, edit, promote, drop, re-own and read the cluster's concepts."""

    # -- reading -------------------------------------------------------------------------
    def concepts(self, who: Identity) -> list[StoredConcept]:
        """Every concept of the caller's cluster, oldest first."""
        cid = scope(who, "concepts")
        with reading(self.engine, who) as c:
            q = select(c_).order_by(c_.c.id)
            if cid is not None:
                q = q.where(c_.c.cluster_id == cid)
            names = self._concept_names(c)
            return [self._concept_stored(row, names) for row in c.execute(q).mappings().all()]

    def concept(self, who: Identity, concept_id: int) -> StoredConcept:
        """One concept as it is now."""
        with reading(self.engine, who) as c:
            row = self._concept_row(c, who, concept_id)
            return self._concept_stored(row, self._concept_names(c))

    def concept_history(self, who: Identity, concept_id: int) -> list[ConceptRevision]:
        """Every revision of a concept, oldest first."""
        with reading(self.engine, who) as c:
            self._concept_row(c, who, concept_id)
            people = dict(c.execute(select(s.people.c.id, s.people.c.name)).all())
            rows = c.execute(select(cr).where(cr.c.concept_id == concept_id).order_by(cr.c.number)).mappings()
            return [ConceptRevision(number=r["number"], action=r["action"], stage=r["stage"], owner_id=r["owner_id"],
                                    author=people.get(r["author_id"]) or "" if r["author_id"] else "",
                                    saved_at=aware(r["saved_at"]), body=ConceptBody.model_validate(r["body"]))
                    for r in rows]

    def promotable_ideas(self, who: Identity) -> list[PromotableIdea]:
        """The ideas of the cluster's closed workshop rounds that have no concept yet, most votes first."""
        cid = scope(who, "concepts")
        i, r, v = s.workshop_ideas, s.workshop_rounds, s.workshop_votes
        with reading(self.engine, who) as c:
            q = (select(i.c.id, i.c.text, i.c.round_id, r.c.question, s.organisations.c.name)
                 .select_from(i.join(r, r.c.id == i.c.round_id)
                              .outerjoin(s.organisations, s.organisations.c.id == i.c.organisation_id))
                 .where(r.c.state == "closed", i.c.merged_into.is_(None), i.c.text != "",
                        i.c.id.not_in(select(c_.c.idea_id).where(c_.c.idea_id.is_not(None)))))
            if cid is not None:
                q = q.where(r.c.cluster_id == cid)
            votes: dict[int, int] = {}
            for idea_id, count in c.execute(select(v.c.idea_id, v.c.count)):
                votes[idea_id] = votes.get(idea_id, 0) + count
            found = [PromotableIdea(id=x[0], text=x[1], round_id=x[2], question=x[3], organisation=x[4] or "",
                                    votes=votes.get(x[0], 0)) for x in c.execute(q).all()]
        return sorted(found, key=lambda x: (-x.votes, x.id))

    # -- starting ------------------------------------------------------------------------
    def start_concept(self, who: Identity, body: ConceptBody, *, lang: str = "en") -> StoredConcept:
        """Start a concept of the caller's organisation at the stage ``idea``."""
        return self._concept_start(who, body, None, lang)

    def promote_idea(self, who: Identity, idea_id: int, *, lang: str = "en") -> StoredConcept:
        """Make a concept (at the stage ``idea``) of an idea of a closed workshop round; one concept per idea.

        Raises
        ------
        Refused
            The round is still open, the idea was merged into another, or a concept was made of it already.
        """
        with reading(self.engine, who) as c:
            idea = c.execute(select(s.workshop_ideas).where(s.workshop_ideas.c.id == idea_id)).mappings().first()
            rnd = c.execute(select(s.workshop_rounds).where(s.workshop_rounds.c.id == idea["round_id"])
                            ).mappings().first() if idea else None
        if idea is None or rnd is None or (who.cluster_id is not None and rnd["cluster_id"] != who.cluster_id):
            raise NotFound(f"no idea with id {idea_id}")
        if rnd["state"] != "closed":
            raise _refuse("idea", "the round of that idea is still open; promote it once the round is closed",
                          "round_open")
        if idea["merged_into"] is not None:
            raise _refuse("idea", f"that idea was merged into idea {idea['merged_into']}; promote that one",
                          "merged", idea=idea["merged_into"])
        text = " ".join(idea["text"].split())
        title = text if len(text) <= 120 else text[:119].rstrip() + "…"
        body = ConceptBody(title=title, experience=text if len(text) > 120 else "")
        return self._concept_start(who, body, idea_id, lang)

    def _concept_start(self, who: Identity, body: ConceptBody, idea_id: int | None, lang: str) -> StoredConcept:
        body = validate(ConceptBody, body.model_dump(), lang)
        owner, cid = who.organisation_id, who.cluster_id
        require_concept(who, cid, owner or 0, ())  # a participant, for their own organisation
        if owner is None:  # the system identity has no organisation to own it
            raise _refuse("owner", "a concept is started by a member organisation's participant", "no_owner")
        moment = now()
        try:
            with writing(self.engine, who) as c:
                self._concept_partners(c, cid, owner, body, lang)
                data = body.model_dump(mode="json")
                concept_id = c.execute(insert(c_).values(
                    cluster_id=cid, owner_id=owner, owner_person_id=who.person_id, stage="idea", idea_id=idea_id,
                    title=body.title, body=data, version=1, created_at=moment, updated_at=moment, stage_at=moment,
                )).inserted_primary_key[0]
                self._concept_revise(c, who, concept_id, 1, "start", "idea", owner, data, moment)
                return self._concept_now(c, concept_id)
        except IntegrityError:
            if idea_id is None:
                raise
            raise _refuse("idea", "a concept was made of that idea already", "promoted") from None

    # -- changing ------------------------------------------------------------------------
    def save_concept(self, who: Identity, concept_id: int, body: ConceptBody, base_version: int, *,
                     lang: str = "en") -> StoredConcept:
        """Save a concept's fields, made from ``base_version``; its stage stays.

        The fields its stage needs must stay filled in (each missing one is named).

        Raises
        ------
        Conflict
            Someone saved the concept since ``base_version``; nothing was saved.
        """
        return self._concept_change(who, concept_id, base_version, "edit", body, None, lang)

    def promote_concept(self, who: Identity, concept_id: int, base_version: int, body: ConceptBody | None = None,
                        *, lang: str = "en") -> StoredConcept:
        """Move a concept to the next stage (with ``body``'s fields, when given, saved in the same revision).

        Raises
        ------
        ValidationError
            A field the next stage needs is empty: each one is named, in ``lang``.
        Refused
            The concept is launched or dropped: nothing follows.
        Conflict
            Someone saved the concept since ``base_version``.
        """
        return self._concept_change(who, concept_id, base_version, "promote", body, "next", lang)

    def drop_concept(self, who: Identity, concept_id: int, reason: str, base_version: int, *,
                     lang: str = "en") -> StoredConcept:
        """Drop a concept at any stage but launched, with the reason (a facilitator may too)."""
        with reading(self.engine, who) as c:
            body = ConceptBody.model_validate(self._concept_row(c, who, concept_id)["body"])
        body = body.model_copy(update={"reason": (reason or "").strip()})
        return self._concept_change(who, concept_id, base_version, "drop", body, "dropped", lang)

    def reown_concept(self, who: Identity, concept_id: int, organisation_id: int, base_version: int, *,
                      lang: str = "en") -> StoredConcept:
        """Give a concept another owner organisation (a facilitator's call); it leaves the partners if it was one."""
        with writing(self.engine, who) as c:
            row = self._concept_row(c, who, concept_id)
            require(who, "steer_concepts", cluster_id=row["cluster_id"])
            if c.execute(select(s.organisations.c.cluster_id).where(
                    s.organisations.c.id == organisation_id)).scalar() != row["cluster_id"]:
                raise NotFound(f"no organisation with id {organisation_id} in this cluster")
            body = ConceptBody.model_validate(row["body"])
            body = body.model_copy(update={"partners": [p for p in body.partners if p != organisation_id]})
            data = body.model_dump(mode="json")
            moment = now()
            self._concept_bump(c, row, base_version, moment, owner_id=organisation_id, owner_person_id=None, body=data)
            self._concept_revise(c, who, concept_id, base_version + 1, "reown", row["stage"], organisation_id, data,
                                 moment)
            return self._concept_now(c, concept_id)

    def _concept_change(self, who: Identity, concept_id: int, base_version: int, action: str,
                        body: ConceptBody | None, to: str | None, lang: str) -> StoredConcept:
        with writing(self.engine, who) as c:
            row = self._concept_row(c, who, concept_id)
            current = ConceptBody.model_validate(row["body"])
            # the rights are those of the concept as it is: a member that is no partner cannot make itself one
            require_concept(who, row["cluster_id"], row["owner_id"], current.partners, drop=action == "drop")
            stage = row["stage"]
            if stage in ("launched", "dropped"):
                raise _refuse("stage", f"the concept is {stage}; nothing follows", "final",
                              stage=stage)
            new = validate(ConceptBody, (body or current).model_dump(), lang)
            target = next_stage(stage) if to == "next" else (to or stage)
            check_stage(new, target, lang)
            self._concept_partners(c, row["cluster_id"], row["owner_id"], new, lang)
            data = new.model_dump(mode="json")
            moment = now()
            values = {"body": data, "title": new.title}
            if target != stage:
                values.update(stage=target, stage_at=moment)
            self._concept_bump(c, row, base_version, moment, **values)
            self._concept_revise(c, who, concept_id, base_version + 1, action, target, row["owner_id"], data, moment)
            return self._concept_now(c, concept_id)

    # -- helpers -------------------------------------------------------------------------
    def _concept_bump(self, c: Connection, row, base_version: int, moment: datetime, **values) -> None:
        """Move the concept on from ``base_version``; a Conflict when someone saved since."""
        done = c.execute(update(c_).where(c_.c.id == row["id"], c_.c.version == base_version).values(
            version=base_version + 1, updated_at=moment, **values)).rowcount
        if done != 1:
            head = c.execute(select(c_.c.version).where(c_.c.id == row["id"])).scalar()
            author = c.execute(select(s.people.c.name).select_from(
                cr.outerjoin(s.people, s.people.c.id == cr.c.author_id)).where(
                cr.c.concept_id == row["id"], cr.c.number == head)).scalar()
            raise Conflict([], [author or ""], head)

    @staticmethod
    def _concept_revise(c: Connection, who: Identity, concept_id: int, number: int, action: str, stage: str,
                        owner_id: int, body: dict, moment: datetime) -> None:
        c.execute(insert(cr).values(concept_id=concept_id, number=number, action=action, stage=stage,
                                    owner_id=owner_id, author_id=who.person_id, saved_at=moment, body=body))

    @staticmethod
    def _concept_partners(c: Connection, cluster_id: int, owner_id: int, body: ConceptBody, lang: str) -> None:
        if not body.partners:
            return
        members = set(c.execute(select(s.organisations.c.id).where(s.organisations.c.cluster_id == cluster_id,
                                                                   s.organisations.c.id.in_(body.partners))).scalars())
        strangers = [p for p in body.partners if p not in members]
        if strangers:
            raise _refuse("partners", f"not organisations of this cluster: {strangers}", "partner_unknown")
        if owner_id in body.partners:
            raise _refuse("partners", "the owner organisation is not its own partner", "partner_owner")

    def _concept_row(self, c: Connection, who: Identity, concept_id: int):
        row = self._concept_raw(c, concept_id)
        require(who, "concepts", cluster_id=row["cluster_id"])
        return row

    @staticmethod
    def _concept_raw(c: Connection, concept_id: int):
        row = c.execute(select(c_).where(c_.c.id == concept_id)).mappings().first()
        if row is None:
            raise NotFound(f"no concept with id {concept_id}")
        return row

    def _concept_now(self, c: Connection, concept_id: int) -> StoredConcept:
        return self._concept_stored(self._concept_raw(c, concept_id), self._concept_names(c))

    @staticmethod
    def _concept_names(c: Connection) -> tuple[dict, dict]:
        return (dict(c.execute(select(s.organisations.c.id, s.organisations.c.name)).all()),
                dict(c.execute(select(s.people.c.id, s.people.c.name)).all()))

    @staticmethod
    def _concept_stored(row, names: tuple[dict, dict]) -> StoredConcept:
        orgs, people = names
        return StoredConcept(
            id=row["id"], cluster_id=row["cluster_id"], owner_id=row["owner_id"], owner=orgs.get(row["owner_id"], ""),
            owner_person=people.get(row["owner_person_id"]) or "" if row["owner_person_id"] else "",
            stage=row["stage"], idea_id=row["idea_id"], body=ConceptBody.model_validate(row["body"]),
            version=row["version"], created_at=aware(row["created_at"]), updated_at=aware(row["updated_at"]),
            stage_at=aware(row["stage_at"]))
