"""The offer form's units without a browser: what a price is for, the guests and nights it covers,
and the capacity's unit following the kind, against a real store."""

from __future__ import annotations

import pytest

from klynge.i18n import t
from klynge.store import Identity

from .test_profile import LANGS, fill_offer, offer_form, page, problems, service


def saved(store, cluster):
    (offer,) = store.offers(Identity.system(), cluster["orgs"]["fjell"])
    return offer.value


def shown(field) -> bool:
    return field.layout.display != "none"


def test_the_capacity_unit_and_the_price_unit_follow_the_kind_without_an_error(store, cluster):
    p = page(store, cluster, lang="en")
    o = p._offers
    o._add.click()
    assert o._kind.value == "activity" and "guests a day" in o._capacity_unit.value
    assert o._price_unit.value == "person"
    assert not shown(o._fields["price_guests"]) and not shown(o._fields["price_nights"])  # two hours, one guest
    o._duration.value = 44  # a weekend: a price per person covers its nights
    assert shown(o._fields["price_nights"]) and not shown(o._fields["price_guests"])
    o._duration.value = 2
    fill_offer(p, kind="accommodation", capacity_per_day=24)
    assert "beds" in o._capacity_unit.value and o._price_unit.value == "night"
    assert shown(o._fields["price_guests"]) and not shown(o._fields["price_nights"])
    o._price_guests.value = 4
    o._kind.value = "meal"
    assert "seats" in o._capacity_unit.value and o._price_unit.value == "person"
    o._kind.value = "accommodation"
    o._save.click()
    assert t("profile.offer_saved", "en") in o._list_status.value
    offer = saved(store, cluster)
    assert (offer.capacity_unit, offer.price_unit, offer.price_guests, offer.price_nights) == ("beds", "night", 4, 1)
    row = o._list.children[0].children[0].value
    assert "24 beds" in row and "950\u00a0NOK per night for 4" in row
    p.lang = "nb"
    row = o._list.children[0].children[0].value
    assert "24 senger" in row and "950\u00a0NOK per natt for 4" in row


def test_a_chosen_price_unit_stays_when_the_kind_changes(store, cluster):
    p = page(store, cluster, lang="sv")
    o = p._offers
    o._add.click()
    fill_offer(p, kind="transport")
    o._price_unit.value = "group"
    o._price_guests.value = 8
    o._kind.value = "activity"  # the person chose per group: it is theirs, not the kind's
    assert o._price_unit.value == "group" and "gäster per dag" in o._capacity_unit.value
    p.lang = "en"  # new labels pass the kinds through the first one: nothing the person chose moves
    assert o._price_unit.value == "group" and o._kind.value == "activity"
    assert dict(o._price_unit.options)[t("unit.price_choice.group", "en")] == "group"
    o._save.click()
    offer = saved(store, cluster)
    assert (offer.price_unit, offer.price_guests, offer.capacity_unit) == ("group", 8, "guests")
    assert "950\u00a0NOK per group of 8" in o._list.children[0].children[0].value


def test_a_cabin_week_states_its_guests_and_nights_and_edits_back(store, cluster):
    s = service(store, cluster)
    s.save_offer(offer_form(kind="accommodation", price_unit="unit", price_guests=6, price_nights=7,
                            price_amount="16900"), "nb")
    p = page(store, cluster)
    o = p._offers
    row = o._list.children[0]
    assert "16\u00a0900\u00a0NOK per enhet for 6, 7 netter" in row.children[0].value
    row.children[1].children[0].click()  # change it
    assert (o._price_unit.value, o._price_guests.value, o._price_nights.value) == ("unit", 6, 7)
    assert shown(o._fields["price_guests"]) and shown(o._fields["price_nights"])
    o._price_unit.value = "person"  # the guests no longer apply: they are not sent
    assert not shown(o._fields["price_guests"])
    o._save.click()
    offer = saved(store, cluster)
    assert (offer.price_unit, offer.price_guests, offer.price_nights) == ("person", 1, 7)


@pytest.mark.parametrize("lang", LANGS)
def test_units_that_do_not_fit_are_explained_beside_their_field(store, cluster, lang):
    s = service(store, cluster)
    found = problems(s.check_offer, offer_form(price_unit="person", price_guests=3), lang)
    assert found == {"price_guests": t("error.klynge_price_guests", lang)}
    found = problems(s.check_offer, offer_form(capacity_unit="beds"), lang)
    assert found == {"capacity_per_day": t("error.klynge_capacity_unit", lang)}
    assert len({t("error.klynge_price_guests", x) for x in LANGS}) == 3

