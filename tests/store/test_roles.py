"""Every role against every action, across two clusters: the decision table and the store that asks it."""

from __future__ import annotations

import pytest

from klynge.errors import AccessDenied
from klynge.model import Cluster, Lesson, Money, Note, Offer, Organisation, Person
from klynge.store import Identity, bulk
from klynge.store import schema as s
from klynge.store.access import ACTIONS, decide, require

from ..conftest import SECRET

BMC = "business_model"
ROLES = ("participant", "facilitator", "researcher", "invitee", "system")

# What each role may do, on (its own organisation, another organisation of its cluster, an
# organisation of another cluster): "y" allowed, "-" refused.
DECISIONS = {
    "participant": {"read_register": "yy-", "read_documents": "yy-", "write_documents": "y--",
                    "write_register": "y--", "manage": "---", "research": "---", "status": "yy-", "admin": "---",
                    "read_decisions": "yy-", "decide": "---", "answer_maturity": "y--",
                    # hours: only their own (require_hours checks the person too); fees: never
                    "fees": "---", "log_hours": "y--", "read_hours": "y--", "funnel": "---",
                    "read_events": "yy-", "sign_up": "yy-", "sign_up_others": "---", "manage_events": "---",
                    "invite": "y--", "register": "---",
                    "read_library": "yy-", "share_library": "y--", "remove_library": "y--",
                    "research_consent": "y--", "read_research_consent": "y--",
                    # their own record only (require_own_record checks the person)
                    "read_audit": "---", "own_record": "yy-", "workshop": "yy-", "run_workshops": "---",
                    # edit only concepts their organisation owns or is a partner in (require_concept)
                    "concepts": "yy-", "steer_concepts": "---",
                    # lessons: their own organisation's only
                    "read_lessons": "yy-", "write_lessons": "y--", "link_lessons": "---"},
    "facilitator": {"read_register": "yy-", "read_documents": "yy-", "write_documents": "---",
                    "write_register": "yy-", "manage": "yy-", "research": "yy-", "status": "yy-", "admin": "---",
                    # a facilitator answers the self-assessment for the management, never for a member
                    "read_decisions": "yy-", "decide": "yy-", "answer_maturity": "---",
                    "fees": "yy-", "log_hours": "yy-", "read_hours": "yy-", "funnel": "yy-",
                    "read_events": "yy-", "sign_up": "yy-", "sign_up_others": "yy-", "manage_events": "yy-",
                    "invite": "yy-", "register": "---",
                    "read_library": "yy-", "share_library": "---", "remove_library": "yy-",
                    "research_consent": "---", "read_research_consent": "yy-",
                    "read_audit": "yy-", "own_record": "yy-", "workshop": "yy-", "run_workshops": "yy-",
                    "concepts": "yy-", "steer_concepts": "yy-",
                    "read_lessons": "yy-", "write_lessons": "yy-", "link_lessons": "yy-"},
    "researcher": {"read_register": "---", "read_documents": "---", "write_documents": "---",
                   "write_register": "---", "manage": "---", "research": "yy-", "status": "yy-", "admin": "---",
                   "read_decisions": "---", "decide": "---", "answer_maturity": "---",
                   "fees": "---", "log_hours": "---", "read_hours": "---", "funnel": "---",
                   "read_events": "---", "sign_up": "---", "sign_up_others": "---", "manage_events": "---",
                   "invite": "---", "register": "---",
                   "read_library": "---", "share_library": "---", "remove_library": "---",
                   "research_consent": "---", "read_research_consent": "---",
                   "read_audit": "---", "own_record": "yy-", "workshop": "---", "run_workshops": "---",
                   "concepts": "---", "steer_concepts": "---",
                   "read_lessons": "---", "write_lessons": "---", "link_lessons": "---"},
    # an invitee may only register an organisation (or ask to join one) in their cluster, and read their own record
    "invitee": {action: "yy-" if action in ("register", "own_record") else "---" for action in ACTIONS},
    "system": {action: "yyy" for action in ACTIONS},
}


def test_the_table_covers_every_action():
    assert all(set(row) == set(ACTIONS) for row in DECISIONS.values())


@pytest.mark.parametrize("role", ROLES)
def test_every_role_against_every_action(role):
    home, away = 1, 2
    who = Identity(person_id=None if role == "system" else 7, role=role,
                   organisation_id=10 if role == "participant" else None,
                   cluster_id=None if role == "system" else home)
    targets = ((10, home), (11, home), (20, away))
    for action, expected in DECISIONS[role].items():
        got = "".join("y" if decide(who, action, organisation_id=o, cluster_id=c) else "-" for o, c in targets)
        assert got == expected, f"{role} {action}"


