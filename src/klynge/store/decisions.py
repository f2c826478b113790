"""The members' decisions on the options of the cluster's findings.

A facilitator records what the members decided in a workshop; the members read it. A decision
names its finding and option by their stable string ids (no foreign key: findings are remade
by each batch run, and a decision on a finding that is gone is kept; see
:func:`klynge.model.orphaned`). An edit names the version it started from and keeps every
earlier version in ``row_history`` (entity ``decision``): a stale edit is a
:class:`~klynge.errors.Conflict`, never an overwrite.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, insert, select

from ..errors import AccessDenied, NotFound, ValidationError
from ..model import Decision
from . import schema as s
from .access import Identity, can_read_person, require, scope
from .engine import reading, writing
from .records import now

__all__ = ["DecisionsMixin", "StoredDecision"]

ENTITY = "decision"


@dataclass(frozen=True)
class StoredDecision:
    """A decision as stored: its id, the version an edit must name, and who saved this version when."""

    id: int
    decision: Decision
    version: int
    saved_at: datetime
    author_id: int | None
    author: str
    created_at: datetime


def cluster_of(who: Identity, cluster_id: int | None) -> int:
    """The cluster a write is for: the caller's, or the one the system identity names."""
    cid = cluster_id if cluster_id is not None else who.cluster_id
    if cid is None:
        raise AccessDenied("that is not scoped to a cluster: name the cluster")
    return cid


class DecisionsMixin:
    """Record, revise and read the members' decisions."""

    def record_decision(self, who: Identity, decision: Decision, *, cluster_id: int | None = None) -> StoredDecision:
        """Record a new decision in the caller's cluster (a facilitator's, or the one the system names)."""
        cid = cluster_of(who, cluster_id)
        require(who, "decide", cluster_id=cid)
        moment = now()
        with writing(self.engine, who) as c:
            did = c.execute(insert(s.decisions).values(
                cluster_id=cid, finding_id=decision.finding_id, option_id=decision.option_id,
                body=decision.model_dump(mode="json"), version=1, created_at=moment, author_id=who.person_id,
                updated_at=moment, updated_by=who.person_id)).inserted_primary_key[0]
            return self._stored(c, c.execute(select(s.decisions).where(s.decisions.c.id == did)).mappings().one())

    def revise_decision(self, who: Identity, decision_id: int, decision: Decision, base_version: int) -> StoredDecision:
        """Save an edited decision made from ``base_version``; the version it replaces stays in the history.

        Raises
        ------
        Conflict
            Someone saved the decision since ``base_version``; nothing was saved.
        ValidationError
            The edit names another finding: a decision on another finding is a new decision.
        """
        with writing(self.engine, who) as c:
            row = self._decision_row(c, who, decision_id, "decide", lock=True)
            if decision.finding_id != row["finding_id"]:
                raise ValidationError([("finding_id", f"a decision stays on its finding ({row['finding_id']}); "
                                        "record a new decision for another finding")])
            self._bump(c, s.decisions, ENTITY, row, base_version, who, row["body"],
                       {"body": decision.model_dump(mode="json"), "option_id": decision.option_id})
            return self._stored(c, self._decision_row(c, who, decision_id, "decide"))

    def decision(self, who: Identity, decision_id: int) -> StoredDecision:
        with reading(self.engine, who) as c:
            return self._stored(c, self._decision_row(c, who, decision_id, "read_decisions"))

    def decisions(self, who: Identity, finding_id: str | None = None) -> list[StoredDecision]:
        """The current version of every decision of the caller's cluster (of one finding), oldest first."""
        cid = scope(who, "read_decisions")
        with reading(self.engine, who) as c:
            q = select(s.decisions).order_by(s.decisions.c.created_at, s.decisions.c.id)
            if cid is not None:
                q = q.where(s.decisions.c.cluster_id == cid)
            if finding_id is not None:
                q = q.where(s.decisions.c.finding_id == finding_id)
            return [self._stored(c, row) for row in c.execute(q).mappings()]

    def decider_names(self, who: Identity, ids, *, organisation_id: int | None = None,
                      named: bool = True) -> dict[int, str | None]:
        """Who the people ``ids`` among a decision's deciders are, as the caller may read them.

        Parameters
        ----------
        who
            The caller; they must read decisions.
        ids
            People's ids as decisions hold them.
        organisation_id
            For what one organisation's participants read (its report): only its own people are named.
        named
            False for what the whole cluster reads: nobody is named, only the erased are told apart.

        Returns
        -------
        dict
            A living person's name by id when the caller (and the reader) may read it; None for an
            erased person of the caller's cluster (a former participant). An id the caller may not
            read, or of another cluster, is left out: the reader learns nothing of that person.
        """
        cid = scope(who, "read_decisions")
        wanted = sorted({i for i in ids if isinstance(i, int)})
        if not wanted:
            return {}
        p = s.people
        with reading(self.engine, who) as c:
            rows = c.execute(select(p.c.id, p.c.name, p.c.cluster_id, p.c.organisation_id, p.c.erased_at)
                             .where(p.c.id.in_(wanted))).mappings().all()
        found: dict[int, str | None] = {}
        for r in rows:
            if cid is not None and r["cluster_id"] != cid:
                continue
            if r["erased_at"] is not None:
                found[r["id"]] = None
            elif (named and can_read_person(who, r["cluster_id"], r["organisation_id"])
                  and (organisation_id is None or r["organisation_id"] == organisation_id) and r["name"]):
                found[r["id"]] = r["name"]
        return found

    def decision_history(self, who: Identity, decision_id: int) -> list[StoredDecision]:
        """Every version of a decision, oldest first, the current one last."""
        with reading(self.engine, who) as c:
            row = self._decision_row(c, who, decision_id, "read_decisions")
            h = s.row_history
            old = c.execute(select(h).where(h.c.entity == ENTITY, h.c.entity_id == decision_id)
                            .order_by(h.c.version)).mappings()
            versions = [self._stored(c, {**row, "body": r["body"], "version": r["version"], "updated_at": r["saved_at"],
                                         "updated_by": r["author_id"]}) for r in old]
            return [*versions, self._stored(c, row)]

    def _decision_row(self, c: Connection, who: Identity, decision_id: int, action: str, lock: bool = False):
        q = select(s.decisions).where(s.decisions.c.id == decision_id)
        row = c.execute(q.with_for_update() if lock else q).mappings().first()
        if row is None:
            raise NotFound(f"no decision with id {decision_id}")
        require(who, action, cluster_id=row["cluster_id"])
        return row

    def _stored(self, c: Connection, row) -> StoredDecision:
        return StoredDecision(id=row["id"], decision=Decision.model_validate(row["body"]), version=row["version"],
                              saved_at=row["updated_at"], author_id=row["updated_by"],
                              author=self._name(c, row["updated_by"]), created_at=row["created_at"])
