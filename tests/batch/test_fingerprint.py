"""Fingerprints: stable, the same from a member's own read and from the bulk read, and changed by any edit."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest

from klynge.batch.data import batch_identity, load_member, load_members
from klynge.batch.fingerprint import canonical_json, cluster_fingerprint, digest, member_fingerprint, run_key
from klynge.model import Cluster, Note

sqlite_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def test_canonical_json_is_stable():
    value = {"b": [1, Decimal("2.50")], "a": "Åre"}
    assert canonical_json(value) == '{"a":"Åre","b":[1,"2.50"]}'
    assert digest(value) == hashlib.sha256(canonical_json(value).encode()).hexdigest()[:16]
    assert digest({"x": 1, "y": 2}) == digest({"y": 2, "x": 1})
    assert run_key("a", "b") != run_key("b", "a")


@sqlite_only
def test_a_members_own_read_and_the_bulk_read_agree(store, members):
    who = batch_identity(store)
    bulk = load_members(store, who)
    assert sorted(bulk) == sorted(members.values())
    for oid in members.values():
        single = load_member(store, who, oid)
        assert single.canonical() == bulk[oid].canonical()
        assert member_fingerprint(single) == member_fingerprint(bulk[oid])
    assert bulk[members["fjell"]].area == "oppdal" and len(bulk[members["fjell"]].seasonality) == 12


@sqlite_only
def test_any_edit_changes_the_fingerprint_and_only_that_members(store, system, members):
    who = batch_identity(store)
    before = {i: member_fingerprint(m) for i, m in load_members(store, who).items()}
    doc, rev = store.canvas(system, members["gard"], "business_model")
    notes = [*doc.notes, Note(id="new1", block="channels", text="Farm shop")]
    store.save_canvas(system, members["gard"], "business_model", notes, rev.number)
    after = {i: member_fingerprint(m) for i, m in load_members(store, who).items()}
    assert {i for i in before if before[i] != after[i]} == {members["gard"]}
    cluster = Cluster(name="Nysesong")
    assert cluster_fingerprint(cluster, before) != cluster_fingerprint(cluster, after)
    assert cluster_fingerprint(cluster, before) == cluster_fingerprint(cluster, list(reversed(before.items())))
