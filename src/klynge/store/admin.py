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
from .access import Identity, require
from .engine import reading, writing
from .migrate import current_version

__all__ = ["AdminMixin"]


class AdminMixin:
    """Counts, emptiness, backup and the research views."""

    def status(self, who: Identity) -> dict:
        """Counts of what the database holds, and its schema version."""
        require(who, "research" if who.role == "researcher" else "read_register")
        with reading(self.engine) as c:
            def count(q):
                return c.execute(q).scalar_one()
            live_offers = s.offers.c.removed_at.is_(None)
            return {
                "organisations": count(select(func.count()).select_from(s.organisations)),
                "people": count(select(func.count()).select_from(s.people).where(s.people.c.erased_at.is_(None))),
                "municipalities": count(select(func.count(distinct(s.organisations.c.municipality)))),
                "countries": count(select(func.count(distinct(s.organisations.c.country)))),
                "offers": count(select(func.count()).select_from(s.offers).where(live_offers)),
                "canvases": count(select(func.count()).select_from(s.documents).where(s.documents.c.kind == "canvas")),
                "organisations_with_sdg_assessment": count(select(func.count(distinct(s.documents.c.organisation_id)))
                                                           .where(s.documents.c.kind == "sdg")),
                "packages": count(select(func.count()).select_from(s.documents).where(s.documents.c.kind == "package")),
                "schema_version": current_version(self.engine),
            }

    def is_empty(self) -> bool:
        """True when no cluster, organisation or person is stored."""
        with reading(self.engine) as c:
            return all(c.execute(select(func.count()).select_from(t)).scalar_one() == 0
                       for t in (s.clusters, s.organisations, s.people))

    def backup(self, folder: Path) -> Path:
        """Copy the whole database to a file in ``folder``; returns its path.

        A SQLite database is copied with SQLite's online backup; any other database is written
        as JSON lines, one table after the other.
        """
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
        with reading(self.engine) as c, target.open("w", encoding="utf-8") as out:
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
        if self.is_empty():
            return None
        if not replace:
            raise NotEmpty("the database already holds a cluster; add --replace to overwrite it "
                           "(a backup is written first)")
        if backup_folder is None:
            raise KlyngeError("replacing a database needs a folder for its backup")
        path = self.backup(backup_folder)
        with writing(self.engine) as c:
            for table in reversed(s.metadata.sorted_tables):
                if table is not s.meta:
                    c.execute(table.delete())
        return path

    def research_tables(self, who: Identity) -> dict[str, list[dict]]:
        """Tidy tables for researchers: no names, numbers, e-mails or free text.

        Organisations appear under a pseudonym (a salted hash, stable within one database), with
        their kind, sector, municipality code, size, phase and certifications; offers and SDG
        entries refer to those pseudonyms.
        """
        require(who, "research")
        salt = self._salt()

        def alias(org_id: int) -> str:
            return "org-" + hashlib.sha256(f"{salt}:{org_id}".encode()).hexdigest()[:10]

        with reading(self.engine) as c:
            q = select(s.organisations)
            if who.cluster_id:
                q = q.where(s.organisations.c.cluster_id == who.cluster_id)
            orgs = [{"organisation": alias(r["id"]), "kind": r["kind"], "sector": r["sector"],
                     "country": r["country"], "municipality": r["municipality"], "size": r["size"],
                     "phase": r["phase"], "certifications": list(r["certifications"])}
                    for r in c.execute(q).mappings()]
            ids = [r["id"] for r in c.execute(q).mappings()]
            offers = [{"organisation": alias(r["organisation_id"]), "kind": r["kind"],
                       "municipality": r["municipality"], "months": list(r["months"]),
                       "capacity_per_day": r["capacity_per_day"], "price": float(r["price_amount"]),
                       "currency": r["currency"], "vat_included": r["vat_included"], "trend": r["trend"]}
                      for r in c.execute(select(s.offers).where(s.offers.c.removed_at.is_(None),
                                                                 s.offers.c.organisation_id.in_(ids))).mappings()]
        sdg = [{"organisation": alias(rev.organisation_id), "target": target,
                "relevance": entry["relevance"], "impact": entry["impact"]}
               for rev in self.current_documents(Identity.system(), "sdg") if rev.organisation_id in ids
               for target, entry in rev.items.items() if entry.get("confirmed", True)]
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
