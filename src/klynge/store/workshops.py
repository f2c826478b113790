"""Workshop rounds: ideas, comments, reactions and dot votes on a finding, option, gap or decision.

A facilitator opens a round with a question, a time box and a number of dots per person; members
add ideas, comment, react and vote; the facilitator groups ideas into themes, merges duplicates
and closes the round (themes and merges may still be tidied after the close, as the outcome is
read). Every write starts by bumping the round's change counter with
``UPDATE workshop_rounds SET changes = changes + 1 WHERE id = :id AND state = 'open'``: that one
statement refuses a write to a closed round, takes the round's row lock (so the dot limit, read
after it, holds under concurrent votes on PostgreSQL as on SQLite, whose writers queue anyway)
and tells every open board that something changed. Closing is the same conditional update with
``state = 'closed'``: of two facilitators closing at once exactly one wins, the other is told who
closed it and when; nothing written before the close is lost.

The outcome of a round (:meth:`WorkshopsMixin.workshop_outcome`) is a plain structure for the
report and for a decision.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, func, insert, select, update

from ..errors import AccessDenied, Conflict, NotFound, Refused
from . import schema as s
from .access import Identity, decide, require, scope
from .decisions import cluster_of
from .engine import reading, writing
from .erasure import on_erase
from .live import aware
from .records import now

__all__ = ["REACTIONS", "SUBJECT_KINDS", "BoardIdea", "RoundState", "WorkshopBoard", "WorkshopRound",
           "WorkshopsMixin"]

SUBJECT_KINDS = ("finding", "option", "gap", "decision")
REACTIONS = ("agree", "question", "heart")
MAX_TEXT = 1000
MAX_QUESTION = 500
MAX_DOTS = 20
MAX_MINUTES = 8 * 60

r, i, g = s.workshop_rounds, s.workshop_ideas, s.workshop_groups
cm, rx, v = s.workshop_comments, s.workshop_reactions, s.workshop_votes


@on_erase
def _erase_workshop_texts(c: Connection, person_id: int, remove_text: bool) -> dict:
    """With ``remove_text``, an erased person's ideas and comments are emptied (boards show them as removed).

    Votes, reactions, themes and merges stay, as the round's outcome; each round touched counts a
    change, so its open boards draw again.
    """
    if not remove_text:
        return {}
    rounds = set(c.execute(select(i.c.round_id).where(i.c.author_id == person_id, i.c.text != "")).scalars())
    rounds |= set(c.execute(select(cm.c.round_id).where(cm.c.author_id == person_id, cm.c.text != "")).scalars())
    ideas = c.execute(update(i).where(i.c.author_id == person_id, i.c.text != "").values(text="")).rowcount
    comments = c.execute(update(cm).where(cm.c.author_id == person_id, cm.c.text != "").values(text="")).rowcount
    if rounds:
        c.execute(update(r).where(r.c.id.in_(rounds)).values(changes=r.c.changes + 1))
    return {"workshop_ideas_removed": ideas, "workshop_comments_removed": comments}


@dataclass(frozen=True)
class WorkshopRound:
    """A round as stored."""

    id: int
    cluster_id: int
    subject_kind: str
    subject_id: str
    subject_title: str
    question: str
    ends_at: datetime
    dots: int
    state: str
    opened_at: datetime
    closed_at: datetime | None
    closed_by: str
    decision_id: int | None
    changes: int

    @property
    def is_open(self) -> bool:
        return self.state == "open"


@dataclass(frozen=True)
class RoundState:
    """What an open board polls: the round's change counter and state (one read by primary key)."""

    changes: int
    state: str


@dataclass(frozen=True)
class BoardIdea:
    """One idea as a board shows it to one reader."""

    id: int
    text: str
    author: str
    organisation: str
    mine: bool
    version: int
    group_id: int | None
    merged_into: int | None
    votes: int
    my_votes: int
    reactions: dict
    my_reactions: tuple
    comments: tuple  # (author, text) oldest first
    edited: bool
    source: str = ""  # the tool an imported idea came from (mentimeter, miro, qiqochat, zoom); "" when typed here
    source_votes: int | None = None  # the votes that tool counted
    former: bool = False  # its author has been erased: it reads as by a former participant

    def fingerprint(self) -> tuple:
        """Everything a card shows: a card is drawn again only when this changed."""
        return (self.text, self.version, self.group_id, self.merged_into, self.votes, self.my_votes,
                tuple(sorted(self.reactions.items())), self.my_reactions, self.comments, self.author,
                self.organisation, self.source, self.source_votes, self.former)


