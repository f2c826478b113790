"""The profile step without a browser: the service and the page against a real store."""

from __future__ import annotations

from decimal import Decimal

import pytest
from traitlets import TraitError

from klynge.errors import Conflict
from klynge.i18n import t
from klynge.model import Money
from klynge.store import Identity
from klynge.widgets.profile_page import MapPicker, ProfilePage, months_text
from klynge.widgets.profile_service import CALENDAR, FormProblems, ProfileService, parse_amount

LANGS = ("nb", "sv", "en")


def service(store, cluster, who="fjell"):
    return ProfileService(store, cluster["who"][who], cluster["orgs"][who])


def offer_form(**changes):
    form = {"title": "Nordlystur", "description": "Kveldstur med guide", "kind": "activity",
            "municipality": "5021", "months": [10, 11, 1], "capacity_per_day": 12, "price_amount": "950",
            "currency": "NOK", "vat_included": True, "duration_hours": 3.0, "languages": ["nb", "en"],
            "trend": "growing"}
    form.update(changes)
    return form


def problems(call, *args):
    with pytest.raises(FormProblems) as caught:
        call(*args)
    return caught.value.by_field


def org_problems(store, cluster, who, lang, **form):
    s = service(store, cluster, who)
    return problems(s.check_organisation, s.load().organisation, form, lang)


def their_save(store, cluster, colleague, **form):
    """The colleague saves Fjellguidene's profile with ``form``."""
    theirs = ProfileService(store, colleague, cluster["orgs"]["fjell"])
    start = theirs.load()
    theirs.save_organisation(start.organisation, form, start.version, "nb")
    return theirs


@pytest.fixture
def colleague(add_colleague):
    """A second participant of Fjellguidene."""
    return add_colleague("fjell", "Kari Fjell", "kari@example.no")


# -- the service ---------------------------------------------------------------------------

def test_saving_the_organisation_makes_a_new_version(store, cluster):
    s = service(store, cluster)
    profile = s.load()
    version = s.save_organisation(profile.organisation, {"needs": "Gjester i november", "orgnr": "974 760 673",
                                                         "certifications": ["miljofyrtarn"], "phase": "prototype",
                                                         "subclusters": ["food", "winter"], "lat": 62.6,
                                                         "lon": 9.7}, profile.version, "nb")
    again = s.load()
    assert version == profile.version + 1 == again.version
    org = again.organisation
    assert (org.needs, org.orgnr, org.certifications, org.phase) == ("Gjester i november", "974760673",
                                                                     ["miljofyrtarn"], "prototype")
    assert org.subclusters == ["food", "winter"] and (org.lat, org.lon) == (62.6, 9.7)
    assert org.country == "NO" and org.sector == "activity"  # not on the form: kept as registered


@pytest.mark.parametrize("lang", LANGS)
def test_a_wrong_check_digit_is_explained(store, cluster, lang):
    found = org_problems(store, cluster, "fjell", lang, orgnr="974760674")
    assert found == {"orgnr": t("error.klynge_orgnr_check", lang)}


@pytest.mark.parametrize("lang", LANGS)
def test_a_number_of_the_other_country_says_so(store, cluster, lang):
    assert org_problems(store, cluster, "fjell", lang, orgnr="556016-0680") == \
        {"orgnr": t("profile.orgnr_looks_swedish", lang)}
    assert org_problems(store, cluster, "stuga", lang, orgnr="974760673") == \
        {"orgnr": t("profile.orgnr_looks_norwegian", lang)}
    # neither country's form: the plain rule of the organisation's country
    assert org_problems(store, cluster, "fjell", lang, orgnr="12345")["orgnr"] == \
        t("error.klynge_orgnr_length_no", lang, n=5)


@pytest.mark.parametrize("lang", LANGS)
def test_a_municipality_outside_the_reference_places_is_refused(store, cluster, lang):
    unknown = org_problems(store, cluster, "fjell", lang, municipality="5099")
    assert unknown == {"municipality": t("error.klynge_municipality_unknown", lang, code="5099")}
    assert "5099" in unknown["municipality"]
    offer = problems(service(store, cluster).check_offer, offer_form(municipality="5099"), lang)
    assert offer == {"municipality": t("error.klynge_municipality_unknown", lang, code="5099")}


