"""The audit log, on SQLite and PostgreSQL: written with the act, read by facilitators only, pruned."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from klynge.errors import AccessDenied, KeyRejected
from klynge.model import InvitationRequest
from klynge.store import schema as s
from klynge.store.audit import record

SECRET = b"test-secret"


def _actions(store, who, **filters) -> list[str]:
    return [e.action for e in store.audit_log(who, **filters)]


def test_sign_ins_key_revocations_reissues_and_invitations_are_recorded_by_ids(store, system, cluster):
    fac = cluster["who"]["facilitator"]
    fjell = cluster["who"]["fjell"]
    key = store.issue_key(system, fjell.person_id, SECRET)
    store.open_session(key, SECRET)
    store.revoke_key(fac, key.partition(".")[0])
    store.revoke_key(fac, key.partition(".")[0])  # already revoked: nothing happened, nothing recorded
    new = store.reissue_key(fac, fjell.person_id, SECRET)
    store.create_invitation(fac, InvitationRequest(name="Ola Ny", email="ola@example.no", relation="supplier"))
    entries = store.audit_log(fac)
    assert [e.action for e in entries] == ["invite", "reissue_key", "revoke_key", "sign_in"]
    sign_in = entries[-1]
    assert (sign_in.actor_id, sign_in.actor, sign_in.subject_kind, sign_in.subject_id) == (
        fjell.person_id, "Fjell Person", "key", key.partition(".")[0])
    assert entries[1].details["new_key_id"] == new.partition(".")[0] and entries[1].details["keys_revoked"] >= 1
    assert entries[2].actor == "Facilitator" and entries[2].details == {"person_id": fjell.person_id}
    assert entries[1].subject == "Fjell Person" and entries[0].subject == "Ola Ny"  # names read now, not stored
    with store.engine.connect() as c:  # no secret, no name, no address in any row
        stored = " ".join(str(tuple(r)) for r in c.execute(select(s.audit_log)))
    for secret in (key.partition(".")[2], new.partition(".")[2], "Ola Ny", "ola@example.no", "Fjell Person"):
        assert secret not in stored


def test_a_refused_sign_in_or_a_rolled_back_act_leaves_no_entry(store, system, cluster):
    fjell = cluster["who"]["fjell"]
    key = store.issue_key(system, fjell.person_id, SECRET)
    with pytest.raises(KeyRejected):
        store.open_session(key + "x", SECRET)
    assert _actions(store, system) == []
    with pytest.raises(RuntimeError), store.engine.begin() as c:
        record(c, system, "export_archive", cluster_id=cluster["id"])
        raise RuntimeError("the export failed")
    assert _actions(store, system) == []


def test_only_facilitators_of_the_cluster_read_the_log(store, system, cluster):
    store.record_audit(system, "export_archive", cluster_id=cluster["id"], subject_kind="file", subject_id="a.zip")
    store.record_audit(system, "export_archive", cluster_id=cluster["id"] + 1)  # another cluster's
    assert _actions(store, cluster["who"]["facilitator"]) == ["export_archive"]
    assert len(store.audit_log(system)) == 2
    for role in ("fjell", "researcher"):
        with pytest.raises(AccessDenied):
            store.audit_log(cluster["who"][role])


def test_details_never_hold_a_secret_or_a_name(store, system, cluster):
    for key in ("key", "email", "name", "digest"):
        with pytest.raises(ValueError, match=key):
            store.record_audit(system, "export_archive", cluster_id=cluster["id"], details={key: "x"})
    with pytest.raises(ValueError, match="unknown audit action"):
        store.record_audit(system, "looked_around", cluster_id=cluster["id"])


def test_filters_and_pruning_keep_what_is_younger_than_the_days(store, system, cluster):
    fac = cluster["who"]["facilitator"]
    for action in ("export_archive", "export_research", "export_person"):
        store.record_audit(system, action, cluster_id=cluster["id"])
    old = datetime.now(UTC) - timedelta(days=800)
    with store.engine.begin() as c:
        c.execute(update(s.audit_log).where(s.audit_log.c.action == "export_archive").values(at=old))
    assert _actions(store, fac, action="export_research") == ["export_research"]
    assert _actions(store, fac, since=date.today()) == ["export_person", "export_research"]
    assert store.prune_audit(system, days=0) == 0  # 0 keeps everything
    with pytest.raises(AccessDenied):
        store.prune_audit(fac)
    assert store.prune_audit(system) == 1  # the default two years
    assert sorted(_actions(store, fac)) == ["export_person", "export_research"]
    with store.engine.begin() as c:
        c.execute(update(s.audit_log).where(s.audit_log.c.action == "export_person").values(at=old))
    store.audit_days = 30
    store.record_audit(system, "invite", cluster_id=cluster["id"])  # a write prunes too
    assert sorted(_actions(store, fac)) == ["export_research", "invite"]


def test_role_changes_are_recorded(store, system, cluster):
    fac = cluster["who"]["facilitator"]
    made = store.create_invitation(fac, InvitationRequest(name="Ida Invitee", email="ida@example.no",
                                                           relation="supplier"))
    ida = store.check_key(store.issue_key(system, made.person_id, SECRET), SECRET)
    request = store.request_join(ida, cluster["orgs"]["gard"])
    store.decide_join(fac, request, approve=True)
    change = store.audit_log(fac, action="role_change")[0]
    assert change.subject_id == str(made.person_id) and change.details["to"] == "participant"
    assert change.details["organisation_id"] == cluster["orgs"]["gard"]


def test_a_person_export_is_recorded_and_a_look_is_not(store, system, cluster):
    fjell = cluster["who"]["fjell"]
    store.person_record(fjell, fjell.person_id)
    assert _actions(store, system) == []
    store.person_record(fjell, fjell.person_id, export=True)
    entry = store.audit_log(system)[0]
    assert (entry.action, entry.actor_id, entry.subject_id) == ("export_person", fjell.person_id,
                                                                 str(fjell.person_id))


def test_a_backup_is_recorded_and_the_log_outlives_a_restore(store, system, cluster, db_url, tmp_path):
    from klynge import operations as ops
    from klynge.settings import load_settings

    settings = load_settings(home=str(tmp_path / "home"), db=db_url)
    written = ops.backup(settings, str(tmp_path / "b.zip"))
    (entry,) = store.audit_log(system)
    assert (entry.action, entry.subject_kind, entry.subject_id) == ("export_archive", "file", written.name)
    ops.restore(settings, str(written))  # empties the database and loads the archive
    assert [e.id for e in store.audit_log(system)] == [entry.id]
