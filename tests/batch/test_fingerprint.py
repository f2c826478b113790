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


@sqlite_only
def test_the_batch_reads_no_private_note_or_entry_and_a_private_edit_changes_nothing(store, system, members):
    who = batch_identity(store)
    before = load_members(store, who)
    for member in before.values():
        notes = [n for doc in member.canvases.values() for n in doc.notes]
        assert notes and all(n.visibility in ("cluster", "public") for n in notes)
        assert all(e.visibility != "private" for e in member.sdg.entries)
        assert "Guide wages" not in str(member.canonical()) and "13.1" not in str(member.canonical())
    doc, rev = store.canvas(system, members["gard"], "business_model")
    secret = Note(id="secret1", block="revenue_streams", text="Our secret margin", visibility="private")
    store.save_canvas(system, members["gard"], "business_model", [*doc.notes, secret], rev.number)
    after = load_member(store, who, members["gard"])
    assert after.canonical() == before[members["gard"]].canonical()  # nothing for the batch to run again
