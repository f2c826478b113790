"""Whole-database work: status counts, backups, replacing a database, the research views."""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import datetime
from pathlib import Path

from sqlalchemy import distinct, func, select

from ..errors import KlyngeError, NotEmpty
from . import schema as s
from .access import Identity, require, scope
from .engine import reading, writing
from .migrate import current_version

__all__ = ["AdminMixin"]


class AdminMixin:
    """Counts, emptiness, backup and the research views."""

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
        """Copy the whole database to a file in ``folder``; returns its path.

        A SQLite database is copied with SQLite's online backup; any other database is written
        as JSON lines, one table after the other. For the system identity only.
        """
        require(who, "admin")
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        if self.engine.dialect.name == "sqlite":
            target = folder / f"klynge-backup-{stamp}.db"
            import sqlite3
            with self.engine.connect() as conn:
                source = conn.connection.dbapi_connection
                dest = sqlite3.connect(target)
                try:
                    source.backup(dest)
                finally:
                    dest.close()
            return target
        target = folder / f"klynge-backup-{stamp}.jsonl"
        with reading(self.engine, who) as c, target.open("w", encoding="utf-8") as out:
            for table in s.metadata.sorted_tables:
                for row in c.execute(select(table)).mappings():
                    out.write(json.dumps({"table": table.name, "row": dict(row)}, default=str) + "\n")
        return target

    def clear(self, who: Identity, *, replace: bool, backup_folder: Path | None = None) -> Path | None:
        """Empty the database before a load. Refuses a non-empty one unless ``replace``.

        With ``replace``, a backup is written first and its path returned.

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
            raise KlyngeError("replacing a database needs a folder for its backup")
        path = self.backup(who, backup_folder)
        with writing(self.engine, who) as c:
            for table in reversed(s.metadata.sorted_tables):
                if table is not s.meta:
                    c.execute(table.delete())
        return path

    def research_tables(self, who: Identity) -> dict[str, list[dict]]:
        """Tidy tables for researchers: no names, numbers, e-mails, free text or private entries.

        Organisations appear under a pseudonym (a salted hash, stable within one database), with
        their kind, sector, municipality code, size, phase and certifications; offers and SDG
        entries refer to those pseudonyms. An SDG entry its organisation marked private is never
        among them, whoever asks.
        """
        cluster_id = scope(who, "research")
        salt = self._salt()

        def alias(org_id: int) -> str:
            return "org-" + hashlib.sha256(f"{salt}:{org_id}".encode()).hexdigest()[:10]

        with reading(self.engine, who) as c:
            q = select(s.organisations)
            if cluster_id is not None:
                q = q.where(s.organisations.c.cluster_id == cluster_id)
            rows = c.execute(q).mappings().all()
            orgs = [{"organisation": alias(r["id"]), "kind": r["kind"], "sector": r["sector"],
                     "country": r["country"], "municipality": r["municipality"], "size": r["size"],
                     "phase": r["phase"], "certifications": list(r["certifications"])} for r in rows]
            ids = [r["id"] for r in rows]
            offers = [{"organisation": alias(r["organisation_id"]), "kind": r["kind"],
                       "municipality": r["municipality"], "months": list(r["months"]),
                       "capacity_per_day": r["capacity_per_day"], "price": float(r["price_amount"]),
                       "currency": r["currency"], "vat_included": r["vat_included"], "trend": r["trend"]}
                      for r in c.execute(select(s.offers).where(s.offers.c.removed_at.is_(None),
                                                                 s.offers.c.organisation_id.in_(ids))).mappings()]
            heads = self._heads(c, "sdg", cluster_id)
        sdg = [{"organisation": alias(rev.organisation_id), "target": target,
                "relevance": entry["relevance"], "impact": entry["impact"]}
               for rev in heads for target, entry in rev.items.items()
               if entry.get("confirmed", True) and entry.get("visibility", "cluster") != "private"]
        orgs.sort(key=lambda r: r["organisation"])
        offers.sort(key=lambda r: (r["organisation"], r["kind"], r["months"]))
        return {"organisations": orgs, "offers": offers, "sdg": sdg}

    def _salt(self) -> str:
        with writing(self.engine) as c:
            salt = c.execute(select(s.meta.c.value).where(s.meta.c.key == "pseudonym_salt")).scalar()
            if salt is None:
                salt = secrets.token_hex(16)
                c.execute(s.meta.insert().values(key="pseudonym_salt", value=salt))
        return salt
