"""The cluster's learning log: lessons, their revisions, and the findings and options they changed.

A participant writes lessons for their own organisation (its author) and edits only those; a
facilitator writes and edits any lesson of the cluster and links lessons to the findings and
options they changed (:mod:`klynge.store.access`: ``read_lessons``, ``write_lessons``,
``link_lessons``). A lesson from a workshop round must name a closed round of the same cluster;
a lesson from a concept's test names a concept of the same cluster by its id, and is read back
with the concept's title and stage as they are now; a lesson from a round is read back with the
round's question and the day it closed (none, for either, when it is no longer in the cluster: the
reader is told so, never shown a bare id).
An edit names the version it started from and keeps the earlier one in ``row_history`` (entity
``lesson``): a stale edit is a :class:`~klynge.errors.Conflict`, never an overwrite. Every write
is one transaction.

Links name a finding and an option by their stable string ids, without a foreign key (as
decisions do): findings are remade by every batch run, and a link to one that is gone is kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Connection, delete, insert, select

from ..errors import NotFound, Refused
from ..model import Lesson, split_ref
from ..model.event import local
from . import schema as s
from .access import Identity, decide, require, scope
from .decisions import cluster_of
from .engine import reading, writing
from .live import aware
from .records import now

__all__ = ["LessonsMixin", "StoredLesson"]

ENTITY = "lesson"
#: At most this many findings and options linked to one lesson.
MAX_LINKS = 40

L, LK = s.lessons, s.lesson_links


@dataclass(frozen=True)
class StoredLesson:
    """A lesson as stored: its id, the version an edit must name, its author and what it changed.

    ``links`` are references (``"finding"`` or ``"finding#option"``); ``source`` says where it
    came from in words the store knows: a round's question with the day it closed in ``source_day``,
    or a concept's title with its stage now in ``source_stage`` (all empty when that round or concept
    is no longer in the cluster, and for none).
    """

    id: int
    lesson: Lesson
    version: int
    organisation_id: int | None
    organisation: str
    author: str
    created_at: datetime
    saved_at: datetime
    links: tuple[str, ...] = ()
    source: str = ""
    source_stage: str = ""
    source_day: date | None = None
    can_edit: bool = False


def _ref(finding_id: str, option_id: str) -> str:
    return f"{finding_id}#{option_id}" if option_id else finding_id


def _refuse(name: str, message: str, key: str, **values) -> Refused:
    return Refused(name, message, f"lesson.error.{key}", **values)


class LessonsMixin:
    """Add, revise, link and read the lessons of the learning log."""

    def add_lesson(self, who: Identity, lesson: Lesson, *, organisation_id: int | None = None,
                   cluster_id: int | None = None) -> StoredLesson:
        """Add a lesson to the caller's cluster. A participant writes for their own organisation (its author);
        a facilitator for the cluster (no organisation) or for the member named by ``organisation_id``.

        Raises
        ------
        Refused
            The lesson names a workshop round that is not a closed round of the cluster.
        """
        if who.role == "participant":
            organisation_id = who.organisation_id if organisation_id is None else organisation_id
        cid = cluster_of(who, cluster_id)
        require(who, "write_lessons", organisation_id=organisation_id, cluster_id=cid)
        moment = now()
        with writing(self.engine, who) as c:
            self._check_org(c, organisation_id, cid)
            self._check_source(c, lesson, cid)
            lid = c.execute(insert(L).values(
                cluster_id=cid, organisation_id=organisation_id, source_kind=lesson.source_kind,
                source_id=lesson.source_id, body=lesson.model_dump(mode="json"), version=1, created_at=moment,
                author_id=who.person_id, updated_at=moment, updated_by=who.person_id)).inserted_primary_key[0]
            return self._stored_lesson(c, who, self._lesson_row(c, lid))

    def revise_lesson(self, who: Identity, lesson_id: int, lesson: Lesson, base_version: int) -> StoredLesson:
        """Save an edited lesson made from ``base_version``; the version it replaces stays in the history.

        Raises
        ------
        AccessDenied
            A participant edits another organisation's lesson.
        Conflict
            Someone saved the lesson since ``base_version``; nothing was saved.
        """
        with writing(self.engine, who) as c:
            row = self._lesson_row(c, lesson_id, lock=True)
            require(who, "write_lessons", organisation_id=row["organisation_id"], cluster_id=row["cluster_id"])
            self._check_source(c, lesson, row["cluster_id"])
            self._bump(c, L, ENTITY, row, base_version, who, row["body"],
                       {"body": lesson.model_dump(mode="json"), "source_kind": lesson.source_kind,
                        "source_id": lesson.source_id})
            return self._stored_lesson(c, who, self._lesson_row(c, lesson_id))

    def link_lesson(self, who: Identity, lesson_id: int, refs: Iterable[str]) -> StoredLesson:
        """Set the findings and options the lesson changed (``"finding"`` or ``"finding#option"``), replacing the
        links it had; a link kept keeps when and by whom it was made."""
        wanted = list(dict.fromkeys(split_ref(r) for r in refs))
        if len(wanted) > MAX_LINKS:
            raise _refuse("links", f"at most {MAX_LINKS} findings and options", "too_many_links", n=MAX_LINKS)
        with writing(self.engine, who) as c:
            row = self._lesson_row(c, lesson_id, lock=True)
            require(who, "link_lessons", cluster_id=row["cluster_id"])
            have = {(f, o) for f, o in c.execute(select(LK.c.finding_id, LK.c.option_id)
                                                 .where(LK.c.lesson_id == lesson_id))}
            for finding, option in have - set(wanted):
                c.execute(delete(LK).where(LK.c.lesson_id == lesson_id, LK.c.finding_id == finding,
                                           LK.c.option_id == option))
            new = [(f, o) for f, o in wanted if (f, o) not in have]
            if new:
                c.execute(insert(LK), [{"lesson_id": lesson_id, "finding_id": f, "option_id": o, "linked_at": now(),
                                        "linked_by": who.person_id} for f, o in new])
            return self._stored_lesson(c, who, row)

    def lesson(self, who: Identity, lesson_id: int) -> StoredLesson:
        with reading(self.engine, who) as c:
            row = self._lesson_row(c, lesson_id)
            require(who, "read_lessons", cluster_id=row["cluster_id"])
            return self._stored_lesson(c, who, row)

    def lessons(self, who: Identity, *, theme: str | None = None, goal: int | None = None, month: int | None = None,
                round_id: int | None = None, finding_id: str | None = None) -> list[StoredLesson]:
        """The lessons of the caller's cluster, newest first; only those tagged ``theme``, ``goal`` and ``month``,
        from workshop round ``round_id``, or linked to ``finding_id`` (or one of its options), when given."""
        cid = scope(who, "read_lessons")
        with reading(self.engine, who) as c:
            q = select(L).order_by(L.c.created_at.desc(), L.c.id.desc())
            if cid is not None:
                q = q.where(L.c.cluster_id == cid)
            if round_id is not None:
                q = q.where(L.c.source_kind == "round", L.c.source_id == round_id)
            if finding_id is not None:
                q = q.where(L.c.id.in_(select(LK.c.lesson_id).where(LK.c.finding_id == finding_id)))
            found = [self._stored_lesson(c, who, row) for row in c.execute(q).mappings().all()]
        wanted = " ".join((theme or "").split()).casefold()
        return [x for x in found if (not wanted or wanted in x.lesson.themes)
                and (goal is None or goal in x.lesson.goals) and (month is None or month in x.lesson.months)]

    def lesson_history(self, who: Identity, lesson_id: int) -> list[StoredLesson]:
        """Every version of a lesson, oldest first, the current one last."""
        with reading(self.engine, who) as c:
            row = self._lesson_row(c, lesson_id)
            require(who, "read_lessons", cluster_id=row["cluster_id"])
            h = s.row_history
            old = c.execute(select(h).where(h.c.entity == ENTITY, h.c.entity_id == lesson_id)
                            .order_by(h.c.version)).mappings().all()
            versions = [self._stored_lesson(c, who, {**row, "body": r["body"], "version": r["version"],
                                                     "updated_at": r["saved_at"], "updated_by": r["author_id"]})
                        for r in old]
            return [*versions, self._stored_lesson(c, who, row)]

    def lesson_citations(self, who: Identity) -> list[dict]:
        """Every lesson of the cluster linked to a finding or an option, as plain data for the report, oldest first.

        Each holds ``id``, ``assumed``, ``saw``, ``change``, ``themes``, ``goals``, ``months``,
        ``source_kind``, ``source_id``, ``source`` (a round's question or a concept's title, empty when the
        round or concept is gone), ``source_stage`` (the concept's stage), ``source_day`` (the day the round
        closed, ISO; empty when gone), ``organisation``, ``created_at`` and ``links`` (references).
        """
        return [{"id": x.id, **x.lesson.model_dump(mode="json"), "source": x.source, "source_stage": x.source_stage,
                 "source_day": x.source_day.isoformat() if x.source_day else "",
                 "organisation": x.organisation, "created_at": x.created_at.isoformat(), "links": list(x.links)}
                for x in reversed(self.lessons(who)) if x.links]

    # -- helpers --------------------------------------------------------------------------
    def _check_org(self, c: Connection, organisation_id: int | None, cluster_id: int) -> None:
        if organisation_id is None:
            return
        found = c.execute(select(s.organisations.c.cluster_id).where(s.organisations.c.id == organisation_id)).scalar()
        if found != cluster_id:
            raise NotFound(f"no organisation with id {organisation_id} in this cluster")

    def _check_source(self, c: Connection, lesson: Lesson, cluster_id: int) -> None:
        """A round must be a closed round of the cluster; a concept, a concept of the cluster."""
        if lesson.source_kind == "concept":
            found = c.execute(select(s.concepts.c.cluster_id).where(s.concepts.c.id == lesson.source_id)).scalar()
            if found != cluster_id:
                raise _refuse("source_id", f"there is no concept {lesson.source_id} in this cluster",
                              "no_concept", id=lesson.source_id)
            return
        if lesson.source_kind != "round":
            return
        row = c.execute(select(s.workshop_rounds.c.cluster_id, s.workshop_rounds.c.state)
                        .where(s.workshop_rounds.c.id == lesson.source_id)).first()
        if row is None or row.cluster_id != cluster_id:
            raise _refuse("source_id", f"there is no workshop round {lesson.source_id} in this cluster",
                          "no_round", id=lesson.source_id)
        if row.state != "closed":
            raise _refuse("source_id", "close the round first; its lessons are added once it is closed",
                          "round_open")

    def _lesson_row(self, c: Connection, lesson_id: int, lock: bool = False):
        q = select(L).where(L.c.id == lesson_id)
        row = c.execute(q.with_for_update() if lock else q).mappings().first()
        if row is None:
            raise NotFound(f"no lesson with id {lesson_id}")
        return row

    def _stored_lesson(self, c: Connection, who: Identity, row) -> StoredLesson:
        links = tuple(_ref(f, o) for f, o in c.execute(
            select(LK.c.finding_id, LK.c.option_id).where(LK.c.lesson_id == row["id"])
            .order_by(LK.c.finding_id, LK.c.option_id)))
        organisation = ""
        if row["organisation_id"] is not None:
            organisation = c.execute(select(s.organisations.c.name)
                                     .where(s.organisations.c.id == row["organisation_id"])).scalar() or ""
        source, stage, day = "", "", None
        if row["source_kind"] == "round":  # only a round of the lesson's own cluster is named
            r = s.workshop_rounds
            found = c.execute(select(r.c.question, r.c.closed_at, r.c.opened_at).where(
                r.c.id == row["source_id"], r.c.cluster_id == row["cluster_id"])).first()
            if found is not None and found.question:
                source, day = found.question, local(aware(found.closed_at or found.opened_at)).date()
        elif row["source_kind"] == "concept":  # only a concept of the lesson's own cluster is named
            found = c.execute(select(s.concepts.c.title, s.concepts.c.stage).where(
                s.concepts.c.id == row["source_id"], s.concepts.c.cluster_id == row["cluster_id"])).first()
            if found is not None and found.title:
                source, stage = found.title, found.stage
        can_edit = decide(who, "write_lessons", organisation_id=row["organisation_id"], cluster_id=row["cluster_id"])
        return StoredLesson(id=row["id"], lesson=Lesson.model_validate(row["body"]), version=row["version"],
                            organisation_id=row["organisation_id"], organisation=organisation,
                            author=self._name(c, row["updated_by"]), created_at=aware(row["created_at"]),
                            saved_at=aware(row["updated_at"]), links=links, source=source, source_stage=stage,
                            source_day=day, can_edit=can_edit)
