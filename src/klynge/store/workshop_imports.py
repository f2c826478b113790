"""Ideas of a round imported from a Mentimeter or Miro export, or a QiqoChat or Zoom chat log.

A facilitator (``run_workshops``) imports a file read by :func:`klynge.workshop_import.parse_workshop_file`
into an open round, in one transaction: every idea lands, or none. Each author is matched to a person
of the round's cluster (:func:`klynge.workshop_import.match_people`); an idea of someone who is not one
keeps the name the file gave as its label, with no person behind it. Each idea records the tool it
came from and the votes that tool counted; a theme (a Miro frame) becomes a theme of the round (one
of the same title is reused). An idea already in the round (the same text by the same author) is not
added again, so importing the same file twice adds nothing the second time. A closed round refuses
the import as it refuses an idea typed on the board.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from sqlalchemy import Connection, insert, select

from ..workshop_import import Member, WorkshopFile, fold_name, match_people
from . import schema as s
from .access import Identity
from .engine import writing
from .records import now

__all__ = ["WorkshopImport", "WorkshopImportsMixin"]

i, g = s.workshop_ideas, s.workshop_groups


@dataclass(frozen=True)
class WorkshopImport:
    """What an import did: ideas added (matched to a person, not matched, anonymous), and what it left out.

    ``unmatched_authors`` names (in the file's order) the authors no person of the cluster was found
    for; ``already`` counts ideas the round had before; ``skipped`` is the file's own count of rows
    left out (empty, system messages, reactions, private messages, duplicates).
    """

    round_id: int
    format: str
    imported: int
    matched: int
    unmatched: int
    anonymous: int
    already: int = 0
    themes: int = 0
    shortened: int = 0
    unmatched_authors: tuple[str, ...] = ()
    skipped: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        """Plain data, for ``--json``."""
        return {**asdict(self), "unmatched_authors": list(self.unmatched_authors)}


def _same(text: str) -> str:
    return " ".join(text.casefold().split())


class WorkshopImportsMixin:
    """Import ideas into a round from the files of other tools."""

    def import_workshop_ideas(self, who: Identity, round_id: int, parsed: WorkshopFile) -> WorkshopImport:
        """Add the ideas of ``parsed`` to the open round ``round_id``, all in one transaction.

        Raises
        ------
        AccessDenied
            ``who`` does not run workshops in the round's cluster.
        Refused
            The round is closed (the message says who closed it and when); nothing was added.
        NotFound
            No such round.
        """
        moment = now()
        with writing(self.engine, who) as c:
            row = self._begin(c, who, round_id, "run_workshops", timed=False)
            people = s.people
            members = [Member(pid, name or "", email or "", oid) for pid, name, email, oid in c.execute(
                select(people.c.id, people.c.name, people.c.email, people.c.organisation_id)
                .where(people.c.cluster_id == row["cluster_id"], people.c.erased_at.is_(None)))]
            seen = {(author or _label_key(label), _same(text)) for author, label, text in c.execute(
                select(i.c.author_id, i.c.author_label, i.c.text).where(i.c.round_id == round_id))}
            themes = {title.casefold(): gid for gid, title in c.execute(
                select(g.c.id, g.c.title).where(g.c.round_id == round_id))}
            before = len(themes)
            rows, unmatched, already = [], {}, 0
            for idea, person in match_people(parsed.ideas, members):
                label = "" if person else (idea.author or "")[:120]
                key = (person.person_id if person else _label_key(label), _same(idea.text))
                if key in seen:
                    already += 1
                    continue
                seen.add(key)
                if person is None and not idea.anonymous:
                    unmatched.setdefault(fold_name(idea.author) or idea.email.lower(), idea.author or idea.email)
                rows.append({"round_id": round_id, "author_id": person.person_id if person else None,
                             "organisation_id": person.organisation_id if person else None, "text": idea.text,
                             "group_id": self._theme(c, who, round_id, themes, idea.theme, moment),
                             "version": 1, "created_at": moment, "source": parsed.format,
                             "author_label": label or None, "source_votes": idea.votes})
            if rows:
                c.execute(insert(i), rows)
            matched = sum(1 for r in rows if r["author_id"] is not None)
            anonymous = sum(1 for r in rows if r["author_id"] is None and not r["author_label"])
            return WorkshopImport(round_id=round_id, format=parsed.format, imported=len(rows), matched=matched,
                                  unmatched=len(rows) - matched - anonymous, anonymous=anonymous, already=already,
                                  themes=len(themes) - before, shortened=parsed.shortened,
                                  unmatched_authors=tuple(unmatched.values()), skipped=dict(parsed.skipped))

    def _theme(self, c: Connection, who: Identity, round_id: int, themes: dict, title: str, moment) -> int | None:
        """The id of the round's theme ``title`` (made when the round has none of that title), or None."""
        title = " ".join((title or "").split())[:120]
        if not title:
            return None
        if title.casefold() not in themes:
            themes[title.casefold()] = c.execute(insert(g).values(
                round_id=round_id, title=title, created_at=moment, created_by=who.person_id)).inserted_primary_key[0]
        return themes[title.casefold()]


def _label_key(label: str | None) -> str:
    return "label:" + fold_name(label or "")
