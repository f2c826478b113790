"""Erasing a person: what goes, what stays under a neutral label, and the cases that need a warning or a refusal.

Erasure forgets the person's name and e-mail address, revokes their keys (which ends their
sessions), clears the name and address an attendance report gave for them and their own words
to those they invited. What they did stays, under their id only: revisions keep ``author_id``,
and names are looked up from ``people`` when read, so their work reads as by a former
participant (:data:`FORMER`).

"Text they wrote", removed only at their request (``remove_text``), per document kind:

- a canvas: each note whose current wording they wrote (the revision in which its text last
  changed is theirs) is taken out of every revision from that one on; a note is its text;
- an SDG assessment: the evidence and action texts they wrote are emptied; the scores stay,
  as the organisation's assessment;
- a package: the description, target segment and arrival texts they wrote are emptied; the
  title, parts, months and prices stay (the organisation's product);
- a supplier's answer: the reason they wrote is emptied; accepted or withdrawn stays;
- their in-kind hours: the notes they typed are emptied; the hours stay (the organisation's
  co-funding record);
- their workshop ideas and comments: the text is emptied (the board shows it as removed); the
  idea's votes, reactions, theme and merges stay, as the round's outcome.

Their name typed where the cluster names people by hand goes always, with or without
``remove_text``: a decision's ``decided_by`` that names them as typed (case and spaces aside)
names them by id instead, as a new version of the decision, and its earlier versions are
rewritten the same way (else the name would live on in the history); an imported workshop idea
whose author is their name as the file wrote it becomes theirs by id.

Texts that are the organisation's or the round's, not the person's own words, stay: maturity
answers and snapshots (the respondent is the organisation or the facilitator's programme), a
round's question and subject, and the titles of a round's themes.

Every revision stays a valid body of items (a note gone reads as a note deleted), and its
number, parent and author stay, so history and merging keep working. Profiles and offers are the
organisation's register, not text a person wrote, and stay.

Other parts register what they store about a person with :func:`on_erase` (the library removes
the person's uploads there); each step runs in the erasure's transaction.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, func, select, update

from ..errors import NotFound, Refused
from . import schema as s
from .access import Identity, require
from .engine import reading, writing
from .records import now

__all__ = ["FORMER", "TEXT_FIELDS", "ErasurePlan", "ErasureResult", "ErasureMixin", "on_erase"]

#: The author label of what an erased person wrote (the apps translate it: ``rights.former``).
FORMER = "former participant"

#: The text fields of each document kind that a person writes; None: the whole item (a canvas note).
TEXT_FIELDS: dict[str, tuple[str, ...] | None] = {
    "canvas": None,
    "sdg": ("evidence", "action"),
    "package": ("description", "target_segment", "arrival_from"),
    "answer": ("reason",),
}

#: Steps other parts add (:func:`on_erase`): ``step(c, person_id, remove_text) -> dict`` of counts.
_STEPS: list[Callable[[Connection, int, bool], dict]] = []


def on_erase(step: Callable[[Connection, int, bool], dict]) -> Callable[[Connection, int, bool], dict]:
    """Register ``step`` to run inside every erasure's transaction (usable as a decorator).

    ``step(c, person_id, remove_text)`` deletes or neutralises what its part stores about the
    person and returns counts for the audit log (``{"uploads_removed": 2}``).
    """
    if step not in _STEPS:
        _STEPS.append(step)
    return step


@dataclass(frozen=True)
class ErasurePlan:
    """What erasing a person would do, for the confirmation that names them.

    ``alone`` is true when nobody else of their organisation could sign in afterwards;
    ``last_facilitator`` when they are the cluster's only facilitator (then erasure is refused
    but from the command line); ``texts`` counts the texts ``remove_text`` would remove.
    """

    person_id: int
    name: str
    email: str
    role: str
    organisation_id: int | None
    organisation: str
    alone: bool
    last_facilitator: bool
    texts: int


@dataclass(frozen=True)
class ErasureResult:
    """What an erasure did: counts, and the organisation whose batch outputs may hold what was removed."""

    person_id: int
    organisation_id: int | None
    keys_revoked: int
    texts_removed: int
    alone: bool
    extra: dict


def _texts(kind: str, body: dict) -> dict[tuple[str, str | None], str]:
    """The texts of one revision's body, by (item, field): what a person may have written."""
    fields = TEXT_FIELDS.get(kind, ())
    if fields is None:
        return {(item, None): str(value.get("text", "")) for item, value in body.items() if isinstance(value, dict)}
    if kind == "sdg":
        return {(item, f): str(value.get(f, "")) for item, value in body.items() if isinstance(value, dict)
                for f in fields}
    return {(f, None): str(body.get(f) or "") for f in fields if f in body}


