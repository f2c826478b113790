"""Whole-database work: status counts, backups, replacing a database, a person's record, the research views."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from pathlib import Path

from sqlalchemy import distinct, func, or_, select

from ..errors import NotEmpty, NotFound
from . import schema as s
from .access import Identity, require, require_own_record, scope
from .bulk import _to_json
from .consent import consenting
from .engine import reading, writing
from .migrate import current_version

__all__ = ["RECORD_SOURCES", "AdminMixin"]

#: Every column that names a person (a foreign key to ``people.id``, or a person id kept without one), as
#: ``table.column``, and the part of :meth:`AdminMixin.person_record` that holds the rows naming them there.
#: A test walks the schema against it, so a new table that names people cannot be left out of the download.
RECORD_SOURCES: dict[str, str] = {
    "keys.person_id": "keys",
    "sessions.person_id": "sessions",
    "revisions.author_id": "revisions",
    "row_history.author_id": "row_history",
    "lessons.author_id": "lessons",
    "lessons.updated_by": "lessons",
    "concept_revisions.author_id": "concept_revisions",
    "invitations.person_id": "invitations_received",
    "invitations.inviter_id": "invitations_sent",
    "join_requests.person_id": "join_requests",
    "join_requests.decided_by": "join_requests_decided",
    "event_people.person_id": "events",
    "attendance_unmatched.resolved_person_id": "attendance_rows_resolved_to_them",
    "hours.person_id": "hours",
    "hours.created_by": "hours_entered",
    "decisions.author_id": "decisions",
    "decisions.updated_by": "decisions",
    "maturity_answers.updated_by": "maturity_answers",
    "maturity_snapshots.author_id": "maturity_snapshots",
    "library_items.shared_by": "library_items",
    "library_items.removed_by": "library_items",
    "research_consents.given_by": "research_consents",
    "workshop_rounds.opened_by": "workshop_rounds",
    "workshop_rounds.closed_by": "workshop_rounds",
    "workshop_groups.created_by": "workshop_groups",
    "workshop_ideas.author_id": "workshop_ideas",
    "workshop_comments.author_id": "workshop_comments",
    "workshop_reactions.person_id": "workshop_reactions",
    "workshop_votes.person_id": "workshop_votes",
    "concepts.owner_person_id": "concepts",
    "lesson_links.linked_by": "lesson_links",
    "organisations.updated_by": "last_changed.organisations",
    "offers.updated_by": "last_changed.offers",
    "events.updated_by": "last_changed.events",
    "fees.updated_by": "last_changed.fees",
    "package_settings.updated_by": "last_changed.package_settings",
    "cluster_plans.updated_by": "last_changed.cluster_plans",
    "mobilisation_settings.updated_by": "last_changed.mobilisation_settings",
}


class AdminMixin:
    """Counts, emptiness, backup, one person's record and the research views."""

    def status(self, who: Identity) -> dict:
        """Counts of what the caller's cluster holds (every cluster, for the system), and the schema version."""
        cluster_id = scope(who, "status")
        orgs, people, offers, docs = s.organisations, s.people, s.offers, s.documents

        def mine(q, via=None):
            """Limit ``q`` to the caller's cluster: directly, or through ``via``'s organisation."""
            if cluster_id is None:
                return q
            if via is people:
                return q.where(people.c.cluster_id == cluster_id)
            if via is not None:
                q = q.join(orgs, orgs.c.id == via.c.organisation_id)
            return q.where(orgs.c.cluster_id == cluster_id)

        with reading(self.engine, who) as c:
            def count(q, via=None):
                return c.execute(mine(q, via)).scalar_one()
            return {
                "organisations": count(select(func.count()).select_from(orgs)),
                "people": count(select(func.count()).select_from(people).where(people.c.erased_at.is_(None)), people),
                "municipalities": count(select(func.count(distinct(orgs.c.municipality)))),
                "countries": count(select(func.count(distinct(orgs.c.country)))),
                "offers": count(select(func.count()).select_from(offers).where(offers.c.removed_at.is_(None)), offers),
                "canvases": count(select(func.count()).select_from(docs).where(docs.c.kind == "canvas"), docs),
                "organisations_with_sdg_assessment": count(
                    select(func.count(distinct(docs.c.organisation_id))).where(docs.c.kind == "sdg"), docs),
                "packages": count(select(func.count()).select_from(docs).where(docs.c.kind == "package"), docs),
                "schema_version": current_version(self.engine),
            }

    def is_empty(self, who: Identity) -> bool:
        """True when no cluster, organisation or person is stored (for the system identity)."""
        require(who, "admin")
        with reading(self.engine, who) as c:
            return all(c.execute(select(func.count()).select_from(t)).scalar_one() == 0
                       for t in (s.clusters, s.organisations, s.people))

    def backup(self, who: Identity, folder: Path) -> Path:
        """Write the whole database as an export archive into ``folder``; returns its path.

        The backup is the checksummed archive ``klynge export`` writes (see :mod:`klynge.archive`),
        on SQLite and PostgreSQL alike, so ``klynge db restore`` (or ``klynge import --replace``)
        reads it back. Like every archive it holds no sign-in keys. For the system identity only.
        """
        require(who, "admin")
        from ..archive import backup_archive  # the archive format is built on this package

        return backup_archive(self, folder)

    def clear(self, who: Identity, *, replace: bool, backup_folder: Path | None = None) -> Path | None:
        """Empty the database before a load. Refuses a non-empty one unless ``replace``.

        With ``replace``, a backup is written first and its path returned. The audit log stays:
        it is the server's record of what was done, a restore included.

        Raises
        ------
        NotEmpty
            When the database holds data and ``replace`` is false.
        """
        require(who, "admin")
        if self.is_empty(who):
            return None
        if not replace:
            raise NotEmpty("the database already holds a cluster; add --replace to overwrite it "
                           "(a backup is written first)")
        if backup_folder is None:
            raise ValueError("replacing a database needs a folder for its backup")
        path = self.backup(who, backup_folder)
        with writing(self.engine, who) as c:
            for table in reversed(s.metadata.sorted_tables):
                if table not in (s.meta, s.audit_log):  # the log outlives a restore
                    c.execute(table.delete())
        return path

    def person_record(self, who: Identity, person_id: int, *, export: bool = False) -> dict:
        """Everything stored about one person, as JSON-safe values (what a person may ask to see).

        Their row; their organisation and its sub-clusters; their sign-in keys and sessions without
        the secrets (no key digest, no session id); every document revision they saved, with its
        content (private notes included); every earlier version they saved of a row that keeps its
        history (``row_history``: profiles, offers, lessons, events, decisions, fees, maturity
        answers, see :data:`~klynge.store.schema.HISTORY_ENTITIES`); the lessons they wrote or last
        edited; their concept revisions; their invitations, requests to join, events, the attendance
        rows resolved to them and their hours; the organisations and offers they last changed. An
        erased person keeps their id and dates only. Also what they did in the cluster's work: the
        decisions they wrote or last edited, the maturity answers they last saved and the snapshots they
        took, the library items they shared or removed (without the text read out of a file), the
        research consents they gave, the join requests they decided (without who asked), the hours they
        entered for others (without whose), the workshop rounds they opened or closed, the groups,
        ideas and comments they made, their reactions and dots (with the idea's text, never other
        people's), the concepts they own (without the body; their versions are in
        ``concept_revisions``), the lesson links they set, and the events, fees and settings they last
        changed. :data:`RECORD_SOURCES` names the part for every column that names a person. For the
        person themself and the system
        identity: the record holds private notes. With ``export`` (a download, not a look), the
        audit log records it in the same transaction. Every list in it is counted in the person's
        summary (:data:`klynge.widgets.rights_service.RECORD_PARTS`).

        Raises
        ------
        NotFound
            When no person has that id.
        AccessDenied
            When the caller is someone else (a facilitator included).
        """
        p, k, se, d, r, h = s.people, s.keys, s.sessions, s.documents, s.revisions, s.row_history
        with (writing if export else reading)(self.engine, who) as c:
            person = c.execute(select(p).where(p.c.id == person_id)).mappings().first()
            if person is None:
                require(who, "admin")  # whether an id exists is for the system to learn
                raise NotFound(f"no person with id {person_id}")
            require_own_record(who, person_id, person["cluster_id"])
            if export:
                self._audit(c, who, "export_person", cluster_id=person["cluster_id"], subject_kind="person",
                            subject_id=person_id)

            def rows(q, *columns):
                return [{col.name: _to_json(row[col.name], col) for col in columns}
                        for row in c.execute(q).mappings()]

            organisation, oid = None, person["organisation_id"]
            if oid is not None:
                o, ms, sc = s.organisations, s.memberships, s.subclusters
                (organisation,) = rows(select(o.c.id, o.c.name).where(o.c.id == oid), o.c.id, o.c.name)
                organisation["subclusters"] = sorted(c.execute(
                    select(sc.c.slug).join(ms, ms.c.subcluster_id == sc.c.id).where(ms.c.organisation_id == oid))
                    .scalars())
            key_columns = (k.c.id, k.c.created_at, k.c.expires_at, k.c.revoked_at, k.c.last_used_at)
            session_columns = (se.c.key_id, se.c.created_at, se.c.ended_at)
            revision_columns = (d.c.kind, d.c.organisation_id, d.c.name, r.c.number, r.c.saved_at,
                                r.c.restored_from, r.c.body)
            history_columns = (h.c.entity, h.c.entity_id, h.c.version, h.c.saved_at, h.c.body)
            concept_columns = tuple(col for col in s.concept_revisions.columns if col.name != "author_id")
            return {
                "person": {col.name: _to_json(person[col.name], col) for col in p.columns},
                "organisation": organisation,
                "keys": rows(select(*key_columns).where(k.c.person_id == person_id)
                             .order_by(k.c.created_at, k.c.id), *key_columns),
                "sessions": rows(select(*session_columns).where(se.c.person_id == person_id)
                                 .order_by(se.c.created_at, se.c.key_id), *session_columns),
                "revisions": rows(select(*revision_columns).join(d, d.c.id == r.c.document_id)
                                  .where(r.c.author_id == person_id).order_by(r.c.saved_at, r.c.id),
                                  *revision_columns),
                "row_history": rows(select(*history_columns).where(h.c.author_id == person_id)
                                    .order_by(h.c.saved_at, h.c.id), *history_columns),
                # lessons they wrote or last edited (earlier versions are in row_history)
                "lessons": rows(select(*s.lessons.columns).where(or_(s.lessons.c.author_id == person_id,
                                                                     s.lessons.c.updated_by == person_id))
                                .order_by(s.lessons.c.id), *s.lessons.columns),
                **self._mobilisation_record(c, rows, person_id),
                **self._work_record(c, rows, person_id),
                **self._workshop_record(c, rows, person_id),
                # every concept revision they saved (start, edit, promote, drop), with its content
                "concept_revisions": rows(select(*concept_columns).where(s.concept_revisions.c.author_id == person_id)
                                          .order_by(s.concept_revisions.c.saved_at, s.concept_revisions.c.id),
                                          *concept_columns),
                "last_changed": {
                    "organisations": sorted(c.execute(select(s.organisations.c.id)
                                                      .where(s.organisations.c.updated_by == person_id)).scalars()),
                    "offers": sorted(c.execute(select(s.offers.c.id)
                                               .where(s.offers.c.updated_by == person_id)).scalars()),
                    "events": sorted(c.execute(select(s.events.c.id)
                                               .where(s.events.c.updated_by == person_id)).scalars()),
                    "fees": sorted(c.execute(select(s.fees.c.id).where(s.fees.c.updated_by == person_id)).scalars()),
                    # the cluster's settings (one row per cluster): the cluster's id
                    **{t.name: sorted(c.execute(select(t.c.cluster_id).where(t.c.updated_by == person_id)).scalars())
                       for t in (s.package_settings, s.cluster_plans, s.mobilisation_settings)},
                },
            }

    @staticmethod
    def _mobilisation_record(c, rows, person_id: int) -> dict:
        """The person's invitations (received and sent), requests to join, events, attendance and hours."""
        inv, jr, ep, au, hr = s.invitations, s.join_requests, s.event_people, s.attendance_unmatched, s.hours
        invitation_columns = [col for col in inv.columns if col.name not in ("cluster_id", "key_id")]
        return {
            "invitations_received": rows(select(*invitation_columns).where(inv.c.person_id == person_id)
                                         .order_by(inv.c.id), *invitation_columns),
            "invitations_sent": rows(select(*invitation_columns).where(inv.c.inviter_id == person_id)
                                     .order_by(inv.c.id), *invitation_columns),
            "join_requests": rows(select(*jr.columns).where(jr.c.person_id == person_id).order_by(jr.c.id),
                                  *jr.columns),
            "events": rows(select(*ep.columns).where(ep.c.person_id == person_id).order_by(ep.c.event_id),
                           *ep.columns),
            "attendance_rows_resolved_to_them": rows(
                select(*au.columns).where(au.c.resolved_person_id == person_id).order_by(au.c.id), *au.columns),
            "hours": rows(select(*hr.columns).where(hr.c.person_id == person_id).order_by(hr.c.day, hr.c.id),
                          *hr.columns),
        }

    @staticmethod
    def _work_record(c, rows, person_id: int) -> dict:
        """The decisions, maturity answers and snapshots, library items, research consents, join requests
        decided, hours entered for others, concepts owned and lesson links of one person."""
        de, ma, ms, li, rc = s.decisions, s.maturity_answers, s.maturity_snapshots, s.library_items, s.research_consents
        jr, hr, co, ll = s.join_requests, s.hours, s.concepts, s.lesson_links
        library_columns = [col for col in li.columns if col.name != "text"]  # the text read out of a file
        decided_columns = [col for col in jr.columns if col.name != "person_id"]  # who asked is theirs
        entered_columns = [col for col in hr.columns if col.name != "person_id"]  # whose hours is theirs
        concept_columns = [col for col in co.columns if col.name != "body"]
        return {
            "decisions": rows(select(*de.columns).where(or_(de.c.author_id == person_id, de.c.updated_by == person_id))
                              .order_by(de.c.id), *de.columns),
            "maturity_answers": rows(select(*ma.columns).where(ma.c.updated_by == person_id).order_by(ma.c.id),
                                     *ma.columns),
            "maturity_snapshots": rows(select(*ms.columns).where(ms.c.author_id == person_id).order_by(ms.c.id),
                                       *ms.columns),
            "library_items": rows(select(*library_columns).where(or_(li.c.shared_by == person_id,
                                                                     li.c.removed_by == person_id))
                                  .order_by(li.c.id), *library_columns),
            "research_consents": rows(select(*rc.columns).where(rc.c.given_by == person_id).order_by(rc.c.id),
                                      *rc.columns),
            "join_requests_decided": rows(select(*decided_columns).where(jr.c.decided_by == person_id)
                                          .order_by(jr.c.id), *decided_columns),
            "hours_entered": rows(select(*entered_columns).where(hr.c.created_by == person_id,
                                                                 hr.c.person_id != person_id)
                                  .order_by(hr.c.day, hr.c.id), *entered_columns),
            "concepts": rows(select(*concept_columns).where(co.c.owner_person_id == person_id).order_by(co.c.id),
                             *concept_columns),
            "lesson_links": rows(select(*ll.columns).where(ll.c.linked_by == person_id).order_by(ll.c.id),
                                 *ll.columns),
        }

    @staticmethod
    def _workshop_record(c, rows, person_id: int) -> dict:
        """The workshop rounds one person opened or closed, and the groups, ideas, comments, reactions and dots
        they made; a reaction or a dot comes with the idea's text, never with who else reacted or voted."""
        wr, wg, wi, wc = s.workshop_rounds, s.workshop_groups, s.workshop_ideas, s.workshop_comments
        re_, wv = s.workshop_reactions, s.workshop_votes
        idea_text = wi.c.text.label("idea_text")
        reaction_columns, vote_columns = (*re_.columns, idea_text), (*wv.columns, idea_text)
        return {
            "workshop_rounds": rows(select(*wr.columns).where(or_(wr.c.opened_by == person_id,
                                                                  wr.c.closed_by == person_id))
                                    .order_by(wr.c.id), *wr.columns),
            "workshop_groups": rows(select(*wg.columns).where(wg.c.created_by == person_id).order_by(wg.c.id),
                                    *wg.columns),
            "workshop_ideas": rows(select(*wi.columns).where(wi.c.author_id == person_id).order_by(wi.c.id),
                                   *wi.columns),
            "workshop_comments": rows(select(*wc.columns).where(wc.c.author_id == person_id).order_by(wc.c.id),
                                      *wc.columns),
            "workshop_reactions": rows(select(*reaction_columns).join(wi, wi.c.id == re_.c.idea_id)
                                       .where(re_.c.person_id == person_id).order_by(re_.c.idea_id, re_.c.kind),
                                       *reaction_columns),
            "workshop_votes": rows(select(*vote_columns).join(wi, wi.c.id == wv.c.idea_id)
                                   .where(wv.c.person_id == person_id).order_by(wv.c.idea_id), *vote_columns),
        }

    def research_tables(self, who: Identity, key: bytes | None = None) -> dict[str, list[dict]]:
        """Tidy tables for researchers: no names, numbers, e-mails, private entries or unconsented text.

        Organisations appear under a pseudonym: ``org-`` and twelve hex digits of an HMAC of their id
        with ``key``, so the same key gives the same pseudonyms and another key others; without a
        key, a salted hash stable within one database. Offers, SDG entries, shared notes and
        package partnerships refer to those pseudonyms. An SDG entry or a note its organisation
        marked private is never among them, whoever asks; a note is there only while its
        organisation consents to research use (:mod:`klynge.store.consent`), with every name,
        e-mail address and organisation number of the cluster blanked out of its text; a private
        package gives no partnership.
        """
        cluster_id = scope(who, "research")
        salt = self._salt() if key is None else ""

        def alias(org_id: int) -> str:
            if key is not None:
                return "org-" + hmac.new(key, str(org_id).encode(), hashlib.sha256).hexdigest()[:12]
            return "org-" + hashlib.sha256(f"{salt}:{org_id}".encode()).hexdigest()[:10]

        with reading(self.engine, who) as c:
            q = select(s.organisations)
            if cluster_id is not None:
                q = q.where(s.organisations.c.cluster_id == cluster_id)
            rows = c.execute(q).mappings().all()
            ids = [r["id"] for r in rows]
            agreed = consenting(c, ids)
            orgs = [{"organisation": alias(r["id"]), "kind": r["kind"], "sector": r["sector"],
                     "country": r["country"], "municipality": r["municipality"], "size": r["size"],
                     "phase": r["phase"], "certifications": list(r["certifications"]),
                     "notes_consented": r["id"] in agreed} for r in rows]
            offers = [{"organisation": alias(r["organisation_id"]), "kind": r["kind"],
                       "municipality": r["municipality"], "months": list(r["months"]),
                       "capacity_per_day": r["capacity_per_day"], "capacity_unit": r["capacity_unit"],
                       "price": float(r["price_amount"]), "price_unit": r["price_unit"],
                       "price_guests": r["price_guests"], "price_nights": r["price_nights"],
                       "currency": r["currency"], "vat_included": r["vat_included"], "trend": r["trend"]}
                      for r in c.execute(select(s.offers).where(s.offers.c.removed_at.is_(None),
                                                                 s.offers.c.organisation_id.in_(ids))).mappings()]
            heads = self._heads(c, "sdg", cluster_id)
            canvases = [rev for rev in self._heads(c, "canvas", cluster_id) if rev.organisation_id in agreed]
            packages = self._heads(c, "package", cluster_id)
            blank = _identifiers(c, rows, cluster_id) if canvases else None
        sdg = [{"organisation": alias(rev.organisation_id), "target": target,
                "relevance": entry["relevance"], "impact": entry["impact"]}
               for rev in heads for target, entry in rev.items.items()
               if entry.get("confirmed", True) and entry.get("visibility", "cluster") != "private"]
        notes = [{"organisation": alias(rev.organisation_id), "template": rev.document, "block": note.get("block", ""),
                  "text": blank(note.get("text", ""))}
                 for rev in canvases for note in rev.items.values()
                 if note.get("visibility", "cluster") != "private" and str(note.get("text", "")).strip()]
        pairs: dict[tuple[str, str], int] = {}
        for rev in packages:
            if rev.items.get("visibility", "cluster") == "private":
                continue
            members = sorted({alias(p["organisation_id"]) for p in rev.items.get("components", [])
                              if p.get("organisation_id") in ids})
            for i, a in enumerate(members):
                for b in members[i + 1:]:
                    pairs[a, b] = pairs.get((a, b), 0) + 1
        partners = [{"organisation_a": a, "organisation_b": b, "packages": n} for (a, b), n in sorted(pairs.items())]
        orgs.sort(key=lambda r: r["organisation"])
        offers.sort(key=lambda r: (r["organisation"], r["kind"], r["months"]))
        sdg.sort(key=lambda r: (r["organisation"], r["target"]))
        notes.sort(key=lambda r: (r["organisation"], r["template"], r["block"], r["text"]))
        return {"organisations": orgs, "offers": offers, "sdg": sdg, "notes": notes, "partners": partners}

    def _salt(self) -> str:
        with writing(self.engine) as c:
            salt = c.execute(select(s.meta.c.value).where(s.meta.c.key == "pseudonym_salt")).scalar()
            if salt is None:
                salt = secrets.token_hex(16)
                c.execute(s.meta.insert().values(key="pseudonym_salt", value=salt))
        return salt


def _identifiers(c, organisations, cluster_id: int | None):
    """A function that blanks out of a text every organisation's name and number and every person's name and e-mail.

    Person names are blanked whole and word by word (a first name alone still names someone);
    organisation numbers with or without spaces, dots or dashes between their digits.
    """
    p = s.people
    q = select(p.c.name, p.c.email).where(p.c.erased_at.is_(None))
    if cluster_id is not None:
        q = q.where(p.c.cluster_id == cluster_id)
    people = c.execute(q).all()
    words = {o["name"] for o in organisations} | {e for _, e in people if e}
    words |= {n for n, _ in people if n} | {part for n, _ in people if n for part in n.split() if len(part) >= 3}
    patterns = [re.escape(w.strip()) for w in sorted(words, key=len, reverse=True) if w and w.strip()]
    for o in organisations:
        digits = re.sub(r"\D", "", o["orgnr"] or "")
        if digits:
            patterns.append(r"[\s.\-]?".join(digits))
    found = re.compile(r"(?<!\w)(?:" + "|".join(patterns) + r")(?!\w)", re.IGNORECASE) if patterns else None
    return lambda text: found.sub("[…]", str(text)) if found else str(text)
