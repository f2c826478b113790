"""The maturity self-assessment: each respondent's answers per programme round, and the rounds' snapshots.

A facilitator answers for the cluster's management and each member for itself
(:mod:`klynge.store.access` decides). Answers are one row per cluster, round and respondent;
an edit names the version it started from and keeps the earlier one in ``row_history``
(entity ``maturity_answer``), so a stale save is a :class:`~klynge.errors.Conflict`. Snapshots
are only ever added: a round snapshotted again gets a second one, and the latest counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, insert, select
from sqlalchemy.exc import IntegrityError

from ..errors import Clash, Conflict, NotFound
from ..model import MaturityAnswers, MaturitySnapshot, respondent, respondent_organisation
from . import schema as s
from .access import Identity, decide, require
from .decisions import cluster_of
from .engine import reading, writing
from .records import Versioned, now

__all__ = ["MaturityMixin", "StoredSnapshot"]

ENTITY = "maturity_answer"
_UNIQUE = "uq_maturity_answers_cluster_id_round_respondent"


def _racing(exc: IntegrityError) -> bool:
    """Whether ``exc`` is another first save of the same answers (and not a broken rule)."""
    name = getattr(getattr(exc.orig, "diag", None), "constraint_name", None)
    if name:
        return name == _UNIQUE
    return str(exc.orig).startswith("UNIQUE constraint failed: maturity_answers.")


@dataclass(frozen=True)
class StoredSnapshot:
    """A snapshot as stored, with when and by whom it was taken."""

    id: int
    snapshot: MaturitySnapshot
    taken_at: datetime
    author: str


class MaturityMixin:
    """Save and read the self-assessment's answers; take and read the rounds' snapshots."""

    def save_maturity_answers(self, who: Identity, answers: MaturityAnswers, base_version: int | None, *,
                              cluster_id: int | None = None) -> Versioned[MaturityAnswers]:
        """Save one respondent's answers for a round, made from ``base_version`` (None for the first save).

        Raises
        ------
        AccessDenied
            The caller may not answer for that respondent.
        Conflict
            Someone saved the same respondent's answers since ``base_version``; nothing was saved.
        """
        cid = cluster_of(who, cluster_id)
        org = respondent_organisation(answers.respondent)
        require(who, "answer_maturity", organisation_id=org, cluster_id=cid)
        t = s.maturity_answers
        body = answers.model_dump(mode="json")
        try:
            with writing(self.engine, who) as c:
                if org is not None and c.execute(select(s.organisations.c.cluster_id).where(
                        s.organisations.c.id == org)).scalar() != cid:
                    raise NotFound(f"no organisation with id {org} in this cluster")
                row = c.execute(select(t).where(t.c.cluster_id == cid, t.c.round == answers.round,
                                                t.c.respondent == answers.respondent).with_for_update()
                                ).mappings().first()
                if row is None and base_version is None:
                    c.execute(insert(t).values(cluster_id=cid, round=answers.round, respondent=answers.respondent,
                                               body=body, version=1, updated_at=now(), updated_by=who.person_id))
                    return Versioned(answers, 1)
                if row is None:
                    raise NotFound(f"no answers of {answers.respondent} in round {answers.round!r} to edit")
                if base_version is None:
                    base_version = 0  # a first save that meets a saved one: stale
                version = self._bump(c, t, ENTITY, row, base_version, who, row["body"], {"body": body})
                return Versioned(answers, version)
        except IntegrityError as exc:
            if not _racing(exc):
                raise
            # another first save of the same respondent in the same round landed first
            raise Conflict([Clash(item_id=f"{ENTITY} {answers.respondent}", base=None, theirs=None, mine=None)],
                           [], 1) from None

    def maturity_answers(self, who: Identity, round: str) -> list[Versioned[MaturityAnswers]]:
        """The answers of one round the caller may read: every respondent's for a facilitator, else their own."""
        t = s.maturity_answers
        with reading(self.engine, who) as c:
            q = select(t).where(t.c.round == round).order_by(t.c.respondent)
            q = self._answers_scope(who, q)
            return [Versioned(MaturityAnswers.model_validate(r["body"]), r["version"]) for r in c.execute(q).mappings()]

    def maturity_rounds(self, who: Identity) -> list[str]:
        """The rounds with answers the caller may read, or with snapshots (for a facilitator), by name."""
        t = s.maturity_answers
        with reading(self.engine, who) as c:
            rounds = set(c.execute(self._answers_scope(who, select(t.c.round))).scalars())
            if decide(who, "decide", cluster_id=who.cluster_id):
                q = select(s.maturity_snapshots.c.round)
                if who.cluster_id is not None:
                    q = q.where(s.maturity_snapshots.c.cluster_id == who.cluster_id)
                rounds.update(c.execute(q).scalars())
        return sorted(rounds, key=str.casefold)

    def maturity_answer_history(self, who: Identity, round: str,
                                respondent_key: str) -> list[Versioned[MaturityAnswers]]:
        """Every version of one respondent's answers in a round, oldest first."""
        t, h = s.maturity_answers, s.row_history
        with reading(self.engine, who) as c:
            q = self._answers_scope(who, select(t).where(t.c.round == round, t.c.respondent == respondent_key))
            row = c.execute(q).mappings().first()
            if row is None:
                return []
            old = c.execute(select(h.c.body, h.c.version).where(h.c.entity == ENTITY, h.c.entity_id == row["id"])
                            .order_by(h.c.version))
            return [Versioned(MaturityAnswers.model_validate(r.body), r.version) for r in old] + [
                Versioned(MaturityAnswers.model_validate(row["body"]), row["version"])]

    def _answers_scope(self, who: Identity, q):
        """``q`` limited to the answers the caller may read; refuses whoever may read none."""
        t = s.maturity_answers
        if decide(who, "decide", cluster_id=who.cluster_id):  # a facilitator (or the system) reads every answer
            return q if who.cluster_id is None else q.where(t.c.cluster_id == who.cluster_id)
        require(who, "answer_maturity", organisation_id=who.organisation_id, cluster_id=who.cluster_id)
        return q.where(t.c.cluster_id == who.cluster_id, t.c.respondent == respondent(who.organisation_id))

    # -- snapshots -------------------------------------------------------------------------
    def take_snapshot(self, who: Identity, snapshot: MaturitySnapshot, *, cluster_id: int | None = None) -> int:
        """Keep a round's snapshot; returns its id. An earlier snapshot of the same round stays."""
        cid = cluster_of(who, cluster_id)
        require(who, "decide", cluster_id=cid)
        with writing(self.engine, who) as c:
            return c.execute(insert(s.maturity_snapshots).values(
                cluster_id=cid, round=snapshot.round, taken_at=now(), author_id=who.person_id,
                body=snapshot.model_dump(mode="json"))).inserted_primary_key[0]

    def snapshots(self, who: Identity) -> list[StoredSnapshot]:
        """Every snapshot of the caller's cluster, oldest first (a facilitator's)."""
        require(who, "decide", cluster_id=who.cluster_id)
        t = s.maturity_snapshots
        with reading(self.engine, who) as c:
            q = select(t).order_by(t.c.taken_at, t.c.id)
            if who.cluster_id is not None:
                q = q.where(t.c.cluster_id == who.cluster_id)
            return [self._snapshot(c, r) for r in c.execute(q).mappings()]

    def _snapshot(self, c: Connection, row) -> StoredSnapshot:
        return StoredSnapshot(id=row["id"], snapshot=MaturitySnapshot.model_validate(row["body"]),
                              taken_at=row["taken_at"], author=self._name(c, row["author_id"]))