def _without(kind: str, body: dict, units: set[tuple[str, str | None]]) -> dict:
    """``body`` with the texts ``units`` removed: a canvas note taken out, any other text emptied."""
    if not units:
        return body
    body = {k: (dict(v) if isinstance(v, dict) else v) for k, v in body.items()}
    for item, field in units:
        if TEXT_FIELDS.get(kind, ()) is None:
            body.pop(item, None)
        elif field is not None:
            body[item][field] = ""
        else:
            body[item] = ""
    return body


def _fold(name: object) -> str:
    """A typed name without case or extra spaces: ``"  kari  NERGÅRD "`` and ``"Kari Nergård"`` are one."""
    return " ".join(unicodedata.normalize("NFC", str(name)).split()).casefold()


def _by_id(deciders: list, name: str, person_id: int) -> list | None:
    """``deciders`` with the typed ``name`` (folded) as ``person_id``, or None when it is not among them."""
    if not any(isinstance(d, str) and _fold(d) == name for d in deciders):
        return None
    out: list = []
    for d in deciders:
        d = person_id if isinstance(d, str) and _fold(d) == name else d
        if not (d == person_id and not isinstance(d, str) and person_id in out):
            out.append(d)
    return out


def _their_texts(c: Connection, person_id: int) -> dict[int, dict]:
    """Revision id -> the body without the texts ``person_id`` wrote, for each revision that changes.

    A text is theirs from the revision of theirs in which it took its wording, until someone
    rewords it; an empty text is no one's.
    """
    d, r = s.documents, s.revisions
    docs = c.execute(select(r.c.document_id).where(r.c.author_id == person_id).distinct()).scalars().all()
    changed: dict[int, dict] = {}
    for doc_id in docs:
        kind = c.execute(select(d.c.kind).where(d.c.id == doc_id)).scalar_one()
        if kind not in TEXT_FIELDS:
            continue
        previous: dict = {}
        theirs: set = set()
        for rev in c.execute(select(r.c.id, r.c.author_id, r.c.body).where(r.c.document_id == doc_id)
                             .order_by(r.c.number)).mappings():
            texts = _texts(kind, rev["body"] or {})
            for unit, text in texts.items():
                if text != previous.get(unit):
                    (theirs.add if rev["author_id"] == person_id and text else theirs.discard)(unit)
            previous = texts
            mine = {u for u in theirs if texts.get(u)}
            if mine:
                changed[rev["id"]] = _without(kind, rev["body"], mine)
    return changed