def test_a_number_and_codes_typed_in_other_digits_are_saved_in_ascii(store, cluster):
    s = service(store, cluster)
    profile = s.load()
    s.save_organisation(profile.organisation, {"orgnr": "٩٧٤ ٧٦٠ ٦٧٣", "municipality": "５０２１"},
                        profile.version, "nb")
    org = s.load().organisation
    assert (org.orgnr, org.municipality) == ("974760673", "5021")
    assert s.check_offer(offer_form(municipality="٥٠٢١"), "nb").municipality == "5021"
    gard = service(store, cluster, "gard")
    start = gard.load()
    taken = problems(gard.save_organisation, start.organisation, {"orgnr": "９７４７６０６７３"}, start.version, "en")
    assert taken == {"orgnr": t("profile.orgnr_taken", "en")}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("changes,field,key,values", [
    ({"price_amount": "tusen"}, "price", "profile.price_not_number", {}),
    ({"price_amount": "-50"}, "price", "profile.price_negative", {}),
    ({"capacity_per_day": 0}, "capacity_per_day", "error.at_least", {"limit": 1}),
    ({"months": []}, "months", "error.klynge_no_months", {}),
])
def test_bad_offers_are_explained(store, cluster, lang, changes, field, key, values):
    found = problems(service(store, cluster).check_offer, offer_form(**changes), lang)
    assert found == {field: t(key, lang, **values)}


def test_the_messages_are_really_translated():
    for key in ("profile.price_not_number", "profile.price_negative", "profile.orgnr_looks_swedish",
                "error.klynge_no_months", "error.klynge_municipality_unknown"):
        assert len({t(key, lang) for lang in LANGS}) == 3, key


def test_several_problems_at_once_each_by_its_field(store, cluster):
    found = problems(service(store, cluster).check_offer, offer_form(title="", months=[], price_amount="x"), "en")
    assert set(found) == {"title", "months", "price"}


@pytest.mark.parametrize("typed,amount", [("1 250,50", Decimal("1250.50")), ("450", Decimal(450)),
                                          ("450,-", Decimal(450)), ("12.5", Decimal("12.5")), ("abc", None),
                                          ("1,2,3", None), ("", None)])
def test_prices_as_people_type_them(typed, amount):
    assert parse_amount(typed) == amount


def test_offers_are_added_changed_and_removed(store, cluster):
    s = service(store, cluster)
    oid = s.save_offer(offer_form(price_amount="1 250,50"), "nb")
    [saved] = s.load().offers
    assert saved.value.id == oid and saved.value.price == Money(amount=Decimal("1250.50"), currency="NOK")
    assert saved.value.months == [1, 10, 11] and saved.value.languages == ["nb", "en"]
    s.save_offer(offer_form(title="Nordlys og bål"), "nb", oid, saved.version)
    [changed] = s.load().offers
    assert changed.value.title == "Nordlys og bål" and changed.version == saved.version + 1
    with pytest.raises(Conflict):  # made from the version before
        s.save_offer(offer_form(title="Gammel"), "nb", oid, saved.version)
    with pytest.raises(Conflict):
        s.remove_offer(oid, saved.version)
    s.remove_offer(oid, changed.version)
    assert s.load().offers == []


def test_another_organisations_offer_cannot_be_changed(store, cluster):
    gard = service(store, cluster, "gard")
    oid = gard.save_offer(offer_form(municipality="5014"), "nb")
    from klynge.errors import NotFound

    with pytest.raises(NotFound):
        service(store, cluster).save_offer(offer_form(), "nb", oid, 1)
    with pytest.raises(NotFound):
        service(store, cluster).remove_offer(oid, 1)


def test_a_stale_profile_save_is_a_conflict(store, cluster, colleague):
    mine, theirs = service(store, cluster), ProfileService(store, colleague, cluster["orgs"]["fjell"])
    start = mine.load()
    theirs.save_organisation(start.organisation, {"needs": "Deres tekst"}, start.version, "nb")
    with pytest.raises(Conflict) as caught:
        mine.save_organisation(start.organisation, {"needs": "Min tekst"}, start.version, "nb")
    assert caught.value.saved_by == ["Kari Fjell"]
    assert mine.load().organisation.needs == "Deres tekst"


