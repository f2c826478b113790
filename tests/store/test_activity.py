"""Last activity per organisation and key states per person, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from klynge.errors import AccessDenied
from klynge.model import Money, Note, Offer

from ..conftest import SECRET


def test_last_activity_is_the_latest_save_of_profile_offers_or_documents(store, cluster):
    fac, who, orgs = cluster["who"]["facilitator"], cluster["who"], cluster["orgs"]
    assert store.last_activity(fac) == {}  # registering organisations is not the members' activity
    before = datetime.now(UTC) - timedelta(seconds=1)
    store.save_canvas(who["fjell"], orgs["fjell"], "business_model", [Note(id="a", block="channels", text="Bus")],
                      None)
    store.add_offer(who["gard"], Offer(organisation_id=orgs["gard"], title="Cheese", kind="meal",
                                       municipality="5014", months=[10], capacity_per_day=5,
                                       price=Money(amount=Decimal("200"), currency="NOK")))
    org = store.organisation(who["stuga"], orgs["stuga"])
    store.update_organisation(who["stuga"], org.value.model_copy(update={"needs": "Guides"}), org.version)
    last = store.last_activity(fac)
    assert set(last) == set(orgs.values())
    assert all(before <= moment <= datetime.now(UTC) + timedelta(seconds=1) for moment in last.values())
    with pytest.raises(AccessDenied):
        store.last_activity(who["fjell"])


def test_key_states_count_live_keys_and_the_last_sign_in(store, cluster):
    fac, who = cluster["who"]["facilitator"], cluster["who"]
    gard = who["gard"].person_id
    states = store.key_states(fac)
    assert states[gard].live == 1 and states[gard].last_used_at is not None  # the fixture signed in with it
    store.reissue_key(fac, gard, SECRET)
    assert store.key_states(fac)[gard].live == 1
    for key in store.keys_of(fac, gard):
        store.revoke_key(fac, key.id)
    assert store.key_states(fac)[gard].live == 0
    with pytest.raises(AccessDenied):
        store.key_states(who["researcher"])
