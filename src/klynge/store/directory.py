"""The member register: the cluster, its organisations, people and offers.

Organisations and offers are edited in place, but every earlier version is kept in
``row_history`` and an update must name the version it started from: a stale update is a
:class:`~klynge.errors.Conflict`, never an overwrite.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Connection, Table, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..errors import Clash, Conflict, NotFound, ValidationError
from ..model import Cluster, Money, Offer, Organisation, Person, SubCluster
from . import schema as s
from .access import Identity, decide, require, scope
from .engine import reading, writing
from .records import Versioned, now

__all__ = ["DirectoryMixin"]

_ORG_FIELDS = ("name", "kind", "sector", "country", "orgnr", "municipality", "lat", "lon", "size",
               "employees", "phase", "certifications", "needs", "description", "website")


def _org_row(org: Organisation) -> dict:
    return {f: getattr(org, f) for f in _ORG_FIELDS}


def _offer_row(offer: Offer) -> dict:
    row = offer.model_dump(exclude={"id", "price"})
    row.update(price_amount=offer.price.amount, currency=offer.price.currency,
               vat_included=offer.price.vat_included)
    return row


def _offer(row) -> Offer:
    data = {k: row[k] for k in Offer.model_fields if k != "price"}
    data["price"] = Money(amount=Decimal(str(row["price_amount"])), currency=row["currency"],
                          vat_included=row["vat_included"])
    return Offer.model_validate(data)


def _json(row: dict) -> dict:
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in row.items()}


class DirectoryMixin:
    """Clusters, organisations, people and offers."""

    # -- clusters -----------------------------------------------------------------------
    def create_cluster(self, who: Identity, cluster: Cluster) -> int:
        """Create a cluster with its sub-clusters; returns its id."""
        require(who, "admin")
        with writing(self.engine, who) as c:
            cid = c.execute(insert(s.clusters).values(
                name=cluster.name, description=cluster.description, created_at=now())).inserted_primary_key[0]
            for sub in cluster.subclusters:
                c.execute(insert(s.subclusters).values(cluster_id=cid, **sub.model_dump()))
        return cid

    def cluster(self, who: Identity, cluster_id: int | None = None) -> Cluster:
        """The caller's cluster (or the first one, for the system identity)."""
        cluster_id = cluster_id or who.cluster_id
        with reading(self.engine, who) as c:
            q = select(s.clusters)
            q = q.where(s.clusters.c.id == cluster_id) if cluster_id else q.order_by(s.clusters.c.id)
            row = c.execute(q).mappings().first()
            if row is None:
                require(who, "read_register", cluster_id=cluster_id)
                raise NotFound("no cluster yet: load one with `klynge demo` or `klynge import`")
            require(who, "read_register", cluster_id=row["id"])
            subs = c.execute(select(s.subclusters.c.slug, s.subclusters.c.name, s.subclusters.c.description)
                             .where(s.subclusters.c.cluster_id == row["id"]).order_by(s.subclusters.c.slug))
            return Cluster(id=row["id"], name=row["name"], description=row["description"],
                           subclusters=[SubCluster(**r._mapping) for r in subs])

    # -- organisations ------------------------------------------------------------------
    def add_organisation(self, who: Identity, org: Organisation, cluster_id: int) -> int:
        """Register an organisation in a cluster; returns its id."""
        require(who, "manage", cluster_id=cluster_id)
        with writing(self.engine, who) as c:
            self._check_unique_orgnr(c, org)
            oid = c.execute(insert(s.organisations).values(
                cluster_id=cluster_id, version=1, updated_at=now(), updated_by=who.person_id,
                **_org_row(org))).inserted_primary_key[0]
            self._set_memberships(c, oid, cluster_id, org.subclusters)
        return oid

    def organisation(self, who: Identity, organisation_id: int) -> Versioned[Organisation]:
        """One organisation with the version an update must name."""
        with reading(self.engine, who) as c:
            row = c.execute(select(s.organisations).where(s.organisations.c.id == organisation_id)).mappings().first()
            if row is None:
                raise NotFound(f"no organisation with id {organisation_id}")
            require(who, "read_register", cluster_id=row["cluster_id"])
            return Versioned(self._org(c, row), row["version"])

    def organisations(self, who: Identity) -> list[Organisation]:
        """Every organisation of the caller's cluster, by name."""
        cluster_id = scope(who, "read_register")
        with reading(self.engine, who) as c:
            q = select(s.organisations).order_by(s.organisations.c.name, s.organisations.c.id)
            if cluster_id is not None:
                q = q.where(s.organisations.c.cluster_id == cluster_id)
            return [self._org(c, row) for row in c.execute(q).mappings()]

    def update_organisation(self, who: Identity, org: Organisation, base_version: int) -> int:
        """Save an edited profile made from ``base_version``; returns the new version."""
        if org.id is None:
            raise NotFound("an organisation to update needs its id")
        with writing(self.engine, who) as c:
            row = c.execute(select(s.organisations).where(s.organisations.c.id == org.id)).mappings().first()
            if row is None:
                raise NotFound(f"no organisation with id {org.id}")
            require(who, "write_register", organisation_id=org.id, cluster_id=row["cluster_id"])
            if org.orgnr != row["orgnr"] or org.country != row["country"]:
                self._check_unique_orgnr(c, org)
            old = self._org(c, row)
            version = self._bump(c, s.organisations, "organisation", row, base_version, who,
                                 _json(old.model_dump(mode="json")), _org_row(org))
            self._set_memberships(c, org.id, row["cluster_id"], org.subclusters)
        return version

    def _org(self, c: Connection, row) -> Organisation:
        subs = c.execute(select(s.subclusters.c.slug).join(s.memberships)
                         .where(s.memberships.c.organisation_id == row["id"]).order_by(s.subclusters.c.slug)).scalars()
        data = {f: row[f] for f in _ORG_FIELDS}
        return Organisation.model_construct(id=row["id"], subclusters=list(subs), **data)

    def _check_unique_orgnr(self, c: Connection, org: Organisation) -> None:
        other = c.execute(select(s.organisations.c.name).where(
            s.organisations.c.country == org.country, s.organisations.c.orgnr == org.orgnr,
            s.organisations.c.id != (org.id or 0))).scalar()
        if other is not None:
            raise ValidationError([("orgnr", f"{org.orgnr} is already registered for {other}")])

    def _set_memberships(self, c: Connection, oid: int, cluster_id: int, slugs: list[str]) -> None:
        c.execute(s.memberships.delete().where(s.memberships.c.organisation_id == oid))
        if not slugs:
            return
        found = dict(c.execute(select(s.subclusters.c.slug, s.subclusters.c.id).where(
            s.subclusters.c.cluster_id == cluster_id, s.subclusters.c.slug.in_(slugs))).all())
        missing = sorted(set(slugs) - found.keys())
        if missing:
            raise ValidationError([("subclusters", f"unknown sub-cluster: {', '.join(missing)}")])
        c.execute(insert(s.memberships), [{"organisation_id": oid, "subcluster_id": found[x]} for x in slugs])

    def _bump(self, c: Connection, table: Table, entity: str, row, base_version: int,
              who: Identity, old_body: dict, values: dict) -> int:
        """Keep the old row in the history and write the new one, if nobody saved in between."""
        if entity not in s.HISTORY_ENTITIES:  # a person's summary names each kind: a new one is named first
            raise ValueError(f"row_history keeps no {entity!r}; add it to schema.HISTORY_ENTITIES")
        if row["version"] != base_version:
            by = self._name(c, row["updated_by"])
            raise Conflict([Clash(item_id=f"{entity} {row['id']}", base=None, theirs=None, mine=None)],
                           [by], row["version"])
        c.execute(insert(s.row_history).values(
            entity=entity, entity_id=row["id"], version=row["version"], body=old_body,
            author_id=row["updated_by"], saved_at=row["updated_at"]))
        result = c.execute(update(table).where(table.c.id == row["id"], table.c.version == base_version)
                           .values(version=base_version + 1, updated_at=now(), updated_by=who.person_id, **values))
        if result.rowcount != 1:
            raise Conflict([], [self._name(c, None)], base_version + 1)
        return base_version + 1

    def row_versions(self, who: Identity, entity: str, entity_id: int) -> list[Versioned[dict]]:
        """Earlier versions of an organisation or offer, oldest first (for who may edit it)."""
        with reading(self.engine, who) as c:
            owner = entity_id if entity == "organisation" else self._offer_owner(c, entity_id)
            self._require_org_write(c, who, owner)
            rows = c.execute(select(s.row_history.c.body, s.row_history.c.version).where(
                s.row_history.c.entity == entity, s.row_history.c.entity_id == entity_id)
                .order_by(s.row_history.c.version))
            return [Versioned(r.body, r.version) for r in rows]

    # -- people -------------------------------------------------------------------------
    def add_person(self, who: Identity, person: Person, cluster_id: int) -> int:
        """Register a person; their e-mail must be new to the database."""
        require(who, "manage", cluster_id=cluster_id)
        try:
            with writing(self.engine, who) as c:
                return c.execute(insert(s.people).values(
                    cluster_id=cluster_id, organisation_id=person.organisation_id, name=person.name,
                    email=person.email, role=person.role, created_at=now())).inserted_primary_key[0]
        except IntegrityError:
            raise ValidationError([("email", f"{person.email} is already registered")]) from None

    def person(self, who: Identity, person_id: int) -> Person:
        """One person: the caller themself, or anyone of the cluster for who manages it."""
        with reading(self.engine, who) as c:
            row = c.execute(select(s.people).where(s.people.c.id == person_id)).mappings().first()
        if row is None or row["erased_at"] is not None:
            raise NotFound(f"no person with id {person_id}")
        if who.person_id != person_id:
            require(who, "manage", cluster_id=row["cluster_id"])
        return Person.model_construct(id=row["id"], name=row["name"], email=row["email"],
                                      role=row["role"], organisation_id=row["organisation_id"])

    def person_by_email(self, who: Identity, email: str) -> Person:
        with reading(self.engine, who) as c:
            pid = c.execute(select(s.people.c.id).where(s.people.c.email == email.strip().lower())).scalar()
        if pid is None:
            raise NotFound(f"no person with e-mail {email}")
        return self.person(who, pid)

    def people(self, who: Identity, organisation_id: int | None = None) -> list[Person]:
        """People of the cluster (for who manages it), or else of the caller's own organisation."""
        if decide(who, "manage", cluster_id=who.cluster_id):
            cluster_id = who.cluster_id
        else:
            cluster_id, organisation_id = scope(who, "read_register"), who.organisation_id
        with reading(self.engine, who) as c:
            q = select(s.people).where(s.people.c.erased_at.is_(None)).order_by(s.people.c.id)
            if organisation_id is not None:
                q = q.where(s.people.c.organisation_id == organisation_id)
            if cluster_id is not None:
                q = q.where(s.people.c.cluster_id == cluster_id)
            return [Person.model_construct(id=r["id"], name=r["name"], email=r["email"], role=r["role"],
                                           organisation_id=r["organisation_id"]) for r in c.execute(q).mappings()]

    def _cluster_of_person(self, person_id: int, c: Connection) -> int:
        cid = c.execute(select(s.people.c.cluster_id).where(s.people.c.id == person_id)).scalar()
        if cid is None:
            raise NotFound(f"no person with id {person_id}")
        return cid

    def _name(self, c: Connection, person_id: int | None) -> str:
        if person_id is None:
            return "the system"
        name = c.execute(select(s.people.c.name).where(s.people.c.id == person_id)).scalar()
        return name or f"person {person_id} (erased)"

    # -- offers -------------------------------------------------------------------------
    def add_offer(self, who: Identity, offer: Offer) -> int:
        """Add an offer to its organisation; returns its id."""
        oid = offer.organisation_id or who.organisation_id
        with writing(self.engine, who) as c:
            self._require_org_write(c, who, oid)
            row = _offer_row(offer.model_copy(update={"organisation_id": oid}))
            return c.execute(insert(s.offers).values(version=1, updated_at=now(),
                                                     updated_by=who.person_id, **row)).inserted_primary_key[0]

    def offers(self, who: Identity, organisation_id: int | None = None) -> list[Versioned[Offer]]:
        """Live offers of one organisation, or of the whole cluster."""
        cluster_id = scope(who, "read_register")
        with reading(self.engine, who) as c:
            q = (select(s.offers).join(s.organisations).where(s.offers.c.removed_at.is_(None))
                 .order_by(s.offers.c.organisation_id, s.offers.c.id))
            if organisation_id is not None:
                q = q.where(s.offers.c.organisation_id == organisation_id)
            if cluster_id is not None:
                q = q.where(s.organisations.c.cluster_id == cluster_id)
            return [Versioned(_offer(r), r["version"]) for r in c.execute(q).mappings()]

    def update_offer(self, who: Identity, offer: Offer, base_version: int) -> int:
        """Save an edited offer made from ``base_version``; returns the new version."""
        return self._change_offer(who, offer.id, base_version, _offer_row(offer))

    def remove_offer(self, who: Identity, offer_id: int, base_version: int) -> int:
        """Take an offer off the list; it stays in the history."""
        return self._change_offer(who, offer_id, base_version, {"removed_at": now()})

    def _change_offer(self, who: Identity, offer_id: int | None, base_version: int, values: dict) -> int:
        values.pop("organisation_id", None)
        with writing(self.engine, who) as c:
            self._require_org_write(c, who, self._offer_owner(c, offer_id))
            row = c.execute(select(s.offers).where(s.offers.c.id == offer_id)).mappings().first()
            old = _json({k: row[k] for k in row.keys() if k not in ("updated_at", "removed_at")})
            return self._bump(c, s.offers, "offer", row, base_version, who, old, values)

    @staticmethod
    def _offer_owner(c: Connection, offer_id: int | None) -> int:
        owner = c.execute(select(s.offers.c.organisation_id).where(s.offers.c.id == offer_id)).scalar()
        if owner is None:
            raise NotFound(f"no offer with id {offer_id}")
        return owner

    @staticmethod
    def _require_org_write(c: Connection, who: Identity, organisation_id: int | None) -> None:
        """An organisation's profile and offers: its participants and the cluster's facilitators."""
        if organisation_id is None:
            raise NotFound("an offer needs the organisation it belongs to")
        cid = c.execute(select(s.organisations.c.cluster_id).where(
            s.organisations.c.id == organisation_id)).scalar()
        if cid is None:
            raise NotFound(f"no organisation with id {organisation_id}")
        require(who, "write_register", organisation_id=organisation_id, cluster_id=cid)

    def count(self, who: Identity, table: Table) -> int:
        """How many rows ``table`` holds, in every cluster: for the system identity."""
        require(who, "admin")
        with reading(self.engine, who) as c:
            return c.execute(select(func.count()).select_from(table)).scalar_one()