def test_the_low_season_share_grows_with_a_low_season_offer(store, cluster):
    s = service(store, cluster)
    s.save_offer(offer_form(months=[2, 3, 4], capacity_per_day=20), "nb")  # the ski season
    winter = s.season([o.value for o in s.load().offers], "5021")
    assert winter.low == (1, 5, 6, 9, 10, 11)  # Oppdal's quiet months: from its guest nights
    assert winter.percent == 0 and winter.idle == winter.low and list(winter.capacity) == ["guests"]
    assert winter.capacity["guests"][1:4] == (560, 620, 600)
    s.save_offer(offer_form(months=[10, 11], capacity_per_day=20), "nb")
    both = s.season([o.value for o in s.load().offers], "5021")
    assert both.member_share == pytest.approx(61 / (89 + 61))
    assert both.percent == 41 and both.idle == (1, 5, 6, 9)
    assert both.area == "Oppdal" and both.area_share == pytest.approx(0.075 + 0.035 + 0.06 + 0.07 + 0.045 + 0.045)


def test_months_are_written_in_the_programmes_order():
    assert CALENDAR[0] == 9 and sorted(CALENDAR) == list(range(1, 13))
    assert months_text([1, 2, 10, 11, 12, 5], "nb") == "okt–feb, mai"
    assert months_text([9], "en") == "Sep"


# -- the page ------------------------------------------------------------------------------

def page(store, cluster, who="fjell", lang="nb"):
    return ProfilePage(service(store, cluster, who), lang=lang)


def test_the_page_shows_the_profile_and_saves_it(store, cluster):
    p = page(store, cluster)
    assert p._name.value == "Fjellguidene" and p._municipality.value == "5021"
    assert p._save.description == t("profile.save", "nb")
    assert {"miljofyrtarn", "green_key", "svanen"} <= set(p._certs) and "naturens_basta" not in p._certs
    assert set(p._subs) == {"food", "winter"} and p._subs["winter"].value
    p._needs.value = "Flere gjester i november"
    p._certs["green_key"].value = True
    p._save.click()
    assert t("profile.saved", "nb") in p._status.value
    org = store.organisation(Identity.system(), cluster["orgs"]["fjell"]).value
    assert org.needs == "Flere gjester i november" and org.certifications == ["green_key"]


def test_the_pin_goes_to_the_municipalitys_centre(store, cluster):
    p = page(store, cluster)
    assert p._map.lat is None and p._map.selected == "5021"
    p._municipality.value = "5001"
    assert p._map.selected == "5001"
    p._centre.click()
    assert (p._map.lat, p._map.lon) == (63.4305, 10.3951)
    p._save.click()
    org = store.organisation(Identity.system(), cluster["orgs"]["fjell"]).value
    assert (org.municipality, org.lat, org.lon) == ("5001", 63.4305, 10.3951)


def test_the_map_keeps_the_pin_inside_the_region():
    picker = MapPicker(lat=63.0, lon=10.0)
    picker.lat, picker.lon = 80.0, -4.0
    assert (picker.lat, picker.lon) == (65.6, 8.0)
    with pytest.raises(TraitError):
        picker.lat = float("nan")


def test_a_bad_field_is_said_beside_it_and_nothing_is_saved(store, cluster):
    p = page(store, cluster)
    p._orgnr.value = "974760674"
    p._save.click()
    assert t("error.klynge_orgnr_check", "nb") in p._org_fields["orgnr"].error.value
    assert t("profile.not_saved", "nb", n=1) in p._status.value
    assert store.organisation(Identity.system(), cluster["orgs"]["fjell"]).version == 1
    p.lang = "sv"  # the message follows the language
    assert t("error.klynge_orgnr_check", "sv") in p._org_fields["orgnr"].error.value
    assert t("profile.not_saved", "sv", n=1) in p._status.value
    p._orgnr.value = "974760673"
    p._save.click()
    assert p._org_fields["orgnr"].error.value == "" and t("profile.saved", "sv") in p._status.value


