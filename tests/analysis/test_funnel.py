"""The funnel's counts, the referral tree, what is missing against the plan and the follow-up list."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import networkx as nx
import pytest

from klynge.analysis.funnel import ROOT, follow_up, funnel, missing, referral_tree, tree_summary
from klynge.store.funnel import FunnelOrganisation as Org
from klynge.store.funnel import FunnelPerson as Person

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def _person(pid, name, org=None, *, role="participant", created=NOW - 100 * DAY, invited=None, inviter=None,
            inviter_org=None, relation="", signed_in=None, reminders=()):
    return Person(pid, name, role if org or role != "participant" else "invitee", org, created,
                  invitation_id=pid if invited else None, invited_at=invited, inviter_id=inviter,
                  inviter_name="Inviter" if inviter else "", inviter_organisation_id=inviter_org,
                  relation=relation, delivery="sent" if invited else "", reminders=tuple(reminders),
                  accepted_at=signed_in)


@pytest.fixture
def cluster():
    """Fjell (active, canvas) was registered by the facilitator; it invited Gard (active, sdg + profile, but stale)
    and Bank (registered, never signed in); Gard invited Lia (signed in, nothing done) and an invitee who is silent;
    the facilitators invited a silent person. A facilitator is in the people but not in the funnel."""
    orgs = [Org(1, "Fjell", "destination_company", "5021", "NO", frozenset({"canvas"}), NOW - 2 * DAY),
            Org(2, "Gard", "supplier", "5014", "NO", frozenset({"sdg", "profile"}), NOW - 60 * DAY),
            Org(3, "Bank", "bank", "5001", "NO"),
            Org(4, "Lia", "company", "5021", "NO")]
    people = [
        _person(1, "Fjell P", 1, signed_in=NOW - 99 * DAY),
        _person(2, "Gard P", 2, invited=NOW - 90 * DAY, inviter=1, inviter_org=1, relation="supplier",
                signed_in=NOW - 89 * DAY),
        _person(3, "Bank P", 3, invited=NOW - 80 * DAY, inviter=1, inviter_org=1, relation="finance",
                reminders=[NOW - 73 * DAY]),
        _person(4, "Lia P", 4, invited=NOW - 50 * DAY, inviter=2, inviter_org=2, relation="customer",
                signed_in=NOW - 40 * DAY),
        _person(5, "Silent S", invited=NOW - 10 * DAY, inviter=2, inviter_org=2, relation="supplier",
                reminders=[NOW - 3 * DAY]),
        _person(6, "Fac Invitee", invited=NOW - 5 * DAY, inviter=9, relation="research"),
        _person(7, "Gard colleague", 2, invited=NOW - 20 * DAY, inviter=2, inviter_org=2, relation="colleague",
                signed_in=NOW - 19 * DAY),
        _person(8, "Fjell board", 1, invited=NOW - 30 * DAY, inviter=1, inviter_org=1, relation="board"),
        _person(9, "Facilitator", role="facilitator", signed_in=NOW - 100 * DAY),
    ]
    return people, orgs


def test_the_funnel_counts_each_stage_and_what_made_members_active(cluster):
    people, orgs = cluster
    f = funnel(people, orgs)
    assert [(s.name, s.count) for s in f.stages] == [("invited", 8), ("registered", 6), ("active", 4)]
    assert f.stages[1].share == pytest.approx(6 / 8) and f.stages[0].share == 1.0
    assert (f.organisations, f.active_organisations) == (4, 2)
    assert f.by_signal == {"profile": 2, "canvas": 2, "sdg": 2, "package": 0}
    assert f.count("active") == 4


def test_an_empty_cluster_has_an_empty_funnel():
    f = funnel([], [])
    assert [(s.count, s.share) for s in f.stages] == [(0, 0.0)] * 3
    tree = referral_tree([], [])
    assert list(tree.nodes) == [ROOT] and tree_summary(tree)["depth"] == 0
    assert follow_up([], [], now=NOW) == {"silent": [], "not_started": [], "stopped": []}


def test_the_referral_tree_runs_from_the_facilitators_through_who_invited_whom(cluster):
    people, orgs = cluster
    tree = referral_tree(people, orgs)
    assert nx.is_arborescence(tree)
    assert set(tree.successors(ROOT)) == {"org:1", "person:6"}
    assert set(tree.successors("org:1")) == {"org:2", "org:3"}
    assert set(tree.successors("org:2")) == {"org:4", "person:5"}  # the colleague adds no edge
    assert tree.edges["org:1", "org:3"]["relation"] == "finance"
    assert tree.nodes["org:4"] == {"label": "Lia", "type": "organisation", "kind": "company", "depth": 3,
                                   "below": 0}
    assert tree.nodes["person:5"]["kind"] == "invitee"
    summary = tree_summary(tree)
    assert summary["depth"] == 3 and summary["nodes"] == 6
    assert summary["by_members"] == 4 and summary["by_facilitators"] == 2
    assert summary["brought_most"][:2] == [("Fjell", 2, 4), ("Gard", 2, 2)]


def test_an_inviter_who_arrived_later_does_not_make_a_cycle():
    orgs = [Org(1, "A", "company", "5021", "NO"), Org(2, "B", "company", "5021", "NO")]
    people = [_person(1, "a", 1, invited=NOW - 10 * DAY, inviter_org=2), _person(2, "b", 2, invited=NOW - 5 * DAY,
                                                                                  inviter_org=1)]
    tree = referral_tree(people, orgs)
    assert nx.is_arborescence(tree) and list(tree.predecessors("org:1")) == [ROOT]
    assert list(tree.predecessors("org:2")) == ["org:1"]


def test_an_organisation_without_people_hangs_under_the_facilitators():
    tree = referral_tree([], [Org(1, "Alone", "museum", "5021", "NO")])
    assert list(tree.successors(ROOT)) == ["org:1"] and tree.nodes["org:1"]["depth"] == 1


def test_missing_kinds_and_municipalities_against_the_plan(cluster):
    _people, orgs = cluster
    gone = missing(orgs, {"companies": 0.5, "public_support": 0.25, "research": 0.0, "finance": 0.2},
                   ["5021", "5001", "2321", "5021"])
    rows = {r["category"]: r for r in gone.categories}
    assert set(rows) == {"companies", "public_support", "finance"}  # no target, no row
    assert (rows["companies"]["count"], rows["companies"]["needed"]) == (3, 0)
    assert (rows["public_support"]["count"], rows["public_support"]["needed"]) == (0, 2)
    assert rows["finance"]["needed"] == 0 and "bank" in rows["finance"]["kinds"]
    assert [r["category"] for r in gone.short] == ["public_support"]
    assert gone.municipalities == (("2321", "Åre"),)
    assert [c for c, _ in gone.covered] == ["5021", "5001"] and dict(gone.covered)["5001"] == "Trondheim"


def test_an_empty_cluster_misses_every_category_with_a_target():
    gone = missing([], {"companies": 0.5, "finance": 0.1}, ["5001"])
    assert [(r["category"], r["needed"]) for r in gone.short] == [("companies", 1), ("finance", 1)]
    assert gone.municipalities == (("5001", "Trondheim"),)


def test_the_follow_up_groups(cluster):
    people, orgs = cluster
    groups = follow_up(people, orgs, now=NOW)
    silent = groups["silent"]
    # the board member invited into active Fjell has not signed in: their invitation waits, whatever Fjell does
    assert [r.name for r in silent] == ["Bank P", "Fjell board", "Silent S", "Fac Invitee"]
    assert (silent[0].days, silent[0].reminders, silent[0].organisation) == (80, 1, "Bank")
    assert [r.name for r in groups["not_started"]] == ["Lia P"] and groups["not_started"][0].days == 40
    stopped = groups["stopped"]  # Gard's last change is 60 days ago, beyond six weeks
    assert [r.name for r in stopped] == ["Gard P", "Gard colleague"] and stopped[0].days == 60
    assert follow_up(people, orgs, now=NOW, stopped_weeks=10)["stopped"] == []
    everyone = [r.person_id for rows in groups.values() for r in rows]
    assert len(everyone) == len(set(everyone)) and 1 not in everyone and 9 not in everyone


def test_a_long_chain_of_invitations_is_counted_in_one_pass():
    n = 2000
    orgs = [Org(i, f"O{i}", "company", "5021", "NO") for i in range(1, n + 1)]
    people = [_person(i, f"p{i}", i, invited=NOW - (n - i) * timedelta(minutes=1), inviter_org=i - 1 or None)
              for i in range(1, n + 1)]
    tree = referral_tree(people, orgs)
    summary = tree_summary(tree)
    assert summary["depth"] == n and summary["brought_most"][0] == ("O1", 1, n - 1)
    assert tree.nodes[ROOT]["below"] == n