@pytest.mark.parametrize("role", ("participant", "facilitator", "researcher"))
def test_missing_cluster_scope_is_refused_never_allowed(role):
    unscoped = Identity(person_id=7, role=role, organisation_id=10 if role == "participant" else None)
    scoped = Identity(person_id=7, role=role, organisation_id=10 if role == "participant" else None, cluster_id=1)
    for action in ACTIONS:
        assert not decide(unscoped, action, organisation_id=10, cluster_id=1)
        assert not decide(scoped, action, organisation_id=10, cluster_id=None)
        with pytest.raises(AccessDenied):
            require(unscoped, action, organisation_id=10, cluster_id=1)


def test_a_system_identity_scoped_to_a_cluster_stays_in_it():
    batch = Identity(person_id=None, role="system", cluster_id=1, name="batch")
    assert decide(batch, "read_documents", cluster_id=1) and not decide(batch, "read_documents", cluster_id=2)


def test_an_unknown_action_is_a_programming_error():
    with pytest.raises(ValueError):
        decide(Identity.system(), "read_everything")


# -- the store asks the same table ------------------------------------------------------------
@pytest.fixture
def two(store, cluster, system):
    """The ``cluster`` fixture's cluster and a second one, each with a member, staff and a canvas."""
    other = store.create_cluster(system, Cluster(name="Fjordklyngen"))
    org = store.add_organisation(system, Organisation(name="Havbris", country="NO", orgnr="984851006",
                                                      municipality="5001"), other)
    people = {}
    for role, email in (("participant", "hav@example.no"), ("facilitator", "fac@fjord.example"),
                        ("researcher", "res@fjord.example")):
        pid = store.add_person(system, Person(name=f"Fjord {role}", email=email, role=role,
                                              organisation_id=org if role == "participant" else None), other)
        people[role] = store.check_key(store.issue_key(system, pid, SECRET), SECRET)
    here = cluster["orgs"]
    for key, oid in (("fjell", here["fjell"]), ("gard", here["gard"])):
        store.save_canvas(cluster["who"][key], oid, BMC, [Note(id="n", block="channels", text="Nett")], None)
    store.save_canvas(people["participant"], org, BMC, [Note(id="n", block="channels", text="Fjord")], None)
    invitee = store.add_person(system, Person(name="Invitert", email="invitert@example.no", role="invitee"),
                               cluster["id"])
    who = {"participant": cluster["who"]["fjell"], "facilitator": cluster["who"]["facilitator"],
           "researcher": cluster["who"]["researcher"], "system": system,
           "invitee": store.check_key(store.issue_key(system, invitee, SECRET), SECRET)}
    person_of = {here["fjell"]: cluster["who"]["fjell"].person_id, here["gard"]: cluster["who"]["gard"].person_id,
                 org: people["participant"].person_id}
    cluster_of = {here["fjell"]: cluster["id"], here["gard"]: cluster["id"], org: other}
    return {"who": who, "targets": (here["fjell"], here["gard"], org), "person_of": person_of,
            "cluster_of": cluster_of, "home": cluster["id"], "away": other, "away_people": people}


def _offer(org: int) -> Offer:
    return Offer(organisation_id=org, title="Tur", kind="activity", municipality="5001", months=[9],
                 capacity_per_day=4, price=Money(amount="100", currency="NOK"))


def _update(store, who, org):
    found = store.organisation(Identity.system(), org)
    return store.update_organisation(who, found.value.model_copy(update={"needs": "Bank"}), found.version)