class ErasureMixin:
    """Plan and carry out a person's erasure."""

    def erasure_plan(self, who: Identity, person_id: int) -> ErasurePlan:
        """What erasing ``person_id`` would do (for who manages their cluster).

        Raises
        ------
        NotFound
            No such person, or they are erased already.
        """
        with reading(self.engine, who) as c:
            person = self._erasable(c, who, person_id)
            org = (c.execute(select(s.organisations.c.name).where(s.organisations.c.id == person["organisation_id"]))
                   .scalar() if person["organisation_id"] else None)
            texts = sum(1 for _ in _their_texts(c, person_id))
            return ErasurePlan(person_id=person_id, name=person["name"] or "", email=person["email"] or "",
                               role=person["role"], organisation_id=person["organisation_id"], organisation=org or "",
                               alone=self._alone(c, person), last_facilitator=self._last_facilitator(c, person),
                               texts=texts)

    def erase_person(self, who: Identity, person_id: int, *, remove_text: bool = False,
                     last_facilitator: bool = False) -> ErasureResult:
        """Forget a person's name and e-mail and revoke their keys; with ``remove_text``, remove what they wrote.

        Their open sessions end with it: the store refuses the next call of an erased person. The
        only person of an organisation may be erased (the result's ``alone`` says the organisation
        then has nobody who can sign in); the cluster's last facilitator only by the system
        identity with ``last_facilitator`` (``klynge person erase --last-facilitator``). The audit
        log records the erasure in the same transaction, by ids only.

        Raises
        ------
        Refused
            The person is the cluster's last facilitator (key ``rights.erase.last_facilitator``).
        NotFound
            No such person, or they are erased already.
        """
        with writing(self.engine, who) as c:
            person = self._erasable(c, who, person_id)
            if self._last_facilitator(c, person) and not (who.is_system and last_facilitator):
                raise Refused("", "this is the cluster's last facilitator: invite another facilitator first, or "
                                  f"erase from the command line: klynge person erase {person_id} --last-facilitator",
                              "rights.erase.last_facilitator", id=person_id)
            alone = self._alone(c, person)
            named = self._name_to_id(c, who, person)
            texts = _their_texts(c, person_id) if remove_text else {}
            for revision_id, body in texts.items():
                c.execute(update(s.revisions).where(s.revisions.c.id == revision_id).values(body=body))
            if remove_text:
                c.execute(update(s.hours).where(s.hours.c.created_by == person_id).values(note=""))
                c.execute(update(s.hours).where(s.hours.c.person_id == person_id).values(note=""))
            c.execute(update(s.people).where(s.people.c.id == person_id)
                      .values(name=None, email=None, erased_at=now()))
            keys = c.execute(update(s.keys).where(s.keys.c.person_id == person_id, s.keys.c.revoked_at.is_(None))
                             .values(revoked_at=now())).rowcount
            # an attendance report's row resolved to them keeps its minutes, not the name and address it named
            c.execute(update(s.attendance_unmatched).where(s.attendance_unmatched.c.resolved_person_id == person_id)
                      .values(name="", email=""))
            # their own words to those they invited
            c.execute(update(s.invitations).where(s.invitations.c.inviter_id == person_id).values(note=""))
            extra: dict = {}
            for step in _STEPS:
                extra.update(step(c, person_id, remove_text) or {})
            self._audit(c, who, "erase_person", cluster_id=person["cluster_id"], subject_kind="person",
                        subject_id=person_id, details={"remove_text": remove_text, "keys_revoked": keys,
                                                       "revisions_changed": len(texts), "alone": alone,
                                                       "organisation_id": person["organisation_id"], **named,
                                                       **extra})
        return ErasureResult(person_id=person_id, organisation_id=person["organisation_id"], keys_revoked=keys,
                             texts_removed=len(texts), alone=alone, extra=extra)

    def _name_to_id(self, c: Connection, who: Identity, person) -> dict:
        """Where the person's name is typed in their cluster, their id instead; counts for the audit log.

        A decision that names them among ``decided_by`` gets a new version (an editor holding the
        old one meets a conflict, not a silent return of the name), and its earlier versions in
        ``row_history`` are rewritten the same way. An imported idea whose ``author_label`` is
        their name becomes theirs by ``author_id``.
        """
        name, pid, cid = _fold(person["name"] or ""), person["id"], person["cluster_id"]
        if not name:
            return {}
        d, h, wi, wr = s.decisions, s.row_history, s.workshop_ideas, s.workshop_rounds
        changed = []
        for row in c.execute(select(d).where(d.c.cluster_id == cid).order_by(d.c.id)).mappings().all():
            deciders = _by_id(list((row["body"] or {}).get("decided_by") or []), name, pid)
            if deciders is not None:
                self._bump(c, d, "decision", row, row["version"], who, row["body"],
                           {"body": {**row["body"], "decided_by": deciders}})
                changed.append(row["id"])
        versions = 0
        for hid, body in c.execute(select(h.c.id, h.c.body).where(
                h.c.entity == "decision", h.c.entity_id.in_(select(d.c.id).where(d.c.cluster_id == cid)))).all():
            deciders = _by_id(list((body or {}).get("decided_by") or []), name, pid)
            if deciders is not None:
                c.execute(update(h).where(h.c.id == hid).values(body={**body, "decided_by": deciders}))
                versions += 1
        ideas = [x for x, label in c.execute(select(wi.c.id, wi.c.author_label).select_from(
            wi.join(wr, wr.c.id == wi.c.round_id)).where(wr.c.cluster_id == cid, wi.c.author_label.is_not(None)))
            if _fold(label) == name]
        if ideas:
            c.execute(update(wi).where(wi.c.id.in_(ideas)).values(author_id=pid, author_label=None))
        return {"decisions_named_by_id": changed, "decision_versions_named_by_id": versions,
                "imported_ideas_named_by_id": len(ideas)}

    def _erasable(self, c: Connection, who: Identity, person_id: int):
        person = c.execute(select(s.people).where(s.people.c.id == person_id)).mappings().first()
        if person is None:
            require(who, "admin")
            raise NotFound(f"no person with id {person_id}")
        require(who, "manage", cluster_id=person["cluster_id"])
        if person["erased_at"] is not None:
            raise NotFound(f"person {person_id} has been erased already")
        return person

    @staticmethod
    def _alone(c: Connection, person) -> bool:
        """Whether nobody else of the person's organisation (not erased) is left."""
        if person["organisation_id"] is None:
            return False
        p = s.people
        others = c.execute(select(func.count()).select_from(p).where(
            p.c.organisation_id == person["organisation_id"], p.c.id != person["id"], p.c.erased_at.is_(None)))
        return others.scalar_one() == 0

    @staticmethod
    def _last_facilitator(c: Connection, person) -> bool:
        if person["role"] != "facilitator":
            return False
        p = s.people
        others = c.execute(select(func.count()).select_from(p).where(
            p.c.cluster_id == person["cluster_id"], p.c.role == "facilitator", p.c.id != person["id"],
            p.c.erased_at.is_(None)))
        return others.scalar_one() == 0