def test_a_conflict_keeps_what_was_typed(store, cluster, colleague):
    p = page(store, cluster)
    p._needs.value = "Min tekst"
    their_save(store, cluster, colleague, description="Deres beskrivelse")
    p._save.click()
    assert t("profile.conflict", "nb", who="Kari Fjell") in p._status.value
    assert p._needs.value == "Min tekst" and p._conflict.layout.display != "none"
    assert store.organisation(Identity.system(), cluster["orgs"]["fjell"]).value.needs == ""
    p.refresh()  # shown again: the typed text stays
    assert p._needs.value == "Min tekst"
    p._keep_mine.click()
    org = store.organisation(Identity.system(), cluster["orgs"]["fjell"]).value
    assert org.needs == "Min tekst" and t("profile.saved", "nb") in p._status.value


def test_take_theirs_loads_the_saved_profile(store, cluster, colleague):
    p = page(store, cluster)
    p._needs.value = "Min tekst"
    their_save(store, cluster, colleague, needs="Deres tekst")
    p._save.click()
    p._take_theirs.click()
    assert p._needs.value == "Deres tekst" and p._conflict.layout.display == "none"


def test_refresh_reads_the_store_again_when_nothing_was_typed(store, cluster, colleague):
    p = page(store, cluster)
    theirs = their_save(store, cluster, colleague, needs="Nytt behov")
    theirs.save_offer(offer_form(), "nb")
    p.refresh()
    assert p._needs.value == "Nytt behov" and "Nordlystur" in p._offers._list.children[0].children[0].value


def fill_offer(p, **changes):
    form, o = offer_form(**changes), p._offers
    o._title.value, o._kind.value = form["title"], form["kind"]
    o._municipality.value = form["municipality"]
    for m, button in o._months.items():
        button.value = m in form["months"]
    o._capacity.value, o._price.value = form["capacity_per_day"], form["price_amount"]
    for code, button in o._languages.items():
        button.value = code in form["languages"]


def caption(p):
    return p._season.value


def test_adding_a_low_season_offer_changes_the_picture(store, cluster):
    p = page(store, cluster)
    o = p._offers
    assert t("profile.season_share", "nb", share=0) in caption(p) and "<img" not in caption(p)
    o._add.click()
    assert o._form.layout.display == "" and o._currency.value == "NOK" and o._languages["nb"].value
    fill_offer(p, months=[2, 3, 4], capacity_per_day=20)
    o._save.click()
    assert t("profile.offer_saved", "nb") in o._list_status.value and o._form.layout.display == "none"
    assert t("profile.season_share", "nb", share=0) in caption(p) and "data:image/png;base64," in caption(p)
    o._add.click()
    fill_offer(p, title="Høstjakt", months=[10, 11], capacity_per_day=20)
    o._save.click()
    assert t("profile.season_share", "nb", share=41) in caption(p)
    assert f'alt="{t("profile.season_alt", "nb")}' in caption(p)
    p.lang = "en"
    assert "Low-season share of capacity: 41%" in caption(p)


def test_a_bad_offer_keeps_the_form_open_with_the_messages(store, cluster):
    p = page(store, cluster, lang="en")
    o = p._offers
    o._add.click()
    fill_offer(p, months=[], price_amount="-5", capacity_per_day=0)
    o._save.click()
    fields = o._fields
    assert t("error.klynge_no_months", "en") in fields["months"].error.value
    assert t("profile.price_negative", "en") in fields["price"].error.value
    assert t("error.at_least", "en", limit=1) in fields["capacity_per_day"].error.value
    assert o._form.layout.display == "" and store.offers(Identity.system(), cluster["orgs"]["fjell"]) == []
    p.lang = "nb"
    assert t("profile.price_negative", "nb") in fields["price"].error.value