# Store calls on one organisation, the action each stands for, and what it needs.
TARGETED = {
    "organisation": ("read_register", lambda st, w, o, t: st.organisation(w, o)),
    "cluster": ("read_register", lambda st, w, o, t: st.cluster(w, t["cluster_of"][o])),
    "canvas": ("read_documents", lambda st, w, o, t: st.canvas(w, o, BMC)),
    "history": ("read_documents", lambda st, w, o, t: st.history(w, "canvas", o, BMC)),
    "save_canvas": ("write_documents", lambda st, w, o, t: st.save_canvas(
        w, o, BMC, [Note(id="x", block="channels", text=f"by {w.role}")], None)),
    "restore": ("write_documents", lambda st, w, o, t: st.restore(w, "canvas", o, BMC, 1)),
    "update_organisation": ("write_register", lambda st, w, o, t: _update(st, w, o)),
    "add_offer": ("write_register", lambda st, w, o, t: st.add_offer(w, _offer(o))),
    "row_versions": ("write_register", lambda st, w, o, t: st.row_versions(w, "organisation", o)),
    "add_person": ("manage", lambda st, w, o, t: st.add_person(
        w, Person(name="Ny", email=f"ny{o}{w.role}@example.no", organisation_id=o), t["cluster_of"][o])),
    "issue_key": ("manage", lambda st, w, o, t: st.issue_key(w, t["person_of"][o], SECRET)),
    "keys_of": ("manage", lambda st, w, o, t: st.keys_of(w, t["person_of"][o])),
    "person": ("manage", lambda st, w, o, t: st.person(w, t["person_of"][o])),
    "add_lesson": ("write_lessons", lambda st, w, o, t: st.add_lesson(
        w, Lesson(assumed="A", saw="B", change="C"), organisation_id=o, cluster_id=t["cluster_of"][o])),
}


def _outcome(call, *args) -> str:
    try:
        call(*args)
    except AccessDenied:
        return "-"
    return "y"


@pytest.mark.parametrize("role", ROLES)
def test_every_role_against_every_store_call_across_two_clusters(store, two, role):
    who = two["who"][role]
    wrong = []
    for name, (action, call) in TARGETED.items():
        expected = DECISIONS[role][action]
        if name == "person" and role == "participant":
            expected = "y--"  # a person reads their own record
        got = "".join(_outcome(call, store, who, o, two) for o in two["targets"])
        if got != expected:
            wrong.append(f"{name}: {got}, expected {expected}")
    assert not wrong, f"{role}: " + "; ".join(wrong)


# Store calls over the caller's cluster: who may make them, and they never reach another cluster.
LISTINGS = {
    "organisations": ("read_register", lambda st, w: {o.id for o in st.organisations(w)}),
    "offers": ("read_register", lambda st, w: {v.value.organisation_id for v in st.offers(w)}),
    "current_documents": ("read_documents",
                          lambda st, w: {r.organisation_id for r in st.current_documents(w, "canvas")}),
    "packages": ("read_documents", lambda st, w: {r.organisation_id for _, r in st.packages(w)}),
    "people": ("read_register", lambda st, w: {p.organisation_id for p in st.people(w)} - {None}),
    "research_tables": ("research", lambda st, w: {len(st.research_tables(w)["organisations"])}),
    "status": ("status", lambda st, w: {st.status(w)["organisations"]}),
    "is_empty": ("admin", lambda st, w: {st.is_empty(w)}),
    "count": ("admin", lambda st, w: {st.count(w, s.organisations)}),
    "dump": ("admin", lambda st, w: {len(bulk.dump(st, w)["organisations"])}),
    "create_cluster": ("admin", lambda st, w: {st.create_cluster(w, Cluster(name=f"Ny {w.role}"))}),
    "lessons": ("read_lessons", lambda st, w: {len(st.lessons(w))}),
}


@pytest.mark.parametrize("role", ROLES)
def test_listings_stay_in_the_callers_cluster(store, two, role, tmp_path):
    who = two["who"][role]
    away_org = two["targets"][2]
    for name, (action, call) in LISTINGS.items():
        allowed = DECISIONS[role][action][0] == "y"
        if name == "people" and role == "participant":
            allowed = True  # their own organisation's people
        if not allowed:
            with pytest.raises(AccessDenied):
                call(store, who)
            continue
        found = call(store, who)
        if role != "system" and name in ("organisations", "offers", "current_documents", "packages", "people"):
            assert away_org not in found, name
        if role != "system" and name in ("research_tables", "status"):
            assert found == {3}, name  # the three organisations of the caller's cluster
    admin_only = (lambda: store.backup(who, tmp_path / "b"), lambda: store.clear(who, replace=False))
    for call in admin_only:
        if role == "system":
            continue
        with pytest.raises(AccessDenied):
            call()


def test_an_identity_without_a_cluster_may_do_nothing(store, two):
    for role in ("participant", "facilitator", "researcher"):
        unscoped = Identity(person_id=None, role=role,
                            organisation_id=two["targets"][0] if role == "participant" else None)
        for name, (_action, call) in TARGETED.items():
            assert _outcome(call, store, unscoped, two["targets"][0], two) == "-", f"{role} {name}"
        for _action, call in LISTINGS.values():
            with pytest.raises(AccessDenied):
                call(store, unscoped)