@dataclass(frozen=True)
class WorkshopBoard:
    """A round with its ideas and themes, as one reader sees it, at change ``changes``."""

    round: WorkshopRound
    ideas: list[BoardIdea]
    groups: list[tuple[int, str]]
    dots_left: int
    changes: int
    can_run: bool = False
    merged: dict = field(default_factory=dict)


def _refuse(field_name: str, message: str, key: str, **values) -> Refused:
    return Refused(field_name, message, f"workshop.error.{key}", **values)


def _text(value: str, name: str, limit: int = MAX_TEXT) -> str:
    text = (value or "").strip()
    if not text:
        raise _refuse(name, "write something first", "empty")
    if len(text) > limit:
        raise _refuse(name, f"at most {limit} characters (now {len(text)})", "too_long", n=limit, actual=len(text))
    return text


class WorkshopsMixin:
    """Open, run, close and read workshop rounds."""

    # -- the facilitator ------------------------------------------------------------------
    def open_round(self, who: Identity, *, subject_kind: str, subject_id: str, subject_title: str, question: str,
                   minutes: int, dots: int, cluster_id: int | None = None) -> WorkshopRound:
        """Open a round on a finding, option, gap or decision; it ends ``minutes`` from now."""
        cid = cluster_of(who, cluster_id)
        require(who, "run_workshops", cluster_id=cid)
        if subject_kind not in SUBJECT_KINDS:
            raise _refuse("subject_kind", f"pick one of {', '.join(SUBJECT_KINDS)}", "subject")
        if not (subject_id or "").strip():
            raise _refuse("subject_id", "pick what the round is about", "no_subject")
        question = _text(question, "question", MAX_QUESTION)
        if not 1 <= int(minutes) <= MAX_MINUTES:
            raise _refuse("minutes", f"between 1 and {MAX_MINUTES} minutes", "minutes", most=MAX_MINUTES)
        if not 1 <= int(dots) <= MAX_DOTS:
            raise _refuse("dots", f"between 1 and {MAX_DOTS} dots", "dots", most=MAX_DOTS)
        moment = now()
        with writing(self.engine, who) as c:
            rid = c.execute(insert(r).values(
                cluster_id=cid, subject_kind=subject_kind, subject_id=subject_id.strip()[:128],
                subject_title=(subject_title or subject_id).strip()[:300], question=question,
                ends_at=moment + timedelta(minutes=int(minutes)), dots=int(dots), state="open", opened_at=moment,
                opened_by=who.person_id, version=1, changes=1,
                decision_id=int(subject_id) if subject_kind == "decision" and subject_id.isdigit() else None,
            )).inserted_primary_key[0]
            return self._round(c, self._round_row(c, rid))

    def close_round(self, who: Identity, round_id: int) -> WorkshopRound:
        """Close an open round. Of two closes at once exactly one wins.

        Raises
        ------
        Refused
            The round was already closed (the message names by whom and when); nothing changed.
        """
        with writing(self.engine, who) as c:
            row = self._round_row(c, round_id)
            require(who, "run_workshops", cluster_id=row["cluster_id"])
            done = c.execute(update(r).where(r.c.id == round_id, r.c.state == "open").values(
                state="closed", closed_at=now(), closed_by=who.person_id, changes=r.c.changes + 1,
                version=r.c.version + 1)).rowcount
            if done != 1:
                raise self._closed(c, round_id)
            return self._round(c, self._round_row(c, round_id))

    def extend_round(self, who: Identity, round_id: int, minutes: int) -> WorkshopRound:
        """Give an open round ``minutes`` more from now (or from its end, if that is later)."""
        if not 1 <= int(minutes) <= MAX_MINUTES:
            raise _refuse("minutes", f"between 1 and {MAX_MINUTES} minutes", "minutes", most=MAX_MINUTES)
        with writing(self.engine, who) as c:
            row = self._begin(c, who, round_id, "run_workshops", timed=False)
            ends = max(aware(row["ends_at"]), now()) + timedelta(minutes=int(minutes))
            c.execute(update(r).where(r.c.id == round_id).values(ends_at=ends))
            return self._round(c, self._round_row(c, round_id))

    def add_group(self, who: Identity, round_id: int, title: str) -> int:
        """A theme to group the round's ideas under; returns its id."""
        title = _text(title, "title", 120)
        with writing(self.engine, who) as c:
            self._begin(c, who, round_id, "run_workshops", timed=False, open_only=False)
            return c.execute(insert(g).values(round_id=round_id, title=title, created_at=now(),
                                              created_by=who.person_id)).inserted_primary_key[0]

    def group_idea(self, who: Identity, idea_id: int, group_id: int | None) -> None:
        """Put an idea under a theme of its round, or under none."""
        with writing(self.engine, who) as c:
            idea = self._idea_row(c, idea_id)
            self._begin(c, who, idea["round_id"], "run_workshops", timed=False, open_only=False)
            if group_id is not None and c.execute(select(g.c.round_id).where(g.c.id == group_id)).scalar() \
                    != idea["round_id"]:
                raise NotFound(f"no theme {group_id} in this round")
            c.execute(update(i).where(i.c.id == idea_id).values(group_id=group_id))

    def merge_ideas(self, who: Identity, idea_id: int, into_id: int) -> None:
        """Merge a duplicate idea into another of the same round; its votes, comments and reactions move along.

        A person's dots on both ideas are added up, so nobody's dots are lost or exceed the limit.
        """
        if idea_id == into_id:
            raise _refuse("merge", "an idea cannot be merged into itself", "merge_self")
        with writing(self.engine, who) as c:
            idea, into = self._idea_row(c, idea_id), self._idea_row(c, into_id)
            self._begin(c, who, idea["round_id"], "run_workshops", timed=False, open_only=False)
            if into["round_id"] != idea["round_id"]:
                raise _refuse("merge", "both ideas must be in the same round", "merge_round")
            if idea["merged_into"] is not None or into["merged_into"] is not None:
                raise _refuse("merge", "that idea is already merged into another", "merged")
            for person, count in c.execute(select(v.c.person_id, v.c.count).where(v.c.idea_id == idea_id)).all():
                self._set_votes(c, idea["round_id"], into_id, person,
                                count + (self._votes_on(c, into_id, person)))
            c.execute(delete(v).where(v.c.idea_id == idea_id))
            kept = {tuple(x) for x in c.execute(select(rx.c.person_id, rx.c.kind).where(rx.c.idea_id == into_id))}
            for person, kind in c.execute(select(rx.c.person_id, rx.c.kind).where(rx.c.idea_id == idea_id)).all():
                if (person, kind) not in kept:
                    c.execute(insert(rx).values(round_id=idea["round_id"], idea_id=into_id, person_id=person,
                                                kind=kind))
            c.execute(delete(rx).where(rx.c.idea_id == idea_id))
            c.execute(update(cm).where(cm.c.idea_id == idea_id).values(idea_id=into_id))
            c.execute(update(i).where(i.c.merged_into == idea_id).values(merged_into=into_id))
            c.execute(update(i).where(i.c.id == idea_id).values(merged_into=into_id, group_id=into["group_id"]))

    def feed_decision(self, who: Identity, round_id: int, decision_id: int | None) -> None:
        """Record the decision a round fed (or none); a closed round may still be linked."""
        with writing(self.engine, who) as c:
            row = self._begin(c, who, round_id, "run_workshops", timed=False, open_only=False)
            if decision_id is not None and c.execute(select(s.decisions.c.cluster_id).where(
                    s.decisions.c.id == decision_id)).scalar() != row["cluster_id"]:
                raise NotFound(f"no decision with id {decision_id}")
            c.execute(update(r).where(r.c.id == round_id).values(decision_id=decision_id))

    # -- the members ----------------------------------------------------------------------
    def add_idea(self, who: Identity, round_id: int, text: str) -> int:
        """Add an idea to an open round; returns its id."""
        text = _text(text, "text")
        with writing(self.engine, who) as c:
            self._begin(c, who, round_id, "workshop")
            return c.execute(insert(i).values(round_id=round_id, author_id=who.person_id,
                                              organisation_id=who.organisation_id, text=text, version=1,
                                              created_at=now())).inserted_primary_key[0]

    def edit_idea(self, who: Identity, idea_id: int, text: str, base_version: int) -> int:
        """Change one's own idea, made from ``base_version``; returns the new version.

        Raises
        ------
        AccessDenied
            The idea is someone else's.
        Conflict
            The idea changed since ``base_version`` (another of one's own windows); nothing saved.
        """
        text = _text(text, "text")
        with writing(self.engine, who) as c:
            idea = self._idea_row(c, idea_id)
            self._begin(c, who, idea["round_id"], "workshop")
            if who.person_id is None or idea["author_id"] != who.person_id:
                raise AccessDenied("you can edit only your own ideas")
            done = c.execute(update(i).where(i.c.id == idea_id, i.c.version == base_version).values(
                text=text, version=base_version + 1, edited_at=now())).rowcount
            if done != 1:
                raise Conflict([], [self._name(c, who.person_id)], idea["version"])
            return base_version + 1

    def comment(self, who: Identity, idea_id: int, text: str) -> int:
        """Comment on an idea of an open round; returns the comment's id."""
        text = _text(text, "comment")
        with writing(self.engine, who) as c:
            idea = self._idea_row(c, idea_id)
            self._begin(c, who, idea["round_id"], "workshop")
            return c.execute(insert(cm).values(round_id=idea["round_id"], idea_id=idea_id, author_id=who.person_id,
                                               text=text, created_at=now())).inserted_primary_key[0]

    def react(self, who: Identity, idea_id: int, kind: str) -> bool:
        """Toggle one's reaction ``kind`` on an idea; returns whether it is now set."""
        if kind not in REACTIONS:
            raise _refuse("reaction", f"pick one of {', '.join(REACTIONS)}", "reaction")
        with writing(self.engine, who) as c:
            idea = self._live_idea(c, who, idea_id)
            mine = (rx.c.idea_id == idea_id, rx.c.person_id == who.person_id, rx.c.kind == kind)
            if c.execute(delete(rx).where(*mine)).rowcount:
                return False
            c.execute(insert(rx).values(round_id=idea["round_id"], idea_id=idea_id, person_id=who.person_id,
                                        kind=kind))
            return True

    def vote(self, who: Identity, idea_id: int, change: int = 1) -> int:
        """Put ``change`` more dots on an idea (negative takes them back); returns the dots left to give.

        Raises
        ------
        Refused
            Over the round's limit of dots per person, fewer than none on the idea, a merged idea,
            or a closed round; nothing changed.
        """
        with writing(self.engine, who) as c:
            idea = self._live_idea(c, who, idea_id)
            if who.person_id is None:
                raise AccessDenied("only a person votes")
            dots = c.execute(select(r.c.dots).where(r.c.id == idea["round_id"])).scalar()
            used = self._used(c, idea["round_id"], who.person_id)
            here = self._votes_on(c, idea_id, who.person_id)
            if here + change < 0:
                raise _refuse("vote", "you have no dots on that idea to take back", "no_dots_here")
            if used + change > dots:
                raise _refuse("vote", f"you have used all your {dots} dots; take one back from another idea first",
                              "over_limit", dots=dots)
            self._set_votes(c, idea["round_id"], idea_id, who.person_id, here + change)
            return dots - used - change

    # -- reading --------------------------------------------------------------------------
    def workshop_rounds(self, who: Identity, *, state: str | None = None,
                        subject_id: str | None = None) -> list[WorkshopRound]:
        """The rounds of the caller's cluster, newest first (only ``state``'s, of ``subject_id``)."""
        cid = scope(who, "workshop")
        with reading(self.engine, who) as c:
            q = select(r).order_by(r.c.opened_at.desc(), r.c.id.desc())
            if cid is not None:
                q = q.where(r.c.cluster_id == cid)
            if state is not None:
                q = q.where(r.c.state == state)
            if subject_id is not None:
                q = q.where(r.c.subject_id == subject_id)
            return [self._round(c, row) for row in c.execute(q).mappings()]

    def round_state(self, who: Identity, round_id: int) -> RoundState:
        """The round's change counter and state: what a board polls, one read by primary key."""
        with reading(self.engine, who) as c:
            row = c.execute(select(r.c.cluster_id, r.c.changes, r.c.state).where(r.c.id == round_id)).first()
            if row is None:
                raise NotFound(f"no workshop round with id {round_id}")
            require(who, "workshop", cluster_id=row.cluster_id)
            return RoundState(row.changes, row.state)

    def rounds_signal(self, who: Identity) -> tuple[int, int]:
        """How many rounds the cluster has and the sum of their change counters: changes when any round does."""
        cid = scope(who, "workshop")
        with reading(self.engine, who) as c:
            q = select(func.count(r.c.id), func.coalesce(func.sum(r.c.changes), 0))
            if cid is not None:
                q = q.where(r.c.cluster_id == cid)
            n, total = c.execute(q).one()
            return int(n), int(total)

    def workshop_board(self, who: Identity, round_id: int) -> WorkshopBoard:
        """A round with everything its board shows to ``who``, read in one snapshot."""
        with reading(self.engine, who) as c:
            row = self._round_row(c, round_id)
            require(who, "workshop", cluster_id=row["cluster_id"])
            ideas = self._ideas(c, round_id, who.person_id)
            groups = [(gid, title) for gid, title in c.execute(
                select(g.c.id, g.c.title).where(g.c.round_id == round_id).order_by(g.c.id))]
            used = self._used(c, round_id, who.person_id) if who.person_id is not None else 0
            return WorkshopBoard(round=self._round(c, row), ideas=[x for x in ideas if x.merged_into is None],
                                 groups=groups, dots_left=max(row["dots"] - used, 0), changes=row["changes"],
                                 can_run=decide(who, "run_workshops", cluster_id=row["cluster_id"]),
                                 merged={x.id: x.merged_into for x in ideas if x.merged_into is not None})

    def workshop_outcome(self, who: Identity, round_id: int) -> dict:
        """The outcome of a round as plain data: the round, its themes, its ideas with votes, and the decision it fed.

        Ideas are sorted by votes (most first); a merged idea is listed under the one it was merged
        into (``merged``). ``agreed`` lists who voted (names), per idea.
        """
        with reading(self.engine, who) as c:
            row = self._round_row(c, round_id)
            require(who, "workshop", cluster_id=row["cluster_id"])
            return self._outcome(c, row)

    def workshop_outcomes(self, who: Identity, subject_id: str | None = None) -> list[dict]:
        """The outcome of every closed round of the caller's cluster (of one subject), oldest first."""
        cid = scope(who, "workshop")
        with reading(self.engine, who) as c:
            q = select(r).where(r.c.state == "closed").order_by(r.c.closed_at, r.c.id)
            if cid is not None:
                q = q.where(r.c.cluster_id == cid)
            if subject_id is not None:
                q = q.where(r.c.subject_id == subject_id)
            return [self._outcome(c, row) for row in c.execute(q).mappings().all()]

    # -- helpers --------------------------------------------------------------------------
    def _outcome(self, c: Connection, row) -> dict:
        names = self._names(c)
        orgs = dict(c.execute(select(s.organisations.c.id, s.organisations.c.name)).all())
        ideas = c.execute(select(i).where(i.c.round_id == row["id"]).order_by(i.c.id)).mappings().all()
        votes: dict[int, dict[int, int]] = {}
        for idea_id, person, count in c.execute(select(v.c.idea_id, v.c.person_id, v.c.count)
                                                .where(v.c.round_id == row["id"])):
            votes.setdefault(idea_id, {})[person] = count
        comments: dict[int, list] = {}
        for idea_id, author, text in c.execute(select(cm.c.idea_id, cm.c.author_id, cm.c.text)
                                               .where(cm.c.round_id == row["id"]).order_by(cm.c.id)):
            comments.setdefault(idea_id, []).append({"author": names.get(author, ""), "text": text})
        groups = {gid: title for gid, title in c.execute(select(g.c.id, g.c.title).where(g.c.round_id == row["id"])
                                                          .order_by(g.c.id))}
        listed = []
        for idea in ideas:
            if idea["merged_into"] is not None:
                continue
            by = votes.get(idea["id"], {})
            listed.append({
                "id": idea["id"], "text": idea["text"],
                "author": names.get(idea["author_id"], "") or idea["author_label"] or "", "source": idea["source"],
                "organisation": orgs.get(idea["organisation_id"], ""), "group": groups.get(idea["group_id"]),
                "votes": sum(by.values()), "agreed": sorted(names.get(p, "") for p in by),
                "comments": comments.get(idea["id"], []),
                "merged": [x["text"] for x in ideas if x["merged_into"] == idea["id"]],
            })
        listed.sort(key=lambda x: (-x["votes"], x["id"]))
        decision = None
        if row["decision_id"] is not None:
            d = c.execute(select(s.decisions).where(s.decisions.c.id == row["decision_id"])).mappings().first()
            if d is not None:
                decision = {"id": d["id"], "finding_id": d["finding_id"], "option_id": d["option_id"],
                            "outcome": d["body"].get("outcome"), "decided_by": d["body"].get("decided_by", [])}
        return {
            "round_id": row["id"], "subject_kind": row["subject_kind"], "subject_id": row["subject_id"],
            "subject_title": row["subject_title"], "question": row["question"], "state": row["state"],
            "dots": row["dots"], "opened_at": aware(row["opened_at"]).isoformat(),
            "closed_at": aware(row["closed_at"]).isoformat() if row["closed_at"] else None,
            "closed_by": names.get(row["closed_by"], "") if row["closed_by"] else "",
            "voters": len({p for by in votes.values() for p in by}),
            "themes": [{"title": title, "ideas": [x["id"] for x in listed if x["group"] == title],
                        "votes": sum(x["votes"] for x in listed if x["group"] == title)}
                       for title in groups.values()],
            "ideas": listed, "decision": decision,
        }

    def _names(self, c: Connection) -> dict[int, str]:
        return {pid: name or f"person {pid} (erased)"
                for pid, name in c.execute(select(s.people.c.id, s.people.c.name))}

    def _ideas(self, c: Connection, round_id: int, person_id: int | None) -> list[BoardIdea]:
        rows = c.execute(
            select(i, s.people.c.name.label("author"), s.organisations.c.name.label("organisation"))
            .select_from(i.outerjoin(s.people, s.people.c.id == i.c.author_id)
                         .outerjoin(s.organisations, s.organisations.c.id == i.c.organisation_id))
            .where(i.c.round_id == round_id).order_by(i.c.id)).mappings().all()
        votes, mine = {}, {}
        for idea_id, person, count in c.execute(select(v.c.idea_id, v.c.person_id, v.c.count)
                                                .where(v.c.round_id == round_id)):
            votes[idea_id] = votes.get(idea_id, 0) + count
            if person == person_id:
                mine[idea_id] = count
        reactions, my_reactions = {}, {}
        for idea_id, person, kind in c.execute(select(rx.c.idea_id, rx.c.person_id, rx.c.kind)
                                               .where(rx.c.round_id == round_id)):
            counts = reactions.setdefault(idea_id, {})
            counts[kind] = counts.get(kind, 0) + 1
            if person == person_id:
                my_reactions.setdefault(idea_id, []).append(kind)
        comments = {}
        for idea_id, author, text in c.execute(
                select(cm.c.idea_id, s.people.c.name, cm.c.text)
                .select_from(cm.outerjoin(s.people, s.people.c.id == cm.c.author_id))
                .where(cm.c.round_id == round_id).order_by(cm.c.id)):
            comments.setdefault(idea_id, []).append((author or "", text))
        return [BoardIdea(id=x["id"], text=x["text"], author=x["author"] or x["author_label"] or "",
                          organisation=x["organisation"] or "", source=x["source"] or "",
                          source_votes=x["source_votes"], former=x["author_id"] is not None and not x["author"],
                          mine=person_id is not None and x["author_id"] == person_id, version=x["version"],
                          group_id=x["group_id"], merged_into=x["merged_into"], votes=votes.get(x["id"], 0),
                          my_votes=mine.get(x["id"], 0), reactions=reactions.get(x["id"], {}),
                          my_reactions=tuple(sorted(my_reactions.get(x["id"], ()))),
                          comments=tuple(comments.get(x["id"], ())), edited=x["edited_at"] is not None)
                for x in rows]

    def _begin(self, c: Connection, who: Identity, round_id: int, action: str, *, timed: bool = True,
               open_only: bool = True):
        """Check access, then bump the round's change counter (only while open): the round's lock."""
        row = self._round_row(c, round_id)
        require(who, action, cluster_id=row["cluster_id"])
        q = update(r).where(r.c.id == round_id).values(changes=r.c.changes + 1)
        if c.execute(q.where(r.c.state == "open") if open_only else q).rowcount != 1:
            raise self._closed(c, round_id)
        row = self._round_row(c, round_id)  # as it is now that we hold its lock
        if timed and aware(row["ends_at"]) <= now():
            raise _refuse("round", "the time for this round is up; the facilitator may give it more time",
                          "time_up")
        return row

    def _live_idea(self, c: Connection, who: Identity, idea_id: int):
        idea = self._idea_row(c, idea_id)
        self._begin(c, who, idea["round_id"], "workshop")
        merged = c.execute(select(i.c.merged_into).where(i.c.id == idea_id)).scalar()
        if merged is not None:
            raise _refuse("idea", f"that idea was merged into idea {merged}; vote or react there", "merged_into",
                          idea=merged)
        return idea

    def _closed(self, c: Connection, round_id: int) -> Refused:
        row = self._round_row(c, round_id)
        by = self._name(c, row["closed_by"])
        when = aware(row["closed_at"]).strftime("%H:%M") if row["closed_at"] else ""
        return _refuse("round", f"{by} closed this round at {when} UTC; nothing more can be added",
                       "closed", name=by, time=when)

    def _used(self, c: Connection, round_id: int, person_id: int) -> int:
        return int(c.execute(select(func.coalesce(func.sum(v.c.count), 0))
                             .where(v.c.round_id == round_id, v.c.person_id == person_id)).scalar())

    def _votes_on(self, c: Connection, idea_id: int, person_id: int) -> int:
        return int(c.execute(select(v.c.count).where(v.c.idea_id == idea_id, v.c.person_id == person_id))
                   .scalar() or 0)

    def _set_votes(self, c: Connection, round_id: int, idea_id: int, person_id: int, count: int) -> None:
        key = (v.c.idea_id == idea_id, v.c.person_id == person_id)
        if count <= 0:
            c.execute(delete(v).where(*key))
        elif not c.execute(update(v).where(*key).values(count=count)).rowcount:
            c.execute(insert(v).values(round_id=round_id, idea_id=idea_id, person_id=person_id, count=count))

    def _round_row(self, c: Connection, round_id: int):
        row = c.execute(select(r).where(r.c.id == round_id)).mappings().first()
        if row is None:
            raise NotFound(f"no workshop round with id {round_id}")
        return row

    def _idea_row(self, c: Connection, idea_id: int):
        row = c.execute(select(i).where(i.c.id == idea_id)).mappings().first()
        if row is None:
            raise NotFound(f"no idea with id {idea_id}")
        return row

    def _round(self, c: Connection, row) -> WorkshopRound:
        return WorkshopRound(
            id=row["id"], cluster_id=row["cluster_id"], subject_kind=row["subject_kind"],
            subject_id=row["subject_id"], subject_title=row["subject_title"], question=row["question"],
            ends_at=aware(row["ends_at"]), dots=row["dots"], state=row["state"], opened_at=aware(row["opened_at"]),
            closed_at=aware(row["closed_at"]) if row["closed_at"] else None,
            closed_by=self._name(c, row["closed_by"]) if row["closed_by"] else "",
            decision_id=row["decision_id"], changes=row["changes"])