def test_editing_and_removing_an_offer_from_the_page(store, cluster, colleague):
    s = service(store, cluster)
    oid = s.save_offer(offer_form(), "nb")
    p = page(store, cluster)
    o = p._offers
    row = o._list.children[0]
    edit, remove = row.children[1].children
    edit.click()
    assert o._title.value == "Nordlystur" and o._price.value == "950" and o._months[10].value
    o._title.value = "Nordlys med bål"
    # someone else changes the same offer meanwhile
    theirs = ProfileService(store, colleague, cluster["orgs"]["fjell"])
    theirs.save_offer(offer_form(title="Deres tittel"), "nb", oid, 1)
    o._save.click()
    assert t("profile.offer_conflict", "nb", who="Kari Fjell") in o._form_status.value
    assert o._title.value == "Nordlys med bål"
    o._keep.click()
    assert store.offers(Identity.system(), cluster["orgs"]["fjell"])[0].value.title == "Nordlys med bål"
    # removing asks first
    o._list.children[0].children[1].children[1].click()
    confirm = o._list.children[0].children[1]
    assert t("profile.remove_confirm", "nb", title="Nordlys med bål") in confirm.children[0].value
    confirm.children[1].click()
    assert store.offers(Identity.system(), cluster["orgs"]["fjell"]) == []
    assert t("profile.offer_removed", "nb") in o._list_status.value


def test_switching_language_relabels_everything(store, cluster):
    p = page(store, cluster)
    service(store, cluster).save_offer(offer_form(), "nb")
    p.refresh()
    p.lang = "sv"
    assert p._save.description == "Spara profilen" and p._offers._add.description == "Lägg till ett erbjudande"
    assert p._phase.options[0] == (t("batch.phase.idea", "sv").capitalize(), "idea")
    assert dict(p._offers._kind.options)[t("batch.offer.activity", "sv").capitalize()] == "activity"
    assert p._offers._months[9].description == "Sep" and p._offers._languages["de"].description == "Tyska"
    assert "Nyckel" not in p._head.value and t("nav.profile", "sv") in p._head.value
    assert p._map.labels["help"] == t("profile.map_help", "sv")
    assert "12 gäster per dag" in p._offers._list.children[0].children[0].value
    assert "950\u00a0NOK per person inkl. moms" in p._offers._list.children[0].children[0].value


def test_a_broken_store_shows_a_plain_message(store, cluster, caplog):
    s = service(store, cluster)
    p = ProfilePage(s)
    p._needs.value = "Noe"
    store.engine.dispose()
    s._store = None  # the store is gone: the save fails unexpectedly
    p._save.click()
    assert t("profile.error", "nb") in p._status.value and "Traceback" not in p._status.value
    assert p._needs.value == "Noe" and not p._save.disabled


def test_an_offer_title_with_markup_is_listed_as_text(store, cluster):
    p = page(store, cluster)
    o = p._offers
    o._add.click()
    fill_offer(p, title="<img src=x onerror=alert(1)> tur", months=[2, 3])
    o._save.click()
    listed = "".join(getattr(row.children[0], "value", "") for row in o._list.children)
    assert "<img" not in listed and "&lt;img src=x onerror=alert(1)&gt; tur" in listed
    assert '<div class="klynge-profile-offer-title"><b>&lt;img' in listed


# -- research use of the shared notes ----------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_the_research_box_records_consent_and_its_withdrawal(store, cluster, lang):
    page = ProfilePage(service(store, cluster), lang)
    assert page._research.value is False and t("profile.research_none", lang) in page._research_state.value
    assert page._research.description == t("profile.research_consent", lang)
    page._research.value = True
    fac = cluster["who"]["facilitator"]
    assert store.research_consent(fac, cluster["orgs"]["fjell"]).consented
    assert "Fjell Person" in page._research_state.value
    page._research.value = False
    assert [c.consented for c in store.research_consent_history(fac, cluster["orgs"]["fjell"])] == [True, False]
    again = ProfilePage(service(store, cluster), lang)
    assert again._research.value is False and "Fjell Person" in again._research_state.value


def test_the_research_box_is_read_only_for_a_facilitator(store, cluster):
    page = ProfilePage(ProfileService(store, cluster["who"]["facilitator"], cluster["orgs"]["fjell"]), "en")
    assert page._research.disabled
