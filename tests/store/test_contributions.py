"""Fees and in-kind hours in the store, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import insert, select

from klynge.errors import AccessDenied, Conflict, NotFound, Refused, ValidationError
from klynge.i18n import t
from klynge.model import ClusterPlan, HoursEntry, MobilisationSettings
from klynge.model.contribution import today
from klynge.store import schema as s
from klynge.store.records import now
from klynge.validation import validate


def _entry(**change) -> HoursEntry:
    values = {"activity": "workshop", "day": date(2026, 10, 14), "hours": "3.5", "note": "Vinterverksted"}
    return HoursEntry.model_validate({**values, **change})


def test_the_settings_default_and_round_trip_with_the_plan_as_fallback(store, cluster):
    fac = cluster["who"]["facilitator"]
    assert store.mobilisation_settings(fac) == MobilisationSettings()
    assert store.mobilisation_settings(fac).reminder_days == 7
    assert store.mobilisation_settings_versioned(fac).version == 0
    settings = MobilisationSettings(currency="SEK", fees_by_kind={"bank": 15000},
                                    hour_rates={"workshop": 800}, reminder_days=3, stopped_weeks=8)
    assert store.save_mobilisation_settings(fac, settings, 0) == 1
    read = store.mobilisation_settings_versioned(cluster["who"]["fjell"])
    assert read.value == settings and read.version == 1
    plan = ClusterPlan(fee=Decimal(9900), rate=Decimal(650))
    assert settings.fee_for("bank", plan) == 15000 and settings.fee_for("company", plan) == 9900
    assert settings.rate_for("workshop", plan) == 800 and settings.rate_for("course", plan) == 650
    with pytest.raises(Conflict):
        store.save_mobilisation_settings(fac, settings, 0)
    with pytest.raises(AccessDenied):
        store.save_mobilisation_settings(cluster["who"]["fjell"], settings, 1)


def test_invalid_settings_and_entries_are_explained_in_each_language():
    with pytest.raises(ValidationError) as caught:
        validate(MobilisationSettings, {"reminder_days": 0, "hour_rates": {"workshop": -1}}, "nb")
    text = str(caught.value)
    assert "Dager før påminnelse" in text and "minst 1" in text
    tomorrow = (today() + timedelta(days=1)).isoformat()
    cases = {"-2": "hours cannot be negative", "25": "at most 24 hours", "0": "a quarter of an hour"}
    for hours, message in cases.items():
        with pytest.raises(ValidationError, match=message):
            validate(HoursEntry, {"activity": "course", "day": "2026-10-01", "hours": hours}, "en")
    with pytest.raises(ValidationError) as caught:
        validate(HoursEntry, {"activity": "course", "day": tomorrow, "hours": "2"}, "sv")
    assert caught.value.problems == [("Dag", t("error.klynge_day_future", "sv"))]
    with pytest.raises(ValidationError) as caught:
        validate(HoursEntry, {"activity": "course", "day": "2026-10-01", "hours": "-1"}, "nb")
    assert caught.value.problems == [("Timer", "timer kan ikke være negative")]


def test_a_fee_is_invoiced_at_the_kinds_amount_then_paid_and_every_mark_is_a_version(store, cluster, system):
    fac, fjell = cluster["who"]["facilitator"], cluster["orgs"]["fjell"]
    store.save_mobilisation_settings(fac, MobilisationSettings(currency="NOK", fees_by_kind={"bank": 15000}), 0)
    fee = store.mark_fee(fac, fjell, 2026, "invoiced", date(2026, 2, 1))
    assert (fee.amount, fee.currency, fee.status, fee.invoiced_on, fee.version) == (
        Decimal(9900), "NOK", "invoiced", date(2026, 2, 1), 1)
    assert fee.organisation == "Fjellguidene" and fee.orgnr == "974760673" and fee.updated_by == "Facilitator"
    paid = store.mark_fee(fac, fjell, 2026, "paid", date(2026, 3, 2), base_version=1, note="Bank 3.3.")
    assert (paid.status, paid.invoiced_on, paid.paid_on, paid.version, paid.note) == (
        "paid", date(2026, 2, 1), date(2026, 3, 2), 2, "Bank 3.3.")
    history = store.fee_history(fac, fjell, 2026)
    assert [(h["version"], h["status"], h["paid_on"]) for h in history] == [
        (1, "invoiced", None), (2, "paid", "2026-03-02")]
    assert [f.organisation for f in store.fees(fac)] == ["Fjellguidene"]
    assert store.fees(fac, year=2025) == [] and store.fee(fac, fjell, 2025) is None


def test_a_fee_paid_twice_is_refused_with_the_day_it_was_paid(store, cluster):
    fac, gard = cluster["who"]["facilitator"], cluster["orgs"]["gard"]
    store.mark_fee(fac, gard, 2026, "paid", date(2026, 4, 10))
    with pytest.raises(Refused, match="already paid on 2026-04-10") as caught:
        store.mark_fee(fac, gard, 2026, "paid", date(2026, 4, 11))
    assert caught.value.key == "fees.error.already.paid" and caught.value.values["day"] == date(2026, 4, 10)
    assert "10. apr. 2026" in t(caught.value.key, "nb", **caught.value.values)
    with pytest.raises(Refused, match="already paid"):
        store.mark_fee(fac, gard, 2026, "waived", date(2026, 4, 11))
    assert store.fee(fac, gard, 2026).version == 1  # nothing was written


def test_fee_marks_that_are_stale_future_or_not_allowed(store, cluster, system):
    who, orgs = cluster["who"], cluster["orgs"]
    fac = who["facilitator"]
    store.mark_fee(fac, orgs["stuga"], 2026, "invoiced", date(2026, 1, 15))
    store.mark_fee(fac, orgs["stuga"], 2026, "waived", date(2026, 2, 1), base_version=1)
    with pytest.raises(Conflict) as caught:
        store.mark_fee(fac, orgs["stuga"], 2026, "paid", date(2026, 2, 2), base_version=1)
    assert caught.value.saved_by == ["Facilitator"] and caught.value.head == 2
    with pytest.raises(Refused, match="already waived"):
        store.mark_fee(fac, orgs["stuga"], 2026, "waived", date(2026, 2, 3))
    with pytest.raises(Refused, match="in the future"):
        store.mark_fee(fac, orgs["fjell"], 2026, "invoiced", today() + timedelta(days=1))
    with pytest.raises(NotFound):
        store.mark_fee(fac, orgs["fjell"], 2026, "paid", date(2026, 2, 2), base_version=3)
    for person in ("fjell", "researcher"):
        with pytest.raises(AccessDenied):
            store.mark_fee(who[person], orgs["fjell"], 2026, "invoiced", date(2026, 2, 2))
        with pytest.raises(AccessDenied):
            store.fees(who[person])
    store.save_cluster_plan(fac, ClusterPlan(fee=None), 0)
    with pytest.raises(Refused) as caught:
        store.mark_fee(fac, orgs["gard"], 2026, "invoiced", date(2026, 2, 2))
    assert caught.value.key == "fees.error.no_amount"


def test_a_participant_logs_reads_and_removes_their_own_hours(store, cluster, add_colleague):
    fjell = cluster["who"]["fjell"]
    first = store.log_hours(fjell, _entry())
    store.log_hours(fjell, _entry(activity="package", day=date(2026, 11, 2), hours="2"))
    mine = store.hours(fjell)
    assert [(h.activity, h.hours, h.source, h.person) for h in mine] == [
        ("package", Decimal(2), "manual", "Fjell Person"), ("workshop", Decimal("3.5"), "manual", "Fjell Person")]
    assert mine[1].organisation_id == cluster["orgs"]["fjell"] and mine[1].note == "Vinterverksted"
    store.remove_hours(fjell, first)
    assert [h.activity for h in store.hours(fjell)] == ["package"]
    removed = [h for h in store.hours(fjell, removed=True) if h.id == first]
    assert removed and removed[0].removed_at is not None  # the row stays
    colleague = add_colleague("fjell", "Kari Fjell", "kari@example.no")
    assert store.hours(colleague) == []
    with pytest.raises(AccessDenied):
        store.hours(colleague, person_id=fjell.person_id)
    with pytest.raises(AccessDenied):
        store.remove_hours(colleague, first)
    with pytest.raises(AccessDenied):
        store.log_hours(colleague, _entry(person_id=fjell.person_id))
    with pytest.raises(AccessDenied):
        store.log_hours(fjell, _entry(organisation_id=cluster["orgs"]["gard"]))
    with pytest.raises(AccessDenied):
        store.hours(cluster["who"]["researcher"])
    with pytest.raises(NotFound):
        store.remove_hours(fjell, 99999)


def test_a_facilitator_logs_for_anyone_and_reads_the_cluster(store, cluster):
    who = cluster["who"]
    fac = who["facilitator"]
    hid = store.log_hours(fac, _entry(person_id=who["gard"].person_id, activity="course"))
    store.log_hours(who["fjell"], _entry())
    assert {h.organisation for h in store.hours(fac)} == {"Gardsbutikken", "Fjellguidene"}
    assert [h.id for h in store.hours(fac, organisation_id=cluster["orgs"]["gard"])] == [hid]
    assert store.hours(fac, person_id=who["gard"].person_id)[0].organisation_id == cluster["orgs"]["gard"]
    with pytest.raises(Refused, match="own organisation"):
        store.log_hours(fac, _entry(person_id=who["gard"].person_id, organisation_id=cluster["orgs"]["fjell"]))
    with pytest.raises(Refused):
        store.log_hours(fac, _entry())  # a facilitator has no organisation: they name the person
    store.remove_hours(fac, hid)
    assert [h.organisation for h in store.hours(fac)] == ["Fjellguidene"]


def test_no_more_than_24_hours_a_day_counting_attended_events(store, cluster):
    fjell = cluster["who"]["fjell"]
    day = date(2026, 10, 20)
    store.log_hours(fjell, _entry(day=day, hours="10"))
    with store.engine.begin() as c:  # an attended event's hours, as the events' import writes them
        c.execute(insert(s.hours).values(person_id=fjell.person_id, organisation_id=cluster["orgs"]["fjell"],
                                         activity="meeting", day=day, hours=Decimal("8.5"), note="",
                                         source="attendance", created_at=now()))
    with pytest.raises(Refused, match="already has 18.5 hours logged; at most 5.5 more") as caught:
        store.log_hours(fjell, _entry(day=day, hours="6"))
    assert caught.value.field == "hours" and caught.value.values["left"] == Decimal("5.5")
    assert store.log_hours(fjell, _entry(day=day, hours="5.5"))
    with pytest.raises(Refused):
        store.log_hours(fjell, _entry(day=day, hours="0.25"))
    assert store.log_hours(fjell, _entry(day=day + timedelta(days=1), hours="24"))
    attended = next(h for h in store.hours(fjell) if h.source == "attendance")
    with pytest.raises(AccessDenied, match="event"):
        store.remove_hours(fjell, attended.id)  # the event's record; a facilitator changes it
    store.remove_hours(cluster["who"]["facilitator"], attended.id)
    assert store.log_hours(fjell, _entry(day=day, hours="8.5"))  # a removed entry frees its hours


def test_an_entry_built_without_validation_is_checked_again(store, cluster):
    fjell = cluster["who"]["fjell"]
    bad = HoursEntry.model_construct(activity="workshop", day=today() + timedelta(days=2), hours=Decimal(2), note="")
    with pytest.raises(ValidationError):
        store.log_hours(fjell, bad)
    negative = HoursEntry.model_construct(activity="workshop", day=date(2026, 10, 1), hours=Decimal(-2), note="")
    with pytest.raises(ValidationError):
        store.log_hours(fjell, negative)
    with store.engine.connect() as c:
        assert c.execute(select(s.hours.c.id)).first() is None
