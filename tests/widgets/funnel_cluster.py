"""A synthetic mobilisation funnel of any size in a real store, made with one seeded generator.

:func:`synthetic_funnel` makes a cluster with a facilitator and ``n`` organisations (kinds and
municipalities drawn from the model's and the reference's), written with plain inserts as the
invitation service and the app would leave them: the first organisations registered by the
facilitators; every later one invited by an earlier organisation (most often a well-connected
one, so a few branches grow large) or by the facilitators, its person signed in or not; one
invitee in ten who has not registered yet, some reminded; and activity: a canvas saved weeks
ago or lately, a profile edited. The same ``n`` and ``seed`` give the same cluster.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert

from klynge.model import ORGANISATION_KINDS, Cluster, ClusterPlan, Person
from klynge.reference import municipalities
from klynge.store import Identity, Store
from klynge.store import schema as s

__all__ = ["synthetic_funnel"]


def synthetic_funnel(store: Store, n: int = 2000, seed: int = 21, *, now: datetime | None = None) -> Identity:
    """A cluster of ``n`` organisations in ``store``; returns its facilitator's identity."""
    rng = random.Random(seed)
    now = now or datetime.now(UTC)
    system = Identity.system()
    cid = store.create_cluster(system, Cluster(name=f"Synthetic {n}"))
    facilitator = store.add_person(system, Person(name="Fia Facilitator", email=f"fia{seed}@synthetic.example",
                                                  role="facilitator"), cid)
    places = [m.code for m in municipalities()]
    store.save_cluster_plan(system, ClusterPlan(target_municipalities=places[:12]), cluster_id=cid)
    start = now - timedelta(days=400)
    with store.engine.begin() as c:
        orgs = c.execute(insert(s.organisations).returning(s.organisations.c.id), [dict(
            cluster_id=cid, name=f"Organisation {i} {rng.choice(('Gard', 'Fjellstue', 'Guiding', 'Bryggeri'))}",
            kind=rng.choice(ORGANISATION_KINDS), sector="food", country="NO", orgnr=f"S{seed}-{i}",
            municipality=rng.choice(places), size="micro", phase="idea", certifications=[],
            version=2 if rng.random() < 0.2 else 1, updated_at=start + timedelta(days=i * 380 / n))
            for i in range(n)]).scalars().all()
        people = c.execute(insert(s.people).returning(s.people.c.id), [dict(
            cluster_id=cid, organisation_id=oid, name=f"Person {i}", email=f"p{i}.{seed}@synthetic.example",
            role="participant", created_at=start + timedelta(days=i * 380 / n)) for i, oid in enumerate(orgs)]
        ).scalars().all()
        invitees = c.execute(insert(s.people).returning(s.people.c.id), [dict(
            cluster_id=cid, name=f"Invitee {i}", email=f"i{i}.{seed}@synthetic.example", role="invitee",
            created_at=now - timedelta(days=rng.randint(1, 60))) for i in range(n // 10)]).scalars().all()
        founders = max(1, n // 50)
        invitations = []
        weight = [1.0] * n  # an organisation that brought others is more likely to bring the next one
        for i in range(founders, n):
            at = start + timedelta(days=i * 380 / n)
            if rng.random() < 0.3:
                inviter, inviter_org = facilitator, None
            else:
                j = rng.choices(range(i), weights=weight[:i])[0]
                weight[j] += 1
                inviter, inviter_org = people[j], orgs[j]
            invitations.append(dict(
                cluster_id=cid, person_id=people[i], inviter_id=inviter, inviter_organisation_id=inviter_org,
                relation=rng.choice(("supplier", "customer", "finance", "other")), note="", lang="nb",
                created_at=at, delivery="sent", reminders=[], attempts=1, last_error="",
                accepted_at=at + timedelta(days=rng.randint(0, 9)) if rng.random() < 0.9 else None))
        for pid in invitees:
            j = rng.randrange(n)
            at = now - timedelta(days=rng.randint(1, 60))
            invitations.append(dict(
                cluster_id=cid, person_id=pid, inviter_id=people[j], inviter_organisation_id=orgs[j],
                relation="supplier", note="", lang="nb", created_at=at, delivery=rng.choice(("sent", "link", "failed")),
                reminders=[(at + timedelta(days=7)).isoformat()] if rng.random() < 0.4 else [], attempts=1,
                last_error="", accepted_at=None))
        c.execute(insert(s.invitations), invitations)
        active = [oid for oid in orgs if rng.random() < 0.6]
        docs = c.execute(insert(s.documents).returning(s.documents.c.id), [dict(
            kind="canvas", organisation_id=oid, name="business_model", created_at=start) for oid in active]
        ).scalars().all()
        c.execute(insert(s.revisions), [dict(
            document_id=d, number=1, author_id=None, saved_at=now - timedelta(days=rng.randint(1, 120)),
            body={"notes": []}) for d in docs])
    return Identity(person_id=facilitator, role="facilitator", cluster_id=cid, name="Fia Facilitator")
